"""``gongshi build`` and ``gongshi serve``: the transparency website.

gongshi build [PATH] [--out DIR] [--today YYYY-MM-DD] [--site-url URL] [--no-pdf] [--no-ledger]
gongshi serve [PATH] [--today YYYY-MM-DD] [--port N] [--no-pdf]

``build`` publishes every centre whose records have no errors; compliance findings are
published, never a reason to stop. Exit codes: 0 every centre published; 1 some centre's
records have errors (it keeps its last published pages, the others are published), or
content/ has errors (nothing is published); 3 the build cannot continue.

``serve`` shows the site exactly as ``build`` makes it (``orchestrate.preview_site``: the same
build, into a temporary folder, with no ledger write), served by mkdocs' live-reload server;
a change under centres/ or content/ builds it again (only the changed centres' parts are
made again) and the open pages reload.
"""

from __future__ import annotations

import argparse
import datetime as dt
import errno
import logging
import os
import signal
import socket
import sys
import tempfile
import traceback
from pathlib import Path

from mkdocs.livereload import LiveReloadServer

from generator.build.engine import ENGINES, UseEngine, engine_name
from generator.build.mkdocs_site import _quiet_jieba
from generator.build.orchestrate import BuildResult, build_site, preview_site, print_notes
from generator.cli.args import add_day
from generator.errors import GongshiError
from generator.problems import Severity
from generator.records.validate import find_project
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


def _port(text: str) -> int:
    if not text.isdigit() or not 1 <= int(text) <= 65535:
        raise argparse.ArgumentTypeError(
            f"端口应是 1 至 65535 之间的整数，例如 8000（不是 {text!r}）"
        )
    return int(text)


def add_arguments(p: argparse.ArgumentParser, name: str) -> None:
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
    if name == "build":
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
    else:
        p.add_argument(
            "--port", type=_port, default=8000, metavar="端口", help="本地预览端口（默认 8000）"
        )


def run(args: argparse.Namespace) -> int:
    path = Path(args.path)
    if not path.exists():
        sys.stderr.write(f"gongshi：找不到路径 {path}\n")
        return 1
    if args.command == "serve":
        return serve(args, path)
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


def serve(args: argparse.Namespace, path: Path) -> int:
    """Preview with live reload: the build of ``gongshi build`` into a temporary folder, made
    again when a record changes (mkdocs' live-reload server reloads the open pages)."""
    today = args.today or dt.date.today()
    project = find_project(path)
    pdf = not args.no_pdf
    taken = _port_problem(args.port)  # said before the first build, not after it
    if taken is not None:
        sys.stderr.write(taken)
        return 3
    with tempfile.TemporaryDirectory(prefix="gongshi-serve-") as tmp:
        site = Path(tmp) / "site"
        first = preview_site(path, site, today=today, pdf=pdf)
        if first.out is None:
            sys.stderr.write(first.report.format("text", mask_numbers) + "\n")
            return 1
        if first.awaiting:
            sys.stderr.write(first.report.format("text", mask_numbers) + "\n")
            print_awaiting(first)

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
                    again.report.format("text", mask_numbers) + "\n有错误，预览保持上一次的内容。\n"
                )
                return
            if again.awaiting:
                sys.stderr.write(again.report.format("text", mask_numbers) + "\n")
                print_awaiting(again)
            sys.stdout.write("记录已更新，页面重新生成。\n")
            sys.stdout.flush()

        server = LiveReloadServer(builder=rebuild, host="127.0.0.1", port=args.port, root=str(site))
        quiet_server_log()
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
        except OSError as exc:  # the port was taken while the first build ran
            sys.stderr.write(_port_message(args.port, exc))
            return 3
        finally:
            server.shutdown()
    return 0


def _port_message(port: int, exc: OSError) -> str:
    why = "已被其他程序占用" if exc.errno == errno.EADDRINUSE else (exc.strerror or str(exc))
    return f"gongshi：无法在端口 {port} 上启动预览：{why}；请用 --port 换一个端口\n"


def _port_problem(port: int) -> str | None:
    """Why the preview cannot listen on ``port`` (in Chinese), or None."""
    probe = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    try:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as the server does
        probe.bind(("127.0.0.1", port))
    except OSError as exc:
        return _port_message(port, exc)
    finally:
        probe.close()
    return None


class _ServerErrors(logging.Handler):
    """The preview server's log, shown only when something is wrong: its requests, page
    loads and reloads (INFO, and WARNING for a page that does not exist) are not news."""

    def __init__(self) -> None:
        super().__init__(logging.ERROR)

    def emit(self, record: logging.LogRecord) -> None:
        sys.stderr.write(f"gongshi：预览服务器出错：{record.getMessage()}\n")


def quiet_server_log() -> None:
    """Route mkdocs' dev-server log (``mkdocs.livereload``) to ``_ServerErrors`` alone."""
    logger = logging.getLogger("mkdocs.livereload")
    for handler in list(logger.handlers):
        if isinstance(handler, _ServerErrors):
            logger.removeHandler(handler)
    logger.addHandler(_ServerErrors())
    logger.propagate = False


def _error_page(site: Path, code: int) -> bytes | None:
    """The site's own 404 page for a missing page (as mkdocs serve shows it)."""
    page = site / f"{code}.html"
    return page.read_bytes() if code == 404 and page.is_file() else None


def _interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt
