"""The fixture built with both site engines: mkdocs-material (the default) and Zensical
(``gongshi build --engine zensical``). The same pages with the same article text; under
Zensical, search in Chinese that stays within the centre, and no accessibility violation."""

from __future__ import annotations

import json
from html.parser import HTMLParser
from pathlib import Path

import pytest

from tests.conftest import copy_project
from tests.site_helpers import (
    MINIMAL,
    axe_source,
    build,
    chromium_browser,
    new_context,
    serve,
)

pytestmark = pytest.mark.slow

TODAY = "2027-04-01"  # every record of the fixture is published by then
CENTRE = "centres/demo/"
# the dialog's words as Zensical 0.0.73 writes them; none may show
ENGLISH = ("Search", "Close search", "Filters", "Tags", "No results", "results", "Loading")


@pytest.fixture(scope="module")
def sites(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    tmp = tmp_path_factory.mktemp("engines")
    out = {}
    for name in ("mkdocs", "zensical"):
        project = copy_project(MINIMAL, tmp / f"proj-{name}")
        out[name] = tmp / f"site-{name}"
        done = build(project, out[name], TODAY, "--no-ledger", "--engine", name)
        assert done.returncode == 0, done.stderr
    return out


class _Article(HTMLParser):
    """The text of a page's <article> element, whitespace collapsed."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.depth = 0
        self.found = False
        self.parts: list[str] = []

    def handle_starttag(self, tag: str, attrs: list) -> None:
        if tag == "article":
            self.depth += 1
            self.found = True

    def handle_endtag(self, tag: str) -> None:
        if tag == "article" and self.depth:
            self.depth -= 1

    def handle_data(self, data: str) -> None:
        if self.depth:
            self.parts.append(data)


def article_text(path: Path) -> str | None:
    parser = _Article()
    parser.feed(path.read_text(encoding="utf-8"))
    return " ".join("".join(parser.parts).split()) if parser.found else None


def _pages(site: Path) -> list[str]:
    return sorted(p.relative_to(site).as_posix() for p in site.rglob("*.html"))


def test_both_engines_make_the_same_pages_with_the_same_article_text(sites) -> None:
    pages = _pages(sites["mkdocs"])
    assert pages == _pages(sites["zensical"])
    compared = 0
    for rel in pages:
        text = article_text(sites["mkdocs"] / rel)
        assert text == article_text(sites["zensical"] / rel), rel
        compared += bool(text)
    assert compared >= 14, "every page of the fixture has its article"
    plan = article_text(sites["zensical"] / CENTRE / "plans/2026-03/index.html")
    assert plan and "四点半学校" in plan


def test_both_engines_take_the_raw_html_blocks_as_written(sites) -> None:
    """The pages' raw HTML blocks reach both engines' pages whole, their marking lines gone
    (generator/site/rawblocks.py, named by the generated configuration)."""
    for name, site in sites.items():
        plan = (site / CENTRE / "plans/2026-03/index.html").read_text(encoding="utf-8")
        assert 'id="activity-A01"' in plan and 'class="gs-agenda"' in plan, name
        for page in site.rglob("*.html"):
            assert "gs:raw" not in page.read_text(encoding="utf-8"), (name, page)


def test_both_engines_publish_the_same_files_but_their_own_assets(sites) -> None:
    def files(site: Path) -> set[str]:
        return {
            p.relative_to(site).as_posix()
            for p in site.rglob("*")
            if p.is_file() and not p.relative_to(site).as_posix().startswith("assets/")
        }

    mkdocs, zensical = files(sites["mkdocs"]), files(sites["zensical"])
    # each engine's search indexes (Zensical's part keeps mkdocs-material's too, for now)
    mkdocs_own = {"search/search_index.json", f"{CENTRE}search/search_index.json"}
    zensical_own = {"search.json", f"{CENTRE}search.json", f"{CENTRE}search/search_index.json"}
    assert mkdocs_own <= mkdocs and {"search.json", f"{CENTRE}search.json"} <= zensical
    assert mkdocs - mkdocs_own == zensical - zensical_own
    # the Zensical overrides never reach a site made by mkdocs-material
    assert not any("zensical" in f for f in mkdocs)
    assert "Zensical" not in (sites["zensical"] / "index.html").read_text(encoding="utf-8")


def test_zensical_search_index_of_a_centre_holds_only_that_centre(sites) -> None:
    site = sites["zensical"]
    own = json.loads((site / CENTRE / "search.json").read_text(encoding="utf-8"))["items"]
    city = json.loads((site / "search.json").read_text(encoding="utf-8"))["items"]
    assert own and city
    # addresses relative to the centre's folder (the search's base is that folder)
    assert all(not item["location"].startswith(("centres/", "/", "../")) for item in own)
    assert any(item["location"].startswith("plans/2026-03/") for item in own)
    assert not any(item["location"].startswith(CENTRE) for item in city)


# ---------------------------------------------------------------- in Chromium


@pytest.fixture(scope="module")
def chromium():
    with chromium_browser() as b:
        ctx = new_context(b, viewport={"width": 1280, "height": 900})
        yield ctx
        ctx.close()


def _open_search(page, base: str, path: str) -> None:
    page.goto(base + path)
    page.wait_for_load_state("networkidle")
    page.click(".md-search__button")
    page.locator("dialog[open] input").wait_for()


def _search(page, query: str) -> list[str]:
    """Type ``query`` into the open search dialog; the addresses of the results."""
    page.locator("dialog[open] input").fill(query)
    page.keyboard.press("End")  # an input method ends with a key press
    page.locator("dialog[open] [role=option]").first.wait_for(timeout=30000)
    return page.eval_on_selector_all("dialog [role=option]", "els => els.map(e => e.href)")


def _dialog_words(page) -> list[str]:
    """Every word the search dialog shows or says, its results left out."""
    return page.evaluate(
        """() => {
          const dialog = [...document.querySelectorAll('body > *')]
            .map(e => e.shadowRoot && e.shadowRoot.querySelector('dialog')).find(Boolean);
          const out = [];
          const walk = (node) => {
            if (node.getAttribute && node.getAttribute('role') === 'option') return;
            if (node.nodeType === 3 && node.nodeValue.trim()) out.push(node.nodeValue.trim());
            for (const name of ['aria-label', 'placeholder', 'title']) {
              const v = node.getAttribute && node.getAttribute(name);
              if (v) out.push(v);
            }
            node.childNodes.forEach(walk);
          };
          walk(dialog);
          return out;
        }"""
    )


@pytest.mark.browser
def test_zensical_search_finds_chinese_within_the_centre_in_chinese(sites, chromium) -> None:
    with serve(sites["zensical"]) as base:
        page = chromium.new_page()
        requests: list[str] = []
        page.on("request", lambda r: requests.append(r.url))
        _open_search(page, base, CENTRE + "hours/")
        found = _search(page, "点半")  # the middle of 四点半学校, no word list needed
        assert any("/plans/2026-03/" in href for href in found), found
        assert all(href.startswith(base + CENTRE) for href in found), found
        status = page.locator("dialog [role=status]").inner_text()
        assert status == f"{len(found)} 个符合条件的结果" or status == "找到 1 个符合条件的结果"
        # the centre's name is on the city pages too: a centre's page finds only its own
        found = _search(page, "沙尾")
        assert found and all(href.startswith(base + CENTRE) for href in found), found
        words = _dialog_words(page)
        assert "搜索" in words and "关闭搜索" in words and "搜索结果" in words
        english = [w for w in words if any(e in w for e in ENGLISH)]
        assert not english, english
        page.locator("dialog[open] input").fill("沙尾查无此词")
        page.keyboard.press("End")
        none = page.locator("dialog [role=status]")
        none.filter(has_text="没有找到符合条件的结果").wait_for(timeout=10000)
        # a result opens the page it names
        found = _search(page, "点半")
        page.locator("dialog [role=option]").first.click()
        page.wait_for_load_state("networkidle")
        assert "四点半学校" in page.inner_text("article")
        # the city pages search the city pages
        _open_search(page, base, "")
        found = _search(page, "沙尾")
        assert found and not any(CENTRE in href for href in found), found
        page.close()
    outside = [u for u in requests if not u.startswith(base)]
    assert not outside, f"requests left 127.0.0.1: {outside}"


def _axe(page) -> list[dict]:
    """Every axe-core violation of the page, whatever its impact."""
    # colours are read as they end up, not halfway through a fade or a highlight's transition
    page.evaluate(
        """() => {
          const still = new CSSStyleSheet();
          still.replaceSync('*,*::before,*::after{transition:none!important;animation:none!important}');
          for (const root of [document, ...[...document.querySelectorAll('body > *')]
              .map(e => e.shadowRoot).filter(Boolean)]) {
            root.adoptedStyleSheets = [...root.adoptedStyleSheets, still];
          }
        }"""
    )
    page.evaluate(axe_source())
    result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    return [
        {"id": v["id"], "impact": v["impact"], "nodes": [n["target"] for n in v["nodes"]][:5]}
        for v in result["violations"]
    ]


@pytest.mark.browser
@pytest.mark.parametrize("path", ["", "centres/", "open-data/", CENTRE, CENTRE + "plans/2026-03/"])
def test_zensical_pages_have_no_accessibility_violation(sites, chromium, path: str) -> None:
    with serve(sites["zensical"]) as base:
        page = chromium.new_page()
        page.goto(base + path)
        page.wait_for_load_state("networkidle")
        assert _axe(page) == [], path
        # the search dialog open, with results
        page.click(".md-search__button")
        page.locator("dialog[open] input").wait_for()
        _search(page, "沙尾")
        assert _axe(page) == [], f"{path} (search open)"
        page.close()
