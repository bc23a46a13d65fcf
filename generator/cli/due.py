"""``gongshi due [CENTRE] [--as-of DATE] [--format text|json]``: the disclosure calendar.

Lists each centre's disclosures with due date, publication date and state (see
generator/figures/calendar.py and docs/workflow.md). Exit 0 when listed; 1 when a centre could
not be listed because its records have errors (run ``gongshi check``).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
import unicodedata
from pathlib import Path

from generator.cli.args import add_day
from generator.disclosures import BY_KEY as DISCLOSURE_KINDS
from generator.figures.calendar import (
    SOON_DAYS,
    STATE_LABELS,
    DueItem,
    disclosure_states,
    missing_rules,
)
from generator.pipeline import RECORDS, load
from generator.records.validate import find_project


def add_arguments(p: argparse.ArgumentParser, name: str) -> None:
    p.add_argument(
        "centre", nargs="?", default=None, help="中心编号或中心文件夹（不填则列出项目中的全部中心）"
    )
    p.add_argument("--project", default=".", help="项目文件夹（默认当前文件夹）")
    add_day(p, "按哪一天计算状态（默认今天）", "--as-of")
    p.add_argument(
        "--soon",
        type=int,
        default=SOON_DAYS,
        metavar="天数",
        help=f"截止日前多少天内显示为“即将到期”（默认 {SOON_DAYS}）",
    )
    p.add_argument("--format", choices=("text", "json"), default="text", help="输出格式")
    p.add_argument(
        "--overdue",
        action="store_true",
        help="只列出有逾期公示的中心和它们逾期公布、逾期未公布的项目，最后给出合计",
    )


def width(text: str) -> int:
    """Columns a string takes in a terminal (Chinese characters take two)."""
    return sum(2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1 for ch in text)


def pad(text: str, cols: int) -> str:
    return text + " " * max(0, cols - width(text))


def _date(d: dt.date | None) -> str:
    return d.isoformat() if d else "—"


def _note(item: DueItem) -> str:
    if item.state == "late":
        return f"晚 {item.days} 天"
    if item.state == "missing":
        return f"已过期 {item.days} 天" + ("" if item.recorded else f"（没有 {item.file}）")
    if item.state in ("due", "upcoming"):
        return f"还有 {item.days} 天" if item.days else "今天截止"
    if item.state == "published":
        return "按期" if item.due else ""
    if item.state == "undated":
        return "规则包未规定公开期限" if item.kind != "evaluation" else ""
    return ""


def format_table(rows: list[list[str]]) -> str:
    cols = [max(width(r[i]) for r in rows) for i in range(len(rows[0]))]
    out = []
    for r in rows:
        out.append("  ".join(pad(cell, cols[i]) for i, cell in enumerate(r)).rstrip())
    return "\n".join(out)


def run(args: argparse.Namespace) -> int:
    as_of = args.as_of or dt.date.today()
    project = find_project(Path(args.project))
    only = None
    if args.centre:
        as_path = Path(args.centre)
        only = as_path if (as_path / "centre.yaml").is_file() else project.centres / args.centre
        if not (only / "centre.yaml").is_file():
            sys.stderr.write(f"gongshi due：找不到中心 {args.centre}\n")
            return 1
        project = find_project(only)
    result = load(project, only, as_of, RECORDS)
    lib = result.library
    listed = {c.id for c in result.centres}
    broken = sorted(
        {
            p.file.split("/")[1]
            for p in result.report.errors
            if p.file.startswith("centres/") and p.file.count("/") >= 1
        }
        - listed
    )
    payload = []
    blocks = []
    overdue_centres = 0
    overdue_items = 0
    for centre in result.centres:
        pack = lib.packs.get(centre.rule_pack) if lib else None
        items = disclosure_states(centre, pack, as_of, args.soon)
        if args.overdue:
            items = [i for i in items if i.overdue]
            if not items:  # an officer's list: only the centres that need chasing
                continue
            overdue_centres += 1
            overdue_items += len(items)
        gaps = missing_rules(pack)
        payload.append(
            {
                "centre": centre.id,
                "name": centre.name,
                "as_of": as_of.isoformat(),
                "rule_pack": centre.rule_pack,
                "no_deadline": gaps,
                "items": [i.as_dict() for i in items],
            }
        )
        head = f"{centre.name}（{centre.id}）  截至 {as_of.isoformat()}  规则包 {centre.rule_pack}"
        lines = [head]
        if items:
            rows = [["公示项目", "截止日期", "公布日期", "状态", "说明"]]
            rows += [
                [i.title, _date(i.due), _date(i.published), i.state_label, _note(i)] for i in items
            ]
            lines.append(format_table(rows))
        else:
            lines.append("（没有需要列出的公示）")
        counts = {s: sum(1 for i in items if i.state == s) for s in STATE_LABELS}
        summary = "，".join(f"{STATE_LABELS[s]} {n} 项" for s, n in counts.items() if n)
        if summary:
            lines.append(f"合计：{summary}。")
        for kind in gaps:
            lines.append(
                f"说明：规则包 {centre.rule_pack} 没有规定{DISCLOSURE_KINDS[kind].label}的公开期限，不计算截止日期。"
            )
        cites = sorted({i.citation for i in items if i.citation})
        if cites:
            lines.append("依据：" + "、".join(cites))
        blocks.append("\n".join(lines))
    if args.format == "json":
        doc = {"as_of": as_of.isoformat(), "centres": payload, "not_listed": broken}
        if args.overdue:
            doc["overdue"] = {"centres": overdue_centres, "items": overdue_items}
        sys.stdout.write(json.dumps(doc, ensure_ascii=False, indent=2) + "\n")
    else:
        if blocks:
            sys.stdout.write("\n\n".join(blocks) + "\n")
        elif not broken and not args.overdue:
            sys.stdout.write("没有找到中心。\n")
        if args.overdue:
            total = len(result.centres)
            sys.stdout.write(
                ("\n" if blocks else "")
                + f"截至 {as_of.isoformat()}：{total} 个中心中，{overdue_centres} 个有逾期的公示，"
                f"共 {overdue_items} 项。\n"
            )
    for cid in broken:
        sys.stderr.write(
            f"gongshi due：中心 {cid} 的记录有错误，未列出；请先运行 gongshi check centres/{cid}\n"
        )
    return 1 if broken else 0
