"""China's statutory days off and 调休 working days, from the holidays package."""

from __future__ import annotations

import datetime as dt

from generator.figures.holidays import (
    DayOff,
    HolidayBreak,
    adjusted_workdays,
    announced,
    holiday_breaks,
    last_announced_year,
    statutory_days_off,
)

D = dt.date


def test_new_year_2027_is_a_day_off_named_yuandan():
    days = statutory_days_off(D(2027, 1, 1), D(2027, 1, 1))
    assert days == [DayOff(D(2027, 1, 1), "元旦")]


def test_new_year_break_runs_over_the_weekend_that_joins_it():
    days = statutory_days_off(D(2027, 1, 1), D(2027, 1, 10))
    assert [d.day for d in days] == [D(2027, 1, 1), D(2027, 1, 2), D(2027, 1, 3)]
    assert {d.name for d in days} == {"元旦"}


def test_spring_festival_2027_covers_eve_to_the_observed_days():
    days = statutory_days_off(D(2027, 2, 1), D(2027, 2, 28))
    assert [d.day for d in days] == [D(2027, 2, day) for day in range(5, 11)]
    assert {d.name for d in days} == {"春节"}
    # An ordinary working day after the break is not a day off.
    assert D(2027, 2, 11) not in {d.day for d in days}


def test_range_across_the_year_boundary_is_sorted_and_inclusive():
    days = statutory_days_off(D(2026, 12, 25), D(2027, 1, 2))
    assert [d.day for d in days] == [D(2027, 1, 1), D(2027, 1, 2)]
    assert statutory_days_off(D(2027, 1, 2), D(2027, 1, 1)) == []


def test_moved_days_off_are_named_by_their_holiday():
    # 2026: 1月1日至3日放假调休, 1月4日（周日）上班.
    days = statutory_days_off(D(2026, 1, 1), D(2026, 1, 4))
    assert days == [DayOff(D(2026, 1, d), "元旦") for d in (1, 2, 3)]
    assert all("调休" not in d.name and "补假" not in d.name for d in days)


def test_adjusted_workdays_name_the_holiday_they_make_up_for():
    assert adjusted_workdays(D(2026, 1, 1), D(2026, 3, 31)) == [
        DayOff(D(2026, 1, 4), "元旦"),
        DayOff(D(2026, 2, 14), "春节"),
        DayOff(D(2026, 2, 28), "春节"),
    ]
    assert DayOff(D(2026, 9, 20), "国庆节") in adjusted_workdays(D(2026, 9, 1), D(2026, 10, 31))


def test_adjusted_workday_across_the_year_boundary():
    # The 2002 New Year break was made up on 2001-12-29 and 2001-12-30.
    assert adjusted_workdays(D(2001, 12, 1), D(2001, 12, 31)) == [
        DayOff(D(2001, 12, 29), "元旦"),
        DayOff(D(2001, 12, 30), "元旦"),
    ]


def test_an_adjusted_workday_is_never_a_day_off():
    start, end = D(2024, 1, 1), D(2026, 12, 31)
    off = {d.day for d in statutory_days_off(start, end)}
    work = {d.day for d in adjusted_workdays(start, end)}
    assert work and not off & work
    assert all(d.weekday() >= 5 for d in work)


def test_combined_break_is_named_by_both_holidays():
    # 2025: 国庆节、中秋节 10月1日至8日放假调休.
    days = statutory_days_off(D(2025, 10, 1), D(2025, 10, 31))
    assert [d.day for d in days] == [D(2025, 10, day) for day in range(1, 9)]
    assert DayOff(D(2025, 10, 6), "中秋节") in days
    assert DayOff(D(2025, 10, 8), "国庆节、中秋节") in days


def test_announced_years():
    assert announced(2026)
    assert last_announced_year() >= 2026
    assert not announced(last_announced_year() + 1)


def test_holiday_breaks_are_whole_and_named():
    breaks = holiday_breaks(D(2026, 9, 30), D(2027, 2, 6))
    assert [(b.first, b.last, b.name, b.days) for b in breaks] == [
        (D(2026, 10, 1), D(2026, 10, 7), "国庆节", 7),
        (D(2027, 1, 1), D(2027, 1, 3), "元旦", 3),
        (D(2027, 2, 5), D(2027, 2, 10), "春节", 6),
    ]
    # a break running over the range's start is given whole
    assert holiday_breaks(D(2025, 10, 6), D(2025, 10, 6)) == [
        HolidayBreak(D(2025, 10, 1), D(2025, 10, 8), "国庆节、中秋节")
    ]
    assert holiday_breaks(D(2027, 3, 1), D(2027, 3, 31)) == []


def test_two_holidays_on_one_day_name_the_break_once_each() -> None:
    # the holidays package joins two holidays of one day with "; " (2028-10-03: 国庆节 and
    # 中秋节); the break names each once
    (autumn,) = holiday_breaks(dt.date(2028, 9, 29), dt.date(2028, 10, 5))
    assert autumn.name == "国庆节、中秋节"
