"""One verdict per rule: every page, posting and booklet prints what the rules found.

The centre of ``site_helpers.boundary_project`` misses its limits by the least a record can:
in the first quarter staff and site take 79,995.00 of 100,000.00 (79.995 %, the pack asks
for 不低于 80 %) and management 10,004.00 (10.004 %, 不超过 10 %); the quarter was published
one day after its due date and corrected afterwards. Its pages (rendered by ``render_site``)
and all its printed documents (compiled by Typst, read back with pdftotext) are held against
the rule findings of ``load_project`` for the same day: the value, the limit, the verdict and
the clause of each, never a figure an output worked out for itself. Nothing is typed in but
the boundary itself.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from decimal import Decimal
from pathlib import Path

import pytest
from print_helpers import has_row, pdf_text, squash

from generator import compliance
from generator.figures import finance as figures
from generator.pipeline import load_project
from generator.print.documents import KINDS, render_pdfs
from generator.rules.base import FAIL, PASS
from generator.site.pages import render_site
from generator.site.render import date_cn
from generator.text import formats as fmt
from generator.text import verdicts
from generator.text.escape import md_escape
from generator.text.labels import EXPENSE_LABELS, FAIL_WORDS, OP_WORDS, STATUS_LABELS
from generator.urls import page, pdf_path
from tests.site_helpers import BOUNDARY_DAY, boundary_project

DAY = dt.date.fromisoformat(BOUNDARY_DAY)
SITE = "https://gs.example.org"
CENTRE = "demo"
Q1 = "2026年第一季度"


@pytest.fixture(scope="module")
def boundary(tmp_path_factory: pytest.TempPathFactory):
    proj = boundary_project(tmp_path_factory.mktemp("verdicts"))
    validated = load_project(proj, DAY)
    assert not validated.report.errors, validated.report.format("text")
    return proj, validated


@pytest.fixture(scope="module")
def results(boundary):
    return boundary[1].results[CENTRE]


@pytest.fixture(scope="module")
def site(boundary):
    proj, validated = boundary
    return render_site(validated, proj, today=DAY)


@pytest.fixture(scope="module")
def pdfs(boundary):
    return render_pdfs(boundary[1], site_url=SITE)


def _fund(results, rule_id: str):
    return next(r for r in verdicts.fund_results(results) if r.rule.id == rule_id)


def _limit(result, finding) -> str:
    """The limit as the rule pack sets it: its operator's word and the finding's threshold."""
    return f"{OP_WORDS[result.rule.params.op]} {fmt.limit_percent(finding.threshold)}"


def _columns(centre, q) -> list[str]:
    """The periods a quarter's page and posting show: the quarter, then the year so far."""
    return [p.label for p in figures.finance_periods(centre, q.year) if p.quarters[-1] == q.quarter]


def _section(markdown: str, heading: str) -> str:
    return markdown.split(f"## {heading}", 1)[1].split("\n## ", 1)[0]


# ---------------------------------------------------------------- the findings themselves


def test_the_findings_are_at_the_boundary(results) -> None:
    staff_site = verdicts.finding_for(_fund(results, "fund-staff-and-site"), Q1)
    management = verdicts.finding_for(_fund(results, "fund-management"), Q1)
    services = verdicts.finding_for(_fund(results, "fund-services"), Q1)
    assert (staff_site.status, staff_site.measured["percent"]) == (FAIL, "79.995%")
    assert (management.status, management.measured["percent"]) == (FAIL, "10.004%")
    assert (services.status, services.measured["percent"]) == (PASS, "10.001%")
    # gongshi check words a shortfall as the outputs word a limit: 低于下限 / 高于上限
    assert f"79.995%，{FAIL_WORDS['>=']} 80%" in staff_site.message
    assert f"10.004%，{FAIL_WORDS['<=']} 10%" in management.message
    late = next(r for r in results if r.rule.check == "disclosure-deadline")
    finding = verdicts.finding_for(late, Q1)
    assert finding.status == FAIL
    published, deadline = finding.measured["published"], finding.measured["deadline"]
    assert published - deadline == dt.timedelta(days=1)


# ---------------------------------------------------------------- pages


def test_every_page_kind_is_rendered(site, boundary) -> None:
    _proj, validated = boundary
    (centre,) = validated.centres
    (co,) = validated.corrections[CENTRE]
    expected = {
        page(CENTRE, kind)
        for kind in ("profile", "hours", "plans", "finance-index", "compliance", "manuals")
    }
    expected |= {page(CENTRE, "archive"), page(CENTRE, "plan", centre.plans[0].key)}
    expected |= {page(CENTRE, "finance", q.key) for q in centre.quarters}
    expected |= {page(CENTRE, "audit", "2026"), page(CENTRE, "evaluation", "2026")}
    expected |= {page(CENTRE, "correction", f"{co.kind}-{co.period}-{co.number}")}
    assert expected <= set(site.pages)


def test_finance_pages_print_each_finding(site, boundary, results) -> None:
    _proj, validated = boundary
    (centre,) = validated.centres
    for q in centre.quarters:
        text = site.pages[page(CENTRE, "finance", q.key)]
        lines = [ln for ln in _section(text, "经费使用比例").splitlines() if ln.startswith("- **")]
        expected = []
        periods = _columns(centre, q)
        for result in verdicts.fund_results(results):
            for period in periods:
                finding = verdicts.finding_for(result, period)
                if finding is None:
                    continue
                # the limit printed is the one the check's message names
                assert fmt.limit_percent(finding.threshold) in finding.message
                assert finding.measured["percent"] in finding.message
                expected.append(
                    f"- **{md_escape(result.rule.params.title)}**（{md_escape(period)}）："
                    f"{md_escape(finding.measured['percent'])}，要求"
                    f"{md_escape(_limit(result, finding))}，"
                    f"**{md_escape(STATUS_LABELS[finding.status])}**。"
                    f"依据：{md_escape(result.rule.citation)}"
                )
        assert lines == expected, q.key
    first = site.pages[page(CENTRE, "finance", "2026-Q1")]
    assert md_escape("79.995%") in first and md_escape("10.004%") in first
    assert md_escape("80.00%") not in first  # the defect: a missed limit shown as the limit
    # the share of management in the spending table is the rule's figure too
    management = verdicts.finding_for(_fund(results, "fund-management"), Q1)
    nowrap = '<span class="gs-nw">{}</span>'
    row = f"<td>{EXPENSE_LABELS['management']}</td>\n<td>{nowrap.format('10,004.00')}</td>\n<td>"
    assert row + nowrap.format(management.measured["percent"]) + "</td>" in first


def test_compliance_page_and_data_print_each_rules_result(site, boundary, results) -> None:
    _proj, validated = boundary
    (centre,) = validated.centres
    text = site.pages[page(CENTRE, "compliance")]
    items = _section(text, "全部检查项目")
    for result in results:
        head = result.headline
        line = (
            f"- **{md_escape(result.rule.params.title)}**："
            f"{md_escape(STATUS_LABELS[result.status])}。{md_escape(head.message)}"
            f"（{md_escape(result.rule.citation)}）"
        )
        assert line in items, line
    # the page and its data print no day: the browser dates the check (data/updated.json)
    assert md_escape(DAY.isoformat()) not in text and fmt.date_text(DAY) not in text
    data = json.loads(site.files[f"data/{CENTRE}/compliance.json"])
    pack = validated.library.packs[centre.rule_pack]
    report = compliance.compliance_report(centre, pack, DAY, results=results, dated=False)
    assert data == json.loads(json.dumps(report, ensure_ascii=False))
    assert [r["status"] for r in data["rules"]] == [r.status for r in results]


def test_the_archive_dates_agree_with_the_deadline_rule(site, results) -> None:
    late = next(r for r in results if r.rule.check == "disclosure-deadline")
    finding = verdicts.finding_for(late, Q1)
    archive = site.pages[page(CENTRE, "archive")]
    (row,) = [ln for ln in archive.splitlines() if "(finance/2026-Q1.md)" in ln]
    cells = [c.strip() for c in row.strip("|").split("|")]
    assert cells[2:] == [
        date_cn(finding.measured["published"]),
        date_cn(finding.measured["deadline"]),
        "逾期公布",
    ]


# ---------------------------------------------------------------- postings and the booklet


def test_every_posting_kind_is_printed(pdfs, boundary) -> None:
    printed = {re.sub(r"-.*", "", key.rsplit("/", 1)[1].removesuffix(".pdf")) for key in pdfs}
    # the fixture's content has no manual templates, so there is no manual book
    assert printed == set(KINDS) - {"manuals"}


def test_finance_postings_print_each_finding(pdfs, boundary, results) -> None:
    _proj, validated = boundary
    (centre,) = validated.centres
    for q in centre.quarters:
        pdf = pdfs[pdf_path(CENTRE, "finance", q.key)]
        columns = _columns(centre, q)
        for result in verdicts.fund_results(results):
            cells = []
            for period in columns:
                finding = verdicts.finding_for(result, period)
                cells.append(f"{finding.measured['percent']}（{STATUS_LABELS[finding.status]}）")
            limit = _limit(result, verdicts.finding_for(result, columns[0]))
            assert has_row(pdf, result.rule.params.title, *cells, limit), (q.key, cells)
        text = pdf_text(pdf)
        assert squash(verdicts.fund_results(results)[0].findings[0].base) in text
    first = pdf_text(pdfs[pdf_path(CENTRE, "finance", "2026-Q1")])
    assert "79.995%（不符合）" in first and "10.004%（不符合）" in first
    assert "80.00%" not in first


def test_audit_posting_prints_the_years_finding(pdfs, boundary, results) -> None:
    (centre,) = boundary[1].centres
    (year,) = [p for p in figures.finance_periods(centre, 2026) if p.kind == "year"]
    management = _fund(results, "fund-management")
    finding = verdicts.finding_for(management, year.label)
    text = pdf_text(pdfs[pdf_path(CENTRE, "audit", "2026")])
    sentence = (
        f"按季度财务记录，{finding.period}{management.rule.params.title}为"
        f"{finding.measured['percent']}，标准为{_limit(management, finding)}"
        f"（{management.rule.citation}），结论：{STATUS_LABELS[finding.status]}。"
    )
    assert squash(sentence) in text


def test_annual_booklet_marks_each_shortfall(pdfs, boundary, results) -> None:
    (centre,) = boundary[1].centres
    pdf = pdfs[pdf_path(CENTRE, "annual", "2026")]
    periods = figures.finance_periods(centre, 2026)
    columns = [p.label for p in periods if p.kind in ("quarter", "year")]
    for result in verdicts.fund_results(results):
        cells = []
        for period in columns:
            finding = verdicts.finding_for(result, period)
            mark = "※" if finding.status == FAIL else ""
            cells.append(finding.measured["percent"] + mark)
        assert has_row(pdf, *cells), cells
    text = pdf_text(pdf)
    assert "79.995%※" in text and "10.004%※" in text and "80.00%※" not in text


def test_correction_posting_prints_the_changed_figures(pdfs, boundary) -> None:
    (co,) = boundary[1].corrections[CENTRE]
    pdf = pdfs[pdf_path(CENTRE, "correction", f"{co.kind}-{co.period}-{co.number}")]
    for change in co.changes:
        old, new = fmt.yuan(Decimal(change.old)), fmt.yuan(Decimal(change.new))
        assert has_row(pdf, change.label.rsplit("·", 1)[-1], old, new), change


def test_nothing_recomputes_a_verdict() -> None:
    """The writers neither import the rules' comparison nor evaluate rules themselves."""
    root = Path(__file__).resolve().parents[2] / "generator"
    for folder in ("site", "print"):
        for path in (root / folder).rglob("*.py"):
            source = path.read_text(encoding="utf-8")
            for name in ("evaluate_rules", "ratio_holds", "op_holds", "percent_against"):
                assert name not in source, (path, name)
