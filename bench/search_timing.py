"""Time to the first search result in headless Chromium, per search scope size.

For each scope size S (centres whose pages share one search index: 1 = search per centre,
~10–25 = per district) it builds a project of the first S centres of the synthetic city with
`gongshi build --no-pdf`, serves it on 127.0.0.1, opens the home page in Debian's Chromium
(Playwright, no browser download), types a query into the search box and measures the time
from navigation start to the first result on screen. mkdocs-material fetches the whole
search_index.json and builds the lunr index in a web worker before it can answer, so this time
grows with the index size.

Run through ``bench/run --search [--search-sizes 1,10,100]``.
"""

from __future__ import annotations

import contextlib
import functools
import http.server
import shutil
import socketserver
import threading
import time
from collections.abc import Iterator
from pathlib import Path

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run"]
QUERIES = ("审计", "四点半学校", "长者")


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


@contextlib.contextmanager
def serve(folder: Path) -> Iterator[str]:
    handler = functools.partial(_Quiet, directory=str(folder))
    with socketserver.ThreadingTCPServer(("127.0.0.1", 0), handler) as httpd:
        thread = threading.Thread(target=httpd.serve_forever, daemon=True)
        thread.start()
        try:
            yield f"http://127.0.0.1:{httpd.server_address[1]}/"
        finally:
            httpd.shutdown()


def time_queries(site: Path, timeout_s: float = 90) -> list[dict]:
    from playwright.sync_api import TimeoutError as PlaywrightTimeout
    from playwright.sync_api import sync_playwright

    out = []
    with serve(site) as base, sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        try:
            for query in QUERIES:
                ctx = browser.new_context(viewport={"width": 1280, "height": 900})
                page = ctx.new_page()
                t0 = time.perf_counter()
                page.goto(base, wait_until="domcontentloaded")
                loaded = time.perf_counter() - t0
                page.click("input.md-search__input")
                page.keyboard.type(query)
                try:
                    page.wait_for_selector(".md-search-result__item", timeout=timeout_s * 1000)
                except PlaywrightTimeout:
                    meta = page.query_selector(".md-search-result__meta")
                    out.append({"query": query, "page_loaded_s": loaded, "first_result_s": None,
                                "meta": meta.inner_text() if meta else None})
                    ctx.close()
                    continue
                first = time.perf_counter() - t0
                hits = page.eval_on_selector_all(".md-search-result__item", "els => els.length")
                out.append({"query": query, "page_loaded_s": loaded, "first_result_s": first,
                            "results_shown": hits})
                ctx.close()
        finally:
            browser.close()
    return out


def first_result(a, run) -> dict:
    from synth import today_for

    sizes = [int(x) for x in a.search_sizes.split(",")]
    city, _ = run.ensure_city(max(sizes), a.years, a.seed, a.out)
    work = a.out / "work" / "search"
    work.mkdir(parents=True, exist_ok=True)
    log = work / "log.txt"
    today = today_for(2026, a.years).isoformat()
    results = {}
    for s in sizes:
        centres = sorted(p for p in (city / "centres").iterdir())[:s]
        proj = work / f"proj-{s}"
        shutil.rmtree(proj, ignore_errors=True)
        shutil.copytree(city / "content", proj / "content")
        for c in centres:
            shutil.copytree(c, proj / "centres" / c.name)
        site = work / f"site-{s}"
        u = run.run_child([run.sys.executable, "-m", "generator", "build", str(proj), "--out",
                           str(site), "--today", today, "--no-pdf"], log)
        if u["exit"] != 0:
            raise SystemExit(f"search site build failed ({s}); see {log}")
        index = site / "search" / "search_index.json"
        entry = {"centres": s, "index_bytes": index.stat().st_size, "build": u}
        entry["queries"] = time_queries(site)
        results[str(s)] = entry
        times = [q["first_result_s"] for q in entry["queries"] if q["first_result_s"] is not None]
        run.say(f"search scope of {s} centres: index {entry['index_bytes'] / 2**20:.1f} MB, first "
                f"result {max(times, default=float('nan')):.2f} s")
        if not a.keep:
            shutil.rmtree(site, ignore_errors=True)
            shutil.rmtree(proj, ignore_errors=True)
    return results
