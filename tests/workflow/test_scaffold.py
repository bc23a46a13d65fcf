"""The pieces ``gongshi new`` and ``plan new`` are made of: answers, choices, schema line."""

from __future__ import annotations

import datetime as dt
import os

import pytest
from workflow_helpers import minimal_project, project_with_real_content

from generator.paths import SCHEMA_DIR
from generator.pipeline import project_library
from generator.records.schema import INVALID
from generator.records.validate import Project
from generator.workflow.scaffold import (
    check_fact,
    choose,
    community_type_options,
    holiday_exception_lines,
    pack_options,
    schema_comment,
)


@pytest.mark.parametrize("name", ["福田区", "博罗县", "昆山市", "科尔沁右翼前旗"])
def test_district_names_are_accepted(name):
    value, problems = check_fact("district", name, "--district")
    assert (value, problems) == (name, [])


@pytest.mark.parametrize("name", ["福田", "沙头街道"])
def test_district_without_its_suffix_is_refused_with_a_hint(name):
    value, problems = check_fact("district", name, "--district")
    assert value is INVALID
    assert f"例如 {name}区" in problems[0].message


def test_pack_choices_name_the_regulation_from_the_pack(tmp_path):
    lib = project_library(Project(project_with_real_content(tmp_path)))
    options = pack_options(lib.packs)
    assert [o.value for o in options] == sorted(lib.packs)
    for option in options:
        assert lib.packs[option.value].document.strip("《》") in option.label
    assert choose(options, "1") == options[0].value
    assert choose(options, options[-1].value) == options[-1].value
    assert choose(options, "0") is None
    assert choose(options, str(len(options) + 1)) is None
    assert choose(options, "") is None


def test_community_types_come_from_the_packs_table(tmp_path):
    lib = project_library(Project(project_with_real_content(tmp_path)))
    source, options = community_type_options(lib.packs)
    assert "表九" in source
    weights = lib.packs["shenzhen-2015"].rules["service-mix"].params.weights
    assert [o.value for o in options] == [w["name"] for w in weights.values()]
    # each type is shown with the pack's own description
    first = next(iter(weights.values()))
    assert first["description"] in options[0].label


def test_community_types_without_a_pack_that_weighs_them(tmp_path):
    lib = project_library(Project(minimal_project(tmp_path)))
    packs = {k: p for k, p in lib.packs.items() if not p.by_check("service-mix")}
    source, options = community_type_options(packs)
    assert "只用于展示" in source
    assert "城中村社区" in [o.value for o in options]


def test_schema_line_is_relative_to_the_record(tmp_path):
    proj = tmp_path / "proj"
    record = proj / "centres" / "demo" / "plans" / "2027-01.yaml"
    record.parent.mkdir(parents=True)
    line = schema_comment(record, "plan", proj)
    assert line.startswith("# yaml-language-server: $schema=")
    target = line.split("=", 1)[1]
    expected = proj / "docs" / "schema" / "records" / "plan.schema.json"
    if not expected.is_file() and (SCHEMA_DIR / "records" / "plan.schema.json").is_file():
        expected = SCHEMA_DIR / "records" / "plan.schema.json"
    assert os.path.normpath(record.parent.resolve() / target) == str(expected.resolve())
    # the project's own schema wins
    expected = proj / "docs" / "schema" / "records" / "plan.schema.json"
    expected.parent.mkdir(parents=True)
    expected.write_text("{}", encoding="utf-8")
    assert schema_comment(record, "plan", proj).endswith(
        "=../../../docs/schema/records/plan.schema.json"
    )


def test_holiday_exceptions_for_a_new_centre():
    lines = holiday_exception_lines(dt.date(2026, 1, 1), dt.date(2026, 2, 28), ["09:00-18:00"])
    assert lines == [
        "    - from: 2026-01-01   # 请核对",
        "      to: 2026-01-03",
        "      reason: 元旦",
        "    - date: 2026-01-04   # 请核对：周日调休上班",
        "      reason: 调休上班（元旦）",
        '      sessions: ["09:00-18:00"]',
        "    - date: 2026-02-14   # 请核对：周六调休上班",
        "      reason: 调休上班（春节）",
        '      sessions: ["09:00-18:00"]',
        "    - from: 2026-02-15   # 请核对",
        "      to: 2026-02-23",
        "      reason: 春节",
        "    - date: 2026-02-28   # 请核对：周六调休上班",
        "      reason: 调休上班（春节）",
        '      sessions: ["09:00-18:00"]',
    ]
