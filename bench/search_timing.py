"""Time to the first search result in headless Chromium, for both search scopes of the site.

The site is built in parts (generator/build/parts.py), so it has two kinds of search scope:

- a **centre**: every page under ``centres/<id>/`` searches that centre's own index
  ``centres/<id>/search/search_index.json`` (its size does not depend on the city's size);
- the **city**: the home page, the centres index, open data and about search
  ``search/search_index.json``, whose size grows with the number of centres (the home page and
  the centres index list every centre).

For each city size S of ``--search-sizes`` it takes the site of the synthetic city of S centres
(the one a ``bench/run --sizes S --keep`` run left in ``OUT/work/nS/site``, or else builds one
with ``gongshi build --no-pdf --no-ledger``), serves it on 127.0.0.1, and in Debian's Chromium
(Playwright, no browser download) opens a centre's page and the home page, types a query into
the search box and measures the time from navigation start to the first result on screen, each
query in a fresh browser context (nothing cached). mkdocs-material fetches the whole index and
builds the lunr index in a web worker before it can answer, so this time follows the index size.

Run through ``bench/run --search [--search-sizes 1,10,100]``.
"""

from __future__ import annotations

import contextlib
import functools
import http.server
import socketserver
import threading
import time
from collections.abc import Iterator
from pathlib import Path

CHROMIUM = "/usr/bin/chromium"
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
# words found in every synthetic centre's pages / in the city pages
CENTRE_QUERIES = ("审计", "四点半学校", "长者")
CITY_QUERIES = ("服务中心", "开放数据", "隐私")


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


def time_queries(
    site: Path, path: str, queries: tuple[str, ...], timeout_s: float = 60
) -> list[dict]:
    """First-result time of each query on the page ``path`` of the served ``site``."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout
    from playwright.sync_api import sync_playwright

    out = []
    with serve(site) as base, sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        try:
            # a first context that is thrown away: the browser's own start-up costs
            ctx = browser.new_context()
            ctx.new_page().goto(base + path, wait_until="domcontentloaded")
            ctx.close()
            for query in queries:
                ctx = browser.new_context(viewport={"width": 1280, "height": 900})
                page = ctx.new_page()
                t0 = time.perf_counter()
                page.goto(base + path, wait_until="domcontentloaded")
                loaded = time.perf_counter() - t0
                page.click("input.md-search__input")
                page.keyboard.type(query)
                # Playwright types Chinese with insertText, which sends no key events, and
                # mkdocs-material reads the query on keyup (or just after focus): without a
                # key press the query is lost whenever the typing ends after that read.
                page.keyboard.press("End")
                entry: dict = {"query": query, "page_loaded_s": loaded}
                try:
                    page.wait_for_selector(".md-search-result__item", timeout=timeout_s * 1000)
                except PlaywrightTimeout:
                    meta = page.query_selector(".md-search-result__meta")
                    entry.update(first_result_s=None, meta=meta.inner_text() if meta else None)
                else:
                    entry["first_result_s"] = time.perf_counter() - t0
                    entry["results_shown"] = page.eval_on_selector_all(
                        ".md-search-result__item", "els => els.length"
                    )
                    first = page.query_selector(".md-search-result__item a")
                    entry["first_href"] = first.get_attribute("href") if first else None
                out.append(entry)
                ctx.close()
        finally:
            browser.close()
    return out


def _site_for(s: int, a, run, work: Path, log: Path) -> tuple[Path, dict | None]:
    """A built site of the synthetic city of ``s`` centres: a kept one, or a new --no-pdf one."""
    kept = a.out / "work" / f"n{s}" / "site"
    if (kept / "search" / "search_index.json").exists():
        return kept, None
    from synth import today_for

    city, _ = run.ensure_city(s, a.years, a.seed, a.out)
    site = work / f"site-{s}"
    run.remove_site(site)
    u = run.run_tree(
        [
            run.sys.executable,
            "-m",
            "generator",
            "build",
            str(city),
            "--out",
            str(site),
            "--today",
            today_for(2026, a.years).isoformat(),
            "--no-pdf",
            "--no-ledger",
            "--jobs",
            str(a.jobs),
        ],
        log,
    )
    u.pop("rss_series", None)
    if u["exit"] != 0:
        raise SystemExit(f"search site build failed ({s} centres); see {log}")
    return site, u


def _slowest(entries: list[dict]) -> float:
    times = [q["first_result_s"] for q in entries if q["first_result_s"] is not None]
    return max(times, default=float("nan"))


def first_result(a, run) -> dict:
    sizes = [int(x) for x in a.search_sizes.split(",") if x.strip()]
    work = a.out / "work" / "search"
    work.mkdir(parents=True, exist_ok=True)
    log = work / "log.txt"
    results = {}
    for s in sizes:
        site, build = _site_for(s, a, run, work, log)
        centre = min(
            p.parent.parent.name for p in (site / "centres").glob("*/search/search_index.json")
        )
        centre_index = site / "centres" / centre / "search" / "search_index.json"
        entry = {
            "centres": s,
            "site": str(site),
            "build": build,
            "centre": centre,
            "centre_index_bytes": centre_index.stat().st_size,
            "city_index_bytes": (site / "search" / "search_index.json").stat().st_size,
            "centre_page": time_queries(site, f"centres/{centre}/", CENTRE_QUERIES),
            "home_page": time_queries(site, "", CITY_QUERIES),
        }
        results[str(s)] = entry
        run.say(
            f"search, city of {s}: centre page (index {entry['centre_index_bytes'] / 1024:.0f}"
            f" KB) first result ≤ {_slowest(entry['centre_page']):.2f} s; home page (index "
            f"{entry['city_index_bytes'] / 1024:.0f} KB) ≤ {_slowest(entry['home_page']):.2f} s"
        )
        if not a.keep and build is not None:
            run.remove_site(site)
    results["table"] = fmt_search(results)
    return results


def fmt_search(results: dict) -> str:
    lines = [
        "| city | scope | index (KB) | first result (s): "
        + " / ".join(CENTRE_QUERIES)
        + " (centre), "
        + " / ".join(CITY_QUERIES)
        + " (city) |",
        "|---|---|---:|---|",
    ]
    for s, e in results.items():
        if not isinstance(e, dict):
            continue
        for scope, key, index in (
            ("a centre's pages", "centre_page", "centre_index_bytes"),
            ("home page (city)", "home_page", "city_index_bytes"),
        ):
            times = " / ".join(
                "–" if q["first_result_s"] is None else f"{q['first_result_s']:.2f}" for q in e[key]
            )
            lines.append(f"| N={s} | {scope} | {e[index] / 1024:.0f} | {times} |")
    return "\n".join(lines)
