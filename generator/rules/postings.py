"""Kinds ``posting-period`` and ``service-consultation``: rules the noticeboard postings read.

They ask for something the records cannot show (how long a posting stayed up; that the
service items were put up for residents' comments before they were fixed), so the check
only says so; the print postings cite them and print their numbers.

``posting-period``: how many days a posting stays on the noticeboard — ``days`` for every
kind, ``by_kind`` for one (``by_kind: {finance: "15"}``). ``service-consultation``: the
clause asking for the 服务项目征求意见公示 (深圳 八(一) “各服务大项确定前应张榜公示”).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from generator.packs.params import Int, MapOf, RuleParams, param
from generator.rules.base import NOT_APPLICABLE, CheckContext, Finding


@dataclass(frozen=True)
class PostingParams(RuleParams):
    days: int | None = param(Int(1))  # every kind
    by_kind: dict[str, int] | None = param(MapOf(Int(1)))  # posting kind → days

    def days_for(self, kind: str) -> int | None:
        return (self.by_kind or {}).get(kind, self.days)

    def problems(self):
        if self.days is None and not self.by_kind:
            yield "days", "缺少参数 days 或 by_kind（张贴天数）", "missing-rule-param"


@dataclass(frozen=True)
class ConsultationParams(RuleParams):
    pass


def check_posting(ctx: CheckContext) -> Iterator[Finding]:
    yield Finding(
        NOT_APPLICABLE,
        "张贴期限由公示栏张贴件注明，记录中没有张贴的起止日期，未检查",
        pos=ctx.rule.src,
    )


def check_consultation(ctx: CheckContext) -> Iterator[Finding]:
    yield Finding(
        NOT_APPLICABLE,
        "服务项目征求意见的张贴情况不在记录中，未检查；gongshi 生成征求意见公示张贴件",
        pos=ctx.rule.src,
    )
