"""What every page of the site shares: the Markdown environment, links and dates, the outputs
being gathered, and the base of a centre's pages (its header, PDF and data links, correction
notices).

Escaping: the Jinja2 environment escapes every printed value with ``md_escape`` unless it is
``Markup`` (text made by gongshi: links between pages, SVG, JSON-LD). So record text is data,
never markup, even when a template forgets a filter. Inside raw HTML blocks the templates
print text with the ``html`` filter and attribute values with ``attr`` (``text.escape``).
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from jinja2 import Environment, FileSystemLoader, StrictUndefined
from markupsafe import Markup

from generator import model as m
from generator import urls
from generator.compliance import RuleResult
from generator.errors import BuildFailed
from generator.ledger.published import Correction
from generator.packs.library import Pack
from generator.paths import TEMPLATES as SITE_TEMPLATES
from generator.site import contexts as c
from generator.site.rawblocks import RAW_END, RAW_START
from generator.text import formats as fmt
from generator.text.escape import html_attr, html_text, md_escape, md_escape_block
from generator.text.labels import DISCLOSURE_LABELS, POSTING_LABELS

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
class Out:
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


# ---------------------------------------------------------------- the Markdown environment


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
    env.filters["html"] = lambda v: Markup(html_text(v))  # text in a raw HTML block
    env.filters["attr"] = lambda v: Markup(html_attr(v))  # a double-quoted attribute value
    env.filters["date"] = date_cn
    env.filters["yaml"] = yaml_text
    env.filters["nw"] = nowrap_html  # a table cell: html, numbers and dates kept on one line
    env.globals["raw_start"] = Markup(RAW_START)  # the lines around a raw HTML block (raw())
    env.globals["raw_end"] = Markup(RAW_END)
    return env


# A number with what belongs to it — a date, a time span, a phone number, an amount with its
# unit — which a narrow table cell must not break in the middle (2026年11 / 月27日).
UNBROKEN = re.compile(
    r"(?<![A-Za-z0-9])\+?\d[\d,.:/\-]*(?:\s?(?:年\d{1,2}月(?:\d{1,2}日)?|月\d{1,2}日"
    r"|平方米|万元|元|人次|人|场|小时|天|个|岁|%|％|分))?(?![A-Za-z0-9])"
)


def nowrap_html(value: Any) -> Markup:
    """``html_text`` of ``value`` with each number and what belongs to it in a
    ``<span class="gs-nw">`` (white-space: nowrap); markup made by gongshi is kept as it is."""
    if hasattr(value, "__html__") or value is None:
        return Markup(html_text(value if value is not None else ""))
    text = str(value)
    out, last = [], 0
    for mo in UNBROKEN.finditer(text):
        if len(mo.group(0)) < 3:
            continue
        out.append(html_text(text[last : mo.start()]))
        out.append(f'<span class="gs-nw">{html_text(mo.group(0))}</span>')
        last = mo.end()
    out.append(html_text(text[last:]))
    return Markup("".join(out))


def yaml_text(value: Any) -> Markup:
    """A YAML double-quoted scalar of ``value`` for a page's front matter (title,
    description): any text reads back as itself, never as YAML or Markdown."""
    dumped = yaml.safe_dump(str(value), allow_unicode=True, default_style='"', width=10**9)
    return Markup(dumped.strip())


@functools.cache
def shared_env() -> Environment:
    """One environment of the page templates per process (templates compiled once)."""
    return make_env()


# ---------------------------------------------------------------- links and dates


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


def correction_period(co: Correction) -> str:
    """The period of a correction's page and PDF: ``finance-2026-Q1-1``."""
    return urls.correction_period(co.kind, co.period, co.number)


def correction_page(co: Correction) -> str:
    """Docs path of a correction notice: centres/<id>/corrections/finance-2026-Q1-1.md."""
    return urls.page(co.centre, "correction", correction_period(co))


# ---------------------------------------------------------------- the pages of a centre


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


class CentrePages:
    """What every page of one centre shares: where its pages and data files go, its header,
    its PDF and data links, the correction notices of its disclosures. Each page kind's module
    renders its pages through one of these.

    ``centre`` is the centre as published on ``today`` (``calendar.published_on``: no record
    published after the day); ``recorded`` every record of it, for the lists of what is
    still to come. ``today`` is the day the pages are made: they print nothing of it beyond
    the centre's day state (generator.build.days); what depends on the reader's day is
    computed in the reader's browser (``site.today``)."""

    def __init__(
        self,
        env: Environment,
        centre: m.Centre,
        pack: Pack | None,
        root: Path,
        today: dt.date,
        pdf_paths: frozenset[str],
        site_url: str | None,
        out: Out,
        handed: Handed,
        recorded: m.Centre | None = None,
    ) -> None:
        self.env, self.centre, self.pack, self.root = env, centre, pack, root
        self.recorded = recorded or centre
        self.today, self.pdf_paths, self.site_url = today, pdf_paths, site_url
        self.out = out
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

    def render(self, template: str, page: str, ctx: object) -> None:
        """Render ``template`` with ``ctx`` as ``page`` into ``page``."""
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
