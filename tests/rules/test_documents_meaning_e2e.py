"""The rules as the documents mean them, through the CLI on copies of the samples: YAML →
``check --format json`` / ``score``.

Opening hours counted week by week with their closures (a closure week fails, the statutory
holidays never do), sessions to 24:00 and past midnight written and printed; Binjiang's
mid-term and final evaluations checked apart and its satisfaction sample's composition;
Huizhou's expiry evaluation half a month before the contract's end; the 12349 coverage;
the early plan's own table numbers; a number with too many decimals.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import subprocess
from pathlib import Path

import pytest
from command_helpers import edit_yaml, gongshi, sample_project, set_keys

pytestmark = pytest.mark.slow

TODAY = "2026-11-22"  # the samples describe 2026


def project_with(tmp_path: Path, centre: str) -> Path:
    return sample_project(tmp_path, centre, ledger=False) / "centres" / centre


def check_json(cwd: Path, today: str = TODAY) -> dict:
    r = gongshi("check", "--today", today, "--format", "json", cwd=cwd)
    assert r.returncode in (0, 1), r.stderr
    return json.loads(r.stdout)


def problems(report: dict, rule: str) -> list[dict]:
    return [p for p in report["problems"] if p.get("rule") == rule]


def status(report: dict, rule: str) -> str:
    (found,) = [r for r in report["rules"] if r["rule"] == rule]
    return found["status"]


def record_errors(report: dict) -> list[str]:
    return [
        f"{p['file']}:{p['line']} {p['message']}"
        for p in report["problems"]
        if p["severity"] == "error" and not p.get("rule")
    ]


def add_exception(folder: Path, **values) -> None:
    def change(d):
        d["opening_hours"]["exceptions"].append(dict(values))

    edit_yaml(folder / "centre.yaml", change)


def set_day(folder: Path, day: str, sessions: list[str]) -> None:
    def change(d):
        d["opening_hours"]["weekly"][day] = sessions

    edit_yaml(folder / "centre.yaml", change)


# ---------------------------------------------------------------- opening hours


def test_a_closure_week_fails_and_holiday_weeks_do_not(tmp_path: Path) -> None:
    folder = project_with(tmp_path, "binjiang-lanwan")
    # the sample closes for every statutory holiday: no week fails for them
    assert status(check_json(tmp_path), "opening-hours") == "pass"
    # Monday–Wednesday closed: Thursday–Saturday leave 3 days of 12 h
    add_exception(
        folder, **{"from": dt.date(2026, 3, 9), "to": dt.date(2026, 3, 11)}, reason="设备检修"
    )
    report = check_json(tmp_path)
    (p,) = problems(report, "opening-hours")
    assert p["severity"] == "warning"
    assert p["message"].startswith(
        "2026年有 1 周开放不少于 12 小时的天数少于 5 天（法定节假日不计）："
        "2026年3月9日至3月15日那周 3 天（闭馆：设备检修）"
    )
    text = (folder / "centre.yaml").read_text(encoding="utf-8").splitlines()
    assert "from: 2026-03-09" in text[p["line"] - 1]  # at the closure that caused it
    # a closure in a week not yet over is not judged
    edit_yaml(folder / "centre.yaml", lambda d: d["opening_hours"]["exceptions"].pop())
    add_exception(
        folder, **{"from": dt.date(2026, 11, 23), "to": dt.date(2026, 11, 25)}, reason="设备检修"
    )
    assert status(check_json(tmp_path), "opening-hours") == "pass"


def test_a_closure_week_costs_the_score_line(tmp_path: Path) -> None:
    folder = project_with(tmp_path, "binjiang-lanwan")
    add_exception(
        folder, **{"from": dt.date(2026, 3, 9), "to": dt.date(2026, 3, 11)}, reason="设备检修"
    )
    r = gongshi("score", "binjiang-lanwan", "2026", cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    assert "3月9日至3月15日那周 3 天" in r.stdout


def test_sessions_to_midnight_and_overnight(tmp_path: Path) -> None:
    folder = project_with(tmp_path, "binjiang-lanwan")
    # Sunday: 12:00-24:00 is 12 h, a seventh day of 12 h; Saturday overnight 20:00-02:00
    set_day(folder, "周日", ["12:00-24:00"])
    set_day(folder, "周六", ["08:30-12:00", "20:00-02:00"])
    report = check_json(tmp_path)
    assert record_errors(report) == []
    assert status(report, "opening-hours") == "pass"
    # the hours posting prints them as read (real typst, read back with pdftotext)
    out = tmp_path / "out"
    r = gongshi(
        "print",
        "binjiang-lanwan",
        "--kind",
        "hours",
        "--today",
        TODAY,
        "--out",
        str(out),
        cwd=tmp_path,
    )
    assert r.returncode == 0, r.stderr
    (pdf,) = sorted(out.rglob("*.pdf"))
    text = subprocess.run(
        ["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    assert "12:00-24:00" in text and "20:00-次日02:00" in text, text


def test_a_short_day_at_midnight_is_counted_exactly(tmp_path: Path) -> None:
    folder = project_with(tmp_path, "binjiang-lanwan")
    # Monday to Friday stay 12 h; Saturday 12:01-24:00 is 11 h 59 min: five days remain
    set_day(folder, "周六", ["12:01-24:00"])
    for day in ("周一", "周二"):
        set_day(folder, day, ["12:01-24:00"])
    (p,) = problems(check_json(tmp_path), "opening-hours")
    assert p["message"].startswith("每天开放不少于 12 小时的只有 3 天（周三、周四、周五）")
    assert "开放 11 小时 59 分" in p["message"]


def test_a_session_that_cannot_be_read_says_how_to_write_midnight(tmp_path: Path) -> None:
    folder = project_with(tmp_path, "binjiang-lanwan")
    set_day(folder, "周日", ["12:00-25:00"])
    report = check_json(tmp_path)
    (msg,) = record_errors(report)
    assert "开到午夜写 24:00，跨夜写 20:00-02:00" in msg and "centre.yaml" in msg


# ---------------------------------------------------------------- evaluations


def set_evaluation(folder: Path, **values) -> None:
    set_keys(folder / "evaluations" / "2026.yaml", **values)


def test_binjiang_mid_term_and_final_evaluations_apart(tmp_path: Path) -> None:
    folder = project_with(tmp_path, "binjiang-lanwan")
    late = "2027-02-10"  # the year 2026 is over
    assert status(check_json(tmp_path, late), "evaluation-schedule") == "pass"
    set_evaluation(folder, other_evaluations=None)
    (p,) = problems(check_json(tmp_path, late), "evaluation-schedule")
    assert p["severity"] == "info"
    assert p["message"].startswith(
        "2026 年度没有中期评估的记录（年度中期评估；记录中只有终期评估）"
    )


def test_binjiang_satisfaction_sample_composition(tmp_path: Path) -> None:
    folder = project_with(tmp_path, "binjiang-lanwan")

    def change(d):
        d["satisfaction"]["random"], d["satisfaction"]["phone"] = 40, 20

    edit_yaml(folder / "evaluations" / "2026.yaml", change)
    (p,) = problems(check_json(tmp_path), "satisfaction-sample")
    assert p["message"] == "2026年满意度调查电话抽取 20 名，低于下限 30 名"
    assert p["file"].endswith("evaluations/2026.yaml")


def test_huizhou_expiry_evaluation_half_a_month_before_the_end(tmp_path: Path) -> None:
    folder = project_with(tmp_path, "huizhou-rongxi")
    late = "2027-01-10"
    assert status(check_json(tmp_path, late), "contract-and-evaluation") == "pass"

    def later(d):
        d["other_evaluations"][0]["date"] = dt.date(2026, 12, 17)

    edit_yaml(folder / "evaluations" / "2026.yaml", later)
    (p,) = problems(check_json(tmp_path, late), "contract-and-evaluation")
    assert p["message"].startswith(
        "期满评估于 2026年12月17日 进行，晚于合同结束日前 15 日（2026年12月16日）"
    )


# ---------------------------------------------------------------- 12349, table numbers, decimals


def test_platform_12349_coverage(tmp_path: Path) -> None:
    folder = project_with(tmp_path, "shenzhen-xiashi")
    assert status(check_json(tmp_path), "platform-12349-coverage") == "pass"
    edit_yaml(
        folder / "centre.yaml",
        lambda d: d["services"]["platform_12349"].__setitem__("covered", 180),
    )
    (p,) = problems(check_json(tmp_path), "platform-12349-coverage")
    assert p["severity"] == "error"
    assert p["message"].startswith("“12349”平台对重点人群的覆盖率为 96.77%，低于下限 100%")
    edit_yaml(folder / "centre.yaml", lambda d: d["services"].pop("platform_12349"))
    assert status(check_json(tmp_path), "platform-12349-coverage") == "no-data"


def test_early_plan_messages_use_its_own_table_numbers(tmp_path: Path) -> None:
    folder = project_with(tmp_path, "shenzhen-xiashi")
    edit_yaml(folder / "centre.yaml", lambda d: d.__setitem__("rule_pack", "shenzhen-early"))

    # nothing of the catalogue's 表八 (the early plan's 表七, self-help) is delivered any more
    for path in sorted(
        [*(folder / "activities").glob("*.yaml"), *(folder / "plans").glob("*.yaml")]
    ):
        text = path.read_text(encoding="utf-8")
        path.write_text(re.sub(r"service: 8\.[0-9.]+", "service: 1.1.2", text), encoding="utf-8")
    report = check_json(tmp_path)
    messages = " ".join(
        p["message"]
        for p in report["problems"]
        if (p.get("rule") or "").startswith("catalogue") or "表" in p["message"]
    )
    assert "表七" in messages and "表八" not in messages, messages


def test_training_hours_with_two_decimals(tmp_path: Path) -> None:
    folder = project_with(tmp_path, "binjiang-lanwan")
    edit_yaml(folder / "centre.yaml", lambda d: d["staff"][0].__setitem__("training_hours", 49.95))
    msgs = record_errors(check_json(tmp_path))
    assert any("年度培训学时最多 1 位小数，这里是 49.95" in m for m in msgs), msgs
    assert not any("应是数字" in m for m in msgs)
