"""The library API: the one-way pipeline load → validate → model → figures → render → build."""

from __future__ import annotations

from pathlib import Path

from generator.compliance import check_compliance
from generator.ledger import check_ledger
from generator.manuals import build_manuals, read_manual_sources
from generator.problems import Report
from generator.validate import Project, Validated, find_project, validate_project


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


def load_project(path: Path) -> Validated:
    """Find the project around ``path`` and validate it (one centre when given its folder)."""
    project = find_project(path)
    result = validate_project(project, centre_folder(project, path))
    result.report.extend(check_ledger(result, project))
    result.report.extend(check_centre_manuals(result, project))
    result.report.extend(check_compliance(result))
    return result


def check_centre_manuals(result: Validated, project: Project) -> list:
    """Problems in each centre's manual overrides and settings (centres/<id>/manuals/).

    Also records, per centre, the written systems its manuals provide (``documents``),
    which the pack's documents-present rules read.
    """
    out = []
    assert result.library is not None
    if not (project.content / "manuals").is_dir():
        return out  # a project without manual templates (content/manuals/) has none to check
    for centre in result.centres:
        pack = result.library.packs.get(centre.rule_pack)
        if pack is None:
            continue
        sources = read_manual_sources(project.content / "manuals", project.centres / centre.id / "manuals")
        manuals, problems = build_manuals(centre, pack, sources)
        out.extend(problems)
        provided: dict[str, str] = {}
        for man in manuals:
            for doc in man.satisfies:
                provided.setdefault(doc, man.title)
        result.documents[centre.id] = provided
    return out
