"""A posting stays on the noticeboard for weeks: it prints dates, never a state relative to
the day it was printed (还有 N 天, 今日开放, 逾期 N 天, 待举办 …), and nothing published after
that day. Real PDFs of the samples, read back with pdftotext."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from conftest import ROOT
from print_helpers import pdf_text, squash

from generator.figures.calendar import corrections_on, published_on
from generator.pipeline import load_project
from generator.print.documents import render_centre_pdfs
from generator.print.typeset import Typesetter
from generator.site.today import WORDS
from generator.text import formats as fmt

pytestmark = pytest.mark.slow

DAY = dt.date(2026, 12, 6)

# What the site says about the day (site.today.WORDS), as it would print with a number.
RELATIVE = [
    re.compile(r"还有\s*\d+\s*天"),
    re.compile(r"逾期\s*\d+\s*天"),
    re.compile(r"今日|今天"),
    re.compile(r"截至\s*\d{4}\s*年"),
    *(
        re.compile(re.escape(WORDS[k]))
        for k in ("to_come", "unrecorded", "upcoming", "due", "missing", "shut")
    ),
]


@pytest.fixture(scope="module")
def pdfs() -> dict[str, dict[str, str]]:
    """Each sample centre's PDFs as printed on DAY, as text."""
    validated = load_project(ROOT, DAY)
    assert not validated.report.errors, validated.report.format("text")
    packs = validated.library.packs
    typesetter = Typesetter()
    out = {}
    for ce in validated.centres:
        made = render_centre_pdfs(
            published_on(ce, DAY),
            packs[ce.rule_pack],
            site_url="https://gs.example.org",
            results=validated.results[ce.id],
            corrections=corrections_on(validated.corrections[ce.id], ce, DAY),
            manuals=validated.manuals[ce.id],
            typesetter=typesetter,
        )
        out[ce.id] = {path: pdf_text(data) for path, data in made.items()}
    return out


def test_postings_print_no_state_relative_to_the_day(pdfs) -> None:
    checked = 0
    for texts in pdfs.values():
        for path, text in texts.items():
            flat = squash(text)
            for pattern in RELATIVE:
                assert not pattern.search(flat), (path, pattern.pattern)
            checked += 1
    assert checked >= 3 * 15


def test_postings_print_dates(pdfs) -> None:
    validated = load_project(ROOT, DAY)
    for ce in validated.centres:
        texts = pdfs[ce.id]
        shown = published_on(ce, DAY)
        for q in shown.quarters:
            text = squash(texts[f"print/{ce.id}/finance-{q.key}.pdf"])
            assert squash(fmt.date_text(q.published)) in text, (ce.id, q.key)
        closures = [e for e in ce.opening_hours.exceptions if e.end >= DAY]
        hours = squash(texts[f"print/{ce.id}/hours.pdf"])
        for e in closures[:1]:
            assert squash(fmt.date_text(e.start)) in hours, ce.id


def test_postings_of_what_is_published_after_the_day_are_not_printed(pdfs) -> None:
    validated = load_project(ROOT, DAY)
    for ce in validated.centres:
        for q in ce.quarters:
            later = q.published is not None and q.published > DAY
            assert (f"print/{ce.id}/finance-{q.key}.pdf" in pdfs[ce.id]) is not later
        for a in ce.audits:
            later = a.published is not None and a.published > DAY
            assert (f"print/{ce.id}/audit-{a.year}.pdf" in pdfs[ce.id]) is not later
