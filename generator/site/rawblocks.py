"""Raw HTML blocks that Python-Markdown takes as they are written, without parsing them.

The site's record tables, calendars and lists of centres are raw HTML blocks
(site_templates/site/pages/_macros.md.j2). To find where such a block ends, Python-Markdown
parses its HTML (``html.parser``), and mkdocs parses the whole page once more for the ids in
it: most of the Markdown time of a page of tables, and of the city pages that list every
centre. A block the templates write between a ``RAW_START`` line and a ``RAW_END`` line is
put as it is where Python-Markdown puts a raw block it has parsed (``htmlStash``), before
either parser runs; the HTML out is the same.

Record text never ends a block early: inside raw HTML the templates print it HTML-escaped
(the ``html`` and ``attr`` filters), so it holds no ``<``. A block without its end line is
left to Python-Markdown as written. The site configuration of a build names this extension
(``build.mkdocs_site.site_config``); the page environment hands the two lines to the
templates (``site.render.make_env``).
"""

from __future__ import annotations

from typing import Any

from markdown import Markdown
from markdown.extensions import Extension
from markdown.preprocessors import Preprocessor

RAW_START = "<!-- gs:raw -->"
RAW_END = "<!-- /gs:raw -->"
NAME = "generator.site.rawblocks"  # as a site configuration names it

# after Python-Markdown's whitespace clean-up (30: it removes the characters a stash
# placeholder is made of), before mkdocs' id collection (21) and the raw HTML parser (20)
_PRIORITY = 25


class _StashRawBlocks(Preprocessor):
    def run(self, lines: list[str]) -> list[str]:
        if RAW_START not in lines:
            return lines
        out: list[str] = []
        block: list[str] | None = None
        for line in lines:
            if block is None:
                if line == RAW_START:
                    block = []
                else:
                    out.append(line)
            elif line == RAW_END:
                # as Python-Markdown stores a block it parsed: from its first line, ending
                # with a line break (a block stored from a blank line would not be known as
                # block-level, and would land inside a paragraph)
                html = "\n".join(block).strip("\n") + "\n"
                out.extend(("", self.md.htmlStash.store(html), ""))
                block = None
            else:
                block.append(line)
        if block is not None:  # no end line: the lines as written
            out.append(RAW_START)
            out.extend(block)
        return out


class RawBlocks(Extension):
    def extendMarkdown(self, md: Markdown) -> None:  # noqa: N802 (Python-Markdown's name)
        md.preprocessors.register(_StashRawBlocks(md), "gongshi_raw_blocks", _PRIORITY)


def makeExtension(**kwargs: Any) -> RawBlocks:  # noqa: N802 (Python-Markdown's name)
    return RawBlocks(**kwargs)
