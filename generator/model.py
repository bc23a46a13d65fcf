"""The typed, immutable model of a centre: the only thing later stages see.

Every class is a frozen dataclass built by ``validate`` from a file that had no errors.
Money is ``Decimal`` (yuan), dates are ``datetime.date``, times ``datetime.time``.
``src`` is where the object was written; ``at`` maps a field name to the position of
its value, so a compliance check can point at the exact record line.
"""

from __future__ import annotations

import copyreg
import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field, fields, replace
from decimal import Decimal
from types import MappingProxyType
from typing import Any

from generator.problems import Position

NO_POS: Mapping[str, Position] = MappingProxyType({})


def _frozen_map(items: dict) -> Mapping:
    return MappingProxyType(items)


# A validated centre is handed to worker processes (multiprocessing pickles it); read-only
# mappings travel as plain dicts and come back read-only.
copyreg.pickle(MappingProxyType, lambda proxy: (_frozen_map, (dict(proxy),)))
WEEKDAYS = ("周一", "周二", "周三", "周四", "周五", "周六", "周日")


@dataclass(frozen=True)
class Located:
    """Mixin: where an object and each of its fields were written."""

    src: Position = field(default=Position(""), compare=False, repr=False, kw_only=True)
    at: Mapping[str, Position] = field(
        default_factory=lambda: NO_POS, compare=False, repr=False, kw_only=True
    )

    def pos(self, name: str) -> Position:
        """Position of a field's value, or of the object when the field was omitted."""
        return self.at.get(name, self.src)


def without_field_places(value: Any) -> Any:
    """``value`` with every record in it placed by where it starts alone (``src``; ``at``
    emptied, so ``pos`` gives the record's start): for what lists records and never points at
    one of their lines (``pipeline.city_view``). Half the objects of a centre are positions."""
    if isinstance(value, Located):
        changed: dict[str, Any] = {"at": NO_POS} if value.at else {}
        for f in fields(value):
            if f.name not in ("src", "at"):
                old = getattr(value, f.name)
                new = without_field_places(old)
                if new is not old:
                    changed[f.name] = new
        return replace(value, **changed) if changed else value
    if isinstance(value, tuple):
        items = tuple(without_field_places(v) for v in value)
        return items if any(a is not b for a, b in zip(items, value, strict=True)) else value
    if isinstance(value, Mapping):
        pairs = {k: without_field_places(v) for k, v in value.items()}
        if all(pairs[k] is v for k, v in value.items()):
            return value
        return MappingProxyType(pairs) if isinstance(value, MappingProxyType) else pairs
    return value


# ---------------------------------------------------------------- centre.yaml


@dataclass(frozen=True)
class Contact(Located):
    """Public contact channels (公开联系方式); only declared public numbers may be published."""

    phone: str
    email: str | None = None
    wechat: str | None = None
    website: str | None = None
    feedback: str | None = None  # how residents send comments or objections


@dataclass(frozen=True)
class Operator(Located):
    """Operator (运营主体): the social organisation running the centre."""

    name: str
    credit_code: str  # 统一社会信用代码, GB 32100 check digit verified
    phone: str | None = None
    address: str | None = None


@dataclass(frozen=True)
class Funder(Located):
    """One source of the contract's annual budget (e.g. 市级财政)."""

    name: str
    amount: Decimal


@dataclass(frozen=True)
class Contract(Located):
    """Government purchase contract (服务购买合同)."""

    purchaser: str
    start: dt.date
    end: dt.date
    annual_budget: Decimal
    funders: tuple[Funder, ...] = ()
    number: str | None = None


@dataclass(frozen=True)
class Room(Located):
    """A room or area of the centre (功能室)."""

    name: str
    area: Decimal
    purpose: str
    accessible: bool = False


@dataclass(frozen=True)
class Session(Located):
    """One opening session on a day, e.g. 09:00–12:00.

    ``next_day``: the session ends on the following day, either at midnight (written
    ``12:00-24:00``: ``end`` is 00:00) or overnight (``20:00-02:00``). The session belongs to
    the day it starts on, and its minutes are counted for that day."""

    start: dt.time
    end: dt.time
    next_day: bool = False

    @property
    def start_minute(self) -> int:
        """Minutes from the start of its day to the start."""
        return self.start.hour * 60 + self.start.minute

    @property
    def end_minute(self) -> int:
        """Minutes from the start of its day to the end (beyond 1440 when overnight)."""
        return self.end.hour * 60 + self.end.minute + (1440 if self.next_day else 0)

    @property
    def minutes(self) -> int:
        return self.end_minute - self.start_minute

    @property
    def to_midnight(self) -> bool:
        """Ends exactly at midnight (24:00)."""
        return self.next_day and self.end == dt.time(0, 0)

    @property
    def overnight(self) -> bool:
        """Ends after midnight, on the following day."""
        return self.next_day and not self.to_midnight

    @property
    def end_text(self) -> str:
        """The end as a clock shows it on the session's day: 21:30, 24:00, or 02:00."""
        return "24:00" if self.to_midnight else f"{self.end:%H:%M}"

    def contains(self, start: dt.time, end: dt.time) -> bool:
        """Whether a same-day span start–end (an activity) lies within the session."""
        s = start.hour * 60 + start.minute
        e = end.hour * 60 + end.minute
        return self.start_minute <= s and e <= self.end_minute

    def __str__(self) -> str:
        """09:00-12:00, 12:00-24:00, 20:00-次日02:00 (also how it may be written)."""
        prefix = "次日" if self.overnight else ""
        return f"{self.start:%H:%M}-{prefix}{self.end_text}"


@dataclass(frozen=True)
class HoursException(Located):
    """A dated change to the weekly hours: holiday, closure or 调休 working day."""

    start: dt.date
    end: dt.date
    reason: str
    closed: bool = True
    sessions: tuple[Session, ...] = ()

    def covers(self, day: dt.date) -> bool:
        return self.start <= day <= self.end


@dataclass(frozen=True)
class OpeningHours(Located):
    """Opening hours (开放时间): weekly sessions plus dated exceptions."""

    weekly: Mapping[int, tuple[Session, ...]]  # 0 = Monday … 6 = Sunday
    exceptions: tuple[HoursException, ...] = ()

    def sessions_on(self, day: dt.date) -> tuple[Session, ...]:
        """Sessions that apply on a date, exceptions first (the last listed wins)."""
        for exc in reversed(self.exceptions):
            if exc.covers(day):
                return () if exc.closed else exc.sessions
        return self.weekly.get(day.weekday(), ())


QUALIFICATIONS = ("助理社工师", "社工师", "高级社工师")


@dataclass(frozen=True)
class StaffMember(Located):
    """A staff member (工作人员); names are optional and never required."""

    role: str
    employment: str  # 全职 | 兼职
    qualification: str  # 无 | 助理社工师 | 社工师 | 高级社工师
    registered: bool = False  # registered with the social-worker association
    head: bool = False  # 中心负责人
    training_hours: Decimal = Decimal(0)
    name: str | None = None

    @property
    def full_time(self) -> bool:
        return self.employment == "全职"

    @property
    def certified(self) -> bool:
        return self.qualification in QUALIFICATIONS


@dataclass(frozen=True)
class Volunteers(Located):
    """Volunteers (志愿者/义工): registered count and annual service hours."""

    registered: int
    service_hours: Decimal
    teams: tuple[str, ...] = ()


@dataclass(frozen=True)
class OwnService(Located):
    """A centre-specific service item outside the catalogue."""

    code: str
    title: str
    description: str | None = None


@dataclass(frozen=True)
class PaidService(Located):
    """A paid convenience service of 表十 (经营性便民利民服务)."""

    code: str
    title: str
    price: Decimal
    unit: str
    filed_with: str | None = None  # 街道办事处 it was filed with (备案)
    filed_on: dt.date | None = None
    market_price: Decimal | None = None


@dataclass(frozen=True)
class PlatformCoverage(Located):
    """The “12349” public-service platform (深圳 六(三)): of the persons it must cover (70岁以上
    老人、残疾人、优抚对象、低保家庭等 receiving the community's public services), how many it
    covers (a terminal installed free of charge and served)."""

    eligible: int
    covered: int
    as_of: dt.date | None = None


@dataclass(frozen=True)
class Services(Located):
    """The services offered: catalogue codes, own items and paid services."""

    catalogue: tuple[str, ...]
    own: tuple[OwnService, ...] = ()
    paid: tuple[PaidService, ...] = ()
    filed_exemption: str | None = None  # 报备 text when below the catalogue minimum
    platform_12349: PlatformCoverage | None = None


@dataclass(frozen=True)
class Population(Located):
    """Counts of a special population in the community (for the fewer-than-20 rule)."""

    key: str
    count: int
    referral: str | None = None  # referral service arranged when no own service


@dataclass(frozen=True)
class RecurringActivity(Located):
    """An activity that repeats each week, used to draft next month's plan."""

    weekday: int
    start: dt.time
    end: dt.time
    room: str
    title: str
    service: str
    form: str
    target: str
    capacity: int
    description: str | None = None
    themed: bool = False
    signup: str | None = None


@dataclass(frozen=True)
class Centre(Located):
    """A community service centre (社区（党群）服务中心) and all its records."""

    id: str
    district: str
    street: str
    community: str
    community_type: str
    rule_pack: str
    address: str
    contact: Contact
    operator: Operator
    contract: Contract
    floor_area: Decimal
    rooms: tuple[Room, ...]
    opening_hours: OpeningHours
    staff: tuple[StaffMember, ...]
    volunteers: Volunteers
    services: Services
    city: str | None = None
    brand: str | None = None
    official_name: str | None = None  # as registered; else built by the naming rule
    populations: tuple[Population, ...] = ()
    social_organisations: Mapping[str, int] = field(default_factory=dict)  # introduced, fostered
    recurring: tuple[RecurringActivity, ...] = ()
    plans: tuple[Plan, ...] = ()
    activity_months: tuple[ActivityMonth, ...] = ()
    quarters: tuple[Quarter, ...] = ()
    audits: tuple[Audit, ...] = ()
    evaluations: tuple[Evaluation, ...] = ()

    @property
    def name(self) -> str:
        """The official name as recorded, else brand + street + community + 社区（党群）服务中心."""
        return self.official_name or official_name(self.brand, self.street, self.community)

    def room(self, name: str) -> Room | None:
        return next((r for r in self.rooms if r.name == name), None)


def official_name(brand: str | None, street: str, community: str) -> str:
    """Build the name of 《深圳市社区（党群）服务中心运营与评估标准》二(二)."""
    community_part = community.removesuffix("社区")
    return f"{brand or ''}{street}{community_part}社区（党群）服务中心"


# ---------------------------------------------------------------- plans/YYYY-MM.yaml


@dataclass(frozen=True)
class Activity(Located):
    """A planned activity (月度活动计划中的一项)."""

    id: str
    date: dt.date
    start: dt.time
    end: dt.time
    room: str
    title: str
    service: str  # catalogue code or own-service code
    form: str  # 个体 | 群体 (表九 注1)
    target: str
    capacity: int
    signup: str
    description: str | None = None
    themed: bool = False  # 主题活动
    price: Decimal = Decimal(0)  # 0 = free
    paid_service: str | None = None  # 表十 code when charged


@dataclass(frozen=True)
class Plan(Located):
    """Monthly activity plan (月度活动计划), published before its month."""

    year: int
    month: int
    published: dt.date | None
    activities: tuple[Activity, ...]

    @property
    def key(self) -> str:
        return f"{self.year:04d}-{self.month:02d}"


# ---------------------------------------------------------------- activities/YYYY-MM.yaml


@dataclass(frozen=True)
class ActivityRecord(Located):
    """What happened to a planned (or unplanned) activity (活动记录)."""

    status: str  # 已举办 | 已取消 | 已延期
    plan: str | None = None  # planned activity id
    date: dt.date | None = None  # actual date (unplanned or postponed)
    title: str | None = None
    service: str | None = None
    form: str | None = None
    themed: bool | None = None
    attendance: int = 0
    reason: str | None = None


@dataclass(frozen=True)
class IndividualService(Located):
    """A month's count of individual services (探访、咨询、个案) under one service code."""

    service: str
    count: int


@dataclass(frozen=True)
class ActivityMonth(Located):
    """The activity records of a month (活动记录)."""

    year: int
    month: int
    records: tuple[ActivityRecord, ...]
    individual: tuple[IndividualService, ...] = ()

    @property
    def key(self) -> str:
        return f"{self.year:04d}-{self.month:02d}"


# ---------------------------------------------------------------- finance/YYYY-Qn.yaml

INCOME_SOURCES = ("government", "convenience", "donations", "other", "carried_forward")
EXPENSE_CATEGORIES = ("staff", "site", "management", "services")


@dataclass(frozen=True)
class LineItem(Located):
    """One line of a statement (明细)."""

    item: str
    amount: Decimal


@dataclass(frozen=True)
class ExpenseCategory(Located):
    """One of the four expenditure categories of 七(一), with its line items."""

    key: str
    items: tuple[LineItem, ...]

    @property
    def total(self) -> Decimal:
        return sum((i.amount for i in self.items), Decimal(0))


@dataclass(frozen=True)
class FixedAsset(Located):
    """A fixed asset bought in the quarter (固定资产)."""

    name: str
    amount: Decimal
    date: dt.date


@dataclass(frozen=True)
class Quarter(Located):
    """Quarterly finance statement (季度财务信息)."""

    year: int
    quarter: int
    published: dt.date | None
    income: Mapping[str, Decimal]
    expenditure: Mapping[str, ExpenseCategory]
    fixed_assets: tuple[FixedAsset, ...] = ()
    notes: str | None = None

    @property
    def key(self) -> str:
        return f"{self.year:04d}-Q{self.quarter}"

    @property
    def income_total(self) -> Decimal:
        return sum(self.income.values(), Decimal(0))

    @property
    def expenditure_total(self) -> Decimal:
        return sum((c.total for c in self.expenditure.values()), Decimal(0))

    @property
    def period_start(self) -> dt.date:
        return dt.date(self.year, 3 * self.quarter - 2, 1)

    @property
    def period_end(self) -> dt.date:
        m = 3 * self.quarter
        nxt = dt.date(self.year + (m == 12), m % 12 + 1, 1)
        return nxt - dt.timedelta(days=1)


# ---------------------------------------------------------------- audits/YYYY.yaml

OPINIONS = ("无保留意见", "保留意见", "否定意见", "无法表示意见")


@dataclass(frozen=True)
class Audit(Located):
    """Annual audit (年度审计报告)."""

    year: int
    firm: str
    report_number: str
    date: dt.date
    opinion: str
    income: Decimal
    expenditure: Decimal
    management_fee: Decimal
    surplus: Decimal
    published: dt.date | None = None
    findings: tuple[str, ...] = ()
    report_pdf: str | None = None  # path inside the centre folder


# ---------------------------------------------------------------- evaluations/YYYY.yaml


@dataclass(frozen=True)
class Satisfaction(Located):
    """Resident satisfaction survey (满意度调查); ``random`` and ``phone`` are how many of the
    sample were drawn at random in the area and by telephone (滨江 附录C: 30 + 30)."""

    sample: int
    satisfied: int
    random: int | None = None
    phone: int | None = None


@dataclass(frozen=True)
class ScoreEntry(Located):
    """A score line entered by the assessor (评估机构打分)."""

    item: str
    points: Decimal
    note: str | None = None


EVALUATION_KINDS = ("年终考核", "中期评估", "终期评估", "期满评估")


@dataclass(frozen=True)
class EvaluationRound(Located):
    """Another evaluation of the same year (e.g. the mid-term one beside the final one)."""

    kind: str  # one of EVALUATION_KINDS
    date: dt.date
    evaluator: str | None = None
    summary: str | None = None


@dataclass(frozen=True)
class Verification(Located):
    """Who verified a resident vote to terminate the contract, and when (深圳 八(六))."""

    by: str
    on: dt.date


@dataclass(frozen=True)
class Evaluation(Located):
    """Third-party evaluation of a year (第三方评估)."""

    year: int
    evaluator: str
    date: dt.date
    satisfaction: Satisfaction
    published: dt.date | None = None
    score: Decimal | None = None  # Shenzhen 1000-point total, when the assessor gives one
    grade: str | None = None  # as stated by the evaluator; checked against the bands
    previous_grade: str | None = None
    entries: tuple[ScoreEntry, ...] = ()
    management_fee_over_limit: bool = False  # veto 1 of 八(六)
    assembly_vote_share: Decimal | None = None  # veto 2 of 八(六): share voting to terminate
    vote_verification: Verification | None = None  # 区和市主管部门核实 of that vote
    summary: str | None = None
    kind: str | None = None  # which evaluation this record is (EVALUATION_KINDS)
    other_evaluations: tuple[EvaluationRound, ...] = ()  # the year's other evaluations
    three_year_grade: str | None = None  # 三年营运总评等级 (深圳 八(五)), as the evaluator gave it

    def rounds(self) -> tuple[tuple[str, dt.date, Position], ...]:
        """Every evaluation of the year this record shows: (kind, date, where written); this
        record's own only when its ``kind`` is given."""
        own = ((self.kind, self.date, self.pos("kind")),) if self.kind else ()
        return own + tuple((r.kind, r.date, r.src) for r in self.other_evaluations)
