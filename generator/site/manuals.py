"""A centre's policy manuals (制度汇编): the list of its manuals, and one page per manual as
``generator.manuals`` made it, with the articles the centre wrote itself (one manual a page:
a phone reader opens the one they need, with its chapters as the page's contents)."""

from __future__ import annotations

import re

from markupsafe import Markup

from generator import urls
from generator.site import contexts as c
from generator.site.render import CentrePages, rel


def demote_headings(markdown: str) -> str:
    """Shift a manual's headings two levels down so they sit under the page's own."""
    return re.sub(
        r"^(#{1,4}) ",
        lambda mo: "#" * min(len(mo.group(1)) + 2, 6) + " ",
        markdown,
        flags=re.MULTILINE,
    )


def manual_body(title: str, markdown: str) -> str:
    """A manual's Markdown under its own page's title: its first heading dropped when it
    repeats the title (its chapters, ``##``, become the page's sections; any other ``#``
    heading becomes one of them too)."""
    lines = markdown.lstrip("\n").split("\n")
    if lines and re.fullmatch(r"#\s+" + re.escape(title.strip()) + r"\s*", lines[0].strip()):
        lines = lines[1:]
    return re.sub(r"^# ", "## ", "\n".join(lines), flags=re.MULTILINE)


def manual_page(centre_id: str, manual_id: str) -> str:
    """Docs path of one manual's page: centres/<id>/manuals/<manual id>.md."""
    slug = re.sub(r"[^a-z0-9-]+", "-", manual_id.lower()).strip("-") or "manual"
    return urls.page(centre_id, "manual", slug)


def render_manuals(p: CentrePages) -> None:
    page = p.at("manuals")
    manuals = p.manuals_made if p.pack is not None else None
    sections = []
    for man in manuals or ():
        own = tuple(a.title for a in man.articles if a.own)
        target = manual_page(p.centre.id, man.id)
        sections.append(
            c.ManualSection(
                title=man.title,
                citations=tuple(man.citations),
                body=Markup(demote_headings(man.markdown)),
                own_articles=own,
                href=rel(page, target),
            )
        )
        p.render(
            "manual.md.j2",
            target,
            c.ManualPage(
                header=p.header(target),
                title=man.title,
                citations=tuple(man.citations),
                own_articles=own,
                body=Markup(manual_body(man.title, man.markdown)),
                index=c.Link("全部制度", rel(target, page)),
                pdf=p.pdf(target, "manuals"),
            ),
        )
    ctx = c.ManualsPage(
        header=p.header(page),
        manuals=tuple(sections),
        available=bool(manuals),
        pdf=p.pdf(page, "manuals"),
    )
    p.render("manuals.md.j2", page, ctx)
