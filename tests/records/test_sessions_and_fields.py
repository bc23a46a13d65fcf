"""Opening sessions to midnight and overnight, the evaluation and 12349 fields, and the
number messages: written in a record, read back typed (through ``validate_project``)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from conftest import make_project, read_fixture

from generator.pipeline import validate_project
from generator.records.validate import Project
from generator.text import formats as fmt

C, EV = "centre.yaml", "evaluations/2026.yaml"


def validated(tmp_path, edits):
    result = validate_project(Project(make_project(tmp_path, edits)))
    return result, result.report.sorted()


def sub(rel: str, old: str, new: str) -> dict[str, str]:
    text = read_fixture(rel)
    assert old in text, f"{old!r} not in {rel}"
    return {rel: text.replace(old, new, 1)}


def test_sessions_to_midnight_and_overnight(tmp_path):
    edits = sub(C, '周一: ["09:00-12:00", "14:00-21:00"]', '周一: ["09:00-12:00", "14:00-24:00"]')
    text = edits[C]
    edits[C] = text.replace("  weekly:\n", '  weekly:\n    周日: ["20:00-02:00"]\n', 1)
    result, problems = validated(tmp_path, edits)
    assert [p for p in problems if p.severity.value == "error"] == []
    (centre,) = result.centres
    monday, sunday = centre.opening_hours.weekly[0], centre.opening_hours.weekly[6]
    assert [str(s) for s in monday] == ["09:00-12:00", "14:00-24:00"]
    assert (monday[1].end, monday[1].next_day, monday[1].minutes) == (dt.time(0), True, 600)
    assert (str(sunday[0]), sunday[0].minutes, sunday[0].overnight) == (
        "20:00-次日02:00",
        360,
        True,
    )
    assert fmt.sessions_text(monday) == "09:00-12:00、14:00-24:00"
    assert fmt.session_text(sunday[0], "–") == "20:00–次日02:00"
    # the printed form is accepted as written
    assert monday[1].contains(dt.time(21), dt.time(23, 30))
    assert not monday[0].contains(dt.time(11), dt.time(12, 30))


def test_session_written_with_next_day_mark(tmp_path):
    edits = sub(C, '"14:00-21:00"', '"14:00-次日01:00"')
    result, problems = validated(tmp_path, edits)
    assert [p for p in problems if p.severity.value == "error"] == []
    (centre,) = result.centres
    assert str(centre.opening_hours.weekly[0][1]) == "14:00-次日01:00"


def test_too_many_decimals_says_how_many(tmp_path):
    edits = sub(C, "training_hours: 56", "training_hours: 49.95")
    _, problems = validated(tmp_path, edits)
    (p,) = [p for p in problems if p.code == "not-number"]
    assert p.message == "年度培训学时最多 1 位小数，这里是 49.95"


def test_evaluation_kind_rounds_verification_and_sample(tmp_path):
    text = read_fixture(EV)
    text += (
        "kind: 终期评估\n"
        "three_year_grade: B+\n"
        "assembly_vote_share: 0.65\n"
        "vote_verification: {by: 区民政局、市民政局, on: 2026-11-20}\n"
        "other_evaluations:\n"
        "  - kind: 中期评估\n"
        "    date: 2026-07-10\n"
    )
    text = text.replace(
        "satisfaction: {sample: 200, satisfied: 188}",
        "satisfaction: {sample: 200, satisfied: 188, random: 100, phone: 100}",
    )
    result, problems = validated(tmp_path, {EV: text})
    assert [p for p in problems if p.severity.value == "error"] == [], problems
    (centre,) = result.centres
    (ev,) = centre.evaluations
    assert ev.kind == "终期评估" and ev.three_year_grade == "B+"
    assert (ev.vote_verification.by, ev.vote_verification.on) == (
        "区民政局、市民政局",
        dt.date(2026, 11, 20),
    )
    assert [(k, d) for k, d, _ in ev.rounds()] == [
        ("终期评估", ev.date),
        ("中期评估", dt.date(2026, 7, 10)),
    ]
    assert (ev.satisfaction.random, ev.satisfaction.phone) == (100, 100)


def test_evaluation_kind_must_be_known(tmp_path):
    _, problems = validated(tmp_path, {EV: read_fixture(EV) + "kind: 季度评估\n"})
    (p,) = [p for p in problems if p.code == "bad-choice"]
    assert "年终考核、中期评估、终期评估、期满评估" in p.message


def test_platform_12349(tmp_path):
    text = read_fixture(C)
    assert "services:\n" in text
    text = text.replace(
        "services:\n", "services:\n  platform_12349: {eligible: 40, covered: 38}\n", 1
    )
    result, problems = validated(tmp_path, {C: text})
    assert [p for p in problems if p.severity.value == "error"] == [], problems
    (centre,) = result.centres
    cover = centre.services.platform_12349
    assert (cover.eligible, cover.covered, cover.as_of) == (40, 38, None)
    assert Decimal(cover.covered) / cover.eligible < 1


def test_a_planned_activity_inside_a_session_to_midnight_is_within_hours(tmp_path):
    edits = sub(C, '周二: ["09:00-21:00"]', '周二: ["09:00-24:00"]')
    plan = "plans/2026-03.yaml"
    edits |= sub(plan, 'start: "14:00"\n    end: "16:00"', 'start: "21:30"\n    end: "23:30"')
    _, problems = validated(tmp_path, edits)
    assert not [p for p in problems if p.code == "outside-opening-hours"]
    # past the day's close, the same activity is outside
    edits[C] = edits[C].replace('周二: ["09:00-24:00"]', '周二: ["09:00-22:00"]')
    _, problems = validated(tmp_path / "again", edits)
    assert [p.code for p in problems if p.code == "outside-opening-hours"] == [
        "outside-opening-hours"
    ]
