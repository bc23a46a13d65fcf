"""Page contexts of the website: one frozen dataclass per page kind, what a template may use.

Each page kind's module (``site.profile``, ``site.hours`` … ``site.city``) builds these from
the model and figures; the templates under ``site_templates/site/pages/`` read only their
fields (Jinja2 runs with StrictUndefined).
Every plain ``str`` field holds record text or a figure and is escaped with ``md_escape``
when printed; fields typed ``Safe`` are Markdown or HTML built by gongshi itself (links
between pages, an SVG chart, JSON-LD) and are printed as they are. docs/templates.md lists
every field; ``tests/site/test_site_render.py`` checks that it stays in step with this module.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from markupsafe import Markup

# Text made by gongshi, not taken from a record: printed without escaping.
Safe = Markup


@dataclass(frozen=True)
class Link:
    """A link from the current page: ``text`` is escaped, ``href`` is a relative path."""

    text: str
    href: Safe


@dataclass(frozen=True)
class Row:
    """One table row of plain cells (each cell escaped)."""

    cells: tuple[str, ...]


@dataclass(frozen=True)
class Disclosure:
    """One disclosure (公示事项) of a centre: a plan, a quarter's finance, an audit …"""

    centre_id: str
    centre_name: str
    kind: str  # plan | finance | audit | evaluation | correction
    kind_label: str  # 月度活动计划 … 更正说明
    period: str  # 2026-03, 2026-Q1, 2026; a correction's: finance-2026-Q1-1
    title: str  # 2026年3月活动计划
    published: dt.date | None
    due: dt.date | None
    # 已公布 | 逾期公布 | 未规定期限; a live one: 最迟应于…公布 on a centre's page (the browser
    # puts 未到期 … 逾期未公布 with its days in its place), with its days on the city pages
    # (未到期（还有 N 天） … 逾期未公布（逾期 N 天）)
    state: str
    href: Safe  # from the page it is listed on
    key: str = ""  # plan/2026-03, finance/2026-Q3: the disclosure's key
    live: bool = False  # not published and due on a date: the browser recomputes its state


@dataclass(frozen=True)
class LiveRow:
    """A table row the reader's browser shows or hides by the day (an hours change); every
    row is shown without JavaScript."""

    cells: tuple[str, ...]
    key: str  # what the page's data calls it


@dataclass(frozen=True)
class CorrectionMark:
    """The notice on a corrected disclosure's page: 本公示已于……更正, why, and where to read."""

    date: str  # 2026年5月10日
    reason: str
    link: Link  # the correction notice (更正说明), with the figures as first published


@dataclass(frozen=True)
class CentreHeader:
    """What every page of a centre shows at its top: name and the centre's own menu."""

    id: str
    name: str
    district: str
    street: str
    menu: tuple[Link, ...]


@dataclass(frozen=True)
class CentreSummary:
    """A centre in a list: the centres index and the home page's 记录待更正."""

    id: str
    name: str
    district: str
    street: str
    community: str
    community_type: str
    address: str
    phone: str
    href: Safe | None  # None: the centre has no pages yet (never published)
    # a centre not published by this build: 记录待更正（自2026年11月22日起）
    awaiting: str | None = None


@dataclass(frozen=True)
class DistrictGroup:
    """The centres of one district on the centres index, under a heading of its own."""

    name: str  # the district (其他 for centres whose district cannot be read)
    anchor: Safe  # district-<hash of the name>: the id of its heading, linked from the home page
    centres: tuple[CentreSummary, ...]


@dataclass(frozen=True)
class DistrictLink:
    """A district on the home page's 找中心: how many centres it has, and where they are listed."""

    name: str
    count: int
    href: Safe  # its section of the centres index


@dataclass(frozen=True)
class HomePage:
    """The home page (首页): where to find a centre, latest and overdue disclosures."""

    today: dt.date
    districts: tuple[DistrictLink, ...]
    centre_count: int  # every centre of the centres index
    centres_href: Safe  # the centres index
    activities_href: Safe  # 找活动
    latest: tuple[Disclosure, ...]
    overdue: tuple[Disclosure, ...]
    overdue_basis: str  # how "overdue" is decided, with the clauses
    feed_href: Safe
    data_href: Safe
    awaiting: tuple[CentreSummary, ...] = ()  # the centres whose records await correction


@dataclass(frozen=True)
class CentresIndexPage:
    """The centres index (各中心): every centre, by district then street."""

    groups: tuple[DistrictGroup, ...]
    centre_count: int


@dataclass(frozen=True)
class ServiceGroup:
    """Services offered under one catalogue table (e.g. 表三 社区学校服务)."""

    title: str
    majors: tuple[tuple[str, tuple[str, ...]], ...]  # (大项 title, (细项 titles …))


@dataclass(frozen=True)
class ProfilePage:
    """A centre's profile (中心概况)."""

    header: CentreHeader
    address: str
    community: str
    community_type: str
    contacts: tuple[Row, ...]  # (channel, value)
    feedback: str | None
    operator_name: str
    operator_credit_code: str
    operator_contacts: tuple[Row, ...]
    contract: tuple[Row, ...]  # (item, value)
    funders: tuple[Row, ...]  # (source, yuan)
    floor_area: str
    rooms: tuple[Row, ...]  # (name, area, purpose, accessible)
    staff: tuple[Row, ...]  # (item, count): counts only, never names
    volunteers: tuple[Row, ...]
    services: tuple[ServiceGroup, ...]
    own_services: tuple[Row, ...]  # (title, description)
    paid_services: tuple[Row, ...]  # (title, price, filed with, filed on)
    pack_name: str
    consultation: Link | None  # the printed call for residents' comments on the services
    json_ld: Safe  # a <script type="application/ld+json"> element
    data: tuple[Link, ...]
    # where to read today's opening (a link to the hours page): what the page says without
    # JavaScript; the browser puts the reader's day in its place
    today_status: Safe = Markup("")
    # where to find this week's activities (a link to the month plans), without JavaScript
    week_fallback: Safe = Markup("")
    day_data: Safe = Markup("")  # the data the browser computes today and this week from
    phone: str = ""  # the centre's public phone
    tel: Safe = Markup("")  # tel:0755-02786349, "" when the phone field holds no number
    map_href: Safe = Markup("")  # a map search of the address (a plain https link)
    own_words: str = ""  # the words of the own services, for search only (search.title_words)


@dataclass(frozen=True)
class HoursPage:
    """Opening hours (开放时间): the week, today's status, upcoming changes."""

    header: CentreHeader
    # what the page says without JavaScript (to read today's opening from the week and the
    # changes); the browser puts 今日开放：09:00-12:00 / 今日闭馆（春节） in its place
    today_status: str
    week: tuple[Row, ...]  # (weekday, sessions, hours)
    weekly_hours: str
    upcoming: tuple[LiveRow, ...]  # (dates, change, reason) of every change the records hold
    pdf: Link | None
    data: tuple[Link, ...]
    day_data: Safe = Markup("")  # the data the browser computes today and the changes from


@dataclass(frozen=True)
class CalendarDay:
    """A cell of the month grid: day number (0 = outside the month) and activity titles."""

    day: int
    titles: tuple[str, ...]
    iso: str = ""  # 2026-12-06, for the browser to mark the reader's day; "" outside the month


@dataclass(frozen=True)
class PlanActivity:
    """A planned activity with what happened to it."""

    anchor: Safe  # HTML id of its heading, from the activity id (stable links)
    date: str
    weekday: str
    time: str
    title: str
    room: str
    service: str
    target: str
    capacity: str
    signup: str
    fee: str
    status: str  # 已举办 / 已取消（原因） / 已延期 / 待举办 / 未记录
    attendance: str
    live: bool = False  # no record yet: 待举办 or 未记录 by the day, recomputed in the browser
    description: str = ""  # 活动简介, "" when the plan gives none
    iso: str = ""  # 2026-12-06, for the browser to mark the reader's day
    words: str = ""  # the words inside the title, for search only (search.title_words)


@dataclass(frozen=True)
class AgendaWeek:
    """One week of a month plan's agenda: its label and its activities, in order."""

    label: str  # 第1周（12月1日—12月7日）
    first: str  # its Monday, 2026-11-30 (ISO), for the browser to mark the reader's week
    last: str  # its Sunday (ISO)
    activities: tuple[PlanActivity, ...]


@dataclass(frozen=True)
class PlansIndexPage:
    """The list of a centre's monthly plans (活动计划)."""

    header: CentreHeader
    months: tuple[Row, ...]  # (month, planned, held, published)
    links: tuple[Link, ...]
    calendar: Link


@dataclass(frozen=True)
class PlanPage:
    """A monthly activity plan (月度活动计划): calendar grid, list, planned vs held."""

    header: CentreHeader
    key: str
    title: str
    published: str
    corrections: tuple[CorrectionMark, ...]  # newest last; empty when never corrected
    weeks: tuple[tuple[CalendarDay, ...], ...]
    activities: tuple[PlanActivity, ...]
    unplanned: tuple[Row, ...]  # (date, title, attendance)
    summary: tuple[Row, ...]  # (item, count)
    has_records: bool
    pdf: Link | None
    data: tuple[Link, ...]
    day_data: Safe = Markup("")  # the dates of the activities without a record, for the browser
    json_ld: Safe = Markup("")  # the month's activities as schema.org Events
    agenda: tuple[AgendaWeek, ...] = ()  # the activities grouped by week (Monday first)


@dataclass(frozen=True)
class RatioCheck:
    """A fund-use ratio against its limit in the rule pack."""

    title: str
    period: str
    value: str
    limit: str  # e.g. 不低于 80.00%
    result: str  # 符合 | 不符合 | 无法计算
    citation: str


@dataclass(frozen=True)
class FinancePage:
    """A quarter's finance (季度财务信息)."""

    header: CentreHeader
    key: str
    title: str
    published: str
    corrections: tuple[CorrectionMark, ...]  # newest last; empty when never corrected
    income: tuple[Row, ...]  # (source, yuan)
    income_total: str
    expenditure: tuple[Row, ...]  # (category, item, yuan)
    category_totals: tuple[Row, ...]  # (category, yuan, share)
    expenditure_total: str
    balance: str
    year_to_date: tuple[Row, ...]  # (period, income, spending, balance)
    ratios: tuple[RatioCheck, ...]
    fixed_assets: tuple[Row, ...]
    notes: str | None
    income_chart: Safe
    spending_chart: Safe
    pdf: Link | None
    data: tuple[Link, ...]


@dataclass(frozen=True)
class FinanceIndexPage:
    """The list of a centre's quarterly statements."""

    header: CentreHeader
    quarters: tuple[Row, ...]  # (quarter, income, spending, published)
    links: tuple[Link, ...]


@dataclass(frozen=True)
class AuditPage:
    """An annual audit (年度审计报告)."""

    header: CentreHeader
    year: int
    title: str
    firm: str
    report_number: str
    date: str
    published: str
    corrections: tuple[CorrectionMark, ...]  # newest last; empty when never corrected
    opinion: str
    figures: tuple[Row, ...]  # (item, yuan)
    findings: tuple[str, ...]
    report: Link | None  # the signed report PDF copied from the record's attachment
    pdf: Link | None
    data: tuple[Link, ...]


@dataclass(frozen=True)
class ComplianceItem:
    """One compliance result with its clause."""

    title: str
    result: str
    detail: str
    citation: str


@dataclass(frozen=True)
class EvaluationPage:
    """Evaluation and compliance results (评估与合规) of a year."""

    header: CentreHeader
    year: int
    title: str
    evaluator: str
    date: str
    published: str
    corrections: tuple[CorrectionMark, ...]  # newest last; empty when never corrected
    figures: tuple[Row, ...]  # (item, value)
    entries: tuple[Row, ...]  # (item, points, note)
    summary: str | None
    score_lines: tuple[Row, ...]  # (item, points, max, how it was scored, citation)
    score_result: str  # e.g. 按规则包计算：A（《…》八(四)）, or "" without a scorecard
    compliance: Link
    pdf: Link | None
    data: tuple[Link, ...]


@dataclass(frozen=True)
class CompliancePage:
    """Compliance results (合规检查) of a centre against every rule of its pack."""

    header: CentreHeader
    pack_name: str
    available: bool
    counts: tuple[Row, ...]  # (result, number of rules)
    shortfalls: tuple[ComplianceItem, ...]
    items: tuple[ComplianceItem, ...]
    # the page's data for the browser (no day: it dates the check from data/updated.json);
    # empty when the pack is not available
    day_data: Safe = Markup("")


@dataclass(frozen=True)
class ManualSection:
    """One manual (制度) of the centre's policy collection."""

    title: str
    citations: tuple[str, ...]
    body: Safe  # Markdown rendered by the manuals module from escaped record text
    own_articles: tuple[str, ...]
    href: Safe = Markup("")  # its own page


@dataclass(frozen=True)
class ManualPage:
    """One manual (制度) on its own page, its chapters as the page's sections."""

    header: CentreHeader
    title: str
    citations: tuple[str, ...]
    own_articles: tuple[str, ...]
    body: Safe  # Markdown rendered by the manuals module from escaped record text
    index: Link  # back to the list of manuals
    pdf: Link | None


@dataclass(frozen=True)
class ManualsPage:
    """Policy manuals (制度汇编)."""

    header: CentreHeader
    manuals: tuple[ManualSection, ...]
    available: bool
    pdf: Link | None


@dataclass(frozen=True)
class ArchivePage:
    """Every past disclosure of a centre (公示档案)."""

    header: CentreHeader
    items: tuple[Disclosure, ...]
    pending: tuple[Disclosure, ...]  # not published, with a due date, no page: due or overdue
    booklets: tuple[Link, ...]  # the annual report booklets (年度报告, print PDFs)
    corrections: tuple[Disclosure, ...]  # correction notices (更正说明), newest first
    feed: Link
    as_of: str = ""  # 尚未公布的公示列出应公布日期，是否逾期请对照当天日期。(no day)
    day_data: Safe = Markup("")  # the due dates of the live items, for the browser


@dataclass(frozen=True)
class CorrectionPage:
    """A correction notice (更正说明) of a published disclosure: why, and the figures changed.

    Published figures are never rewritten silently: the corrected disclosure's page shows the
    new figures with a ``CorrectionMark`` linking here, and this page keeps what was
    published before.
    """

    header: CentreHeader
    title: str  # 关于2026年第一季度财务信息的更正说明
    disclosure: Link  # the corrected disclosure's page (now with the corrected figures)
    first_published: str  # 2026年4月15日
    date: str  # date of the correction
    reason: str  # multi-line record text
    approved_by: str  # the approving role (岗位), never a name
    changes: tuple[Row, ...]  # (item, as published, corrected)
    previous: tuple[Row, ...]  # (item, value): every figure as published before this correction
    pdf: Link | None
    data: tuple[Link, ...]


@dataclass(frozen=True)
class DataFile:
    """A published data file and what it holds."""

    link: Link
    description: str


@dataclass(frozen=True)
class OpenDataPage:
    """The open-data page (开放数据): files for all centres and per centre."""

    files: tuple[DataFile, ...]
    centres: tuple[tuple[str, tuple[Link, ...]], ...]
    schemas: tuple[Link, ...]


@dataclass(frozen=True)
class AboutPage:
    """About the site (关于本站): what is published, from which rules, built when."""

    today: dt.date
    packs: tuple[Row, ...]  # (pack name, document)
    centre_count: int


@dataclass(frozen=True)
class CentreActivities:
    """One centre on the city's 找活动 page: the titles of its recent and regular activities."""

    name: str
    district: str
    street: str
    anchor: Safe  # centre-<id>, the id of its heading
    href: Safe  # its profile page
    plans: Safe  # its plans index
    titles: tuple[str, ...]
    words: str  # the words inside the titles, for search only (search.dictionary_words)


@dataclass(frozen=True)
class ActivitiesPage:
    """找活动 (the city pages): what each centre holds, so that search finds the centre."""

    today: dt.date
    centres: tuple[CentreActivities, ...]
