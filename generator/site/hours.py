"""A centre's opening hours page (开放时间): the week, today's status, the changes ahead."""

from __future__ import annotations

import datetime as dt

from generator import model as m
from generator.figures import finance as f
from generator.site import contexts as c
from generator.site import opendata
from generator.site.render import CentrePages, date_cn, hours_text, weekday_cn
from generator.text import formats as fmt
from generator.text.labels import CLOSED


def today_status(hours: m.OpeningHours, today: dt.date) -> str:
    """今日开放：… / 今日闭馆（reason） / 今日不开放, at build time."""
    exc = next((e for e in reversed(hours.exceptions) if e.covers(today)), None)
    sessions = hours.sessions_on(today)
    if exc is not None and exc.closed:
        return f"今日闭馆（{exc.reason}）"
    if not sessions:
        return "今日不开放"
    note = f"（{exc.reason}）" if exc is not None else ""
    return f"今日开放：{fmt.sessions_text(sessions)}{note}"


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
    upcoming = []
    for e in f.upcoming_exceptions(hours, today):
        span = fmt.date_range_text(e.start, e.end)
        change = CLOSED if e.closed else f"开放 {fmt.sessions_text(e.sessions)}"
        upcoming.append(c.Row((span, change, e.reason)))
    ctx = c.HoursPage(
        header=p.header(page),
        today=today,
        today_label=f"{date_cn(today)}（{weekday_cn(today)}）",
        today_status=today_status(hours, today),
        week=tuple(week),
        weekly_hours=hours_text(sum(minutes.values())),
        upcoming=tuple(upcoming),
        pdf=p.pdf(page, "hours"),
        data=p.data_links(page, ("开放时间（JSON）", p.data("hours"))),
    )
    p.render("hours.md.j2", page, ctx)
    p.out.file(p.data("hours"), opendata.hours_json(ce, today))
