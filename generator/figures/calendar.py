"""The disclosure calendar: every disclosure's due date, publication date and state.

Due dates come from the centre's rule pack, never from code:

- monthly plan (月度活动计划): a ``plan-published`` rule (or a ``disclosure-deadline`` rule
  with ``disclosure: monthly-plan``); due on the last day of the previous month minus
  ``days_before_month`` days (0: 2026-08's plan is due on 2026-07-31);
- quarterly finance (季度财务信息): ``disclosure-deadline`` with ``disclosure:
  quarterly-finance``; due ``days_after_period`` days after the quarter ends, that day
  included (30: 2026-Q3 is due on 2026-10-30);
- annual audit (年度审计报告): ``disclosure-deadline`` with ``disclosure: annual-audit``; due
  on ``due_month_day`` of the next year (04-30: the 2025 audit is due on 2026-04-30).

A pack without such a rule gives that disclosure no due date (``due`` is None, state
``undated`` until published), and ``missing_rules`` says which kinds have none.

States (docs/workflow.md explains them in Chinese), for a date ``as_of``:

- ``published``: published on or before the due date (or published, with no due date);
- ``late``: published, but after the due date;
- ``missing``: not published and the due date has passed;
- ``due``: not published, due within ``soon_days`` days (the due day included);
- ``upcoming``: not published, due later than that;
- ``undated``: not published, and the pack sets no due date.

A record whose ``published`` date is after ``as_of`` counts as not yet published then, so
``--as-of`` shows the calendar as it stood on any day. ``published_on`` is the centre as the
public may see it on a day: such records are left out of it (the site and the postings print
that view), and they appear from their publication date on.

Which periods are listed: of each kind with a due date, every period up to the next one
to come (next month's plan, the current quarter, the current year's audit), within the
contract, plus every period that has a record. Quarterly finance and annual audits are
listed from the contract start (or the first record, when that is earlier): a quarter or
year of the contract before the first record is as due as any other, ``missing`` once its
due date has passed. Monthly plans are listed from the first plan (or, with none, from the
contract start). Kinds without a due date list only
their records. Evaluations (第三方评估) are listed when recorded, without a due date.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field, fields, replace
from typing import Any

from generator import disclosures
from generator import model as m
from generator.packs.library import Pack, Rule

KINDS = tuple(k.key for k in disclosures.KINDS)
STATES = ("missing", "late", "due", "upcoming", "undated", "published")
STATE_LABELS = {
    "published": "已公布",
    "late": "逾期公布",
    "missing": "逾期未公布",
    "due": "即将到期",
    "upcoming": "未到期",
    "undated": "未规定期限",
}
SOON_DAYS = 7  # how near a due date must be to show as "due"; a display choice, not a rule


@dataclass(frozen=True)
class DueItem:
    """One disclosure of one centre on the calendar (公示日历中的一项).

    ``key`` is stable (``plan/2026-03``, ``finance/2026-Q3``, ``audit/2025``,
    ``evaluation/2026``) and is the same key the corrections ledger uses.
    """

    centre: str  # centre id
    key: str
    kind: str  # plan | finance | audit | evaluation
    period: str  # 2026-03 | 2026-Q3 | 2026
    title: str  # Chinese, e.g. 2026年第三季度财务信息
    due: dt.date | None
    published: dt.date | None  # as recorded and not after as_of
    state: str  # one of STATES
    rule: str | None  # rule id the due date comes from
    citation: str | None  # 《…》clause of that rule
    deadline_text: str | None  # how the due date is set, e.g. 季度结束后 30 日内
    file: str  # the record file (relative to the centre folder), present or expected
    recorded: bool  # whether the record file exists
    as_of: dt.date = field(repr=False, compare=False)  # the day the state is on

    @property
    def days(self) -> int | None:
        """Days late (late/missing), days left (due/upcoming); None otherwise. Counted only
        when asked: the state itself holds over days, the count changes every day."""
        return days_of(self.state, self.published, self.due, self.as_of)

    @property
    def state_label(self) -> str:
        return STATE_LABELS[self.state]

    @property
    def kind_label(self) -> str:
        return disclosures.BY_KEY[self.kind].label

    @property
    def overdue(self) -> bool:
        """Late or missing: what an officer's list and the home page show."""
        return self.state in ("late", "missing")

    def as_dict(self) -> dict:
        d: dict[str, Any] = {}
        for f in fields(self):
            if f.name != "as_of":
                d[f.name] = getattr(self, f.name)
            if f.name == "state":
                d["days"] = self.days
        d["due"] = self.due.isoformat() if self.due else None
        d["published"] = self.published.isoformat() if self.published else None
        d["state_label"] = self.state_label
        return d


# ---------------------------------------------------------------- due dates from the pack


def deadline_rules(pack: Pack | None) -> dict[str, Rule | None]:
    """The rule setting each kind's due date, or None when the pack has none."""
    out: dict[str, Rule | None] = dict.fromkeys(KINDS)
    if pack is None:
        return out
    plans = pack.by_check("plan-published")
    out["plan"] = plans[0] if plans else None
    for r in pack.by_check("disclosure-deadline"):
        for kind in disclosures.KINDS:
            if kind.deadline == r.params.disclosure and out[kind.key] is None:
                out[kind.key] = r
    return out


def missing_rules(pack: Pack | None) -> list[str]:
    """Kinds (other than evaluations) whose due date the pack does not set."""
    rules = deadline_rules(pack)
    return [k.key for k in disclosures.KINDS if k.deadline and rules[k.key] is None]


def quarter_end(year: int, quarter: int) -> dt.date:
    mo = 3 * quarter
    return dt.date(year + (mo == 12), mo % 12 + 1, 1) - dt.timedelta(days=1)


def due_date(rule: Rule | None, kind: str, period: str) -> dt.date | None:
    """The due date of one period of a kind under a rule (None without a rule): the one
    due-date function that ``check``, ``due``, the site and the postings all use."""
    if rule is None:
        return None
    p = rule.params
    if kind == "plan":
        year, month = (int(x) for x in period.split("-"))
        return dt.date(year, month, 1) - dt.timedelta(days=1 + p.days_before_month)
    if kind == "finance":
        year, q = int(period[:4]), int(period[-1])
        return quarter_end(year, q) + dt.timedelta(days=p.days_after_period)
    if kind == "audit":
        return dt.date(int(period) + 1, *p.due_month_day)
    return None


def deadline_text(rule: Rule | None, kind: str) -> str | None:
    """How a kind's due date is set, in Chinese."""
    if rule is None:
        return None
    p = rule.params
    if kind == "plan":
        n = p.days_before_month
        return "不晚于上月最后一天" if n == 0 else f"不晚于上月最后一天前 {n} 日"
    if kind == "finance":
        return f"季度结束后 {p.days_after_period} 日内"
    if kind == "audit":
        mm, dd = p.due_month_day
        return f"次年 {mm} 月 {dd} 日前"
    return None


def deadline_authority(rule: Rule | None, kind: str) -> str | None:
    """How a kind's due date is set and on whose authority, in Chinese.

    A deadline the documents leave open (they say only 及时 or 提前) is a local choice: the
    rule's ``basis`` says why it was chosen, and it is printed as such,
    ``按本地规定：季度结束后 30 日内（依据：…）``, never as if the clause had set it. A
    deadline the clause itself sets (no ``basis``) is printed with that clause."""
    text = deadline_text(rule, kind)
    if rule is None or text is None:
        return None
    if rule.basis:
        return f"按本地规定：{text}（依据：{rule.basis}）"
    return f"{text}（{rule.citation}）" if rule.citation else text


# ---------------------------------------------------------------- periods


def _months(first: tuple[int, int], last: tuple[int, int]) -> Iterator[tuple[int, int]]:
    y, mo = first
    while (y, mo) <= last:
        yield y, mo
        y, mo = y + (mo == 12), mo % 12 + 1


def _quarters(first: tuple[int, int], last: tuple[int, int]) -> Iterator[tuple[int, int]]:
    y, q = first
    while (y, q) <= last:
        yield y, q
        y, q = y + (q == 4), q % 4 + 1


def expected_periods(centre: m.Centre, kind: str, as_of: dt.date) -> list[str]:
    """The periods of a kind that should exist on ``as_of``, by the rule of this module's
    docstring, up to the next one to come, within the contract."""
    c = centre.contract
    if kind == "plan":
        recorded = [(p.year, p.month) for p in centre.plans]
        cstart = (c.start.year, c.start.month)
        start = max(min(recorded), cstart) if recorded else cstart
        nxt = (as_of.year + (as_of.month == 12), as_of.month % 12 + 1)
        end = min(nxt, (c.end.year, c.end.month))
        return [f"{y:04d}-{mo:02d}" for y, mo in _months(start, end)]
    if kind == "finance":
        recorded = [(q.year, q.quarter) for q in centre.quarters]
        start = min([*recorded, (c.start.year, (c.start.month - 1) // 3 + 1)])
        end = min(
            (as_of.year, (as_of.month - 1) // 3 + 1), (c.end.year, (c.end.month - 1) // 3 + 1)
        )
        return [f"{y:04d}-Q{q}" for y, q in _quarters(start, end)]
    if kind == "audit":
        recorded = [a.year for a in centre.audits]
        start = min([*recorded, c.start.year])
        end = min(as_of.year, c.end.year)
        return [str(y) for y in range(start, end + 1)]
    return []


def state_on(
    published: dt.date | None, due: dt.date | None, as_of: dt.date, soon_days: int = SOON_DAYS
) -> str:
    """The state of a disclosure on ``as_of``; ``published`` after ``as_of`` counts as not
    yet. Only compares ``as_of`` with dates (no count of days), so the state is known to hold
    until the next date it is compared with (``figures.window``)."""
    if published is not None and published <= as_of:
        return "late" if due is not None and published > due else "published"
    if due is None:
        return "undated"
    if as_of > due:
        return "missing"
    return "due" if as_of >= due - dt.timedelta(days=soon_days) else "upcoming"


def days_of(
    state: str, published: dt.date | None, due: dt.date | None, as_of: dt.date
) -> int | None:
    """Days late (``late``, ``missing``) or left (``due``, ``upcoming``) of a disclosure in
    ``state`` on ``as_of``; None for the other states."""
    if state == "late" and published is not None and due is not None:
        return (published - due).days
    if state == "missing" and due is not None:
        return (as_of - due).days
    if state in ("due", "upcoming") and due is not None:
        return (due - as_of).days
    return None


def state_of(
    published: dt.date | None, due: dt.date | None, as_of: dt.date, soon_days: int = SOON_DAYS
) -> tuple[str, int | None]:
    """(state, days) for a disclosure: ``state_on`` and ``days_of``."""
    state = state_on(published, due, as_of, soon_days)
    return state, days_of(state, published, due, as_of)


def listed(
    centre: m.Centre, pack: Pack | None, as_of: dt.date
) -> Iterator[tuple[str, str, object | None, dt.date | None, Any]]:
    """Every disclosure of a centre listed on ``as_of``, by kind then period: (kind, period,
    its record or None, its due date, the deadline rule). ``as_of`` decides only which periods
    are due by then (``expected_periods``): it is never compared with a due date, so the
    list holds from one month, quarter or year to the next (``figures.window``)."""
    rules = deadline_rules(pack)
    for kind in KINDS:
        rule = rules[kind]
        records = disclosures.BY_KEY[kind].records(centre)
        periods = set(records)
        if rule is not None:
            periods |= set(expected_periods(centre, kind, as_of))
        for period in sorted(periods):
            yield kind, period, records.get(period), due_date(rule, kind, period), rule


def disclosure_states(
    centre: m.Centre, pack: Pack | None, as_of: dt.date, soon_days: int = SOON_DAYS
) -> list[DueItem]:
    """Every disclosure of a centre with its due date and state on ``as_of``, by due date."""
    items: list[DueItem] = []
    for kind, period, rec, due, rule in listed(centre, pack, as_of):
        published = getattr(rec, "published", None)
        shown = published if published is not None and published <= as_of else None
        state = state_on(published, due, as_of, soon_days)
        items.append(
            DueItem(
                centre=centre.id,
                key=f"{kind}/{period}",
                kind=kind,
                period=period,
                title=disclosures.period_title(kind, period),
                due=due,
                published=shown,
                state=state,
                rule=rule.id if rule else None,
                citation=rule.citation if rule else None,
                deadline_text=deadline_text(rule, kind),
                file=disclosures.BY_KEY[kind].file(period),
                recorded=rec is not None,
                as_of=as_of,
            )
        )
    far = dt.date.max
    items.sort(key=lambda i: (i.due or far, KINDS.index(i.kind), i.period))
    return items


# ---------------------------------------------------------------- what is published on a day


def withheld(record: object, day: dt.date) -> bool:
    """Whether a disclosure's record is dated for publication after ``day`` (not published
    yet on that day). A record without a publication date is not withheld by this: it is
    shown as 未公布, as it always was."""
    published = getattr(record, "published", None)
    return published is not None and published > day


def withheld_keys(centre: m.Centre, day: dt.date) -> frozenset[str]:
    """The keys (``finance/2026-Q4``) of the centre's records published after ``day``."""
    return frozenset(
        f"{kind.key}/{period}"
        for kind in disclosures.KINDS
        for period, record in kind.records(centre).items()
        if withheld(record, day)
    )


def corrections_on(corrections: Iterable[Any], centre: m.Centre, day: dt.date) -> tuple:
    """The corrections (更正说明, ``ledger.Correction``) published on ``day``: dated on or
    before it, of a disclosure published by then (``withheld``). A correction dated later
    comes with its date, like a record."""
    held = withheld_keys(centre, day)
    return tuple(co for co in corrections if co.date <= day and co.disclosure not in held)


# the field of the model holding each kind's records
RECORD_FIELDS = {
    "plan": "plans",
    "finance": "quarters",
    "audit": "audits",
    "evaluation": "evaluations",
}


def published_on(centre: m.Centre, day: dt.date) -> m.Centre:
    """The centre as the public may see it on ``day``: every disclosure whose publication
    date is after ``day`` left out (its page, its data, its place in lists and its posting
    come on that date). The centre itself when nothing is withheld."""
    if not withheld_keys(centre, day):
        return centre
    return replace(
        centre,
        **{
            RECORD_FIELDS[kind.key]: tuple(
                r for r in getattr(centre, RECORD_FIELDS[kind.key]) if not withheld(r, day)
            )
            for kind in disclosures.KINDS
        },
    )
