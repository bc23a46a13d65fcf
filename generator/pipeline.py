"""The library API: the one-way pipeline load → validate → model → figures → render → build.

A centre is checked on its own (``check_centre``: its records, its publication ledger, its
manual overrides), then against its rule pack on a date (``compliance_problems``); a project
is its centres checked one after another. The build cache (generator.build.cache) keeps the first
step per centre by the content hash of its files, the second by that and the date.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, replace
from pathlib import Path

from generator import model as m
from generator.compliance import evaluate_rules, results_problems
from generator.ledger.published import (
    Correction,
    Ledger,
    centre_ledger,
    compare,
    corrections_for,
    disclosures,
)
from generator.manuals.compose import build_manuals, read_manual_sources
from generator.packs.library import Library, Pack
from generator.problems import Problem, Report, Severity
from generator.records.validate import (
    Project,
    Validated,
    centre_dirs,
    find_project,
    validate_centre,
)
from generator.rules.registry import load_library


@dataclass
class CentreChecked:
    """One centre folder after every check that does not depend on the date."""

    folder: Path
    centre: m.Centre | None  # None when the records have errors
    problems: list[Problem] = field(default_factory=list)
    # the written systems its policy manuals provide, document id → manual title
    documents: dict[str, str] = field(default_factory=dict)
    # its policy manuals, rendered once for the checks and for every writer
    manuals: tuple = ()
    ledger_path: Path | None = None
    ledger: Ledger | None = None
    # read from the ledger and the records once: the corrections to show, and each
    # disclosure's (key, publication date, content hash) for the ledger write after a build
    corrections: tuple[Correction, ...] = ()
    published: tuple[tuple[str, dt.date | None, str], ...] = ()

    def light(self) -> CentreChecked:
        """The same without the bulk of the records (a centre's activities), for what only
        lists centres and their disclosures (the city pages); see ``city_view``."""
        if self.centre is None:
            return self
        return replace(self, centre=city_view(self.centre))


def city_view(centre: m.Centre) -> m.Centre:
    """A centre without its planned activities and activity records: what the city pages and
    the disclosure calendar read (names, hours, which plans and reports exist and when they
    were published), at a fraction of the size."""
    return replace(
        centre, plans=tuple(replace(p, activities=()) for p in centre.plans), activity_months=()
    )


def check_records(path: Path) -> Report:
    """Validate records, the corrections ledger and compliance with the rule packs."""
    return load_project(path).report


def centre_folder(project: Project, path: Path) -> Path | None:
    """The centre folder ``path`` is in (or is), or None for the whole project."""
    rp = path.resolve()
    centres = project.centres.resolve()
    try:
        rel = rp.relative_to(centres)
    except ValueError:
        return None
    return centres / rel.parts[0] if rel.parts else None


def load_project(path: Path, today: dt.date | None = None) -> Validated:
    """Find the project around ``path`` and validate it (one centre when given its folder)."""
    project = find_project(path)
    library = load_library(project.content, project.root)
    checked = [
        check_centre(project, folder, library)
        for folder in centre_dirs(project, centre_folder(project, path))
    ]
    return assemble(library, checked, today)


def assemble(
    library: Library,
    checked: list[CentreChecked],
    today: dt.date | None,
    compliance: dict[str, list[Problem]] | None = None,
) -> Validated:
    """A project's result from its checked centres: the rules applied once per centre on
    ``today`` (their problems taken from ``compliance`` when given), and everything the writers
    print handed down with it."""
    today = today or dt.date.today()
    result = Validated(library=library, today=today)
    result.report.extend(library.problems)
    for cc in checked:
        result.report.extend(cc.problems)
        if cc.centre is None:
            continue
        result.centres.append(cc.centre)
        result.documents[cc.centre.id] = cc.documents
        result.corrections[cc.centre.id] = cc.corrections
        result.manuals[cc.centre.id] = cc.manuals
    for cc in checked:
        if cc.centre is None:
            continue
        pack = library.packs.get(cc.centre.rule_pack)
        results = tuple(evaluate_rules(cc.centre, pack, today, cc.documents)) if pack else ()
        result.results[cc.centre.id] = results
        if compliance is not None and cc.centre.id in compliance:
            result.report.extend(compliance[cc.centre.id])
        else:
            result.report.extend(results_problems(cc.centre, results))
    return result


def check_centre(project: Project, folder: Path, library: Library) -> CentreChecked:
    """One centre's records, then (when they have no errors) its ledger and its manuals."""
    centre, problems = validate_centre(project, folder, library)
    if centre is None or any(p.severity is Severity.ERROR for p in problems):
        return CentreChecked(folder, None, problems)
    checked = CentreChecked(folder, centre, problems)
    checked.ledger_path, checked.ledger = centre_ledger(project, centre)
    checked.problems.extend(checked.ledger.problems)
    if checked.ledger.ok:
        checked.problems.extend(compare(centre, checked.ledger))
    checked.corrections = tuple(corrections_for(centre, checked.ledger))
    checked.published = tuple(
        (key, d.published, d.sha256) for key, d in disclosures(centre).items()
    )
    pack = library.packs.get(centre.rule_pack)
    if pack is not None and (project.content / "manuals").is_dir():
        manual_problems, checked.documents, checked.manuals = manual_documents(
            project, centre, pack
        )
        checked.problems.extend(manual_problems)
    return checked


def manual_documents(
    project: Project, centre: m.Centre, pack: Pack
) -> tuple[list[Problem], dict[str, str], tuple]:
    """Problems in a centre's manual overrides and settings (centres/<id>/manuals/), and the
    written systems its manuals provide (which the pack's documents-present rules read)."""
    sources = read_manual_sources(
        project.content / "manuals", project.centres / centre.id / "manuals"
    )
    manuals, problems = build_manuals(centre, pack, sources)
    provided: dict[str, str] = {}
    for man in manuals:
        for doc in man.satisfies:
            provided.setdefault(doc, man.title)
    return list(problems), provided, tuple(manuals)


def validate_project(project: Project, only: Path | None = None) -> Validated:
    """Validate the records of a project's centres (or of one centre folder), without the
    ledger, the manuals and the rules: what commands that only read records need."""
    result = Validated()
    lib = load_library(project.content, project.root)
    result.library = lib
    result.report.extend(lib.problems)
    for folder in centre_dirs(project, only):
        centre, problems = validate_centre(project, folder, lib)
        result.report.extend(problems)
        if centre is not None and not any(p.severity is Severity.ERROR for p in problems):
            result.centres.append(centre)
    return result
