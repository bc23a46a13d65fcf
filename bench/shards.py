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
4. the join: `join_shards` reads each shard's data/centres.json and writes an index site.

Run through ``bench/run --shards 4x50``.
"""

from __future__ import annotations

import datetime as dt
import html
import json
import shutil
import time
from pathlib import Path


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


def join_shards(sites: dict[str, Path], dest: Path, today: dt.date) -> dict:
    """Write the index site: links to every shard and centre, and the combined centres.json."""
    dest.mkdir(parents=True, exist_ok=True)
    combined = []
    rows = []
    for name, site in sites.items():
        data = json.loads((site / "data" / "centres.json").read_text(encoding="utf-8"))
        for c in data["centres"]:
            entry = dict(c)
            entry["shard"] = name
            entry["page"] = f"{name}/{c['page']}"
            entry["files"] = json.loads(
                json.dumps(c.get("files", {})).replace('"data/', f'"{name}/data/')
            )
            combined.append(entry)
            rows.append(
                f'<li><a href="{html.escape(entry["page"])}">{html.escape(c["name"])}</a>'
                f"（{html.escape(c.get('district', ''))}）</li>"
            )
    (dest / "data").mkdir(exist_ok=True)
    (dest / "data" / "centres.json").write_text(
        json.dumps(
            {"generated": today.isoformat(), "centres": combined}, ensure_ascii=False, indent=1
        ),
        encoding="utf-8",
    )
    shard_links = "".join(f'<li><a href="{n}/">{n}</a></li>' for n in sites)
    (dest / "index.html").write_text(
        '<!doctype html><html lang="zh-CN"><meta charset="utf-8"><title>社区服务中心信息公示</title>'
        f"<h1>社区服务中心信息公示</h1><h2>各区</h2><ul>{shard_links}</ul>"
        f"<h2>各中心</h2><ul>{''.join(rows)}</ul></html>",
        encoding="utf-8",
    )
    return {"centres": len(combined)}


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
    result["join"] = join_shards(sites, work / "index-site", dt.date.fromisoformat(today))
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
