"""The quarterly finance posting (季度财务信息公示) and the annual audit posting (年度审计报告
公示): income and spending tables over periods, and the fund-use ratios as the pack's rules
found them. The annual booklet prints the same tables and ratios."""

from __future__ import annotations

from collections.abc import Sequence

from generator import model as m
from generator.compliance import RuleResult
from generator.figures import finance as fig
from generator.packs.library import Pack
from generator.print.contexts import AuditNotice, FinanceNotice, RatioLine, Row
from generator.print.frame import date_text, disclosure_rule, frame, pack_rules
from generator.rules.base import FAIL
from generator.text import formats as fmt
from generator.text import verdicts
from generator.text.labels import (
    AUDIT_LABELS,
    BALANCE,
    EXPENSE_LABELS,
    EXPENSE_TOTAL,
    INCOME_LABELS,
    INCOME_TOTAL,
    POSTING_LABELS,
)


def ratio_lines(
    results: Sequence[RuleResult], periods: Sequence[fig.FinancePeriod]
) -> tuple[RatioLine, ...]:
    """Each fund-use ratio rule's findings for the periods of a table, as the check found them
    (a period the rule does not cover shows —)."""
    return tuple(
        RatioLine(
            title=row.title,
            periods=tuple(p.label for p in periods),
            values=row.values,
            limit=row.limit,
            results=row.results,
            failed=tuple(st == FAIL for st in row.statuses),
            citation=row.citation,
        )
        for row in verdicts.verdict_rows(results, [p.label for p in periods])
    )


def ratio_basis(results: Sequence[RuleResult]) -> str:
    """What the fund-use ratios are shares of, as the rules said it (their findings' base)."""
    for result in verdicts.fund_results(results):
        for finding in result.findings:
            if finding.base:
                return finding.base
    return "该期间的实际支出总额（四类支出之和）"


def _period_columns(centre: m.Centre, q: m.Quarter) -> list[fig.FinancePeriod]:
    """The quarter, then the contract's year so far (or its whole year) up to this quarter,
    as the finance figures count it."""
    cols = [fig.quarter_period(q)]
    cols += [
        p
        for p in fig.finance_periods(centre, q.year)
        if p.kind != "quarter" and p.quarters[-1] == q.quarter
    ]
    return cols


def _column_head(p: fig.FinancePeriod) -> str:
    return {"quarter": "本季度", "year": "全年"}.get(p.kind, p.label.removeprefix(f"{p.year}年"))


def income_rows(periods: Sequence[fig.FinancePeriod]) -> list[Row]:
    """One row per income source that has money in any of the periods."""
    rows = []
    for key in m.INCOME_SOURCES:
        if any(key in p.income for p in periods) and any(p.income.get(key) for p in periods):
            rows.append(
                Row((INCOME_LABELS[key], *(fmt.yuan(p.income.get(key, fig.ZERO)) for p in periods)))
            )
    return rows


def expense_rows(periods: Sequence[fig.FinancePeriod], quarter: m.Quarter | None) -> list[Row]:
    """Category rows (bold); under each, the quarter's line items when ``quarter`` is given."""
    rows = []
    for key in m.EXPENSE_CATEGORIES:
        rows.append(
            Row(
                (
                    EXPENSE_LABELS[key],
                    *(fmt.yuan(p.expenditure.get(key, fig.ZERO)) for p in periods),
                ),
                level=0,
                strong=True,
            )
        )
        category = quarter.expenditure.get(key) if quarter else None
        if category is not None:
            for item in category.items:
                rows.append(
                    Row((item.item, fmt.yuan(item.amount), *("" for _ in periods[1:])), level=1)
                )
    return rows


def build_finance(
    centre: m.Centre,
    pack: Pack | None,
    q: m.Quarter,
    results: Sequence[RuleResult],
    *,
    url: str,
) -> FinanceNotice:
    """Quarterly finance posting: income, spending, and the fund-use ratios as the pack's rules
    found them (``results``: the centre's rule results)."""
    periods = _period_columns(centre, q)
    label = fig.quarter_period(q).label
    rule = disclosure_rule(pack, "finance")
    return FinanceNotice(
        frame=frame(centre, pack, "finance", f"{label}财务信息公示", q.published, url),
        period_label=label,
        columns=tuple(_column_head(p) for p in periods),
        money_columns=tuple(f"{_column_head(p)}（元）" for p in periods),
        income=tuple(income_rows(periods)),
        income_total=Row((INCOME_TOTAL, *(fmt.yuan(p.income_total) for p in periods)), strong=True),
        expenditure=tuple(expense_rows(periods, q)),
        expenditure_total=Row(
            (EXPENSE_TOTAL, *(fmt.yuan(p.expenditure_total) for p in periods)), strong=True
        ),
        balance=Row((BALANCE, *(fmt.yuan(p.balance) for p in periods)), strong=True),
        ratios=ratio_lines(results, periods),
        ratio_basis=ratio_basis(results),
        fixed_assets=tuple(
            Row((a.name, fmt.yuan(a.amount), date_text(a.date))) for a in q.fixed_assets
        ),
        notes=q.notes,
        citation=rule.citation if rule else None,
    )


def build_audit(
    centre: m.Centre,
    pack: Pack | None,
    audit: m.Audit,
    results: Sequence[RuleResult],
    *,
    url: str,
) -> AuditNotice:
    """Annual audit posting: the auditor's opinion, the audited totals, findings, and the
    management fee share of the year as the pack's rule found it in the quarterly records."""
    facts = (
        Row(("审计机构", audit.firm)),
        Row(("审计报告文号", audit.report_number)),
        Row(("报告日期", date_text(audit.date))),
        Row(("审计意见", audit.opinion)),
    )
    amounts = (
        Row((AUDIT_LABELS["income"], fmt.yuan(audit.income))),
        Row((AUDIT_LABELS["expenditure"], fmt.yuan(audit.expenditure))),
        Row((f"其中：{AUDIT_LABELS['management_fee']}", fmt.yuan(audit.management_fee))),
        Row((AUDIT_LABELS["surplus"], fmt.yuan(audit.surplus))),
    )
    # the year's finding, when the year's four quarters are recorded
    year = [p for p in fig.finance_periods(centre, audit.year) if p.kind == "year"]
    management = [r for r in results if verdicts.numerator(r.rule) == ("management",)]
    ratios = ratio_lines(management, year) if year else ()
    surplus_note = None
    surplus_rules = pack_rules(pack, "surplus-carried-forward")
    if audit.surplus > 0 and surplus_rules:
        r = surplus_rules[0]
        surplus_note = f"本年度结余{fmt.yuan(audit.surplus)}元。依据{r.citation}：“{r.quote}”。"
    rule = disclosure_rule(pack, "audit")
    return AuditNotice(
        frame=frame(
            centre, pack, "audit", f"{audit.year}{POSTING_LABELS['audit']}", audit.published, url
        ),
        year=audit.year,
        facts=facts,
        amounts=amounts,
        ratios=tuple(line for line in ratios if line.results[0] != verdicts.NONE),
        findings=audit.findings,
        surplus_note=surplus_note,
        has_report_pdf=bool(audit.report_pdf),
        citation=rule.citation if rule else None,
    )
