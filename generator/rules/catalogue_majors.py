"""Check ``catalogue-majors-per-category``: each required category has enough 大项.

《深圳市社区服务中心设置运营方案》五(四) “必须提供涉及基础人群的四大类服务内容，且每类服务内容服务
大项应不少于三个”; 五(五) “如果社区内优抚对象或某一特定人群数量超过20人，社区服务中心必须设置
相应服务内容，且服务大项不少于两个”. The pack gives ``categories`` with ``min_majors``, and
``conditional`` entries ``{category, population, population_above, min_majors}`` that apply
only when the population of centre.yaml is above the number (超过 → ``>``).

Counted over what was delivered (generator/rules/catalogue.py): held activities and
individual services of the twelve months before the day of the check.

Passing: held activities under 表一's 1.1, 1.2 and 1.5 (3 大项).
Failing: only 1.1 and 1.2 → “…表一 涉及服务大项 2 个，少于 3 个”.
Conditional: ``populations.veterans.count: 20`` → not required (20 is not 超过20);
``21`` with one 表五 大项 → shortfall.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal

from generator.packs.params import Int, ListOf, Rows, RuleParams, Text, param
from generator.records.validate import population_label
from generator.rules.base import FAIL, NO_DATA, NOT_APPLICABLE, PASS, CheckContext, Finding
from generator.rules.catalogue import coverage, delivered_lead, not_yet, services_pos, table_name
from generator.text import formats as fmt


@dataclass(frozen=True)
class Params(RuleParams):
    categories: tuple[str, ...] = param(ListOf(Text()), ())
    min_majors: int | None = param(Int())
    conditional: tuple[dict, ...] = param(
        Rows(required=("category", "population", "population_above", "min_majors")), ()
    )


def _majors_finding(name: str, code: str, got: int, need: Decimal, pos, cov) -> Finding:
    measured = {"category": code, "majors": got}
    name = f"{delivered_lead(cov)}中，{name}"
    if got < need and not cov.complete:
        return Finding(
            NOT_APPLICABLE,
            f"{name}涉及服务大项 {got} 个，少于 {fmt.num(need)} 个{not_yet(cov)}",
            pos=pos,
            measured=measured,
            threshold=need,
        )
    if got >= need:
        return Finding(
            PASS,
            f"{name}涉及服务大项 {got} 个，不少于 {fmt.num(need)} 个",
            pos=pos,
            measured=measured,
            threshold=need,
        )
    return Finding(
        FAIL,
        f"{name}涉及服务大项 {got} 个，少于 {fmt.num(need)} 个",
        pos=pos,
        measured=measured,
        threshold=need,
    )


def check(ctx: CheckContext) -> Iterator[Finding]:
    """Count covered 大项 per category; conditional categories only above a population."""
    cat = ctx.pack.catalogue
    pos = services_pos(ctx.centre)
    if cat is None:
        yield Finding(NO_DATA, "规则包没有服务目录，无法统计各类服务大项", pos=pos)
        return
    cov = coverage(ctx.centre, cat, ctx.today)
    if not cov.delivered_any:
        msg = f"{cov.period or '近12个月'}没有活动记录，无法统计各类服务大项"
        yield Finding(NO_DATA, msg, pos=pos)
        return
    need = ctx.params.min_majors
    for code in ctx.params.categories:
        got = len(cov.majors_in(cat, [code]))
        if need is not None:
            yield _majors_finding(
                table_name(cat, code, ctx.pack.table_labels), code, got, need, pos, cov
            )
    populations = {p.key: p for p in ctx.centre.populations}
    for cond in ctx.params.conditional:
        code = str(cond.get("category"))
        key = str(cond.get("population"))
        above = Decimal(str(cond.get("population_above")))
        cond_need = Decimal(str(cond.get("min_majors")))
        name = table_name(cat, code, ctx.pack.table_labels)
        pop = populations.get(key)
        label = population_label(key)
        if pop is None:
            yield Finding(
                NO_DATA,
                f"centre.yaml 的 populations 中没有{label}人数，无法判断是否须设置{name}的服务",
                pos=ctx.centre.src,
                threshold=above,
            )
            continue
        if not Decimal(pop.count) > above:
            yield Finding(
                NOT_APPLICABLE,
                f"社区{label} {pop.count} 人，未超过 {fmt.num(above)} 人，不要求设置{name}的服务",
                pos=pop.src,
                measured={"population": pop.count},
                threshold=above,
            )
            continue
        got = len(cov.majors_in(cat, [code]))
        f = _majors_finding(
            f"社区{label} {pop.count} 人，超过 {fmt.num(above)} 人；{name}",
            code,
            got,
            cond_need,
            pos,
            cov,
        )
        yield f
