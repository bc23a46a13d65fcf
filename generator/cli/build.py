"""``gongshi build`` and ``gongshi serve``: the transparency website.

gongshi build [PATH] [--out DIR] [--today YYYY-MM-DD] [--site-url URL] [--no-pdf] [--no-ledger]
gongshi serve [PATH] [--today YYYY-MM-DD] [--port N] [--no-pdf]
"""

from __future__ import annotations

import argparse
import datetime as dt
import signal
import sys
import tempfile
import threading
from pathlib import Path

from generator.errors import GongshiError


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"日期应写成 YYYY-MM-DD，例如 2026-11-22，这里是 {text}"
        ) from None


def _url(text: str) -> str:
    if not text.startswith(("http://", "https://")):
        raise argparse.ArgumentTypeError(f"网址应以 http:// 或 https:// 开头，这里是 {text}")
    return text.rstrip("/")


def _jobs(text: str) -> int:
    if not text.isdigit() or int(text) < 1:
        raise argparse.ArgumentTypeError(f"应是正整数，例如 2（不是 {text!r}）")
    return int(text)


def add_arguments(p: argparse.ArgumentParser, name: str) -> None:
    p.add_argument(
        "path",
        nargs="?",
        default=".",
        help="项目文件夹、centres/ 或某个中心的文件夹（默认当前文件夹）",
    )
    p.add_argument(
        "--today",
        type=_date,
        default=None,
        help="按这一天生成“今日开放”和逾期状态（YYYY-MM-DD，默认今天）",
    )
    p.add_argument(
        "--site-url",
        type=_url,
        default=None,
        help="网站正式地址，用于订阅源、日历和打印件上的二维码，例如 https://gs.example.org",
    )
    p.add_argument("--no-pdf", action="store_true", help="不生成打印版 PDF（更快）")
    if name == "build":
        p.add_argument(
            "--out",
            type=Path,
            default=None,
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
            help="同时生成几个中心（默认等于处理器核数）；未改动的中心直接取自缓存 .gongshi-cache/",
        )
    else:
        p.add_argument("--port", type=int, default=8000, help="本地预览端口（默认 8000）")


def run(args: argparse.Namespace) -> int:
    path = Path(args.path)
    if not path.exists():
        sys.stderr.write(f"gongshi：找不到路径 {path}\n")
        return 1
    if args.command == "serve":
        return serve(args, path)
    from generator.build.orchestrate import build_site, print_notes

    result = build_site(
        path,
        args.out,
        today=args.today,
        site_url=args.site_url,
        pdf=not args.no_pdf,
        ledger=not args.no_ledger,
        jobs=args.jobs,
    )
    if result.report.errors or result.report.warnings:
        sys.stderr.write(result.report.format("text") + "\n")
    if result.out is None:
        sys.stderr.write("gongshi：记录有错误，未生成网站；原有网站保持不变。\n")
        return 1
    print_notes(result)
    sys.stdout.write(f"已生成网站：{result.out}（{result.pages} 个页面，{result.pdfs} 个 PDF）\n")
    if result.reused:
        sys.stdout.write(
            f"其中 {len(result.reused)} 个中心的记录未改动，页面和 PDF 取自上次生成的缓存"
            f"（.gongshi-cache/）；重新生成了 {len(result.made)} 个中心\n"
        )
    return 0


def serve(args: argparse.Namespace, path: Path) -> int:
    """Preview with live reload; record changes regenerate the pages, mkdocs reloads."""
    from mkdocs.commands.serve import serve as mkdocs_serve

    from generator.build.orchestrate import _env, _quiet_jieba, prepare_docs
    from generator.records.validate import find_project

    today = args.today or dt.date.today()
    project = find_project(path)
    with tempfile.TemporaryDirectory(prefix="gongshi-serve-") as tmp:
        work = Path(tmp)
        report, config = prepare_docs(path, work, today=today, site_url=None, pdf=not args.no_pdf)
        if config is None:
            sys.stderr.write(report.format("text") + "\n")
            return 1
        stop = threading.Event()
        watcher = threading.Thread(
            target=_watch_records,
            args=(project.root, path, work, today, not args.no_pdf, stop),
            daemon=True,
        )
        watcher.start()
        _quiet_jieba()
        # Stopped by a service manager (SIGTERM): end like Ctrl+C, so the preview folder goes.
        signal.signal(signal.SIGTERM, _interrupt)
        sys.stdout.write(f"预览地址：http://127.0.0.1:{args.port}/ （按 Ctrl+C 停止）\n")
        sys.stdout.flush()
        try:
            with _env(NO_MKDOCS_2_WARNING="1"):
                mkdocs_serve(
                    config_file=str(config), livereload=True, dev_addr=f"127.0.0.1:{args.port}"
                )
        finally:
            stop.set()
    return 0


def _interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


def _watch_records(
    root: Path, path: Path, work: Path, today: dt.date, pdf: bool, stop: threading.Event
) -> None:
    """Poll the records; when a file changes, render the docs again (mkdocs reloads)."""
    from generator.build.orchestrate import prepare_docs

    def snapshot() -> dict[str, float]:
        out = {}
        for folder in (root / "centres", root / "content"):
            if folder.is_dir():
                for p in folder.rglob("*"):
                    if p.is_file():
                        out[str(p)] = p.stat().st_mtime
        return out

    seen = snapshot()
    while not stop.wait(1.0):
        now = snapshot()
        if now == seen:
            continue
        seen = now
        try:
            report, config = prepare_docs(path, work, today=today, site_url=None, pdf=pdf)
        except GongshiError as exc:
            sys.stderr.write(f"gongshi：无法更新预览：{exc}\n")
            continue
        if config is None:
            sys.stderr.write(report.format("text") + "\n记录有错误，预览保持上一次的内容。\n")
        else:
            sys.stdout.write("记录已更新，页面重新生成。\n")
