"""The city pages: the home page (the districts and their centres' count, latest
disclosures, overdue ones), the centres index, the open-data page with the all-centres data
files, and the about page.

The home page stays light whatever the number of centres: it links each district to its
section of the centres index (``district_anchor``), which lists every centre.

A centre whose records have errors is not published by a build (``build.orchestrate``); the
home page and the centres index list it with the note that its records await correction and
since when (``AwaitingCorrection``): with the records it was last published from when the
build has them (its pages are the last published ones), or by its name alone.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from jinja2 import Environment
from markupsafe import Markup

from generator import model as m
from generator import urls
from generator.packs.library import Pack
from generator.site import contexts as c
from generator.site import hsds, opendata
from generator.site.datapackage import DEFAULT_LICENCE, Licence
from generator.site.listing import Item, disclosure, due_basis
from generator.site.render import Out, date_cn, rel
from generator.site.search import dictionary_words


@dataclass(frozen=True)
class AwaitingCorrection:
    """A centre not published by this build because its records have errors."""

    centre_id: str
    since: dt.date  # the first build day of the errors (kept across builds)
    # how the lists show it when the records it was last published from are not at hand
    name: str  # from centre.yaml; the folder name when that cannot be read
    district: str = ""
    street: str = ""
    pages: bool = False  # its last published pages are on the site


# the group of the centres index for a centre whose district cannot be read
OTHER_DISTRICT = "其他"
# a list's cell for what a centre known by name only does not show
NOT_SHOWN = "—"


def awaiting_note(since: dt.date) -> str:
    """记录待更正（自2026年11月22日起）"""
    return f"记录待更正（自{date_cn(since)}起）"


def district_anchor(district: str) -> Markup:
    """The id of a district's heading on the centres index: ``district-`` and the start of
    the SHA-256 of its name, so that a link to it holds while districts come and go, and no
    character of the name reaches the id."""
    digest = hashlib.sha256(district.encode("utf-8")).hexdigest()[:12]
    return Markup(f"district-{digest}")


def _summaries(
    centres: Sequence[m.Centre],
    awaiting: Sequence[AwaitingCorrection],
    page: str,
) -> list[c.CentreSummary]:
    """Every centre of a list: the published ones (those awaiting correction with the note),
    then the centres awaiting correction known by name only, by district, street and id."""
    notes = {a.centre_id: awaiting_note(a.since) for a in awaiting}
    out = [summary(ce, page, notes.get(ce.id)) for ce in centres]
    listed = {ce.id for ce in centres}
    named = sorted(
        (a for a in awaiting if a.centre_id not in listed),
        key=lambda a: (a.district, a.street, a.centre_id),
    )
    for a in named:
        href = rel(page, urls.page(a.centre_id, "profile")) if a.pages else None
        out.append(
            c.CentreSummary(
                id=a.centre_id,
                name=a.name,
                district=a.district,
                street=a.street,
                community="",
                community_type=NOT_SHOWN,
                address=NOT_SHOWN,
                phone=NOT_SHOWN,
                href=href,
                awaiting=notes[a.centre_id],
            )
        )
    return out


def _by_district(listed: Sequence[c.CentreSummary]) -> list[tuple[str, list[c.CentreSummary]]]:
    """The centres of a list by district, the districts in the order of their names (其他,
    for centres whose district cannot be read, last), each keeping the list's order."""
    groups: dict[str, list[c.CentreSummary]] = {}
    for s in listed:
        groups.setdefault(s.district or OTHER_DISTRICT, []).append(s)
    return sorted(groups.items(), key=lambda g: (g[0] == OTHER_DISTRICT, g[0]))


def summary(centre: m.Centre, page: str, awaiting: str | None = None) -> c.CentreSummary:
    """A centre as a list on ``page`` shows it (with ``awaiting``, the note of a centre whose
    records await correction). Today's opening is on the centre's own page, computed in the
    reader's browser: the lists print nothing of the day."""
    return c.CentreSummary(
        id=centre.id,
        name=centre.name,
        district=centre.district,
        street=centre.street,
        community=centre.community,
        community_type=centre.community_type,
        address=centre.address,
        phone=centre.contact.phone,
        href=rel(page, urls.page(centre.id, "profile")),
        awaiting=awaiting,
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
    awaiting: Sequence[AwaitingCorrection] = (),
) -> None:
    """The home page: each district with how many centres it has, linked to its section of
    the centres index; the newest published disclosures and the overdue ones, and the centres
    whose records await correction."""
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
    listed = _summaries(centres, awaiting, page)
    index = rel(page, urls.CENTRES_INDEX)
    home = c.HomePage(
        today=today,
        districts=tuple(
            c.DistrictLink(name, len(group), Markup(f"{index}#{district_anchor(name)}"))
            for name, group in _by_district(listed)
        ),
        centre_count=len(listed),
        centres_href=index,
        activities_href=rel(page, urls.ACTIVITIES),
        latest=tuple(disclosure(ce, i, page) for ce, i in latest),
        overdue=tuple(disclosure(ce, i, page) for ce, i in overdue),
        overdue_basis=due_basis(centres, packs),
        feed_href=rel(page, urls.FEED),
        data_href=rel(page, urls.OPEN_DATA),
        awaiting=tuple(s for s in listed if s.awaiting),
    )
    out.page(page, env.get_template("home.md.j2").render(page=home))


def render_centres_index(
    out: Out,
    env: Environment,
    centres: Sequence[m.Centre],
    *,
    awaiting: Sequence[AwaitingCorrection] = (),
) -> None:
    """The centres index: every centre by district (those awaiting correction with the note),
    each district under a heading whose id is ``district_anchor`` of its name. It prints
    nothing of the day."""
    page = urls.CENTRES_INDEX
    listed = _summaries(centres, awaiting, page)
    index = c.CentresIndexPage(
        groups=tuple(
            c.DistrictGroup(name, district_anchor(name), tuple(group))
            for name, group in _by_district(listed)
        ),
        centre_count=len(listed),
    )
    out.page(page, env.get_template("centres_index.md.j2").render(page=index))


def render_open_data(
    out: Out,
    env: Environment,
    centres: Sequence[m.Centre],
    packs: Mapping[str, Pack],
    *,
    today: dt.date,
    site_url: str | None,
    published: Mapping[str, list[Item]],
    licence: Licence = DEFAULT_LICENCE,
    tables: bool = True,
    hsds_parts: hsds.KeptParts | None = None,
) -> None:
    """The all-centres data files (``tables``, ``hsds_parts``: see
    ``opendata.all_centres_files``) and the open-data page that lists every data file."""
    all_items = [(ce, i) for ce in centres for i in published[ce.id]]
    for path, data in opendata.all_centres_files(
        centres,
        packs,
        today,
        site_url,
        all_items,
        licence=licence,
        tables=tables,
        hsds_parts=hsds_parts,
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


# the city page that lists what each centre holds, so that the city search finds a centre
# by its activities (each centre's own pages are searched from the centre)
ACTIVITIES = urls.ACTIVITIES


def render_activities(
    out: Out, env: Environment, centres: Sequence[m.Centre], *, today: dt.date
) -> None:
    """找活动: for each centre, its regular activities and own services, with a link to its
    page (the city pages are made from light views of the centres, without their planned
    activities: ``pipeline.city_view``; those are found from the centre's own pages). Its search index entry holds the words inside each title
    (``search.dictionary_words``, the titles themselves left out of the index), so 健康
    finds the centre of 银龄健康操."""
    rows = []
    for ce in centres:
        titles: dict[str, None] = {}
        for r in ce.recurring:
            titles.setdefault(r.title, None)
        for sv in ce.services.own:
            titles.setdefault(sv.title, None)
        words: dict[str, None] = {}
        for t in titles:
            for w in dictionary_words(t):
                words.setdefault(w, None)
        rows.append(
            c.CentreActivities(
                name=ce.name,
                district=ce.district,
                street=ce.street,
                anchor=Markup(f"centre-{ce.id}"),
                href=rel(ACTIVITIES, urls.page(ce.id, "profile")),
                plans=rel(ACTIVITIES, urls.page(ce.id, "plans")),
                titles=tuple(titles),
                words=" ".join(words),
            )
        )
    page = c.ActivitiesPage(today=today, centres=tuple(rows))
    out.page(ACTIVITIES, env.get_template("activities.md.j2").render(page=page))
