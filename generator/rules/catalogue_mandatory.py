"""Check ``catalogue-mandatory``: the categories that must be offered are offered.

《深圳市社区（党群）服务中心运营与评估标准》五(二) “老人、残疾人、妇女儿童及家庭、青少年服务与居民
自助互助服务为必须提供项目（某个特定人群数量少于20人的除外，但必须提供转介服务）”，and
“居民自助互助服务必须涉及所有服务大项”. The pack lists the ``categories`` (table codes),
``all_majors_of`` (tables whose every 大项 is required), ``population_exemption_below``
with ``exemption_population`` (table → population key of centre.yaml) and
``referral_required``.

Counted over what was delivered (generator/rules/catalogue.py): held activities and
individual services of the twelve months before the day of the check.

Passing: no 表二 service delivered, ``populations.disabled: {count: 19, referral: 转介至残联}``
(fewer than 20, referral arranged).
Failing: the same with ``count: 20`` → “未提供 表二（社区助残公共服务内容建议表）的服务”;
or ``count: 19`` without ``referral`` → “…人数 19 人少于 20 人可不单独开设，但须写明转介服务”.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal

from generator.packs.params import Flag, Int, ListOf, MapOf, RuleParams, Text, param
from generator.records.validate import population_label
from generator.rules.base import FAIL, NO_DATA, NOT_APPLICABLE, PASS, CheckContext, Finding
from generator.rules.catalogue import (
    coverage,
    delivered_lead,
    not_yet,
    services_pos,
    table_name,
)
from generator.text import formats as fmt


@dataclass(frozen=True)
class Params(RuleParams):
    categories: tuple[str, ...] = param(ListOf(Text()), ())
    all_majors_of: tuple[str, ...] = param(ListOf(Text()), ())
    population_exemption_below: int | None = param(Int())
    exemption_population: dict[str, str] = param(MapOf(Text()), None)
    referral_required: bool = param(Flag(), False)


def check(ctx: CheckContext) -> Iterator[Finding]:
    """One finding per required category, and one per table whose 大项 are all required."""
    cat = ctx.pack.catalogue
    pos = services_pos(ctx.centre)
    if cat is None:
        yield Finding(NO_DATA, "规则包没有服务目录，无法检查必须提供的服务类别", pos=pos)
        return
    cov = coverage(ctx.centre, cat, ctx.today)
    if not cov.delivered_any:
        msg = f"{cov.period or '近12个月'}没有活动记录，无法检查必须提供的服务类别"
        yield Finding(NO_DATA, msg, pos=pos)
        return
    short = FAIL if cov.complete else NOT_APPLICABLE
    pending = "" if cov.complete else not_yet(cov)
    below = ctx.params.population_exemption_below
    exempt_pop = ctx.params.exemption_population or {}
    referral_required = ctx.params.referral_required
    populations = {p.key: p for p in ctx.centre.populations}
    for code in ctx.params.categories:
        name = table_name(cat, code, ctx.pack.table_labels)
        if code in cov.tables:
            msg = f"{delivered_lead(cov)}包括{name}的服务"
            yield Finding(PASS, msg, pos=pos, measured={"category": code})
            continue
        key = exempt_pop.get(code)
        pop = populations.get(key) if key else None
        if below is not None and pop is not None and Decimal(pop.count) < below:
            label = population_label(key)
            if referral_required and not pop.referral:
                msg = (
                    f"未提供{name}的服务：社区{label} {pop.count} 人，少于 {fmt.num(below)} 人可不单独开设，"
                    "但须写明转介服务（populations 中的 referral）"
                )
                yield Finding(
                    FAIL,
                    msg,
                    pos=pop.src,
                    measured={"category": code, "population": pop.count},
                    threshold=below,
                )
            else:
                msg = f"社区{label} {pop.count} 人，少于 {fmt.num(below)} 人，可不单独开设{name}的服务（已安排转介）"
                yield Finding(
                    PASS,
                    msg,
                    pos=pop.src,
                    measured={"category": code, "population": pop.count},
                    threshold=below,
                )
            continue
        hint = ""
        if key and below is not None and pop is None:
            hint = f"（如社区{population_label(key)}少于 {fmt.num(below)} 人，请在 populations 中写明人数和转介服务）"
        msg = f"{delivered_lead(cov)}没有{name}的服务{hint}{pending}"
        yield Finding(short, msg, pos=pos, measured={"category": code})
    for code in ctx.params.all_majors_of:
        table = next((t for t in cat.tables if t.code == code), None)
        if table is None:
            continue
        missing = [mj for mj in table.majors if mj.code not in cov.majors]
        name = table_name(cat, code, ctx.pack.table_labels)
        measured = {"covered": len(table.majors) - len(missing), "majors": len(table.majors)}
        if missing:
            codes = "、".join(f"{mj.code} {mj.title}" for mj in missing)
            msg = f"{name}须涉及全部服务大项，{delivered_lead(cov)}缺少：{codes}{pending}"
            yield Finding(short, msg, pos=pos, measured=measured)
        else:
            yield Finding(
                PASS, f"{name}的 {len(table.majors)} 个服务大项均已涉及", pos=pos, measured=measured
            )
