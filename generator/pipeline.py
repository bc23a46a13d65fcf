"""The library API: the one-way pipeline load → validate → model → figures → render → build."""

from __future__ import annotations

from pathlib import Path

from generator.problems import Report
from generator.validate import Validated, find_project, validate_project


def check_records(path: Path) -> Report:
    """Validate records (and compliance, when rule checks are installed)."""
    return load_project(path).report


def load_project(path: Path) -> Validated:
    """Find the project around ``path`` and validate it (one centre when given its folder)."""
    project = find_project(path)
    only = None
    rp = path.resolve()
    if rp != project.root.resolve() and rp != project.centres.resolve():
        only = rp if rp.is_dir() else rp.parent
    result = validate_project(project, only)
    try:
        from generator.compliance import check_compliance
    except ModuleNotFoundError as exc:
        if exc.name != "generator.compliance":
            raise
    else:
        result.report.extend(check_compliance(result))
    return result
