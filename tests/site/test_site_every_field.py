"""Record text is only text on every page: the payloads of tests/hostile/inject-every-field.yaml
are planted into every free-text field of every record kind (walked from the record shapes),
the project is checked and built once, and each page is read back, statically and in Debian's
Chromium: no element or script of a record reaches a page, and the text prints as written."""

from __future__ import annotations

import html
import json
import re
import shutil
from pathlib import Path

import pytest

from generator.build.orchestrate import build_site
from generator.cli import main
from generator.records.load import RMap, RSeq, parse_yaml
from generator.records.schema import Obj, Seq
from generator.records.shapes import FILE_KINDS
from generator.records.validate import FOLDERS
from tests.hostile_helpers import (
    EVERY_FIELD_DAY,
    UNPLANTED,
    Scalar,
    all_text_paths,
    dump_tree,
    every_field_case,
    every_field_project,
    format_kind,
    payload_values,
    read_page,
    read_tree,
    squeeze,
)
from tests.site_helpers import MINIMAL, chromium_browser, new_context, serve

# What a planted payload would leave in a page if it were markup: elements and attributes
# that only a record could have put there (the theme and gongshi write none of them).
INJECTED = (
    "img[src='x'], svg[onload], [onerror], [onclick], [onmouseover], [onfocus], [ontoggle], "
    "[autofocus], iframe, details[open], a[href^='javascript' i], [src^='javascript' i]"
)
EVENT_ATTR = re.compile(r"^on[a-z]+$")


def _json(proj: Path, capsys: pytest.CaptureFixture) -> tuple[int, list[dict]]:
    code = main(["check", str(proj), "--today", EVERY_FIELD_DAY.isoformat(), "--format", "json"])
    out = capsys.readouterr()
    assert "Traceback" not in out.out + out.err, out.err
    return code, json.loads(out.out)["problems"]


# ------------------------------------------------------------------ the corpus and check


def test_the_case_carries_every_payload() -> None:
    case = every_field_case()
    assert case.exit == 0 and case.attacks
    text = "\n".join(v for vs in payload_values(case).values() for v in vs)
    for payload in (
        "</title><img src=x onerror=alert(1)>",
        '"><svg onload=alert(1)>',
        "javascript:alert(1)",
        "{{ 7*7 }}",
        "{% raw %}",
        "[x](javascript:alert(1))",
        "<script>alert(1)</script>",
        "'-alert(1)-'",
        "</script><img",
        '\n<div onclick="alert(1)">',  # an HTML block: a line of its own
        '" onmouseover="alert(1)"',
        "' onfocus='alert(1)'",
    ):
        assert payload in text, payload


def test_every_text_field_of_every_record_kind_is_planted_and_checks(tmp_path, capsys) -> None:
    proj, planted = every_field_project(tmp_path)
    shapes = all_text_paths()
    assert len(shapes) > 50  # read from the record shapes, not listed here
    for centre, where in planted.items():
        left = shapes - where.paths - UNPLANTED
        if centre == "composed":  # named from its brand, street and community
            left -= {"centre/official_name"}
        assert not left, f"{centre}: not planted: {sorted(left)}"
    assert {"correction/reason", "correction/approved_by"} <= planted["demo"].paths
    code, problems = _json(proj, capsys)
    assert [p for p in problems if p["severity"] == "error"] == [] and code == 0, problems


def _format_fields(tmp: Path) -> tuple[Path, list[tuple[str, int, str]]]:
    """A copy of the minimal project with a payload in every field that has a format."""
    refused = payload_values()["refused"]
    dest = tmp / "formats"
    shutil.copytree(MINIMAL, dest)
    centre = dest / "centres" / "demo"
    files = [("centre", centre / "centre.yaml")] + [
        (kind, p) for folder, (kind, _, _) in FOLDERS.items() for p in (centre / folder).glob("*")
    ]
    placed: list[tuple[str, Scalar, str]] = []

    def tree(node):
        if isinstance(node, RMap):
            return {k.text: tree(v) for k, v in node.items}
        if isinstance(node, RSeq):
            return [tree(v) for v in node.items]
        return Scalar(node.text, node.quoted)

    def walk(kind, value, path, rel):
        if isinstance(kind, Obj) and isinstance(value, dict):
            for f in kind.fields:
                if f.key in value:
                    value[f.key] = walk(f.kind, value[f.key], f"{path}/{f.key}", rel)
        elif isinstance(kind, Seq) and isinstance(value, list):
            return [walk(kind.of, v, path + "[]", rel) for v in value]
        elif format_kind(kind) and isinstance(value, Scalar) and path not in UNPLANTED:
            new = Scalar(refused[len(placed) % len(refused)], planted=True)
            placed.append((rel, new, path))
            return new
        return value

    out = []
    for kind, path in files:
        root, problems = parse_yaml(path.read_text(encoding="utf-8"), path.name)
        assert root is not None and not problems
        rel = path.relative_to(centre).as_posix()
        text, where = dump_tree(walk(FILE_KINDS[kind], tree(root), kind, rel))
        path.write_text(text, encoding="utf-8")
        out += [(r, where[id(v)], p) for r, v, p in placed if r == rel and id(v) in where]
    return dest, out


def test_a_payload_in_a_field_with_a_format_is_refused_at_its_line(tmp_path, capsys) -> None:
    proj, placed = _format_fields(tmp_path)
    assert len(placed) >= 10, placed
    kinds = {p.split("/", 1)[0] for _, _, p in placed}
    assert {"centre", "plan", "activities", "finance"} <= kinds, placed
    code, problems = _json(proj, capsys)
    assert code == 1
    at = {(p["file"], p["line"]): p for p in problems if p["severity"] == "error"}
    for rel, line, path in placed:
        problem = at.get((f"centres/demo/{rel}", line))
        assert problem, f"{rel}:{line} ({path}) was not refused: {problems}"
        assert re.search("[\u4e00-\u9fff]", problem["message"]), problem


# ------------------------------------------------------------------ one build, read back


@pytest.fixture(scope="module")
def every_field_site(tmp_path_factory) -> tuple[Path, dict]:
    tmp = tmp_path_factory.mktemp("every-field")
    proj, planted = every_field_project(tmp)
    result = build_site(
        proj, tmp / "public", today=EVERY_FIELD_DAY, site_url="https://example.org/", pdf=False
    )
    assert not result.report.errors, result.report.format()
    return tmp / "public", planted


def _pages(site: Path) -> dict[str, bytes]:
    return {p: d for p, d in read_tree(site).items() if p.endswith(".html")}


@pytest.mark.slow
def test_no_planted_element_or_attribute_reaches_a_page(every_field_site) -> None:
    site, _ = every_field_site
    pages = _pages(site)
    kinds = {re.sub(r"/[0-9][^/]*/", "/*/", p) for p in pages}
    assert len(kinds) >= 15, sorted(kinds)
    for path, data in pages.items():
        page = read_page(data)
        for tag, attrs in page.tags:
            names = {k for k, _ in attrs}
            assert not {n for n in names if EVENT_ATTR.match(n)}, (path, tag, attrs)
            assert not names & {"autofocus", "'", '"'}, (path, tag, attrs)
            assert tag not in ("iframe", "details"), (path, tag, attrs)
            assert not (tag == "img" and dict(attrs).get("src") == "x"), (path, attrs)
            for k, v in attrs:
                if k in ("href", "src", "action") and v:
                    assert not squeeze(v).lower().startswith("javascript:"), (path, tag, attrs)
        for kind, body in page.scripts:
            if "alert" in body:  # record text may only sit in data, never in code
                assert kind in ("application/json", "application/ld+json"), (path, body[:200])
                json.loads(body)


@pytest.mark.slow
def test_title_and_meta_carry_the_name_as_text(every_field_site) -> None:
    site, _ = every_field_site
    values = payload_values()
    name = values["name"][0] + values["short"][0]  # demo's official name
    source = (site / "centres" / "demo" / "index.html").read_text(encoding="utf-8")
    title = re.search(r"<title>(.*?)</title>", source, re.S)
    assert title and "<" not in title[1] and ">" not in title[1], title
    assert html.unescape(title[1]).startswith(name), title[1]
    for tag, attrs in read_page(source.encode("utf-8")).tags:
        if tag == "meta":  # a quote in a record cannot open an attribute of its own
            assert {k for k, _ in attrs} <= {"name", "content", "property", "charset"}, attrs


@pytest.mark.slow
def test_the_search_index_holds_text_not_markup(every_field_site) -> None:
    site, _ = every_field_site
    indexes = sorted(site.rglob("search_index.json"))
    assert indexes
    seen = False
    for index in indexes:
        for doc in json.loads(index.read_text(encoding="utf-8"))["docs"]:
            for value in (doc.get("title", ""), doc.get("text", "")):
                seen = seen or "alert(1)" in value
                reader = read_page(value.encode("utf-8"))
                for tag, attrs in reader.tags:
                    assert tag not in ("img", "svg", "script", "iframe", "details"), (tag, doc)
                    assert not any(EVENT_ATTR.match(k) for k, _ in attrs), (tag, doc)
    assert seen, "the planted text is searchable"


# ------------------------------------------------------------------ in the browser


@pytest.mark.slow
@pytest.mark.browser
def test_every_page_kind_shows_the_text_and_runs_none(every_field_site) -> None:
    site, planted = every_field_site
    values = payload_values()
    paths = sorted(p.removesuffix("index.html") for p in _pages(site) if p != "404.html")
    dialogs: list[str] = []
    injected: dict[str, int] = {}
    with chromium_browser() as b, serve(site) as base:
        ctx = new_context(b)
        page = ctx.new_page()
        page.on("dialog", lambda d: (dialogs.append(f"{page.url}: {d.message}"), d.dismiss()))
        for path in paths:
            response = page.goto(base + path)
            assert response is not None and response.ok, path
            page.wait_for_load_state("networkidle")
            found = page.locator(INJECTED).count()
            if found:
                injected[path] = found
        # the name in the heading and the tab's title; a body field (the address) as written
        page.goto(base + "centres/demo/")
        name = values["name"][0] + values["short"][0]
        assert page.locator("h1").first.inner_text().strip() == name
        assert page.title().startswith(name)
        article = squeeze(page.inner_text("article"))
        for field in ("centre/address", "centre/operator/name", "centre/rooms[]/purpose"):
            assert squeeze(planted["demo"].values[field]) in article, field
        # the composed name (brand + street + community) in the composed centre's heading
        page.goto(base + "centres/composed/")
        heading = page.locator("h1").first.inner_text()
        assert "<script>alert(1)</script>" in heading or "onerror=alert(1)>" in heading, heading
        # an activity's title on its plan page, and the correction's reason
        page.goto(base + "centres/demo/plans/2026-03/")
        assert "[x](javascript:alert(1))" in page.inner_text("article")
        page.goto(base + "centres/demo/corrections/finance-2026-Q1-1/")
        assert "<script>alert(1)</script>" in page.inner_text("article")
        # the centre's own manual text: a chapter it added and an article's text
        # (one page per manual: the list, then each manual's page)
        page.goto(base + "centres/demo/manuals/")
        links = page.eval_on_selector_all(
            "article li a", "as => as.map(a => new URL(a.getAttribute('href'), location.href).href)"
        )
        manuals = page.inner_text("article")
        for link in links:
            page.goto(link)
            manuals += page.inner_text("article")
        assert values["name"][0] in manuals and '<div onclick="alert(1)">HTML 块</div>' in manuals
        # the theme's search shows results as HTML: a search for the payloads runs nothing
        page.set_viewport_size({"width": 1280, "height": 900})
        page.goto(base + "centres/demo/")
        page.click("input.md-search__input")
        page.wait_for_function(
            "() => !document.querySelector('.md-search-result__meta')"
            ".textContent.includes('初始化')",
            timeout=60000,
        )
        page.fill("input.md-search__input", "alert")
        page.keyboard.press("End")
        page.wait_for_selector(".md-search-result__item", timeout=30000)
        assert page.locator(INJECTED).count() == 0
        # a result opens its page with the query highlighted (search.highlight)
        page.locator(".md-search-result__item > a").first.click()
        page.wait_for_load_state("networkidle")
        assert page.locator(INJECTED).count() == 0
        ctx.close()
    assert not dialogs, dialogs
    assert not injected, injected
