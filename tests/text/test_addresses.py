"""One address builder (generator.urls): every page, PDF and data file is named there once.

The pages the site renders, the files it publishes and the pages the postings' QR codes point
to are all ``urls``' addresses; no writer spells a path of its own.
"""

from __future__ import annotations

import ast
import datetime as dt
import posixpath
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from generator import urls
from generator.figures import finance as figures
from generator.pipeline import load_project
from generator.print.documents import KINDS
from generator.site.pages import render_site
from tests.site_helpers import BOUNDARY_DAY, boundary_project

DAY = dt.date.fromisoformat(BOUNDARY_DAY)
SITE = "https://gs.example.org"
GENERATOR = Path(__file__).resolve().parents[2] / "generator"


@pytest.fixture(scope="module")
def boundary(tmp_path_factory: pytest.TempPathFactory):
    proj = boundary_project(tmp_path_factory.mktemp("addresses"))
    validated = load_project(proj, DAY)
    assert not validated.report.errors, validated.report.format("text")
    return validated, render_site(validated, proj, today=DAY)


def test_addresses() -> None:
    assert urls.page("demo", "hours") == "centres/demo/hours.md"
    assert urls.page("demo", "finance", "2026-Q1") == "centres/demo/finance/2026-Q1.md"
    assert urls.page_url(urls.page("demo", "profile")) == "centres/demo/"
    assert urls.page_url(urls.HOME) == "./"
    assert urls.absolute(SITE + "/", urls.page("demo", "plan", "2026-03")) == (
        f"{SITE}/centres/demo/plans/2026-03/"
    )
    assert urls.absolute(SITE, urls.HOME) == f"{SITE}/"
    assert urls.absolute(" ", urls.HOME) == "" and urls.absolute(None, urls.HOME) == ""
    assert urls.pdf_path("demo", "annual", "2026") == "print/demo/annual-2026.pdf"
    assert urls.data_path("demo", "audit", "2026") == "data/demo/audits/2026.json"
    with pytest.raises(ValueError):
        urls.page("demo", "finance")
    with pytest.raises(ValueError):
        urls.data_path("demo", "hours", "2026")


def test_links_within_and_across_parts() -> None:
    # within a centre's part: the .md file, which mkdocs checks
    assert urls.link("centres/demo/finance/2026-Q1.md", "centres/demo/archive.md") == (
        "../archive.md"
    )
    # from the city part into a centre's: the published address
    assert urls.link(urls.HOME, urls.page("demo", "profile")) == "centres/demo/"
    assert urls.link(urls.page("demo", "hours"), urls.FEED) == "../../../data/disclosures.atom"
    assert urls.shard_of(urls.pdf_path("demo", "hours")) == "demo"
    assert urls.shard_of(urls.OPEN_DATA) is None


def test_every_page_and_file_is_an_address_of_urls(boundary) -> None:
    validated, site = boundary
    (centre,) = validated.centres
    (co,) = validated.corrections["demo"]
    pages = {
        urls.page(centre.id, kind)
        for kind, pattern in urls.PAGES.items()
        if "{}" not in pattern and (kind != "finance-index" or centre.quarters)
    }
    pages |= {urls.page(centre.id, "plan", p.key) for p in centre.plans}
    pages |= {urls.page(centre.id, "finance", q.key) for q in centre.quarters}
    pages |= {urls.page(centre.id, "audit", str(a.year)) for a in centre.audits}
    pages |= {urls.page(centre.id, "evaluation", str(e.year)) for e in centre.evaluations}
    pages |= {urls.page(centre.id, "correction", f"{co.kind}-{co.period}-{co.number}")}
    assert set(site.pages) == pages | set(urls.CITY_PAGES)
    files = {
        urls.data_path(centre.id, kind)
        for kind, pattern in urls.DATA.items()
        if "{}" not in pattern
    }
    files |= {urls.data_path(centre.id, "plan", p.key) for p in centre.plans}
    files |= {urls.data_path(centre.id, "finance", q.key) for q in centre.quarters}
    files |= {urls.data_path(centre.id, "audit", str(a.year)) for a in centre.audits}
    files |= {urls.data_path(centre.id, "evaluation", str(e.year)) for e in centre.evaluations}
    assert set(site.files) == files | set(urls.ALL_DATA) | set(urls.CITY_FILES)
    assert set(site.copies) == {urls.signed_report(centre.id, a.year) for a in centre.audits}


def test_every_qr_code_points_to_a_page_of_the_site(boundary) -> None:
    validated, site = boundary
    (centre,) = validated.centres
    (co,) = validated.corrections["demo"]
    periods = {
        "plan": [p.key for p in centre.plans],
        "finance": [q.key for q in centre.quarters],
        "audit": [str(a.year) for a in centre.audits],
        "evaluation": [str(e.year) for e in centre.evaluations],
        "annual": [str(y) for y in figures.years_of(centre)],
        "correction": [f"{co.kind}-{co.period}-{co.number}"],
    }
    for kind in KINDS:
        for period in periods.get(kind, [None]):
            target = urls.posting_page(centre.id, kind, period)
            assert target in site.pages, (kind, period)
            address = urls.posting_url(SITE, centre.id, kind, period)
            assert address == f"{SITE}/{urls.page_url(target)}"


def _path_literals(tree: ast.AST) -> list[tuple[int, str]]:
    """Literal starts of paths: string constants and f-string heads naming a site folder."""
    out = []
    for node in ast.walk(tree):
        text = None
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            text = node.value
        elif isinstance(node, ast.JoinedStr) and node.values:
            head = node.values[0]
            if isinstance(head, ast.Constant) and isinstance(head.value, str):
                text = head.value
        if text is not None and text.startswith(("centres/", "data/", "print/")):
            out.append((node.lineno, text))
    return out


def test_no_writer_spells_an_address() -> None:
    for folder in ("site", "print"):
        for path in (GENERATOR / folder).rglob("*.py"):
            found = _path_literals(ast.parse(path.read_text(encoding="utf-8")))
            assert not found, (path, found)


_SEGMENT = st.sampled_from(["centres", "demo", "plans", "2026-03", "index.md", "a.md", ".", ""])


@settings(max_examples=300, deadline=None)
@given(st.lists(_SEGMENT, max_size=5), st.lists(_SEGMENT, max_size=5))
def test_the_relative_link_is_posixpaths(to: list[str], start: list[str]) -> None:
    """``urls.relative`` is ``posixpath.relpath`` for the site's paths, without its calls to
    ``os.getcwd``."""
    path, here = "/".join(to) or ".", "/".join(start) or "."
    assert urls.relative(path, here) == posixpath.relpath(path, here)
