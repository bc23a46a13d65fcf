"""Find residents' personal data in record text and in every generated file before publishing.

Records are typed by many hands and everything gongshi writes is public. A resident's ID
number, mobile number or bank card number typed into a title, a sign-up note or a finance
line must never reach the site, the print PDFs or the open data. This module is the last gate:
the build calls :func:`scan_outputs` on the complete set of generated files before it swaps
them in, and refuses to publish while a problem is reported.

What is detected, and how however it is written, is ``generator.text.personal``
(:func:`scan_text`); ``gongshi check`` runs the same matcher over every record
(``records.validate``), so this gate catches what reaches an output by another way: a number
a template prints from pieces, or one in an attachment.

Values are reported masked (``138****8000``) so that the report itself, which may end up in
a CI log, does not repeat the number.
"""

from __future__ import annotations

import hashlib
import html
import io
import json
import os
import re
import zipfile
from collections.abc import Iterable, Iterator, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Any

from generator.errors import ToolMissing
from generator.problems import CATALOGUE, Position, Problem, Severity
from generator.records.attachments import pdf_extras, pdf_text, pdftotext_exe, read_pdf
from generator.records.load import read_document
from generator.records.personal import (
    NOT_PERSONAL_KEY,
    declared_numbers,
    public_numbers,
    record_files,
    record_findings,
    walk,
)
from generator.text.personal import (
    CONTEXT,
    FIX,
    KIND_LABELS,
    Finding,
    allowed_numbers,
    id_check_char,
    is_id_number,
    join_wrapped_lines,
    kind_of,
    luhn_ok,
    mask,
    mask_numbers,
    normalise_number,
    scan_text,
)

__all__ = [
    "CODES",
    "Finding",
    "allowed_numbers",
    "extract_text",
    "id_check_char",
    "is_id_number",
    "luhn_ok",
    "output_text",
    "pdf_all_text",
    "leak_problems",
    "scan_files",
    "scan_outputs",
    "scan_records",
    "scan_text",
    "typst_text",
    "union_allowed",
    "ScanJob",
    "Scanned",
]

#: Problem codes of this module: code → (Chinese title, severity). To be listed in the
#: catalogue of generator/problems.py and in docs/problems.md.
CODES: dict[str, tuple[str, Severity]] = {
    code: (CATALOGUE[code].title, CATALOGUE[code].severity)
    for code in ("personal-data-leak", "personal-data-in-record", "personal-data-unchecked")
}

# ------------------------------------------------------------------------------- records


@dataclass
class _Source:
    """Where a number was written in the records."""

    pos: Position
    digits: str = ""  # all digits of the scalar, for numbers printed out of several fields


@dataclass
class _RecordIndex:
    by_value: dict[str, list[Position]] = field(default_factory=dict)
    scalars: list[_Source] = field(default_factory=list)

    def positions(self, value: str) -> list[Position]:
        if value in self.by_value:
            return self.by_value[value]
        # A number a template printed from pieces: the scalar whose digits contain it.
        return [s.pos for s in self.scalars if value.rstrip("X") in s.digits][:5]


def _index_records(project: Any, folders: Iterable[Path]) -> _RecordIndex:
    index = _RecordIndex()
    for folder in folders:
        for path in record_files(folder):
            display = project.display(path)
            root = None
            if path.suffix.lower() in (".yaml", ".yml"):
                root = read_document(path, display).root
                for node in walk(root):
                    digits = normalise_number(node.text)
                    if len(digits) >= 11:
                        index.scalars.append(_Source(node.pos, digits))
            for f, pos in record_findings(path, display, root):
                index.by_value.setdefault(f.value, []).append(pos)
    for positions in index.by_value.values():
        positions[:] = sorted(set(positions))
    return index


def _centre_folders(project: Any) -> list[Path]:
    root = Path(project.centres)
    if not root.is_dir():
        return []
    return sorted(
        p
        for p in root.iterdir()
        if p.is_dir() and not p.is_symlink() and not p.name.startswith(".")
    )


def union_allowed(centres: Iterable[Any], project: Any = None) -> set[str]:
    """The public numbers of the centres, and those their centre.yaml declares not personal."""
    allowed: set[str] = set()
    for ce in centres:
        allowed |= allowed_numbers(ce)
        centre_id = getattr(ce, "id", None)
        if project is not None and centre_id:
            path = Path(project.centres) / centre_id / "centre.yaml"
            if path.is_file() and not path.is_symlink():
                allowed.update(_declared(path, project.display(path)))
    return allowed


def allowed_key(centres: Iterable[Any], project: Any = None) -> str:
    """The digest of the numbers ``scan_outputs`` allows for ``centres``: the same files
    scanned with the same allowed numbers are found the same."""
    return _allowed_key(union_allowed(centres, project))


def _allowed_key(allowed: set[str]) -> str:
    return hashlib.sha256(repr(sorted(allowed)).encode("utf-8")).hexdigest()


_DECLARED_KEY = NOT_PERSONAL_KEY.encode("utf-8")


def _declared(path: Path, display: str) -> list[str]:
    """The numbers a centre.yaml declares not personal. A file that does not hold the key
    written out declares none and is not parsed (a parse takes milliseconds, for every
    centre of every build): YAML can spell a key otherwise only with a backslash escape in
    a double-quoted scalar."""
    try:
        data = path.read_bytes()
    except OSError:
        data = None
    if data is not None and _DECLARED_KEY not in data and b"\\" not in data:
        return []
    return declared_numbers(read_document(path, display).root)


def _problem(pos: Position, code: str, message: str) -> Problem:
    return Problem.at(pos, code, message, severity=CODES[code][1])


def scan_records(project: Any, centres: Iterable[Any] = ()) -> list[Problem]:
    """Problems for every ID, mobile or card number written in a centre's record files.

    ``centres`` are the validated centres whose public numbers are allowed. Every folder
    under ``project.centres`` is read, valid or not. (``gongshi check`` reports the same
    numbers centre by centre: ``records.validate.personal_numbers``.)
    """
    folders = _centre_folders(project)
    allowed = union_allowed(centres, project)
    for folder in folders:  # a centre whose records have errors has its public phone too
        path = folder / "centre.yaml"
        if path.is_file() and not path.is_symlink():
            allowed |= public_numbers(read_document(path, project.display(path)).root)
    index = _index_records(project, folders)
    out = []
    for value, positions in sorted(index.by_value.items()):
        if value in allowed:
            continue
        kind = kind_of(value)
        for pos in positions:
            msg = f"这里写有{KIND_LABELS[kind]} {mask(value)}。{FIX[kind]}"
            out.append(_problem(pos, "personal-data-in-record", msg))
    return out


# ------------------------------------------------------------------------------- outputs

_SKIP_SUFFIXES = frozenset(
    [
        ".js",
        ".mjs",
        ".css",
        ".map",
        ".png",
        ".jpg",
        ".jpeg",
        ".gif",
        ".webp",
        ".ico",
        ".woff",
        ".woff2",
        ".ttf",
        ".otf",
        ".eot",
        ".gz",
        ".br",
        ".sha256",
        ".wasm",
    ]
)
_MD_ESCAPE = re.compile(r"\\([!-/:-@\[-`{-~])")
_ICS_FOLD = re.compile(r"\r?\n[ \t]")
_ICS_ESCAPE = re.compile(r"\\([,;\\nN])")


_INLINE_TAG = re.compile(
    r"</?(?:a|abbr|b|bdi|bdo|cite|code|data|del|dfn|em|i|ins|kbd|mark|q|s|samp|small|span"
    r"|strong|sub|sup|time|u|var|wbr|tspan)(?:\s[^<>]*)?/?>",
    re.IGNORECASE,
)


def _angle_to_lines(text: str) -> str:
    """The text of HTML or XML twice: as a reader sees it (inline tags such as <span> do not
    split a number, block tags do), and with every tag a line break but its attributes kept
    (a tel: link or a data attribute may hold a number too)."""
    reading = re.sub(r"<[^<>]*>", "\n", _INLINE_TAG.sub("", text))
    attributes = text.replace("<", "\n").replace(">", "\n")
    return html.unescape(reading) + "\n" + html.unescape(attributes)


def _json_strings(value: Any) -> list[str]:
    """Every key and value of a JSON value, in order, as text (``None`` left out)."""
    out: list[str] = []
    stack = [value]
    while stack:
        v = stack.pop()
        if isinstance(v, dict):
            pairs: list[Any] = []
            for k, x in v.items():
                pairs.append(str(k))
                pairs.append(x)
            stack.extend(reversed(pairs))
        elif isinstance(v, list):
            stack.extend(reversed(v))
        elif v is not None:
            out.append(str(v))
    return out


def _decode(data: bytes) -> str | None:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return None


def extract_text(path: str, data: bytes) -> str | None:
    """The text a reader sees in a generated file (PDFs excepted), or None to skip it."""
    suffix = Path(path).suffix.lower()
    if suffix in _SKIP_SUFFIXES or suffix == ".pdf":
        return None
    if suffix in (".xlsx", ".docx", ".odt", ".ods"):
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as zf:
                parts = [zf.read(n) for n in zf.namelist() if n.endswith(".xml")]
        except (zipfile.BadZipFile, OSError, RuntimeError):
            return None
        return "\n".join(_angle_to_lines(p.decode("utf-8", errors="replace")) for p in parts)
    text = _decode(data)
    if text is None:
        return None
    if suffix in (".html", ".htm", ".xml", ".svg", ".atom", ".rss"):
        return _angle_to_lines(text)
    if suffix in (".md", ".markdown"):
        return html.unescape(_MD_ESCAPE.sub(r"\1", text))
    if suffix == ".json":
        try:
            return "\n".join(_json_strings(json.loads(text)))
        except ValueError:
            return text
    if suffix in (".ics", ".ical"):
        return _ICS_ESCAPE.sub(lambda m: "\n" if m[1] in "nN" else m[1], _ICS_FOLD.sub("", text))
    return text


def _pdftotext() -> str:
    exe = pdftotext_exe()
    if exe is None:
        raise ToolMissing(
            "未找到 pdftotext（poppler-utils），无法检查 PDF 中是否含有居民个人信息。"
            "请安装：sudo apt-get install poppler-utils（或运行 bash scripts/setup.sh）。"
        )
    return exe


def output_text(path: str, data: bytes, exe: str | None = None) -> str | None:
    """Everything the guard reads in one output file (see :func:`extract_text`; for a PDF
    :func:`pdf_all_text`), or None for a file it skips or a PDF it cannot read."""
    if path.lower().endswith(".pdf"):
        return pdf_all_text(data, exe or _pdftotext())
    return extract_text(path, data)


def pdf_all_text(data: bytes, exe: str) -> str | None:
    """Everything a reader can read in a PDF: its pages (pdftotext, with poppler-data for
    the standard Chinese fonts, and pypdf; lines a number was wrapped out of joined), its
    document properties, XMP metadata, annotations and the names of embedded files. None
    when pdftotext cannot read it."""
    text = pdf_text(data, exe)
    if text is None:
        return None
    contents = read_pdf(data)
    return "\n".join([text, join_wrapped_lines(text), *contents.pages, pdf_extras(contents)])


def _texts(files: Mapping[str, bytes]) -> Iterator[tuple[str, str | None]]:
    """(path, text) of every file to scan; text None for a PDF that could not be read."""
    pdfs = sorted(p for p in files if p.lower().endswith(".pdf"))
    for path in sorted(files):
        if path.lower().endswith(".pdf"):
            continue
        text = extract_text(path, files[path])
        if text is not None:
            yield path, text
    if pdfs:
        exe = _pdftotext()
        workers = max(1, min(8, os.cpu_count() or 1))
        with ThreadPoolExecutor(max_workers=workers) as pool:
            yield from zip(pdfs, pool.map(lambda p: pdf_all_text(files[p], exe), pdfs))


# Typst's escapes, undone for the guard: ``\u{...}`` code points, the string escapes, and a
# backslash before any other character (``print.typeset.typst_escape`` puts one before every
# ASCII punctuation character of record text; a backslash at a line's end is a line break)
_TYPST_UNICODE = re.compile(r"\\u\{([0-9A-Fa-f]{1,6})\}")
_TYPST_ESCAPE = re.compile(r"\\(.)", re.DOTALL)
_TYPST_STRING = {"n": "\n", "r": "\r", "t": "\t"}


def typst_text(source: str, files: Mapping[str, bytes] = MappingProxyType({})) -> str:
    """The text a generated Typst document prints, for the guard, without compiling it: its
    source with Typst's escapes undone, then the text of each SVG file it reads (a chart's
    labels). Every value a document prints is in its source (the generator computes the
    figures; the templates only place them), and the markup between two table cells or
    fields (``], [``) keeps them apart as the page does, where the text of a PDF read back
    runs a table's columns together into one long number."""

    def code_point(m: re.Match) -> str:
        value = int(m.group(1), 16)
        return chr(value) if value <= 0x10FFFF else ""

    def escaped(m: re.Match) -> str:
        return _TYPST_STRING.get(m.group(1), m.group(1))

    text = _TYPST_ESCAPE.sub(escaped, _TYPST_UNICODE.sub(code_point, source))
    parts = [text]
    for name in sorted(files):
        if name.lower().endswith(".svg"):
            parts.append(
                html.unescape(re.sub(r"<[^>]*>", " ", files[name].decode("utf-8", "replace")))
            )
    return "\n".join(parts)


# A file this large is read in pieces (``_pieces``): an all-centres file changes a few
# pieces a day (one centre's services in the HSDS export, a few rows of the officers' tables,
# the day printed on a page), and only those are read again.
PIECES_FROM = 1 << 16
# Between two pieces of text scanned as one: farther than ``CONTEXT`` from either, and with
# nothing a number or a currency sign is made of, so neither piece changes what is found in
# the other.
_APART = "\n" + "#" * CONTEXT + "\n"


def _json_elements(data: bytes) -> tuple[str, list[tuple[int, int]]] | None:
    """The text the guard reads in a JSON file (``extract_text``) and where in it each piece
    lies: each element of a list at the top (or of a list that is a member of the object at
    the top) on its own, and the rest between them. None for a file that is not such JSON.
    No line holds the text of two pieces: a number never spans two."""
    text = _decode(data)
    if text is None:
        return None
    try:
        doc = json.loads(text)
    except ValueError:
        return None
    groups: list[list[str]] = []
    if isinstance(doc, list):
        groups = [_json_strings(x) for x in doc]
    elif isinstance(doc, dict):
        rest: list[str] = []
        for k, v in doc.items():
            rest.append(str(k))
            if isinstance(v, list):
                groups.append(rest)
                groups.extend(_json_strings(x) for x in v)
                rest = []
            else:
                rest.extend(_json_strings(v))
        groups.append(rest)
    else:
        return None
    texts = ["\n".join(g) for g in groups if g]
    bounds = []
    pos = 0
    for t in texts:
        bounds.append((pos, pos + len(t)))
        pos += len(t) + 1
    return "\n".join(texts), bounds


def _pieces(path: str, data: bytes) -> tuple[str, list[tuple[int, int]]] | None:
    """The text the guard reads in a file (``extract_text``) and where in it each piece lies,
    no line holding the text of two pieces (a line break ends a run of digits: a number never
    spans two pieces): a JSON file by its elements (``_json_elements``), another by its lines
    (``_lines``). None for a file not read in pieces (a PDF, a file of no text)."""
    if path.lower().endswith(".json"):
        split = _json_elements(data)
        if split is not None:
            return split
    text = extract_text(path, data)
    return (text, _lines(text)) if text is not None else None


def _lines(text: str) -> list[tuple[int, int]]:
    """Where each line of ``text`` lies: a line changed, added or removed changes its own
    piece alone (and its neighbours', whose text is read with a few characters of it). The
    city's large pages change in a few cells of each row from one day to the next."""
    bounds: list[tuple[int, int]] = []
    start = 0
    for line in text.split("\n"):
        bounds.append((start, start + len(line)))
        start += len(line) + 1
    return bounds


def _scan_pieces(
    path: str, data: bytes, allowed: set[str], allowed_key: str, clean: set[str]
) -> tuple[bool, list[str]] | None:
    """Whether a large file is clean, reading only the pieces (``_pieces``) not found clean
    before; and the keys of its pieces found clean (each as ``path``, a NUL and the SHA-256
    of the numbers allowed and of the piece's text with the ``CONTEXT`` characters around
    it, which are all the scan of the whole file reads for the numbers in that piece). None
    for a file not read so."""
    split = _pieces(path, data)
    if split is None:
        return None
    text, bounds = split
    keys = []
    unread: list[tuple[str, str]] = []
    for start, end in bounds:
        piece = text[max(0, start - CONTEXT) : end + CONTEXT]
        digest = hashlib.sha256(f"{allowed_key}\0{piece}".encode("utf-8", "surrogatepass"))
        key = f"{path}\0{digest.hexdigest()}"
        keys.append(key)
        if key not in clean:
            unread.append((key, piece))
    found = scan_text(_APART.join(piece for _, piece in unread), allowed)
    if not found:
        return True, keys
    dirty, pos = set(), 0
    spans = []
    for key, piece in unread:
        spans.append((pos, pos + len(piece), key))
        pos += len(piece) + len(_APART)
    for f in found:
        dirty.update(key for a, b, key in spans if a <= f.start < b)
    return False, [k for k in keys if k not in dirty]


def clean_key(path: str, data: bytes, allowed_key: str) -> str:
    """What a file found clean is remembered by (``scan_outputs(clean=...)``): its path, the
    SHA-256 of its bytes and of the numbers allowed."""
    return hashlib.sha256(f"{path}\0{allowed_key}\0".encode() + data).hexdigest()


def scan_outputs(
    files: Mapping[str, bytes],
    centres: Iterable[Any],
    project: Any,
    texts: Mapping[str, str] = MappingProxyType({}),
    clean: set[str] | None = None,
) -> list[Problem]:
    """Problems for every personal number found in the generated files, at its record line.

    Args:
        files: every file about to be published, path → bytes (site pages, data files,
            print PDFs, copied attachments).
        texts: files whose text is known without reading them back, path → text (the PDFs
            the build compiles: ``typst_text`` of their sources).
        clean: the files (other than PDFs) this scan found nothing in before, each as
            ``clean_key`` (its path, its bytes and the numbers allowed): such a file is not
            read again; every file found clean now is added. A file of ``PIECES_FROM``
            bytes or more (PDFs excepted) is read in pieces, each remembered likewise
            (``_scan_pieces``): when it changes, only its pieces not found clean before
            are read. None: every file is read whole.
        centres: the validated centres; their declared public phones are allowed.
        project: the ``generator.records.validate.Project`` whose ``centres/`` folders are searched
            for the record line each number came from.

    Returns one ``personal-data-leak`` error per record line (naming the output files where
    the number appeared), or at the output file when no record holds the number (an
    attachment); a ``personal-data-unchecked`` warning per PDF whose text cannot be read.

    Raises:
        ToolMissing: there are PDFs and pdftotext is not installed.
    """
    scanned = scan_files(ScanJob(files, union_allowed(centres, project), texts, clean))
    return scanned.problems_in(project, clean)


@dataclass
class ScanJob:
    """What ``scan_files`` reads: the files (and known texts) of ``scan_outputs``, the
    numbers allowed in them, and the files found clean before (None: read every file)."""

    files: Mapping[str, bytes]
    allowed: set[str]
    texts: Mapping[str, str] = field(default_factory=dict)
    clean: set[str] | None = None


@dataclass
class Scanned:
    """What ``scan_files`` found: each number (kind, value) with the files it is in, the
    warnings for PDFs it could not read, and the files and pieces found clean now."""

    found: dict[tuple[str, str], list[str]]
    problems: list[Problem]
    clean: set[str] | None

    def problems_in(self, project: Any, clean: set[str] | None = None) -> list[Problem]:
        """The problems of the scan, each number at the record lines of ``project`` that
        hold it (``leak_problems``); ``clean``, the set the job was given, becomes the one
        found now (``scan_outputs``' ``clean``)."""
        if clean is not None and self.clean is not None:
            clean.clear()
            clean.update(self.clean)
        return self.problems + leak_problems(self.found, project)


def scan_files(job: ScanJob) -> Scanned:
    """The numbers in ``job``'s files (``scan_outputs`` without the record lines, which
    ``leak_problems`` finds): this reads no record, so it can run in another process while
    the build goes on (``build.city``)."""
    files, allowed, texts = job.files, job.allowed, job.texts
    clean = set(job.clean) if job.clean is not None else None
    where: dict[tuple[str, str], list[str]] = {}  # (kind, value) → output paths
    out: list[Problem] = []
    keys: dict[str, str] = {}
    allowed_key = _allowed_key(allowed)
    if clean is not None:
        keys = {
            path: clean_key(path, data, allowed_key)
            for path, data in files.items()
            if not path.lower().endswith(".pdf")
        }
        files = {path: data for path, data in files.items() if keys.get(path) not in clean}
    pieces: dict[str, list[str]] = {}  # large files read in pieces: the clean pieces
    for path, data in list(files.items()):
        if clean is None or path.lower().endswith(".pdf") or len(data) < PIECES_FROM:
            continue
        read = _scan_pieces(path, data, allowed, allowed_key, clean)
        if read is None:
            continue
        is_clean, pieces[path] = read
        if is_clean:
            clean.add(keys[path])
            del files[path]  # else read whole below, for the report
    for path, text in [*_texts(files), *sorted(texts.items())]:
        if text is None:
            msg = (
                f"无法提取 PDF 文件 {mask_numbers(path)} 的文字（可能已加密），"
                "未能检查其中是否含有个人信息"
            )
            out.append(_problem(Position(path), "personal-data-unchecked", msg))
            continue
        found = scan_text(text, allowed)
        for f in found:
            paths = where.setdefault((f.kind, f.value), [])
            if path not in paths:
                paths.append(path)
        if clean is not None and not found and path in keys:
            clean.add(keys[path])
    if clean is not None:  # only what this build published is remembered
        kept = set(keys.values())
        for key in clean:  # the pieces of a large file not read again
            owner = key.split("\0", 1)[0] if "\0" in key else None
            if owner in keys and owner not in pieces:
                kept.add(key)
        for found_clean in pieces.values():
            clean.update(found_clean)
            kept.update(found_clean)
        clean.intersection_update(kept)
    return Scanned(where, out, clean)


def leak_problems(where: Mapping[tuple[str, str], list[str]], project: Any) -> list[Problem]:
    """A ``personal-data-leak`` error for each number found (``Scanned.found``) at each
    record line of ``project`` that holds it, or at the first output file it is in when no
    record does (an attachment)."""
    out: list[Problem] = []
    if not where:
        return out
    index = _index_records(project, _centre_folders(project))
    for (kind, value), paths in sorted(where.items()):
        shown = "、".join(mask_numbers(p) for p in paths[:3]) + (
            f" 等 {len(paths)} 个文件中" if len(paths) > 3 else " 中"
        )
        positions = index.positions(value)
        head = f"{KIND_LABELS[kind]} {mask(value)} 会被公开在 {shown}。"
        if positions:
            for pos in positions:
                out.append(_problem(pos, "personal-data-leak", head + FIX[kind]))
        else:
            msg = (
                head
                + "记录文件中找不到它的来源（可能在附件 PDF 中）：请删除附件中的个人信息或不公开该附件"
            )
            out.append(_problem(Position(paths[0]), "personal-data-leak", msg))
    return out
