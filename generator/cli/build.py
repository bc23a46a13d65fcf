"""``gongshi build``: the transparency website.

gongshi build [PATH] [--out DIR] [--today YYYY-MM-DD] [--site-url URL] [--no-pdf] [--no-ledger]

``build`` publishes every centre whose records have no errors; compliance findings are
published, never a reason to stop. Exit codes: 0 every centre published; 1 some centre's
records have errors (it keeps its last published pages, the others are published), or
content/ has errors (nothing is published); 3 the build cannot continue. The options it
shares with ``gongshi serve`` (``cli.serve``) are ``add_site_options``.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from generator.build.engine import ENGINES, UseEngine, engine_name
from generator.build.orchestrate import BuildResult, build_site, print_notes
from generator.cli.args import add_day
from generator.problems import Severity
from generator.text.formats import date_text
from generator.text.personal import mask_numbers


def _url(text: str) -> str:
    if not text.startswith(("http://", "https://")):
        raise argparse.ArgumentTypeError(f"网址应以 http:// 或 https:// 开头，这里是 {text}")
    return text.rstrip("/")


def _jobs(text: str) -> int:
    if not text.isdigit() or int(text) < 1:
        raise argparse.ArgumentTypeError(f"应是正整数，例如 2（不是 {text!r}）")
    return int(text)


def add_site_options(p: argparse.ArgumentParser) -> None:
    """The options of ``build`` and ``serve``: what is built, on which day, how."""
    p.add_argument(
        "path",
        nargs="?",
        default=".",
        help="项目文件夹、centres/ 或某个中心的文件夹（默认当前文件夹）",
    )
    add_day(p, "按这一天生成：哪些公示已公布、合规检查结果和网站的更新日期（YYYY-MM-DD，默认今天）")
    p.add_argument(
        "--site-url",
        type=_url,
        default=None,
        metavar="网址",
        help="网站正式地址，用于订阅源、日历和打印件上的二维码，例如 https://gs.example.org",
    )
    p.add_argument("--no-pdf", action="store_true", help="不生成打印版 PDF（更快）")
    p.add_argument(
        "--engine",
        type=engine_name,
        action=UseEngine,
        default=None,
        metavar="|".join(ENGINES),
        help="生成网站所用的引擎：mkdocs（默认，mkdocs-material）或 zensical（其后继者 Zensical，"
        "试用；见 docs/site.md“网站引擎”）",
    )


def add_arguments(p: argparse.ArgumentParser, name: str) -> None:
    add_site_options(p)
    p.add_argument(
        "--out",
        type=Path,
        default=None,
        metavar="文件夹",
        help="输出文件夹（默认项目文件夹下的 public/）；生成失败时原有内容保持不变",
    )
    p.add_argument(
        "--no-ledger",
        action="store_true",
        help="不把这次生成记入各中心的公示台账 published.yaml（试生成、按其他日期预览时用）",
    )
    p.add_argument(
        "--jobs",
        type=_jobs,
        default=None,
        metavar="个数",
        help="同时生成几个中心（默认等于处理器核数）；未改动的中心直接取自缓存 .gongshi-cache/",
    )


def found_path(args: argparse.Namespace) -> Path | None:
    """The path the command was given, or None (said) when there is nothing there."""
    path = Path(args.path)
    if not path.exists():
        sys.stderr.write(f"gongshi：找不到路径 {path}\n")
        return None
    return path


def run(args: argparse.Namespace) -> int:
    path = found_path(args)
    if path is None:
        return 1
    result = build_site(
        path,
        args.out.absolute() if args.out is not None else None,  # relative to where it was typed
        today=args.today,
        site_url=args.site_url,
        pdf=not args.no_pdf,
        ledger=not args.no_ledger,
        jobs=args.jobs,
    )
    if result.report.errors or result.report.warnings:
        sys.stderr.write(result.report.format("text", mask_numbers) + "\n")
    if result.out is None:
        sys.stderr.write("gongshi：有错误（见上），未生成网站；原有网站保持不变。\n")
        return 1
    print_notes(result)
    sys.stdout.write(f"已生成网站：{result.out}（{result.pages} 个页面，{result.pdfs} 个 PDF）\n")
    if result.reused:
        sys.stdout.write(
            f"其中 {len(result.reused)} 个中心的记录未改动，页面和 PDF 取自上次生成的缓存"
            f"（.gongshi-cache/）；重新生成了 {len(result.made)} 个中心\n"
        )
    print_findings(result)
    return print_awaiting(result)


def print_findings(result: BuildResult) -> None:
    """Say that the compliance findings were published (they never stop a build)."""
    shortfalls = [p for p in result.report.findings if p.severity is Severity.ERROR]
    if shortfalls:
        sys.stdout.write(
            f"合规检查发现 {len(shortfalls)} 项不符合规定（见上，含依据条款）：已照常公布，"
            "并在相应中心的“合规检查”页面和相关公示中如实列出\n"
        )


def print_awaiting(result: BuildResult) -> int:
    """Name the centres not published because their records have errors; the exit code."""
    if not result.awaiting:
        return 0
    kept = set(result.kept)
    named = "；".join(
        f"{cid}（记录待更正，自{date_text(since)}起；"
        + (
            "网站上保留上次公布的页面、打印件和开放数据"
            if cid in kept
            else "尚未公布过，首页只列出名称"
        )
        + "）"
        for cid, since in sorted(result.awaiting.items())
    )
    sys.stderr.write(
        f"gongshi：以下 {len(result.awaiting)} 个中心的记录有错误（见上），本次没有重新生成：{named}。"
        "其他中心已照常生成。改正错误后重新运行 gongshi build。\n"
    )
    return 1
