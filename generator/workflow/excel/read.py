"""Reading a filled workbook: cell values, cell positions and cell problems."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field, replace
from decimal import Decimal
from pathlib import Path
from typing import Any
from zipfile import BadZipFile, ZipFile

from openpyxl import load_workbook
from openpyxl.utils import get_column_letter
from openpyxl.utils.exceptions import InvalidFileException

from generator.problems import CATALOGUE, CodeInfo, Position, Problem
from generator.records.load import RScalar, printable
from generator.records.schema import INVALID, Date, Money
from generator.records.shapes import SERVICE_CODE
from generator.workflow.excel.sheets import (
    FIRST_ROW,
    HEADER_ROW,
    INFO_SHEET,
    LISTS_SHEET,
    MAX_FILE_BYTES,
    MAX_ROWS,
    MAX_UNPACKED_BYTES,
    READ_COLUMNS,
    SHEET_KINDS,
    Column,
    parse_sheet_name,
)

# New problem codes of this module (to be listed in problems.CATALOGUE and docs/problems.md).
CODES: dict[str, CodeInfo] = {
    k: CATALOGUE[k]
    for k in (
        "xlsx-unreadable",
        "unknown-sheet",
        "unknown-column",
        "missing-column",
    )
}


def _problem(pos: Position, code: str, message: str) -> Problem:
    return Problem.at(pos, code, message, severity=CODES[code].severity)


# ---------------------------------------------------------------- reading cells


def cell_text(value: Any) -> str | None:
    """A cell's value as the text a record would hold, or None when empty."""
    if value is None:
        return None
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, dt.datetime):
        if (value.hour, value.minute, value.second) == (0, 0, 0):
            return value.date().isoformat()
        if value.date() in (dt.date(1899, 12, 30), dt.date(1899, 12, 31), dt.date(1900, 1, 1)):
            return f"{value:%H:%M}"
        return f"{value:%Y-%m-%d %H:%M}"
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, dt.time):
        return f"{value:%H:%M}"
    if isinstance(value, dt.timedelta):
        minutes = int(value.total_seconds() // 60)
        return f"{minutes // 60:02d}:{minutes % 60:02d}"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, Decimal):
        return format(value, "f")
    text = str(value)
    return text if text.strip() else None


_CODE_TITLE = re.compile(r"^\s*(\S+)[\s\u3000]+\S.*$", re.DOTALL)


@dataclass
class SheetRows:
    """A record sheet as read: its kind and period, and each row's typed values and cells."""

    book: str
    title: str
    kind: str
    period: str
    rows: list[tuple[int, dict[str, Any], dict[str, Position]]] = field(default_factory=list)
    published: Any = None  # date, None, or INVALID
    published_pos: Position | None = None
    row_pos: dict[int, Position] = field(default_factory=dict)


def cell_position(name: str, sheet: str, coord: str) -> Position:
    """Where a cell is, written the way Excel does: ``plan.xlsx!2026年3月计划!C7``."""
    return Position(f"{name}!{sheet}!{coord}")


_COLUMN_SAID = re.compile(r"^「([^」]+)」列：")


def in_sheet_words(p: Problem) -> Problem:
    """A problem at a cell, said the way a person finds it: 工作表「2026年3月计划」第7行「日期」列
    （B7 格）. Its position stays ``plan.xlsx!2026年3月计划!B7`` (for tools and JSON)."""
    parts = p.file.split("!")
    if len(parts) == 2 and "工作表" not in p.message:
        return replace(p, message=f"工作表「{parts[1]}」：{p.message}")
    match = re.fullmatch(r"([A-Z]+)([0-9]+)", parts[-1]) if len(parts) == 3 else None
    if match is None or p.message.startswith("工作表「"):
        return p
    where = f"工作表「{parts[1]}」第{match[2]}行"
    said = _COLUMN_SAID.match(p.message)
    if said:
        where += f"「{said[1]}」列（{parts[2]} 格）"
        return replace(p, message=f"{where}：{p.message[said.end() :]}")
    return replace(p, message=f"{where}：{p.message}")


def _prefix(problems: list[Problem], header: str) -> list[Problem]:
    return [replace(p, message=f"「{header}」列：{p.message}") for p in problems]


def _check_cell(col: Column, raw: str, pos: Position, out: list[Problem]) -> Any:
    if col.code_first:
        match = _CODE_TITLE.match(raw)
        if match and re.fullmatch(SERVICE_CODE, match[1]):
            raw = match[1]
    local: list[Problem] = []
    value = col.kind(RScalar(pos, raw, quoted=True), local) if col.kind else raw
    if isinstance(col.kind, Money) and isinstance(value, Decimal):
        value = value.quantize(Decimal("0.01"))  # amounts are written with two decimals
    places = re.fullmatch(r"-?[0-9]+\.([0-9]{3,})", raw.strip())
    if isinstance(col.kind, Money) and places:
        local = [
            replace(
                p,
                message=f"{p.message}，有 {len(places[1])} 位小数；金额以元为单位，只到分"
                "（如 12.35）",
            )
            if p.code == "not-money" and f"{len(places[1])} 位小数" not in p.message
            else p
            for p in local
        ]
    out.extend(_prefix(local, col.header))
    return value


def _used_range(ws) -> tuple[int | None, int | None]:
    """Rows and columns of a sheet's used range as the file declares it (None: not declared)."""
    try:
        return ws.max_row, ws.max_column
    except (ValueError, TypeError):
        return None, None


def read_sheet(ws, name: str, kind: str, period: str, out: list[Problem]) -> SheetRows:
    """Check every filled cell of a record sheet with the record schema's kinds.

    Only the used range is read, and at most MAX_ROWS rows and READ_COLUMNS columns: a
    cell far to the right (a stray value in column XFD) is ignored, a sheet longer than
    MAX_ROWS rows is refused with a message.
    """
    spec = SHEET_KINDS[kind]
    result = SheetRows(name, ws.title, kind, period)
    rows, _columns = _used_range(ws)
    if rows is not None and rows > MAX_ROWS:
        msg = (
            f"工作表「{ws.title}」用到了第 {rows} 行，超过了导入的上限 {MAX_ROWS} 行，"
            "这个工作表没有读取。一个月或一个季度的记录用不了这么多行：多半是表格下方远处的"
            "某一格有内容或格式；请选中最后一条记录以下的所有行，整行删除，保存后重新导入"
        )
        out.append(_problem(Position(f"{name}!{ws.title}"), "xlsx-unreadable", msg))
        return result
    width = READ_COLUMNS
    headers: dict[int, Column] = {}  # 0-based column index → column
    by_header = {c.header: c for c in spec.columns}
    header_row = next(
        ws.iter_rows(min_row=HEADER_ROW, max_row=HEADER_ROW, max_col=width, values_only=True),
        (),
    )
    for i, value in enumerate(header_row):
        text = cell_text(value)
        if text is None:
            continue
        coord = f"{get_column_letter(i + 1)}{HEADER_ROW}"
        col = by_header.get(text.strip().rstrip("*＊").strip())
        if col is None:
            msg = f"表头“{printable(text)}”不是这个表的列，这一列不会导入（这个表的列：{'、'.join(by_header)}）"
            out.append(_problem(cell_position(name, ws.title, coord), "unknown-column", msg))
            continue
        headers[i] = col
    present = {c.key for c in headers.values()}
    for col in spec.columns:
        if col.required and col.key not in present:
            msg = (
                f"缺少“{col.header}”列：第 {HEADER_ROW} 行应是表头，这个表必须有“{col.header}”列；"
                "请从重新导出的模板中复制表头"
            )
            out.append(
                _problem(cell_position(name, ws.title, f"A{HEADER_ROW}"), "missing-column", msg)
            )
            return result
    letters = {i: get_column_letter(i + 1) for i in headers}
    if spec.published_cell:
        pos = cell_position(name, ws.title, "B1")
        first = next(ws.iter_rows(min_row=1, max_row=1, max_col=2, values_only=True), ())
        raw = cell_text(first[1]) if len(first) > 1 else None
        result.published_pos = pos
        if raw is not None:
            local: list[Problem] = []
            result.published = Date()(RScalar(pos, raw, quoted=True), local)
            out.extend(_prefix(local, "公布日期"))
    # MAX_ROWS, not the declared used range: a file may declare less than it holds, and the
    # reader stops at the last row the file has
    for r, row in enumerate(
        ws.iter_rows(min_row=FIRST_ROW, max_row=MAX_ROWS, max_col=width, values_only=True),
        FIRST_ROW,
    ):
        texts = {headers[i].key: cell_text(v) for i, v in enumerate(row) if i in headers}
        filled = {key for key, t in texts.items() if t is not None}
        if not filled - spec.template_keys:
            continue  # an empty row, or a template row nobody filled in
        coords = {headers[i].key: f"{letters[i]}{r}" for i in headers}
        result.row_pos[r] = cell_position(name, ws.title, f"A{r}")
        values: dict[str, Any] = {}
        where: dict[str, Position] = {}
        for col in spec.columns:
            if col.reference:
                continue
            pos = cell_position(name, ws.title, coords.get(col.key, f"A{r}"))
            where[col.key] = pos
            raw = texts.get(col.key)
            if raw is None:
                if col.required:
                    expected = col.kind.label if col.kind else col.prompt or "内容"
                    msg = f"「{col.header}」列：必填，这一格是空的；应填写{expected}"
                    out.append(Problem.at(pos, "missing-key", msg))
                    values[col.key] = INVALID
                continue
            values[col.key] = _check_cell(col, raw, pos, out)
        result.rows.append((r, values, where))
    return result


@dataclass
class Book:
    """A workbook as read: the centre id it names and its record sheets."""

    name: str
    centre: str | None
    sheets: list[SheetRows]
    problems: list[Problem]


def _mb(n: int) -> str:
    return f"{n / 1024 / 1024:.0f} MB"


def size_problem(path: Path, name: str) -> Problem | None:
    """A problem when the file, or its parts once unzipped, is larger than an import reads."""
    try:
        size = path.stat().st_size
    except OSError:
        return None  # reported when it is opened
    if size > MAX_FILE_BYTES:
        msg = (
            f"文件有 {_mb(size)}，超过了导入的上限 {_mb(MAX_FILE_BYTES)}，没有读取。"
            "一个月的计划和一个季度的财务用不了这么大的文件：请重新导出填报表，只把记录复制进去"
            "（不要粘贴图片或整张表格）"
        )
        return _problem(Position(name), "xlsx-unreadable", msg)
    try:
        with ZipFile(path) as archive:
            unpacked = sum(info.file_size for info in archive.infolist())
    except (BadZipFile, OSError, ValueError):
        return None  # not a zip: reported when it is opened
    if unpacked > MAX_UNPACKED_BYTES:
        msg = (
            f"文件解压后有 {_mb(unpacked)}，超过了导入的上限 {_mb(MAX_UNPACKED_BYTES)}，没有读取。"
            "多半是某个工作表远处的格子有内容或格式：请删除记录以外的行和列，"
            "或重新导出填报表，只把记录复制进去"
        )
        return _problem(Position(name), "xlsx-unreadable", msg)
    return None


def read_workbook(path: Path, name: str | None = None) -> Book:
    """Read every record sheet of a workbook; unreadable files and cells are problems.

    The file is read in openpyxl's read-only (streaming) mode, after its size has been
    checked (size_problem), and each sheet only within its bounds (read_sheet).
    """
    name = name or path.name
    too_large = size_problem(path, name)
    if too_large is not None:
        return Book(name, None, [], [too_large])
    problems: list[Problem] = []
    try:
        wb = load_workbook(path, read_only=True, data_only=True)
    except (InvalidFileException, BadZipFile, KeyError, ValueError, TypeError, OSError) as exc:
        msg = (
            f"无法读取 Excel 文件：{type(exc).__name__}。请确认它是 .xlsx 格式"
            "（在 Excel 或 WPS 中“另存为”Excel 工作簿 .xlsx）"
        )
        return Book(name, None, [], [_problem(Position(name), "xlsx-unreadable", msg)])
    try:
        return _read_book(wb, name, problems)
    finally:
        wb.close()


def _read_book(wb, name: str, problems: list[Problem]) -> Book:
    centre = None
    if INFO_SHEET in wb.sheetnames:
        info = wb[INFO_SHEET]
        first = list(info.iter_rows(min_row=1, max_row=2, max_col=2, values_only=True))
        if len(first) == 2 and len(first[1]) == 2 and cell_text(first[1][0]) == "中心编号":
            centre = cell_text(first[1][1])
    sheets: list[SheetRows] = []
    for ws in wb.worksheets:
        if ws.title in (INFO_SHEET, LISTS_SHEET):
            continue
        parsed = parse_sheet_name(ws.title)
        if parsed is None:
            msg = (
                f"工作表“{ws.title}”的名称无法识别，未导入：名称应像 2026年3月计划、2026年3月活动记录、"
                "2026年第三季度收入、2026年第三季度支出、2026年第三季度固定资产"
            )
            problems.append(_problem(Position(f"{name}!{ws.title}"), "unknown-sheet", msg))
            continue
        sheets.append(read_sheet(ws, name, parsed[0], parsed[1], problems))
    return Book(name, centre, sheets, problems)
