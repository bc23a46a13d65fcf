"""``gongshi plan new`` around statutory holidays and 调休 working days."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
from pathlib import Path

from workflow_helpers import demo, minimal_project

from generator.figures.holidays import statutory_days_off
from generator.packs.library import to_plain
from generator.pipeline import validate_project
from generator.records.load import read_document
from generator.records.validate import Project

DAYS = ("周一", "周二", "周三", "周四", "周五", "周六", "周日")

OPEN_EVERY_DAY = "\n".join(f'    {d}: ["09:00-21:00"]' for d in DAYS)
OPEN_WEEKDAYS = "\n".join(f'    {d}: ["09:00-21:00"]' for d in DAYS[:5])

# one activity on every day of the week
RECURRING = "recurring:\n" + "".join(
    f'  - {{weekday: {d}, time: "10:00-11:00", room: 多功能活动室, title: {d}读书会, '
    "service: 3.3.1, form: 群体, target: 居民, capacity: 20}\n"
    for d in DAYS
)


def centre_with(tmp_path: Path, weekly: str, exceptions: str = "  exceptions: []") -> Path:
    """The minimal project's centre with these hours and an activity on every weekday."""
    proj = minimal_project(tmp_path)
    path = demo(proj) / "centre.yaml"
    lines = path.read_text(encoding="utf-8").splitlines()
    start = lines.index("  weekly:")
    end = next(i for i in range(start + 1, len(lines)) if not lines[i].startswith("   "))
    end = next(i for i in range(end, len(lines)) if not lines[i].startswith("  "))
    lines[start + 1 : end] = [*weekly.splitlines(), *exceptions.splitlines()]
    path.write_text("\n".join(lines) + "\n" + RECURRING, encoding="utf-8")
    return proj


def plan_new(proj: Path, month: str) -> subprocess.CompletedProcess:
    r = subprocess.run(
        [sys.executable, "-m", "generator", "plan", "new", "demo", month],
        cwd=proj,
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=120,
        env={**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[2])},
    )
    assert r.returncode == 0, r.stdout + r.stderr
    assert "Traceback" not in r.stderr
    return r


def drafted(proj: Path, month: str) -> set[dt.date]:
    path = demo(proj) / "plans" / f"{month}.yaml"
    doc = read_document(path, path.name)
    assert not doc.problems
    return {dt.date.fromisoformat(a["date"]) for a in to_plain(doc.root)["activities"]}


def month_days(year: int, month: int) -> set[dt.date]:
    first = dt.date(year, month, 1)
    return {
        first + dt.timedelta(days=i)
        for i in range(31)
        if (first + dt.timedelta(days=i)).month == month
    }


def test_january_2027_draft_has_nothing_on_new_years_day(tmp_path):
    proj = centre_with(tmp_path, OPEN_EVERY_DAY)
    r = plan_new(proj, "2027-01")
    days = drafted(proj, "2027-01")
    assert dt.date(2027, 1, 1) not in days
    off = {d.day for d in statutory_days_off(dt.date(2027, 1, 1), dt.date(2027, 1, 31))}
    assert dt.date(2027, 1, 1) in off
    assert days == month_days(2027, 1) - off  # every other day has its activity
    assert "未排入 2027-01-01 周五读书会：法定节假日（元旦）" in r.stdout
    # the year's holidays are proposed as exceptions to confirm
    assert "    - from: 2027-01-01\n      to: 2027-01-03\n      reason: 元旦\n" in r.stdout
    assert "      reason: 春节\n" in r.stdout and "      reason: 国庆节\n" in r.stdout
    assert "尚未收录" in r.stdout  # 2027's 调休 is not in the installed holidays
    # the draft names its schema and checks clean
    text = (demo(proj) / "plans" / "2027-01.yaml").read_text(encoding="utf-8")
    assert text.startswith("# yaml-language-server: $schema=")
    assert text.splitlines()[0].endswith("docs/schema/records/plan.schema.json")
    assert "法定节假日：2027-01-01 至 2027-01-03 元旦" in text
    result = validate_project(Project(proj))
    assert [p for p in result.report.errors if p.rule is None] == []


def test_february_2027_draft_has_nothing_in_the_spring_festival(tmp_path):
    proj = centre_with(tmp_path, OPEN_EVERY_DAY)
    r = plan_new(proj, "2027-02")
    days = drafted(proj, "2027-02")
    festival = {d.day for d in statutory_days_off(dt.date(2027, 2, 1), dt.date(2027, 2, 28))}
    assert {dt.date(2027, 2, d) for d in range(6, 11)} <= festival  # 初一 … the observed days
    assert not days & festival
    assert dt.date(2027, 2, 9) not in days
    assert days == month_days(2027, 2) - festival
    assert "法定节假日（春节）" in r.stdout


def test_adjusted_workday_drafted_only_when_the_centre_opens(tmp_path):
    # 2026-02: 14 and 28 February (Saturdays) are 调休 working days for the Spring Festival.
    # Open on weekdays only, with an exception opening on the 28th: the 28th has its
    # Saturday activity, the 14th does not, and the 14th is proposed as an exception.
    exceptions = (
        '  exceptions:\n    - {date: 2026-02-28, reason: 调休上班, sessions: ["09:00-21:00"]}\n'
    )
    proj = centre_with(tmp_path, OPEN_WEEKDAYS, exceptions)
    r = plan_new(proj, "2026-02")
    days = drafted(proj, "2026-02")
    assert dt.date(2026, 2, 28) in days
    assert dt.date(2026, 2, 14) not in days
    assert not {dt.date(2026, 2, d) for d in range(15, 24)} & days  # the Spring Festival break
    assert "调休上班日：2026-02-14（周六）（春节），中心当天不开放" in r.stdout
    assert "调休上班日：2026-02-28（周六）（春节），中心当天开放" in r.stdout
    proposed = r.stdout.split("  exceptions:\n", 1)[1]
    assert "    - date: 2026-02-14   # 周六调休上班\n      reason: 调休上班（春节）\n" in proposed
    assert "2026-02-28" not in proposed  # already in the centre's hours
    assert "    - from: 2026-02-15\n      to: 2026-02-23\n      reason: 春节\n" in proposed
    assert "尚未收录" not in r.stdout  # 2026 is announced


def test_holiday_the_centre_opens_on_is_drafted(tmp_path):
    # staff wrote that the centre opens on 2 January: its Saturday activity is drafted, the
    # rest of the break is not; the break is still proposed, as it is not wholly written.
    exceptions = (
        "  exceptions:\n"
        '    - {date: 2027-01-02, reason: 元旦假期值班开放, sessions: ["09:00-12:00"]}\n'
    )
    proj = centre_with(tmp_path, OPEN_EVERY_DAY, exceptions)
    plan_new(proj, "2027-01")
    days = drafted(proj, "2027-01")
    assert dt.date(2027, 1, 2) in days
    assert not {dt.date(2027, 1, 1), dt.date(2027, 1, 3)} & days


def test_holidays_already_in_the_hours_are_not_proposed(tmp_path):
    # the fixture's hours close 2026-10-01…07 for 国庆节
    exceptions = "  exceptions:\n    - {from: 2026-10-01, to: 2026-10-07, reason: 国庆节}\n"
    proj = centre_with(tmp_path, OPEN_WEEKDAYS, exceptions)
    r = plan_new(proj, "2026-10")
    assert "未排入 2026-10-05 周一读书会：当天闭馆（国庆节）" in r.stdout
    proposed = r.stdout.split("  exceptions:\n", 1)[1] if "  exceptions:\n" in r.stdout else ""
    assert "国庆节\n" not in proposed.replace("调休上班（国庆节）", "")
    # 10 October, a Saturday worked for 国庆节, on which the centre is closed, is proposed
    assert "    - date: 2026-10-10   # 周六调休上班\n" in proposed
