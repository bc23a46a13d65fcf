"""Disclosures as the site lists them: each centre's disclosures with their state and due date
(``generator.figures.calendar``), its corrections among them once published, and how due dates
are set. The archive, the home page, the Atom feed and the open data list these."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from markupsafe import Markup

from generator import model as m
from generator import urls
from generator.figures.calendar import (
    STATE_LABELS,
    deadline_rules,
    deadline_text,
    disclosure_states,
)
from generator.ledger.published import Correction
from generator.packs.library import Pack
from generator.print.correction import correction_title
from generator.site import contexts as c
from generator.site.render import correction_page, correction_period, rel
from generator.text.labels import DISCLOSURE_LABELS


@dataclass(frozen=True)
class Item:
    """A disclosure of a centre before it gets hrefs relative to a page."""

    kind: str
    period: str
    title: str
    published: dt.date | None
    due: dt.date | None
    state: str  # Chinese label of due.STATE_LABELS
    overdue: bool  # past its due date and not published (逾期未公布)
    page: str | None  # docs path of its page; None when the record is missing
    sort: dt.date


def centre_disclosures(centre: m.Centre, pack: Pack | None, today: dt.date) -> list[Item]:
    """Every disclosure of a centre on ``today`` (generator.figures.calendar), newest first."""
    out = []
    for d in disclosure_states(centre, pack, today):
        if not d.recorded and d.state != "missing":
            continue  # future periods are not listed on the site
        page = urls.page(centre.id, d.kind, d.period) if d.recorded else None
        out.append(
            Item(
                d.kind,
                d.period,
                d.title,
                d.published,
                d.due,
                d.state_label,
                d.state == "missing",
                page,
                d.published or d.due or dt.date.min,
            )
        )
    return sorted(out, key=lambda i: (i.sort, i.kind, i.period), reverse=True)


def correction_item(centre: m.Centre, co: Correction) -> Item:
    """A correction as a published item of the centre (archive, home page, Atom feed)."""
    return Item(
        "correction",
        correction_period(co),
        correction_title(co),
        co.date,
        None,
        STATE_LABELS["published"],
        False,
        correction_page(co),
        co.date,
    )


def due_basis(centres: Iterable[m.Centre], packs: Mapping[str, Pack]) -> str:
    """How due dates are set, with the clauses, for the home page's overdue list."""
    seen: list[str] = []
    for ce in centres:
        rules = deadline_rules(packs.get(ce.rule_pack))
        for kind, rule in rules.items():
            text = deadline_text(rule, kind)
            if rule is None or text is None:
                continue
            line = f"{DISCLOSURE_LABELS[kind]}{text}（{rule.citation}）"
            if line not in seen:
                seen.append(line)
    return "；".join(seen)


def disclosure(centre: m.Centre, item: Item, page: str) -> c.Disclosure:
    """An item as the page ``page`` lists it, its link relative to that page."""
    return c.Disclosure(
        centre_id=centre.id,
        centre_name=centre.name,
        kind=item.kind,
        kind_label=DISCLOSURE_LABELS[item.kind],
        period=item.period,
        title=item.title,
        published=item.published,
        due=item.due,
        state=item.state,
        href=rel(page, item.page) if item.page else Markup(""),
    )
