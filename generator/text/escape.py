"""Escape record text so that it is data, never markup, in Markdown output.

The same Markdown feeds two readers: Python-Markdown (mkdocs, with raw HTML allowed)
and pandoc (raw HTML and raw formats disabled, see ``typeset``). ``md_escape`` makes a
record string print literally in both: ASCII punctuation that either reader treats as
markup is backslash-escaped, and ``<`` ``>`` ``&`` become entities so that no HTML tag
or entity written in a record ever reaches the page as markup.
"""

from __future__ import annotations

import re

# Punctuation with a Markdown meaning in Python-Markdown, pymdown-extensions or pandoc.
_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|~^=:$@'\"%])")
_NEWLINES = re.compile(r"\r\n?|\n")


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
