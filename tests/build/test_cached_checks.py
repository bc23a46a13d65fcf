"""The build loads a project through the pipeline's loader, its checks kept in the build cache.

What the build hands its writers — the day, each centre's rule results on it, corrections,
manuals, problems — is what ``pipeline.load_project`` hands them, whether the checks were made
now (in worker processes) or taken from the cache; and rule results from the cache are tied
to the rules of the pack as loaded, not copies of them.
"""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest
from conftest import MINIMAL, ROOT, copy_project

from generator.build import orchestrate, parts
from generator.build.cache import CACHE_DIR, BuildCache
from generator.build.orchestrate import CachedChecks
from generator.build.workers import Workers
from generator.pipeline import RECORDS, WHOLE, load, load_project
from generator.records.validate import Project, Validated

DAY = dt.date(2026, 11, 1)


def _cached(proj: Path, jobs: int) -> tuple[Validated, CachedChecks]:
    with Workers(jobs) as workers:
        checks = CachedChecks(BuildCache(proj / CACHE_DIR), workers)
        return load(Project(proj), None, DAY, checks), checks


def _same(got: Validated, want: Validated, checks: CachedChecks) -> None:
    assert got.today == want.today == DAY
    assert [c.id for c in got.centres] == [c.id for c in want.centres]
    assert got.report.sorted() == want.report.sorted()
    for ce in want.centres:
        assert [(r.rule.id, r.findings) for r in got.results[ce.id]] == [
            (r.rule.id, r.findings) for r in want.results[ce.id]
        ], ce.id
        assert got.corrections[ce.id] == want.corrections[ce.id]
        # the manuals stay with the whole check in the cache, for the parts (``light``)
        manuals = checks.whole(ce.id).manuals
        assert [m.title for m in manuals] == [m.title for m in want.manuals[ce.id]]
        assert got.documents[ce.id] == want.documents[ce.id]


@pytest.mark.slow
def test_the_cached_checks_hand_down_what_the_loader_does(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    proj = copy_project(ROOT, tmp_path / "proj")
    want = load_project(proj, DAY)
    assert want.results and all(want.manuals.values())  # the samples have rules and manuals
    made, checks = _cached(proj, jobs=2)  # checked now, by worker processes
    _same(made, want, checks)
    again, cached = _cached(proj, jobs=1)  # every check taken from the cache
    _same(again, want, cached)
    # a city's centres are read from the cache by the workers too (``parts.read_centre``)
    monkeypatch.setattr(orchestrate, "READ_HERE", 0)
    read, by_workers = _cached(proj, jobs=2)
    _same(read, want, by_workers)
    for validated in (made, again, read):
        for ce in validated.centres:
            rules = validated.library.packs[ce.rule_pack].rules
            assert all(r.rule is rules[r.rule.id] for r in validated.results[ce.id])
    # the city pages get light views; the whole centre stays in the cache for the parts
    for ce in made.centres:
        whole = checks.whole(ce.id).centre
        assert whole.activity_months and not ce.activity_months


def test_a_change_of_day_applies_the_rules_again(tmp_path: Path) -> None:
    proj = copy_project(MINIMAL, tmp_path / "proj")
    _cached(proj, jobs=1)
    later = dt.date(2026, 12, 31)
    with Workers(1) as workers:
        cache = BuildCache(proj / CACHE_DIR)
        got = load(Project(proj), None, later, CachedChecks(cache, workers))
    want = load_project(proj, later)
    assert got.today == later
    assert got.report.sorted() == want.report.sorted()
    (ce,) = want.centres
    assert [(r.rule.id, r.findings) for r in got.results[ce.id]] == [
        (r.rule.id, r.findings) for r in want.results[ce.id]
    ]


def test_a_changed_ledger_is_read_against_the_records_in_the_cache(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A build records what it published in each centre's ledger; the next build reads the
    new ledger against the records' check in the cache instead of reading every record
    again, and hands down what a check from nothing does. Its problems with the ledger
    replace the old ones: a correction of what was never published is one, and goes when
    the correction goes."""
    proj = copy_project(ROOT, tmp_path / "proj")
    _, checks = _cached(proj, jobs=1)
    ledger = proj / "centres" / "huizhou-rongxi" / "published.yaml"
    text = ledger.read_text(encoding="utf-8")
    wrong = (
        "corrections:\n"
        "  - disclosure: plan/2031-01\n"
        "    date: 2027-03-12\n"
        "    reason: 名额误写\n"
        "    approved_by: 中心负责人\n"
    )
    assert text.count("corrections:\n") == 1
    ledger.write_text(text.replace("corrections:\n", wrong), encoding="utf-8")

    def read_again(*args: object) -> None:
        raise AssertionError("a centre whose records did not change was read again")

    # in this process (one job): no record is read again, the ledger is
    monkeypatch.setattr(parts, "check_written", read_again)
    got, checks = _cached(proj, jobs=1)
    monkeypatch.undo()
    want = load_project(proj, DAY)
    _same(got, want, checks)
    codes = [p.code for p in got.report.problems if "published.yaml" in p.file]
    assert codes and all(
        p.file.endswith("huizhou-rongxi/published.yaml")
        for p in got.report.problems
        if "published.yaml" in p.file
    )
    whole = checks.whole("huizhou-rongxi")
    assert set(codes) <= {p.code for p in whole.problems} and whole.centre.activity_months
    ledger.write_text(text, encoding="utf-8")
    back, checks = _cached(proj, jobs=2)
    _same(back, load_project(proj, DAY), checks)
    assert not [p for p in back.report.problems if "published.yaml" in p.file]


def test_the_loader_reads_the_projects_own_content(tmp_path: Path) -> None:
    """Rule packs and manuals come from the project's content/, never from the package's: the
    minimal project has its own pack and no manuals; given its own copy of the manuals, with
    one title changed, that title is what every writer is handed."""
    proj = copy_project(MINIMAL, tmp_path / "proj")
    validated = load_project(proj, DAY)
    assert set(validated.library.packs) == {"test-pack"}
    assert validated.manuals == {"demo": ()}
    manuals = proj / "content" / "manuals"
    shutil.copytree(ROOT / "content" / "manuals", manuals)
    archives = manuals / "archives.md"
    text = archives.read_text(encoding="utf-8")
    assert "title: 档案管理制度\n" in text
    archives.write_text(
        text.replace("title: 档案管理制度\n", "title: 本项目的档案管理制度\n"), encoding="utf-8"
    )
    own = load_project(proj, DAY)
    titles = [m.title for m in own.manuals["demo"]]
    assert "本项目的档案管理制度" in titles and "档案管理制度" not in titles
    assert load(Project(proj), None, DAY, WHOLE).manuals == own.manuals
    assert load(Project(proj), None, DAY, RECORDS).manuals == {"demo": ()}
