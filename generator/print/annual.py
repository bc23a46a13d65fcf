"""The annual report booklet (年度报告, A5): the centre's profile, services and activities, the
year's finance with the fund-use ratio findings, its audit and evaluation, and the charts."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from decimal import Decimal

from generator import model as m
from generator.compliance import RuleResult
from generator.figures import charts
from generator.figures import finance as fig
from generator.packs.library import Pack
from generator.print.consultation import catalogue_tables
from generator.print.contexts import AnnualReport, Chart, Row
from generator.print.evaluation import build_evaluation
from generator.print.finance_audit import (
    build_audit,
    expense_rows,
    income_rows,
    ratio_basis,
    ratio_lines,
)
from generator.print.frame import date_text
from generator.print.render import QR_FILE, PrintSource, qr_svg, render_body, render_layout
from generator.print.typeset import FontSet
from generator.text import formats as fmt
from generator.text.labels import BALANCE, EXPENSE_SHORT, EXPENSE_TOTAL, INCOME_TOTAL, QUARTER_NAMES

#: The sub-headings of the booklet's income and spending table.
INCOME_HEAD = "收入"
EXPENSE_HEAD = "支出"


def annual_date(centre: m.Centre, year: int, today: dt.date | None = None) -> dt.date | None:
    """The booklet's date: the latest publication date among the year's records, never
    after ``today`` (the day it is printed) when given."""
    dates = [q.published for q in centre.quarters if q.year == year and q.published]
    dates += [a.published for a in centre.audits if a.year == year and a.published]
    dates += [e.published for e in centre.evaluations if e.year == year and e.published]
    dates += [p.published for p in centre.plans if p.year == year and p.published]
    if not dates:
        return None
    return min(max(dates), today) if today is not None else max(dates)


def finance_rows(periods: Sequence[fig.FinancePeriod]) -> tuple[Row, ...]:
    """The year's income and spending as one table: a 收入 sub-heading, the sources (indented)
    and their subtotal, a 支出 sub-heading, the four categories and their subtotal, then the
    balance; one column per period."""
    if not periods:
        return ()
    blank = tuple("" for _ in periods)
    return (
        Row((INCOME_HEAD, *blank), strong=True),
        *(Row(r.cells, level=1) for r in income_rows(periods)),
        Row((INCOME_TOTAL, *(fmt.yuan(p.income_total) for p in periods)), level=1, strong=True),
        Row((EXPENSE_HEAD, *blank), strong=True),
        *(Row(r.cells, level=1) for r in expense_rows(periods, None)),
        Row(
            (EXPENSE_TOTAL, *(fmt.yuan(p.expenditure_total) for p in periods)),
            level=1,
            strong=True,
        ),
        Row((BALANCE, *(fmt.yuan(p.balance) for p in periods)), strong=True),
    )


def _table_label(pack: Pack | None, code: str, own_codes: set[str]) -> str:
    if code in own_codes:
        return "中心自设项目"
    table = pack.catalogue.table_of(code) if pack and pack.catalogue else None
    if table is None:
        return "其他"
    return (
        f"{table.table} {table.title}".strip()
        if table.table and table.table != table.title
        else table.title
    )


def build_annual(
    centre: m.Centre,
    pack: Pack | None,
    year: int,
    results: Sequence[RuleResult],
    *,
    url: str,
    today: dt.date | None = None,
) -> AnnualReport:
    """The annual report booklet: profile, services, activities, finance (with the fund-use
    ratio findings of ``results``), audit, evaluation; dated no later than ``today``."""
    c = centre
    profile = [
        Row(("中心名称", c.name)),
        Row(("地址", c.address)),
        Row(("所在社区", f"{c.district}{c.street}{c.community}（{c.community_type}）")),
        Row(("运营主体", c.operator.name)),
        Row(("统一社会信用代码", c.operator.credit_code)),
        Row(("服务购买方", c.contract.purchaser)),
        Row(("合同期限", f"{date_text(c.contract.start)}至{date_text(c.contract.end)}")),
        Row(("年度经费", f"{fmt.yuan(c.contract.annual_budget)}元")),
    ]
    for f in c.contract.funders:
        profile.append(Row((f"其中：{f.name}", f"{fmt.yuan(f.amount)}元")))
    profile += [
        Row(("可利用室内面积", f"{fmt.num(c.floor_area)}平方米")),
        Row(("联系电话", c.contact.phone)),
    ]
    if c.contact.email:
        profile.append(Row(("电子邮箱", c.contact.email)))
    if c.contact.feedback:
        profile.append(Row(("意见反馈", c.contact.feedback)))
    rooms = tuple(Row((r.name, f"{fmt.num(r.area)}", r.purpose)) for r in c.rooms)
    hours = tuple(
        Row((m.WEEKDAYS[d], fmt.sessions_text(c.opening_hours.weekly.get(d, ())))) for d in range(7)
    )
    sf = fig.staff_figures(c)
    staff = [
        Row(("全职工作人员", f"{sf.full_time}人")),
        Row(("兼职工作人员", f"{sf.part_time}人")),
        Row(("持有社会工作职业资格", f"{sf.certified}人")),
        Row(("已注册的专业社会工作者（全职）", f"{sf.registered_social_workers}人")),
    ]
    if sf.avg_training_hours is not None:
        staff.append(
            Row(("人均培训学时", f"{fmt.num(sf.avg_training_hours.quantize(Decimal('0.1')))}学时"))
        )
    volunteers = [
        Row(("登记在册志愿者", f"{c.volunteers.registered}人")),
        Row(("志愿服务时长", f"{fmt.num(c.volunteers.service_hours)}小时")),
    ]
    if c.volunteers.teams:
        volunteers.append(Row(("志愿者队伍", "、".join(c.volunteers.teams))))
    tables, _, _ = catalogue_tables(c, pack)
    services = tuple(
        Row((t.label, str(len(t.majors)), str(sum(len(mj.items) for mj in t.majors))))
        for t in tables
    )

    # activities
    keys = sorted(
        {p.key for p in c.plans if p.year == year}
        | {a.key for a in c.activity_months if a.year == year}
    )
    months, totals = [], [0, 0, 0, 0, 0]
    attendance_by_month = []
    for key in keys:
        ma = fig.month_activity(c, key)
        vals = [ma.planned, ma.held, ma.cancelled, ma.unplanned, ma.attendance]
        totals = [a + b for a, b in zip(totals, vals)]
        label = f"{int(key[5:])}月"
        months.append(Row((label, *(str(v) for v in vals))))
        attendance_by_month.append((label, Decimal(ma.attendance)))
    months_total = Row(("合计", *(str(v) for v in totals)), strong=True)
    vol = fig.service_volume(c, year)
    own_codes = {s.code for s in c.services.own}
    by_table: dict[str, list[int]] = {}
    for form, idx in (("个体", 0), ("群体", 1)):
        for code in sorted(vol[form]):
            label = _table_label(pack, code, own_codes)
            by_table.setdefault(label, [0, 0])[idx] += vol[form][code]
    # catalogue order first (表一, 表二 …), then the centre's own items, then the rest
    order = [
        _table_label(pack, t.code, set())
        for t in (pack.catalogue.tables if pack and pack.catalogue else ())
    ]
    rank = {label: i for i, label in enumerate(order)}
    labels = sorted(
        by_table, key=lambda lb: (rank.get(lb, len(order) + (lb != "中心自设项目")), lb)
    )
    volume = tuple(Row((lb, str(by_table[lb][0]), str(by_table[lb][1]))) for lb in labels)

    chart_list: list[Chart] = []
    activity_chart = None
    if attendance_by_month:
        activity_chart = Chart("chart-activities.svg", f"{year}年各月活动参与人次")
        chart_list.append(activity_chart)

    # finance
    qs = sorted((q for q in c.quarters if q.year == year), key=lambda q: q.quarter)
    periods = [fig.quarter_period(q) for q in qs]
    # the contract's year (or its year so far) as the finance figures count it
    periods += [p for p in fig.finance_periods(c, year) if p.kind != "quarter"][-1:]
    cols = tuple(
        QUARTER_NAMES[p.quarters[0]]
        if p.kind == "quarter"
        else ("全年" if p.kind == "year" else p.label.removeprefix(f"{year}年"))
        for p in periods
    )
    finance_chart = None
    if qs:
        finance_chart = Chart("chart-finance.svg", f"{year}年各季度支出构成（元）")
        chart_list.append(finance_chart)
    audit = next((a for a in c.audits if a.year == year), None)
    ev = next((e for e in c.evaluations if e.year == year), None)
    published = annual_date(c, year, today)
    return AnnualReport(
        centre_name=c.name,
        year=year,
        issuer=c.operator.name,
        date=published,
        date_text=date_text(published),
        url=url,
        qr_file=QR_FILE,
        phone=c.contact.phone,
        email=c.contact.email,
        feedback=c.contact.feedback,
        profile=tuple(profile),
        rooms=rooms,
        hours=hours,
        weekly_hours=fmt.hours_text(sum(fig.weekly_minutes(c.opening_hours).values())),
        staff=tuple(staff),
        volunteers=tuple(volunteers),
        services=services,
        own_services=tuple(Row((s.title, s.description or "")) for s in c.services.own),
        paid_services=tuple(
            Row((p.title, f"{fmt.yuan(p.price)}{p.unit}")) for p in c.services.paid
        ),
        months=tuple(months),
        months_total=months_total,
        volume=volume,
        activity_chart=activity_chart,
        quarter_columns=cols,
        finance=finance_rows(periods),
        ratios=ratio_lines(results, periods),
        ratio_basis=ratio_basis(results),
        finance_chart=finance_chart,
        audit=build_audit(c, pack, audit, results, url=url) if audit else None,
        evaluation=build_evaluation(c, pack, ev, url=url) if ev else None,
        charts=tuple(chart_list),
    )


def annual_chart_files(centre: m.Centre, report: AnnualReport, fonts: FontSet) -> dict[str, bytes]:
    """The SVG charts of an annual report, by file name."""
    files: dict[str, bytes] = {}
    if report.activity_chart:
        cats = [r.cells[0] for r in report.months]
        values = [Decimal(r.cells[5]) for r in report.months]
        files[report.activity_chart.file] = charts.bar_chart(
            cats,
            [("参与人次", values)],
            unit="人次",
            font_family=fonts.sans,
        ).encode("utf-8")
    if report.finance_chart:
        qs = sorted((q for q in centre.quarters if q.year == report.year), key=lambda q: q.quarter)
        cats = [QUARTER_NAMES[q.quarter] for q in qs]
        series = [
            (
                EXPENSE_SHORT[k],
                [q.expenditure[k].total if k in q.expenditure else fig.ZERO for q in qs],
            )
            for k in m.EXPENSE_CATEGORIES
        ]
        files[report.finance_chart.file] = charts.bar_chart(
            cats,
            series,
            unit="元",
            font_family=fonts.sans,
        ).encode("utf-8")
    return files


def render_annual(ctx: AnnualReport, centre: m.Centre, fonts: FontSet) -> PrintSource:
    """The annual report booklet (A5) from its context."""
    source = render_layout("annual", r=ctx, fonts=fonts, body=render_body("annual", ctx))
    files = {QR_FILE: qr_svg(ctx.url)} if ctx.url else {}
    files.update(annual_chart_files(centre, ctx, fonts))
    return PrintSource(source, files)
