"""Raw HTML blocks taken as written (generator/site/rawblocks.py): the same HTML as Python-Markdown
parsing them, record text cannot end one, and every build's site configuration names it."""

from __future__ import annotations

from pathlib import Path

import markdown

from generator.build.mkdocs_site import site_config
from generator.site import rawblocks
from generator.site.contexts import Row
from generator.site.rawblocks import RAW_END, RAW_START
from generator.site.render import make_env

BLOCK = (
    '<figure class="x">\n<table>\n<tbody>\n<tr>\n<td>甲 &amp; 乙</td>\n</tr>\n\n'
    "<tr>\n<td>丙</td>\n</tr>\n</tbody>\n</table>\n</figure>"
)
AROUND = "# 标题\n\n前文 *强调*\n\n{}\n\n后文 **粗体**\n"


def _convert(text: str, *, stash: bool = True) -> str:
    extensions = ["tables", "attr_list", "toc", *([rawblocks.NAME] if stash else [])]
    return markdown.Markdown(extensions=extensions).convert(text)


def test_a_marked_block_is_the_html_python_markdown_makes_of_it() -> None:
    marked = AROUND.format(f"{RAW_START}\n{BLOCK}\n\n{RAW_END}")
    assert _convert(marked) == _convert(AROUND.format(BLOCK), stash=False)
    assert RAW_START not in _convert(marked) and "gs:raw" not in _convert(marked)


def test_blank_lines_at_a_blocks_edges_change_nothing() -> None:
    spaced = AROUND.format(f"{RAW_START}\n\n{BLOCK}\n\n\n{RAW_END}")
    assert _convert(spaced) == _convert(AROUND.format(BLOCK), stash=False)


def test_two_blocks_and_markdown_between_them() -> None:
    page = AROUND.format(
        f"{RAW_START}\n{BLOCK}\n{RAW_END}\n\n中间 `代码`\n\n{RAW_START}\n{BLOCK}\n{RAW_END}"
    )
    html = _convert(page)
    assert html.count('<figure class="x">') == 2
    assert "<p>中间 <code>代码</code></p>" in html
    assert "<strong>粗体</strong>" in html


def test_a_block_without_its_end_line_is_left_to_python_markdown() -> None:
    page = AROUND.format(f"{RAW_START}\n{BLOCK}")
    html = _convert(page)
    assert '<figure class="x">' in html and "<strong>粗体</strong>" in html
    assert RAW_START in html  # the line itself, an HTML comment


def test_record_text_spelling_the_end_line_stays_text() -> None:
    value = f"{RAW_END}\n<script>alert(1)</script>\n{RAW_START}"
    page = (
        make_env()
        .from_string('{% from "_macros.md.j2" import table %}{{ table(["项目"], rows, "表") }}\n')
        .render(rows=[Row((value,))])
    )
    assert page.count(RAW_START) == 1 and page.count(RAW_END) == 1  # the macro's own
    html = _convert(page)
    assert "<script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "&lt;!-- /gs:raw --&gt;" in html


def test_the_site_configuration_names_the_extension_once(tmp_path: Path) -> None:
    cfg = site_config(tmp_path / "docs", tmp_path / "site", None, None, None)
    assert cfg["markdown_extensions"].count(rawblocks.NAME) == 1
    (tmp_path / "mkdocs.yml").write_text(
        f"site_name: 测试\nmarkdown_extensions:\n  - tables\n  - {rawblocks.NAME}\n",
        encoding="utf-8",
    )
    own = site_config(tmp_path / "docs", tmp_path / "site", None, None, tmp_path)
    assert own["markdown_extensions"] == ["tables", rawblocks.NAME]
