"""Check ``type-bands``: the stated type agrees with the score ratio (附录A).

《杭州高新区（滨江）社区美好生活共同体运营与管理规范》附录A 表A.1: 示范型 评估分比值 0.9及以上; 标准型 0.8—0.9
(不包含0.9); 基础型 0.8以下. The ratio is the table C.1 total over its maximum
(``score_rule`` of the pack), computed by ``generator.evaluation.scoring``; each band's ``min`` is
inclusive and ``below`` exclusive.

Passing: total 90 of 100 (ratio 0.9) and ``grade: 示范型``.
Failing: total 89.99 → 标准型, while the record states ``grade: 示范型`` → “评估记录的类型 示范型 与按得分
89.99/100（比值 0.8999）确定的类型 标准型 不一致”, at the ``grade`` line.
While any line lacks its data (an assessor entry, a figure) the table is 未完成 and the
type is not judged (``no-data``).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from generator.evaluation import scoring
from generator.packs.params import Rows, RuleParams, Text, param
from generator.rules.base import FAIL, NO_DATA, PASS, CheckContext, Finding
from generator.text import formats as fmt


@dataclass(frozen=True)
class Params(RuleParams):
    bands: tuple[dict, ...] = param(Rows(required=("type",)), required=True)
    score_rule: str | None = param(Text())  # the rule whose score the bands divide


def check(ctx: CheckContext) -> Iterator[Finding]:
    """One finding per evaluation record."""
    if not ctx.centre.evaluations:
        yield Finding(NO_DATA, "还没有评估记录，无法确定类型", pos=ctx.centre.src)
        return
    named = ctx.params.score_rule
    table = ctx.pack.rule(named) if named else None
    if named and (table is None or table.check != "score-table"):
        msg = f"规则包中没有评分表规则 {named}（score_rule），无法计算评估分比值"
        yield Finding(NO_DATA, msg, pos=ctx.centre.src)
        return
    for ev in ctx.centre.evaluations:
        card = scoring.score_centre(ctx.centre, ctx.pack, ev.year, ctx.today, ctx.findings_of)
        period = f"{ev.year}年"
        if card.ratio is None or card.result is None:
            yield Finding(
                NO_DATA, f"{period}度无法计算评估分比值", pos=ev.src, period=period, year=ev.year
            )
            continue
        got = f"{fmt.points(card.total)}/{fmt.num(card.max_total)}（比值 {fmt.num(card.ratio)}）"
        common = {
            "period": period,
            "year": ev.year,
            "measured": {
                "total": card.total,
                "ratio": card.ratio,
                "type": card.result,
                "stated": card.stated,
            },
        }
        if not card.complete:
            msg = (
                f"{period}度表C.1 评分未完成（{len(card.missing)} 项缺少数据或评估机构打分，按 0 分计为 {got}，"
                f"即{card.result}），不判定类型"
            )
            yield Finding(NO_DATA, msg, pos=ev.src, **common)
        elif card.agrees is False:
            msg = f"评估记录的类型 {card.stated} 与按得分 {got} 确定的类型 {card.result} 不一致"
            yield Finding(FAIL, msg, pos=ev.pos("grade"), severity="error", **common)
        else:
            yield Finding(PASS, f"{period}度按得分 {got} 为{card.result}", pos=ev.src, **common)
