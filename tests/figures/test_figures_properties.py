"""Properties of the figures and scores (hypothesis): ranges, sums and monotony."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st
from rules_helpers import TODAY, baseline, pack, quarter, staff_member

from generator import compliance
from generator import model as m
from generator.evaluation import grading, table
from generator.figures import finance as figures
from generator.rules.base import ratio_holds
from generator.text import formats as fmt

money = st.decimals(
    min_value=0, max_value=10_000_000, places=2, allow_nan=False, allow_infinity=False
)
amounts = st.fixed_dictionaries({k: money for k in m.EXPENSE_CATEGORIES})
scores = st.decimals(min_value=0, max_value=1000, places=2, allow_nan=False, allow_infinity=False)
ratios = st.decimals(min_value=0, max_value=1, places=4, allow_nan=False, allow_infinity=False)


def q(year: int, n: int, a: dict) -> m.Quarter:
    return quarter(year, n, **{k: str(v) for k, v in a.items()})


@given(amounts)
def test_category_shares_are_ratios_and_sum_to_one(a):
    period = figures.quarter_period(q(2026, 1, a))
    shares = [period.share([k]) for k in m.EXPENSE_CATEGORIES]
    if period.expenditure_total == 0:
        assert all(s is None for s in shares)
        return
    assert all(Decimal(0) <= s <= Decimal(1) for s in shares)
    assert abs(sum(shares, Decimal(0)) - 1) < Decimal("1e-20")
    # the exact comparison agrees: the four parts make up the whole
    assert (
        sum((period.expenditure[k] for k in m.EXPENSE_CATEGORIES), Decimal(0))
        == period.expenditure_total
    )


@given(st.lists(amounts, min_size=4, max_size=4), st.integers(min_value=2020, max_value=2030))
def test_year_totals_equal_the_sum_of_quarters(parts, year):
    quarters = [q(year, i + 1, a) for i, a in enumerate(parts)]
    periods = figures.finance_periods(baseline(quarters=tuple(quarters)), year)
    whole = next(p for p in periods if p.kind == "year")
    for key in m.EXPENSE_CATEGORIES:
        assert whole.expenditure[key] == sum((Decimal(a[key]) for a in parts), Decimal(0))
    assert whole.expenditure_total == sum((qq.expenditure_total for qq in quarters), Decimal(0))
    ytd = [p for p in periods if p.kind == "year-to-date"]
    assert [p.quarters for p in ytd] == [(1, 2), (1, 2, 3)]
    for p in ytd:
        assert p.expenditure_total == sum(
            (quarters[i - 1].expenditure_total for i in p.quarters), Decimal(0)
        )


@given(amounts)
def test_fund_ratio_findings_stay_in_range(a):
    from rules_helpers import run

    for f in run(baseline(quarters=(q(2026, 2, a),)), "shenzhen-2015", "fund-management"):
        if "ratio" in f.measured:
            assert Decimal(0) <= f.measured["ratio"] <= Decimal(1)


@given(money, money, ratios)
def test_exact_ratio_comparison_matches_division(part, extra, threshold):
    whole = part + extra
    if whole == 0:
        return
    assert ratio_holds(part, whole, "<=", threshold) == (
        part / whole <= threshold or part == threshold * whole
    )
    assert ratio_holds(part, whole, ">=", threshold) != ratio_holds(part, whole, "<", threshold)


GRADE_RULE = pack("shenzhen-2015").rule("grade")
GRADE_ORDER = [
    b["grade"]
    for b in sorted(
        GRADE_RULE.params.bands,
        key=lambda b: Decimal(b["min"]) if b["min"] is not None else Decimal(-1),
    )
]


@given(scores, scores)
def test_a_grade_never_falls_when_the_score_rises(a, b):
    low, high = sorted((a, b))
    g_low, g_high = grading.grade_for(low, GRADE_RULE), grading.grade_for(high, GRADE_RULE)
    assert GRADE_ORDER.index(g_low) <= GRADE_ORDER.index(g_high)


TYPE_RULE = pack("binjiang-2023").rule("centre-type")
TYPE_ORDER = ["基础型", "标准型", "示范型"]


@given(
    st.decimals(min_value=0, max_value=100, places=2, allow_nan=False, allow_infinity=False),
    st.decimals(min_value=0, max_value=100, places=2, allow_nan=False, allow_infinity=False),
)
def test_binjiang_type_never_falls_when_the_total_rises(a, b):
    low, high = sorted((a, b))
    t_low = table.type_for(low / Decimal(100), TYPE_RULE)
    t_high = table.type_for(high / Decimal(100), TYPE_RULE)
    assert TYPE_ORDER.index(t_low) <= TYPE_ORDER.index(t_high)


@settings(max_examples=30, deadline=None)
@given(
    st.integers(min_value=0, max_value=400),
    st.integers(min_value=0, max_value=400),
    st.decimals(min_value=0, max_value=60, places=1, allow_nan=False, allow_infinity=False),
)
def test_binjiang_records_lines_never_fall_when_figures_rise(v1, v2, training):
    """More volunteers or more training never lowers a line or the total."""
    p = pack("binjiang-2023")
    lo, hi = sorted((v1, v2))
    staff = tuple(staff_member("社工", "助理社工师", training=str(training)) for _ in range(3))
    more = tuple(staff_member("社工", "助理社工师", training=str(training + 5)) for _ in range(3))
    base = baseline(staff=staff)
    a = compliance.scorecard(
        replace(base, volunteers=m.Volunteers(lo, Decimal(lo * 10))), p, 2026, TODAY
    )
    b = compliance.scorecard(
        replace(base, volunteers=m.Volunteers(hi, Decimal(hi * 10))), p, 2026, TODAY
    )
    c = compliance.scorecard(
        replace(base, staff=more, volunteers=m.Volunteers(hi, Decimal(hi * 10))), p, 2026, TODAY
    )
    assert a.total <= b.total <= c.total
    for la, lb in zip(a.lines, b.lines):
        assert Decimal(0) <= la.points <= (la.max or la.points) and la.points <= lb.points


@given(
    st.decimals(min_value=0, max_value=1, places=8, allow_nan=False, allow_infinity=False), ratios
)
def test_percent_never_prints_a_different_value_as_the_limit(value, limit):
    shown = fmt.percent_against(value, limit)
    places = len(shown.rstrip("%").split(".")[1])
    assert (shown == fmt.percent(limit, places)) == (
        value == limit
    ) or places == fmt.MAX_PERCENT_PLACES
