"""``gongshi check [PATH] [--today YYYY-MM-DD] [--strict] [--format text|json|github]``.

After the problems, ``check`` says how many rules of each centre's pack passed, failed and
could not be checked for lack of records (``compliance.counts_text``), so that a clean run
is not read as “everything was checked”; ``--format json`` lists every rule with its status
and, when it could not be checked, why.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from generator.cli.args import add_day
from generator.compliance import counts_text, rule_counts, rule_statuses
from generator.pipeline import load_project
from generator.rules.base import STATUSES
from generator.text.personal import mask_numbers


def add_arguments(p: argparse.ArgumentParser, name: str) -> None:
    p.add_argument(
        "path",
        nargs="?",
        default=".",
        help="项目文件夹、centres/ 或某个中心的文件夹（默认当前文件夹）",
    )
    add_day(p, "按这一天检查（公布日期、出席记录和期限；YYYY-MM-DD，默认今天）")
    p.add_argument("--strict", action="store_true", help="有警告时也返回非零退出码（2）")
    p.add_argument("--format", choices=("text", "json", "github"), default="text", help="输出格式")


def count_lines(validated) -> list[str]:
    """One line per centre checked against its pack, and the total when there are several."""
    names = {c.id: c.name for c in validated.centres}
    total = dict.fromkeys(STATUSES, 0)
    lines = []
    for centre_id, results in validated.results.items():
        counts = rule_counts(results)
        for k, v in counts.items():
            total[k] += v
        lines.append(f"{names.get(centre_id, centre_id)}：{counts_text(counts)}")
    if len(lines) == 1:
        return [counts_text(total)]
    if lines:
        lines.append(f"合计：{counts_text(total)}")
    return lines


def run(args: argparse.Namespace) -> int:
    path = Path(args.path)
    if not path.exists():
        sys.stderr.write(f"gongshi：找不到路径 {path}\n")
        return 1
    validated = load_project(path, args.today)
    report = validated.report
    if args.format == "json":
        out = json.loads(report.format("json", mask_numbers))
        out["rule_counts"] = {
            centre_id: rule_counts(results) for centre_id, results in validated.results.items()
        }
        out["rules"] = [
            row
            for centre_id, results in validated.results.items()
            for row in rule_statuses(centre_id, results)
        ]
        sys.stdout.write(json.dumps(out, ensure_ascii=False, indent=2) + "\n")
    else:
        text = report.format(args.format, mask_numbers)
        counts = count_lines(validated)
        if args.format == "github":
            counts = [f"::notice title=规则检查::{line}" for line in counts]
        sys.stdout.write("\n".join([text, *counts]) + "\n")
    return report.exit_code(args.strict)
