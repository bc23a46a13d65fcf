"""Helpers for the compliance tests: a baseline centre built from the model, the real packs.

``baseline()`` meets every rule of shenzhen-2015 that the records can decide; a test breaks
one thing with ``dataclasses.replace`` and runs one rule with ``run`` or ``statuses``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from decimal import Decimal
from functools import lru_cache
from pathlib import Path

from generator import model as m
from generator.compliance import evaluate_rules
from generator.packs.library import Library, Pack
from generator.problems import Position
from generator.rules.base import Finding
from generator.rules.registry import load_library

ROOT = Path(__file__).resolve().parent.parent
CENTRE_FILE = "centres/demo/centre.yaml"
TODAY = dt.date(2027, 6, 1)
D = Decimal


@lru_cache(maxsize=1)
def library() -> Library:
    return load_library(ROOT / "content", ROOT)


def pack(pack_id: str) -> Pack:
    return library().packs[pack_id]


def at(line: int, file: str = CENTRE_FILE) -> Position:
    return Position(file, line, 1)


def t(text: str) -> dt.time:
    return dt.time.fromisoformat(text)


def sessions(*ranges: str) -> tuple[m.Session, ...]:
    """Sessions from 'HH:MM-HH:MM' strings."""
    return tuple(m.Session(t(r.split("-")[0]), t(r.split("-")[1]), src=at(40)) for r in ranges)


WORKDAY = ("08:30-12:00", "13:00-21:30")  # 12 h in two sessions


def hours(
    weekly: dict[int, tuple[str, ...]] | None = None, exceptions: tuple[m.HoursException, ...] = ()
) -> m.OpeningHours:
    if weekly is None:
        weekly = {d: WORKDAY for d in range(5)} | {5: ("09:00-12:00",)}
    return m.OpeningHours(
        {d: sessions(*r) for d, r in weekly.items()}, exceptions, src=at(38), at={"weekly": at(39)}
    )


def staff_member(
    role: str = "社工",
    qualification: str = "助理社工师",
    registered: bool = True,
    full_time: bool = True,
    head: bool = False,
    training: str = "60",
) -> m.StaffMember:
    return m.StaffMember(
        role,
        "全职" if full_time else "兼职",
        qualification,
        registered,
        head,
        D(training),
        src=at(50),
        at={"qualification": at(51), "training_hours": at(52)},
    )


def default_staff() -> tuple[m.StaffMember, ...]:
    return (
        staff_member("中心主任", "社工师", head=True),
        staff_member("社工", "社工师"),
        staff_member("社工", "助理社工师"),
        staff_member("社工", "助理社工师"),
        staff_member("社工助理", "无", registered=False),
        staff_member("行政", "无", registered=False),
        staff_member("财务", "无", registered=False, full_time=False),
    )


def shenzhen_codes() -> tuple[str, ...]:
    """Catalogue codes covering 表一–表四 and every 大项 of 表八 (≥12 大项, ≥30 细项)."""
    cat = pack("shenzhen-2015").catalogue
    codes: list[str] = []
    for table in cat.tables:
        if table.code in ("1", "2", "3", "4"):
            for major in table.majors:
                codes.extend(i.code for i in major.items[:2])
        if table.code == "8":
            for major in table.majors:
                codes.append(major.items[0].code if major.items else major.code)
    return tuple(codes)


def baseline(**changes) -> m.Centre:
    """A Shenzhen centre that meets every rule the records can decide."""
    centre = m.Centre(
        id="demo",
        district="福田区",
        street="沙头街道",
        community="沙尾社区",
        community_type="城中村社区",
        rule_pack="shenzhen-2015",
        address="深圳市福田区沙尾路 1 号",
        contact=m.Contact("0755-01234567", src=at(10)),
        operator=m.Operator("深圳市示例社会工作服务中心", "52440300MJL0000012", src=at(13)),
        contract=m.Contract(
            "福田区民政局",
            dt.date(2025, 1, 1),
            dt.date(2027, 12, 31),
            D("600000"),
            src=at(16),
            at={"annual_budget": at(20), "end": at(19)},
        ),
        floor_area=D("450"),
        rooms=(
            m.Room("多功能活动室", D("80"), "团体活动", src=at(30)),
            m.Room("社工办公室", D("30"), "独立办公室", src=at(31)),
        ),
        opening_hours=hours(),
        staff=default_staff(),
        volunteers=m.Volunteers(
            120, D("3400"), src=at(60), at={"registered": at(60), "service_hours": at(61)}
        ),
        services=m.Services(shenzhen_codes(), src=at(70), at={"catalogue": at(71)}),
        populations=(m.Population("veterans", 14, "转介至退役军人服务站", src=at(90)),),
        social_organisations={"introduced": 2, "fostered": 3},
        src=Position(CENTRE_FILE, 1, 1),
        at={
            "floor_area": at(25),
            "staff": at(49),
            "community_type": at(6),
            "community": at(5),
            "social_organisations": at(95),
        },
    )
    return replace(centre, **changes)


# ---------------------------------------------------------------- yearly records


def quarter(
    year: int,
    q: int,
    staff: str = "76000",
    site: str = "6000",
    management: str = "8000",
    services: str = "10000",
    published: dt.date | None = None,
    carried: str = "0",
    government: str | None = None,
    convenience: str = "0",
    donations: str = "0",
) -> m.Quarter:
    """A quarter; by default 76 % staff, 6 % site, 8 % management, 10 % services of 100,000."""
    file = f"centres/demo/finance/{year}-Q{q}.yaml"
    amounts = {"staff": staff, "site": site, "management": management, "services": services}
    spent = sum((D(v) for v in amounts.values()), D(0))
    cats = {
        k: m.ExpenseCategory(
            k,
            (m.LineItem("明细", D(v)),),
            src=at(20 + 5 * i, file),
            at={"items": at(20 + 5 * i, file)},
        )
        for i, (k, v) in enumerate(amounts.items())
    }
    income = {
        "government": D(government) if government is not None else spent,
        "convenience": D(convenience),
        "donations": D(donations),
        "other": D(0),
        "carried_forward": D(carried),
    }
    end_month = 3 * q
    default_pub = dt.date(year + (end_month == 12), end_month % 12 + 1, 15)
    return m.Quarter(
        year,
        q,
        published if published is not None else default_pub,
        income,
        cats,
        src=Position(file, 1, 1),
        at={"published": at(2, file), "income": at(3, file)},
    )


def activity(
    day: dt.date,
    ident: str = "A01",
    themed: bool = True,
    service: str = "3.3.1",
    form: str = "群体",
    price: str = "0",
    paid_service: str | None = None,
) -> m.Activity:
    file = f"centres/demo/plans/{day:%Y-%m}.yaml"
    return m.Activity(
        ident,
        day,
        t("09:00"),
        t("11:00"),
        "多功能活动室",
        f"活动{ident}",
        service,
        form,
        "居民",
        150,
        "电话报名",
        themed=themed,
        price=D(price),
        paid_service=paid_service,
        src=at(5, file),
        at={"price": at(9, file)},
    )


def plan(
    year: int, month: int, published: dt.date | None, activities: tuple[m.Activity, ...] = ()
) -> m.Plan:
    file = f"centres/demo/plans/{year:04d}-{month:02d}.yaml"
    return m.Plan(
        year, month, published, activities, src=Position(file, 1, 1), at={"published": at(2, file)}
    )


def held(
    day: dt.date,
    attendance: int = 30,
    themed: bool = True,
    service: str = "3.3.1",
    form: str = "群体",
) -> m.ActivityRecord:
    return m.ActivityRecord("已举办", None, day, "计划外活动", service, form, themed, attendance)


def month_records(
    year: int,
    month: int,
    records: tuple[m.ActivityRecord, ...],
    individual: tuple[m.IndividualService, ...] = (),
) -> m.ActivityMonth:
    file = f"centres/demo/activities/{year:04d}-{month:02d}.yaml"
    return m.ActivityMonth(
        year, month, records, individual, src=Position(file, 1, 1), at={"records": at(2, file)}
    )


def delivering(codes: tuple[str, ...], listed: tuple[str, ...] | None = None) -> dict:
    """Changes for ``baseline``: one held activity under each code in December 2026 (inside
    the review period of ``TODAY``), and centre.yaml listing ``listed`` (default: the same)."""
    records = tuple(held(dt.date(2026, 12, 1), service=code) for code in codes)
    return {
        "services": replace(baseline().services, catalogue=codes if listed is None else listed),
        "activity_months": (month_records(2026, 12, records),),
    }


def themed_month(year: int, month: int, count: int, attendance: int = 30) -> m.ActivityMonth:
    """A month with ``count`` held themed activities of ``attendance`` people each."""
    return month_records(
        year, month, tuple(held(dt.date(year, month, 1 + i), attendance) for i in range(count))
    )


def evaluation(
    year: int = 2026,
    score: str | None = "862",
    grade: str | None = None,
    sample: int = 200,
    satisfied: int = 188,
    **extra,
) -> m.Evaluation:
    file = f"centres/demo/evaluations/{year}.yaml"
    return m.Evaluation(
        year,
        "示例评估中心",
        dt.date(year + 1, 1, 15),
        m.Satisfaction(sample, satisfied, src=at(6, file), at={"satisfied": at(7, file)}),
        score=D(score) if score is not None else None,
        grade=grade,
        src=Position(file, 1, 1),
        at={
            "grade": at(4, file),
            "score": at(3, file),
            "assembly_vote_share": at(9, file),
            "management_fee_over_limit": at(8, file),
        },
        **extra,
    )


def entry(item: str, points: str) -> m.ScoreEntry:
    return m.ScoreEntry(item, D(points), src=at(20, "centres/demo/evaluations/2026.yaml"))


# ---------------------------------------------------------------- running rules


def run(centre: m.Centre, pack_id: str, rule_id: str, today: dt.date = TODAY) -> list[Finding]:
    """The findings of one rule of a real pack for a centre."""
    p = pack(pack_id)
    rule = p.rule(rule_id)
    assert rule is not None, f"{pack_id} has no rule {rule_id}"
    by_id = {r.rule.id: r.findings for r in evaluate_rules(centre, p, today)}
    return list(by_id[rule_id])


def statuses(centre: m.Centre, pack_id: str, rule_id: str, today: dt.date = TODAY) -> list[str]:
    return [f.status for f in run(centre, pack_id, rule_id, today)]


def failures(centre: m.Centre, pack_id: str, rule_id: str, today: dt.date = TODAY) -> list[Finding]:
    return [f for f in run(centre, pack_id, rule_id, today) if f.status == "fail"]
