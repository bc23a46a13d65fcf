"""Escape record text for the context it lands in: one function per context, and nothing
else in gongshi escapes (templates call these through filters, never ``replace``).

| context | function |
|---|---|
| Markdown text (the site pages; also pandoc for the manuals) | ``md_escape``, ``md_escape_block`` |
| HTML text inside a raw HTML block of a Markdown page | ``html_text`` |
| an HTML attribute value (always written in double quotes) | ``html_attr`` |
| text of an inline SVG element | ``svg_text`` |
| JSON inside an HTML ``<script>`` element (page data, JSON-LD) | ``script_json`` |

The page ``<title>`` is written by the theme's own template (``overrides/main.html``), which
escapes again after ``striptags``; Typst has its own escaping in ``print/typeset.py``.

The same Markdown feeds two readers: Python-Markdown (mkdocs, with raw HTML allowed)
and pandoc (raw HTML and raw formats disabled, see ``typeset``). ``md_escape`` makes a
record string print literally in both: ASCII punctuation that either reader treats as
markup is backslash-escaped, and ``<`` ``>`` ``&`` become entities so that no HTML tag
or entity written in a record ever reaches the page as markup.
"""

from __future__ import annotations

import json
import re
from typing import Any

from markupsafe import escape

# Punctuation with a Markdown meaning in Python-Markdown, pymdown-extensions or pandoc.
_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|~^=:$@'\"%])")
_NEWLINES = re.compile(r"\r\n?|\n")
# Characters a JSON string may hold that would end or confuse a <script> element.
_SCRIPT_UNSAFE = {
    "<": "\\u003c",
    ">": "\\u003e",
    "&": "\\u0026",
    "\u2028": "\\u2028",
    "\u2029": "\\u2029",
}
_SCRIPT_UNSAFE_RE = re.compile("[<>&\u2028\u2029]")


def _line(text: object) -> str:
    s = "" if text is None else str(text)
    return _NEWLINES.sub(" ", s).strip()


def md_escape(text: object) -> str:
    """Escape one line of record text for Markdown (newlines become spaces)."""
    s = "" if text is None else str(text)
    s = s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    s = _MD_SPECIAL.sub(r"\\\1", s)
    return _NEWLINES.sub(" ", s).strip()


def md_escape_block(text: object) -> str:
    """Escape multi-line record text: each line escaped, paragraphs kept."""
    s = "" if text is None else str(text)
    paras = [p for p in re.split(r"\n\s*\n", s.strip()) if p.strip()]
    return "\n\n".join(
        "  \n".join(md_escape(line) for line in p.splitlines() if line.strip()) for p in paras
    )


def html_text(text: object) -> str:
    """One line of record text inside a raw HTML block of a Markdown page.

    ``< > & " '`` become entities, and so do ``{ }`` (no template syntax of a record reaches
    the Markdown); newlines become spaces, so the text cannot end the HTML block. Backslash
    escapes are not used: Python-Markdown does not undo them in raw HTML. Markup made by
    gongshi (an object with ``__html__``) is kept as markup.
    """
    if hasattr(text, "__html__"):
        s = _line(text.__html__())
    else:
        s = str(escape(_line(text)))
    return s.replace("{", "&#123;").replace("}", "&#125;")


def html_attr(text: object) -> str:
    """A value written inside a double-quoted HTML attribute (``data-*``, ``id``): the same
    entities as ``html_text``, so neither quote can end the attribute."""
    return html_text(text)


def svg_text(text: object) -> str:
    """Text of an SVG element inlined in a page (``<title>``, ``<desc>``, ``<text>``)."""
    return html_text(text)


def script_json(data: Any) -> str:
    """JSON safe inside an HTML <script> element: <, > and & as \\u escapes (so neither
    ``</script>`` nor ``<!--`` can appear), and U+2028/U+2029 escaped as well."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    return _SCRIPT_UNSAFE_RE.sub(lambda m: _SCRIPT_UNSAFE[m[0]], text)
