"""Check ``catalogue-size``: enough 大项 and 细项 of the service catalogue are offered.

《深圳市社区（党群）服务中心运营与评估标准》五(二) “服务大项应不少于12项……服务细项应不少于30个，
涉及服务大项不足12项、服务细项不足30个的须向区主管部门申请报备”. The pack gives
``min_majors``, ``min_items``, the ``tables`` that count (public services 表一–表八; the
paid services of 表十 do not) and whether the centre's own items count (``count_custom``).

Counted over what was delivered (generator/rules/catalogue.py): held activities and
individual services of the twelve months before the day of the check.

Passing: the year's held activities cover 30 细项 spread over 12 大项.
Failing: 29 细项 → “…服务细项 29 个，少于 30 个” at the ``catalogue`` line of centre.yaml.
While the contract is younger than twelve months a shortfall is pending, not a finding.
When ``services.filed_exemption`` records the 报备 to the district, the shortfall is
reported with severity ``info`` instead of the rule's.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from generator.packs.params import Flag, Int, ListOf, RuleParams, Text, param
from generator.rules.base import FAIL, NO_DATA, NOT_APPLICABLE, PASS, CheckContext, Finding
from generator.rules.catalogue import (
    coverage,
    delivered_lead,
    listed_note,
    not_yet,
    services_pos,
)
from generator.text import formats as fmt


@dataclass(frozen=True)
class Params(RuleParams):
    min_majors: int | None = param(Int())
    min_items: int | None = param(Int())
    tables: tuple[str, ...] | None = param(ListOf(Text()))  # None: every table
    count_custom: bool = param(Flag(), False)
    exemption: str | None = param(Text())
    exemption_authority: str = param(Text(), "主管部门")


def check(ctx: CheckContext) -> Iterator[Finding]:
    """Count distinct 大项 and 细项 offered in the counted tables."""
    cat = ctx.pack.catalogue
    pos = services_pos(ctx.centre)
    if cat is None:
        yield Finding(NO_DATA, "规则包没有服务目录，无法统计服务大项和细项", pos=pos)
        return
    tables = list(ctx.params.tables) if ctx.params.tables else None
    cov = coverage(ctx.centre, cat, ctx.today)
    if not cov.delivered_any:
        msg = f"{cov.period or '近12个月'}没有活动记录，无法统计实际提供的服务大项和细项"
        yield Finding(NO_DATA, msg, pos=pos)
        return
    majors = len(cov.majors_in(cat, tables))
    items = len(cov.items_in(cat, tables))
    if ctx.params.count_custom:
        items += len(cov.custom)
    min_majors = ctx.params.min_majors
    min_items = ctx.params.min_items
    short = []
    if min_majors is not None and majors < min_majors:
        short.append(f"服务大项 {majors} 项，少于 {fmt.num(min_majors)} 项")
    if min_items is not None and items < min_items:
        short.append(f"服务细项 {items} 个，少于 {fmt.num(min_items)} 个")
    measured = {"majors": majors, "items": items}
    threshold = {"min_majors": min_majors, "min_items": min_items}
    if not short:
        msg = f"{delivered_lead(cov)}涉及服务大项 {majors} 项、服务细项 {items} 个，符合“大项不少于 {fmt.num(min_majors)} 项、细项不少于 {fmt.num(min_items)} 个”"
        yield Finding(PASS, msg + listed_note(cov), pos=pos, measured=measured, threshold=threshold)
        return
    short[0] = delivered_lead(cov) + "涉及" + short[0]
    if not cov.complete:
        msg = "；".join(short) + not_yet(cov)
        yield Finding(NOT_APPLICABLE, msg, pos=pos, measured=measured, threshold=threshold)
        return
    exempt = ctx.centre.services.filed_exemption
    authority = ctx.params.exemption_authority
    word = ctx.params.exemption or "报备"
    if exempt:
        msg = "；".join(short) + f"（已向{authority}{word}：{exempt}）"
        yield Finding(
            FAIL,
            msg,
            pos=ctx.centre.services.pos("filed_exemption"),
            measured=measured,
            threshold=threshold,
            severity="info",
        )
    else:
        msg = (
            "；".join(short)
            + f"，且没有向{authority}{word}（services.filed_exemption）"
            + listed_note(cov)
        )
        yield Finding(FAIL, msg, pos=pos, measured=measured, threshold=threshold)
