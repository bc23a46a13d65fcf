"""A centre's activity plan pages (活动计划): the index of months and one page per month with
its calendar, activities and what was held.

An activity without a record is 待举办 until its day and 未记录 after it: computed in the
reader's browser (``site.today``); without JavaScript the page says 暂无记录, which holds on
every day."""

from __future__ import annotations

import calendar
import datetime as dt

from markupsafe import Markup

from generator import model as m
from generator.figures import finance as f
from generator.site import contexts as c
from generator.site import opendata
from generator.site.jsonld import plan_json_ld_script
from generator.site.render import CentrePages, date_cn, month_cn, rel, weekday_cn
from generator.site.search import title_words
from generator.site.today import day_script, monday_of, word
from generator.text import formats as fmt
from generator.text.labels import FREE


def render_plans(p: CentrePages) -> None:
    """The plans index and every month's plan page."""
    ce, index = p.centre, p.at("plans")
    rows, links = [], []
    for plan in reversed(ce.plans):
        ma = f.month_activity(ce, plan.key)
        has = any(a.key == plan.key for a in ce.activity_months)
        rows.append(
            c.Row(
                (
                    month_cn(plan.key),
                    str(ma.planned),
                    str(ma.held) if has else "—",
                    date_cn(plan.published),
                )
            )
        )
        links.append(c.Link(f"{month_cn(plan.key)}活动计划", rel(index, p.at("plan", plan.key))))
        render_plan(p, plan)
    ctx = c.PlansIndexPage(
        header=p.header(index),
        months=tuple(rows),
        links=tuple(links),
        calendar=c.Link("订阅活动日历（iCalendar）", rel(index, p.data("calendar"))),
    )
    p.render("plans_index.md.j2", index, ctx)


def render_plan(p: CentrePages, plan: m.Plan) -> None:
    ce, page = p.centre, p.at("plan", plan.key)
    month = next((a for a in ce.activity_months if a.key == plan.key), None)
    records = {r.plan: r for r in (month.records if month else ()) if r.plan}
    by_day: dict[int, list[str]] = {}
    acts = []
    live: dict[str, str] = {}  # anchor → date of the activities without a record
    for a in sorted(plan.activities, key=lambda a: (a.date, a.start, a.id)):
        by_day.setdefault(a.date.day, []).append(a.title)
        r = records.get(a.id)
        if r is not None:
            status = r.status + (f"（{r.reason}）" if r.reason else "")
            if r.status == "已延期" and r.date:
                status += f"，改至{date_cn(r.date)}"
            attendance = f"{r.attendance} 人次" if r.status == "已举办" else "—"
        else:
            status = word("no_record")
            attendance = "—"
            live[f"activity-{a.id}"] = a.date.isoformat()
        fee = FREE if a.price == 0 else f"{fmt.yuan(a.price)} 元"
        service = service_title(p, a.service)
        acts.append(
            c.PlanActivity(
                anchor=Markup(f"activity-{a.id}"),
                date=date_cn(a.date),
                weekday=weekday_cn(a.date),
                time=f"{a.start:%H:%M}-{a.end:%H:%M}",
                title=a.title,
                room=a.room,
                service=service,
                target=a.target,
                capacity=f"{a.capacity} 人",
                signup=a.signup,
                fee=fee,
                status=status,
                attendance=attendance,
                live=r is None,
                description=a.description or "",
                iso=a.date.isoformat(),
                words=" ".join(title_words(a.title, a.description or "")),
            )
        )
    weeks = tuple(
        tuple(
            c.CalendarDay(
                d,
                tuple(by_day.get(d, ())) if d else (),
                dt.date(plan.year, plan.month, d).isoformat() if d else "",
            )
            for d in week
        )
        for week in calendar.Calendar(firstweekday=0).monthdayscalendar(plan.year, plan.month)
    )
    unplanned = tuple(
        c.Row((date_cn(r.date) if r.date else "—", r.title or "", f"{r.attendance} 人次"))
        for r in (month.records if month else ())
        if r.plan is None
    )
    ma = f.month_activity(ce, plan.key)
    summary = [("计划活动", f"{ma.planned} 场")]
    if month is not None:
        summary += [
            ("已举办（含计划外）", f"{ma.held} 场"),
            ("已取消", f"{ma.cancelled} 场"),
            ("已延期", f"{ma.postponed} 场"),
            ("计划外举办", f"{ma.unplanned} 场"),
            ("主题活动", f"{ma.themed_held} 场"),
            ("参与", f"{ma.attendance} 人次"),
        ]
    ctx = c.PlanPage(
        header=p.header(page),
        key=plan.key,
        title=f"{month_cn(plan.key)}活动计划",
        published=date_cn(plan.published),
        corrections=p.marks(page, "plan", plan.key),
        weeks=weeks,
        activities=tuple(acts),
        unplanned=unplanned,
        summary=tuple(c.Row(r) for r in summary),
        has_records=month is not None,
        pdf=p.pdf(page, "plan", plan.key),
        data=p.data_links(
            page,
            ("本月计划与记录（JSON）", p.data("plan", plan.key)),
            ("全部活动（CSV）", p.data("activities")),
        ),
        day_data=day_script(planned=live) if live else Markup(""),
        json_ld=plan_json_ld_script(ce, plan, p.site_url),
        agenda=agenda(plan, acts),
    )
    p.render("plan.md.j2", page, ctx)
    p.out.file(p.data("plan", plan.key), opendata.plan_json(ce, plan, month))


def agenda(plan: m.Plan, acts: list[c.PlanActivity]) -> tuple[c.AgendaWeek, ...]:
    """The month's activities by week (Monday to Sunday, the weeks of the month's calendar
    that hold an activity): 第1周（12月1日—12月6日）, the days outside the month left out."""
    first = dt.date(plan.year, plan.month, 1)
    last = dt.date(plan.year, plan.month, calendar.monthrange(plan.year, plan.month)[1])
    out = []
    monday = monday_of(first)
    number = 1
    while monday <= last:
        sunday = monday + dt.timedelta(days=6)
        these = tuple(a for a in acts if monday.isoformat() <= a.iso <= sunday.isoformat())
        if these:
            start, end = max(monday, first), min(sunday, last)
            label = f"第{number}周（{start.month}月{start.day}日—{end.month}月{end.day}日）"
            out.append(c.AgendaWeek(label, monday.isoformat(), sunday.isoformat(), these))
        monday += dt.timedelta(days=7)
        number += 1
    return tuple(out)


def service_title(p: CentrePages, code: str) -> str:
    """The title of a service: the centre's own, else the pack's catalogue; else the code."""
    own = next((s for s in p.centre.services.own if s.code == code), None)
    if own:
        return own.title
    cat = p.pack.catalogue if p.pack else None
    found = cat.lookup(code) if cat else None
    if found:
        table, major, item = found
        return (item or major or table).title
    return code
