"""The day in the reader's browser: one build, read on other days without building again.

A centre's pages print nothing of the build day: they carry the data gongshi.js computes
today's opening, this week's activities, whether an activity is still to come and the state
of a disclosure not published yet (未到期, 即将到期, 逾期未公布, with its days) from, for the reader's day in China (UTC+8), and say without
JavaScript what holds on every day. The compliance page's date is the site's last update
(data/updated.json). Debian's Chromium under Playwright, its clock set with ``page.clock``;
needs /usr/bin/chromium."""

from __future__ import annotations

import datetime as dt
import re
import shutil
from pathlib import Path

import pytest
from conftest import copy_project

from generator.pipeline import load_project
from generator.site.today import day_word, due_state, in_week, today_status, week_activities
from tests.site_helpers import MINIMAL, build, chromium_browser, new_context, serve

pytestmark = [pytest.mark.browser, pytest.mark.slow]

BUILD_DAY = "2026-09-14"  # a Monday
UTC = dt.UTC
CHINA = dt.timezone(dt.timedelta(hours=8))

# The quarterly finance is due 30 days after the quarter: 2026-Q3 on 2026-10-30.
FINANCE_RULE = """rules:
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

# A 调休 working day (a Saturday, when the centre is otherwise closed) after the national
# holiday the fixture already has (2026-10-01 to 10-07, 国庆节).
MAKEUP_DAY = """    - {from: 2026-10-01, to: 2026-10-07, reason: 国庆节}
    - {date: 2026-10-10, reason: 调休上班, closed: false, sessions: ["09:00-17:00"]}
"""

# September's plan, published in August: one activity on Tuesday 2026-09-15, no record yet.
SEPTEMBER = """month: 2026-09
published: 2026-08-28
activities:
  - id: S01
    date: 2026-09-15
    start: "14:00"
    end: "16:00"
    room: 多功能活动室
    title: 中秋手工灯笼
    service: 3.3.1
    form: 群体
    target: 亲子家庭
    capacity: 20
    signup: 电话报名
"""


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    tmp = tmp_path_factory.mktemp("day")
    project = copy_project(MINIMAL, tmp / "proj")
    pack = project / "content" / "rules" / "test-pack.yaml"
    pack.write_text(
        pack.read_text(encoding="utf-8").replace("rules: {}\n", FINANCE_RULE), encoding="utf-8"
    )
    centre = project / "centres" / "demo" / "centre.yaml"
    text = centre.read_text(encoding="utf-8")
    holiday = "    - {from: 2026-10-01, to: 2026-10-07, reason: 国庆节}\n"
    assert holiday in text
    centre.write_text(text.replace(holiday, MAKEUP_DAY), encoding="utf-8")
    (project / "centres" / "demo" / "plans" / "2026-09.yaml").write_text(
        SEPTEMBER, encoding="utf-8"
    )
    out = tmp / "site"
    done = build(project, out, BUILD_DAY)
    assert done.returncode == 0, done.stdout + done.stderr
    return out


@pytest.fixture(scope="module")
def chromium():
    with chromium_browser() as b:
        yield b


def china(day: str, hour: int = 10) -> dt.datetime:
    """A moment of ``day`` in China."""
    return dt.datetime.fromisoformat(day).replace(hour=hour, tzinfo=CHINA)


def read(b, url: str, when: dt.datetime, selector: str, **options) -> str:
    """The text of ``selector`` on ``url`` read at ``when`` (the browser's clock fixed)."""
    return read_all(b, url, when, [selector], **options)[0]


def read_all(b, url: str, when: dt.datetime, selectors: list[str], **options) -> list[str]:
    """The text of each of ``selectors`` (all its matches, one per line) on ``url`` read at
    ``when``, once the page's requests are done."""
    ctx = new_context(b, **options)
    try:
        page = ctx.new_page()
        errors: list[str] = []
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.clock.set_fixed_time(when)
        page.goto(url)
        page.wait_for_load_state("networkidle")
        texts = [
            "\n".join(el.inner_text() for el in page.query_selector_all(sel) if el.is_visible())
            for sel in selectors
        ]
        assert errors == [], errors  # the page's scripts ran without an error
        return texts
    finally:
        ctx.close()


TODAY = '[data-gs="today"]'


def test_today_opening_on_a_weekday_a_holiday_and_a_makeup_day(site: Path, chromium) -> None:
    with serve(site) as base:
        for path in ("centres/demo/hours/", "centres/demo/"):
            url = base + path
            monday = read(chromium, url, china("2026-09-21"), TODAY)
            assert monday == "2026年9月21日（周一）　今日开放：09:00-12:00、14:00-21:00", path
            holiday = read(chromium, url, china("2026-10-05"), TODAY)  # a Monday in 国庆节
            assert holiday == "2026年10月5日（周一）　今日闭馆（国庆节）", path
            makeup = read(chromium, url, china("2026-10-10"), TODAY)  # a Saturday worked
            assert makeup == "2026年10月10日（周六）　今日开放：09:00-17:00（调休上班）", path
            wednesday = read(chromium, url, china("2026-09-23"), TODAY)
            assert wednesday == "2026年9月23日（周三）　今日不开放", path
            # nothing of it says 截至 once the browser has computed it for the day
            assert "截至" not in monday + holiday + makeup + wednesday


def test_the_day_is_the_day_in_china_whatever_the_readers_time_zone(site: Path, chromium) -> None:
    # 2026-09-30 16:30 UTC: still Wednesday 30 September in Los Angeles, already Thursday
    # 1 October (国庆节) in China.
    when = dt.datetime(2026, 9, 30, 16, 30, tzinfo=UTC)
    with serve(site) as base:
        text = read(
            chromium,
            base + "centres/demo/hours/",
            when,
            TODAY,
            timezone_id="America/Los_Angeles",
        )
    assert text == "2026年10月1日（周四）　今日闭馆（国庆节）"


def test_without_javascript_the_pages_name_no_day(site: Path, chromium) -> None:
    with serve(site) as base:
        hours, profile = (
            read(chromium, base + path, china("2026-10-05"), "article", java_script_enabled=False)
            for path in ("centres/demo/hours/", "centres/demo/")
        )
        plan = read(
            chromium,
            base + "centres/demo/plans/2026-09/",
            china("2026-09-16"),
            ".gs-activity:has(#activity-S01)",
            java_script_enabled=False,
        )
        checked = read(
            chromium,
            base + "centres/demo/compliance/",
            china("2026-10-05"),
            "article",
            java_script_enabled=False,
        )
    assert "今日是否开放，请对照下方的每周开放时间和节假日调整。" in hours
    assert "今日是否开放，请看开放时间。" in profile
    assert "本周的活动请看每月活动计划。" in profile
    # every change recorded is listed; none is said to be near
    assert "国庆节" in hours and "调休上班" in hours and "近期没有" not in hours
    assert "举办情况：暂无记录" in plan
    assert "逐条检查本中心的记录。" in checked
    for text in (hours, profile, plan, checked):
        assert "截至" not in text and "今日开放：" not in text and "2026年9月14日" not in text
    # nor does any page or data file of the centre say the build day (the month plan's
    # calendar has the day's date as it has every other day of the month)
    for path in [
        *site.joinpath("centres", "demo").rglob("*"),
        *site.joinpath("data", "demo").rglob("*"),
    ]:
        if path.suffix in (".html", ".json"):
            text = path.read_text(encoding="utf-8")
            assert "2026年9月14日" not in text and '"made"' not in text, path
            assert f'"date": "{BUILD_DAY}"' not in text, path  # compliance.json


def test_holiday_changes_ahead_follow_the_day(site: Path, chromium) -> None:
    url = "centres/demo/hours/"
    with serve(site) as base:
        ahead = read(chromium, base + url, china("2026-09-21"), "article")
        after = read(chromium, base + url, china("2026-10-12"), "article")
    assert "国庆节" in ahead and "调休上班" in ahead
    assert "近期没有节假日或临时调整" not in ahead
    assert "国庆节" not in after and "调休上班" not in after
    assert "近期没有节假日或临时调整" in after


def test_this_weeks_activities_and_one_still_to_come(site: Path, chromium) -> None:
    with serve(site) as base:
        week = read(chromium, base + "centres/demo/", china("2026-09-16"), "article")
        next_week = read(chromium, base + "centres/demo/", china("2026-09-22"), "article")
        plan = base + "centres/demo/plans/2026-09/"
        entry = ".gs-activity:has(#activity-S01)"  # its heading carries the anchor
        before = read(chromium, plan, china("2026-09-15"), entry)
        after = read(chromium, plan, china("2026-09-16"), entry)
    assert "2026年9月15日（周二） 14:00-16:00 中秋手工灯笼（多功能活动室）" in week
    assert "本周没有已公布的计划活动" not in week
    assert "中秋手工灯笼" not in next_week and "本周没有已公布的计划活动" in next_week
    assert "举办情况：待举办" in before and "截至" not in before
    assert "举办情况：未记录" in after


def test_an_undisclosed_quarter_turns_overdue_on_its_day(site: Path, chromium) -> None:
    cell = '[data-gs-due="finance/2026-Q3"]'
    url = "centres/demo/archive/"
    with serve(site) as base:
        made = read(chromium, base + url, china(BUILD_DAY), cell)
        eve = read(chromium, base + url, china("2026-10-29"), cell)
        due = read(chromium, base + url, china("2026-10-30", 23), cell)
        late = read(chromium, base + url, china("2026-10-31", 0), cell)
        later = read(chromium, base + url, china("2026-11-09"), cell)
        plain = read(chromium, base + url, china("2026-10-31"), cell, java_script_enabled=False)
        label = read(chromium, base + url, china("2026-10-31"), '[data-gs="as-of"]')
        plain_label = read(
            chromium,
            base + url,
            china("2026-10-31"),
            '[data-gs="as-of"]',
            java_script_enabled=False,
        )
    assert made == "未到期（还有 46 天）"
    assert eve == "即将到期（还有 1 天）"
    assert due == "即将到期（今日到期）"
    assert late == "逾期未公布（逾期 1 天）"
    assert later == "逾期未公布（逾期 10 天）"
    assert "逾期" not in made + eve + due
    assert label == "尚未公布的公示，状态按今天（2026年10月31日）计算。"
    # without JavaScript: no state (it is the reader's day's), the due date, and the page says
    # to compare it with the day
    assert plain == "最迟应于2026年10月30日公布"
    assert plain_label == "尚未公布的公示列出应公布日期，是否逾期请对照当天日期。"


def test_the_compliance_check_is_dated_by_the_sites_last_update(
    site: Path, chromium, tmp_path: Path
) -> None:
    url = "centres/demo/compliance/"
    checked = '[data-gs="checked"]'
    with serve(site) as base:
        text = read(chromium, base + url, china("2026-10-20"), "article")
    assert "逐条检查本中心的记录，截至2026年9月14日。" in text
    # without data/updated.json (a site assembled without it) the check is shown undated
    copy = tmp_path / "site"
    shutil.copytree(site, copy)
    (copy / "data" / "updated.json").unlink()
    with serve(copy) as base:
        text, span = read_all(chromium, base + url, china("2026-10-20"), ["article", checked])
    assert "逐条检查本中心的记录。" in text and span == ""


# The reader's days the script is checked on against the same computations in Python
# (site.today): the build's week, a holiday, a 调休 working day, the due date and after it,
# a week of the next month, and a day after every plan.
READER_DAYS = [
    "2026-09-14",
    "2026-09-17",
    "2026-10-03",
    "2026-10-10",
    "2026-10-30",
    "2026-11-02",
    "2027-02-01",
]


def test_the_filled_in_values_are_those_of_the_readers_day(site: Path, chromium) -> None:
    # the records the site was built from (the fixture's project beside it)
    validated = load_project(site.parent / "proj", dt.date.fromisoformat(BUILD_DAY))
    (centre,) = validated.centres
    hours = centre.opening_hours
    items = week_activities(centre)
    with serve(site) as base:
        for iso in READER_DAYS:
            day = dt.date.fromisoformat(iso)
            today, week, none = read_all(
                chromium,
                base + "centres/demo/",
                china(iso),
                [TODAY, '[data-gs="week"] li', '[data-gs="week-none"]'],
            )
            assert today == f"{day_word(day)}\u3000{today_status(hours, day)}", iso
            expected = [
                f"{day_word(w.date)} {w.time} {w.title}（{w.room}）{w.note}"
                for w in in_week(items, day)
            ]
            shown = [line for line in week.split("\n") if re.match(r"\d{4}年", line)]
            assert shown == expected, iso
            assert (none == "本周没有已公布的计划活动。") == (not expected), iso
            (due,) = read_all(
                chromium,
                base + "centres/demo/archive/",
                china(iso),
                ['[data-gs-due="finance/2026-Q3"]'],
            )
            assert due == due_state(dt.date(2026, 10, 30), day), iso
