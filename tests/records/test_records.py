"""Record validation, one line per case: (file, line, code) for each way a record breaks."""

from __future__ import annotations

import pytest
from conftest import assert_problems, make_project, problems_of, read_fixture

from generator.pipeline import validate_project
from generator.problems import CATALOGUE
from generator.records.validate import Project


def sub(rel: str, old: str, new: str) -> dict[str, str]:
    text = read_fixture(rel)
    assert old in text, f"{old!r} not in {rel}"
    return {rel: text.replace(old, new, 1)}


C, P, A, Q = "centre.yaml", "plans/2026-03.yaml", "activities/2026-03.yaml", "finance/2026-Q1.yaml"
AU, EV = "audits/2026.yaml", "evaluations/2026.yaml"

CASES = [
    ("yaml-syntax", sub(P, "title: 四点半学校", "title: 四点半: 学校"), (P, 9, "yaml-syntax")),
    ("yaml-syntax-tab", sub(P, "    capacity: 30", "\tcapacity: 30"), (P, 13, "yaml-syntax")),
    ("not-utf8", {P: "month: 2026-03\ntitle: 四点半\n".encode("gbk")}, (P, 2, "not-utf8")),
    ("empty-file", {Q: ""}, (Q, 1, "empty-file")),
    ("yaml-alias", sub(P, "target: 小学生", "target: &t 小学生"), (P, 12, "yaml-alias")),
    (
        "yaml-tag",
        sub(P, "target: 小学生", "target: !!python/object:os.system 小学生"),
        (P, 12, "yaml-tag"),
    ),
    ("yaml-too-deep", {AU: "a: " + "[" * 40 + "]" * 40 + "\n"}, (AU, 1, "yaml-too-deep")),
    (
        "duplicate-key",
        sub(P, "    signup: 电话报名", "    signup: 电话报名\n    signup: 现场"),
        (P, 15, "duplicate-key"),
    ),
    ("unknown-key", sub(P, "published:", "publish:"), (P, 2, "unknown-key")),
    ("missing-key", sub(P, "    signup: 电话报名\n", ""), (P, 4, "missing-key")),
    (
        "wrong-type",
        sub(P, "room: 多功能活动室\n    title: 四点半", "room: [a]\n    title: 四点半"),
        (P, 8, "wrong-type"),
    ),
    ("not-money", sub(Q, "government: 100000.00", "government: 12,00.5"), (Q, 4, "not-money")),
    (
        "not-money-fullwidth",
        sub(Q, "government: 100000.00", "government: １００"),
        (Q, 4, "not-money"),
    ),
    (
        "not-money-3-decimals",
        sub(Q, "government: 100000.00", "government: 100000.005"),
        (Q, 4, "not-money"),
    ),
    ("not-number", sub(C, "floor_area: 450.5", "floor_area: 四百五十"), (C, 22, "not-number")),
    ("not-integer", sub(P, "capacity: 30", "capacity: 三十"), (P, 13, "not-integer")),
    (
        "out-of-range",
        sub(EV, "sample: 200, satisfied: 188", "sample: 200, satisfied: 201"),
        (EV, 6, "out-of-range"),
    ),
    ("out-of-range-negative", sub(P, "capacity: 30", "capacity: -3"), (P, 13, "out-of-range")),
    ("not-date", sub(P, "date: 2026-03-03", "date: 2026-02-30"), (P, 5, "not-date")),
    ("not-date-format", sub(P, "date: 2026-03-03", "date: 2026/03/03"), (P, 5, "not-date")),
    ("not-time", sub(P, 'start: "14:00"', 'start: "25:00"'), (P, 6, "not-time")),
    ("bad-time-range", sub(C, '"09:00-12:00"', '"12:00-12:00"'), (C, 27, "bad-time-range")),
    (
        "bad-time-range-over-a-day",
        sub(C, '"09:00-12:00"', '"09:00-次日10:00"'),
        (C, 27, "bad-time-range"),
    ),
    ("not-time-24-in-activity", sub(P, 'end: "16:00"', 'end: "24:00"'), (P, 7, "not-time")),
    ("bad-time-range-activity", sub(P, 'end: "16:00"', 'end: "13:00"'), (P, 7, "bad-time-range")),
    ("not-bool", sub(C, "accessible: true", "accessible: 可以"), (C, 24, "not-bool")),
    (
        "bad-choice",
        sub(P, "form: 群体\n    target: 小学生", "form: 团体\n    target: 小学生"),
        (P, 11, "bad-choice"),
    ),
    ("bad-text", sub(P, "title: 四点半学校", "title: 四点\u200b半学校"), (P, 9, "bad-text")),
    ("text-too-long", sub(P, "title: 四点半学校", "title: " + "长" * 101), (P, 9, "text-too-long")),
    ("bad-id", sub(P, "id: A01", "id: A 01"), (P, 4, "bad-id")),
    ("bad-credit-code", sub(C, "MJL0000012", "MJL0000013"), (C, 13, "bad-credit-code")),
    ("bad-credit-code-length", sub(C, "MJL0000012", "MJL000001"), (C, 13, "bad-credit-code")),
    ("bad-phone", sub(C, "phone: 0755-01234567", "phone: 请拨打前台"), (C, 9, "bad-phone")),
    (
        "duplicate-id",
        sub(P, "id: A02", "id: A01"),
        (P, 15, "duplicate-id"),
        (A, 4, "unknown-plan-activity"),
    ),
    ("total-mismatch", sub(Q, "total: 102000.00", "total: 102000.01"), (Q, 6, "total-mismatch")),
    (
        "total-mismatch-category",
        sub(Q, "total: 12000.00", "total: 11000.00"),
        (Q, 20, "total-mismatch"),
    ),
    (
        "total-mismatch-funders",
        sub(C, "amount: 100000}", "amount: 90000}"),
        (C, 20, "total-mismatch"),
    ),
    (
        "name-rule",
        sub(C, "official_name: 沙头街道沙尾社区", "official_name: 沙头街道"),
        (C, 4, "name-rule"),
    ),
    ("date-order", sub(C, "end: 2028-12-31", "end: 2025-12-31"), (C, 17, "date-order")),
    (
        "date-order-published",
        sub(Q, "published: 2026-04-15", "published: 2026-03-15"),
        (Q, 2, "date-order"),
    ),
    (
        "date-outside-period",
        sub(P, "date: 2026-03-03", "date: 2026-04-06"),
        (P, 5, "date-outside-period"),
    ),
    (
        "date-outside-period-asset",
        sub(Q, "date: 2026-02-10", "date: 2026-05-10"),
        (Q, 23, "date-outside-period"),
    ),
    (
        "file-name-mismatch",
        sub(Q, "quarter: 2026-Q1", "quarter: 2026-Q2"),
        (Q, 1, "file-name-mismatch"),
    ),
    (
        "file-name-mismatch-audit",
        sub(AU, "year: 2026", "year: 2025"),
        (AU, 1, "file-name-mismatch"),
    ),
    (
        "bad-file-name",
        {"plans/2026-3.yaml": read_fixture(P)},
        ("plans/2026-3.yaml", 0, "bad-file-name"),
    ),
    ("unknown-file", {"notes.txt": "x"}, ("notes.txt", 0, "unknown-file")),
    (
        "overlapping-sessions",
        sub(C, '"14:00-21:00"', '"11:00-21:00"'),
        (C, 27, "overlapping-sessions"),
    ),
    (
        "unknown-room",
        sub(P, "room: 多功能活动室\n    title: 四点半", "room: 活动室\n    title: 四点半"),
        (P, 8, "unknown-room"),
    ),
    ("unknown-service", sub(P, "service: 3.3.1", "service: 9.9.9"), (P, 10, "unknown-service")),
    (
        "unknown-service-catalogue",
        sub(C, 'catalogue: ["3.3.1"]', 'catalogue: ["3.3.1", "7.7.7"]'),
        (C, 35, "unknown-service"),
    ),
    ("unknown-plan-activity", sub(A, "plan: A01", "plan: A09"), (A, 3, "unknown-plan-activity")),
    (
        "unknown-rule-pack",
        sub(C, "rule_pack: test-pack", "rule_pack: nowhere"),
        (C, 6, "unknown-rule-pack"),
    ),
    ("missing-centre-file", {C: None}, ("", 0, "missing-centre-file")),
    (
        "attachment-missing",
        sub(AU, "attachments/audit.pdf", "attachments/none.pdf"),
        (AU, 13, "attachment-missing"),
    ),
    (
        "attachment-bad-escape",
        sub(AU, "attachments/audit.pdf", "../../../etc/passwd"),
        (AU, 13, "attachment-bad"),
    ),
    (
        "attachment-bad-absolute",
        sub(AU, "attachments/audit.pdf", "/etc/passwd"),
        (AU, 13, "attachment-bad"),
    ),
    (
        "attachment-bad-content",
        {"attachments/audit.pdf": b"<html>not a pdf</html>"},
        (AU, 13, "attachment-bad"),
    ),
    ("capacity-exceeded", sub(A, "attendance: 28", "attendance: 31"), (A, 3, "capacity-exceeded")),
    (
        "room-double-booked",
        sub(
            P,
            'date: 2026-03-10\n    start: "09:00"\n    end: "11:00"',
            'date: 2026-03-03\n    start: "15:00"\n    end: "17:00"',
        ),
        (P, 17, "room-double-booked"),
    ),
    (
        "outside-opening-hours",
        sub(P, 'end: "16:00"', 'end: "22:00"'),
        (P, 6, "outside-opening-hours"),
    ),
]


@pytest.mark.parametrize(
    "name,edits,expected", [(c[0], c[1], c[2:]) for c in CASES], ids=[c[0] for c in CASES]
)
def test_problem(tmp_path, name, edits, expected):
    if expected[0][2] == "missing-centre-file":
        assert {p.code for p in problems_of(tmp_path, edits)} == {"missing-centre-file"}
        return
    assert_problems(tmp_path, edits, *expected)


def test_every_code_has_a_case():
    """Record codes are cased here; ledger, Excel and privacy codes in their own test files."""
    from conftest import ROOT

    covered = {c[2][2] for c in CASES} | {
        "file-too-large",
        "yaml-too-many-nodes",
        "file-unreadable",
        "bad-centre-id",
    }
    others = "".join(
        p.read_text(encoding="utf-8")
        for p in (ROOT / "tests").rglob("test_*.py")
        if p.name != "test_records.py"
    )
    covered |= {code for code in CATALOGUE if f'"{code}"' in others or f"[{code}]" in others}
    assert set(CATALOGUE) <= covered, sorted(set(CATALOGUE) - covered)


def test_clean_fixture(tmp_path):
    assert problems_of(tmp_path) == []


def test_file_too_large(tmp_path):
    big = "notes: |\n" + ("  " + "字" * 100 + "\n") * 8000
    assert_problems(tmp_path, {Q: big}, (Q, 0, "file-too-large"))


def test_too_many_nodes(tmp_path):
    text = "month: 2026-03\nactivities: [" + ",".join(["0"] * 50_001) + "]\n"
    got = {p.code for p in problems_of(tmp_path, {P: text})}
    assert got == {"yaml-too-many-nodes"}


def test_alias_bomb_is_refused_quickly(tmp_path):
    bomb = "a: &a [x, x, x, x, x, x, x, x, x]\n" + "".join(
        f"{c}: &{c} [*{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}]\n"
        for p, c in zip("abcdefgh", "bcdefghi")
    )
    got = {p.code for p in problems_of(tmp_path, {AU: bomb})}
    assert got == {"yaml-alias"}


def test_unreadable_file(tmp_path):
    proj = make_project(tmp_path)
    (proj / "centres/demo/plans/2026-04.yaml").mkdir()
    got = {p.code for p in validate_project(Project(proj)).report.problems}
    assert got == {"file-unreadable"}


def test_bad_centre_id(tmp_path):
    proj = make_project(tmp_path)
    (proj / "centres/demo").rename(proj / "centres/Demo Centre")
    got = [(p.file, p.code) for p in validate_project(Project(proj)).report.problems]
    assert got == [("centres/Demo Centre", "bad-centre-id")]


def test_bom_is_accepted(tmp_path):
    text = "\ufeff" + read_fixture(Q)
    assert problems_of(tmp_path, {Q: text.encode("utf-8")}) == []


def test_ten_ways_broken_gives_ten_problems(tmp_path):
    text = read_fixture(P)
    for old, new in [
        ("published:", "publish:"),
        ("date: 2026-03-03", "date: 2026-03-32"),
        ('start: "14:00"', 'start: "14:60"'),
        ("room: 多功能活动室\n    title: 四点半", "room: [x]\n    title: 四点半"),
        ("form: 群体\n    target: 小学生", "form: 团体\n    target: 小学生"),
        ("capacity: 30", "capacity: 三十"),
        ("    signup: 电话报名\n", ""),
        ("id: A02", "id: A 02"),
        ("price: 20", "price: 20.001"),
        ('paid_service: "10.1.1"', 'paid_service: "10.1.1"\n    colour: red'),
    ]:
        assert old in text
        text = text.replace(old, new, 1)
    got = problems_of(tmp_path, {P: text})
    assert len(got) == 10, [(p.line, p.code) for p in got]
    assert all(p.file.endswith(P) and p.line > 0 for p in got)
    assert all(any("\u4e00" <= ch <= "\u9fff" for ch in p.message) for p in got)
