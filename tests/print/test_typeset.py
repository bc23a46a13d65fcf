"""Real compiles of the PDF engine: fonts, reproducibility, sandbox, escaping, pandoc.

Nothing is mocked: every test runs Typst (and pandoc) and reads the PDF back with poppler's
``pdffonts``/``pdftotext``, which ``scripts/setup.sh`` installs (package poppler-utils).
"""

from __future__ import annotations

import gc
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from generator.errors import CompileFailed, ToolMissing
from generator.print.typeset import (
    FontSet,
    Typesetter,
    find_cjk_fonts,
    markdown_to_typst,
    typst_escape,
    typst_escape_block,
    typst_escape_line,
    typst_string,
)

PREAMBLE = """\
#set page(paper: "a4", margin: 2cm)
#set text(font: "{serif}", lang: "zh", region: "cn", size: 11pt, hyphenate: false)
"""


def _poppler(tool: str, pdf: bytes, tmp_path: Path, *args: str) -> str:
    exe = shutil.which(tool)
    assert exe, f"{tool} not found: run `bash scripts/setup.sh` (Debian package poppler-utils)"
    path = tmp_path / "out.pdf"
    path.write_bytes(pdf)
    done = subprocess.run(
        [exe, *args, str(path), *(["-"] if tool == "pdftotext" else [])],
        capture_output=True,
        text=True,
        check=True,
    )
    return done.stdout


def _squash(text: str) -> str:
    """Text without any whitespace (pdftotext adds line ends and may drop or add spaces)."""
    return re.sub(r"\s+", "", text)


@pytest.fixture(scope="module")
def fonts() -> FontSet:
    return find_cjk_fonts()


@pytest.fixture(scope="module")
def ts(fonts: FontSet) -> Typesetter:
    return Typesetter(fonts)


def _doc(fonts: FontSet, body: str) -> str:
    return PREAMBLE.format(serif=fonts.serif) + body


TWO_PAGES = """\
#show heading.where(level: 2): set text(font: "{sans}")
= 和平里社区服务中心公示
#lorem(5)
{para}
#pagebreak()
== 第二页：开放时间
#text(font: "{sans}")[周一至周五 9:00–17:00，法定节假日休息。]
#text(weight: "bold")[咨询电话：010-12345678]
{para}
"""
PARA = "本中心为辖区居民提供养老助餐、日间照料、文体活动等服务。" * 12


def test_find_cjk_fonts_debian(fonts: FontSet) -> None:
    assert fonts.serif == "Noto Serif CJK SC"
    assert fonts.sans == "Noto Sans CJK SC"
    assert fonts.serif_bold and fonts.sans_bold
    assert fonts.dirs and all(Path(d).is_dir() for d in fonts.dirs)


def test_find_cjk_fonts_missing_raises_with_install_hint(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("GONGSHI_FONT_DIRS", raising=False)
    (tmp_path / "not-a-font.ttf").write_bytes(b"")
    with pytest.raises(ToolMissing) as info:
        find_cjk_fonts(search_dirs=[tmp_path])
    assert "sudo apt-get install fonts-noto-cjk" in str(info.value)


def test_font_dirs_env_is_searched(
    fonts: FontSet, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Only a Sans Regular in the env dir: both roles fall back to it, and no bold is reported.
    source = next(Path(d) / "NotoSansCJK-Regular.ttc" for d in fonts.dirs)
    (tmp_path / "my fonts").mkdir()
    (tmp_path / "my fonts" / source.name).symlink_to(source)
    monkeypatch.setenv("GONGSHI_FONT_DIRS", str(tmp_path / "my fonts"))
    found = find_cjk_fonts(search_dirs=[])
    assert found.serif == found.sans == "Noto Sans CJK SC"
    assert not found.serif_bold
    assert found.dirs == (str((tmp_path / "my fonts").resolve()),)


def test_two_page_chinese_document(ts: Typesetter, fonts: FontSet, tmp_path: Path) -> None:
    source = _doc(fonts, TWO_PAGES.format(sans=fonts.sans, para=PARA))
    pdf = ts.compile(source)
    assert pdf.startswith(b"%PDF-")
    assert ts.last_warnings == []

    info = _poppler("pdfinfo", pdf, tmp_path)
    assert re.search(r"^Pages:\s+2$", info, re.MULTILINE), info

    table = _poppler("pdffonts", pdf, tmp_path)
    # name  type  encoding  emb sub uni  object ID
    rows = {}
    for line in table.splitlines()[2:]:
        cols = line.split()
        # "ABCDEF+NotoSerifCJKsc-Bold-Identity-H": subset tag, PostScript name, CMap.
        rows[cols[0].split("+", 1)[-1].removesuffix("-Identity-H")] = cols
    for face in (
        "NotoSerifCJKsc-Regular",
        "NotoSerifCJKsc-Bold",
        "NotoSansCJKsc-Regular",
        "NotoSansCJKsc-Bold",
    ):
        assert face in rows, table
        emb, sub = rows[face][-5], rows[face][-4]
        assert (emb, sub) == ("yes", "yes"), table
    # Subset fonts carry the six-letter tag: "ABCDEF+NotoSerifCJKsc-Bold".
    assert re.search(r"^[A-Z]{6}\+NotoSerifCJKsc-Bold\b", table, re.MULTILINE), table

    text = _squash(_poppler("pdftotext", pdf, tmp_path))
    assert "和平里社区服务中心公示" in text
    assert "第二页：开放时间" in text
    assert "周一至周五9:00–17:00，法定节假日休息。" in text
    assert _squash(PARA) in text


def test_same_source_gives_same_bytes(ts: Typesetter, fonts: FontSet) -> None:
    source = _doc(fonts, TWO_PAGES.format(sans=fonts.sans, para=PARA) + "#datetime.today()")
    first = ts.compile(source)
    assert ts.compile(source) == first
    # No creation date unless the document sets one.
    assert b"/CreationDate" not in first and b"/ModDate" not in first
    dated = ts.compile("#set document(date: datetime(year: 2026, month: 1, day: 2))\nx")
    assert b"/CreationDate(D:20260102" in dated


def test_fresh_typesetter_gives_same_bytes(fonts: FontSet) -> None:
    source = _doc(fonts, "= 标题\n正文")
    assert Typesetter(fonts).compile(source) == Typesetter(fonts).compile(source)


def test_timestamp_fixes_today(fonts: FontSet, tmp_path: Path) -> None:
    pdf = Typesetter(fonts, timestamp=1_767_225_600).compile(  # 2026-01-01T00:00:00Z
        _doc(fonts, "#datetime.today().display()")
    )
    assert "2026-01-01" in _poppler("pdftotext", pdf, tmp_path)


@pytest.mark.parametrize(
    "source",
    [
        '#read("/etc/passwd")',
        '#read("../../../../../../etc/passwd")',
        '#image("/etc/hostname")',
        '#read("' + str(Path(__file__).resolve()) + '")',
    ],
)
def test_documents_cannot_read_outside_scratch_root(ts: Typesetter, source: str) -> None:
    with pytest.raises(CompileFailed) as info:
        ts.compile(source)
    message = str(info.value)
    assert "document.typ:1:" in message
    assert "gongshi-typst-" not in message  # scratch paths are removed from the diagnostic
    assert "while including" not in message


def test_virtual_files(ts: Typesetter, fonts: FontSet, tmp_path: Path) -> None:
    import segno

    qr = segno.make("https://example.org/公示", error="m")
    svg_path = tmp_path / "qr.svg"
    qr.save(str(svg_path), kind="svg")
    source = _doc(
        fonts,
        '#image("qr.svg", width: 3cm)\n#read("data/note.txt")\n#read("/data/note.txt")',
    )
    pdf = ts.compile(
        source, files={"qr.svg": svg_path.read_bytes(), "data/note.txt": "附件内容".encode()}
    )
    assert _squash(_poppler("pdftotext", pdf, tmp_path)) == "附件内容附件内容"
    # Files do not leak into the next compile.
    with pytest.raises(CompileFailed, match="file not found"):
        ts.compile('#read("data/note.txt")')


def test_one_scratch_folder_per_typesetter(fonts: FontSet) -> None:
    ts = Typesetter(fonts)
    ts.compile('#read("a/b/note.txt")', files={"a/b/note.txt": b"x", "top.txt": b"y"})
    top = ts._scratch.top
    ts.compile("x")  # the last document's files and folders are gone before the next
    assert sorted(p.name for p in (top / "root").iterdir()) == [
        "__gongshi_main__.typ",
        "document.typ",
    ]
    del ts
    gc.collect()
    assert not top.exists()  # removed with its Typesetter


@pytest.mark.parametrize(
    "name", ["../x.svg", "/etc/x.svg", "a/../../x", "C:/x", "a\\b", "", "document.typ"]
)
def test_bad_virtual_file_names(ts: Typesetter, name: str) -> None:
    with pytest.raises(ValueError):
        ts.compile("x", files={name: b""})


def test_compile_error_and_package_import(ts: Typesetter) -> None:
    with pytest.raises(CompileFailed, match="document.typ:2:"):
        ts.compile("ok\n#let x = \n")
    with pytest.raises(CompileFailed) as info:
        ts.compile("#let x = \n#foo(\n#bar]\n")
    message = str(info.value)
    for where in ("document.typ:1:8", "document.typ:2:4", "document.typ:3:4"):
        assert where in message  # every error is reported
    assert "while including" not in message and "__gongshi_main__" not in message
    with pytest.raises(CompileFailed, match="Typst 包"):
        ts.compile('#import "@preview/cetz:0.3.0"')


def test_warnings_are_kept(ts: Typesetter) -> None:
    ts.compile('#set text(font: "No Such Font")\nx')
    assert len(ts.last_warnings) == 1
    assert "unknown font family" in ts.last_warnings[0]
    assert "document.typ:1:" in ts.last_warnings[0]


def test_inputs(ts: Typesetter, fonts: FontSet, tmp_path: Path) -> None:
    pdf = ts.compile(_doc(fonts, "#sys.inputs.name"), inputs={"name": "*张三* @李四"})
    assert "*张三* @李四" in _poppler("pdftotext", pdf, tmp_path)


HOSTILE = [
    '#read("/etc/passwd")',
    "$x$",
    "*b*",
    "_i_",
    "@label",
    "<tag>",
    "// c",
    "/* c */",
    "= h",
    "- item",
    "+ item",
    "1. item",
    "/ term: x",
    "service@example.org",
    "https://example.org/a_b",
    "`raw`",
    "```py\nx```",
    "[x](y)",
    "]",
    "\\",
    "\\u{41}",
    "a\\",
    "#{",
    "#let x = 1",
    "~~",
    "--- -- -? -1 ...",
    "'single' \"double\"",
    "9:00~17:00，周一~周五",
    "<居委会>",
    "#(1 + 1)",
    "100% & 50$",
    "x^2_1",
    "{ }",
    "#set page(width: 1cm)",
]


def test_hostile_strings_print_literally(ts: Typesetter, fonts: FontSet, tmp_path: Path) -> None:
    body = []
    for text in HOSTILE:
        body.append(typst_escape(text))  # markup
        body.append("#" + typst_string(text))  # code mode
        body.append("#pagebreak()")
    pdf = ts.compile(_doc(fonts, "#set page(width: auto, height: auto)\n" + "\n".join(body)))
    pages = _poppler("pdftotext", pdf, tmp_path, "-raw").split("\f")
    for i, text in enumerate(HOSTILE):
        assert _squash(pages[i]) == _squash(text) * 2, (text, pages[i])


def test_escape_newlines_and_line_starts() -> None:
    assert typst_escape("a\nb") == "a\\\nb"
    assert typst_escape("a\r\n= b") == "a\\\n\\= b"
    assert typst_escape("x\u2028- y") == "x\\\n\\- y"
    assert typst_escape("中文") == "中文"
    assert typst_string('a"b\\c\n@') == '"a\\"b\\\\c\\n\\u{40}"'


def test_escaped_newline_is_a_line_break(ts: Typesetter, fonts: FontSet, tmp_path: Path) -> None:
    pdf = ts.compile(_doc(fonts, typst_escape("第一行\n= 第二行\n\n- 第三行")))
    lines = [ln for ln in _poppler("pdftotext", pdf, tmp_path).splitlines() if ln.strip()]
    assert lines == ["第一行", "= 第二行", "- 第三行"]


def test_escape_line_and_block() -> None:
    assert typst_escape_line("  a\n= b\r\n- c\u2028d  ") == "a \\= b \\- c d"
    assert typst_escape_line(None) == ""
    assert typst_escape_block("\n第一行\n= 第二行\n\n\n- 第二段  \n") == (
        "第一行 \\\n\\= 第二行\n\n\\- 第二段"
    )


def test_escaped_lines_and_paragraphs_print(ts: Typesetter, fonts: FontSet, tmp_path: Path) -> None:
    body = (
        "#box["
        + typst_escape_line("单元格\n= 不是标题")
        + "]\n\n"
        + typst_escape_block("第一行\n- 第二行\n\n第二段...")
    )
    pdf = ts.compile(_doc(fonts, body))
    lines = [ln.strip() for ln in _poppler("pdftotext", pdf, tmp_path).splitlines() if ln.strip()]
    assert lines == ["单元格 = 不是标题", "第一行", "- 第二行", "第二段..."]


def test_markdown_prints_escaped_dots_as_dots(
    ts: Typesetter, fonts: FontSet, tmp_path: Path
) -> None:
    body = markdown_to_typst("开始\\.\\.\\.\\*中\\.\\.\\.\\#结束 和 a...b\n")
    text = _squash(_poppler("pdftotext", ts.compile(_doc(fonts, body)), tmp_path))
    # escaped dots are the record's text; unescaped ones are pandoc's smart ellipsis
    assert text == "开始...*中...#结束和a…b"


def test_markdown_keeps_chinese_text(ts: Typesetter, fonts: FontSet, tmp_path: Path) -> None:
    md = (
        "## 开放时间\n\n"
        "开放时间9:00~17:00，周一~周五，请到<居委会>办理。\n"
        "联系 service@example.org 或 @王主任，费用 $5 至 $10，2^10^。\n\n"
        '```{=typst}\n#read("/etc/passwd")\n```\n\n'
        "---\n\n| 项目 | 时间 |\n|---|---|\n| 理发 | 每周三 |\n"
    )
    body = markdown_to_typst(md)
    pdf = ts.compile(_doc(fonts, body))
    text = _squash(_poppler("pdftotext", pdf, tmp_path))
    assert "开放时间9:00~17:00，周一~周五，请到<居委会>办理。" in text
    # The source line break between 。 and 联 is dropped, not printed as a space.
    assert "办理。联系" in _poppler("pdftotext", pdf, tmp_path)
    assert "service@example.org或@王主任，费用$5至$10，2^10^。" in text
    assert '#read("/etc/passwd")' in text  # printed as code, not run
    assert "理发" in text and "每周三" in text


# A wide alphabet: ASCII, Latin-1 letters, Greek, Cyrillic, general punctuation, CJK symbols
# and punctuation, CJK unified ideographs, full-width forms. No control characters.
# Unassigned code points (Cn) and format characters (Cf) are left out: they have no glyph.
_RANGES = [
    (0x20, 0x7E),
    (0xC0, 0xFF),
    (0x391, 0x3A9),
    (0x410, 0x44F),
    (0x2010, 0x2027),
    (0x3001, 0x3011),
    (0x4E00, 0x9FA5),  # the original URO; Debian's Noto CJK lacks some later ones
    (0xFF01, 0xFF5E),
]
_ALPHABET = st.one_of(
    *(
        st.characters(min_codepoint=lo, max_codepoint=hi, exclude_categories=("Cn", "Cf"))
        for lo, hi in _RANGES
    )
)


@settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(text=st.text(alphabet=_ALPHABET, min_size=1, max_size=60))
def test_escape_property(ts: Typesetter, fonts: FontSet, tmp_path: Path, text: str) -> None:
    source = _doc(
        fonts,
        "#set page(width: auto, height: auto)\n"
        + typst_escape(text)
        + "\n#pagebreak()\n#"
        + typst_string(text),
    )
    pdf = ts.compile(source)
    pages = _poppler("pdftotext", pdf, tmp_path, "-raw").split("\f")
    assert _squash(pages[0]) == _squash(text)
    assert _squash(pages[1]) == _squash(text)
