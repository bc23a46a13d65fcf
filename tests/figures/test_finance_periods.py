"""Finance periods say which months they cover, and a contract's year is its part of the year."""

from __future__ import annotations

import dataclasses
import datetime as dt

from generator.figures import finance as figures


def _with_contract(centre, start: str, end: str, keep: set[str]):
    contract = dataclasses.replace(
        centre.contract, start=dt.date.fromisoformat(start), end=dt.date.fromisoformat(end)
    )
    quarters = tuple(q for q in centre.quarters if q.key in keep)
    return dataclasses.replace(centre, contract=contract, quarters=quarters)


def _shenzhen(samples_validated):
    return next(c for c in samples_validated.centres if c.id == "shenzhen-xiashi")


def test_a_full_year_is_labelled_by_its_months(samples_validated):
    centre = _shenzhen(samples_validated)
    labels = [(p.kind, p.label) for p in figures.finance_periods(centre, 2026)]
    assert ("year-to-date", "2026年1-6月") in labels
    assert ("year-to-date", "2026年1-9月") in labels
    assert ("year", "2026年全年") in labels


def test_a_contract_from_april_has_a_year_of_april_to_december(samples_validated):
    centre = _with_contract(
        _shenzhen(samples_validated),
        "2026-04-01",
        "2029-03-31",
        {"2026-Q2", "2026-Q3", "2026-Q4"},
    )
    periods = figures.finance_periods(centre, 2026)
    labels = [(p.kind, p.label) for p in periods]
    assert ("year-to-date", "2026年4-9月") in labels
    assert ("year", "2026年4-12月") in labels
    assert not any("1-" in label or "全年" in label for _, label in labels)
    year = next(p for p in periods if p.kind == "year")
    assert year.quarters == (2, 3, 4)


def test_a_year_with_a_missing_quarter_has_no_year_figure(samples_validated):
    centre = _with_contract(
        _shenzhen(samples_validated),
        "2025-01-01",
        "2027-12-31",
        {"2026-Q1", "2026-Q3", "2026-Q4"},
    )
    kinds = [p.kind for p in figures.finance_periods(centre, 2026)]
    assert kinds == ["quarter", "quarter", "quarter"]


def test_a_contract_ending_in_march_has_a_year_of_one_quarter(samples_validated):
    centre = _with_contract(_shenzhen(samples_validated), "2025-04-01", "2026-03-31", {"2026-Q1"})
    periods = figures.finance_periods(centre, 2026)
    assert [(p.kind, p.label) for p in periods] == [
        ("quarter", "2026年第一季度"),
        ("year", "2026年1-3月"),
    ]


def test_the_carried_forward_links_of_the_sample_hold(samples_validated):
    links = figures.carried_forward_links(_shenzhen(samples_validated))
    assert len(links) == 7  # 2025-Q1 … 2026-Q4
    assert all(closing == carried for _, _, closing, carried in links)
