"""The annual evaluation result posting (年度评估结果公示): score, grade, satisfaction, the
pack's grade bands and what the recorded grade means for the contract."""

from __future__ import annotations

from generator import model as m
from generator.evaluation import grading
from generator.figures import finance as fig
from generator.packs.library import Pack, Rule
from generator.print.contexts import EvaluationNotice, Row
from generator.print.frame import date_text, frame, pack_rules
from generator.text import formats as fmt
from generator.text.labels import EVALUATION_LABELS, POSTING_LABELS


def _consequences(rule: Rule | None, ev: m.Evaluation) -> tuple[str, ...]:
    """What the recorded grade means for the contract, as the pack's scoring says."""
    if rule is None or not ev.grade:
        return ()
    found = grading.consequences_for(ev.grade, ev.previous_grade, rule, ev.three_year_grade)
    return tuple(c.action for c in found if c.action)


def build_evaluation(
    centre: m.Centre, pack: Pack | None, ev: m.Evaluation, *, url: str
) -> EvaluationNotice:
    """Evaluation result posting: score, grade, satisfaction and what the grade means."""
    facts = [Row(("评估机构", ev.evaluator)), Row(("评估日期", date_text(ev.date)))]
    if ev.score is not None:
        facts.append(Row((EVALUATION_LABELS["score"], fmt.num(ev.score))))
    if ev.grade:
        facts.append(Row((EVALUATION_LABELS["grade"], ev.grade)))
    if ev.previous_grade:
        facts.append(Row((EVALUATION_LABELS["previous_grade"], ev.previous_grade)))
    rate = fig.satisfaction_rate(ev)
    satisfaction = (
        Row(("调查样本数", f"{ev.satisfaction.sample}份")),
        Row(("表示满意的", f"{ev.satisfaction.satisfied}份")),
        Row((EVALUATION_LABELS["satisfaction"], fmt.percent(rate))),
    )
    grade_rules = pack_rules(pack, "grade-bands")
    grade_rule = grade_rules[0] if grade_rules else None
    bands = []
    if grade_rule:
        for b in grade_rule.params.bands:
            bands.append(Row((str(b.get("grade", "")), str(b.get("printed") or ""))))
    return EvaluationNotice(
        frame=frame(
            centre,
            pack,
            "evaluation",
            f"{ev.year}{POSTING_LABELS['evaluation']}",
            ev.published,
            url,
        ),
        year=ev.year,
        facts=tuple(facts),
        satisfaction=satisfaction,
        entries=tuple(Row((e.item, fmt.num(e.points), e.note or "")) for e in ev.entries),
        summary=ev.summary,
        bands=tuple(bands),
        bands_citation=grade_rule.citation if grade_rule else None,
        consequences=_consequences(grade_rule, ev),
    )
