"""Pages that are cheap for mkdocs: record tables as raw HTML, one search section per list.

The page templates write record tables and the activity list as raw HTML blocks (no inline
Markdown processing of every cell) and keep repeated text out of the search index with
mkdocs-material's ``data-search-exclude``. These tests check that this costs nothing in
safety or findability: record text in raw HTML still prints literally (read back through the
same Python-Markdown extensions as mkdocs.yml), every activity keeps its ``#activity-<id>``
anchor, and a real build's search index still finds activity titles and the audit page while
holding one section for a month's activity list instead of one per activity.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from html.parser import HTMLParser
from pathlib import Path

import markdown
import pytest

from generator.build.mkdocs_site import site_config
from generator.site.contexts import Row
from generator.site.render import make_env
from tests.conftest import copy_project
from tests.site_helpers import HOSTILE, MINIMAL, ROOT, build

TODAY = dt.date(2027, 4, 1)  # every record of the fixture is published by then
NASTY = (
    *HOSTILE,
    "</td></tr></table></figure><script>alert(3)</script>",
    "a & b &amp; &lt;c&gt; &#123;",
    "\"quoted\" 'single'",
    "第一行\n\n    第二行像代码块",
    "/// table-caption\n假标题\n///",
    "{: #injected .x }",
    "\\*not em\\* `code` $x$ ~~del~~",
    "<!-- comment -->",
    "<!-- /gs:raw -->\n<script>alert(4)</script>\n<!-- gs:raw -->",
    "   前后空格   ",
)


def _python_markdown() -> markdown.Markdown:
    """Python-Markdown with the extensions and settings a build hands mkdocs (mkdocs.yml's,
    and the raw HTML blocks': ``site_config``)."""
    cfg = site_config(Path("docs"), Path("site"), None, None, ROOT)
    names, settings = [], {}
    for entry in cfg["markdown_extensions"]:
        if isinstance(entry, dict):
            ((name, conf),) = entry.items()
            names.append(name)
            settings[name] = conf or {}
        else:
            names.append(entry)
    return markdown.Markdown(extensions=names, extension_configs=settings)


class _Cells(HTMLParser):
    """Text of every <td>, the caption, and every tag seen."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.cells: list[str] = []
        self.captions: list[str] = []
        self.tags: list[str] = []
        self._into: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list) -> None:
        self.tags.append(tag)
        if tag in ("td", "figcaption"):
            self._into = self.cells if tag == "td" else self.captions
            self._into.append("")

    def handle_endtag(self, tag: str) -> None:
        if tag in ("td", "figcaption"):
            self._into = None

    def handle_data(self, data: str) -> None:
        if self._into is not None:
            self._into[-1] += data

    def handle_comment(self, data: str) -> None:
        self.tags.append("!--")


def _plain(value: str) -> str:
    """What a cell shows: line breaks as spaces, outer spaces trimmed."""
    return re.sub(r"\r\n?|\n", " ", value).strip()


@pytest.mark.parametrize("value", NASTY)
def test_record_text_in_a_raw_html_table_prints_literally(value: str) -> None:
    env = make_env()
    page = env.from_string(
        '{% from "_macros.md.j2" import table %}# 标题\n\n前文\n\n'
        "{{ table(['项目', '内容'], rows, caption) }}\n\n后文 **粗体**\n"
    ).render(rows=[Row(("名称", value)), Row((value, ""))], caption=value)
    assert "{{" not in page and "{%" not in page, "no template syntax from a record"
    html = _python_markdown().convert(page)
    found = _Cells()
    found.feed(html)
    assert found.cells == ["名称", _plain(value), _plain(value), "—"]
    assert [c.strip() for c in found.captions] == [_plain(value)]
    # The only tags are the table's own and the Markdown around it.
    assert set(found.tags) <= {
        "h1",
        "p",
        "figure",
        "figcaption",
        "table",
        "thead",
        "tbody",
        "tr",
        "th",
        "td",
        "strong",
        "span",  # a number or a date kept on one line (gs-nw)
    }
    assert found.tags.count("strong") == 1  # 后文 **粗体**: Markdown after the block still works
    assert found.tags.count("table") == 1


@pytest.fixture(scope="module")
def samples(samples_loaded, samples_rendered):
    validated = samples_loaded
    assert not validated.report.errors, validated.report.format("text")
    return validated, samples_rendered


def test_every_activity_has_its_own_anchored_heading(samples) -> None:
    validated, site = samples
    checked = 0
    for ce in validated.centres:
        # the plans published on the day the samples are rendered (the next month's may not be)
        for plan in (p for p in ce.plans if f"centres/{ce.id}/plans/{p.key}.md" in site.pages):
            page = site.pages[f"centres/{ce.id}/plans/{plan.key}.md"]
            assert "\n### " not in page, "activities are raw HTML, not Markdown headings"
            for a in plan.activities:
                assert page.count(f'<h4 id="activity-{a.id}">') == 1, (ce.id, plan.key, a.id)
                checked += 1
    assert checked > 100


def _index_entries(site: Path) -> list[dict]:
    entries = []
    for path in sorted(site.rglob("search_index.json")):
        prefix = path.parent.parent.relative_to(site).as_posix()
        for doc in json.loads(path.read_text(encoding="utf-8"))["docs"]:
            loc = doc["location"]
            entries.append(
                {
                    "location": f"{prefix}/{loc}" if prefix != "." else loc,
                    "title": doc["title"].replace("\u200b", ""),
                    "text": doc["text"].replace("\u200b", ""),
                }
            )
    return entries


@pytest.fixture(scope="module")
def minimal_built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    tmp = tmp_path_factory.mktemp("speed")
    project = copy_project(MINIMAL, tmp / "proj")
    out = tmp / "site"
    done = build(project, out, TODAY.isoformat(), "--no-ledger")
    assert done.returncode == 0, done.stderr
    return out


@pytest.mark.slow
def test_search_index_has_one_entry_per_activity_with_its_date(minimal_built: Path) -> None:
    entries = _index_entries(minimal_built)
    plan = [e for e in entries if "plans/2026-03/" in e["location"]]
    assert plan, "the plan page is searchable"
    acts = [e for e in plan if "#activity-" in e["location"]]
    assert {e["location"].rsplit("#", 1)[1] for e in acts} >= {"activity-A01", "activity-A02"}
    school = next(e for e in acts if "四点半学校" in e["title"])
    assert re.search(r"2026年3月\d+日（周.）", school["title"]), school["title"]
    # the words inside the title are in the entry (search matches the start of a word)
    assert "学校" in school["text"].split()
    # the repeated parts stay out: calendar, details, summary, downloads, the centre menu
    titles = {e["title"] for e in plan}
    assert not titles & {"日历", "计划与实际", "下载与数据"}
    assert not any("报名方式" in e["text"] for e in acts)
    assert not any("下载与数据" == e["title"] for e in entries)
    assert not any("合规检查 · 制度汇编" in e["text"] for e in entries)


@pytest.mark.slow
def test_search_still_finds_the_audit_and_the_activity_anchor_works(minimal_built: Path) -> None:
    entries = _index_entries(minimal_built)
    assert any("/audit/2026/" in e["location"] and "审计" in e["title"] for e in entries)
    html = (minimal_built / "centres/demo/plans/2026-03/index.html").read_text(encoding="utf-8")
    assert 'id="activity-A01"' in html and 'id="activity-A02"' in html
    assert "四点半学校" in html
