"""The rules ask the day only what their findings need (``figures.window``).

A finding that says how many days or weeks have passed holds for that long; every other
finding holds until a date in the records or the pack is reached (a due date passes, a month
ends). These tests apply the packs on a watched day and check the windows against the same
rules on plain dates, and that the months of a contract that have ended are the same
whichever way they are counted.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from pathlib import Path

import pytest
from rules_helpers import baseline, pack

from generator.compliance import evaluate_rules
from generator.figures.window import on_days
from generator.pipeline import check_centre, project_library, rule_results
from generator.records.validate import find_project
from generator.rules.activities import _operating_months
from generator.rules.base import CheckContext, month_end

ROOT = Path(__file__).resolve().parents[2]
ONE = dt.timedelta(days=1)


def findings(results) -> tuple:
    return tuple((r.rule.id, r.findings) for r in results)


@pytest.fixture(scope="module")
def samples():
    project = find_project(ROOT)
    library = project_library(project)
    return [
        (folder.name, check_centre(project, folder, library), library)
        for folder in sorted(p for p in project.centres.iterdir() if p.is_dir())
    ]


@pytest.mark.parametrize(
    "day", [dt.date(2026, 11, 22), dt.date(2026, 12, 6), dt.date(2026, 12, 9), dt.date(2027, 2, 3)]
)
def test_the_sample_rule_results_hold_over_more_than_their_day(samples, day):
    for name, checked, library in samples:
        result, w = on_days(lambda d: findings(rule_results(checked, library, d)), day)
        assert result == findings(rule_results(checked, library, day)), name
        assert w.last > w.first, (name, w)
        for x in (w.first, w.last):
            assert findings(rule_results(checked, library, x)) == result, (name, x, w)
        if w.first > dt.date(2024, 1, 1):
            assert findings(rule_results(checked, library, w.first - ONE)) != result, (name, w)


def test_a_centre_with_every_rule_met_changes_only_at_month_ends_and_due_dates():
    centre = baseline()
    p = pack("shenzhen-2015")
    day = dt.date(2026, 11, 22)
    result, w = on_days(lambda d: findings(evaluate_rules(centre, p, d)), day)
    assert w.first <= dt.date(2026, 11, 1) and w.last >= dt.date(2026, 11, 30)
    assert findings(evaluate_rules(centre, p, w.first)) == result
    assert findings(evaluate_rules(centre, p, w.last)) == result


def _ended_months(contract, today: dt.date) -> list[str]:
    """The months of the contract ended by ``today``, counted day by day."""
    out, day = [], contract.start
    while day <= contract.end and day < today:
        if day == month_end(day.year, day.month):
            out.append(f"{day.year:04d}-{day.month:02d}")
        day += ONE
    return out


@pytest.mark.parametrize(
    ("start", "end"),
    [
        (dt.date(2025, 1, 1), dt.date(2027, 12, 31)),
        (dt.date(2025, 3, 15), dt.date(2026, 6, 10)),  # mid-month start and end
        (dt.date(2026, 2, 28), dt.date(2026, 3, 31)),
        (dt.date(2024, 2, 29), dt.date(2024, 2, 29)),  # one day, a month's last
    ],
)
def test_the_months_of_a_contract_ended_by_a_day(start, end):
    centre = baseline()
    centre = replace(centre, contract=replace(centre.contract, start=start, end=end))
    p = pack("shenzhen-2015")
    rule = next(iter(p.rules.values()))
    day = start - dt.timedelta(days=40)
    while day <= end + dt.timedelta(days=40):
        ctx = CheckContext(centre, p, rule, day)
        assert _operating_months(ctx) == _ended_months(centre.contract, day), day
        months, w = on_days(lambda d: _operating_months(CheckContext(centre, p, rule, d)), day)
        assert months == _ended_months(centre.contract, day)
        # they change only when a month of the contract ends
        assert w.last > w.first, (day, w)
        for x in (w.first, w.last):
            if dt.date(2000, 1, 1) <= x <= dt.date(2100, 1, 1):
                assert _ended_months(centre.contract, x) == months, (x, w)
        if w.first > dt.date(2000, 1, 1):
            assert _ended_months(centre.contract, w.first - ONE) != months, w
        day += dt.timedelta(days=3)
