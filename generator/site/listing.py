"""Disclosures as the site lists them: each centre's disclosures with their state and due date
(``generator.figures.calendar``), its corrections among them once published, and how due dates
are set. The archive, the home page, the Atom feed and the open data list these.

A record whose publication date is after the day is not published yet: it has no page and
is listed, like a period with no record, only as a disclosure still to come when it has a due
date. Such an item is *live*: its state (未到期, 即将到期, 逾期未公布, and the days left or
overdue) changes with the day. The city pages, made again by every build, print it as it
stands on the build day (``centre_disclosures``); a centre's pages, kept while its records and
its day state stay the same, print its due date with words that hold on every day
(``dated_disclosures``: 最迟应于…公布) and the reader's browser computes the state
(``site.today``)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass

from markupsafe import Markup

from generator import disclosures as kinds
from generator import model as m
from generator import urls
from generator.figures.calendar import (
    STATE_LABELS,
    DueItem,
    deadline_rules,
    deadline_text,
    disclosure_states,
    listed,
    state_on,
    withheld_keys,
)
from generator.ledger.published import Correction
from generator.packs.library import Pack
from generator.print.correction import correction_title
from generator.site import contexts as c
from generator.site.render import correction_page, correction_period, rel
from generator.site.today import date_word, due_state, word
from generator.text.labels import DISCLOSURE_LABELS


@dataclass(frozen=True)
class Item:
    """A disclosure of a centre before it gets hrefs relative to a page."""

    kind: str
    period: str
    title: str
    published: dt.date | None
    due: dt.date | None
    # Chinese label of calendar.STATE_LABELS; a live one with its days on the city pages
    # (site.today), 最迟应于…公布 on a centre's pages (``dated_disclosures``)
    state: str
    overdue: bool  # past its due date and not published (逾期未公布)
    page: str | None  # docs path of its page; None when the record is missing or withheld
    sort: dt.date
    live: bool = False  # not published on the day and due on a date: its state moves with the day

    @property
    def key(self) -> str:
        """The disclosure's key: plan/2026-03, finance/2026-Q3 (a correction's period)."""
        return f"{self.kind}/{self.period}"


def centre_disclosures(
    centre: m.Centre,
    pack: Pack | None,
    today: dt.date,
    states: Sequence[DueItem] | None = None,
) -> list[Item]:
    """Every disclosure of a centre on ``today`` (generator.figures.calendar), newest first:
    what is published (with its page), and what is not published yet but has a due date,
    with its state on ``today`` and the days left or overdue (the city pages). ``states``:
    its disclosures' states on ``today`` when already computed (``disclosure_states``).

    ``centre`` holds every record, those published after ``today`` included (they are
    listed as not published, without a page)."""
    if states is None:
        states = disclosure_states(centre, pack, today)
    out = []
    for d, shown, live in _listable(states, centre, today):
        out.append(
            Item(
                d.kind,
                d.period,
                d.title,
                d.published,
                d.due,
                due_state(d.due, today) if live and d.due is not None else d.state_label,
                d.state == "missing",
                urls.page(centre.id, d.kind, d.period) if shown else None,
                d.published or d.due or dt.date.min,
                live,
            )
        )
    return _newest_first(out)


@dataclass(frozen=True)
class Listed:
    """A disclosure of a centre on a day, without its state: what the day decides of it is
    only whether it is published (``published``) and which periods are listed."""

    kind: str
    period: str
    due: dt.date | None
    published: dt.date | None  # its publication date when it is on or before the day
    recorded: bool  # whether the record exists (published on the day or not)

    @property
    def key(self) -> str:
        return f"{self.kind}/{self.period}"


def listed_on(centre: m.Centre, pack: Pack | None, today: dt.date) -> list[Listed]:
    """The disclosures ``calendar.disclosure_states`` lists on ``today`` (``calendar.listed``),
    without their state: ``today`` is compared only with the records' publication dates and
    the periods due, never with a due date, so the list holds from one publication, month,
    quarter or year to the next (``figures.window``) instead of changing when a due date
    comes near or passes."""
    out = []
    for kind, period, record, due, _rule in listed(centre, pack, today):
        published = getattr(record, "published", None)
        shown = published if published is not None and published <= today else None
        out.append(Listed(kind, period, due, shown, record is not None))
    return out


def dated_disclosures(centre: m.Centre, pack: Pack | None, today: dt.date) -> list[Item]:
    """``centre_disclosures`` as a centre's pages print it, newest first: nothing in it
    changes with the day but what is published and which periods are listed
    (``listed_on``). A published disclosure has its state (已公布, 逾期公布: its own dates
    decide it); one not published yet has its due date and 最迟应于…公布, and the reader's
    browser computes its state (未到期 … 逾期未公布, ``site.today``)."""
    out = []
    for d, shown, live in _listable(listed_on(centre, pack, today), centre, today):
        if d.published is not None:  # its state on its own publication day holds on every later day
            state = STATE_LABELS[state_on(d.published, d.due, d.published)]
        elif d.due is not None:
            state = word("due_by", date=date_word(d.due))
        else:
            state = STATE_LABELS["undated"]
        out.append(
            Item(
                d.kind,
                d.period,
                kinds.period_title(d.kind, d.period),
                d.published,
                d.due,
                state,
                False,  # whether it is overdue is the reader's day's
                urls.page(centre.id, d.kind, d.period) if shown else None,
                d.published or d.due or dt.date.min,
                live,
            )
        )
    return _newest_first(out)


def _listable(rows: Iterable, centre: m.Centre, today: dt.date) -> Iterator[tuple]:
    """The disclosures of ``rows`` a list shows on ``today``, each with whether its page is
    published (``shown``) and whether it is still due (``live``): not an evaluation still to
    be published, which has nothing to list yet."""
    withheld = withheld_keys(centre, today)
    for d in rows:
        shown = d.recorded and d.key not in withheld
        live = d.published is None and d.due is not None
        if shown or live:
            yield d, shown, live


def _newest_first(items: list[Item]) -> list[Item]:
    return sorted(items, key=lambda i: (i.sort, i.kind, i.period), reverse=True)


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
