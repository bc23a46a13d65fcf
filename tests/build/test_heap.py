"""A build sets the centres it read apart from the cycle collector for as long as it runs
(``build.heap``), and leaves nothing set apart behind it: a process that builds again
(``gongshi serve``, the tests) collects what the last build left."""

from __future__ import annotations

import datetime as dt
import gc
import operator
import os
from multiprocessing import forkserver
from pathlib import Path

from generator.build import heap, orchestrate
from generator.build.orchestrate import build_site, preview_site
from generator.build.workers import Workers
from generator.records.validate import Validated
from tests.conftest import MINIMAL, copy_project

DAY = dt.date(2026, 4, 20)


def test_a_build_keeps_what_it_read_apart_only_while_it_runs(tmp_path: Path, monkeypatch) -> None:
    project = copy_project(MINIMAL, tmp_path / "project")
    seen: list[tuple[int, bool]] = []
    load = orchestrate.load

    def loading(*args, **kwargs):
        seen.append((gc.get_freeze_count(), gc.isenabled()))
        return load(*args, **kwargs)

    monkeypatch.setattr(orchestrate, "load", loading)
    before = gc.get_freeze_count()
    frozen_during: list[int] = []
    city = orchestrate.build_city

    def city_part(*args, **kwargs):
        frozen_during.append(gc.get_freeze_count())
        return city(*args, **kwargs)

    monkeypatch.setattr(orchestrate, "build_city", city_part)
    result = build_site(project, tmp_path / "site", today=DAY, pdf=False, ledger=False, jobs=1)
    assert not result.report.errors
    # the centres were read with the collector paused, then set apart for the city part...
    assert seen == [(before, False)]
    assert frozen_during and frozen_during[0] > before
    # ...and are the collector's again once the build is done
    assert gc.get_freeze_count() == 0 and gc.isenabled()


def test_the_workers_start_with_the_build_modules_set_apart() -> None:
    """The workers' forkserver loads the build's modules and sets them apart before it forks
    (generator.build.preload): a worker's collections walk only what it makes."""
    with Workers(2) as workers:
        frozen = workers.submit(operator.call, gc.get_freeze_count)()
        side = workers.aside(operator.call, gc.get_freeze_count)()
    assert frozen > 10_000 and side > 10_000  # the objects of generator.build.parts' imports


def test_warming_starts_the_workers_forkserver_before_any_work() -> None:
    """``Workers.warm`` starts the forkserver, which loads the build's modules while the
    build goes on (a build of many centres warms it before hashing their folders); the
    workers then fork from it."""
    with Workers(2) as workers:
        workers.warm()
        server = forkserver._forkserver._forkserver_pid
        assert server is not None and os.waitpid(server, os.WNOHANG) == (0, 0)  # running
        assert workers.pool is None  # no worker yet
        assert workers.submit(operator.call, gc.get_freeze_count)() > 10_000
        assert forkserver._forkserver._forkserver_pid == server  # forked from the warm one


def test_a_build_leaves_no_cycle_holding_the_centres_it_read(tmp_path: Path) -> None:
    """What a build read is freed when it returns, not left in a cycle for the collector's
    next full pass (at the end of a large city's build, seconds over a million objects)."""
    project = copy_project(MINIMAL, tmp_path / "project")
    gc.collect()
    flags = gc.get_debug()
    gc.set_debug(gc.DEBUG_SAVEALL)
    try:
        result = build_site(project, tmp_path / "site", today=DAY, pdf=False, ledger=False, jobs=1)
        assert not result.report.errors
        gc.collect()
        held = {type(o).__name__ for o in gc.garbage} & {
            "CachedChecks",
            "CentreChecked",
            "Centre",
            "Validated",
            "DayState",
        }
    finally:
        gc.garbage.clear()
        gc.set_debug(flags)
    assert held == set()


def test_a_process_that_ends_after_its_build_keeps_what_it_made(
    tmp_path: Path, monkeypatch
) -> None:
    """The ``gongshi`` command ends after its build (``heap.ending``): what the build read is
    kept to the process's end, not freed object by object first; any other process (``gongshi
    serve``, the tests) keeps nothing of a build."""
    project = copy_project(MINIMAL, tmp_path / "project")
    monkeypatch.setattr(heap, "_TO_THE_END", None)
    heap.ending()
    build_site(project, tmp_path / "site", today=DAY, pdf=False, ledger=False, jobs=1)
    kept = heap._TO_THE_END
    assert kept is not None
    assert any(isinstance(v, Validated) and v.centres for v in kept)
    # a preview (``gongshi serve`` builds again and again in one process) keeps nothing
    held = len(kept)
    preview_site(project, tmp_path / "preview", today=DAY, pdf=False, jobs=1)
    assert len(heap._TO_THE_END) == held
    monkeypatch.setattr(heap, "_TO_THE_END", None)
    build_site(project, tmp_path / "site", today=DAY, pdf=False, ledger=False, jobs=1)
    assert heap._TO_THE_END is None
