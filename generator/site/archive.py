"""A centre's archive page (公示档案): every disclosure with its dates and state, those still to
come or overdue, the annual booklets and the correction notices.

What is not published yet is printed with its due date and words that hold on every day
(最迟应于…公布, ``listing.dated_disclosures``); its state (未到期, 即将到期, 逾期未公布) and the
days left or overdue are computed in the reader's browser (``site.today``), so the page
changes only when a disclosure is published or a new period is listed, not when a due date
comes near or passes."""

from __future__ import annotations

from markupsafe import Markup

from generator import urls
from generator.site import contexts as c
from generator.site.listing import correction_item, dated_disclosures, disclosure
from generator.site.render import CentrePages, rel
from generator.site.today import day_script, word


def render_archive(p: CentrePages) -> None:
    page = p.at("archive")
    listed = dated_disclosures(p.recorded, p.pack, p.today)
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
        as_of=word("no_states"),
        day_data=day_script(due=due) if due else Markup(""),
    )
    p.render("archive.md.j2", page, ctx)
