"""``gongshi new`` answered through standard input, the way staff type it or a script pipes it."""

from __future__ import annotations

import os
import shlex
import subprocess
import sys
from pathlib import Path

import pytest
from workflow_helpers import project_with_real_content

from generator.cli import main
from generator.pipeline import project_library
from generator.records.validate import Project
from generator.workflow.scaffold import FACT_KINDS

GONGSHI = [sys.executable, "-m", "generator"]


def gongshi(args: list[str], cwd: Path, stdin: str = "") -> subprocess.CompletedProcess:
    return subprocess.run(
        [*GONGSHI, *args],
        cwd=cwd,
        input=stdin,
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=120,
        env={**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[2])},
    )


def pack_number(proj: Path, pack_id: str) -> str:
    """The number ``gongshi new`` shows for a pack (packs are listed by id)."""
    return str(sorted(project_library(Project(proj)).packs).index(pack_id) + 1)


def answers(*lines: str) -> str:
    return "".join(line + "\n" for line in lines)


def test_enter_on_required_questions_is_asked_again_and_choices_are_numbered(tmp_path):
    proj = project_with_real_content(tmp_path)
    stdin = answers(
        "futian-shawei",
        "福田",  # no 区: asked again with a hint
        "福田区",
        "沙头街道",
        "沙尾社区",
        "",  # 社区类型: Enter is not an answer
        "3",  # 城中村社区
        "",  # 规则包: Enter is not an answer
        pack_number(proj, "shenzhen-2015"),
        "深圳市示例社会工作服务中心",
        "52440300MJL0000012",
        "",  # city, brand, address, phone: later
        "",
        "",
        "",
    )
    r = gongshi(["new"], proj, stdin)
    assert r.returncode == 0, r.stderr
    assert "Traceback" not in r.stderr
    assert "所在区请写全称" in r.stderr and "福田区" in r.stderr
    assert r.stderr.count("这一项不能空着") == 2
    assert "规则包决定按哪一份规范检查本中心" in r.stderr
    # the packs are offered with the regulation each one encodes, read from the pack files
    for pack in project_library(Project(proj)).packs.values():
        assert pack.document.strip("《》") in r.stderr
    # the community types with the table that defines them
    assert "表九" in r.stderr and "1. 传统城市社区" in r.stderr

    text = (proj / "centres" / "futian-shawei" / "centre.yaml").read_text(encoding="utf-8")
    first = text.splitlines()[0]
    assert first.startswith("# yaml-language-server: $schema=")
    target = first.split("$schema=", 1)[1]
    assert not target.startswith("/") and target.endswith("docs/schema/records/centre.schema.json")
    assert "district: 福田区" in text
    assert "community_type: 城中村社区" in text
    assert "rule_pack: shenzhen-2015" in text

    # the centre checks with warnings only
    r = gongshi(["check", "centres/futian-shawei"], proj)
    assert r.returncode == 0, r.stdout + r.stderr
    assert "共 0 个错误" in r.stdout + r.stderr


def test_input_ending_early_loses_no_answer(tmp_path):
    proj = project_with_real_content(tmp_path)
    stdin = answers("futian-shawei", "福田区", "沙头街道", "沙尾社区", "城中村社区")
    r = gongshi(["new"], proj, stdin)
    assert r.returncode == 2
    assert not (proj / "centres" / "futian-shawei").exists()
    assert "Traceback" not in r.stderr
    assert "--rule-pack" in r.stderr and "--credit-code" in r.stderr
    # every answer given is in the command printed to finish with
    resume = next(
        ln.strip() for ln in r.stderr.splitlines() if ln.strip().startswith("gongshi new ")
    )
    for given in ("futian-shawei", "福田区", "沙头街道", "沙尾社区", "城中村社区"):
        assert given in resume
    rest = [
        "--rule-pack",
        "shenzhen-2015",
        "--operator-name",
        "深圳市示例社会工作服务中心",
        "--credit-code",
        "52440300MJL0000012",
        "--no-input",
    ]
    r = gongshi([*shlex.split(resume)[1:], *rest], proj)
    assert r.returncode == 0, r.stderr
    text = (proj / "centres" / "futian-shawei" / "centre.yaml").read_text(encoding="utf-8")
    assert "street: 沙头街道" in text and "community_type: 城中村社区" in text


def test_wrong_option_is_asked_again_when_input_is_available(tmp_path):
    proj = project_with_real_content(tmp_path)
    args = [
        "new",
        "futian-shawei",
        "--district",
        "福田",
        "--street",
        "沙头街道",
        "--community",
        "沙尾社区",
        "--community-type",
        "城中村社区",
        "--rule-pack",
        "nowhere",
        "--operator-name",
        "深圳市示例社会工作服务中心",
        "--credit-code",
        "52440300MJL0000012",
    ]
    stdin = answers("福田区", "shenzhen-2015", "", "", "", "")
    r = gongshi(args, proj, stdin)
    assert r.returncode == 0, r.stderr
    assert "所在区请写全称" in r.stderr and "找不到规则包 nowhere" in r.stderr
    text = (proj / "centres" / "futian-shawei" / "centre.yaml").read_text(encoding="utf-8")
    assert "district: 福田区" in text and "rule_pack: shenzhen-2015" in text


def test_no_input_reports_every_missing_or_wrong_fact_at_once(tmp_path, monkeypatch, capsys):
    proj = project_with_real_content(tmp_path)
    monkeypatch.chdir(proj)
    code = main(["new", "futian-shawei", "--district", "福田", "--rule-pack", "9", "--no-input"])
    assert code == 2
    err = capsys.readouterr().err
    assert "--district：所在区请写全称" in err
    assert "找不到规则包 9" in err
    for fact in ("street", "community", "community_type", "operator_name", "credit_code"):
        assert f"--{fact.replace('_', '-')}" in err
    assert not (proj / "centres" / "futian-shawei").exists()


@pytest.mark.parametrize(
    "pack_id", ["binjiang-2023", "huizhou-pilot", "shenzhen-2015", "shenzhen-early"]
)
def test_new_centre_of_every_pack_has_no_errors(tmp_path, monkeypatch, capsys, pack_id):
    proj = project_with_real_content(tmp_path)
    monkeypatch.chdir(proj)
    facts = {
        "district": "福田区",
        "street": "沙头街道",
        "community": "沙尾社区",
        "community_type": "城中村社区",
        "rule_pack": pack_id,
        "operator_name": "深圳市示例社会工作服务中心",
        "credit_code": "52440300MJL0000012",
    }
    assert set(facts) | {"city", "brand", "address", "phone"} == set(FACT_KINDS)
    opts = [x for k, v in facts.items() for x in (f"--{k.replace('_', '-')}", v)]
    # made in March 2026: the contract year (2026-04…2027-03) spans an announced year
    assert main(["new", "demo-centre", *opts, "--no-input", "--today", "2026-03-15"]) == 0
    capsys.readouterr()
    assert main(["check", "centres/demo-centre", "--today", "2026-03-15"]) == 0
    out = capsys.readouterr().out
    assert "共 0 个错误" in out
    text = (proj / "centres" / "demo-centre" / "centre.yaml").read_text(encoding="utf-8")
    # the contract year's holidays and 调休 working days, each to be confirmed
    assert "    - from: 2026-05-01   # 请核对\n      to: 2026-05-05\n      reason: 劳动节\n" in text
    assert (
        "    - date: 2026-05-09   # 请核对：周六调休上班\n      reason: 调休上班（劳动节）\n"
        in text
    )
    assert "2026-01-01" not in text  # before the contract
    assert "2027 年的放假调休安排本系统尚未收录" in text
