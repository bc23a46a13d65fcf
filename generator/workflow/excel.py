"""Excel templates out, Excel records in: the way centre staff fill their monthly records.

``export_workbook`` writes one workbook per centre with a sheet per period: the month's
activity plan (计划), its activity records (活动记录), and the quarter's income, expenditure
and fixed assets (收入 / 支出 / 固定资产). Each sheet has a row for the publication date or a
title, the Chinese header row (frozen), then one row per record, with in-sheet validation
(dates in the period, times, drop-down lists from the centre's rooms and services, whole
numbers and amounts) whose sources live on a hidden sheet 选项.

``import_workbook`` reads a filled workbook back. Every cell is checked with the record
schema's own value kinds, wrapped as a scalar whose position is the cell
(``plan.xlsx!2026年3月计划!C7``); then the new record files are checked by the pipeline's
loader (its records and its publication ledger: ``pipeline.PUBLISHED``) in a temporary copy
of the centre, and problems found there are traced back to their cells. Nothing is written
unless everything passes; ``gongshi import`` (generator.cli.excel) writes the returned texts.
Existing files are updated with ruamel round-trip so comments and layout stay.

Which record file a sheet fills comes from the table of disclosure kinds
(generator.disclosures: ``DisclosureKind.sheets``); how a kind's file is made from its sheets
of one period is ``IMPORTERS``. The activity records (活动记录) are kept, not disclosed, and
have their own sheet.
"""

from __future__ import annotations

import datetime as dt
import io
import os
import re
import shutil
import tempfile
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from decimal import Decimal
from pathlib import Path
from typing import Any
from zipfile import BadZipFile

from openpyxl import Workbook, load_workbook
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.utils.exceptions import InvalidFileException
from openpyxl.worksheet.datavalidation import DataValidation

from generator import model as m
from generator.disclosures import BY_KEY as DISCLOSURE_KINDS
from generator.disclosures import KINDS as DISCLOSURES
from generator.disclosures import MONTH, DisclosureKind
from generator.packs.library import Pack
from generator.pipeline import PUBLISHED, load
from generator.problems import CATALOGUE, CodeInfo, Position, Problem, Severity
from generator.records.edit import (
    CommentedMap,
    CommentedSeq,
    Document,
    load_text,
    new_document,
    quoted,
    set_in,
    sync_list,
    update_mapping,
)
from generator.records.load import Raw, RMap, RScalar, RSeq, parse_yaml
from generator.records.schema import INVALID, Date, Kind, Money
from generator.records.shapes import ACTIVITY, ASSET, LINE, RECORD, SERVICE_CODE
from generator.records.validate import Project
from generator.text.labels import EXPENSE_LABELS, INCOME_LABELS, QUARTER_NAMES
from generator.workflow.scaffold import draft_activities

E, W = Severity.ERROR, Severity.WARNING

# income categories as workbooks exported by earlier versions of gongshi named them: such a
# workbook still imports (the export always writes the labels of text.labels)
INCOME_ALIASES = {"便民服务收入": "convenience", "上期结余": "carried_forward"}

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

QUARTER_CN = QUARTER_NAMES  # generator.text.labels, like the line items' labels
_CN_DIGIT = {"一": 1, "二": 2, "三": 3, "四": 4, "1": 1, "2": 2, "3": 3, "4": 4}
STATUSES = ("已举办", "已取消", "已延期")
YES_NO = ("是", "否")
FORMS = ("个体", "群体")
INFO_SHEET = "说明"
LISTS_SHEET = "选项"
HEADER_ROW = 2
FIRST_ROW = 3
TEMPLATE_ROWS = 300  # rows that get validation and formats below the data
MAX_ROWS = 5000  # rows read at most (a sheet is a month or a quarter)


def _problem(pos: Position, code: str, message: str) -> Problem:
    return Problem.at(pos, code, message, severity=CODES[code].severity)


# ---------------------------------------------------------------- sheet shapes


@dataclass(frozen=True)
class Column:
    """A column of a sheet: header, the record field it fills and how it is checked."""

    key: str
    header: str
    kind: Kind | None  # None: shown for reference, never imported
    required: bool = False
    width: int = 10
    number_format: str | None = None
    check: str | None = None  # date | time | whole>=N | money | list:<name> | soft:<name> | len:N
    prompt: str = ""
    code_first: bool = False  # accept "3.3.1 四点半学校" (a code and its title) for the code


def _fields(obj) -> dict:
    return {f.key: f for f in obj.fields}


_A, _R, _L, _S = _fields(ACTIVITY), _fields(RECORD), _fields(LINE), _fields(ASSET)

PLAN_COLUMNS = (
    Column("id", "编号", _A["id"].kind, True, 8, "@", "len:32", "本月内唯一的活动编号，如 A01"),
    Column(
        "date",
        "日期",
        _A["date"].kind,
        True,
        12,
        "yyyy-mm-dd",
        "date",
        "本月内的日期，如 2026-03-05",
    ),
    Column("start", "开始时间", _A["start"].kind, True, 10, "hh:mm", "time", "24 小时制，如 14:30"),
    Column("end", "结束时间", _A["end"].kind, True, 10, "hh:mm", "time", "24 小时制，如 16:00"),
    Column("room", "活动室", _A["room"].kind, True, 16, "@", "list:rooms", "从下拉列表选择功能室"),
    Column("title", "活动名称", _A["title"].kind, True, 24, "@", "len:100"),
    Column("description", "活动简介", _A["description"].kind, False, 36, "@"),
    Column(
        "service",
        "服务编码",
        _A["service"].kind,
        True,
        22,
        "@",
        "soft:services",
        "服务目录编码或自设服务编码",
        code_first=True,
    ),
    Column("form", "服务形式", _A["form"].kind, True, 10, "@", "list:forms", "个体 或 群体"),
    Column("target", "服务对象", _A["target"].kind, True, 16, "@"),
    Column("capacity", "名额", _A["capacity"].kind, True, 8, "0", "whole>=1", "正整数"),
    Column(
        "themed",
        "主题活动",
        _A["themed"].kind,
        False,
        10,
        "@",
        "list:yesno",
        "是 或 否（不填为否）",
    ),
    Column("price", "收费", _A["price"].kind, False, 10, "0.00", "money", "元，免费填 0 或不填"),
    Column(
        "paid_service",
        "收费服务编码",
        _A["paid_service"].kind,
        False,
        18,
        "@",
        "soft:paid",
        "收费时填写已备案的经营性服务编码",
        code_first=True,
    ),
    Column("signup", "报名方式", _A["signup"].kind, True, 20, "@"),
)
RECORD_COLUMNS = (
    Column(
        "plan",
        "计划编号",
        _R["plan"].kind,
        False,
        10,
        "@",
        "soft:plan_ids",
        "计划内活动填计划编号；计划外活动不填",
    ),
    Column("ref", "计划活动（参考）", None, False, 30),
    Column(
        "status",
        "状态",
        _R["status"].kind,
        True,
        10,
        "@",
        "list:statuses",
        "已举办、已取消 或 已延期",
    ),
    Column(
        "date",
        "举办日期",
        _R["date"].kind,
        False,
        12,
        "yyyy-mm-dd",
        "date-soft",
        "计划外或延期的活动填写",
    ),
    Column("title", "活动名称", _R["title"].kind, False, 24, "@", "len:100", "计划外活动填写"),
    Column(
        "service",
        "服务编码",
        _R["service"].kind,
        False,
        22,
        "@",
        "soft:services",
        "计划外活动填写",
        code_first=True,
    ),
    Column("form", "服务形式", _R["form"].kind, False, 10, "@", "list:forms", "计划外活动填写"),
    Column("themed", "主题活动", _R["themed"].kind, False, 10, "@", "list:yesno", "计划外活动填写"),
    Column("attendance", "出席人数", _R["attendance"].kind, False, 10, "0", "whole>=0", "整数"),
    Column("reason", "原因", _R["reason"].kind, False, 30, "@", None, "取消或延期时必填"),
)
INCOME_COLUMNS = (
    Column("category", "收入类别", None, True, 22, "@", "list:income", "从下拉列表选择"),
    Column(
        "amount",
        "金额",
        Money("金额"),
        False,
        16,
        "0.00",
        "money",
        "元，最多两位小数，不用千位分隔符",
    ),
)
EXPENSE_COLUMNS = (
    Column("category", "支出类别", None, True, 22, "@", "list:expense", "从下拉列表选择"),
    Column("item", "明细", _L["item"].kind, True, 28, "@", "len:100", "如 工资、水电费"),
    Column(
        "amount",
        "金额",
        _L["amount"].kind,
        True,
        16,
        "0.00",
        "money",
        "元，最多两位小数，不用千位分隔符",
    ),
)
ASSET_COLUMNS = (
    Column("name", "资产名称", _S["name"].kind, True, 24, "@", "len:100"),
    Column("amount", "金额", _S["amount"].kind, True, 16, "0.00", "money", "元"),
    Column("date", "购置日期", _S["date"].kind, True, 12, "yyyy-mm-dd", "date", "本季度内的日期"),
)


@dataclass(frozen=True)
class SheetKind:
    """A kind of sheet: its columns, which of them alone do not make a row, and its file."""

    name: str  # plan | records | income | expenditure | assets
    columns: tuple[Column, ...]
    template_keys: frozenset[str] = frozenset()  # filled in by the template, not by a person
    published_cell: bool = False  # B1 holds the publication date


SHEET_KINDS = {
    "plan": SheetKind("plan", PLAN_COLUMNS, published_cell=True),
    "records": SheetKind("records", RECORD_COLUMNS, frozenset({"plan", "ref"})),
    "income": SheetKind("income", INCOME_COLUMNS, frozenset({"category"}), published_cell=True),
    "expenditure": SheetKind("expenditure", EXPENSE_COLUMNS, frozenset({"category"})),
    "assets": SheetKind("assets", ASSET_COLUMNS),
}
_FIN_SUFFIX = {"收入": "income", "支出": "expenditure", "固定资产": "assets"}
# sheet kind → the disclosure kind whose record file it fills (the activity records sheet
# fills activities/YYYY-MM.yaml, which is not a disclosure)
DISCLOSURE_OF_SHEET: dict[str, DisclosureKind] = {s: k for k in DISCLOSURES for s in k.sheets}
# sheet kind → how its sheets are divided in time (a month or a quarter)
SHEET_PERIODS = {"records": MONTH} | {s: k.period for s, k in DISCLOSURE_OF_SHEET.items()}


def sheet_name(kind: str, period: str) -> str:
    """The sheet name for a kind and period: 2026年3月计划, 2026年第三季度收入 …"""
    if SHEET_PERIODS[kind] is MONTH:
        year, month = period.split("-")
        return f"{year}年{int(month)}月" + ("计划" if kind == "plan" else "活动记录")
    year, q = period[:4], int(period[-1])
    suffix = {v: k for k, v in _FIN_SUFFIX.items()}[kind]
    return f"{year}年{QUARTER_CN[q]}{suffix}"


def parse_sheet_name(name: str) -> tuple[str, str] | None:
    """(kind, period) for a sheet name, or None when it is not a record sheet."""
    text = name.strip().replace(" ", "")
    mm = re.fullmatch(r"([0-9]{4})年([0-9]{1,2})月(活动)?(计划|活动记录|记录)", text)
    if mm and 1 <= int(mm[2]) <= 12:
        kind = "plan" if mm[4] == "计划" else "records"
        return kind, f"{mm[1]}-{int(mm[2]):02d}"
    qq = re.fullmatch(r"([0-9]{4})年第([一二三四1-4])季度(收入|支出|固定资产)", text)
    if qq:
        return _FIN_SUFFIX[qq[3]], f"{qq[1]}-Q{_CN_DIGIT[qq[2]]}"
    return None


# ---------------------------------------------------------------- export


@dataclass(frozen=True)
class Lists:
    """The drop-down sources of one workbook (on the hidden sheet 选项)."""

    rooms: tuple[str, ...]
    services: tuple[str, ...]
    paid: tuple[str, ...]
    plan_ids: tuple[str, ...]

    def columns(self) -> dict[str, tuple[str, ...]]:
        return {
            "rooms": self.rooms,
            "services": self.services,
            "paid": self.paid,
            "forms": FORMS,
            "yesno": YES_NO,
            "statuses": STATUSES,
            "income": tuple(INCOME_LABELS.values()),
            "expense": tuple(EXPENSE_LABELS.values()),
            "plan_ids": self.plan_ids,
        }


_LIST_TITLES = {
    "rooms": "活动室",
    "services": "服务编码",
    "paid": "收费服务编码",
    "forms": "服务形式",
    "yesno": "是否",
    "statuses": "活动状态",
    "income": "收入类别",
    "expense": "支出类别",
    "plan_ids": "计划编号",
}


def _service_title(pack: Pack | None, centre: m.Centre, code: str) -> str:
    for own in centre.services.own:
        if own.code == code:
            return own.title
    if pack is not None and pack.catalogue is not None:
        found = pack.catalogue.lookup(code)
        if found:
            table, major, item = found
            return (item or major or table).title
    return ""


def _labelled(code: str, title: str) -> str:
    return f"{code} {title}".strip()


def width_of(text: str) -> int:
    """Display width: a Chinese character is two columns wide."""
    return sum(2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1 for ch in text)


_HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
_REQUIRED_FILL = PatternFill("solid", fgColor="F8CBAD")
_REF_FILL = PatternFill("solid", fgColor="EDEDED")


def _cell_value(col: Column, value: Any) -> Any:
    if value is None:
        return None
    if isinstance(value, bool):
        return "是" if value else "否"
    return value


class _Writer:
    def __init__(self, centre: m.Centre, pack: Pack | None, lists: Lists):
        self.wb = Workbook()
        self.centre, self.pack, self.lists = centre, pack, lists
        self.ranges: dict[str, str] = {}

    def info(self, sheets: list[str], today: dt.date) -> None:
        ws = self.wb.active
        ws.title = INFO_SHEET
        rows = [
            ("公示记录填报表", ""),
            ("中心编号", self.centre.id),
            ("中心名称", self.centre.name),
            ("导出日期", today.isoformat()),
            ("包含的工作表", "、".join(sheets)),
            ("", ""),
            ("填写说明", ""),
            ("1", "每个工作表第 2 行是表头，从第 3 行起每行一条记录；请不要改动工作表名称和表头。"),
            ("2", "橙色表头的列必填；灰色表头的列只供参考，导入时不读取。"),
            (
                "3",
                "日期写成 2026-03-05，时间写成 14:30（24 小时制）；金额只写数字，最多两位小数，不写“元”，不用千位分隔符。",
            ),
            ("4", "活动室、服务编码、服务形式等列有下拉列表；服务编码可只填编码（如 3.3.1）。"),
            ("5", "计划表和收入表的 B1 格是公布日期：正式公布后再填写。"),
            (
                "6",
                "填好后运行：gongshi import 本文件.xlsx。有错误时不会改动任何记录，并逐格指出问题（如 2026年3月计划!B7）。",
            ),
            (
                "7",
                "已公布的内容不能直接修改；确需更正，请按 docs/workflow.md 中“更正已公布的内容”办理。",
            ),
        ]
        for r in rows:
            ws.append(list(r))
        ws["A1"].font = Font(bold=True, size=14)
        for row in range(2, 6):
            ws.cell(row, 1).font = Font(bold=True)
        ws["A7"].font = Font(bold=True)
        ws.column_dimensions["A"].width = 14
        ws.column_dimensions["B"].width = 100

    def list_sheet(self) -> None:
        ws = self.wb.create_sheet(LISTS_SHEET)
        for i, (name, values) in enumerate(self.lists.columns().items(), 1):
            letter = get_column_letter(i)
            ws.cell(1, i, _LIST_TITLES[name]).font = Font(bold=True)
            for j, v in enumerate(values, 2):
                ws.cell(j, i, v).number_format = "@"
            last = max(2, len(values) + 1)
            self.ranges[name] = f"'{LISTS_SHEET}'!${letter}$2:${letter}${last}"
            ws.column_dimensions[letter].width = 24
        ws.sheet_state = "hidden"

    def sheet(
        self,
        kind: SheetKind,
        title: str,
        heading: str,
        rows: list[dict[str, Any]],
        published: dt.date | None,
        period: tuple[dt.date, dt.date],
    ) -> None:
        ws = self.wb.create_sheet(title)
        cols = kind.columns
        if kind.published_cell:
            ws["A1"] = "公布日期"
            ws["A1"].font = Font(bold=True)
            ws["B1"] = published
            ws["B1"].number_format = "yyyy-mm-dd"
            ws["C1"] = heading + "（B1 填写公布日期，公布后再填）"
            dv = DataValidation(
                type="date",
                operator="greaterThanOrEqual",
                formula1=f"DATE({period[0].year},1,1)",
                allow_blank=True,
                showErrorMessage=True,
                errorTitle="公布日期",
                error="请填写日期，如 2026-02-25",
            )
            ws.add_data_validation(dv)
            dv.add("B1")
        else:
            ws["A1"] = heading
        ws["A1" if not kind.published_cell else "C1"].font = Font(bold=True)
        for i, col in enumerate(cols, 1):
            cell = ws.cell(HEADER_ROW, i, col.header)
            cell.font = Font(bold=True)
            cell.alignment = Alignment(horizontal="center", vertical="center")
            cell.fill = (
                _REF_FILL
                if col.kind is None
                else (_REQUIRED_FILL if col.required else _HEADER_FILL)
            )
            note = ("必填。" if col.required else "") + col.prompt
            if col.kind is None:
                note = "只供参考，导入时不读取。"
            if note:
                cell.comment = Comment(note, "gongshi")
        for r, values in enumerate(rows, FIRST_ROW):
            for i, col in enumerate(cols, 1):
                ws.cell(r, i, _cell_value(col, values.get(col.key)))
        last = FIRST_ROW + max(len(rows), 0) + TEMPLATE_ROWS
        for i, col in enumerate(cols, 1):
            letter = get_column_letter(i)
            if col.number_format:
                for r in range(FIRST_ROW, last + 1):
                    ws.cell(r, i).number_format = col.number_format
            self._validate(ws, col, f"{letter}{FIRST_ROW}:{letter}{last}", period)
            values = [str(v.get(col.key) or "") for v in rows]
            w = max(
                [width_of(col.header) + 4, col.width] + [min(width_of(v) + 2, 60) for v in values]
            )
            ws.column_dimensions[letter].width = w
        ws.freeze_panes = f"A{FIRST_ROW}"

    def _validate(self, ws, col: Column, rng: str, period: tuple[dt.date, dt.date]) -> None:
        check = col.check
        if not check:
            return
        common = {
            "allow_blank": True,
            "showErrorMessage": True,
            "showInputMessage": bool(col.prompt),
            "promptTitle": col.header[:32],
            "prompt": col.prompt[:255] or None,
            "errorTitle": col.header[:32],
        }
        a, b = period
        if check in ("date", "date-soft"):
            # a postponed activity may move to another month: only a warning there
            dv = DataValidation(
                type="date",
                operator="between",
                formula1=f"DATE({a.year},{a.month},{a.day})",
                formula2=f"DATE({b.year},{b.month},{b.day})",
                errorStyle="warning" if check == "date-soft" else "stop",
                error=f"请填写 {a.isoformat()} 至 {b.isoformat()} 之间的日期",
                **common,
            )
        elif check == "time":
            dv = DataValidation(
                type="time",
                operator="between",
                formula1="TIME(0,0,0)",
                formula2="TIME(23,59,0)",
                error="请填写时间，如 14:30",
                **common,
            )
        elif check.startswith("whole>="):
            low = check.split(">=")[1]
            dv = DataValidation(
                type="whole",
                operator="greaterThanOrEqual",
                formula1=low,
                error=f"请填写不小于 {low} 的整数",
                **common,
            )
        elif check == "money":
            dv = DataValidation(
                type="decimal",
                operator="greaterThanOrEqual",
                formula1="0",
                error="请只填写数字（元），最多两位小数",
                **common,
            )
        elif check.startswith("len:"):
            n = check.split(":")[1]
            dv = DataValidation(
                type="textLength",
                operator="lessThanOrEqual",
                formula1=n,
                error=f"不超过 {n} 个字",
                **common,
            )
        else:
            soft, name = check.split(":")
            if not self.lists.columns()[name]:
                return
            dv = DataValidation(
                type="list",
                formula1=self.ranges[name],
                errorStyle="warning" if soft == "soft" else "stop",
                error=("不在下拉列表中，请确认" if soft == "soft" else "请从下拉列表中选择"),
                **common,
            )
        ws.add_data_validation(dv)
        dv.add(rng)


def _month_bounds(year: int, month: int) -> tuple[dt.date, dt.date]:
    nxt = dt.date(year + (month == 12), month % 12 + 1, 1)
    return dt.date(year, month, 1), nxt - dt.timedelta(days=1)


def _quarter_bounds(year: int, q: int) -> tuple[dt.date, dt.date]:
    start = dt.date(year, 3 * q - 2, 1)
    end = _month_bounds(year, 3 * q)[1]
    return start, end


def _activity_row(a: m.Activity, centre: m.Centre, pack: Pack | None) -> dict[str, Any]:
    return {
        "id": a.id,
        "date": a.date,
        "start": a.start,
        "end": a.end,
        "room": a.room,
        "title": a.title,
        "description": a.description,
        "service": a.service,
        "form": a.form,
        "target": a.target,
        "capacity": a.capacity,
        "themed": a.themed,
        "price": a.price if a.price else None,
        "paid_service": a.paid_service,
        "signup": a.signup,
    }


def export_workbook(
    centre: m.Centre,
    pack: Pack | None,
    *,
    month: tuple[int, int] | None,
    quarter: tuple[int, int] | None,
    today: dt.date,
    signup: str = "",
) -> bytes:
    """The workbook for a month (plan and records) and/or a quarter (finance), as bytes.

    Sheets are pre-filled with the centre's records for those periods; a month without a
    plan is pre-filled with the draft from the centre's weekly ``recurring`` activities.
    """
    plan = next((p for p in centre.plans if month and (p.year, p.month) == month), None)
    draft_rows: list[dict[str, Any]] = []
    if month and plan is None and centre.recurring:
        drafted, _skipped = draft_activities(
            centre, month[0], month[1], signup or "到中心前台或电话报名"
        )
        for a in drafted:
            draft_rows.append(
                {
                    **a,
                    "start": dt.time.fromisoformat(str(a["start"])),
                    "end": dt.time.fromisoformat(str(a["end"])),
                }
            )
    codes = list(centre.services.catalogue) + [o.code for o in centre.services.own]
    lists = Lists(
        rooms=tuple(r.name for r in centre.rooms),
        services=tuple(_labelled(c, _service_title(pack, centre, c)) for c in codes),
        paid=tuple(_labelled(p.code, p.title) for p in centre.services.paid),
        plan_ids=tuple(a.id for a in plan.activities)
        if plan
        else tuple(r["id"] for r in draft_rows),
    )
    w = _Writer(centre, pack, lists)
    names: list[str] = []
    pending: list[Callable[[], None]] = []
    if month:
        y, mo = month
        key = f"{y:04d}-{mo:02d}"
        bounds = _month_bounds(y, mo)
        rows = [_activity_row(a, centre, pack) for a in plan.activities] if plan else draft_rows
        heading = f"{y}年{mo}月活动计划 · {centre.name}"
        pname = sheet_name("plan", key)
        names.append(pname)
        pending.append(
            lambda: w.sheet(
                SHEET_KINDS["plan"], pname, heading, rows, plan.published if plan else None, bounds
            )
        )
        am = next((a for a in centre.activity_months if (a.year, a.month) == month), None)
        rec_rows: list[dict[str, Any]] = []
        planned = {a.id: a for a in plan.activities} if plan else {}
        done = set()
        for r in am.records if am else ():
            ref = planned.get(r.plan) if r.plan else None
            rec_rows.append(
                {
                    "plan": r.plan,
                    "ref": f"{ref.date:%m-%d} {ref.title}" if ref else None,
                    "status": r.status,
                    "date": r.date,
                    "title": r.title,
                    "service": r.service,
                    "form": r.form,
                    "themed": r.themed,
                    "attendance": r.attendance,
                    "reason": r.reason,
                }
            )
            done.add(r.plan)
        for a in plan.activities if plan else ():
            if a.id not in done:
                rec_rows.append({"plan": a.id, "ref": f"{a.date:%m-%d} {a.title}"})
        rname = sheet_name("records", key)
        names.append(rname)
        pending.append(
            lambda: w.sheet(
                SHEET_KINDS["records"],
                rname,
                f"{y}年{mo}月活动记录 · {centre.name}"
                "（计划内活动只需填状态、出席人数；计划外活动另起一行）",
                rec_rows,
                None,
                bounds,
            )
        )
    if quarter:
        y, q = quarter
        key = f"{y:04d}-Q{q}"
        bounds = _quarter_bounds(y, q)
        qr = next((x for x in centre.quarters if (x.year, x.quarter) == quarter), None)
        inc_rows = [
            {"category": label, "amount": (qr.income.get(k) if qr else None)}
            for k, label in INCOME_LABELS.items()
        ]
        exp_rows: list[dict[str, Any]] = []
        for k, label in EXPENSE_LABELS.items():
            items = qr.expenditure[k].items if qr else ()
            exp_rows += [{"category": label, "item": i.item, "amount": i.amount} for i in items]
            if not items:
                exp_rows.append({"category": label})
        asset_rows = [
            {"name": a.name, "amount": a.amount, "date": a.date}
            for a in (qr.fixed_assets if qr else ())
        ]
        title = f"{y}年{QUARTER_CN[q]}"
        for kind, rows_, head, pub in (
            ("income", inc_rows, f"{title}收入 · {centre.name}", qr.published if qr else None),
            ("expenditure", exp_rows, f"{title}支出 · {centre.name}（每条明细一行）", None),
            ("assets", asset_rows, f"{title}购置的固定资产 · {centre.name}（没有可不填）", None),
        ):
            sname = sheet_name(kind, key)
            names.append(sname)
            pending.append(
                lambda k=kind, s=sname, r=rows_, h=head, p=pub: w.sheet(
                    SHEET_KINDS[k], s, h, r, p, bounds
                )
            )
    w.info(names, today)
    w.list_sheet()
    for make in pending:
        make()
    w.wb.move_sheet(LISTS_SHEET, offset=len(w.wb.sheetnames))
    buf = io.BytesIO()
    w.wb.save(buf)
    return buf.getvalue()


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


# ---------------------------------------------------------------- building the record files

_ACT_ORDER = [c.key for c in PLAN_COLUMNS]
_REC_ORDER = [
    "plan",
    "status",
    "date",
    "title",
    "service",
    "form",
    "themed",
    "attendance",
    "reason",
]
_ACT_DEFAULTS = {"themed": False, "price": Decimal(0), "description": None, "paid_service": None}
_REC_DEFAULTS = {"attendance": 0}


def _yaml_value(value: Any) -> Any:
    if isinstance(value, dt.time):
        return quoted(f"{value:%H:%M}")
    return value


def _mapping(values: dict[str, Any], order: list[str], defaults: dict[str, Any]) -> dict[str, Any]:
    """Record values in field order, leaving out empty cells and unchanged defaults."""
    out = {}
    for key in order:
        if key not in values or values[key] is None:
            continue
        if key in defaults and values[key] == defaults[key]:
            continue
        out[key] = _yaml_value(values[key])
    return out


def _sync_entries(
    seq: CommentedSeq,
    items: list[dict[str, Any]],
    key: Callable,
    order: list[str],
    defaults: dict[str, Any],
) -> None:
    """Update a list of mappings in place; a default the user wrote out stays written."""
    old = {key(e): e for e in seq if isinstance(e, dict)}
    for item in items:
        e = old.get(key(item))
        if e is None:
            continue
        for k, default in defaults.items():
            if k in e and k not in item and default is not None:
                item[k] = default  # keep "themed: false" where the user wrote it
    sync_list(seq, items, key, order)


@dataclass
class FileChange:
    """A record file the import writes: where, the old and new text, and what it holds."""

    rel: str  # path inside the centre folder, e.g. plans/2026-03.yaml
    old: str | None
    new: str
    summary: str
    anchors: dict[tuple, tuple[Position, str]] = field(default_factory=dict)  # yaml path → cell
    keys: frozenset[str] = frozenset()  # record keys written from columns (to name in messages)


def _doc(old: str | None, header: str) -> Document:
    return load_text(old) if old else new_document(header=header)


def _plan_change(sheet: SheetRows, old: str | None) -> FileChange:
    doc = _doc(old, f"{sheet.period} 月度活动计划（由 gongshi import 从 Excel 导入）")
    data = doc.data
    if "month" not in data:
        _set_or_add(data, "month", sheet.period, ["month", "published", "activities"])
    if sheet.published is not None:
        _set_or_add(data, "published", sheet.published, ["month", "published", "activities"])
    elif "published" in data and data["published"] is not None:
        del data["published"]
    items = [_mapping(values, _ACT_ORDER, _ACT_DEFAULTS) for _r, values, _w in sheet.rows]
    if not isinstance(data.get("activities"), list):
        data["activities"] = CommentedSeq()
    _sync_entries(data["activities"], items, lambda e: str(e.get("id")), _ACT_ORDER, _ACT_DEFAULTS)
    anchors = _row_anchors("activities", sheet)
    if sheet.published_pos is not None:
        anchors[("published",)] = (sheet.published_pos, "公布日期")
        anchors[("month",)] = (sheet.published_pos, "公布日期")
    return FileChange(
        DISCLOSURE_KINDS["plan"].file(sheet.period),
        old,
        doc.dump(),
        f"{len(items)} 项活动",
        anchors,
        frozenset(c.key for c in PLAN_COLUMNS),
    )


def _set_or_add(data: CommentedMap, key: str, value: Any, order: list[str]) -> None:
    if key in data:
        set_in(data, [key], value)
    else:
        update_mapping(data, {**{k: data[k] for k in data}, key: value}, order)


def _row_anchors(list_key: str, sheet: SheetRows) -> dict[tuple, tuple[Position, str]]:
    spec = SHEET_KINDS[sheet.kind]
    headers = {c.key: c.header for c in spec.columns}
    anchors: dict[tuple, tuple[Position, str]] = {}
    for i, (r, _values, where) in enumerate(sheet.rows):
        anchors[(list_key, i)] = (sheet.row_pos[r], "")
        for key, pos in where.items():
            anchors[(list_key, i, key)] = (pos, headers.get(key, key))
    return anchors


def _records_change(sheet: SheetRows, old: str | None) -> FileChange:
    doc = _doc(old, f"{sheet.period} 月度活动记录（由 gongshi import 从 Excel 导入）")
    data = doc.data
    if "month" not in data:
        _set_or_add(data, "month", sheet.period, ["month", "records", "individual"])
    items = [_mapping(values, _REC_ORDER, _REC_DEFAULTS) for _r, values, _w in sheet.rows]
    if not isinstance(data.get("records"), list):
        _set_or_add(data, "records", CommentedSeq(), ["month", "records", "individual"])

    def key(e: dict) -> Any:
        return (
            ("plan", str(e["plan"]))
            if e.get("plan")
            else ("x", str(e.get("date")), str(e.get("title")))
        )

    _sync_entries(data["records"], items, key, _REC_ORDER, _REC_DEFAULTS)
    return FileChange(
        f"activities/{sheet.period}.yaml",
        old,
        doc.dump(),
        f"{len(items)} 条活动记录",
        _row_anchors("records", sheet),
        frozenset(c.key for c in RECORD_COLUMNS),
    )


def _finance_change(
    period: str, parts: dict[str, SheetRows], old: str | None, out: list[Problem]
) -> FileChange | None:
    doc = _doc(old, f"{period} 季度财务信息（由 gongshi import 从 Excel 导入）")
    data = doc.data
    order = ["quarter", "published", "income", "expenditure", "fixed_assets", "notes"]
    if "quarter" not in data:
        _set_or_add(data, "quarter", period, order)
    anchors: dict[tuple, tuple[Position, str]] = {}
    summary = []
    income_sheet = parts.get("income")
    if income_sheet is not None:
        if income_sheet.published is not None:
            _set_or_add(data, "published", income_sheet.published, order)
        elif "published" in data and data["published"] is not None:
            del data["published"]
        if income_sheet.published_pos is not None:
            anchors[("published",)] = (income_sheet.published_pos, "公布日期")
            anchors[("quarter",)] = (income_sheet.published_pos, "公布日期")
        by_label = {**INCOME_ALIASES, **{v: k for k, v in INCOME_LABELS.items()}}
        amounts: dict[str, Any] = {}
        rows_of: dict[str, int] = {}
        for r, values, where in income_sheet.rows:
            label = values.get("category")
            key = by_label.get(str(label).strip()) if isinstance(label, str) else None
            if key is None:
                msg = (
                    f"「收入类别」列：应是 {'、'.join(INCOME_LABELS.values())} 之一，"
                    f'这里是 "{label}"'
                )
                out.append(Problem.at(where["category"], "bad-choice", msg))
                continue
            if key in amounts:
                msg = f"「收入类别」列：{label} 已经在第 {rows_of[key]} 行填写过，每个类别只填一行"
                out.append(Problem.at(where["category"], "duplicate-id", msg))
                continue
            amounts[key], rows_of[key] = values.get("amount"), r
            anchors[("income", key)] = (where["amount"], "金额")
        if "government" not in amounts or amounts["government"] is None:
            pos = income_sheet.row_pos.get(
                rows_of.get("government", -1),
                cell_position(income_sheet.book, income_sheet.title, "B3"),
            )
            msg = "「金额」列：政府购买服务收入是必填项；没有这项收入时填 0"
            out.append(Problem.at(pos, "missing-key", msg))
        income = data.get("income") if isinstance(data.get("income"), dict) else CommentedMap()
        for key in INCOME_LABELS:
            v = amounts.get(key)
            if v is None or v is INVALID:
                if key in income and key != "government" and v is None:
                    del income[key]
                continue
            if key not in income and key != "government" and v == 0:
                continue  # 0 is what an absent source means: do not add a line for it
            if key in income:
                set_in(income, [key], v)
            else:
                update_mapping(
                    income,
                    {**{k: income[k] for k in income}, key: v},
                    list(INCOME_LABELS) + ["total"],
                )
        if "total" in income:
            total = sum((v for v in amounts.values() if isinstance(v, Decimal)), Decimal(0))
            set_in(income, ["total"], total)
        if "income" not in data:
            _set_or_add(data, "income", income, order)
        summary.append("收入")
    exp_sheet = parts.get("expenditure")
    if exp_sheet is not None or old is None:
        exp = (
            data.get("expenditure") if isinstance(data.get("expenditure"), dict) else CommentedMap()
        )
        by_label = {v: k for k, v in EXPENSE_LABELS.items()}
        lines: dict[str, list[tuple[dict, int, dict]]] = {k: [] for k in EXPENSE_LABELS}
        for r, values, where in exp_sheet.rows if exp_sheet else ():
            label = values.get("category")
            key = by_label.get(str(label).strip()) if isinstance(label, str) else None
            if key is None:
                msg = f'「支出类别」列：应是 {"、".join(EXPENSE_LABELS.values())} 之一，这里是 "{label}"'
                out.append(Problem.at(where["category"], "bad-choice", msg))
                continue
            lines[key].append(
                ({"item": values.get("item"), "amount": values.get("amount")}, r, where)
            )
        for key in EXPENSE_LABELS:
            cat = exp.get(key) if isinstance(exp.get(key), dict) else CommentedMap()
            if not isinstance(cat.get("items"), list):
                cat["items"] = CommentedSeq()
                if "total" in cat:
                    cat.move_to_end("total")
            items = [dict(v) for v, _r, _w in lines[key]]
            _sync_entries(cat["items"], items, lambda e: str(e.get("item")), ["item", "amount"], {})
            for i, (_v, r, where) in enumerate(lines[key]):
                anchors[("expenditure", key, "items", i)] = (exp_sheet.row_pos[r], "")
                anchors[("expenditure", key, "items", i, "item")] = (where["item"], "明细")
                anchors[("expenditure", key, "items", i, "amount")] = (where["amount"], "金额")
            if "total" in cat:
                set_in(
                    cat,
                    ["total"],
                    sum(
                        (i["amount"] for i in items if isinstance(i["amount"], Decimal)), Decimal(0)
                    ),
                )
            if key not in exp:
                update_mapping(
                    exp, {**{k: exp[k] for k in exp}, key: cat}, list(EXPENSE_LABELS) + ["total"]
                )
        if "total" in exp:
            grand = Decimal(0)
            for key in EXPENSE_LABELS:
                for item in exp[key]["items"]:
                    grand += Decimal(str(item["amount"]))
            set_in(exp, ["total"], grand)
        if "expenditure" not in data:
            _set_or_add(data, "expenditure", exp, order)
        if exp_sheet is not None:
            summary.append("支出")
    asset_sheet = parts.get("assets")
    if asset_sheet is not None and (asset_sheet.rows or "fixed_assets" in data):
        items = [
            _mapping(values, ["name", "amount", "date"], {}) for _r, values, _w in asset_sheet.rows
        ]
        if not isinstance(data.get("fixed_assets"), list):
            _set_or_add(data, "fixed_assets", CommentedSeq(), order)
        _sync_entries(
            data["fixed_assets"],
            items,
            lambda e: (str(e.get("name")), str(e.get("date"))),
            ["name", "amount", "date"],
            {},
        )
        anchors.update(_row_anchors("fixed_assets", asset_sheet))
        summary.append("固定资产")
    if "income" not in data:
        return None
    return FileChange(
        DISCLOSURE_KINDS["finance"].file(period), old, doc.dump(), "、".join(summary), anchors
    )


def _has_content(sheet: SheetRows) -> bool:
    return bool(sheet.rows) or (sheet.published is not None and sheet.published is not INVALID)


def _plan_file(
    period: str, sheets: dict[str, SheetRows], old: str | None, out: list[Problem]
) -> FileChange | None:
    return _plan_change(sheets["plan"], old)


def _finance_file(
    period: str, sheets: dict[str, SheetRows], old: str | None, out: list[Problem]
) -> FileChange | None:
    if old is None and "income" not in sheets:
        sheet = next(iter(sheets.values()))
        msg = (
            f"没有 {DISCLOSURE_KINDS['finance'].file(period)}，新建季度财务信息需要"
            f"“{sheet_name('income', period)}”工作表（政府购买服务收入是必填项）"
        )
        out.append(Problem.at(Position(f"{sheet.book}!{sheet.title}"), "missing-key", msg))
        return None
    return _finance_change(period, sheets, old, out)


# disclosure kind filled in on sheets (DisclosureKind.sheets) → its record file of a period
# from its sheets of that period (by sheet kind), the current text of the file, and where to
# report problems
IMPORTERS: dict[
    str,
    Callable[[str, dict[str, SheetRows], str | None, list[Problem]], FileChange | None],
] = {
    "plan": _plan_file,
    "finance": _finance_file,
}


def build_changes(
    book: Book, existing: Callable[[str], str | None], out: list[Problem]
) -> list[FileChange]:
    """The record files a workbook writes, given a way to read the current text of each.

    A kind filled in on one sheet is imported in the order of the sheets; a kind filled in on
    several (the quarter's income, expenditure and fixed assets) once per period, after them.
    """
    changes: list[FileChange | None] = []
    grouped: dict[tuple[str, str], dict[str, SheetRows]] = {}
    seen: dict[tuple[str, str], str] = {}
    for sheet in book.sheets:
        if (sheet.kind, sheet.period) in seen:
            msg = f"工作表“{sheet.title}”与“{seen[(sheet.kind, sheet.period)]}”是同一期间的同一种表，只能保留一个"
            out.append(Problem.at(Position(f"{book.name}!{sheet.title}"), "duplicate-id", msg))
            continue
        seen[(sheet.kind, sheet.period)] = sheet.title
        kind = DISCLOSURE_OF_SHEET.get(sheet.kind)
        if kind is not None and len(kind.sheets) > 1:
            grouped.setdefault((kind.key, sheet.period), {})[sheet.kind] = sheet
            continue
        if not _has_content(sheet):
            continue
        if kind is None:
            rel = f"activities/{sheet.period}.yaml"
            changes.append(_records_change(sheet, existing(rel)))
        else:
            rel = kind.file(sheet.period)
            changes.append(
                IMPORTERS[kind.key](sheet.period, {sheet.kind: sheet}, existing(rel), out)
            )
    for (key, period), sheets in sorted(grouped.items()):
        if any(_has_content(s) for s in sheets.values()):
            rel = DISCLOSURE_KINDS[key].file(period)
            changes.append(IMPORTERS[key](period, sheets, existing(rel), out))
    return [c for c in changes if c is not None and c.old != c.new]


# ---------------------------------------------------------------- validating in a copy


def _node_at(root: Raw, path: tuple) -> Raw | None:
    node: Raw | None = root
    for step in path:
        if isinstance(node, RMap) and isinstance(step, str):
            node = node.get(step)
        elif isinstance(node, RSeq) and isinstance(step, int) and step < len(node.items):
            node = node.items[step]
        else:
            return None
    return node


def position_map(change: FileChange, display: str) -> dict[tuple[int, int], tuple[Position, str]]:
    """Line and column of every anchored value in the new text → its cell and header."""
    root, _problems = parse_yaml(change.new, display)
    out: dict[tuple[int, int], tuple[Position, str]] = {}
    if root is None:
        return out
    for path, target in change.anchors.items():
        node = _node_at(root, path)
        if node is not None:
            out[(node.pos.line, node.pos.column)] = target
            if isinstance(node, RMap):
                for k, v in node.items:  # a key's own line points at its value's cell too
                    sub = path + (k.text,)
                    if sub in change.anchors:
                        out.setdefault((k.pos.line, k.pos.column), change.anchors[sub])
    return out


def _row_of(pos: Position) -> int | None:
    match = re.search(r"!([A-Z]+)([0-9]+)$", pos.file)
    return int(match[2]) if match else None


class _Tracer:
    """Trace a problem in a new record file back to the cell its value came from."""

    def __init__(self, change: FileChange, display: str):
        self.exact = position_map(change, display)
        self.rows: dict[int, tuple[Position, str]] = {}
        for (line, _col), target in sorted(self.exact.items()):
            if not target[1] or line not in self.rows:  # a row anchor wins for its line
                self.rows[line] = target
        self.change = change
        self.headers = {
            c.key: c.header
            for kind in SHEET_KINDS.values()
            for c in kind.columns
            if c.kind is not None and c.key in change.keys
        }

    def cell(self, p: Problem) -> tuple[Position, str] | None:
        return self.exact.get((p.line, p.column)) or self.rows.get(p.line)

    def message(self, text: str) -> str:
        """Say "Excel 第 7 行" where the validator said "第 12 行" of the new file."""

        def swap(match: re.Match) -> str:
            target = self.rows.get(int(match[1]))
            row = _row_of(target[0]) if target else None
            return f"Excel 第 {row} 行" if row else match[0]

        text = re.sub(r"第 ([0-9]+) 行", swap, text)
        for key, header in self.headers.items():  # the column people see, not the YAML key
            text = re.sub(rf"(?<![A-Za-z_.]){key}(?![A-Za-z_])(（[^）]*）)?", f"「{header}」", text)
        return re.sub(r"(?<=[\u4e00-\u9fff])Excel", " Excel", text)


@dataclass
class ImportResult:
    """What an import would write, and every problem (cells first)."""

    centre: str | None
    changes: list[FileChange]
    problems: list[Problem]

    @property
    def ok(self) -> bool:
        return not any(p.severity is Severity.ERROR for p in self.problems)


def _key(p: Problem) -> tuple:
    return (p.file, p.code, p.message)


def import_workbook(
    project: Project, folder: Path, path: Path, name: str | None = None
) -> ImportResult:
    """Read a workbook for a centre and check the files it would write; writes nothing."""
    name = name or path.name
    book = read_workbook(path, name)
    problems = list(book.problems)
    if any(p.code == "xlsx-unreadable" for p in problems):
        return ImportResult(folder.name, [], problems)

    def existing(rel: str) -> str | None:
        p = folder / rel
        return p.read_text(encoding="utf-8-sig") if p.is_file() else None

    cell_problems: list[Problem] = []
    changes = build_changes(book, existing, cell_problems) if not _has_cell_errors(problems) else []
    problems += cell_problems
    if _has_cell_errors(problems):
        return ImportResult(folder.name, [], problems)
    if not changes:
        return ImportResult(folder.name, [], problems)
    problems += validate_changes(project, folder, changes)
    return ImportResult(folder.name, changes, problems)


def _has_cell_errors(problems: list[Problem]) -> bool:
    return any(p.severity is Severity.ERROR for p in problems)


def validate_changes(project: Project, folder: Path, changes: list[FileChange]) -> list[Problem]:
    """Validate the centre as it would be after the changes, in a temporary copy.

    Problems in the written files are traced to their cells; problems elsewhere that the
    centre did not have before (a record pointing at a removed plan activity) are kept as
    they are; problems the centre already had are left out.
    """
    before = load(project, folder, None, PUBLISHED)
    baseline = {_key(p) for p in before.report.problems}
    centre_rel = project.display(folder)
    written = {f"{centre_rel}/{c.rel}": c for c in changes}
    with tempfile.TemporaryDirectory(prefix="gongshi-import-") as tmp:
        root = Path(tmp)
        try:
            os.symlink(project.content.resolve(), root / "content", target_is_directory=True)
        except OSError:
            shutil.copytree(project.content, root / "content")
        dest = root / centre_rel
        dest.parent.mkdir(parents=True, exist_ok=True)
        shutil.copytree(folder, dest, symlinks=True)
        for c in changes:
            target = dest / c.rel
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(c.new, encoding="utf-8")
        after = load(Project(root), dest, None, PUBLISHED)
        found = list(after.report.problems)
    tracers = {d: _Tracer(c, d) for d, c in written.items()}
    out: list[Problem] = []
    for p in found:
        if p.file in written:
            tracer = tracers[p.file]
            target = tracer.cell(p)
            if target is not None:
                pos, header = target
                text = tracer.message(p.message)
                msg = f"「{header}」列：{text}" if header else text
                out.append(replace(p, file=pos.file, line=0, column=0, message=msg))
            else:
                where = f"（导入后的 {written[p.file].rel} 第 {p.line} 行）" if p.line else ""
                out.append(replace(p, message=p.message + where))
        elif _key(p) not in baseline:
            out.append(p)
    return out


def sort_problems(problems: list[Problem]) -> list[Problem]:
    """Cells in reading order (sheet, row, column), then files."""

    def key(p: Problem) -> tuple:
        parts = p.file.split("!")
        if len(parts) == 3:
            mm = re.fullmatch(r"([A-Z]+)([0-9]+)", parts[2])
            if mm:
                col = sum((ord(ch) - 64) * 26**i for i, ch in enumerate(reversed(mm[1])))
                return (0, parts[1], int(mm[2]), col, p.code, p.message)
        return (1, p.file, p.line, p.column, p.code, p.message)

    return sorted(dict.fromkeys(problems), key=key)
