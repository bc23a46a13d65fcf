"""A centre's policy manuals page (制度汇编): every manual as ``generator.manuals`` made it,
with the articles the centre wrote itself."""

from __future__ import annotations

import re

from markupsafe import Markup

from generator.site import contexts as c
from generator.site.render import CentrePages


def demote_headings(markdown: str) -> str:
    """Shift a manual's headings two levels down so they sit under the page's own."""
    return re.sub(
        r"^(#{1,4}) ",
        lambda mo: "#" * min(len(mo.group(1)) + 2, 6) + " ",
        markdown,
        flags=re.MULTILINE,
    )


def render_manuals(p: CentrePages) -> None:
    page = p.at("manuals")
    manuals = p.manuals_made if p.pack is not None else None
    sections = tuple(
        c.ManualSection(
            title=man.title,
            citations=tuple(man.citations),
            body=Markup(demote_headings(man.markdown)),
            own_articles=tuple(a.title for a in man.articles if a.own),
        )
        for man in manuals or ()
    )
    ctx = c.ManualsPage(
        header=p.header(page),
        manuals=sections,
        available=bool(manuals),
        pdf=p.pdf(page, "manuals"),
    )
    p.render("manuals.md.j2", page, ctx)
