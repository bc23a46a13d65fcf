"""What a centre's pages say about the day they are read on.

A centre's pages are made once and kept while its records and its day state
(generator.build.days) stay the same, so they print nothing of the day they were made on.
What depends on the reader's day — today's opening, this week's activities, whether an
activity is still to come, the days left before a disclosure is due or how long it is
overdue, the holiday changes ahead — is computed in the reader's browser, for the day it is
in China (UTC+8), by ``site_templates/site/assets/gongshi.js`` from the data the page carries
as JSON (``day_script``): the weekly hours and their exceptions, the activities of the latest
plans, the due dates of what is not published yet. Without JavaScript a page says what holds
on every day: what is published (已公布, 逾期公布), the due date of what is not
(最迟应于…公布), and where to look for the rest (``fallback`` words).

The date of the site's last update is in ``data/updated.json`` (``updated_json``), written by
the city part, which every build makes again; the script reads it to date the compliance
check.

The wording is here once, for both: the page prints it and hands it to the script in the
same JSON (``WORDS``), so the two never read differently.
"""

from __future__ import annotations

import datetime as dt
import json
import posixpath
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from markupsafe import Markup

from generator import model as m
from generator import urls
from generator.figures import finance as f
from generator.figures.calendar import SOON_DAYS, STATE_LABELS
from generator.text.escape import script_json

# How far ahead the hours page shows holiday changes (a display choice, not a rule).
UPCOMING_DAYS = 60
# How many of the latest published month plans the profile hands the script for the week's
# list: the reader's week is in them while the centre publishes at most a month ahead.
WEEK_PLANS = 3

# Every word the page and the script print about the day; ``{name}`` is filled in by both.
WORDS = {
    "date": "{y}年{m}月{d}日",
    "day": "{date}（{weekday}）",
    "as_of": "截至{date}",
    "now": "按今天（{date}）计算",
    "states": "尚未公布的公示，状态{when}。",
    "sep": "、",
    "open": "今日开放：{sessions}",
    "open_note": "今日开放：{sessions}（{reason}）",
    "closed": "今日闭馆（{reason}）",
    "shut": "今日不开放",
    "to_come": "待举办",
    "signup": "报名：{signup}",
    "today_mark": "今天",
    "week_mark": "本周",
    "week_none": "本周没有已公布的计划活动。",
    "unrecorded": "未记录",
    "left": "{state}（还有 {n} 天）",
    "due_today": "{state}（今日到期）",
    "overdue": "{state}（逾期 {n} 天）",
    "upcoming": STATE_LABELS["upcoming"],
    "due": STATE_LABELS["due"],
    "missing": STATE_LABELS["missing"],
    "checked": "，截至{date}",  # the date of the compliance check
    # what a page says where the script computes the day and does not run (no day in it)
    "see_hours": "今日是否开放，请看[开放时间]({href})。",
    "see_week": "今日是否开放，请对照下方的每周开放时间和节假日调整。",
    "see_plans": "本周的活动请看[每月活动计划]({href})。",
    "no_record": "暂无记录",
    # a disclosure not published yet, without JavaScript: its due date, no state (the state
    # the script puts in its place is the reader's day's)
    "due_by": "最迟应于{date}公布",
    "no_states": "尚未公布的公示列出应公布日期，是否逾期请对照当天日期。",
}


def word(key: str, **values: object) -> str:
    return WORDS[key].format(**values)


def date_word(day: dt.date) -> str:
    return word("date", y=day.year, m=day.month, d=day.day)


def day_word(day: dt.date) -> str:
    """2026年11月22日（周日）."""
    return word("day", date=date_word(day), weekday=m.WEEKDAYS[day.weekday()])


def as_of(day: dt.date) -> str:
    """截至2026年11月22日: the label of a state printed as it stood on ``day``."""
    return word("as_of", date=date_word(day))


# ---------------------------------------------------------------- opening hours


def today_status(hours: m.OpeningHours, day: dt.date) -> str:
    """今日开放：… / 今日开放：…（调休上班） / 今日闭馆（reason） / 今日不开放, on ``day``.

    The last exception listed that covers the day wins (``OpeningHours.sessions_on``)."""
    exc = next((e for e in reversed(hours.exceptions) if e.covers(day)), None)
    if exc is not None and exc.closed:
        return word("closed", reason=exc.reason)
    sessions = hours.sessions_on(day)
    if not sessions:
        return word("shut")
    text = WORDS["sep"].join(str(s) for s in sessions)
    if exc is not None:
        return word("open_note", sessions=text, reason=exc.reason)
    return word("open", sessions=text)


def upcoming(hours: m.OpeningHours, day: dt.date) -> list[bool]:
    """For each exception of ``hours``, whether the hours page shows it to a reader on ``day``
    (``figures.finance.upcoming_exceptions``: it ends on the day or later and starts within
    ``UPCOMING_DAYS``); what the script computes, for the tests to check it against."""
    near = f.upcoming_exceptions(hours, day, UPCOMING_DAYS)
    return [any(e is x for x in near) for e in hours.exceptions]


def hours_data(hours: m.OpeningHours) -> dict[str, Any]:
    """The weekly sessions (Monday first) and the exceptions, for the script."""
    return {
        "weekly": [[str(s) for s in hours.weekly.get(d, ())] for d in range(7)],
        "exceptions": [
            {
                "from": e.start.isoformat(),
                "to": e.end.isoformat(),
                "reason": e.reason,
                "closed": e.closed,
                "sessions": [str(s) for s in e.sessions],
            }
            for e in hours.exceptions
        ],
        "upcoming_days": UPCOMING_DAYS,
    }


# ---------------------------------------------------------------- this week's activities


@dataclass(frozen=True)
class WeekActivity:
    """A planned activity as the week's list shows it."""

    date: dt.date
    time: str  # 14:00-16:00
    title: str
    room: str
    note: str  # 已取消 / 已延期, or ""
    page: str  # docs path of its plan page
    anchor: str  # activity-<id>
    description: str = ""  # 活动简介
    signup: str = ""  # 报名方式


def monday_of(day: dt.date) -> dt.date:
    return day - dt.timedelta(days=day.weekday())


def week_activities(centre: m.Centre) -> list[WeekActivity]:
    """The planned activities of the centre's latest ``WEEK_PLANS`` month plans, in order:
    what the script picks the reader's week from. Only published plans are in ``centre``
    (``calendar.published_on``)."""
    months = {a.key: a for a in centre.activity_months}
    out = []
    for plan in sorted(centre.plans, key=lambda p: p.key)[-WEEK_PLANS:]:
        month = months.get(plan.key)
        records = {r.plan: r for r in (month.records if month else ()) if r.plan}
        for a in plan.activities:
            r = records.get(a.id)
            note = r.status if r is not None and r.status in ("已取消", "已延期") else ""
            out.append(
                WeekActivity(
                    a.date,
                    f"{a.start:%H:%M}-{a.end:%H:%M}",
                    a.title,
                    a.room,
                    note,
                    urls.page(centre.id, "plan", plan.key),
                    f"activity-{a.id}",
                    a.description or "",
                    a.signup,
                )
            )
    return sorted(out, key=lambda w: (w.date, w.time, w.anchor))


def in_week(items: Iterable[WeekActivity], day: dt.date) -> list[WeekActivity]:
    """The items in the week (Monday to Sunday) of ``day``: what the script lists for a reader
    on that day, for the tests to check it against."""
    start = monday_of(day)
    end = start + dt.timedelta(days=6)
    return [w for w in items if start <= w.date <= end]


def address(page: str, target: str, anchor: str = "") -> str:
    """The published address of ``target`` relative to the published address of ``page``
    (what a browser resolves a link in the page against), with ``#anchor``."""
    here = urls.page_url(page).rstrip("/") or "."
    there = urls.page_url(target)
    out = posixpath.relpath(there.rstrip("/") or ".", here)
    if there.endswith("/") and not out.endswith("/"):
        out += "/"
    return out + (f"#{anchor}" if anchor else "")


def week_data(page: str, items: Iterable[WeekActivity]) -> list[dict[str, str]]:
    return [
        {
            "date": w.date.isoformat(),
            "time": w.time,
            "title": w.title,
            "room": w.room,
            "note": w.note,
            "description": w.description,
            "signup": w.signup,
            "href": address(page, w.page, w.anchor),
        }
        for w in items
    ]


# ---------------------------------------------------------------- due dates


def due_state(due: dt.date, day: dt.date, soon_days: int = SOON_DAYS) -> str:
    """The state of a disclosure not published on ``day`` with its due date:
    未到期（还有 N 天） / 即将到期（还有 N 天） / 即将到期（今日到期） / 逾期未公布（逾期 N 天）.
    The states are ``calendar.state_of``'s."""
    left = (due - day).days
    if left < 0:
        return word("overdue", state=WORDS["missing"], n=-left)
    if left == 0:
        return word("due_today", state=WORDS["due"])
    return word("left", state=WORDS["due" if left <= soon_days else "upcoming"], n=left)


# ---------------------------------------------------------------- the page's data


def day_script(**data: Any) -> Markup:
    """The page's data for the script: a ``<script type="application/json">`` element whose
    text cannot end it (``<``, ``>`` and ``&`` are written as ``\\u`` escapes). It holds no day:
    the reader's day is the script's."""
    payload = {
        "words": WORDS,
        "weekdays": list(m.WEEKDAYS),
        "soon_days": SOON_DAYS,
        **data,
    }
    return Markup(f'<script type="application/json" class="gs-day">{script_json(payload)}</script>')


def updated_json(day: dt.date) -> bytes:
    """``data/updated.json``: the day the site was last updated, ``{"day": "2027-04-20"}``.
    Written by the city part (every build makes it again); the script reads it to date the
    compliance check, which holds from that day on until the site is updated again."""
    return (json.dumps({"day": day.isoformat()}) + "\n").encode("utf-8")
