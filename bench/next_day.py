"""The next day with nothing changed: how long the build takes and how many centres it makes.

A synthetic city (bench/synth.py) is built from nothing with ``--today D`` (cold: no cache),
then again with ``--today D+1`` and no record changed, and a copy of the city without its
cache is built from nothing on D+1. The second build should take every centre's part from the
cache (its few pages that print the day made again for D+1, no PDF compiled) and make the city
pages; its centres' files should be byte for byte those of the build from nothing on D+1.
Prints the wall times, the centres made and taken from the cache as the build itself reports
them, and whether the centres' files are the same.

Usage::

    .venv/bin/python bench/next_day.py [--centres 100] [--jobs N] [--pdf] [--keep DIR]

PDFs are left out by default (``--no-pdf``), so the run takes a few minutes at 100 centres;
``--pdf`` includes them. The builds run a snapshot of the code (generator/, site_templates/,
content/, docs/schema/, mkdocs.yml copied at the start), so an edit to the working tree while
the benchmark runs cannot change the generator between the two builds (which would rightly
make every part again).
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import importlib.util
import os
import platform
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SNAPSHOT = ("generator", "site_templates", "content", "docs/schema", "mkdocs.yml")
REUSED = re.compile(r"其中 (\d+) 个中心的记录未改动.*?重新生成了 (\d+) 个中心")
PAGES = re.compile(r"（(\d+) 个页面，(\d+) 个 PDF）")


def synth():
    """bench/synth.py as a module."""
    spec = importlib.util.spec_from_file_location("bench_synth", ROOT / "bench" / "synth.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules["bench_synth"] = module  # dataclasses look their module up while made
    spec.loader.exec_module(module)
    return module


def snapshot(dest: Path) -> Path:
    """A copy of the code the builds run (``SNAPSHOT``), without caches."""
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc")
    for rel in SNAPSHOT:
        src, target = ROOT / rel, dest / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        if src.is_dir():
            shutil.copytree(src, target, ignore=ignore)
        else:
            shutil.copy2(src, target)
    return dest


def build(code: Path, project: Path, out: Path, day: dt.date, jobs: int, pdf: bool) -> dict:
    """One `gongshi build` of the code in ``code`` through the command line: wall time and
    what it reported."""
    args = [sys.executable, "-m", "generator", "build", str(project), "--out", str(out)]
    args += ["--today", day.isoformat(), "--no-ledger", "--jobs", str(jobs)]
    if not pdf:
        args.append("--no-pdf")
    env = dict(os.environ, PYTHONPATH=str(code))
    start = time.perf_counter()
    done = subprocess.run(args, cwd=code, env=env, capture_output=True, text=True, check=False)
    wall = time.perf_counter() - start
    if done.returncode != 0:
        sys.stderr.write(done.stdout + done.stderr)
        raise SystemExit(f"gongshi build failed on {day} (exit {done.returncode})")
    reused = REUSED.search(done.stdout)
    pages = PAGES.search(done.stdout)
    centres = len(list((project / "centres").iterdir()))
    made, kept = (int(reused.group(2)), int(reused.group(1))) if reused else (centres, 0)
    return {
        "wall": wall,
        "made": made,
        "reused": kept,
        "pages": int(pages.group(1)) if pages else 0,
        "pdfs": int(pages.group(2)) if pages else 0,
    }


def centre_files(site: Path) -> dict[str, str]:
    """SHA-256 of every file of the centres' parts (centres/<id>/, data/<id>/, print/<id>/)."""
    out = {}
    for path in sorted(site.rglob("*")):
        rel = path.relative_to(site).as_posix()
        if path.is_file() and rel.split("/", 1)[0] in ("centres", "data", "print"):
            if rel.count("/") >= 2:
                out[rel] = hashlib.sha256(path.read_bytes()).hexdigest()
    return out


def machine() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text(encoding="utf-8").splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return f"{cpu}, {os.cpu_count()} cores, Python {platform.python_version()}"


def commit() -> str:
    done = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    return done.stdout.strip() or "unknown"


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    p.add_argument("--centres", type=int, default=100)
    p.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    p.add_argument("--pdf", action="store_true", help="make the PDFs too")
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--keep", type=Path, help="build in this folder and keep it")
    a = p.parse_args(argv)
    work = a.keep or Path(tempfile.mkdtemp(prefix="gongshi-next-day-"))
    try:
        s = synth()
        code, project = work / "code", work / "city"
        for old in (code, project):
            if old.exists():
                shutil.rmtree(old)
        snapshot(code)
        start = time.perf_counter()
        s.generate_city(project, a.centres, years=1, seed=a.seed)
        made_in = time.perf_counter() - start
        day = s.today_for(2026, 1)
        cold = build(code, project, work / "day1", day, a.jobs, a.pdf)
        nxt = build(code, project, work / "day2", day + dt.timedelta(days=1), a.jobs, a.pdf)
        fresh_city = work / "city-fresh"
        if fresh_city.exists():
            shutil.rmtree(fresh_city)
        shutil.copytree(project, fresh_city, ignore=shutil.ignore_patterns(".gongshi-cache"))
        fresh = build(code, fresh_city, work / "fresh", day + dt.timedelta(days=1), a.jobs, a.pdf)
        after, expected = centre_files(work / "day2"), centre_files(work / "fresh")
        same = after == expected
        print(f"machine: {machine()}")
        print(f"date: {dt.date.today().isoformat()}, commit {commit()}")
        print(
            f"city: {a.centres} centres (made in {made_in:.1f} s), "
            f"jobs {a.jobs}, PDFs {'on' if a.pdf else 'off'}"
        )
        print(
            f"cold build ({day}): {cold['wall']:.1f} s, {cold['made']} centre parts made, "
            f"{cold['pages']} pages, {cold['pdfs']} PDFs"
        )
        print(
            f"next day ({day + dt.timedelta(days=1)}), nothing changed: {nxt['wall']:.1f} s, "
            f"{nxt['made']} centre parts made, {nxt['reused']} from the cache"
        )
        print(
            f"from nothing on the next day: {fresh['wall']:.1f} s; centres' files the same "
            f"byte for byte: {'yes' if same else 'no'} ({len(after)} files)"
        )
        return 0 if nxt["made"] == 0 and same else 1
    finally:
        if a.keep is None:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    raise SystemExit(main())
