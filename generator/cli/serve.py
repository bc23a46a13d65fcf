"""``gongshi serve``: a preview of the transparency website that follows the records.

gongshi serve [PATH] [--today YYYY-MM-DD] [--port N] [--no-pdf]

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
import signal
import socket
import sys
import tempfile
from pathlib import Path

from mkdocs.livereload import LiveReloadServer

from generator.build.mkdocs_site import _quiet_jieba
from generator.build.orchestrate import preview_site
from generator.cli import report_bug
from generator.cli.build import add_site_options, found_path, print_awaiting
from generator.errors import GongshiError
from generator.records.validate import find_project
from generator.text.personal import mask_numbers


def _port(text: str) -> int:
    if not text.isdigit() or not 1 <= int(text) <= 65535:
        raise argparse.ArgumentTypeError(
            f"端口应是 1 至 65535 之间的整数，例如 8000（不是 {text!r}）"
        )
    return int(text)


def add_arguments(p: argparse.ArgumentParser, name: str) -> None:
    add_site_options(p)
    p.add_argument(
        "--port", type=_port, default=8000, metavar="端口", help="本地预览端口（默认 8000）"
    )


def run(args: argparse.Namespace) -> int:
    path = found_path(args)
    if path is None:
        return 1
    return serve(args, path)


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
                report_bug(exc, "gongshi：无法更新预览：")
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
        # An interrupt ends it too when it was started where interrupts are ignored (a
        # background job of a script, which hands that on to what it starts).
        signal.signal(signal.SIGTERM, _interrupt)
        signal.signal(signal.SIGINT, signal.default_int_handler)
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
