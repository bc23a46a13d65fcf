"""Check ``income-not-distributed``: paid-service and donated income is never distributed.

《深圳市社区（党群）服务中心运营与评估标准》七(二) “经营性服务项目或捐赠所得收入……严禁用于分配”; 《深圳市社区服务中心
设置运营方案》五(二) “经营性服务所得利润,应作为中心运营及公共服务项目拓展所需经费的来源”.

The quarterly finance records give each quarter's income by source and its spending in the
four categories of 七(一); they do not say where the paid-service and donated income went, so
whether any of it was distributed cannot be seen. For each year with such income (the
pack's ``sources``: ``convenience``, ``donations``) the check says so as a not-checked
result (``no-data``), naming the amount, so a reader never takes silence for a pass; a
centre with no such income and no paid services is ``not-applicable``.

Not applicable: no ``convenience`` or ``donations`` income and no ``services.paid``.
Not checked: 2026 ``convenience: 12000`` → “2026年经营性服务收入和捐赠收入共 12,000.00 元，是否用于分配
不能从记录核对：……”, at the first quarter with that income.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal

from generator.packs.params import Choice, ListOf, RuleParams, param
from generator.rules.base import NO_DATA, NOT_APPLICABLE, CheckContext, Finding
from generator.text import formats as fmt
from generator.text.labels import INCOME_LABELS

SOURCE_WORDS = {"convenience": "经营性服务收入", "donations": INCOME_LABELS["donations"]}
WHY = (
    "季度财务记录只有收入来源和四类支出，没有这部分收入的去向（是否用于分配），请以年度审计报告核对"
)


@dataclass(frozen=True)
class Params(RuleParams):
    sources: tuple[str, ...] = param(ListOf(Choice(*SOURCE_WORDS)), ("convenience", "donations"))


def check(ctx: CheckContext) -> Iterator[Finding]:
    """One not-checked finding per year with such income, or one not-applicable."""
    sources = ctx.params.sources
    what = "和".join(SOURCE_WORDS[s] for s in sources)
    by_year: dict[int, list] = {}
    for q in sorted(ctx.centre.quarters, key=lambda q: (q.year, q.quarter)):
        if sum((q.income.get(s, Decimal(0)) for s in sources), Decimal(0)) > 0:
            by_year.setdefault(q.year, []).append(q)
    if not by_year:
        paid = ctx.centre.services.paid
        if paid:
            msg = f"已登记经营性服务，但季度财务记录还没有{what}；有收入后，是否用于分配不能从记录核对：{WHY}"
            yield Finding(NO_DATA, msg, pos=ctx.centre.services.pos("paid"))
        else:
            yield Finding(NOT_APPLICABLE, f"没有{what}", pos=ctx.centre.services.src)
        return
    for year, quarters in sorted(by_year.items()):
        total = sum((q.income.get(s, Decimal(0)) for q in quarters for s in sources), Decimal(0))
        msg = f"{year}年{what}共 {fmt.yuan(total)} 元，是否用于分配不能从记录核对：{WHY}"
        yield Finding(
            NO_DATA,
            msg,
            pos=quarters[0].pos("income"),
            period=f"{year}年",
            year=year,
            measured={"income": total},
        )
