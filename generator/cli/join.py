"""``gongshi join --out FOLDER NAME=SITE ...``: the province index site over district shards.

Each NAME=SITE is a shard's built output (its ``public/``), published under ``/NAME/``; the
index site written to FOLDER goes at ``/`` (see generator/build/join.py and docs/deploy.md).
Exit codes: 0 written; 3 when a shard cannot be read (nothing is written).
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from pathlib import Path

from generator.build.join import DEFAULT_TITLE, join_shards, parse_shard
from generator.cli.args import add_day


def add_arguments(p: argparse.ArgumentParser, name: str) -> None:
    p.add_argument(
        "shards",
        nargs="+",
        metavar="名称=文件夹",
        help="分站：发布时的网址段（如 futian）和它生成好的输出文件夹（如 futian/public）",
    )
    p.add_argument("--out", required=True, help="汇总站的输出文件夹（整个替换）")
    p.add_argument("--title", default=DEFAULT_TITLE, help=f"汇总站标题（默认：{DEFAULT_TITLE}）")
    add_day(p, "汇总日期（YYYY-MM-DD，默认今天）")


def run(args: argparse.Namespace) -> int:
    shards = [parse_shard(text) for text in args.shards]
    count = join_shards(shards, Path(args.out), args.today or dt.date.today(), args.title)
    sys.stdout.write(f"已生成汇总站：{args.out}（{len(shards)} 个分站，{count} 个中心）\n")
    return 0
