"""Disclosures as the site lists them: each centre's disclosures with their state and due date
(``generator.figures.calendar``), its corrections among them once published, and how due dates
are set. The archive, the home page, the Atom feed and the open data list these.

A record whose publication date is after the day is not published yet: it has no page and
is listed, like a period with no record, only as a disclosure still to come when it has a due
date. Such an item is *live*: its state (还有 N 天, 逾期 N 天) changes with the day, so the
pages print it as it stood on the day they were made and the reader's browser computes it
again (``site.today``)."""

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
    withheld_keys,
)
from generator.ledger.published import Correction
from generator.packs.library import Pack
from generator.print.correction import correction_title
from generator.site import contexts as c
from generator.site.render import correction_page, correction_period, rel
from generator.site.today import due_state
from generator.text.labels import DISCLOSURE_LABELS


@dataclass(frozen=True)
class Item:
    """A disclosure of a centre before it gets hrefs relative to a page."""

    kind: str
    period: str
    title: str
    published: dt.date | None
    due: dt.date | None
    state: str  # Chinese label of calendar.STATE_LABELS; a live one with its days (site.today)
    overdue: bool  # past its due date and not published (逾期未公布)
    page: str | None  # docs path of its page; None when the record is missing or withheld
    sort: dt.date
    live: bool = False  # not published on the day and due on a date: its state moves with the day

    @property
    def key(self) -> str:
        """The disclosure's key: plan/2026-03, finance/2026-Q3 (a correction's period)."""
        return f"{self.kind}/{self.period}"


def centre_disclosures(
    centre: m.Centre, pack: Pack | None, today: dt.date, *, days: bool = True
) -> list[Item]:
    """Every disclosure of a centre on ``today`` (generator.figures.calendar), newest first:
    what is published (with its page), and what is not published yet but has a due date.

    ``centre`` holds every record, those published after ``today`` included (they are
    listed as not published, without a page). ``days=False``: a live item's state is its
    label alone (未到期), without the days left or overdue (还有 N 天), which change every day."""
    out = []
    withheld = withheld_keys(centre, today)
    for d in disclosure_states(centre, pack, today):
        shown = d.recorded and d.key not in withheld
        live = d.published is None and d.due is not None
        if not shown and not live:
            continue  # an evaluation still to be published: nothing to list yet
        out.append(
            Item(
                d.kind,
                d.period,
                d.title,
                d.published,
                d.due,
                due_state(d.due, today) if days and live and d.due is not None else d.state_label,
                d.state == "missing",
                urls.page(centre.id, d.kind, d.period) if shown else None,
                d.published or d.due or dt.date.min,
                live,
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
        key=item.key,
        live=item.live,
    )
