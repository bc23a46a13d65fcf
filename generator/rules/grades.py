"""Check ``grade-bands``: the evaluation grade agrees with the score, and what it means.

《深圳市社区（党群）服务中心运营与评估标准》八(五) “A+级（900分以上）、A级（850-899分）……B-级（600-699分），
C级（599分以下）” with the contract consequences (B及以上 renew; B- rectify; B- again the
next year terminate; C terminate and bar). The pack's ``bands`` and ``rounding`` decide
the grade (see ``generator.evaluation.scoring``: ``half-open``, 899.5 → A, 900 → A+, 599.5 → C);
the vetoes of 八(六) override it (see ``veto``).

Per evaluations/YYYY.yaml: a stated ``grade`` that differs from the computed one is an
error (at the ``grade`` line); a grade whose band has severity warning (B-) or error (C)
is reported with its consequence; other grades pass.

Passing: ``score: 862``, ``grade: A``.
Failing: ``score: 899.5``, ``grade: A+`` → “评估记录的等级 A+ 与按分数 899.5 分确定的等级 A 不一致”;
``score: 650`` → “2026年度评估等级为 B-：区主管部门责令整改”.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal

from generator.evaluation import grading
from generator.packs.params import Choice, Dec, Int, Rows, RuleParams, param
from generator.rules.base import FAIL, NO_DATA, PASS, CheckContext, Finding
from generator.text import formats as fmt


@dataclass(frozen=True)
class Params(RuleParams):
    bands: tuple[dict, ...] = param(Rows(required=("grade",)), required=True)
    input: str = param(Choice("score", "grade"), "score")  # what the evaluation record gives
    rounding: str | None = param(Choice("half-open", "half-up", "round-half-up"))
    max_total: Decimal | None = param(Dec(0))
    contract_years: int | None = param(Int(1))
    consequences: tuple[dict, ...] = param(Rows(required=("id", "when", "action")), ())


def check(ctx: CheckContext) -> Iterator[Finding]:
    """One or two findings per evaluation record."""
    evs = ctx.centre.evaluations
    if not evs:
        yield Finding(NO_DATA, "还没有评估记录", pos=ctx.centre.src)
        return
    bands = {str(b.get("grade")): b for b in ctx.params.bands}
    for ev in evs:
        card = grading.grade_card(ctx.centre, ctx.pack, ev.year)
        period = f"{ev.year}年"
        common = {
            "period": period,
            "year": ev.year,
            "measured": {"score": ev.score, "grade": card.result, "stated": ev.grade},
        }
        if card.result is None:
            why = "；".join(card.notes) or "评估记录的等级不在本规则包的结论之中"
            yield Finding(NO_DATA, f"{period}度无法确定评估等级：{why}", pos=ev.src, **common)
            continue
        vetoed = [v for v in card.vetoes if v.triggered]
        basis = (
            f"一票否决（{vetoed[0].message}）"
            if vetoed
            else f"按分数 {fmt.num(ev.score)} 分"
            if ev.score is not None
            else "按评估结论"
        )
        if card.agrees is False:
            msg = f"评估记录的等级 {ev.grade} 与{basis}确定的等级 {card.result} 不一致"
            yield Finding(FAIL, msg, pos=ev.pos("grade"), severity="error", **common)
        actions = "；".join(c.action for c in card.consequences)
        band = bands.get(card.result) or {}
        severity = str(band.get("severity") or "info")
        msg = f"{period}度评估等级为 {card.result}（{basis}）" + (f"：{actions}" if actions else "")
        pos = ev.pos("score") if ev.score is not None else ev.pos("grade")
        if severity in ("warning", "error"):
            yield Finding(FAIL, msg, pos=pos, severity=severity, **common)
        else:
            yield Finding(PASS, msg, pos=pos, **common)
