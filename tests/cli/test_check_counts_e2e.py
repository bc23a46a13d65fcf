"""``gongshi check`` says how many rules passed, failed and could not be checked.

A clean run is not “everything was checked”: the last lines count the rules of each
centre's pack by what came of them, and ``--format json`` lists every rule with its centre,
status and, when it could not be checked, why.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

from command_helpers import gongshi, sample_project

ROOT = Path(__file__).resolve().parents[2]
TODAY = "2026-12-06"
COUNTS = re.compile(
    r"规则 (\d+) 条：符合 (\d+)，不符合 (\d+)，未能检查 (\d+)（缺少记录）(?:，不适用或未到期 (\d+))?$"
)


project_with = sample_project


def counts_of(line: str) -> dict[str, int]:
    match = COUNTS.search(line)
    assert match, line
    total, passed, failed, no_data, other = match.groups()
    return {
        "total": int(total),
        "pass": int(passed),
        "fail": int(failed),
        "no-data": int(no_data),
        "not-applicable": int(other or 0),
    }


def test_a_clean_centre_still_says_what_was_not_checked(tmp_path: Path) -> None:
    project_with(tmp_path, "huizhou-rongxi")
    r = gongshi("check", "--today", TODAY, cwd=tmp_path)
    lines = r.stdout.strip().splitlines()
    assert r.returncode == 0, r.stdout + r.stderr
    assert lines[-2] == "检查通过，没有发现问题。", r.stdout
    counts = counts_of(lines[-1])
    assert counts["fail"] == 0
    assert counts["no-data"] > 0  # the passing run still shows what it could not check
    assert counts["total"] == sum(v for k, v in counts.items() if k != "total")


def test_json_lists_every_rule_with_its_status_and_why_not_checked(tmp_path: Path) -> None:
    project_with(tmp_path, "huizhou-rongxi")
    text = gongshi("check", "--today", TODAY, cwd=tmp_path).stdout.strip().splitlines()[-1]
    r = gongshi("check", "--today", TODAY, "--format", "json", cwd=tmp_path)
    report = json.loads(r.stdout)
    rules = report["rules"]
    assert rules and {row["centre"] for row in rules} == {"huizhou-rongxi"}
    by_status: dict[str, int] = {}
    for row in rules:
        by_status[row["status"]] = by_status.get(row["status"], 0) + 1
        assert row["rule"]
        if row["status"] == "no-data":
            assert row["why_not_checked"], row
        else:
            assert row["why_not_checked"] is None, row
    counts = counts_of(text)
    assert counts["total"] == len(rules)
    for status in ("pass", "fail", "no-data", "not-applicable"):
        assert counts[status] == by_status.get(status, 0), (status, text, by_status)
    assert report["rule_counts"]["huizhou-rongxi"] == {
        s: by_status.get(s, 0) for s in ("pass", "fail", "not-applicable", "no-data")
    }


def test_a_centre_with_shortfalls_is_not_said_to_pass(tmp_path: Path) -> None:
    project_with(tmp_path, "shenzhen-xiashi")
    r = gongshi("check", "--today", TODAY, cwd=tmp_path)
    assert "检查通过" not in r.stdout
    counts = counts_of(r.stdout.strip().splitlines()[-1])
    assert counts["fail"] >= 2  # the documented 2026-Q3 management and services shortfalls


def test_several_centres_are_counted_each_and_together(tmp_path: Path) -> None:
    project_with(tmp_path, "huizhou-rongxi", "shenzhen-xiashi")
    lines = gongshi("check", "--today", TODAY, cwd=tmp_path).stdout.strip().splitlines()
    total = lines[-1]
    assert total.startswith("合计：规则"), lines
    each = [counts_of(line) for line in lines[-3:-1]]
    assert lines[-3].startswith("鹤洲街道榕溪社区综合服务中心：规则")
    together = counts_of(total)
    for key in together:
        assert together[key] == sum(c[key] for c in each)
