"""A centre's pages and data files print nothing of the build day beyond its day state.

A centre's part of the site is made from its records and its day state
(``generator.build.days.day_state``) and reused on every day the day state is the same, so
its files must be the same on all those days. ``figures.window.on_days`` runs a computation
with a watched day and returns the days on which its result is the same: rendering a
centre's pages (``site.pages.render_centre``, as ``build.parts`` calls it) must hold on every
day its day state holds. What depends on the reader's day is computed in the reader's
browser (``site.today``; checked in Chromium by test_site_day.py), the state of a disclosure
not published yet (未到期, 即将到期, 逾期未公布) included: it is not in the day state
(``site.pages.day_facts``), and a due date coming near changes no file.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path

import pytest

from generator.build.days import day_state
from generator.figures.calendar import SOON_DAYS, STATE_LABELS, STATES, disclosure_states
from generator.figures.window import on_days
from generator.pipeline import CentreChecked, check_centre, project_library, rule_results
from generator.records.validate import Project
from generator.site.listing import listed_on
from generator.site.pages import day_facts, render_centre, render_city
from generator.site.render import SiteSources
from generator.site.today import day_word
from generator.urls import UPDATED
from tests.conftest import ROOT

# the samples' last day of November's records, a Sunday in December, the Wednesday after,
# and the first Monday of the next year
DAYS = [dt.date(2026, 11, 22), dt.date(2026, 12, 6), dt.date(2026, 12, 9), dt.date(2027, 1, 4)]
CENTRES = sorted(p.name for p in (ROOT / "centres").iterdir() if (p / "centre.yaml").is_file())


@pytest.fixture(scope="module")
def samples():
    project = Project(ROOT)
    library = project_library(project)
    checked = {name: check_centre(project, ROOT / "centres" / name, library) for name in CENTRES}
    assert all(c.centre is not None for c in checked.values())
    return library, checked


def render(checked: CentreChecked, library, day: dt.date) -> SiteSources:
    """The centre's pages and data files on ``day``, with its rule results on the day, as
    ``build.parts._sources`` renders them."""
    ce = checked.centre
    assert ce is not None
    return render_centre(
        ce,
        library.packs.get(ce.rule_pack),
        ROOT,
        today=day,
        pdf_paths=frozenset(),
        site_url=None,
        corrections=checked.corrections,
        results=rule_results(checked, library, day),
        manuals=checked.manuals,
    )


def files(sources: SiteSources) -> dict[str, bytes]:
    made = {rel: text.encode("utf-8") for rel, text in sources.pages.items()}
    made.update(sources.files)
    return made


@pytest.mark.parametrize("day", DAYS, ids=str)
@pytest.mark.parametrize("name", CENTRES)
def test_rendering_holds_on_every_day_of_the_day_state(samples, name: str, day: dt.date) -> None:
    library, checked = samples
    centre = checked[name]
    held, state = on_days(lambda d: day_state(centre, library, d), day)
    # the day state holds the pages' facts as site.pages.day_facts gives them: no state of
    # a disclosure, only what is listed, published and recorded
    assert held is not None and centre.centre is not None
    pack = library.packs.get(centre.centre.rule_pack)
    assert held.facts == day_facts(centre.centre, pack, day)
    assert not set(STATES) & set(_strings(held.facts))
    made, pages = on_days(lambda d: files(render(centre, library, d)), day)
    assert pages.first <= state.first and state.last <= pages.last, (
        f"{name} on {day}: its pages hold from {pages.first} to {pages.last}, "
        f"its day state from {state.first} to {state.last}"
    )
    # the same files, made on the plain first and last days of the day state's window
    for other in {state.first, state.last} - {day}:
        again = files(render(centre, library, other))
        assert sorted(again) == sorted(made), (name, other)
        changed = [rel for rel in made if again[rel] != made[rel]]
        assert not changed, f"{name}: made on {day} and on {other}, these differ: {changed}"


@pytest.mark.parametrize("day", DAYS, ids=str)
def test_the_listing_without_states_is_the_calendars(samples, day: dt.date) -> None:
    # listing.listed_on lists what calendar.disclosure_states lists, without asking the day
    # about due dates: the same disclosures, due and publication dates, records
    library, checked = samples
    for name in CENTRES:
        centre = checked[name].centre
        assert centre is not None
        pack = library.packs.get(centre.rule_pack)
        calendar = sorted(
            (d.key, d.due, d.published, d.recorded) for d in disclosure_states(centre, pack, day)
        )
        listed = sorted(
            (d.key, d.due, d.published, d.recorded) for d in listed_on(centre, pack, day)
        )
        assert listed == calendar, name


def _strings(value: object) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, tuple):
        return [s for v in value for s in _strings(v)]
    return []


def test_a_due_date_coming_near_changes_no_file(samples) -> None:
    # the day a disclosure not published yet turns 即将到期 (calendar.SOON_DAYS before its
    # due date, as a May plan does for every centre on 23 April): the same files, the same
    # facts, and no state of it printed outside the script's data
    library, checked = samples
    turned = []
    for name in CENTRES:
        centre = checked[name].centre
        assert centre is not None
        pack = library.packs.get(centre.rule_pack)
        upcoming = {d.key: d for day in DAYS for d in disclosure_states(centre, pack, day)}.values()
        for d in upcoming:
            if d.state != "upcoming" or d.due is None:
                continue
            day = d.due - dt.timedelta(days=SOON_DAYS)
            eve = day - dt.timedelta(days=1)
            states = {
                when: {i.key: i.state for i in disclosure_states(centre, pack, when)}
                for when in (eve, day)
            }
            if (states[eve].get(d.key), states[day].get(d.key)) != ("upcoming", "due"):
                continue  # published before it came near
            assert day_facts(centre, pack, eve) == day_facts(centre, pack, day), (name, d.key)
            before = files(render(checked[name], library, eve))
            after = files(render(checked[name], library, day))
            assert sorted(before) == sorted(after), (name, day)
            changed = [rel for rel in after if before[rel] != after[rel]]
            assert not changed, f"{name}: {d.key} turns 即将到期 on {day}, these change: {changed}"
            archive = after[f"centres/{name}/archive.md"].decode("utf-8")
            table = re.sub(r"<script[^>]*>.*?</script>", "", archive, flags=re.S)
            for state in ("upcoming", "due", "missing"):
                assert STATE_LABELS[state] not in table, (name, state)
            turned.append((name, d.key, day))
    assert turned, "no sample disclosure turns 即将到期 after the samples' days"


def test_the_pages_label_nothing_with_the_build_day(samples) -> None:
    # the old labels of a state as it stood on the build day, and the build day handed to
    # the script: gone (the dates of activities and disclosures are record data, not the day)
    library, checked = samples
    day = dt.date(2026, 12, 9)
    labels = re.compile(r"截至\s*\d{4}\s*年|还有 \d+ 天|逾期 \d+ 天|\"made\"")
    for name in CENTRES:
        for rel, data in files(render(checked[name], library, day)).items():
            found = labels.findall(data.decode("utf-8", errors="replace"))
            assert not found, f"{rel} prints the build day: {found}"
        assert (
            day_word(day)
            not in render(checked[name], library, day).pages[f"centres/{name}/index.md"]
        )


def test_compliance_json_has_no_date_and_the_city_says_the_day(samples) -> None:
    library, checked = samples
    day = dt.date(2026, 12, 6)
    name = CENTRES[0]
    data = json.loads(files(render(checked[name], library, day))[f"data/{name}/compliance.json"])
    assert "date" not in data and data["rules"]
    city = render_city(
        [c.centre for c in checked.values() if c.centre is not None],
        library.packs,
        today=day,
        site_url=None,
        corrections={},
    )
    assert json.loads(city.files[UPDATED]) == {"day": "2026-12-06"}
    assert Path(UPDATED).as_posix() == "data/updated.json"


def test_a_page_that_prints_the_day_fails_the_window_check() -> None:
    # what this file's first test relies on: printing the day narrows the window to the day
    _, window = on_days(day_word, dt.date(2026, 12, 9))
    assert window.first == window.last == dt.date(2026, 12, 9)
