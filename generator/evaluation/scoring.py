"""Evaluation results: the Shenzhen grade of a 1000-point score and the Binjiang table C.1.

Shenzhen (《深圳市社区（党群）服务中心运营与评估标准》八(五)(六)): the third-party evaluator gives a
1000-point score (``Evaluation.score``); the pack's ``grade-bands`` rule maps it to A+ … C
(rounding ``half-open``: each band runs from its ``min`` up to the next band's ``min``,
exclusive, without rounding the score, so 899.5 is A and 900 is A+), and lists the contract
consequences (renew; B- → rectify; B- in two consecutive years → terminate; C →
terminate and bar from the next tender). The two vetoes of 八(六) (``veto`` rules:
management fee over the limit found by the evaluator's audit; more than 60 % of an
assembly voting to terminate) make the grade C whatever the score.

Binjiang (《杭州高新区（滨江）社区美好生活共同体运营与管理规范》附录C 表C.1 and 附录A): the pack's
``score-table`` rule lists every line with how it is scored. Lines computed from records
(opening hours, plans published in advance, themed activities, certificates, training,
social organisations, volunteers, satisfaction) are computed here; assessor lines take
``Evaluation.entries`` (``item`` = the line id, or ``line.part`` / ``line.part.item`` for
one part; a missing entry counts 0 points, with a note). Each line is rounded to 0.01
(ROUND_HALF_UP) and capped at its maximum; the total's ratio to ``max_total`` gives the type
of 附录A by the ``type-bands`` rule (示范型 ≥ 0.9, 标准型 0.8–0.9, 基础型 < 0.8).

Nothing here reads files: ``score_centre`` is a pure function of the model, the pack and
the rules' findings. ``grading`` holds the Shenzhen grades, ``table`` the Binjiang table,
``cards`` the result types.
"""

from __future__ import annotations

import datetime as dt

from generator import model as m
from generator.evaluation.cards import FindingsOf, Scorecard, ScoreLine
from generator.evaluation.grading import evaluation_of, grade_card
from generator.evaluation.table import table_card
from generator.figures import finance as figures
from generator.packs.library import Pack
from generator.text import formats as fmt

# ---------------------------------------------------------------- entry point


def score_centre(
    centre: m.Centre, pack: Pack, year: int, today: dt.date, findings_of: FindingsOf
) -> Scorecard:
    """The evaluation result of a centre for a year, by whatever scoring its pack defines."""
    if pack.by_check("score-table"):
        return table_card(centre, pack, year, today, findings_of)
    if pack.by_check("grade-bands"):
        return grade_card(centre, pack, year)
    return Scorecard(
        centre=centre.id,
        year=year,
        pack=pack.id,
        kind="none",
        notes=(f"规则包 {pack.id} 没有评分或评级规则",),
        evaluation=evaluation_of(centre, year),
    )


def default_year(centre: m.Centre, today: dt.date | None = None) -> int:
    """The latest evaluated year, else the latest year with records, else this year."""
    if centre.evaluations:
        return max(e.year for e in centre.evaluations)
    years = figures.years_of(centre)
    return years[-1] if years else (today or dt.date.today()).year


def scorecard_dict(card: Scorecard) -> dict:
    """A JSON-serialisable scorecard (every number as an exact string)."""

    def line(ln: ScoreLine) -> dict:
        return {
            "id": ln.id,
            "title": ln.title,
            "points": fmt.points(ln.points),
            "max": fmt.num(ln.max) if ln.max is not None else None,
            "source": ln.source,
            "explanation": ln.explanation,
            "citation": ln.citation,
            "parts": [line(p) for p in ln.parts],
        }

    return {
        "centre": card.centre,
        "year": card.year,
        "pack": card.pack,
        "kind": card.kind,
        "lines": [line(ln) for ln in card.lines],
        "total": fmt.points(card.total) if card.total is not None else None,
        "max_total": fmt.num(card.max_total) if card.max_total is not None else None,
        "ratio": fmt.num(card.ratio) if card.ratio is not None else None,
        "result": card.result,
        "result_label": card.result_label,
        "result_citation": card.result_citation,
        "stated": card.stated,
        "agrees": card.agrees,
        "consequences": [
            {"id": c.id, "action": c.action, "quote": c.quote} for c in card.consequences
        ],
        "vetoes": [
            {
                "rule": v.rule,
                "triggered": v.triggered,
                "message": v.message,
                "citation": v.citation,
                "grade": v.grade,
            }
            for v in card.vetoes
        ],
        "complete": card.complete,
        "missing": list(card.missing),
        "notes": list(card.notes),
    }
