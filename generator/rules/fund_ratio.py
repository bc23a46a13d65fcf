"""Check ``fund-ratio``: a share of spending against its limit, per quarter, year to date and year.

《深圳市社区（党群）服务中心运营与评估标准》七(一) “员工薪酬与福利经费和办公设施与场地运作成本应不低于
项目总经费的80%（其中用于中心工作人员薪酬与福利的经费不低于75%），机构营运管理费不得超过10％，
服务项目运作经费不得低于10%”. The pack gives the ``numerator`` categories (staff, site,
management, services), ``op``, ``threshold``, the ``periods`` to check and the ``base``.

Base ``government-project``: the period's actual spending of the government-funded project,
i.e. the sum of the four categories of finance/YYYY-Qn.yaml (the pack's reasoning: the
sentence describes the structure of the project's costs; unspent money is carried forward,
so it must not dilute the shares; and the four shares then always sum to 100 %). Base
``paid-and-donation-income`` (七(二), management fee drawn from paid and donated income)
needs a split the records do not hold: ``no-data`` when there was such income,
``not-applicable`` when there was none.

The comparison is exact (management ≤ 10 % is ``management × 1 ≤ 0.10 × total``), so
10.00 % passes and 10.01 % fails. Quarter and year-to-date results use the pack's
``interim_severity``; the full year uses the rule's severity.

Passing: 2026-Q3 spends 10,000.00 of 100,000.00 on management (10.00 %).
Failing: 10,500.00 of 100,000.00 → “2026年第三季度机构营运管理费占支出的 10.50%，高于上限 10%”,
at the ``expenditure.management`` block of finance/2026-Q3.yaml.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal

from generator import model as m
from generator.figures import finance as figures
from generator.packs.params import Choice, Dec, ListOf, Op, RuleParams, Severity, Text, param
from generator.problems import Position
from generator.rules.base import (
    FAIL,
    FAIL_TEXT,
    NO_DATA,
    NOT_APPLICABLE,
    OP_TEXT,
    PASS,
    CheckContext,
    Finding,
    ratio_holds,
)
from generator.text import formats as fmt

BASES = {
    "government-project": "政府购买或资助的公共服务项目在该期间的实际支出总额（四类支出之和）",
    "paid-and-donation-income": "该期间经营性服务项目收入与捐赠收入之和",
}


@dataclass(frozen=True)
class Params(RuleParams):
    numerator: tuple[str, ...] = param(ListOf(Choice(*m.EXPENSE_CATEGORIES)), required=True)
    op: str = param(Op(), required=True)
    threshold: Decimal = param(Dec(0, 1), required=True)
    periods: tuple[str, ...] = param(ListOf(Choice("quarter", "year-to-date", "year")), ("year",))
    base: str = param(Choice(*BASES), "government-project")
    base_text: str | None = param(Text())  # overrides the base's own wording
    interim_severity: str | None = param(Severity())  # for quarters and year to date

    @property
    def base_wording(self) -> str:
        return self.base_text or BASES[self.base]


def category_pos(q: m.Quarter, key: str) -> Position:
    """The line a category's figure comes from: its subtotal when written, else its items."""
    cat = q.expenditure.get(key)
    if cat is None:
        return q.pos("expenditure")
    return cat.at.get("total") or cat.pos("items")


def numerator_label(keys: list[str]) -> str:
    labels = [figures.EXPENSE_LABELS.get(k, k) for k in keys]
    return labels[0] if len(labels) == 1 else "、".join(labels) + "合计"


def check(ctx: CheckContext) -> Iterator[Finding]:
    """One finding per period of every year with finance records."""
    p: Params = ctx.params
    keys = list(p.numerator)
    base_kind, op, threshold = p.base, p.op, p.threshold
    kinds = p.periods
    interim = p.interim_severity
    base_text = p.base_wording
    label = numerator_label(keys)
    limit = fmt.limit_percent(threshold)
    years = sorted({q.year for q in ctx.centre.quarters})
    if not years:
        yield Finding(
            NO_DATA, "还没有季度财务记录", pos=ctx.centre.src, threshold=threshold, base=base_text
        )
        return
    for year in years:
        quarters = {q.quarter: q for q in ctx.centre.quarters if q.year == year}
        for period in figures.finance_periods(ctx.centre, year):
            if period.kind not in kinds:
                continue
            last = quarters[period.quarters[-1]]
            pos = category_pos(last, keys[0]) if keys else last.src
            severity = None if period.kind == "year" else interim
            common = {
                "pos": pos,
                "period": period.label,
                "year": year,
                "threshold": threshold,
                "base": base_text,
                "severity": severity,
            }
            if base_kind == "paid-and-donation-income":
                paid = period.income.get("convenience", Decimal(0)) + period.income.get(
                    "donations", Decimal(0)
                )
                if paid == 0:
                    msg = f"{period.label}没有经营性服务收入和捐赠收入"
                    yield Finding(NOT_APPLICABLE, msg, measured={"base": paid}, **common)
                else:
                    msg = (
                        f"{period.label}有经营性服务和捐赠收入 {fmt.yuan(paid)} 元，从中提取的机构管理费占比"
                        "不能从记录核对：季度财务记录没有区分从这部分收入中提取的机构管理费，请以审计报告核对"
                    )
                    yield Finding(NO_DATA, msg, measured={"base": paid}, **common)
                continue
            whole = period.expenditure_total
            part = sum((period.expenditure.get(k, Decimal(0)) for k in keys), Decimal(0))
            if whole == 0:
                yield Finding(NO_DATA, f"{period.label}没有支出，无法计算{label}占比", **common)
                continue
            share = part / whole
            shown = fmt.percent_against(share, threshold)
            measured = {
                "numerator": part,
                "base": whole,
                "ratio": share,
                "percent": shown,
                "period_kind": period.kind,
            }
            if ratio_holds(part, whole, op, threshold):
                msg = f"{period.label}{label}占支出的 {shown}，符合“{OP_TEXT.get(op, op)} {limit}”"
                yield Finding(PASS, msg, measured=measured, **common)
            else:
                msg = f"{period.label}{label}占支出的 {shown}，{FAIL_TEXT[op]} {limit}"
                yield Finding(FAIL, msg, measured=measured, **common)
