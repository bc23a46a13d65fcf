"""A centre's opening hours page (开放时间): the week, today's status, the changes ahead.

Today's status and which changes are near are computed in the reader's browser
(``site.today``): the page lists every change its records hold, and without JavaScript shows
them all and says to read today's opening from the week and the changes."""

from __future__ import annotations

from generator import model as m
from generator.figures import finance as f
from generator.site import contexts as c
from generator.site import opendata
from generator.site.render import CentrePages, hours_text
from generator.site.today import day_script, hours_data, today_status, word
from generator.text import formats as fmt
from generator.text.labels import CLOSED

__all__ = ["render_hours", "today_status"]


def render_hours(p: CentrePages) -> None:
    ce, page = p.centre, p.at("hours")
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
    # every change recorded: the browser shows those near the reader's day
    for i, e in enumerate(hours.exceptions):
        span = fmt.date_range_text(e.start, e.end)
        change = CLOSED if e.closed else f"开放 {fmt.sessions_text(e.sessions)}"
        changes.append(c.LiveRow((span, change, e.reason), str(i)))
    ctx = c.HoursPage(
        header=p.header(page),
        today_status=word("see_week"),
        week=tuple(week),
        weekly_hours=hours_text(sum(minutes.values())),
        upcoming=tuple(changes),
        pdf=p.pdf(page, "hours"),
        data=p.data_links(page, ("开放时间（JSON）", p.data("hours"))),
        day_data=day_script(hours=hours_data(hours)),
    )
    p.render("hours.md.j2", page, ctx)
    p.out.file(p.data("hours"), opendata.hours_json(ce))
