"""Print contexts: one frozen dataclass per print kind, what a print template may use.

Each kind's module (``print.hours_plan``, ``print.finance_audit``, ``print.evaluation``,
``print.consultation``, ``print.correction``, ``print.annual``, ``print.manuals``) builds
these from the model, the rule pack and the figures; the templates under
``site_templates/print/`` read only their fields (Jinja2 runs with StrictUndefined).

Every plain ``str`` field holds record text or a figure formatted for print, and the
template environment escapes it on output without the template having to ask:
``typst_escape_line`` in the bodies (``*.body.typ.j2``: one line, as a value in Markdown),
``typst_escape`` in the layouts (``*.typ.j2``), ``md_escape`` in the manual book's Markdown
(``manuals.md.j2``). Fields typed :class:`Markdown` or :class:`TypstCode` are made by
gongshi itself (a body rendered from its template, pandoc's output, a manual's Markdown as
``generator.manuals.compose`` rendered it) and are printed as they are.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass


class Markdown(str):
    """Markdown written by gongshi (not record text): printed unescaped in ``manuals.md.j2``."""

    __slots__ = ()


class TypstCode(str):
    """Typst markup or code written by gongshi: printed unescaped in ``*.typ.j2``."""

    __slots__ = ()


# ---------------------------------------------------------------------------------------------
# What every noticeboard posting has
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class PostingPeriod:
    """The posting period (公示期) and where its length comes from.

    ``start``/``end`` are None when the record has no publication date yet: the posting then
    says the period runs from the day it is put up, and staff write the date by hand.
    """

    start: dt.date | None
    end: dt.date | None
    standing: bool  # 长期公示: stays up until the content changes
    text: str  # e.g. 2026年4月15日至2026年4月21日（共7日）, as printed after 公示期：
    citation: str | None  # the pack's clause setting the length (printed in ``text``); None
    # for the lengths docs/print.md explains (plan to its month's end, 7 days, 长期公示)


@dataclass(frozen=True)
class NoticeFrame:
    """What every noticeboard posting prints around its body: 版头, 公示期, 反馈, 落款, QR code."""

    centre_name: str
    title: str  # the subject line under the centre name, e.g. 2026年第一季度财务信息公示
    issuer: str  # 落款: the operator (运营主体)
    date: dt.date | None  # 成文日期; None prints a blank date to fill in by hand
    date_text: str  # 2026年4月15日, or blanks
    posting: PostingPeriod
    phone: str  # the centre's public phone
    feedback: str | None  # contact.feedback: how residents send comments or objections
    email: str | None
    url: str  # the page of this disclosure on the website (the QR code's target); "" for none
    qr_file: str  # file name of the QR code SVG handed to the compiler


@dataclass(frozen=True)
class Row:
    """One table row of plain cells (each cell escaped on output).

    ``level`` 1 marks a line item under the row above it (printed indented); ``strong`` a
    total or category row (printed bold).
    """

    cells: tuple[str, ...]
    level: int = 0
    strong: bool = False


@dataclass(frozen=True)
class RatioLine:
    """A fund-use ratio rule's findings (经费使用比例), one per column of a table.

    Every value, limit and verdict is the finding's, as ``gongshi check`` reports it
    (``generator.text.verdicts``); a column the rule has no finding for shows —.
    """

    title: str  # the rule's title, e.g. 人员与场地经费占比
    periods: tuple[str, ...]  # the period of each column, e.g. 2026年第一季度, 2026年1-6月
    values: tuple[str, ...]  # the share per column as the check showed it (79.995%), or —
    limit: str  # 不低于 80%
    results: tuple[str, ...]  # the verdict per column: 符合 / 不符合 / 缺少数据 …, or —
    failed: tuple[bool, ...]  # per column: whether the finding is a shortfall
    citation: str  # 《…》七(一)


# ---------------------------------------------------------------------------------------------
# The postings
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class HoursNotice:
    """Opening hours posting (开放时间公示)."""

    frame: NoticeFrame
    week: tuple[Row, ...]  # (weekday, sessions, hours)
    weekly_hours: str  # e.g. 每周开放 78 小时
    # (dates, arrangement, reason): the record's changes ending on or after the day printed
    # and the statutory holiday breaks of the year ahead, in date order
    exceptions: tuple[Row, ...]
    unannounced: tuple[int, ...]  # years listed whose holiday arrangement is not announced yet
    citation: str | None  # the rule that asks for the hours to be posted, when the pack has one


@dataclass(frozen=True)
class PlanNotice:
    """Monthly activity plan posting (月度活动计划公示)."""

    frame: NoticeFrame
    month_label: str  # 2026年3月
    activities: tuple[Row, ...]  # (day, time, title, room, target, capacity, [signup,] fee)
    signup_column: bool  # whether rows have a sign-up cell (a letter of ``signups`` or text)
    signups: tuple[Row, ...]  # (letter, how to sign up); one row with letter "" when all agree
    count: int
    free_count: int
    themed_count: int
    themed_mark: str  # follows a themed activity's title (主题活动), explained under the table


@dataclass(frozen=True)
class FinanceNotice:
    """Quarterly finance posting (季度财务信息公示)."""

    frame: NoticeFrame
    period_label: str  # 2026年第一季度
    columns: tuple[str, ...]  # period column heads: 本季度 [, 1-6月]
    money_columns: tuple[str, ...]  # the same with the unit: 本季度（元）
    income: tuple[Row, ...]  # (source, amount per column …)
    income_total: Row
    expenditure: tuple[Row, ...]  # category rows and their line items (indented)
    expenditure_total: Row
    balance: Row
    ratios: tuple[RatioLine, ...]
    ratio_basis: str  # what the ratios are shares of
    fixed_assets: tuple[Row, ...]  # (name, amount, date)
    notes: str | None
    citation: str | None  # the disclosure rule (七(三))


@dataclass(frozen=True)
class AuditNotice:
    """Annual audit posting (年度审计报告公示)."""

    frame: NoticeFrame
    year: int
    facts: tuple[Row, ...]  # (item, value): firm, report number, date, opinion
    amounts: tuple[Row, ...]  # (item, yuan)
    ratios: tuple[RatioLine, ...]
    findings: tuple[str, ...]
    surplus_note: str | None  # what happens to the surplus, with its clause
    has_report_pdf: bool
    citation: str | None


@dataclass(frozen=True)
class EvaluationNotice:
    """Evaluation result posting (评估结果公示)."""

    frame: NoticeFrame
    year: int
    facts: tuple[Row, ...]  # (item, value): evaluator, date, score, grade, previous grade
    satisfaction: tuple[Row, ...]  # (item, value)
    entries: tuple[Row, ...]  # (item, points, note)
    summary: str | None
    bands: tuple[Row, ...]  # (grade, score range) from the pack
    bands_citation: str | None
    consequences: tuple[str, ...]  # what the grade means for the contract, from the pack


@dataclass(frozen=True)
class ConsultMajor:
    """A 大项 offered by the centre, with the 细项 under it."""

    code: str
    title: str
    items: tuple[Row, ...]  # (code, title)


@dataclass(frozen=True)
class ConsultTable:
    """A catalogue table (e.g. 表三) with the centre's 大项 under it."""

    label: str  # 表三 社区妇女儿童及家庭公共服务内容建议表
    majors: tuple[ConsultMajor, ...]


@dataclass(frozen=True)
class ConsultationNotice:
    """Service items put out for residents' comment (服务项目征询意见公示)."""

    frame: NoticeFrame
    tables: tuple[ConsultTable, ...]
    major_count: int
    item_count: int
    own: tuple[Row, ...]  # (title, description)
    paid: tuple[Row, ...]  # (title, price and unit)
    citation: str | None  # the clause asking for comment before the 大项 are fixed
    quote: str | None


@dataclass(frozen=True)
class CorrectionNotice:
    """A correction of a published disclosure (更正说明): why, who approved, what changed.

    Posted like the disclosure it corrects; the title reads 关于……的更正说明. Values in
    ``changes`` are as recorded in the ledger (money with two decimals, printed with
    thousands separators); a value that was not there prints as （无）.
    """

    frame: NoticeFrame
    disclosure_title: str  # the corrected disclosure, e.g. 2026年第一季度财务信息
    first_published: str  # when it was first published, e.g. 2026年4月15日
    date: str  # the date of the correction
    number: int  # 1 for the first correction of this disclosure, 2 for the second …
    reason: str  # why (multi-line record text)
    approved_by: str  # the approving role (岗位), never a name
    changes: tuple[Row, ...]  # (item, as published, corrected)
    value_align: str  # "r" when every changed value is a number, else "l"


# ---------------------------------------------------------------------------------------------
# Books
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Chart:
    """An SVG chart handed to the compiler as a file."""

    file: str  # chart-finance.svg
    caption: str


@dataclass(frozen=True)
class AnnualReport:
    """The annual report booklet (年度报告) of a centre for one year."""

    centre_name: str
    year: int
    issuer: str
    date: dt.date | None
    date_text: str
    url: str  # the centre's archive page on the website; "" when no site address is known
    qr_file: str
    phone: str
    email: str | None
    feedback: str | None
    profile: tuple[Row, ...]  # (item, value)
    rooms: tuple[Row, ...]  # (name, area, purpose)
    hours: tuple[Row, ...]  # (weekday, sessions)
    weekly_hours: str
    staff: tuple[Row, ...]  # (item, count): counts only, never names
    volunteers: tuple[Row, ...]
    services: tuple[Row, ...]  # (table, 大项 count, 细项 count)
    own_services: tuple[Row, ...]  # (title, description)
    paid_services: tuple[Row, ...]  # (title, price)
    months: tuple[Row, ...]  # (month, planned, held, cancelled, unplanned, attendance)
    months_total: Row
    volume: tuple[Row, ...]  # (table, individual, group)
    activity_chart: Chart | None
    quarter_columns: tuple[str, ...]  # Q1 … Q4 present, then 全年 when all four
    # 收入 (sub-heading), sources, 收入合计, 支出 (sub-heading), categories, 支出合计, 结余
    finance: tuple[Row, ...]
    ratios: tuple[RatioLine, ...]
    ratio_basis: str
    finance_chart: Chart | None
    audit: AuditNotice | None
    evaluation: EvaluationNotice | None
    charts: tuple[Chart, ...]


@dataclass(frozen=True)
class ManualSection:
    """One policy (制度) of the book: its title, the clauses it answers, its text."""

    title: str
    citations: tuple[str, ...]
    body: Markdown  # the manual's Markdown as render_manuals wrote it


@dataclass(frozen=True)
class ManualsBook:
    """The policy manual book (制度汇编) of a centre."""

    centre_name: str
    issuer: str
    pack_name: str
    date: dt.date | None  # the latest effective date of the policies
    date_text: str
    sections: tuple[ManualSection, ...]
