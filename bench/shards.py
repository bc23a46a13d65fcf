"""Shard simulation: K shards of M centres built one after another vs one project of K×M.

A province-sized deployment splits its centres into independent projects (one per district,
say), builds each with `gongshi build` on any batch runner, and joins them with a small index
site: one page of links and a combined open-data index. This module simulates that here:

1. one synthetic city of K×M centres (bench/synth.py; centre ids start with the district);
2. K shard projects, each a full gongshi project holding M consecutive centres (whole
   districts where the numbers allow) and its own copy of content/;
3. each shard built with `gongshi build --no-pdf --no-ledger --jobs J` in turn, cache deleted
   first (PDFs are per centre, so sharding does not change their cost), then the whole city as
   one project, for comparison; wall and CPU time and peak memory of each build's process
   tree (``run.run_tree``);
4. the join (`gongshi join`, generator/build/join.py) reads each shard's data/centres.json
   and writes the index site.

Run through ``bench/run --shards 4x50``.
"""

from __future__ import annotations

import datetime as dt
import shutil
import time
from pathlib import Path

from generator.build.join import Shard, join_shards


def split_city(city: Path, shards: int, dest: Path) -> list[Path]:
    """Copy the city's centres into ``shards`` projects of consecutive centres."""
    centres = sorted(p for p in (city / "centres").iterdir() if p.is_dir())
    size = -(-len(centres) // shards)
    out = []
    shutil.rmtree(dest, ignore_errors=True)
    for k in range(shards):
        proj = dest / f"shard-{k + 1}"
        shutil.copytree(city / "content", proj / "content")
        for c in centres[k * size : (k + 1) * size]:
            shutil.copytree(c, proj / "centres" / c.name)
        out.append(proj)
    return out


def simulate(a, run) -> dict:
    """Build K shards of M centres in turn, then all K×M as one project; time the join."""
    from synth import today_for

    k, m = (int(x) for x in a.shards.lower().split("x"))
    city, _ = run.ensure_city(k * m, a.years, a.seed, a.out)
    work = a.out / "work" / f"shards-{k}x{m}"
    work.mkdir(parents=True, exist_ok=True)
    log = work / "log.txt"
    log.write_text("")
    today = today_for(2026, a.years).isoformat()
    projects = split_city(city, k, work / "projects")
    result: dict = {"shards": k, "centres_per_shard": m, "builds": []}
    sites = {}

    def build(proj: Path, site: Path) -> dict:
        shutil.rmtree(proj / ".gongshi-cache", ignore_errors=True)
        u = run.run_tree(
            [
                run.sys.executable,
                "-m",
                "generator",
                "build",
                str(proj),
                "--out",
                str(site),
                "--today",
                today,
                "--no-pdf",
                "--no-ledger",
                "--jobs",
                str(a.jobs),
            ],
            log,
        )
        u.pop("rss_series", None)
        if u["exit"] != 0:
            raise SystemExit(f"shard build failed: {proj}; see {log}")
        u["city_index_bytes"] = (site / "search" / "search_index.json").stat().st_size
        return u

    for proj in projects:
        site = work / "sites" / proj.name
        u = build(proj, site)
        result["builds"].append(u)
        sites[proj.name] = site
        run.say(
            f"shard {proj.name}: {u['wall_s']:.1f} s, {u['cpu_s']:.1f} s CPU, "
            f"{u['peak_tree_rss_mb']:.0f} MB"
        )
    result["shards_total_wall_s"] = sum(b["wall_s"] for b in result["builds"])
    result["shards_total_cpu_s"] = sum(b["cpu_s"] for b in result["builds"])
    result["shard_peak_tree_rss_mb"] = max(b["peak_tree_rss_mb"] for b in result["builds"])
    result["shard_max_wall_s"] = max(b["wall_s"] for b in result["builds"])
    t = time.perf_counter()
    shards = [Shard(name, site) for name, site in sites.items()]
    count = join_shards(shards, work / "index-site", dt.date.fromisoformat(today))
    result["join"] = {"centres": count}
    result["join_s"] = time.perf_counter() - t
    u = build(city, work / "sites" / "whole")
    result["whole"] = u
    run.say(
        f"whole city of {k * m}: {u['wall_s']:.1f} s, {u['cpu_s']:.1f} s CPU, "
        f"{u['peak_tree_rss_mb']:.0f} MB"
    )
    if not a.keep:
        shutil.rmtree(work / "sites", ignore_errors=True)
        shutil.rmtree(work / "projects", ignore_errors=True)
    return result
