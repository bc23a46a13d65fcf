"""The window of days over which a computation on a day gives the same result.

Two promises of ``figures.window.on_days``: the result holds on every day of the window (the
computation on a plain date of it gives the same result), and the window is the same
whichever of its days the computation ran on. The operations of the watched day are checked
one by one against plain dates; then the whole day state of the sample centres and of a
small synthetic city (``build.days.centre_day``), window after window over their contracts.
"""

from __future__ import annotations

import copy
import datetime as dt
import pickle
from collections import namedtuple
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from generator.build.days import centre_day, day_state
from generator.figures.calendar import SOON_DAYS, disclosure_states, state_of, state_on
from generator.figures.window import Window, on_days
from generator.pipeline import CentreChecked, check_centre, project_library
from generator.records.validate import find_project
from tests.synth_helpers import synth

ROOT = Path(__file__).resolve().parents[2]
D = dt.date
ONE = dt.timedelta(days=1)
DAY = D(2026, 11, 22)  # a Sunday
AROUND = 120  # days on each side of DAY the window is checked over


def days_around(day: dt.date, n: int = AROUND) -> Iterator[dt.date]:
    for i in range(-n, n + 1):
        yield day + dt.timedelta(days=i)


def check_window(f: Callable[[dt.date], object], day: dt.date = DAY, *, tight: bool = True):
    """``on_days(f, day)`` against ``f`` on plain dates: its result is ``f(day)``, every day of
    the window near ``day`` gives that result and, with ``tight``, the days just outside it
    do not (the window is the widest one). Returns the window."""
    result, w = on_days(f, day)
    assert type(result) is type(f(day))
    assert result == f(day)
    assert day in w
    for x in days_around(day):
        if x in w:
            assert f(x) == result, (x, w)
    if tight:
        if w.first > day - dt.timedelta(days=AROUND):
            assert f(w.first - ONE) != result, w
        if w.last < day + dt.timedelta(days=AROUND):
            assert f(w.last + ONE) != result, w
    return w


# ---------------------------------------------------------------- comparisons


@pytest.mark.parametrize("offset", [-40, -1, 0, 1, 40])
@pytest.mark.parametrize("op", ["<", "<=", ">", ">=", "==", "!="])
def test_a_comparison_either_way_holds_until_its_answer_changes(op, offset):
    other = DAY + dt.timedelta(days=offset)
    ops = {
        "<": lambda a, b: a < b,
        "<=": lambda a, b: a <= b,
        ">": lambda a, b: a > b,
        ">=": lambda a, b: a >= b,
        "==": lambda a, b: a == b,
        "!=": lambda a, b: a != b,
    }
    fn = ops[op]
    check_window(lambda d: fn(d, other))
    check_window(lambda d: fn(other, d))  # the plain date on the left: the reflected method


def test_the_window_of_a_comparison_is_exactly_the_days_with_its_answer():
    assert on_days(lambda d: d < D(2026, 12, 1), DAY)[1] == Window(D.min, D(2026, 11, 30))
    assert on_days(lambda d: d < D(2026, 12, 1), D(2026, 12, 5))[1] == Window(D(2026, 12, 1), D.max)
    assert on_days(lambda d: d == D(2026, 12, 1), DAY)[1] == Window(D.min, D(2026, 11, 30))
    assert on_days(lambda d: d == D(2026, 12, 1), D(2026, 12, 1))[1] == Window(
        D(2026, 12, 1), D(2026, 12, 1)
    )
    assert on_days(lambda d: d != D(2026, 10, 1), DAY)[1] == Window(D(2026, 10, 2), D.max)
    assert on_days(lambda d: "same", DAY)[1] == Window(D.min, D.max)


def test_comparisons_combine_into_the_days_where_all_answers_hold():
    edges = [D(2026, 11, 1), D(2026, 11, 20), D(2026, 11, 25), D(2027, 1, 1)]
    w = check_window(lambda d: [d >= e for e in edges])
    assert w == Window(D(2026, 11, 20), D(2026, 11, 24))


def test_a_comparison_with_a_datetime_or_another_type_says_nothing_of_the_day():
    w = check_window(lambda d: (d == dt.datetime(2026, 11, 22), d == "2026-11-22", d == None))  # noqa: E711
    assert w == Window(D.min, D.max)
    with pytest.raises(TypeError):
        on_days(lambda d: d < dt.datetime(2026, 1, 1), DAY)
    with pytest.raises(TypeError):
        on_days(lambda d: d < "2026-01-01", DAY)


def test_min_max_and_sorted_compare_through_the_watch():
    others = [D(2026, 11, 1), D(2026, 12, 24), D(2026, 11, 25), D(2027, 3, 1)]
    check_window(lambda d: min(d, D(2026, 12, 1)) == d)
    check_window(lambda d: max(D(2026, 11, 30), d) == d)
    # (sorting compares the day with more dates than its place needs: sound, not the widest)
    check_window(lambda d: sorted([*others, d]).index(d), tight=False)
    check_window(lambda d: sorted([d, *others], reverse=True).index(d), tight=False)
    w = check_window(lambda d: [x for x in others if x <= d])
    assert w == Window(D(2026, 11, 1), D(2026, 11, 24))
    # the day returned by min/max is the plain day in the result (and the window the day)
    result, w = on_days(lambda d: min(d, D(2027, 1, 1)), DAY)
    assert type(result) is dt.date and result == DAY and w == Window(DAY, DAY)


def test_two_moved_copies_of_the_day_compare_without_asking_it():
    w = check_window(lambda d: (d - ONE < d, d + dt.timedelta(days=3) == d + dt.timedelta(days=3)))
    assert w == Window(D.min, D.max)
    assert on_days(lambda d: (d + dt.timedelta(days=5)) - (d - ONE), DAY) == (
        dt.timedelta(days=6),
        Window(D.min, D.max),
    )


# ---------------------------------------------------------------- moving the day


@pytest.mark.parametrize("days", [-400, -31, -1, 1, 7, 30, 365])
def test_moved_by_days_then_compared(days):
    delta = dt.timedelta(days=days)
    edge = D(2026, 12, 6)
    w1 = check_window(lambda d: d + delta <= edge)
    w2 = check_window(lambda d: delta + d > edge)
    w3 = check_window(lambda d: d - delta >= edge)
    w4 = check_window(lambda d: edge < d - delta - delta)
    for w in (w1, w2, w3, w4):
        assert w.last > w.first  # a comparison never pins the day itself
    # the window follows the move: d + 30 <= 2026-12-06 ⇔ d <= 2026-11-06
    assert on_days(lambda d: d + dt.timedelta(days=30) <= edge, D(2026, 10, 1))[1] == Window(
        D.min, D(2026, 11, 6)
    )


def test_moving_by_a_part_of_a_day_moves_like_a_plain_date():
    for delta in (dt.timedelta(hours=30), dt.timedelta(seconds=-1), dt.timedelta(hours=-49)):
        check_window(lambda d, delta=delta: (d + delta < D(2026, 11, 23), d - delta > DAY))


def test_moving_past_the_end_of_the_calendar_fails_like_a_plain_date():
    with pytest.raises(OverflowError):
        on_days(lambda d: d + dt.timedelta(days=10), D(9999, 12, 25))
    with pytest.raises(OverflowError):
        on_days(lambda d: d - dt.timedelta(days=10), D(1, 1, 5))
    # a question about a date beyond the calendar's end from a moved day
    assert on_days(lambda d: d - dt.timedelta(days=30) < D.max, D(9999, 12, 1))[0] is True
    assert on_days(lambda d: d + dt.timedelta(days=30) > D.min, D(1, 1, 1))[0] is True


# ---------------------------------------------------------------- fields


def test_the_year_holds_over_the_year_and_the_month_over_the_month():
    assert check_window(lambda d: d.year) == Window(D(2026, 1, 1), D(2026, 12, 31))
    assert check_window(lambda d: d.month) == Window(D(2026, 11, 1), D(2026, 11, 30))
    assert check_window(lambda d: (d.year, d.month), D(2024, 2, 10)) == Window(
        D(2024, 2, 1), D(2024, 2, 29)
    )
    # of a moved day: the days whose move falls in the same month
    assert check_window(lambda d: (d + dt.timedelta(days=10)).month) == Window(
        D(2026, 11, 21), D(2026, 12, 21)
    )
    assert check_window(lambda d: (d - dt.timedelta(days=1)).year, D(2027, 1, 1)) == Window(
        D(2026, 1, 2), D(2027, 1, 1)
    )


def test_replace_asks_only_for_what_it_keeps():
    assert check_window(lambda d: d.replace(day=1)) == Window(D(2026, 11, 1), D(2026, 11, 30))
    assert check_window(lambda d: d.replace(month=2, day=1)) == Window(
        D(2026, 1, 1), D(2026, 12, 31)
    )
    assert check_window(lambda d: d.replace(year=2020, month=1, day=1)) == Window(D.min, D.max)
    assert check_window(lambda d: d.replace(year=2030)) == Window(DAY, DAY)
    assert check_window(lambda d: d.replace()) == Window(DAY, DAY)
    assert type(on_days(lambda d: d.replace(day=1), DAY)[0]) is dt.date


def uses_of_the_exact_day() -> list[Callable[[dt.date], object]]:
    return [
        lambda d: d.day,
        lambda d: d.weekday(),
        lambda d: d.isoweekday(),
        lambda d: tuple(d.isocalendar()),
        lambda d: d.toordinal(),
        lambda d: tuple(d.timetuple()),
        lambda d: d.isoformat(),
        lambda d: d.strftime("%Y%m%d"),
        lambda d: d.ctime(),
        lambda d: str(d),
        lambda d: repr(d),
        lambda d: f"{d}",
        lambda d: f"{d:%d}",
        lambda d: "%s" % d,  # noqa: UP031
        lambda d: hash(d),
        lambda d: (d - D(2026, 1, 1)).days,
        lambda d: (D(2027, 1, 1) - d).days,
        lambda d: {d: 1}.get(D(2026, 11, 22)),
        lambda d: D(2026, 11, 22) in {d},
        lambda d: len({d, D(2026, 11, 22)}),
        lambda d: pickle.loads(pickle.dumps(d)),
        lambda d: pickle.loads(pickle.dumps({"on": [d]})),
        lambda d: copy.deepcopy([d]),
        lambda d: copy.copy(d),
    ]


@pytest.mark.parametrize("use", range(len(uses_of_the_exact_day())))
def test_what_needs_the_exact_day_narrows_the_window_to_it(use):
    f = uses_of_the_exact_day()[use]
    result, w = on_days(f, DAY)
    assert result == f(DAY)
    assert w == Window(DAY, DAY)


def test_a_pickled_or_copied_day_is_a_plain_date():
    for copy_of in (
        lambda d: pickle.loads(pickle.dumps(d)),
        lambda d: copy.deepcopy(d),
        lambda d: copy.copy(d),
    ):
        result, _ = on_days(copy_of, DAY)
        assert type(result) is dt.date and result == DAY


def test_membership_in_a_list_asks_equality_only():
    days = [D(2026, 10, 1), D(2026, 12, 25)]
    assert check_window(lambda d: d in days) == Window(D(2026, 10, 2), D(2026, 12, 24))
    assert check_window(lambda d: d in days, D(2026, 12, 25)) == Window(
        D(2026, 12, 25), D(2026, 12, 25)
    )


# ---------------------------------------------------------------- what the result keeps


@dataclass(frozen=True)
class Kept:
    day: dt.date
    note: str


Pair = namedtuple("Pair", "day note")


class Holder:
    def __init__(self, day: dt.date) -> None:
        self.day = day


@pytest.mark.parametrize(
    "keep",
    [
        lambda d: d,
        lambda d: [d],
        lambda d: (1, (d,)),
        lambda d: {"day": d},
        lambda d: {"days": {"x": [d]}},
        lambda d: Kept(d, "x"),
        lambda d: [Kept(d, "x")],
        lambda d: Pair(d, "x"),
        lambda d: __import__("collections").defaultdict(list, {"d": [d]}),
    ],
)
def test_a_result_holding_the_day_holds_the_plain_day_and_the_window_is_the_day(keep):
    result, w = on_days(keep, DAY)
    assert w == Window(DAY, DAY)
    assert result == keep(DAY)
    assert type(result) is type(keep(DAY))
    assert pickle.loads(pickle.dumps(result)) == result
    found: list[object] = []

    def walk(v: object) -> None:
        if isinstance(v, dt.date):
            found.append(type(v))
        elif isinstance(v, dict):
            for x in v.values():
                walk(x)
        elif isinstance(v, list | tuple):
            for x in v:
                walk(x)
        elif isinstance(v, Kept):
            walk(v.day)

    walk(result)
    assert found == [dt.date]


@pytest.mark.parametrize(
    "keep",
    [
        lambda d: Holder(d),
        lambda d: [Holder(d)],
        lambda d: lambda: d > D(2027, 1, 1),  # asks when called, after the window is known
        lambda d: (x for x in [d]),
        lambda d: Holder(d).__init__,
        lambda d: {"k": map(lambda x: x < d, [D(2026, 1, 1)])},
    ],
)
def test_a_result_that_could_ask_later_has_the_day_alone_as_its_window(keep):
    _, w = on_days(keep, DAY)
    assert w == Window(DAY, DAY)


def test_a_result_without_the_day_keeps_its_objects():
    value = {"a": [1, 2], "b": Kept(D(2026, 1, 1), "x")}
    result, w = on_days(lambda d: value if d > D(2026, 1, 1) else None, DAY)
    assert result is value
    assert w == Window(D(2026, 1, 2), D.max)


def test_a_day_from_another_watch_is_asked_exactly():
    outer, w = on_days(lambda d: on_days(lambda e: e < d, DAY + ONE), DAY)
    (answer, inner) = outer
    assert answer is False
    assert w == Window(DAY, DAY)
    assert DAY + ONE in inner


def test_window_of_takes_only_a_window():
    w = Window(D(2026, 1, 1), D(2026, 1, 31))
    assert Window.of(w) is w
    assert Window.of(Window(D(2026, 2, 1), D(2026, 1, 1))) is None
    assert Window.of((D(2026, 1, 1), D(2026, 1, 31))) is None
    assert D(2026, 1, 31) in w and D(2026, 2, 1) not in w and "2026-01-05" not in w


# ---------------------------------------------------------------- the calendar's states


def _state_counted(published, due, as_of, soon_days=SOON_DAYS):
    """The state and its days as counted from the days between the dates."""
    if published is not None and published <= as_of:
        if due is not None and published > due:
            return "late", (published - due).days
        return "published", None
    if due is None:
        return "undated", None
    left = (due - as_of).days
    if left < 0:
        return "missing", -left
    return ("due" if left <= soon_days else "upcoming"), left


@pytest.mark.parametrize("published", [None, D(2026, 4, 20), D(2026, 4, 30), D(2026, 5, 3)])
@pytest.mark.parametrize("due", [None, D(2026, 4, 30)])
def test_a_disclosure_state_holds_until_one_of_its_dates_is_reached(published, due):
    day = D(2026, 3, 1)
    while day <= D(2026, 6, 30):
        assert state_of(published, due, day) == _state_counted(published, due, day)
        state, w = on_days(lambda d: state_on(published, due, d), day)
        assert state == _state_counted(published, due, day)[0]
        assert w.last > w.first  # never the day alone: a state is not a count of days
        for x in (w.first, w.last):
            if D(2026, 1, 1) <= x <= D(2026, 12, 31):
                assert state_on(published, due, x) == state, (x, w)
        for x in (w.first, min(w.last, D(2027, 1, 1)) + ONE):  # the days the state changes on
            if D(2026, 1, 2) <= x <= D(2026, 12, 31):
                assert state_on(published, due, x) != state_on(published, due, x - ONE), (x, w)
        day += ONE


def test_the_calendar_counts_days_only_when_asked(samples):
    for _name, checked, library in samples:
        centre = checked.centre
        pack = library.packs.get(centre.rule_pack)
        for day in (D(2026, 2, 10), D(2026, 11, 22), D(2026, 12, 6)):
            items, w = on_days(
                lambda d, c=centre, p=pack: [
                    (i.key, i.state, i.published) for i in disclosure_states(c, p, d)
                ],
                day,
            )
            assert w.last > w.first
            plain = disclosure_states(centre, pack, day)
            assert items == [(i.key, i.state, i.published) for i in plain]
            for i in plain:
                assert (i.state, i.days) == _state_counted(i.published, i.due, day)
                assert "as_of" not in i.as_dict() and i.as_dict()["days"] == i.days


# ---------------------------------------------------------------- the day state of real records


def _centres(root: Path):
    project = find_project(root)
    library = project_library(project)
    for folder in sorted(p for p in project.centres.iterdir() if p.is_dir()):
        checked = check_centre(project, folder, library)
        assert checked.centre is not None, folder
        yield folder.name, checked, library


@pytest.fixture(scope="module")
def samples() -> list[tuple[str, CentreChecked, object]]:
    return list(_centres(ROOT))


@pytest.fixture(scope="module")
def city(tmp_path_factory: pytest.TempPathFactory) -> list[tuple[str, CentreChecked, object]]:
    root = synth().generate_city(tmp_path_factory.mktemp("city") / "proj", 5, years=2, seed=3)
    return list(_centres(root))


def walk_windows(
    checked: CentreChecked, library, first: dt.date, last: dt.date, *, stride: int = 1
) -> int:
    """Every window from the one holding ``first`` to the one holding ``last``: the day state
    on plain dates at both ends and inside each equals the watched one, the computation on
    its last day gives the same window, and a window starting the day after another ends
    starts exactly there (no two days of one window could have been given different
    windows). After a window of one day the walk moves on by ``stride`` days. Returns how many
    windows there were."""
    day, n, follows = first, 0, False
    while True:
        state, w = centre_day(checked, library, day)
        n += 1
        assert day in w
        if follows:
            assert w.first == day, (day, w)
        assert day_state(checked, library, day) == state, day
        if w.last >= last + dt.timedelta(days=730):  # open-ended: a few days ahead only
            for x in (day + dt.timedelta(days=40), day + dt.timedelta(days=400)):
                assert day_state(checked, library, x) == state, (x, w)
            return n
        assert day_state(checked, library, w.last) == state, (w.last, w)
        if w.last - day > dt.timedelta(days=2):
            mid = day + (w.last - day) / 2
            assert day_state(checked, library, mid) == state, (mid, w)
        assert centre_day(checked, library, w.last) == (state, w), w
        if w.last >= last:
            return n
        follows = w.last > w.first or stride == 1
        day = w.last + ONE if follows else day + dt.timedelta(days=stride)


SAMPLE_DAYS = (D(2026, 11, 22), D(2026, 12, 6), D(2026, 12, 9))


def test_sample_day_states_hold_over_their_windows(samples):
    for name, checked, library in samples:
        for day in SAMPLE_DAYS:
            state, w = centre_day(checked, library, day)
            assert state == day_state(checked, library, day), name
            assert w.last > w.first, (name, day, w)  # nothing pins the samples to one day
            for x in {w.first, w.last, day - ONE, day + ONE}:
                if x in w:
                    assert day_state(checked, library, x) == state, (name, x, w)
                    assert centre_day(checked, library, x)[1] == w, (name, x, w)


@pytest.mark.slow
def test_every_window_of_the_samples_over_their_contracts(samples):
    for name, checked, library in samples:
        contract = checked.centre.contract
        start = contract.start - dt.timedelta(days=45)
        n = walk_windows(checked, library, start, contract.end + dt.timedelta(days=60), stride=4)
        assert n > 10, name


@pytest.mark.slow
def test_every_window_of_a_synthetic_city_over_a_year(city):
    # its second year of records and the turn of the year into the third
    for name, checked, library in city:
        n = walk_windows(checked, library, D(2026, 12, 15), D(2028, 1, 15), stride=5)
        assert n > 10, name


def test_the_synthetic_city_in_april(city):
    for name, checked, library in city:
        for day in (D(2027, 4, 20), D(2027, 4, 21), D(2027, 4, 22)):
            state, w = centre_day(checked, library, day)
            assert state == day_state(checked, library, day), name
            if not getattr(state, "late", ()):  # record errors that print the day: the day
                assert w.last > w.first, (name, day, w)
            for x in (w.first, w.last):
                assert day_state(checked, library, x) == state, (name, x, w)
