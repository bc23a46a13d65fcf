"""A first build's workers share jieba's dictionary, loaded once by their forkserver
(generator.build.preload_words); a build that reads most centres from the cache does not
wait for it. Each case runs in a process of its own: the forkserver serves every build of
the process that started it."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from generator.build.cache import BuildCache
from generator.build.orchestrate import _first_build
from generator.build.parts import PARTS
from generator.build.workers import PRELOAD, PRELOAD_WORDS
from tests.conftest import ROOT, copy_project

PROBE = """
import jieba


def loaded(_):
    return jieba.dt.initialized and len(jieba.dt.FREQ) > 100_000
"""


@pytest.mark.parametrize("words", [True, False])
def test_the_workers_of_a_first_build_start_with_jieba_loaded(tmp_path: Path, words: bool) -> None:
    (tmp_path / "probe.py").write_text(PROBE, encoding="utf-8")
    code = (
        f"import sys; sys.path.insert(0, {str(tmp_path)!r})\n"
        "import probe\n"
        "from generator.build.workers import Workers\n"
        "with Workers(2) as workers:\n"
        f"    workers.warm(words={words})\n"
        "    print(workers.submit(probe.loaded, None)(), workers.aside(probe.loaded, None)())\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == [str(words)] * 2


def test_a_first_build_is_one_whose_cache_holds_few_parts(tmp_path: Path) -> None:
    cache = BuildCache(tmp_path / "cache")
    assert _first_build(cache, 200)  # no cache yet
    parts = cache.folder / PARTS
    for i in range(99):
        (parts / f"c{i:03}").mkdir(parents=True)
        (parts / f"c{i:03}.json").write_text("{}", encoding="utf-8")
    assert _first_build(cache, 200)
    (parts / "c099").mkdir()
    (parts / "c099.json").write_text("{}", encoding="utf-8")
    assert not _first_build(cache, 200)  # half the centres have a part


BUILD = """
import datetime as dt, sys
from multiprocessing import forkserver
from pathlib import Path
from generator.build.orchestrate import build_site
proj = Path(sys.argv[1])
result = build_site(proj, proj / "out", today=dt.date(2026, 11, 22), pdf=False, ledger=False, jobs=2)
# what the workers' forkserver loaded (none started when no part was made)
print(result.made, forkserver._forkserver._preload_modules or [])
"""


def test_a_small_city_s_workers_share_jieba_when_they_make_most_parts(tmp_path: Path) -> None:
    """A city of fewer than READ_HERE centres starts its workers when it makes its parts; with
    the dictionary in their forkserver when they make most of them."""
    proj = copy_project(ROOT, tmp_path / "proj")

    def build() -> str:
        done = subprocess.run(
            [sys.executable, "-c", BUILD, str(proj)],
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=600,
        )
        assert done.returncode == 0, done.stderr
        return done.stdout.strip()

    centres = sorted(p.name for p in (proj / "centres").iterdir() if p.is_dir())
    assert len(centres) == 3
    assert build() == f"{centres} {list(PRELOAD_WORDS)}"
    record = proj / "centres" / centres[0] / "centre.yaml"
    record.write_text(record.read_text(encoding="utf-8") + "# 改过\n", encoding="utf-8")
    assert build() == f"{centres[:1]} {list(PRELOAD)}"
