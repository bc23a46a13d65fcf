"""YAML typed by hand: each mistake at the line where it is, in the words staff use, and one
``gongshi check`` lists every problem of every file (the file's other problems included)."""

from __future__ import annotations

import json

import pytest
from conftest import make_project, read_fixture

from generator.cli import main
from generator.pipeline import held_back, load_project
from generator.records.load import parse_yaml

PLAN = "plans/2026-03.yaml"


def check(proj, capsys) -> tuple[int, list[dict]]:
    code = main(["check", str(proj), "--format", "json", "--today", "2026-12-06"])
    return code, json.loads(capsys.readouterr().out)["problems"]


def plan_with(*edits: tuple[str, str]) -> str:
    text = read_fixture(PLAN)
    for old, new in edits:
        assert old in text, old
        text = text.replace(old, new, 1)
    return text


def line_of(text: str, needle: str) -> int:
    return next(i for i, line in enumerate(text.splitlines(), 1) if needle in line)


@pytest.mark.parametrize(
    ("old", "new", "words"),
    [
        (
            "    title: 四点半学校",
            "    title：四点半学校",
            ["全角冒号「：」", "半角冒号「:」", "title: 四点半学校"],
        ),
        ("    capacity: 30", "    capacity:30", ["冒号后缺少空格", "capacity: 30"]),
        ("    target: 小学生", "\ttarget: 小学生", ["Tab", "4 个空格"]),
        ("    target: 小学生", "      target: 小学生", ["缩进不齐", "6 个空格", "应是 4 个空格"]),
        ("  - id: A02", " - id: A02", ["缩进不齐", "应是 2 个空格"]),
        ("    target: 小学生", '    target: "小学生', ['引号「"」没有闭合']),
        ("    target: 小学生", "    target: '小学生", ["引号「'」没有闭合"]),
        ("    title: 四点半学校", "    title: 时间: 下午", ["冒号加空格", "引号括起来"]),
        ("month: 2026-03", "month：2026-03", ["全角冒号「：」", "month: 2026-03"]),
    ],
)
def test_a_mistake_is_reported_at_its_own_line(old, new, words, tmp_path, capsys):
    text = plan_with((old, new))
    proj = make_project(tmp_path, {PLAN: text})
    code, problems = check(proj, capsys)
    assert code == 1
    syntax = [p for p in problems if p["code"] == "yaml-syntax"]
    assert len(syntax) == 1, problems
    (p,) = syntax
    assert p["file"] == f"centres/demo/{PLAN}"
    assert p["line"] == line_of(text, new.strip().split("\n")[0]), p
    for word in words:
        assert word in p["message"], p["message"]


def test_full_width_colon_column_points_at_the_colon():
    _, problems = parse_yaml("a: 1\ntitle：新年音乐会\nb: 2\n", "x.yaml")
    (p,) = problems
    assert (p.line, p.column) == (2, 6)


def test_every_mistake_of_a_file_in_one_run(tmp_path, capsys):
    text = plan_with(
        ("    title: 四点半学校", "    title：四点半学校"),
        ("    capacity: 30", "    capacity:30"),
        ("    signup: 现场报名", "\tsignup: 现场报名"),
        ("    room: 多功能活动室", "    room: 不存在的活动室"),  # no syntax mistake: a reference
    )
    proj = make_project(tmp_path, {PLAN: text})
    code, problems = check(proj, capsys)
    assert code == 1
    got = {(p["code"], p["line"]) for p in problems}
    assert {
        ("yaml-syntax", line_of(text, "title：")),
        ("yaml-syntax", line_of(text, "capacity:30")),
        ("yaml-syntax", line_of(text, "\tsignup")),
        ("unknown-room", line_of(text, "不存在的活动室")),
    } <= got, sorted(got)


def test_a_wrong_value_in_a_file_with_a_mistake_is_listed_too(tmp_path, capsys):
    text = plan_with(
        ("    title: 四点半学校", "    title：四点半学校"), ("    form: 群体", "    form: 团体")
    )
    proj = make_project(tmp_path, {PLAN: text})
    _, problems = check(proj, capsys)
    got = {(p["code"], p["line"]) for p in problems}
    assert got == {("yaml-syntax", line_of(text, "title：")), ("bad-choice", line_of(text, "团体"))}


def test_a_broken_file_does_not_hide_the_other_files(tmp_path, capsys):
    centre = read_fixture("centre.yaml").replace("district: 福田区", "district：福田区")
    finance = read_fixture("finance/2026-Q1.yaml").replace(
        "{item: 工资, amount: 70000.00}", "{item: 工资, amount: 12.345}"
    )
    plan = plan_with(("    room: 多功能活动室", "    room: 无此室"))
    proj = make_project(
        tmp_path, {"centre.yaml": centre, "finance/2026-Q1.yaml": finance, PLAN: plan}
    )
    code, problems = check(proj, capsys)
    assert code == 1
    got = {(p["file"].rsplit("/", 1)[-1], p["code"], p["line"]) for p in problems}
    assert ("centre.yaml", "yaml-syntax", 1) in got
    assert ("2026-Q1.yaml", "not-money", line_of(finance, "12.345")) in got
    # checked against the rooms of the centre.yaml that does not parse
    assert ("2026-03.yaml", "unknown-room", line_of(plan, "无此室")) in got


def test_the_broken_files_centre_is_still_held_back(tmp_path):
    plan = plan_with(("    title: 四点半学校", "    title：四点半学校"))
    proj = make_project(tmp_path, {PLAN: plan})
    validated = load_project(proj)
    assert validated.centres == []
    held = held_back(validated)
    assert "demo" in held.centres
    assert any(p.code == "yaml-syntax" for p in held.centres["demo"])


def test_a_mistake_that_cannot_be_repaired_is_still_reported_once(tmp_path, capsys):
    text = plan_with(("activities:", "activities: [[[")) + "}}}\n"
    proj = make_project(tmp_path, {PLAN: text})
    code, problems = check(proj, capsys)
    assert code == 1
    assert [p["code"] for p in problems].count("yaml-syntax") >= 1


def test_a_good_file_reads_as_before():
    root, problems = parse_yaml(read_fixture(PLAN), "x.yaml")
    assert root is not None and problems == []
