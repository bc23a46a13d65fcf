"""Check ``score-table``: the evaluation table can be scored, and its entries fit it.

《杭州高新区（滨江）社区美好生活共同体运营与管理规范》附录C 表C.1 (100 points). ``generator.evaluation.scoring`` scores
every line (records lines computed, assessor lines from ``entries`` of evaluations/YYYY.yaml).
This check reports the total per evaluated year (info) and, as errors, entries the table
cannot use: an ``item`` that is no line, part or item id of the table, or points outside
0–max of that line.

Passing: ``entries: [{item: site-location, points: 2}]``.
Failing: ``{item: site-location, points: 3}`` → “评分项 site-location 的得分 3 超出本项范围 0–2 分”;
``{item: location, points: 2}`` → “评分项 location 不在表C.1 之中”, at the entry.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal

from generator.evaluation import table
from generator.packs.params import Dec, Rows, RuleParams, param
from generator.rules.base import FAIL, NO_DATA, PASS, CheckContext, Finding
from generator.text import formats as fmt


@dataclass(frozen=True)
class Params(RuleParams):
    lines: tuple[dict, ...] = param(Rows(required=("id",)), required=True)
    max_total: Decimal | None = param(Dec(0))  # None: the sum of the lines' maxima


def check(ctx: CheckContext) -> Iterator[Finding]:
    """Score each evaluated year; flag entries that do not fit the table."""
    if not ctx.centre.evaluations:
        yield Finding(NO_DATA, "还没有评估记录，未计算表C.1 得分", pos=ctx.centre.src)
        return
    for ev in ctx.centre.evaluations:
        card = table.table_card(ctx.centre, ctx.pack, ev.year, ctx.today, ctx.findings_of)
        period = f"{ev.year}年"
        for e in card.unknown_entries:
            known = "、".join(str(ln.id) for ln in card.lines)
            yield Finding(
                FAIL,
                f"评分项 {e.item} 不在表C.1 之中（可用的编号：{known}，或“编号.分项”）",
                pos=e.pos("item"),
                period=period,
                year=ev.year,
                severity="error",
            )
        for e, why in card.bad_entries:
            yield Finding(
                FAIL,
                f"评分项 {e.item} 的{why}",
                pos=e.pos("points"),
                period=period,
                year=ev.year,
                severity="error",
            )
        msg = (
            f"{period}度按表C.1 计算得分 {fmt.points(card.total)} 分（满分 {fmt.num(card.max_total)} 分），"
            "逐项明细见 gongshi score"
        )
        yield Finding(
            PASS,
            msg,
            pos=ev.src,
            period=period,
            year=ev.year,
            measured={"total": card.total, "max_total": card.max_total, "ratio": card.ratio},
        )
