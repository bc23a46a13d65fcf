"""What every check receives and returns: ``CheckContext`` in, ``Finding`` values out.

A check never prints and never raises for bad records: it yields one ``Finding`` per
thing it measured (a quarter, a month, a paid service …) with a status, the exact
values it compared, the threshold from the rule pack and a Chinese message.
``generator.compliance`` turns failing findings into ``Problem`` values.
"""

from __future__ import annotations

import datetime as dt
import operator
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from generator import model as m
from generator.packs.library import Pack, Rule
from generator.problems import Position
from generator.text.labels import FAIL_WORDS, OP_WORDS

PASS, FAIL, NOT_APPLICABLE, NO_DATA = "pass", "fail", "not-applicable", "no-data"
STATUSES = (PASS, FAIL, NOT_APPLICABLE, NO_DATA)

# Comparison operators as rule packs write them; the wording of the text decides the
# operator (不低于/不少于/以上 → ≥, 不得超过 → ≤, 超过 → >), never the code.
OPS: dict[str, Callable[[Any, Any], bool]] = {
    ">=": operator.ge,
    "<=": operator.le,
    ">": operator.gt,
    "<": operator.lt,
    "==": operator.eq,
}
# How a limit and a value that misses it are worded, the same in these messages as on the
# pages and postings (generator.text.labels).
OP_TEXT = OP_WORDS
FAIL_TEXT = FAIL_WORDS


@dataclass(frozen=True)
class CheckContext:
    """One rule of a pack applied to one centre on a given day."""

    centre: m.Centre
    pack: Pack
    rule: Rule
    today: dt.date
    # the written systems the centre's policy manuals provide (document id → manual title);
    # None when the manuals were not rendered
    documents: Mapping[str, str] | None = None
    # another rule's findings for the same centre and day (scoring and vetoes read them)
    findings_of: Callable[[str], tuple[Finding, ...]] = field(default=lambda _rule_id: ())

    @property
    def params(self) -> Any:
        """The rule's typed parameters (the check module's ``Params``)."""
        return self.rule.params

    def file(self, rel: str) -> str:
        """Display path of a file inside the centre folder (it may not exist yet)."""
        centre_file = self.centre.src.file
        folder = centre_file.rsplit("/", 1)[0] if "/" in centre_file else ""
        return f"{folder}/{rel}" if folder else rel


@dataclass(frozen=True)
class Finding:
    """One measured result of a rule: status, exact values, threshold and a message."""

    status: str
    message: str
    pos: Position | None = None
    period: str | None = None  # e.g. 2026年第三季度, 2026-03, 2026年
    year: int | None = None  # the year the finding belongs to (None: not tied to a year)
    measured: Mapping[str, Any] = field(default_factory=dict)
    threshold: Any = None
    base: str | None = None  # what a ratio is divided by
    severity: str | None = None  # overrides the rule's severity for this finding
    shortfall: int = 0  # how many are missing (activities), for deductions in scoring


def op_holds(value: Any, op: str, threshold: Any) -> bool:
    """Compare exactly as the text says; unknown operators never hold."""
    fn = OPS.get(op)
    return bool(fn and fn(value, threshold))


def ratio_holds(part: Decimal, whole: Decimal, op: str, threshold: Decimal) -> bool:
    """Compare part/whole with a threshold without dividing (exact for every ratio)."""
    return op_holds(part, op, threshold * whole)


def worst_status(statuses: list[str]) -> str:
    """A rule's overall status from its findings: fail > pass > no-data > not-applicable."""
    for s in (FAIL, PASS, NO_DATA):
        if s in statuses:
            return s
    return NOT_APPLICABLE


def month_end(year: int, month: int) -> dt.date:
    nxt = dt.date(year + (month == 12), month % 12 + 1, 1)
    return nxt - dt.timedelta(days=1)
