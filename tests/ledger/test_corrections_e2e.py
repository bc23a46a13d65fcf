"""Corrections that never rewrite history, tried as a user would, end to end.

A copy of the fixture project is built with the real command line (mkdocs, typst, pdftotext):
the build records the published quarter in ``published.yaml``; an amount changed afterwards
fails ``gongshi check``; the correction entry written as docs/workflow.md says makes it pass,
and the next build publishes a 更正说明 (page, notice on the quarter, archive, home page, feed,
open data, print PDF) and records the correction in the ledger. Expected figures are computed
from the records, never typed in.
"""

from __future__ import annotations

import datetime as dt
import html
import json
import re
import xml.etree.ElementTree as ET
from decimal import Decimal
from pathlib import Path

import jsonschema
import pytest

from generator.build.orchestrate import preview_site
from generator.ledger.published import centre_ledger, disclosures, read_ledger, updated_ledger
from generator.pipeline import load_project
from generator.print.correction import correction_title
from generator.print.documents import render_pdfs
from generator.records.edit import load_text, set_in
from generator.records.validate import Project
from generator.site.render import date_cn
from generator.text import formats as fig
from generator.urls import pdf_file
from tests.conftest import copy_project
from tests.print_helpers import HOSTILE as TYPST_HOSTILE
from tests.print_helpers import has_row, pdf_text, squash
from tests.site_helpers import (
    HOSTILE,
    MINIMAL,
    ROOT,
    axe_serious,
    browser,
    gongshi,
    need_chromium,
    serve,
    tree_bytes,
)

BUILD_DAY = "2026-11-01"
SITE = "https://gs.example.org"
KEY = "finance/2026-Q1"
CORRECTION_DAY = dt.date(2026, 5, 10)
REASON = "一季度水电费录入有误，按缴费凭证更正。"
ROLE = "中心主任"


def project_copy(tmp_path: Path) -> Path:
    return copy_project(MINIMAL, tmp_path / "proj")


def ledger_file(proj: Path) -> Path:
    return proj / "centres" / "demo" / "published.yaml"


def quarter_file(proj: Path) -> Path:
    return proj / "centres" / "demo" / "finance" / "2026-Q1.yaml"


def build(proj: Path, out: Path, *extra: str):
    return gongshi(
        "build", str(proj), "--out", str(out), "--today", BUILD_DAY, "--site-url", SITE, *extra
    )


def change_an_amount(proj: Path) -> tuple[str, Decimal, Decimal]:
    """Lower the first line item of the first category that has one by 200 yuan.

    Edits the record the way ``gongshi import`` does (round trip, totals kept in step).
    Returns (item, old amount, new amount) as the records hold them.
    """
    (centre,) = load_project(proj).centres
    (q,) = [x for x in centre.quarters if x.key == KEY.split("/")[1]]
    cat = next(k for k, c in q.expenditure.items() if c.items and c.items[0].amount > 200)
    item = q.expenditure[cat].items[0]
    new = item.amount - Decimal("200.00")
    path = quarter_file(proj)
    doc = load_text(path.read_text(encoding="utf-8"))
    set_in(doc, ["expenditure", cat, "items", 0, "amount"], new)
    if "total" in doc.data["expenditure"][cat]:
        set_in(doc, ["expenditure", cat, "total"], q.expenditure[cat].total - Decimal("200.00"))
    if "total" in doc.data["expenditure"]:
        set_in(doc, ["expenditure", "total"], q.expenditure_total - Decimal("200.00"))
    path.write_text(doc.dump(), encoding="utf-8")
    return item.item, item.amount, new


def add_correction(proj: Path, reason: str = REASON, role: str = ROLE) -> None:
    """Add the entry under ``corrections:`` at the end of published.yaml (docs/workflow.md)."""
    path = ledger_file(proj)
    text = path.read_text(encoding="utf-8")
    assert text.rstrip().endswith("corrections:"), "the build leaves corrections: last"
    quoted = json.dumps(reason, ensure_ascii=False)  # a YAML double-quoted scalar
    path.write_text(
        text.rstrip("\n") + "\n"
        f"  - disclosure: {KEY}\n"
        f"    date: {CORRECTION_DAY.isoformat()}\n"
        f"    reason: {quoted}\n"
        f"    approved_by: {json.dumps(role, ensure_ascii=False)}\n",
        encoding="utf-8",
    )


def page_html(out: Path, url: str) -> str:
    return (out / url / "index.html").read_text(encoding="utf-8")


def visible_text(page: str) -> str:
    """The text of an HTML page without tags, entities decoded, whitespace removed."""
    return squash(html.unescape(re.sub(r"<[^>]+>", " ", page)))


@pytest.mark.slow
def test_a_correction_end_to_end(tmp_path: Path) -> None:
    proj = project_copy(tmp_path)
    out = tmp_path / "public"

    # 1. The first build records every published disclosure with its hash.
    done = build(proj, out)
    assert done.returncode == 0, done.stderr
    assert "centres/demo/published.yaml" in done.stderr  # the build says what it recorded
    ledger = read_ledger(ledger_file(proj))
    (centre,) = load_project(proj).centres
    current = disclosures(centre)
    entry = ledger.entry(KEY)
    assert entry is not None and entry.sha256 == current[KEY].sha256
    assert entry.first_published == current[KEY].published
    assert not (out / "centres" / "demo" / "corrections").exists()
    first_ledger = ledger_file(proj).read_bytes()

    # 2. An amount changed after publication: check and build refuse; the centre is not
    # published again (its pages and PDFs stay as published), its ledger is not written.
    item, old, new = change_an_amount(proj)
    done = gongshi("check", str(proj))
    assert done.returncode == 1
    assert "centres/demo/finance/2026-Q1.yaml:1:1" in done.stdout + done.stderr
    assert "[changed-after-publication]" in done.stdout + done.stderr
    site_before = tree_bytes(out)
    done = build(proj, out)
    assert done.returncode == 1
    assert "[changed-after-publication]" in done.stderr and "demo" in done.stderr
    assert ledger_file(proj).read_bytes() == first_ledger
    site_held = tree_bytes(out)
    own = ("centres/demo/", "data/demo/", "print/demo/")
    assert {k: v for k, v in site_held.items() if k.startswith(own)} == {
        k: v for k, v in site_before.items() if k.startswith(own)
    }
    assert f"记录待更正（自{date_cn(dt.date.fromisoformat(BUILD_DAY))}起）" in visible_text(
        page_html(out, ".")
    )

    # 3. The correction entry, as docs/workflow.md says: check passes, the build succeeds.
    add_correction(proj)
    done = gongshi("check", str(proj))
    assert done.returncode == 0, done.stdout + done.stderr
    done = build(proj, out)
    assert done.returncode == 0, done.stderr

    # 4. The correction page: title, reason, role, link, the old and the new amounts.
    title = correction_title(load_project(proj).corrections["demo"][0])
    page = page_html(out, "centres/demo/corrections/finance-2026-Q1-1")
    text = visible_text(page)
    assert squash(title) in text and squash(REASON) in text and ROLE in text
    assert date_cn(CORRECTION_DAY) in text and date_cn(entry.first_published) in text
    assert fig.yuan(old) in text and fig.yuan(new) in text
    assert item in text
    assert 'href="../../finance/2026-Q1/"' in page
    # the figures as first published stay readable: the old version's table
    assert "更正前公布的内容" in text

    # 5. The quarter page shows the corrected figure and the notice linking to the correction.
    quarter = page_html(out, "centres/demo/finance/2026-Q1")
    qtext = visible_text(quarter)
    assert f"本公示已于{date_cn(CORRECTION_DAY)}更正" in qtext
    assert 'href="../../corrections/finance-2026-Q1-1/"' in quarter
    assert fig.yuan(new) in qtext

    # 6. Archive, home page, Atom feed and open data list it.
    assert 'href="../corrections/finance-2026-Q1-1/"' in page_html(out, "centres/demo/archive")
    assert squash(title) in visible_text(page_html(out, "."))
    feed = ET.parse(out / "data" / "disclosures.atom").getroot()
    ns = {"a": "http://www.w3.org/2005/Atom"}
    links = [e.find("a:link", ns).get("href") for e in feed.findall("a:entry", ns)]
    assert f"{SITE}/centres/demo/corrections/finance-2026-Q1-1/" in links
    data = json.loads((out / "data" / "demo" / "centre.json").read_bytes())
    schema = json.loads((ROOT / "docs" / "schema" / "centre.schema.json").read_bytes())
    jsonschema.validate(data, schema, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER)
    (c,) = data["corrections"]
    assert (c["disclosure"], c["date"], c["reason"], c["approved_by"]) == (
        KEY,
        CORRECTION_DAY.isoformat(),
        REASON,
        ROLE,
    )
    changed = {ch["item"]: (ch["old"], ch["new"]) for ch in c["changes"]}
    assert (f"{old:.2f}", f"{new:.2f}") in changed.values()

    # 7. The print PDF: title, reason, the old and the new amount on one row, the role.
    pdf = (out / "print" / "demo" / pdf_file("correction", "finance-2026-Q1-1")).read_bytes()
    ptext = pdf_text(pdf)
    assert squash(title) in ptext and squash(REASON) in ptext and ROLE in ptext
    assert has_row(pdf, item, fig.yuan(old), fig.yuan(new))
    assert f"{SITE}/centres/demo/corrections/finance-2026-Q1-1/" in ptext

    # 8. The ledger records the correction as applied, with the old content archived.
    ledger = read_ledger(ledger_file(proj))
    (note,) = ledger.corrections
    assert note.applied and note.sha256 == disclosures(load_project(proj).centres[0])[KEY].sha256
    assert note.previous_sha256 == entry.sha256
    assert ledger.entry(KEY).sha256 == note.sha256
    old_items = [
        i
        for cat in note.previous["expenditure"].values()
        if isinstance(cat, dict)
        for i in cat["items"]
    ]
    assert {"item": item, "amount": f"{old:.2f}"} in old_items

    # 9. Nothing changes on the next build: the ledger stays, the site is the same.
    applied = ledger_file(proj).read_bytes()
    site = tree_bytes(out)
    done = build(proj, out)
    assert done.returncode == 0, done.stderr
    assert "published.yaml" not in done.stderr
    assert ledger_file(proj).read_bytes() == applied
    assert tree_bytes(out) == site


@pytest.mark.slow
def test_a_failed_build_writes_no_ledger(tmp_path: Path) -> None:
    proj = project_copy(tmp_path)
    out = tmp_path / "public"
    assert build(proj, out, "--no-pdf").returncode == 0
    recorded = ledger_file(proj).read_bytes()
    # a later plan with a record error, and a correction waiting: the build stops first
    change_an_amount(proj)
    add_correction(proj)
    plan = proj / "centres" / "demo" / "plans" / "2026-04.yaml"
    plan.write_text(
        "month: 2026-04\npublished: 2026-03-25\nactivities:\n  - id: A01\n", encoding="utf-8"
    )
    with_correction = ledger_file(proj).read_bytes()
    done = build(proj, out, "--no-pdf")
    assert done.returncode == 1
    assert ledger_file(proj).read_bytes() == with_correction != recorded
    # the same records without the error build, and the correction is applied
    plan.unlink()
    assert build(proj, out, "--no-pdf").returncode == 0
    assert read_ledger(ledger_file(proj)).corrections[0].applied


@pytest.mark.slow
def test_no_ledger_and_preview_record_nothing(tmp_path: Path) -> None:
    proj = project_copy(tmp_path)
    done = build(proj, tmp_path / "public", "--no-pdf", "--no-ledger")
    assert done.returncode == 0, done.stderr
    assert not ledger_file(proj).exists()
    # what gongshi serve shows: the same build, never recorded
    preview = preview_site(proj, tmp_path / "preview", today=dt.date(2026, 11, 1), pdf=False)
    assert preview.out is not None and not preview.report.errors
    assert (preview.out / "centres" / "demo" / "index.html").is_file()
    assert not ledger_file(proj).exists()


@pytest.mark.slow
def test_record_text_of_a_correction_is_data(tmp_path: Path) -> None:
    """A hostile reason and role print literally on the page and on the posting."""
    proj = project_copy(tmp_path)
    assert build(proj, tmp_path / "first", "--no-pdf").returncode == 0
    change_an_amount(proj)
    reason = " ".join(HOSTILE + TYPST_HOSTILE)
    add_correction(proj, reason=reason, role="**x** #set")
    out = tmp_path / "public"
    done = build(proj, out, "--no-pdf")
    assert done.returncode == 0, done.stderr
    page = page_html(out, "centres/demo/corrections/finance-2026-Q1-1")
    assert "<script>alert(1)" not in page and "<strong>x</strong>" not in page
    text = visible_text(page)
    for piece in HOSTILE + TYPST_HOSTILE:
        assert squash(piece) in text, piece
    quarter = page_html(out, "centres/demo/finance/2026-Q1")
    assert "<script>alert(1)" not in quarter
    validated = load_project(proj)
    pdfs = render_pdfs(validated, site_url=SITE, kinds={"correction"})
    (pdf,) = pdfs.values()
    ptext = pdf_text(pdf)
    for piece in HOSTILE + TYPST_HOSTILE:
        assert squash(piece) in ptext, piece
    assert "root:" not in ptext  # #read("/etc/passwd") was printed, not run


@pytest.mark.slow
def test_sample_ledgers_are_complete() -> None:
    """The committed ledgers hold every sample disclosure: no build, on any day, rewrites
    them (a fresh copy's ``bash scripts/start.sh`` changes nothing in centres/)."""
    validated = load_project(ROOT)
    assert not validated.report.errors
    project = Project(ROOT)
    for centre in validated.centres:
        path, ledger = centre_ledger(project, centre)
        assert path.is_file(), path
        assert updated_ledger(centre, ledger, dt.date.max) is None, centre.id
        published = {k for k, d in disclosures(centre).items() if d.published}
        assert {e.disclosure for e in ledger.entries} == published, centre.id


@pytest.mark.browser
@pytest.mark.slow
def test_correction_pages_are_accessible(tmp_path: Path) -> None:
    need_chromium()
    proj = project_copy(tmp_path)
    assert build(proj, tmp_path / "first", "--no-pdf").returncode == 0
    change_an_amount(proj)
    add_correction(proj)
    out = tmp_path / "public"
    assert build(proj, out, "--no-pdf").returncode == 0
    with serve(out) as base, browser() as ctx:
        page = ctx.new_page()
        for url in (
            "centres/demo/corrections/finance-2026-Q1-1/",
            "centres/demo/finance/2026-Q1/",
            "centres/demo/archive/",
        ):
            page.goto(base + url)
            assert axe_serious(page) == [], url
        page.goto(base + "centres/demo/finance/2026-Q1/")
        page.get_by_role("link", name="查看更正说明和更正前公布的内容").click()
        page.wait_for_url("**/corrections/finance-2026-Q1-1/")
        assert "更正说明" in page.title()
