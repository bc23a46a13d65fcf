"""What the packs mean, through the CLI on copies of the samples: YAML → ``check``/``score``.

Each test copies content/ and one sample centre into a temporary project, changes one fact
with ruamel (comments kept) and reads what ``gongshi check --format json`` and ``gongshi
score`` say: contract terms and funding, rooms, the paid-service filing authority, the early
plan's 合格/不合格, a second B-, and the resident vote that waits for its verification.
The evaluation records are changed after their publication in the samples, so each copy
drops its published.yaml (the ledger would otherwise ask for a correction).
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from command_helpers import edit_yaml, gongshi, sample_project, set_keys

ROOT = Path(__file__).resolve().parents[2]
TODAY = "2026-12-06"

pytestmark = pytest.mark.slow


def project_with(tmp_path: Path, centre: str) -> Path:
    """A project of one sample centre with the shipped content, without its ledger."""
    return sample_project(tmp_path, centre, ledger=False) / "centres" / centre


edit = edit_yaml


def check_json(cwd: Path) -> dict:
    r = gongshi("check", "--today", TODAY, "--format", "json", cwd=cwd)
    assert r.returncode in (0, 1), r.stderr
    return json.loads(r.stdout)


def score_text(cwd: Path, centre: str) -> str:
    r = gongshi("score", centre, "2026", cwd=cwd)
    assert r.returncode == 0, r.stderr
    return r.stdout


def problems(report: dict, code: str) -> list[dict]:
    return [p for p in report["problems"] if p["code"] == code]


def status(report: dict, rule: str) -> str:
    (found,) = [r for r in report["rules"] if r["rule"] == rule]
    return found["status"]


def record_errors(report: dict) -> list[str]:
    return [
        p["message"] for p in report["problems"] if p["severity"] == "error" and not p.get("rule")
    ]


def use_pack(folder: Path, pack_id: str) -> None:
    edit(folder / "centre.yaml", lambda d: d.__setitem__("rule_pack", pack_id))


def set_contract(folder: Path, start: dt.date, end: dt.date) -> None:
    def change(d):
        d["contract"]["start"], d["contract"]["end"] = start, end

    edit(folder / "centre.yaml", change)


def set_evaluation(folder: Path, **values) -> None:
    set_keys(folder / "evaluations" / "2026.yaml", **values)


# ---------------------------------------------------------------- the early plan (shenzhen-early)


def test_early_plan_pass_grade_matches_its_band_and_shows_the_extension(tmp_path: Path) -> None:
    folder = project_with(tmp_path, "shenzhen-xiashi")
    use_pack(folder, "shenzhen-early")
    set_evaluation(folder, grade="合格")  # the record keeps its score of 868.5
    report = check_json(tmp_path)
    assert status(report, "evaluation-outcome") == "pass"
    assert not problems(report, "evaluation-outcome")
    out = score_text(tmp_path, "shenzhen-xiashi")
    assert "None" not in out
    assert "评估等级：合格" in out
    assert "合同后果：双方同意继续的，合同自动延续两年" in out
    assert "本规则包按评估结论（合格、不合格）定等级，不按分数分档" in out


def test_early_plan_fail_grade_comes_from_the_conclusion_not_the_score(tmp_path: Path) -> None:
    folder = project_with(tmp_path, "shenzhen-xiashi")
    use_pack(folder, "shenzhen-early")
    set_evaluation(folder, grade="不合格")
    (p,) = problems(check_json(tmp_path), "evaluation-outcome")
    assert p["severity"] == "error"
    assert p["message"].startswith("2026年度评估等级为 不合格（按评估结论）：自动终止合同")
    assert "按分数" not in p["message"]


def test_early_plan_paid_services_filed_with_the_street_fail(tmp_path: Path) -> None:
    folder = project_with(tmp_path, "shenzhen-xiashi")
    use_pack(folder, "shenzhen-early")
    report = check_json(tmp_path)
    found = problems(report, "paid-services-filed")
    assert found and all("不是向区级主管部门" in p["message"] for p in found)
    assert all(p["file"].endswith("centre.yaml") and p["severity"] == "error" for p in found)

    def to_district(d):
        for ps in d["services"]["paid"]:
            ps["filed_with"] = "宝安区民政局"

    edit(folder / "centre.yaml", to_district)
    assert not problems(check_json(tmp_path), "paid-services-filed")


def test_early_plan_rooms_and_one_year_contract(tmp_path: Path) -> None:
    folder = project_with(tmp_path, "shenzhen-xiashi")
    use_pack(folder, "shenzhen-early")
    report = check_json(tmp_path)
    # 服务接待大厅, 个案辅导室, 多功能厅, 社工办公室 stand for the four rooms of 二(三)
    assert status(report, "required-rooms") == "pass"
    (p,) = problems(report, "first-contract-term")  # 2025-01-01..2027-12-31
    assert "共 3 年，不符合“为期 1 年”" in p["message"] and p["severity"] == "warning"

    def office_to_store(d):
        for room in d["rooms"]:
            if room["name"] == "社工办公室":
                room["purpose"] = "物资存放"
                room["name"] = "储物间"

    edit(folder / "centre.yaml", office_to_store)
    report = check_json(tmp_path)
    messages = [p["message"] for p in problems(report, "required-rooms")]
    assert messages == ["功能室中没有行政办公室（名称或用途含“办公”的功能室）"]


def test_early_plan_free_services_use_its_own_table_numbers(tmp_path: Path) -> None:
    folder = project_with(tmp_path, "shenzhen-xiashi")
    use_pack(folder, "shenzhen-early")

    def charge_self_help(d):
        for a in d["activities"]:
            if str(a["service"]).startswith("8."):
                a["price"] = 5
                a["paid_service"] = "10.2.2"  # a priced activity names its paid service
                return

    edit(folder / "plans" / "2026-11.yaml", charge_self_help)  # 8.1.3, 表八 of the catalogue
    report = check_json(tmp_path)
    (p,) = problems(report, "free-public-services")
    assert "表七）收费 5.00 元" in p["message"] and "表八" not in p["message"]


# ---------------------------------------------------------------- Shenzhen 2015: grades and vetoes


def test_second_consecutive_b_minus_is_an_error_like_c(tmp_path: Path) -> None:
    folder = project_with(tmp_path, "shenzhen-xiashi")
    set_evaluation(folder, score=650, grade="B-", previous_grade="B")
    (p,) = problems(check_json(tmp_path), "grade")
    assert (p["severity"], p["message"]) == (
        "warning",
        "2026年度评估等级为 B-（按分数 650 分）：区主管部门责令整改",
    )
    set_evaluation(folder, previous_grade="B-")
    (p,) = problems(check_json(tmp_path), "grade")
    assert p["severity"] == "error"
    assert p["message"] == "2026年度评估等级为 B-（按分数 650 分）：单方面终止营运合同，另行招标"


def test_resident_vote_above_60_percent_waits_for_verification(tmp_path: Path) -> None:
    folder = project_with(tmp_path, "shenzhen-xiashi")
    set_evaluation(folder, assembly_vote_share=0.6001)
    report = check_json(tmp_path)
    (p,) = problems(report, "veto-resident-vote")
    assert p["severity"] == "warning"
    assert "超过 60%，待区/市核实" in p["message"]
    assert "评估记录没有登记区和市主管部门的核实（vote_verification）" in p["message"]
    assert p["file"].endswith("evaluations/2026.yaml")
    assert not problems(report, "grade")  # the grade is not forced to C
    out = score_text(tmp_path, "shenzhen-xiashi")
    assert "评估等级：A（" in out and "评估等级：C" not in out
    set_evaluation(folder, assembly_vote_share=0.6)
    assert status(check_json(tmp_path), "veto-resident-vote") == "pass"


def test_verified_resident_vote_makes_the_grade_c(tmp_path: Path) -> None:
    folder = project_with(tmp_path, "shenzhen-xiashi")
    checked = {"by": "宝安区民政局、深圳市民政局", "on": dt.date(2026, 11, 20)}
    set_evaluation(folder, assembly_vote_share=0.6001, vote_verification=checked)
    report = check_json(tmp_path)
    (p,) = problems(report, "veto-resident-vote")
    assert p["severity"] == "error"
    assert "经宝安区民政局、深圳市民政局于 2026年11月20日 核实，一票否决" in p["message"]
    grades = [g["message"] for g in problems(report, "grade")]
    assert any(m.startswith("2026年度评估等级为 C（一票否决") for m in grades), grades
    # the evaluator's stated A is not what the veto gives
    assert "评估记录的等级 A 与一票否决" in " ".join(grades)
    assert "评估等级：C" in score_text(tmp_path, "shenzhen-xiashi")


def test_three_year_grade_extends_the_contract_two_years(tmp_path: Path) -> None:
    folder = project_with(tmp_path, "shenzhen-xiashi")
    set_evaluation(folder, three_year_grade="B+")
    assert "直接延续营运两年" in score_text(tmp_path, "shenzhen-xiashi")
    set_evaluation(folder, three_year_grade="B-")
    assert "直接延续营运两年" not in score_text(tmp_path, "shenzhen-xiashi")


def test_fee_veto_warning_keeps_its_subject(tmp_path: Path) -> None:
    folder = project_with(tmp_path, "shenzhen-xiashi")

    def more_fee(d):
        extra = 80000  # exact in binary, as are the amounts it is added to
        cat = d["expenditure"]["management"]
        cat["items"][0]["amount"] += extra
        cat["total"] += extra
        d["expenditure"]["total"] += extra

    edit(folder / "finance" / "2026-Q1.yaml", more_fee)
    (p,) = problems(check_json(tmp_path), "veto-management-fee")
    assert p["severity"] == "warning"
    assert p["message"].startswith("2026年全年 机构营运管理费占支出的 ")
    assert "，高于上限 10%：如经" in p["message"]


def test_three_year_contract_of_the_2015_standard(tmp_path: Path) -> None:
    project_with(tmp_path, "shenzhen-xiashi")
    report = check_json(tmp_path)
    assert status(report, "contract-term") == "pass"  # 2025-01-01..2027-12-31
    assert status(report, "independent-office") == "pass"  # 社工办公室
    assert status(report, "paid-services-filed") == "pass"  # 榕湾街道办事处
    assert status(report, "paid-income-not-distributed") == "no-data"


# ---------------------------------------------------------------- 惠城: contract and funding


def test_huizhou_one_year_contract_and_funding_split(tmp_path: Path) -> None:
    folder = project_with(tmp_path, "huizhou-rongxi")
    report = check_json(tmp_path)
    assert status(report, "contract-term") == "pass"  # 2026-01-01..2026-12-31
    assert status(report, "funding-split") == "pass"  # 30万 city + 10万 district

    def split_350_50(d):
        for f in d["contract"]["funders"]:
            f["amount"] = 350000 if f["name"] == "市级财政" else 50000

    edit(folder / "centre.yaml", split_350_50)
    set_contract(folder, dt.date(2026, 1, 1), dt.date(2028, 12, 31))
    report = check_json(tmp_path)
    assert not record_errors(report)
    (p,) = problems(report, "funding-split")
    assert p["message"] == "区财政 安排 50,000.00 元，低于下限 100,000.00 元"
    assert p["severity"] == "warning" and p["file"].endswith("centre.yaml")
    assert not problems(report, "annual-budget")  # the total of 40万 still passes
    (p,) = problems(report, "contract-term")
    assert "共 3 年，不符合“为期 1 年”" in p["message"]
