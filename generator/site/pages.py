"""Render the website's Markdown and open-data files from the model and figures (no file I/O).

The entry points: ``render_site`` (the whole site), ``render_centre`` (one centre's part of a
parallel build) and ``render_city`` (the city pages). Each returns a ``SiteSources``: every
page as Markdown text keyed by its path in the docs folder, every open-data file as bytes, and
the attachments to copy (the signed audit reports). ``build`` writes them and runs mkdocs.

Templates live in ``site_templates/site/pages/``; each gets one context dataclass from
``contexts``. The environment, links and the base of a centre's pages are in ``render``; each
page kind has its module (``profile``, ``hours``, ``plans``, ``finance``, ``audit``,
``evaluation``, ``compliance``, ``manuals``, ``corrections``, ``archive``; ``city`` for the
city pages), the disclosure lists are in ``listing`` and the search words in ``search``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import replace
from pathlib import Path

from jinja2 import Environment

from generator import model as m
from generator import urls
from generator.compliance import RuleResult
from generator.figures.calendar import (
    corrections_on,
    disclosure_states,
    published_on,
    withheld_keys,
)
from generator.ledger.published import Correction
from generator.packs.library import Pack
from generator.records.validate import Validated
from generator.site import hsds, opendata
from generator.site.archive import render_archive
from generator.site.audit import render_audit
from generator.site.city import (
    AwaitingCorrection,
    render_about,
    render_activities,
    render_centres_index,
    render_home,
    render_open_data,
)
from generator.site.compliance import render_compliance
from generator.site.corrections import render_correction
from generator.site.datapackage import DEFAULT_LICENCE, Licence
from generator.site.evaluation import render_evaluation
from generator.site.finance import render_finance
from generator.site.hours import render_hours
from generator.site.listing import centre_disclosures, correction_item, listed_on
from generator.site.manuals import render_manuals
from generator.site.officers import render_officers
from generator.site.plans import render_plans
from generator.site.profile import render_profile
from generator.site.render import CentrePages, Handed, Out, SiteSources, make_env, shared_env
from generator.site.search import search_words
from generator.site.today import updated_json


def sorted_centres(centres: Iterable[m.Centre]) -> list[m.Centre]:
    """Centres in the order the site lists them: district, street, community, id."""
    return sorted(centres, key=lambda ce: (ce.district, ce.street, ce.community, ce.id))


def handed_of(validated: Validated, centre_id: str) -> Handed:
    """What ``validated`` (``pipeline.load_project``) holds for one centre."""
    results = validated.results.get(centre_id)
    return Handed(
        results=tuple(results) if results is not None else None,
        checked_on=validated.today,
        corrections=tuple(validated.corrections.get(centre_id, ())),
        manuals=tuple(validated.manuals.get(centre_id, ())),
    )


def day_facts(centre: m.Centre, pack: Pack | None, today: dt.date) -> tuple:
    """What a centre's pages print that changes with the day: which of its disclosures are
    listed on ``today``, which of them are published and when, and which are recorded
    (``listing.listed_on``), with the records published later (``calendar.withheld_keys``).
    Not the state of what is not published yet (未到期, 即将到期, 逾期未公布): the pages
    print its due date and the reader's browser computes the state (``site.today``), so the
    facts change when a publication date comes or a new period is listed, not when a due
    date comes near or passes. With the rule results they stand for the day in the key of a
    centre's part (``build.cache.part_key``). ``centre`` may be a light view
    (``pipeline.city_view``)."""
    return (
        tuple(sorted(withheld_keys(centre, today))),
        tuple((d.key, d.published, d.recorded) for d in listed_on(centre, pack, today)),
    )


def render_site(
    validated: Validated,
    root: Path,
    *,
    today: dt.date,
    site_url: str | None = None,
    pdf_paths: frozenset[str] = frozenset(),
    env_factory: Callable[[], Environment] = make_env,
) -> SiteSources:
    """Render every page and data file of the site for the validated centres.

    Everything a page prints that the pipeline computed comes from ``validated``: each
    centre's rule results (on ``validated.today``), corrections and manuals. ``root`` is the
    project folder, where the attachments to copy are (the signed audit reports).
    """
    env = env_factory()
    packs = validated.library.packs if validated.library else {}
    centres = sorted_centres(validated.centres)
    out = Out()
    for ce in centres:
        render_centre_into(
            out,
            env,
            ce,
            packs.get(ce.rule_pack),
            root,
            today=today,
            pdf_paths=pdf_paths,
            site_url=site_url,
            handed=handed_of(validated, ce.id),
        )
    corrections = {ce.id: tuple(validated.corrections.get(ce.id, ())) for ce in centres}
    city = render_city(
        centres,
        packs,
        today=today,
        site_url=site_url,
        corrections=corrections,
        env=env,
        results=validated.results,
    )
    for path, text in city.pages.items():
        out.page(path, text)
    for path, data in city.files.items():
        out.file(path, data)
    used = [packs[p] for p in dict.fromkeys(ce.rule_pack for ce in centres) if p in packs]
    return SiteSources(
        out.pages, out.files, out.copies, search_words(centres, used), tuple(out.notes)
    )


def render_centre_into(
    out: Out,
    env: Environment,
    ce: m.Centre,
    pack: Pack | None,
    root: Path,
    *,
    today: dt.date,
    pdf_paths: frozenset[str],
    site_url: str | None,
    handed: Handed,
) -> None:
    """Every page and data file of one centre, into ``out``: what is published on
    ``today`` (``calendar.published_on``), with what is still to come listed."""
    shown = published_on(ce, today)
    handed = replace(handed, corrections=corrections_on(handed.corrections, ce, today))
    p = CentrePages(env, shown, pack, root, today, pdf_paths, site_url, out, handed, ce)
    render_profile(p)
    render_hours(p)
    render_plans(p)
    render_finance(p)
    for audit in shown.audits:
        render_audit(p, audit)
    for ev in shown.evaluations:
        render_evaluation(p, ev)
    render_compliance(p)
    render_manuals(p)
    for co in p.corrections:
        render_correction(p, co)
    render_archive(p)
    out.file(urls.data_path(ce.id, "activities"), opendata.activities_csv([shown]))
    out.file(urls.data_path(ce.id, "finance-table"), opendata.finance_csv([shown]))


def render_centre(
    ce: m.Centre,
    pack: Pack | None,
    root: Path,
    *,
    today: dt.date,
    pdf_paths: frozenset[str],
    site_url: str | None,
    corrections: Sequence[Correction],
    results: Sequence[RuleResult] | None,
    manuals: Sequence = (),
    env: Environment | None = None,
) -> SiteSources:
    """One centre's part of the site: its pages (centres/<id>/), open data (data/<id>/) and
    attachments, with the search words of its own names and titles.

    ``results`` are the centre's rule results on ``today`` (``pipeline.assemble``:
    ``Validated.results[id]``), ``corrections`` and ``manuals`` its ``Validated.corrections``
    and ``Validated.manuals``: the pages print them as they are. ``results=None`` means none
    were computed (the compliance page says so and the finance pages print no verdicts).
    """
    out = Out()
    render_centre_into(
        out,
        env or shared_env(),
        ce,
        pack,
        root,
        today=today,
        pdf_paths=pdf_paths,
        site_url=site_url,
        handed=Handed(
            results=None if results is None else tuple(results),
            checked_on=today,
            corrections=tuple(corrections),
            manuals=tuple(manuals),
        ),
    )
    packs = [pack] if pack is not None else []
    return SiteSources(
        out.pages, out.files, out.copies, search_words([ce], packs), tuple(out.notes)
    )


def robots_txt(site_url: str | None) -> bytes:
    """robots.txt: every page may be read; the sitemap named when the site address is known
    (a sitemap lists full addresses, so there is none without it)."""
    lines = ["User-agent: *", "Allow: /"]
    if site_url:
        lines.append(f"Sitemap: {site_url.rstrip('/')}/sitemap.xml")
    return ("\n".join(lines) + "\n").encode("utf-8")


def render_city(
    centres: Sequence[m.Centre],
    packs: Mapping[str, Pack],
    *,
    today: dt.date,
    site_url: str | None,
    corrections: Mapping[str, Sequence[Correction]],
    env: Environment | None = None,
    awaiting: Sequence[AwaitingCorrection] = (),
    licence: Licence = DEFAULT_LICENCE,
    results: Mapping[str, Sequence[RuleResult]] | None = None,
    tables: bool = True,
    hsds_parts: hsds.KeptParts | None = None,
) -> SiteSources:
    """The city pages (home, centres index, open data, about, the officers' view), the
    all-centres data files (the data package names ``licence``; without ``tables``, not the
    activities and finance tables: ``opendata.all_centres_files``) and ``data/updated.json``,
    the day of this build, which the centres' pages read (``site.today``). ``results`` are the
    rule results the pipeline computed for each centre (the officers' view prints them).
    ``hsds_parts``: where each centre's own part of the HSDS export was kept (``hsds.export``).

    ``awaiting`` are the centres not published by this build because their records have
    errors: the home page and the centres index list them with the note (``site.city``)."""
    env = env or shared_env()
    out = Out()
    centres = sorted_centres(centres)
    # each centre's disclosures on the day, computed once for the lists and the officers' view
    states = {ce.id: disclosure_states(ce, packs.get(ce.rule_pack), today) for ce in centres}
    disclosures = {
        ce.id: centre_disclosures(ce, packs.get(ce.rule_pack), today, states[ce.id])
        for ce in centres
    }
    corrections = {  # those published on the day
        ce.id: corrections_on(corrections.get(ce.id, ()), ce, today) for ce in centres
    }
    # the officers' view reads every record (what becomes public later included)
    render_officers(
        out, env, centres, packs, results or {}, today=today, awaiting=awaiting, states=states
    )
    centres = [published_on(ce, today) for ce in centres]  # what is published on the day
    used_packs = [packs[p] for p in dict.fromkeys(ce.rule_pack for ce in centres) if p in packs]
    # What was published, corrections included (home page, Atom feed).
    published = {
        ce.id: disclosures[ce.id] + [correction_item(ce, co) for co in corrections.get(ce.id, ())]
        for ce in centres
    }
    render_home(
        out,
        env,
        centres,
        packs,
        today=today,
        disclosures=disclosures,
        published=published,
        awaiting=awaiting,
    )
    render_centres_index(out, env, centres, awaiting=awaiting)
    render_open_data(
        out,
        env,
        centres,
        packs,
        today=today,
        site_url=site_url,
        published=published,
        licence=licence,
        tables=tables,
        hsds_parts=hsds_parts,
    )
    render_about(out, env, centres, used_packs, today)
    render_activities(out, env, centres, today=today)
    out.file(urls.ROBOTS, robots_txt(site_url))
    out.file(urls.UPDATED, updated_json(today))  # the day the centres' pages were last updated
    return SiteSources(
        out.pages,
        out.files,
        out.copies,
        search_words(centres, used_packs, records=False),
        tuple(out.notes),
    )
