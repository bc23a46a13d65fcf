"""A district's own rule pack is checked when it loads: every parameter typed by its check kind.

Each case writes a district pack that extends shenzhen-2015 into a copy of the project, points
the Shenzhen sample centre at it and runs ``gongshi check`` (and ``gongshi due``) the way a user
would: a wrong parameter is a record-style problem at the pack's file:line:col, in Chinese, with
exit code 1 — never an internal error.
"""

from __future__ import annotations

import dataclasses
import json
import shutil
from pathlib import Path

import pytest
from workflow_helpers import run_cli

from generator.packs.params import RuleParams, declared
from generator.problems import CATALOGUE
from generator.rules.registry import KINDS, PARAMS, load_library

ROOT = Path(__file__).resolve().parents[2]
CENTRE = "shenzhen-xiashi"
PACK_FILE = "content/rules/futian-demo.yaml"


def project(tmp_path: Path, overrides: str) -> Path:
    """The samples with a district pack ``futian-demo`` (extending shenzhen-2015, with
    ``overrides`` as its rules) used by the Shenzhen centre."""
    dest = tmp_path / "proj"
    shutil.copytree(ROOT / "content", dest / "content")
    shutil.copytree(ROOT / "centres" / CENTRE, dest / "centres" / CENTRE)
    (dest / PACK_FILE).write_text(
        "id: futian-demo\nname: 福田区示例规则包\nextends: shenzhen-2015\nrules:\n" + overrides,
        encoding="utf-8",
    )
    centre = dest / "centres" / CENTRE / "centre.yaml"
    text = centre.read_text(encoding="utf-8")
    assert "rule_pack: shenzhen-2015" in text
    centre.write_text(text.replace("rule_pack: shenzhen-2015", "rule_pack: futian-demo"), "utf-8")
    return dest


def check_json(proj: Path, monkeypatch, capsys) -> tuple[int, list[dict]]:
    code = run_cli(["check", "--format", "json"], monkeypatch, proj)
    out = capsys.readouterr()
    assert "内部错误" not in out.out + out.err
    data = json.loads(out.out)
    return code, data["problems"]


def pack_problems(problems: list[dict]) -> list[tuple[int, int, str, str]]:
    return [
        (p["line"], p["column"], p["code"], p["message"])
        for p in problems
        if p["file"] == PACK_FILE
    ]


OVERRIDE_DAYS = """\
  quarterly-finance-disclosure:
    days_after_period: "{value}"
"""


def test_a_mistyped_parameter_is_a_problem_at_its_line(tmp_path, monkeypatch, capsys):
    proj = project(tmp_path, OVERRIDE_DAYS.format(value="三十"))
    code, problems = check_json(proj, monkeypatch, capsys)
    assert code == 1
    ((line, column, kind, message),) = pack_problems(problems)
    assert (line, column, kind) == (6, 24, "wrong-rule-param")
    assert message == (
        "规则 quarterly-finance-disclosure 的参数 days_after_period：应为整数（如 30），这里是“三十”"
    )


def test_the_text_report_names_file_line_and_column(tmp_path, monkeypatch, capsys):
    proj = project(tmp_path, OVERRIDE_DAYS.format(value="三十"))
    assert run_cli(["check"], monkeypatch, proj) == 1
    out = capsys.readouterr().out
    assert f"{PACK_FILE}:6:24 错误 [wrong-rule-param]" in out


def test_a_missing_deadline_parameter_is_a_problem_and_check_and_due_agree(
    tmp_path, monkeypatch, capsys
):
    """Without days_after_period the rule is not applied: check does not call every quarter
    late while due shows no due date — both see no quarterly deadline, and check says why."""
    proj = project(
        tmp_path,
        """\
  quarterly-finance-disclosure:
    drop: true
  quarterly-finance-local:
    title: 季度财务信息公开
    check: disclosure-deadline
    clause: 七(三)
    quote: 每季度动态的财务信息……及时向社会公开
    severity: error
    disclosure: quarterly-finance
""",
    )
    code, problems = check_json(proj, monkeypatch, capsys)
    assert code == 1
    ((line, column, kind, message),) = pack_problems(problems)
    assert (line, column, kind) == (8, 5, "missing-rule-param")  # the rule's first line
    assert "days_after_period" in message and "quarterly-finance" in message
    late = [p for p in problems if p["code"] == "quarterly-finance-local"]
    assert late == []
    assert run_cli(["due", "--as-of", "2026-12-06", "--format", "json"], monkeypatch, proj) in (
        0,
        1,
    )
    (centre,) = json.loads(capsys.readouterr().out)["centres"]
    assert "finance" in centre["no_deadline"]
    finance = [i for i in centre["items"] if i["kind"] == "finance"]
    assert finance and all(i["due"] is None for i in finance)


def test_a_misspelt_parameter_is_not_silently_ignored(tmp_path, monkeypatch, capsys):
    proj = project(
        tmp_path,
        """\
  fund-management:
    clause: 七(一)（区补充）
    thresold: "0.05"
""",
    )
    code, problems = check_json(proj, monkeypatch, capsys)
    assert code == 1
    ((line, column, kind, message),) = pack_problems(problems)
    assert (line, column, kind) == (7, 15, "unknown-rule-param")
    assert "没有参数 thresold，是否应为 threshold？" in message
    # the override is not applied: the inherited rule keeps its own threshold and clause, so
    # the old threshold is never shown under the district's new clause
    mgmt = [p for p in problems if p["code"] == "fund-management"]
    assert mgmt and all(p["clause"].endswith("七(一)") for p in mgmt)


def test_an_unknown_check_kind_is_a_problem(tmp_path, monkeypatch, capsys):
    proj = project(
        tmp_path,
        """\
  local-rule:
    check: fund-ratios
    clause: 一
    quote: 示例
    severity: warning
""",
    )
    code, problems = check_json(proj, monkeypatch, capsys)
    assert code == 1
    ((line, column, kind, message),) = pack_problems(problems)
    assert (line, column, kind) == (6, 12, "unknown-check")
    assert "fund-ratios" in message and "是否应为 fund-ratio" in message


def test_an_override_is_typed_and_applied(tmp_path, monkeypatch, capsys):
    """A valid override changes the limit the rule applies, under the district's clause."""
    proj = project(
        tmp_path,
        """\
  fund-management:
    clause: 七(一)（福田区口径）
    threshold: "0.09"
""",
    )
    code, problems = check_json(proj, monkeypatch, capsys)
    assert pack_problems(problems) == []
    mgmt = [p for p in problems if p["code"] == "fund-management"]
    assert mgmt and all("9%" in p["message"] for p in mgmt)
    assert all(p["clause"].endswith("七(一)（福田区口径）") for p in mgmt)


@pytest.mark.parametrize("kind", sorted(KINDS))
def test_every_kind_declares_typed_parameters(kind):
    """Every parameter of every kind has a kind of value; every default is of that kind."""
    cls = PARAMS[kind]
    assert issubclass(cls, RuleParams) and dataclasses.is_dataclass(cls)
    for name, f in declared(cls).items():
        assert "kind" in f.metadata, f"{kind}.{name}"
        if f.metadata.get("required"):
            assert f.default is None, f"{kind}.{name}: a required parameter has no default"


def test_the_shipped_packs_load_without_problems_and_every_rule_is_typed():
    lib = load_library(ROOT / "content", ROOT)
    assert lib.problems == []
    for pack in lib.packs.values():
        for rule in pack.rules.values():
            assert isinstance(rule.params, PARAMS[rule.check]), rule.id


def test_pack_problem_codes_are_in_the_catalogue():
    for code in ("unknown-check", "unknown-rule-param", "missing-rule-param", "wrong-rule-param"):
        assert code in CATALOGUE
        assert CATALOGUE[code].severity.value == "error"


def test_every_parameter_of_every_kind_is_documented():
    """docs/rule-packs.md names every check kind and, in that kind's section, each parameter."""
    text = (ROOT / "docs" / "rule-packs.md").read_text(encoding="utf-8")
    sections = {}
    for part in text.split("\n### `")[1:]:
        name, _, body = part.partition("`")
        sections[name] = body.split("\n## ")[0]
    missing = []
    for kind, cls in PARAMS.items():
        if kind not in sections:
            missing.append(kind)
            continue
        body = sections[kind]
        for name in declared(cls):
            if name != "title" and f"`{name}`" not in body:
                missing.append(f"{kind}.{name}")
    assert not missing, f"docs/rule-packs.md does not document: {missing}"
