"""A centre's annual evaluation pages (年度评估): the assessor's result, satisfaction, and the
score the rule pack gives as the pipeline computed it."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from generator import compliance as rules_report
from generator import model as m
from generator.compliance import RuleResult
from generator.figures import finance as f
from generator.packs.library import Pack
from generator.site import contexts as c
from generator.site import opendata
from generator.site.render import CentrePages, date_cn, rel
from generator.text import formats as fmt
from generator.text.labels import EVALUATION_LABELS


def scorecard(
    centre: m.Centre,
    pack: Pack | None,
    year: int,
    day: dt.date,
    results: Sequence[RuleResult] | None,
) -> Any:
    """The evaluation scorecard of a year from the rule results handed down (None without a
    pack or without results)."""
    if pack is None or results is None:
        return None
    return rules_report.scorecard(centre, pack, year, day, results)


def item_names(card: Any) -> dict[str, str]:
    """The Chinese name of each item of the pack's score table, by the id an evaluation's
    entries use (``site-location`` → 选址科学; a part ``hygiene.waste-sorting`` → its line's
    name with the part's), so the page never prints an id."""
    names: dict[str, str] = {}
    for ln in card.lines if card is not None else ():
        names[ln.id] = ln.title
        for part in ln.parts:
            name = part.title if ln.title in part.title else f"{ln.title}（{part.title}）"
            names[part.id] = name
            names.setdefault(f"{ln.id}.{part.id.rsplit('.', 1)[-1]}", name)
    return names


def render_evaluation(p: CentrePages, ev: m.Evaluation) -> None:
    ce, page = p.centre, p.at("evaluation", ev.year)
    rows = []
    if ev.kind:
        rows.append((EVALUATION_LABELS["kind"], ev.kind))
    if ev.score is not None:
        rows.append((EVALUATION_LABELS["score"], fmt.num(ev.score)))
    if ev.grade:
        rows.append((EVALUATION_LABELS["grade"], ev.grade))
    if ev.previous_grade:
        rows.append((EVALUATION_LABELS["previous_grade"], ev.previous_grade))
    if ev.three_year_grade:
        rows.append((EVALUATION_LABELS["three_year_grade"], ev.three_year_grade))
    for r in ev.other_evaluations:
        by = f"，{r.evaluator}" if r.evaluator else ""
        rows.append((EVALUATION_LABELS["other_evaluations"], f"{r.kind}（{date_cn(r.date)}{by}）"))
    if ev.vote_verification:
        v = ev.vote_verification
        rows.append((EVALUATION_LABELS["vote_verification"], f"{v.by}于{date_cn(v.on)}核实"))
    sat = ev.satisfaction
    rows.append(
        (
            EVALUATION_LABELS["satisfaction"],
            f"{fmt.percent(f.satisfaction_rate(ev))}（调查 {sat.sample} 人，满意 {sat.satisfied} 人）",
        )
    )
    score_lines: tuple[c.Row, ...] = ()
    score_result = ""
    card = scorecard(ce, p.pack, ev.year, p.checked_on, p.results)
    if card is not None and card.kind != "none":
        source = {"records": "按记录计算", "assessor": "评估机构打分", "mixed": "记录与打分"}
        score_lines = tuple(
            c.Row(
                (
                    ln.title,
                    fmt.num(ln.points),
                    fmt.num(ln.max) if ln.max is not None else "—",
                    source.get(ln.source, ln.source),
                    ln.citation,
                )
            )
            for ln in card.lines
        )
        if card.result:
            cite = f"（{card.result_citation}）" if card.result_citation else ""
            total = f"，总分 {fmt.num(card.total)}" if card.total is not None else ""
            score_result = f"按记录计算的{card.result_label or '结果'}：{card.result}{total}{cite}"
    ctx = c.EvaluationPage(
        header=p.header(page),
        year=ev.year,
        title=f"{ev.year}年度评估结果",
        evaluator=ev.evaluator,
        date=date_cn(ev.date),
        published=date_cn(ev.published),
        corrections=p.marks(page, "evaluation", str(ev.year)),
        figures=tuple(c.Row(r) for r in rows),
        entries=tuple(
            c.Row((item_names(card).get(e.item, e.item), fmt.num(e.points), e.note or ""))
            for e in ev.entries
        ),
        summary=ev.summary,
        score_lines=score_lines,
        score_result=score_result,
        compliance=c.Link("合规检查结果", rel(page, p.at("compliance"))),
        pdf=p.pdf(page, "evaluation", str(ev.year)),
        data=p.data_links(page, ("评估结果（JSON）", p.data("evaluation", ev.year))),
    )
    p.render("evaluation.md.j2", page, ctx)
    p.out.file(p.data("evaluation", ev.year), opendata.evaluation_json(ce, ev))
