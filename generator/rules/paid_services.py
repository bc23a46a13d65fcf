"""Check ``paid-services-filed``: paid convenience services are filed in advance and priced fairly.

《深圳市社区（党群）服务中心运营与评估标准》七(二) “该类型项目须提前向街道办事处备案审查，收取费用
不得高于同类营利性服务的普遍水平”. For every ``services.paid`` entry of centre.yaml:

- listed: without ``include_any_charged``, a paid service's code must belong to one of the
  pack's ``tables`` (表十); with it (both Shenzhen packs), any charged service is checked here;
- filed: ``filed_with`` and ``filed_on`` are written;
- with the right authority: ``filed_with`` names the pack's ``file_with`` (it contains one of
  ``file_with_names``, by default ``file_with`` itself). 《深圳市社区服务中心设置运营方案》五(二) asks
  for 区级主管部门, so a filing with a 街道办事处 fails there while it passes under the 2015
  standard's 七(二) (“向街道办事处备案审查”);
- in advance (``filed_before_start``): ``filed_on`` is not later than the first planned
  activity that charges under it (``paid_service`` of plans/YYYY-MM.yaml);
- price (``price_cap: market-level``): ``price`` ≤ ``market_price`` when the market price
  is recorded (otherwise ``no-data``); a charged activity may not ask more than the filed price.

Passing: ``filed_on: 2026-06-10``, first charged activity on 2026-07-06, price 30 ≤ market 80.
Failing: first charged activity on 2026-06-09 → “经营性服务 10.1.2 暑期少儿书法班 于 2026年6月10日备案，
晚于首次收费活动 2026年6月9日：须提前备案”, at ``filed_on``.
Under the early plan (``file_with: 区级主管部门``, ``file_with_names: [区民政局, …]``),
``filed_with: 榕湾街道办事处`` → “经营性服务 10.1.1 … 向榕湾街道办事处备案，不是向区级主管部门：须提前向区级主管部门
上报备案审查”, at ``filed_with``.
Distribution of the income (严禁用于分配) is the ``income-not-distributed`` check's.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from generator.packs.params import Choice, Flag, ListOf, RuleParams, Text, param
from generator.rules.base import FAIL, NO_DATA, PASS, CheckContext, Finding
from generator.text import formats as fmt


@dataclass(frozen=True)
class Params(RuleParams):
    file_with: str = param(Text(), "主管部门")  # who paid services are filed with
    # words a record's filed_with may contain to name that authority (default: file_with)
    file_with_names: tuple[str, ...] = param(ListOf(Text()), ())
    filed_before_start: bool = param(Flag(), False)
    price_cap: str | None = param(Choice("market-level"))
    no_profit_distribution: bool = param(Flag(), False)
    tables: tuple[str, ...] = param(ListOf(Text()), ())  # the catalogue's paid-service tables
    include_any_charged: bool = param(Flag(), False)


def check(ctx: CheckContext) -> Iterator[Finding]:
    """Findings per paid service: filing, filing date, price cap."""
    authority = ctx.params.file_with
    names = ctx.params.file_with_names or (authority,)
    charged = [a for p in ctx.centre.plans for a in p.activities if a.paid_service]
    paid = ctx.centre.services.paid
    if not paid and not charged:
        yield Finding(PASS, "没有经营性便民利民服务", pos=ctx.centre.services.src)
        return
    cat = ctx.pack.catalogue
    only_tables = ctx.params.tables and not ctx.params.include_any_charged and cat is not None
    for ps in paid:
        name = f"经营性服务 {ps.code} {ps.title}"
        table = cat.table_of(ps.code) if cat is not None else None
        if only_tables and (table is None or table.code not in ctx.params.tables):
            msg = (
                f"{name} 不在经营性服务目录表（{'、'.join(ctx.params.tables)}）中："
                "只有这些表中的项目可以作为经营性服务收费"
            )
            yield Finding(FAIL, msg, pos=ps.pos("code"), measured={"code": ps.code})
        uses = sorted((a for a in charged if a.paid_service == ps.code), key=lambda a: a.date)
        if not ps.filed_with or not ps.filed_on:
            missing = "、".join(k for k in ("filed_with", "filed_on") if not getattr(ps, k))
            msg = f"{name} 没有向{authority}备案的记录（缺少 {missing}），须提前备案审查"
            yield Finding(FAIL, msg, pos=ps.src, measured={"code": ps.code})
        else:
            right = any(n in ps.filed_with for n in names)
            if not right:
                msg = f"{name} 向{ps.filed_with}备案，不是向{authority}：须提前向{authority}上报备案审查"
                yield Finding(
                    FAIL,
                    msg,
                    pos=ps.pos("filed_with"),
                    measured={"filed_with": ps.filed_with},
                    threshold=authority,
                )
            if ctx.params.filed_before_start and uses and ps.filed_on > uses[0].date:
                first = uses[0]
                msg = (
                    f"{name} 于 {fmt.date_text(ps.filed_on)}备案，晚于首次收费活动 "
                    f"{fmt.date_text(first.date)}（{first.title}）：须提前备案"
                )
                yield Finding(
                    FAIL,
                    msg,
                    pos=ps.pos("filed_on"),
                    measured={"filed_on": ps.filed_on, "first_use": first.date},
                    threshold=first.date,
                )
            elif right:
                msg = f"{name} 已于 {fmt.date_text(ps.filed_on)}向{ps.filed_with}备案"
                yield Finding(PASS, msg, pos=ps.pos("filed_on"), measured={"filed_on": ps.filed_on})
        if ctx.params.price_cap == "market-level":
            if ps.market_price is None:
                msg = f"{name} 没有填写同类营利性服务的普遍价格（market_price），无法核对收费上限"
                yield Finding(NO_DATA, msg, pos=ps.pos("price"), measured={"price": ps.price})
            elif ps.price > ps.market_price:
                msg = (
                    f"{name} 收费 {fmt.yuan(ps.price)} 元，高于同类营利性服务的普遍水平 "
                    f"{fmt.yuan(ps.market_price)} 元"
                )
                yield Finding(
                    FAIL,
                    msg,
                    pos=ps.pos("price"),
                    measured={"price": ps.price, "market_price": ps.market_price},
                    threshold=ps.market_price,
                )
            else:
                msg = f"{name} 收费 {fmt.yuan(ps.price)} 元，不高于普遍水平 {fmt.yuan(ps.market_price)} 元"
                yield Finding(
                    PASS,
                    msg,
                    pos=ps.pos("price"),
                    measured={"price": ps.price, "market_price": ps.market_price},
                    threshold=ps.market_price,
                )
        for a in uses:
            if a.price > ps.price:
                msg = (
                    f"{a.date} 的活动 {a.title} 收费 {fmt.yuan(a.price)} 元，高于{name}备案的收费标准 "
                    f"{fmt.yuan(ps.price)} 元"
                )
                yield Finding(
                    FAIL, msg, pos=a.pos("price"), measured={"price": a.price}, threshold=ps.price
                )
