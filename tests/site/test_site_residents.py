"""The site as a resident opens it, on a phone (390×844) and on a desktop (1280×800), in
Debian's Chromium: today and this week first on a centre's home page, a month plan as an
agenda by week with today marked, search that finds activities by a word of their title,
tables that fit the screen, call and map links, pages that name their centre in their title
and share tags, and no accessibility violation. Screenshots go to /tmp/shots/."""

from __future__ import annotations

import datetime as dt
import html
import re
from pathlib import Path

import pytest

from tests.site_helpers import ROOT, axe_source, build, chromium_browser, new_context, serve

pytestmark = [pytest.mark.browser, pytest.mark.slow]

CHINA = dt.timezone(dt.timedelta(hours=8))
DAY = "2026-12-05"  # a Saturday (义工嘉年华 at 下石): the week of 11-30 to 12-06
NOW = dt.datetime(2026, 12, 5, 10, tzinfo=CHINA)
SITE_URL = "https://example.gov.cn/gongshi/"
SIZES = {"phone": (390, 844), "desktop": (1280, 800)}
SHOTS = Path("/tmp/shots")
XIASHI = "centres/shenzhen-xiashi/"
NAME = "榕湾街道下石社区（党群）服务中心"

# one page of every kind
KINDS = {
    "home": "",
    "centres": "centres/",
    "activities": "activities/",
    "open-data": "open-data/",
    "about": "about/",
    "profile": XIASHI,
    "hours": XIASHI + "hours/",
    "plans": XIASHI + "plans/",
    "plan": XIASHI + "plans/2026-12/",
    "finance-index": XIASHI + "finance/",
    "finance": XIASHI + "finance/2026-Q3/",
    "compliance": XIASHI + "compliance/",
    "manuals": XIASHI + "manuals/",
    "manual": XIASHI + "manuals/venue/",
    "archive": XIASHI + "archive/",
}

# pages published later (the 2026 audit and evaluations, in 2027): from a second build
LATER = "2027-04-01"
LATER_KINDS = {
    "audit": XIASHI + "audit/2026/",
    "evaluation": "centres/binjiang-lanwan/evaluation/2026/",
    "evaluation-grade": XIASHI + "evaluation/2026/",
}

# what a resident types → the activity title its first result must name
QUERIES = [
    ("centres/binjiang-lanwan/", "健康", "健康"),
    ("centres/binjiang-lanwan/", "早教", "早教"),
    (XIASHI, "嘉年华", "义工嘉年华"),
    (XIASHI, "饺子", "冬至暖心饺子宴"),
    (XIASHI, "四点半", "四点半学校"),
    ("centres/huizhou-rongxi/", "讲座", "讲座"),
]
DATE = re.compile(r"\d{4}年\d{1,2}月\d{1,2}日")


@pytest.fixture(scope="module")
def site(samples_copy: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("residents") / "site"
    done = build(samples_copy, out, DAY, "--no-ledger", "--site-url", SITE_URL)
    assert done.returncode == 0, done.stdout + done.stderr
    return out


@pytest.fixture(scope="module")
def later(samples_copy: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("residents-later") / "site"
    done = build(samples_copy, out, LATER, "--no-ledger", "--site-url", SITE_URL)
    assert done.returncode == 0, done.stdout + done.stderr
    return out


@pytest.fixture(scope="module")
def browser_():
    with chromium_browser() as b:
        yield b


@pytest.fixture
def page(browser_):
    ctx = new_context(browser_)
    pg = ctx.new_page()
    pg.clock.set_fixed_time(NOW)
    errors: list[str] = []
    pg.on("pageerror", lambda e: errors.append(str(e)))
    yield pg
    ctx.close()
    # (the search worker's scripts stop loading when a test's server closes)
    assert [e for e in errors if "importScripts" not in e] == [], errors


def _open(page, url: str, size: str) -> None:
    w, h = SIZES[size]
    page.set_viewport_size({"width": w, "height": h})
    response = page.goto(url)
    assert response is not None and response.ok, url
    page.wait_for_load_state("networkidle")


@pytest.mark.parametrize("when", ["day", "later"])
def test_every_page_kind_fits_the_screen_and_has_no_accessibility_violation(
    site, later, page, when
) -> None:
    SHOTS.mkdir(exist_ok=True)
    too_wide, violations = {}, {}
    folder, kinds = (site, KINDS) if when == "day" else (later, LATER_KINDS)
    with serve(folder) as base:
        for kind, path in kinds.items():
            assert (folder / path / "index.html").is_file(), path
            for size in SIZES:
                _open(page, base + path, size)
                page.screenshot(path=str(SHOTS / f"{kind}-{size}.png"))
                width = page.evaluate("document.documentElement.scrollWidth")
                if width > SIZES[size][0]:
                    too_wide[f"{kind} {size}"] = width
                page.evaluate(axe_source())
                found = page.evaluate(
                    "async () => (await axe.run(document, {resultTypes: ['violations']}))"
                    ".violations.map(v => v.id + ': ' + v.nodes.length)"
                )
                if found:
                    violations[f"{kind} {size}"] = found
    assert not too_wide, too_wide
    assert not violations, violations


def test_a_wide_table_is_stacked_on_a_phone(site, page) -> None:
    with serve(site) as base:
        _open(page, base + "centres/", "phone")
        table = page.locator("article table").first
        assert table.get_attribute("data-gs-stack") is not None
        cell = table.locator("tbody td").nth(1)
        label = cell.evaluate("td => getComputedStyle(td, '::before').content")
        assert "街道" in label, label
        box = table.bounding_box()
        assert box is not None and box["x"] + box["width"] <= 390


def test_home_page_opens_with_today_the_week_a_call_and_a_map(site, page) -> None:
    with serve(site) as base:
        _open(page, base + XIASHI, "phone")
        article = page.locator("article")
        today = article.locator('[data-gs="today"]').inner_text()
        assert "2026年12月5日（周六）" in today and "今日" in today, today
        week = article.locator('[data-gs="week"] li')
        assert week.count() >= 3
        first = week.first.inner_text()
        assert "2026年12月1日（周二）" in first and "16:30-18:00" in first, first
        assert "报名：" in article.locator('[data-gs="week"]').inner_text()
        # descriptions are shown: an activity's 活动简介 from the plan
        assert "陪伴社区小学生完成作业" in article.locator('[data-gs="week"]').inner_text()
        tel = article.locator('a[href^="tel:"]').first
        assert tel.get_attribute("href") == "tel:0755-02786349"
        assert tel.is_visible()
        box = tel.bounding_box()
        assert box is not None and box["y"] < 844  # on the first screen
        maps = article.locator('a[href^="https://uri.amap.com/search?keyword="]')
        assert maps.count() == 1
        assert "%E6%B7%B1%E5%9C%B3" in maps.get_attribute("href")  # 深圳, percent-encoded
        # the day block comes before the disclosures
        order = page.evaluate(
            "() => [...document.querySelectorAll('article h2')].map(h => h.textContent.trim())"
        )
        assert order.index("本周活动") < order.index("基本信息"), order


def test_a_month_plan_is_an_agenda_on_a_phone_and_a_calendar_on_a_desktop(site, page) -> None:
    with serve(site) as base:
        _open(page, base + XIASHI + "plans/2026-12/", "phone")
        assert not page.locator("figure.gs-calendar").is_visible()
        weeks = page.locator(".gs-agenda-week")
        assert weeks.count() == 5
        assert weeks.first.locator("h3").inner_text().startswith("第1周（12月1日—12月6日）")
        this_week = page.locator(".gs-agenda-week.gs-this-week")
        assert this_week.count() == 1 and "本周" in this_week.locator("h3").inner_text()
        today = page.locator(".gs-activity.gs-is-today")
        assert today.count() >= 1
        assert "今天" in today.first.locator("h4").inner_text()
        assert "2026年12月5日" in today.first.locator("h4").inner_text()
        # every activity has its own anchor and shows its description
        anchors = page.eval_on_selector_all(".gs-activity h4[id]", "hs => hs.map(h => h.id)")
        assert len(anchors) == len(set(anchors)) >= 20
        assert all(a.startswith("activity-") for a in anchors)
        assert page.locator(".gs-activity .gs-desc").count() >= 20
        _open(page, base + XIASHI + "plans/2026-12/", "desktop")
        calendar = page.locator("figure.gs-calendar")
        assert calendar.is_visible()
        assert calendar.locator("td.gs-is-today").count() == 1
        # a link to an activity lands on it
        _open(page, base + XIASHI, "phone")
        _open(page, base + XIASHI + "plans/2026-12/#" + anchors[3], "phone")
        top = page.locator("#" + anchors[3]).bounding_box()
        assert top is not None and 0 <= top["y"] < 300, top


def _search(page, url: str, query: str) -> list[dict]:
    _open(page, url, "desktop")
    page.click("input.md-search__input")
    page.wait_for_function(
        "() => !document.querySelector('.md-search-result__meta').textContent.includes('初始化')",
        timeout=60000,
    )
    page.fill("input.md-search__input", query)
    page.keyboard.press("End")  # the theme searches on keyup, as after an input method
    page.wait_for_function(
        "q => document.querySelector('input.md-search__input').value === q"
        " && document.querySelectorAll('.md-search-result__item > a').length > 0",
        arg=query,
        timeout=30000,
    )
    page.wait_for_timeout(1500)  # the results of the whole query, not of a first keystroke
    return page.eval_on_selector_all(
        ".md-search-result__item > a",
        "els => els.map(e => ({href: e.getAttribute('href'), text: e.innerText}))",
    )


@pytest.mark.parametrize(("centre", "query", "title"), QUERIES)
def test_search_finds_activities_first_with_their_date(site, page, centre, query, title) -> None:
    with serve(site) as base:
        results = _search(page, base + centre, query)
        # the first result is a month plan, its first entry an activity with its date
        assert "/plans/" in results[0]["href"], results[:3]
        entry = next(r for r in results if "#activity-" in r["href"])
        assert results.index(entry) == 1, results[:3]
        heading = entry["text"].split("\n")[0].replace("\u200b", "")
        assert title in heading and DATE.search(heading), heading
        page.goto(page.evaluate("h => new URL(h, location.href).href", entry["href"]))
        anchor = entry["href"].split("#", 1)[1]
        assert title in page.locator("#" + anchor).inner_text()


@pytest.mark.parametrize("query", ["健康", "四点半", "早教"])
def test_city_search_sends_the_reader_to_the_centre(site, page, query) -> None:
    with serve(site) as base:
        results = _search(page, base, query)
        first = next(r for r in results if "#centre-" in r["href"])
        assert results.index(first) <= 1, results[:3]
        page.goto(page.evaluate("h => new URL(h, location.href).href", first["href"]))
        anchor = first["href"].split("#", 1)[1]
        section = page.locator(f"#{anchor}").locator("xpath=..")
        assert query in section.inner_text().replace("\u200b", "")
        section.locator("a", has_text="本周活动与开放时间").click()
        page.wait_for_load_state("networkidle")
        assert page.locator('[data-gs="week"]').count() == 1


def test_pages_name_their_centre_in_title_description_and_share_tags(site, later) -> None:
    pages = [(site, k, p) for k, p in KINDS.items()]
    pages += [(later, k, p) for k, p in LATER_KINDS.items()]
    for folder, kind, path in pages:
        source = (folder / path / "index.html").read_text(encoding="utf-8")
        meta = dict(
            (m[0], html.unescape(m[1]))
            for m in re.findall(r'<meta (?:name|property)="([^"]+)" content="([^"]*)"', source)
        )
        title = html.unescape(re.search(r"<title>(.*?)</title>", source, re.S)[1])
        for tag in ("og:title", "og:description", "og:image", "og:url", "description"):
            assert meta.get(tag), (kind, tag)
        assert meta["og:url"] == SITE_URL + path, (kind, meta["og:url"])
        assert meta["og:image"] == SITE_URL + "assets/share.png"
        if path.startswith(XIASHI):
            assert NAME in title and NAME in meta["description"], (kind, title)
            assert NAME in meta["og:title"] and NAME in meta["og:description"], kind
    assert (site / "assets" / "share.png").read_bytes().startswith(b"\x89PNG")
    hours = (site / XIASHI / "hours" / "index.html").read_text(encoding="utf-8")
    assert f"<title>开放时间 - {NAME} - " in hours


def test_robots_sitemap_and_404_under_a_sub_path(site) -> None:
    robots = (site / "robots.txt").read_text(encoding="utf-8")
    assert "User-agent: *" in robots and f"Sitemap: {SITE_URL}sitemap.xml" in robots
    sitemap = (site / "sitemap.xml").read_text(encoding="utf-8")
    assert f"<loc>{SITE_URL}{XIASHI}</loc>" in sitemap
    missing = (site / "404.html").read_text(encoding="utf-8")
    for link in re.findall(r'(?:href|src)="(/[^"]*)"', missing):
        assert link.startswith("/gongshi/"), link


def test_no_jargon_or_codes_on_public_pages(site, later) -> None:
    words = ("规则包", "site-location", "hygiene.waste-sorting", "staff-rules.established")
    for page_ in [*site.rglob("*.html"), *later.rglob("*.html")]:
        if "/manuals/" in page_.as_posix() and page_.parent.name != "manuals":
            continue  # a manual prints the rule pack's own wording of its basis (content/)
        text = re.sub(r"<script.*?</script>", "", page_.read_text(encoding="utf-8"), flags=re.S)
        for w in words:
            assert w not in text, (page_, w)
    profile = (site / XIASHI / "index.html").read_text(encoding="utf-8")
    assert "表一 社区助老公共服务内容建议表" not in profile
    assert "社区助老公共服务" in profile


def test_numbers_dates_and_phones_do_not_break(site, page) -> None:
    with serve(site) as base:
        _open(page, base + XIASHI, "phone")
        spans = page.eval_on_selector_all(
            "article td .gs-nw", "ss => ss.map(s => [s.textContent, s.getClientRects().length])"
        )
        texts = [t for t, _ in spans]
        assert "0755-02786349" in texts, texts
        assert any(t.endswith("平方米") for t in texts), texts
        assert all(n == 1 for _, n in spans), [s for s in spans if s[1] != 1]


def test_government_footer_from_mkdocs_yml(site, samples_copy: Path, tmp_path: Path) -> None:
    cfg = samples_copy / "mkdocs.yml"  # the project's own site configuration
    assert not cfg.exists()
    text = (ROOT / "mkdocs.yml").read_text(encoding="utf-8")
    filled = text.replace('sponsor: ""', "sponsor: 示例市民政局").replace(
        'icp: ""', "icp: 示ICP备00000000号"
    )
    filled = filled.replace('police: ""', "police: 示公网安备00000000000000号").replace(
        'site_code: ""', 'site_code: "0000000000"'
    )
    assert filled != text
    cfg.write_text(filled, encoding="utf-8")
    try:
        out = tmp_path / "site"
        done = build(samples_copy, out, DAY, "--no-ledger")
        assert done.returncode == 0, done.stdout + done.stderr
    finally:
        cfg.unlink()
    home = (out / "index.html").read_text(encoding="utf-8")
    for shown in ("主办单位：示例市民政局", "示ICP备00000000号", "示公网安备00000000000000号"):
        assert shown in home, shown
    assert "网站标识码：0000000000" in home
    assert 'href="https://beian.miit.gov.cn/"' in home
    assert "主办单位" not in (site / "index.html").read_text(encoding="utf-8")
