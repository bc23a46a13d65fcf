"""A centre's archive page (公示档案): every disclosure with its dates and state, those still to
come or overdue, the annual booklets and the correction notices.

What is not published yet is printed with its state (未到期, 即将到期, 逾期未公布: part of the
centre's day state, as the site was last updated); the days left or overdue are computed in
the reader's browser (``site.today``)."""

from __future__ import annotations

from markupsafe import Markup

from generator import urls
from generator.site import contexts as c
from generator.site.listing import centre_disclosures, correction_item, disclosure
from generator.site.render import CentrePages, rel
from generator.site.today import day_script, word


def render_archive(p: CentrePages) -> None:
    page = p.at("archive")
    listed = centre_disclosures(p.recorded, p.pack, p.today, days=False)
    items = tuple(disclosure(p.centre, i, page) for i in listed if i.page)
    pending = tuple(disclosure(p.centre, i, page) for i in listed if i.live and not i.page)
    years = sorted({i.period[:4] for i in listed if i.page}, reverse=True)
    booklets = tuple(link for y in years if (link := p.pdf(page, "annual", y)))
    corrections = tuple(
        disclosure(p.centre, correction_item(p.centre, co), page)
        for co in sorted(
            p.corrections, key=lambda x: (x.date, x.disclosure, x.number), reverse=True
        )
    )
    due = {i.key: i.due.isoformat() for i in listed if i.live and i.due is not None}
    ctx = c.ArchivePage(
        header=p.header(page),
        items=items,
        pending=pending,
        booklets=booklets,
        corrections=corrections,
        feed=c.Link("订阅公示更新（Atom）", rel(page, urls.FEED)),
        as_of=word("states", when=word("last_update")),
        day_data=day_script(due=due) if due else Markup(""),
    )
    p.render("archive.md.j2", page, ctx)
