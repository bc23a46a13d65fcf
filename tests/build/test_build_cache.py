"""The site built in parts from a content-hash cache: a rebuild makes only what changed, and
its output is the output of a build from nothing. Real builds (mkdocs, typst), no mocks."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import pickle
import shutil
from dataclasses import replace
from decimal import Decimal
from pathlib import Path
from types import MappingProxyType

import pytest

from generator.build.cache import (
    CACHE_DIR,
    BuildCache,
    Damaged,
    decode,
    encode,
    entry_bytes,
    read_entry,
)
from generator.build.linkcheck import broken_links
from generator.build.orchestrate import build_site
from generator.build.tree import link_tree, recover_output, swap_in
from generator.problems import Position, Problem, Severity
from tests.conftest import MINIMAL, copy_project
from tests.site_helpers import tree_bytes

TODAY = dt.date(2026, 4, 20)  # the fixture's first quarter is published (2026-04-15)
QUARTER = Path("centres/demo-two/finance/2026-Q1.yaml")


def two_centres(tmp_path: Path, name: str = "proj") -> Path:
    """The minimal project with a second centre (a copy of demo, as demo-two)."""
    dest = copy_project(MINIMAL, tmp_path / name)
    shutil.copytree(dest / "centres" / "demo", dest / "centres" / "demo-two")
    text = (dest / "centres" / "demo-two" / "centre.yaml").read_text(encoding="utf-8")
    text = text.replace("community: 沙尾社区", "community: 沙头社区").replace(
        "沙尾社区（", "沙头社区（"
    )
    (dest / "centres" / "demo-two" / "centre.yaml").write_text(text, encoding="utf-8")
    return dest


def build(project: Path, out: Path, **options):
    options.setdefault("today", TODAY)
    options.setdefault("pdf", False)
    options.setdefault("ledger", False)
    options.setdefault("jobs", 1)
    result = build_site(project, out, **options)
    assert not result.report.errors, result.report.format("text")
    assert result.out == out
    return result


@pytest.mark.slow
def test_rebuild_makes_only_the_changed_centre(tmp_path: Path) -> None:
    project = two_centres(tmp_path)
    first = build(project, tmp_path / "out")
    assert sorted(first.made) == ["demo", "demo-two"] and first.reused == []
    before = tree_bytes(tmp_path / "out")

    again = build(project, tmp_path / "out")
    assert again.made == [] and sorted(again.reused) == ["demo", "demo-two"]
    assert tree_bytes(tmp_path / "out") == before

    path = project / QUARTER
    path.write_text(path.read_text(encoding="utf-8").replace("投影仪", "投影机"), encoding="utf-8")
    changed = build(project, tmp_path / "out")
    assert changed.made == ["demo-two"] and changed.reused == ["demo"]
    after = tree_bytes(tmp_path / "out")
    differs = {k for k in after if before.get(k) != after[k]}
    assert differs and all(
        k.startswith(("centres/demo-two/", "data/demo-two/", "data/"))
        or k in ("manifest.sha256", "search/search_index.json")
        for k in differs
    ), differs
    assert not any(k.startswith(("centres/demo/", "data/demo/")) for k in differs)

    # The same records built from nothing give the same site, file for file.
    shutil.rmtree(project / CACHE_DIR)
    cold = build(project, tmp_path / "cold")
    assert sorted(cold.made) == ["demo", "demo-two"]
    assert tree_bytes(tmp_path / "cold") == after


@pytest.mark.slow
def test_parallel_build_equals_one_process(tmp_path: Path) -> None:
    one = build(two_centres(tmp_path, "a"), tmp_path / "one", jobs=1)
    two = build(two_centres(tmp_path, "b"), tmp_path / "two", jobs=2)
    assert sorted(one.made) == sorted(two.made) == ["demo", "demo-two"]
    assert tree_bytes(tmp_path / "one") == tree_bytes(tmp_path / "two")


@pytest.mark.slow
def test_damaged_cache_is_made_again(tmp_path: Path) -> None:
    project = two_centres(tmp_path)
    build(project, tmp_path / "out")
    before = tree_bytes(tmp_path / "out")
    cache = project / CACHE_DIR
    entries = [p for p in cache.rglob("*.json") if p.name != "files.json"]
    assert entries
    for entry in entries:
        entry.write_bytes(b"not an entry")
    (cache / "files.json").write_text("{", encoding="utf-8")
    again = build(project, tmp_path / "out")
    assert sorted(again.made) == ["demo", "demo-two"]
    assert tree_bytes(tmp_path / "out") == before


@pytest.mark.slow
def test_removed_centre_leaves_site_and_cache(tmp_path: Path) -> None:
    project = two_centres(tmp_path)
    build(project, tmp_path / "out")
    shutil.rmtree(project / "centres" / "demo-two")
    build(project, tmp_path / "out")
    assert not (tmp_path / "out" / "centres" / "demo-two").exists()
    assert not list((project / CACHE_DIR).rglob("demo-two*"))


@pytest.mark.slow
def test_a_record_error_holds_back_its_centre_alone(tmp_path: Path) -> None:
    project = two_centres(tmp_path)
    out = tmp_path / "out"
    build(project, out)
    before = tree_bytes(out)
    original = (project / QUARTER).read_text(encoding="utf-8")
    (project / QUARTER).write_text("income: [\n", encoding="utf-8")
    result = build_site(project, out, today=TODAY, pdf=False, ledger=False, jobs=1)
    assert result.out == out
    assert result.awaiting == {"demo-two": TODAY} and result.kept == ["demo-two"]
    assert [p.file for p in result.report.record_errors] == [QUARTER.as_posix()]
    assert result.reused == ["demo"] and result.made == []
    after = tree_bytes(out)
    # both centres' parts are as they were: demo's made again (from the cache), demo-two's
    # kept from the output folder; only the city pages that list demo-two say it waits
    differs = {k for k in before.keys() | after.keys() if before.get(k) != after.get(k)}
    # the officers' view (a city page, with its data) lists the centres awaiting correction
    differs -= {k for k in differs if k.startswith(("officers/", "data/officers."))}
    assert differs == {
        "index.html",
        "centres/index.html",
        "search/search_index.json",
        "build-state.json",
        "manifest.sha256",
    }, differs

    # corrected, the same records give the same site as before, from the cache
    (project / QUARTER).write_text(original, encoding="utf-8")
    again = build(project, out)
    assert again.made == [] and sorted(again.reused) == ["demo", "demo-two"]
    assert again.awaiting == {}
    assert tree_bytes(out) == before


def test_links_are_checked_across_parts(tmp_path: Path) -> None:
    site = tmp_path / "site"
    (site / "centres" / "a").mkdir(parents=True)
    (site / "index.html").write_text(
        '<a href="centres/a/">a</a> <a href="centres/b/">b</a> <a href="https://x.org/">x</a>'
        ' <img src="logo.png"> <a href="#top">top</a> <a href="centres/a/#p">p</a>',
        encoding="utf-8",
    )
    (site / "centres" / "a" / "index.html").write_text(
        '<a href="../../">home</a> <a href="../../../out">out</a>', encoding="utf-8"
    )
    found = broken_links(site, ["index.html", "centres/a/index.html"])
    assert found == [
        ("index.html", "centres/b/"),
        ("index.html", "logo.png"),
        ("centres/a/index.html", "../../../out"),
    ]


@pytest.mark.parametrize("bad", ["0", "x", "-1"])
def test_jobs_must_be_a_positive_number(bad: str) -> None:
    from tests.site_helpers import gongshi

    done = gongshi("build", str(MINIMAL), "--jobs", bad, "--no-pdf", "--no-ledger")
    assert done.returncode == 2
    assert "正整数" in done.stderr
    assert "Traceback" not in done.stderr


def test_city_pages_from_city_views_equal_those_from_whole_centres(samples_loaded) -> None:
    # The build renders the city pages from light centres (pipeline.city_view) and joins the
    # all-centres tables from the centres' own: both must give what the whole records give.
    from generator.build.city import JOINED, join_csv
    from generator.figures.calendar import published_on
    from generator.pipeline import city_view
    from generator.site import opendata
    from generator.site.pages import render_city, sorted_centres

    validated = samples_loaded
    centres = sorted_centres(validated.centres)
    packs = validated.library.packs
    whole = render_city(
        centres, packs, today=TODAY, site_url="https://gs.example.org", corrections={}
    )
    light = render_city(
        [city_view(ce) for ce in centres],
        packs,
        today=TODAY,
        site_url="https://gs.example.org",
        corrections={},
    )
    assert light.pages == whole.pages
    assert {k: v for k, v in light.files.items() if k not in JOINED} == {
        k: v for k, v in whole.files.items() if k not in JOINED
    }
    # each centre's own tables hold what is published on the day (site.pages)
    shown = [published_on(ce, TODAY) for ce in centres]
    assert whole.files["data/activities.csv"] == join_csv(
        [opendata.activities_csv([ce]) for ce in shown], opendata.activities_csv([])
    )
    assert whole.files["data/finance.csv"] == join_csv(
        [opendata.finance_csv([ce]) for ce in shown], opendata.finance_csv([])
    )
    assert whole.files["data/activities.csv"].count(b"\r\n") > len(centres) * 50


def test_a_city_view_places_its_records_by_where_they_start(samples_loaded) -> None:
    # Half of a centre's objects are the places of its records' fields; the city pages never
    # point at one, so the city view keeps each record's start and the centre's own fields.
    from generator.compliance import results_problems
    from generator.pipeline import city_view

    validated = samples_loaded
    for ce in validated.centres:
        light = city_view(ce)
        assert (
            light.at == ce.at
            and light.src == ce.src
            and light == replace(ce, plans=light.plans, activity_months=())
        )
        records = [*light.quarters, *light.staff, *light.rooms]
        assert records and all(not r.at and r.src.line for r in records)
        assert [r.src for r in records] == [r.src for r in (*ce.quarters, *ce.staff, *ce.rooms)]
        # what the build reports of its rule results points at the same lines
        results = validated.results[ce.id]
        assert results_problems(light, results) == results_problems(ce, results)


# ---------------------------------------------------------------- entries, folders, the swap


def test_an_entry_is_read_back_only_when_whole_and_only_as_gongshi_data(tmp_path: Path) -> None:
    value = (
        Problem("centres/a/b.yaml", 3, 1, "x", Severity.ERROR, "说明"),
        {dt.date(2026, 4, 1): Decimal("12.30"), "p": Path("a/b"), "b": b"\x00\xff"},
        frozenset({"a", "b"}),
        MappingProxyType({"k": [1, 2.5, None, True]}),
    )
    path = tmp_path / "entry.json"
    path.write_bytes(entry_bytes("key", value))
    assert read_entry(path) == ("key", value)
    assert type(read_entry(path)[1][0].severity) is Severity

    whole = path.read_bytes()
    for damaged in (whole[: len(whole) // 2], whole.replace(b"12.30", b"99.99"), b"junk", b""):
        path.write_bytes(damaged)
        assert read_entry(path) is None
    path.write_bytes(pickle.dumps(("key", value)))
    assert read_entry(path) is None

    # an object without a tag, with a tag that is not a string or that names nothing known
    for planted in ({"v": 1}, {"§": ["dec"], "v": "1"}, {"§": None}, {"§": "decimal", "v": "1"}):
        with pytest.raises(Damaged):
            decode(planted)

    # a well-formed entry naming a class outside gongshi is refused, not constructed
    for name in ("subprocess:Popen", "os:system", "builtins:eval", "generator.model:_frozen_map"):
        body = json.dumps(["key", {"§": f"dc:{name}", "args": "true"}]).encode()
        header = b"gongshi-cache-entry 1 " + hashlib.sha256(body).hexdigest().encode() + b"\n"
        path.write_bytes(header + body)
        assert read_entry(path) is None
        with pytest.raises(Damaged):
            decode(json.loads(body)[1])


def test_a_stored_dataclass_comes_back_whole_or_not_at_all(tmp_path: Path) -> None:
    problem = Problem("centres/a/b.yaml", 3, 1, "x", Severity.ERROR, "说明")
    path = tmp_path / "entry.json"
    path.write_bytes(entry_bytes("key", problem))
    back = read_entry(path)[1]
    assert back == problem and type(back) is Problem and vars(back) == vars(problem)

    # every field is needed: one left out is a damaged entry, not an object without it
    body = json.loads(path.read_bytes().partition(b"\n")[2])
    del body[1]["message"]
    data = json.dumps(body).encode()
    header = b"gongshi-cache-entry 1 " + hashlib.sha256(data).hexdigest().encode() + b"\n"
    path.write_bytes(header + data)
    assert read_entry(path) is None


def test_a_position_is_stored_short_and_comes_back_the_same(tmp_path: Path) -> None:
    # the most frequent value of a check: [file, line, column], not a dataclass's object
    at = Position("centres/a/centre.yaml", 7, 3)
    value = (at, Position("centres/a/centre.yaml"), {"name": at}, [at, True, 1.5])
    path = tmp_path / "entry.json"
    path.write_bytes(entry_bytes("key", value))
    assert b'{"\xc2\xa7":"at","v":["centres/a/centre.yaml",7,3]}' in path.read_bytes()
    back = read_entry(path)[1]
    assert back == value and type(back[0]) is Position and vars(back[0]) == vars(at)
    assert back[0].file is back[2]["name"].file  # the file name read once

    # a position of another shape is a damaged entry
    for planted in (["f", 1], ["f", "1", 2], [1, 2, 3], ["f", 1, 2, 3], "f:1:2"):
        with pytest.raises(Damaged):
            decode({"§": "at", "v": planted})

    # the places of a record's fields (one file) are one object of rows; a dict of positions
    # in two files, or of anything else, is a dict
    places = {"name": at, "hours": Position("centres/a/centre.yaml", 9, 5)}
    two_files = {"name": at, "b": Position("centres/a/b.yaml", 1, 1)}
    for value, tag in ((places, "places"), (two_files, "dict"), ({"n": 1}, "dict"), ({}, "dict")):
        data = encode(value)
        assert data["§"] == tag
        back = decode(json.loads(json.dumps(data)))
        assert back == value and type(back) is dict
        assert all(type(p) is Position for p in back.values() if not isinstance(p, int))
    assert encode(places)["f"] == "centres/a/centre.yaml"
    for rows in ([["n", 1]], [[1, 2, 3]], [["n", "1", 2]], "rows"):
        with pytest.raises(Damaged):
            decode({"§": "places", "f": "f", "v": rows})
    with pytest.raises(Damaged):
        decode({"§": "places", "f": 1, "v": []})

    # a str or int enum is stored as its enum, a subclass of a stored type as that type
    class Text(str):
        pass

    assert decode(encode([Severity.ERROR, Text("a"), dt.datetime(2026, 1, 2, 3, 4)])) == [
        Severity.ERROR,
        "a",
        dt.datetime(2026, 1, 2, 3, 4),
    ]
    with pytest.raises(TypeError):
        encode(object())


def test_plain_data_is_stored_as_it_is_behind_the_same_check(tmp_path: Path) -> None:
    cache = BuildCache(tmp_path / CACHE_DIR)
    record = {"live": "a", "files": {"a": {"index.html": [1, 2, 3, 4, "ab"], "/": [1, 2]}}}
    cache.put_data("kind", "name", "key", record)
    assert cache.get_data("kind", "name", "key") == record
    assert cache.get_data("kind", "name", "other key") is None
    assert cache.get("kind", "name", "key") is None  # not gongshi data: never made into any
    stored = tmp_path / CACHE_DIR / "kind" / "name.json"
    stored.write_bytes(stored.read_bytes().replace(b"index", b"indey"))
    assert cache.get_data("kind", "name", "key") is None


def _site(folder: Path, text: str) -> Path:
    folder.mkdir(parents=True)
    (folder / "index.html").write_text(text, encoding="utf-8")
    return folder


def test_a_half_done_swap_is_finished_or_undone(tmp_path: Path) -> None:
    out = tmp_path / "public"
    new, old = tmp_path / ".public.new", tmp_path / ".public.old"

    # stopped between the two renames: the complete new site is put in place
    _site(new, "new")
    _site(old, "old")
    assert recover_output(out)
    assert (out / "index.html").read_text(encoding="utf-8") == "new"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["public"]

    # only the old one left: it is put back
    shutil.rmtree(out)
    _site(old, "old")
    recover_output(out)
    assert (out / "index.html").read_text(encoding="utf-8") == "old"

    # a live site stays; the debris of stopped builds goes
    _site(new, "stale")
    _site(tmp_path / ".public.build-x1", "part")
    _site(tmp_path / ".public.old-123", "older")
    assert recover_output(out) == []
    assert (out / "index.html").read_text(encoding="utf-8") == "old"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["public"]

    # the swap itself leaves the new site and nothing beside it
    swap_in(_site(tmp_path / ".public.build-y" / "site", "newer"), out)
    assert (out / "index.html").read_text(encoding="utf-8") == "newer"
    assert sorted(p.name for p in tmp_path.iterdir()) == [".public.build-y", "public"]


def test_the_site_is_copied_not_linked_from_the_cache(tmp_path: Path) -> None:
    src = _site(tmp_path / "cache" / "part", "page")
    dest = tmp_path / "site"
    link_tree(src, dest)
    with (src / "index.html").open("r+b") as fh:
        fh.truncate(0)
    assert (dest / "index.html").read_text(encoding="utf-8") == "page"
    assert (dest / "index.html").stat().st_nlink == 1
