"""The city pages at any number of centres: the home page names the districts (each linked to
its heading on the centres index) instead of listing every centre, the centres index lists them
with the district and street filter, and the open-data page's per-centre links stay out of the
search index. Real `gongshi build` runs (mkdocs-material) and Debian's Chromium."""

from __future__ import annotations

import datetime as dt
import json
import re
from html import unescape
from html.parser import HTMLParser
from pathlib import Path

import pytest

from generator.pipeline import load_project
from generator.site.city import district_anchor
from generator.site.pages import render_site
from tests.conftest import copy_project
from tests.site_helpers import MINIMAL, ROOT, build, chromium_browser, new_context, serve

# a district name full of what Markdown, attr_list, HTML and Jinja would read as markup
HOSTILE_DISTRICT = "福田<b>区</b> {#x} [a](javascript:x) **x** | ## \" ' &amp; {{ 7*7 }}"
LINK = re.compile(r"^- \[(?P<name>.*)\]\((?P<href>centres/index\.md#[^)]*)\)：(?P<n>\d+) 个中心$")


def _centre_ids() -> list[str]:
    return sorted(p.name for p in (ROOT / "centres").iterdir() if (p / "centre.yaml").exists())


def _section(page: str, heading: str) -> str:
    return page.split(f"\n## {heading}", 1)[1].split("\n## ", 1)[0]


class _Ids(HTMLParser):
    """The ids of a page, its h2 headings' text and every element's tag."""

    def __init__(self) -> None:
        super().__init__()
        self.ids: set[str] = set()
        self.headings: dict[str, str] = {}
        self.tags: list[str] = []
        self._h2: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        found = dict(attrs)
        if found.get("id"):
            self.ids.add(found["id"] or "")
        if tag == "h2":
            self._h2 = found.get("id") or ""
            self.headings[self._h2] = ""

    def handle_endtag(self, tag: str) -> None:
        if tag == "h2":
            self._h2 = None

    def handle_data(self, data: str) -> None:
        if self._h2 is not None:
            self.headings[self._h2] += data


def _parse(html: str) -> _Ids:
    parser = _Ids()
    parser.feed(html)
    return parser


def _article(html: str) -> str:
    return html.split("<article", 1)[1].split("</article>", 1)[0]


def _home_links(html: str) -> dict[str, str]:
    """The home page's 找中心 links into the centres index: anchor → link text."""
    found = re.findall(r'<li><a href="centres/#([^"]+)">(.*?)</a>：\d+ 个中心</li>', html)
    return {anchor: unescape(text) for anchor, text in found}


# ---------------------------------------------------------------- without mkdocs


def test_district_anchor_is_stable_and_holds_nothing_of_the_name() -> None:
    assert district_anchor("宝安区") == district_anchor("宝安区")
    assert district_anchor("宝安区") != district_anchor("福田区")
    anchor = district_anchor(HOSTILE_DISTRICT)
    assert re.fullmatch(r"district-[0-9a-f]{12}", anchor), anchor


def test_home_page_names_the_districts_and_links_each_to_its_heading(samples_rendered) -> None:
    home = samples_rendered.pages["index.md"]
    index = samples_rendered.pages["centres/index.md"]
    find = _section(home, "找中心")
    links = [m for m in (LINK.match(line) for line in find.splitlines()) if m]
    headings = dict(re.findall(r"^## (.+) \{ #(district-[0-9a-f]{12}) \}$", index, re.M))
    assert links and len(links) == len(headings)
    for m in links:
        anchor = m["href"].split("#", 1)[1]
        assert headings[m["name"]] == anchor == district_anchor(m["name"])
    assert sum(int(m["n"]) for m in links) == len(_centre_ids())
    # no list of every centre on the home page: no centre is named in 找中心
    validated = load_project(ROOT)
    for centre in validated.centres:
        assert centre.name not in find
        assert centre.name in index
    assert "全部中心" not in home and "今日开放" not in home
    assert "](centres/index.md)" in find and "](activities.md)" in find


def test_city_lists_print_nothing_of_the_day() -> None:
    validated = load_project(MINIMAL)
    days = (dt.date(2026, 3, 15), dt.date(2026, 10, 1), dt.date(2027, 4, 1))
    indexes = {render_site(validated, MINIMAL, today=d).pages["centres/index.md"] for d in days}
    assert len(indexes) == 1
    (index,) = indexes
    assert "今日开放" not in index and "闭馆" not in index


def test_home_lists_the_districts_in_the_order_of_their_names(tmp_path: Path) -> None:
    project = copy_project(MINIMAL, tmp_path / "proj")
    second = project / "centres" / "demo2"
    second.mkdir()
    centre = (MINIMAL / "centres" / "demo" / "centre.yaml").read_text(encoding="utf-8")
    (second / "centre.yaml").write_text(
        centre.replace("district: 福田区", "district: 南山区", 1), encoding="utf-8"
    )
    validated = load_project(project)
    site = render_site(validated, project, today=dt.date(2027, 4, 1))
    find = _section(site.pages["index.md"], "找中心")
    names = [m["name"] for m in (LINK.match(line) for line in find.splitlines()) if m]
    assert names == sorted(names) and set(names) == {"南山区", "福田区"}


# ---------------------------------------------------------------- built with mkdocs


@pytest.fixture(scope="module")
def sample_out(samples_copy: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("city") / "public"
    done = build(samples_copy, out, "2026-12-06", "--no-ledger")
    assert done.returncode == 0, done.stderr
    return out


@pytest.fixture(scope="module")
def hostile_out(tmp_path_factory: pytest.TempPathFactory) -> Path:
    tmp = tmp_path_factory.mktemp("hostile-district")
    project = copy_project(MINIMAL, tmp / "proj")
    centre = project / "centres" / "demo" / "centre.yaml"
    quoted = "'" + HOSTILE_DISTRICT.replace("'", "''") + "'"
    text = centre.read_text(encoding="utf-8")
    centre.write_text(text.replace("district: 福田区", f"district: {quoted}", 1), encoding="utf-8")
    out = tmp / "public"
    done = build(project, out, "2027-04-01")
    assert done.returncode == 0, done.stderr
    return out


@pytest.mark.slow
def test_built_home_links_land_on_the_district_headings(sample_out: Path) -> None:
    home = _article((sample_out / "index.html").read_text(encoding="utf-8"))
    index = _parse((sample_out / "centres" / "index.html").read_text(encoding="utf-8"))
    links = _home_links(home)
    assert len(links) == len({a for a in index.headings if a.startswith("district-")}) >= 2
    for anchor, name in links.items():
        assert anchor in index.ids
        assert index.headings[anchor].strip() == name
    # the centres index lists every centre, under its district, with a filter box
    centres = (sample_out / "centres" / "index.html").read_text(encoding="utf-8")
    assert 'id="gs-filter"' in centres
    for cid in _centre_ids():
        assert f'href="{cid}/"' in centres
    assert "<table" not in home.split('id="find-centre"', 1)[1].split("<h2", 1)[0]


@pytest.mark.slow
def test_search_index_leaves_out_the_open_data_per_centre_links(sample_out: Path) -> None:
    docs = json.loads((sample_out / "search" / "search_index.json").read_text("utf-8"))["docs"]
    clean = [(d["location"], d["text"].replace("\u200b", "")) for d in docs]
    open_data = [(loc, text) for loc, text in clean if loc.startswith("open-data/")]
    assert not [loc for loc, _ in open_data if loc == "open-data/#centre-files"]
    everything = " ".join(text for _, text in open_data)
    for word in ("中心信息 JSON", "活动日历 iCalendar", "/data/shenzhen-xiashi/"):
        assert word not in everything, word
    # the rest of the page is searched
    assert "open-data/" in [loc for loc, _ in open_data]
    assert "任何人都可以自由使用" in everything
    assert "全部中心的基本信息" in everything or "centres.json" in everything
    assert any(loc == "open-data/#json-schema" for loc, _ in open_data)
    # the page still shows the section
    page = (sample_out / "open-data" / "index.html").read_text(encoding="utf-8")
    assert 'id="centre-files"' in page and "活动日历 iCalendar" in page
    # the home page holds no centre table, the centres index is not searched, and the
    # 找活动 page keeps one entry per centre (how the city search finds a centre)
    assert not [loc for loc, _ in clean if loc.startswith("centres/") and "#district-" in loc]
    home = [text for loc, text in clean if loc == "" or loc.startswith("#")]
    assert home and not any("今日开放" in t for t in home)
    found = {loc for loc, _ in clean if loc.startswith("activities/#centre-")}
    assert found == {f"activities/#centre-{cid}" for cid in _centre_ids()}


@pytest.mark.slow
def test_a_district_name_with_markup_is_text_and_its_link_holds(hostile_out: Path) -> None:
    anchor = str(district_anchor(HOSTILE_DISTRICT))
    home_html = (hostile_out / "index.html").read_text(encoding="utf-8")
    index_html = (hostile_out / "centres" / "index.html").read_text(encoding="utf-8")
    home, index = _parse(_article(home_html)), _parse(_article(index_html))
    assert _home_links(_article(home_html)) == {anchor: HOSTILE_DISTRICT}
    assert index.headings[anchor].strip() == HOSTILE_DISTRICT
    assert "x" not in index.ids and "x" not in home.ids
    for parsed in (home, index):
        assert "b" not in parsed.tags and "strong" not in parsed.tags
    for html in (home_html, index_html):
        assert 'href="javascript' not in html


# ---------------------------------------------------------------- in Chromium


@pytest.mark.slow
@pytest.mark.browser
def test_the_filter_selects_a_district_with_markup_in_its_name(hostile_out: Path) -> None:
    dialogs: list[str] = []
    with chromium_browser() as b, serve(hostile_out) as base:
        ctx = new_context(b)
        page = ctx.new_page()
        page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
        page.goto(base + "centres/")
        options = page.eval_on_selector_all(
            "#gs-filter-district option", "os => os.map(o => o.value)"
        )
        assert options == ["", HOSTILE_DISTRICT]
        page.select_option("#gs-filter-district", HOSTILE_DISTRICT)
        assert page.inner_text(".gs-filter-status") == "显示 1 个中心"
        assert page.locator(f"#{district_anchor(HOSTILE_DISTRICT)}").is_visible()
        # from the home page, the district's link lands on its heading
        page.goto(base)
        page.locator("#find-centre ~ ul a").first.click()
        page.wait_for_load_state("load")
        assert page.url.endswith(f"centres/#{district_anchor(HOSTILE_DISTRICT)}")
        heading = page.locator(f"#{district_anchor(HOSTILE_DISTRICT)}").inner_text()
        assert heading.strip() == HOSTILE_DISTRICT
        ctx.close()
    assert not dialogs, dialogs
