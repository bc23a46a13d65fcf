"""Attachments are read whole by ``gongshi check``: their text (also in the standard,
non-embedded Chinese fonts), document properties, XMP, annotations and embedded files.

The PDFs here are written with pypdf, their text in STSong-Light (Adobe-GB1, not embedded:
the font every Chinese PDF reader has), the way many office programs write Chinese PDFs.
Every number is fictional (see tests/build/test_pii_guard.py).
"""

from __future__ import annotations

import datetime as dt
import io
import json
import struct
import zlib
from pathlib import Path

import pytest
from conftest import make_project
from hostile_helpers import all_cases, apply_case
from personal_helpers import make_id
from pypdf import PdfWriter
from pypdf.annotations import FreeText, Text
from pypdf.generic import (
    ArrayObject,
    DecodedStreamObject,
    DictionaryObject,
    NameObject,
    NumberObject,
    TextStringObject,
)

from generator.cli import main
from generator.text.personal import mask

AUDIT = "centres/demo/audits/2026.yaml"
PDF = "centres/demo/attachments/audit.pdf"
REPORT_LINE = 13  # report_pdf: in the minimal audit record


ID_A = make_id("19850315", "401")
MOBILE_A = "13900001401"


def _name(value: str) -> NameObject:
    return NameObject(value)


def stsong_pdf(
    lines: list[str] | None = None,
    *,
    metadata: dict[str, str] | None = None,
    annotations: tuple = (),
    files: tuple[tuple[str, bytes], ...] = (),
    xmp: bytes | None = None,
) -> bytes:
    """A one-page PDF whose ``lines`` are set in STSong-Light (not embedded, UniGB-UCS2-H),
    with the given properties, annotations and embedded files. No lines: a page with no
    text at all, as a scanned image reads."""
    writer = PdfWriter()
    page = writer.add_blank_page(595, 842)
    if lines:
        descriptor = DictionaryObject(
            {
                _name("/Type"): _name("/FontDescriptor"),
                _name("/FontName"): _name("/STSong-Light"),
                _name("/Flags"): NumberObject(6),
                _name("/FontBBox"): ArrayObject([NumberObject(n) for n in (0, -200, 1000, 900)]),
                _name("/ItalicAngle"): NumberObject(0),
                _name("/Ascent"): NumberObject(880),
                _name("/Descent"): NumberObject(-120),
                _name("/CapHeight"): NumberObject(880),
                _name("/StemV"): NumberObject(93),
            }
        )
        cid = DictionaryObject(
            {
                _name("/Type"): _name("/Font"),
                _name("/Subtype"): _name("/CIDFontType0"),
                _name("/BaseFont"): _name("/STSong-Light"),
                _name("/CIDSystemInfo"): DictionaryObject(
                    {
                        _name("/Registry"): TextStringObject("Adobe"),
                        _name("/Ordering"): TextStringObject("GB1"),
                        _name("/Supplement"): NumberObject(4),
                    }
                ),
                _name("/FontDescriptor"): writer._add_object(descriptor),
                _name("/DW"): NumberObject(1000),
                # ASCII (CIDs 1–95) is half width
                _name("/W"): ArrayObject([NumberObject(1), NumberObject(95), NumberObject(500)]),
            }
        )
        font = DictionaryObject(
            {
                _name("/Type"): _name("/Font"),
                _name("/Subtype"): _name("/Type0"),
                _name("/BaseFont"): _name("/STSong-Light-UniGB-UCS2-H"),
                _name("/Encoding"): _name("/UniGB-UCS2-H"),
                _name("/DescendantFonts"): ArrayObject([writer._add_object(cid)]),
            }
        )
        page[_name("/Resources")] = DictionaryObject(
            {_name("/Font"): DictionaryObject({_name("/F1"): writer._add_object(font)})}
        )
        ops = ["BT", "/F1 12 Tf"]
        for n, line in enumerate(lines):
            ops.append(f"1 0 0 1 50 {800 - 20 * n} Tm <{line.encode('utf-16-be').hex()}> Tj")
        ops.append("ET")
        stream = DecodedStreamObject()
        stream.set_data("\n".join(ops).encode("ascii"))
        page[_name("/Contents")] = writer._add_object(stream)
    if metadata is not None:
        writer.add_metadata(metadata)
    else:  # pypdf writes /Producer; a bare information dictionary is what is allowed
        writer._info = None
    if xmp is not None:
        meta = DecodedStreamObject()
        meta.set_data(xmp)
        meta[_name("/Type")] = _name("/Metadata")
        meta[_name("/Subtype")] = _name("/XML")
        writer._root_object[_name("/Metadata")] = writer._add_object(meta)
    for name, data in files:
        writer.add_attachment(name, data)
    for annotation in annotations:
        writer.add_annotation(0, annotation)
    buf = io.BytesIO()
    writer.write(buf)
    return buf.getvalue()


CLEAN = ["专项审计报告（示例，虚构）", "审定收入 400000.00 元，审定支出 398000.00 元。"]


def png_bytes() -> bytes:
    """A real 1×1 PNG."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    ihdr = struct.pack(">IIBBBBB", 1, 1, 8, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", ihdr)
        + chunk(b"IDAT", zlib.compress(b"\x00\x00"))
        + chunk(b"IEND", b"")
    )


def project_with(tmp_path: Path, pdf: bytes | None, audit_extra: str = "") -> Path:
    proj = make_project(tmp_path)
    if pdf is not None:
        (proj / PDF).write_bytes(pdf)
    if audit_extra:
        path = proj / AUDIT
        path.write_text(path.read_text(encoding="utf-8") + audit_extra, encoding="utf-8")
    return proj


def check(proj: Path, capsys) -> tuple[int, list[dict], str]:
    code = main(["check", str(proj), "--format", "json"])
    out = capsys.readouterr()
    assert "Traceback" not in out.out + out.err
    return code, json.loads(out.out)["problems"], out.out + out.err


def errors_at(problems: list[dict]) -> set[tuple[str, str, int]]:
    return {(p["code"], p["file"], p["line"]) for p in problems if p["severity"] == "error"}


# ------------------------------------------------------------------ what passes


def test_a_clean_stsong_light_pdf_passes(tmp_path, capsys):
    code, problems, _ = check(project_with(tmp_path, stsong_pdf(CLEAN)), capsys)
    assert (code, errors_at(problems)) == (0, set())


def test_the_sample_centres_attachments_pass(samples_loaded):
    bad = [p for p in samples_loaded.report.errors if p.code.startswith("attachment")]
    assert bad == []


# ------------------------------------------------------------------ what is refused


@pytest.mark.parametrize(
    "lines",
    [
        ["审计报告", f"出纳身份证 {ID_A}"],
        ["审计报告", "出纳手机 139 0000 1401"],
        ["审计报告", f"身份证 {ID_A[:6]}  {ID_A[6:14]}  {ID_A[14:]}"],
    ],
)
def test_a_number_in_the_text_of_a_non_embedded_chinese_font(lines, tmp_path, capsys):
    code, problems, printed = check(project_with(tmp_path, stsong_pdf(lines)), capsys)
    assert code == 1
    assert errors_at(problems) == {("personal-data-in-record", AUDIT, REPORT_LINE)}
    (p,) = problems
    assert "attachments/audit.pdf" in p["message"] and "第 1 页" in p["message"]
    assert ID_A not in printed and MOBILE_A not in printed


@pytest.mark.parametrize(
    "metadata, shown",
    [
        ({"/Title": "2026 年度审计报告"}, "标题"),
        ({"/Author": "张会计"}, "作者"),
        ({"/Subject": "审计"}, "主题"),
        ({"/Keywords": "审计, 2026"}, "关键词"),
    ],
)
def test_naming_properties_are_refused(metadata, shown, tmp_path, capsys):
    proj = project_with(tmp_path, stsong_pdf(CLEAN, metadata=metadata))
    code, problems, _ = check(proj, capsys)
    assert code == 1 and errors_at(problems) == {("attachment-bad", AUDIT, REPORT_LINE)}
    assert shown in problems[0]["message"] and "文档属性" in problems[0]["message"]


def test_a_number_in_the_properties_is_found_too(tmp_path, capsys):
    proj = project_with(tmp_path, stsong_pdf(CLEAN, metadata={"/Author": f"王 {MOBILE_A}"}))
    code, problems, printed = check(proj, capsys)
    assert code == 1
    assert {p["code"] for p in problems} == {"attachment-bad", "personal-data-in-record"}
    assert MOBILE_A not in printed and mask(MOBILE_A) in printed


def test_xmp_metadata_is_refused(tmp_path, capsys):
    xmp = b'<x:xmpmeta xmlns:x="adobe:ns:meta/"><dc:creator>A</dc:creator></x:xmpmeta>'
    code, problems, _ = check(project_with(tmp_path, stsong_pdf(CLEAN, xmp=xmp)), capsys)
    assert code == 1 and errors_at(problems) == {("attachment-bad", AUDIT, REPORT_LINE)}
    assert "XMP" in problems[0]["message"]


def test_an_embedded_file_is_refused_by_name(tmp_path, capsys):
    data = stsong_pdf(CLEAN, files=(("residents.csv", f"王,{ID_A}\n".encode()),))
    code, problems, printed = check(project_with(tmp_path, data), capsys)
    assert code == 1 and ("attachment-bad", AUDIT, REPORT_LINE) in errors_at(problems)
    assert any("residents.csv" in p["message"] and "嵌入" in p["message"] for p in problems)
    assert ID_A not in printed


@pytest.mark.parametrize(
    "annotation",
    [
        Text(rect=(50, 50, 80, 80), text=f"出纳手机 {MOBILE_A}"),  # a sticky note
        FreeText(text=f"身份证 {ID_A}", rect=(50, 100, 300, 130)),
    ],
)
def test_a_number_in_an_annotation(annotation, tmp_path, capsys):
    proj = project_with(tmp_path, stsong_pdf(CLEAN, annotations=(annotation,)))
    code, problems, printed = check(proj, capsys)
    assert code == 1
    assert errors_at(problems) == {("personal-data-in-record", AUDIT, REPORT_LINE)}
    assert "批注" in problems[0]["message"]
    assert MOBILE_A not in printed and ID_A not in printed


@pytest.mark.parametrize(
    "data, why",
    [
        (png_bytes(), "不是 PDF"),  # a PNG renamed .pdf
        (b"%PDF-1.4\n%not really\n" + b"0" * 200, "无法读取其 PDF 结构"),  # a stub
        (b"%PDF-1.7\n" + stsong_pdf(CLEAN)[9:600], "无法读取其 PDF 结构"),  # cut short
    ],
)
def test_a_file_that_is_not_a_real_pdf(data, why, tmp_path, capsys):
    code, problems, _ = check(project_with(tmp_path, data), capsys)
    assert code == 1 and errors_at(problems) == {("attachment-bad", AUDIT, REPORT_LINE)}
    assert why in problems[0]["message"] or "PDF" in problems[0]["message"]


def test_an_attachment_that_is_a_folder_is_an_error_not_a_crash(tmp_path, capsys):
    proj = project_with(tmp_path, None)
    (proj / PDF).unlink()
    (proj / PDF).mkdir()
    code, problems, _ = check(proj, capsys)
    assert code == 1 and errors_at(problems) == {("attachment-bad", AUDIT, REPORT_LINE)}


# ------------------------------------------------------------------ scanned images

SCANNED = "report_pdf_scanned: {checked_by: 会计, on: 2027-03-21}\n"


def test_a_pdf_whose_text_cannot_be_read_is_an_error(tmp_path, capsys):
    code, problems, _ = check(project_with(tmp_path, stsong_pdf(None)), capsys)
    assert code == 1 and errors_at(problems) == {("attachment-bad", AUDIT, REPORT_LINE)}
    assert "report_pdf_scanned" in problems[0]["message"]


def test_unless_the_record_says_who_checked_it_by_eye(tmp_path, capsys):
    proj = project_with(tmp_path, stsong_pdf(None), SCANNED)
    code, problems, _ = check(proj, capsys)
    assert (code, errors_at(problems)) == (0, set())


@pytest.mark.parametrize(
    "extra, code_, line",
    [
        ("report_pdf_scanned: {on: 2027-03-21}\n", "missing-key", 14),
        ("report_pdf_scanned: {checked_by: 会计, on: 2027-02-30}\n", "not-date", 14),
        ("report_pdf_scanned: 是\n", "wrong-type", 14),
    ],
)
def test_the_scanned_note_is_checked(extra, code_, line, tmp_path, capsys):
    code, problems, _ = check(project_with(tmp_path, stsong_pdf(None), extra), capsys)
    assert code == 1 and (code_, AUDIT, line) in errors_at(problems)


def test_a_scanned_note_does_not_excuse_a_number_in_the_text(tmp_path, capsys):
    proj = project_with(tmp_path, stsong_pdf(["审计", f"身份证 {ID_A}"]), SCANNED)
    code, problems, _ = check(proj, capsys)
    assert code == 1
    assert errors_at(problems) == {("personal-data-in-record", AUDIT, REPORT_LINE)}


@pytest.mark.slow
def test_the_build_holds_back_a_centre_with_a_bad_attachment(tmp_path):
    from generator.build.orchestrate import build_site

    data = stsong_pdf(CLEAN, files=(("residents.csv", b"x"),), metadata={"/Author": "A"})
    proj = project_with(tmp_path, data)
    out = tmp_path / "public"
    day = dt.date(2027, 6, 1)
    result = build_site(proj, out, today=day, site_url="https://example.org/", pdf=True)
    assert result.awaiting == {"demo": day}
    assert not (out / "centres" / "demo").exists()
    assert {(p.code, p.file, p.line) for p in result.report.errors} == {
        ("attachment-bad", AUDIT, REPORT_LINE)
    }


# ------------------------------------------------------------------ the hostile corpus

ATTACHMENT_CASES = [c for c in all_cases() if c.name.startswith("attachment-")]


def test_the_corpus_has_the_attachment_cases():
    names = {c.name for c in ATTACHMENT_CASES}
    assert {
        "attachment-document-properties",
        "attachment-xmp-metadata",
        "attachment-embedded-residents",
        "attachment-sticky-note-number",
        "attachment-stsong-id-number",
        "attachment-png-renamed",
        "attachment-stub-pdf",
        "attachment-image-only",
        "attachment-folder",
    } <= names


@pytest.mark.parametrize("case", ATTACHMENT_CASES, ids=lambda c: c.name)
def test_each_attachment_case_is_refused_at_its_line(case, tmp_path, capsys):
    proj = make_project(tmp_path)
    apply_case(case, proj)
    code, problems, printed = check(proj, capsys)
    assert code == case.exit == 1
    got = {(p["code"], p["line"]) for p in problems if p["severity"] == "error"}
    assert set(case.expect) <= got, got
    assert all(p["file"].startswith("centres/demo/") for p in problems)
    assert make_id("19850315", "601") not in printed and "13900001601" not in printed
