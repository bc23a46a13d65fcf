"""The disclosure calendar: due dates from the rule pack, and each state on a given day."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from conftest import ROOT
from workflow_helpers import DUE_PACK, demo, edit, minimal_project, run_cli, validated

from generator.figures.calendar import (
    deadline_rules,
    disclosure_states,
    due_date,
    missing_rules,
    state_of,
)
from generator.rules.registry import load_library

AS_OF = dt.date(2026, 4, 25)


@pytest.fixture
def due_project(tmp_path):
    """The minimal centre under a pack with plan and finance deadlines but none for audits.

    On 2026-04-25: the March plan came out late (published 03-02, due 02-28); April's plan
    is missing (due 03-31); May's is due in 5 days; 2026-Q1 finance was published on time;
    2026-Q2 is upcoming; the 2026 audit has no due date (its publication, 2027-03-28, is
    after the day looked at).
    """
    proj = minimal_project(tmp_path)
    (proj / "content" / "rules" / "due-pack.yaml").write_text(DUE_PACK, encoding="utf-8")
    edit(demo(proj) / "centre.yaml", "rule_pack: test-pack", "rule_pack: due-pack")
    edit(demo(proj) / "plans" / "2026-03.yaml", "published: 2026-02-25", "published: 2026-03-02")
    (demo(proj) / "evaluations" / "2026.yaml").unlink()
    return proj


def test_each_state_on_a_given_day(due_project):
    result = validated(due_project)
    pack = result.library.packs["due-pack"]
    items = disclosure_states(result.centres[0], pack, AS_OF)
    got = [(i.key, i.due, i.published, i.state, i.days) for i in items]
    assert got == [
        ("plan/2026-03", dt.date(2026, 2, 28), dt.date(2026, 3, 2), "late", 2),
        ("plan/2026-04", dt.date(2026, 3, 31), None, "missing", 25),
        ("plan/2026-05", dt.date(2026, 4, 30), None, "due", 5),
        ("finance/2026-Q1", dt.date(2026, 4, 30), dt.date(2026, 4, 15), "published", None),
        ("finance/2026-Q2", dt.date(2026, 7, 30), None, "upcoming", 96),
        ("audit/2026", None, None, "undated", None),
    ]
    by_key = {i.key: i for i in items}
    assert (
        by_key["plan/2026-04"].recorded is False
        and by_key["plan/2026-04"].file == "plans/2026-04.yaml"
    )
    assert by_key["finance/2026-Q1"].citation.endswith("七(三)")
    assert by_key["finance/2026-Q1"].deadline_text == "季度结束后 30 日内"
    assert [i.key for i in items if i.overdue] == ["plan/2026-03", "plan/2026-04"]
    assert missing_rules(pack) == ["audit"]


def test_as_of_shows_the_calendar_as_it_stood(due_project):
    result = validated(due_project)
    pack = result.library.packs["due-pack"]
    earlier = {
        i.key: i.state for i in disclosure_states(result.centres[0], pack, dt.date(2026, 2, 27))
    }
    # on 2026-02-27 the March plan (published 03-02) was not out yet, and due the next day
    assert earlier["plan/2026-03"] == "due"
    assert earlier["finance/2026-Q1"] == "upcoming"
    assert "plan/2026-04" not in earlier  # only the next month's plan is listed ahead


def test_due_command_text_and_json(due_project, monkeypatch, capsys):
    assert run_cli(["due", "demo", "--as-of", AS_OF.isoformat()], monkeypatch, due_project) == 0
    out = capsys.readouterr().out
    for label in ("逾期公布", "逾期未公布", "即将到期", "已公布", "未到期", "未规定期限"):
        assert label in out
    assert "2026年4月活动计划" in out and "没有规定年度审计报告的公开期限" in out
    assert (
        run_cli(["due", "--as-of", AS_OF.isoformat(), "--format", "json"], monkeypatch, due_project)
        == 0
    )
    data = json.loads(capsys.readouterr().out)
    (centre,) = data["centres"]
    assert sorted(i["state"] for i in centre["items"]) == sorted(
        ["late", "missing", "published", "due", "upcoming", "undated"]
    )
    assert centre["no_deadline"] == ["audit"]
    assert run_cli(["due", "--as-of", "2026-02-31"], monkeypatch, due_project) == 2


def test_due_command_reports_a_centre_with_errors(due_project, monkeypatch, capsys):
    edit(demo(due_project) / "plans" / "2026-03.yaml", "capacity: 30", "capacity: 三十")
    assert run_cli(["due", "--as-of", AS_OF.isoformat()], monkeypatch, due_project) == 1
    assert "gongshi check" in capsys.readouterr().err


def test_real_packs_deadlines():
    lib = load_library(ROOT / "content", ROOT)
    sz = deadline_rules(lib.packs["shenzhen-2015"])
    assert sz["plan"] is None  # no monthly-plan deadline in this pack: no due date, and said so
    assert due_date(sz["finance"], "finance", "2026-Q3") == dt.date(2026, 10, 30)
    assert due_date(sz["audit"], "audit", "2025") == dt.date(2026, 4, 30)
    bj = deadline_rules(lib.packs["binjiang-2023"])
    assert due_date(bj["plan"], "plan", "2026-08") == dt.date(2026, 7, 31)
    assert missing_rules(lib.packs["binjiang-2023"]) == ["finance", "audit"]


@pytest.mark.parametrize(
    ("published", "due", "as_of", "expected"),
    [
        (dt.date(2026, 4, 30), dt.date(2026, 4, 30), dt.date(2026, 5, 1), ("published", None)),
        (dt.date(2026, 5, 1), dt.date(2026, 4, 30), dt.date(2026, 5, 1), ("late", 1)),
        (None, dt.date(2026, 4, 30), dt.date(2026, 4, 30), ("due", 0)),
        (None, dt.date(2026, 4, 30), dt.date(2026, 5, 1), ("missing", 1)),
        (None, dt.date(2026, 4, 30), dt.date(2026, 4, 22), ("upcoming", 8)),
        (dt.date(2026, 5, 3), dt.date(2026, 4, 30), dt.date(2026, 5, 2), ("missing", 2)),
        (None, None, dt.date(2026, 5, 1), ("undated", None)),
        (dt.date(2026, 5, 1), None, dt.date(2026, 5, 1), ("published", None)),
    ],
)
def test_state_boundaries(published, due, as_of, expected):
    assert state_of(published, due, as_of) == expected
