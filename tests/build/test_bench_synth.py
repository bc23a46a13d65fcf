"""The benchmark's synthetic city is valid: a small one passes `gongshi check` with no errors.

Correctness only; speed is measured by bench/run, never asserted in tests. The harness's
reading of `gongshi build`'s report (centres remade, pages, PDFs) is checked against the real
command, since the rebuild figures depend on it.
"""

from __future__ import annotations

import datetime as dt
import importlib.machinery
import importlib.util
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from generator.pipeline import load_project
from tests.synth_helpers import synth

ROOT = Path(__file__).resolve().parents[2]


def _run():
    """bench/run as a module (it is a script without the .py suffix)."""
    if "bench_run" in sys.modules:
        return sys.modules["bench_run"]
    os.environ["GONGSHI_BENCH_NO_REEXEC"] = "1"  # never re-executed under another interpreter
    loader = importlib.machinery.SourceFileLoader("bench_run", str(ROOT / "bench" / "run"))
    spec = importlib.util.spec_from_loader("bench_run", loader)
    assert spec
    mod = importlib.util.module_from_spec(spec)
    sys.modules["bench_run"] = mod
    loader.exec_module(mod)
    return mod


@pytest.fixture(scope="module")
def city(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return synth().generate_city(tmp_path_factory.mktemp("city") / "proj", 3, years=1, seed=5)


def test_small_city_passes_check(city: Path) -> None:
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "generator",
            "check",
            str(city),
            "--today",
            synth().today_for(2026, 1).isoformat(),
            "--format",
            "json",
        ],
        check=False,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    validated = load_project(city, synth().today_for(2026, 1))
    assert validated.report.errors == [], validated.report.format("text")
    assert sorted(c.id for c in validated.centres) == sorted(
        p.name for p in (city / "centres").iterdir()
    )
    assert len(validated.centres) == 3


def test_centres_have_a_full_year_of_every_record(city: Path) -> None:
    for centre in load_project(city).centres:
        assert [p.key for p in centre.plans] == [f"2026-{m:02d}" for m in range(1, 13)]
        assert [a.key for a in centre.activity_months] == [p.key for p in centre.plans]
        assert [q.key for q in centre.quarters] == [f"2026-Q{q}" for q in range(1, 5)]
        assert [a.year for a in centre.audits] == [2026]
        assert [e.year for e in centre.evaluations] == [2026]
        assert sum(len(p.activities) for p in centre.plans) >= 12 * 8


def test_same_seed_same_city_other_seed_other_city(tmp_path: Path) -> None:
    module = synth()
    a = module.generate_city(tmp_path / "a", 2, seed=9)
    b = module.generate_city(tmp_path / "b", 2, seed=9)
    c = module.generate_city(tmp_path / "c", 2, seed=10)

    def files(root: Path) -> dict[str, bytes]:
        return {
            p.relative_to(root).as_posix(): p.read_bytes()
            for p in sorted((root / "centres").rglob("*"))
            if p.is_file()
        }

    assert files(a) == files(b)
    assert files(a) != files(c)


@pytest.mark.parametrize(
    "text", ["8.4", "true", "2026-01-01", "a: b", "#x", "- y", "null", "16:30"]
)
def test_scalars_read_back_as_the_same_text(text: str) -> None:
    from generator.records.load import parse_yaml

    node, problems = parse_yaml(f"k: {synth().scalar(text)}\n", "t.yaml")
    assert problems == []
    assert node.get("k").text == text


def test_the_benchmark_days_have_nothing_overdue(city: Path) -> None:
    """bench/run builds on today_for and, for the next-day rebuild, the day after."""
    today = synth().today_for(2026, 1)
    for day in (today, today + dt.timedelta(days=1)):
        report = load_project(city, day).report
        assert report.errors == [], (day, report.format("text"))


@pytest.mark.slow
def test_harness_reads_what_the_build_remade(city: Path, tmp_path: Path) -> None:
    run = _run()
    proj = tmp_path / "proj"
    shutil.copytree(city, proj)
    today = synth().today_for(2026, 1).isoformat()

    def build() -> dict:
        proc = subprocess.run(
            [
                sys.executable,
                "-m",
                "generator",
                "build",
                str(proj),
                "--out",
                str(tmp_path / "site"),
                "--today",
                today,
                "--no-pdf",
                "--no-ledger",
                "--jobs",
                "1",
            ],
            check=False,
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=600,
        )
        assert proc.returncode == 0, proc.stdout + proc.stderr
        return run.build_report(proc.stdout, 3)

    cold = build()
    assert (cold["made"], cold["reused"]) == (3, 0)
    assert cold["pages"] > 3 * 12 and cold["pdfs"] == 0
    warm = build()
    assert (warm["made"], warm["reused"], warm["pages"]) == (0, 3, cold["pages"])
    path, original = run.change_one_quarter(proj)
    assert path.read_text(encoding="utf-8") != original
    changed = build()
    assert (changed["made"], changed["reused"]) == (1, 2)
    assert not list((proj / "centres").glob("*/published.yaml"))  # --no-ledger wrote nothing
    sizes = run.index_sizes(tmp_path / "site")
    assert sizes["centre_indexes"] == 3
    assert 0 < sizes["centre_index_mean"] <= sizes["centre_index_max"]
    assert sizes["city_index_bytes"] > 0
