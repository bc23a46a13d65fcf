"""Helpers of the website tests: build a project, serve the site, drive Debian's Chromium."""

from __future__ import annotations

import contextlib
import functools
import http.server
import os
import shutil
import socketserver
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
MINIMAL = ROOT / "tests" / "fixtures" / "minimal"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]

# Titles that must print literally on every page (and never run or render as markup).
HOSTILE = (
    "<script>alert(1)</script>",
    "**x**",
    "[a](javascript:x)",
    "{{ 7*7 }}",
    "{% raw %}",
)


def gongshi(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess:
    """Run the real command line in a fresh interpreter."""
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    return subprocess.run(
        [sys.executable, "-m", "generator", *args],
        cwd=cwd or ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )


def build(
    project: Path, out: Path, today: str = "2026-03-15", *extra: str
) -> subprocess.CompletedProcess:
    done = gongshi(
        "build",
        str(project),
        "--out",
        str(out),
        "--today",
        today,
        "--no-pdf",
        *in_repo(project),
        *extra,
    )
    return done


def in_repo(project: Path) -> tuple[str, ...]:
    """``--no-ledger`` for a project inside the repository (the samples, the fixture).

    Those are built in place: a build must not record publications in their
    published.yaml files (tests/ledger/test_corrections_e2e.py builds copies with the ledger on).
    """
    return ("--no-ledger",) if Path(project).resolve().is_relative_to(ROOT) else ()


def tree_bytes(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def hostile_project(tmp_path: Path) -> Path:
    """A copy of the minimal fixture whose activity titles and notes are hostile text."""
    dest = tmp_path / "hostile"
    shutil.copytree(MINIMAL, dest)
    plan = dest / "centres" / "demo" / "plans" / "2026-03.yaml"
    text = plan.read_text(encoding="utf-8")
    extra = ""
    for i, title in enumerate(HOSTILE):
        day = 11 + i
        quoted = title.replace("'", "''")
        extra += (
            f'  - id: H{i}\n    date: 2026-03-{day:02d}\n    start: "14:00"\n    end: "15:00"\n'
            f"    room: 多功能活动室\n    title: '{quoted}'\n    service: 3.3.1\n    form: 群体\n"
            f"    target: '{quoted}'\n    capacity: 10\n    signup: '{quoted}'\n"
        )
    plan.write_text(text.rstrip("\n") + "\n" + extra, encoding="utf-8")
    centre = dest / "centres" / "demo" / "centre.yaml"
    ctext = centre.read_text(encoding="utf-8")
    # A staff name must never be published anywhere.
    ctext = ctext.replace(
        "head: true, training_hours: 56}", "head: true, training_hours: 56, name: 柯思远}"
    )
    ctext = ctext.replace(
        "feedback: 意见箱设在一楼大厅", "feedback: '<img src=x onerror=alert(2)> | **粗** `代码`'"
    )
    centre.write_text(ctext, encoding="utf-8")
    return dest


# ---------------------------------------------------------------- serving and the browser


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


class _Server(socketserver.ThreadingTCPServer):
    # Chromium keeps idle (pre)connections open; never wait for their threads on shutdown.
    allow_reuse_address = True
    daemon_threads = True
    block_on_close = False


@contextlib.contextmanager
def serve(folder: Path) -> Iterator[str]:
    """Serve a folder on 127.0.0.1 (a free port) in a thread; yields the base URL."""
    handler = functools.partial(_Quiet, directory=str(folder))
    with _Server(("127.0.0.1", 0), handler) as httpd:
        thread = threading.Thread(target=httpd.serve_forever, daemon=True)
        thread.start()
        try:
            yield f"http://127.0.0.1:{httpd.server_address[1]}/"
        finally:
            httpd.shutdown()


def need_chromium() -> None:
    """Skip without Debian's chromium, except under CI where its absence is a failure."""
    if Path(CHROMIUM).exists():
        return
    if os.environ.get("CI") == "true":
        pytest.fail(f"{CHROMIUM} is missing under CI: scripts/setup.sh --test installs it")
    pytest.skip(
        f"{CHROMIUM} not installed (bash scripts/setup.sh --test installs Debian's chromium)"
    )


@contextlib.contextmanager
def chromium_browser() -> Iterator[object]:
    """Debian's Chromium under Playwright (no browser download).

    ``launch`` gives every run a fresh, temporary user-data-dir of its own; each test then
    opens its own context (``new_context``) so settings such as JavaScript can differ.
    """
    need_chromium()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        try:
            yield b
        finally:
            b.close()


def new_context(b: object, **options: object) -> object:
    """A phone-sized Chinese-locale browser context."""
    return b.new_context(
        **{
            "locale": "zh-CN",
            "viewport": {"width": 412, "height": 915},  # type: ignore[attr-defined]
            "device_scale_factor": 1,
            **options,
        }
    )


@contextlib.contextmanager
def browser(**options: object) -> Iterator[object]:
    """A browser context in a Chromium of its own (for scripts and single tests)."""
    with chromium_browser() as b:
        ctx = new_context(b, **options)
        try:
            yield ctx
        finally:
            ctx.close()


def axe_source() -> str:
    """axe-core, as shipped inside the axe-playwright-python package (pinned in pyproject)."""
    import axe_playwright_python

    path = Path(axe_playwright_python.__file__).parent / "axe.min.js"
    return path.read_text(encoding="utf-8")


def axe_serious(page: object) -> list[dict]:
    """Run axe-core on a page; the serious and critical violations."""
    page.evaluate(axe_source())  # type: ignore[attr-defined]
    result = page.evaluate(  # type: ignore[attr-defined]
        "async () => await axe.run(document, {resultTypes: ['violations']})"
    )
    return [
        {
            "id": v["id"],
            "impact": v["impact"],
            "help": v["help"],
            "nodes": [n["target"] for n in v["nodes"]][:5],
        }
        for v in result["violations"]
        if v["impact"] in ("serious", "critical")
    ]
