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
import functools
import html
import json
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined
from markupsafe import Markup

from generator import compliance as rules_report
from generator import model as m
from generator import urls
from generator.compliance import RuleResult
from generator.errors import BuildFailed
from generator.figures import finance as f
from generator.figures.calendar import (
    STATE_LABELS,
    deadline_rules,
    deadline_text,
    disclosure_states,
)
from generator.ledger.published import Correction
from generator.packs.library import Pack
from generator.paths import TEMPLATES as SITE_TEMPLATES
from generator.print.render import change_rows, correction_title, correction_value
from generator.records.validate import Validated
from generator.rules.base import FAIL, STATUSES
from generator.site import contexts as c
from generator.site import opendata
from generator.text import formats as fmt
from generator.text import verdicts
from generator.text.escape import md_escape, md_escape_block
from generator.text.labels import (
    AUDIT_LABELS,
    CLOSED,
    DISCLOSURE_LABELS,
    EVALUATION_LABELS,
    EXPENSE_LABELS,
    FREE,
    INCOME_LABELS,
    POSTING_LABELS,
    STATUS_LABELS,
)

TEMPLATES = SITE_TEMPLATES / "site"
UNPUBLISHED = "未公布"  # a disclosure without a publication date
PDF_LINK = "（打印版 PDF）"  # after a printed document's name in its link


@dataclass(frozen=True)
class SiteSources:
    """Everything the docs folder will hold, gathered before anything is written."""

    pages: dict[str, str]  # docs path → Markdown
    files: dict[str, bytes]  # docs path → bytes (open data)
    copies: dict[str, Path]  # docs path → attachment to copy
    words: tuple[str, ...]  # names and titles for the search word list (jieba user dictionary)
    notes: tuple[str, ...] = ()  # what could not be rendered, for the build to report


@dataclass
class _Out:
    """Collects outputs and refuses a path given twice (two things wanting one file)."""

    pages: dict[str, str] = field(default_factory=dict)
    files: dict[str, bytes] = field(default_factory=dict)
    copies: dict[str, Path] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)

    def _claim(self, path: str) -> None:
        if path in self.pages or path in self.files or path in self.copies:
            raise BuildFailed(f"两项输出要写入同一个文件 {path}")

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


def _finalize(value: Any) -> Markup:
    """Escape every printed value for Markdown unless gongshi made it (Markup).

    The environment autoescapes, so what this returns as Markup is printed as it is and the
    output of macros stays Markup; md_escape already turns < > & into entities.
    """
    if isinstance(value, Markup):
        return value
    if value is None:
        return Markup("")
    return Markup(md_escape(value))


def make_env(templates: Path = TEMPLATES / "pages") -> Environment:
    """The Jinja2 environment of the site pages: StrictUndefined, Markdown escaping."""
    env = Environment(
        loader=FileSystemLoader(str(templates)),
        undefined=StrictUndefined,
        finalize=_finalize,
        autoescape=True,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["md"] = lambda v: Markup(md_escape(v))
    env.filters["block"] = lambda v: Markup(md_escape_block(v))
    env.filters["cell"] = lambda v: Markup(md_escape(v) or "—")
    env.filters["date"] = date_cn
    return env


@functools.cache
def shared_env() -> Environment:
    """One environment of the page templates per process (templates compiled once)."""
    return make_env()


def rel(page: str, target: str) -> Markup:
    """The link from a docs page to another docs path (``urls.link``), as page markup."""
    return Markup(urls.link(page, target))


def date_cn(d: dt.date | None) -> str:
    """2026-03-05 → 2026年3月5日; None → 未公布."""
    return fmt.date_text(d) if d is not None else UNPUBLISHED


def weekday_cn(d: dt.date) -> str:
    return m.WEEKDAYS[d.weekday()]


def month_cn(key: str) -> str:
    """2026-03 → 2026年3月."""
    year, month = key.split("-")
    return fmt.month_text(int(year), int(month))


def hours_text(minutes: int) -> str:
    return fmt.hours_text(minutes) if minutes else "—"


# ---------------------------------------------------------------- disclosures and due dates


@dataclass(frozen=True)
class _Item:
    """A disclosure of a centre before it gets hrefs relative to a page."""

    kind: str
    period: str
    title: str
    published: dt.date | None
    due: dt.date | None
    state: str  # Chinese label of due.STATE_LABELS
    overdue: bool  # past its due date and not published (逾期未公布)
    page: str | None  # docs path of its page; None when the record is missing
    sort: dt.date


def centre_disclosures(centre: m.Centre, pack: Pack | None, today: dt.date) -> list[_Item]:
    """Every disclosure of a centre on ``today`` (generator.figures.calendar), newest first."""
    out = []
    for d in disclosure_states(centre, pack, today):
        if not d.recorded and d.state != "missing":
            continue  # future periods are not listed on the site
        page = urls.page(centre.id, d.kind, d.period) if d.recorded else None
        out.append(
            _Item(
                d.kind,
                d.period,
                d.title,
                d.published,
                d.due,
                d.state_label,
                d.state == "missing",
                page,
                d.published or d.due or dt.date.min,
            )
        )
    return sorted(out, key=lambda i: (i.sort, i.kind, i.period), reverse=True)


def due_basis(centres: Iterable[m.Centre], packs: dict[str, Pack]) -> str:
    """How due dates are set, with the clauses, for the home page's overdue list."""
    seen: list[str] = []
    for ce in centres:
        rules = deadline_rules(packs.get(ce.rule_pack))
        for kind, rule in rules.items():
            text = deadline_text(rule, kind)
            if rule is None or text is None:
                continue
            line = f"{DISCLOSURE_LABELS[kind]}{text}（{rule.citation}）"
            if line not in seen:
                seen.append(line)
    return "；".join(seen)


def _disclosure(centre: m.Centre, item: _Item, page: str) -> c.Disclosure:
    return c.Disclosure(
        centre_id=centre.id,
        centre_name=centre.name,
        kind=item.kind,
        kind_label=DISCLOSURE_LABELS[item.kind],
        period=item.period,
        title=item.title,
        published=item.published,
        due=item.due,
        state=item.state,
        href=rel(page, item.page) if item.page else Markup(""),
    )


# ---------------------------------------------------------------- corrections


def correction_period(co: Correction) -> str:
    """The period of a correction's page and PDF: ``finance-2026-Q1-1``."""
    return urls.correction_period(co.kind, co.period, co.number)


def correction_page(co: Correction) -> str:
    """Docs path of a correction notice: centres/<id>/corrections/finance-2026-Q1-1.md."""
    return urls.page(co.centre, "correction", correction_period(co))


def correction_item(centre: m.Centre, co: Correction) -> _Item:
    """A correction as a published item of the centre (archive, home page, Atom feed)."""
    return _Item(
        "correction",
        correction_period(co),
        correction_title(co),
        co.date,
        None,
        STATE_LABELS["published"],
        False,
        correction_page(co),
        co.date,
    )


def correction_data(co: Correction) -> dict:
    """A correction in the open data: figures as the ledger holds them (money "9800.00")."""
    return {
        "disclosure": co.disclosure,
        "title": co.title,
        "number": co.number,
        "first_published": co.first_published.isoformat(),
        "date": co.date.isoformat(),
        "reason": co.reason,
        "approved_by": co.approved_by,
        "page": urls.page_url(correction_page(co)),
        "changes": [{"item": ch.label, "old": ch.old, "new": ch.new} for ch in co.changes],
        "previous": [{"item": r.label, "value": r.value} for r in co.old_figures],
    }


def centre_json(ce: m.Centre, pack: Pack | None, corrections: Sequence[Correction]) -> bytes:
    """The centre's centre.json: its public facts and its corrections (更正说明)."""
    data = opendata.centre_data(ce, pack)
    data["corrections"] = [correction_data(co) for co in corrections]
    return (json.dumps(data, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


# ---------------------------------------------------------------- charts


def bar_chart_svg(chart_id: str, title: str, rows: list[tuple[str, Decimal]]) -> Markup:
    """A horizontal bar chart as inline SVG, with a <title> and a <desc> listing the values.

    Narrow on purpose (400 units wide, each label on its own line above its bar) so the text
    stays readable on a phone; the table next to it is the full text alternative.
    """
    esc = html.escape
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


# ---------------------------------------------------------------- the pages of a centre


class CentreRenderer:
    """Render every page and data file of one centre."""

    def __init__(
        self,
        env: Environment,
        centre: m.Centre,
        pack: Pack | None,
        root: Path,
        today: dt.date,
        pdf_paths: frozenset[str],
        site_url: str | None,
        disclosures: list[_Item],
        out: _Out,
        handed: Handed,
    ) -> None:
        self.env, self.centre, self.pack, self.root = env, centre, pack, root
        self.today, self.pdf_paths, self.site_url = today, pdf_paths, site_url
        self.disclosures, self.out = disclosures, out
        self.corrections = handed.corrections
        self.results = handed.results  # None: no rule results were handed down
        self.checked_on = handed.checked_on or today
        self.manuals_made = handed.manuals

    def at(self, kind: str, period: str | int | None = None) -> str:
        """The docs path of one of this centre's pages."""
        return urls.page(self.centre.id, kind, None if period is None else str(period))

    def data(self, kind: str, period: str | int | None = None) -> str:
        """The path of one of this centre's open-data files."""
        return urls.data_path(self.centre.id, kind, None if period is None else str(period))

    # ------------------------------------------------------------ shared bits

    def render(self, template: str, page: str, ctx: object) -> None:
        self.out.page(page, self.env.get_template(template).render(page=ctx))

    def header(self, page: str) -> c.CentreHeader:
        menu = [
            ("概况", self.at("profile")),
            (DISCLOSURE_LABELS["hours"], self.at("hours")),
            ("活动计划", self.at("plans")),
        ]
        if self.centre.quarters:
            menu.append(("财务公开", self.at("finance-index")))
        menu.extend(
            (f"{a.year}年度审计", self.at("audit", a.year)) for a in self.centre.audits[-1:]
        )
        menu.extend(
            (f"{e.year}年度评估", self.at("evaluation", e.year))
            for e in self.centre.evaluations[-1:]
        )
        menu.append(("合规检查", self.at("compliance")))
        menu.append((POSTING_LABELS["manuals"], self.at("manuals")))
        menu.append(("公示档案", self.at("archive")))
        return c.CentreHeader(
            id=self.centre.id,
            name=self.centre.name,
            district=self.centre.district,
            street=self.centre.street,
            menu=tuple(c.Link(text, rel(page, target)) for text, target in menu if target != page),
        )

    def pdf(self, page: str, kind: str, period: str | None = None) -> c.Link | None:
        """The link to a printed document of this centre, when it was printed."""
        path = urls.pdf_path(self.centre.id, kind, period)
        if path not in self.pdf_paths:
            return None
        name = POSTING_LABELS[kind]
        if kind == "annual" and period is not None:
            name = f"{period}{name}"
        return c.Link(name + PDF_LINK, rel(page, path))

    def data_links(self, page: str, *items: tuple[str, str]) -> tuple[c.Link, ...]:
        return tuple(c.Link(text, rel(page, path)) for text, path in items)

    def marks(self, page: str, kind: str, period: str) -> tuple[c.CorrectionMark, ...]:
        """The 本公示已于……更正 notices of a disclosure's page, oldest first."""
        return tuple(
            c.CorrectionMark(
                date=date_cn(co.date),
                reason=co.reason,
                link=c.Link("查看更正说明和更正前公布的内容", rel(page, correction_page(co))),
            )
            for co in self.corrections
            if co.kind == kind and co.period == period
        )

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
        self.compliance()
        self.manuals()
        for co in self.corrections:
            self.correction(co)
        self.archive()

    def profile(self) -> None:
        ce, page = self.centre, self.at("profile")
        contact = ce.contact
        contacts = [("联系电话", contact.phone)]
        for label, value in (
            ("电子邮箱", contact.email),
            ("微信公众号", contact.wechat),
            ("网站", contact.website),
        ):
            if value:
                contacts.append((label, value))
        op = ce.operator
        op_rows = [(lbl, v) for lbl, v in (("机构电话", op.phone), ("机构地址", op.address)) if v]
        ct = ce.contract
        contract = [
            ("购买方", ct.purchaser),
            ("服务期限", f"{date_cn(ct.start)}至{date_cn(ct.end)}"),
            ("年度经费", f"{fmt.yuan(ct.annual_budget)} 元"),
        ]
        if ct.number:
            contract.insert(0, ("合同编号", ct.number))
        sf = f.staff_figures(ce)
        staff = [("全职工作人员", f"{sf.full_time} 人"), ("兼职工作人员", f"{sf.part_time} 人")]
        staff += [
            (f"其中{q}", f"{n} 人") for q, n in sf.by_qualification.items() if q != "无" and n
        ]
        staff.append(("已注册的专业社会工作者（全职）", f"{sf.registered_social_workers} 人"))
        staff.append(("中心负责人是否持社工职业资格", "是" if sf.head_is_social_worker else "否"))
        vol = ce.volunteers
        volunteers = [
            ("登记志愿者", f"{vol.registered} 人"),
            ("年度志愿服务时长", f"{fmt.num(vol.service_hours)} 小时"),
        ]
        if vol.teams:
            volunteers.append(("志愿服务队", "、".join(vol.teams)))
        rooms = [
            (r.name, f"{fmt.num(r.area)} 平方米", r.purpose, "是" if r.accessible else "否")
            for r in ce.rooms
        ]
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
            c.Row(
                (
                    p.title,
                    f"{fmt.yuan(p.price)} {p.unit}",
                    p.filed_with or "未备案",
                    date_cn(p.filed_on) if p.filed_on else "—",
                )
            )
            for p in ce.services.paid
        )
        ctx = c.ProfilePage(
            header=self.header(page),
            address=ce.address,
            community=ce.community,
            community_type=ce.community_type,
            contacts=tuple(c.Row(r) for r in contacts),
            feedback=contact.feedback,
            operator_name=op.name,
            operator_credit_code=op.credit_code,
            operator_contacts=tuple(c.Row(r) for r in op_rows),
            contract=tuple(c.Row(r) for r in contract),
            funders=tuple(c.Row((fu.name, f"{fmt.yuan(fu.amount)} 元")) for fu in ct.funders),
            floor_area=f"{fmt.num(ce.floor_area)} 平方米",
            rooms=tuple(c.Row(r) for r in rooms),
            staff=tuple(c.Row(r) for r in staff),
            volunteers=tuple(c.Row(r) for r in volunteers),
            services=services,
            own_services=own,
            paid_services=paid,
            pack_name=self.pack.name if self.pack else ce.rule_pack,
            consultation=self.pdf(page, "consultation"),
            json_ld=opendata.json_ld_script(ce, self.site_url),
            data=self.data_links(
                page,
                ("中心信息（JSON）", self.data("centre")),
                ("活动日历（iCalendar）", self.data("calendar")),
            ),
        )
        self.render("profile.md.j2", page, ctx)
        self.out.file(self.data("centre"), centre_json(ce, self.pack, self.corrections))
        self.out.file(self.data("calendar"), opendata.centre_ics(ce, self.today, self.site_url))

    def hours(self) -> None:
        ce, page, today = self.centre, self.at("hours"), self.today
        hours = ce.opening_hours
        week = []
        minutes = f.weekly_minutes(hours)
        for d in range(7):
            week.append(
                c.Row(
                    (
                        m.WEEKDAYS[d],
                        fmt.sessions_text(hours.weekly.get(d, ())),
                        hours_text(minutes[d]),
                    )
                )
            )
        upcoming = []
        for e in f.upcoming_exceptions(hours, today):
            span = fmt.date_range_text(e.start, e.end)
            change = CLOSED if e.closed else f"开放 {fmt.sessions_text(e.sessions)}"
            upcoming.append(c.Row((span, change, e.reason)))
        ctx = c.HoursPage(
            header=self.header(page),
            today=today,
            today_label=f"{date_cn(today)}（{weekday_cn(today)}）",
            today_status=today_status(hours, today),
            week=tuple(week),
            weekly_hours=hours_text(sum(minutes.values())),
            upcoming=tuple(upcoming),
            pdf=self.pdf(page, "hours"),
            data=self.data_links(page, ("开放时间（JSON）", self.data("hours"))),
        )
        self.render("hours.md.j2", page, ctx)
        self.out.file(self.data("hours"), opendata.hours_json(ce, today))

    def plans(self) -> None:
        ce, index = self.centre, self.at("plans")
        rows, links = [], []
        for p in reversed(ce.plans):
            ma = f.month_activity(ce, p.key)
            has = any(a.key == p.key for a in ce.activity_months)
            rows.append(
                c.Row(
                    (
                        month_cn(p.key),
                        str(ma.planned),
                        str(ma.held) if has else "—",
                        date_cn(p.published),
                    )
                )
            )
            links.append(c.Link(f"{month_cn(p.key)}活动计划", rel(index, self.at("plan", p.key))))
            self.plan(p)
        ctx = c.PlansIndexPage(
            header=self.header(index),
            months=tuple(rows),
            links=tuple(links),
            calendar=c.Link("订阅活动日历（iCalendar）", rel(index, self.data("calendar"))),
        )
        self.render("plans_index.md.j2", index, ctx)

    def plan(self, p: m.Plan) -> None:
        ce, page = self.centre, self.at("plan", p.key)
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
            fee = FREE if a.price == 0 else f"{fmt.yuan(a.price)} 元"
            service = self.service_title(a.service)
            acts.append(
                c.PlanActivity(
                    anchor=Markup(f"activity-{a.id}"),
                    date=date_cn(a.date),
                    weekday=weekday_cn(a.date),
                    time=f"{a.start:%H:%M}-{a.end:%H:%M}",
                    title=a.title,
                    room=a.room,
                    service=service,
                    target=a.target,
                    capacity=f"{a.capacity} 人",
                    signup=a.signup,
                    fee=fee,
                    status=status,
                    attendance=attendance,
                )
            )
        weeks = tuple(
            tuple(c.CalendarDay(d, tuple(by_day.get(d, ())) if d else ()) for d in week)
            for week in calendar.Calendar(firstweekday=0).monthdayscalendar(p.year, p.month)
        )
        unplanned = tuple(
            c.Row((date_cn(r.date) if r.date else "—", r.title or "", f"{r.attendance} 人次"))
            for r in (month.records if month else ())
            if r.plan is None
        )
        ma = f.month_activity(ce, p.key)
        summary = [("计划活动", f"{ma.planned} 场")]
        if month is not None:
            summary += [
                ("已举办（含计划外）", f"{ma.held} 场"),
                ("已取消", f"{ma.cancelled} 场"),
                ("已延期", f"{ma.postponed} 场"),
                ("计划外举办", f"{ma.unplanned} 场"),
                ("主题活动", f"{ma.themed_held} 场"),
                ("参与", f"{ma.attendance} 人次"),
            ]
        ctx = c.PlanPage(
            header=self.header(page),
            key=p.key,
            title=f"{month_cn(p.key)}活动计划",
            published=date_cn(p.published),
            corrections=self.marks(page, "plan", p.key),
            weeks=weeks,
            activities=tuple(acts),
            unplanned=unplanned,
            summary=tuple(c.Row(r) for r in summary),
            has_records=month is not None,
            pdf=self.pdf(page, "plan", p.key),
            data=self.data_links(
                page,
                ("本月计划与记录（JSON）", self.data("plan", p.key)),
                ("全部活动（CSV）", self.data("activities")),
            ),
        )
        self.render("plan.md.j2", page, ctx)
        self.out.file(self.data("plan", p.key), opendata.plan_json(ce, p, month))

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
        index = self.at("finance-index")
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
                    rel(index, self.at("finance", q.key)),
                )
            )
            self.quarter(q)
        self.render(
            "finance_index.md.j2",
            index,
            c.FinanceIndexPage(self.header(index), tuple(rows), tuple(links)),
        )

    def quarter(self, q: m.Quarter) -> None:
        ce, page = self.centre, self.at("finance", q.key)
        period = f.quarter_period(q)
        income = [(INCOME_LABELS.get(k, k), v) for k, v in q.income.items()]
        spending = [(EXPENSE_LABELS.get(k, k), cat.total) for k, cat in q.expenditure.items()]
        lines = []
        for k, cat in q.expenditure.items():
            for it in cat.items:
                lines.append(c.Row((EXPENSE_LABELS.get(k, k), it.item, fmt.yuan(it.amount))))
        ytd = [
            p
            for p in f.finance_periods(ce, q.year)
            if p.kind != "quarter" and p.quarters and p.quarters[-1] == q.quarter
        ]
        results = self.results or ()
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
            for v in verdicts.ratio_verdicts(results, [p.label for p in [period, *ytd]])
        ]
        ctx = c.FinancePage(
            header=self.header(page),
            key=q.key,
            title=f"{fmt.quarter_text(q.year, q.quarter)}财务信息",
            published=date_cn(q.published),
            corrections=self.marks(page, "finance", q.key),
            income=tuple(c.Row((label, fmt.yuan(v))) for label, v in income),
            income_total=fmt.yuan(q.income_total),
            expenditure=tuple(lines),
            category_totals=totals,
            expenditure_total=fmt.yuan(q.expenditure_total),
            balance=fmt.yuan(period.balance),
            year_to_date=tuple(
                c.Row(
                    (
                        p.label,
                        fmt.yuan(p.income_total),
                        fmt.yuan(p.expenditure_total),
                        fmt.yuan(p.balance),
                    )
                )
                for p in ytd
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
            pdf=self.pdf(page, "finance", q.key),
            data=self.data_links(
                page,
                ("本季度财务（JSON）", self.data("finance", q.key)),
                ("全部季度财务（CSV）", self.data("finance-table")),
            ),
        )
        self.render("finance.md.j2", page, ctx)
        self.out.file(self.data("finance", q.key), opendata.quarter_json(ce, q))

    def audit(self, a: m.Audit) -> None:
        ce, page = self.centre, self.at("audit", a.year)
        report = None
        if a.report_pdf:
            target = urls.signed_report(ce.id, a.year)
            folder = self.root / Path(ce.src.file).parent
            self.out.copy(target, folder / a.report_pdf)
            report = c.Link(f"{a.year}年度审计报告（签章版 PDF）", rel(page, target))
        figures_rows = [
            (AUDIT_LABELS[key], getattr(a, key))
            for key in ("income", "expenditure", "management_fee", "surplus")
        ]
        ctx = c.AuditPage(
            header=self.header(page),
            year=a.year,
            title=f"{a.year}{DISCLOSURE_LABELS['audit']}",
            firm=a.firm,
            report_number=a.report_number,
            date=date_cn(a.date),
            published=date_cn(a.published),
            corrections=self.marks(page, "audit", str(a.year)),
            opinion=a.opinion,
            figures=tuple(c.Row((k, f"{fmt.yuan(v)} 元")) for k, v in figures_rows),
            findings=a.findings,
            report=report,
            pdf=self.pdf(page, "audit", str(a.year)),
            data=self.data_links(page, ("审计结果（JSON）", self.data("audit", a.year))),
        )
        self.render("audit.md.j2", page, ctx)
        self.out.file(self.data("audit", a.year), opendata.audit_json(ce, a))

    def evaluation(self, ev: m.Evaluation) -> None:
        ce, page = self.centre, self.at("evaluation", ev.year)
        rows = []
        if ev.score is not None:
            rows.append((EVALUATION_LABELS["score"], fmt.num(ev.score)))
        if ev.grade:
            rows.append((EVALUATION_LABELS["grade"], ev.grade))
        if ev.previous_grade:
            rows.append((EVALUATION_LABELS["previous_grade"], ev.previous_grade))
        sat = ev.satisfaction
        rows.append(
            (
                EVALUATION_LABELS["satisfaction"],
                f"{fmt.percent(f.satisfaction_rate(ev))}（调查 {sat.sample} 人，满意 {sat.satisfied} 人）",
            )
        )
        score_lines: tuple[c.Row, ...] = ()
        score_result = ""
        card = scorecard(ce, self.pack, ev.year, self.checked_on, self.results)
        if card is not None and card.kind != "none":
            source = {"records": "按记录计算", "assessor": "评估机构打分", "mixed": "记录与打分"}
            score_lines = tuple(
                c.Row(
                    (
                        ln.title,
                        fmt.num(ln.points),
                        fmt.num(ln.max) if ln.max is not None else "—",
                        source.get(ln.source, ln.source),
                        ln.citation,
                    )
                )
                for ln in card.lines
            )
            if card.result:
                cite = f"（{card.result_citation}）" if card.result_citation else ""
                total = f"，总分 {fmt.num(card.total)}" if card.total is not None else ""
                score_result = (
                    f"按规则包计算的{card.result_label or '结果'}：{card.result}{total}{cite}"
                )
        ctx = c.EvaluationPage(
            header=self.header(page),
            year=ev.year,
            title=f"{ev.year}年度评估结果",
            evaluator=ev.evaluator,
            date=date_cn(ev.date),
            published=date_cn(ev.published),
            corrections=self.marks(page, "evaluation", str(ev.year)),
            figures=tuple(c.Row(r) for r in rows),
            entries=tuple(c.Row((e.item, fmt.num(e.points), e.note or "")) for e in ev.entries),
            summary=ev.summary,
            score_lines=score_lines,
            score_result=score_result,
            compliance=c.Link("合规检查结果", rel(page, self.at("compliance"))),
            pdf=self.pdf(page, "evaluation", str(ev.year)),
            data=self.data_links(page, ("评估结果（JSON）", self.data("evaluation", ev.year))),
        )
        self.render("evaluation.md.j2", page, ctx)
        self.out.file(self.data("evaluation", ev.year), opendata.evaluation_json(ce, ev))

    def compliance(self) -> None:
        """Every rule of the pack with the result the pipeline found on ``checked_on``."""
        page = self.at("compliance")
        available = self.pack is not None and self.results is not None
        results = self.results or ()
        items = []
        for r in results:
            head = r.headline
            items.append(
                c.ComplianceItem(
                    title=verdicts.rule_title(r.rule),
                    result=verdicts.status_label(r.status),
                    detail=head.message if head else "",
                    citation=r.rule.citation,
                )
            )
        counts = []
        for status in STATUSES:
            n = sum(1 for r in results if r.status == status)
            if n:
                counts.append(c.Row((STATUS_LABELS[status], f"{n} 条")))
        ctx = c.CompliancePage(
            header=self.header(page),
            today=self.checked_on,
            pack_name=self.pack.name if self.pack else self.centre.rule_pack,
            available=available,
            counts=tuple(counts),
            shortfalls=tuple(i for r, i in zip(results, items) if r.status == FAIL),
            items=tuple(items),
        )
        self.render("compliance.md.j2", page, ctx)
        if available and self.pack is not None:
            data = rules_report.compliance_report(
                self.centre, self.pack, self.checked_on, results=results
            )
            self.out.file(
                self.data("compliance"),
                (json.dumps(data, ensure_ascii=False, indent=2) + "\n").encode("utf-8"),
            )

    def manuals(self) -> None:
        page = self.at("manuals")
        manuals = self.manuals_made if self.pack is not None else None
        sections = tuple(
            c.ManualSection(
                title=man.title,
                citations=tuple(man.citations),
                body=Markup(_demote_headings(man.markdown)),
                own_articles=tuple(a.title for a in man.articles if a.own),
            )
            for man in manuals or ()
        )
        ctx = c.ManualsPage(
            header=self.header(page),
            manuals=sections,
            available=bool(manuals),
            pdf=self.pdf(page, "manuals"),
        )
        self.render("manuals.md.j2", page, ctx)

    def correction(self, co: Correction) -> None:
        """A correction notice (更正说明): reason, role, changed figures, the old version."""
        page = correction_page(co)
        target = self.at(co.kind, co.period)
        ctx = c.CorrectionPage(
            header=self.header(page),
            title=correction_title(co),
            disclosure=c.Link(co.title, rel(page, target)),
            first_published=date_cn(co.first_published),
            date=date_cn(co.date),
            reason=co.reason,
            approved_by=co.approved_by,
            changes=tuple(c.Row(cells) for cells in change_rows(co)),
            previous=tuple(
                c.Row((r.label, correction_value(co.kind, r.value))) for r in co.old_figures
            ),
            pdf=self.pdf(page, "correction", correction_period(co)),
            data=self.data_links(
                page, ("全部更正说明（中心信息 JSON 的 corrections）", self.data("centre"))
            ),
        )
        self.render("correction.md.j2", page, ctx)

    def archive(self) -> None:
        page = self.at("archive")
        items = tuple(_disclosure(self.centre, i, page) for i in self.disclosures if i.page)
        overdue = tuple(_disclosure(self.centre, i, page) for i in self.disclosures if i.overdue)
        years = sorted({i.period[:4] for i in self.disclosures}, reverse=True)
        booklets = tuple(link for y in years if (link := self.pdf(page, "annual", y)))
        corrections = tuple(
            _disclosure(self.centre, correction_item(self.centre, co), page)
            for co in sorted(
                self.corrections, key=lambda x: (x.date, x.disclosure, x.number), reverse=True
            )
        )
        ctx = c.ArchivePage(
            header=self.header(page),
            items=items,
            overdue=overdue,
            booklets=booklets,
            corrections=corrections,
            feed=c.Link("订阅公示更新（Atom）", rel(page, urls.FEED)),
        )
        self.render("archive.md.j2", page, ctx)


def _demote_headings(markdown: str) -> str:
    """Shift a manual's headings two levels down so they sit under the page's own."""
    return re.sub(
        r"^(#{1,4}) ",
        lambda mo: "#" * min(len(mo.group(1)) + 2, 6) + " ",
        markdown,
        flags=re.MULTILINE,
    )


def today_status(hours: m.OpeningHours, today: dt.date) -> str:
    """今日开放：… / 今日闭馆（reason） / 今日不开放, at build time."""
    exc = next((e for e in reversed(hours.exceptions) if e.covers(today)), None)
    sessions = hours.sessions_on(today)
    if exc is not None and exc.closed:
        return f"今日闭馆（{exc.reason}）"
    if not sessions:
        return "今日不开放"
    note = f"（{exc.reason}）" if exc is not None else ""
    return f"今日开放：{fmt.sessions_text(sessions)}{note}"


def scorecard(
    centre: m.Centre,
    pack: Pack | None,
    year: int,
    day: dt.date,
    results: Sequence[RuleResult] | None,
) -> Any:
    """The evaluation scorecard of a year from the rule results handed down (None without a
    pack or without results)."""
    if pack is None or results is None:
        return None
    return rules_report.scorecard(centre, pack, year, day, results)


# ---------------------------------------------------------------- the whole site


def today_short(hours: m.OpeningHours, today: dt.date) -> str:
    """Today's sessions for a list column: 09:00-12:00、14:00-21:00 / 闭馆（春节） / 不开放."""
    exc = next((e for e in reversed(hours.exceptions) if e.covers(today)), None)
    if exc is not None and exc.closed:
        return f"闭馆（{exc.reason}）"
    sessions = hours.sessions_on(today)
    return fmt.sessions_text(sessions)


def _summary(centre: m.Centre, today: dt.date, page: str) -> c.CentreSummary:
    return c.CentreSummary(
        id=centre.id,
        name=centre.name,
        district=centre.district,
        street=centre.street,
        community=centre.community,
        community_type=centre.community_type,
        address=centre.address,
        phone=centre.contact.phone,
        open_today=today_short(centre.opening_hours, today),
        href=rel(page, urls.page(centre.id, "profile")),
    )


def search_words(
    centres: Iterable[m.Centre], packs: Iterable[Pack], *, records: bool = True
) -> tuple[str, ...]:
    """Names and titles that search should treat as words (jieba user dictionary)."""
    words: set[str] = set()

    def add(text: str | None) -> None:
        for part in re.split(r"[\s（）()【】《》“”\"'、，。：；·/|]+", text or ""):
            if re.search(r"[\u4e00-\u9fff]", part) and 2 <= len(part) <= 30:
                words.add(part)

    for ce in centres:
        # Not the centre's whole name: as one word it would hide its street and community
        # (榕湾街道下石社区 is found by 下石 only when jieba cuts it into 榕湾街道 + 下石社区).
        for t in (
            ce.district,
            ce.street,
            ce.community,
            ce.brand,
            ce.operator.name,
            ce.contract.purchaser,
            ce.community_type,
        ):
            add(t)
        if not records:
            continue  # the city pages name centres, not their activities
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


@dataclass(frozen=True)
class Handed:
    """What the pipeline computed once for a centre and hands to its pages.

    ``results``: its rule results (``compliance.RuleResult``, in the pack's order) on
    ``checked_on``, None when none were handed down (the compliance page then says so);
    ``corrections``: its corrections (更正说明); ``manuals``: its policy manuals.
    """

    results: tuple[RuleResult, ...] | None = None
    checked_on: dt.date | None = None
    corrections: tuple[Correction, ...] = ()
    manuals: tuple = ()


def handed_of(validated: Validated, centre_id: str) -> Handed:
    """What ``validated`` (``pipeline.load_project``) holds for one centre."""
    results = validated.results.get(centre_id)
    return Handed(
        results=tuple(results) if results is not None else None,
        checked_on=validated.today,
        corrections=tuple(validated.corrections.get(centre_id, ())),
        manuals=tuple(validated.manuals.get(centre_id, ())),
    )


def render_site(
    validated: Validated,
    root: Path,
    *,
    today: dt.date,
    site_url: str | None = None,
    pdf_paths: frozenset[str] = frozenset(),
    env_factory: Callable[[], Environment] = make_env,
) -> SiteSources:
    """Render every page and data file of the site for the validated centres.

    Everything a page prints that the pipeline computed comes from ``validated``: each
    centre's rule results (on ``validated.today``), corrections and manuals. ``root`` is the
    project folder, where the attachments to copy are (the signed audit reports).
    """
    env = env_factory()
    packs = validated.library.packs if validated.library else {}
    centres = sorted_centres(validated.centres)
    out = _Out()
    for ce in centres:
        render_centre_into(
            out,
            env,
            ce,
            packs.get(ce.rule_pack),
            root,
            today=today,
            pdf_paths=pdf_paths,
            site_url=site_url,
            handed=handed_of(validated, ce.id),
        )
    corrections = {ce.id: tuple(validated.corrections.get(ce.id, ())) for ce in centres}
    city = render_city(
        centres, packs, today=today, site_url=site_url, corrections=corrections, env=env
    )
    for path, text in city.pages.items():
        out.page(path, text)
    for path, data in city.files.items():
        out.file(path, data)
    used = [packs[p] for p in dict.fromkeys(ce.rule_pack for ce in centres) if p in packs]
    return SiteSources(
        out.pages, out.files, out.copies, search_words(centres, used), tuple(out.notes)
    )


def sorted_centres(centres: Iterable[m.Centre]) -> list[m.Centre]:
    """Centres in the order the site lists them: district, street, community, id."""
    return sorted(centres, key=lambda ce: (ce.district, ce.street, ce.community, ce.id))


def render_centre_into(
    out: _Out,
    env: Environment,
    ce: m.Centre,
    pack: Pack | None,
    root: Path,
    *,
    today: dt.date,
    pdf_paths: frozenset[str],
    site_url: str | None,
    handed: Handed,
) -> None:
    CentreRenderer(
        env,
        ce,
        pack,
        root,
        today,
        pdf_paths,
        site_url,
        centre_disclosures(ce, pack, today),
        out,
        handed,
    ).render_all()
    out.file(urls.data_path(ce.id, "activities"), opendata.activities_csv([ce]))
    out.file(urls.data_path(ce.id, "finance-table"), opendata.finance_csv([ce]))


def render_centre(
    ce: m.Centre,
    pack: Pack | None,
    root: Path,
    *,
    today: dt.date,
    pdf_paths: frozenset[str],
    site_url: str | None,
    corrections: Sequence[Correction],
    results: Sequence[RuleResult] | None,
    manuals: Sequence = (),
    env: Environment | None = None,
) -> SiteSources:
    """One centre's part of the site: its pages (centres/<id>/), open data (data/<id>/) and
    attachments, with the search words of its own names and titles.

    ``results`` are the centre's rule results on ``today`` (``pipeline.assemble``:
    ``Validated.results[id]``), ``corrections`` and ``manuals`` its ``Validated.corrections``
    and ``Validated.manuals``: the pages print them as they are. ``results=None`` means none
    were computed (the compliance page says so and the finance pages print no verdicts).
    """
    out = _Out()
    render_centre_into(
        out,
        env or shared_env(),
        ce,
        pack,
        root,
        today=today,
        pdf_paths=pdf_paths,
        site_url=site_url,
        handed=Handed(
            results=None if results is None else tuple(results),
            checked_on=today,
            corrections=tuple(corrections),
            manuals=tuple(manuals),
        ),
    )
    packs = [pack] if pack is not None else []
    return SiteSources(
        out.pages, out.files, out.copies, search_words([ce], packs), tuple(out.notes)
    )


def render_city(
    centres: Sequence[m.Centre],
    packs: Mapping[str, Pack],
    *,
    today: dt.date,
    site_url: str | None,
    corrections: Mapping[str, Sequence[Correction]],
    env: Environment | None = None,
) -> SiteSources:
    """The city pages (home, centres index, open data, about) and the all-centres data files."""
    env = env or shared_env()
    out = _Out()
    centres = sorted_centres(centres)
    disclosures = {ce.id: centre_disclosures(ce, packs.get(ce.rule_pack), today) for ce in centres}
    used_packs = [packs[p] for p in dict.fromkeys(ce.rule_pack for ce in centres) if p in packs]
    # What was published, corrections included (home page, Atom feed).
    published_items = {
        ce.id: disclosures[ce.id] + [correction_item(ce, co) for co in corrections.get(ce.id, ())]
        for ce in centres
    }

    # home page
    page = urls.HOME
    latest = sorted(
        (
            (ce, i)
            for ce in centres
            for i in published_items[ce.id]
            if i.page and i.published and i.published <= today
        ),
        key=lambda x: (x[1].published, x[0].id, x[1].kind, x[1].period),
        reverse=True,
    )[:12]
    overdue = sorted(
        ((ce, i) for ce in centres for i in disclosures[ce.id] if i.overdue),
        key=lambda x: (x[1].due or today, x[0].id, x[1].kind, x[1].period),
        reverse=True,
    )
    home = c.HomePage(
        today=today,
        centres=tuple(_summary(ce, today, page) for ce in centres),
        districts=tuple(dict.fromkeys(ce.district for ce in centres)),
        latest=tuple(_disclosure(ce, i, page) for ce, i in latest),
        overdue=tuple(_disclosure(ce, i, page) for ce, i in overdue),
        overdue_basis=due_basis(centres, packs),
        feed_href=rel(page, urls.FEED),
        data_href=rel(page, urls.OPEN_DATA),
    )
    out.page(page, env.get_template("home.md.j2").render(page=home))

    # centres index
    page = urls.CENTRES_INDEX
    groups: dict[str, list[c.CentreSummary]] = {}
    for ce in centres:
        groups.setdefault(ce.district, []).append(_summary(ce, today, page))
    out.page(
        page,
        env.get_template("centres_index.md.j2").render(
            page=c.CentresIndexPage(tuple((d, tuple(cs)) for d, cs in groups.items()))
        ),
    )

    # open data for all centres
    all_items = [(ce, i) for ce in centres for i in published_items[ce.id]]
    for path, data in opendata.all_centres_files(
        centres, packs, today, site_url, all_items
    ).items():
        out.file(path, data)
    page = urls.OPEN_DATA
    od = c.OpenDataPage(
        files=tuple(
            c.DataFile(c.Link(text, rel(page, path)), desc)
            for text, path, desc in opendata.ALL_FILES
        ),
        centres=tuple(
            (
                ce.name,
                (
                    c.Link("中心信息 JSON", rel(page, urls.data_path(ce.id, "centre"))),
                    c.Link("活动 CSV", rel(page, urls.data_path(ce.id, "activities"))),
                    c.Link("财务 CSV", rel(page, urls.data_path(ce.id, "finance-table"))),
                    c.Link("活动日历 iCalendar", rel(page, urls.data_path(ce.id, "calendar"))),
                ),
            )
            for ce in centres
        ),
        schemas=tuple(c.Link(name, rel(page, urls.schema_path(name))) for name in opendata.SCHEMAS),
    )
    out.page(page, env.get_template("open_data.md.j2").render(page=od))

    about = c.AboutPage(
        today=today,
        packs=tuple(c.Row((p.name, p.document)) for p in used_packs),
        centre_count=len(centres),
    )
    out.page(urls.ABOUT, env.get_template("about.md.j2").render(page=about))
    return SiteSources(
        out.pages,
        out.files,
        out.copies,
        search_words(centres, used_packs, records=False),
        tuple(out.notes),
    )
