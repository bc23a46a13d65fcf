"""Shared fixtures: a small valid project to break one way at a time."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from generator.pipeline import validate_project
from generator.problems import Problem
from generator.records.validate import Project

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"
MINIMAL = FIXTURES / "minimal"


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--update-golden", action="store_true", help="rewrite golden files")


@pytest.fixture
def update_golden(request: pytest.FixtureRequest) -> bool:
    return bool(request.config.getoption("--update-golden"))


def make_project(tmp_path: Path, edits: dict[str, str | bytes | None] | None = None) -> Path:
    """Copy the minimal project and apply edits (path under centres/demo → text; None deletes)."""
    dest = tmp_path / "proj"
    shutil.copytree(MINIMAL, dest)
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
