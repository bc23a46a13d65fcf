"""The policy manual book (制度汇编, A4): every manual of the centre as a chapter, its
Markdown (written by people) through ``manuals.md.j2`` and pandoc."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Sequence
from typing import Protocol

from generator import model as m
from generator.packs.library import Pack
from generator.print.contexts import ManualsBook, ManualSection, Markdown, TypstCode
from generator.print.frame import date_text
from generator.print.render import PrintSource, render_layout, render_markdown
from generator.print.typeset import FontSet, markdown_to_typst


class ManualLike(Protocol):
    """What the manual book needs of ``generator.manuals.compose.Manual``."""

    id: str
    title: str
    citations: Sequence[str]
    markdown: str


_HEADING = re.compile(r"^(#{1,5})(?=\s)")
_FENCE = re.compile(r"^\s*(```|~~~)")


def shift_headings(md: str, by: int = 1) -> str:
    """Push every ATX heading of ``md`` ``by`` levels down (outside fenced code)."""
    out, fenced = [], False
    for line in md.splitlines():
        if _FENCE.match(line):
            fenced = not fenced
        elif not fenced:
            line = _HEADING.sub(lambda mt: mt.group(1) + "#" * by, line)
        out.append(line)
    return "\n".join(out) + ("\n" if md.endswith("\n") else "")


def manual_body(md: str) -> str:
    """A manual's Markdown under the book's own heading: its leading H1 title dropped, and
    every heading pushed one level down if another H1 remains."""
    lines = md.lstrip("\n").splitlines()
    if lines and re.match(r"#\s", lines[0]):
        lines = lines[1:]
    rest = "\n".join(lines).strip("\n") + "\n"
    fenced = False
    for line in rest.splitlines():
        if _FENCE.match(line):
            fenced = not fenced
        elif not fenced and re.match(r"#\s", line):
            return shift_headings(rest, 1)
    return rest


def build_manuals(
    centre: m.Centre, pack: Pack | None, manuals: Iterable[ManualLike]
) -> ManualsBook:
    """The policy manual book: every manual of ``render_manuals``, one chapter each."""
    manuals = list(manuals)
    sections = tuple(
        ManualSection(mn.title, tuple(mn.citations), Markdown(manual_body(mn.markdown)))
        for mn in manuals
    )
    dates = [
        d for d in (getattr(mn, "effective", None) for mn in manuals) if isinstance(d, dt.date)
    ]
    date = max(dates) if dates else None
    return ManualsBook(
        centre_name=centre.name,
        issuer=centre.operator.name,
        pack_name=pack.name if pack else "",
        date=date,
        date_text=date_text(date),
        sections=sections,
    )


def render_manual_book(ctx: ManualsBook, fonts: FontSet) -> PrintSource:
    """The policy manual book (A4) from its context."""
    body = TypstCode(markdown_to_typst(render_markdown("manuals", ctx)))
    source = render_layout("manuals", b=ctx, fonts=fonts, body=body)
    return PrintSource(source, {})
