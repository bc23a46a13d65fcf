"""The packs' contract, funding, room, grade and veto rules at the boundaries the texts draw.

Each case builds the baseline centre of rules_helpers, changes one thing and runs one rule of
a real pack (content/rules/); the CLI tests of the same rules are in test_packs_meaning_e2e.py.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from decimal import Decimal

import pytest
from rules_helpers import at, baseline, evaluation, pack, quarter, run, statuses

from generator import compliance
from generator import model as m
from generator.compliance import evaluate_rules
from generator.evaluation.grading import vetoes_for
from generator.rules import contract_term, required_rooms

D = Decimal


def day(y: int, mo: int, d: int) -> dt.date:
    return dt.date(y, mo, d)


def with_contract(start: dt.date, end: dt.date, funders=()) -> m.Centre:
    c = baseline()
    return replace(c, contract=replace(c.contract, start=start, end=end, funders=funders))


# ---------------------------------------------------------------- contract term


@pytest.mark.parametrize(
    "start, end, expected",
    [
        (day(2026, 1, 1), day(2026, 12, 31), "pass"),  # exactly one year, both days included
        (day(2026, 3, 15), day(2027, 3, 14), "pass"),
        (day(2024, 2, 29), day(2025, 2, 28), "pass"),  # from 29 February
        (day(2026, 1, 1), day(2027, 1, 1), "fail"),  # one day more
        (day(2026, 1, 1), day(2026, 12, 30), "fail"),  # one day less
        (day(2026, 4, 1), day(2026, 12, 31), "fail"),  # a part-year contract
        (day(2026, 1, 1), day(2028, 12, 31), "fail"),  # three years
    ],
)
def test_one_year_contract(start, end, expected):
    c = with_contract(start, end)
    assert statuses(c, "huizhou-pilot", "contract-term") == [expected]
    assert statuses(c, "shenzhen-early", "first-contract-term") == [expected]


def test_three_year_contract_of_the_2015_standard():
    assert statuses(
        with_contract(day(2025, 1, 1), day(2027, 12, 31)), "shenzhen-2015", "contract-term"
    ) == ["pass"]
    [f] = run(with_contract(day(2026, 1, 1), day(2026, 12, 31)), "shenzhen-2015", "contract-term")
    assert f.status == "fail" and "共 1 年，不符合“为期 3 年”" in f.message
    assert f.pos == at(19)  # the contract's end line


def test_contract_term_message_names_the_span_and_the_due_end():
    [f] = run(with_contract(day(2026, 1, 1), day(2028, 12, 31)), "huizhou-pilot", "contract-term")
    assert f.message == (
        "合同期限 2026年1月1日至2028年12月31日，共 3 年，不符合“为期 1 年”"
        "（1 年的合同应于 2026年12月31日期满）"
    )
    [f] = run(with_contract(day(2026, 4, 1), day(2026, 12, 31)), "huizhou-pilot", "contract-term")
    assert "共 9 个月，" in f.message


@pytest.mark.parametrize(
    "start, end, text",
    [
        (day(2026, 1, 1), day(2026, 12, 31), "1 年"),
        (day(2026, 1, 10), day(2026, 2, 6), "28 天"),
        (day(2026, 1, 1), day(2028, 3, 5), "2 年 2 个月 5 天"),
        (day(2026, 1, 1), day(2026, 1, 1), "1 天"),
    ],
)
def test_span_text(start, end, text):
    assert contract_term.span_text(start, end) == text


# ---------------------------------------------------------------- funding split (惠城 五(三))


def funders(*pairs: tuple[str, str]) -> tuple[m.Funder, ...]:
    return tuple(
        m.Funder(name, D(amount), src=at(40 + i), at={"amount": at(40 + i)})
        for i, (name, amount) in enumerate(pairs)
    )


@pytest.mark.parametrize(
    "pairs, expected",
    [
        ((("市级财政", "300000"), ("区财政", "100000")), ["pass", "pass"]),
        ((("市财政局", "300000"), ("惠城区财政局", "100000")), ["pass", "pass"]),  # by names
        ((("市级财政", "350000"), ("区财政", "50000")), ["pass", "fail"]),
        ((("市级财政", "299999.99"), ("区财政", "100000.01")), ["fail", "pass"]),
        ((("市级财政", "400000"),), ["pass", "fail"]),  # no district funder at all
    ],
)
def test_funding_split(pairs, expected):
    c = with_contract(day(2026, 1, 1), day(2026, 12, 31), funders(*pairs))
    assert statuses(c, "huizhou-pilot", "funding-split") == expected


def test_funding_split_messages():
    c = with_contract(
        day(2026, 1, 1), day(2026, 12, 31), funders(("市级财政", "350000"), ("区财政", "50000"))
    )
    found = run(c, "huizhou-pilot", "funding-split")
    assert found[1].message == "区财政 安排 50,000.00 元，低于下限 100,000.00 元"
    assert found[1].pos == at(41)
    c = with_contract(day(2026, 1, 1), day(2026, 12, 31), funders(("市级财政", "400000")))
    assert "出资方中没有区财政" in run(c, "huizhou-pilot", "funding-split")[1].message
    c = with_contract(day(2026, 1, 1), day(2026, 12, 31))
    assert statuses(c, "huizhou-pilot", "funding-split") == ["no-data"]


# ---------------------------------------------------------------- rooms


def rooms(*pairs: tuple[str, str]) -> tuple[m.Room, ...]:
    return tuple(m.Room(n, D("20"), p, src=at(30 + i)) for i, (n, p) in enumerate(pairs))


EARLY_FOUR = (
    ("服务接待室", "来访接待"),
    ("个案工作室", "个案面谈"),
    ("小组及多功能活动室", "小组、讲座"),
    ("行政办公室", "工作人员办公"),
)


def test_the_early_plans_four_rooms():
    c = baseline(rooms=rooms(*EARLY_FOUR))
    assert statuses(c, "shenzhen-early", "required-rooms") == ["pass"] * 4
    c = baseline(rooms=rooms(*EARLY_FOUR[:3]))
    found = run(c, "shenzhen-early", "required-rooms")
    assert [f.status for f in found] == ["pass", "pass", "pass", "fail"]
    assert found[3].message == "功能室中没有行政办公室（名称或用途含“办公”的功能室）"


def test_one_room_counts_once():
    # a 多功能厅 used for reception cannot also be the group room
    c = baseline(
        rooms=rooms(("多功能厅", "接待、小组活动"), ("个案室", "个案"), ("办公室", "办公"))
    )
    found = run(c, "shenzhen-early", "required-rooms")
    assert [f.status for f in found] == ["pass", "pass", "fail", "pass"]
    assert "多功能厅 已计作其他功能室" in found[2].message


def test_rooms_are_paired_to_meet_as_many_as_possible():
    # first come would give 接待 the 多功能厅 and leave the group room unmet
    required = [["接待"], ["小组", "多功能"]]
    found = rooms(("多功能厅", "接待、活动"), ("大堂", "接待"))
    assert required_rooms.pair_rooms(required, found) == {0: 1, 1: 0}


def test_independent_office_of_the_2015_standard():
    c = baseline(rooms=rooms(("社工办公室", "独立办公室")))
    assert statuses(c, "shenzhen-2015", "independent-office") == ["pass"]
    c = baseline(rooms=rooms(("多功能活动室", "团体活动")))
    [f] = run(c, "shenzhen-2015", "independent-office")
    assert f.status == "fail" and f.pos == c.pos("rooms")


# ---------------------------------------------------------------- paid services: authority


def paid_with(authority: str) -> m.Services:
    ps = m.PaidService(
        "10.1.1",
        "书法班",
        D("30"),
        "元/次",
        authority,
        day(2026, 1, 5),
        D("80"),
        src=at(70),
        at={"filed_with": at(71), "filed_on": at(72), "price": at(73)},
    )
    return replace(baseline().services, paid=(ps,))


@pytest.mark.parametrize(
    "pack_id, authority, expected",
    [
        ("shenzhen-2015", "沙头街道办事处", ["pass", "pass"]),
        ("shenzhen-2015", "福田区民政局", ["fail", "pass"]),  # 七(二): 街道办事处
        ("shenzhen-early", "福田区民政局", ["pass", "pass"]),  # 五(二): 区级主管部门
        ("shenzhen-early", "沙头街道办事处", ["fail", "pass"]),
    ],
)
def test_paid_service_filing_authority(pack_id, authority, expected):
    c = baseline(services=paid_with(authority))
    assert statuses(c, pack_id, "paid-services-filed") == expected


def test_wrong_authority_message_and_position():
    c = baseline(services=paid_with("沙头街道办事处"))
    f = run(c, "shenzhen-early", "paid-services-filed")[0]
    assert f.message == (
        "经营性服务 10.1.1 书法班 向沙头街道办事处备案，不是向区级主管部门：须提前向区级主管部门上报备案审查"
    )
    assert f.pos == at(71)


# ---------------------------------------------------------------- income never distributed


def test_income_distribution_is_said_not_checkable():
    c = baseline(quarters=(quarter(2026, 1),))
    [f] = run(c, "shenzhen-2015", "paid-income-not-distributed")
    assert (f.status, f.message) == ("not-applicable", "没有经营性服务收入和捐赠收入")
    c = baseline(quarters=(quarter(2026, 1, convenience="1200", donations="800"),))
    [f] = run(c, "shenzhen-2015", "paid-income-not-distributed")
    assert f.status == "no-data"
    assert f.message.startswith(
        "2026年经营性服务收入和捐赠收入共 2,000.00 元，是否用于分配不能从记录核对："
    )
    # the early plan speaks of paid-service profit only
    [f] = run(c, "shenzhen-early", "paid-income-not-distributed")
    assert f.message.startswith("2026年经营性服务收入共 1,200.00 元")
    # paid services listed but no such income yet: still said, never a silent pass
    c = baseline(services=paid_with("沙头街道办事处"))
    assert statuses(c, "shenzhen-2015", "paid-income-not-distributed") == ["no-data"]


# ---------------------------------------------------------------- grades and vetoes


def test_early_plan_grades_by_the_conclusion():
    early = pack("shenzhen-early")
    c = baseline(evaluations=(evaluation(score="868.5", grade="合格"),))
    card = compliance.scorecard(c, early, 2026, dt.date(2027, 6, 1))
    assert card.result == "合格" and card.result_from == "grade"
    assert [x.id for x in card.consequences] == ["renew-two-years"]
    assert "None" not in card.lines[0].explanation
    [f] = run(c, "shenzhen-early", "evaluation-outcome")
    assert f.status == "pass" and f.message.startswith("2026年度评估等级为 合格（按评估结论）：")
    c = baseline(evaluations=(evaluation(score="868.5", grade="不合格"),))
    [f] = run(c, "shenzhen-early", "evaluation-outcome")
    assert (f.status, f.severity) == ("fail", "error")
    assert "按分数" not in f.message and "按评估结论" in f.message


def test_early_plan_without_a_conclusion_says_what_is_missing():
    c = baseline(evaluations=(evaluation(score="868.5", grade=None),))
    [f] = run(c, "shenzhen-early", "evaluation-outcome")
    assert f.status == "no-data" and "没有写明评估结论（grade" in f.message


@pytest.mark.parametrize(
    "previous, severity, action",
    [
        (None, "warning", "责令其"),
        ("B", "warning", "责令"),
        ("B-", "error", "单方面终止营运合同"),  # 八(五): the second B- ends the contract like C
    ],
)
def test_second_consecutive_b_minus_is_an_error(previous, severity, action):
    c = baseline(evaluations=(evaluation(score="650", previous_grade=previous),))
    [f] = run(c, "shenzhen-2015", "grade")
    assert (f.status, f.severity) == ("fail", severity)
    assert action in f.message or action == "责令其"


def test_vetoed_grade_message_has_no_nested_brackets():
    c = baseline(evaluations=(evaluation(score="950", management_fee_over_limit=True),))
    [f] = run(c, "shenzhen-2015", "grade")
    head = f.message.split("：", 1)[0]
    assert head == "2026年度评估等级为 C（一票否决"
    assert f.message.count("（") == f.message.count("）") == 1


def test_resident_vote_waits_for_verification():
    c = baseline(evaluations=(evaluation(score="950", assembly_vote_share=D("0.6001")),))
    [f] = run(c, "shenzhen-2015", "veto-resident-vote")
    assert (f.status, f.severity) == ("fail", "warning")
    assert "待区/市核实" in f.message and "没有登记区和市主管部门的核实" in f.message
    card = compliance.scorecard(c, pack("shenzhen-2015"), 2026, dt.date(2027, 6, 1))
    assert card.result == "A+" and any(v.pending for v in card.vetoes)
    c = baseline(evaluations=(evaluation(score="950", assembly_vote_share=D("0.60")),))
    assert statuses(c, "shenzhen-2015", "veto-resident-vote") == ["pass"]


def test_verified_resident_vote_is_the_veto():
    checked = m.Verification("区民政局、市民政局", dt.date(2026, 11, 20))
    c = baseline(
        evaluations=(
            evaluation(score="950", assembly_vote_share=D("0.6001"), vote_verification=checked),
        )
    )
    [f] = run(c, "shenzhen-2015", "veto-resident-vote")
    assert (f.status, f.severity) == ("fail", None)  # the rule's own severity: error
    assert "经区民政局、市民政局于 2026年11月20日 核实，一票否决" in f.message
    card = compliance.scorecard(c, pack("shenzhen-2015"), 2026, dt.date(2027, 6, 1))
    assert card.result == "C" and card.result_from == "veto"
    # a verified vote at the threshold is no veto
    c = baseline(
        evaluations=(
            evaluation(score="950", assembly_vote_share=D("0.60"), vote_verification=checked),
        )
    )
    assert statuses(c, "shenzhen-2015", "veto-resident-vote") == ["pass"]


@pytest.mark.parametrize("overall, extends", [("B", True), ("B-", False), (None, False)])
def test_three_year_grade_extends_two_years(overall, extends):
    c = baseline(evaluations=(evaluation(score="760", three_year_grade=overall),))
    card = compliance.scorecard(c, pack("shenzhen-2015"), 2026, dt.date(2027, 6, 1))
    ids = [x.id for x in card.consequences]
    assert ("three-year-extension" in ids) == extends
    [f] = run(c, "shenzhen-2015", "grade")
    assert ("直接延续营运两年" in f.message) == extends


# ---------------------------------------------------------------- evaluation schedule by kind


def rounds(*pairs) -> tuple[m.EvaluationRound, ...]:
    return tuple(m.EvaluationRound(k, dt.date(*d), src=at(30)) for k, d in pairs)


@pytest.mark.parametrize(
    "kind, others, expected",
    [
        ("终期评估", (("中期评估", (2026, 7, 10)),), {"中期评估": "pass", "终期评估": "pass"}),
        ("终期评估", (), {"中期评估": "fail", "终期评估": "pass"}),
        (None, (), {"中期评估": "no-data", "终期评估": "no-data"}),
    ],
)
def test_binjiang_mid_term_and_final_checked_apart(kind, others, expected):
    ev = evaluation(grade="标准型", score=None, kind=kind, other_evaluations=rounds(*others))
    found = run(baseline(evaluations=(ev,)), "binjiang-2023", "evaluation-schedule")
    of_2026 = [f for f in found if f.year == 2026]
    # the pack's order: the mid-term entry, then the final one
    assert [f.status for f in of_2026] == [expected["中期评估"], expected["终期评估"]]
    if expected["中期评估"] == "fail":
        (f,) = [f for f in of_2026 if f.status == "fail"]
        assert f.message.startswith(
            "2026 年度没有中期评估的记录（年度中期评估；记录中只有终期评估）"
        )
        assert f.message.endswith("运营方后期继续签约的依据")  # the pack's use, quoted


def huizhou_centre(kind: str | None, day: tuple[int, int, int] | None):
    contract = replace(baseline().contract, start=dt.date(2026, 1, 1), end=dt.date(2026, 12, 31))
    others = rounds((kind, day)) if kind and day else ()
    ev = evaluation(score=None, kind="年终考核", other_evaluations=others)
    return baseline(contract=contract, evaluations=(ev,))


@pytest.mark.parametrize(
    "kind, day, today, expected",
    [
        ("期满评估", (2026, 12, 16), (2027, 1, 5), "pass"),  # exactly 15 days before
        ("期满评估", (2026, 12, 17), (2027, 1, 5), "fail"),  # 14 days before
        (None, None, (2026, 12, 16), "not-applicable"),  # not yet due
        (None, None, (2026, 12, 17), "fail"),  # due and none on record
        ("中期评估", (2026, 12, 10), (2027, 1, 5), "fail"),  # another kind does not count
    ],
)
def test_huizhou_expiry_evaluation_half_a_month_before_the_end(kind, day, today, expected):
    c = huizhou_centre(kind, day)
    found = run(c, "huizhou-pilot", "contract-and-evaluation", today=dt.date(*today))
    (f,) = [f for f in found if "期满评估" in f.message]
    assert f.status == expected, f.message
    if expected == "fail" and day == (2026, 12, 17):
        assert f.message.startswith(
            "期满评估于 2026年12月17日 进行，晚于合同结束日前 15 日（2026年12月16日）"
        )


# ---------------------------------------------------------------- satisfaction sample, 12349


@pytest.mark.parametrize(
    "sample, random_, phone, expected, where",
    [
        (60, 30, 30, "pass", None),
        (70, 40, 30, "pass", None),  # more than 30 is no worse
        (60, 40, 20, "fail", "phone"),
        (60, 30, 25, "fail", "sample"),  # the parts do not make up the sample
        (60, None, None, "no-data", None),
    ],
)
def test_satisfaction_sample_composition(sample, random_, phone, expected, where):
    ev = evaluation(grade="标准型", score=None, sample=sample, satisfied=50)
    file = "centres/demo/evaluations/2026.yaml"
    sat = m.Satisfaction(
        sample,
        50,
        random_,
        phone,
        src=at(6, file),
        at={"sample": at(61, file), "phone": at(63, file)},
    )
    c = baseline(evaluations=(replace(ev, satisfaction=sat),))
    [f] = run(c, "binjiang-2023", "satisfaction-sample")
    assert f.status == expected, f.message
    if where:
        assert f.pos == sat.pos(where)
    if where == "phone":
        assert f.message == "2026年满意度调查电话抽取 20 名，低于下限 30 名"


@pytest.mark.parametrize(
    "cover, expected",
    [((186, 186), "pass"), ((186, 185), "fail"), (None, "no-data"), ((10, 11), "no-data")],
)
def test_platform_12349_coverage(cover, expected):
    c = baseline()
    platform = m.PlatformCoverage(*cover, src=at(70), at={"covered": at(72)}) if cover else None
    c = replace(c, services=replace(c.services, platform_12349=platform))
    for pack_id in ("shenzhen-2015", "shenzhen-early"):
        [f] = run(c, pack_id, "platform-12349-coverage")
        assert f.status == expected, f.message
    if expected == "fail":
        assert f.pos == at(72) and "99.46%" in f.message


def test_fee_veto_warning_keeps_its_subject():
    qs = tuple(
        quarter(2026, q, staff="75000", site="5000", management="11000", services="9000")
        for q in (1, 2, 3, 4)
    )
    c = baseline(quarters=qs, evaluations=(evaluation(score="950"),))
    [f] = run(c, "shenzhen-2015", "veto-management-fee")
    assert f.severity == "warning"
    assert f.message.startswith("2026年全年 机构营运管理费占支出的 11.00%，高于上限 10%：如经")


# ---------------------------------------------------------------- parameters every rule reads


def with_params(pack_id: str, rule_id: str, **params):
    """A real pack with one rule's typed parameters changed."""
    p = pack(pack_id)
    rule = p.rule(rule_id)
    changed = replace(rule, params=replace(rule.params, **params))
    return replace(p, rules={**p.rules, rule_id: changed})


def test_paid_service_outside_the_paid_tables_when_only_they_may_charge():
    services = paid_with("沙头街道办事处")
    outside = replace(services, paid=(replace(services.paid[0], code="3.3.1"),))
    c = baseline(services=outside)
    strict = with_params("shenzhen-2015", "paid-services-filed", include_any_charged=False)
    found = {r.rule.id: r.findings for r in evaluate_rules(c, strict, dt.date(2027, 6, 1))}
    first = found["paid-services-filed"][0]
    assert first.status == "fail" and "不在经营性服务目录表（10）中" in first.message
    # as the packs are written (include_any_charged: true) any charged service is checked
    assert statuses(c, "shenzhen-2015", "paid-services-filed") == ["pass", "pass"]


def test_vote_veto_without_a_required_verification_takes_effect():
    ev = evaluation(score="950", assembly_vote_share=D("0.6001"))
    p = with_params("shenzhen-2015", "veto-resident-vote", requires_verification_by=None)
    veto = next(v for v in vetoes_for(ev, p) if v.rule == "veto-resident-vote")
    assert veto.triggered and not veto.pending
    assert veto.message == (
        "居民大会与会者中同意终止合同的占 60.01%，超过 60%，一票否决，第三方评估机构不予评估，直接评定为C级"
    )
