"""Helpers of the website tests: build a project, serve the site, drive Debian's Chromium."""

from __future__ import annotations

import contextlib
import datetime as dt
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


# ---------------------------------------------------------------- a centre at the limits

BOUNDARY_DAY = "2027-04-01"  # every record of 2026 is published, none of 2027 due yet
BOUNDARY_CORRECTED = "2026-05-10"  # the day the first quarter was corrected

# Fund-use ratio rules and the quarterly disclosure deadline of the Shenzhen pack, written
# into the fixture's test pack (whose own rules are none).
BOUNDARY_RULES = """rules:
  fund-staff-and-site:
    title: 人员与场地经费占比
    check: fund-ratio
    clause: 七(一)
    quote: 员工薪酬与福利经费和办公设施与场地运作成本应不低于项目总经费的80%
    severity: error
    numerator: [staff, site]
    base: government-project
    op: ">="
    threshold: "0.80"
    periods: [quarter, year-to-date, year]
    interim_severity: warning
  fund-management:
    title: 机构营运管理费占比上限
    check: fund-ratio
    clause: 七(一)
    quote: 机构营运管理费不得超过10％
    severity: error
    numerator: [management]
    base: government-project
    op: "<="
    threshold: "0.10"
    periods: [quarter, year-to-date, year]
    interim_severity: warning
  fund-services:
    title: 服务项目运作经费占比
    check: fund-ratio
    clause: 七(一)
    quote: 服务项目运作经费不得低于10%
    severity: error
    numerator: [services]
    base: government-project
    op: ">="
    threshold: "0.10"
    periods: [quarter, year-to-date, year]
    interim_severity: warning
  quarterly-finance-disclosure:
    title: 季度财务信息公开
    check: disclosure-deadline
    clause: 七(三)
    quote: 每季度动态的财务信息以及年度审计报告应及时向社会公开
    severity: error
    late_severity: warning
    disclosure: quarterly-finance
    days_after_period: "30"
"""


def _quarter(
    key: str, published: str, staff: str, site: str, management: str, services: str
) -> str:
    return (
        f"quarter: {key}\npublished: {published}\nincome:\n  government: 99500.00\n"
        "  convenience: 500.00\n  carried_forward: 2000.00\n"
        f"expenditure:\n  staff:\n    items:\n      - {{item: 工资, amount: {staff}}}\n"
        f"  site:\n    items:\n      - {{item: 水电, amount: {site}}}\n"
        f"  management:\n    items:\n      - {{item: 管理费, amount: {management}}}\n"
        f"  services:\n    items:\n      - {{item: 活动物资, amount: {services}}}\n"
    )


def boundary_project(tmp_path: Path) -> Path:
    """A copy of the minimal fixture whose first quarter misses its limits by the least
    amount a record can: staff and site 79,995.00 of 100,000.00 (79.995 %, limit 80 %),
    management 10,004.00 (10.004 %, limit 10 %); published one day after its due date
    (2026-05-01, due 30 days after the quarter); and corrected after publication (the
    published figures were within the limits), so that a correction notice is printed too.
    The other quarters of 2026 are within the limits and on time."""
    from generator.ledger.published import centre_ledger, updated_ledger
    from generator.pipeline import load_project
    from generator.records.validate import Project

    dest = tmp_path / "boundary"
    shutil.copytree(MINIMAL, dest)
    pack = dest / "content" / "rules" / "test-pack.yaml"
    pack.write_text(
        pack.read_text(encoding="utf-8").replace("rules: {}\n", BOUNDARY_RULES), encoding="utf-8"
    )
    finance = dest / "centres" / "demo" / "finance"
    first = finance / "2026-Q1.yaml"
    first.write_text(
        _quarter("2026-Q1", "2026-05-01", "70000.00", "10000.00", "8000.00", "12000.00"),
        encoding="utf-8",
    )
    for key, published in (("2026-Q2", "2026-07-20"), ("2026-Q3", "2026-10-20")):
        (finance / f"{key}.yaml").write_text(
            _quarter(key, published, "72000.00", "10000.00", "8000.00", "10000.00"),
            encoding="utf-8",
        )
    (finance / "2026-Q4.yaml").write_text(
        _quarter("2026-Q4", "2027-01-20", "72000.00", "10000.00", "8000.00", "10000.00"),
        encoding="utf-8",
    )
    # what was published goes into the ledger, as a build records it
    (centre,) = load_project(dest, dt.date.fromisoformat(BOUNDARY_DAY)).centres
    path, ledger = centre_ledger(Project(dest), centre)
    text = updated_ledger(centre, ledger, dt.date.fromisoformat(BOUNDARY_DAY))
    assert text is not None and text.rstrip().endswith("corrections:"), text
    path.write_text(text, encoding="utf-8")
    # then the first quarter is corrected to the figures at the limits
    first.write_text(
        _quarter("2026-Q1", "2026-05-01", "69995.00", "10000.00", "10004.00", "10001.00"),
        encoding="utf-8",
    )
    path.write_text(
        text.rstrip("\n") + "\n"
        "  - disclosure: finance/2026-Q1\n"
        f"    date: {BOUNDARY_CORRECTED}\n"
        "    reason: 一季度工资与管理费按凭证更正。\n"
        "    approved_by: 中心主任\n",
        encoding="utf-8",
    )
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
