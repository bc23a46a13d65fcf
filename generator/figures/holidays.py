"""China's statutory days off and make-up working days (调休上班), from the ``holidays`` package.

The ``holidays`` package carries each year's arrangement as the State Council's General Office
announces it (节假日安排的通知): the statutory holidays (元旦, 春节, 清明节, 劳动节, 端午节,
中秋节, 国庆节), the days off moved from a weekend (调休), and the weekend days worked instead.
Bump the package once a year, after the announcement (docs/development.md).

- ``statutory_days_off(start, end)``: every day of a holiday break, as the announcement states
  it ("1月1日至3日放假调休，共3天"): the holidays themselves, their observed (补假) and moved
  (调休) days off, and the weekend days that join them into one break. A weekend day worked
  instead (调休上班) is never a day off. Each day is named by the holiday it belongs to
  (元旦, 春节, …), never "休息日（由 … 调休）".
- ``adjusted_workdays(start, end)``: the weekend days worked instead (调休上班), each named by
  the holiday it makes up for.
- ``announced(year)``: whether the package holds that year's announcement. A later year is
  worked out from the statutory rules alone (the holidays and their 补假), without 调休: staff
  check it against the announcement.

Both ranges are inclusive and may cross a year boundary (2026-12-20…2027-01-10); results are
sorted by day.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from functools import lru_cache

import holidays
from holidays.countries.china import ChinaStaticHolidays

__all__ = [
    "DayOff",
    "HolidayBreak",
    "adjusted_workdays",
    "announced",
    "holiday_breaks",
    "last_announced_year",
    "statutory_days_off",
]

# "休息日（由 2026-01-04 调休）": a day off moved from that weekend day.
_MOVED = re.compile(r"^休息日（由 (\d{4}-\d{2}-\d{2}) 调休）$")
# "春节（补假）", "清明节（推定）", "春节（补假，推定）": the holiday's own name comes first.
_SUFFIX = re.compile(r"（[^）]*）$")
# Holidays the announcements count as part of another's break.
_SAME_BREAK = {"农历除夕": "春节"}


@dataclass(frozen=True)
class DayOff:
    """One day and the Chinese name of the holiday it belongs to (元旦, 春节, 国庆节…)."""

    day: dt.date
    name: str


def last_announced_year() -> int:
    """The last year whose State Council announcement the installed ``holidays`` carries."""
    return max(ChinaStaticHolidays.special_public_holidays)


def announced(year: int) -> bool:
    """Whether ``year``'s 调休 arrangement is in the installed ``holidays`` package."""
    return year <= last_announced_year()


def _years(start: dt.date, end: dt.date) -> tuple[int, int]:
    """Years whose calendar covers ``start``..``end`` with a year to spare on each side (a
    break running over New Year, the nearest break of an adjusted workday).

    Found by comparing the days with 1 January of years, never by asking their year: 1
    January is a day off, so whether ``start`` is on or before it and whether ``end`` is on
    or after it is asked anyway of the days in the range, and the answer holds until the
    next such day (``figures.window``): a posting of the coming holidays stays the same
    over New Year's Eve."""
    lo, hi = dt.MINYEAR, dt.MAXYEAR + 1  # the first year whose 1 January is not before start
    while lo < hi:
        mid = (lo + hi) // 2
        if start <= dt.date(mid, 1, 1):
            hi = mid
        else:
            lo = mid + 1
    first = max(dt.MINYEAR, lo - 2)  # start is in lo - 1 (after its 1 January) or on lo's
    lo, hi = dt.MINYEAR - 1, dt.MAXYEAR  # the last year whose 1 January is not after end
    while lo < hi:
        mid = (lo + hi + 1) // 2
        if end >= dt.date(mid, 1, 1):
            lo = mid
        else:
            hi = mid - 1
    return first, min(dt.MAXYEAR, max(lo, dt.MINYEAR) + 1)


def statutory_days_off(start: dt.date, end: dt.date) -> list[DayOff]:
    """Every day of a statutory holiday break from ``start`` to ``end`` (inclusive), sorted."""
    if end < start:
        return []
    days, _ = _calendar(*_years(start, end))
    return [DayOff(day, name) for day, name in days if start <= day <= end]


def adjusted_workdays(start: dt.date, end: dt.date) -> list[DayOff]:
    """The weekend days worked instead (调休上班) from ``start`` to ``end``, sorted.

    ``name`` is the holiday the day makes up for (2026-01-04: 元旦; 2026-02-14: 春节).
    """
    if end < start:
        return []
    _, workdays = _calendar(*_years(start, end))
    return [DayOff(day, name) for day, name in workdays if start <= day <= end]


@lru_cache(maxsize=32)
def _calendar(
    first_year: int, last_year: int
) -> tuple[tuple[tuple[dt.date, str], ...], tuple[tuple[dt.date, str], ...]]:
    """The days off and the adjusted workdays of ``first_year``…``last_year``, named."""
    cn = holidays.country_holidays("CN", years=range(first_year, last_year + 1), language="zh_CN")
    workdays_raw = set(cn.weekend_workdays)
    named: dict[dt.date, str] = {}
    moved_from: dict[dt.date, dt.date] = {}  # day off -> the weekend day worked instead
    for day, name in cn.items():
        moved = _MOVED.match(name)
        if moved:
            moved_from[day] = dt.date.fromisoformat(moved.group(1))
        else:  # two holidays on one day come joined by "; " (国庆节; 中秋节)
            bases = (_SUFFIX.sub("", part) for part in name.split("; "))
            named[day] = "、".join(dict.fromkeys(_SAME_BREAK.get(b, b) for b in bases))

    # One break: the holidays, their moved days off and the weekend days joining them.
    off = set(named) | set(moved_from)
    for day in sorted(off):
        for step in (dt.timedelta(days=1), dt.timedelta(days=-1)):
            other = day + step
            while other.weekday() >= 5 and other not in workdays_raw and other not in off:
                off.add(other)
                other += step

    days_off: dict[dt.date, str] = {}
    breaks: list[tuple[dt.date, dt.date, str]] = []
    ordered = sorted(off)
    run_start = 0
    for i, day in enumerate(ordered):
        last = i + 1 == len(ordered) or ordered[i + 1] != day + dt.timedelta(days=1)
        if not last:
            continue
        run = ordered[run_start : i + 1]
        names = list(dict.fromkeys(named[d] for d in run if d in named))
        label = "、".join(names)
        for d in run:
            days_off[d] = named.get(d, label)
        breaks.append((run[0], run[-1], label))
        run_start = i + 1

    def break_of(day: dt.date) -> str:
        """The name of the break ``day`` belongs to, or of the nearest break."""
        first, last, label = min(
            breaks,
            key=lambda b: (
                0 if b[0] <= day <= b[1] else min(abs((b[0] - day).days), abs((b[1] - day).days))
            ),
        )
        return label

    serves = {source: break_of(day) for day, source in moved_from.items()}
    workdays = {day: serves.get(day) or break_of(day) for day in workdays_raw}
    return tuple(sorted(days_off.items())), tuple(sorted(workdays.items()))


@dataclass(frozen=True)
class HolidayBreak:
    """One holiday break: consecutive days off, named by its holiday(s) (国庆节、中秋节)."""

    first: dt.date
    last: dt.date
    name: str

    @property
    def days(self) -> int:
        return (self.last - self.first).days + 1


def holiday_breaks(start: dt.date, end: dt.date) -> list[HolidayBreak]:
    """The breaks that have a day off from ``start`` to ``end``, whole (a break running over
    ``start`` or ``end`` keeps its first and last day), sorted."""
    if end < start:
        return []
    days, _ = _calendar(*_years(start, end))
    out: list[HolidayBreak] = []
    run: list[tuple[dt.date, str]] = []

    def close() -> None:
        if run and run[-1][0] >= start and run[0][0] <= end:
            parts = (part for _, name in run for part in name.split("、"))
            out.append(HolidayBreak(run[0][0], run[-1][0], "、".join(dict.fromkeys(parts))))

    for day, name in days:
        if run and day != run[-1][0] + dt.timedelta(days=1):
            close()
            run = []
        run.append((day, name))
    close()
    return out
