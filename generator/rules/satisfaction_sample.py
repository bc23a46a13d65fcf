"""Check ``satisfaction-sample``: the satisfaction survey's sample is drawn as the text says.

《杭州高新区（滨江）社区美好生活共同体运营与管理规范》附录C 表C.1 居民满意度 “随机抽取辖区30名居民、电话抽取
30名居民进行满意度调查”. An evaluation record's ``satisfaction`` gives ``random`` (drawn at
random in the area) and ``phone`` (drawn by telephone); each is compared with the pack's
``random_residents`` / ``phone_residents`` by ``op`` (the pack reads “抽取30名” as at least 30:
a larger sample is no worse), and together they must make up ``sample``.

One finding per evaluation record: ``no-data`` when the record does not say how the sample was
drawn.

Passing: ``sample: 60, random: 30, phone: 30``.
Failing: ``sample: 60, random: 40, phone: 20`` → “2026年满意度调查电话抽取 20 名，少于 30 名” at
``phone``; ``sample: 60, random: 30, phone: 25`` → “2026年满意度调查样本数 60 与随机抽取 30 名、
电话抽取 25 名之和 55 不一致” at ``sample``.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from generator.packs.params import Int, Op, RuleParams, param
from generator.rules.base import (
    FAIL,
    FAIL_TEXT,
    NO_DATA,
    NOT_APPLICABLE,
    OP_TEXT,
    PASS,
    CheckContext,
    Finding,
    op_holds,
)

PARTS = (("random", "随机抽取"), ("phone", "电话抽取"))


@dataclass(frozen=True)
class Params(RuleParams):
    random_residents: int = param(Int(0), required=True)
    phone_residents: int = param(Int(0), required=True)
    op: str = param(Op(), ">=")


def check(ctx: CheckContext) -> Iterator[Finding]:
    """The sample's composition of each evaluation record."""
    evs = ctx.centre.evaluations
    if not evs:
        yield Finding(NOT_APPLICABLE, "还没有评估记录", pos=ctx.centre.src)
        return
    p = ctx.params
    wanted = {"random": p.random_residents, "phone": p.phone_residents}
    threshold = {"random": p.random_residents, "phone": p.phone_residents, "op": p.op}
    for ev in evs:
        s = ev.satisfaction
        period = f"{ev.year}年"
        common = {"period": period, "year": ev.year, "threshold": threshold}
        got = {"random": s.random, "phone": s.phone}
        measured = {"sample": s.sample, **got}
        missing = [label for key, label in PARTS if got[key] is None]
        if missing:
            msg = (
                f"{period}满意度调查没有写明{'、'.join(missing)}的人数"
                "（satisfaction 的 random、phone），无法核对样本构成"
            )
            yield Finding(NO_DATA, msg, pos=s.src, measured=measured, **common)
            continue
        total = s.random + s.phone
        if total != s.sample:
            msg = (
                f"{period}满意度调查样本数 {s.sample} 与随机抽取 {s.random} 名、"
                f"电话抽取 {s.phone} 名之和 {total} 不一致"
            )
            yield Finding(FAIL, msg, pos=s.pos("sample"), measured=measured, **common)
            continue
        short = [(key, label) for key, label in PARTS if not op_holds(got[key], p.op, wanted[key])]
        if short:
            key, label = short[0]
            msg = f"{period}满意度调查{label} {got[key]} 名，{FAIL_TEXT[p.op]} {wanted[key]} 名"
            yield Finding(FAIL, msg, pos=s.pos(key), measured=measured, **common)
            continue
        words = OP_TEXT.get(p.op, p.op)
        msg = (
            f"{period}满意度调查随机抽取 {s.random} 名、电话抽取 {s.phone} 名，符合“随机抽取"
            f"{words} {wanted['random']} 名、电话抽取{words} {wanted['phone']} 名”"
        )
        yield Finding(PASS, msg, pos=s.src, measured=measured, **common)
