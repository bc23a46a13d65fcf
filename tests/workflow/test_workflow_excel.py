"""Excel out and in: export a template, fill it with openpyxl as staff would, import it."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from openpyxl import load_workbook
from workflow_helpers import demo, edit, minimal_project, run_cli, tree_digest, validated

from generator.cli import main
from generator.packs.library import to_plain
from generator.records.load import read_document
from generator.records.validate import Project
from generator.workflow.excel.import_ import import_workbook
from generator.workflow.excel.read import cell_text
from generator.workflow.excel.sheets import parse_sheet_name, sheet_name

PLAN_SHEET = "2026年4月计划"
ROW = [
    "A01",
    dt.date(2026, 4, 7),
    dt.time(14, 0),
    dt.time(16, 0),
    "多功能活动室",
    "四点半学校",
    "作业辅导：数学",
    "3.3.1 四点半学校",
    "群体",
    "小学生",
    25,
    "是",
    None,
    None,
    "电话报名",
]


def export(proj, monkeypatch, *args) -> str:
    out = proj / "book.xlsx"
    assert run_cli(["export", "demo", "--xlsx", *args, "--out", str(out)], monkeypatch, proj) == 0
    return str(out)


def put(ws, row: int, values: list) -> None:
    for col, value in enumerate(values, 1):
        ws.cell(row, col, value)


def plain_file(path):
    doc = read_document(path, path.name)
    assert not doc.problems
    return to_plain(doc.root)


def test_export_has_templates_validation_and_hidden_lists(tmp_path, monkeypatch):
    proj = minimal_project(tmp_path)
    wb = load_workbook(export(proj, monkeypatch, "--month", "2026-03", "--quarter", "2026-Q1"))
    assert wb.sheetnames == [
        "说明",
        "2026年3月计划",
        "2026年3月活动记录",
        "2026年第一季度收入",
        "2026年第一季度支出",
        "2026年第一季度固定资产",
        "选项",
    ]
    assert wb["选项"].sheet_state == "hidden"
    assert wb["说明"]["B2"].value == "demo"
    ws = wb["2026年3月计划"]
    assert [c.value for c in ws[2]] == [
        "编号",
        "日期",
        "开始时间",
        "结束时间",
        "活动室",
        "活动名称",
        "活动简介",
        "服务编码",
        "服务形式",
        "服务对象",
        "名额",
        "主题活动",
        "收费",
        "收费服务编码",
        "报名方式",
    ]
    assert ws.freeze_panes == "A3"
    # pre-filled with the existing plan
    assert [cell_text(c.value) for c in ws[3]][:5] == [
        "A01",
        "2026-03-03",
        "14:00",
        "16:00",
        "多功能活动室",
    ]
    assert cell_text(ws["B1"].value) == "2026-02-25"
    kinds = {(dv.type, str(dv.sqref).split(":")[0]) for dv in ws.data_validations.dataValidation}
    assert {
        ("date", "B3"),
        ("time", "C3"),
        ("list", "E3"),
        ("list", "H3"),
        ("list", "I3"),
        ("whole", "K3"),
        ("list", "L3"),
        ("decimal", "M3"),
    } <= kinds
    rooms = next(dv for dv in ws.data_validations.dataValidation if str(dv.sqref).startswith("E3"))
    assert rooms.formula1.startswith("'选项'!$A$2")
    assert ws.column_dimensions["F"].width >= 12  # Chinese titles need room
    fin = wb["2026年第一季度支出"]
    assert [c.value for c in fin[2]] == ["支出类别", "明细", "金额"]
    assert [cell_text(c.value) for c in fin[3]] == ["员工薪酬与福利", "工资", "70000"]


def test_fill_a_month_plan_and_import(tmp_path, monkeypatch, capsys):
    proj = minimal_project(tmp_path)
    book = export(proj, monkeypatch, "--month", "2026-04")
    wb = load_workbook(book)
    ws = wb[PLAN_SHEET]
    put(ws, 3, ROW)
    put(
        ws,
        4,
        [
            "A02",
            "2026-04-14",
            "09:30",
            "11:00",
            "多功能活动室",
            "屋顶菜园",
            None,
            "own-garden",
            "群体",
            "居民",
            12,
            None,
            15.5,
            "10.1.1 课业辅导",
            "现场报名",
        ],
    )
    wb.save(book)
    assert run_cli(["import", book], monkeypatch, proj) == 0
    assert "已新建 centres/demo/plans/2026-04.yaml（2 项活动）" in capsys.readouterr().out
    plan = plain_file(demo(proj) / "plans" / "2026-04.yaml")
    assert plan["month"] == "2026-04" and "published" not in plan
    a1, a2 = plan["activities"]
    assert a1 == {
        "id": "A01",
        "date": "2026-04-07",
        "start": "14:00",
        "end": "16:00",
        "room": "多功能活动室",
        "title": "四点半学校",
        "description": "作业辅导：数学",
        "service": "3.3.1",
        "form": "群体",
        "target": "小学生",
        "capacity": "25",
        "themed": "true",
        "signup": "电话报名",
    }
    assert (a2["price"], a2["paid_service"]) == ("15.50", "10.1.1")
    model = validated(proj).centres[0]
    april = next(p for p in model.plans if p.key == "2026-04")
    assert april.activities[1].price == Decimal("15.50")
    assert april.activities[0].start == dt.time(14, 0)


def test_bad_cells_point_at_sheet_and_cell_and_change_no_file(tmp_path, monkeypatch, capsys):
    proj = minimal_project(tmp_path)
    book = export(proj, monkeypatch, "--month", "2026-04", "--quarter", "2026-Q1")
    wb = load_workbook(book)
    ws = wb[PLAN_SHEET]
    put(ws, 3, ROW)
    bad = list(ROW)
    bad[0], bad[1] = "A02", "2026-02-30"  # a day that does not exist
    put(ws, 4, bad)
    room = list(ROW)
    room[0], room[4] = "A03", "大礼堂"  # not a room of centre.yaml
    put(ws, 5, room)
    money = list(ROW)
    money[0], money[12] = "A04", "12,00.5"
    put(ws, 6, money)
    missing = list(ROW)
    missing[0], missing[14] = "A05", None  # 报名方式 is required
    put(ws, 7, missing)
    wb["2026年第一季度支出"]["C4"] = "1万"
    wb.save(book)
    before = tree_digest(proj / "centres")
    assert run_cli(["import", book], monkeypatch, proj) == 1
    out = capsys.readouterr().out
    assert (
        "book.xlsx 错误 [not-date] 工作表「2026年4月计划」第4行「日期」列（B4 格）："
        "日期 2026-02-30 不存在" in out
    )
    assert "[not-money] 工作表「2026年4月计划」第6行「收费」列（M6 格）" in out
    assert '"12,00.5"' in out and "不要使用千位分隔符" in out
    assert (
        "[missing-key] 工作表「2026年4月计划」第7行「报名方式」列（O7 格）：必填，这一格是空的"
        in out
    )
    assert "[not-money] 工作表「2026年第一季度支出」第4行「金额」列（C4 格）" in out
    assert "没有改动任何文件" in out
    assert tree_digest(proj / "centres") == before
    # cells fixed, the room is still wrong: that is found by validating the records the
    # import would write, and traced back to its cell
    ws["B4"], ws["O7"], wb["2026年第一季度支出"]["C4"] = dt.date(2026, 4, 8), "现场报名", 70000
    ws["M6"] = 12.5  # a charge needs its filed paid service: that is a record rule
    wb.save(book)
    result = import_workbook(Project(proj), demo(proj), proj / "book.xlsx")
    errors = [p for p in result.problems if p.severity.value == "error"]
    assert [(p.file, p.code) for p in errors] == [
        ("book.xlsx!2026年4月计划!E5", "unknown-room"),
        ("book.xlsx!2026年4月计划!N6", "missing-key"),  # the cell to fill, not the charge
    ]
    assert errors[0].message.startswith(
        "工作表「2026年4月计划」第5行「活动室」列（E5 格）：活动室 大礼堂 不是本中心登记的活动室"
    )
    assert errors[1].message.startswith("工作表「2026年4月计划」第6行「收费服务编码」列（N6 格）")
    assert "paid_service" not in errors[1].message and "yaml" not in str(errors)
    ws["N6"] = "10.1.1"
    assert run_cli(["import", book], monkeypatch, proj) == 1
    assert tree_digest(proj / "centres") == before
    ws["E5"] = "多功能活动室"
    ws["B5"] = dt.date(2026, 4, 9)
    wb.save(book)
    assert run_cli(["import", book], monkeypatch, proj) == 0
    assert tree_digest(proj / "centres") != before
    validated(proj)


def test_import_updates_an_existing_file_keeping_comments(tmp_path, monkeypatch, capsys):
    proj = minimal_project(tmp_path)
    plan_path = demo(proj) / "plans" / "2026-03.yaml"
    edit(plan_path, "month: 2026-03\n", "# 三月计划：请勿删除本注释\nmonth: 2026-03\n")
    edit(plan_path, "    capacity: 30\n", "    capacity: 30   # 教室最多 30 人\n")
    original = plan_path.read_text(encoding="utf-8")
    book = export(proj, monkeypatch, "--month", "2026-03")
    wb = load_workbook(book)
    wb["2026年3月计划"]["F4"] = "屋顶菜园·春播"
    wb["2026年3月活动记录"]["I3"] = 29
    wb.save(book)
    assert run_cli(["import", book], monkeypatch, proj) == 0
    new = plan_path.read_text(encoding="utf-8")
    assert new == original.replace("title: 屋顶菜园", "title: 屋顶菜园·春播")
    records = (demo(proj) / "activities" / "2026-03.yaml").read_text(encoding="utf-8")
    assert "{plan: A01, status: 已举办, attendance: 29}" in records
    validated(proj)


def test_import_of_an_unchanged_export_changes_nothing(tmp_path, monkeypatch, capsys):
    proj = minimal_project(tmp_path)
    book = export(proj, monkeypatch, "--month", "2026-03", "--quarter", "2026-Q1")
    before = tree_digest(proj / "centres")
    assert run_cli(["import", book], monkeypatch, proj) == 0
    assert "没有需要导入的新内容" in capsys.readouterr().out
    assert tree_digest(proj / "centres") == before


def test_import_a_quarter_from_excel(tmp_path, monkeypatch, capsys):
    proj = minimal_project(tmp_path)
    book = export(proj, monkeypatch, "--quarter", "2026-Q2")
    wb = load_workbook(book)
    inc = wb["2026年第二季度收入"]
    inc["B1"] = dt.date(2026, 7, 10)
    inc["B3"], inc["B5"] = 100000, 250.5
    exp = wb["2026年第二季度支出"]
    put(exp, 3, ["员工薪酬与福利", "工资", 70000])
    put(exp, 4, ["员工薪酬与福利", "社保", "8000.00"])
    put(exp, 5, ["办公设施与场地运作", "水电", 9800.5])
    put(exp, 6, ["机构营运管理费", "管理费", 8000])
    put(exp, 7, ["服务项目运作", "活动物资", 4000])
    wb["2026年第二季度固定资产"].append(["打印机", 1999, dt.date(2026, 5, 6)])
    wb.save(book)
    assert run_cli(["import", book], monkeypatch, proj) == 0
    q = validated(proj).centres[0].quarters[-1]
    assert (q.key, q.published) == ("2026-Q2", dt.date(2026, 7, 10))
    assert q.income["government"] == Decimal("100000.00") and q.income["donations"] == Decimal(
        "250.50"
    )
    assert [(i.item, i.amount) for i in q.expenditure["staff"].items] == [
        ("工资", Decimal("70000.00")),
        ("社保", Decimal("8000.00")),
    ]
    assert q.expenditure_total == Decimal("99800.50")
    assert [(a.name, a.date) for a in q.fixed_assets] == [("打印机", dt.date(2026, 5, 6))]


def test_sheet_names_round_trip():
    for kind, period in [
        ("plan", "2026-03"),
        ("records", "2026-12"),
        ("income", "2026-Q3"),
        ("expenditure", "2027-Q1"),
        ("assets", "2026-Q4"),
    ]:
        assert parse_sheet_name(sheet_name(kind, period)) == (kind, period)
    assert parse_sheet_name("2026年第3季度收入") == ("income", "2026-Q3")
    assert parse_sheet_name("Sheet1") is None


def test_import_arguments_and_unreadable_file(tmp_path, monkeypatch, capsys):
    proj = minimal_project(tmp_path)
    (proj / "not.xlsx").write_text("这不是 Excel 文件", encoding="utf-8")
    assert run_cli(["import", "not.xlsx", "--centre", "demo"], monkeypatch, proj) == 1
    assert "[xlsx-unreadable]" in capsys.readouterr().out
    assert run_cli(["import", "missing.xlsx"], monkeypatch, proj) == 1
    assert run_cli(["import", "not.xlsx"], monkeypatch, proj) == 2  # no centre named anywhere
    assert main(["export", "demo"]) == 2  # --xlsx is required
    assert run_cli(["export", "demo", "--xlsx", "--month", "2026-3"], monkeypatch, proj) == 2


def test_unknown_sheet_unknown_column_and_missing_column(tmp_path, monkeypatch):
    """A renamed sheet and column are skipped with warnings; a deleted required column is an error."""
    from pathlib import Path

    from generator.workflow.excel.read import read_workbook

    proj = minimal_project(tmp_path)
    path = Path(export(proj, monkeypatch, "--month", "2026-03"))
    wb = load_workbook(path)
    wb["2026年3月计划"].title = "三月安排"
    wb.save(path)
    assert [(p.code, p.file) for p in read_workbook(path).problems] == [
        ("unknown-sheet", "book.xlsx!三月安排")
    ]
    wb = load_workbook(path)
    ws = wb["三月安排"]
    ws.title = "2026年3月计划"
    ws["P2"] = "备注"
    ws["F2"] = "名字"
    wb.save(path)
    assert sorted((p.code, p.file) for p in read_workbook(path).problems) == [
        ("missing-column", "book.xlsx!2026年3月计划!A2"),  # 活动名称 was renamed away
        ("unknown-column", "book.xlsx!2026年3月计划!F2"),
        ("unknown-column", "book.xlsx!2026年3月计划!P2"),
    ]


def test_a_workbook_with_the_earlier_income_labels_still_imports(tmp_path, monkeypatch, capsys):
    """Workbooks exported before the labels were unified said 便民服务收入 and 上期结余."""
    proj = minimal_project(tmp_path)
    book = export(proj, monkeypatch, "--quarter", "2026-Q2")
    wb = load_workbook(book)
    inc = wb["2026年第二季度收入"]
    labels = {inc.cell(r, 1).value: r for r in range(3, inc.max_row + 1)}
    assert "经营性便民利民服务收入" in labels and "上期结余结转" in labels
    inc.cell(labels["经营性便民利民服务收入"], 1).value = "便民服务收入"
    inc.cell(labels["经营性便民利民服务收入"], 2).value = 320
    inc.cell(labels["上期结余结转"], 1).value = "上期结余"
    inc.cell(labels["上期结余结转"], 2).value = 1500
    inc.cell(labels["政府购买服务收入"], 2).value = 100000
    inc["B1"] = dt.date(2026, 7, 10)
    exp = wb["2026年第二季度支出"]
    put(exp, 3, ["员工薪酬与福利", "工资", 70000])
    wb.save(book)
    assert run_cli(["import", book], monkeypatch, proj) == 0
    q = validated(proj).centres[0].quarters[-1]
    assert q.income["convenience"] == Decimal("320.00")
    assert q.income["carried_forward"] == Decimal("1500.00")
