"""The city pages: the home page (centres, latest disclosures, overdue ones), the centres
index, the open-data page with the all-centres data files, and the about page."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence

from jinja2 import Environment

from generator import model as m
from generator import urls
from generator.packs.library import Pack
from generator.site import contexts as c
from generator.site import opendata
from generator.site.listing import Item, disclosure, due_basis
from generator.site.render import Out, rel
from generator.text import formats as fmt


def today_short(hours: m.OpeningHours, today: dt.date) -> str:
    """Today's sessions for a list column: 09:00-12:00、14:00-21:00 / 闭馆（春节） / 不开放."""
    exc = next((e for e in reversed(hours.exceptions) if e.covers(today)), None)
    if exc is not None and exc.closed:
        return f"闭馆（{exc.reason}）"
    sessions = hours.sessions_on(today)
    return fmt.sessions_text(sessions)


def summary(centre: m.Centre, today: dt.date, page: str) -> c.CentreSummary:
    """A centre as a list on ``page`` shows it, with today's opening."""
    return c.CentreSummary(
        id=centre.id,
        name=centre.name,
        district=centre.district,
        street=centre.street,
        community=centre.community,
        community_type=centre.community_type,
        address=centre.address,
        phone=centre.contact.phone,
        open_today=today_short(centre.opening_hours, today),
        href=rel(page, urls.page(centre.id, "profile")),
    )


def render_home(
    out: Out,
    env: Environment,
    centres: Sequence[m.Centre],
    packs: Mapping[str, Pack],
    *,
    today: dt.date,
    disclosures: Mapping[str, list[Item]],
    published: Mapping[str, list[Item]],
) -> None:
    """The home page: every centre, the newest published disclosures and the overdue ones."""
    page = urls.HOME
    latest = sorted(
        (
            (ce, i)
            for ce in centres
            for i in published[ce.id]
            if i.page and i.published and i.published <= today
        ),
        key=lambda x: (x[1].published, x[0].id, x[1].kind, x[1].period),
        reverse=True,
    )[:12]
    overdue = sorted(
        ((ce, i) for ce in centres for i in disclosures[ce.id] if i.overdue),
        key=lambda x: (x[1].due or today, x[0].id, x[1].kind, x[1].period),
        reverse=True,
    )
    home = c.HomePage(
        today=today,
        centres=tuple(summary(ce, today, page) for ce in centres),
        districts=tuple(dict.fromkeys(ce.district for ce in centres)),
        latest=tuple(disclosure(ce, i, page) for ce, i in latest),
        overdue=tuple(disclosure(ce, i, page) for ce, i in overdue),
        overdue_basis=due_basis(centres, packs),
        feed_href=rel(page, urls.FEED),
        data_href=rel(page, urls.OPEN_DATA),
    )
    out.page(page, env.get_template("home.md.j2").render(page=home))


def render_centres_index(
    out: Out, env: Environment, centres: Sequence[m.Centre], *, today: dt.date
) -> None:
    """The centres index: every centre by district."""
    page = urls.CENTRES_INDEX
    groups: dict[str, list[c.CentreSummary]] = {}
    for ce in centres:
        groups.setdefault(ce.district, []).append(summary(ce, today, page))
    out.page(
        page,
        env.get_template("centres_index.md.j2").render(
            page=c.CentresIndexPage(tuple((d, tuple(cs)) for d, cs in groups.items()))
        ),
    )


def render_open_data(
    out: Out,
    env: Environment,
    centres: Sequence[m.Centre],
    packs: Mapping[str, Pack],
    *,
    today: dt.date,
    site_url: str | None,
    published: Mapping[str, list[Item]],
) -> None:
    """The all-centres data files and the open-data page that lists every data file."""
    all_items = [(ce, i) for ce in centres for i in published[ce.id]]
    for path, data in opendata.all_centres_files(
        centres, packs, today, site_url, all_items
    ).items():
        out.file(path, data)
    page = urls.OPEN_DATA
    od = c.OpenDataPage(
        files=tuple(
            c.DataFile(c.Link(text, rel(page, path)), desc)
            for text, path, desc in opendata.ALL_FILES
        ),
        centres=tuple(
            (
                ce.name,
                (
                    c.Link("中心信息 JSON", rel(page, urls.data_path(ce.id, "centre"))),
                    c.Link("活动 CSV", rel(page, urls.data_path(ce.id, "activities"))),
                    c.Link("财务 CSV", rel(page, urls.data_path(ce.id, "finance-table"))),
                    c.Link("活动日历 iCalendar", rel(page, urls.data_path(ce.id, "calendar"))),
                ),
            )
            for ce in centres
        ),
        schemas=tuple(c.Link(name, rel(page, urls.schema_path(name))) for name in opendata.SCHEMAS),
    )
    out.page(page, env.get_template("open_data.md.j2").render(page=od))


def render_about(
    out: Out, env: Environment, centres: Sequence[m.Centre], packs: Sequence[Pack], today: dt.date
) -> None:
    """The about page: the rule packs in use and how many centres there are."""
    about = c.AboutPage(
        today=today,
        packs=tuple(c.Row((p.name, p.document)) for p in packs),
        centre_count=len(centres),
    )
    out.page(urls.ABOUT, env.get_template("about.md.j2").render(page=about))
