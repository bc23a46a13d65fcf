"""What the services a centre delivered cover in the pack's catalogue (shared by three checks).

The documents ask what a centre *provides* (提供), so the checks count what happened, not
what centre.yaml lists: a code is delivered when an activity under it was held (``已举办``;
the record's ``service``, else the planned activity's) or individual services under it were
counted (``individual`` of activities/YYYY-MM.yaml), within the review period — the twelve
months before the month of the day of the check, from the contract's start when it is
younger. Codes are 细项 (3.3.1) or a 大项 that has no 细项 (8.4). A 大项 is covered when
any of its codes was delivered; a table (category) when any of its 大项 was. The checks
``catalogue-size``, ``catalogue-mandatory`` and ``catalogue-majors-per-category`` count these
sets against the pack; ``services.catalogue`` (what the centre says it offers) is shown beside
them, so a listed service never delivered is visible.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from generator import model as m
from generator.figures.finance import held_activities
from generator.packs.library import Catalogue
from generator.problems import Position
from generator.text import formats as fmt

REVIEW_MONTHS = 12  # the review period: a year of service, the unit the documents plan in


@dataclass
class Coverage:
    """Codes offered, grouped by catalogue level."""

    items: set[str] = field(default_factory=set)  # 细项 (or 大项 without 细项)
    majors: set[str] = field(default_factory=set)
    tables: set[str] = field(default_factory=set)
    custom: set[str] = field(default_factory=set)  # codes outside the catalogue
    period: str = ""  # the review period, e.g. 2025年12月至2026年11月
    complete: bool = True  # False while the contract is younger than the review period
    delivered_any: bool = True  # False when the period has no activity record at all
    listed_not_delivered: tuple[str, ...] = ()  # in services.catalogue, not delivered

    def items_in(self, catalogue: Catalogue, tables: list[str] | None) -> set[str]:
        return {c for c in self.items if _in_tables(catalogue, c, tables)}

    def majors_in(self, catalogue: Catalogue, tables: list[str] | None) -> set[str]:
        return {c for c in self.majors if _in_tables(catalogue, c, tables)}


def _in_tables(catalogue: Catalogue, code: str, tables: list[str] | None) -> bool:
    table = catalogue.table_of(code)
    return table is not None and (tables is None or table.code in tables)


def _month_start(day: dt.date, back: int) -> dt.date:
    y, mo = divmod(day.year * 12 + day.month - 1 - back, 12)
    return dt.date(y, mo + 1, 1)


def review_period(centre: m.Centre, today: dt.date) -> tuple[dt.date, dt.date, bool]:
    """The twelve months before ``today``'s month (from the contract's start when that is
    later), and whether they are a whole review period."""
    end = _month_start(today, 0) - dt.timedelta(days=1)
    start = _month_start(today, REVIEW_MONTHS)
    whole = centre.contract.start <= start
    return max(start, centre.contract.start), end, whole


def delivered_codes(centre: m.Centre, start: dt.date, end: dt.date) -> tuple[set[str], bool]:
    """Service codes delivered between ``start`` and ``end``, and whether any activity record
    falls in that time at all."""
    codes: set[str] = set()
    any_record = False
    for a in held_activities(centre):
        if start <= a.date <= end:
            any_record = True
            if a.status == "已举办" and a.service:
                codes.add(a.service)
    for month in centre.activity_months:
        if start <= dt.date(month.year, month.month, 1) <= end:
            any_record = any_record or bool(month.individual)
            codes.update(s.service for s in month.individual if s.count > 0)
    return codes, any_record


def classify(codes: Iterable[str], catalogue: Catalogue, cov: Coverage | None = None) -> Coverage:
    """Sort service codes into 细项 (a 大项 without 细项 counts as one), 大项 and tables, and
    codes outside the catalogue: the one way codes are counted, for the checks and for the
    consultation notice's list."""
    cov = cov if cov is not None else Coverage()
    for code in sorted(codes):
        found = catalogue.lookup(code)
        if found is None:
            cov.custom.add(code)
            continue
        table, major, item = found
        cov.tables.add(table.code)
        if item is not None:
            cov.items.add(item.code)
            cov.majors.add(item.major)
        elif major is not None:
            cov.majors.add(major.code)
            if not major.items:  # a 大项 without 细项 counts as one 细项
                cov.items.add(major.code)
    return cov


def coverage(centre: m.Centre, catalogue: Catalogue, today: dt.date) -> Coverage:
    """Sort the service codes delivered in the review period into 细项, 大项 and tables."""
    start, end, whole = review_period(centre, today)
    codes, any_record = delivered_codes(centre, start, end) if start <= end else (set(), False)
    cov = Coverage(
        period=fmt.date_range_text(start, end) if start <= end else "",
        complete=whole,
        delivered_any=any_record,
        listed_not_delivered=tuple(c for c in centre.services.catalogue if c not in codes),
    )
    classify(codes, catalogue, cov)
    return cov


def services_pos(centre: m.Centre) -> Position:
    return centre.services.pos("catalogue")


def table_name(catalogue: Catalogue, code: str, labels: Mapping[str, str] | None = None) -> str:
    """A table as messages name it: 表七（自助互助服务）. ``labels`` is the pack's own numbering
    of the tables (``Pack.table_labels``): the early plan's 表七 is the catalogue's 表八."""
    own = (labels or {}).get(code)
    for t in catalogue.tables:
        if t.code == code:
            label = own or t.table or code
            return f"{label}（{t.title}）" if t.title and t.title != label else label
    return own or code


def delivered_lead(cov: Coverage) -> str:
    """How the counts were made, for the start of a message."""
    return f"{cov.period}实际举办的活动和个案服务"


def not_yet(cov: Coverage) -> str:
    """Why a shortfall is not yet judged: the contract is younger than the review period."""
    return f"（合同开始不满 {REVIEW_MONTHS} 个月，先按目前的记录统计，期满后再判断）"


def listed_note(cov: Coverage) -> str:
    """The services centre.yaml lists but the period did not deliver, when any."""
    if not cov.listed_not_delivered:
        return ""
    shown = "、".join(cov.listed_not_delivered[:8])
    more = f"等 {len(cov.listed_not_delivered)} 项" if len(cov.listed_not_delivered) > 8 else ""
    return f"；services.catalogue 列出但期内没有举办记录的：{shown}{more}"
