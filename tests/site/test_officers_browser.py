"""The city view for district officers in a browser: the samples built on 2026-12-06 with
Binjiang's December plan deleted (so one disclosure is overdue), read in Debian's Chromium
under Playwright at a phone's and a desktop's width: sorting, filtering by district, the
overdue column on the reader's day (the browser's clock set), no clipped columns, zero axe
violations. Needs /usr/bin/chromium."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from conftest import copy_project

from tests.site_helpers import ROOT, axe_source, build, chromium_browser, new_context, serve

pytestmark = [pytest.mark.browser, pytest.mark.slow]

BUILD_DAY = "2026-12-06"
CHINA = dt.timezone(dt.timedelta(hours=8))
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 800}
URL = "officers/"


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    tmp = tmp_path_factory.mktemp("officers")
    project = copy_project(ROOT, tmp / "proj")
    # a plan once published cannot be deleted (the ledger): the copy starts without a ledger
    (project / "centres/binjiang-lanwan/plans/2026-12.yaml").unlink()
    (project / "centres/binjiang-lanwan/published.yaml").unlink()
    out = tmp / "site"
    done = build(project, out, BUILD_DAY, "--no-ledger")
    assert done.returncode == 0, done.stdout + done.stderr
    assert (out / URL / "index.html").is_file(), "the officers' view is not in the site"
    return out


@pytest.fixture(scope="module")
def base(site: Path):
    with serve(site) as url:
        yield url


@pytest.fixture(scope="module")
def chromium():
    with chromium_browser() as b:
        yield b


def china(day: str, hour: int = 10) -> dt.datetime:
    return dt.datetime.fromisoformat(day).replace(hour=hour, tzinfo=CHINA)


def open_view(chromium, base: str, viewport: dict, day: str = BUILD_DAY, **options):
    ctx = new_context(chromium, viewport=viewport, **options)
    page = ctx.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    requests: list[str] = []
    page.on("request", lambda r: requests.append(r.url))
    page.clock.set_fixed_time(china(day))
    page.goto(base + URL)
    page.wait_for_load_state("load")
    return ctx, page, errors, requests


def column(page, key: str) -> list[str]:
    """The visible cells of a column, top to bottom."""
    return page.eval_on_selector_all(
        "#gs-of-table tbody tr:not([hidden])",
        """(rows, key) => {
            const i = [...document.querySelectorAll('#gs-of-table thead th')]
                .findIndex(th => th.dataset.ofCol === key);
            return rows.map(r => r.cells[i].textContent.trim());
        }""",
        key,
    )


def overdue_of(page, centre: str) -> str:
    return page.inner_text(f'tr[data-of-centre="{centre}"] td[data-of="overdue"]')


def test_sort_by_a_column_both_ways(chromium, base: str) -> None:
    ctx, page, errors, _ = open_view(chromium, base, DESKTOP)
    try:
        names = column(page, "name")
        assert len(names) == 3
        header = page.locator('th[data-of-col="findings-warning"] button')
        header.click()
        assert page.get_attribute('th[data-of-col="findings-warning"]', "aria-sort") == (
            "ascending"
        )
        up = column(page, "findings-warning")
        assert [int(v.split()[0]) for v in up] == sorted(int(v.split()[0]) for v in up)
        header.click()
        down = column(page, "findings-warning")
        assert [int(v.split()[0]) for v in down] == sorted(
            (int(v.split()[0]) for v in down), reverse=True
        )
        assert down[0] != down[-1]  # the samples differ here, so the order is seen to change
        page.locator('th[data-of-col="share-management"] button').click()
        shares = column(page, "share-management")
        values = [float(v.split("%")[0]) for v in shares]
        assert values == sorted(values)
        assert errors == []
    finally:
        ctx.close()


def test_filter_by_district_then_street(chromium, base: str) -> None:
    ctx, page, errors, _ = open_view(chromium, base, PHONE)
    try:
        assert page.is_visible("#gs-of-district")
        page.select_option("#gs-of-district", "滨江区")
        assert column(page, "district") == ["滨江区"]
        assert "显示 1 个中心（共 3 个）" in page.inner_text("#gs-of-controls")
        streets = page.eval_on_selector_all(
            "#gs-of-street option", "os => os.map(o => o.value).filter(Boolean)"
        )
        assert streets == ["江澜街道"]
        page.select_option("#gs-of-district", "")
        assert len(column(page, "district")) == 3
        assert errors == []
    finally:
        ctx.close()


def test_the_overdue_column_follows_the_readers_day(chromium, base: str) -> None:
    ctx, page, errors, _ = open_view(chromium, base, DESKTOP, "2026-12-06")
    try:
        binjiang = overdue_of(page, "binjiang-lanwan")
        assert binjiang.startswith("1 项")
        assert "2026年12月活动计划（应于2026年11月30日公布）" in binjiang
        assert overdue_of(page, "shenzhen-xiashi") == "0 项"
        assert "2026年第四季度财务信息：未到期（还有 55 天）" in page.inner_text(
            'tr[data-of-centre="shenzhen-xiashi"] td[data-of="next"]'
        )
    finally:
        ctx.close()
    # read again on 2027-02-03, without building: Shenzhen's fourth quarter (due 2027-01-30)
    # is overdue by then, and the audit is the next one due
    ctx, page, errors, _ = open_view(chromium, base, DESKTOP, "2027-02-03")
    try:
        shenzhen = overdue_of(page, "shenzhen-xiashi")
        assert shenzhen.startswith("1 项"), shenzhen
        assert "2026年第四季度财务信息（应于2027年1月30日公布）" in shenzhen
        assert (
            page.get_attribute(
                'tr[data-of-centre="shenzhen-xiashi"] td[data-of="overdue"]', "data-sort"
            )
            == "1"
        )
        assert "2026年度审计报告：未到期（还有 86 天）" in page.inner_text(
            'tr[data-of-centre="shenzhen-xiashi"] td[data-of="next"]'
        )
        assert "按今天（2027年2月3日）计算" in page.inner_text('[data-of="day-note"]')
        # sorting by the column sorts by the reader's day
        page.locator('th[data-of-col="overdue"] button').click()
        page.locator('th[data-of-col="overdue"] button').click()
        assert column(page, "overdue")[-1] == "0 项"
        assert errors == []
    finally:
        ctx.close()


def test_without_javascript_a_plain_table_of_the_build_day(chromium, base: str) -> None:
    ctx, page, _, _ = open_view(chromium, base, DESKTOP, "2027-02-03", java_script_enabled=False)
    try:
        assert page.is_hidden("#gs-of-controls")
        assert overdue_of(page, "shenzhen-xiashi") == "0 项"  # as it stood on the build day
        assert "截至2026年12月6日" in page.inner_text('[data-of="day-note"]')
        assert page.locator("#gs-of-table tbody tr").count() == 3
    finally:
        ctx.close()


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["390x844", "1280x800"])
@pytest.mark.parametrize("script", [True, False], ids=["js", "no-js"])
def test_readable_at_both_widths_with_zero_axe_violations(
    chromium, base: str, viewport: dict, script: bool, tmp_path: Path
) -> None:
    ctx, page, errors, requests = open_view(chromium, base, viewport, java_script_enabled=script)
    try:
        # no clipped columns: nothing wider than the screen, every cell inside the viewport
        assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"]
        wrap = page.eval_on_selector(".gs-of-wrap", "b => [b.scrollWidth, b.clientWidth]")
        assert wrap[0] <= wrap[1] + 1, wrap
        right = page.eval_on_selector_all(
            "#gs-of-table td", "cs => Math.max(...cs.map(c => c.getBoundingClientRect().right))"
        )
        assert right <= viewport["width"]
        if viewport is PHONE:  # stacked: each cell with its column's name
            label = page.eval_on_selector(
                "#gs-of-table td", "c => getComputedStyle(c, '::before').content"
            )
            assert label == '"中心"'
        page.screenshot(path=str(tmp_path / "officers.png"), full_page=True)
        if script:
            page.evaluate(axe_source())
            result = page.evaluate(
                "async () => await axe.run(document, {resultTypes: ['violations']})"
            )
            found = [(v["id"], [n["target"] for n in v["nodes"]][:3]) for v in result["violations"]]
            assert found == []
        assert all(r.startswith(base) for r in requests), requests
        assert errors == []
    finally:
        ctx.close()
