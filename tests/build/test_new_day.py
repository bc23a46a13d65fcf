"""A new day costs what changed: no part and no PDF is made again when no record changed, and
the site of the new day is byte for byte the site a build from nothing makes on that day.

A centre's part prints nothing of the build day but its day state (generator.build.days), so
it is reused as it is on a day of its window; the city pages, made by every build, carry the
day. Real builds (mkdocs, typst), no mocks; nothing is timed."""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import shutil
from pathlib import Path

import pytest

from generator.build import city, orchestrate, parts
from generator.build.cache import CACHE_DIR
from generator.build.orchestrate import build_site
from generator.build.privacy import clean_key, scan_outputs, union_allowed
from generator.pipeline import load_project
from generator.records.validate import Project
from generator.site import hsds
from tests.conftest import MINIMAL, copy_project
from tests.site_helpers import tree_bytes

DAY = dt.date(2026, 4, 20)  # the fixture's first quarter is published (2026-04-15)
NEXT = DAY + dt.timedelta(days=1)  # a Tuesday: the hours page's 今日开放 differs from Monday's
QUARTER = Path("centres/demo-two/finance/2026-Q1.yaml")


def two_centres(tmp_path: Path, name: str) -> Path:
    """The minimal project with a second centre (a copy of demo, as demo-two)."""
    dest = copy_project(MINIMAL, tmp_path / name)
    shutil.copytree(dest / "centres" / "demo", dest / "centres" / "demo-two")
    centre = dest / "centres" / "demo-two" / "centre.yaml"
    text = centre.read_text(encoding="utf-8")
    text = text.replace("community: 沙尾社区", "community: 沙头社区").replace(
        "沙尾社区（", "沙头社区（"
    )
    centre.write_text(text, encoding="utf-8")
    return dest


def build(project: Path, out: Path, today: dt.date):
    result = build_site(project, out, today=today, pdf=True, ledger=False, jobs=1)
    assert not result.report.errors, result.report.format("text")
    return result


def cold(tmp_path: Path, project: Path, name: str, today: dt.date) -> dict[str, bytes]:
    """The site a build from nothing makes of ``project``'s records on ``today``."""
    fresh = copy_project(project, tmp_path / f"{name}-proj")
    result = build(fresh, tmp_path / name, today)
    assert sorted(result.made) == ["demo", "demo-two"] and result.reused == []
    assert result.pdfs_made == result.pdfs > 0
    return tree_bytes(tmp_path / name)


@pytest.mark.slow
def test_a_new_day_remakes_no_part_and_no_pdf(tmp_path: Path) -> None:
    project = two_centres(tmp_path, "proj")
    out = tmp_path / "out"
    first = build(project, out, DAY)
    assert sorted(first.made) == ["demo", "demo-two"] and first.pdfs_made == first.pdfs > 0
    pdfs = project / CACHE_DIR / "pdfs" / "demo.json"
    stamp = pdfs.stat().st_mtime_ns
    on_day = tree_bytes(out)

    nextday = build(project, out, NEXT)
    assert nextday.made == [] and sorted(nextday.reused) == ["demo", "demo-two"]
    assert nextday.pdfs_made == 0 and nextday.pdfs == first.pdfs
    assert pdfs.stat().st_mtime_ns == stamp
    after = tree_bytes(out)
    assert after == cold(tmp_path, project, "cold", NEXT)
    # only the city pages changed: every file of a centre's part is the first day's
    changed = {k for k in after if on_day.get(k) != after[k]}
    parts = ("centres/demo", "print/", "data/demo")
    assert changed and not any(k.startswith(parts) for k in changed), sorted(changed)

    # the same day once more: nothing at all is made
    again = build(project, out, NEXT)
    assert again.made == [] and again.pdfs_made == 0
    assert tree_bytes(out) == after


@pytest.mark.slow
def test_a_new_day_with_one_file_changed_remakes_that_centre(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    project = two_centres(tmp_path, "proj")
    out = tmp_path / "out"
    build(project, out, DAY)
    activities, finance = out / "data" / "activities.csv", out / "data" / "finance.csv"
    joined = activities.stat().st_ino, finance.stat().st_ino
    path = project / QUARTER
    path.write_text(path.read_text(encoding="utf-8").replace("投影仪", "投影机"), encoding="utf-8")
    joins = []
    monkeypatch.setattr(city, "join_csv", lambda *a: joins.append(a) or b"")
    nextday = build(project, out, NEXT)
    monkeypatch.undo()
    assert nextday.made == ["demo-two"] and nextday.reused == ["demo"]
    assert tree_bytes(out) == cold(tmp_path, project, "cold", NEXT)
    # the all-centres tables, whose pieces are the same (the finance table sums the items),
    # are the files published before: not joined again
    assert joins == [] and (activities.stat().st_ino, finance.stat().st_ino) == joined


@pytest.mark.slow
def test_a_city_read_by_the_workers_is_published_beside_them(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A city of more centres than the build reads itself (``READ_HERE``) is read by the
    workers, and the output's record is read, and the site published, in the process beside
    them (``publish.read_ahead``, ``publish_beside``): the same site as a build from nothing,
    the files it had before linked from the live tree by that record."""
    monkeypatch.setattr(orchestrate, "READ_HERE", 0)
    project = two_centres(tmp_path, "proj")
    out = tmp_path / "out"
    for day in (DAY, NEXT):
        done = build_site(project, out, today=day, pdf=True, ledger=False, jobs=2)
        assert not done.report.errors, done.report.format("text")
    path = project / QUARTER
    path.write_text(path.read_text(encoding="utf-8").replace("投影仪", "投影机"), encoding="utf-8")
    later = NEXT + dt.timedelta(days=1)
    done = build_site(project, out, today=later, pdf=True, ledger=False, jobs=2)
    assert done.made == ["demo-two"] and done.reused == ["demo"]
    assert tree_bytes(out) == cold(tmp_path, project, "cold", later)
    # an unchanged file is the live tree's, linked (a record not read would copy it)
    for rel in ("centres/demo/index.html", "print/demo/hours.pdf"):
        assert (out / rel).stat().st_nlink == 2, rel


@pytest.mark.slow
def test_the_hsds_export_joins_the_kept_parts_and_remakes_a_changed_centres(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each centre's own part of the HSDS export is kept in the build cache by its files:
    on a new day the export joins the kept parts; a centre whose centre.yaml changed has
    its part made again, and the files are those a build from nothing makes."""
    project = two_centres(tmp_path, "proj")
    out = tmp_path / "out"
    build(project, out, DAY)
    made: list[str] = []
    part = hsds.centre_part
    monkeypatch.setattr(hsds, "centre_part", lambda ce, *a: made.append(ce.id) or part(ce, *a))
    build(project, out, NEXT)
    assert made == []  # both parts from the cache
    centre = project / "centres" / "demo-two" / "centre.yaml"
    text = centre.read_text(encoding="utf-8")
    centre.write_text(text.replace("沙尾路 1 号", "沙尾路 9 号", 1), encoding="utf-8")
    build(project, out, DAY)
    assert made == ["demo-two"]
    monkeypatch.undo()
    locations = (out / "data" / "hsds-locations.json").read_text(encoding="utf-8")
    assert "沙尾路 9 号" in locations and "沙尾路 1 号" in locations  # demo's is as it was
    assert tree_bytes(out) == cold(tmp_path, project, "cold", DAY)


def overwrite_in_place(path: Path) -> None:
    """Change a file's first byte, keeping its size and its modification time."""
    data = path.read_bytes()
    st = path.stat()
    with open(path, "r+b") as fh:
        fh.write(bytes([data[0] ^ 1]))
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns))


@pytest.mark.slow
def test_a_changed_file_in_the_cache_or_the_site_is_never_published(tmp_path: Path) -> None:
    # a rebuild checks the cached parts' files by stat (a file changed since is hashed) and
    # publishes each file again from the output folder where it is unchanged there (else a
    # copy from the cache): a file changed in either place is never published
    project = two_centres(tmp_path, "proj")
    out = tmp_path / "out"
    build(project, out, DAY)
    expected = cold(tmp_path, project, "cold", NEXT)
    cached = project / CACHE_DIR / "parts" / "demo" / "print" / "demo" / "hours.pdf"
    overwrite_in_place(cached)
    nextday = build(project, out, NEXT)
    assert nextday.made == ["demo"] and nextday.reused == ["demo-two"]
    assert nextday.pdfs_made == 0  # the PDFs' own cache entry is intact
    assert tree_bytes(out) == expected

    # the same cache into a new output folder: every file copied from the cache
    elsewhere = build(project, tmp_path / "elsewhere", NEXT)
    assert elsewhere.made == []
    assert tree_bytes(tmp_path / "elsewhere") == expected

    # a published file changed in place is copied from the cache again
    overwrite_in_place(out / "print" / "demo-two" / "hours.pdf")
    again = build(project, out, NEXT)
    assert again.made == []
    assert tree_bytes(out) == expected
    # so is an all-centres table, joined from the parts (city.write_joined_data)
    overwrite_in_place(out / "data" / "activities.csv")
    build(project, out, NEXT)
    assert tree_bytes(out) == expected
    cache = {p.stat().st_ino for p in (project / CACHE_DIR).rglob("*") if p.is_file()}
    assert not cache & {p.stat().st_ino for p in out.resolve().rglob("*") if p.is_file()}


def _allowed_key(centres, project: Path) -> str:
    allowed = union_allowed(list(centres), Project(project))
    return hashlib.sha256(repr(sorted(allowed)).encode("utf-8")).hexdigest()


def test_the_guard_reads_again_only_what_it_has_not_found_clean(tmp_path: Path) -> None:
    project = copy_project(MINIMAL, tmp_path / "proj")
    centres = load_project(project, DAY).centres
    clean: set[str] = set()
    quiet = {"data/a.json": b'{"x": "2026-04-20"}', "index.html": b"<p>ok</p>"}
    assert scan_outputs(quiet, centres, Project(project), clean=clean) == []
    assert len(clean) == 2
    # a number in a file at the same path: its bytes differ, so it is read and found
    leaky = {"data/a.json": b'{"x": "13912345678"}', "index.html": b"<p>ok</p>"}
    (found,) = scan_outputs(leaky, centres, Project(project), clean=clean)
    assert found.code == "personal-data-leak" and "data/a.json" in found.message
    assert len(clean) == 1  # index.html; the clean data/a.json of before is forgotten
    # a file remembered clean is not read again (here, falsely remembered)
    clean.add(clean_key("data/a.json", leaky["data/a.json"], _allowed_key(centres, project)))
    assert scan_outputs(leaky, centres, Project(project), clean=clean) == []
    assert scan_outputs(leaky, centres, Project(project)) != []  # without the memory: read


@pytest.mark.slow
def test_what_the_records_say_was_held_after_the_day_holds_the_centre_back(tmp_path: Path) -> None:
    # the build keeps each centre's light check and day state, not its activities: the
    # record errors for an activity held after the day come with the state, day by day
    project = copy_project(MINIMAL, tmp_path / "proj")
    out = tmp_path / "out"
    early = build_site(project, out, today=dt.date(2026, 3, 2), pdf=False, ledger=False, jobs=1)
    assert {p.code for p in early.report.errors} == {"date-order"}, early.report.format("text")
    assert list(early.awaiting) == ["demo"]
    later = build_site(project, out, today=dt.date(2026, 3, 13), pdf=False, ledger=False, jobs=1)
    assert not later.report.errors and later.awaiting == {}
    assert (out / "centres" / "demo" / "index.html").is_file()


@pytest.mark.slow
def test_a_day_that_moves_only_the_pdfs_keeps_the_pages(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # the day after the May Day holiday the hours posting stops listing it: the centre's
    # PDFs change, its pages do not; the part is made again from its PDFs alone (its pages,
    # data and search index are those of the part in the cache: no mkdocs run, and the
    # personal-data guard does not read them again)
    project = copy_project(MINIMAL, tmp_path / "proj")
    out = tmp_path / "out"
    holiday, after = dt.date(2026, 5, 5), dt.date(2026, 5, 6)
    build(project, out, holiday)
    pages = {k: v for k, v in tree_bytes(out).items() if k.startswith("centres/demo/")}
    runs, scanned = [], []
    real, scan = parts.run_mkdocs, parts.scan_outputs
    monkeypatch.setattr(parts, "run_mkdocs", lambda *a: runs.append(a) or real(*a))
    monkeypatch.setattr(
        parts, "scan_outputs", lambda f, *a, **k: scanned.extend(f) or scan(f, *a, **k)
    )
    moved = build(project, out, after)
    monkeypatch.undo()
    assert moved.made == ["demo"] and moved.pdfs_made >= 1 and runs == []
    assert scanned == []  # the guard read the new PDFs (from their sources), not the pages
    site = tree_bytes(out)
    assert {k: v for k, v in site.items() if k.startswith("centres/demo/")} == pages
    fresh = copy_project(MINIMAL, tmp_path / "cold-proj")
    result = build(fresh, tmp_path / "cold", after)
    assert result.made == ["demo"]
    assert site == tree_bytes(tmp_path / "cold")
