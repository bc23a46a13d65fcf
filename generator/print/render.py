"""Model + figures → print contexts → Typst source (no file I/O).

Each print kind goes through three steps:

1. ``build_<kind>(centre, pack, ...)`` makes its context dataclass (``print_contexts``) from
   the model, the rule pack and the figures;
2. its body template (``site_templates/print/<kind>.body.typ.j2``) turns the context straight
   into a Typst body: the postings and the annual report are gongshi's own text over typed
   values, so no Markdown and no pandoc process is involved. Only the manual book, whose
   Markdown is written by people (content/manuals and the centres' own changes), goes
   through ``manuals.md.j2`` and pandoc (``typeset.markdown_to_typst``);
3. its layout template (``site_templates/print/<layout>.typ.j2``) wraps the body with the
   page set-up, fonts, title, posting period, 落款 and QR code.

``render_<kind>`` returns a :class:`PrintSource`: the Typst source and the files it uses (the
QR code, charts), ready for ``typeset.Typesetter.compile``. Record text is data everywhere:
every template environment escapes every value it prints (``typst_escape_line`` in bodies,
where a value is one line as in Markdown; ``typst_escape`` in layouts; ``md_escape`` in the
manual book's Markdown) unless it is :class:`~generator.print.contexts.TypstCode` /
``Markdown`` made by gongshi. A body has the shape pandoc's typst writer gave it before
(tables as ``#figure(table(...), kind: table)`` with a header row and a rule), so the layouts'
show rules apply unchanged.
"""

from __future__ import annotations

import calendar
import datetime as dt
import io
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from functools import lru_cache
from typing import Any, Protocol

import jinja2
import segno

from generator import model as m
from generator.compliance import RuleResult
from generator.evaluation import grading
from generator.figures import charts
from generator.figures import finance as fig
from generator.ledger.published import Correction, figure_rows
from generator.packs.library import Pack, Rule
from generator.paths import PRINT_TEMPLATES
from generator.print.contexts import (
    AnnualReport,
    AuditNotice,
    Chart,
    ConsultationNotice,
    ConsultMajor,
    ConsultTable,
    CorrectionNotice,
    EvaluationNotice,
    FinanceNotice,
    HoursNotice,
    ManualsBook,
    ManualSection,
    Markdown,
    NoticeFrame,
    PlanNotice,
    PostingPeriod,
    RatioLine,
    Row,
    TypstCode,
)
from generator.print.typeset import (
    FontSet,
    markdown_to_typst,
    typst_escape,
    typst_escape_block,
    typst_escape_line,
    typst_string,
)
from generator.rules.base import FAIL
from generator.text import formats as fmt
from generator.text import verdicts
from generator.text.escape import md_escape, md_escape_block
from generator.text.labels import (
    AUDIT_LABELS,
    BALANCE,
    CLOSED,
    EVALUATION_LABELS,
    EXPENSE_LABELS,
    EXPENSE_SHORT,
    EXPENSE_TOTAL,
    FREE,
    INCOME_LABELS,
    INCOME_TOTAL,
    POSTING_LABELS,
    QUARTER_NAMES,
)

TEMPLATES = PRINT_TEMPLATES

#: Posting period (公示期) in days when the rule pack sets none: seven calendar days counted
#: from the publication date, that day included. The regulations ask for disclosure "及时"
#: without a length; seven days is the common length of a community posting and gives
#: residents a full week, weekend included, to read it and object. A pack sets its own with
#: a rule ``check: posting-period`` (``days``, and ``by_kind: {finance: "15"}``).
DEFAULT_POSTING_DAYS = 7
POSTING_CHECK = "posting-period"
#: The check of a rule asking service items to be put out for comment (八(一) in Shenzhen).
CONSULTATION_CHECK = "service-consultation"

QR_FILE = "qr.svg"
BLANK_DATE = "　　　年　　月　　日"  # 成文日期 left for staff to write by hand

# Which disclosure rule of a pack a posting answers (``disclosure`` of a disclosure-deadline
# rule), for the "根据……" line.
DISCLOSURE_IDS = {
    "hours": ("opening-hours", "service-info"),
    "finance": ("quarterly-finance",),
    "audit": ("annual-audit",),
}


@dataclass(frozen=True)
class PrintSource:
    """A document ready to compile: Typst source and the files it reads."""

    source: str
    files: Mapping[str, bytes] = field(default_factory=dict)


class ManualLike(Protocol):
    """What the manual book needs of ``generator.manuals.compose.Manual``."""

    id: str
    title: str
    citations: Sequence[str]
    markdown: str


# ---------------------------------------------------------------------------------------------
# Formatting
# ---------------------------------------------------------------------------------------------


def date_text(day: dt.date | None) -> str:
    """2026年4月15日, or blanks to fill in by hand."""
    return fmt.date_text(day) if day else BLANK_DATE


def weekly_hours_text(minutes: int) -> str:
    """A day's opening time in a table; — when it is closed."""
    return fmt.hours_text(minutes) if minutes else "—"


# ---------------------------------------------------------------------------------------------
# Rules of the pack that a posting cites
# ---------------------------------------------------------------------------------------------


def _rules(pack: Pack | None, check: str) -> list[Rule]:
    return pack.by_check(check) if pack else []


def disclosure_rule(pack: Pack | None, kind: str) -> Rule | None:
    """The pack's rule that asks for this posting, if it has one."""
    if pack is None:
        return None
    if kind == "plan":
        found = _rules(pack, "plan-published")
        return found[0] if found else None
    if kind == "consultation":
        found = _rules(pack, CONSULTATION_CHECK)
        return found[0] if found else None
    if kind == "evaluation":
        found = _rules(pack, "grade-bands")
        return found[0] if found else None
    wanted = DISCLOSURE_IDS.get(kind, ())
    for rule in _rules(pack, "disclosure-deadline"):
        if rule.params.disclosure in wanted:
            return rule
    return None


def posting_days(pack: Pack | None, kind: str) -> tuple[int | None, str | None]:
    """Days of the posting period the pack sets for ``kind``, and its citation; else Nones."""
    for rule in _rules(pack, POSTING_CHECK):
        days = rule.params.days_for(kind)
        if days is not None:
            return days, rule.citation
    return None, None


def posting_period(
    pack: Pack | None, kind: str, start: dt.date | None, *, month_end: dt.date | None = None
) -> PostingPeriod:
    """The posting period of a posting published on ``start`` (None: not yet published).

    Lengths, in order: the pack's ``posting-period`` rule; for a monthly plan, to the end of
    its month (the plan is what residents sign up from); otherwise
    :data:`DEFAULT_POSTING_DAYS`. Opening hours stay posted (长期公示) unless the pack says
    otherwise.
    """
    days, citation = posting_days(pack, kind)
    if days is not None:
        basis = f"公示期限依据{citation}确定。"
    elif kind == "hours":
        rule = disclosure_rule(pack, "hours")
        cited = f"依据{rule.citation}，" if rule else ""
        return PostingPeriod(
            start,
            None,
            True,
            "长期公示，开放时间如有调整将及时更新并重新张贴。",
            f"{cited}开放时间在中心开放期间长期公示。",
        )
    elif kind == "plan" and month_end is not None:
        basis = "月度活动计划公示至计划所属月份的最后一日（适用的规则包未规定公示期限）。"
        if start is None:
            return PostingPeriod(
                None, month_end, False, f"自张贴之日起至{date_text(month_end)}。", basis
            )
        end = max(month_end, start)
        return PostingPeriod(start, end, False, f"{fmt.date_range_text(start, end)}。", basis)
    else:
        days = DEFAULT_POSTING_DAYS
        basis = f"适用的规则包未规定公示期限，按本系统默认的{days}日（含公布当日）执行。"
    if start is None:
        return PostingPeriod(None, None, False, f"自张贴之日起{days}日。", basis)
    end = start + dt.timedelta(days=days - 1)
    return PostingPeriod(
        start, end, False, f"{fmt.date_range_text(start, end)}（共{days}日）。", basis
    )


def frame(
    centre: m.Centre,
    pack: Pack | None,
    kind: str,
    title: str,
    published: dt.date | None,
    url: str,
    *,
    month_end: dt.date | None = None,
) -> NoticeFrame:
    return NoticeFrame(
        centre_name=centre.name,
        title=title,
        issuer=centre.operator.name,
        date=published,
        date_text=date_text(published),
        posting=posting_period(pack, kind, published, month_end=month_end),
        phone=centre.contact.phone,
        feedback=centre.contact.feedback,
        email=centre.contact.email,
        url=url,
        qr_file=QR_FILE,
    )


# ---------------------------------------------------------------------------------------------
# Contexts: opening hours, plan, consultation
# ---------------------------------------------------------------------------------------------


def build_hours(centre: m.Centre, pack: Pack | None, *, url: str) -> HoursNotice:
    """Opening hours posting: the regular week and the changes still ahead."""
    hours = centre.opening_hours
    week = []
    for d in range(7):
        sessions = hours.weekly.get(d, ())
        minutes = fig.daily_minutes(sessions)
        week.append(
            Row(
                (
                    m.WEEKDAYS[d],
                    fmt.sessions_text(sessions),
                    weekly_hours_text(minutes),
                )
            )
        )
    total = sum(fig.weekly_minutes(hours).values())
    # Every dated change in the record, in date order: the record is the centre's current
    # schedule (staff remove past years), and no build date decides what is "past".
    exceptions = []
    for exc in sorted(hours.exceptions, key=lambda e: (e.start, e.end)):
        arrangement = CLOSED if exc.closed else f"开放 {fmt.sessions_text(exc.sessions)}"
        exceptions.append(Row((fmt.date_range_text(exc.start, exc.end), arrangement, exc.reason)))
    rule = disclosure_rule(pack, "hours")
    return HoursNotice(
        frame=frame(centre, pack, "hours", POSTING_LABELS["hours"], None, url),
        week=tuple(week),
        weekly_hours=fmt.hours_text(total),
        exceptions=tuple(exceptions),
        citation=rule.citation if rule else None,
    )


def _month_end(year: int, month: int) -> dt.date:
    return dt.date(year, month, calendar.monthrange(year, month)[1])


#: Up to this many distinct sign-up texts are printed once, under the table, and referred to
#: by letter in it (a long text repeated on every row made a month's table six pages long).
MAX_SIGNUP_KEYS = 8


def build_plan(centre: m.Centre, pack: Pack | None, plan: m.Plan, *, url: str) -> PlanNotice:
    """Monthly activity plan posting: every planned activity with time, place and fee."""
    label = f"{plan.year}年{plan.month}月"
    acts = sorted(plan.activities, key=lambda a: (a.date, a.start, a.id))
    distinct = list(dict.fromkeys(a.signup for a in acts))
    keyed = 1 < len(distinct) <= MAX_SIGNUP_KEYS
    keys = {text: chr(ord("A") + i) for i, text in enumerate(distinct)} if keyed else {}
    rows = []
    for a in acts:
        day = f"{a.date.month}月{a.date.day}日{m.WEEKDAYS[a.date.weekday()]}"
        fee = FREE if a.price == 0 else f"{fmt.yuan(a.price)}元"
        title = a.title + ("（主题活动）" if a.themed else "")
        cells = [day, f"{a.start:%H:%M}-{a.end:%H:%M}", title, a.room, a.target, str(a.capacity)]
        if len(distinct) > 1:
            cells.append(keys.get(a.signup, a.signup))
        cells.append(fee)
        rows.append(Row(tuple(cells)))
    if keyed:
        signups = tuple(Row((k, text)) for text, k in keys.items())
    elif len(distinct) == 1:
        signups = (Row(("", distinct[0])),)
    else:
        signups = ()
    return PlanNotice(
        frame=frame(
            centre,
            pack,
            "plan",
            f"{label}活动计划公示",
            plan.published,
            url,
            month_end=_month_end(plan.year, plan.month),
        ),
        month_label=label,
        activities=tuple(rows),
        signup_column=len(distinct) > 1,
        signups=signups,
        count=len(acts),
        free_count=sum(1 for a in acts if a.price == 0),
        themed_count=sum(1 for a in acts if a.themed),
    )


def _catalogue_tables(centre: m.Centre, pack: Pack | None) -> tuple[list[ConsultTable], int, int]:
    """The centre's catalogue codes grouped by table and 大项, in catalogue order."""
    catalogue = pack.catalogue if pack else None
    codes = set(centre.services.catalogue)
    if catalogue is None:
        return [], 0, 0
    tables, majors_n, items_n = [], 0, 0
    for t in catalogue.tables:
        majors = []
        for mj in t.majors:
            items = tuple(Row((it.code, it.title)) for it in mj.items if it.code in codes)
            if items or mj.code in codes:
                majors.append(ConsultMajor(mj.code, mj.title, items))
                items_n += len(items)
        if majors:
            majors_n += len(majors)
            label = f"{t.table} {t.title}".strip() if t.table and t.table != t.title else t.title
            tables.append(ConsultTable(label, tuple(majors)))
    return tables, majors_n, items_n


def build_consultation(centre: m.Centre, pack: Pack | None, *, url: str) -> ConsultationNotice:
    """Service items put out for residents' comment: 大项 and 细项 with catalogue titles."""
    tables, majors_n, items_n = _catalogue_tables(centre, pack)
    rule = disclosure_rule(pack, "consultation")
    return ConsultationNotice(
        frame=frame(centre, pack, "consultation", POSTING_LABELS["consultation"], None, url),
        tables=tuple(tables),
        major_count=majors_n,
        item_count=items_n,
        own=tuple(Row((s.title, s.description or "")) for s in centre.services.own),
        paid=tuple(Row((p.title, f"{fmt.yuan(p.price)}{p.unit}")) for p in centre.services.paid),
        citation=rule.citation if rule else None,
        quote=rule.quote if rule else None,
    )


# ---------------------------------------------------------------------------------------------
# Context: a correction (更正说明)
# ---------------------------------------------------------------------------------------------

_MONEY_TEXT = re.compile(r"-?[0-9]+\.[0-9]{2}")
#: Disclosure kinds whose two-decimal figures are amounts of money (the ledger writes every
#: amount with two decimals; an evaluation's score never has them fixed).
MONEY_KINDS = frozenset({"plan", "finance", "audit"})
NOT_THERE = "（无）"


def correction_value(kind: str, value: str | None) -> str:
    """A figure of a ledger snapshot as printed: amounts as 9,800.00; absent as （无）."""
    if value is None or value == "":
        return NOT_THERE
    if kind in MONEY_KINDS and _MONEY_TEXT.fullmatch(value):
        return fmt.yuan(Decimal(value))
    return value


def correction_title(correction: Correction) -> str:
    """关于2026年第一季度财务信息的更正说明 (第二次起注明次数)."""
    nth = f"（第{correction.number}次）" if correction.number > 1 else ""
    return f"关于{correction.title}的更正说明{nth}"


def change_rows(correction: Correction) -> tuple[tuple[str, str, str], ...]:
    """The changed figures as (item, as published, corrected), printable.

    In a plan, an activity's field is named with the activity it belongs to
    (``活动 A02（2026-09-02 09:30-11:00 银龄健康操（居家养老中心））·名额``): the id alone
    means nothing to a resident.
    """
    c = correction
    summaries: dict[str, str] = {}
    if c.kind == "plan":
        for content in (c.old, c.new):  # the corrected summary wins
            summaries.update(
                {r.label: r.value or "" for r in figure_rows("plan", content) if r.group == r.label}
            )
    rows = []
    for ch in c.changes:
        group, _, rest = ch.label.partition("·")
        label = (
            f"{group}（{summaries[group]}）·{rest}" if rest and summaries.get(group) else ch.label
        )
        rows.append((label, correction_value(c.kind, ch.old), correction_value(c.kind, ch.new)))
    return tuple(rows)


def _numeric(kind: str, values: Iterable[str | None]) -> bool:
    return kind in MONEY_KINDS and all(v is None or _MONEY_TEXT.fullmatch(v) for v in values)


def build_correction(
    centre: m.Centre, pack: Pack | None, correction: Correction, *, url: str
) -> CorrectionNotice:
    """A correction posting: reason, approving role, the changed figures old and new."""
    c = correction
    changes = tuple(Row(cells) for cells in change_rows(c))
    values = [v for ch in c.changes for v in (ch.old, ch.new)]
    return CorrectionNotice(
        frame=frame(centre, pack, "correction", correction_title(c), c.date, url),
        disclosure_title=c.title,
        first_published=date_text(c.first_published),
        date=date_text(c.date),
        number=c.number,
        reason=c.reason,
        approved_by=c.approved_by,
        changes=changes,
        value_align="r" if _numeric(c.kind, values) else "l",
    )


# ---------------------------------------------------------------------------------------------
# Contexts: finance, audit, evaluation
# ---------------------------------------------------------------------------------------------


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
    """The quarter, then the year so far (or the whole year) when earlier quarters exist."""
    cols = [fig.quarter_period(q)]
    earlier = [x for x in centre.quarters if x.year == q.year and x.quarter <= q.quarter]
    if q.quarter > 1 and len(earlier) == q.quarter:
        cols.append(fig.combine(earlier, "year" if q.quarter == 4 else "year-to-date"))
    return cols


def _column_head(p: fig.FinancePeriod) -> str:
    return {"quarter": "本季度", "year": "全年"}.get(p.kind, p.label.removeprefix(f"{p.year}年"))


def _income_rows(periods: Sequence[fig.FinancePeriod]) -> list[Row]:
    rows = []
    for key in m.INCOME_SOURCES:
        if any(key in p.income for p in periods) and any(p.income.get(key) for p in periods):
            rows.append(
                Row((INCOME_LABELS[key], *(fmt.yuan(p.income.get(key, fig.ZERO)) for p in periods)))
            )
    return rows


def _expense_rows(periods: Sequence[fig.FinancePeriod], quarter: m.Quarter | None) -> list[Row]:
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
        income=tuple(_income_rows(periods)),
        income_total=Row((INCOME_TOTAL, *(fmt.yuan(p.income_total) for p in periods)), strong=True),
        expenditure=tuple(_expense_rows(periods, q)),
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
    surplus_rules = _rules(pack, "surplus-carried-forward")
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


def _consequences(rule: Rule | None, ev: m.Evaluation) -> tuple[str, ...]:
    """What the recorded grade means for the contract, as the pack's scoring says."""
    if rule is None or not ev.grade:
        return ()
    found = grading.consequences_for(ev.grade, ev.previous_grade, rule)
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
    grade_rules = _rules(pack, "grade-bands")
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


# ---------------------------------------------------------------------------------------------
# Contexts: the annual report and the manual book
# ---------------------------------------------------------------------------------------------


def annual_date(centre: m.Centre, year: int) -> dt.date | None:
    """The booklet's date: the latest publication date among the year's records."""
    dates = [q.published for q in centre.quarters if q.year == year and q.published]
    dates += [a.published for a in centre.audits if a.year == year and a.published]
    dates += [e.published for e in centre.evaluations if e.year == year and e.published]
    dates += [p.published for p in centre.plans if p.year == year and p.published]
    return max(dates) if dates else None


def _table_label(pack: Pack | None, code: str, own_codes: set[str]) -> str:
    if code in own_codes:
        return "中心自设项目"
    table = pack.catalogue.table_of(code) if pack and pack.catalogue else None
    if table is None:
        return "其他"
    return (
        f"{table.table} {table.title}".strip()
        if table.table and table.table != table.title
        else table.title
    )


def build_annual(
    centre: m.Centre,
    pack: Pack | None,
    year: int,
    results: Sequence[RuleResult],
    *,
    url: str,
) -> AnnualReport:
    """The annual report booklet: profile, services, activities, finance (with the fund-use
    ratio findings of ``results``), audit, evaluation."""
    c = centre
    profile = [
        Row(("中心名称", c.name)),
        Row(("地址", c.address)),
        Row(("所在社区", f"{c.district}{c.street}{c.community}（{c.community_type}）")),
        Row(("运营主体", c.operator.name)),
        Row(("统一社会信用代码", c.operator.credit_code)),
        Row(("服务购买方", c.contract.purchaser)),
        Row(("合同期限", f"{date_text(c.contract.start)}至{date_text(c.contract.end)}")),
        Row(("年度经费", f"{fmt.yuan(c.contract.annual_budget)}元")),
    ]
    for f in c.contract.funders:
        profile.append(Row((f"其中：{f.name}", f"{fmt.yuan(f.amount)}元")))
    profile += [
        Row(("可利用室内面积", f"{fmt.num(c.floor_area)}平方米")),
        Row(("联系电话", c.contact.phone)),
    ]
    if c.contact.email:
        profile.append(Row(("电子邮箱", c.contact.email)))
    if c.contact.feedback:
        profile.append(Row(("意见反馈", c.contact.feedback)))
    rooms = tuple(Row((r.name, f"{fmt.num(r.area)}", r.purpose)) for r in c.rooms)
    hours = tuple(
        Row((m.WEEKDAYS[d], fmt.sessions_text(c.opening_hours.weekly.get(d, ())))) for d in range(7)
    )
    sf = fig.staff_figures(c)
    staff = [
        Row(("全职工作人员", f"{sf.full_time}人")),
        Row(("兼职工作人员", f"{sf.part_time}人")),
        Row(("持有社会工作职业资格", f"{sf.certified}人")),
        Row(("已注册的专业社会工作者（全职）", f"{sf.registered_social_workers}人")),
    ]
    if sf.avg_training_hours is not None:
        staff.append(
            Row(("人均培训学时", f"{fmt.num(sf.avg_training_hours.quantize(Decimal('0.1')))}学时"))
        )
    volunteers = [
        Row(("登记在册志愿者", f"{c.volunteers.registered}人")),
        Row(("志愿服务时长", f"{fmt.num(c.volunteers.service_hours)}小时")),
    ]
    if c.volunteers.teams:
        volunteers.append(Row(("志愿者队伍", "、".join(c.volunteers.teams))))
    tables, _, _ = _catalogue_tables(c, pack)
    services = tuple(
        Row((t.label, str(len(t.majors)), str(sum(len(mj.items) for mj in t.majors))))
        for t in tables
    )

    # activities
    keys = sorted(
        {p.key for p in c.plans if p.year == year}
        | {a.key for a in c.activity_months if a.year == year}
    )
    months, totals = [], [0, 0, 0, 0, 0]
    attendance_by_month = []
    for key in keys:
        ma = fig.month_activity(c, key)
        vals = [ma.planned, ma.held, ma.cancelled, ma.unplanned, ma.attendance]
        totals = [a + b for a, b in zip(totals, vals)]
        label = f"{int(key[5:])}月"
        months.append(Row((label, *(str(v) for v in vals))))
        attendance_by_month.append((label, Decimal(ma.attendance)))
    months_total = Row(("合计", *(str(v) for v in totals)), strong=True)
    vol = fig.service_volume(c, year)
    own_codes = {s.code for s in c.services.own}
    by_table: dict[str, list[int]] = {}
    for form, idx in (("个体", 0), ("群体", 1)):
        for code in sorted(vol[form]):
            label = _table_label(pack, code, own_codes)
            by_table.setdefault(label, [0, 0])[idx] += vol[form][code]
    # catalogue order first (表一, 表二 …), then the centre's own items, then the rest
    order = [
        _table_label(pack, t.code, set())
        for t in (pack.catalogue.tables if pack and pack.catalogue else ())
    ]
    rank = {label: i for i, label in enumerate(order)}
    labels = sorted(
        by_table, key=lambda lb: (rank.get(lb, len(order) + (lb != "中心自设项目")), lb)
    )
    volume = tuple(Row((lb, str(by_table[lb][0]), str(by_table[lb][1]))) for lb in labels)

    chart_list: list[Chart] = []
    activity_chart = None
    if attendance_by_month:
        activity_chart = Chart("chart-activities.svg", f"{year}年各月活动参与人次")
        chart_list.append(activity_chart)

    # finance
    qs = sorted((q for q in c.quarters if q.year == year), key=lambda q: q.quarter)
    periods = [fig.quarter_period(q) for q in qs]
    if len(qs) > 1:
        periods.append(fig.combine(qs, "year" if len(qs) == 4 else "year-to-date"))
    cols = tuple(
        QUARTER_NAMES[p.quarters[0]]
        if p.kind == "quarter"
        else ("全年" if p.kind == "year" else p.label.removeprefix(f"{year}年"))
        for p in periods
    )
    finance_chart = None
    if qs:
        finance_chart = Chart("chart-finance.svg", f"{year}年各季度支出构成（元）")
        chart_list.append(finance_chart)
    audit = next((a for a in c.audits if a.year == year), None)
    ev = next((e for e in c.evaluations if e.year == year), None)
    published = annual_date(c, year)
    return AnnualReport(
        centre_name=c.name,
        year=year,
        issuer=c.operator.name,
        date=published,
        date_text=date_text(published),
        url=url,
        qr_file=QR_FILE,
        phone=c.contact.phone,
        email=c.contact.email,
        feedback=c.contact.feedback,
        profile=tuple(profile),
        rooms=rooms,
        hours=hours,
        weekly_hours=fmt.hours_text(sum(fig.weekly_minutes(c.opening_hours).values())),
        staff=tuple(staff),
        volunteers=tuple(volunteers),
        services=services,
        own_services=tuple(Row((s.title, s.description or "")) for s in c.services.own),
        paid_services=tuple(
            Row((p.title, f"{fmt.yuan(p.price)}{p.unit}")) for p in c.services.paid
        ),
        months=tuple(months),
        months_total=months_total,
        volume=volume,
        activity_chart=activity_chart,
        quarter_columns=cols,
        finance_income=tuple(_income_rows(periods)),
        finance_expenditure=tuple(_expense_rows(periods, None)),
        finance_totals=(
            Row((INCOME_TOTAL, *(fmt.yuan(p.income_total) for p in periods)), strong=True),
            Row((EXPENSE_TOTAL, *(fmt.yuan(p.expenditure_total) for p in periods)), strong=True),
            Row((BALANCE, *(fmt.yuan(p.balance) for p in periods)), strong=True),
        )
        if periods
        else (),
        ratios=ratio_lines(results, periods),
        ratio_basis=ratio_basis(results),
        finance_chart=finance_chart,
        audit=build_audit(c, pack, audit, results, url=url) if audit else None,
        evaluation=build_evaluation(c, pack, ev, url=url) if ev else None,
        charts=tuple(chart_list),
    )


def annual_chart_files(centre: m.Centre, report: AnnualReport, fonts: FontSet) -> dict[str, bytes]:
    """The SVG charts of an annual report, by file name."""
    files: dict[str, bytes] = {}
    if report.activity_chart:
        cats = [r.cells[0] for r in report.months]
        values = [Decimal(r.cells[5]) for r in report.months]
        files[report.activity_chart.file] = charts.bar_chart(
            cats,
            [("参与人次", values)],
            unit="人次",
            font_family=fonts.sans,
        ).encode("utf-8")
    if report.finance_chart:
        qs = sorted((q for q in centre.quarters if q.year == report.year), key=lambda q: q.quarter)
        cats = [QUARTER_NAMES[q.quarter] for q in qs]
        series = [
            (
                EXPENSE_SHORT[k],
                [q.expenditure[k].total if k in q.expenditure else fig.ZERO for q in qs],
            )
            for k in m.EXPENSE_CATEGORIES
        ]
        files[report.finance_chart.file] = charts.bar_chart(
            cats,
            series,
            unit="元",
            font_family=fonts.sans,
        ).encode("utf-8")
    return files


_HEADING = re.compile(r"^(#{1,5})(?=\s)")
_FENCE = re.compile(r"^\s*(```|~~~)")


def shift_headings(md: str, by: int = 1) -> str:
    """Push every ATX heading of ``md`` ``by`` levels down (outside fenced code)."""
    out, fenced = [], False
    for line in md.splitlines():
        if _FENCE.match(line):
            fenced = not fenced
        elif not fenced:
            line = _HEADING.sub(lambda mt: mt.group(1) + "#" * by, line)
        out.append(line)
    return "\n".join(out) + ("\n" if md.endswith("\n") else "")


def manual_body(md: str) -> str:
    """A manual's Markdown under the book's own heading: its leading H1 title dropped, and
    every heading pushed one level down if another H1 remains."""
    lines = md.lstrip("\n").splitlines()
    if lines and re.match(r"#\s", lines[0]):
        lines = lines[1:]
    rest = "\n".join(lines).strip("\n") + "\n"
    fenced = False
    for line in rest.splitlines():
        if _FENCE.match(line):
            fenced = not fenced
        elif not fenced and re.match(r"#\s", line):
            return shift_headings(rest, 1)
    return rest


def build_manuals(
    centre: m.Centre, pack: Pack | None, manuals: Iterable[ManualLike]
) -> ManualsBook:
    """The policy manual book: every manual of ``render_manuals``, one chapter each."""
    manuals = list(manuals)
    sections = tuple(
        ManualSection(mn.title, tuple(mn.citations), Markdown(manual_body(mn.markdown)))
        for mn in manuals
    )
    dates = [
        d for d in (getattr(mn, "effective", None) for mn in manuals) if isinstance(d, dt.date)
    ]
    date = max(dates) if dates else None
    return ManualsBook(
        centre_name=centre.name,
        issuer=centre.operator.name,
        pack_name=pack.name if pack else "",
        date=date,
        date_text=date_text(date),
        sections=sections,
    )


# ---------------------------------------------------------------------------------------------
# Templates
# ---------------------------------------------------------------------------------------------


def _md_finalize(value: Any) -> str:
    if isinstance(value, Markdown):
        return value
    return md_escape(value)


def _typ_finalize(value: Any) -> str:
    if isinstance(value, TypstCode):
        return value
    if value is None:
        return ""
    return typst_escape(str(value))


def _body_finalize(value: Any) -> str:
    if isinstance(value, TypstCode):
        return value
    return typst_escape_line(value)


_FINALIZE = {"md": _md_finalize, "typ": _typ_finalize, "body": _body_finalize}


@lru_cache(maxsize=3)
def _environment(kind: str) -> jinja2.Environment:
    """The template environment of ``kind``: "md" (the manual book's Markdown), "typ"
    (layouts) or "body" (posting and report bodies). One per process: the compiled templates
    are kept in it, and they hold nothing of a centre."""
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(TEMPLATES)),
        undefined=jinja2.StrictUndefined,
        autoescape=False,
        finalize=_FINALIZE[kind],
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
        auto_reload=False,
    )
    if kind == "md":
        env.filters["block"] = lambda v: Markdown(md_escape_block(v))
    else:
        env.filters["str"] = lambda v: TypstCode(typst_string(str(v)))
        env.filters["date"] = _typst_date
        env.filters["block"] = lambda v: TypstCode(typst_escape_block(v))
        env.filters["row"] = typst_row
    return env


#: Indent of a line item under its category row: two ideographic spaces (a table cell has no
#: paragraph indent of its own).
ROW_INDENT = "\u3000\u3000"


def typst_row(row: Row) -> TypstCode:
    """One table row as Typst cells (``[a], [b],``), every cell escaped as one line; a
    ``strong`` row's non-empty cells bold, a ``level`` 1 row's first cell indented."""
    out = []
    for i, text in enumerate(row.cells):
        cell = typst_escape_line(text)
        if row.strong and cell:
            cell = f"#strong[{cell}]"
        if i == 0 and row.level:
            cell = ROW_INDENT + cell
        out.append(f"[{cell}],")
    return TypstCode("    " + " ".join(out))


def _typst_date(day: dt.date | None) -> TypstCode:
    if day is None:
        return TypstCode("none")
    return TypstCode(f"datetime(year: {day.year}, month: {day.month}, day: {day.day})")


def render_markdown(template: str, ctx: Any) -> str:
    """Render ``<template>.md.j2`` with ``ctx`` as ``c`` (the manual book)."""
    return _environment("md").get_template(f"{template}.md.j2").render(c=ctx)


def render_body(template: str, ctx: Any) -> TypstCode:
    """Render ``<template>.body.typ.j2`` with ``ctx`` as ``c``: a posting's or report's body."""
    return TypstCode(_environment("body").get_template(f"{template}.body.typ.j2").render(c=ctx))


def render_layout(template: str, **values: Any) -> str:
    """Render ``<template>.typ.j2`` with the given values."""
    return _environment("typ").get_template(f"{template}.typ.j2").render(**values)


#: The QR mask pattern. segno would try all eight and keep the one its penalty score likes
#: best, which is most of the time a code takes; every mask gives a valid code that readers
#: decode (the mask number is written into the code's format information).
QR_MASK = 0


@lru_cache(maxsize=1024)
def qr_svg(url: str) -> bytes:
    """The QR code of ``url`` as SVG (segno; medium error correction, 4-module quiet zone)."""
    buf = io.BytesIO()
    segno.make(url, error="m", micro=False, mask=QR_MASK).save(
        buf, kind="svg", xmldecl=False, border=4, scale=4
    )
    return buf.getvalue()


NOTICE_KINDS = {
    HoursNotice: "hours",
    PlanNotice: "plan",
    FinanceNotice: "finance",
    AuditNotice: "audit",
    EvaluationNotice: "evaluation",
    ConsultationNotice: "consultation",
    CorrectionNotice: "correction",
}


def render_notice(ctx: Any, fonts: FontSet) -> PrintSource:
    """A noticeboard posting (A4, GB/T 9704 layout) from its context."""
    kind = NOTICE_KINDS[type(ctx)]
    f: NoticeFrame = ctx.frame
    source = render_layout("notice", f=f, fonts=fonts, body=render_body(kind, ctx), kind=kind)
    return PrintSource(source, {QR_FILE: qr_svg(f.url)} if f.url else {})


def render_annual(ctx: AnnualReport, centre: m.Centre, fonts: FontSet) -> PrintSource:
    """The annual report booklet (A5) from its context."""
    source = render_layout("annual", r=ctx, fonts=fonts, body=render_body("annual", ctx))
    files = {QR_FILE: qr_svg(ctx.url)} if ctx.url else {}
    files.update(annual_chart_files(centre, ctx, fonts))
    return PrintSource(source, files)


def render_manual_book(ctx: ManualsBook, fonts: FontSet) -> PrintSource:
    """The policy manual book (A4) from its context."""
    body = TypstCode(markdown_to_typst(render_markdown("manuals", ctx)))
    source = render_layout("manuals", b=ctx, fonts=fonts, body=body)
    return PrintSource(source, {})
