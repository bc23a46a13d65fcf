"""Check ``free-services``: public services are free of charge.

《深圳市社区（党群）服务中心运营与评估标准》五(一) “以上公共服务，原则上免收费” (hence a warning).
A planned activity with ``price`` above 0 whose ``service`` code belongs to one of the
pack's ``tables`` (表一–表八, the public services) is a shortfall; charging is for the
paid convenience services of 表十, filed in advance (see ``paid-services-filed``).

Passing: a 3.3.1 四点半学校 activity with no ``price``; a 10.2.2 晚托 activity at 20 元.
Failing: the 3.3.1 activity with ``price: 10`` → “2026-03-03 的活动 四点半学校（3.3.1，表三）收费 10.00 元：
公共服务原则上免收费”, at its ``price`` line in plans/2026-03.yaml.

The pack's ``table_labels`` (table code → the pack's name for it, ``Pack.table_labels``)
print the table as the pack's text numbers it: under the early plan an 8.1.1 activity is in
its 表七, not the catalogue's 表八.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from generator.packs.params import ListOf, RuleParams, Text, param
from generator.rules.base import FAIL, NO_DATA, PASS, CheckContext, Finding
from generator.text import formats as fmt


@dataclass(frozen=True)
class Params(RuleParams):
    tables: tuple[str, ...] = param(ListOf(Text()), required=True)


def check(ctx: CheckContext) -> Iterator[Finding]:
    """One finding per charged public-service activity, or one pass."""
    cat = ctx.pack.catalogue
    if cat is None:
        yield Finding(
            NO_DATA, "规则包没有服务目录，无法判断哪些活动属于公共服务", pos=ctx.centre.src
        )
        return
    tables = set(ctx.params.tables)
    found = False
    for plan in ctx.centre.plans:
        for a in plan.activities:
            if a.price <= 0:
                continue
            table = cat.table_of(a.service)
            if table is None or table.code not in tables:
                continue
            found = True
            label = ctx.pack.table_label(table.code) or table.table or table.code
            msg = (
                f"{a.date} 的活动 {a.title}（{a.service}，{label}）收费 {fmt.yuan(a.price)} 元："
                "公共服务原则上免收费"
            )
            yield Finding(
                FAIL,
                msg,
                pos=a.pos("price"),
                period=plan.key,
                year=plan.year,
                measured={"price": a.price, "service": a.service},
            )
    if not found:
        yield Finding(PASS, "公共服务活动均未收费", pos=ctx.centre.services.src)
