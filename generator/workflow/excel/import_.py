"""Importing a workbook: each sheet kind into record files, checked in a copy of the centre."""

from __future__ import annotations

import datetime as dt
import re
import shutil
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from decimal import Decimal
from pathlib import Path
from typing import Any

from generator.build.privacy import scan_records
from generator.disclosures import BY_KEY as DISCLOSURE_KINDS
from generator.pipeline import PUBLISHED, load
from generator.problems import Position, Problem, Severity
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
from generator.records.load import Raw, RMap, RSeq, parse_yaml, printable
from generator.records.schema import INVALID
from generator.records.validate import Project
from generator.text.labels import EXPENSE_LABELS, INCOME_LABELS, QUARTER_NAMES
from generator.workflow.excel.read import (
    Book,
    SheetRows,
    cell_position,
    in_sheet_words,
    read_workbook,
)
from generator.workflow.excel.sheets import (
    DISCLOSURE_OF_SHEET,
    INCOME_ALIASES,
    PLAN_COLUMNS,
    SHEET_KINDS,
    sheet_name,
)

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
                    f'这里是 "{printable(str(label))}"'
                )
                out.append(Problem.at(where["category"], "bad-choice", msg))
                continue
            if key in amounts:
                msg = f"「收入类别」列：{label} 已经在第{rows_of[key]}行填写过，每个类别只填一行"
                out.append(Problem.at(where["category"], "duplicate-id", msg))
                continue
            amounts[key], rows_of[key] = values.get("amount"), r
            anchors[("income", key)] = (where["amount"], "金额")
        if "government" not in amounts or amounts["government"] is None:
            pos = income_sheet.row_pos.get(
                rows_of.get("government", -1),
                cell_position(income_sheet.book, income_sheet.title, "B3"),
            )
            msg = "「金额」列：政府购买服务收入必填；没有这项收入时填 0"
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
                msg = f'「支出类别」列：应是 {"、".join(EXPENSE_LABELS.values())} 之一，这里是 "{printable(str(label))}"'
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
            f"中心还没有{sheet_name('income', period)[: -len('收入')]}的财务信息，新建时需要"
            f"“{sheet_name('income', period)}”工作表（政府购买服务收入必填）"
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


def _sheet_row(pos: Position) -> tuple[str, int] | None:
    """(workbook!sheet, row) of a cell position."""
    match = re.fullmatch(r"(.*)![A-Z]+([0-9]+)", pos.file)
    return (match[1], int(match[2])) if match else None


def _month_words(match: re.Match) -> str:
    return f"{match[1]}年{int(match[2])}月"


# What the record checks say about the files, said about the workbook instead: a person
# filling in a sheet changes cells, not YAML files or keys. Applied before the keys are
# replaced by their columns' headers.
SHEET_WORDS: tuple[tuple[str, Any], ...] = (
    (r"不在 centre\.yaml 的 rooms 中", "不是本中心登记的活动室"),
    (
        r"也不是 centre\.yaml 中 services\.own 的自设服务编码",
        "也不是本中心登记的自设服务编码；请从下拉列表选择",
    ),
    (r"不在 centre\.yaml 的 services\.paid 中", "不是本中心已备案的收费服务编码"),
    (
        r"本文件只放 ([0-9]{4})-([0-9]{2}) 的活动",
        lambda mm: f"这个工作表只放{_month_words(mm)}的活动",
    ),
    (r"的计划文件 plans/[0-9]{4}-[0-9]{2}\.yaml（不存在）", "的计划（还没有这个月的计划）"),
    (r"（没有 plan 编号）", "（不填「计划编号」的行）"),
    (r"活动记录按实际举办的月份存放", "请填在实际举办那个月的活动记录表中"),
    (r"（见 [^（）]*published\.yaml）", ""),
    (
        r"如确需更正，请在 .*$",
        "如确需更正，请按 docs/workflow.md“更正已公布的内容”办理；如是误改，请在表中改回原来的内容",
    ),
    (r"记录中的 published（公布日期）", "「公布日期」"),
    (r"(?<![0-9-])([0-9]{4})-(0[1-9]|1[0-2])(?![0-9-])", _month_words),
    (
        r"(?<![0-9-])([0-9]{4})-Q([1-4])(?![0-9])",
        lambda mm: f"{mm[1]}年{QUARTER_NAMES[int(mm[2])]}",
    ),
)
# record keys said as the sheet's words where no column has them
KEY_WORDS = {"published": "公布日期", "reason": "原因"}


def sheet_words(text: str) -> str:
    """A record check's message in the words of the workbook (SHEET_WORDS)."""
    for pattern, words in SHEET_WORDS:
        text = re.sub(pattern, words, text)
    return text


class _Tracer:
    """Trace a problem in a new record file back to the cell its value came from."""

    def __init__(self, change: FileChange, display: str):
        self.exact = position_map(change, display)
        self.rows: dict[int, tuple[Position, str]] = {}
        self.on_line: dict[int, list[tuple[int, tuple[Position, str]]]] = {}
        for (line, col), target in sorted(self.exact.items()):
            if not target[1] or line not in self.rows:  # a row anchor wins for its line
                self.rows[line] = target
            if target[1]:
                self.on_line.setdefault(line, []).append((col, target))
        # every cell of every imported row, by sheet row and record key (empty cells too)
        self.cells: dict[tuple[str, int], dict[str, tuple[Position, str]]] = {}
        for path, (pos, header) in change.anchors.items():
            where = _sheet_row(pos)
            if header and where and isinstance(path[-1], str):
                self.cells.setdefault(where, {})[path[-1]] = (pos, header)
        self.change = change
        # the record keys of this file's rows → their columns' headers on its sheet
        self.headers = {
            path[-1]: header
            for path, (_pos, header) in change.anchors.items()
            if header and len(path) >= 3 and isinstance(path[-1], str)
        }
        self.headers.update({k: v for k, v in KEY_WORDS.items() if k not in self.headers})

    def cell(self, p: Problem) -> tuple[Position, str] | None:
        """The cell to change for a problem: its value's cell, or the cell a missing value
        goes in (a cancelled activity without 原因: the 原因 cell of that row)."""
        target = self.exact.get((p.line, p.column))
        if target is None:  # a value inside a line ({plan: A01, status: 已取消}): the one before
            before = [t for c, t in self.on_line.get(p.line, ()) if c <= p.column]
            target = before[-1] if before else self.rows.get(p.line)
        if target is None:
            return None
        if p.code == "missing-key":
            where = _sheet_row(target[0])
            cells = self.cells.get(where, {}) if where else {}
            wanted = p.message.split("填写", 1)[-1]
            named = sorted(
                (m.start(), key)
                for key in cells
                if (m := re.search(rf"(?<![A-Za-z_]){key}(?![A-Za-z_])", wanted))
            )
            if named:
                return cells[named[0][1]]
        return target

    def message(self, text: str) -> str:
        """Say "Excel 第 7 行" where the validator said "第 12 行" of the new file, and
        the columns where it named record keys."""

        def swap(match: re.Match) -> str:
            target = self.rows.get(int(match[1]))
            row = _row_of(target[0]) if target else None
            return f"Excel 第 {row} 行" if row else match[0]

        text = sheet_words(text)
        text = re.sub(r"第 ([0-9]+) 行", swap, text)
        for key, header in self.headers.items():  # the column people see, not the YAML key
            text = re.sub(
                rf"(?<![A-Za-z_.「]){key}(?![A-Za-z_.」])(（[^）]*）)?", f"「{header}」", text
            )
        text = re.sub(r"(?<=[\u4e00-\u9fff]) (?=「)|(?<=」) (?=[\u4e00-\u9fff])", "", text)
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
    """Read a workbook for a centre and check the files it would write; writes nothing.

    Every problem at a cell says where, in the words of the sheet (in_sheet_words).
    """
    result = _import(project, folder, path, name or path.name)
    result.problems = [in_sheet_words(p) for p in result.problems]
    return result


def _import(project: Project, folder: Path, path: Path, name: str) -> ImportResult:
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
    if _has_cell_errors(problems) or not changes:
        return ImportResult(folder.name, [], problems)
    problems += validate_changes(project, folder, changes)
    return ImportResult(folder.name, changes, problems)


def _has_cell_errors(problems: list[Problem]) -> bool:
    return any(p.severity is Severity.ERROR for p in problems)


def _sheet_of(change: FileChange, book: str) -> Position:
    """The sheet a record file came from (the first, when several fill it)."""
    for pos, _header in change.anchors.values():
        parts = pos.file.split("!")
        if len(parts) >= 2:
            return Position("!".join(parts[:2]))
    return Position(book)


def validate_changes(project: Project, folder: Path, changes: list[FileChange]) -> list[Problem]:
    """Validate the centre as it would be after the changes, in a temporary copy.

    The copy is checked as ``gongshi check`` checks a centre's records and its publication
    ledger, the personal-number guard over every text included. Problems in the written
    files are traced to their cells; problems elsewhere that the centre did not have before
    (a record pointing at a removed plan activity) are kept as they are; problems the centre
    already had are left out.
    """
    before = load(project, folder, None, PUBLISHED)
    baseline = {_key(p) for p in before.report.problems}
    centre_rel = project.display(folder)
    written = {f"{centre_rel}/{c.rel}": c for c in changes}
    with tempfile.TemporaryDirectory(prefix="gongshi-import-") as tmp:
        root = Path(tmp)
        # a copy, not a link: the loader refuses links that leave the project
        shutil.copytree(project.content, root / "content", symlinks=True)
        dest = root / centre_rel
        dest.parent.mkdir(parents=True, exist_ok=True)
        shutil.copytree(folder, dest, symlinks=True)
        for c in changes:
            target = dest / c.rel
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(c.new, encoding="utf-8")
        copy = Project(root)
        after = load(copy, dest, None, PUBLISHED)
        found = list(after.report.problems)
        if not any(p.code.startswith("personal-data") for p in found):
            # the guard over every text of the records, when the check above does not run it
            found += [p for p in scan_records(copy, after.centres) if p.file in written]
    tracers = {d: _Tracer(c, d) for d, c in written.items()}
    out: list[Problem] = []
    for p in found:
        if p.file in written:
            tracer = tracers[p.file]
            target = tracer.cell(p)
            text = tracer.message(p.message)
            if target is not None:
                pos, header = target
                msg = f"「{header}」列：{text}" if header else text
            else:
                pos = _sheet_of(written[p.file], written[p.file].rel)
                msg = text
            out.append(replace(p, file=pos.file, line=0, column=0, message=msg))
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
