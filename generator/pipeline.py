"""The library API: the one-way pipeline load → validate → model → figures → render → build."""

from __future__ import annotations

from pathlib import Path

from generator.problems import Report
from generator.validate import Project, Validated, find_project, validate_project


def check_records(path: Path) -> Report:
    """Validate records (and compliance, when rule checks are installed)."""
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
    try:
        from generator.compliance import check_compliance
    except ModuleNotFoundError as exc:
        if exc.name != "generator.compliance":
            raise
    else:
        result.report.extend(check_compliance(result))
    return result
