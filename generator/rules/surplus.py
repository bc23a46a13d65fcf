"""Check ``surplus-carried-forward``: a year's unspent project money is carried into the next year.

《深圳市社区（党群）服务中心运营与评估标准》七(一) “项目节余经费应上报区主管部门，并顺延至下年度运营经费”.
The closing balance of a year is the balance of its fourth quarter (income including the
balance carried in, minus spending). The next year's first quarter must show it as
``income.carried_forward``. Reporting to the district (上报) is not in the records and is
not checked.

Passing: 2025-Q4 closes with 12,000.00; finance/2026-Q1.yaml ``carried_forward: 12000.00``.
Failing: ``carried_forward: 0`` → “2025年节余 12,000.00 元，但 2026年第一季度结转的上期结余为
0.00 元，节余应顺延至下年度运营经费”, at the ``income`` block of finance/2026-Q1.yaml.
Without the next year's first quarter the check is pending.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal

from generator.packs.params import RuleParams, Text, param
from generator.rules.base import FAIL, NO_DATA, NOT_APPLICABLE, PASS, CheckContext, Finding
from generator.text import formats as fmt


@dataclass(frozen=True)
class Params(RuleParams):
    report_to: str | None = param(Text())  # who a year's surplus is reported to
    carry_to: str | None = param(Text())  # where it goes (e.g. next-year-operating-funds)


def check(ctx: CheckContext) -> Iterator[Finding]:
    """One finding per year that has a fourth quarter."""
    quarters = {(q.year, q.quarter): q for q in ctx.centre.quarters}
    closing = [q for q in ctx.centre.quarters if q.quarter == 4]
    if not closing:
        yield Finding(NO_DATA, "还没有第四季度财务记录，无法核对年度节余的结转", pos=ctx.centre.src)
        return
    for q4 in closing:
        balance = q4.income_total - q4.expenditure_total
        period = f"{q4.year}年"
        nxt = quarters.get((q4.year + 1, 1))
        measured = {"surplus": balance}
        if balance <= 0:
            msg = f"{period}没有项目节余（年末结余 {fmt.yuan(balance)} 元）"
            yield Finding(
                NOT_APPLICABLE, msg, pos=q4.src, period=period, year=q4.year, measured=measured
            )
            continue
        if nxt is None:
            msg = f"{period}节余 {fmt.yuan(balance)} 元，待 {q4.year + 1}年第一季度财务记录核对是否顺延"
            yield Finding(
                NOT_APPLICABLE, msg, pos=q4.src, period=period, year=q4.year, measured=measured
            )
            continue
        got = nxt.income.get("carried_forward", Decimal(0))
        measured["carried_forward"] = got
        common = {
            "pos": nxt.pos("income"),
            "period": period,
            "year": q4.year,
            "measured": measured,
            "threshold": balance,
        }
        if got == balance:
            msg = f"{period}节余 {fmt.yuan(balance)} 元已顺延至 {q4.year + 1}年第一季度"
            yield Finding(PASS, msg, **common)
        else:
            msg = (
                f"{period}节余 {fmt.yuan(balance)} 元，但 {q4.year + 1}年第一季度结转的上期结余为 "
                f"{fmt.yuan(got)} 元，节余应顺延至下年度运营经费"
            )
            yield Finding(FAIL, msg, **common)
