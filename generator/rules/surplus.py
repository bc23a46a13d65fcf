"""Check ``surplus-carried-forward``: each quarter carries in the balance the previous one closed
with, and a year's unspent project money is carried into the next year.

《深圳市社区（党群）服务中心运营与评估标准》七(一) “项目节余经费应上报区主管部门，并顺延至下年度运营经费”.
A quarter's closing balance is its income (including the balance carried in) minus its
spending; the next quarter must show it as ``income.carried_forward`` — within a year
(the chain of the project's accounts, without which the year's surplus cannot be traced)
and from the fourth quarter into the next year's first (the surplus carried into the next
year's operating funds). A deficit (closing balance below zero) carries in nothing.
Reporting to the district (上报) is not in the records and is not checked.

Passing: 2026-Q2 closes with 15,560.82; finance/2026-Q3.yaml ``carried_forward: 15560.82``;
2025-Q4 closes with 12,000.00; finance/2026-Q1.yaml ``carried_forward: 12000.00``.
Failing: 2026-Q3 ``carried_forward: 15000.00`` → “2026年第三季度结转的上期结余为 15,000.00 元，
与 2026年第二季度期末结余 15,560.82 元不一致”; 2026-Q1 ``carried_forward: 0`` → “2025年节余
12,000.00 元，但 2026年第一季度结转的上期结余为 0.00 元，节余应顺延至下年度运营经费”; each at
the ``income`` block of the later quarter's file. Without the next quarter the link is
pending.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal

from generator import model as m
from generator.figures import finance as figures
from generator.packs.params import RuleParams, Text, param
from generator.rules.base import FAIL, NO_DATA, NOT_APPLICABLE, PASS, CheckContext, Finding
from generator.text import formats as fmt


@dataclass(frozen=True)
class Params(RuleParams):
    report_to: str | None = param(Text())  # who a year's surplus is reported to
    carry_to: str | None = param(Text())  # where it goes (e.g. next-year-operating-funds)


# where a year's surplus goes, as ``carry_to`` names it
CARRY_TO = {"next-year-operating-funds": "下年度运营经费"}


def _name(q: m.Quarter) -> str:
    return fmt.quarter_text(q.year, q.quarter)


def _link(
    prev: m.Quarter, cur: m.Quarter, closing: Decimal, got: Decimal, carry_to: str | None = None
) -> Finding:
    """The verdict on one link of the chain: ``cur`` carries in what ``prev`` closed with;
    ``carry_to`` is where the pack says a year's surplus goes."""
    expected = max(closing, Decimal(0))
    year_end = prev.quarter == 4
    period = f"{prev.year}年" if year_end else _name(cur)
    measured = {"closing": closing, "carried_forward": got}
    if year_end:
        measured["surplus"] = closing
    common = {
        "pos": cur.pos("income"),
        "period": period,
        "year": prev.year if year_end else cur.year,
        "measured": measured,
        "threshold": expected,
    }
    deficit = f"（期末结余 {fmt.yuan(closing)} 元为赤字，不结转）" if closing < 0 else ""
    if got == expected:
        if year_end and closing > 0:
            msg = f"{prev.year}年节余 {fmt.yuan(closing)} 元已顺延至 {cur.year}年第一季度"
        else:
            msg = (
                f"{_name(cur)}结转的上期结余 {fmt.yuan(got)} 元，"
                f"与{_name(prev)}期末结余一致{deficit}"
            )
        return Finding(PASS, msg, **common)
    if year_end and closing > 0:
        msg = (
            f"{prev.year}年节余 {fmt.yuan(closing)} 元，但 {cur.year}年第一季度结转的上期结余为 "
            f"{fmt.yuan(got)} 元，节余应顺延至{CARRY_TO.get(carry_to or '', carry_to or '下年度')}"
        )
    else:
        msg = (
            f"{_name(cur)}结转的上期结余为 {fmt.yuan(got)} 元，与{_name(prev)}期末结余 "
            f"{fmt.yuan(expected)} 元不一致{deficit}；上期结余应等于上季度收入合计减支出合计"
        )
    return Finding(FAIL, msg, **common)


def check(ctx: CheckContext) -> Iterator[Finding]:
    """One finding per pair of consecutive quarters, and one per year-end still pending."""
    quarters = {(q.year, q.quarter): q for q in ctx.centre.quarters}
    if not quarters:
        yield Finding(NO_DATA, "还没有季度财务记录，无法核对结余的结转", pos=ctx.centre.src)
        return
    for prev, cur, closing, got in figures.carried_forward_links(ctx.centre):
        yield _link(prev, cur, closing, got, ctx.params.carry_to)
    for q4 in (q for q in ctx.centre.quarters if q.quarter == 4):
        if (q4.year + 1, 1) in quarters:
            continue
        balance = q4.income_total - q4.expenditure_total
        period = f"{q4.year}年"
        common = {
            "pos": q4.src,
            "period": period,
            "year": q4.year,
            "measured": {"surplus": balance},
        }
        if balance <= 0:
            msg = f"{period}没有项目节余（年末结余 {fmt.yuan(balance)} 元）"
        else:
            msg = f"{period}节余 {fmt.yuan(balance)} 元，待 {q4.year + 1}年第一季度财务记录核对是否顺延"
        yield Finding(NOT_APPLICABLE, msg, **common)
