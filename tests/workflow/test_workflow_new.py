"""``gongshi new`` and ``gongshi plan new``, tried the way a new user would."""

from __future__ import annotations

import json

import pytest
from workflow_helpers import demo, edit, minimal_project, project_with_real_content, run_cli

from generator.cli import main
from generator.packs.library import to_plain
from generator.pipeline import validate_project
from generator.records.load import read_document
from generator.records.validate import Project

NEW_ARGS = [
    "--district",
    "福田区",
    "--street",
    "沙头街道",
    "--community",
    "沙尾社区",
    "--community-type",
    "城中村社区",
    "--rule-pack",
    "shenzhen-2015",
    "--operator-name",
    "深圳市示例社会工作服务中心",
    "--credit-code",
    "52440300MJL0000012",
    "--no-input",
]


def test_new_centre_passes_check(tmp_path, monkeypatch, capsys):
    proj = project_with_real_content(tmp_path)
    assert run_cli(["new", "futian-shawei", *NEW_ARGS], monkeypatch, proj) == 0
    folder = proj / "centres" / "futian-shawei"
    text = (folder / "centre.yaml").read_text(encoding="utf-8")
    assert "# 请核对" in text
    assert "credit_code: 52440300MJL0000012" in text
    for sub in ("plans", "activities", "finance", "audits", "evaluations"):
        assert (folder / sub).is_dir()
    # gongshi check: no record errors (compliance findings on placeholder figures are the
    # user's to fix and carry a rule id)
    result = validate_project(Project(proj))
    assert [p for p in result.report.errors if p.rule is None] == []
    assert [c.id for c in result.centres] == ["futian-shawei"]
    assert result.centres[0].name == "沙头街道沙尾社区（党群）服务中心"
    # `gongshi check` on the folder: the only findings are the rule pack's judgement of the
    # placeholder figures (floor area 0 …), each citing its rule; no record is malformed.
    capsys.readouterr()
    code = main(["check", str(folder), "--format", "json"])
    report = json.loads(capsys.readouterr().out)
    assert code == (1 if report["errors"] else 0)
    assert all(p["rule"] for p in report["problems"]), report["problems"]


def test_placeholders_are_warnings_until_the_contract_starts(tmp_path, monkeypatch, capsys):
    """A new centre's placeholder figures (floor area 0, …) are warnings to check, not errors,
    until the contract period it describes starts; then the rules judge them as usual."""
    proj = project_with_real_content(tmp_path)
    assert run_cli(["new", "futian-shawei", *NEW_ARGS], monkeypatch, proj) == 0
    centre_yaml = proj / "centres" / "futian-shawei" / "centre.yaml"
    capsys.readouterr()
    assert run_cli(["check", "--format", "json"], monkeypatch, proj) == 0
    report = json.loads(capsys.readouterr().out)
    floor = [p for p in report["problems"] if p["code"] == "floor-area"]
    assert floor and floor[0]["severity"] == "warning"
    assert "占位内容，请核对" in floor[0]["message"]
    assert report["errors"] == 0
    # once the contract has started, the same figures are the rules' findings
    text = centre_yaml.read_text(encoding="utf-8")
    start = next(ln for ln in text.splitlines() if ln.strip().startswith("start:"))
    centre_yaml.write_text(text.replace(start, "  start: 2025-01-01   # 请核对"), "utf-8")
    assert run_cli(["check", "--format", "json"], monkeypatch, proj) == 1
    report = json.loads(capsys.readouterr().out)
    floor = [p for p in report["problems"] if p["code"] == "floor-area"]
    assert floor and floor[0]["severity"] == "error"
    assert "占位内容" not in floor[0]["message"]


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (["--credit-code", "52440300MJL0000013"], "校验位"),
        (["--community-type", "城市社区"], "社区类型只能是"),
        (["--rule-pack", "nowhere"], "找不到规则包 nowhere"),
    ],
)
def test_new_refuses_bad_facts(tmp_path, monkeypatch, capsys, change, expected):
    proj = project_with_real_content(tmp_path)
    args = list(NEW_ARGS)
    i = args.index(change[0])
    args[i + 1] = change[1]
    assert run_cli(["new", "futian-shawei", *args], monkeypatch, proj) == 2
    assert expected in capsys.readouterr().err
    assert not (proj / "centres" / "futian-shawei").exists()


def test_new_refuses_bad_or_existing_id(tmp_path, monkeypatch, capsys):
    proj = project_with_real_content(tmp_path)
    assert run_cli(["new", "Futian_Shawei", *NEW_ARGS], monkeypatch, proj) == 2
    assert "中心编号" in capsys.readouterr().err
    assert run_cli(["new", "futian-shawei", *NEW_ARGS], monkeypatch, proj) == 0
    before = (proj / "centres" / "futian-shawei" / "centre.yaml").read_bytes()
    assert run_cli(["new", "futian-shawei", *NEW_ARGS], monkeypatch, proj) == 2
    assert "已经存在" in capsys.readouterr().err
    assert (proj / "centres" / "futian-shawei" / "centre.yaml").read_bytes() == before


def test_new_without_facts_and_no_terminal_says_what_is_missing(tmp_path, monkeypatch, capsys):
    proj = project_with_real_content(tmp_path)
    assert run_cli(["new", "futian-shawei", "--no-input"], monkeypatch, proj) == 2
    err = capsys.readouterr().err
    for option in ("--district", "--street", "--community", "--credit-code"):
        assert option in err


RECURRING = """
recurring:
  - {weekday: 周一, time: "14:00-16:00", room: 多功能活动室, title: 四点半学校, service: 3.3.1, form: 群体, target: 小学生, capacity: 30}
  - {weekday: 周二, time: "19:00-20:30", room: 多功能活动室, title: 屋顶菜园分享会, service: own-garden, form: 群体, target: 居民, capacity: 20, themed: true}
  - {weekday: 周三, time: "10:00-11:00", room: 多功能活动室, title: 周三茶话, service: 3.3.1, form: 群体, target: 长者, capacity: 10}
"""


def _plan(path):
    doc = read_document(path, path.name)
    assert not doc.problems
    return to_plain(doc.root)


def test_plan_new_from_recurring_skips_holiday_and_closed_days(tmp_path, monkeypatch, capsys):
    proj = minimal_project(tmp_path)
    (demo(proj) / "centre.yaml").write_text(
        (demo(proj) / "centre.yaml").read_text(encoding="utf-8") + RECURRING, encoding="utf-8"
    )
    assert run_cli(["plan", "new", "demo", "2026-10"], monkeypatch, proj) == 0
    out = capsys.readouterr().out
    assert "当天闭馆（国庆节）" in out
    plan = _plan(demo(proj) / "plans" / "2026-10.yaml")
    assert plan["month"] == "2026-10"
    assert plan["published"] is None  # left for the user
    got = [(a["id"], a["date"], a["start"], a["title"]) for a in plan["activities"]]
    # Mondays 12, 19, 26 and Tuesdays 13, 20, 27; 5 and 6 October are closed (国庆节
    # 10-01..10-07); Wednesdays have no opening sessions, so nothing on them.
    assert got == [
        ("A01", "2026-10-12", "14:00", "四点半学校"),
        ("A02", "2026-10-13", "19:00", "屋顶菜园分享会"),
        ("A03", "2026-10-19", "14:00", "四点半学校"),
        ("A04", "2026-10-20", "19:00", "屋顶菜园分享会"),
        ("A05", "2026-10-26", "14:00", "四点半学校"),
        ("A06", "2026-10-27", "19:00", "屋顶菜园分享会"),
    ]
    assert plan["activities"][1]["themed"] == "true"
    assert all(a["signup"] for a in plan["activities"])
    result = validate_project(Project(proj))
    assert result.report.problems == []
    assert result.centres[0].plans[-1].key == "2026-10"


def test_plan_new_refuses_to_overwrite(tmp_path, monkeypatch, capsys):
    proj = minimal_project(tmp_path)
    (demo(proj) / "centre.yaml").write_text(
        (demo(proj) / "centre.yaml").read_text(encoding="utf-8") + RECURRING, encoding="utf-8"
    )
    before = (demo(proj) / "plans" / "2026-03.yaml").read_bytes()
    assert run_cli(["plan", "new", "demo", "2026-03"], monkeypatch, proj) == 1
    assert "不会覆盖" in capsys.readouterr().err
    assert (demo(proj) / "plans" / "2026-03.yaml").read_bytes() == before


def test_plan_new_arguments(tmp_path, monkeypatch, capsys):
    proj = minimal_project(tmp_path)
    assert run_cli(["plan", "new", "demo", "2026-13"], monkeypatch, proj) == 2
    assert run_cli(["plan", "new", "nowhere", "2026-11"], monkeypatch, proj) == 1
    # no recurring activities in the fixture: nothing to draft from
    assert run_cli(["plan", "new", "demo", "2026-11"], monkeypatch, proj) == 1
    assert "recurring" in capsys.readouterr().err
    edit(demo(proj) / "centre.yaml", "floor_area: 450.5", "floor_area: 四百")
    (demo(proj) / "centre.yaml").write_text(
        (demo(proj) / "centre.yaml").read_text(encoding="utf-8") + RECURRING, encoding="utf-8"
    )
    assert run_cli(["plan", "new", "demo", "2026-11"], monkeypatch, proj) == 1
    assert not (demo(proj) / "plans" / "2026-11.yaml").exists()  # centre.yaml is broken


class _Terminal:
    """Typed answers on a terminal: ``gongshi new`` asks only when stdin is a TTY."""

    def __init__(self, answers: list[str]):
        self.lines = [a + "\n" for a in answers]

    def isatty(self) -> bool:
        return True

    def readline(self) -> str:
        return self.lines.pop(0) if self.lines else ""


def test_new_asks_in_a_terminal_and_asks_again_after_a_wrong_answer(tmp_path, monkeypatch, capsys):
    proj = project_with_real_content(tmp_path)
    answers = [
        "nanshan-demo",
        "南山区",
        "粤海街道",
        "科技园社区",
        "现代化社区",
        "binjiang-2023",
        "深圳市示例社会工作服务中心",
        "52440300MJL0000013",  # wrong check character …
        "52440300MJL0000012",  # … asked again
        "",
        "",
        "",
        "",
    ]  # city, brand, address, phone: later
    monkeypatch.setattr("sys.stdin", _Terminal(answers))
    assert run_cli(["new"], monkeypatch, proj) == 0
    err = capsys.readouterr().err
    assert "统一社会信用代码校验位不对" in err
    result = validate_project(Project(proj))
    assert [p for p in result.report.errors if p.rule is None] == []
    (centre,) = result.centres
    assert (centre.id, centre.community_type, centre.rule_pack) == (
        "nanshan-demo",
        "现代化社区",
        "binjiang-2023",
    )
    assert centre.operator.credit_code == "52440300MJL0000012"
