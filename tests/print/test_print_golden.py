"""Golden Typst sources: every printed document of the fixture centre, byte for byte.

``print_sources`` gives the Typst source of each document before Typst compiles it. The
fixture centre is printed under the real shenzhen-2015 pack with its ledger and one
correction (``golden_helpers.shenzhen_fixture``), so every print kind is made: postings,
correction, annual booklet and manual book. Fonts are fixed to the Noto CJK names, so the
sources do not depend on the fonts of the machine. The golden files are
tests/golden/print-minimal/<file>.typ; ``pytest --update-golden
tests/print/test_print_golden.py`` rewrites them.
"""

from __future__ import annotations

import pytest
from golden_helpers import GOLDEN, GOLDEN_DAY, assert_golden, shenzhen_fixture

from generator.pipeline import load_project
from generator.print.documents import KINDS, print_sources
from generator.print.typeset import FontSet

FOLDER = GOLDEN / "print-minimal"
SITE = "https://gs.example.org"
FONTS = FontSet(serif="Noto Serif CJK SC", sans="Noto Sans CJK SC", dirs=())


@pytest.fixture(scope="module")
def sources(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    proj = shenzhen_fixture(tmp_path_factory.mktemp("golden") / "proj", correction=True)
    validated = load_project(proj, GOLDEN_DAY)
    assert [p for p in validated.report.errors if not p.rule] == []
    made = print_sources(validated, site_url=SITE, fonts=FONTS)
    return {path.removeprefix("print/demo/"): src.source for path, src in made.items()}


def test_every_print_kind_is_made(sources: dict[str, str]) -> None:
    made = {name.removesuffix(".pdf").split("-", 1)[0] for name in sources}
    assert made == set(KINDS)


def test_typst_sources_equal_their_golden_files(sources: dict[str, str], update_golden) -> None:
    files = {
        name.removesuffix(".pdf") + ".typ": src.encode("utf-8") for name, src in sources.items()
    }
    assert_golden(FOLDER, files, update_golden)
