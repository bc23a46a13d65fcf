"""The Excel template staff fill in: the periods its validation accepts, what its colours mean,
text that stays text, messages at the cell to change, and a workbook too large to read."""

from __future__ import annotations

import datetime as dt
import io
import zipfile

import pytest
from openpyxl import Workbook, load_workbook
from workflow_helpers import demo, edit, minimal_project, run_cli, tree_digest

from generator.build.privacy import id_check_char
from generator.records.load import read_document
from generator.workflow.excel.export import COLOUR_LEGEND, header_fill, put
from generator.workflow.excel.sheets import (
    FIRST_ROW,
    HEADER_ROW,
    MAX_ROWS,
    SHEET_KINDS,
    TEMPLATE_ROWS,
    parse_sheet_name,
)


def export(proj, monkeypatch, *args) -> str:
    out = proj / "book.xlsx"
    assert run_cli(["export", "demo", "--xlsx", *args, "--out", str(out)], monkeypatch, proj) == 0
    return str(out)


def validation(ws, column: str):
    """The data validation of a column's record rows (from FIRST_ROW down)."""
    found = [
        dv
        for dv in ws.data_validations.dataValidation
        if str(dv.sqref).startswith(f"{column}{FIRST_ROW}:")
    ]
    assert len(found) == 1, [str(dv.sqref) for dv in ws.data_validations.dataValidation]
    return found[0]


def date_range(dv) -> tuple[str, str]:
    return dv.formula1, dv.formula2


# ---------------------------------------------------------------- the period chosen


def test_excel_validation_covers_the_month_and_quarter_chosen(tmp_path, monkeypatch):
    """A 2027-01 plan accepts 2027-01-01…2027-01-31, not the quarter exported with it."""
    proj = minimal_project(tmp_path)
    wb = load_workbook(export(proj, monkeypatch, "--month", "2027-01", "--quarter", "2026-Q4"))
    plan, records = wb["2027年1月计划"], wb["2027年1月活动记录"]
    assets = wb["2026年第四季度固定资产"]
    assert date_range(validation(plan, "B")) == ("DATE(2027,1,1)", "DATE(2027,1,31)")
    assert validation(plan, "B").errorStyle in (None, "stop")
    assert date_range(validation(records, "D")) == ("DATE(2027,1,1)", "DATE(2027,1,31)")
    assert date_range(validation(assets, "C")) == ("DATE(2026,10,1)", "DATE(2026,12,31)")
    # the plan is published in December 2026, before its month: B1 accepts that date
    b1 = next(dv for dv in plan.data_validations.dataValidation if str(dv.sqref) == "B1")
    assert (b1.operator, b1.formula1) == ("greaterThanOrEqual", "DATE(2026,1,1)")
    # every validated column covers its record rows and the template rows below them
    for ws in (plan, records, assets):
        for dv in ws.data_validations.dataValidation:
            if str(dv.sqref) != "B1":
                top, bottom = str(dv.sqref).split(":")
                assert top.endswith(str(FIRST_ROW))
                assert int(bottom.lstrip("ABCDEFGHIJKLMNOPQRSTUVWXYZ")) >= FIRST_ROW + TEMPLATE_ROWS
    # each sheet's title names its own period
    assert str(plan["C1"].value).startswith("2027年1月活动计划")
    assert str(records["A1"].value).startswith("2027年1月活动记录")
    assert str(wb["2026年第四季度收入"]["C1"].value).startswith("2026年第四季度收入")


def test_excel_february_of_a_leap_year_and_a_month_alone(tmp_path, monkeypatch):
    proj = minimal_project(tmp_path)
    wb = load_workbook(export(proj, monkeypatch, "--month", "2028-02"))
    assert wb.sheetnames == ["说明", "2028年2月计划", "2028年2月活动记录", "选项"]
    assert date_range(validation(wb["2028年2月计划"], "B")) == (
        "DATE(2028,2,1)",
        "DATE(2028,2,29)",
    )


def test_excel_default_export_is_next_months_plan_this_months_records(tmp_path, monkeypatch):
    """As docs/workflow.md says: next month's plan, this month's records, the last quarter."""
    proj = minimal_project(tmp_path)
    today = dt.date.today()
    nxt = (today.year + (today.month == 12), today.month % 12 + 1)
    q = (today.month - 1) // 3 + 1
    last_q = (today.year - (q == 1), 4 if q == 1 else q - 1)
    wb = load_workbook(export(proj, monkeypatch))
    kinds = [parse_sheet_name(n) for n in wb.sheetnames[1:-1]]
    assert kinds == [
        ("plan", f"{nxt[0]:04d}-{nxt[1]:02d}"),
        ("records", f"{today.year:04d}-{today.month:02d}"),
        ("income", f"{last_q[0]:04d}-Q{last_q[1]}"),
        ("expenditure", f"{last_q[0]:04d}-Q{last_q[1]}"),
        ("assets", f"{last_q[0]:04d}-Q{last_q[1]}"),
    ]
    records = wb[wb.sheetnames[2]]
    first = today.replace(day=1)
    assert validation(records, "D").formula1 == f"DATE({first.year},{first.month},1)"
    assert str(records["A1"].value).startswith(f"{today.year}年{today.month}月活动记录")
    plan = wb[wb.sheetnames[1]]
    assert validation(plan, "B").formula1 == f"DATE({nxt[0]},{nxt[1]},1)"


# ---------------------------------------------------------------- header colours


def test_excel_every_header_colour_is_explained_on_the_info_sheet(tmp_path, monkeypatch):
    proj = minimal_project(tmp_path)
    wb = load_workbook(export(proj, monkeypatch, "--month", "2026-03", "--quarter", "2026-Q1"))
    info = wb["说明"]
    legend = {
        info.cell(r, 1).fill.fgColor.rgb[-6:]: str(info.cell(r, 2).value or "")
        for r in range(1, info.max_row + 1)
        if info.cell(r, 1).fill.fill_type == "solid"
    }
    assert len(legend) == len(COLOUR_LEGEND) and all(legend.values())
    used = set()
    for name in wb.sheetnames:
        parsed = parse_sheet_name(name)
        if parsed is None:
            continue
        ws, spec = wb[name], SHEET_KINDS[parsed[0]]
        for i, col in enumerate(spec.columns, 1):
            cell = ws.cell(HEADER_ROW, i)
            assert cell.value == col.header
            colour = cell.fill.fgColor.rgb[-6:]
            assert colour == header_fill(col).fgColor.rgb[-6:]
            used.add(colour)
    assert used <= set(legend)  # every colour used is explained
    orange, blue, grey = (f.fgColor.rgb[-6:] for f, _n, _t in COLOUR_LEGEND)
    assert "不读取" in legend[grey] and "导入" in legend[blue] and "必填" in legend[orange]
    # the category columns are read (they are the key of a row): never grey
    for name, header in (("2026年第一季度收入", "收入类别"), ("2026年第一季度支出", "支出类别")):
        assert wb[name]["A2"].value == header
        assert wb[name]["A2"].fill.fgColor.rgb[-6:] == orange
    # an optional column that is imported is light blue
    assert wb["2026年3月计划"]["G2"].value == "活动简介"
    assert wb["2026年3月计划"]["G2"].fill.fgColor.rgb[-6:] == blue
    assert wb["2026年3月活动记录"]["B2"].fill.fgColor.rgb[-6:] == grey  # 计划活动（参考）


# ---------------------------------------------------------------- text stays text


FORMULA_LIKE = {
    "title": '=HYPERLINK("http://example.org","点我")',
    "description": "+1 分享会",
    "target": "-长者-",
    "signup": "@前台报名",
}


def test_excel_record_text_like_a_formula_is_written_as_text_and_round_trips(
    tmp_path, monkeypatch, capsys
):
    proj = minimal_project(tmp_path)
    plan = demo(proj) / "plans" / "2026-03.yaml"
    edit(plan, "    title: 四点半学校\n", f"    title: '{FORMULA_LIKE['title']}'\n")
    edit(
        plan,
        "    target: 小学生\n",
        f'    description: "{FORMULA_LIKE["description"]}"\n'
        f'    target: "{FORMULA_LIKE["target"]}"\n',
    )
    edit(plan, "    signup: 电话报名\n", f'    signup: "{FORMULA_LIKE["signup"]}"\n')
    records = demo(proj) / "activities" / "2026-03.yaml"
    edit(records, "reason: 暴雨预警", 'reason: "=1+1 暴雨预警"')
    assert run_cli(["check", "centres/demo"], monkeypatch, proj) in (0, 2), capsys.readouterr()
    book = export(proj, monkeypatch, "--month", "2026-03")
    wb = load_workbook(book)
    ws = wb["2026年3月计划"]
    cells = {"title": ws["F3"], "description": ws["G3"], "target": ws["J3"], "signup": ws["O3"]}
    for key, cell in cells.items():
        assert (cell.value, cell.data_type) == (FORMULA_LIKE[key], "s"), key
        assert cell.quotePrefix
    rec = wb["2026年3月活动记录"]
    assert (rec["J4"].value, rec["J4"].data_type) == ("=1+1 暴雨预警", "s")
    with zipfile.ZipFile(book) as z:  # no formula anywhere in the workbook
        sheets = [n for n in z.namelist() if n.startswith("xl/worksheets/")]
        assert sheets and not any(b"<f>" in z.read(n) or b"<f " in z.read(n) for n in sheets)
    # imported back unchanged: the same text, so nothing to write
    before = tree_digest(proj / "centres")
    capsys.readouterr()
    assert run_cli(["import", book], monkeypatch, proj) == 0
    assert "没有需要导入的新内容" in capsys.readouterr().out
    assert tree_digest(proj / "centres") == before
    # a change elsewhere in the row is written; the text around it stays as it was
    ws["K3"] = 26
    wb.save(book)
    assert run_cli(["import", book], monkeypatch, proj) == 0
    doc = read_document(plan, "plan")
    acts = {a.get("id").text: a for a in doc.root.get("activities").items}
    assert acts["A01"].get("capacity").text == "26"
    for key, text in FORMULA_LIKE.items():
        assert acts["A01"].get(key).text == text


def test_excel_cells_beginning_like_a_formula_or_a_control_character_stay_text(tmp_path):
    wb = Workbook()
    texts = ["=1+1", "+86", "-3", "@SUM(A1)", "\t缩进", "\r回车", '=HYPERLINK("x")', "普通"]
    for row, text in enumerate(texts, 1):
        put(wb.active, row, 1, text)
    put(wb.active, 1, 2, 12.5)
    wb.save(tmp_path / "t.xlsx")
    ws = load_workbook(tmp_path / "t.xlsx").active
    assert [(ws.cell(r, 1).value, ws.cell(r, 1).data_type) for r in range(1, 9)] == [
        (t, "s") for t in texts
    ]
    assert ws["B1"].value == 12.5


# ---------------------------------------------------------------- messages at the cell


def test_excel_an_amount_with_three_decimals_says_amounts_go_to_the_fen(
    tmp_path, monkeypatch, capsys
):
    proj = minimal_project(tmp_path)
    book = export(proj, monkeypatch, "--quarter", "2026-Q1")
    wb = load_workbook(book)
    wb["2026年第一季度支出"]["C3"] = "12.345"
    wb["2026年第一季度支出"]["C4"] = 7.125  # a number typed into the cell
    wb.save(book)
    assert run_cli(["import", book], monkeypatch, proj) == 1
    out = capsys.readouterr().out
    assert "工作表「2026年第一季度支出」第3行「金额」列（C3 格）" in out
    assert out.count("3 位小数") == 2 and "到分" in out and "最多 2 位小数" in out


def test_excel_record_problems_point_at_the_cell_to_change_in_sheet_words(
    tmp_path, monkeypatch, capsys
):
    proj = minimal_project(tmp_path)
    book = export(proj, monkeypatch, "--month", "2026-03")
    wb = load_workbook(book)
    rec = wb["2026年3月活动记录"]
    assert (rec["A3"].value, rec["C3"].value) == ("A01", "已举办")
    rec["C3"], rec["I3"] = "已取消", None  # cancelled, no reason given
    plan = wb["2026年3月计划"]
    plan["B4"] = dt.date(2026, 4, 2)  # a date of another month
    plan["E3"] = "大礼堂"  # not a room of the centre
    wb.save(book)
    before = tree_digest(proj / "centres")
    assert run_cli(["import", book], monkeypatch, proj) == 1
    out = capsys.readouterr().out
    assert tree_digest(proj / "centres") == before
    lines = [line for line in out.splitlines() if " 错误 " in line]
    assert len(lines) == 3, out
    reason = next(line for line in lines if "原因" in line)
    assert "工作表「2026年3月活动记录」第3行「原因」列（J3 格）" in reason  # not the 状态 cell
    date = next(line for line in lines if "[date-outside-period]" in line)
    assert "工作表「2026年3月计划」第4行「日期」列（B4 格）" in date
    assert "这个工作表只放2026年3月的活动" in date
    room = next(line for line in lines if "[unknown-room]" in line)
    assert "第3行「活动室」列（E3 格）" in room and "不是本中心登记的活动室" in room
    for text in ("yaml", "本文件", "rooms", "reason", "centre."):
        assert text not in out, text


def test_excel_a_personal_number_in_a_cell_is_refused_at_its_cell(tmp_path, monkeypatch, capsys):
    """The import checks what it would write as ``gongshi check`` does, the guard included."""
    proj = minimal_project(tmp_path)
    book = export(proj, monkeypatch, "--month", "2026-03")
    wb = load_workbook(book)
    ident = "44030119900101123"
    ident += id_check_char(ident)
    wb["2026年3月计划"]["G3"] = "联系人电话 13800138000"
    wb["2026年3月活动记录"]["J4"] = f"家属身份证 {ident}"
    wb.save(book)
    before = tree_digest(proj / "centres")
    assert run_cli(["import", book, "--dry-run"], monkeypatch, proj) == 1
    out = capsys.readouterr().out
    assert tree_digest(proj / "centres") == before
    assert "13800138000" not in out and ident not in out  # masked
    assert "工作表「2026年3月计划」第3行「活动简介」列（G3 格）" in out and "138****8000" in out
    assert "工作表「2026年3月活动记录」第4行「原因」列（J4 格）" in out
    assert out.count("[personal-data-in-record]") == 2
    assert "没有改动任何文件" in out


# ---------------------------------------------------------------- bounded import


def test_excel_a_stray_cell_in_column_xfd_is_ignored(tmp_path, monkeypatch, capsys):
    proj = minimal_project(tmp_path)
    book = export(proj, monkeypatch, "--month", "2026-03")
    wb = load_workbook(book)
    wb["2026年3月计划"]["XFD1"] = "x"
    wb["2026年3月计划"]["XFD40"] = 1
    wb["2026年3月计划"]["K3"] = 27
    wb.save(book)
    capsys.readouterr()
    assert run_cli(["import", book], monkeypatch, proj) == 0
    assert "已更新 centres/demo/plans/2026-03.yaml" in capsys.readouterr().out
    assert "capacity: 27" in (demo(proj) / "plans" / "2026-03.yaml").read_text(encoding="utf-8")


def test_excel_a_sheet_used_down_to_its_last_row_is_refused_with_a_message(
    tmp_path, monkeypatch, capsys
):
    proj = minimal_project(tmp_path)
    book = export(proj, monkeypatch, "--month", "2026-03")
    wb = load_workbook(book)
    wb["2026年3月计划"]["XFD1048576"] = "x"
    wb["2026年3月计划"]["K3"] = 27
    wb.save(book)
    before = tree_digest(proj / "centres")
    capsys.readouterr()
    assert run_cli(["import", book], monkeypatch, proj) == 1
    out = capsys.readouterr().out
    assert "[xlsx-unreadable] 工作表「2026年3月计划」用到了第 1048576 行" in out
    assert f"上限 {MAX_ROWS} 行" in out and "整行删除" in out
    assert tree_digest(proj / "centres") == before


@pytest.mark.parametrize("kind", ["file", "unpacked"])
def test_excel_a_workbook_over_the_size_limit_is_refused_with_a_message(
    tmp_path, monkeypatch, capsys, kind
):
    proj = minimal_project(tmp_path)
    book = export(proj, monkeypatch, "--month", "2026-03")
    if kind == "file":
        with open(book, "ab") as f:  # 21 MB: more than an import reads
            f.write(b"\0" * (21 * 1024 * 1024))
    else:  # a small file that unpacks to more than 100 MB
        buf = io.BytesIO(open(book, "rb").read())
        with zipfile.ZipFile(buf, "a", zipfile.ZIP_DEFLATED) as z:
            z.writestr("xl/media/padding.bin", b"\0" * (101 * 1024 * 1024))
        open(book, "wb").write(buf.getvalue())
    before = tree_digest(proj / "centres")
    capsys.readouterr()
    assert run_cli(["import", book, "--centre", "demo"], monkeypatch, proj) == 1
    out = capsys.readouterr().out
    assert "[xlsx-unreadable]" in out and "超过了导入的上限" in out
    assert ("解压后" in out) == (kind == "unpacked")
    assert tree_digest(proj / "centres") == before
