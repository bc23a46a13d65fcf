"""A project's own mkdocs.yml sets its site: the name on every page and the open data's licence."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from command_helpers import ROOT, gongshi

FIXTURE = ROOT / "tests" / "fixtures" / "minimal"
pytestmark = pytest.mark.slow


def project_with_config(tmp_path: Path, change) -> Path:
    project = tmp_path / "proj"
    shutil.copytree(FIXTURE, project, ignore=shutil.ignore_patterns(".gongshi-cache"))
    text = (ROOT / "mkdocs.yml").read_text(encoding="utf-8")
    (project / "mkdocs.yml").write_text(change(text), encoding="utf-8")
    return project


def test_the_projects_site_name_and_licence_are_used(tmp_path: Path) -> None:
    project = project_with_config(
        tmp_path,
        lambda t: t.replace("site_name: 社区服务中心信息公示", "site_name: 示例区信息公示").replace(
            "licence: CC-BY-4.0", "licence: CC0-1.0"
        ),
    )
    r = gongshi("build", "--today", "2027-04-01", "--no-pdf", "--no-ledger", cwd=project)
    assert r.returncode == 0, r.stdout + r.stderr
    assert "示例区信息公示" in (project / "public" / "index.html").read_text(encoding="utf-8")
    package = json.loads((project / "public" / "data" / "datapackage.json").read_text("utf-8"))
    assert [lic["name"] for lic in package["licenses"]] == ["CC0-1.0"]


def test_a_wrong_licence_stops_the_build_with_what_was_expected(tmp_path: Path) -> None:
    project = project_with_config(
        tmp_path, lambda t: t.replace("licence: CC-BY-4.0", "licence: 随便用")
    )
    r = gongshi("build", "--today", "2027-04-01", "--no-pdf", "--no-ledger", cwd=project)
    assert r.returncode != 0
    assert "mkdocs.yml 的 extra.licence" in r.stderr and "CC-BY-4.0" in r.stderr
    assert "Traceback" not in r.stderr
    assert not (project / "public").exists()
