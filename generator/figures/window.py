"""The days over which a computation on a day gives the same result.

A centre's rule results, the states of its disclosures and what its PDFs print are computed
on the build day, but most of them change only when a date in the records is reached: a due
date passes, a publication date comes, a month or a week ends. ``on_days`` runs such a
computation with the day *watched*: the day it is handed is a ``dt.date`` that notes every
question asked of it — compared with a date (``<``, ``==``, ``min``, ``sorted``), moved by
days (``today - timedelta(days=1)``, then compared), asked its year or month — and narrows the
window of days on which every answer would be the same. What needs the exact day (its weekday,
its ordinal, its text, a hash, the days between it and another date) narrows the window to the
day itself. The result holds, unchanged, on every day of the window: a build on another day of
it reuses the result instead of computing it again (generator.build.orchestrate).

The window is the same whichever of its days the computation ran on: every answer is the
same on each of them, so the same questions are asked. ``tests/figures/test_window.py`` checks
both promises on the sample centres and a synthetic city, window by window, against the
same computation on a plain date.

What the watch cannot see: code that reads the date's fields in C without calling its
methods (``datetime.combine(day, time)``, ``dt.date.isoformat(day)`` called on the class),
and a day kept outside the result (a module-level "today", a cache keyed on something else)
and asked later. A computation on a watched day asks the day itself: ``day.isoformat()``,
``day + timedelta``, ``datetime(day.year, day.month, day.day)``.
"""

from __future__ import annotations

import copy
import datetime as dt
import gc
import operator
import types
from collections.abc import Callable
from dataclasses import dataclass, fields, is_dataclass
from decimal import Decimal
from typing import Any, TypeVar

T = TypeVar("T")

_ONE = dt.timedelta(days=1)


@dataclass(frozen=True)
class Window:
    """The days ``first`` to ``last`` (inclusive) on which a result is the same."""

    first: dt.date
    last: dt.date

    def __contains__(self, day: object) -> bool:
        return isinstance(day, dt.date) and self.first <= day <= self.last

    @classmethod
    def of(cls, value: object) -> Window | None:
        """A window as the build cache keeps it, ``(first, last)``; None when it is not one."""
        if (
            isinstance(value, Window)
            and isinstance(value.first, dt.date)
            and isinstance(value.last, dt.date)
            and value.first <= value.last
        ):
            return value
        return None


class _Watch:
    """The day being watched and the window its answers have left open."""

    __slots__ = ("day", "first", "last")

    def __init__(self, day: dt.date) -> None:
        self.day = day
        self.first = dt.date.min
        self.last = dt.date.max

    def after(self, day: dt.date) -> None:  # the window starts on ``day`` or later
        if day > self.first:
            self.first = day

    def before(self, day: dt.date) -> None:  # the window ends on ``day`` or earlier
        if day < self.last:
            self.last = day

    def exact(self) -> None:
        self.first = self.last = self.day


def _shift(day: dt.date, days: int) -> dt.date:
    """``day`` moved by ``days``, held at the ends of the calendar."""
    try:
        return day + dt.timedelta(days=days)
    except OverflowError:
        return dt.date.max if days > 0 else dt.date.min


class _Day(dt.date):
    """The watched day moved by ``_k`` days: a date whose every answer narrows the window."""

    __slots__ = ("_w", "_k")
    _w: _Watch
    _k: int

    def __new__(cls, watch: _Watch, offset: int) -> _Day:
        value = watch.day + dt.timedelta(days=offset)
        self = super().__new__(cls, value.year, value.month, value.day)
        self._w = watch
        self._k = offset
        return self

    def _plain(self) -> dt.date:
        return dt.date(super().year, super().month, super().day)

    # ---- comparisons: b + k OP x  ⇔  b OP x - k, for the watched day b

    def _compare(self, other: object, op: str) -> bool:
        if isinstance(other, _Day) and other._w is self._w:
            a, b = self._plain(), other._plain()
            return _OPS[op](a, b)
        if not isinstance(other, dt.date) or isinstance(other, dt.datetime):
            return NotImplemented  # type: ignore[return-value]
        if isinstance(other, _Day):  # another watch: both days exactly
            other._w.exact()
            other = other._plain()
        value = self._plain()
        answer = _OPS[op](value, other)
        w, x = self._w, _shift(other, -self._k)  # the question is: b OP x
        if op == "<":  # b <= x - 1, or b >= x
            w.before(_shift(x, -1)) if answer else w.after(x)
        elif op == "<=":  # b <= x, or b >= x + 1
            w.before(x) if answer else w.after(_shift(x, 1))
        elif op == ">":  # b >= x + 1, or b <= x
            w.after(_shift(x, 1)) if answer else w.before(x)
        elif op == ">=":  # b >= x, or b <= x - 1
            w.after(x) if answer else w.before(_shift(x, -1))
        elif value == other:  # == or != on the day itself
            w.exact()
        elif x > w.day:
            w.before(_shift(x, -1))
        else:
            w.after(_shift(x, 1))
        return answer

    def __lt__(self, other: object) -> bool:
        return self._compare(other, "<")

    def __le__(self, other: object) -> bool:
        return self._compare(other, "<=")

    def __gt__(self, other: object) -> bool:
        return self._compare(other, ">")

    def __ge__(self, other: object) -> bool:
        return self._compare(other, ">=")

    def __eq__(self, other: object) -> bool:
        return self._compare(other, "==")

    def __ne__(self, other: object) -> bool:
        return self._compare(other, "!=")

    def __hash__(self) -> int:
        self._w.exact()
        return hash(self._plain())

    # ---- arithmetic: moving by whole days keeps the watch

    def __add__(self, other: object) -> dt.date:
        if isinstance(other, dt.timedelta):
            return _Day(self._w, self._k + other.days)
        return NotImplemented

    __radd__ = __add__

    def __sub__(self, other: object) -> Any:
        if isinstance(other, dt.timedelta):
            return _Day(self._w, self._k - other.days)
        if isinstance(other, _Day) and other._w is self._w:
            return dt.timedelta(days=self._k - other._k)
        if isinstance(other, dt.date) and not isinstance(other, dt.datetime):
            self._w.exact()
            return self._plain() - (other._plain() if isinstance(other, _Day) else other)
        return NotImplemented

    def __rsub__(self, other: object) -> Any:
        if isinstance(other, dt.date) and not isinstance(other, dt.datetime):
            self._w.exact()
            return other - self._plain()
        return NotImplemented

    # ---- fields: the year and the month hold over a span, everything else is the day itself

    def _hold(self, first: dt.date, last: dt.date) -> None:
        self._w.after(_shift(first, -self._k))
        self._w.before(_shift(last, -self._k))

    @property
    def year(self) -> int:  # type: ignore[override]
        value = self._plain()
        self._hold(dt.date(value.year, 1, 1), dt.date(value.year, 12, 31))
        return value.year

    @property
    def month(self) -> int:  # type: ignore[override]
        value = self._plain()
        first = value.replace(day=1)
        nxt = (first + dt.timedelta(days=32)).replace(day=1)
        self._hold(first, nxt - _ONE)
        return value.month

    @property
    def day(self) -> int:  # type: ignore[override]
        self._w.exact()
        return self._plain().day

    def replace(  # type: ignore[override]
        self, year: int | None = None, month: int | None = None, day: int | None = None
    ) -> dt.date:
        value = self._plain()
        if day is None:  # keeps the day of the month
            self._w.exact()
        elif month is None:  # keeps the month (of this or another year)
            self.month  # noqa: B018
        elif year is None:
            self.year  # noqa: B018
        return value.replace(
            year=value.year if year is None else year,
            month=value.month if month is None else month,
            day=value.day if day is None else day,
        )

    def _exactly(self) -> dt.date:
        self._w.exact()
        return self._plain()

    def weekday(self) -> int:
        return self._exactly().weekday()

    def isoweekday(self) -> int:
        return self._exactly().isoweekday()

    def isocalendar(self):  # type: ignore[override]
        return self._exactly().isocalendar()

    def toordinal(self) -> int:
        return self._exactly().toordinal()

    def timetuple(self):  # type: ignore[override]
        return self._exactly().timetuple()

    def isoformat(self) -> str:
        return self._exactly().isoformat()

    def strftime(self, fmt: str) -> str:
        return self._exactly().strftime(fmt)

    def ctime(self) -> str:
        return self._exactly().ctime()

    def __str__(self) -> str:
        return self._exactly().isoformat()

    def __repr__(self) -> str:
        return repr(self._exactly())

    def __format__(self, spec: str) -> str:
        return format(self._exactly(), spec)

    def __reduce__(self):  # type: ignore[override]
        return (dt.date, tuple(self._exactly().timetuple()[:3]))

    def __deepcopy__(self, memo: dict) -> dt.date:
        return self._exactly()

    def __copy__(self) -> dt.date:
        return self._exactly()


_OPS: dict[str, Callable[[dt.date, dt.date], bool]] = {
    "<": operator.lt,
    "<=": operator.le,
    ">": operator.gt,
    ">=": operator.ge,
    "==": operator.eq,
    "!=": operator.ne,
}


def on_days(compute: Callable[[dt.date], T], day: dt.date) -> tuple[T, Window]:
    """``compute(day)`` and the window of days on which it gives the same result.

    The result may not keep the watched day itself (a value holding it would print the day,
    and a function or an object keeping it could ask it more questions after the window is
    known): a watched day found in the result's tuples, lists, dicts, sets and dataclasses is
    replaced by the plain day, one found anywhere else in it (an object's attributes, a
    function's closure) stays, and either way the window is then the day alone."""
    if isinstance(day, _Day):  # watched by an enclosing computation: it is asked exactly
        day = day._exactly()
    watch = _Watch(day)
    result = compute(_Day(watch, 0))
    result = _unwatched(result, watch)
    if _holds_watched(result):
        watch.exact()
    return result, Window(watch.first, watch.last)


# Values that hold no date but themselves (a watched day is tested for before these).
_ATOMS = (str, bytes, int, float, complex, bool, type(None), Decimal, range, dt.date)


def _unwatched(value: Any, watch: _Watch) -> Any:
    """``value`` with every watched day in it (in tuples, lists, dicts, sets, frozensets and
    dataclasses) replaced by the plain date, each narrowing the window to the day."""
    if isinstance(value, _Day):
        return value._exactly()
    if isinstance(value, _ATOMS):
        return value
    if isinstance(value, tuple | list):
        items = [_unwatched(v, watch) for v in value]
        if all(a is b for a, b in zip(items, value, strict=True)):
            return value
        if hasattr(value, "_make"):  # a named tuple
            return value._make(items)
        if type(value) in (tuple, list):
            return type(value)(items)
        return value  # another sequence type: left as it is (``_holds_watched`` sees it)
    if isinstance(value, dict):
        out = {_unwatched(k, watch): _unwatched(v, watch) for k, v in value.items()}
        if all(a is b for a, b in zip(out.values(), value.values())) and all(
            a is b for a, b in zip(out, value)
        ):
            return value
        new = copy.copy(value)  # keeps a dict subclass's own state (a default factory)
        new.clear()
        new.update(out)
        return new
    if isinstance(value, frozenset | set):
        items = {_unwatched(v, watch) for v in value}
        return value if type(value) not in (set, frozenset) else type(value)(items)
    if is_dataclass(value) and not isinstance(value, type):
        changes = {}
        for f in fields(value):
            old = getattr(value, f.name)
            new = _unwatched(old, watch)
            if new is not old:
                changes[f.name] = new
        if not changes:
            return value
        made = copy.copy(value)
        for name, new in changes.items():
            object.__setattr__(made, name, new)
        return made
    return value


# What can keep a watched day but is not followed: classes and modules (a class's or a
# module's state is not part of a result), code.
_NOT_FOLLOWED = (type, types.ModuleType, types.CodeType)
# What may ask a day questions later, when it runs: the window cannot be known before.
_LAZY = (types.GeneratorType, types.CoroutineType, types.AsyncGeneratorType, types.FrameType)


def _holds_watched(value: Any) -> bool:
    """Whether a watched day can be reached from ``value``: through containers, an object's
    attributes and slots, a function's closure and defaults, a bound method's object. A
    generator or a coroutine counts as holding one (it may ask when it runs)."""
    seen: set[int] = set()
    stack = [value]
    while stack:
        v = stack.pop()
        if isinstance(v, _Day) or isinstance(v, _LAZY):
            return True
        if isinstance(v, _ATOMS + _NOT_FOLLOWED) or id(v) in seen:
            continue
        seen.add(id(v))
        if isinstance(v, types.FunctionType):  # not its globals: a module's state
            stack.extend(c.cell_contents for c in v.__closure__ or () if _filled(c))
            stack.extend(v.__defaults__ or ())
            stack.extend((v.__kwdefaults__ or {}).values())
        elif isinstance(v, types.MethodType):
            stack.extend((v.__self__, v.__func__))
        elif isinstance(v, types.BuiltinFunctionType):
            if not isinstance(v.__self__, types.ModuleType):
                stack.append(v.__self__)
        else:
            stack.extend(gc.get_referents(v))
    return False


def _filled(cell: types.CellType) -> bool:
    try:
        cell.cell_contents  # noqa: B018
    except ValueError:  # a cell not yet filled
        return False
    return True
