"""render_site and opendata without mkdocs: golden Markdown, escaping, the context contract.

Golden files live in tests/golden/site-minimal/ (one per page of the fixture project);
``pytest --update-golden tests/site/test_site_render.py`` rewrites them and the diff is reviewed.
"""

from __future__ import annotations

import csv
import dataclasses
import datetime as dt
import io
import json
import re
import shutil
import typing
import xml.etree.ElementTree as ET
from decimal import Decimal
from pathlib import Path

import icalendar
import jsonschema
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from generator.pipeline import load_project
from generator.site import contexts
from generator.site.finance import bar_chart_svg
from generator.site.pages import render_site
from generator.site.render import make_env
from generator.site.search import search_words
from generator.site.today import today_status
from generator.text.escape import html_text, md_escape
from tests.site_helpers import HOSTILE, MINIMAL, ROOT, hostile_project

GOLDEN = Path(__file__).resolve().parents[1] / "golden" / "site-minimal"
# Every record of the fixture is published by then (the audit on 2027-03-28).
TODAY = dt.date(2027, 4, 1)
# Pages whose text depends on content outside the fixture (the manual templates of content/).
NOT_GOLDEN = {"centres/demo/manuals.md"}
PDFS = frozenset(
    {
        "print/demo/hours.pdf",
        "print/demo/plan-2026-03.pdf",
        "print/demo/finance-2026-Q1.pdf",
        "print/demo/audit-2026.pdf",
        "print/demo/evaluation-2026.pdf",
        "print/demo/manuals.pdf",
    }
)


@pytest.fixture(scope="module")
def minimal_site():
    validated = load_project(MINIMAL, TODAY)
    assert not validated.report.errors
    return render_site(validated, MINIMAL, today=TODAY, pdf_paths=PDFS)


def test_golden_pages(minimal_site, update_golden: bool) -> None:
    pages = {k: v for k, v in minimal_site.pages.items() if k not in NOT_GOLDEN}
    if update_golden:
        for old in GOLDEN.rglob("*.md"):
            old.unlink()
        for rel, text in pages.items():
            path = GOLDEN / rel
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
    expected = {
        p.relative_to(GOLDEN).as_posix(): p.read_text(encoding="utf-8")
        for p in GOLDEN.rglob("*.md")
    }
    assert sorted(pages) == sorted(expected), "pages added or removed: run with --update-golden"
    for rel, text in pages.items():
        assert text == expected[rel], f"{rel} differs from its golden file (--update-golden)"


def test_every_page_kind_is_rendered(minimal_site) -> None:
    pages = set(minimal_site.pages)
    for rel in (
        "index.md",
        "centres/index.md",
        "open-data.md",
        "about.md",
        "centres/demo/index.md",
        "centres/demo/hours.md",
        "centres/demo/plans/index.md",
        "centres/demo/plans/2026-03.md",
        "centres/demo/finance/index.md",
        "centres/demo/finance/2026-Q1.md",
        "centres/demo/audit/2026.md",
        "centres/demo/evaluation/2026.md",
        "centres/demo/compliance.md",
        "centres/demo/manuals.md",
        "centres/demo/archive.md",
    ):
        assert rel in pages


def test_disclosure_pages_link_their_pdf_and_data(minimal_site) -> None:
    pages = minimal_site.pages
    cases = {
        "centres/demo/hours.md": ("print/demo/hours.pdf", "data/demo/hours.json"),
        "centres/demo/plans/2026-03.md": (
            "print/demo/plan-2026-03.pdf",
            "data/demo/plans/2026-03.json",
        ),
        "centres/demo/finance/2026-Q1.md": (
            "print/demo/finance-2026-Q1.pdf",
            "data/demo/finance/2026-Q1.json",
        ),
        "centres/demo/audit/2026.md": ("print/demo/audit-2026.pdf", "data/demo/audits/2026.json"),
        "centres/demo/evaluation/2026.md": (
            "print/demo/evaluation-2026.pdf",
            "data/demo/evaluations/2026.json",
        ),
    }
    for page, targets in cases.items():
        depth = page.count("/")
        for target in targets:
            assert f"]({'../' * depth}{target})" in pages[page], (page, target)
            if target.startswith("data/"):
                assert target in minimal_site.files


def test_without_pdfs_no_pdf_links() -> None:
    site = render_site(load_project(MINIMAL), MINIMAL, today=TODAY)
    assert not any("print/" in text for text in site.pages.values())


def test_signed_audit_report_is_copied_from_the_attachment(minimal_site) -> None:
    src = minimal_site.copies["centres/demo/audit/2026-signed-report.pdf"]
    assert src == MINIMAL / "centres" / "demo" / "attachments" / "audit.pdf"
    assert "](2026-signed-report.pdf)" in minimal_site.pages["centres/demo/audit/2026.md"]


def test_today_status_and_upcoming_holiday() -> None:
    # what the script shows a reader on a day (site.today, checked in Chromium by
    # test_site_day.py); the page itself names no day and lists every change
    hours = load_project(MINIMAL).centres[0].opening_hours
    assert today_status(hours, dt.date(2026, 9, 28)) == "今日开放：09:00-12:00、14:00-21:00"
    assert today_status(hours, dt.date(2026, 10, 5)) == "今日闭馆（国庆节）"
    for day in (dt.date(2026, 9, 28), dt.date(2027, 1, 4)):
        page = render_site(load_project(MINIMAL), MINIMAL, today=day).pages
        assert (
            "<td>2026年10月1日至10月7日</td>\n<td>闭馆</td>\n<td>国庆节</td>"
            in page["centres/demo/hours.md"]
        )
        both = page["centres/demo/hours.md"] + page["centres/demo/index.md"]
        assert "今日开放：0" not in both and f"{day.year}年{day.month}月{day.day}日" not in both


PLAN_RULE = """rules:
  monthly-plan:
    title: 月度活动计划提前公布
    check: plan-published
    clause: 一(一)
    quote: 测试用条款
    severity: warning
    days_before_month: "0"
"""


def test_overdue_plan_is_listed_on_the_home_page(tmp_path: Path) -> None:
    project = tmp_path / "proj"
    shutil.copytree(MINIMAL, project)
    pack = project / "content" / "rules" / "test-pack.yaml"
    pack.write_text(
        pack.read_text(encoding="utf-8").replace("rules: {}\n", PLAN_RULE), encoding="utf-8"
    )
    # By 2026-05-20 the April and May plans were due (end of the month before) and missing.
    site = render_site(load_project(project), project, today=dt.date(2026, 5, 20))
    home = site.pages["index.md"]
    overdue = home.split("## 逾期未公示", 1)[1].split("##", 1)[0]
    assert "2026年4月活动计划" in overdue and "2026年5月活动计划" in overdue
    assert "2026年3月活动计划" not in overdue


# ---------------------------------------------------------------- escaping


def test_hostile_text_is_escaped_in_every_page(tmp_path: Path) -> None:
    project = hostile_project(tmp_path)
    validated = load_project(project)
    assert not validated.report.errors, validated.report.format("text")
    site = render_site(validated, project, today=TODAY)
    plan = site.pages["centres/demo/plans/2026-03.md"]
    for title in HOSTILE:
        # Activities are raw HTML blocks: HTML-escaped, braces as entities (see _macros.md.j2).
        assert html_text(title) in plan
    everything = "\n".join(site.pages.values())
    # JSON in <script> elements (page data, JSON-LD) holds record text as data: it must parse
    # and cannot end its element; the Markdown around it holds no template syntax.
    scripts = re.compile(r'<script type="application/(?:ld\+)?json"[^>]*>(.*?)</script>', re.S)
    for body in scripts.findall(everything):
        json.loads(body)
        assert "<" not in body
    everything = scripts.sub("", everything)
    assert "<script>alert" not in everything
    assert "<img" not in everything
    assert "{{ 7*7 }}" not in everything and "49" not in plan
    assert "柯思远" not in everything
    assert all("柯思远".encode() not in data for data in site.files.values())


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.sampled_from(list("<>&*_`[](){}#|\\!~^=:$@'\"%-.+ \n四点半") + ["{{", "{%"]), max_size=30
    ).map("".join)
)
def test_template_escapes_any_value(text: str) -> None:
    """Whatever a record holds, the template prints md_escape of it, nothing else."""
    env = make_env()
    out = env.from_string("A {{ v }} B").render(v=text)
    assert out == f"A {md_escape(text)} B"


def test_markup_fields_are_printed_as_is() -> None:
    env = make_env()
    link = contexts.Link("a*b", contexts.Safe("../x.md"))
    out = env.from_string("[{{ l.text }}]({{ l.href }})").render(l=link)
    assert out == "[a\\*b](../x.md)"


# ---------------------------------------------------------------- the context contract


def test_templates_md_documents_every_context_field() -> None:
    """docs/templates.md names every dataclass of generator.site.contexts and each of its fields."""
    doc = (ROOT / "docs" / "templates.md").read_text(encoding="utf-8")
    for name, obj in vars(contexts).items():
        if dataclasses.is_dataclass(obj) and obj.__module__ == contexts.__name__:
            assert f"### {name}" in doc, f"docs/templates.md lacks a section for {name}"
            section = doc.split(f"### {name}", 1)[1].split("\n### ", 1)[0]
            for fld in dataclasses.fields(obj):
                assert f"`{fld.name}`" in section, f"docs/templates.md: {name}.{fld.name} missing"


def test_context_fields_are_typed() -> None:
    for obj in vars(contexts).values():
        if dataclasses.is_dataclass(obj) and obj.__module__ == contexts.__name__:
            hints = typing.get_type_hints(obj)
            assert all(f.name in hints for f in dataclasses.fields(obj))


# ---------------------------------------------------------------- open data


def _schema(name: str) -> dict:
    return json.loads((ROOT / "docs" / "schema" / name).read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def sample_site(samples_rendered):
    return samples_rendered


SCHEMA_OF = [
    (re.compile(r"data/[^/]+/centre\.json"), "centre.schema.json"),
    (re.compile(r"data/[^/]+/hours\.json"), "hours.schema.json"),
    (re.compile(r"data/[^/]+/plans/.*\.json"), "plan.schema.json"),
    (re.compile(r"data/[^/]+/finance/.*\.json"), "finance.schema.json"),
    (re.compile(r"data/[^/]+/audits/.*\.json"), "audit.schema.json"),
    (re.compile(r"data/[^/]+/evaluations/.*\.json"), "evaluation.schema.json"),
    (re.compile(r"data/centres\.json"), "centres.schema.json"),
]


@pytest.mark.parametrize("which", ["minimal", "samples"])
def test_json_files_follow_their_schema(which: str, minimal_site, sample_site) -> None:
    site = minimal_site if which == "minimal" else sample_site
    checked = 0
    for path, data in site.files.items():
        for pattern, name in SCHEMA_OF:
            if pattern.fullmatch(path):
                schema = _schema(name)
                jsonschema.Draft202012Validator.check_schema(schema)
                jsonschema.validate(
                    json.loads(data),
                    schema,
                    format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER,
                )
                checked += 1
    assert checked >= 7


def test_csv_files_open_in_a_spreadsheet(sample_site) -> None:
    for path in ("data/activities.csv", "data/finance.csv", "data/centres.csv"):
        raw = sample_site.files[path]
        assert raw.startswith(b"\xef\xbb\xbf") and b"\r\n" in raw
        rows = list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"))))
        assert rows, path
    acts = list(
        csv.DictReader(io.StringIO(sample_site.files["data/activities.csv"].decode("utf-8-sig")))
    )
    assert any("四点半学校" in r["title"] for r in acts)
    fin = list(
        csv.DictReader(io.StringIO(sample_site.files["data/finance.csv"].decode("utf-8-sig")))
    )
    assert all(re.fullmatch(r"-?\d+\.\d\d", r["amount"]) for r in fin)


def test_csv_cells_never_start_a_formula(tmp_path: Path) -> None:
    project = hostile_project(tmp_path)
    plan = project / "centres" / "demo" / "plans" / "2026-03.yaml"
    plan.write_text(
        plan.read_text(encoding="utf-8").replace("title: 四点半学校", "title: '=1+2'"),
        encoding="utf-8",
    )
    site = render_site(load_project(project), project, today=TODAY)
    rows = list(csv.reader(io.StringIO(site.files["data/demo/activities.csv"].decode("utf-8-sig"))))
    titles = [r[7] for r in rows[1:]]
    assert "'=1+2" in titles


def test_icalendar_feed(sample_site) -> None:
    data = sample_site.files["data/shenzhen-xiashi/calendar.ics"]
    cal = icalendar.Calendar.from_ical(data)
    events = [c for c in cal.walk("VEVENT")]
    assert any("四点半学校" in str(e["SUMMARY"]) for e in events)
    assert cal.walk("VTIMEZONE"), "times carry their time zone"
    uids = [str(e["UID"]) for e in events]
    assert len(uids) == len(set(uids))


def test_atom_feed(sample_site) -> None:
    root = ET.fromstring(sample_site.files["data/disclosures.atom"])
    ns = {"a": "http://www.w3.org/2005/Atom"}
    entries = root.findall("a:entry", ns)
    assert entries
    updated = [e.find("a:updated", ns).text for e in entries]
    assert updated == sorted(updated, reverse=True)
    assert all(e.find("a:link", ns).get("href").startswith("../centres/") for e in entries)


def test_json_ld_opening_hours(minimal_site) -> None:
    page = minimal_site.pages["centres/demo/index.md"]
    raw = re.search(r'<script type="application/ld\+json">(.*?)</script>', page).group(1)
    data = next(n for n in json.loads(raw)["@graph"] if n["@type"] == "CivicStructure")
    assert data["@type"] == "CivicStructure"
    mondays = [s for s in data["openingHoursSpecification"] if s["dayOfWeek"].endswith("Monday")]
    assert [(s["opens"], s["closes"]) for s in mondays] == [("09:00", "12:00"), ("14:00", "21:00")]


def test_json_ld_cannot_close_its_script(tmp_path: Path) -> None:
    project = hostile_project(tmp_path)
    centre = project / "centres" / "demo" / "centre.yaml"
    centre.write_text(
        centre.read_text(encoding="utf-8").replace(
            "address: 深圳市福田区沙尾路 1 号",
            "address: '沙尾路</script><script>alert(3)</script>'",
        ),
        encoding="utf-8",
    )
    site = render_site(load_project(project), project, today=TODAY)
    page = site.pages["centres/demo/index.md"]
    assert page.count("</script>") == 2  # the JSON-LD and the page's data for the browser
    raw = re.search(r'<script type="application/ld\+json">(.*?)</script>', page).group(1)
    centre = next(n for n in json.loads(raw)["@graph"] if n["@type"] == "CivicStructure")
    assert centre["address"]["streetAddress"] == "沙尾路</script><script>alert(3)</script>"


# ---------------------------------------------------------------- charts and search words


def test_bar_chart_has_text_alternative() -> None:
    svg = bar_chart_svg(
        "c", "收入 <来源>", [("政府购买", Decimal(100)), ("捐赠 & 其他", Decimal(0))]
    )
    root = ET.fromstring(svg)
    ns = "{http://www.w3.org/2000/svg}"
    assert root.get("role") == "img"
    assert root.find(f"{ns}title").text == "收入 <来源>"
    assert "捐赠 & 其他：0.00 元" in root.find(f"{ns}desc").text
    widths = [int(r.get("width")) for r in root.iter(f"{ns}rect")]
    assert widths[0] > widths[1]


def test_search_words_hold_activity_titles(sample_site) -> None:
    assert "四点半学校" in sample_site.words
    assert all(" " not in w and "\n" not in w for w in sample_site.words)
    assert search_words([], []) == ()


def test_day_data_cannot_close_its_script(tmp_path: Path) -> None:
    """The page's data for gongshi.js holds record text (a holiday's reason, an activity's
    title): written so that nothing in it ends its <script> element, read back whole."""
    project = hostile_project(tmp_path)
    hostile = "</script><script>alert(4)</script><!--"
    centre = project / "centres" / "demo" / "centre.yaml"
    text = centre.read_text(encoding="utf-8")
    assert "reason: 国庆节" in text
    centre.write_text(text.replace("reason: 国庆节", f"reason: '{hostile}'"), encoding="utf-8")
    site = render_site(load_project(project), project, today=dt.date(2026, 9, 28))
    for rel in ("centres/demo/index.md", "centres/demo/hours.md"):
        page = site.pages[rel]
        raw = re.search(r'<script type="application/json" class="gs-day">(.*?)</script>', page)
        assert raw is not None, rel
        assert "<" not in raw.group(1) and ">" not in raw.group(1), rel
        data = json.loads(raw.group(1))
        assert data["hours"]["exceptions"][0]["reason"] == hostile, rel
        assert "made" not in data  # the page holds no day: the script takes the reader's
    # the only ends of scripts are those of gongshi's own: the data (and the JSON-LD)
    assert site.pages["centres/demo/hours.md"].count("</script>") == 1
    assert site.pages["centres/demo/index.md"].count("</script>") == 2
    # and the hours page lists the change with its reason as text
    assert "&lt;/script&gt;&lt;script&gt;alert(4)" in site.pages["centres/demo/hours.md"]
