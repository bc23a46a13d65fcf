"""What an attached PDF holds, read the way any reader could read it, before it is published.

An attachment (the signed audit report) is published as it is: everything in the file is
public, not only what its pages show. ``gongshi check`` reads it whole, at the record line
that names it (``records.validate.check_attachment``):

* it must be a real PDF (pypdf reads its structure; a PNG or an HTML page renamed ``.pdf``,
  or a stub, is refused), not encrypted;
* it may carry no document properties that name or describe (``/Title``, ``/Author``,
  ``/Subject``, ``/Keywords``) and no XMP metadata, and no embedded files (a
  ``residents.csv`` inside the report): each is refused, naming what to remove;
* its text (read with pdftotext — with poppler-data, so the standard non-embedded Chinese
  fonts such as STSong-Light are read — and with pypdf), its other document properties and
  its annotations (sticky notes, their authors) are searched for personal numbers;
* a page whose text cannot be read at all (a scanned image) is an error unless the record
  says the file was checked by eye, by whom (a role) and when (``report_pdf_scanned:
  {checked_by: 会计, on: 2026-03-01}``).

The build reads its PDFs with :func:`pdf_text` and :func:`pdf_extras` too
(``build.privacy``).
"""

from __future__ import annotations

import io
import logging
import shutil
import subprocess
import tempfile
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pypdf import PdfReader
from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject

from generator.problems import Position, Problem
from generator.text.personal import FIX, join_wrapped_lines, mask_numbers, scan_text

__all__ = [
    "PdfContents",
    "attachment_problems",
    "pdf_extras",
    "pdf_text",
    "read_pdf",
]

#: Document properties that name or describe; an attachment carries none of them.
NAMING_PROPERTIES = {
    "/Title": "标题（Title）",
    "/Author": "作者（Author）",
    "/Subject": "主题（Subject）",
    "/Keywords": "关键词（Keywords）",
}
_ANNOTATION_TEXT = ("/Contents", "/T", "/Subj", "/RC", "/TU", "/V")
_MAX_PAGES_READ = 2000


@contextmanager
def _quiet() -> Iterator[None]:
    """pypdf logs what it repairs; a damaged file is reported as a problem instead."""
    log = logging.getLogger("pypdf")
    level = log.level
    log.setLevel(logging.CRITICAL)
    try:
        yield
    finally:
        log.setLevel(level)


def pdftotext_exe() -> str | None:
    """The pdftotext program (poppler-utils), or None when it is not installed."""
    return shutil.which("pdftotext")


def pdf_text(data: bytes, exe: str | None = None) -> str | None:
    """The text of a PDF read with pdftotext (pages separated by form feeds), or None when it
    cannot be read (encrypted, damaged) or pdftotext is missing."""
    exe = exe or pdftotext_exe()
    if exe is None:
        return None
    with tempfile.TemporaryDirectory(prefix="gongshi-pdf-") as tmp:
        src = Path(tmp) / "in.pdf"
        src.write_bytes(data)
        try:
            done = subprocess.run(
                [exe, "-q", "-enc", "UTF-8", str(src), "-"],
                capture_output=True,
                timeout=120,
                check=False,
            )
        except (subprocess.TimeoutExpired, OSError):
            return None
    if done.returncode != 0:
        return None
    return done.stdout.decode("utf-8", errors="replace")


@dataclass
class PdfContents:
    """What a PDF holds besides the text of its pages."""

    error: str | None = None  # why it could not be read (Chinese), or None
    encrypted: bool = False
    properties: dict[str, str] = field(default_factory=dict)  # document information
    xmp: str | None = None  # the XMP metadata as written, when there is any
    embedded: list[str] = field(default_factory=list)  # names of embedded files
    annotations: list[tuple[int, str]] = field(default_factory=list)  # (page, text)
    pages: list[str] = field(default_factory=list)  # each page's text as pypdf reads it


def _string(value: Any) -> str:
    try:
        value = value.get_object() if isinstance(value, IndirectObject) else value
    except Exception:  # a dangling reference in a damaged file: nothing to read
        return ""
    if isinstance(value, bytes):
        return value.decode("utf-8", errors="replace")
    return str(value)


def read_pdf(data: bytes) -> PdfContents:
    """The structure of a PDF read with pypdf: properties, XMP, embedded files, annotations
    and each page's text. ``error`` says why it is not a PDF that can be read."""
    out = PdfContents()
    # pypdf parses what it is given; any failure of a damaged or hostile file means the file
    # is not a PDF that can be published, whatever pypdf's exception.
    with _quiet():
        try:
            reader = PdfReader(io.BytesIO(data), strict=False)
            if reader.is_encrypted:
                out.encrypted = True
                return out
            pages = list(reader.pages)
        except Exception as exc:  # noqa: BLE001 - see above
            out.error = f"无法读取其 PDF 结构（{type(exc).__name__}）"
            return out
        if not pages:
            out.error = "其中没有任何页面"
            return out
        try:
            info = reader.metadata or {}
            out.properties = {str(k): _string(v) for k, v in info.items()}
        except Exception:  # noqa: BLE001 - a damaged information dictionary
            out.properties = {"/Info": "（无法读取）"}
        try:
            root = reader.trailer["/Root"].get_object()
            meta = root.get("/Metadata")
            if meta is not None:
                stream = meta.get_object()
                out.xmp = stream.get_data().decode("utf-8", errors="replace")
        except Exception:  # noqa: BLE001 - damaged metadata is still metadata
            out.xmp = out.xmp or "（无法读取）"
        try:
            out.embedded = sorted(reader.attachments)
        except Exception:  # noqa: BLE001 - a damaged name tree of embedded files
            out.embedded = ["（无法读取的嵌入文件）"]
        for n, page in enumerate(pages[:_MAX_PAGES_READ], 1):
            out.annotations.extend((n, text) for text in _annotation_texts(page, out))
            try:
                out.pages.append(page.extract_text() or "")
            except Exception:  # noqa: BLE001 - a page pypdf cannot read: pdftotext may
                out.pages.append("")
    return out


def _annotation_texts(page: Any, out: PdfContents) -> Iterator[str]:
    try:
        annots = page.get("/Annots")
        annots = annots.get_object() if annots is not None else None
    except Exception:  # noqa: BLE001
        return
    if not isinstance(annots, ArrayObject):
        return
    for ref in annots:
        try:
            annot = ref.get_object()
        except Exception:  # noqa: BLE001
            continue
        if not isinstance(annot, DictionaryObject):
            continue
        if annot.get("/Subtype") == "/FileAttachment":
            fs = annot.get("/FS")
            name = _string(fs.get_object().get("/F", "")) if fs is not None else ""
            out.embedded.append(name or "（批注中附带的文件）")
        for key in _ANNOTATION_TEXT:
            if key in annot:
                text = _string(annot[key])
                if text.strip():
                    yield text


def pdf_extras(contents: PdfContents) -> str:
    """Every text of a PDF that is not page text, one per line: properties, XMP,
    annotations."""
    parts = [*contents.properties.values()]
    if contents.xmp:
        parts.append(contents.xmp)
    parts.extend(text for _, text in contents.annotations)
    parts.extend(contents.embedded)
    return "\n".join(parts)


# ------------------------------------------------------------------------------ checking


def _page_texts(data: bytes, contents: PdfContents) -> list[str]:
    """Each page's text, as pdftotext and pypdf read it together."""
    text = pdf_text(data)
    poppler = text.split("\f") if text is not None else []
    out = []
    for i, page in enumerate(contents.pages):
        read = poppler[i] if i < len(poppler) else ""
        out.append("\n".join([read, join_wrapped_lines(read), page]))
    return out


def attachment_problems(
    data: bytes,
    rel: str,
    pos: Position,
    *,
    allowed: Iterable[str] = (),
    scanned: dict | None = None,
) -> list[Problem]:
    """What keeps the PDF ``data`` (the attachment ``rel`` named at ``pos``) from being
    published: not a real PDF, encrypted, naming properties or XMP, embedded files, a
    personal number in its text, properties or annotations, or a page whose text cannot be
    read (unless ``scanned`` says who checked it by eye)."""
    contents = read_pdf(data)
    shown = mask_numbers(rel)
    if contents.error:
        msg = f"附件 {shown} 不是有效的 PDF 文件：{contents.error}。请重新导出或扫描为 PDF"
        return [Problem.at(pos, "attachment-bad", msg)]
    if contents.encrypted:
        msg = f"附件 {shown} 已加密，无法检查其中是否含有个人信息：请附上未加密的 PDF"
        return [Problem.at(pos, "attachment-bad", msg)]
    out: list[Problem] = []
    naming = [
        label
        for key, label in NAMING_PROPERTIES.items()
        if contents.properties.get(key, "").strip()
    ]
    if naming or contents.xmp:
        what = "、".join(naming + (["XMP 元数据"] if contents.xmp else []))
        msg = (
            f"附件 {shown} 带有文档属性（{what}）：公开的 PDF 不能带文档属性，"
            "请在 PDF 软件的“文档属性”中清空后另存（或用“打印为 PDF”重新生成）"
        )
        out.append(Problem.at(pos, "attachment-bad", msg))
    if contents.embedded:
        names = "、".join(mask_numbers(n) for n in contents.embedded[:5])
        msg = f"附件 {shown} 中嵌入了其他文件（{names}）：公开的 PDF 不能嵌入文件，请删除后另存"
        out.append(Problem.at(pos, "attachment-bad", msg))
    places: list[tuple[str, str]] = [("文档属性", "\n".join(contents.properties.values()))]
    if contents.xmp:
        places.append(("XMP 元数据", contents.xmp))
    places.extend((f"第 {n} 页的批注", text) for n, text in contents.annotations)
    pages = _page_texts(data, contents)
    places.extend((f"第 {n} 页", text) for n, text in enumerate(pages, 1))
    seen: set[str] = set()
    for where, text in places:
        for f in scan_text(text, allowed):
            if f.value in seen:
                continue
            seen.add(f.value)
            msg = (
                f"附件 {shown} {where}含有{f.label} {f.masked}。{FIX[f.kind]}"
                "（在附件中删除或遮盖后重新生成 PDF）"
            )
            out.append(Problem.at(pos, "personal-data-in-record", msg))
    blank = [n for n, text in enumerate(pages, 1) if not text.strip()]
    if blank and scanned is None:
        which = "、".join(str(n) for n in blank[:10]) + (" 等" if len(blank) > 10 else "")
        msg = (
            f"附件 {shown} 第 {which} 页的文字无法读取（可能是扫描图片），无法自动检查其中是否含有"
            "个人信息。请提供可复制文字的 PDF；如果只能是扫描件，请人工逐页核对后，在记录中写明"
            "核对人岗位和日期，例如 report_pdf_scanned: {checked_by: 会计, on: 2026-03-01}"
        )
        out.append(Problem.at(pos, "attachment-bad", msg))
    return out


def image_problems(rel: str, pos: Position, scanned: dict | None) -> list[Problem]:
    """An image attachment cannot be read by the machine: it must have been checked by eye."""
    if scanned is not None:
        return []
    msg = (
        f"附件 {mask_numbers(rel)} 是图片，无法自动检查其中是否含有个人信息：请人工核对后，"
        "在记录中写明核对人岗位和日期，例如 report_pdf_scanned: {checked_by: 会计, on: 2026-03-01}"
    )
    return [Problem.at(pos, "attachment-bad", msg)]
