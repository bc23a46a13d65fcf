"""The opening hours posting (开放时间公示) and the monthly activity plan posting (月度活动计划
公示): the centre's schedule as residents see it on the noticeboard."""

from __future__ import annotations

import calendar
import datetime as dt

from generator import model as m
from generator.figures import finance as fig
from generator.packs.library import Pack
from generator.print.contexts import HoursNotice, PlanNotice, Row
from generator.print.frame import disclosure_rule, frame
from generator.text import formats as fmt
from generator.text.labels import CLOSED, FREE, POSTING_LABELS

#: Up to this many distinct sign-up texts are printed once, under the table, and referred to
#: by letter in it (a long text repeated on every row made a month's table six pages long).
MAX_SIGNUP_KEYS = 8


def day_hours_text(minutes: int) -> str:
    """A day's opening time in a table; — when it is closed."""
    return fmt.hours_text(minutes) if minutes else "—"


def build_hours(centre: m.Centre, pack: Pack | None, *, url: str) -> HoursNotice:
    """Opening hours posting: the regular week and the changes still ahead."""
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
    # Every dated change in the record, in date order: the record is the centre's current
    # schedule (staff remove past years), and no build date decides what is "past".
    exceptions = []
    for exc in sorted(hours.exceptions, key=lambda e: (e.start, e.end)):
        arrangement = CLOSED if exc.closed else f"开放 {fmt.sessions_text(exc.sessions)}"
        exceptions.append(Row((fmt.date_range_text(exc.start, exc.end), arrangement, exc.reason)))
    rule = disclosure_rule(pack, "hours")
    return HoursNotice(
        frame=frame(centre, pack, "hours", POSTING_LABELS["hours"], None, url),
        week=tuple(week),
        weekly_hours=fmt.hours_text(total),
        exceptions=tuple(exceptions),
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
        day = f"{a.date.month}月{a.date.day}日{m.WEEKDAYS[a.date.weekday()]}"
        fee = FREE if a.price == 0 else f"{fmt.yuan(a.price)}元"
        title = a.title + ("（主题活动）" if a.themed else "")
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
    )
