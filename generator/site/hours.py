"""A centre's opening hours page (开放时间): the week, today's status, the changes ahead.

Today's status and which changes are ahead are printed as they stood on the day the page was
made (截至 that day) and computed again in the reader's browser (``site.today``)."""

from __future__ import annotations

from generator import model as m
from generator.figures import finance as f
from generator.site import contexts as c
from generator.site import opendata
from generator.site.render import CentrePages, hours_text
from generator.site.today import (
    day_script,
    day_word,
    hours_data,
    today_status,
    upcoming,
    word,
)
from generator.text import formats as fmt
from generator.text.labels import CLOSED

__all__ = ["render_hours", "today_status"]


def render_hours(p: CentrePages) -> None:
    ce, page, today = p.centre, p.at("hours"), p.today
    hours = ce.opening_hours
    week = []
    minutes = f.weekly_minutes(hours)
    for d in range(7):
        week.append(
            c.Row(
                (
                    m.WEEKDAYS[d],
                    fmt.sessions_text(hours.weekly.get(d, ())),
                    hours_text(minutes[d]),
                )
            )
        )
    changes = []
    # every change not over on the day: the browser shows those near the reader's day
    for i, (e, near) in enumerate(zip(hours.exceptions, upcoming(hours, today), strict=True)):
        if e.end < today:
            continue
        span = fmt.date_range_text(e.start, e.end)
        change = CLOSED if e.closed else f"开放 {fmt.sessions_text(e.sessions)}"
        changes.append(c.LiveRow((span, change, e.reason), str(i), near))
    ctx = c.HoursPage(
        header=p.header(page),
        today=today,
        today_label=word("as_of", date=day_word(today)),
        today_status=today_status(hours, today),
        week=tuple(week),
        weekly_hours=hours_text(sum(minutes.values())),
        upcoming=tuple(changes),
        pdf=p.pdf(page, "hours"),
        data=p.data_links(page, ("开放时间（JSON）", p.data("hours"))),
        day_data=day_script(today, hours=hours_data(hours)),
    )
    p.render("hours.md.j2", page, ctx)
    p.out.file(p.data("hours"), opendata.hours_json(ce))
