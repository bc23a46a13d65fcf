"""The city view for district officers (各中心对比): one row per centre with what an officer
compares across centres, as a page and as data files (CSV and JSON).

For each centre, on the day the page is made:

- its disclosures not yet published that have a due date (``calendar.disclosure_states``):
  how many are overdue (逾期未公布) and the next one due. These move with the day, so the page
  prints them as they stood on the day it was made (labelled 截至 that day) and carries the due
  dates in its data, from which ``site_templates/site/assets/officers.js`` computes both again
  for the reader's day in China (UTC+8), like the centres' own pages (``site.today``);
- the findings its rules failed, counted by severity: the rule results the pipeline computed
  once (``Validated.results``), never checked again here;
- the fund-use shares of its latest published quarter (``figures.finance``), each as the
  pack's ratio rule showed it when there is one over that category alone (``text.verdicts``);
- the grade or type of its latest published evaluation, by the pack's scoring of the same rule
  results (``compliance.scorecard``), and its satisfaction rate.

Every cell links to the centre's page that shows the figure. The browser sorts by any column
and filters by district and street; without JavaScript the page is the plain table.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal

from jinja2 import Environment
from markupsafe import Markup

from generator import model as m
from generator import urls
from generator.compliance import RuleResult, results_problems
from generator.figures import finance as f
from generator.figures.calendar import SOON_DAYS, DueItem, disclosure_states, published_on
from generator.packs.library import Pack
from generator.problems import Severity
from generator.rules.base import FAIL
from generator.site.city import NOT_SHOWN, AwaitingCorrection, awaiting_note
from generator.site.evaluation import scorecard
from generator.site.jsontext import json_file
from generator.site.listing import due_basis
from generator.site.opendata import FORMULA_START
from generator.site.render import Out, rel
from generator.site.today import WORDS, address, as_of, date_word, due_state
from generator.text import formats as fmt
from generator.text import verdicts
from generator.text.escape import script_json
from generator.text.labels import EVALUATION_LABELS, EXPENSE_SHORT

# Where the view is published (the city part of the site).
PAGE = urls.OFFICERS
CSV_PATH = urls.OFFICERS_CSV
JSON_PATH = urls.OFFICERS_JSON
SCRIPT = "assets/officers.js"

SEVERITIES = (Severity.ERROR, Severity.WARNING, Severity.INFO)

# Every word the page and the script print about the day; both fill in ``{name}``.
OFFICER_WORDS = {
    "count": "{n} 项",
    "none": "无",
    "next": "{title}：{state}",
    "day_note": "“逾期未公布”和“下一项应公布”两列{when}。",
    "late_item": "{title}（应于{date}公布）",
    "sep": "；",
    "shown": "显示 {n} 个中心（共 {total} 个）",
    "all": "全部",
    "district": "所在区",
    "street": "街道",
    "sort": "按此列排序",
}


def officer_word(key: str, **values: object) -> str:
    return OFFICER_WORDS[key].format(**values)


# ---------------------------------------------------------------- one centre's figures


@dataclass(frozen=True)
class Pending:
    """A disclosure not published on the day that has a due date."""

    key: str  # plan/2026-12
    title: str  # 2026年12月活动计划
    due: dt.date


@dataclass(frozen=True)
class Share:
    """One spending category's share of a quarter's spending."""

    category: str  # staff | site | management | services
    label: str  # 员工薪酬
    ratio: Decimal | None  # exact, None when nothing was spent
    text: str  # as printed: the ratio rule's value when one covers the category alone
    verdict: str  # the status label of that rule's finding when it failed, else ""


@dataclass(frozen=True)
class CentreFigures:
    """What the view lists for one centre on ``today``."""

    id: str
    name: str
    district: str
    street: str
    pending: tuple[Pending, ...]  # by due date
    findings: dict[str, int] | None  # severity → failing findings; None: no rule results
    quarter: m.Quarter | None  # the latest published quarter
    period: str  # its label, 2026年第三季度 ("" without one)
    shares: tuple[Share, ...]
    evaluation: m.Evaluation | None  # the latest published evaluation
    result_label: str  # 评估等级 | 类型 ("" without a result)
    result: str  # the grade or type ("" without one)
    satisfaction: Decimal | None
    awaiting: str = ""  # 记录待更正（自…起） for a centre not published by this build
    pages: bool = True  # its pages are on the site

    def overdue(self, day: dt.date) -> list[Pending]:
        """The pending disclosures past their due date on ``day`` (逾期未公布)."""
        return [p for p in self.pending if p.due < day]

    def next_due(self, day: dt.date) -> Pending | None:
        """The first pending disclosure due on ``day`` or later."""
        return next((p for p in self.pending if p.due >= day), None)


def centre_figures(
    centre: m.Centre,
    pack: Pack | None,
    results: Sequence[RuleResult] | None,
    today: dt.date,
    awaiting: str = "",
    states: Sequence[DueItem] | None = None,
) -> CentreFigures:
    """One centre's row: ``centre`` holds every record (those published after ``today``
    count as not yet published), ``results`` its rule results on ``today`` as the pipeline
    computed them (None: none were handed down); ``states``, its disclosures' states on
    ``today`` when already computed (``calendar.disclosure_states``)."""
    if states is None:
        states = disclosure_states(centre, pack, today)
    pending = tuple(
        Pending(d.key, d.title, d.due) for d in states if d.published is None and d.due is not None
    )
    findings = None
    if results is not None:
        findings = {s.value: 0 for s in SEVERITIES}
        for p in results_problems(centre, results):
            findings[p.severity.value] = findings.get(p.severity.value, 0) + 1
    shown = published_on(centre, today)
    quarter = max(shown.quarters, key=lambda q: (q.year, q.quarter), default=None)
    period, shares = "", ()
    if quarter is not None:
        period = f.quarter_period(quarter).label
        shares = _shares(quarter, period, results or ())
    ev = max(shown.evaluations, key=lambda e: e.year, default=None)
    label, result, satisfaction = "", "", None
    if ev is not None:
        card = scorecard(shown, pack, ev.year, today, results)
        if card is not None and card.result:
            label, result = card.result_label, card.result
        elif ev.grade:
            label, result = EVALUATION_LABELS["grade"], ev.grade
        if ev.satisfaction.sample:
            satisfaction = f.satisfaction_rate(ev)
    return CentreFigures(
        id=centre.id,
        name=centre.name,
        district=centre.district,
        street=centre.street,
        pending=tuple(sorted(pending, key=lambda p: (p.due, p.key))),
        findings=findings,
        quarter=quarter,
        period=period,
        shares=shares,
        evaluation=ev,
        result_label=label,
        result=result,
        satisfaction=satisfaction,
        awaiting=awaiting,
    )


def _shares(q: m.Quarter, period: str, results: Sequence[RuleResult]) -> tuple[Share, ...]:
    total = q.expenditure_total
    out = []
    for key in m.EXPENSE_CATEGORIES:
        spent = q.expenditure[key].total if key in q.expenditure else f.ZERO
        share = f.ratio(spent, total)
        verdict = ""
        for r in verdicts.fund_results(results):
            finding = verdicts.finding_for(r, period)
            if verdicts.numerator(r.rule) == (key,) and finding and finding.status == FAIL:
                verdict = verdicts.status_label(FAIL)
        out.append(
            Share(
                key,
                EXPENSE_SHORT[key],
                share,
                verdicts.share_shown(results, [key], period) or fmt.percent(share),
                verdict,
            )
        )
    return tuple(out)


def named_only(a: AwaitingCorrection) -> CentreFigures:
    """A centre awaiting correction known by its name alone (no records at hand)."""
    return CentreFigures(
        id=a.centre_id,
        name=a.name,
        district=a.district,
        street=a.street,
        pending=(),
        findings=None,
        quarter=None,
        period="",
        shares=(),
        evaluation=None,
        result_label="",
        result="",
        satisfaction=None,
        awaiting=awaiting_note(a.since),
        pages=a.pages,
    )


def all_figures(
    centres: Sequence[m.Centre],
    packs: Mapping[str, Pack],
    results: Mapping[str, Sequence[RuleResult]],
    today: dt.date,
    awaiting: Sequence[AwaitingCorrection] = (),
    states: Mapping[str, Sequence[DueItem]] | None = None,
) -> list[CentreFigures]:
    """Every centre's row, in the order given (``pages.sorted_centres``), then the centres
    awaiting correction known by name alone, by district, street and id; ``states``: each
    centre's disclosures' states on ``today`` when already computed, by centre id."""
    notes = {a.centre_id: awaiting_note(a.since) for a in awaiting}
    states = states or {}
    rows = [
        centre_figures(
            ce,
            packs.get(ce.rule_pack),
            results.get(ce.id),
            today,
            notes.get(ce.id, ""),
            states.get(ce.id),
        )
        for ce in centres
    ]
    listed = {ce.id for ce in centres}
    rows.extend(
        named_only(a)
        for a in sorted(awaiting, key=lambda a: (a.district, a.street, a.centre_id))
        if a.centre_id not in listed
    )
    return rows


# ---------------------------------------------------------------- the page


@dataclass(frozen=True)
class Column:
    """A column of the view: its heading and how the browser sorts it."""

    key: str
    label: str
    numeric: bool  # sorted by the cells' numbers (data-sort), else by their text


COLUMNS = (
    Column("name", "中心", False),
    Column("district", "所在区", False),
    Column("street", "街道", False),
    Column("overdue", "逾期未公布", True),
    Column("next", "下一项应公布", True),
    *(Column(f"findings-{s.value}", f"不符合（{s.label}）", True) for s in SEVERITIES),
    Column("period", "最近季度", True),
    *(Column(f"share-{k}", f"{EXPENSE_SHORT[k]}占比", True) for k in m.EXPENSE_CATEGORIES),
    Column("result", "评估等级或类型", False),
    Column("satisfaction", "满意度", True),
)


@dataclass(frozen=True)
class Cell:
    """One cell: its text on the day the page was made, the page it links to, and its sort
    key (a number made by gongshi, "" for a text column)."""

    text: str
    href: Markup | None  # None: the centre has no pages on the site
    sort: str = ""
    note: str = ""  # a second line (the overdue disclosures)
    live: str = ""  # computed again for the reader's day: overdue | next


@dataclass(frozen=True)
class Row:
    id: str
    cells: tuple[Cell, ...]


@dataclass(frozen=True)
class OfficersPage:
    """The officers' view (``officers.md.j2``)."""

    today: dt.date
    day_note: str  # which columns move with the day, 截至 the day the page was made
    columns: tuple[Column, ...]
    rows: tuple[Row, ...]
    basis: str  # how due dates are set, with the clauses
    csv_href: Markup
    json_href: Markup
    script_href: Markup  # the page's script, as a published address
    data: Markup  # <script type="application/json" id="gs-of-data">


def _count(n: int) -> str:
    return officer_word("count", n=n)


def overdue_cell(fig: CentreFigures, day: dt.date, href: Markup | None) -> Cell:
    items = fig.overdue(day)
    note = OFFICER_WORDS["sep"].join(
        officer_word("late_item", title=p.title, date=date_word(p.due)) for p in items
    )
    return Cell(_count(len(items)), href, str(len(items)), note, "overdue")


def next_cell(fig: CentreFigures, day: dt.date, href: Markup | None) -> Cell:
    p = fig.next_due(day)
    if p is None:
        return Cell(OFFICER_WORDS["none"], href, "99999999", "", "next")
    text = officer_word("next", title=p.title, state=due_state(p.due, day))
    return Cell(text, href, p.due.strftime("%Y%m%d"), "", "next")


def row_of(fig: CentreFigures, today: dt.date, page: str) -> Row:
    def link(kind: str, period: str | int | None = None) -> Markup | None:
        if not fig.pages:
            return None
        return rel(page, urls.page(fig.id, kind, None if period is None else str(period)))

    profile = link("profile")
    name = fig.name + (f"：{fig.awaiting}" if fig.awaiting else "")
    cells = [
        Cell(name, profile),
        Cell(fig.district or NOT_SHOWN, profile),
        Cell(fig.street or NOT_SHOWN, profile),
    ]
    if not fig.pending and fig.awaiting and not fig.pages:
        cells.append(Cell(NOT_SHOWN, None, "-1"))
        cells.append(Cell(NOT_SHOWN, None, "99999999"))
    else:
        archive = link("archive")
        cells.append(overdue_cell(fig, today, archive))
        cells.append(next_cell(fig, today, archive))
    compliance = link("compliance")
    for s in SEVERITIES:
        if fig.findings is None:
            cells.append(Cell(NOT_SHOWN, compliance if fig.awaiting == "" else profile, "-1"))
        else:
            n = fig.findings.get(s.value, 0)
            cells.append(Cell(_count(n), compliance, str(n)))
    q = fig.quarter
    finance = link("finance", q.key) if q is not None else profile
    cells.append(Cell(fig.period or NOT_SHOWN, finance, f"{q.year}{q.quarter}" if q else "0"))
    by_key = {s.category: s for s in fig.shares}
    for key in m.EXPENSE_CATEGORIES:
        s = by_key.get(key)
        if s is None or s.ratio is None:
            cells.append(Cell(NOT_SHOWN, finance, "-1"))
        else:
            text = s.text + (f"（{s.verdict}）" if s.verdict else "")
            cells.append(Cell(text, finance, str(s.ratio.quantize(Decimal("0.000001")))))
    ev = fig.evaluation
    evaluation = link("evaluation", ev.year) if ev is not None else profile
    result = f"{ev.year}年 {fig.result}" if ev is not None and fig.result else NOT_SHOWN
    cells.append(Cell(result, evaluation))
    sat = fig.satisfaction
    cells.append(
        Cell(
            fmt.percent(sat) if sat is not None else NOT_SHOWN,
            evaluation,
            str(sat.quantize(Decimal("0.000001"))) if sat is not None else "-1",
        )
    )
    return Row(fig.id, tuple(cells))


def day_data(figures: Sequence[CentreFigures], today: dt.date) -> Markup:
    """The page's data for its script: the day it was made, the words, and each centre's
    pending disclosures (key, title, due date) by its id. Titles are made by gongshi."""
    payload = {
        "made": today.isoformat(),
        "words": {**WORDS, **OFFICER_WORDS},
        "soon_days": SOON_DAYS,
        "pending": {fig.id: [[p.due.isoformat(), p.title] for p in fig.pending] for fig in figures},
    }
    return Markup(
        f'<script type="application/json" id="gs-of-data">{script_json(payload)}</script>'
    )


def officers_page(
    figures: Sequence[CentreFigures],
    centres: Sequence[m.Centre],
    packs: Mapping[str, Pack],
    today: dt.date,
) -> OfficersPage:
    return OfficersPage(
        today=today,
        day_note=officer_word("day_note", when=as_of(today)),
        columns=COLUMNS,
        rows=tuple(row_of(fig, today, PAGE) for fig in figures),
        basis=due_basis(centres, packs),
        csv_href=rel(PAGE, CSV_PATH),
        json_href=rel(PAGE, JSON_PATH),
        script_href=Markup(address(PAGE, SCRIPT)),
        data=day_data(figures, today),
    )


# ---------------------------------------------------------------- the data files

CSV_COLUMNS = (
    "centre_id",
    "name",
    "district",
    "street",
    "as_of",
    "overdue",
    "overdue_items",
    "next_due_item",
    "next_due_date",
    *(f"findings_{s.value}" for s in SEVERITIES),
    "finance_period",
    *(f"share_{k}" for k in m.EXPENSE_CATEGORIES),
    "evaluation_year",
    "result_label",
    "result",
    "satisfaction",
    "awaiting_correction",
    "page",
)


def _ratio(value: Decimal | None) -> str | None:
    """A ratio as exact decimal text (0.8125), None without one."""
    return None if value is None else fmt.value_text(value)


def figures_dict(fig: CentreFigures, today: dt.date) -> dict:
    """One centre's row as data, on ``today``: every ratio an exact decimal string."""
    nxt = fig.next_due(today)
    return {
        "centre_id": fig.id,
        "name": fig.name,
        "district": fig.district,
        "street": fig.street,
        "as_of": today.isoformat(),
        "overdue": [
            {"key": p.key, "title": p.title, "due": p.due.isoformat()} for p in fig.overdue(today)
        ],
        "next_due": (
            {"key": nxt.key, "title": nxt.title, "due": nxt.due.isoformat()} if nxt else None
        ),
        "pending": [
            {"key": p.key, "title": p.title, "due": p.due.isoformat()} for p in fig.pending
        ],
        "findings": dict(fig.findings) if fig.findings is not None else None,
        "finance": (
            {
                "period": fig.quarter.key,
                "label": fig.period,
                "shares": {
                    s.category: {"label": s.label, "ratio": _ratio(s.ratio), "shown": s.text}
                    for s in fig.shares
                },
            }
            if fig.quarter is not None
            else None
        ),
        "evaluation": (
            {
                "year": fig.evaluation.year,
                "result_label": fig.result_label or None,
                "result": fig.result or None,
                "satisfaction": _ratio(fig.satisfaction),
            }
            if fig.evaluation is not None
            else None
        ),
        "awaiting_correction": fig.awaiting or None,
        "page": urls.page_url(urls.page(fig.id, "profile")) if fig.pages else None,
    }


def officers_json(figures: Sequence[CentreFigures], today: dt.date) -> bytes:
    doc = {
        "as_of": today.isoformat(),
        "note": f"逾期未公布和下一项应公布按{date_word(today)}计算",
        "centres": [figures_dict(fig, today) for fig in figures],
    }
    return json_file(doc)


def _text(value: object) -> str:
    """A text cell that a spreadsheet will not run as a formula."""
    s = "" if value is None else str(value)
    return "'" + s if s.startswith(FORMULA_START) else s


def officers_csv(figures: Sequence[CentreFigures], today: dt.date) -> bytes:
    """The view as a table (UTF-8 with a byte-order mark, CRLF, as the other tables)."""
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\r\n")
    w.writerow(CSV_COLUMNS)
    for fig in figures:
        d = figures_dict(fig, today)
        nxt = d["next_due"]
        findings = d["findings"] or {}
        shares = {s.category: s for s in fig.shares}
        ev = d["evaluation"] or {}
        w.writerow(
            [
                fig.id,
                _text(fig.name),
                _text(fig.district),
                _text(fig.street),
                today.isoformat(),
                len(d["overdue"]),
                "；".join(f"{p['title']}（{p['due']}）" for p in d["overdue"]),
                nxt["title"] if nxt else "",
                nxt["due"] if nxt else "",
                *(findings.get(s.value, "") for s in SEVERITIES),
                fig.quarter.key if fig.quarter else "",
                *(
                    _ratio(shares[k].ratio) or "" if k in shares else ""
                    for k in m.EXPENSE_CATEGORIES
                ),
                ev.get("year", ""),
                _text(ev.get("result_label") or ""),
                _text(ev.get("result") or ""),
                ev.get("satisfaction") or "",
                _text(fig.awaiting),
                d["page"] or "",
            ]
        )
    return ("\ufeff" + buf.getvalue()).encode("utf-8")


# ---------------------------------------------------------------- rendering


def render_officers(
    out: Out,
    env: Environment,
    centres: Sequence[m.Centre],
    packs: Mapping[str, Pack],
    results: Mapping[str, Sequence[RuleResult]],
    *,
    today: dt.date,
    awaiting: Sequence[AwaitingCorrection] = (),
    states: Mapping[str, Sequence[DueItem]] | None = None,
) -> list[CentreFigures]:
    """The officers' view and its CSV and JSON, into ``out``: ``centres`` in the site's
    order, each with every record (those published after ``today`` count as not yet
    published), ``results`` their rule results on ``today`` by centre id (and ``states``,
    their disclosures' states on ``today``, when already computed: ``all_figures``)."""
    figures = all_figures(centres, packs, results, today, awaiting, states)
    page = officers_page(figures, centres, packs, today)
    out.page(PAGE, env.get_template("officers.md.j2").render(page=page))
    out.file(CSV_PATH, officers_csv(figures, today))
    out.file(JSON_PATH, officers_json(figures, today))
    return figures
