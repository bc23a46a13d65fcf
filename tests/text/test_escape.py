"""One escaping function per context (generator/text/escape.py): whatever a record says, the
result read back by that context's own parser is the text itself, never markup."""

from __future__ import annotations

import json
from html.parser import HTMLParser

from hypothesis import given, settings
from hypothesis import strategies as st
from markupsafe import Markup

from generator.text.escape import html_attr, html_text, script_json, svg_text

HOSTILE = [
    "</title><img src=x onerror=alert(1)>",
    '"><svg onload=alert(1)>',
    "' onfocus='alert(1)' autofocus x='",
    "<script>alert(1)</script>",
    "</script><!--",
    "{{ 7*7 }} {% raw %}",
    "&amp; &lt;b&gt;",
    "a\nb\r\nc",
    "\u2028\u2029",
]
TEXT = st.one_of(
    st.sampled_from(HOSTILE),
    st.text(alphabet=st.sampled_from(list("<>&\"'=/{}% \n\u2028ab四")), max_size=40),
)


class _Read(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, list]] = []
        self.data = ""

    def handle_starttag(self, tag, attrs) -> None:
        self.tags.append((tag, attrs))

    def handle_data(self, data) -> None:
        self.data += data


def _read(html: str) -> _Read:
    r = _Read()
    r.feed(html)
    r.close()
    return r


def _one_line(text: str) -> str:
    return " ".join(text.replace("\r\n", "\n").replace("\r", "\n").split("\n")).strip()


@settings(max_examples=200, deadline=None)
@given(TEXT)
def test_html_text_reads_back_as_the_text(text: str) -> None:
    r = _read(f"<p>{html_text(text)}</p>")
    assert r.tags == [("p", [])]
    assert r.data == _one_line(text)


@settings(max_examples=200, deadline=None)
@given(TEXT)
def test_html_attr_stays_inside_its_quotes(text: str) -> None:
    r = _read(f'<span data-x="{html_attr(text)}" id="k"></span>')
    assert r.tags == [("span", [("data-x", _one_line(text)), ("id", "k")])]


@settings(max_examples=200, deadline=None)
@given(TEXT)
def test_svg_text_reads_back_as_the_text(text: str) -> None:
    r = _read(f"<svg><text>{svg_text(text)}</text></svg>")
    assert [t for t, _ in r.tags] == ["svg", "text"]
    assert r.data == _one_line(text)


@settings(max_examples=200, deadline=None)
@given(st.dictionaries(TEXT, TEXT, max_size=4))
def test_script_json_cannot_end_its_script(data: dict) -> None:
    body = script_json(data)
    assert "<" not in body and ">" not in body and "&" not in body
    assert "\u2028" not in body and "\u2029" not in body
    assert json.loads(body) == data


def test_no_template_syntax_reaches_the_markdown() -> None:
    out = html_text("{{ 7*7 }} {% raw %}")
    assert "{" not in out and "}" not in out


def test_markup_made_by_gongshi_is_kept() -> None:
    assert html_text(Markup('<a href="x">链接</a>')) == '<a href="x">链接</a>'
    assert html_text(None) == ""
