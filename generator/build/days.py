"""What of a centre changes with the day, and the days over which it stays the same.

A centre's part of the site (its pages, data files and PDFs) is made from its records and
its *day state*: its rule results on the day, which of its disclosures are listed and
published (and when; not their states, which the reader's browser computes), the corrections
shown, and what of the day its PDFs print. Nothing else of the day is printed in a centre's
part (what its pages say about the reader's day is computed in the reader's browser,
generator.site.today). The day state is computed with the day watched
(``figures.window.on_days``) and kept with its window: a build on another day of the window
takes it as it is, without reading the centre's records or applying its rules again, and the
part made from it is the same file for file.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from generator.build.cache import value_digest
from generator.compliance import RuleResult
from generator.figures.calendar import corrections_on, published_on, withheld_keys
from generator.figures.window import Window, on_days
from generator.packs.library import Library
from generator.pipeline import CentreChecked, rule_results
from generator.print.documents import day_inputs
from generator.records.validate import HeldRecord
from generator.rules.base import Finding
from generator.site.pages import day_facts

# A rule result as the cache keeps it: the rule's id and its findings (the rule itself is
# the pack's, restored from the library: one copy of each rule in a process, not one per
# centre).
StoredResults = tuple[tuple[str, tuple[Finding, ...]], ...]


def stored_results(results: tuple[RuleResult, ...]) -> StoredResults:
    return tuple((r.rule.id, r.findings) for r in results)


@dataclass(frozen=True)
class DayState:
    """What of one centre its part prints that changes with the day."""

    results: StoredResults  # its rule results (``stored_results``)
    # which disclosures are listed, published (and when) and recorded (site.pages.day_facts);
    # not their states
    facts: tuple
    corrections: tuple  # the corrections published (calendar.corrections_on)
    withheld: tuple[str, ...]  # the disclosures published later (calendar.withheld_keys)
    printed: tuple  # what of the day its PDFs print (print.documents.day_inputs)
    # what its records say took place after the day: record errors (``held_after``, which
    # the loader reports from the light check given these), not printed in the part
    late: tuple[HeldRecord, ...]
    # the digests of what its pages print of it (results, facts, corrections) and of what its
    # PDFs print (results, corrections, withheld, printed): their share of the part's and the
    # PDFs' keys (cache.part_key, cache.pdf_key), computed once with the state and kept
    # with it in the cache
    pages: str = field(compare=False)
    pdfs: str = field(compare=False)


def day_state(checked: CentreChecked, library: Library, day: dt.date) -> DayState | None:
    """The centre's day state on ``day``; None for a centre whose records have errors."""
    centre = checked.centre
    if centre is None:
        return None
    pack = library.packs.get(centre.rule_pack)
    results = stored_results(rule_results(checked, library, day))
    facts = day_facts(centre, pack, day)
    corrections = corrections_on(checked.corrections, centre, day)
    withheld = tuple(sorted(withheld_keys(centre, day)))
    printed = day_inputs(published_on(centre, day), pack, day)
    return DayState(
        results=results,
        facts=facts,
        corrections=corrections,
        withheld=withheld,
        printed=printed,
        late=tuple(h for h in checked.held if h.day > day),
        pages=value_digest("pages", corrections, results, facts),
        pdfs=value_digest("pdfs", corrections, results, withheld, printed),
    )


def centre_day(
    checked: CentreChecked, library: Library, day: dt.date
) -> tuple[DayState | None, Window]:
    """The centre's day state on ``day`` and the days on which it is the same."""
    return on_days(lambda watched: day_state(checked, library, watched), day)
