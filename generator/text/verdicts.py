"""What the rules found, as the pages, postings and booklets print it.

The pipeline applies every rule of a centre's pack once (``generator.compliance.RuleResult``:
the rule and its ``Finding`` values, one per period for the fund ratios) and hands the
results to the writers. Here a writer picks a rule's finding for a period and gets its text:
the value as the check showed it (``measured["percent"]``, with as many places as it takes
to tell it from its limit), the limit as the pack sets it, the verdict as a status label, and
the clause. Nothing here compares a value with a limit: a verdict is always the finding's.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING

from generator.text import formats as fmt
from generator.text.labels import OP_WORDS, STATUS_LABELS

if TYPE_CHECKING:
    from generator.compliance import RuleResult
    from generator.packs.library import Rule
    from generator.rules.base import Finding

NONE = "—"  # a cell with nothing to show: the rule does not cover the period
FUND_RATIO = "fund-ratio"
PROJECT_BASE = "government-project"


def rule_title(rule: Rule) -> str:
    """The title a rule is printed under: its ``title``, else its id."""
    return rule.params.title or rule.id


def status_label(status: str) -> str:
    return STATUS_LABELS.get(status, status)


def limit_text(op: str, threshold: Decimal) -> str:
    """A ratio limit as it is printed everywhere: 不低于 80%."""
    return f"{OP_WORDS.get(op, op)} {fmt.limit_percent(threshold)}"


# ---------------------------------------------------------------- fund ratios


def numerator(rule: Rule) -> tuple[str, ...]:
    """The spending categories a fund-use ratio rule measures (none for other rules)."""
    return tuple(rule.params.numerator) if rule.check == FUND_RATIO else ()


def fund_results(results: Iterable[RuleResult]) -> list[RuleResult]:
    """The results of the pack's fund-use ratio rules over the project's spending (七(一) in
    Shenzhen), in the pack's order: the shares a finance page or posting prints."""
    return [
        r
        for r in results
        if r.rule.check == FUND_RATIO and r.rule.params.base == PROJECT_BASE and numerator(r.rule)
    ]


def finding_for(result: RuleResult, period: str) -> Finding | None:
    """The rule's finding for a period (its label, e.g. 2026年第一季度 or 2026年1-6月)."""
    return next((f for f in result.findings if f.period == period), None)


@dataclass(frozen=True)
class Verdict:
    """A rule's finding for one period, as printed."""

    title: str  # the rule's title
    period: str  # the period's label
    value: str  # the measured share as the check showed it (79.995%), or — without one
    limit: str  # 不低于 80%
    status: str  # pass | fail | not-applicable | no-data (the finding's)
    result: str  # the status label: 符合 | 不符合 | 不适用 | 缺少数据
    message: str  # the finding's message, as ``gongshi check`` prints it
    citation: str  # 《…》七(一)


def verdict(result: RuleResult, finding: Finding) -> Verdict:
    rule = result.rule
    threshold = finding.threshold if finding.threshold is not None else rule.params.threshold
    return Verdict(
        title=rule_title(rule),
        period=finding.period or "",
        value=str(finding.measured.get("percent") or NONE),
        limit=limit_text(rule.params.op, threshold),
        status=finding.status,
        result=status_label(finding.status),
        message=finding.message,
        citation=rule.citation,
    )


def ratio_verdicts(results: Iterable[RuleResult], periods: Sequence[str]) -> list[Verdict]:
    """Every fund-use ratio rule's verdict for each period it has a finding for, rule by rule."""
    out = []
    for result in fund_results(results):
        for period in periods:
            finding = finding_for(result, period)
            if finding is not None:
                out.append(verdict(result, finding))
    return out


@dataclass(frozen=True)
class VerdictRow:
    """A fund-use ratio rule across the columns of a table (本季度, 1-6月 …)."""

    title: str
    values: tuple[str, ...]  # per column: the value, or — when the rule has no finding
    limit: str
    statuses: tuple[str | None, ...]  # per column: the finding's status, None without one
    results: tuple[str, ...]  # per column: the status label, or —
    citation: str


def verdict_rows(results: Iterable[RuleResult], periods: Sequence[str]) -> list[VerdictRow]:
    """One row per fund-use ratio rule, one cell per period (the rule's finding there)."""
    rows = []
    for result in fund_results(results):
        cells = [finding_for(result, p) for p in periods]
        found = [verdict(result, f) for f in cells if f is not None]
        params = result.rule.params
        limit = found[0].limit if found else limit_text(params.op, params.threshold)
        rows.append(
            VerdictRow(
                title=rule_title(result.rule),
                values=tuple(verdict(result, f).value if f else NONE for f in cells),
                limit=limit,
                statuses=tuple(f.status if f else None for f in cells),
                results=tuple(status_label(f.status) if f else NONE for f in cells),
                citation=result.rule.citation,
            )
        )
    return rows


def share_shown(results: Iterable[RuleResult], keys: Sequence[str], period: str) -> str | None:
    """The share of ``keys`` in a period's spending as a rule over exactly those categories
    showed it (so a table prints 10.004% where the verdict says 10.004%); None without one."""
    for result in fund_results(results):
        if numerator(result.rule) == tuple(keys):
            finding = finding_for(result, period)
            if finding is not None and finding.measured.get("percent"):
                return str(finding.measured["percent"])
    return None
