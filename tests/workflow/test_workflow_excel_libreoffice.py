"""The exported template saved again by LibreOffice Calc (as staff with WPS or LibreOffice do)
still validates the chosen period and imports unchanged."""

from __future__ import annotations

import datetime as dt
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from openpyxl import load_workbook
from workflow_helpers import demo, edit, minimal_project, run_cli, tree_digest

SOFFICE = shutil.which("soffice") or "/usr/bin/soffice"


def resave_in_calc(book: Path, tmp: Path) -> Path:
    """``book`` opened and saved as .xlsx by headless LibreOffice, with a private profile."""
    out = tmp / "resaved"
    done = subprocess.run(
        [
            SOFFICE,
            "--headless",
            f"-env:UserInstallation=file://{tmp / 'lo-profile'}",
            "--convert-to",
            "xlsx",
            "--outdir",
            str(out),
            str(book),
        ],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    saved = out / book.name
    assert saved.is_file(), done.stdout + done.stderr
    return saved


def as_date(formula: str) -> dt.date:
    """A validation bound as written by openpyxl (DATE(y,m,d)) or by Calc (a day number)."""
    match = re.fullmatch(r"DATE\(([0-9]+),([0-9]+),([0-9]+)\)", formula.replace(" ", ""))
    if match:
        return dt.date(int(match[1]), int(match[2]), int(match[3]))
    return dt.date(1899, 12, 30) + dt.timedelta(days=int(float(formula)))


def date_validation(ws, column: str) -> tuple[dt.date, dt.date, set[int]]:
    """The date bounds of a column's validation and the rows it covers."""
    for dv in ws.data_validations.dataValidation:
        if dv.type != "date" or str(dv.sqref) == "B1":
            continue
        rows: set[int] = set()
        for part in str(dv.sqref).split():
            ends = re.findall(r"([A-Z]+)([0-9]+)", part)
            if ends and all(c == column for c, _r in ends):
                rows |= set(range(int(ends[0][1]), int(ends[-1][1]) + 1))
        if rows:
            return as_date(dv.formula1), as_date(dv.formula2), rows
    raise AssertionError(f"no date validation on column {column}")


@pytest.mark.slow
def test_excel_template_resaved_by_libreoffice_imports_unchanged(tmp_path, monkeypatch, capsys):
    proj = minimal_project(tmp_path)
    plan = demo(proj) / "plans" / "2026-03.yaml"
    edit(plan, "    title: 四点半学校\n", "    title: '=HYPERLINK(\"http://example.org\")'\n")
    edit(plan, "    signup: 电话报名\n", '    signup: "+86 前台报名"\n')
    book = proj / "book.xlsx"
    args = ["export", "demo", "--xlsx", "--month", "2026-03", "--quarter", "2026-Q1"]
    assert run_cli([*args, "--out", str(book)], monkeypatch, proj) == 0
    saved = resave_in_calc(book, tmp_path)
    assert saved.read_bytes() != book.read_bytes()  # really written again, by Calc

    wb = load_workbook(saved)
    ws = wb["2026年3月计划"]
    low, high, rows = date_validation(ws, "B")
    assert (low, high) == (dt.date(2026, 3, 1), dt.date(2026, 3, 31))
    assert set(range(3, 300)) <= rows
    low, high, _rows = date_validation(wb["2026年第一季度固定资产"], "C")
    assert (low, high) == (dt.date(2026, 1, 1), dt.date(2026, 3, 31))
    assert (ws["F3"].value, ws["F3"].data_type) == ('=HYPERLINK("http://example.org")', "s")
    assert not [c.coordinate for r in ws.iter_rows() for c in r if c.data_type == "f"]

    before = tree_digest(proj / "centres")
    capsys.readouterr()
    assert run_cli(["import", str(saved)], monkeypatch, proj) == 0
    out = capsys.readouterr().out
    assert "没有需要导入的新内容" in out, out
    assert tree_digest(proj / "centres") == before


@pytest.mark.slow
def test_excel_a_month_planned_ahead_keeps_its_range_through_libreoffice(tmp_path, monkeypatch):
    proj = minimal_project(tmp_path)
    book = proj / "book.xlsx"
    args = ["export", "demo", "--xlsx", "--month", "2027-01", "--quarter", "2026-Q4"]
    assert run_cli([*args, "--out", str(book)], monkeypatch, proj) == 0
    wb = load_workbook(resave_in_calc(book, tmp_path))
    january = (dt.date(2027, 1, 1), dt.date(2027, 1, 31))
    assert date_validation(wb["2027年1月计划"], "B")[:2] == january
    assert date_validation(wb["2027年1月活动记录"], "D")[:2] == january
    fourth = (dt.date(2026, 10, 1), dt.date(2026, 12, 31))
    assert date_validation(wb["2026年第四季度固定资产"], "C")[:2] == fourth
