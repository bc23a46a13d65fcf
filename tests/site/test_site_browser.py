"""The built site in Debian's Chromium: pages load offline, search in Chinese, accessibility,
hostile text shown literally, the district filter of the centres index. Needs
/usr/bin/chromium (setup.sh --test)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.site_helpers import (
    HOSTILE,
    ROOT,
    axe_serious,
    build,
    chromium_browser,
    hostile_project,
    need_chromium,
    new_context,
    serve,
)

pytestmark = [pytest.mark.browser, pytest.mark.slow]

PAGES = [
    "",
    "centres/",
    "open-data/",
    "about/",
    "centres/shenzhen-xiashi/",
    "centres/shenzhen-xiashi/hours/",
    "centres/shenzhen-xiashi/plans/",
    "centres/shenzhen-xiashi/plans/2026-09/",
    "centres/shenzhen-xiashi/finance/2026-Q3/",
    "centres/shenzhen-xiashi/audit/2026/",
    "centres/shenzhen-xiashi/compliance/",
    "centres/shenzhen-xiashi/manuals/",
    "centres/shenzhen-xiashi/archive/",
]


@pytest.fixture(scope="module")
def sites(samples_copy: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    need_chromium()
    tmp = tmp_path_factory.mktemp("browser")
    samples, hostile = tmp / "samples", tmp / "hostile-site"
    # a day when every 2026 report of the samples is published (the audits in March 2027)
    done = build(samples_copy, samples, "2027-04-01", "--no-ledger")
    assert done.returncode == 0, done.stderr
    done = build(hostile_project(tmp), hostile)
    assert done.returncode == 0, done.stderr
    return {"samples": samples, "hostile": hostile}


@pytest.fixture(scope="module")
def browser_():
    with chromium_browser() as b:
        yield b


@pytest.fixture
def chromium(browser_):
    ctx = new_context(browser_)
    yield ctx
    ctx.close()


def _existing(site: Path) -> list[str]:
    return [p for p in PAGES if (site / p / "index.html").is_file()]


def test_pages_load_offline_and_render(sites, chromium, tmp_path: Path) -> None:
    with serve(sites["samples"]) as base:
        page = chromium.new_page()
        requests: list[str] = []
        page.on("request", lambda r: requests.append(r.url))
        failed: list[str] = []
        page.on("requestfailed", lambda r: failed.append(r.url))
        paths = _existing(sites["samples"])
        assert len(paths) >= 10
        for path in paths:
            response = page.goto(base + path)
            assert response is not None and response.ok, path
            page.wait_for_load_state("networkidle")
            assert page.locator("h1").first.inner_text().strip(), path
        page.goto(base)
        shot = tmp_path / "home.png"
        page.screenshot(path=str(shot), full_page=True)
        data = shot.read_bytes()
        assert data.startswith(b"\x89PNG") and len(data) > 0
        page.close()
    outside = [u for u in requests if not u.startswith(base)]
    assert not outside, f"requests left 127.0.0.1: {outside}"
    assert not failed, f"failed requests: {failed}"


def _search(page, base: str, query: str, path: str = "") -> list[str]:
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(base + path)
    page.wait_for_load_state("networkidle")
    page.click("input.md-search__input")
    # Type only once the search engine is ready (its status line asks for input).
    page.wait_for_function(
        "() => !document.querySelector('.md-search-result__meta').textContent.includes('初始化')",
        timeout=60000,
    )
    page.keyboard.type(query)
    # Chinese is typed through an input method, which ends with a key press; Playwright inserts
    # CJK text without key events, and the theme searches on keyup: press End like the IME would.
    page.keyboard.press("End")
    page.wait_for_selector(".md-search-result__item", timeout=30000)
    return page.eval_on_selector_all(
        ".md-search-result__item > a", "els => els.map(e => e.getAttribute('href'))"
    )


def _resolve(page, href: str) -> str:
    """The absolute address of a result link as the browser would follow it."""
    return page.evaluate("h => new URL(h, location.href).href", href)


def test_chinese_search_finds_activity_and_audit(sites, chromium) -> None:
    # A centre's pages search that centre (its own index): results stay in its folder.
    centre = "centres/shenzhen-xiashi/"
    with serve(sites["samples"]) as base:
        page = chromium.new_page()
        hrefs = [_resolve(page, h) for h in _search(page, base, "四点半", centre + "hours/")]
        assert hrefs and all(h.startswith(base + centre) for h in hrefs), hrefs
        pages = {h.split("?")[0].split("#")[0] for h in hrefs}
        found = False
        for url in sorted(pages):
            response = page.goto(url)
            assert response is not None and response.ok, url
            if "四点半学校" in page.inner_text("article"):
                found = True
                break
        assert found, f"no result of 四点半 shows 四点半学校: {sorted(pages)}"
        page.close()
        page = chromium.new_page()
        hrefs = [_resolve(page, h) for h in _search(page, base, "审计", centre)]
        assert any(h.startswith(base + centre + "audit/") for h in hrefs[:3]), hrefs
        page.close()


def test_home_search_finds_a_centre_by_its_community(sites, chromium) -> None:
    # The city pages search the city pages: a resident finds the centre of a community there.
    with serve(sites["samples"]) as base:
        page = chromium.new_page()
        hrefs = [_resolve(page, h) for h in _search(page, base, "下石")]
        assert hrefs, "no result for 下石 on the home page"
        response = page.goto(hrefs[0])
        assert response is not None and response.ok
        assert "下石社区" in page.inner_text("article")
        page.close()


def test_no_serious_accessibility_violations(sites, chromium) -> None:
    problems = {}
    with serve(sites["samples"]) as base:
        page = chromium.new_page()
        for path in _existing(sites["samples"]):
            page.goto(base + path)
            page.wait_for_load_state("networkidle")
            found = axe_serious(page)
            if found:
                problems[path or "/"] = found
        page.close()
    assert not problems, problems


def test_hostile_text_is_shown_not_run(sites, chromium) -> None:
    dialogs: list[str] = []
    with serve(sites["hostile"]) as base:
        page = chromium.new_page()
        page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
        for path in ("centres/demo/plans/2026-03/", "centres/demo/", "", "centres/demo/archive/"):
            page.goto(base + path)
            page.wait_for_load_state("networkidle")
        page.goto(base + "centres/demo/plans/2026-03/")
        text = page.inner_text("article")
        for title in HOSTILE:
            assert title in text, title
        assert page.locator("article strong", has_text="x").count() == 0 or "**x**" in text
        assert page.locator('a[href^="javascript"]').count() == 0
        page.goto(base + "centres/demo/")
        assert "<img src=x onerror=alert(2)>" in page.inner_text("article")
        page.close()
    assert not dialogs, dialogs


def test_district_filter(sites, chromium) -> None:
    """On the centres index: a district shows its own table only (the others hidden with
    their headings); a street then narrows it to that street's centres."""
    with serve(sites["samples"]) as base:
        page = chromium.new_page()
        page.goto(base + "centres/")
        tables = page.locator("table[data-gs-district]")
        rows = page.locator("table[data-gs-district] tbody tr")
        total = rows.count()
        assert tables.count() >= 2 and total >= 2
        options = page.eval_on_selector_all(
            "#gs-filter-district option", "os => os.map(o => o.value)"
        )
        assert options[0] == "" and len(options) == tables.count() + 1
        district = options[1]
        page.select_option("#gs-filter-district", district)
        for table in tables.all():
            mine = table.get_attribute("data-gs-district") == district
            heading = table.locator("xpath=ancestor::figure/preceding-sibling::h2[1]")
            assert table.is_visible() == mine
            assert heading.is_visible() == mine
        visible = [r for r in rows.all() if r.is_visible()]
        assert 0 < len(visible) < total
        assert page.inner_text(".gs-filter-status") == f"显示 {len(visible)} 个中心"
        streets = page.eval_on_selector_all(
            "#gs-filter-street option", "os => os.map(o => o.value)"
        )
        page.select_option("#gs-filter-street", streets[1])
        shown = [r for r in rows.all() if r.is_visible()]
        assert shown and all(streets[1] in r.inner_text() for r in shown)
        page.select_option("#gs-filter-district", "")
        page.select_option("#gs-filter-street", "")
        assert all(r.is_visible() for r in rows.all())
        page.close()


def test_without_javascript_every_centre_is_listed(sites, browser_) -> None:
    ctx = new_context(browser_, java_script_enabled=False)
    with serve(sites["samples"]) as base:
        page = ctx.new_page()
        page.goto(base + "centres/")
        assert not page.locator("#gs-filter").is_visible()
        names = page.locator("table[data-gs-district] tbody tr")
        assert names.count() == len(
            [p for p in (ROOT / "centres").iterdir() if (p / "centre.yaml").exists()]
        )
        assert all(n.is_visible() for n in names.all())
    ctx.close()
