"""A centre's correction notices (更正说明): one page per correction in its ledger, and each
correction as the open data gives it."""

from __future__ import annotations

from generator import urls
from generator.ledger.published import Correction
from generator.print.correction import change_rows, correction_title, correction_value
from generator.site import contexts as c
from generator.site.render import CentrePages, correction_page, correction_period, date_cn, rel


def correction_data(co: Correction) -> dict:
    """A correction in the open data: figures as the ledger holds them (money "9800.00")."""
    return {
        "disclosure": co.disclosure,
        "title": co.title,
        "number": co.number,
        "first_published": co.first_published.isoformat(),
        "date": co.date.isoformat(),
        "reason": co.reason,
        "approved_by": co.approved_by,
        "page": urls.page_url(correction_page(co)),
        "changes": [{"item": ch.label, "old": ch.old, "new": ch.new} for ch in co.changes],
        "previous": [{"item": r.label, "value": r.value} for r in co.old_figures],
    }


def render_correction(p: CentrePages, co: Correction) -> None:
    """A correction notice (更正说明): reason, role, changed figures, the old version."""
    page = correction_page(co)
    target = p.at(co.kind, co.period)
    ctx = c.CorrectionPage(
        header=p.header(page),
        title=correction_title(co),
        disclosure=c.Link(co.title, rel(page, target)),
        first_published=date_cn(co.first_published),
        date=date_cn(co.date),
        reason=co.reason,
        approved_by=co.approved_by,
        changes=tuple(c.Row(cells) for cells in change_rows(co)),
        previous=tuple(
            c.Row((r.label, correction_value(co.kind, r.value))) for r in co.old_figures
        ),
        pdf=p.pdf(page, "correction", correction_period(co)),
        data=p.data_links(page, ("全部更正说明（中心信息 JSON 的 corrections）", p.data("centre"))),
    )
    p.render("correction.md.j2", page, ctx)
