"""Writing the workbook: pre-filled record sheets with in-sheet data validation."""

from __future__ import annotations

import datetime as dt
import io
import unicodedata
from dataclasses import dataclass
from typing import Any

from openpyxl import Workbook
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from generator import model as m
from generator.packs.library import Pack
from generator.text.labels import EXPENSE_LABELS, INCOME_LABELS
from generator.workflow.excel.sheets import (
    FIRST_ROW,
    FORMS,
    HEADER_ROW,
    INFO_SHEET,
    LISTS_SHEET,
    QUARTER_CN,
    SHEET_KINDS,
    STATUSES,
    TEMPLATE_ROWS,
    YES_NO,
    Column,
    SheetKind,
    sheet_name,
)
from generator.workflow.scaffold import draft_activities


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


# Header colours, each explained on the 说明 sheet (COLOUR_LEGEND)
REQUIRED_FILL = PatternFill("solid", fgColor="F8CBAD")  # orange: must be filled, imported
OPTIONAL_FILL = PatternFill("solid", fgColor="DDEBF7")  # light blue: may be left empty, imported
REFERENCE_FILL = PatternFill("solid", fgColor="EDEDED")  # grey: for reference, never imported
COLOUR_LEGEND = (
    (REQUIRED_FILL, "橙色表头", "必填的列：每一行都要填写，导入时读取。"),
    (
        OPTIONAL_FILL,
        "浅蓝色表头",
        "选填的列：可以不填；填写了就会导入（如 活动简介、主题活动、收费、收费服务编码、原因）。",
    ),
    (REFERENCE_FILL, "灰色表头", "只供参考的列：导入时不读取，改动它不会改变任何记录。"),
)


def header_fill(col: Column) -> PatternFill:
    """The fill of a column's header cell (see COLOUR_LEGEND)."""
    if col.reference:
        return REFERENCE_FILL
    return REQUIRED_FILL if col.required else OPTIONAL_FILL


# Text that a spreadsheet would take for a formula (or, in CSV, a command) if it began a cell
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def put(ws, row: int, column: int, value: Any):
    """Write a value into a cell; text is always stored as text, never as a live formula."""
    cell = ws.cell(row, column)
    cell.value = value
    if isinstance(value, str) and (cell.data_type == "f" or value.startswith(FORMULA_START)):
        cell.data_type = "s"  # openpyxl took "=…" for a formula: keep it a string
        cell.quotePrefix = True  # and Excel/WPS/LibreOffice keep it text when it is edited
    return cell


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
        rows: list[tuple[str, str]] = [
            ("公示记录填报表", ""),
            ("中心编号", self.centre.id),
            ("中心名称", self.centre.name),
            ("导出日期", today.isoformat()),
            ("包含的工作表", "、".join(sheets)),
            ("", ""),
            ("填写说明", ""),
            ("1", "每个工作表第 2 行是表头，从第 3 行起每行一条记录；请不要改动工作表名称和表头。"),
            ("2", "表头的颜色表示这一列怎样填写，见下面的“表头颜色”。"),
            (
                "3",
                "日期写成 2026-03-05，时间写成 14:30（24 小时制）；金额以元为单位，只写数字，"
                "最多两位小数（到分），不写“元”，不用千位分隔符。",
            ),
            ("4", "活动室、服务编码、服务形式等列有下拉列表；服务编码可只填编码（如 3.3.1）。"),
            ("5", "计划表和收入表的 B1 格是公布日期：正式公布后再填写。"),
            (
                "6",
                "填好后运行：gongshi import 本文件.xlsx。有错误时不会改动任何记录，"
                "并逐格指出问题（如 工作表「2026年3月计划」第7行「日期」列，即 B7 格）。",
            ),
            (
                "7",
                "已公布的内容不能直接修改；确需更正，请按 docs/workflow.md 中“更正已公布的内容”办理。",
            ),
            ("", ""),
            ("表头颜色", ""),
        ]
        rows += [(name, text) for _fill, name, text in COLOUR_LEGEND]
        for n, (a, b) in enumerate(rows, 1):
            put(ws, n, 1, a or None)
            put(ws, n, 2, b or None)
        for n, (fill, _name, _text) in enumerate(COLOUR_LEGEND, len(rows) - len(COLOUR_LEGEND) + 1):
            ws.cell(n, 1).fill = fill
        ws["A1"].font = Font(bold=True, size=14)
        for row in range(2, 6):
            ws.cell(row, 1).font = Font(bold=True)
        ws["A7"].font = Font(bold=True)
        ws.cell(len(rows) - len(COLOUR_LEGEND), 1).font = Font(bold=True)
        ws.column_dimensions["A"].width = 14
        ws.column_dimensions["B"].width = 100

    def list_sheet(self) -> None:
        ws = self.wb.create_sheet(LISTS_SHEET)
        for i, (name, values) in enumerate(self.lists.columns().items(), 1):
            letter = get_column_letter(i)
            ws.cell(1, i, _LIST_TITLES[name]).font = Font(bold=True)
            for j, v in enumerate(values, 2):
                put(ws, j, i, v).number_format = "@"
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
            put(ws, 1, 3, heading + "（B1 填写公布日期，公布后再填）")
            # a plan is published before its month, finance after its quarter: any date from
            # the year before the period on
            dv = DataValidation(
                type="date",
                operator="greaterThanOrEqual",
                formula1=f"DATE({period[0].year - 1},1,1)",
                allow_blank=True,
                showErrorMessage=True,
                errorTitle="公布日期",
                error="请填写日期，如 2026-02-25",
            )
            ws.add_data_validation(dv)
            dv.add("B1")
        else:
            put(ws, 1, 1, heading)
        ws["A1" if not kind.published_cell else "C1"].font = Font(bold=True)
        for i, col in enumerate(cols, 1):
            cell = ws.cell(HEADER_ROW, i, col.header)
            cell.font = Font(bold=True)
            cell.alignment = Alignment(horizontal="center", vertical="center")
            cell.fill = header_fill(col)
            note = ("必填。" if col.required else "选填。") + col.prompt
            if col.reference:
                note = "只供参考，导入时不读取。"
            if note:
                cell.comment = Comment(note, "gongshi")
        for r, values in enumerate(rows, FIRST_ROW):
            for i, col in enumerate(cols, 1):
                put(ws, r, i, _cell_value(col, values.get(col.key)))
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


@dataclass(frozen=True)
class _SheetSpec:
    """One record sheet to write: everything it needs, fixed when it is planned."""

    kind: str
    name: str
    heading: str
    rows: list[dict[str, Any]]
    published: dt.date | None
    bounds: tuple[dt.date, dt.date]


def _draft_rows(centre: m.Centre, month: tuple[int, int], signup: str) -> list[dict[str, Any]]:
    drafted, _skipped = draft_activities(
        centre, month[0], month[1], signup or "到中心前台或电话报名"
    )
    return [
        {
            **a,
            "start": dt.time.fromisoformat(str(a["start"])),
            "end": dt.time.fromisoformat(str(a["end"])),
        }
        for a in drafted
    ]


def _record_rows(centre: m.Centre, month: tuple[int, int]) -> list[dict[str, Any]]:
    """The activity records of a month, then a row for each planned activity not yet recorded."""
    plan = next((p for p in centre.plans if (p.year, p.month) == month), None)
    am = next((a for a in centre.activity_months if (a.year, a.month) == month), None)
    planned = {a.id: a for a in plan.activities} if plan else {}
    rows: list[dict[str, Any]] = []
    done = set()
    for r in am.records if am else ():
        ref = planned.get(r.plan) if r.plan else None
        rows.append(
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
            rows.append({"plan": a.id, "ref": f"{a.date:%m-%d} {a.title}"})
    return rows


def _plan_spec(
    centre: m.Centre, pack: Pack | None, month: tuple[int, int], draft: list[dict[str, Any]]
) -> _SheetSpec:
    y, mo = month
    plan = next((p for p in centre.plans if (p.year, p.month) == month), None)
    rows = [_activity_row(a, centre, pack) for a in plan.activities] if plan else draft
    return _SheetSpec(
        "plan",
        sheet_name("plan", f"{y:04d}-{mo:02d}"),
        f"{y}年{mo}月活动计划 · {centre.name}",
        rows,
        plan.published if plan else None,
        _month_bounds(y, mo),
    )


def _records_spec(centre: m.Centre, month: tuple[int, int]) -> _SheetSpec:
    y, mo = month
    return _SheetSpec(
        "records",
        sheet_name("records", f"{y:04d}-{mo:02d}"),
        f"{y}年{mo}月活动记录 · {centre.name}"
        "（计划内活动只需填状态、出席人数；计划外活动另起一行）",
        _record_rows(centre, month),
        None,
        _month_bounds(y, mo),
    )


def _quarter_specs(centre: m.Centre, quarter: tuple[int, int]) -> list[_SheetSpec]:
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
    return [
        _SheetSpec(
            "income",
            sheet_name("income", key),
            f"{title}收入 · {centre.name}",
            inc_rows,
            qr.published if qr else None,
            bounds,
        ),
        _SheetSpec(
            "expenditure",
            sheet_name("expenditure", key),
            f"{title}支出 · {centre.name}（每条明细一行）",
            exp_rows,
            None,
            bounds,
        ),
        _SheetSpec(
            "assets",
            sheet_name("assets", key),
            f"{title}购置的固定资产 · {centre.name}（没有可不填）",
            asset_rows,
            None,
            bounds,
        ),
    ]


def export_workbook(
    centre: m.Centre,
    pack: Pack | None,
    *,
    month: tuple[int, int] | None,
    quarter: tuple[int, int] | None,
    today: dt.date,
    signup: str = "",
    records_month: tuple[int, int] | None = None,
) -> bytes:
    """The workbook for a month's plan, a month's activity records and a quarter's finance.

    ``month`` is the month whose plan is written (and, unless ``records_month`` names
    another, whose activity records are); ``quarter`` the quarter of the income,
    expenditure and fixed-asset sheets. Each sheet's validation covers its own period.
    Sheets are pre-filled with the centre's records for those periods; a month without a
    plan is pre-filled with the draft from the centre's weekly ``recurring`` activities.
    """
    records_month = records_month or month
    draft: dict[tuple[int, int], list[dict[str, Any]]] = {}
    for mo in (month, records_month):
        has_plan = any((p.year, p.month) == mo for p in centre.plans)
        if mo and mo not in draft and not has_plan and centre.recurring:
            draft[mo] = _draft_rows(centre, mo, signup)
    specs: list[_SheetSpec] = []
    if month:
        specs.append(_plan_spec(centre, pack, month, draft.get(month, [])))
    if records_month:
        specs.append(_records_spec(centre, records_month))
    if quarter:
        specs += _quarter_specs(centre, quarter)
    # the records sheet's drop-down of plan numbers: the plan of the records' month
    rec_plan = next((p for p in centre.plans if (p.year, p.month) == records_month), None)
    plan_ids = (
        tuple(a.id for a in rec_plan.activities)
        if rec_plan
        else tuple(r["id"] for r in draft.get(records_month, []))
    )
    codes = list(centre.services.catalogue) + [o.code for o in centre.services.own]
    lists = Lists(
        rooms=tuple(r.name for r in centre.rooms),
        services=tuple(_labelled(c, _service_title(pack, centre, c)) for c in codes),
        paid=tuple(_labelled(p.code, p.title) for p in centre.services.paid),
        plan_ids=plan_ids,
    )
    w = _Writer(centre, pack, lists)
    w.info([spec.name for spec in specs], today)
    w.list_sheet()
    for spec in specs:
        w.sheet(
            SHEET_KINDS[spec.kind], spec.name, spec.heading, spec.rows, spec.published, spec.bounds
        )
    w.wb.move_sheet(LISTS_SHEET, offset=len(w.wb.sheetnames))
    buf = io.BytesIO()
    w.wb.save(buf)
    return buf.getvalue()
