"""Apply a centre's rule pack: findings per rule, shortfalls as Problems, a JSON report.

``check_compliance`` runs after validation (``pipeline.load_project`` calls it) on every
centre without errors. Each rule of the centre's pack goes to its check in
``generator.rules.registry.CHECKS``; every failing finding becomes a ``Problem`` whose code is the
rule id, whose severity is the rule's (or the finding's, e.g. interim quarters), whose
message carries the numbers and the threshold, whose clause is the rule's citation, and
which points at the record line the figure comes from. Findings that pass, do not apply
or lack data never become problems; ``compliance_report`` lists them all.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from generator import model as m
from generator.evaluation import scoring
from generator.evaluation.cards import Scorecard
from generator.figures import finance as figures
from generator.packs.library import Pack, Rule
from generator.problems import Position, Problem, Severity
from generator.rules.base import (
    FAIL,
    NO_DATA,
    NOT_APPLICABLE,
    PASS,
    STATUSES,
    CheckContext,
    Finding,
    worst_status,
)
from generator.rules.registry import CHECKS
from generator.text import formats as fmt


@dataclass(frozen=True)
class RuleResult:
    """A rule and everything its check found for one centre."""

    rule: Rule
    findings: tuple[Finding, ...]

    @property
    def status(self) -> str:
        return worst_status([f.status for f in self.findings])

    @property
    def headline(self) -> Finding | None:
        """The finding that speaks for the rule: the first with the rule's status."""
        return next((f for f in self.findings if f.status == self.status), None)


def evaluate_rules(
    centre: m.Centre,
    pack: Pack,
    today: dt.date | None = None,
    documents: Mapping[str, str] | None = None,
) -> list[RuleResult]:
    """Run every rule of the pack on the centre, in the pack's order; each rule runs once,
    and a rule that reads another's findings (scoring, vetoes) gets the same ones."""
    run = _Evaluation(centre, pack, today or dt.date.today(), documents)
    return [RuleResult(rule, run.findings_of(rule.id)) for rule in pack.rules.values()]


class _Evaluation:
    """The rules of one ``evaluate_rules`` call and the findings each gave (an object, not
    two closures calling each other: those would hold the centre in a cycle after the call,
    until the cycle collector's next pass)."""

    def __init__(
        self, centre: m.Centre, pack: Pack, today: dt.date, documents: Mapping[str, str] | None
    ) -> None:
        self.centre, self.pack, self.today, self.documents = centre, pack, today, documents
        self.done: dict[str, tuple[Finding, ...]] = {}

    def findings_of(self, rule_id: str) -> tuple[Finding, ...]:
        done = self.done
        if rule_id not in done:
            rule = self.pack.rule(rule_id)
            done[rule_id] = ()  # a rule that (indirectly) reads itself sees no findings
            if rule is not None:
                done[rule_id] = self._run(rule)
        return done[rule_id]

    def _run(self, rule: Rule) -> tuple[Finding, ...]:
        ctx = CheckContext(
            self.centre, self.pack, rule, self.today, self.documents, self.findings_of
        )
        try:
            return tuple(CHECKS[rule.check](ctx))
        except (KeyError, TypeError, ValueError, ArithmeticError, AttributeError) as exc:
            if os.environ.get("GONGSHI_DEBUG"):
                raise
            # a rule whose parameters cannot be used is an error in content/, not a crash
            msg = (
                f"规则 {rule.id} 的参数无法使用（{type(exc).__name__}: {exc}），未能检查；"
                "请核对规则包"
            )
            return (Finding(FAIL, msg, pos=rule.src, severity="error"),)


def scorecard(
    centre: m.Centre,
    pack: Pack,
    year: int,
    today: dt.date,
    results: Sequence[RuleResult] | None = None,
    documents: Mapping[str, str] | None = None,
) -> Scorecard:
    """A year's evaluation result by the pack's scoring, from the rules' findings on ``today``
    (``results`` when already computed)."""
    if results is None:
        results = evaluate_rules(centre, pack, today, documents)
    by_id = {r.rule.id: r.findings for r in results}
    return scoring.score_centre(centre, pack, year, today, lambda rid: by_id.get(rid, ()))


def _severity(rule: Rule, finding: Finding) -> Severity:
    value = finding.severity or rule.severity
    try:
        return Severity(value)
    except ValueError:
        return Severity.WARNING


def _where(centre: m.Centre, finding: Finding) -> Position:
    pos = finding.pos
    if pos is None or not pos.file:
        return centre.src
    return pos


def to_problem(centre: m.Centre, rule: Rule, finding: Finding) -> Problem:
    """A failing finding as a Problem: code = rule id, at the record line of the figure."""
    pos = _where(centre, finding)
    return Problem(
        pos.file,
        pos.line,
        pos.column,
        rule.id,
        _severity(rule, finding),
        finding.message,
        rule=rule.id,
        clause=rule.citation,
    )


def check_compliance(validated, today: dt.date | None = None) -> list[Problem]:
    """Every compliance shortfall of every validated centre, as Problems."""
    problems: list[Problem] = []
    library = validated.library
    if library is None:
        return problems
    for centre in validated.centres:
        problems.extend(
            centre_compliance_problems(
                centre,
                library.packs.get(centre.rule_pack),
                today,
                validated.documents.get(centre.id),
            )
        )
    return problems


def centre_compliance_problems(
    centre: m.Centre, pack: Pack | None, today: dt.date | None, documents: Mapping[str, str] | None
) -> list[Problem]:
    """Every compliance shortfall of one centre on ``today``, as Problems."""
    if pack is None:
        return []  # validation already reported unknown-rule-pack
    return results_problems(centre, evaluate_rules(centre, pack, today, documents))


def results_problems(
    centre: m.Centre,
    results: Sequence[RuleResult],
    review: frozenset[int] = frozenset(),
    today: dt.date | None = None,
) -> list[Problem]:
    """The failing findings of a centre's rule results, as Problems.

    ``review`` are the lines of centre.yaml that still hold a placeholder of ``gongshi new``
    (marked ``# 请核对``): until the contract period starts (``today`` before its start), a
    shortfall at such a line is a warning to check the placeholder, not a finding."""
    out = []
    for result in results:
        for f in result.findings:
            if f.status != FAIL:
                continue
            problem = to_problem(centre, result.rule, f)
            if _placeholder(centre, problem, review, today):
                problem = dataclasses.replace(
                    problem,
                    severity=Severity.WARNING,
                    message=f"{problem.message}（这是 gongshi new 写的占位内容，请核对；"
                    f"合同期于 {centre.contract.start.isoformat()} 开始后按规则检查）",
                )
            out.append(problem)
    return out


def _placeholder(
    centre: m.Centre, problem: Problem, review: frozenset[int], today: dt.date | None
) -> bool:
    return (
        today is not None
        and today < centre.contract.start
        and problem.file == centre.src.file
        and problem.line in review
    )


# ---------------------------------------------------------------- what was and was not checked


def rule_counts(results: Sequence[RuleResult]) -> dict[str, int]:
    """How many rules passed, failed, could not be checked (no-data) or did not apply."""
    counts = dict.fromkeys(STATUSES, 0)
    for r in results:
        counts[r.status] += 1
    return counts


def counts_text(counts: Mapping[str, int]) -> str:
    """``规则 N 条：符合 a，不符合 b，未能检查 c（缺少记录）``, and the rules that did not
    apply when there are any, so that “passed” and “not checked” read apart."""
    total = sum(counts.values())
    text = (
        f"规则 {total} 条：符合 {counts.get(PASS, 0)}，不符合 {counts.get(FAIL, 0)}，"
        f"未能检查 {counts.get(NO_DATA, 0)}（缺少记录）"
    )
    if counts.get(NOT_APPLICABLE, 0):
        text += f"，不适用或未到期 {counts[NOT_APPLICABLE]}"
    return text


def rule_statuses(centre_id: str, results: Sequence[RuleResult]) -> list[dict]:
    """One row per rule: its id, the centre, its status and, when it could not be checked or
    did not apply, why (the message of the finding that says so)."""
    rows = []
    for r in results:
        head = r.headline
        rows.append(
            {
                "rule": r.rule.id,
                "centre": centre_id,
                "status": r.status,
                "title": r.rule.params.title,
                "citation": r.rule.citation,
                "why_not_checked": head.message if head and r.status == NO_DATA else None,
                "why_not_applicable": (
                    head.message if head and r.status == NOT_APPLICABLE else None
                ),
            }
        )
    return rows


# ---------------------------------------------------------------- the JSON report


def _finding_dict(centre: m.Centre, rule: Rule, f: Finding) -> dict:
    pos = _where(centre, f)
    return {
        "status": f.status,
        "severity": _severity(rule, f).value if f.status == FAIL else None,
        "period": f.period,
        "message": f.message,
        "file": pos.file,
        "line": pos.line,
        "column": pos.column,
        "measured": fmt.value_text(dict(f.measured)),
        "threshold": fmt.value_text(f.threshold),
        "base": f.base,
    }


def _rule_dict(centre: m.Centre, result: RuleResult) -> dict:
    rule = result.rule
    head = result.headline
    threshold = (
        head.threshold
        if head and head.threshold is not None
        else getattr(rule.params, "threshold", None)
    )
    return {
        "id": rule.id,
        "title": rule.params.title,
        "check": rule.check,
        "citation": rule.citation,
        "document": rule.document,
        "clause": rule.clause,
        "quote": rule.quote,
        "basis": rule.basis,
        "severity": rule.severity,
        "status": result.status,
        "message": head.message if head else None,
        "measured": fmt.value_text(dict(head.measured)) if head else {},
        "threshold": fmt.value_text(threshold),
        "base": head.base if head else None,
        "findings": [_finding_dict(centre, rule, f) for f in result.findings],
    }


def _period_dict(p: figures.FinancePeriod) -> dict:
    total = p.expenditure_total
    shares = {}
    for key in m.EXPENSE_CATEGORIES:
        share = figures.ratio(p.expenditure.get(key, figures.ZERO), total)
        shares[key] = {
            "label": figures.EXPENSE_LABELS[key],
            "amount": fmt.value_text(p.expenditure.get(key, figures.ZERO)),
            "ratio": fmt.value_text(share),
            "percent": fmt.percent(share) if share is not None else None,
        }
    return {
        "label": p.label,
        "kind": p.kind,
        "year": p.year,
        "quarters": list(p.quarters),
        "income_total": fmt.value_text(p.income_total),
        "expenditure_total": fmt.value_text(total),
        "balance": fmt.value_text(p.balance),
        "base": "四类支出之和（该期间实际支出总额）",
        "categories": shares,
    }


def compliance_report(
    centre: m.Centre,
    pack: Pack,
    today: dt.date | None = None,
    documents: Mapping[str, str] | None = None,
    results: Sequence[RuleResult] | None = None,
    *,
    dated: bool = True,
) -> dict:
    """Every rule of the pack evaluated for one centre (``results`` when the pipeline already
    computed them for ``today``), the fund ratios and the evaluation result.

    ``dated=False`` leaves out the date of the check (``date``): the site's copy, the same
    file on every day the results hold (the site says its date in ``data/updated.json``)."""
    today = today or dt.date.today()
    if results is None:
        results = evaluate_rules(centre, pack, today, documents)
    summary = rule_counts(results)
    years = sorted({q.year for q in centre.quarters})
    finance = [_period_dict(p) for y in years for p in figures.finance_periods(centre, y)]
    evaluations = [
        scoring.scorecard_dict(scorecard(centre, pack, ev.year, today, results))
        for ev in centre.evaluations
    ]
    return {
        "centre": {"id": centre.id, "name": centre.name},
        "pack": {"id": pack.id, "name": pack.name, "document": pack.document},
        **({"date": today.isoformat()} if dated else {}),
        "summary": summary,
        "shortfalls": sum(1 for r in results for f in r.findings if f.status == FAIL),
        "rules": [_rule_dict(centre, r) for r in results],
        "finance": finance,
        "evaluations": evaluations,
    }
