"""The sheets of an Excel workbook: their names, column layouts, labels and kinds."""

from __future__ import annotations

import re
from dataclasses import dataclass

from generator.disclosures import KINDS as DISCLOSURES
from generator.disclosures import MONTH, DisclosureKind
from generator.problems import Severity
from generator.records.schema import Kind, Money
from generator.records.shapes import ACTIVITY, ASSET, LINE, RECORD
from generator.text.labels import QUARTER_NAMES

E, W = Severity.ERROR, Severity.WARNING

# income categories as workbooks exported by earlier versions of gongshi named them: such a
# workbook still imports (the export always writes the labels of text.labels)
INCOME_ALIASES = {"便民服务收入": "convenience", "上期结余": "carried_forward"}

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
# Bounds of what an import reads (a sheet is a month or a quarter: a few hundred rows): a
# workbook beyond them is refused with a message, never read into memory.
MAX_ROWS = 5000  # rows of a sheet's used range
READ_COLUMNS = 40  # columns read (every sheet has fewer); cells further right are ignored
MAX_FILE_BYTES = 20 * 1024 * 1024  # the .xlsx file as saved
MAX_UNPACKED_BYTES = 100 * 1024 * 1024  # its parts once unzipped (a zip bomb stops here)


# ---------------------------------------------------------------- sheet shapes


@dataclass(frozen=True)
class Column:
    """A column of a sheet: header, the record field it fills and how it is checked."""

    key: str
    header: str
    kind: Kind | None  # None: read as plain text and matched by the importer (categories)
    required: bool = False
    width: int = 10
    number_format: str | None = None
    check: str | None = None  # date | time | whole>=N | money | list:<name> | soft:<name> | len:N
    prompt: str = ""
    code_first: bool = False  # accept "3.3.1 四点半学校" (a code and its title) for the code
    reference: bool = False  # shown for reference only, never imported (grey header)


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
    Column("ref", "计划活动（参考）", None, False, 30, reference=True),
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
