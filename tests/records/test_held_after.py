"""What the day of the check decides about the records: an activity cannot have been held,
nor attended, nor a month's individual services counted, before its day has come
(``records.validate.held_records`` / ``held_after``)."""

from __future__ import annotations

import datetime as dt

from conftest import ROOT, SAMPLE_DAY, make_project, read_fixture

from generator.pipeline import validate_project
from generator.records.validate import Project, held_after, held_records

A = "activities/2026-03.yaml"


def _centre(tmp_path, edits=None):
    validated = validate_project(Project(make_project(tmp_path, edits)))
    assert not validated.report.errors, validated.report.format("text")
    (centre,) = validated.centres
    return centre


def _at(problems) -> set[tuple[str, int, str]]:
    return {(p.file.split("centres/demo/", 1)[-1], p.line, p.code) for p in problems}


def _line(text: str, needle: str) -> int:
    return next(i for i, line in enumerate(text.splitlines(), 1) if needle in line)


def test_attendance_after_the_day_is_a_record_error_at_its_line(tmp_path) -> None:
    # A01 is planned on 2026-03-03 and recorded 已举办 with 28 people; the unplanned tea party
    # was held on 2026-03-12; the month's individual services are counted.
    text = read_fixture(A)
    centre = _centre(tmp_path)
    held = held_records(centre)
    problems = held_after(held, dt.date(2026, 3, 2))
    assert _at(problems) == {
        (A, _line(text, "plan: A01"), "date-order"),
        (A, _line(text, "邻里茶话会"), "date-order"),
    }
    # before the month begins, its individual-service counts cannot exist either
    before = held_after(held, dt.date(2026, 2, 28))
    assert _at(before) == _at(problems) | {(A, _line(text, "count: 4"), "date-order")}
    assert any("2026年3月还没有开始" in p.message for p in before)
    assert all(p.severity.value == "error" and p.rule is None for p in problems)
    a01 = next(p for p in problems if "A01" in p.message)
    assert "2026-03-03" in a01.message and "2026-03-02" in a01.message
    assert "已举办" in a01.message and "出席人数" in a01.message
    # the attendance value itself is pointed at, not just the record
    assert (
        a01.column
        == text.splitlines()[a01.line - 1].index("attendance: 28") + len("attendance: ") + 1
    )


def test_on_and_after_its_day_the_record_stands(tmp_path) -> None:
    centre = _centre(tmp_path)
    held = held_records(centre)
    # 2026-03-03: A01 held that very day stands; the tea party (03-12) is still to come
    (left,) = held_after(held, dt.date(2026, 3, 3))
    assert "邻里茶话会" in left.message
    assert held_after(held, dt.date(2026, 3, 12)) == []
    assert held_after(held, dt.date(2027, 1, 1)) == []


def test_a_cancellation_in_advance_is_no_error(tmp_path) -> None:
    # A02 (2026-03-10) is recorded 已取消: nothing took place, whatever the day.
    centre = _centre(tmp_path)
    held = held_records(centre)
    assert not any("A02" in h.what for h in held)
    assert not any("A02" in p.message for p in held_after(held, dt.date(2026, 3, 1)))


def test_attendance_without_held_counts_too(tmp_path) -> None:
    text = read_fixture(A).replace(
        "{plan: A02, status: 已取消, reason: 暴雨预警}",
        "{plan: A02, status: 已延期, reason: 暴雨预警, date: 2026-03-24, attendance: 12}",
    )
    centre = _centre(tmp_path, {A: text})
    problems = held_after(held_records(centre), dt.date(2026, 3, 15))
    assert _at(problems) >= {(A, _line(text, "plan: A02"), "date-order")}
    assert any("2026-03-24" in p.message for p in problems)


def test_the_samples_hold_nothing_after_the_sample_day() -> None:
    validated = validate_project(Project(ROOT))
    for centre in validated.centres:
        assert held_after(held_records(centre), SAMPLE_DAY) == [], centre.id
        # and a day before the last record held, there is one
        last = max(h.day for h in held_records(centre))
        assert held_after(held_records(centre), last - dt.timedelta(days=1)), centre.id
