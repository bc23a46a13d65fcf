"""Check ``opening-hours``: enough days a week open long enough.

《杭州高新区（滨江）社区美好生活共同体运营与管理规范》附录C 表C.1 常态开放 “每天开放时间不少于12小时，
开放天数每周不少于5天”. Read on the published regular week (``opening_hours.weekly``):
a day counts when its sessions, split sessions summed (09:00–12:00 + 13:00–22:00 = 12 h),
reach ``min_hours_per_day``; at least ``min_days_per_week`` such days pass. Shorter days
(a half-day Sunday) cost nothing, and dated ``exceptions`` (statutory holidays, 调休)
are not counted against the week: the pack says 法定节假日不计.

Passing: Monday–Friday 08:30–12:00 + 13:00–21:30 (12 h each), weekend closed.
Failing: the same with Friday 08:30–12:00 + 13:00–21:29 (11 h 59 min) →
“每天开放不少于 12 小时的只有 4 天（周一、周二、周三、周四），少于每周 5 天” at ``opening_hours.weekly``.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal

from generator import model as m
from generator.figures import finance as figures
from generator.packs.params import Dec, Int, RuleParams, param
from generator.rules.base import FAIL, PASS, CheckContext, Finding
from generator.text import formats as fmt


@dataclass(frozen=True)
class Params(RuleParams):
    min_hours_per_day: Decimal = param(Dec(0, 24), required=True)
    min_days_per_week: int = param(Int(0), required=True)


def check(ctx: CheckContext) -> Iterator[Finding]:
    """Count the weekdays of the regular week open at least the minimum hours."""
    hours = ctx.centre.opening_hours
    min_minutes = int(ctx.params.min_hours_per_day * 60)
    min_days = ctx.params.min_days_per_week
    minutes = figures.weekly_minutes(hours)
    long_days = [d for d in range(7) if minutes[d] > 0 and minutes[d] >= min_minutes]
    names = "、".join(m.WEEKDAYS[d] for d in long_days) or "无"
    measured = {
        "days": len(long_days),
        "minutes_per_day": {m.WEEKDAYS[d]: minutes[d] for d in range(7)},
        "exceptions_not_counted": len(hours.exceptions),
    }
    threshold = {"min_hours_per_day": ctx.params.min_hours_per_day, "min_days_per_week": min_days}
    limit = fmt.hours_minutes(min_minutes)
    pos = hours.pos("weekly")
    if len(long_days) >= min_days:
        msg = f"每天开放不少于 {limit}的有 {len(long_days)} 天（{names}），符合每周不少于 {fmt.num(min_days)} 天"
        yield Finding(PASS, msg, pos=pos, measured=measured, threshold=threshold)
        return
    longest = sorted((d for d in range(7) if d not in long_days), key=lambda d: -minutes[d])
    near = ""
    if longest and minutes[longest[0]]:
        d = longest[0]
        near = f"；{m.WEEKDAYS[d]}开放 {fmt.hours_minutes(minutes[d])}"
    msg = f"每天开放不少于 {limit}的只有 {len(long_days)} 天（{names}），少于每周 {fmt.num(min_days)} 天{near}"
    yield Finding(FAIL, msg, pos=pos, measured=measured, threshold=threshold)
