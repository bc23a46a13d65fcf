"""Pure functions: model → the numbers every output prints.

Nothing here reads files or knows about thresholds; the checks in ``rules/`` compare
these figures with a rule pack. Money stays ``Decimal``; a ratio is a ``Decimal`` in
[0, 1] or ``None`` when its base is zero.
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

# The labels of the line items are generator.text.labels' (named here too for the callers of
# this module); money and percentages are printed by generator.text.formats.
from generator import model as m
from generator.text.formats import quarter_text
from generator.text.labels import EXPENSE_LABELS as EXPENSE_LABELS
from generator.text.labels import INCOME_LABELS as INCOME_LABELS
from generator.text.labels import QUARTER_NAMES as QUARTER_NAMES

ZERO = Decimal(0)


def ratio(part: Decimal, whole: Decimal) -> Decimal | None:
    """Exact ratio part/whole, or None when the whole is zero."""
    if whole == 0:
        return None
    return part / whole


# ---------------------------------------------------------------- finance


@dataclass(frozen=True)
class FinancePeriod:
    """Income and spending of a period: a quarter, the year to date, or the year."""

    label: str  # e.g. 2026年第三季度, 2026年1-9月
    kind: str  # quarter | year-to-date | year
    year: int
    quarters: tuple[int, ...]
    income: dict[str, Decimal]
    expenditure: dict[str, Decimal]

    @property
    def income_total(self) -> Decimal:
        return sum(self.income.values(), ZERO)

    @property
    def expenditure_total(self) -> Decimal:
        return sum(self.expenditure.values(), ZERO)

    @property
    def balance(self) -> Decimal:
        """Income (including the balance carried in) minus spending."""
        return self.income_total - self.expenditure_total

    def share(self, categories: Iterable[str]) -> Decimal | None:
        """Share of total expenditure spent on the given categories."""
        part = sum((self.expenditure.get(c, ZERO) for c in categories), ZERO)
        return ratio(part, self.expenditure_total)


def quarter_period(q: m.Quarter) -> FinancePeriod:
    """The figures of one quarter."""
    return FinancePeriod(
        label=quarter_text(q.year, q.quarter),
        kind="quarter",
        year=q.year,
        quarters=(q.quarter,),
        income=dict(q.income),
        expenditure={k: c.total for k, c in q.expenditure.items()},
    )


def months_label(year: int, quarters: Iterable[int]) -> str:
    """The months a run of quarters covers: 2026, (2, 3) → '2026年4-9月'; all four → '2026年全年'."""
    qs = sorted(quarters)
    if qs == [1, 2, 3, 4]:
        return f"{year}年全年"
    return f"{year}年{3 * qs[0] - 2}-{3 * qs[-1]}月"


def combine(quarters: list[m.Quarter], kind: str) -> FinancePeriod:
    """Sum quarters of one year; the balance carried in counts once, from the first.

    The label says which months the sum covers (``2026年4-9月`` for the second and third
    quarters), ``2026年全年`` only for all four."""
    quarters = sorted(quarters, key=lambda q: q.quarter)
    year = quarters[0].year
    income = {k: ZERO for k in m.INCOME_SOURCES}
    expenditure = {k: ZERO for k in m.EXPENSE_CATEGORIES}
    for i, q in enumerate(quarters):
        for k, v in q.income.items():
            if k == "carried_forward" and i > 0:
                continue  # already inside the previous quarter's balance
            income[k] += v
        for k, c in q.expenditure.items():
            expenditure[k] += c.total
    label = months_label(year, [q.quarter for q in quarters])
    return FinancePeriod(label, kind, year, tuple(q.quarter for q in quarters), income, expenditure)


def contract_quarters(centre: m.Centre, year: int) -> tuple[int, ...]:
    """The quarters of a calendar year that fall (at least in part) within the contract."""
    c = centre.contract
    first = (c.start.year, (c.start.month - 1) // 3 + 1)
    last = (c.end.year, (c.end.month - 1) // 3 + 1)
    return tuple(q for q in range(1, 5) if first <= (year, q) <= last)


def finance_periods(centre: m.Centre, year: int) -> list[FinancePeriod]:
    """Each recorded quarter of a year, then the contract's year so far after each, and the
    contract's year when complete.

    The year of a contract is its part of the calendar year (the accounting year of
    《民间非营利组织会计制度》, which the annual audit covers): all four quarters, or from the
    quarter the contract starts in (``2026年4-12月``) to the one it ends in. Year-to-date and
    year sums run from that first quarter without a gap; a year whose quarters are not all
    recorded has no year figure (the missing quarter is a disclosure shortfall of its own)."""
    qs = sorted((q for q in centre.quarters if q.year == year), key=lambda q: q.quarter)
    out: list[FinancePeriod] = [quarter_period(q) for q in qs]
    span = contract_quarters(centre, year) or tuple(q.quarter for q in qs)
    recorded = {q.quarter: q for q in qs}
    run: list[m.Quarter] = []
    for quarter in span:
        if quarter not in recorded:
            break
        run.append(recorded[quarter])
        if len(run) == len(span):
            out.append(combine(run, "year"))
        elif len(run) > 1:
            out.append(combine(run, "year-to-date"))
    return out


def carried_forward_links(
    centre: m.Centre,
) -> list[tuple[m.Quarter, m.Quarter, Decimal, Decimal]]:
    """Every pair of consecutive recorded quarters with the previous quarter's closing
    balance (income including the balance carried in, minus spending) and the balance the
    next one carries in: (previous, quarter, closing, carried in)."""
    links = []
    qs = sorted(centre.quarters, key=lambda q: (q.year, q.quarter))
    for prev, cur in itertools.pairwise(qs):
        consecutive = (cur.year, cur.quarter) == (
            prev.year + (prev.quarter == 4),
            prev.quarter % 4 + 1,
        )
        if not consecutive:
            continue
        closing = prev.income_total - prev.expenditure_total
        links.append((prev, cur, closing, cur.income.get("carried_forward", ZERO)))
    return links


# ---------------------------------------------------------------- staff and volunteers


@dataclass(frozen=True)
class StaffFigures:
    full_time: int
    part_time: int
    certified: int  # any social-work qualification
    registered_social_workers: int  # full-time, qualified and registered
    by_qualification: dict[str, int]
    head_is_social_worker: bool
    avg_training_hours: Decimal | None
    min_training_hours_certified: Decimal | None

    @property
    def registered_share(self) -> Decimal | None:
        return ratio(Decimal(self.registered_social_workers), Decimal(self.full_time))


def staff_figures(centre: m.Centre) -> StaffFigures:
    staff = centre.staff
    full = [s for s in staff if s.full_time]
    certified = [s for s in staff if s.certified]
    by_q = Counter(s.qualification for s in staff)
    head = next((s for s in staff if s.head), None)
    hours = [s.training_hours for s in staff]
    cert_hours = [s.training_hours for s in certified]
    return StaffFigures(
        full_time=len(full),
        part_time=len(staff) - len(full),
        certified=len(certified),
        registered_social_workers=len([s for s in full if s.certified and s.registered]),
        by_qualification={q: by_q.get(q, 0) for q in ("高级社工师", "社工师", "助理社工师", "无")},
        head_is_social_worker=bool(head and head.certified),
        avg_training_hours=(sum(hours, ZERO) / len(hours)) if hours else None,
        min_training_hours_certified=min(cert_hours) if cert_hours else None,
    )


# ---------------------------------------------------------------- opening hours


def daily_minutes(sessions: Iterable[m.Session]) -> int:
    """Minutes open in a day; split sessions are summed."""
    return sum(s.minutes for s in sessions)


def weekly_minutes(hours: m.OpeningHours) -> dict[int, int]:
    """Minutes open on each weekday of the regular week (0 = Monday)."""
    return {d: daily_minutes(hours.weekly.get(d, ())) for d in range(7)}


def upcoming_exceptions(
    hours: m.OpeningHours, today: dt.date, days: int = 60
) -> list[m.HoursException]:
    """Exceptions that end today or later and start within ``days``."""
    horizon = today + dt.timedelta(days=days)
    return [e for e in hours.exceptions if e.end >= today and e.start <= horizon]


# ---------------------------------------------------------------- activities


@dataclass(frozen=True)
class HeldActivity:
    """An activity as it happened, joined with its plan when there was one."""

    date: dt.date
    title: str
    service: str
    form: str
    themed: bool
    attendance: int
    status: str
    planned: m.Activity | None


def held_activities(centre: m.Centre, year: int | None = None) -> list[HeldActivity]:
    """Every activity record joined with its planned activity."""
    plans = {p.key: {a.id: a for a in p.activities} for p in centre.plans}
    out = []
    for month in centre.activity_months:
        if year is not None and month.year != year:
            continue
        planned = plans.get(month.key, {})
        for r in month.records:
            a = planned.get(r.plan) if r.plan else None
            out.append(
                HeldActivity(
                    date=r.date or (a.date if a else dt.date(month.year, month.month, 1)),
                    title=r.title or (a.title if a else ""),
                    service=r.service or (a.service if a else ""),
                    form=r.form or (a.form if a else "群体"),
                    themed=r.themed if r.themed is not None else (a.themed if a else False),
                    attendance=r.attendance,
                    status=r.status,
                    planned=a,
                )
            )
    return out


@dataclass(frozen=True)
class MonthActivity:
    key: str
    planned: int
    held: int
    cancelled: int
    postponed: int
    unplanned: int
    themed_held: int
    attendance: int


def month_activity(centre: m.Centre, key: str) -> MonthActivity:
    """Planned vs held for one month (YYYY-MM)."""
    plan = next((p for p in centre.plans if p.key == key), None)
    month = next((a for a in centre.activity_months if a.key == key), None)
    records = month.records if month else ()
    planned = {a.id: a for a in plan.activities} if plan else {}
    held = [r for r in records if r.status == "已举办"]
    themed = 0
    for r in held:
        a = planned.get(r.plan) if r.plan else None
        flag = r.themed if r.themed is not None else (a.themed if a else False)
        themed += bool(flag)
    return MonthActivity(
        key=key,
        planned=len(planned),
        held=len(held),
        cancelled=len([r for r in records if r.status == "已取消"]),
        postponed=len([r for r in records if r.status == "已延期"]),
        unplanned=len([r for r in records if r.plan is None]),
        themed_held=themed,
        attendance=sum(r.attendance for r in held),
    )


def service_volume(centre: m.Centre, year: int) -> dict[str, Counter]:
    """Service volume by service code, split into 个体 and 群体 (表九 注1).

    Group volume is the attendance (人次) of held group activities; individual volume
    is the monthly individual-service counts plus attendance of held individual activities.
    """
    vol = {"个体": Counter(), "群体": Counter()}
    for a in held_activities(centre, year):
        if a.status == "已举办":
            vol[a.form][a.service] += a.attendance
    for month in centre.activity_months:
        if month.year == year:
            for ind in month.individual:
                vol["个体"][ind.service] += ind.count
    return vol


def years_of(centre: m.Centre) -> list[int]:
    """Every year that has any record."""
    years = {p.year for p in centre.plans} | {a.year for a in centre.activity_months}
    years |= {q.year for q in centre.quarters} | {a.year for a in centre.audits}
    years |= {e.year for e in centre.evaluations}
    return sorted(years)


def satisfaction_rate(ev: m.Evaluation) -> Decimal:
    return Decimal(ev.satisfaction.satisfied) / Decimal(ev.satisfaction.sample)
