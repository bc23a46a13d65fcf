"""Finance as 七(一) and 七(三) mean it, through the CLI on copies of the samples: YAML → check.

A contract that starts in April is judged for its months of the year (the annual ratios at
the rule's severity, labelled by the months they cover); every quarter of the contract is
due, before the first record too; each quarter carries in what the previous one closed
with; an annual audit with its signed PDF is the audit report 七(三) asks for; and a
deadline the project chose is printed as a local choice with its basis.
"""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

from command_helpers import gongshi, sample_project
from ruamel.yaml import YAML

ROOT = Path(__file__).resolve().parents[2]
TODAY = "2026-12-06"
SZ = "shenzhen-xiashi"


def project_with(tmp_path: Path, centre: str) -> Path:
    """A project of one sample centre with the shipped content; the centre's folder."""
    return sample_project(tmp_path, centre) / "centres" / centre


def check_json(cwd: Path) -> dict:
    r = gongshi("check", "--today", TODAY, "--format", "json", cwd=cwd)
    assert r.returncode in (0, 1), r.stderr
    return json.loads(r.stdout)


def edit(path: Path, change) -> None:
    yaml = YAML()
    yaml.preserve_quotes = True
    data = yaml.load(path.read_text(encoding="utf-8"))
    change(data)
    with path.open("w", encoding="utf-8") as f:
        yaml.dump(data, f)


def money(value) -> Decimal:
    return Decimal(str(value)).quantize(Decimal("0.01"))


def set_amount(data, category: str, delta: Decimal) -> None:
    """Add ``delta`` to the first item of a category, its subtotal and the total spending."""
    cat = data["expenditure"][category]
    cat["items"][0]["amount"] = float(money(cat["items"][0]["amount"]) + delta)
    cat["total"] = float(money(cat["total"]) + delta)
    data["expenditure"]["total"] = float(money(data["expenditure"]["total"]) + delta)


def problems(report: dict, code: str) -> list[dict]:
    return [p for p in report["problems"] if p["code"] == code]


# ---------------------------------------------------------------- a contract starting in Q2


def _april_contract(tmp_path: Path) -> Path:
    """The Shenzhen sample with a contract from 2026-04-01: no 2025 records, no 2026-Q1."""
    folder = project_with(tmp_path, SZ)

    def start_in_april(d):
        d["contract"]["start"] = "2026-04-01"
        d["contract"]["end"] = "2029-03-31"

    edit(folder / "centre.yaml", start_in_april)
    for rel in ("finance/2025-Q1.yaml", "finance/2025-Q2.yaml", "finance/2025-Q3.yaml"):
        (folder / rel).unlink()
    for rel in ("finance/2025-Q4.yaml", "finance/2026-Q1.yaml", "audits/2025.yaml"):
        (folder / rel).unlink()
    return folder


def test_a_contract_starting_in_april_is_judged_for_its_year_by_its_months(tmp_path: Path) -> None:
    folder = _april_contract(tmp_path)
    # management above 10 % in every quarter of the contract: 4,000.00 moved from services
    for q in ("2026-Q2", "2026-Q3", "2026-Q4"):

        def shift(d):
            set_amount(d, "services", Decimal(-4000))
            set_amount(d, "management", Decimal(4000))

        edit(folder / f"finance/{q}.yaml", shift)
    report = check_json(tmp_path)
    found = problems(report, "fund-management")
    text = "\n".join(p["message"] for p in found)
    year = [p for p in found if p["message"].startswith("2026年4-12月")]
    assert len(year) == 1, text
    assert year[0]["severity"] == "error", year  # the year, not only interim warnings
    assert year[0]["file"].endswith("finance/2026-Q4.yaml")
    so_far = [p for p in found if p["message"].startswith("2026年4-9月")]
    assert so_far and so_far[0]["severity"] == "warning", text
    assert "1-9月" not in text and "1-12月" not in text and "全年" not in text, text


def test_a_contract_starting_in_april_is_not_asked_for_earlier_quarters(tmp_path: Path) -> None:
    _april_contract(tmp_path)
    report = check_json(tmp_path)
    missing = problems(report, "quarterly-finance-disclosure")
    assert not missing, missing
    assert not problems(report, "annual-audit-disclosure")


def test_quarters_of_the_contract_before_the_first_record_are_undisclosed(tmp_path: Path) -> None:
    folder = project_with(tmp_path, SZ)
    # the contract started on 2025-01-01; the first two quarters were never written
    (folder / "finance/2025-Q1.yaml").unlink()
    (folder / "finance/2025-Q2.yaml").unlink()
    report = check_json(tmp_path)
    found = problems(report, "quarterly-finance-disclosure")
    files = sorted(p["file"].rsplit("/", 2)[-1] for p in found)
    assert files == ["2025-Q1.yaml", "2025-Q2.yaml"], found
    assert all(p["severity"] == "error" for p in found)
    q1 = next(p for p in found if p["file"].endswith("2025-Q1.yaml"))
    assert "没有2025年第一季度财务信息" in q1["message"]
    assert "期限 2025年4月30日 已过" in q1["message"]


def test_a_quarter_not_yet_due_before_the_first_record_is_not_reported(tmp_path: Path) -> None:
    folder = project_with(tmp_path, SZ)
    (folder / "finance/2025-Q1.yaml").unlink()
    r = gongshi("check", "--today", "2025-04-30", "--format", "json", cwd=tmp_path)
    report = json.loads(r.stdout)
    assert not problems(report, "quarterly-finance-disclosure"), report["problems"]


# ---------------------------------------------------------------- the carried-forward chain


def test_a_broken_carried_forward_chain_is_an_error_naming_both_amounts(tmp_path: Path) -> None:
    folder = project_with(tmp_path, SZ)
    before = check_json(tmp_path)
    assert not problems(before, "surplus-carried-forward"), before["problems"]

    def carry_less(d):
        d["income"]["carried_forward"] = 13000.00
        d["income"]["total"] = float(money(d["income"]["total"]) - Decimal("942.42"))

    edit(folder / "finance/2026-Q3.yaml", carry_less)
    found = problems(check_json(tmp_path), "surplus-carried-forward")
    q3 = [p for p in found if p["file"].endswith("finance/2026-Q3.yaml")]
    assert len(q3) == 1, found
    assert q3[0]["severity"] == "error"
    assert q3[0]["line"] > 0
    msg = q3[0]["message"]
    assert "13,000.00" in msg and "13,942.42" in msg, msg
    assert "2026年第三季度" in msg and "2026年第二季度" in msg, msg


def test_the_year_end_link_is_the_surplus_carried_into_the_next_year(tmp_path: Path) -> None:
    folder = project_with(tmp_path, SZ)

    def carry_nothing(d):
        d["income"]["total"] = float(money(d["income"]["total"]) - Decimal("12356.80"))
        d["income"]["carried_forward"] = 0.00

    edit(folder / "finance/2026-Q1.yaml", carry_nothing)
    found = problems(check_json(tmp_path), "surplus-carried-forward")
    q1 = [p for p in found if p["file"].endswith("finance/2026-Q1.yaml")]
    assert len(q1) == 1, found
    assert q1[0]["severity"] == "error"
    assert "2025年节余 12,356.80 元" in q1[0]["message"]
    assert "结转的上期结余为 0.00 元" in q1[0]["message"]


# ---------------------------------------------------------------- 七(三) the audit report


def _rule(report: dict, rule_id: str) -> dict:
    return next(r for r in report["rules"] if r["rule"] == rule_id)


def test_an_annual_audit_with_its_pdf_is_the_audit_report(tmp_path: Path) -> None:
    project_with(tmp_path, SZ)
    report = check_json(tmp_path)
    rule = _rule(report, "finance-records")
    assert rule["status"] == "pass", rule
    assert rule["why_not_checked"] is None


def test_an_audit_without_its_pdf_is_not_the_audit_report(tmp_path: Path) -> None:
    folder = project_with(tmp_path, SZ)
    for year in ("2025", "2026"):
        edit(folder / f"audits/{year}.yaml", lambda d: d.pop("report_pdf"))
    report = check_json(tmp_path)
    rule = _rule(report, "finance-records")
    assert rule["status"] == "no-data", rule
    assert "项目年度专项审计报告" in rule["why_not_checked"]


# ---------------------------------------------------------------- deadlines the project chose


def test_a_local_deadline_is_printed_with_its_basis(tmp_path: Path) -> None:
    folder = project_with(tmp_path, SZ)
    edit(folder / "finance/2026-Q2.yaml", lambda d: d.__setitem__("published", "2026-08-05"))
    edit(folder / "audits/2025.yaml", lambda d: d.__setitem__("published", "2026-05-06"))
    report = check_json(tmp_path)
    late = problems(report, "quarterly-finance-disclosure")
    assert len(late) == 1 and late[0]["severity"] == "warning", late
    msg = late[0]["message"]
    assert (
        "晚于期限 2026年7月30日；按本地规定：季度结束后 30 日内（依据：原文只要求“及时”公开" in msg
    )
    audit = problems(report, "annual-audit-disclosure")
    assert len(audit) == 1, audit
    assert "按本地规定：次年 4 月 30 日前（依据：" in audit[0]["message"]
