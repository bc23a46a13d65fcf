"""The rules count what happened, through the CLI on copies of the samples: YAML → check/score.

Each test breaks one fact in a copy of a sample centre and reads what ``gongshi check`` and
``gongshi score`` say, at the boundary the documents draw.
"""

from __future__ import annotations

import json
from pathlib import Path

from command_helpers import edit_yaml, gongshi, sample_project

ROOT = Path(__file__).resolve().parents[2]
TODAY = "2026-12-06"


def project_with(tmp_path: Path, centre: str) -> Path:
    """A project of one sample centre with the shipped content; the centre's folder."""
    return sample_project(tmp_path, centre) / "centres" / centre


def check_json(cwd: Path, *extra: str) -> dict:
    r = gongshi("check", "--today", TODAY, "--format", "json", *extra, cwd=cwd)
    assert r.returncode in (0, 1), r.stderr
    return json.loads(r.stdout)


def score_json(cwd: Path, centre: str, year: str) -> dict:
    r = gongshi("score", centre, year, "--format", "json", cwd=cwd)
    assert r.returncode == 0, r.stderr
    return json.loads(r.stdout)


def messages(report: dict, code: str) -> list[str]:
    return [p["message"] for p in report["problems"] if p["code"] == code]


# ---------------------------------------------------------------- a month that happened


def test_a_month_without_its_activity_record_is_a_shortfall(tmp_path: Path) -> None:
    folder = project_with(tmp_path, "binjiang-lanwan")
    before = score_json(tmp_path, "binjiang-lanwan", "2026")
    (folder / "activities" / "2026-03.yaml").unlink()
    report = check_json(tmp_path)
    (msg,) = [m for m in messages(report, "themed-activities") if m.startswith("2026-03")]
    assert "有活动计划但没有活动记录，按举办主题活动 0 场计，少于每月 5 场" in msg
    after = score_json(tmp_path, "binjiang-lanwan", "2026")
    assert float(after["total"]) < float(before["total"])


def test_a_contract_month_with_neither_plan_nor_record_is_a_shortfall(tmp_path: Path) -> None:
    folder = project_with(tmp_path, "binjiang-lanwan")
    (folder / "activities" / "2026-04.yaml").unlink()
    (folder / "plans" / "2026-04.yaml").unlink()
    report = check_json(tmp_path)
    (msg,) = [m for m in messages(report, "themed-activities") if m.startswith("2026-04")]
    assert "没有活动计划也没有活动记录" in msg
    problem = next(p for p in report["problems"] if p["message"] == msg)
    assert problem["file"].endswith("centre.yaml")
    # the month running today is never short
    assert not [m for m in messages(report, "themed-activities") if m.startswith("2026-12")]


# ---------------------------------------------------------------- services delivered


def test_catalogue_rules_count_services_delivered_not_listed(tmp_path: Path) -> None:
    folder = project_with(tmp_path, "shenzhen-xiashi")

    def drop_table_two(data) -> None:
        codes = data["services"]["catalogue"]
        for i in reversed(range(len(codes))):
            if str(codes[i]).startswith("2."):
                del codes[i]

    edit_yaml(folder / "centre.yaml", drop_table_two)
    report = check_json(tmp_path)
    # 表二 activities were held: the list's omission is not a shortfall
    assert not [m for m in messages(report, "mandatory-categories") if "表二" in m]


def test_a_centre_that_lists_services_but_delivers_none_falls_short(tmp_path: Path) -> None:
    folder = project_with(tmp_path, "shenzhen-xiashi")

    def cancel_all(data) -> None:
        for record in data["records"]:
            record["status"] = "已取消"
            record["reason"] = "场地维修"
        data.pop("individual", None)

    for path in sorted((folder / "activities").glob("*.yaml")):
        edit_yaml(path, cancel_all)
    report = check_json(tmp_path)
    (size,) = messages(report, "catalogue-size")
    assert "实际举办的活动和个案服务涉及服务大项 0 项" in size
    assert "services.catalogue 列出但期内没有举办记录的" in size
    assert any("没有表一" in m for m in messages(report, "mandatory-categories"))
