"""Print contexts → Typst source (no file I/O): the template environments, table rows, the QR
code and the noticeboard posting.

Each print kind goes through three steps:

1. ``build_<kind>(centre, pack, ...)`` makes its context dataclass (``print.contexts``) from
   the model, the rule pack and the figures, in the kind's module: ``hours_plan`` (opening
   hours, monthly plan), ``finance_audit`` (quarterly finance, annual audit), ``evaluation``,
   ``consultation``, ``correction``, ``annual`` (the booklet) and ``manuals`` (the manual
   book); what every posting prints around its body (``frame``: posting period, 落款, the
   rule it answers) is in ``frame``;
2. its body template (``site_templates/print/<kind>.body.typ.j2``) turns the context straight
   into a Typst body: the postings and the annual report are gongshi's own text over typed
   values, so no Markdown and no pandoc process is involved. Only the manual book, whose
   Markdown is written by people (content/manuals and the centres' own changes), goes
   through ``manuals.md.j2`` and pandoc (``typeset.markdown_to_typst``);
3. its layout template (``site_templates/print/<layout>.typ.j2``) wraps the body with the
   page set-up, fonts, title, posting period, 落款 and QR code.

``render_notice`` (here), ``annual.render_annual`` and ``manuals.render_manual_book`` return
a :class:`PrintSource`: the Typst source and the files it uses (the QR code, charts), ready
for ``typeset.Typesetter.compile``. Record text is data everywhere: every template
environment escapes every value it prints (``typst_escape_line`` in bodies, where a value is
one line as in Markdown; ``typst_escape`` in layouts; ``md_escape`` in the manual book's
Markdown) unless it is :class:`~generator.print.contexts.TypstCode` / ``Markdown`` made by
gongshi. A body has the shape pandoc's typst writer gave it before (tables as
``#figure(table(...), kind: table)`` with a header row and a rule), so the layouts' show
rules apply unchanged.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

import jinja2
import segno

from generator.paths import PRINT_TEMPLATES
from generator.print.contexts import (
    AuditNotice,
    ConsultationNotice,
    CorrectionNotice,
    EvaluationNotice,
    FinanceNotice,
    HoursNotice,
    Markdown,
    NoticeFrame,
    PlanNotice,
    Row,
    TypstCode,
)
from generator.print.typeset import (
    FontSet,
    typst_escape,
    typst_escape_block,
    typst_escape_line,
    typst_string,
)
from generator.text.escape import md_escape, md_escape_block

TEMPLATES = PRINT_TEMPLATES

QR_FILE = "qr.svg"


@dataclass(frozen=True)
class PrintSource:
    """A document ready to compile: Typst source and the files it reads."""

    source: str
    files: Mapping[str, bytes] = field(default_factory=dict)


# ---------------------------------------------------------------------------------------------
# Templates
# ---------------------------------------------------------------------------------------------


def _md_finalize(value: Any) -> str:
    if isinstance(value, Markdown):
        return value
    return md_escape(value)


def _typ_finalize(value: Any) -> str:
    if isinstance(value, TypstCode):
        return value
    if value is None:
        return ""
    return typst_escape(str(value))


def _body_finalize(value: Any) -> str:
    if isinstance(value, TypstCode):
        return value
    return typst_escape_line(value)


_FINALIZE = {"md": _md_finalize, "typ": _typ_finalize, "body": _body_finalize}


@lru_cache(maxsize=3)
def _environment(kind: str) -> jinja2.Environment:
    """The template environment of ``kind``: "md" (the manual book's Markdown), "typ"
    (layouts) or "body" (posting and report bodies). One per process: the compiled templates
    are kept in it, and they hold nothing of a centre."""
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(TEMPLATES)),
        undefined=jinja2.StrictUndefined,
        autoescape=False,
        finalize=_FINALIZE[kind],
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
        auto_reload=False,
    )
    if kind == "md":
        env.filters["block"] = lambda v: Markdown(md_escape_block(v))
    else:
        env.filters["str"] = lambda v: TypstCode(typst_string(str(v)))
        env.filters["date"] = _typst_date
        env.filters["block"] = lambda v: TypstCode(typst_escape_block(v))
        env.filters["row"] = typst_row
    return env


#: Indent of a line item under its category row: two ideographic spaces (a table cell has no
#: paragraph indent of its own).
ROW_INDENT = "\u3000\u3000"


def typst_row(row: Row) -> TypstCode:
    """One table row as Typst cells (``[a], [b],``), every cell escaped as one line; a
    ``strong`` row's non-empty cells bold, a ``level`` 1 row's first cell indented."""
    out = []
    for i, text in enumerate(row.cells):
        cell = typst_escape_line(text)
        if row.strong and cell:
            cell = f"#strong[{cell}]"
        if i == 0 and row.level:
            cell = ROW_INDENT + cell
        out.append(f"[{cell}],")
    return TypstCode("    " + " ".join(out))


def _typst_date(day: dt.date | None) -> TypstCode:
    if day is None:
        return TypstCode("none")
    return TypstCode(f"datetime(year: {day.year}, month: {day.month}, day: {day.day})")


def render_markdown(template: str, ctx: Any) -> str:
    """Render ``<template>.md.j2`` with ``ctx`` as ``c`` (the manual book)."""
    return _environment("md").get_template(f"{template}.md.j2").render(c=ctx)


def render_body(template: str, ctx: Any) -> TypstCode:
    """Render ``<template>.body.typ.j2`` with ``ctx`` as ``c``: a posting's or report's body."""
    return TypstCode(_environment("body").get_template(f"{template}.body.typ.j2").render(c=ctx))


def render_layout(template: str, **values: Any) -> str:
    """Render ``<template>.typ.j2`` with the given values."""
    return _environment("typ").get_template(f"{template}.typ.j2").render(**values)


# ---------------------------------------------------------------------------------------------
# The QR code and the noticeboard posting
# ---------------------------------------------------------------------------------------------

#: The QR mask pattern. segno would try all eight and keep the one its penalty score likes
#: best, which is most of the time a code takes; every mask gives a valid code that readers
#: decode (the mask number is written into the code's format information).
QR_MASK = 0


@lru_cache(maxsize=1024)
def qr_svg(url: str) -> bytes:
    """The QR code of ``url`` as SVG (segno; medium error correction, 4-module quiet zone)."""
    buf = io.BytesIO()
    segno.make(url, error="m", micro=False, mask=QR_MASK).save(
        buf, kind="svg", xmldecl=False, border=4, scale=4
    )
    return buf.getvalue()


NOTICE_KINDS = {
    HoursNotice: "hours",
    PlanNotice: "plan",
    FinanceNotice: "finance",
    AuditNotice: "audit",
    EvaluationNotice: "evaluation",
    ConsultationNotice: "consultation",
    CorrectionNotice: "correction",
}


def render_notice(ctx: Any, fonts: FontSet) -> PrintSource:
    """A noticeboard posting (A4, GB/T 9704 layout) from its context."""
    kind = NOTICE_KINDS[type(ctx)]
    f: NoticeFrame = ctx.frame
    source = render_layout("notice", f=f, fonts=fonts, body=render_body(kind, ctx), kind=kind)
    return PrintSource(source, {QR_FILE: qr_svg(f.url)} if f.url else {})
