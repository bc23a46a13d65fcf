"""``gongshi build`` and ``gongshi serve``: the transparency website.

gongshi build [PATH] [--out DIR] [--today YYYY-MM-DD] [--site-url URL] [--no-pdf] [--no-ledger]
gongshi serve [PATH] [--today YYYY-MM-DD] [--port N] [--no-pdf]

``serve`` shows the site exactly as ``build`` makes it (``orchestrate.preview_site``: the same
build, into a temporary folder, with no ledger write), served by mkdocs' live-reload server;
a change under centres/ or content/ builds it again (only the changed centres' parts are
made again) and the open pages reload.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import signal
import sys
import tempfile
import traceback
from pathlib import Path

from mkdocs.livereload import LiveReloadServer

from generator.build.mkdocs_site import _quiet_jieba
from generator.build.orchestrate import build_site, preview_site, print_notes
from generator.errors import GongshiError
from generator.records.validate import find_project


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
    """Preview with live reload: the build of ``gongshi build`` into a temporary folder, made
    again when a record changes (mkdocs' live-reload server reloads the open pages)."""
    today = args.today or dt.date.today()
    project = find_project(path)
    pdf = not args.no_pdf
    with tempfile.TemporaryDirectory(prefix="gongshi-serve-") as tmp:
        site = Path(tmp) / "site"
        first = preview_site(path, site, today=today, pdf=pdf)
        if first.out is None:
            sys.stderr.write(first.report.format("text") + "\n")
            return 1

        def rebuild() -> None:
            try:
                again = preview_site(path, site, today=today, pdf=pdf)
            except GongshiError as exc:
                sys.stderr.write(f"gongshi：无法更新预览：{exc}\n")
                return
            except Exception as exc:  # noqa: BLE001 — a bug: never show a traceback to the user
                if os.environ.get("GONGSHI_DEBUG"):
                    traceback.print_exc()
                sys.stderr.write(
                    f"gongshi：无法更新预览：内部错误（{type(exc).__name__}）。这是程序的缺陷，"
                    "不是记录的问题；请设置环境变量 GONGSHI_DEBUG=1 重新运行，并把输出提交给维护者。\n"
                )
                return
            if again.out is None:
                sys.stderr.write(
                    again.report.format("text") + "\n记录有错误，预览保持上一次的内容。\n"
                )
            else:
                sys.stdout.write("记录已更新，页面重新生成。\n")
                sys.stdout.flush()

        server = LiveReloadServer(builder=rebuild, host="127.0.0.1", port=args.port, root=str(site))
        server.error_handler = lambda code: _error_page(site, code)
        for folder in (project.centres, project.content):
            if folder.is_dir():
                server.watch(str(folder))
        _quiet_jieba()
        # Stopped by a service manager (SIGTERM): end like Ctrl+C, so the preview folder goes.
        signal.signal(signal.SIGTERM, _interrupt)
        sys.stdout.write(f"预览地址：http://127.0.0.1:{args.port}/ （按 Ctrl+C 停止）\n")
        sys.stdout.flush()
        try:
            server.serve()
        except KeyboardInterrupt:
            pass
        finally:
            server.shutdown()
    return 0


def _error_page(site: Path, code: int) -> bytes | None:
    """The site's own 404 page for a missing page (as mkdocs serve shows it)."""
    page = site / f"{code}.html"
    return page.read_bytes() if code == 404 and page.is_file() else None


def _interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt
