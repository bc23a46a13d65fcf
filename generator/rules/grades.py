"""Check ``grade-bands``: the evaluation grade agrees with the score, and what it means.

《深圳市社区（党群）服务中心运营与评估标准》八(五) “A+级（900分以上）、A级（850-899分）……B-级（600-699分），
C级（599分以下）” with the contract consequences (B及以上 renew; B- rectify; B- again the
next year terminate; C terminate and bar). The pack's ``bands`` and ``rounding`` decide
the grade (see ``generator.evaluation.scoring``: ``half-open``, 899.5 → A, 900 → A+, 599.5 → C);
the vetoes of 八(六) override it (see ``veto``). 《深圳市社区服务中心设置运营方案》七(四) grades by the
evaluator's conclusion (``input: grade``: 合格 / 不合格), whatever score the record also gives.

Per evaluations/YYYY.yaml: a stated ``grade`` that differs from the computed one is an
error (at the ``grade`` line); a grade is reported with its consequences at the worse of its
band's severity and theirs (B- is a warning, a second consecutive B- terminates the contract
and is an error like C); other grades pass. The message says where the grade came from: the
score, the stated conclusion or a veto.

Passing: ``score: 862``, ``grade: A``; early plan ``grade: 合格`` → “2026年度评估等级为 合格（按评估结论）：
双方同意继续的，合同自动延续两年……”.
Failing: ``score: 899.5``, ``grade: A+`` → “评估记录的等级 A+ 与按分数 899.5 分确定的等级 A 不一致”;
``score: 650`` → “2026年度评估等级为 B-（按分数 650 分）：区主管部门责令整改” (warning); the same with
``previous_grade: B-`` → “……：单方面终止营运合同，另行招标” (error).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal

from generator.evaluation import grading
from generator.evaluation.cards import Scorecard
from generator.packs.params import Choice, Dec, Rows, RuleParams, param
from generator.rules.base import FAIL, NO_DATA, PASS, CheckContext, Finding
from generator.text import formats as fmt


@dataclass(frozen=True)
class Params(RuleParams):
    bands: tuple[dict, ...] = param(Rows(required=("grade",)), required=True)
    input: str = param(Choice("score", "grade"), "score")  # what the evaluation record gives
    rounding: str | None = param(Choice("half-open", "half-up", "round-half-up"))
    max_total: Decimal | None = param(Dec(0))
    consequences: tuple[dict, ...] = param(Rows(required=("id", "when", "action")), ())


SEVERITY_ORDER = ("info", "warning", "error")
# the evaluation record's line that triggers each veto
VETO_FIELDS = {
    "management-fee-over-limit": "management_fee_over_limit",
    "resident-assembly-vote": "assembly_vote_share",
}


def _worst(severities: list[str]) -> str:
    known = [s for s in severities if s in SEVERITY_ORDER]
    return max(known, key=SEVERITY_ORDER.index) if known else "info"


def basis_text(card: Scorecard) -> str:
    """Where the grade came from, in words: the score, the stated conclusion or a veto."""
    ev = card.evaluation
    if card.result_from == "veto":
        vetoed = next(v for v in card.vetoes if v.triggered)
        return f"一票否决：{vetoed.reason}" if vetoed.reason else "一票否决"
    if card.result_from == "score" and ev is not None and ev.score is not None:
        return f"按分数 {fmt.num(ev.score)} 分"
    return "按评估结论"


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
        basis = basis_text(card)
        if card.agrees is False:
            msg = f"评估记录的等级 {ev.grade} 与{basis}确定的等级 {card.result} 不一致"
            yield Finding(FAIL, msg, pos=ev.pos("grade"), severity="error", **common)
        actions = "；".join(c.action for c in card.consequences)
        band = bands.get(card.result) or {}
        severity = _worst(
            [str(band.get("severity") or "info")]
            + [c.severity for c in card.consequences if c.severity]
        )
        msg = f"{period}度评估等级为 {card.result}（{basis}）" + (f"：{actions}" if actions else "")
        pos = ev.pos("score") if card.result_from == "score" else ev.pos("grade")
        if card.result_from == "veto":
            vetoed = next(v for v in card.vetoes if v.triggered)
            trigger = ctx.pack.rules[vetoed.rule].params.trigger
            pos = ev.pos(VETO_FIELDS.get(trigger, "grade"))
        if severity in ("warning", "error"):
            yield Finding(FAIL, msg, pos=pos, severity=severity, **common)
        else:
            yield Finding(PASS, msg, pos=pos, **common)
