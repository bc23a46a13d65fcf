"""Every rule at its boundary, one line per case, on small model objects and the real packs.

Each case builds the baseline centre of rules_helpers, changes one thing, runs one rule of
a pack under content/rules/ and states the expected statuses. The boundary itself is always
one of the cases: exactly the limit, and the smallest step past it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from decimal import Decimal

import pytest
from rules_helpers import (
    TODAY,
    WORKDAY,
    D,
    activity,
    at,
    baseline,
    delivering,
    entry,
    evaluation,
    failures,
    held,
    hours,
    month_records,
    pack,
    plan,
    quarter,
    run,
    shenzhen_codes,
    staff_member,
    statuses,
    t,
    themed_month,
)

from generator import compliance
from generator import model as m
from generator.compliance import check_compliance, compliance_report
from generator.evaluation import cards, grading, table
from generator.problems import Severity
from generator.text import formats as fmt

day = dt.date


# ---------------------------------------------------------------- 七(一) fund ratios


def q3(**amounts) -> m.Centre:
    return baseline(quarters=(quarter(2026, 3, **amounts),))


@pytest.mark.parametrize(
    "rule, amounts, expected",
    [
        (
            "fund-staff-and-site",
            {"staff": "76000", "site": "4000", "management": "10000", "services": "10000"},
            "pass",
        ),  # 80.00 %
        (
            "fund-staff-and-site",
            {"staff": "75990", "site": "4000", "management": "10010", "services": "10000"},
            "fail",
        ),  # 79.99 %
        (
            "fund-staff",
            {"staff": "75000", "site": "5000", "management": "10000", "services": "10000"},
            "pass",
        ),  # 75.00 %
        (
            "fund-staff",
            {"staff": "74990", "site": "5010", "management": "10000", "services": "10000"},
            "fail",
        ),  # 74.99 %
        (
            "fund-management",
            {"staff": "76000", "site": "4000", "management": "10000", "services": "10000"},
            "pass",
        ),  # 10.00 %
        (
            "fund-management",
            {"staff": "75990", "site": "4000", "management": "10010", "services": "10000"},
            "fail",
        ),  # 10.01 %
        (
            "fund-services",
            {"staff": "76000", "site": "4000", "management": "10000", "services": "10000"},
            "pass",
        ),  # 10.00 %
        (
            "fund-services",
            {"staff": "76010", "site": "4000", "management": "10000", "services": "9990"},
            "fail",
        ),  # 9.99 %
        (
            "fund-management",
            {"staff": "2", "site": "0", "management": "1", "services": "0"},
            "fail",
        ),  # 1/3 > 10 %
    ],
)
def test_fund_ratio_boundaries(rule, amounts, expected):
    assert statuses(q3(**amounts), "shenzhen-2015", rule) == [expected]


def test_fund_ratio_exact_beyond_two_places():
    # 79.995 % prints as 80.00 % at two places; it still fails and the message shows enough places
    c = q3(staff="75995", site="4000", management="10005", services="10000")
    [f] = failures(c, "shenzhen-2015", "fund-staff-and-site")
    assert "79.995%" in f.message and "低于下限 80%" in f.message


def test_fund_management_message_position_and_interim_severity():
    c = q3(staff="75500", site="4000", management="10500", services="10000")
    [f] = failures(c, "shenzhen-2015", "fund-management")
    assert f.message == "2026年第三季度机构营运管理费占支出的 10.50%，高于上限 10%"
    assert (f.pos.file, f.pos.line) == ("centres/demo/finance/2026-Q3.yaml", 30)
    assert f.severity == "warning"  # a quarter is interim; the year gets the rule's error
    assert f.base.startswith("政府购买或资助的公共服务项目")


def test_fund_ratio_periods_quarter_ytd_year():
    qs = tuple(quarter(2026, q) for q in (1, 2, 3)) + (
        quarter(2026, 4, staff="60000", site="5000", management="25000", services="10000"),
    )
    found = run(baseline(quarters=qs), "shenzhen-2015", "fund-management")
    by_period = {f.period: (f.status, f.severity) for f in found}
    assert by_period["2026年第一季度"] == ("pass", "warning")
    assert by_period["2026年1-9月"] == ("pass", "warning")
    assert by_period["2026年第四季度"] == ("fail", "warning")
    assert by_period["2026年全年"] == ("fail", None)  # (8+8+8+25)/400 = 12.25 %: the rule's error


def test_fund_ratio_no_spending_is_no_data():
    c = q3(staff="0", site="0", management="0", services="0")
    assert statuses(c, "shenzhen-2015", "fund-management") == ["no-data"]


@pytest.mark.parametrize(
    "convenience, expected",
    [("0", ["not-applicable"]), ("5000", ["no-data"])],
)
def test_paid_income_management_fee_needs_a_split(convenience, expected):
    qs = tuple(quarter(2026, q, convenience=convenience) for q in (1, 2, 3, 4))
    assert (
        statuses(baseline(quarters=qs), "shenzhen-2015", "paid-income-management-fee") == expected
    )


# ---------------------------------------------------------------- floor area, staff, training


@pytest.mark.parametrize(
    "pack_id, area, expected",
    [
        ("shenzhen-2015", "400", "pass"),
        ("shenzhen-2015", "399.99", "fail"),
        ("shenzhen-early", "400", "pass"),
        ("shenzhen-early", "399.99", "fail"),
    ],
)
def test_floor_area(pack_id, area, expected):
    assert statuses(baseline(floor_area=D(area)), pack_id, "floor-area") == [expected]


def test_floor_area_message_and_position():
    [f] = failures(baseline(floor_area=D("399.99")), "shenzhen-2015", "floor-area")
    assert f.message == "室内场地总面积为 399.99 平方米，低于下限 400 平方米"
    assert (f.pos.file, f.pos.line) == ("centres/demo/centre.yaml", 25)


def six_full_time(registered: int) -> tuple[m.StaffMember, ...]:
    pros = [staff_member("社工", "助理社工师", head=(i == 0)) for i in range(registered)]
    others = [staff_member("社工助理", "无", registered=False) for _ in range(6 - registered)]
    return tuple(pros + others)


@pytest.mark.parametrize(
    "pack_id, rule, staff, expected",
    [
        ("shenzhen-2015", "full-time-staff", six_full_time(3), "pass"),
        ("shenzhen-2015", "full-time-staff", six_full_time(3)[:5], "fail"),
        ("shenzhen-2015", "registered-social-workers", six_full_time(3), "pass"),
        ("shenzhen-2015", "registered-social-workers", six_full_time(2), "fail"),
        (
            "shenzhen-early",
            "registered-social-worker-share",
            six_full_time(4)[:5] + (),
            "pass",
        ),  # 3/5 = 60 %
        (
            "shenzhen-early",
            "registered-social-worker-share",
            six_full_time(3),
            "fail",
        ),  # 3/6 = 50 %
        ("huizhou-pilot", "professional-social-workers", six_full_time(3), "pass"),
        ("huizhou-pilot", "professional-social-workers", six_full_time(2), "fail"),
    ],
)
def test_staff_counts(pack_id, rule, staff, expected):
    assert statuses(baseline(staff=staff), pack_id, rule) == [expected]


def test_registered_share_exact_boundary():
    # 60 % exactly: 3 registered of 5 full-time (the 6th, part-time, does not count)
    staff = six_full_time(3)[:5] + (staff_member("财务", "无", registered=False, full_time=False),)
    staff = staff[:2] + (staff_member(),) + staff[3:]
    share = run(baseline(staff=staff), "shenzhen-early", "registered-social-worker-share")[0]
    assert share.status == "pass" and share.measured["value"] == Decimal(3) / Decimal(5)


@pytest.mark.parametrize(
    "qualification, registered, expected",
    [("助理社工师", True, "pass"), ("助理社工师", False, "fail"), ("无", False, "fail")],
)
def test_head_is_professional_social_worker(qualification, registered, expected):
    staff = (staff_member("中心主任", qualification, registered, head=True),) + baseline().staff[1:]
    assert statuses(baseline(staff=staff), "shenzhen-2015", "head-is-social-worker") == [expected]


@pytest.mark.parametrize("hours_, expected", [("50", "pass"), ("49.5", "fail")])
def test_training_hours_certified(hours_, expected):
    staff = baseline().staff[:-1] + (staff_member("社工", "助理社工师", training=hours_),)
    assert statuses(baseline(staff=staff), "binjiang-2023", "training-certified") == [expected]


# ---------------------------------------------------------------- satisfaction


@pytest.mark.parametrize(
    "sample, satisfied, expected",
    [(1000, 900, "pass"), (1000, 899, "fail"), (60, 54, "pass"), (60, 53, "fail")],
)
def test_satisfaction_90_percent(sample, satisfied, expected):
    c = baseline(evaluations=(evaluation(sample=sample, satisfied=satisfied),))
    assert statuses(c, "binjiang-2023", "satisfaction") == [expected]


def test_satisfaction_message_shows_89_9():
    c = baseline(evaluations=(evaluation(sample=1000, satisfied=899),))
    [f] = failures(c, "binjiang-2023", "satisfaction")
    assert f.message == "2026年居民满意率为 89.90%，低于下限 90%"


# ---------------------------------------------------------------- opening hours (滨江 表C.1)


def week(days: int, day_ranges=WORKDAY) -> dict[int, tuple[str, ...]]:
    return {d: day_ranges for d in range(days)}


@pytest.mark.parametrize(
    "weekly, expected",
    [
        (week(5), "pass"),  # five days of 08:30-12:00 + 13:00-21:30 = 12 h (split sessions summed)
        (week(4) | {4: ("08:30-12:00", "13:00-21:29")}, "fail"),  # Friday 11 h 59 min
        (week(4), "fail"),  # four days
        (week(4) | {5: ("08:00-20:00",)}, "pass"),  # Saturday 12 h in one session counts
        (week(5, ("08:00-20:00",)) | {6: ("09:00-12:00",)}, "pass"),  # a short Sunday costs nothing
        (week(7, ("08:00-19:59",)), "fail"),  # every day 11 h 59 min
    ],
)
def test_opening_hours(weekly, expected):
    # the regular week is judged first; when it falls short nothing else is said
    found = statuses(baseline(opening_hours=hours(weekly)), "binjiang-2023", "opening-hours")
    assert found[0] == expected
    assert found == ["fail"] if expected == "fail" else set(found) == {"pass"}


def test_opening_hours_statutory_holidays_do_not_make_a_week_fail():
    # 2026-10-01..07 国庆节 (statutory): the week 10-05..10-11 has Thursday and Friday
    # open 12 h and three statutory days off, so it counts 5
    national_day = m.HoursException(day(2026, 10, 1), day(2026, 10, 7), "国庆节")
    c = baseline(opening_hours=hours(week(5), (national_day,)))
    found = run(c, "binjiang-2023", "opening-hours", today=day(2026, 12, 6))
    assert [f.status for f in found] == ["pass", "pass", "pass"]  # the week, 2025, 2026
    assert "法定节假日不计" in found[2].message and found[2].measured["holiday_days"] >= 7


def closure(start, end, reason="设备检修") -> m.HoursException:
    return m.HoursException(start, end, reason, src=at(45))


@pytest.mark.parametrize(
    "closed_days, expected",
    [
        (((2026, 3, 9), (2026, 3, 9)), "pass"),  # Monday closed: Tuesday–Saturday still 5
        (((2026, 3, 9), (2026, 3, 11)), "fail"),  # Monday–Wednesday closed: 2 days
    ],
)
def test_opening_hours_closure_week(closed_days, expected):
    # Monday–Saturday 12 h each: one closed day leaves 5, three leave 3
    six = week(6, ("08:00-20:00",))
    exc = closure(day(*closed_days[0]), day(*closed_days[1]))
    c = baseline(opening_hours=hours(six, (exc,)))
    found = run(c, "binjiang-2023", "opening-hours", today=day(2026, 12, 6))
    year_2026 = [f for f in found if f.year == 2026]
    assert [f.status for f in year_2026] == [expected]
    if expected == "fail":
        [f] = year_2026
        assert f.pos == at(45)
        assert f.message == (
            "2026年有 1 周开放不少于 12 小时的天数少于 5 天（法定节假日不计）："
            "2026年3月9日至3月15日那周 3 天（闭馆：设备检修）"
        )
        assert f.measured["short_weeks"] == ["2026-03-09"]


def test_opening_hours_weeks_not_ended_or_outside_the_contract_are_not_judged():
    six = week(6, ("08:00-20:00",))
    exc = closure(day(2026, 12, 7), day(2026, 12, 9))  # the coming week
    c = baseline(opening_hours=hours(six, (exc,)))
    found = run(c, "binjiang-2023", "opening-hours", today=day(2026, 12, 6))
    assert {f.status for f in found} == {"pass"}
    # Mondays 2026-01-05 .. 11-23: the week ending on the day of the check is not over
    assert found[-1].measured["weeks"] == 47


def test_opening_hours_to_midnight_and_overnight_count_for_the_day_they_start():
    to_midnight = m.Session(t("12:00"), t("00:00"), True)
    overnight = m.Session(t("14:00"), t("02:00"), True)
    assert (to_midnight.minutes, str(to_midnight)) == (720, "12:00-24:00")
    assert (overnight.minutes, str(overnight)) == (720, "14:00-次日02:00")
    weekly = {d: (to_midnight,) for d in range(3)} | {d: (overnight,) for d in (3, 4)}
    oh = m.OpeningHours(weekly, (), src=at(38), at={"weekly": at(39)})
    assert statuses(baseline(opening_hours=oh), "binjiang-2023", "opening-hours")[0] == "pass"


def test_opening_hours_failure_message():
    weekly = week(4) | {4: ("08:30-12:00", "13:00-21:29")}
    [f] = failures(baseline(opening_hours=hours(weekly)), "binjiang-2023", "opening-hours")
    assert "只有 4 天" in f.message and "周五开放 11 小时 59 分" in f.message


# ---------------------------------------------------------------- monthly plan published in advance


@pytest.mark.parametrize(
    "published, expected",
    [
        (day(2026, 7, 31), "pass"),  # last day of the previous month
        (day(2026, 7, 1), "pass"),
        (day(2026, 8, 1), "fail"),  # first day of the month
        (None, "fail"),  # the month has begun without a published plan
    ],
)
def test_plan_published(published, expected):
    c = baseline(
        plans=(plan(2026, 8, published),),
        contract=replace(baseline().contract, end=day(2026, 8, 31)),
    )
    assert statuses(c, "binjiang-2023", "monthly-plan", today=day(2026, 8, 15)) == [expected]


def test_plan_not_yet_due_is_pending():
    c = baseline(plans=(plan(2026, 9, None),))
    assert statuses(c, "binjiang-2023", "monthly-plan", today=day(2026, 8, 15)) == [
        "not-applicable"
    ]


def test_plan_missing_month_is_reported_at_its_file():
    c = baseline(plans=(plan(2026, 7, day(2026, 6, 30)), plan(2026, 9, day(2026, 8, 30))))
    found = failures(c, "binjiang-2023", "monthly-plan", today=day(2026, 9, 10))
    assert [(f.period, f.pos.file) for f in found] == [
        ("2026-08", "centres/demo/plans/2026-08.yaml")
    ]


def test_plan_late_message():
    c = baseline(plans=(plan(2026, 8, day(2026, 8, 1)),))
    [f] = failures(c, "binjiang-2023", "monthly-plan", today=day(2026, 8, 15))
    basis = pack("binjiang-2023").rule("monthly-plan").basis
    assert f.message == (
        "2026-08 的活动计划于 2026年8月1日 公布，晚于截止日 2026年7月31日（迟了 1 天）；"
        f"按本地规定：不晚于上月最后一天（依据：{basis}）"
    )
    assert (f.pos.file, f.pos.line) == ("centres/demo/plans/2026-08.yaml", 2)


# ---------------------------------------------------------------- themed activities (滨江 表C.1)


@pytest.mark.parametrize("count, expected", [(5, "pass"), (6, "pass"), (4, "fail"), (0, "fail")])
def test_themed_activities_per_month(count, expected):
    c = baseline(activity_months=(themed_month(2026, 5, count),))
    found = run(c, "binjiang-2023", "themed-activities")
    assert [f.status for f in found if f.period == "2026-05"] == [expected]


def test_themed_activities_count_only_held_and_themed():
    records = tuple(held(day(2026, 5, i + 1)) for i in range(4)) + (
        held(day(2026, 5, 10), themed=False),
        m.ActivityRecord(
            "已取消", None, day(2026, 5, 11), "取消", "3.3.1", "群体", True, 0, "暴雨"
        ),
    )
    c = baseline(activity_months=(month_records(2026, 5, records),))
    [f] = [f for f in run(c, "binjiang-2023", "themed-activities") if f.period == "2026-05"]
    assert (f.status, f.shortfall) == ("fail", 1)


def test_themed_activities_a_contract_month_without_records_is_short():
    """Months of the contract that ended with no record held nothing; the running one waits."""
    c = baseline(
        contract=replace(baseline().contract, start=day(2026, 3, 1)),
        activity_months=(themed_month(2026, 5, 5),),
    )
    found = run(c, "binjiang-2023", "themed-activities", today=day(2026, 6, 10))
    by_month = {f.period: (f.status, f.shortfall) for f in found}
    assert by_month == {"2026-03": ("fail", 5), "2026-04": ("fail", 5), "2026-05": ("pass", 0)}


def test_themed_activities_running_month_is_pending():
    c = baseline(activity_months=(themed_month(2026, 5, 3),))
    found = run(c, "binjiang-2023", "themed-activities", today=day(2026, 5, 20))
    assert [f.status for f in found if f.period == "2026-05"] == ["not-applicable"]


def year_of_large(
    medium: int, large: int, medium_size: int = 100, large_size: int = 101
) -> m.Centre:
    """A year whose months hold ``medium`` activities of medium_size and ``large`` of large_size."""
    months = []
    for month in range(1, 13):
        recs = [held(day(2026, month, 1 + i)) for i in range(5)]
        if month <= medium:
            recs.append(held(day(2026, month, 20), medium_size))
        if month <= large:
            recs.append(held(day(2026, month, 21), large_size))
        months.append(month_records(2026, month, tuple(recs)))
    return baseline(activity_months=tuple(months))


@pytest.mark.parametrize(
    "medium, large, medium_size, large_size, expected",
    [
        (8, 2, 100, 101, ["pass", "pass"]),  # 100 people counts in 50–100; 101 in 100人以上
        (8, 2, 50, 101, ["pass", "pass"]),
        (8, 2, 49, 101, ["pass", "fail"]),  # 49 people is not a 50–100 activity
        (7, 2, 100, 101, ["pass", "fail"]),  # seven of 50–100
        (8, 2, 100, 100, ["fail", "pass"]),  # 100 is not 100人以上; ten 50–100 activities
        (7, 3, 100, 150, ["pass", "pass"]),  # the third large activity fills the 50–100 gap
        (6, 3, 100, 150, ["pass", "fail"]),
    ],
)
def test_large_activities(medium, large, medium_size, large_size, expected):
    c = year_of_large(medium, large, medium_size, large_size)
    # bands are checked from the largest: [100人以上, 50-100人]
    assert statuses(c, "binjiang-2023", "large-activities") == expected


def test_large_activities_running_year_is_pending():
    c = year_of_large(7, 2)
    assert statuses(c, "binjiang-2023", "large-activities", today=day(2026, 11, 22)) == [
        "pass",
        "not-applicable",
    ]


# ---------------------------------------------------------------- Shenzhen grades (八(五)(六))


@pytest.mark.parametrize(
    "score, grade",
    [
        ("1000", "A+"),
        ("900", "A+"),
        ("899.5", "A"),
        ("899.99", "A"),
        ("850", "A"),
        ("849.5", "A-"),
        ("800", "A-"),
        ("799", "B+"),
        ("750", "B+"),
        ("749.9", "B"),
        ("700", "B"),
        ("699", "B-"),
        ("600", "B-"),
        ("599.5", "C"),
        ("599", "C"),
        ("0", "C"),
    ],
)
def test_grade_bands(score, grade):
    assert grading.grade_for(D(score), pack("shenzhen-2015").rule("grade")) == grade


@pytest.mark.parametrize(
    "score, previous, consequences",
    [
        ("900", None, ["renew-one-year"]),
        ("700", "B-", ["renew-one-year"]),
        ("650", None, ["rectify"]),
        ("650", "B", ["rectify"]),
        ("650", "B-", ["terminate-second-b-minus"]),  # B- again the next year
        ("599", None, ["terminate-c"]),
    ],
)
def test_grade_consequences(score, previous, consequences):
    c = baseline(evaluations=(evaluation(score=score, previous_grade=previous),))
    card = compliance.scorecard(c, pack("shenzhen-2015"), 2026, TODAY)
    assert [x.id for x in card.consequences] == consequences


@pytest.mark.parametrize(
    "score, stated, expected",
    [
        ("862", "A", ["pass"]),
        ("899.5", "A", ["pass"]),
        ("899.5", "A+", ["fail", "pass"]),  # stated grade disagrees with the bands
        ("650", "B-", ["fail"]),  # B- is reported (warning) with its consequence
        ("599", "C", ["fail"]),
    ],
)
def test_grade_rule(score, stated, expected):
    c = baseline(evaluations=(evaluation(score=score, grade=stated),))
    assert statuses(c, "shenzhen-2015", "grade") == expected


def test_grade_mismatch_message_and_severity():
    c = baseline(evaluations=(evaluation(score="899.5", grade="A+"),))
    f = failures(c, "shenzhen-2015", "grade")[0]
    assert f.message == "评估记录的等级 A+ 与按分数 899.5 分确定的等级 A 不一致"
    assert f.severity == "error" and f.pos.line == 4


def test_b_minus_is_a_warning_c_an_error():
    b = failures(baseline(evaluations=(evaluation(score="650"),)), "shenzhen-2015", "grade")[0]
    c = failures(baseline(evaluations=(evaluation(score="599"),)), "shenzhen-2015", "grade")[0]
    assert (b.severity, c.severity) == ("warning", "error")
    assert "责令" in b.message and "不能参加下一年度" in c.message


@pytest.mark.parametrize(
    "extra, grade",
    [
        ({"management_fee_over_limit": True}, "C"),
        ({"management_fee_over_limit": False}, "A+"),
        ({"assembly_vote_share": D("0.60")}, "A+"),  # 超过60%: exactly 60 % does not trigger
        # above 60 %, but 八(六) asks for the 区/市 verification first, which the evaluation
        # record cannot show: the vote is 待区/市核实 and does not force the grade
        ({"assembly_vote_share": D("0.6001")}, "A+"),
    ],
)
def test_vetoes_override_the_score(extra, grade):
    c = baseline(evaluations=(evaluation(score="950", **extra),))
    assert compliance.scorecard(c, pack("shenzhen-2015"), 2026, TODAY).result == grade


@pytest.mark.parametrize(
    "rule, extra, expected",
    [
        ("veto-management-fee", {"management_fee_over_limit": True}, ["fail"]),
        ("veto-management-fee", {}, ["pass"]),
        ("veto-resident-vote", {"assembly_vote_share": D("0.60")}, ["pass"]),
        ("veto-resident-vote", {"assembly_vote_share": D("0.6001")}, ["fail"]),
        ("veto-resident-vote", {}, ["not-applicable"]),
    ],
)
def test_veto_rules(rule, extra, expected):
    c = baseline(evaluations=(evaluation(score="950", **extra),))
    assert statuses(c, "shenzhen-2015", rule) == expected


def test_vetoed_grade_c_agrees_with_stated_c():
    c = baseline(evaluations=(evaluation(score="950", grade="C", management_fee_over_limit=True),))
    assert [f.status for f in run(c, "shenzhen-2015", "grade")] == ["fail"]  # C, no mismatch
    assert "一票否决" in run(c, "shenzhen-2015", "grade")[0].message


def test_management_fee_over_the_year_warns_of_the_veto():
    qs = tuple(
        quarter(2026, q, staff="75000", site="5000", management="11000", services="9000")
        for q in (1, 2, 3, 4)
    )
    c = baseline(quarters=qs, evaluations=(evaluation(score="950"),))
    [f] = run(c, "shenzhen-2015", "veto-management-fee")
    assert (f.status, f.severity) == ("fail", "warning")


# ---------------------------------------------------------------- Binjiang type (附录A) and table C.1


@pytest.mark.parametrize(
    "ratio, kind",
    [
        ("1", "示范型"),
        ("0.9", "示范型"),
        ("0.8999", "标准型"),
        ("0.8", "标准型"),
        ("0.7999", "基础型"),
        ("0", "基础型"),
    ],
)
def test_type_bands(ratio, kind):
    assert table.type_for(D(ratio), pack("binjiang-2023").rule("centre-type")) == kind


def binjiang_card(**changes) -> cards.Scorecard:
    return compliance.scorecard(baseline(**changes), pack("binjiang-2023"), 2026, TODAY)


def line(card: cards.Scorecard, line_id: str) -> cards.ScoreLine:
    return next(ln for ln in card.lines if ln.id == line_id)


def part(card: cards.Scorecard, line_id: str, part_id: str) -> cards.ScoreLine:
    return next(p for p in line(card, line_id).parts if p.id == f"{line_id}.{part_id}")


@pytest.mark.parametrize(
    "registered, points",
    [(0, "0"), (19, "0"), (20, "0.5"), (39, "0.5"), (40, "1"), (120, "3"), (500, "3")],
)
def test_score_volunteers_per_20(registered, points):
    card = binjiang_card(volunteers=m.Volunteers(registered, D("0")))
    assert part(card, "volunteers", "registered").points == D(points)


@pytest.mark.parametrize(
    "hours_, points", [("499.9", "0"), ("500", "0.5"), ("3000", "3"), ("9999", "3")]
)
def test_score_volunteer_hours_per_500(hours_, points):
    card = binjiang_card(volunteers=m.Volunteers(0, D(hours_)))
    assert part(card, "volunteers", "hours").points == D(points)


@pytest.mark.parametrize(
    "training, points",
    [
        ("20", "2"),
        ("25", "2"),
        ("19.9", "1.5"),
        ("15", "1.5"),
        ("10", "1.5"),
        ("9.9", "1"),
        ("0", "1"),
    ],
)
def test_score_average_training(training, points):
    staff = tuple(staff_member("社工", "助理社工师", training=training) for _ in range(4))
    assert part(binjiang_card(staff=staff), "social-workers", "training").points == D(points)


def test_score_certificates_capped_at_5():
    staff = tuple(staff_member("社工", "社工师") for _ in range(4)) + tuple(
        staff_member("社工", "助理社工师") for _ in range(3)
    )
    assert part(binjiang_card(staff=staff), "social-workers", "certificates").points == D(
        5
    )  # 4 + 1.5


@pytest.mark.parametrize("months_short, points", [(0, "2"), (1, "1.5"), (3, "0.5"), (4, "0")])
def test_score_themed_activities_half_point_per_missing(months_short, points):
    months = []
    for month in range(1, 13):
        recs = [held(day(2026, month, 1 + i)) for i in range(5 if month > months_short else 4)]
        if month >= 5:  # large activities also count in their month, so keep them out of 1–4
            recs.append(held(day(2026, month, 20), 80))
        if month >= 11:
            recs.append(held(day(2026, month, 21), 120))
        months.append(month_records(2026, month, tuple(recs)))
    card = binjiang_card(activity_months=tuple(months))
    assert line(card, "themed-activities").points == D(points)


def test_score_regular_opening_needs_every_plan_in_advance():
    plans = tuple(plan(2026, mo, day(2026, mo, 1) - dt.timedelta(days=1)) for mo in range(1, 13))
    ok = binjiang_card(plans=plans)
    late = binjiang_card(plans=plans[:7] + (plan(2026, 8, day(2026, 8, 1)),) + plans[8:])
    assert part(ok, "regular-opening", "plan").points == D(1)
    assert part(late, "regular-opening", "plan").points == D(0)
    assert part(ok, "regular-opening", "hours").points == D(1)


@pytest.mark.parametrize("satisfied, points", [(60, "25"), (54, "22.5"), (53, "22.08"), (0, "0")])
def test_score_satisfaction_proportional(satisfied, points):
    card = binjiang_card(evaluations=(evaluation(sample=60, satisfied=satisfied, score=None),))
    assert line(card, "satisfaction").points == D(points)


def test_score_assessor_entries_and_missing_entries():
    ev = evaluation(
        score=None,
        entries=(
            entry("site-location", "2"),
            entry("hygiene.cleanliness", "1.5"),
            entry("选址科学", "2"),
        ),
    )
    card = binjiang_card(evaluations=(ev,))
    assert (
        line(card, "site-location").points == D(2)
        and line(card, "site-location").source == "assessor"
    )
    assert line(card, "hygiene").points == D("1.5")
    assert line(card, "signage").points == D(0) and "按 0 分计" in line(card, "signage").explanation
    assert not card.complete and "signage" in card.missing


def test_score_entry_out_of_range_is_clamped_and_reported():
    ev = evaluation(score=None, entries=(entry("site-location", "3"), entry("location", "1")))
    c = baseline(evaluations=(ev,))
    card = compliance.scorecard(c, pack("binjiang-2023"), 2026, TODAY)
    assert line(card, "site-location").points == D(2)
    bad = failures(c, "binjiang-2023", "evaluation-score")
    assert len(bad) == 2 and all(f.severity == "error" for f in bad)


def full_marks_entries(total_assessor: str | None = None) -> tuple[m.ScoreEntry, ...]:
    """Entries giving every assessor line its maximum (or 0 when it is a records line)."""
    rule = pack("binjiang-2023").rule("evaluation-score")
    out = []
    for ln in rule.params.lines:
        comp = ln["computed"]
        if comp.get("kind") == "sum":
            for p in comp["parts"]:
                if (
                    p.get("kind") in ("checklist", "levels", "deductions", "assessor")
                    or p.get("input") == "assessor"
                ):
                    out.append(entry(f"{ln['id']}.{p['id']}", p["max_points"]))
        elif (
            comp.get("kind") in ("checklist", "levels", "assessor")
            or comp.get("input") == "assessor"
            or comp.get("metric") in ("professional_cases_and_groups", "consultations_held")
        ):
            out.append(entry(ln["id"], ln["max_points"]))
    return tuple(out)


def test_score_total_ratio_and_type_agree():
    plans = tuple(plan(2026, mo, day(2026, mo, 1) - dt.timedelta(days=1)) for mo in range(1, 13))
    ev = evaluation(
        score=None, sample=60, satisfied=60, grade="示范型", entries=full_marks_entries()
    )
    staff = tuple(staff_member("社工", "社工师") for _ in range(5))
    c = baseline(
        plans=plans,
        activity_months=year_of_large(8, 2).activity_months,
        evaluations=(ev,),
        staff=staff,
        volunteers=m.Volunteers(200, D("5000")),
        social_organisations={"introduced": 4, "fostered": 3},
    )
    card = compliance.scorecard(c, pack("binjiang-2023"), 2026, TODAY)
    assert card.complete, card.missing
    assert (card.total, card.ratio, card.result, card.agrees) == (D(100), D(1), "示范型", True)
    assert statuses(c, "binjiang-2023", "centre-type") == ["pass"]
    # one point less on one assessor line: 99 → still 示范型; the stated 示范型 agrees
    ev2 = replace(
        ev, entries=tuple(e if e.item != "honours" else entry("honours", "2") for e in ev.entries)
    )
    assert (
        compliance.scorecard(
            replace(c, evaluations=(ev2,)), pack("binjiang-2023"), 2026, TODAY
        ).total
        == 99
    )


def test_type_mismatch_is_an_error_only_when_the_table_is_complete():
    ev = evaluation(score=None, grade="示范型")
    c = baseline(evaluations=(ev,))
    assert statuses(c, "binjiang-2023", "centre-type") == ["no-data"]  # 未完成: not judged


# ---------------------------------------------------------------- catalogue rules


def majors_items(n_majors: int, n_items: int) -> tuple[str, ...]:
    """Codes of exactly n_majors 大项 and n_items 细项 of 表一–表八."""
    cat = pack("shenzhen-2015").catalogue
    majors = [
        mj
        for t in cat.tables
        if t.code in "12345678" and len(t.code) == 1
        for mj in t.majors
        if len(mj.items) >= 2
    ][:n_majors]
    codes = [mj.items[0].code for mj in majors]
    extra = [it.code for mj in majors for it in mj.items[1:]]
    return tuple(codes + extra[: n_items - len(codes)])


@pytest.mark.parametrize(
    "n_majors, n_items, expected",
    [(12, 30, "pass"), (12, 29, "fail"), (11, 30, "fail"), (13, 31, "pass")],
)
def test_catalogue_size(n_majors, n_items, expected):
    codes = majors_items(n_majors, n_items)
    assert len(codes) == n_items
    c = baseline(**delivering(codes))
    assert statuses(c, "shenzhen-2015", "catalogue-size") == [expected]


def test_catalogue_size_counts_delivered_not_listed():
    """Thirty codes listed but only a few delivered fall short; the listed-only are named."""
    listed = majors_items(12, 30)
    c = baseline(**delivering(listed[:3], listed=listed))
    [f] = failures(c, "shenzhen-2015", "catalogue-size")
    assert "服务大项 3 项，少于 12 项" in f.message
    assert "列出但期内没有举办记录的" in f.message


def test_catalogue_size_is_pending_while_the_contract_is_young():
    c = baseline(**delivering(majors_items(3, 3)))
    c = replace(c, contract=replace(c.contract, start=day(2026, 11, 1)))
    assert statuses(c, "shenzhen-2015", "catalogue-size") == ["not-applicable"]


def test_catalogue_size_filed_exemption_is_info():
    changes = delivering(majors_items(12, 29))
    changes["services"] = replace(changes["services"], filed_exemption="已于2026年1月报备")
    [f] = failures(baseline(**changes), "shenzhen-2015", "catalogue-size")
    assert f.severity == "info"


def without_table(code: str) -> tuple[str, ...]:
    return tuple(c for c in shenzhen_codes() if not c.startswith(code + "."))


@pytest.mark.parametrize(
    "count, referral, expected",
    [
        (19, "转介至区残联", "pass"),  # 少于20人 with referral: exempt
        (19, None, "fail"),  # exempt only with a referral
        (20, "转介至区残联", "fail"),  # 20 is not 少于20
    ],
)
def test_mandatory_categories_population_exemption(count, referral, expected):
    pops = (m.Population("disabled", count, referral),)
    c = baseline(**delivering(without_table("2")), populations=pops)
    found = run(c, "shenzhen-2015", "mandatory-categories")
    assert [f.status for f in found if f.measured.get("category") == "2"] == [expected]


def test_mandatory_all_majors_of_self_help():
    codes = tuple(c for c in shenzhen_codes() if c != "8.4")
    found = failures(baseline(**delivering(codes)), "shenzhen-2015", "mandatory-categories")
    assert len(found) == 1 and "8.4" in found[0].message


@pytest.mark.parametrize(
    "veterans, expected",
    [(20, "not-applicable"), (21, "fail")],  # 超过20人 → > 20; only 5.1 offered
)
def test_conditional_categories_above_20(veterans, expected):
    codes = shenzhen_codes() + ("5.1.1",)
    pops = (m.Population("veterans", veterans), m.Population("specific", 5))
    c = baseline(**delivering(codes), populations=pops)
    found = run(c, "shenzhen-early", "conditional-categories-majors")
    assert next(f.status for f in found) == expected


# ---------------------------------------------------------------- service mix (表九)


def mix_centre(elderly_group: int) -> m.Centre:
    """Group volume of 1000 人次 for 城中村社区: elderly (weight 5 %) gets ``elderly_group``."""
    rest = 1000 - elderly_group
    split = {
        "3.3.1": rest * 30 // 95,
        "4.1.1": rest * 25 // 95,
        "2.1.1": rest * 5 // 95,
        "8.1.1": rest * 30 // 95,
    }
    split["6.1.1"] = rest - sum(split.values())
    recs = [held(day(2026, 3, 1), elderly_group, themed=False, service="1.1.1")]
    recs += [
        held(day(2026, 3, 2 + i), v, themed=False, service=k)
        for i, (k, v) in enumerate(split.items())
    ]
    individual = tuple(
        m.IndividualService(k, v)
        for k, v in {"1.1.1": 5, "3.3.1": 40, "4.1.1": 35, "2.1.1": 10, "6.1.1": 10}.items()
    )
    return baseline(activity_months=(month_records(2026, 3, tuple(recs), individual),))


@pytest.mark.parametrize(
    "elderly, expected", [(75, "pass"), (76, "fail"), (25, "pass"), (24, "fail")]
)
def test_service_mix_tolerance_2_5_points(elderly, expected):
    found = run(mix_centre(elderly), "shenzhen-2015", "service-mix")
    group_elderly = [f for f in found if "群体服务中助老服务" in f.message]
    assert [f.status for f in group_elderly] == [expected]


def test_service_mix_unknown_type_is_not_applicable():
    c = replace(mix_centre(50), community_type="其他社区")
    assert statuses(c, "shenzhen-2015", "service-mix") == ["not-applicable"]


# ---------------------------------------------------------------- disclosure deadlines (七(三))


@pytest.mark.parametrize(
    "published, expected, severity",
    [
        (day(2026, 10, 30), "pass", None),  # 30 days after 2026-09-30, that day included
        (day(2026, 10, 31), "fail", "warning"),  # late: the pack's late_severity
    ],
)
def test_quarterly_disclosure(published, expected, severity):
    c = baseline(
        contract=replace(baseline().contract, start=day(2026, 7, 1)),
        quarters=(quarter(2026, 3, published=published),),
    )
    found = run(c, "shenzhen-2015", "quarterly-finance-disclosure", today=day(2026, 12, 1))
    [f] = [f for f in found if f.period == "2026年第三季度"]  # the fourth is not due yet
    assert (f.status, f.severity) == (expected, severity)


def test_quarter_missing_after_its_deadline_is_an_error():
    c = baseline(
        contract=replace(baseline().contract, start=day(2026, 1, 1)),
        quarters=(quarter(2026, 1), quarter(2026, 3)),
    )
    found = failures(c, "shenzhen-2015", "quarterly-finance-disclosure", today=day(2026, 12, 1))
    assert [(f.period, f.pos.file, f.severity) for f in found] == [
        ("2026年第二季度", "centres/demo/finance/2026-Q2.yaml", None)
    ]


@pytest.mark.parametrize(
    "published, expected",
    [(day(2027, 4, 30), "pass"), (day(2027, 5, 1), "fail")],
)
def test_annual_audit_disclosure(published, expected):
    audit = m.Audit(
        2026,
        "示例会计师事务所",
        "示审字第1号",
        day(2027, 3, 20),
        "无保留意见",
        D(1),
        D(1),
        D(0),
        D(0),
        published=published,
    )
    c = baseline(contract=replace(baseline().contract, start=day(2026, 1, 1)), audits=(audit,))
    found = run(c, "shenzhen-2015", "annual-audit-disclosure", today=day(2027, 6, 1))
    assert [f.status for f in found if f.year == 2026] == [expected]


# ---------------------------------------------------------------- paid services, surplus, free services


def paid(filed_on, price="30", market="80") -> m.Services:
    ps = m.PaidService(
        "10.1.1",
        "书法班",
        D(price),
        "元/次",
        "沙头街道办事处",
        filed_on,
        D(market) if market else None,
    )
    return replace(baseline().services, paid=(ps,))


@pytest.mark.parametrize(
    "filed_on, price, market, expected",
    [
        (
            day(2026, 7, 6),
            "30",
            "80",
            ["pass", "pass"],
        ),  # filed on the day of the first charged activity
        (day(2026, 7, 7), "30", "80", ["fail", "pass"]),  # filed after it
        (day(2026, 6, 1), "80", "80", ["pass", "pass"]),  # price equal to the market level
        (day(2026, 6, 1), "80.01", "80", ["pass", "fail"]),
        (day(2026, 6, 1), "30", None, ["pass", "no-data"]),
        (None, "30", "80", ["fail", "pass"]),
    ],
)
def test_paid_services(filed_on, price, market, expected):
    charged = activity(day(2026, 7, 6), price="30", paid_service="10.1.1", service="10.1.1")
    c = baseline(
        services=paid(filed_on, price, market), plans=(plan(2026, 7, day(2026, 6, 30), (charged,)),)
    )
    assert statuses(c, "shenzhen-2015", "paid-services-filed") == expected


@pytest.mark.parametrize("price, expected", [("0", ["pass"]), ("0.01", ["fail"])])
def test_public_services_free(price, expected):
    a = activity(
        day(2026, 7, 6),
        price=price,
        service="3.3.1",
        paid_service="10.1.1" if price != "0" else None,
    )
    c = baseline(plans=(plan(2026, 7, day(2026, 6, 30), (a,)),))
    assert statuses(c, "shenzhen-2015", "free-public-services") == expected


@pytest.mark.parametrize(
    "carried, expected",
    [("12000", "pass"), ("11999.99", "fail"), ("0", "fail")],
)
def test_surplus_carried_forward(carried, expected):
    q4 = quarter(2025, 4, government="112000")  # spends 100,000 of 112,000
    q1 = quarter(2026, 1, carried=carried)
    assert statuses(baseline(quarters=(q4, q1)), "shenzhen-2015", "surplus-carried-forward") == [
        expected
    ]


# ---------------------------------------------------------------- from findings to problems and the report


def validated(centre: m.Centre):
    from rules_helpers import library

    from generator.records.validate import Validated

    return Validated(centres=[centre], library=library())


def test_check_compliance_turns_failures_into_problems():
    c = baseline(  # a three-year contract from the first recorded quarter
        contract=replace(baseline().contract, start=day(2026, 7, 1), end=day(2029, 6, 30)),
        floor_area=D("380"),
        quarters=(
            quarter(
                2026,
                3,
                staff="75500",
                site="4000",
                management="10500",
                services="10000",
                published=day(2026, 10, 20),
            ),
        ),
    )
    problems = check_compliance(validated(c), today=day(2026, 11, 22))
    got = {(p.code, p.file, p.line, p.severity) for p in problems}
    # the four shares sum to 100 %: management above 10 % always takes staff+site below
    # 80 % or services below 10 % with it (here staff+site: 79.5 %)
    assert got == {
        ("floor-area", "centres/demo/centre.yaml", 25, Severity.ERROR),
        ("fund-management", "centres/demo/finance/2026-Q3.yaml", 30, Severity.WARNING),
        ("fund-staff-and-site", "centres/demo/finance/2026-Q3.yaml", 20, Severity.WARNING),
    }
    floor = next(p for p in problems if p.code == "floor-area")
    assert floor.rule == "floor-area"
    assert floor.clause == "《深圳市社区（党群）服务中心运营与评估标准（征求意见稿）》二(三)"


def test_compliance_report_is_json_with_every_rule():
    import json

    c = baseline(
        quarters=tuple(quarter(2026, q) for q in (1, 2, 3, 4)), evaluations=(evaluation(),)
    )
    report = compliance_report(c, pack("shenzhen-2015"), today=day(2026, 11, 22))
    text = json.dumps(report, ensure_ascii=False)
    assert [r["id"] for r in report["rules"]] == list(pack("shenzhen-2015").rules)
    floor = next(r for r in report["rules"] if r["id"] == "floor-area")
    assert (floor["status"], floor["measured"]["value"], floor["threshold"]) == (
        "pass",
        "450",
        "400",
    )
    assert floor["citation"].endswith("二(三)") and floor["quote"]
    year = next(p for p in report["finance"] if p["kind"] == "year")
    assert year["categories"]["management"]["percent"] == "8.00%"
    assert report["evaluations"][0]["result"] == "A"
    assert all(
        r["status"] in ("pass", "fail", "not-applicable", "no-data") for r in report["rules"]
    )
    assert "Decimal" not in text


def test_percent_formatting_in_one_place():
    assert fmt.percent(D("0.105")) == "10.50%"
    assert fmt.limit_percent(D("0.10")) == "10%" and fmt.limit_percent(D("0.025")) == "2.5%"
    assert fmt.percent_against(D("0.79995"), D("0.80")) == "79.995%"
    assert fmt.num(D("400.00")) == "400" and fmt.num(D("0.1050")) == "0.105"


def test_every_check_runs_on_an_empty_centre():
    """No rule of any real pack raises on a centre without yearly records."""
    from rules_helpers import library

    from generator.compliance import evaluate_rules

    for p in library().packs.values():
        for result in evaluate_rules(baseline(), p, TODAY):
            assert result.findings, result.rule.id
            assert result.status in ("pass", "fail", "not-applicable", "no-data")


# ---------------------------------------------------------------- packs, registry and documentation


def _rule_files() -> list[dict]:
    from rules_helpers import ROOT

    from generator.packs.library import to_plain
    from generator.records.load import read_document

    out = []
    for path in sorted((ROOT / "content" / "rules").glob("*.yaml")):
        data = to_plain(read_document(path, path.name).root)
        out.append(data)
    return out


def test_every_rule_id_and_check_kind_is_documented():
    from rules_helpers import ROOT

    from generator.rules.registry import CHECKS

    text = (ROOT / "docs" / "checks.md").read_text(encoding="utf-8")
    rule_ids = {rid for data in _rule_files() for rid in (data.get("rules") or {})}
    assert rule_ids
    missing = sorted(r for r in rule_ids if f"`{r}`" not in text)
    assert not missing, f"docs/checks.md does not document: {missing}"
    kinds = sorted(k for k in CHECKS if f"`{k}`" not in text)
    assert not kinds, f"docs/checks.md does not document check kinds: {kinds}"


def test_every_kind_metric_and_formula_in_the_packs_is_supported():
    from rules_helpers import library

    from generator.rules.compare import METRICS
    from generator.rules.registry import CHECKS

    for p in library().packs.values():
        for rule in p.rules.values():
            assert rule.check in CHECKS, f"{p.id}/{rule.id}: unknown check {rule.check}"
            if rule.check == "compare":
                assert rule.params.metric in METRICS, f"{p.id}/{rule.id}"
            if rule.check == "score-table":
                for ln in rule.params.lines:
                    nodes = [ln["computed"]] + list(ln["computed"].get("parts") or [])
                    for node in nodes:
                        assert node.get("kind") in set(table.SCORERS) | {"sum"}, f"{ln['id']}"
                        for metric in [node.get("metric")] + [
                            t["metric"] for t in node.get("terms") or []
                        ]:
                            assert metric is None or metric in METRICS, f"{ln['id']}: {metric}"


def test_a_rule_with_unusable_parameters_is_reported_not_raised(monkeypatch):
    from generator.compliance import evaluate_rules
    from generator.packs.library import Pack, Rule

    monkeypatch.delenv("GONGSHI_DEBUG", raising=False)
    broken = Rule(
        "floor-area",
        "compare",
        "二(三)",
        "《测试》",
        "不低于400平方米",
        "error",
        {"metric": "floor_area_m2", "op": ">=", "threshold": "四百"},
    )
    p = Pack("broken", "测试", "《测试》", None, {"floor-area": broken})
    [result] = evaluate_rules(baseline(), p, TODAY)
    assert result.status == "fail" and "参数无法使用" in result.findings[0].message
