"""``gongshi check [PATH] [--today YYYY-MM-DD] [--strict] [--format text|json|github]``."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from generator.cli.args import add_day
from generator.pipeline import load_project


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


def run(args: argparse.Namespace) -> int:
    path = Path(args.path)
    if not path.exists():
        sys.stderr.write(f"gongshi：找不到路径 {path}\n")
        return 1
    report = load_project(path, args.today).report
    sys.stdout.write(report.format(args.format) + "\n")
    return report.exit_code(args.strict)
