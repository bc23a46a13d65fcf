"""A centre's finance pages (财务公开): the index of quarters and one page per quarter with its
income, spending, year to date, fund-use ratios and charts."""

from __future__ import annotations

from decimal import Decimal

from markupsafe import Markup

from generator import model as m
from generator.figures import finance as f
from generator.site import contexts as c
from generator.site import opendata
from generator.site.render import CentrePages, date_cn, rel
from generator.text import formats as fmt
from generator.text import verdicts
from generator.text.escape import svg_text
from generator.text.labels import EXPENSE_LABELS, INCOME_LABELS


def bar_chart_svg(chart_id: str, title: str, rows: list[tuple[str, Decimal]]) -> Markup:
    """A horizontal bar chart as inline SVG, with a <title> and a <desc> listing the values.

    Narrow on purpose (400 units wide, each label on its own line above its bar) so the text
    stays readable on a phone; the table next to it is the full text alternative.
    """
    esc = svg_text
    width, value_w, label_h, bar_h, gap = 400, 120, 24, 22, 14
    row_h = label_h + bar_h + gap
    height = len(rows) * row_h
    biggest = max((v for _, v in rows), default=Decimal(0))
    plot_w = width - value_w
    desc = "；".join(f"{label}：{fmt.yuan(v)} 元" for label, v in rows) or "无数据"
    parts = [
        (
            f'<svg class="gs-chart" viewBox="0 0 {width} {height}" width="100%" role="img" '
            f'aria-labelledby="{chart_id}-t {chart_id}-d" xmlns="http://www.w3.org/2000/svg">'
        ),
        f'<title id="{chart_id}-t">{esc(title)}</title>',
        f'<desc id="{chart_id}-d">{esc(desc)}</desc>',
    ]
    for i, (label, value) in enumerate(rows):
        y = i * row_h
        w = max(int(plot_w * value / biggest), 2) if biggest > 0 and value > 0 else 2
        parts.append(
            f'<text x="0" y="{y + 17}" class="gs-chart-label">{esc(label)}</text>'
            f'<rect x="0" y="{y + label_h}" width="{w}" height="{bar_h}" class="gs-bar gs-bar-{i % 6}"/>'
            f'<text x="{w + 8}" y="{y + label_h + 16}" class="gs-chart-value">{esc(fmt.yuan(value))}</text>'
        )
    parts.append("</svg>")
    return Markup("".join(parts))


def render_finance(p: CentrePages) -> None:
    """The finance index and every quarter's page; nothing when no quarter is recorded."""
    ce = p.centre
    if not ce.quarters:
        return
    index = p.at("finance-index")
    rows, links = [], []
    for q in reversed(ce.quarters):
        rows.append(
            c.Row(
                (
                    fmt.quarter_text(q.year, q.quarter),
                    fmt.yuan(q.income_total),
                    fmt.yuan(q.expenditure_total),
                    date_cn(q.published),
                )
            )
        )
        links.append(
            c.Link(
                f"{fmt.quarter_text(q.year, q.quarter)}财务信息",
                rel(index, p.at("finance", q.key)),
            )
        )
        render_quarter(p, q)
    p.render(
        "finance_index.md.j2",
        index,
        c.FinanceIndexPage(p.header(index), tuple(rows), tuple(links)),
    )


def render_quarter(p: CentrePages, q: m.Quarter) -> None:
    ce, page = p.centre, p.at("finance", q.key)
    period = f.quarter_period(q)
    income = [(INCOME_LABELS.get(k, k), v) for k, v in q.income.items()]
    spending = [(EXPENSE_LABELS.get(k, k), cat.total) for k, cat in q.expenditure.items()]
    lines = []
    for k, cat in q.expenditure.items():
        for it in cat.items:
            lines.append(c.Row((EXPENSE_LABELS.get(k, k), it.item, fmt.yuan(it.amount))))
    ytd = [
        y
        for y in f.finance_periods(ce, q.year)
        if y.kind != "quarter" and y.quarters and y.quarters[-1] == q.quarter
    ]
    results = p.results or ()
    totals = tuple(
        c.Row(
            (
                EXPENSE_LABELS.get(k, k),
                fmt.yuan(cat.total),
                verdicts.share_shown(results, [k], period.label)
                or fmt.percent(f.ratio(cat.total, q.expenditure_total)),
            )
        )
        for k, cat in q.expenditure.items()
    )
    ratios = [
        c.RatioCheck(
            title=v.title,
            period=v.period,
            value=v.value,
            limit=v.limit,
            result=v.result,
            citation=v.citation,
        )
        for v in verdicts.ratio_verdicts(results, [y.label for y in [period, *ytd]])
    ]
    ctx = c.FinancePage(
        header=p.header(page),
        key=q.key,
        title=f"{fmt.quarter_text(q.year, q.quarter)}财务信息",
        published=date_cn(q.published),
        corrections=p.marks(page, "finance", q.key),
        income=tuple(c.Row((label, fmt.yuan(v))) for label, v in income),
        income_total=fmt.yuan(q.income_total),
        expenditure=tuple(lines),
        category_totals=totals,
        expenditure_total=fmt.yuan(q.expenditure_total),
        balance=fmt.yuan(period.balance),
        year_to_date=tuple(
            c.Row(
                (
                    y.label,
                    fmt.yuan(y.income_total),
                    fmt.yuan(y.expenditure_total),
                    fmt.yuan(y.balance),
                )
            )
            for y in ytd
        ),
        ratios=tuple(ratios),
        fixed_assets=tuple(
            c.Row((a.name, date_cn(a.date), fmt.yuan(a.amount))) for a in q.fixed_assets
        ),
        notes=q.notes,
        income_chart=bar_chart_svg(
            "income", f"{period.label}收入来源（元）", [(k, v) for k, v in income if v]
        ),
        spending_chart=bar_chart_svg("spending", f"{period.label}支出类别（元）", spending),
        pdf=p.pdf(page, "finance", q.key),
        data=p.data_links(
            page,
            ("本季度财务（JSON）", p.data("finance", q.key)),
            ("全部季度财务（CSV）", p.data("finance-table")),
        ),
    )
    p.render("finance.md.j2", page, ctx)
    p.out.file(p.data("finance", q.key), opendata.quarter_json(ce, q))
