"""Reading a filled workbook: cell values, cell positions and cell problems."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field, replace
from decimal import Decimal
from pathlib import Path
from typing import Any
from zipfile import BadZipFile

from openpyxl import load_workbook
from openpyxl.utils import get_column_letter
from openpyxl.utils.exceptions import InvalidFileException

from generator.problems import CATALOGUE, CodeInfo, Position, Problem
from generator.records.load import RScalar
from generator.records.schema import INVALID, Date, Money
from generator.records.shapes import SERVICE_CODE
from generator.workflow.excel.sheets import (
    FIRST_ROW,
    HEADER_ROW,
    INFO_SHEET,
    LISTS_SHEET,
    MAX_ROWS,
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
    out.extend(_prefix(local, col.header))
    return value


def read_sheet(ws, name: str, kind: str, period: str, out: list[Problem]) -> SheetRows:
    """Check every filled cell of a record sheet with the record schema's kinds."""
    spec = SHEET_KINDS[kind]
    result = SheetRows(name, ws.title, kind, period)
    headers: dict[int, Column] = {}
    by_header = {c.header: c for c in spec.columns}
    header_cells = next(ws.iter_rows(min_row=HEADER_ROW, max_row=HEADER_ROW), ())
    for cell in header_cells:
        text = cell_text(cell.value)
        if text is None:
            continue
        col = by_header.get(text.strip().rstrip("*＊").strip())
        if col is None:
            msg = (
                f"表头“{text}”不是这个表的列，这一列不会导入（这个表的列：{'、'.join(by_header)}）"
            )
            out.append(
                _problem(cell_position(name, ws.title, cell.coordinate), "unknown-column", msg)
            )
            continue
        headers[cell.column] = col
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
    if spec.published_cell:
        pos = cell_position(name, ws.title, "B1")
        raw = cell_text(ws["B1"].value)
        result.published_pos = pos
        if raw is not None:
            local: list[Problem] = []
            result.published = Date()(RScalar(pos, raw, quoted=True), local)
            out.extend(_prefix(local, "公布日期"))
    for row in ws.iter_rows(min_row=FIRST_ROW, max_row=min(ws.max_row, MAX_ROWS)):
        cells = {headers[c.column].key: c for c in row if c.column in headers}
        texts = {key: cell_text(c.value) for key, c in cells.items()}
        filled = {key for key, t in texts.items() if t is not None}
        if not filled - spec.template_keys:
            continue  # an empty row, or a template row nobody filled in
        r = row[0].row
        result.row_pos[r] = cell_position(name, ws.title, f"A{r}")
        values: dict[str, Any] = {}
        where: dict[str, Position] = {}
        for col in spec.columns:
            if col.kind is None and col.key != "category":
                continue
            cell = cells.get(col.key)
            coord = cell.coordinate if cell is not None else f"{get_column_letter(1)}{r}"
            pos = cell_position(name, ws.title, coord)
            where[col.key] = pos
            raw = texts.get(col.key)
            if raw is None:
                if col.required:
                    expected = col.kind.label if col.kind else col.prompt or "内容"
                    msg = f"「{col.header}」是必填项，这一格是空的；应填写{expected}"
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


def read_workbook(path: Path, name: str | None = None) -> Book:
    """Read every record sheet of a workbook; unreadable files and cells are problems."""
    name = name or path.name
    problems: list[Problem] = []
    try:
        wb = load_workbook(path, data_only=True)
    except (InvalidFileException, BadZipFile, KeyError, ValueError, TypeError, OSError) as exc:
        msg = (
            f"无法读取 Excel 文件：{type(exc).__name__}。请确认它是 .xlsx 格式"
            "（在 Excel 或 WPS 中“另存为”Excel 工作簿 .xlsx）"
        )
        return Book(name, None, [], [_problem(Position(name), "xlsx-unreadable", msg)])
    centre = None
    if INFO_SHEET in wb.sheetnames:
        info = wb[INFO_SHEET]
        if cell_text(info["A2"].value) == "中心编号":
            centre = cell_text(info["B2"].value)
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
    wb.close()
    return Book(name, centre, sheets, problems)
