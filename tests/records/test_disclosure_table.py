"""The table of disclosure kinds (generator.disclosures) is the one every stage follows.

Each stage's handling of a kind — the record folders and file shapes, the ledger's figures,
the Excel sheets, the disclosure calendar, the site's pages and open data, the printed
postings — covers every row of the table, and agrees with it on names and places.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path

import pytest
from conftest import MINIMAL, ROOT, copy_project

from generator.build.orchestrate import build_site
from generator.disclosures import KEY_PATTERN, KINDS
from generator.figures.calendar import disclosure_states
from generator.ledger.published import FIGURE_ROWS, disclosures, figure_rows
from generator.pipeline import load_project
from generator.print import documents
from generator.records.shapes import FILE_KINDS
from generator.records.validate import FOLDERS
from generator.workflow.excel.import_ import IMPORTERS
from generator.workflow.excel.sheets import SHEET_KINDS, parse_sheet_name, sheet_name

DAY = dt.date(2027, 4, 1)  # the minimal centre has one record of every kind by then


@pytest.fixture(scope="module")
def minimal():
    validated = load_project(MINIMAL, DAY)
    assert not validated.report.errors, validated.report.format("text")
    (centre,) = validated.centres
    return validated, centre


def test_the_table_is_consistent() -> None:
    assert len({k.key for k in KINDS}) == len({k.folder for k in KINDS}) == len(KINDS)
    for kind in KINDS:
        assert re.fullmatch(KEY_PATTERN, f"{kind.key}/{kind.example}"), kind.key
        assert kind.period.file_pattern.fullmatch(Path(kind.file(kind.example)).name)
        assert kind.title(kind.example).endswith(kind.noun)
        assert (ROOT / "docs" / "schema" / kind.schema).is_file(), kind.schema


def test_the_records_stage_reads_every_kind(minimal) -> None:
    _validated, centre = minimal
    for kind in KINDS:
        file_kind, pattern, _hint = FOLDERS[kind.folder]
        assert (file_kind, pattern) == (kind.key, kind.period.file_pattern)
        assert kind.key in FILE_KINDS
        assert kind.records(centre), f"the minimal centre has no {kind.key} record"


def test_the_ledger_freezes_every_kind(minimal) -> None:
    _validated, centre = minimal
    frozen = disclosures(centre)
    assert set(FIGURE_ROWS) == {k.key for k in KINDS}
    for kind in KINDS:
        for period, record in kind.records(centre).items():
            d = frozen[f"{kind.key}/{period}"]
            assert (d.kind, d.title, d.published) == (
                kind.key,
                kind.title(period),
                record.published,
            )
            assert figure_rows(kind.key, d.content), kind.key


def test_the_calendar_lists_every_kind(minimal) -> None:
    validated, centre = minimal
    pack = validated.library.packs[centre.rule_pack]
    items = disclosure_states(centre, pack, DAY)
    for kind in KINDS:
        recorded = [i for i in items if i.kind == kind.key and i.recorded]
        assert recorded, kind.key
        for item in recorded:
            assert item.key == f"{kind.key}/{item.period}"
            assert item.file == kind.file(item.period)
            assert item.title == kind.title(item.period)
            assert item.kind_label == kind.label


def test_excel_fills_every_kind_with_sheets() -> None:
    assert set(IMPORTERS) == {k.key for k in KINDS if k.sheets}
    for kind in KINDS:
        for sheet in kind.sheets:
            assert sheet in SHEET_KINDS
            assert parse_sheet_name(sheet_name(sheet, kind.example)) == (sheet, kind.example)


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    proj = copy_project(MINIMAL, tmp_path_factory.mktemp("table") / "proj")
    result = build_site(proj, proj / "public", today=DAY, ledger=False, jobs=1)
    assert result.out is not None, result.report.format("text")
    return result.out


@pytest.mark.slow
def test_the_site_publishes_every_kind(site: Path, minimal) -> None:
    _validated, centre = minimal
    (listed,) = json.loads((site / "data" / "centres.json").read_text("utf-8"))["centres"]
    for kind in KINDS:
        for period in kind.records(centre):
            page = site / "centres" / centre.id / kind.page / period / "index.html"
            assert page.is_file(), page
            data = f"data/{centre.id}/{kind.folder}/{period}.json"
            assert (site / data).is_file(), data
            assert data in listed["files"][kind.open_data]
        assert (site / "data" / "schema" / kind.schema).is_file()


@pytest.mark.slow
def test_every_kind_is_posted(site: Path, minimal) -> None:
    _validated, centre = minimal
    for kind in KINDS:
        assert kind.key in documents.KINDS
        for period in kind.records(centre):
            pdf = site / "print" / centre.id / f"{kind.key}-{period}.pdf"
            assert pdf.is_file(), pdf
