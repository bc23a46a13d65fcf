"""Check ``opening-hours``: enough days a week open long enough, week by week.

《杭州高新区（滨江）社区美好生活共同体运营与管理规范》附录C 表C.1 常态开放 “每天开放时间不少于12小时，
开放天数每周不少于5天”. A day counts when its sessions, split sessions summed
(09:00–12:00 + 13:00–22:00 = 12 h; a session to 24:00 or past midnight counts for the day
it starts on), reach ``min_hours_per_day``; a week passes when at least
``min_days_per_week`` of its days count. Shorter days (a half-day Sunday) cost nothing.

Two findings:

- the published regular week (``opening_hours.weekly``), not tied to a year: when it falls
  short every week does, so it is said once at the timetable;
- each year of the contract, every calendar week (Monday to Sunday) that lies wholly in the
  contract and has ended by the day of the check, counted with its dated ``exceptions``
  (``OpeningHours.sessions_on``): a week in which Monday–Wednesday are closed for repairs
  has 3 days left, not 6. A statutory holiday day off (国务院办公厅's announcement, as
  ``generator.figures.holidays`` carries it) never makes a week fail: such a day the centre
  does not open long counts as a day open (the pack: 法定节假日不计), so the Spring Festival
  week passes; a 调休 working day is an ordinary day.

Passing: Monday–Friday 08:30–12:00 + 13:00–21:30 (12 h each), weekend closed, and no closure
outside the statutory holidays.
Failing: the same with Friday 08:30–12:00 + 13:00–21:29 → “每天开放不少于 12 小时的只有 4 天（周一、周二、
周三、周四），少于每周 5 天” at ``opening_hours.weekly``; or Monday–Wednesday 2026-03-09 to
03-11 closed for repairs → “2026年有 1 周开放不少于 12 小时的天数少于 5 天：3月9日至3月15日那周 2 天
（闭馆：设备检修）” at that exception.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal

from generator import model as m
from generator.figures import finance as figures
from generator.figures import holidays
from generator.packs.params import Dec, Int, RuleParams, param
from generator.rules.base import FAIL, PASS, CheckContext, Finding
from generator.text import formats as fmt

# how many short weeks a message names before “等”
SHOWN_WEEKS = 3


@dataclass(frozen=True)
class Params(RuleParams):
    min_hours_per_day: Decimal = param(Dec(0, 24), required=True)
    min_days_per_week: int = param(Int(0), required=True)


@dataclass(frozen=True)
class Week:
    """One calendar week as it was open: the days open long enough, the statutory days off
    that did not need to be, and the exceptions that closed or shortened its days."""

    monday: dt.date
    long_days: int
    holiday_days: int
    exceptions: tuple[m.HoursException, ...]

    @property
    def counted(self) -> int:
        return self.long_days + self.holiday_days

    @property
    def label(self) -> str:
        sunday = self.monday + dt.timedelta(days=6)
        return f"{fmt.date_range_text(self.monday, sunday)}那周"


def check(ctx: CheckContext) -> Iterator[Finding]:
    """The regular week, then each year's calendar weeks with their closures."""
    hours = ctx.centre.opening_hours
    min_minutes = int(ctx.params.min_hours_per_day * 60)
    min_days = ctx.params.min_days_per_week
    threshold = {"min_hours_per_day": ctx.params.min_hours_per_day, "min_days_per_week": min_days}
    limit = fmt.hours_minutes(min_minutes)
    minutes = figures.weekly_minutes(hours)
    long_days = [d for d in range(7) if minutes[d] > 0 and minutes[d] >= min_minutes]
    names = "、".join(m.WEEKDAYS[d] for d in long_days) or "无"
    measured = {
        "days": len(long_days),
        "minutes_per_day": {m.WEEKDAYS[d]: minutes[d] for d in range(7)},
    }
    pos = hours.pos("weekly")
    if len(long_days) < min_days:
        longest = sorted((d for d in range(7) if d not in long_days), key=lambda d: -minutes[d])
        near = ""
        if longest and minutes[longest[0]]:
            d = longest[0]
            near = f"；{m.WEEKDAYS[d]}开放 {fmt.hours_minutes(minutes[d])}"
        msg = (
            f"每天开放不少于 {limit}的只有 {len(long_days)} 天（{names}），"
            f"少于每周 {fmt.num(min_days)} 天{near}"
        )
        yield Finding(FAIL, msg, pos=pos, measured=measured, threshold=threshold)
        return
    msg = (
        f"常规每周开放时间中每天开放不少于 {limit}的有 {len(long_days)} 天（{names}），"
        f"符合每周不少于 {fmt.num(min_days)} 天"
    )
    yield Finding(PASS, msg, pos=pos, measured=measured, threshold=threshold)
    by_year: dict[int, list[Week]] = {}
    for week in judged_weeks(ctx.centre, ctx.today, min_minutes):
        by_year.setdefault(week.monday.year, []).append(week)
    for year, weeks in sorted(by_year.items()):
        yield _year_finding(year, weeks, min_days, limit, threshold, pos)


def judged_weeks(centre: m.Centre, today: dt.date, min_minutes: int) -> Iterator[Week]:
    """Every Monday-to-Sunday week wholly within the contract that ended before ``today``."""
    hours = centre.opening_hours
    start, end = centre.contract.start, min(centre.contract.end, today - dt.timedelta(days=1))
    monday = start + dt.timedelta(days=(7 - start.weekday()) % 7)
    if monday + dt.timedelta(days=6) > end:
        return
    # the days off up to the contract's end, not ``end``: only the days of weeks ended by
    # ``today`` are looked up, and which those are is asked of ``today`` below
    days_off = {d.day for d in holidays.statutory_days_off(monday, centre.contract.end)}
    while monday + dt.timedelta(days=6) <= end:
        long_days = holiday_days = 0
        touched: list[m.HoursException] = []
        for i in range(7):
            day = monday + dt.timedelta(days=i)
            if figures.daily_minutes(hours.sessions_on(day)) >= min_minutes > 0 or (
                min_minutes == 0 and hours.sessions_on(day)
            ):
                long_days += 1
                continue
            if day in days_off:
                holiday_days += 1
                continue
            exc = next((e for e in reversed(hours.exceptions) if e.covers(day)), None)
            if exc is not None and not any(e is exc for e in touched):
                touched.append(exc)
        yield Week(monday, long_days, holiday_days, tuple(touched))
        monday += dt.timedelta(days=7)


def _year_finding(
    year: int, weeks: list[Week], min_days: int, limit: str, threshold: dict, pos
) -> Finding:
    short = [w for w in weeks if w.counted < min_days]
    measured = {
        "weeks": len(weeks),
        "short_weeks": [w.monday.isoformat() for w in short],
        "holiday_days": sum(w.holiday_days for w in weeks),
    }
    period = f"{year}年"
    holiday_note = "（法定节假日不计）" if measured["holiday_days"] else ""
    if not short:
        msg = (
            f"{period}已过去的 {len(weeks)} 周中，每周开放不少于 {limit}的天数都不少于 "
            f"{fmt.num(min_days)} 天{holiday_note}"
        )
        return Finding(
            PASS, msg, pos=pos, period=period, year=year, measured=measured, threshold=threshold
        )
    parts = []
    for w in short[:SHOWN_WEEKS]:
        why = "、".join(("闭馆：" if e.closed else "缩短开放：") + e.reason for e in w.exceptions)
        parts.append(f"{w.label} {w.counted} 天" + (f"（{why}）" if why else ""))
    more = f"等 {len(short)} 周" if len(short) > SHOWN_WEEKS else ""
    msg = (
        f"{period}有 {len(short)} 周开放不少于 {limit}的天数少于 {fmt.num(min_days)} 天"
        f"{holiday_note}：{'；'.join(parts)}{more}"
    )
    first = next((w.exceptions[0].src for w in short if w.exceptions), pos)
    return Finding(
        FAIL, msg, pos=first, period=period, year=year, measured=measured, threshold=threshold
    )
