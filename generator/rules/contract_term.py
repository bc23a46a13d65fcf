"""Check ``contract-term``: the operating contract runs for the term the text sets.

《惠城区社区综合服务中心示范点建设运营实施方案》三(二) “签订为期1年的运营合同”; 《深圳市社区服务中心设置运营方案》
七(四) “首期合同期限为一年……合同仍是一年一签”; 《深圳市社区（党群）服务中心运营与评估标准》八(五) three-year
term. The pack gives ``years`` and ``op`` (``==`` for “为期1年”); centre.yaml's ``contract``
gives ``start`` and ``end`` (both days included). A term of N years runs from ``start`` to the
day before the same date N years later (a start on 29 February ends on 28 February).

Passing: ``years: 1``, ``start: 2026-01-01``, ``end: 2026-12-31`` → “合同期限 2026年1月1日至
2026年12月31日，共 1 年，符合“为期 1 年””.
Failing: ``end: 2028-12-31`` → “合同期限 2026年1月1日至2028年12月31日，共 3 年，不符合“为期 1 年””,
at the ``end`` line of centre.yaml.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass

from generator.packs.params import Int, Op, RuleParams, param
from generator.rules.base import FAIL, PASS, CheckContext, Finding, op_holds
from generator.text import formats as fmt
from generator.text.labels import OP_WORDS, STATUS_LABELS

# how the comparison of a term with the pack's years is worded
TERM_WORDS = {
    "==": "为期",
    ">=": "不少于",
    "<=": OP_WORDS["<="],
    ">": "超过",
    "<": "少于",
}


@dataclass(frozen=True)
class Params(RuleParams):
    years: int = param(Int(1), required=True)  # the contract term in years
    op: str = param(Op(), "==")  # 为期 N 年 → ==; 不超过 N 年 → <=


def add_years(day: dt.date, years: int) -> dt.date:
    """The same date ``years`` later (29 February → 1 March when that year has none)."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return dt.date(day.year + years, 3, 1)


def add_months(day: dt.date, months: int) -> dt.date:
    """The same day ``months`` later, or the month's last day when it is shorter."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    last = (dt.date(year + (month == 12), month % 12 + 1, 1) - dt.timedelta(days=1)).day
    return dt.date(year, month, min(day.day, last))


def term_end(start: dt.date, years: int) -> dt.date:
    """The last day of a term of ``years`` years beginning on ``start``."""
    return add_years(start, years) - dt.timedelta(days=1)


def span_text(start: dt.date, end: dt.date) -> str:
    """How long ``start``..``end`` (both included) lasts: “1 年”, “2 年 3 个月”, “9 个月 5 天”."""
    after = end + dt.timedelta(days=1)
    months = (after.year - start.year) * 12 + after.month - start.month
    while months > 0 and add_months(start, months) > after:
        months -= 1
    days = (after - add_months(start, months)).days
    parts = []
    if months // 12:
        parts.append(f"{months // 12} 年")
    if months % 12:
        parts.append(f"{months % 12} 个月")
    if days or not parts:
        parts.append(f"{days} 天")
    return " ".join(parts)


def check(ctx: CheckContext) -> Iterator[Finding]:
    """One finding: the contract's term against the pack's years."""
    contract = ctx.centre.contract
    p: Params = ctx.params
    due = term_end(contract.start, p.years)
    # the term compares with N years as its end compares with the N-year term's last day
    ok = op_holds(contract.end, p.op, due)
    wanted = f"{TERM_WORDS.get(p.op, p.op)} {p.years} 年"
    said = f"合同期限 {fmt.date_text(contract.start)}至{fmt.date_text(contract.end)}，共 {span_text(contract.start, contract.end)}"
    msg = f"{said}，{STATUS_LABELS[PASS if ok else FAIL]}“{wanted}”"
    if not ok and p.op == "==":
        msg += f"（{p.years} 年的合同应于 {fmt.date_text(due)}期满）"
    yield Finding(
        PASS if ok else FAIL,
        msg,
        pos=contract.pos("end"),
        measured={"start": contract.start, "end": contract.end, "term_end": due},
        threshold=p.years,
    )
