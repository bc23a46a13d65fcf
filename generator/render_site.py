"""Render the website's Markdown and open-data files from the model and figures (no file I/O).

``render_site`` returns a ``SiteSources``: every page as Markdown text keyed by its path in
the docs folder, every open-data file as bytes, and the attachments to copy (the signed audit
reports). ``build`` writes them and runs mkdocs. Templates live in
``site_templates/site/pages/``; each gets one context dataclass from ``contexts``.

Escaping: the Jinja2 environment escapes every printed value with ``md_escape`` unless it is
``Markup`` (text made by gongshi: links between pages, SVG, JSON-LD). So record text is data,
never markup, even when a template forgets a filter.
"""

from __future__ import annotations

import calendar
import datetime as dt
import html
import json
import posixpath
import re
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any, Callable, Iterable

from jinja2 import Environment, FileSystemLoader, StrictUndefined
from markupsafe import Markup

from generator import contexts as c
from generator import figures as f
from generator import model as m
from generator import opendata
from generator.escape import md_escape
from generator.packs import Pack
from generator.validate import Validated

ROOT = Path(__file__).resolve().parent.parent
TEMPLATES = ROOT / "site_templates" / "site"

KIND_LABELS = {
    "hours": "开放时间",
    "plan": "月度活动计划",
    "finance": "季度财务信息",
    "audit": "年度审计报告",
    "evaluation": "评估结果",
}
OPS = {">=": ("不低于", lambda a, b: a >= b), "<=": ("不超过", lambda a, b: a <= b),
       ">": ("高于", lambda a, b: a > b), "<": ("低于", lambda a, b: a < b)}
CHINESE_DIGITS = "〇一二三四五六七八九十"


@dataclass(frozen=True)
class SiteSources:
    """Everything the docs folder will hold, gathered before anything is written."""

    pages: dict[str, str]  # docs path → Markdown
    files: dict[str, bytes]  # docs path → bytes (open data)
    copies: dict[str, Path]  # docs path → attachment to copy
    words: tuple[str, ...]  # names and titles for the search word list (jieba user dictionary)


@dataclass
class _Out:
    """Collects outputs and refuses a path given twice (two things wanting one file)."""

    pages: dict[str, str] = field(default_factory=dict)
    files: dict[str, bytes] = field(default_factory=dict)
    copies: dict[str, Path] = field(default_factory=dict)

    def _claim(self, path: str) -> None:
        if path in self.pages or path in self.files or path in self.copies:
            raise ValueError(f"two outputs want the same path: {path}")

    def page(self, path: str, text: str) -> None:
        self._claim(path)
        self.pages[path] = text

    def file(self, path: str, data: bytes) -> None:
        self._claim(path)
        self.files[path] = data

    def copy(self, path: str, source: Path) -> None:
        self._claim(path)
        self.copies[path] = source


# ---------------------------------------------------------------- helpers


def _finalize(value: Any) -> Any:
    """Escape every printed value for Markdown unless gongshi made it (Markup)."""
    if isinstance(value, Markup):
        return value
    if value is None:
        return ""
    return md_escape(value)


def make_env(templates: Path = TEMPLATES / "pages") -> Environment:
    """The Jinja2 environment of the site pages: StrictUndefined, Markdown escaping."""
    env = Environment(
        loader=FileSystemLoader(str(templates)),
        undefined=StrictUndefined,
        finalize=_finalize,
        autoescape=False,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["md"] = lambda v: Markup(md_escape(v))
    env.filters["cell"] = lambda v: Markup(md_escape(v) or "—")
    env.filters["date"] = date_cn
    return env


def rel(page: str, target: str) -> Markup:
    """Relative link from a docs page to another docs path (mkdocs rewrites .md links)."""
    start = posixpath.dirname(page) or "."
    return Markup(posixpath.relpath(target, start))


def date_cn(d: dt.date | None) -> str:
    """2026-03-05 → 2026年3月5日; None → 未公布."""
    if d is None:
        return "未公布"
    return f"{d.year}年{d.month}月{d.day}日"


def weekday_cn(d: dt.date) -> str:
    return m.WEEKDAYS[d.weekday()]


def month_cn(key: str) -> str:
    year, month = key.split("-")
    return f"{year}年{int(month)}月"


def quarter_cn(year: int, quarter: int) -> str:
    return f"{year}年{f.QUARTER_NAMES[quarter]}"


def hours_text(minutes: int) -> str:
    h, mm = divmod(minutes, 60)
    return f"{h}小时" + (f"{mm}分" if mm else "") if minutes else "—"


def sessions_text(sessions: Iterable[m.Session]) -> str:
    return "、".join(str(s) for s in sessions) or "不开放"


def _num(value: Decimal) -> str:
    """A plain decimal without trailing zeros: 450.50 → 450.5, 80 → 80."""
    s = format(value.normalize(), "f")
    return s


def _limit_percent(value: Decimal) -> str:
    return f"{_num(value * 100)}%"


# ---------------------------------------------------------------- disclosures and due dates


def _rules(pack: Pack | None, check: str, **match: str) -> list:
    if pack is None:
        return []
    return [r for r in pack.by_check(check) if all(r.params.get(k) == v for k, v in match.items())]


def plan_due(pack: Pack | None, year: int, month: int) -> dt.date | None:
    """Last day to publish a month's plan, from the pack's plan-published rule."""
    rules = _rules(pack, "plan-published")
    if not rules:
        return None
    days = int(str(rules[0].params.get("days_before_month", "0")))
    return dt.date(year, month, 1) - dt.timedelta(days=days)


def quarter_due(pack: Pack | None, year: int, quarter: int) -> dt.date | None:
    rules = _rules(pack, "disclosure-deadline", disclosure="quarterly-finance")
    if not rules or "days_after_period" not in rules[0].params:
        return None
    m_end = 3 * quarter
    end = dt.date(year + (m_end == 12), m_end % 12 + 1, 1) - dt.timedelta(days=1)
    return end + dt.timedelta(days=int(str(rules[0].params["days_after_period"])))


def audit_due(pack: Pack | None, year: int) -> dt.date | None:
    rules = _rules(pack, "disclosure-deadline", disclosure="annual-audit")
    if not rules or "due_month_day" not in rules[0].params:
        return None
    mm, dd = (int(x) for x in str(rules[0].params["due_month_day"]).split("-"))
    return dt.date(year + 1, mm, dd)


def due_basis(packs: Iterable[Pack]) -> str:
    """The clauses the overdue list is computed from, for the home page."""
    cites = []
    for pack in packs:
        for r in _rules(pack, "plan-published") + _rules(pack, "disclosure-deadline"):
            if r.params.get("disclosure") in (None, "quarterly-finance", "annual-audit"):
                if r.citation not in cites:
                    cites.append(r.citation)
    return "、".join(cites)


def _state(published: dt.date | None, due: dt.date | None, today: dt.date) -> str:
    if published is not None and published <= today:
        return "逾期公布" if due is not None and published > due else "已公布"
    if due is not None and today > due:
        return "逾期未公布"
    return "未到期"


def _months(start: dt.date, end: dt.date) -> Iterable[tuple[int, int]]:
    y, mo = start.year, start.month
    while (y, mo) <= (end.year, end.month):
        yield y, mo
        y, mo = y + (mo == 12), mo % 12 + 1


@dataclass(frozen=True)
class _Item:
    """A disclosure of a centre before it gets hrefs relative to a page."""

    kind: str
    period: str
    title: str
    published: dt.date | None
    due: dt.date | None
    state: str
    page: str | None  # docs path of its page; None when the record is missing
    sort: dt.date


def centre_disclosures(centre: m.Centre, pack: Pack | None, today: dt.date) -> list[_Item]:
    """Every disclosure of a centre, with records missing past their deadline.

    Expected periods run from the contract start or the first record of that kind,
    whichever is later, to today: earlier periods are outside what gongshi holds.
    """
    base = f"centres/{centre.id}"
    out: list[_Item] = []
    for p in centre.plans:
        due = plan_due(pack, p.year, p.month)
        out.append(_Item("plan", p.key, f"{month_cn(p.key)}活动计划", p.published, due,
                         _state(p.published, due, today), f"{base}/plans/{p.key}.md",
                         p.published or dt.date(p.year, p.month, 1)))
    for q in centre.quarters:
        due = quarter_due(pack, q.year, q.quarter)
        out.append(_Item("finance", q.key, f"{quarter_cn(q.year, q.quarter)}财务信息", q.published, due,
                         _state(q.published, due, today), f"{base}/finance/{q.key}.md",
                         q.published or q.period_end))
    for a in centre.audits:
        due = audit_due(pack, a.year)
        out.append(_Item("audit", str(a.year), f"{a.year}年度审计报告", a.published, due,
                         _state(a.published, due, today), f"{base}/audit/{a.year}.md",
                         a.published or a.date))
    for e in centre.evaluations:
        out.append(_Item("evaluation", str(e.year), f"{e.year}年度评估结果", e.published, None,
                         _state(e.published, None, today), f"{base}/evaluation/{e.year}.md",
                         e.published or e.date))
    start = centre.contract.start
    end = min(today, centre.contract.end)
    have_plans = {p.key for p in centre.plans}
    if centre.plans and plan_due(pack, start.year, start.month) is not None:
        first = min(dt.date(p.year, p.month, 1) for p in centre.plans)
        last = end + dt.timedelta(days=40)  # next month's plan may already be due
        for y, mo in _months(max(start, first), last):
            key = f"{y:04d}-{mo:02d}"
            due = plan_due(pack, y, mo)
            if key not in have_plans and due is not None and due < today and dt.date(y, mo, 1) <= centre.contract.end:
                out.append(_Item("plan", key, f"{month_cn(key)}活动计划", None, due, "逾期未公布", None, due))
    have_q = {(q.year, q.quarter) for q in centre.quarters}
    if centre.quarters and quarter_due(pack, start.year, 1) is not None:
        first_q = min((q.year, q.quarter) for q in centre.quarters)
        first_q = max(first_q, (start.year, (start.month - 1) // 3 + 1))
        y, qq = first_q
        while (y, qq) <= (end.year, (end.month - 1) // 3 + 1):
            due = quarter_due(pack, y, qq)
            if (y, qq) not in have_q and due is not None and due < today:
                key = f"{y:04d}-Q{qq}"
                out.append(_Item("finance", key, f"{quarter_cn(y, qq)}财务信息", None, due, "逾期未公布", None, due))
            y, qq = y + (qq == 4), qq % 4 + 1
    have_a = {a.year for a in centre.audits}
    if centre.audits and audit_due(pack, start.year) is not None:
        for y in range(max(start.year, min(have_a)), end.year + 1):
            due = audit_due(pack, y)
            if y not in have_a and due is not None and due < today:
                out.append(_Item("audit", str(y), f"{y}年度审计报告", None, due, "逾期未公布", None, due))
    return sorted(out, key=lambda i: (i.sort, i.kind, i.period), reverse=True)


def _disclosure(centre: m.Centre, item: _Item, page: str) -> c.Disclosure:
    return c.Disclosure(
        centre_id=centre.id,
        centre_name=centre.name,
        kind=item.kind,
        kind_label=KIND_LABELS[item.kind],
        period=item.period,
        title=item.title,
        published=item.published,
        due=item.due,
        state=item.state,
        href=rel(page, item.page) if item.page else Markup(""),
    )


# ---------------------------------------------------------------- charts


def bar_chart_svg(chart_id: str, title: str, rows: list[tuple[str, Decimal]]) -> Markup:
    """A horizontal bar chart as inline SVG, with a <title> and a <desc> listing the values."""
    esc = html.escape
    width, label_w, value_w, bar_h, gap = 640, 190, 130, 28, 14
    top = 10
    height = top + len(rows) * (bar_h + gap) + 4
    biggest = max((v for _, v in rows), default=Decimal(0))
    plot_w = width - label_w - value_w - 10
    desc = "；".join(f"{label}：{f.yuan(v)} 元" for label, v in rows) or "无数据"
    parts = [
        f'<svg class="gs-chart" viewBox="0 0 {width} {height}" width="100%" role="img" '
        f'aria-labelledby="{chart_id}-t {chart_id}-d" xmlns="http://www.w3.org/2000/svg">',
        f'<title id="{chart_id}-t">{esc(title)}</title>',
        f'<desc id="{chart_id}-d">{esc(desc)}</desc>',
    ]
    for i, (label, value) in enumerate(rows):
        y = top + i * (bar_h + gap)
        w = int(plot_w * value / biggest) if biggest > 0 and value > 0 else 0
        parts.append(
            f'<text x="{label_w - 8}" y="{y + bar_h * 0.7:.0f}" text-anchor="end" class="gs-chart-label">'
            f"{esc(label)}</text>"
            f'<rect x="{label_w}" y="{y}" width="{max(w, 1)}" height="{bar_h}" class="gs-bar gs-bar-{i % 6}"/>'
            f'<text x="{label_w + max(w, 1) + 8}" y="{y + bar_h * 0.7:.0f}" class="gs-chart-value">'
            f"{esc(f.yuan(value))}</text>"
        )
    parts.append("</svg>")
    return Markup("".join(parts))


# ---------------------------------------------------------------- the pages of a centre


class CentreRenderer:
    """Render every page and data file of one centre."""

    def __init__(self, env: Environment, centre: m.Centre, pack: Pack | None, root: Path,
                 today: dt.date, pdf_paths: frozenset[str], site_url: str | None,
                 disclosures: list[_Item], out: _Out) -> None:
        self.env, self.centre, self.pack, self.root = env, centre, pack, root
        self.today, self.pdf_paths, self.site_url = today, pdf_paths, site_url
        self.disclosures, self.out = disclosures, out
        self.base = f"centres/{centre.id}"
        self.data = f"data/{centre.id}"

    # ------------------------------------------------------------ shared bits

    def render(self, template: str, page: str, ctx: object) -> None:
        self.out.page(page, self.env.get_template(template).render(page=ctx))

    def header(self, page: str) -> c.CentreHeader:
        b = self.base
        menu = [("概况", f"{b}/index.md"), ("开放时间", f"{b}/hours.md"),
                ("活动计划", f"{b}/plans/index.md")]
        if self.centre.quarters:
            menu.append(("财务公开", f"{b}/finance/index.md"))
        menu.extend((f"{a.year}年度审计", f"{b}/audit/{a.year}.md") for a in self.centre.audits[-1:])
        menu.extend((f"{e.year}年度评估", f"{b}/evaluation/{e.year}.md") for e in self.centre.evaluations[-1:])
        menu.append(("制度汇编", f"{b}/manuals.md"))
        menu.append(("公示档案", f"{b}/archive.md"))
        return c.CentreHeader(
            id=self.centre.id, name=self.centre.name, district=self.centre.district,
            street=self.centre.street,
            menu=tuple(c.Link(text, rel(page, target)) for text, target in menu if target != page),
        )

    def pdf(self, page: str, kind: str, period: str | None, text: str) -> c.Link | None:
        try:
            from generator.printing import pdf_file
        except ModuleNotFoundError as exc:
            if exc.name != "generator.printing":
                raise
            return None
        path = f"print/{self.centre.id}/{pdf_file(kind, period)}"
        if path not in self.pdf_paths:
            return None
        return c.Link(text, rel(page, path))

    def data_links(self, page: str, *items: tuple[str, str]) -> tuple[c.Link, ...]:
        return tuple(c.Link(text, rel(page, path)) for text, path in items)

    # ------------------------------------------------------------ pages

    def render_all(self) -> None:
        self.profile()
        self.hours()
        self.plans()
        self.finance()
        for audit in self.centre.audits:
            self.audit(audit)
        for ev in self.centre.evaluations:
            self.evaluation(ev)
        self.manuals()
        self.archive()

    def profile(self) -> None:
        ce, page = self.centre, f"{self.base}/index.md"
        contact = ce.contact
        contacts = [("联系电话", contact.phone)]
        for label, value in (("电子邮箱", contact.email), ("微信公众号", contact.wechat),
                             ("网站", contact.website)):
            if value:
                contacts.append((label, value))
        op = ce.operator
        op_rows = [(lbl, v) for lbl, v in (("机构电话", op.phone), ("机构地址", op.address)) if v]
        ct = ce.contract
        contract = [("购买方", ct.purchaser), ("服务期限", f"{date_cn(ct.start)}至{date_cn(ct.end)}"),
                    ("年度经费", f"{f.yuan(ct.annual_budget)} 元")]
        if ct.number:
            contract.insert(0, ("合同编号", ct.number))
        sf = f.staff_figures(ce)
        staff = [("全职工作人员", f"{sf.full_time} 人"), ("兼职工作人员", f"{sf.part_time} 人")]
        staff += [(f"其中{q}", f"{n} 人") for q, n in sf.by_qualification.items() if q != "无" and n]
        staff.append(("已注册的专业社会工作者（全职）", f"{sf.registered_social_workers} 人"))
        staff.append(("中心负责人是否持社工职业资格", "是" if sf.head_is_social_worker else "否"))
        vol = ce.volunteers
        volunteers = [("登记志愿者", f"{vol.registered} 人"),
                      ("年度志愿服务时长", f"{_num(vol.service_hours)} 小时")]
        if vol.teams:
            volunteers.append(("志愿服务队", "、".join(vol.teams)))
        rooms = [(r.name, f"{_num(r.area)} 平方米", r.purpose, "是" if r.accessible else "否")
                 for r in ce.rooms]
        catalogue = self.pack.catalogue if self.pack else None
        groups: dict[str, dict[str, list[str]]] = {}
        for code in ce.services.catalogue:
            found = catalogue.lookup(code) if catalogue else None
            if found is None:
                groups.setdefault("其他服务", {}).setdefault(code, [])
                continue
            table, major, item = found
            ttitle = " ".join(x for x in (table.table, table.title) if x) or table.code
            mtitle = major.title if major else table.title
            titles = groups.setdefault(ttitle, {}).setdefault(mtitle, [])
            if item is not None:
                titles.append(item.title)
        services = tuple(
            c.ServiceGroup(t, tuple((mt, tuple(items)) for mt, items in majors.items()))
            for t, majors in groups.items()
        )
        own = tuple(c.Row((s.title, s.description or "")) for s in ce.services.own)
        paid = tuple(
            c.Row((p.title, f"{f.yuan(p.price)} {p.unit}", p.filed_with or "未备案",
                   date_cn(p.filed_on) if p.filed_on else "—"))
            for p in ce.services.paid
        )
        ctx = c.ProfilePage(
            header=self.header(page), address=ce.address, community=ce.community,
            community_type=ce.community_type,
            contacts=tuple(c.Row(r) for r in contacts), feedback=contact.feedback,
            operator_name=op.name, operator_credit_code=op.credit_code,
            operator_contacts=tuple(c.Row(r) for r in op_rows),
            contract=tuple(c.Row(r) for r in contract),
            funders=tuple(c.Row((fu.name, f"{f.yuan(fu.amount)} 元")) for fu in ct.funders),
            floor_area=f"{_num(ce.floor_area)} 平方米",
            rooms=tuple(c.Row(r) for r in rooms),
            staff=tuple(c.Row(r) for r in staff),
            volunteers=tuple(c.Row(r) for r in volunteers),
            services=services, own_services=own, paid_services=paid,
            pack_name=self.pack.name if self.pack else ce.rule_pack,
            json_ld=opendata.json_ld_script(ce, self.site_url),
            data=self.data_links(page, ("中心信息（JSON）", f"{self.data}/centre.json"),
                                 ("活动日历（iCalendar）", f"{self.data}/calendar.ics")),
        )
        self.render("profile.md.j2", page, ctx)
        self.out.file(f"{self.data}/centre.json", opendata.centre_json(ce, self.pack))
        self.out.file(f"{self.data}/calendar.ics", opendata.centre_ics(ce, self.today, self.site_url))

    def hours(self) -> None:
        ce, page, today = self.centre, f"{self.base}/hours.md", self.today
        hours = ce.opening_hours
        week = []
        minutes = f.weekly_minutes(hours)
        for d in range(7):
            week.append(c.Row((m.WEEKDAYS[d], sessions_text(hours.weekly.get(d, ())),
                               hours_text(minutes[d]))))
        upcoming = []
        for e in f.upcoming_exceptions(hours, today):
            span = date_cn(e.start) if e.start == e.end else f"{date_cn(e.start)}至{date_cn(e.end)}"
            change = "闭馆" if e.closed else f"开放 {sessions_text(e.sessions)}"
            upcoming.append(c.Row((span, change, e.reason)))
        ctx = c.HoursPage(
            header=self.header(page), today=today,
            today_label=f"{date_cn(today)}（{weekday_cn(today)}）",
            today_status=today_status(hours, today),
            week=tuple(week), weekly_hours=hours_text(sum(minutes.values())),
            upcoming=tuple(upcoming),
            pdf=self.pdf(page, "hours", None, "开放时间公示（打印版 PDF）"),
            data=self.data_links(page, ("开放时间（JSON）", f"{self.data}/hours.json")),
        )
        self.render("hours.md.j2", page, ctx)
        self.out.file(f"{self.data}/hours.json", opendata.hours_json(ce, today))

    def plans(self) -> None:
        ce, index = self.centre, f"{self.base}/plans/index.md"
        rows, links = [], []
        for p in reversed(ce.plans):
            ma = f.month_activity(ce, p.key)
            has = any(a.key == p.key for a in ce.activity_months)
            rows.append(c.Row((month_cn(p.key), str(ma.planned), str(ma.held) if has else "—",
                               date_cn(p.published))))
            links.append(c.Link(f"{month_cn(p.key)}活动计划", rel(index, f"{self.base}/plans/{p.key}.md")))
            self.plan(p)
        ctx = c.PlansIndexPage(header=self.header(index), months=tuple(rows), links=tuple(links),
                               calendar=c.Link("订阅活动日历（iCalendar）", rel(index, f"{self.data}/calendar.ics")))
        self.render("plans_index.md.j2", index, ctx)

    def plan(self, p: m.Plan) -> None:
        ce, page = self.centre, f"{self.base}/plans/{p.key}.md"
        month = next((a for a in ce.activity_months if a.key == p.key), None)
        records = {r.plan: r for r in (month.records if month else ()) if r.plan}
        by_day: dict[int, list[str]] = {}
        acts = []
        for a in sorted(p.activities, key=lambda a: (a.date, a.start, a.id)):
            by_day.setdefault(a.date.day, []).append(a.title)
            r = records.get(a.id)
            if r is not None:
                status = r.status + (f"（{r.reason}）" if r.reason else "")
                if r.status == "已延期" and r.date:
                    status += f"，改至{date_cn(r.date)}"
                attendance = f"{r.attendance} 人次" if r.status == "已举办" else "—"
            else:
                status = "待举办" if a.date >= self.today else "未记录"
                attendance = "—"
            fee = "免费" if a.price == 0 else f"{f.yuan(a.price)} 元"
            service = self.service_title(a.service)
            acts.append(c.PlanActivity(
                date=date_cn(a.date), weekday=weekday_cn(a.date),
                time=f"{a.start:%H:%M}-{a.end:%H:%M}", title=a.title, room=a.room,
                service=service, target=a.target, capacity=f"{a.capacity} 人", signup=a.signup,
                fee=fee, status=status, attendance=attendance,
            ))
        weeks = tuple(
            tuple(c.CalendarDay(d, tuple(by_day.get(d, ())) if d else ()) for d in week)
            for week in calendar.Calendar(firstweekday=0).monthdayscalendar(p.year, p.month)
        )
        unplanned = tuple(
            c.Row((date_cn(r.date) if r.date else "—", r.title or "", f"{r.attendance} 人次"))
            for r in (month.records if month else ()) if r.plan is None
        )
        ma = f.month_activity(ce, p.key)
        summary = [("计划活动", f"{ma.planned} 场")]
        if month is not None:
            summary += [("已举办（含计划外）", f"{ma.held} 场"), ("已取消", f"{ma.cancelled} 场"),
                        ("已延期", f"{ma.postponed} 场"), ("计划外举办", f"{ma.unplanned} 场"),
                        ("主题活动", f"{ma.themed_held} 场"), ("参与", f"{ma.attendance} 人次")]
        ctx = c.PlanPage(
            header=self.header(page), key=p.key, title=f"{month_cn(p.key)}活动计划",
            published=date_cn(p.published), weeks=weeks, activities=tuple(acts),
            unplanned=unplanned, summary=tuple(c.Row(r) for r in summary),
            has_records=month is not None,
            pdf=self.pdf(page, "plan", p.key, "活动计划公示（打印版 PDF）"),
            data=self.data_links(page, ("本月计划与记录（JSON）", f"{self.data}/plans/{p.key}.json"),
                                 ("全部活动（CSV）", f"{self.data}/activities.csv")),
        )
        self.render("plan.md.j2", page, ctx)
        self.out.file(f"{self.data}/plans/{p.key}.json", opendata.plan_json(ce, p, month))

    def service_title(self, code: str) -> str:
        own = next((s for s in self.centre.services.own if s.code == code), None)
        if own:
            return own.title
        cat = self.pack.catalogue if self.pack else None
        found = cat.lookup(code) if cat else None
        if found:
            table, major, item = found
            return (item or major or table).title
        return code

    def finance(self) -> None:
        ce = self.centre
        if not ce.quarters:
            return
        index = f"{self.base}/finance/index.md"
        rows, links = [], []
        for q in reversed(ce.quarters):
            rows.append(c.Row((quarter_cn(q.year, q.quarter), f.yuan(q.income_total),
                               f.yuan(q.expenditure_total), date_cn(q.published))))
            links.append(c.Link(f"{quarter_cn(q.year, q.quarter)}财务信息",
                                rel(index, f"{self.base}/finance/{q.key}.md")))
            self.quarter(q)
        self.render("finance_index.md.j2", index,
                    c.FinanceIndexPage(self.header(index), tuple(rows), tuple(links)))

    def quarter(self, q: m.Quarter) -> None:
        ce, page = self.centre, f"{self.base}/finance/{q.key}.md"
        period = f.quarter_period(q)
        income = [(f.INCOME_LABELS.get(k, k), v) for k, v in q.income.items()]
        spending = [(f.EXPENSE_LABELS.get(k, k), cat.total) for k, cat in q.expenditure.items()]
        lines = []
        for k, cat in q.expenditure.items():
            for it in cat.items:
                lines.append(c.Row((f.EXPENSE_LABELS.get(k, k), it.item, f.yuan(it.amount))))
        totals = tuple(
            c.Row((label, f.yuan(v), f.percent(f.ratio(v, q.expenditure_total)))) for label, v in spending
        )
        periods = [period]
        ytd = [p for p in f.finance_periods(ce, q.year)
               if p.kind != "quarter" and p.quarters and p.quarters[-1] == q.quarter]
        periods += ytd
        ratios = []
        for rule in (self.pack.by_check("fund-ratio") if self.pack else []):
            if rule.params.get("base") != "government-project":
                continue
            allowed = rule.params.get("periods") or ["quarter", "year-to-date", "year"]
            op_word, op_fn = OPS.get(str(rule.params.get("op")), ("", None))
            for per in periods:
                if per.kind not in allowed or op_fn is None:
                    continue
                value = per.share(rule.params.get("numerator") or [])
                if value is None:
                    result = "无法计算"
                else:
                    result = "符合" if op_fn(value, rule.threshold) else "不符合"
                ratios.append(c.RatioCheck(
                    title=str(rule.params.get("title") or rule.id), period=per.label,
                    value=f.percent(value), limit=f"{op_word} {_limit_percent(rule.threshold)}",
                    result=result, citation=rule.citation,
                ))
        ctx = c.FinancePage(
            header=self.header(page), key=q.key, title=f"{quarter_cn(q.year, q.quarter)}财务信息",
            published=date_cn(q.published),
            income=tuple(c.Row((label, f.yuan(v))) for label, v in income),
            income_total=f.yuan(q.income_total),
            expenditure=tuple(lines), category_totals=totals,
            expenditure_total=f.yuan(q.expenditure_total),
            balance=f.yuan(period.balance),
            year_to_date=tuple(c.Row((p.label, f.yuan(p.income_total), f.yuan(p.expenditure_total),
                                      f.yuan(p.balance))) for p in ytd),
            ratios=tuple(ratios),
            fixed_assets=tuple(c.Row((a.name, date_cn(a.date), f.yuan(a.amount))) for a in q.fixed_assets),
            notes=q.notes,
            income_chart=bar_chart_svg("income", f"{period.label}收入来源（元）", income),
            spending_chart=bar_chart_svg("spending", f"{period.label}支出类别（元）", spending),
            pdf=self.pdf(page, "finance", q.key, "财务信息公示（打印版 PDF）"),
            data=self.data_links(page, ("本季度财务（JSON）", f"{self.data}/finance/{q.key}.json"),
                                 ("全部季度财务（CSV）", f"{self.data}/finance.csv")),
        )
        self.render("finance.md.j2", page, ctx)
        self.out.file(f"{self.data}/finance/{q.key}.json", opendata.quarter_json(ce, q))

    def audit(self, a: m.Audit) -> None:
        ce, page = self.centre, f"{self.base}/audit/{a.year}.md"
        report = None
        if a.report_pdf:
            target = f"{self.base}/audit/{a.year}-signed-report.pdf"
            folder = self.root / Path(ce.src.file).parent
            self.out.copy(target, folder / a.report_pdf)
            report = c.Link(f"{a.year}年度审计报告（签章版 PDF）", rel(page, target))
        figures_rows = [("审计收入", a.income), ("审计支出", a.expenditure),
                        ("机构管理费", a.management_fee), ("结余", a.surplus)]
        ctx = c.AuditPage(
            header=self.header(page), year=a.year, title=f"{a.year}年度审计报告",
            firm=a.firm, report_number=a.report_number, date=date_cn(a.date),
            published=date_cn(a.published), opinion=a.opinion,
            figures=tuple(c.Row((k, f"{f.yuan(v)} 元")) for k, v in figures_rows),
            findings=a.findings, report=report,
            pdf=self.pdf(page, "audit", str(a.year), "审计结果公示（打印版 PDF）"),
            data=self.data_links(page, ("审计结果（JSON）", f"{self.data}/audits/{a.year}.json")),
        )
        self.render("audit.md.j2", page, ctx)
        self.out.file(f"{self.data}/audits/{a.year}.json", opendata.audit_json(ce, a))

    def evaluation(self, ev: m.Evaluation) -> None:
        ce, page = self.centre, f"{self.base}/evaluation/{ev.year}.md"
        rows = []
        if ev.score is not None:
            rows.append(("评估得分", _num(ev.score)))
        if ev.grade:
            rows.append(("评估等级", ev.grade))
        if ev.previous_grade:
            rows.append(("上一年度等级", ev.previous_grade))
        sat = ev.satisfaction
        rows.append(("居民满意度", f"{f.percent(f.satisfaction_rate(ev))}（调查 {sat.sample} 人，满意 {sat.satisfied} 人）"))
        compliance, note = compliance_items(ce, self.pack, self.today, ev.year)
        ctx = c.EvaluationPage(
            header=self.header(page), year=ev.year, title=f"{ev.year}年度评估结果",
            evaluator=ev.evaluator, date=date_cn(ev.date), published=date_cn(ev.published),
            figures=tuple(c.Row(r) for r in rows),
            entries=tuple(c.Row((e.item, _num(e.points), e.note or "")) for e in ev.entries),
            summary=ev.summary, compliance=compliance, compliance_note=note,
            pdf=self.pdf(page, "evaluation", str(ev.year), "评估结果公示（打印版 PDF）"),
            data=self.data_links(page, ("评估结果（JSON）", f"{self.data}/evaluations/{ev.year}.json")),
        )
        self.render("evaluation.md.j2", page, ctx)
        self.out.file(f"{self.data}/evaluations/{ev.year}.json", opendata.evaluation_json(ce, ev))

    def manuals(self) -> None:
        page = f"{self.base}/manuals.md"
        sections: list[c.ManualSection] = []
        available = False
        try:
            from generator.manuals import render_manuals
        except ModuleNotFoundError as exc:
            if exc.name != "generator.manuals":
                raise
        else:
            if self.pack is not None:
                available = True
                for man in render_manuals(self.centre, self.pack):
                    sections.append(c.ManualSection(
                        title=man.title, citations=tuple(man.citations),
                        body=Markup(_demote_headings(man.markdown)),
                        own_articles=tuple(a.title for a in man.articles if getattr(a, "own", False)),
                    ))
        ctx = c.ManualsPage(header=self.header(page), manuals=tuple(sections), available=available,
                            pdf=self.pdf(page, "manuals", None, "制度汇编（打印版 PDF）"))
        self.render("manuals.md.j2", page, ctx)

    def archive(self) -> None:
        page = f"{self.base}/archive.md"
        items = tuple(_disclosure(self.centre, i, page) for i in self.disclosures if i.page)
        overdue = tuple(_disclosure(self.centre, i, page) for i in self.disclosures
                        if i.state == "逾期未公布")
        ctx = c.ArchivePage(header=self.header(page), items=items, overdue=overdue,
                            feed=c.Link("订阅公示更新（Atom）", rel(page, "data/disclosures.atom")))
        self.render("archive.md.j2", page, ctx)


def _demote_headings(markdown: str) -> str:
    """Shift a manual's headings two levels down so they sit under the page's own."""
    return re.sub(r"^(#{1,4}) ", lambda mo: "#" * min(len(mo.group(1)) + 2, 6) + " ", markdown,
                  flags=re.MULTILINE)


def today_status(hours: m.OpeningHours, today: dt.date) -> str:
    """今日开放：… / 今日闭馆（reason） / 今日不开放, at build time."""
    exc = next((e for e in reversed(hours.exceptions) if e.covers(today)), None)
    sessions = hours.sessions_on(today)
    if exc is not None and exc.closed:
        return f"今日闭馆（{exc.reason}）"
    if not sessions:
        return "今日不开放"
    note = f"（{exc.reason}）" if exc is not None else ""
    return f"今日开放：{sessions_text(sessions)}{note}"


def compliance_items(centre: m.Centre, pack: Pack | None, today: dt.date,
                     year: int) -> tuple[tuple[c.ComplianceItem, ...], str]:
    """Compliance results from generator.compliance when it is installed."""
    try:
        from generator.compliance import compliance_report
    except ModuleNotFoundError as exc:
        if exc.name != "generator.compliance":
            raise
        return (), "本站暂未提供合规检查结果。"
    if pack is None:
        return (), "未找到适用的规则包。"
    report = compliance_report(centre, pack, today=today)
    items = []
    for r in _report_rows(report):
        items.append(c.ComplianceItem(
            title=str(r.get("title") or r.get("rule") or ""),
            result=str(r.get("result_label") or r.get("result") or r.get("status") or ""),
            detail=str(r.get("message") or r.get("detail") or ""),
            citation=str(r.get("citation") or r.get("clause") or ""),
        ))
    return tuple(items), f"依据 {pack.name} 规则包逐条检查，截至{date_cn(today)}。"


def _report_rows(report: Any) -> list[dict]:
    """The list of per-rule results of a compliance report, whatever its top-level key."""
    if isinstance(report, dict):
        for key in ("results", "rules", "items", "checks"):
            if isinstance(report.get(key), list):
                return [r for r in report[key] if isinstance(r, dict)]
    if isinstance(report, list):
        return [r for r in report if isinstance(r, dict)]
    return []


# ---------------------------------------------------------------- the whole site


def _summary(centre: m.Centre, today: dt.date, page: str) -> c.CentreSummary:
    return c.CentreSummary(
        id=centre.id, name=centre.name, district=centre.district, street=centre.street,
        community=centre.community, community_type=centre.community_type,
        address=centre.address, phone=centre.contact.phone,
        open_today=today_status(centre.opening_hours, today),
        href=rel(page, f"centres/{centre.id}/index.md"),
    )


def search_words(centres: Iterable[m.Centre], packs: Iterable[Pack]) -> tuple[str, ...]:
    """Names and titles that search should treat as words (jieba user dictionary)."""
    words: set[str] = set()

    def add(text: str | None) -> None:
        for part in re.split(r"[\s（）()【】《》“”\"'、，。：；·/|]+", text or ""):
            if re.search(r"[\u4e00-\u9fff]", part) and 2 <= len(part) <= 30:
                words.add(part)

    for ce in centres:
        for t in (ce.name, ce.district, ce.street, ce.community, ce.brand, ce.operator.name,
                  ce.contract.purchaser, ce.community_type):
            add(t)
        for r in ce.rooms:
            add(r.name)
        for s in ce.services.own + ce.services.paid:
            add(s.title)
        for rec in ce.recurring:
            add(rec.title)
        for p in ce.plans:
            for a in p.activities:
                add(a.title)
        for am in ce.activity_months:
            for r in am.records:
                add(r.title)
    for pack in packs:
        if pack.catalogue:
            for t in pack.catalogue.tables:
                for mj in t.majors:
                    add(mj.title)
                    for it in mj.items:
                        add(it.title)
    return tuple(sorted(words))


def render_site(validated: Validated, root: Path, *, today: dt.date, site_url: str | None = None,
                pdf_paths: frozenset[str] = frozenset(),
                env_factory: Callable[[], Environment] = make_env) -> SiteSources:
    """Render every page and data file of the site for the validated centres."""
    env = env_factory()
    lib = validated.library
    packs = lib.packs if lib else {}
    centres = sorted(validated.centres, key=lambda ce: (ce.district, ce.street, ce.community, ce.id))
    out = _Out()
    disclosures: dict[str, list[_Item]] = {}
    for ce in centres:
        pack = packs.get(ce.rule_pack)
        disclosures[ce.id] = centre_disclosures(ce, pack, today)
        CentreRenderer(env, ce, pack, root, today, pdf_paths, site_url, disclosures[ce.id], out).render_all()
    used_packs = [packs[p] for p in dict.fromkeys(ce.rule_pack for ce in centres) if p in packs]

    # home page
    page = "index.md"
    latest = sorted(
        ((ce, i) for ce in centres for i in disclosures[ce.id]
         if i.page and i.published and i.published <= today),
        key=lambda x: (x[1].published, x[0].id, x[1].kind, x[1].period), reverse=True,
    )[:12]
    overdue = sorted(
        ((ce, i) for ce in centres for i in disclosures[ce.id] if i.state == "逾期未公布"),
        key=lambda x: (x[1].due or today, x[0].id, x[1].kind, x[1].period), reverse=True,
    )
    home = c.HomePage(
        today=today,
        centres=tuple(_summary(ce, today, page) for ce in centres),
        districts=tuple(dict.fromkeys(ce.district for ce in centres)),
        latest=tuple(_disclosure(ce, i, page) for ce, i in latest),
        overdue=tuple(_disclosure(ce, i, page) for ce, i in overdue),
        overdue_basis=due_basis(used_packs),
        feed_href=rel(page, "data/disclosures.atom"),
        data_href=rel(page, "open-data.md"),
    )
    out.page(page, env.get_template("home.md.j2").render(page=home))

    # centres index
    page = "centres/index.md"
    groups: dict[str, list[c.CentreSummary]] = {}
    for ce in centres:
        groups.setdefault(ce.district, []).append(_summary(ce, today, page))
    out.page(page, env.get_template("centres_index.md.j2").render(
        page=c.CentresIndexPage(tuple((d, tuple(cs)) for d, cs in groups.items()))))

    # open data for all centres
    all_items = [(ce, i) for ce in centres for i in disclosures[ce.id]]
    for path, data in opendata.all_centres_files(centres, packs, today, site_url, all_items).items():
        out.file(path, data)
    page = "open-data.md"
    od = c.OpenDataPage(
        files=tuple(c.DataFile(c.Link(text, rel(page, path)), desc)
                    for text, path, desc in opendata.ALL_FILES),
        centres=tuple(
            (ce.name, (c.Link("中心信息 JSON", rel(page, f"data/{ce.id}/centre.json")),
                       c.Link("活动 CSV", rel(page, f"data/{ce.id}/activities.csv")),
                       c.Link("财务 CSV", rel(page, f"data/{ce.id}/finance.csv")),
                       c.Link("活动日历 iCalendar", rel(page, f"data/{ce.id}/calendar.ics"))))
            for ce in centres
        ),
        schemas=tuple(c.Link(name, rel(page, f"data/schema/{name}")) for name in opendata.SCHEMAS),
    )
    out.page(page, env.get_template("open_data.md.j2").render(page=od))
    for ce in centres:
        out.file(f"data/{ce.id}/activities.csv", opendata.activities_csv([ce]))
        out.file(f"data/{ce.id}/finance.csv", opendata.finance_csv([ce]))

    about = c.AboutPage(
        today=today,
        packs=tuple(c.Row((p.name, p.document)) for p in used_packs),
        centre_count=len(centres),
    )
    out.page("about.md", env.get_template("about.md.j2").render(page=about))
    return SiteSources(out.pages, out.files, out.copies, search_words(centres, used_packs))
