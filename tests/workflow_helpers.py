"""Helpers for the workflow tests: projects to work in, a CLI runner, file snapshots."""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

from conftest import MINIMAL, ROOT, copy_project

from generator.cli import main
from generator.pipeline import validate_project
from generator.records.validate import Project

# A pack with the three kinds of deadline the real packs use (plan-published of
# binjiang-2023, disclosure-deadline of shenzhen-2015); the audit rule is left out on
# purpose so one disclosure has no due date.
DUE_PACK = """\
id: due-pack
name: 期限测试规则包
document: 《深圳市社区（党群）服务中心运营与评估标准（征求意见稿）》
catalogue: test-cat
rules:
  monthly-plan:
    check: plan-published
    clause: 附录C
    quote: 每月须提前制定月度活动安排
    severity: warning
    days_before_month: "0"
  quarterly-finance-disclosure:
    check: disclosure-deadline
    clause: 七(三)
    quote: 及时向社会公开
    severity: error
    disclosure: quarterly-finance
    period: quarter
    days_after_period: "30"
"""


def project_with_real_content(tmp_path: Path) -> Path:
    """An empty project (no centres) with the repository's rule packs and catalogues."""
    dest = tmp_path / "proj"
    (dest / "centres").mkdir(parents=True)
    shutil.copytree(ROOT / "content", dest / "content")
    return dest


def minimal_project(tmp_path: Path) -> Path:
    """A copy of tests/fixtures/minimal (centre ``demo``)."""
    return copy_project(MINIMAL, tmp_path / "proj")


def demo(proj: Path) -> Path:
    return proj / "centres" / "demo"


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def run_cli(args: list[str], monkeypatch, cwd: Path) -> int:
    """Run ``gongshi`` in a folder, the way a user types it."""
    monkeypatch.chdir(cwd)
    return main(args)


def tree_digest(folder: Path) -> dict[str, str]:
    """Every file under a folder with the SHA-256 of its bytes (to prove nothing changed)."""
    return {
        p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def errors_of(proj: Path) -> list:
    return validate_project(Project(proj)).report.errors


def validated(proj: Path):
    result = validate_project(Project(proj))
    assert not result.report.errors, result.report.format()
    return result
