"""The library API: the one-way pipeline load → validate → model → figures → render → build.

Every command loads its project through ``load_project`` (or ``load``, given the project):

1. the project around a path (``records.validate.find_project``) and the rule packs and
   catalogues of its own ``content/`` (``project_library``);
2. each centre folder on its own, by what does not depend on the date (``check_centre``: its
   records, its publication ledger, its manual overrides);
3. each centre against its rule pack on one day (``rule_results``);
4. one ``Validated`` (``assemble``): the centres, every problem, and what every writer prints
   handed down per centre, so that no writer recomputes it — the day, the rule results on
   it, the corrections, the manuals and the written systems they provide.

What steps 2 and 3 do is a ``Checks``: ``WHOLE`` (records, ledger, manuals and rules; what
``check``, ``score``, ``print`` and the build need), ``PUBLISHED`` (records and ledger:
what an Excel import must not break) or ``RECORDS`` (records alone: ``due``, ``new``,
``plan new``, ``export``). The build checks through its own ``Checker`` with the same
functions (generator.build.orchestrate ``CachedChecks``): each centre's results are kept in
the build cache by the content hash of its files (and the day, for the rule results), and
the centres not found there are checked in worker processes.

Publishing goes centre by centre (``held_back``): a centre whose folder holds a record error
(``Problem.record_error``) is not published this time, every other centre is; a record error
outside every centre folder (content/) holds back every centre. Compliance findings never hold
anything back.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Protocol

from generator import model as m
from generator.compliance import RuleResult, evaluate_rules, results_problems
from generator.ledger.published import (
    Correction,
    Ledger,
    centre_ledger,
    compare,
    corrections_for,
    disclosures,
)
from generator.manuals.build import build_manuals
from generator.manuals.sources import read_manual_sources
from generator.packs.library import Library, Pack
from generator.problems import Problem, Severity
from generator.records.load import reading_past_mistakes, review_lines
from generator.records.validate import (
    HeldRecord,
    Project,
    Validated,
    centre_dirs,
    find_project,
    held_after,
    held_records,
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
    # the lines of centre.yaml that still hold a placeholder of ``gongshi new`` (# 请核对)
    review: frozenset[int] = frozenset()
    ledger_path: Path | None = None
    ledger: Ledger | None = None
    # read from the ledger and the records once: the corrections to show, and each
    # disclosure's (key, publication date, content hash) for the ledger write after a build
    corrections: tuple[Correction, ...] = ()
    published: tuple[tuple[str, dt.date | None, str], ...] = ()
    # what its activity records say took place, by day (records.validate.held_records):
    # checked against the day in ``assemble`` (nothing is held before its day)
    held: tuple[HeldRecord, ...] = ()

    def light(self) -> CentreChecked:
        """The same without the bulk of the records (a centre's activities, what they say
        was held, its manuals), for what only lists centres and their disclosures (the city
        pages); see ``city_view``. Whoever keeps it reports ``held_after`` of the whole."""
        if self.centre is None:
            return self
        return replace(self, centre=city_view(self.centre), held=(), manuals=())


# a centre checked, and its rule results on the day (None: the rules were not applied)
Checked = tuple[CentreChecked, tuple[RuleResult, ...] | None]
CheckFn = Callable[[Project, Path, Library], CentreChecked]


def city_view(centre: m.Centre) -> m.Centre:
    """A centre without its planned activities and activity records, its records placed by
    where each starts (``model.without_field_places``; the centre's own fields keep theirs):
    what the city pages and the disclosure calendar read (names, hours, which plans and
    reports exist and when they were published), at a fraction of the size."""
    light = replace(
        centre, plans=tuple(replace(p, activities=()) for p in centre.plans), activity_months=()
    )
    return replace(m.without_field_places(light), src=centre.src, at=centre.at)


def project_library(project: Project) -> Library:
    """The rule packs and catalogues of the project's own ``content/``."""
    return load_library(project.content, project.root)


def centre_folder(project: Project, path: Path) -> Path | None:
    """The centre folder ``path`` is in (or is), or None for the whole project."""
    rp = path.resolve()
    centres = project.centres.resolve()
    try:
        rel = rp.relative_to(centres)
    except ValueError:
        return None
    return centres / rel.parts[0] if rel.parts else None


# ---------------------------------------------------------------- one centre


def check_records(project: Project, folder: Path, library: Library) -> CentreChecked:
    """A centre folder's records: every file, then what spans files.

    A file with YAML syntax mistakes is reported at each mistake and then checked as if they
    were repaired (``load.reading_past_mistakes``), with the other files and across files:
    one check lists every problem. The syntax mistakes are errors, so the centre is still
    not published until they are corrected."""
    with reading_past_mistakes() as syntax:
        centre, problems = validate_centre(project, folder, library)
    problems = syntax + problems
    if centre is None or any(p.severity is Severity.ERROR for p in problems):
        return CentreChecked(folder, None, problems)
    text = (folder / "centre.yaml").read_text(encoding="utf-8", errors="replace")
    return CentreChecked(
        folder, centre, problems, review=review_lines(text), held=held_records(centre)
    )


def check_published(project: Project, folder: Path, library: Library) -> CentreChecked:
    """A centre's records, then (when they have no errors) its publication ledger: what was
    published stays as published, and the corrections waiting to be published."""
    return with_ledger(project, check_records(project, folder, library))


def check_centre(project: Project, folder: Path, library: Library) -> CentreChecked:
    """A centre's records, its ledger and (from the project's content/manuals and the
    centre's own changes) its policy manuals."""
    return with_ledger(project, check_written(project, folder, library))


def check_written(project: Project, folder: Path, library: Library) -> CentreChecked:
    """``check_centre`` without the ledger: a centre's records and its policy manuals, what
    its ledger is read against (``with_ledger``). The ledger changes on the days a build
    records what it published; what it is read against does not."""
    checked = check_records(project, folder, library)
    centre = checked.centre
    if centre is None:
        return checked
    pack = library.packs.get(centre.rule_pack)
    if pack is not None and (project.content / "manuals").is_dir():
        manual_problems, checked.documents, checked.manuals = manual_documents(
            project, centre, pack
        )
        checked.problems.extend(manual_problems)
    return checked


def with_ledger(project: Project, checked: CentreChecked) -> CentreChecked:
    """``checked`` (its records checked, no ledger read yet) with the centre's ledger read
    against them: the ledger's problems and those of the records against it after the
    others, the corrections to show, what each disclosure is."""
    centre = checked.centre
    if centre is None:
        return checked
    path, ledger = centre_ledger(project, centre)
    current = disclosures(centre)
    found = [*ledger.problems, *(compare(centre, ledger, current) if ledger.ok else ())]
    return replace(
        checked,
        problems=[*checked.problems, *found],
        ledger_path=path,
        ledger=ledger,
        corrections=tuple(corrections_for(centre, ledger, current)),
        published=tuple((key, d.published, d.sha256) for key, d in current.items()),
    )


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


def rule_results(
    checked: CentreChecked, library: Library, today: dt.date
) -> tuple[RuleResult, ...]:
    """A checked centre's rule pack applied on ``today``, rule by rule in the pack's order
    (none for a centre whose records have errors, or that names no known pack)."""
    centre = checked.centre
    pack = library.packs.get(centre.rule_pack) if centre is not None else None
    if centre is None or pack is None:
        return ()
    return tuple(evaluate_rules(centre, pack, today, checked.documents))


# ---------------------------------------------------------------- record errors, per centre


@dataclass(frozen=True)
class HeldBack:
    """What the record errors of a check hold back from publishing."""

    # centre folder name → the record errors in that folder: the centre is not published
    centres: dict[str, tuple[Problem, ...]] = field(default_factory=dict)
    # record errors outside every centre folder (the rule packs, catalogues and manual
    # templates of content/): every centre depends on them, so nothing is published
    shared: tuple[Problem, ...] = ()

    def publishable(self, centres: Sequence[m.Centre]) -> list[m.Centre]:
        """The centres without record errors, in the order given."""
        return [ce for ce in centres if ce.id not in self.centres]


def problem_centre(project: Project, problem: Problem) -> str | None:
    """The name of the centre folder a problem is in, or None (outside every centre folder)."""
    base = project.display(project.centres).rstrip("/") + "/"
    if not problem.file.startswith(base):
        return None
    name = problem.file[len(base) :].split("/", 1)[0]
    return name or None


def held_back(validated: Validated) -> HeldBack:
    """The record errors of ``validated``, by centre folder (and those of no centre)."""
    project = validated.project
    centres: dict[str, list[Problem]] = {}
    shared: list[Problem] = []
    for problem in validated.report.sorted():
        if not problem.record_error:
            continue
        name = problem_centre(project, problem) if project is not None else None
        if name is None:
            shared.append(problem)
        else:
            centres.setdefault(name, []).append(problem)
    return HeldBack({k: tuple(v) for k, v in centres.items()}, tuple(shared))


# ---------------------------------------------------------------- a project


class Checker(Protocol):
    """How a project's centre folders are checked, and their rules applied on a day."""

    def run(
        self, project: Project, library: Library, folders: Sequence[Path], today: dt.date
    ) -> list[Checked]: ...


@dataclass(frozen=True)
class Checks:
    """Each folder checked by ``centre`` in this process, then, with ``rules``, its rule pack
    applied on the day."""

    centre: CheckFn = check_centre
    rules: bool = True

    def run(
        self, project: Project, library: Library, folders: Sequence[Path], today: dt.date
    ) -> list[Checked]:
        out: list[Checked] = []
        for folder in folders:
            checked = self.centre(project, folder, library)
            out.append((checked, rule_results(checked, library, today) if self.rules else None))
        return out


WHOLE = Checks()
PUBLISHED = Checks(check_published, rules=False)
RECORDS = Checks(check_records, rules=False)


def load_project(path: Path, today: dt.date | None = None, checks: Checker = WHOLE) -> Validated:
    """Find the project around ``path`` and check it (one centre when given its folder), the
    rules applied on ``today`` (default: today)."""
    project = find_project(path)
    return load(project, centre_folder(project, path), today, checks)


def load(
    project: Project, only: Path | None, today: dt.date | None, checks: Checker = WHOLE
) -> Validated:
    """Check a project's centres (or the centre folder ``only``), the rules applied on
    ``today`` (default: today)."""
    library = project_library(project)
    day = today or dt.date.today()
    return assemble(
        project, library, checks.run(project, library, centre_dirs(project, only), day), day
    )


def read_centre(project: Project, folder: Path) -> tuple[m.Centre | None, list[Problem]]:
    """One centre folder's records with the project's library, as far as they can be read:
    the centre even when some record files have errors (None only when centre.yaml or its
    rule pack cannot be read), and every problem. For what works from centre.yaml alone
    (``gongshi plan new``)."""
    return validate_centre(project, folder, project_library(project))


def validate_project(project: Project, only: Path | None = None) -> Validated:
    """The records alone of a project's centres (or of one centre folder): no ledger, no
    manuals, no rules."""
    return load(project, only, None, RECORDS)


def assemble(
    project: Project, library: Library, checked: Sequence[Checked], today: dt.date
) -> Validated:
    """A project's result from its checked centres and their rule results on ``today``, with
    everything the writers print handed down per centre."""
    result = Validated(project=project, library=library, today=today)
    result.report.extend(library.problems)
    for cc, _results in checked:
        result.report.extend(cc.problems)
        result.report.extend(held_after(cc.held, today))
        if cc.centre is None:
            continue
        result.centres.append(cc.centre)
        result.documents[cc.centre.id] = cc.documents
        result.corrections[cc.centre.id] = cc.corrections
        result.manuals[cc.centre.id] = cc.manuals
    for cc, results in checked:
        if cc.centre is None or results is None:
            continue
        result.results[cc.centre.id] = results
        result.report.extend(results_problems(cc.centre, results, cc.review, today))
    return result
