"""Checks ``monthly-activities`` and ``large-activities``: how many themed activities were held.

《杭州高新区（滨江）社区美好生活共同体运营与管理规范》附录C 表C.1 主题活动 “有组织性开展各类主题文化活动，
每月不少于5场，其中50-100人活动全年不少于8场，100人以上不少于2场”.

``monthly-activities`` counts, per month of activities/YYYY-MM.yaml, the records with
``status: 已举办`` that are themed (``themed`` on the record, else on the planned activity)
against ``min_themed_per_month``. A month still running is pending, not short. A month of the
contract that has ended with no activity record (whether or not it had a plan) held no
counted activity: it is short by the whole number, so deleting a record never raises a score.

Passing: activities/2026-05.yaml with 5 held themed activities.
Failing: 4 → “2026-05 举办主题活动 4 场，少于每月 5 场”, at that file's ``records`` line.

``large-activities`` sorts the year's held themed activities into the pack's ``bands`` by
attendance (the pack's reading: 50–100 people inclusive, and 101 or more for 100人以上, so
an activity counts in one band only) and compares each band with ``min_per_year``. With
``larger_counts_for_smaller`` the surplus of a larger band fills a smaller one's gap.
``themed_only: false`` would count every held activity. A year still running is pending.

Passing: 2025 with eight activities of 50–100 people and two of 101 or more.
Failing: seven of 50–100 and two of 120 → “2025年 50-100人的主题活动 7 场，少于全年 8 场”.
The attendance of 100 falls in the 50–100 band; 101 in 100人以上.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal

from generator.figures import finance as figures
from generator.packs.params import Flag, Int, Rows, RuleParams, param
from generator.rules.base import (
    FAIL,
    NO_DATA,
    NOT_APPLICABLE,
    PASS,
    CheckContext,
    Finding,
    month_end,
)
from generator.text import formats as fmt


@dataclass(frozen=True)
class MonthlyParams(RuleParams):
    min_themed_per_month: int = param(Int(), required=True)


@dataclass(frozen=True)
class LargeParams(RuleParams):
    bands: tuple[dict, ...] = param(
        Rows(
            required=("id", "min_people", "min_per_year"), known=("max_people", "label", "printed")
        ),
        required=True,
    )
    themed_only: bool = param(Flag(), True)
    larger_counts_for_smaller: bool = param(Flag(), False)


def _operating_months(ctx: CheckContext) -> list[str]:
    """The months of the contract that have ended by ``ctx.today`` (their last day is before
    it, and not after the contract's end): each must have held its themed activities, whether
    or not a plan or a record was written for it. ``ctx.today`` is only compared with those
    last days, so the answer holds from one month's end to the next."""
    contract = ctx.centre.contract
    keys = []
    y, mo = contract.start.year, contract.start.month
    while (end := month_end(y, mo)) <= contract.end and end < ctx.today:
        keys.append(f"{y:04d}-{mo:02d}")
        y, mo = (y + 1, 1) if mo == 12 else (y, mo + 1)
    return keys


def check_monthly(ctx: CheckContext) -> Iterator[Finding]:
    """One finding per month with records, and per month of the contract that ended without
    them: a month that happened with no activity record held no counted activity."""
    need = ctx.params.min_themed_per_month
    months = {a.key: a for a in ctx.centre.activity_months}
    planned = {p.key: p for p in ctx.centre.plans}
    operating = _operating_months(ctx)
    if not months and not planned and not operating:
        yield Finding(
            NO_DATA,
            "还没有活动计划或活动记录，无法统计主题活动场次",
            pos=ctx.centre.src,
            threshold=need,
        )
        return
    for key in sorted(set(months) | set(planned) | set(operating)):
        year, month = int(key[:4]), int(key[5:])
        ended = month_end(year, month) < ctx.today
        record = months.get(key)
        if record is None:
            if ended:
                if key in planned:
                    where = planned[key].src
                    msg = f"{key} 有活动计划但没有活动记录，按举办主题活动 0 场计，少于每月 {fmt.num(need)} 场"
                else:
                    where = ctx.centre.contract.pos("start")
                    msg = f"{key}（合同期内）没有活动计划也没有活动记录，按举办主题活动 0 场计，少于每月 {fmt.num(need)} 场"
                yield Finding(
                    FAIL,
                    msg,
                    pos=where,
                    period=key,
                    year=year,
                    measured={"themed_held": 0},
                    threshold=need,
                    shortfall=int(need),
                )
            continue
        held = figures.month_activity(ctx.centre, key).themed_held
        measured = {"themed_held": held}
        common = {
            "pos": record.pos("records"),
            "period": key,
            "year": year,
            "measured": measured,
            "threshold": need,
        }
        if held >= need:
            yield Finding(
                PASS, f"{key} 举办主题活动 {held} 场，不少于每月 {fmt.num(need)} 场", **common
            )
        elif not ended:
            msg = f"{key} 尚未结束，目前举办主题活动 {held} 场（每月不少于 {fmt.num(need)} 场）"
            yield Finding(NOT_APPLICABLE, msg, shortfall=int(need - held), **common)
        else:
            yield Finding(
                FAIL,
                f"{key} 举办主题活动 {held} 场，少于每月 {fmt.num(need)} 场",
                shortfall=int(need - held),
                **common,
            )


def _bands(ctx: CheckContext) -> list[dict]:
    out = []
    for b in ctx.params.bands:
        out.append(
            {
                "id": str(b.get("id")),
                "min": Decimal(str(b["min_people"])),
                "max": Decimal(str(b["max_people"])) if b.get("max_people") is not None else None,
                "need": Decimal(str(b["min_per_year"])),
                "printed": str(b.get("printed") or b.get("id")),
            }
        )
    return sorted(out, key=lambda b: b["min"], reverse=True)


def check_large(ctx: CheckContext) -> Iterator[Finding]:
    """One finding per band per year with activity records."""
    bands = _bands(ctx)
    themed_only = ctx.params.themed_only
    carry = ctx.params.larger_counts_for_smaller
    years = sorted({a.year for a in ctx.centre.activity_months})
    if not years:
        yield Finding(NO_DATA, "还没有活动记录，无法统计全年较大规模活动场次", pos=ctx.centre.src)
        return
    for year in years:
        held = [
            a
            for a in figures.held_activities(ctx.centre, year)
            if a.status == "已举办" and (a.themed or not themed_only)
        ]
        last = max((a for a in ctx.centre.activity_months if a.year == year), key=lambda a: a.month)
        ended = dt.date(year, 12, 31) < ctx.today
        surplus = 0
        for band in bands:
            count = len(
                [
                    a
                    for a in held
                    if a.attendance >= band["min"]
                    and (band["max"] is None or a.attendance <= band["max"])
                ]
            )
            effective = count + surplus
            short = max(0, int(band["need"]) - effective)
            surplus = max(0, effective - int(band["need"])) if carry else 0
            measured = {"count": count, "counted_with_larger": effective}
            what = "主题活动" if themed_only else "活动"
            extra = f"（含较大规模活动补足 {effective - count} 场）" if effective != count else ""
            common = {
                "pos": last.pos("records"),
                "period": f"{year}年",
                "year": year,
                "measured": measured,
                "threshold": band["need"],
            }
            if short == 0:
                msg = f"{year}年 {band['printed']}的{what} {effective} 场{extra}，不少于全年 {fmt.num(band['need'])} 场"
                yield Finding(PASS, msg, **common)
            elif not ended:
                msg = f"{year}年尚未结束，目前 {band['printed']}的{what} {effective} 场{extra}（全年不少于 {fmt.num(band['need'])} 场）"
                yield Finding(NOT_APPLICABLE, msg, shortfall=short, **common)
            else:
                msg = f"{year}年 {band['printed']}的{what} {effective} 场{extra}，少于全年 {fmt.num(band['need'])} 场"
                yield Finding(FAIL, msg, shortfall=short, **common)
