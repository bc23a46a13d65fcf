"""Edits made by commands keep the user's comments, key order, quoting and blank lines."""

from __future__ import annotations

import datetime as dt
import difflib
from decimal import Decimal

import pytest
from conftest import MINIMAL, ROOT

from generator.records.edit import append_to, delete_in, guess_indent, load_text, set_in, sync_list

COMMENTED = """\
# 2026 年 3 月活动计划
# 公布后填写 published。

month: 2026-03
published: 2026-02-25   # 在公示栏张贴的日期

activities:
  # 每周二的固定活动
  - id: A01
    date: 2026-03-03
    start: "14:00"     # 放学后
    end: '16:00'
    room: 多功能活动室
    title: "四点半学校: 作业辅导"
    service: 3.3.1
    form: 群体
    target: 小学生
    capacity: 30
    price: 20.00
    signup: 电话报名

  - {id: A02, date: 2026-03-10, start: "09:00", end: "11:00", room: 多功能活动室, title: 屋顶菜园, service: own-garden, form: 群体, target: 居民, capacity: 20, signup: 现场报名}
"""


def changed_lines(old: str, new: str) -> list[str]:
    return [
        line
        for line in difflib.unified_diff(old.splitlines(), new.splitlines(), lineterm="", n=0)
        if line[:1] in "+-" and not line.startswith(("+++", "---"))
    ]


def test_unedited_dump_is_byte_identical():
    for path in [
        ROOT / "centres" / "shenzhen-xiashi" / "centre.yaml",
        *sorted(MINIMAL.rglob("*.yaml")),
    ]:
        if not path.is_file():
            continue
        text = path.read_text(encoding="utf-8")
        assert load_text(text).dump() == text, path


def test_edit_one_value_changes_only_that_line():
    doc = load_text(COMMENTED)
    assert set_in(doc, ["activities", 0, "capacity"], 35)
    assert changed_lines(COMMENTED, doc.dump()) == ["-    capacity: 30", "+    capacity: 35"]


def test_equal_values_are_left_as_written():
    doc = load_text(COMMENTED)
    assert not set_in(doc, ["activities", 0, "price"], Decimal(20))
    assert not set_in(doc, ["activities", 0, "start"], dt.time(14, 0))
    assert not set_in(doc, ["published"], dt.date(2026, 2, 25))
    assert doc.dump() == COMMENTED


def test_times_dates_and_money_are_written_as_records_expect():
    doc = load_text(COMMENTED)
    set_in(doc, ["activities", 0, "end"], dt.time(16, 30))
    set_in(doc, ["activities", 0, "price"], Decimal("12.50"))
    set_in(doc, ["published"], dt.date(2026, 2, 26))
    assert changed_lines(COMMENTED, doc.dump()) == [
        "-published: 2026-02-25   # 在公示栏张贴的日期",
        "+published: 2026-02-26   # 在公示栏张贴的日期",
        "-    end: '16:00'",
        "+    end: '16:30'",
        "-    price: 20.00",
        "+    price: 12.50",
    ]


def test_append_and_delete_keep_the_rest():
    doc = load_text(COMMENTED)
    append_to(
        doc,
        ["activities"],
        {
            "id": "A03",
            "date": dt.date(2026, 3, 17),
            "start": dt.time(9, 0),
            "service": "10.1",
            "capacity": 5,
        },
    )
    assert delete_in(doc, ["activities", 0, "price"])
    new = doc.dump()
    assert changed_lines(COMMENTED, new) == [
        "-    price: 20.00",
        "+  - id: A03",
        "+    date: 2026-03-17",
        '+    start: "09:00"',
        "+    service: '10.1'",  # quoted: a bare 10.1 would be read as a number by other tools
        "+    capacity: 5",
    ]
    assert "# 每周二的固定活动" in new and "# 放学后" in new


def test_sync_list_keeps_comments_of_matched_entries():
    doc = load_text(COMMENTED)
    items = [dict(doc.data["activities"][1]), dict(doc.data["activities"][0])]
    items[1]["capacity"] = 28
    sync_list(doc.data["activities"], items, lambda e: e["id"], list(items[1]))
    new = doc.dump()
    assert "# 放学后" in new
    assert new.index("id: A02") < new.index("id: A01")
    assert "capacity: 28" in new and "capacity: 30" not in new


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("a:\n  b: 1\nc:\n  - 1\n", (2, 2)),
        ("a:\n    b: 1\nc:\n- 1\n", (4, 0)),
        ("c:\n    - 1\n", (2, 4)),
    ],
)
def test_guess_indent(text, expected):
    assert guess_indent(text) == expected
    assert load_text(text).dump() == text
