"""Print kinds without compiling: file names, contexts, posting periods, templates, charts."""

from __future__ import annotations

import dataclasses
import datetime as dt
import itertools
from decimal import Decimal

import jinja2
import pytest
from conftest import MINIMAL, make_project
from hypothesis import given
from hypothesis import strategies as st

from generator import urls
from generator.figures import charts
from generator.figures.holidays import holiday_breaks
from generator.figures.window import on_days
from generator.packs.library import Rule
from generator.pipeline import load_project
from generator.print.consultation import build_consultation
from generator.print.contexts import Row
from generator.print.documents import KINDS, pdf_file
from generator.print.finance_audit import build_audit, build_finance
from generator.print.frame import BLANK_DATE, DEFAULT_POSTING_DAYS
from generator.print.hours_plan import build_hours, build_plan
from generator.print.manuals import manual_body
from generator.print.render import render_body, render_markdown, typst_row
from generator.rules.base import FAIL
from generator.rules.postings import PostingParams
from generator.text import formats as fmt
from generator.text import verdicts
from generator.text.labels import STATUS_LABELS

D = dt.date
ONE = dt.timedelta(days=1)


@pytest.fixture(scope="module")
def minimal():
    v = load_project(MINIMAL)
    centre = v.centres[0]
    return centre, v.library.packs[centre.rule_pack], v.results[centre.id]


def test_file_names():
    assert pdf_file("hours") == "hours.pdf"
    assert pdf_file("consultation") == "consultation.pdf"
    assert pdf_file("manuals") == "manuals.pdf"
    assert pdf_file("plan", "2026-03") == "plan-2026-03.pdf"
    assert pdf_file("finance", "2026-Q1") == "finance-2026-Q1.pdf"
    assert pdf_file("audit", "2026") == "audit-2026.pdf"
    assert pdf_file("evaluation", "2026") == "evaluation-2026.pdf"
    assert pdf_file("annual", "2026") == "annual-2026.pdf"
    assert pdf_file("correction", "finance-2026-Q1-1") == "correction-finance-2026-Q1-1.pdf"
    assert set(KINDS) == {
        "hours",
        "plan",
        "finance",
        "audit",
        "evaluation",
        "consultation",
        "correction",
        "annual",
        "manuals",
    }


@pytest.mark.parametrize(
    "kind, period",
    [
        ("plan", "2026-13"),
        ("finance", "2026-Q5"),
        ("finance", None),
        ("hours", "2026"),
        ("nope", None),
        ("audit", "../x"),
    ],
)
def test_file_name_rejects(kind, period):
    with pytest.raises(ValueError):
        pdf_file(kind, period)


def test_posting_url():
    assert urls.posting_url("https://gs.example.org/", "demo", "finance", "2026-Q1") == (
        "https://gs.example.org/centres/demo/finance/2026-Q1/"
    )
    assert urls.posting_url("https://gs.example.org", "demo", "consultation") == (
        "https://gs.example.org/centres/demo/"
    )
    assert urls.posting_url("https://gs.example.org", "demo", "annual", "2026") == (
        "https://gs.example.org/centres/demo/archive/"
    )
    assert urls.posting_url("", "demo", "hours") == ""


def test_default_posting_period(minimal):
    centre, pack, results = minimal
    q = centre.quarters[0]
    ctx = build_finance(centre, pack, q, results, url="u")
    p = ctx.frame.posting
    assert p.start == q.published
    assert p.end == q.published + dt.timedelta(days=DEFAULT_POSTING_DAYS - 1)
    assert f"{DEFAULT_POSTING_DAYS}日" in p.text and p.citation is None
    # the posting states the period only; why 7 days is in docs/print.md
    assert "默认" not in p.text and "规则包" not in p.text
    assert ctx.frame.date == q.published


def _with_posting_rule(pack, **params):
    rule = Rule(
        id="posting-period",
        check="posting-period",
        clause="九(九)",
        document="《某规范》",
        quote="公示期不少于十五日",
        severity="info",
        params=PostingParams(**params),
    )
    return dataclasses.replace(pack, rules={**pack.rules, rule.id: rule})


def test_posting_period_from_the_pack(minimal):
    centre, pack, results = minimal
    pack = _with_posting_rule(pack, days=15, by_kind={"audit": 20})
    q, audit = centre.quarters[0], centre.audits[0]
    fin = build_finance(centre, pack, q, results, url="u").frame.posting
    assert fin.end == q.published + dt.timedelta(days=14)
    assert fin.citation == "《某规范》九(九)" and "依据《某规范》九(九)" in fin.text
    aud = build_audit(centre, pack, audit, results, url="u").frame.posting
    assert aud.end == audit.published + dt.timedelta(days=19)


def test_plan_posted_to_the_end_of_its_month(minimal):
    centre, pack, results = minimal
    plan = centre.plans[0]
    p = build_plan(centre, pack, plan, url="u").frame.posting
    assert p.start == plan.published and p.end == dt.date(plan.year, plan.month, 31)


def test_unpublished_posting_leaves_the_date_to_fill_in(tmp_path):
    proj = make_project(
        tmp_path,
        {
            "finance/2026-Q1.yaml": (MINIMAL / "centres/demo/finance/2026-Q1.yaml")
            .read_text(encoding="utf-8")
            .replace("published: 2026-04-15\n", "")
        },
    )
    v = load_project(proj)
    centre = v.centres[0]
    frame = build_finance(
        centre, v.library.packs[centre.rule_pack], centre.quarters[0], v.results[centre.id], url="u"
    ).frame
    assert frame.date is None and frame.date_text == BLANK_DATE
    assert frame.posting.text.startswith("自张贴之日起")


def test_hours_standing_posting(minimal):
    centre, pack, results = minimal
    ctx = build_hours(centre, pack, url="u")
    assert ctx.frame.posting.standing and ctx.frame.posting.end is None
    assert [r.cells[0] for r in ctx.week] == [
        "周一",
        "周二",
        "周三",
        "周四",
        "周五",
        "周六",
        "周日",
    ]
    assert ctx.week[0].cells[1] == "09:00-12:00、14:00-21:00"
    assert ctx.exceptions[0].cells == ("2026年10月1日至10月7日", "闭馆", "国庆节")


def test_finance_context_figures(minimal):
    centre, pack, results = minimal
    q = centre.quarters[0]
    ctx = build_finance(centre, pack, q, results, url="u")
    assert ctx.income_total.cells == ("收入合计", fmt.yuan(q.income_total))
    assert ctx.expenditure_total.cells == ("支出合计", fmt.yuan(q.expenditure_total))
    assert ctx.balance.cells == ("期末结余", fmt.yuan(q.income_total - q.expenditure_total))
    items = [r for r in ctx.expenditure if r.level == 1]
    assert len(items) == sum(len(c.items) for c in q.expenditure.values())


def test_fund_ratios_are_the_rules_findings(samples_loaded):
    """Every ratio cell of a posting is the value, limit and verdict of the rule's finding for
    that column's period, never one the posting worked out itself."""
    v = samples_loaded  # the samples, with the real packs
    checked = 0
    for centre in v.centres:
        results = v.results[centre.id]
        pack = v.library.packs[centre.rule_pack]
        rules = verdicts.fund_results(results)
        for q in centre.quarters:
            ctx = build_finance(centre, pack, q, results, url="u")
            assert [line.citation for line in ctx.ratios] == [r.rule.citation for r in rules]
            for line, result in zip(ctx.ratios, rules):
                for period, value, verdict, failed in zip(
                    line.periods, line.values, line.results, line.failed
                ):
                    finding = verdicts.finding_for(result, period)
                    if finding is None:
                        assert (value, verdict, failed) == ("—", "—", False)
                        continue
                    assert value == finding.measured["percent"]
                    assert verdict == STATUS_LABELS[finding.status]
                    assert failed == (finding.status == FAIL)
                    assert finding.message.startswith(period)
                    assert fmt.limit_percent(finding.threshold) in line.limit
                    checked += 1
    assert checked > 0


def test_templates_are_strict(minimal):
    with pytest.raises(jinja2.UndefinedError):
        render_body("finance", object())
    with pytest.raises(jinja2.UndefinedError):
        render_markdown("manuals", object())


def test_record_values_are_escaped_in_typst_bodies(minimal):
    centre, pack, results = minimal
    centre = dataclasses.replace(
        centre, contact=dataclasses.replace(centre.contact, feedback="*b* [x](y)")
    )
    ctx = build_consultation(centre, pack, url="u")
    ctx = dataclasses.replace(ctx, own=(Row(("# 标题", "<tag> | $x$")),))
    body = render_body("consultation", ctx)
    assert "- #strong[\\# 标题]：\\<tag\\> \\| \\$x\\$" in body
    plan = build_plan(centre, pack, centre.plans[0], url="u")
    first = plan.activities[0]
    hostile = Row(("= 标题\n- 列表", *first.cells[1:]))
    body = render_body("plan", dataclasses.replace(plan, activities=(hostile,)))
    # a value stays on its line (a line break would end the cell's row or start markup)
    assert "    [\\= 标题 \\- 列表], " in body


def test_table_rows_in_typst():
    row = typst_row(Row(("工资（7 名）", "1,200.00", ""), level=1))
    assert row == "    [\u3000\u3000工资（7 名）], [1\\,200\\.00], [],"
    total = typst_row(Row(("收入合计", "9.00", ""), strong=True))
    assert total == "    [#strong[收入合计]], [#strong[9\\.00]], [],"


def test_manual_body_takes_the_book_heading():
    assert manual_body("# 场地管理制度\n\n## 第一章 总则\n\n正文\n") == "## 第一章 总则\n\n正文\n"
    assert manual_body("正文\n\n# 附则\n") == "正文\n\n## 附则\n"
    assert manual_body("```\n# 不是标题\n```\n") == "```\n# 不是标题\n```\n"


def test_chart_is_deterministic_svg():
    a = charts.bar_chart(
        ["第一季度", "第二季度"],
        [("员工薪酬", [Decimal("115200.00"), Decimal(0)]), ("<管理费>", [1, 2])],
        unit="元",
    )
    b = charts.bar_chart(
        ["第一季度", "第二季度"],
        [("员工薪酬", [Decimal("115200.00"), Decimal(0)]), ("<管理费>", [1, 2])],
        unit="元",
    )
    assert a == b and a.startswith("<svg") and "&lt;管理费&gt;" in a and "<管理费>" not in a
    with pytest.raises(ValueError):
        charts.bar_chart(["a"], [("s", [1, 2])])


@given(st.decimals(min_value=Decimal("0.01"), max_value=Decimal("1e9"), places=2))
def test_nice_ticks_cover_the_maximum(maximum):
    ticks = charts.nice_ticks(maximum)
    steps = {b - a for a, b in itertools.pairwise(ticks)}
    assert ticks[0] == 0 and ticks[-1] >= maximum and len(steps) == 1
    assert ticks[-2] < maximum  # no tick wasted above the top


def test_hours_list_what_is_ahead_of_the_day_printed(minimal):
    centre, pack, _ = minimal
    (national,) = [e for e in centre.opening_hours.exceptions if e.reason == "国庆节"]
    before = build_hours(centre, pack, url="", today=national.start - dt.timedelta(days=1))
    after = build_hours(centre, pack, url="", today=national.end + dt.timedelta(days=1))
    cells = [r.cells for r in before.exceptions]
    # the record's own arrangement, once: every day of the break is arranged by it
    assert (fmt.date_range_text(national.start, national.end), "闭馆", "国庆节") in cells
    assert not any(c[2] == "国庆节（法定节假日）" and c[0].startswith("2026年10月") for c in cells)
    # past changes are gone; the coming statutory holidays are listed in date order
    assert all("国庆节" != r.cells[2] for r in after.exceptions)
    assert after.exceptions[0].cells[2] == "元旦（法定节假日）"
    assert after.exceptions[0].cells[0] == "2027年1月1日至1月3日"
    assert after.exceptions[0].cells[1] == "另行公示"
    # a year whose arrangement is not in the holidays package yet is named under the table
    assert 2027 in after.unannounced
    # without the day: every change in the record and no holiday (as before)
    plain = build_hours(centre, pack, url="")
    assert [r.cells[2] for r in plain.exceptions] == [
        e.reason for e in centre.opening_hours.exceptions
    ]


def test_a_holiday_break_is_listed_whole_while_any_day_of_it_is_ahead(minimal):
    # 春节 2027 as the holidays package has it: 2月5日至10日 (figures.holidays.holiday_breaks)
    centre, pack, _ = minimal
    (spring,) = [b for b in holiday_breaks(D(2027, 2, 1), D(2027, 2, 28)) if "春节" in b.name]
    row = (fmt.date_range_text(spring.first, spring.last), "另行公示", "春节（法定节假日）")
    postings = {
        day: build_hours(centre, pack, url="", today=day).exceptions
        for day in (spring.first, spring.first + ONE, spring.last, spring.last + ONE)
    }
    # on its first day, on a day of it and on its last day: the whole break, the same posting
    assert row in [r.cells for r in postings[spring.first + ONE]]
    assert postings[spring.first] == postings[spring.first + ONE] == postings[spring.last]
    # the day after it, it is gone (the next year's 春节 is listed by its own dates)
    assert row not in [r.cells for r in postings[spring.last + ONE]]


def test_the_hours_posting_changes_only_when_a_whole_break_comes_or_goes(minimal):
    centre, pack, _ = minimal
    (spring,) = [b for b in holiday_breaks(D(2027, 2, 1), D(2027, 2, 28)) if "春节" in b.name]
    day = spring.first + 2 * ONE  # a day inside it
    _, window = on_days(lambda d: build_hours(centre, pack, url="", today=d).exceptions, day)
    # not cut day by day: it holds from the break's first day (when the last break before it
    # ended) to its last day, unless a break of the next year enters the year ahead sooner
    breaks = holiday_breaks(day, day + dt.timedelta(days=730))
    entering = min(b.first for b in breaks if b.first > day + dt.timedelta(days=364))
    assert window.first <= spring.first
    assert window.last == min(spring.last, entering - dt.timedelta(days=364) - ONE)
    for other in (window.first, window.last):
        assert build_hours(centre, pack, url="", today=other).exceptions == (
            build_hours(centre, pack, url="", today=day).exceptions
        )
