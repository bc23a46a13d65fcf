"""Kind ``emergency-hazards``: the hazards a district's pack adds to the emergency plan.

Some districts list hazards their centres must plan for (台风、暴雨 …) beyond the default
ones. The records cannot show a drill or a plan, so the check only says so; the safety
manual (安全管理制度与应急预案) prints a section for every hazard listed here.

Example: ``hazards: [typhoon, flood]``.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from generator.packs.params import ListOf, RuleParams, Text, param
from generator.rules.base import NOT_APPLICABLE, CheckContext, Finding


@dataclass(frozen=True)
class Params(RuleParams):
    hazards: tuple[str, ...] = param(ListOf(Text()), required=True)  # hazard ids of the manual


def check(ctx: CheckContext) -> Iterator[Finding]:
    yield Finding(
        NOT_APPLICABLE,
        "应急预案覆盖的灾害种类写在安全管理制度中；演练情况不在记录中，未检查",
        pos=ctx.rule.src,
    )
