"""Shenzhen: the grade of a 1000-point evaluation score, its contract consequences and vetoes.

《深圳市社区（党群）服务中心运营与评估标准》八(五)(六): the pack's ``grade-bands`` rule maps the
evaluator's score to A+ … C (``half-open``: each band runs from its ``min`` up to the next
band's ``min``, exclusive, so 899.5 is A and 900 is A+) and lists the contract consequences;
the ``veto`` rules make the grade C whatever the score (the resident vote only once the
verification its clause requires is on record, ``vote_verification``: until then such a veto
is ``pending``). 《深圳市社区服务中心设置运营方案》七(四) grades by the evaluator's
conclusion (``input: grade``: 合格 / 不合格); a score on that record is shown, never banded.
``Scorecard.result_from`` says where the grade came from (score, grade, veto).
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from generator import model as m
from generator.evaluation.cards import (
    ASSESSOR,
    Consequence,
    Scorecard,
    ScoreLine,
    Veto,
    _dec,
)
from generator.packs.library import Pack, Rule
from generator.rules.base import op_holds
from generator.text import formats as fmt

# ---------------------------------------------------------------- Shenzhen grades


def band_for(score: Decimal, rule: Rule) -> dict | None:
    """The grade band of a score by the pack's bands and rounding.

    ``half-open`` (and no rounding): a band covers [min, next band's min); the lowest band
    has no min. ``half-up``: the score is first rounded to a whole point.
    """
    bands = list(rule.params.bands)
    if not bands or all(b.get("min") is None for b in bands):
        return None
    value = score
    if rule.params.rounding in ("half-up", "round-half-up"):
        value = score.quantize(Decimal(1), rounding=ROUND_HALF_UP)
    ordered = sorted(
        bands,
        key=lambda b: _dec(b.get("min")) if b.get("min") is not None else Decimal("-Infinity"),
        reverse=True,
    )
    for b in ordered:
        lo = _dec(b.get("min"))
        if lo is None or value >= lo:
            return b
    return None


def grade_for(score: Decimal, rule: Rule) -> str | None:
    band = band_for(score, rule)
    return str(band["grade"]) if band else None


def consequences_for(
    grade: str | None, previous: str | None, rule: Rule, three_year: str | None = None
) -> tuple[Consequence, ...]:
    """The contract consequences of a grade; a consecutive-years rule overrides the plain one.
    A consequence ``when: {three_year_grades: [...]}`` follows the three-year overall grade
    the evaluator gave (八(五) 三年营运总评), recorded as ``three_year_grade``.

    Each carries the pack's ``severity`` for it, if any (e.g. terminating the contract after a
    second consecutive B- is an error, like a C)."""
    matched = []
    for c in rule.params.consequences:
        when = c.get("when") or {}
        overall = [str(g) for g in when.get("three_year_grades") or []]
        if overall:
            if three_year in overall:
                matched.append((c, ["three-year", *overall], None))
            continue
        grades = [str(g) for g in when.get("grades") or []]
        if grade not in grades:
            continue
        years = _dec(when.get("consecutive_years"))
        if years is not None and years > 1 and previous not in grades:
            continue
        matched.append((c, grades, years))
    specific = {tuple(g) for _, g, y in matched if y is not None}
    out = []
    for c, grades, years in matched:
        if years is None and tuple(grades) in specific:
            continue  # e.g. rectify is replaced by terminate on the second B-
        severity = c.get("severity")
        out.append(
            Consequence(
                str(c.get("id")),
                str(c.get("action") or ""),
                str(c.get("quote") or ""),
                str(severity) if severity else None,
            )
        )
    return tuple(out)


# what the share of a resident vote is taken of (``vote_base``)
VOTE_BASES = {"attendees": "居民大会与会者", "residents": "全体居民"}


def vetoes_for(ev: m.Evaluation, pack: Pack) -> tuple[Veto, ...]:
    """Apply the pack's ``veto`` rules to an evaluation record.

    The resident-vote veto takes effect only after the verification its clause requires
    (``requires_verification_by``, 八(六) “经报区和市主管部门核实”): with the record's
    ``vote_verification`` (who verified, when) a vote above the threshold forces the grade;
    without it the veto is ``pending``: reported, never forcing the grade.
    """
    out = []
    for rule in pack.by_check("veto"):
        trigger = rule.params.trigger
        grade = rule.params.result_grade
        result = f"直接评定为{grade}级" if grade else "一票否决"
        pending = False
        reason = ""
        if trigger == "management-fee-over-limit":
            hit = ev.management_fee_over_limit
            reason = "第三方评估机构年度抽查查实机构管理费超过规定"
            msg = f"{reason}，一票否决，{result}" if hit else "评估记录未载明查实管理费超标"
        elif trigger == "resident-assembly-vote":
            share = ev.assembly_vote_share
            threshold, op = rule.params.threshold, rule.params.op
            if share is None:
                hit, msg = False, "评估记录没有居民大会表决终止合同的情况"
            else:
                over = op_holds(share, op, threshold)
                word = "超过" if over else "未超过"
                base = VOTE_BASES.get(rule.params.vote_base or "attendees", "居民大会与会者")
                reason = (
                    f"{base}中同意终止合同的占 {fmt.percent(share)}，"
                    f"{word} {fmt.limit_percent(threshold)}"
                )
                if rule.params.no_evaluation:
                    result = f"第三方评估机构不予评估，{result}"
                by = rule.params.requires_verification_by
                checked = ev.vote_verification
                if over and by and checked is None:
                    hit, pending = False, True
                    msg = (
                        f"{reason}，待区/市核实：须经报{by}核实后才一票否决、{result}；"
                        f"评估记录没有登记{by}的核实（vote_verification），因此等级不按此改变"
                    )
                elif over and by and checked is not None:
                    hit = True
                    reason += f"，经{checked.by}于 {fmt.date_text(checked.on)} 核实"
                    msg = f"{reason}，一票否决，{result}"
                else:
                    hit = over
                    msg = reason + (f"，一票否决，{result}" if hit else "")
        else:
            hit, msg = False, f"不认识的否决情形 {trigger}"
        out.append(
            Veto(
                rule.id,
                hit,
                msg,
                rule.citation,
                str(grade) if grade else None,
                reason=reason,
                pending=pending,
            )
        )
    return tuple(out)


def evaluation_of(centre: m.Centre, year: int) -> m.Evaluation | None:
    return next((e for e in centre.evaluations if e.year == year), None)


def grade_card(centre: m.Centre, pack: Pack, year: int) -> Scorecard:
    """Shenzhen: the grade of the year's evaluation, with vetoes and consequences."""
    rule = pack.by_check("grade-bands")[0]
    ev = evaluation_of(centre, year)
    base = {
        "centre": centre.id,
        "year": year,
        "pack": pack.id,
        "kind": "grade",
        "result_label": "评估等级",
        "result_citation": rule.citation,
    }
    if ev is None:
        return Scorecard(**base, notes=(f"没有 {year} 年度的评估记录（evaluations/{year}.yaml）",))
    vetoes = vetoes_for(ev, pack)
    notes: list[str] = []
    lines: list[ScoreLine] = []
    grade: str | None = None
    source: str | None = None
    bands = list(rule.params.bands)
    scored = any(b.get("min") is not None for b in bands)
    known = [str(b.get("grade")) for b in bands]
    if ev.score is not None:
        if scored:
            grade = grade_for(ev.score, rule)
            band = band_for(ev.score, rule)
            printed = f"（{band.get('printed')}）" if band and band.get("printed") else ""
            how = f"按等级分档为 {grade}{printed}" if grade else "不在本规则包的任何分档之内"
            source = "score" if grade else None
        else:
            how = f"本规则包按评估结论（{'、'.join(known)}）定等级，不按分数分档"
        lines.append(
            ScoreLine(
                "score",
                "评估总分",
                ev.score,
                rule.params.max_total,
                ASSESSOR,
                f"第三方评估机构 {ev.evaluator} 给出 {fmt.num(ev.score)} 分，{how}",
                rule.citation,
            )
        )
    elif rule.params.input == "score":
        notes.append("评估记录没有总分（score），无法按分档确定等级")
    if grade is None and rule.params.input == "grade":
        if ev.grade is None:
            notes.append(f"评估记录没有写明评估结论（grade，应为 {'、'.join(known)} 之一）")
        elif ev.grade in known:
            grade, source = ev.grade, "grade"
        else:
            notes.append(f"评估记录的结论 {ev.grade} 不在本规则包的结论（{'、'.join(known)}）之中")
    hit = [v for v in vetoes if v.triggered]
    if hit and hit[0].grade:
        grade, source = hit[0].grade, "veto"
    consequences = consequences_for(grade, ev.previous_grade, rule, ev.three_year_grade)
    return Scorecard(
        **base,
        lines=tuple(lines),
        total=ev.score,
        max_total=rule.params.max_total,
        result=grade,
        stated=ev.grade,
        result_from=source,
        consequences=consequences,
        vetoes=vetoes,
        notes=tuple(notes),
        evaluation=ev,
    )
