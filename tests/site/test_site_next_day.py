"""Built again the next day with nothing changed, no centre is made again; a record dated
for publication tomorrow is not on the site today, and is there when built tomorrow.

Real `gongshi build` runs on copies of the samples and of the fixture, one build cache each."""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import pytest

from tests.conftest import ROOT, copy_project
from tests.site_helpers import MINIMAL, build, tree_bytes

pytestmark = pytest.mark.slow

REUSED = re.compile(r"其中 (\d+) 个中心的记录未改动.*?重新生成了 (\d+) 个中心")


def made_and_reused(stdout: str, centres: int) -> tuple[int, int]:
    """How many centres the build made and took from its cache, as it says."""
    m = REUSED.search(stdout)
    return (int(m.group(2)), int(m.group(1))) if m else (centres, 0)


def centre_parts(site: Path) -> dict[str, bytes]:
    """Every file of the centres' parts (their pages, data and search indexes)."""
    return {
        rel: data
        for rel, data in tree_bytes(site).items()
        if rel.split("/", 1)[0] in ("centres", "data", "print") and rel.count("/") >= 2
    }


def test_next_day_with_nothing_changed_makes_no_centre(tmp_path: Path) -> None:
    project = copy_project(ROOT, tmp_path / "proj")
    centres = len(list((project / "centres").iterdir()))
    first, second = tmp_path / "a", tmp_path / "b"
    done = build(project, first, "2026-12-06", "--no-ledger")
    assert done.returncode == 0, done.stdout + done.stderr
    assert made_and_reused(done.stdout, centres) == (centres, 0)
    done = build(project, second, "2026-12-07", "--no-ledger")
    assert done.returncode == 0, done.stdout + done.stderr
    made, reused = made_and_reused(done.stdout, centres)
    # a centre is made again only when a rule's result or a disclosure's state moved with the
    # day; the others come from the cache as they are
    assert reused >= 1 and made + reused == centres, done.stdout
    a, b = centre_parts(first), centre_parts(second)
    assert len(a) > 30 * centres and len(a) == len(b)
    # a centre's pages print nothing of the day: made on either day, they are the same files
    hours = "centres/shenzhen-xiashi/hours/index.html"
    assert "截至2026年12月" not in b[hours].decode("utf-8") and b'"made"' not in b[hours]
    differ = sorted(rel for rel in a if a[rel] != b[rel])
    pages = [
        f"centres/{c.name}/{p}index.html"
        for c in (project / "centres").iterdir()
        for p in ("", "hours/")
    ]
    assert set(pages) <= set(a) and not set(pages) & set(differ), differ
    # what differs is what a centre's day state changed (its rule results), in those made again
    assert len({rel.split("/")[1] for rel in differ}) <= made, differ


def _rows(site: Path, path: str) -> list[dict[str, str]]:
    raw = (site / path).read_bytes().decode("utf-8-sig")
    return list(csv.DictReader(io.StringIO(raw)))


def test_finance_published_tomorrow_is_on_the_site_from_tomorrow(tmp_path: Path) -> None:
    # The fixture's first quarter is published on 2026-04-15.
    project = copy_project(MINIMAL, tmp_path / "proj")
    today, tomorrow = tmp_path / "today", tmp_path / "tomorrow"
    done = build(project, today, "2026-04-14", "--no-ledger")
    assert done.returncode == 0, done.stdout + done.stderr
    page = "centres/demo/finance/2026-Q1/index.html"
    assert not (today / page).exists()
    assert not (today / "centres/demo/finance").exists()  # no finance index either
    assert not (today / "data/demo/finance/2026-Q1.json").exists()
    assert _rows(today, "data/demo/finance.csv") == []
    assert not any(r["quarter"] == "2026-Q1" for r in _rows(today, "data/finance.csv"))
    for listing in ("index.html", "centres/demo/archive/index.html", "centres/demo/index.html"):
        assert "2026年第一季度财务信息" not in (today / listing).read_text("utf-8"), listing
        assert "finance/2026-Q1" not in (today / listing).read_text("utf-8"), listing
    assert "2026-Q1" not in (today / "data/centres.json").read_text("utf-8")
    assert "2026年第一季度" not in (today / "data/disclosures.atom").read_text("utf-8")

    done = build(project, tomorrow, "2026-04-15", "--no-ledger")
    assert done.returncode == 0, done.stdout + done.stderr
    assert made_and_reused(done.stdout, 1) == (1, 0), done.stdout  # its day came: made again
    assert "2026年第一季度财务信息" in (tomorrow / page).read_text("utf-8")
    assert (tomorrow / "data/demo/finance/2026-Q1.json").is_file()
    assert {r["quarter"] for r in _rows(tomorrow, "data/demo/finance.csv")} == {"2026-Q1"}
    assert any(r["quarter"] == "2026-Q1" for r in _rows(tomorrow, "data/finance.csv"))
    archive = (tomorrow / "centres/demo/archive/index.html").read_text("utf-8")
    assert "2026年第一季度财务信息" in archive
    assert "2026年第一季度财务信息" in (tomorrow / "index.html").read_text("utf-8")
    assert "2026年第一季度" in (tomorrow / "data/disclosures.atom").read_text("utf-8")
