"""Each PDF is kept under its own key (its Typst source and the files it reads): a changed
record compiles only the documents that print it; the personal-data guard reads what a
compiled PDF prints from its source. Real builds (typst, mkdocs), no mocks."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from generator.build import privacy
from generator.build.orchestrate import build_site
from generator.build.privacy import typst_text
from generator.pipeline import load_project
from generator.print.documents import centre_sources
from generator.print.typeset import Typesetter
from generator.text.personal import normalise_number, scan_text
from tests.build.test_pii_guard import PII_CASES, case_title, make_project, variants_centre
from tests.conftest import MINIMAL, copy_project
from tests.site_helpers import tree_bytes

DAY = dt.date(2026, 4, 20)  # the fixture's first quarter is published (2026-04-15)
QUARTER = Path("centres/demo/finance/2026-Q1.yaml")


def build(project: Path, out: Path):
    result = build_site(project, out, today=DAY, pdf=True, ledger=False, jobs=1)
    assert not result.report.errors, result.report.format("text")
    return result


def pdfs(folder: Path) -> dict[str, bytes]:
    return {k: v for k, v in tree_bytes(folder).items() if k.endswith(".pdf")}


@pytest.mark.slow
def test_one_finance_file_compiles_only_the_pdfs_that_show_it(tmp_path: Path) -> None:
    project = copy_project(MINIMAL, tmp_path / "proj")
    out = tmp_path / "out"
    first = build(project, out)
    assert first.pdfs_made == first.pdfs >= 4
    before = pdfs(out)

    path = project / QUARTER
    text = path.read_text(encoding="utf-8")
    assert "投影仪" in text
    path.write_text(text.replace("投影仪", "投影机"), encoding="utf-8")
    changed = build(project, out)
    assert changed.made == ["demo"]
    after = pdfs(out)
    differs = sorted(k for k in after if before.get(k) != after[k])
    assert "print/demo/finance-2026-Q1.pdf" in differs
    # the quarter's posting, and the booklet of its year when it prints the line: no other
    assert 1 <= changed.pdfs_made <= 2 and len(differs) <= changed.pdfs_made, differs
    assert set(differs) <= {"print/demo/finance-2026-Q1.pdf", "print/demo/annual-2026.pdf"}

    # the PDFs kept are those a build from nothing makes
    cold = copy_project(project, tmp_path / "cold-proj")
    assert pdfs(build(cold, tmp_path / "cold").out) == after


@pytest.mark.slow
def test_nothing_changed_compiles_nothing(tmp_path: Path) -> None:
    project = copy_project(MINIMAL, tmp_path / "proj")
    build(project, tmp_path / "out")
    again = build(project, tmp_path / "out")
    assert again.made == [] and again.pdfs_made == 0 and again.pdfs > 0


@pytest.mark.slow
def test_the_guard_reads_what_a_compiled_pdf_prints_from_its_source(tmp_path: Path) -> None:
    # the build scans the PDFs it compiles in their Typst source (privacy.typst_text), not
    # read back with pdftotext: every written variant of a number is found there as it is in
    # the PDF itself (test_pii_guard.test_every_variant_is_caught_in_every_output)
    proj = make_project(tmp_path)
    validated = load_project(proj, today=dt.date(2027, 6, 1))
    titles = [case_title(c) for c in PII_CASES]
    numbers = [normalise_number(scan_text(t)[0].value) for t in titles]
    ce = variants_centre(validated, titles)
    sources = centre_sources(
        ce,
        validated.library.packs[ce.rule_pack],
        site_url="https://example.org/",
        results=validated.results[ce.id],
        kinds=["plan"],
    )
    assert sources
    for path, src in sources.items():
        text = typst_text(src.source, src.files)
        found = {normalise_number(f.value) for f in scan_text(text)}
        missed = [c.name for c, n in zip(PII_CASES, numbers, strict=True) if n not in found]
        assert missed == [], (path, missed)
        pdf = Typesetter().compile(src.source, files=src.files)
        read_back = {normalise_number(f.value) for f in scan_text(privacy.output_text(path, pdf))}
        # nothing planted that the PDF read back shows escapes the source scan (read back,
        # a number the page wraps also shows as fragments: a card that is half an ID)
        assert read_back & set(numbers) <= found


def test_typst_escapes_are_undone_for_the_guard() -> None:
    assert typst_text(r"#text[139\-0000\-1234] \u{31}3" + "\\\n9") == "#text[139-0000-1234] 13\n9"
    assert typst_text('#let a = "1\\n2\\t3\\\\"') == '#let a = "1\n2\t3\\"'
    svg = b'<svg><text x="1">13900001234</text><text>&#x31;</text></svg>'
    assert "13900001234" in typst_text("", {"chart.svg": svg, "qr.png": b"13800001234"})
    assert "13800001234" not in typst_text("", {"qr.png": b"13800001234"})
