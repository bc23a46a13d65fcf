"""Round trips: any text a record can hold prints literally on the site and in the PDFs.

For every free-text field kind (one-line names, titles, reasons, targets, sign-up notes; and
multi-line descriptions, findings, notes), hypothesis draws realistic but nasty text (ASCII
punctuation, CJK ideographs, full-width punctuation, emoji for the web) that the schema
accepts, escapes it the way the outputs do, and reads it back:

* site: ``md_escape`` → Python-Markdown with exactly the extensions of mkdocs.yml → the text
  content of the HTML (entities decoded) equals the text, modulo whitespace;
* PDF: ``typst_escape`` (notices) and ``md_escape`` → pandoc → Typst (booklets, manuals)
  → compile → pdftotext equals the text, modulo whitespace.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

import markdown
import pytest
import yaml
from conftest import ROOT
from hostile_helpers import pdftotext, squeeze
from hypothesis import HealthCheck, assume, example, given, settings
from hypothesis import strategies as st

from generator.print.typeset import Typesetter, markdown_to_typst, typst_escape
from generator.problems import Position
from generator.records.load import RScalar
from generator.records.schema import INVALID, Obj, Seq, Str
from generator.records.shapes import FILE_KINDS
from generator.text.escape import md_escape, md_escape_block

ASCII = "".join(chr(c) for c in range(0x20, 0x7F))
FULLWIDTH = "".join(chr(c) for c in range(0xFF01, 0xFF5F)) + "、。〈〉《》「」『』【】〔〕…—·￥‘’“”"
CJK = st.characters(min_codepoint=0x4E00, max_codepoint=0x9FA5)
EMOJI = st.sampled_from("😀🎉👍🏠❤️🇨🇳")  # includes a variation selector and a flag pair


def _alphabet(emoji: bool) -> st.SearchStrategy[str]:
    parts = [st.sampled_from(ASCII), st.sampled_from(FULLWIDTH), CJK, st.sampled_from(" \u3000")]
    if emoji:
        parts.append(EMOJI)
    return st.one_of(*parts)


def text_kinds() -> dict[str, Str]:
    """One representative of each free-text kind in the schemas, by its label."""
    kinds: dict[str, Str] = {}

    def walk(kind, seen: set[int]) -> None:
        if id(kind) in seen:
            return
        seen.add(id(kind))
        if isinstance(kind, Seq):
            walk(kind.of, seen)
        elif isinstance(kind, Obj):
            for f in kind.fields:
                walk(f.kind, seen)
        elif type(kind) is Str and kind.pattern is None:
            kinds.setdefault(f"{kind.label}-{kind.multiline}-{kind.max_len}", kind)

    for k in FILE_KINDS.values():
        walk(k, set())
    return kinds


KINDS = text_kinds()
ONE_LINE = [k for k in KINDS.values() if not k.multiline]
MULTI_LINE = [k for k in KINDS.values() if k.multiline]


def accepted(kind: Str, text: str) -> str | None:
    """What the schema keeps of ``text`` in a field of this kind, or None if it refuses it."""
    value = kind(RScalar(Position("x.yaml", 1, 1), text, True), [])
    return None if value is INVALID else value


@st.composite
def record_text(draw, multiline: bool, emoji: bool):
    kind = draw(st.sampled_from(MULTI_LINE if multiline else ONE_LINE))
    if multiline:
        lines = draw(
            st.lists(st.text(_alphabet(emoji), min_size=1, max_size=40), min_size=1, max_size=4)
        )
        text = "\n".join(lines)
    else:
        text = draw(st.text(_alphabet(emoji), min_size=1, max_size=min(kind.max_len, 80)))
    value = accepted(kind, text)
    assume(value is not None and value.strip())
    return value


def test_every_free_text_kind_is_covered():
    assert ONE_LINE and MULTI_LINE
    labels = {k.label for k in KINDS.values()}
    for label in ("名称", "一段文字", "原因", "报名方式", "服务对象", "审计发现", "说明"):
        assert label in labels, (label, sorted(labels))


# ------------------------------------------------------------------ the site


def _mkdocs_markdown():
    cfg = yaml.safe_load((ROOT / "mkdocs.yml").read_text(encoding="utf-8"))
    extensions, configs = [], {}
    for entry in cfg["markdown_extensions"]:
        if isinstance(entry, dict):
            ((name, opts),) = entry.items()
            extensions.append(name)
            configs[name] = opts or {}
        else:
            extensions.append(entry)
    return extensions, configs


EXTENSIONS, EXTENSION_CONFIGS = _mkdocs_markdown()


class _Text(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.tags: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)

    def handle_data(self, data):
        self.parts.append(data)


def html_text(md: str) -> tuple[str, list[str]]:
    html = markdown.markdown(md, extensions=EXTENSIONS, extension_configs=EXTENSION_CONFIGS)
    reader = _Text()
    reader.feed(html)
    reader.close()
    return "".join(reader.parts), reader.tags


# Where record text lands in the site's Markdown templates.
ONE_LINE_CONTEXTS = {
    "paragraph": "{}",
    "heading": "# {}",
    "list item": "- {}",
    "table cell": "| 项目 | 内容 |\n| --- | --- |\n| 甲 | {} |",
    "bold label": "**名称：** {}",
}


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.filter_too_much])
@given(record_text(multiline=False, emoji=True), st.sampled_from(sorted(ONE_LINE_CONTEXTS)))
def test_one_line_text_round_trips_into_html(text, context):
    md = ONE_LINE_CONTEXTS[context].format(md_escape(text))
    shown, tags = html_text(md)
    frame = html_text(ONE_LINE_CONTEXTS[context].format(""))[0]
    assert squeeze(shown) == squeeze(frame + text), md
    assert "script" not in tags and "a" not in tags and "img" not in tags


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.filter_too_much])
@given(record_text(multiline=True, emoji=True))
def test_multi_line_text_round_trips_into_html(text):
    md = md_escape_block(text)
    shown, tags = html_text(md)
    assert squeeze(shown) == squeeze(text), md
    assert set(tags) <= {"p", "br"}, (md, tags)


# ------------------------------------------------------------------ the PDFs


@pytest.fixture(scope="module")
def ts() -> Typesetter:
    return Typesetter()


def _document(ts: Typesetter, body: str) -> str:
    return (
        f'#set text(font: ("{ts.fonts.serif}",), lang: "zh", region: "cn")\n'
        f"#set page(width: 30cm, height: auto, margin: 1cm)\n\n{body}\n"
    )


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.filter_too_much, HealthCheck.function_scoped_fixture],
)
@given(record_text(multiline=False, emoji=False))
def test_one_line_text_round_trips_into_typst(ts, text):
    pdf = ts.compile(_document(ts, "开始" + typst_escape(text) + "结束"))
    assert squeeze(pdftotext(pdf, layout=True)) == squeeze("开始" + text + "结束")


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.filter_too_much, HealthCheck.function_scoped_fixture],
)
@given(record_text(multiline=True, emoji=False))
@example(text="’")  # the typst writer turned it into "'", which Typst printed as ‘
@example(text="it’s ... ‘quoted’")
def test_multi_line_text_round_trips_through_pandoc_into_typst(ts, text):
    body = markdown_to_typst("开始\n\n" + md_escape_block(text) + "\n\n结束")
    pdf = ts.compile(_document(ts, body))
    assert squeeze(pdftotext(pdf, layout=True)) == squeeze("开始" + text + "结束")


@pytest.mark.parametrize(
    "text",
    [
        '#read("/etc/passwd")',
        "$x$ 和 $$y$$",
        "<lbl> @lbl",
        "a // 注释",
        "/* 注释 */",
        "= 标题",
        "- 列表",
        "+ 编号",
        "1. 编号",
        "/ 术语: 解释",
        "\\",
        "```代码```",
        "~~删除~~",
        "a -- b --- c",
        "...",
        "'单引号' \"双引号\"",
        "http://example.org/a_b",
        "{{ x }}",
        "#{1+1}",
    ],
)
def test_markup_fragments_print_literally(ts, text):
    pdf = ts.compile(_document(ts, "开始" + typst_escape(text) + "结束"))
    assert squeeze(pdftotext(pdf, layout=True)) == squeeze("开始" + text + "结束")
    body = markdown_to_typst("开始" + md_escape(text) + "结束")
    pdf = ts.compile(_document(ts, body))
    assert squeeze(pdftotext(pdf, layout=True)) == squeeze("开始" + text + "结束")
    shown, _ = html_text(md_escape(text))
    assert squeeze(shown) == squeeze(text)


def test_three_dots_survive_pandoc(ts):
    """pandoc's typst writer leaves '...' unescaped; typeset.markdown_to_typst's Lua filter
    escapes it so that Typst does not print an ellipsis."""
    body = markdown_to_typst("开始" + md_escape("...") + "结束")
    assert squeeze(pdftotext(ts.compile(_document(ts, body)), layout=True)) == "开始...结束"


def test_fonts_cover_the_pdf_alphabet(ts):
    """Every character the PDF properties draw from is in the Chinese fonts (no tofu)."""
    sample = (
        ASCII + FULLWIDTH + "一丁七万丈三上下不与丐丑专且丕世丘丙业丛东丝丞丢两严並丧" + "\u9fa5"
    )
    pdf = ts.compile(_document(ts, typst_escape(sample)))
    assert not [w for w in ts.last_warnings if "glyph" in w.lower()], ts.last_warnings
    assert squeeze(pdftotext(pdf, layout=True)) == squeeze(sample)
    assert re.search("CJK", _pdffonts(pdf))


def _pdffonts(pdf: bytes) -> str:
    import shutil
    import subprocess
    import tempfile
    from pathlib import Path

    with tempfile.TemporaryDirectory() as tmp:
        p = Path(tmp) / "x.pdf"
        p.write_bytes(pdf)
        return subprocess.run(
            [shutil.which("pdffonts") or "pdffonts", str(p)],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
