"""Check ``plan-published``: each monthly activity plan was published before its month.

《杭州高新区（滨江）社区美好生活共同体运营与管理规范》附录C 表C.1 常态开放 “每月须提前制定月度活动安排，
并告之服务对象”. ``days_before_month`` (0 by the pack's reading: not later than the last
day of the previous month) sets the deadline: the plan for 2026-08 is due on
2026-07-31 − days_before_month days. The ``published`` line of plans/YYYY-MM.yaml is the figure.

Passing: plans/2026-08.yaml ``published: 2026-07-31``.
Failing: ``published: 2026-08-01`` → “2026-08 的活动计划于 2026年8月1日公布，晚于截止日 2026年7月31日”.
A plan without ``published`` fails once its month has begun; before that it is pending.
Every month from the first plan on needs a plan: a month that has begun (up to the end
of the contract) without plans/YYYY-MM.yaml is reported at that missing file. A deadline the clause leaves open (提前) is the pack's choice:
with a ``basis`` the failing messages say so, “按本地规定：不晚于上月最后一天（依据：…）”.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass

from generator.figures import calendar
from generator.packs.params import Int, RuleParams, param
from generator.problems import Position
from generator.rules.base import FAIL, NO_DATA, NOT_APPLICABLE, PASS, CheckContext, Finding
from generator.text import formats as fmt


@dataclass(frozen=True)
class Params(RuleParams):
    days_before_month: int = param(Int(0), required=True)  # 0: by the previous month's last day


def _missing_months(ctx: CheckContext, plans: dict) -> list[tuple[int, int]]:
    """Months from the first plan up to this month (and the contract's end) with no plan."""
    first = min(plans)
    year, month = int(first[:4]), int(first[5:])
    end = min(ctx.today, ctx.centre.contract.end)
    out = []
    while dt.date(year, month, 1) <= end:
        if f"{year:04d}-{month:02d}" not in plans:
            out.append((year, month))
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return out


def check(ctx: CheckContext) -> Iterator[Finding]:
    """One finding per plan file."""
    plans = {p.key: p for p in ctx.centre.plans}
    how = calendar.deadline_authority(ctx.rule, "plan") or ""
    tail = f"；{how}" if how.startswith("按本地规定") else ""
    if not plans:
        yield Finding(NO_DATA, "还没有月度活动计划", pos=ctx.centre.src)
        return
    for year, month in _missing_months(ctx, plans):
        key = f"{year:04d}-{month:02d}"
        due = calendar.due_date(ctx.rule, "plan", key)
        msg = f"没有 {key} 的活动计划（plans/{key}.yaml），应在 {fmt.date_text(due)} 前公布{tail}"
        yield Finding(
            FAIL,
            msg,
            pos=Position(ctx.file(f"plans/{key}.yaml")),
            period=key,
            year=year,
            measured={"published": None, "deadline": due},
            threshold=due,
        )
    for plan in ctx.centre.plans:
        due = calendar.due_date(ctx.rule, "plan", plan.key)
        state = calendar.state_on(plan.published, due, ctx.today)
        measured = {"published": plan.published, "deadline": due}
        common = {"period": plan.key, "year": plan.year, "measured": measured, "threshold": due}
        if plan.published is not None and plan.published > ctx.today:
            msg = (
                f"{plan.key} 的活动计划公布日期 {fmt.date_text(plan.published)}还没有到，"
                f"按尚未公布计；截止日 {fmt.date_text(due)}"
            )
            status = FAIL if state == "missing" else NOT_APPLICABLE
            yield Finding(status, msg, pos=plan.pos("published"), **common)
            continue
        if plan.published is None:
            if state != "missing":
                msg = f"{plan.key} 的活动计划尚未公布（截止日 {fmt.date_text(due)}）"
                yield Finding(NOT_APPLICABLE, msg, pos=plan.src, **common)
            else:
                msg = f"{plan.key} 的活动计划没有公布日期（published），应在 {fmt.date_text(due)} 前公布{tail}"
                yield Finding(FAIL, msg, pos=plan.src, **common)
            continue
        pos = plan.pos("published")
        if state == "published":
            msg = f"{plan.key} 的活动计划于 {fmt.date_text(plan.published)} 公布，不晚于截止日 {fmt.date_text(due)}"
            yield Finding(PASS, msg, pos=pos, **common)
        else:
            late = calendar.days_of(state, plan.published, due, ctx.today)
            msg = (
                f"{plan.key} 的活动计划于 {fmt.date_text(plan.published)} 公布，"
                f"晚于截止日 {fmt.date_text(due)}（迟了 {late} 天）{tail}"
            )
            yield Finding(FAIL, msg, pos=pos, **common)
