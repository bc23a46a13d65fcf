"""One label table: every output names a line item, a limit and a verdict the same way.

``generator.text.labels`` holds each Chinese label that more than one output prints. These
tests read the outputs of one quarter (its page, its correction notice, its posting, its Excel
sheet, the open data) and find the table's words in each; and they scan the source for a
label typed anywhere else.
"""

from __future__ import annotations

import ast
import csv
import datetime as dt
import io
import json
from pathlib import Path

import openpyxl
import pytest
from print_helpers import has_row

from generator.pipeline import load_project
from generator.print.documents import render_pdfs
from generator.site.pages import render_site
from generator.text import formats as fmt
from generator.text import labels
from generator.text.escape import md_escape
from generator.text.labels import EXPENSE_LABELS, INCOME_LABELS, INCOME_TOTAL
from generator.urls import data_path, page, pdf_path
from generator.workflow.excel.export import export_workbook
from generator.workflow.excel.sheets import sheet_name
from tests.site_helpers import BOUNDARY_DAY, boundary_project

DAY = dt.date.fromisoformat(BOUNDARY_DAY)
CENTRE = "demo"
KEY = "2026-Q1"
GENERATOR = Path(__file__).resolve().parents[2] / "generator"


@pytest.fixture(scope="module")
def boundary(tmp_path_factory: pytest.TempPathFactory):
    proj = boundary_project(tmp_path_factory.mktemp("labels"))
    validated = load_project(proj, DAY)
    assert not validated.report.errors, validated.report.format("text")
    (centre,) = validated.centres
    (quarter,) = [q for q in centre.quarters if q.key == KEY]
    return proj, validated, centre, quarter


@pytest.fixture(scope="module")
def site(boundary):
    proj, validated, _centre, _quarter = boundary
    return render_site(validated, proj, today=DAY)


def _cells(markdown: str) -> set[str]:
    """The text of every table cell of a page (the tables are HTML blocks)."""
    return {
        cell.split("</td>", 1)[0]
        for cell in markdown.split("<td>")[1:]
        if "</td>" in cell.split("<td>", 1)[0]
    }


def test_the_correction_and_the_finance_page_name_line_items_alike(boundary, site) -> None:
    _proj, validated, _centre, quarter = boundary
    (co,) = validated.corrections[CENTRE]
    finance = _cells(site.pages[page(CENTRE, "finance", KEY)])
    correction = _cells(site.pages[page(CENTRE, "correction", f"finance-{KEY}-1")])
    received = [k for k, v in quarter.income.items() if v]
    assert "convenience" in received and "carried_forward" in received
    for key in received:
        assert INCOME_LABELS[key] in finance, key
        assert f"收入·{INCOME_LABELS[key]}" in correction, key
    for key in quarter.expenditure:
        assert EXPENSE_LABELS[key] in finance, key
        assert f"支出·{EXPENSE_LABELS[key]}·小计" in correction, key
    # and the notice names nothing the finance page would name otherwise
    for row in co.old_figures:
        part, _, rest = row.label.partition("·")
        if part == "收入":
            assert rest in {*INCOME_LABELS.values(), INCOME_TOTAL}, row.label
        elif part == "支出" and rest:
            assert rest.split("·", 1)[0] in EXPENSE_LABELS.values(), row.label


def test_open_data_names_line_items_with_the_labels(boundary, site) -> None:
    rows = list(
        csv.DictReader(
            io.StringIO(site.files[data_path(CENTRE, "finance-table")].decode("utf-8-sig"))
        )
    )
    assert rows
    for row in rows:
        table = INCOME_LABELS if row["direction"] == "income" else EXPENSE_LABELS
        assert row["category_name"] == table[row["category"]], row
    report = json.loads(site.files[data_path(CENTRE, "compliance")])
    for period in report["finance"]:
        for key, share in period["categories"].items():
            assert share["label"] == EXPENSE_LABELS[key]


def test_the_posting_names_line_items_with_the_labels(boundary) -> None:
    _proj, validated, _centre, quarter = boundary
    pdf = render_pdfs(validated, site_url="", kinds={"finance"})[pdf_path(CENTRE, "finance", KEY)]
    for key, value in quarter.income.items():
        if value:
            assert has_row(pdf, INCOME_LABELS[key], fmt.yuan(value)), key
    for key, category in quarter.expenditure.items():
        assert has_row(pdf, EXPENSE_LABELS[key], fmt.yuan(category.total)), key


def test_the_excel_sheet_names_line_items_with_the_labels(boundary) -> None:
    _proj, validated, centre, quarter = boundary
    data = export_workbook(
        centre,
        validated.library.packs[centre.rule_pack],
        month=None,
        quarter=(quarter.year, quarter.quarter),
        today=DAY,
    )
    book = openpyxl.load_workbook(io.BytesIO(data))
    income = {c.value for c in book[sheet_name("income", KEY)]["A"] if isinstance(c.value, str)}
    spending = {
        c.value for c in book[sheet_name("expenditure", KEY)]["A"] if isinstance(c.value, str)
    }
    assert set(INCOME_LABELS.values()) <= income
    assert set(EXPENSE_LABELS.values()) <= spending
    assert "便民服务收入" not in income and "上期结余" not in income


def test_pages_print_the_disclosure_and_posting_names(site) -> None:
    archive = site.pages[page(CENTRE, "archive")]
    for kind in ("plan", "finance", "audit", "evaluation"):
        assert f"| {md_escape(labels.DISCLOSURE_LABELS[kind])} |" in archive, kind


# ---------------------------------------------------------------- the source

#: Files that still type some of the table's labels themselves, each with the labels it may
#: keep: record-schema descriptions (which name a record's fields, not an output), words the
#: table shares with plain prose, and modules whose own tables are still to be replaced by
#: imports of generator.text.labels.
ELSEWHERE: dict[str, set[str]] = {
    # field descriptions of the record schema (they describe what a record holds)
    "records/shapes.py": {
        *INCOME_LABELS.values(),
        *EXPENSE_LABELS.values(),
        *labels.AUDIT_LABELS.values(),
        labels.INCOME_TOTAL,
        labels.EXPENSE_TOTAL,
        labels.EVALUATION_LABELS["previous_grade"],
        labels.DISCLOSURE_LABELS["hours"],
        labels.DISCLOSURE_LABELS["plan"],
        labels.DISCLOSURE_LABELS["finance"],
        labels.EXPENSE_SHORT["services"],
    },
    # messages about a record's totals and its closing days
    "records/validate.py": {labels.INCOME_TOTAL, labels.EXPENSE_TOTAL, labels.CLOSED},
    "workflow/scaffold.py": {labels.CLOSED},
    # "应为" (should be) in the messages about a pack's parameters
    "packs/params.py": {labels.OP_WORDS["=="]},
    # still their own tables of quarter and disclosure names
    "disclosures.py": {*labels.QUARTER_NAMES.values(), *labels.DISCLOSURE_LABELS.values()},
    "ledger/published.py": {
        labels.DISCLOSURE_LABELS["correction"],
        labels.EVALUATION_LABELS["previous_grade"],
    },
    "manuals/facts.py": {
        labels.OP_WORDS["<="],
        labels.DISCLOSURE_LABELS["finance"],
        labels.DISCLOSURE_LABELS["audit"],
    },
    "evaluation/grading.py": {
        labels.EVALUATION_LABELS["grade"],
        labels.EVALUATION_LABELS["score"],
    },
}


def _label_values() -> dict[str, str]:
    """Every label of the table → where it is in the table."""
    out: dict[str, str] = {}
    for name, value in vars(labels).items():
        if not name.isupper():
            continue
        if isinstance(value, dict):
            for key, text in value.items():
                out.setdefault(text, f"{name}[{key!r}]")
        elif isinstance(value, str):
            out.setdefault(value, name)
    return out


def _literals(tree: ast.AST) -> list[ast.Constant]:
    """String literals of a module (f-string pieces included), docstrings left out."""
    docs = {
        id(node.body[0].value)
        for node in ast.walk(tree)
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef))
        and node.body
        and isinstance(node.body[0], ast.Expr)
        and isinstance(node.body[0].value, ast.Constant)
    }
    return [
        node
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in docs
    ]


def test_no_label_is_typed_outside_the_table() -> None:
    table = _label_values()
    assert len(table) > 40
    found = []
    for path in sorted(GENERATOR.rglob("*.py")):
        rel = path.relative_to(GENERATOR).as_posix()
        if rel == "text/labels.py":
            continue
        allowed = ELSEWHERE.get(rel, set())
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in _literals(tree):
            if node.value in table and node.value not in allowed:
                found.append(f"generator/{rel}:{node.lineno} {node.value} ({table[node.value]})")
    assert not found, "labels typed outside generator/text/labels.py:\n" + "\n".join(found)


def test_the_writers_type_no_label_at_all() -> None:
    """The pages, postings, figures and addresses take every label from the table."""
    table = _label_values()
    for folder in ("site", "print", "text", "figures"):
        for path in (GENERATOR / folder).rglob("*.py"):
            if path.name == "labels.py":
                continue
            for node in _literals(ast.parse(path.read_text(encoding="utf-8"))):
                assert node.value not in table, (path, node.lineno, node.value)
