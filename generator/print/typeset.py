"""PDF engine: Chinese fonts, Typst compilation, Markdown conversion and Typst escaping.

This module never writes output files: :meth:`Typesetter.compile` returns the PDF as bytes and
the build module decides where it goes. The only files it touches are in a private scratch
directory that exists for the duration of one compile.

Facts about the ``typst`` package (PyPI ``typst`` 0.15.2, embedding the Typst 0.15.1 compiler)
that this module relies on:

* ``typst.Fonts(include_system_fonts, include_embedded_fonts, font_paths)`` scans font
  *directories* (a path to a single font file is ignored) and can be passed as ``font_paths``
  to ``typst.compile``; building it once saves ~100 ms per compile.
* ``typst.compile(input, root=..., font_paths=..., sys_inputs=..., timestamp=...,
  pdf_tags=...)`` returns the PDF bytes. There is no way to hand it in-memory files, so the
  document and its images are written to a scratch directory that is also the project root;
  Typst resolves ``/etc/passwd`` to ``<root>/etc/passwd`` and refuses ``../`` paths that leave
  the root, so a document cannot read anything outside the scratch directory.
* Without ``#set document(date: ...)`` Typst stamps the PDF with the current time; the
  wrapper file below sets ``date: none`` first, so a document may still set its own date.
* ``typst.TypstError`` carries ``message``, ``diagnostic``, ``hints`` and ``trace``.
"""

from __future__ import annotations

import functools
import os
import re
import shutil
import subprocess
import tempfile
import threading
import weakref
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

import pypandoc
import typst

from generator.errors import CompileFailed, ToolMissing
from generator.paths import PRINT_TEMPLATES

__all__ = [
    "FontSet",
    "Typesetter",
    "find_cjk_fonts",
    "markdown_to_typst",
    "typst_escape",
    "typst_escape_block",
    "typst_escape_line",
    "typst_string",
]

# ---------------------------------------------------------------------------------------------
# Fonts
# ---------------------------------------------------------------------------------------------

#: Serif (宋体-style) families, best first: the exact family names Typst reports.
SERIF_FAMILIES: tuple[str, ...] = (
    "Noto Serif CJK SC",
    "Source Han Serif SC",
    "Noto Serif SC",
    "Source Han Serif CN",
    "SimSun",  # Windows 宋体; Regular only
    "NSimSun",
)

#: Sans (黑体-style) families, best first.
SANS_FAMILIES: tuple[str, ...] = (
    "Noto Sans CJK SC",
    "Source Han Sans SC",
    "Noto Sans SC",
    "Source Han Sans CN",
    "Microsoft YaHei",  # Windows 微软雅黑; msyhbd.ttc carries the Bold
    "SimHei",  # Windows 黑体; Regular only
)

# File names (lower case) that may hold one of the families above. Only directories holding
# such a file are handed to Typst, so a large font directory is scanned by us (cheap
# ``os.walk``) but parsed by Typst only where it matters.
_FONT_FILE_PATTERN = re.compile(
    r"^(noto(serif|sans)cjk|noto(serif|sans)(sc|cjksc)|sourcehan(serif|sans)"
    r"|simsun|nsimsun|simhei|msyh)[^/\\]*\.(ttc|otc|otf|ttf)$"
)

_INSTALL_HINT = (
    "未找到中文字体（思源宋体/思源黑体，即 Noto Serif CJK SC 与 Noto Sans CJK SC）。"
    "请安装：sudo apt-get install fonts-noto-cjk"
    "（或运行 bash scripts/setup.sh）；字体放在其他目录时，"
    "可用环境变量 GONGSHI_FONT_DIRS 指定目录。"
)

_REGULAR = 400
_BOLD = 700


@dataclass(frozen=True)
class FontSet:
    """The Chinese font families to print with and the directories that hold them.

    ``serif`` and ``sans`` are family names exactly as Typst sees them (for
    ``#set text(font: ...)``). ``serif_bold``/``sans_bold`` tell whether a real Bold face
    exists: Typst does not synthesise bold, so without one bold text prints regular.
    """

    serif: str
    sans: str
    dirs: tuple[str, ...]
    serif_bold: bool = True
    sans_bold: bool = True


def _default_font_dirs() -> list[str]:
    """Directories searched after ``GONGSHI_FONT_DIRS``, in order."""
    home = Path.home()
    dirs = [
        str(home / ".local" / "share" / "fonts"),
        str(home / ".fonts"),
        "/usr/share/fonts/opentype/noto",  # Debian/Ubuntu fonts-noto-cjk
        "/usr/share/fonts",
        "/usr/local/share/fonts",
    ]
    windir = os.environ.get("WINDIR") or os.environ.get("SystemRoot") or r"C:\Windows"
    dirs.append(os.path.join(windir, "Fonts"))
    if windir.rstrip("\\/").lower() != r"c:\windows":
        dirs.append(r"C:\Windows\Fonts")
    local_app_data = os.environ.get("LOCALAPPDATA")
    if local_app_data:  # fonts a Windows user installed without administrator rights
        dirs.append(os.path.join(local_app_data, "Microsoft", "Windows", "Fonts"))
    return dirs


def _candidate_dirs(search_dirs: Sequence[str | os.PathLike[str]] | None) -> list[str]:
    """``GONGSHI_FONT_DIRS`` entries first, then ``search_dirs`` or the default places."""
    env = os.environ.get("GONGSHI_FONT_DIRS", "")
    dirs = [d for d in env.split(os.pathsep) if d.strip()]
    dirs += [os.fspath(d) for d in search_dirs] if search_dirs is not None else _default_font_dirs()
    return dirs


def _dirs_with_cjk_fonts(candidates: Iterable[str]) -> tuple[str, ...]:
    """Directories (deduplicated, in search order) that directly hold a known CJK font file."""
    found: dict[str, None] = {}
    for top in candidates:
        if not os.path.isdir(top):
            continue
        for dirpath, _dirnames, filenames in os.walk(top):
            if any(_FONT_FILE_PATTERN.match(name.lower()) for name in filenames):
                found.setdefault(os.path.realpath(dirpath), None)
    return tuple(found)


@functools.lru_cache(maxsize=8)
def _load_fonts(dirs: tuple[str, ...]) -> typst.Fonts:
    """Parse the fonts in ``dirs`` (plus Typst's embedded Latin and math fonts) once."""
    return typst.Fonts(
        include_system_fonts=False, include_embedded_fonts=True, font_paths=list(dirs)
    )


def _pick(preferred: Sequence[str], weights: Mapping[str, set[int]]) -> str | None:
    """First preferred family that has Regular and Bold, else the first that has Regular."""
    present = [f for f in preferred if _REGULAR in weights.get(f, set())]
    with_bold = [f for f in present if _BOLD in weights[f]]
    if with_bold:
        return with_bold[0]
    return present[0] if present else None


def find_cjk_fonts(search_dirs: Sequence[str | os.PathLike[str]] | None = None) -> FontSet:
    """Locate Simplified Chinese serif and sans fonts on this machine; never download any.

    Looks in ``GONGSHI_FONT_DIRS`` (``os.pathsep``-separated), then in ``search_dirs`` if
    given, else in ~/.local/share/fonts, ~/.fonts, /usr/share/fonts (Debian's fonts-noto-cjk
    lives in /usr/share/fonts/opentype/noto), /usr/local/share/fonts and the Windows font
    folders (SimSun for serif, Microsoft YaHei or SimHei for sans there).

    Raises:
        ToolMissing: no usable Chinese font was found; the message says what to install.
    """
    dirs = _dirs_with_cjk_fonts(_candidate_dirs(search_dirs))
    if not dirs:
        raise ToolMissing(_INSTALL_HINT)
    weights: dict[str, set[int]] = {}
    for info in _load_fonts(dirs).fonts():
        if info.style == "normal":
            weights.setdefault(info.family, set()).add(info.weight)
    serif = _pick(SERIF_FAMILIES, weights)
    sans = _pick(SANS_FAMILIES, weights)
    if serif is None and sans is None:
        raise ToolMissing(_INSTALL_HINT)
    # One style missing: print both roles with the one that exists rather than with a
    # Japanese or Latin fallback.
    serif = serif or sans
    sans = sans or serif
    assert serif is not None and sans is not None
    return FontSet(
        serif=serif,
        sans=sans,
        dirs=dirs,
        serif_bold=_BOLD in weights[serif],
        sans_bold=_BOLD in weights[sans],
    )


# ---------------------------------------------------------------------------------------------
# Compiling
# ---------------------------------------------------------------------------------------------

_MAIN_NAME = "__gongshi_main__.typ"
_DOC_NAME = "document.typ"
# The wrapper removes the compile-time date from the PDF metadata; the document, included
# after it, may still set its own date with ``#set document(date: ...)``.
_MAIN_SOURCE = f'#set document(date: none)\n#include "{_DOC_NAME}"\n'
# A Typst package import would make Typst download from the internet at build time.
_PACKAGE_SPEC = re.compile(r'"@[A-Za-z0-9_-]+/')


def _scratch_path(root: Path, name: str) -> Path:
    """Where virtual file ``name`` goes inside ``root``; rejects names that could escape it."""
    pure = PurePosixPath(name)
    if (
        not name
        or "\\" in name
        or "\x00" in name
        or pure.is_absolute()
        or ":" in pure.parts[0]
        or any(part in ("", ".", "..") for part in pure.parts)
        or str(pure) in (_MAIN_NAME, _DOC_NAME)
    ):
        raise ValueError(f"invalid virtual file name for Typst: {name!r}")
    return root.joinpath(*pure.parts)


_INCLUDE_TRAIL = re.compile(
    r"\n*help: while including `"
    + re.escape(_DOC_NAME)
    + r"`\n(?:[^\n]*\n)*?[^\n]*\^+[^\n]*(?:\n|\Z)"
)


def _clean_diagnostic(exc: BaseException, root: Path) -> str:
    """Typst's diagnostic with scratch-directory paths and the wrapper's include trail removed.

    ``exc`` is a ``typst.TypstError`` or ``typst.TypstWarning``; both carry ``diagnostic``.
    """
    text = getattr(exc, "diagnostic", "") or str(exc)
    prefixes = {str(root) + os.sep, str(root) + "/"}
    try:
        prefixes.add(os.path.relpath(root) + os.sep)
        prefixes.add(os.path.relpath(root).replace(os.sep, "/") + "/")
    except ValueError:  # Windows: root and the working directory on different drives
        pass
    for prefix in sorted(prefixes, key=len, reverse=True):
        text = text.replace(prefix, "")
    # Each error is followed by "help: while including `document.typ`" and a snippet of the
    # wrapper file; drop those blocks (up to the wrapper's ``^^^`` line), keep every error.
    text = _INCLUDE_TRAIL.sub("\n", text)
    return text.strip() or str(exc)


class _Scratch:
    """The folder a ``Typesetter`` compiles in: made once, and holding one document at a time.

    Before a document's files are written, the last document's are removed, so a document
    reads only what it was given. A folder made and removed for every document cost more than
    a tenth of the time Typst itself took to compile a notice (this machine's file system
    discards freed blocks at once). The folder is removed with its ``Typesetter``, or when
    the process ends.
    """

    def __init__(self) -> None:
        self.top = Path(tempfile.mkdtemp(prefix="gongshi-typst-"))
        self._removed = weakref.finalize(self, shutil.rmtree, self.top, True)
        self.root = self.top / "root"
        self.packages = self.top / "packages"
        self.root.mkdir()
        self.packages.mkdir()
        (self.root / _MAIN_NAME).write_text(_MAIN_SOURCE, encoding="utf-8", newline="\n")

    def hold(self, source: str, files: Mapping[str, bytes]) -> Path:
        """The root holding ``source`` as the document, ``files`` beside it, and nothing of
        the document before."""
        with os.scandir(self.root) as entries:
            for entry in entries:  # what the document before was given
                if entry.name == _MAIN_NAME:
                    continue
                if entry.is_dir(follow_symlinks=False):
                    shutil.rmtree(entry.path)
                else:
                    os.unlink(entry.path)
        for name, data in files.items():
            dest = _scratch_path(self.root, name)
            dest.parent.mkdir(parents=True, exist_ok=True)
            dest.write_bytes(data)
        (self.root / _DOC_NAME).write_text(source, encoding="utf-8", newline="\n")
        return self.root


class Typesetter:
    """Compiles Typst documents to PDF bytes in-process, reusing one parsed font set.

    Output is reproducible: the same source and files give the same bytes (no creation date
    unless the document sets one; ``timestamp`` fixes ``datetime.today()`` as well).
    """

    def __init__(
        self,
        fonts: FontSet | None = None,
        *,
        timestamp: int | None = None,
        pdf_tags: bool = False,
    ) -> None:
        """Prepare a compiler.

        Args:
            fonts: fonts to use; found with :func:`find_cjk_fonts` when omitted.
            timestamp: UNIX seconds Typst uses for ``datetime.today()``; defaults to
                ``SOURCE_DATE_EPOCH`` when that is set, otherwise the real clock.
            pdf_tags: write a tagged PDF. Off by default: tags add ~25 % to the size and
                poppler 22 warns about them.
        """
        self.fonts = fonts if fonts is not None else find_cjk_fonts()
        self._typst_fonts = _load_fonts(self.fonts.dirs)
        if timestamp is None and os.environ.get("SOURCE_DATE_EPOCH", "").strip().isdigit():
            timestamp = int(os.environ["SOURCE_DATE_EPOCH"])
        self._timestamp = timestamp
        self._pdf_tags = pdf_tags
        #: Warnings of the last successful compile, as Typst's diagnostic text.
        self.last_warnings: list[str] = []
        self._scratch: _Scratch | None = None  # made at the first compile
        self._lock = threading.Lock()

    def compile(
        self,
        typst_source: str,
        *,
        files: Mapping[str, bytes] | None = None,
        inputs: Mapping[str, str] | None = None,
    ) -> bytes:
        """Compile a Typst document to PDF bytes.

        Args:
            typst_source: the whole document, Typst markup.
            files: extra files by relative name (``"qr.svg"``, ``"img/chart.svg"``) that the
                document may use with ``#image(...)`` or ``#read(...)``. Nothing else on the
                machine is readable from the document.
            inputs: strings the document reads as ``sys.inputs``.

        Raises:
            CompileFailed: Typst reported an error; the message is its diagnostic.
            ValueError: a name in ``files`` is absolute, contains ``..`` or is reserved.
        """
        if _PACKAGE_SPEC.search(typst_source):
            raise CompileFailed(
                "文档导入了 Typst 包（@命名空间/包名），生成时不联网下载包，请改用项目内的模板。"
            )
        with self._lock:
            if self._scratch is None:
                self._scratch = _Scratch()
            scratch = self._scratch
            root = scratch.hold(typst_source, files or {})
            try:
                pdf, warnings = typst.compile_with_warnings(
                    str(root / _MAIN_NAME),
                    root=str(root),
                    font_paths=self._typst_fonts,
                    format="pdf",
                    sys_inputs=dict(inputs or {}),
                    package_path=str(scratch.packages),
                    package_cache_path=str(scratch.packages),
                    timestamp=self._timestamp,
                    pdf_tags=self._pdf_tags,
                )
            except typst.TypstError as exc:
                raise CompileFailed(_clean_diagnostic(exc, root)) from None
            self.last_warnings = [_clean_diagnostic(w, root) for w in warnings]
        if not isinstance(pdf, bytes):  # pragma: no cover - PDF output is one bytes object
            raise CompileFailed(f"typst returned {type(pdf).__name__}, expected PDF bytes")
        return pdf


# ---------------------------------------------------------------------------------------------
# Markdown → Typst
# ---------------------------------------------------------------------------------------------

#: Pandoc's markdown reader with the extensions that mangle Chinese text or let the input
#: reach beyond plain content switched off:
#:
#: * ``subscript`` / ``superscript``: ``9:00~17:00，周一~周五`` became a subscript, and ``^``
#:   pairs became superscripts; Chinese notices use ``~`` as "to".
#: * ``raw_html``: ``<居委会>`` was dropped as an unknown HTML tag; now it prints.
#: * ``raw_attribute``: ````{=typst}`` blocks and ``{=typst}`` spans would pass Typst code
#:   (``#read(...)``, ``#import``) straight into the document.
#: * ``raw_tex`` / ``latex_macros``: raw TeX commands and macro definitions.
#: * ``tex_math_dollars``: ``$5 和 $10`` would become a formula; dollars now print.
#: * ``citations``: ``@王主任`` or ``[@doe]`` would become ``#cite(<...>)`` and fail to
#:   compile (no bibliography); ``@`` now prints.
#: * ``yaml_metadata_block`` / ``pandoc_title_block``: a leading ``---`` block or ``%`` line
#:   would be swallowed silently as metadata; with no template it would print nowhere.
#:
#: ``east_asian_line_breaks`` is switched on: a line break between Chinese characters in the
#: Markdown source is dropped instead of printing as a space.
#:
#: Pandoc itself runs with ``--sandbox``: its reader and writer read nothing but standard
#: input (the Lua filter :data:`LITERAL_DOTS_FILTER` is gongshi's own file). Images in
#: the Markdown become ``#image("name")``, which Typst resolves inside the compile's scratch
#: root only, i.e. among the ``files`` given to :meth:`Typesetter.compile`.
PANDOC_READER = (
    "markdown"
    "-subscript-superscript"
    "-raw_html-raw_attribute-raw_tex-latex_macros"
    "-tex_math_dollars"
    "-citations"
    "-yaml_metadata_block-pandoc_title_block"
    "+east_asian_line_breaks"
)

#: Three escaped dots print as three dots, not as Typst's ellipsis (see the filter's comment).
LITERAL_DOTS_FILTER = PRINT_TEMPLATES / "literal-dots.lua"

_PANDOC_ARGS = ("--sandbox", "--columns=10000", "--wrap=none")

# Pandoc's typst writer prints ``#horizontalrule`` for ``---`` and relies on its (unused)
# standalone template to define it; this is that template's definition.
_HORIZONTALRULE = "#let horizontalrule = line(start: (25%, 0%), end: (75%, 0%))\n\n"


@functools.cache
def _pandoc_path() -> str:
    """The pandoc binary bundled in pypandoc-binary (not on PATH)."""
    try:
        return str(pypandoc.get_pandoc_path())
    except OSError as exc:
        raise ToolMissing(
            "找不到 pandoc：请重新运行 bash scripts/setup.sh 安装 pypandoc-binary"
        ) from exc


# The bundled pandoc asks its runtime for a 64 MB heap at start (-H64m); a manual book needs
# far less, and with 16 MB the process takes 124 MB instead of 174 for the same output (a
# pandoc that does not take runtime options from GHCRTS warns and goes on).
_PANDOC_HEAP = "-H16m"


def markdown_to_typst(md: str) -> str:
    """Convert Markdown to a Typst body (no template, no preamble) with pandoc.

    Uses the pandoc binary bundled in ``pypandoc-binary``. See :data:`PANDOC_READER` for the
    extensions that are off and why. Tables come out as ``#figure(table(...))``; a page that
    prints long tables should ``#show figure: set block(breakable: true)``. Escaped dots
    (``\\.\\.\\.``) print as three dots, not as an ellipsis (:data:`LITERAL_DOTS_FILTER`).
    """
    # One pandoc process per call: pypandoc.convert_text would start two more each time to
    # list pandoc's formats (docs/performance.md), so the bundled binary is run directly.
    proc = subprocess.run(
        [
            _pandoc_path(),
            "-f",
            PANDOC_READER,
            "-t",
            "typst",
            *_PANDOC_ARGS,
            f"--lua-filter={LITERAL_DOTS_FILTER}",
        ],
        input=md.encode("utf-8"),
        capture_output=True,
        check=False,
        env={**os.environ, "GHCRTS": os.environ.get("GHCRTS", _PANDOC_HEAP)},
    )
    if proc.returncode != 0:
        detail = proc.stderr.decode("utf-8", "replace").strip()
        raise CompileFailed(f"pandoc 转换失败（退出码 {proc.returncode}）：{detail}")
    body = proc.stdout.decode("utf-8")
    if "#horizontalrule" in body:
        body = _HORIZONTALRULE + body
    return body


# ---------------------------------------------------------------------------------------------
# Escaping
# ---------------------------------------------------------------------------------------------

# Every ASCII punctuation character is escaped in markup. Most have a meaning somewhere
# (# code, $ math, * strong, _ emphasis, ` raw, < > labels, @ references, [ ] content,
# \ escapes, ~ no-break space, - -- --- -? and -1 shorthands and list items, + numbered
# items, / terms and // /* comments, = headings, 1. numbered items, ... ellipsis, ' " smart
# quotes, http:// auto links, ( . ; continuing an expression written just before) and
# escaping the rest costs nothing: Typst prints any backslash-escaped character literally.
# Non-ASCII characters have no markup meaning except line separators, handled below.
_MARKUP_ESCAPES = {ch: "\\" + ch for ch in "!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~"}
# Typst treats all of these as line breaks in source; a newline in a record value prints as a
# forced line break (``\`` at the end of a line), never as a heading or list start.
_NEWLINES = re.compile("\r\n|[\n\r\x0b\x0c\x85\u2028\u2029]")
_MARKUP_TABLE = str.maketrans(_MARKUP_ESCAPES)


def typst_escape(text: str) -> str:
    """Make ``text`` print literally when placed in Typst markup.

    Every ASCII punctuation character is backslash-escaped, so no markup, code, math, label,
    reference, comment, list, heading or shorthand can start inside the value, and a
    following ``(`` or ``.`` cannot continue an expression written before it. Line breaks
    (``\\n``, ``\\r\\n`` and Unicode line separators) become forced line breaks. Other control
    characters are passed through unchanged.
    """
    escaped = text.translate(_MARKUP_TABLE)
    return _NEWLINES.sub("\\\\\n", escaped)


def typst_escape_line(text: object) -> str:
    """Escape one line of record text for Typst markup: line breaks become spaces.

    The Typst counterpart of ``escape.md_escape``: surrounding whitespace is dropped and no
    line break of the value reaches the page, so a value can sit in a table cell, a heading
    or a list item without ending it.
    """
    s = "" if text is None else str(text)
    return typst_escape(_NEWLINES.sub(" ", s).strip())


_PARAGRAPH_BREAK = re.compile(r"\n\s*\n")


def typst_escape_block(text: object) -> str:
    """Escape multi-line record text for Typst markup: paragraphs kept, lines broken.

    The Typst counterpart of ``escape.md_escape_block``: blank lines separate paragraphs,
    every other line break is a forced line break, each line is escaped as by
    :func:`typst_escape_line` and blank lines at either end are dropped.
    """
    s = "" if text is None else str(text)
    paras = [p for p in _PARAGRAPH_BREAK.split(s.strip()) if p.strip()]
    return "\n\n".join(
        " \\\n".join(typst_escape_line(line) for line in p.splitlines() if line.strip())
        for p in paras
    )


_STRING_ESCAPES = {"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r", "\t": "\\t"}


def typst_string(text: str) -> str:
    """A Typst string literal (``"..."``) whose value is ``text``, for use in code mode.

    Control characters, line separators and ``@`` are written as ``\\u{...}`` escapes
    (``@`` so that no package specification ever appears literally in generated source).
    """
    out = ['"']
    for ch in text:
        code = ord(ch)
        if ch in _STRING_ESCAPES:
            out.append(_STRING_ESCAPES[ch])
        elif code < 0x20 or 0x7F <= code <= 0x9F or ch in "\u2028\u2029@":
            out.append(f"\\u{{{code:x}}}")
        else:
            out.append(ch)
    out.append('"')
    return "".join(out)
