"""The opening hours posting (开放时间公示) and the monthly activity plan posting (月度活动计划
公示): the centre's schedule as residents see it on the noticeboard."""

from __future__ import annotations

import calendar
import datetime as dt

from generator import model as m
from generator.figures import finance as fig
from generator.figures.holidays import announced, holiday_breaks
from generator.packs.library import Pack
from generator.print.contexts import HoursNotice, PlanNotice, Row
from generator.print.frame import disclosure_rule, frame
from generator.text import formats as fmt
from generator.text.labels import CLOSED, FREE, POSTING_LABELS

ONE_DAY = dt.timedelta(days=1)

#: The mark of a themed activity (主题活动) in the plan's table, explained under it.
THEMED_MARK = "★"

#: Up to this many distinct sign-up texts are printed once, under the table, and referred to
#: by letter in it (a long text repeated on every row made a month's table six pages long).
MAX_SIGNUP_KEYS = 8


def day_hours_text(minutes: int) -> str:
    """A day's opening time in a table; — when it is closed."""
    return fmt.hours_text(minutes) if minutes else "—"


#: How far ahead the opening hours posting lists the statutory holidays: the year from the
#: day it is printed. The posting stays up for months (长期公示), so it shows every holiday
#: break residents will meet before it is next reprinted, and no more. A break with a day
#: in that year is listed whole (``figures.holidays.holiday_breaks``), so the posting changes
#: when a whole break comes into the year or is over, not on each of its days.
HOLIDAY_HORIZON = dt.timedelta(days=365)

#: What a statutory holiday break that the record does not arrange prints as its arrangement.
HOLIDAY_TO_COME = "另行公示"


def build_hours(
    centre: m.Centre, pack: Pack | None, *, url: str, today: dt.date | None = None
) -> HoursNotice:
    """Opening hours posting: the regular week and the changes still ahead.

    ``today`` is the day it is printed: the record's dated changes ending before it are left
    out, and the statutory holiday breaks with a day in the year from it are listed with
    them, each whole (from its first day to its last, a break under way included), with the
    centre's arrangement when the record has one for every day of it (then the record's
    rows say it) or :data:`HOLIDAY_TO_COME`. Without ``today`` every dated change
    in the record is listed and no statutory holiday.
    """
    hours = centre.opening_hours
    week = []
    for d in range(7):
        sessions = hours.weekly.get(d, ())
        minutes = fig.daily_minutes(sessions)
        week.append(
            Row(
                (
                    m.WEEKDAYS[d],
                    fmt.sessions_text(sessions),
                    day_hours_text(minutes),
                )
            )
        )
    total = sum(fig.weekly_minutes(hours).values())
    dated: list[tuple[dt.date, dt.date, Row]] = []
    for exc in hours.exceptions:
        if today is not None and exc.end < today:
            continue
        arrangement = CLOSED if exc.closed else f"开放 {fmt.sessions_text(exc.sessions)}"
        row = Row((fmt.date_range_text(exc.start, exc.end), arrangement, exc.reason))
        dated.append((exc.start, exc.end, row))
    unannounced: list[int] = []
    if today is not None:
        for brk in holiday_breaks(today, today + HOLIDAY_HORIZON - ONE_DAY):
            first, last, name = brk.first, brk.last, brk.name
            days = [first + dt.timedelta(days=i) for i in range(brk.days)]
            if all(any(exc.covers(day) for exc in hours.exceptions) for day in days):
                continue  # the record arranges every day of it: its rows say how
            if not announced(first.year) and first.year not in unannounced:
                unannounced.append(first.year)
            row = Row((fmt.date_range_text(first, last), HOLIDAY_TO_COME, f"{name}（法定节假日）"))
            dated.append((first, last, row))
    dated.sort(key=lambda item: (item[0], item[1]))
    rule = disclosure_rule(pack, "hours")
    return HoursNotice(
        frame=frame(centre, pack, "hours", POSTING_LABELS["hours"], None, url),
        week=tuple(week),
        weekly_hours=fmt.hours_text(total),
        exceptions=tuple(row for _, _, row in dated),
        unannounced=tuple(unannounced),
        citation=rule.citation if rule else None,
    )


def _month_end(year: int, month: int) -> dt.date:
    return dt.date(year, month, calendar.monthrange(year, month)[1])


def build_plan(centre: m.Centre, pack: Pack | None, plan: m.Plan, *, url: str) -> PlanNotice:
    """Monthly activity plan posting: every planned activity with time, place and fee."""
    label = f"{plan.year}年{plan.month}月"
    acts = sorted(plan.activities, key=lambda a: (a.date, a.start, a.id))
    distinct = list(dict.fromkeys(a.signup for a in acts))
    keyed = 1 < len(distinct) <= MAX_SIGNUP_KEYS
    keys = {text: chr(ord("A") + i) for i, text in enumerate(distinct)} if keyed else {}
    rows = []
    for a in acts:
        # the month is in the title: a row gives the day and its weekday (3日 周四)
        day = f"{a.date.day}日 {m.WEEKDAYS[a.date.weekday()]}"
        fee = FREE if a.price == 0 else f"{fmt.yuan(a.price)}元"
        title = a.title + (THEMED_MARK if a.themed else "")
        cells = [day, f"{a.start:%H:%M}-{a.end:%H:%M}", title, a.room, a.target, str(a.capacity)]
        if len(distinct) > 1:
            cells.append(keys.get(a.signup, a.signup))
        cells.append(fee)
        rows.append(Row(tuple(cells)))
    if keyed:
        signups = tuple(Row((k, text)) for text, k in keys.items())
    elif len(distinct) == 1:
        signups = (Row(("", distinct[0])),)
    else:
        signups = ()
    return PlanNotice(
        frame=frame(
            centre,
            pack,
            "plan",
            f"{label}活动计划公示",
            plan.published,
            url,
            month_end=_month_end(plan.year, plan.month),
        ),
        month_label=label,
        activities=tuple(rows),
        signup_column=len(distinct) > 1,
        signups=signups,
        count=len(acts),
        free_count=sum(1 for a in acts if a.price == 0),
        themed_count=sum(1 for a in acts if a.themed),
        themed_mark=THEMED_MARK,
    )
