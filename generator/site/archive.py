"""A centre's archive page (公示档案): every disclosure with its dates and state, the overdue
ones, the annual booklets and the correction notices."""

from __future__ import annotations

from generator import urls
from generator.site import contexts as c
from generator.site.listing import centre_disclosures, correction_item, disclosure
from generator.site.render import CentrePages, rel


def render_archive(p: CentrePages) -> None:
    page = p.at("archive")
    listed = centre_disclosures(p.centre, p.pack, p.today)
    items = tuple(disclosure(p.centre, i, page) for i in listed if i.page)
    overdue = tuple(disclosure(p.centre, i, page) for i in listed if i.overdue)
    years = sorted({i.period[:4] for i in listed}, reverse=True)
    booklets = tuple(link for y in years if (link := p.pdf(page, "annual", y)))
    corrections = tuple(
        disclosure(p.centre, correction_item(p.centre, co), page)
        for co in sorted(
            p.corrections, key=lambda x: (x.date, x.disclosure, x.number), reverse=True
        )
    )
    ctx = c.ArchivePage(
        header=p.header(page),
        items=items,
        overdue=overdue,
        booklets=booklets,
        corrections=corrections,
        feed=c.Link("订阅公示更新（Atom）", rel(page, urls.FEED)),
    )
    p.render("archive.md.j2", page, ctx)
