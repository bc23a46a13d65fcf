"""Shared fixtures: a small valid project to break one way at a time, and the sample centres.

Builds never run in the repository: a build writes its cache (``.gongshi-cache/``) and, with
the ledger on, ``published.yaml`` into the project it builds, so tests build copies made by
``copy_project`` in a temporary folder. The session fixtures below load or copy the samples
once for every test that only reads them.
"""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest

from generator.pipeline import load_project, validate_project
from generator.problems import Problem
from generator.records.validate import Project, Validated

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"
MINIMAL = FIXTURES / "minimal"
#: The samples describe 2026; their pages and checks are made as on this day.
SAMPLE_DAY = dt.date(2026, 11, 22)
#: What a project is: its records and its content. Anything else in its folder (a build
#: cache, an output folder) is left behind by ``copy_project``.
PROJECT_PARTS = ("centres", "content")


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--update-golden", action="store_true", help="rewrite golden files")


@pytest.fixture
def update_golden(request: pytest.FixtureRequest) -> bool:
    return bool(request.config.getoption("--update-golden"))


def copy_project(src: Path, dest: Path) -> Path:
    """Copy the records and content of the project at ``src`` (the repository for the samples,
    or ``MINIMAL``) to ``dest``, without any build cache or output; returns ``dest``."""
    dest.mkdir(parents=True, exist_ok=True)
    for part in PROJECT_PARTS:
        if (src / part).is_dir():
            shutil.copytree(src / part, dest / part)
    return dest


def make_project(tmp_path: Path, edits: dict[str, str | bytes | None] | None = None) -> Path:
    """Copy the minimal project and apply edits (path under centres/demo → text; None deletes)."""
    dest = copy_project(MINIMAL, tmp_path / "proj")
    for rel, text in (edits or {}).items():
        path = dest / "centres" / "demo" / rel
        if text is None:
            path.unlink()
            continue
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(text, bytes):
            path.write_bytes(text)
        else:
            path.write_text(text, encoding="utf-8")
    return dest


def problems_of(
    tmp_path: Path, edits: dict[str, str | bytes | None] | None = None
) -> list[Problem]:
    proj = make_project(tmp_path, edits)
    return validate_project(Project(proj)).report.sorted()


def read_fixture(rel: str) -> str:
    return (MINIMAL / "centres" / "demo" / rel).read_text(encoding="utf-8")


def assert_problems(tmp_path: Path, edits: dict, *expected: tuple[str, int, str]) -> None:
    """Assert exactly these (file under the centre, line, code) problems are reported."""
    got = {
        (p.file.split("centres/demo/", 1)[-1], p.line, p.code) for p in problems_of(tmp_path, edits)
    }
    assert got == set(expected), f"got {sorted(got)}"


# ---------------------------------------------------------------- the samples, once a session
# The results below are shared by every test of the run: read them, never change them (copy
# a list or dict before editing it, or build a changed value with dataclasses.replace).


@pytest.fixture(scope="session")
def samples_loaded() -> Validated:
    """The sample centres through the whole pipeline (``load_project``), checked today."""
    return load_project(ROOT)


@pytest.fixture(scope="session")
def samples_validated() -> Validated:
    """The sample centres' records validated (``validate_project``), without the rules."""
    return validate_project(Project(ROOT))


@pytest.fixture(scope="session")
def samples_rendered():
    """The sample site's pages and files as ``render_site`` makes them on ``SAMPLE_DAY``
    (no mkdocs)."""
    # imported here, so that a broken site module fails the tests that use it, not every test
    from generator.site.pages import render_site

    validated = load_project(ROOT, SAMPLE_DAY)
    assert not validated.report.errors, validated.report.format("text")
    return render_site(validated, ROOT, today=SAMPLE_DAY)


@pytest.fixture(scope="session")
def samples_copy(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the sample project to build: builds share it (and its build cache), so a
    build must not change its records (build it with ``--no-ledger``/``ledger=False``)."""
    return copy_project(ROOT, tmp_path_factory.mktemp("samples") / "proj")
