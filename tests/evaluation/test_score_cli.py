"""``gongshi score``: arguments and exit codes (the scoring itself is tested elsewhere)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from generator.cli import main

ROOT = Path(__file__).resolve().parents[2]
MINIMAL = Path(__file__).resolve().parents[1] / "fixtures" / "minimal"


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """The minimal fixture project with the real rule packs, its centre under shenzhen-2015."""
    dest = tmp_path / "proj"
    shutil.copytree(MINIMAL, dest)
    shutil.rmtree(dest / "content")
    shutil.copytree(ROOT / "content", dest / "content")
    centre = dest / "centres" / "demo" / "centre.yaml"
    centre.write_text(
        centre.read_text(encoding="utf-8").replace(
            "rule_pack: test-pack", "rule_pack: shenzhen-2015"
        ),
        encoding="utf-8",
    )
    return dest


def test_score_by_id_from_the_project_folder(project, monkeypatch, capsys):
    monkeypatch.chdir(project)
    assert main(["score", "demo"]) == 0
    out = capsys.readouterr().out
    assert "评估等级：A" in out and "来源：评估机构" in out


def test_score_by_path_with_year_as_json(project, capsys):
    assert main(["score", str(project / "centres" / "demo"), "2026", "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert (data["year"], data["result"], data["total"]) == (2026, "A", "862")


def test_score_a_year_without_evaluation_still_succeeds(project, capsys):
    assert main(["score", str(project / "centres" / "demo"), "2025"]) == 0
    assert "没有 2025 年度的评估记录" in capsys.readouterr().out


def test_unknown_centre_exits_1(project, monkeypatch, capsys):
    monkeypatch.chdir(project)
    assert main(["score", "nowhere"]) == 1
    assert "找不到中心" in capsys.readouterr().err


def test_centre_with_record_errors_exits_1(project, capsys):
    centre = project / "centres" / "demo" / "centre.yaml"
    centre.write_text(
        centre.read_text(encoding="utf-8").replace("floor_area: 450.5", "floor_area: 四百"),
        encoding="utf-8",
    )
    assert main(["score", str(project / "centres" / "demo")]) == 1
    assert "记录有错误" in capsys.readouterr().err


@pytest.mark.parametrize(
    "argv",
    [
        ["score"],  # CENTRE is required
        ["score", "demo", "20x6"],  # YEAR is four digits
        ["score", "demo", "1999"],
        ["score", "demo", "--format", "xml"],
        ["score", "demo", "2026", "2027"],
    ],
)
def test_bad_arguments_exit_2(argv, project, monkeypatch, capsys):
    monkeypatch.chdir(project)
    assert main(argv) == 2
    assert "参数错误" in capsys.readouterr().err


def test_binjiang_sample_scores_line_by_line(monkeypatch, capsys):
    if not (ROOT / "centres" / "binjiang-lanwan").is_dir():
        pytest.skip("sample not present")
    monkeypatch.chdir(ROOT)
    assert main(["score", "binjiang-lanwan", "2026"]) == 0
    out = capsys.readouterr().out
    assert "主题活动" in out and "〔来源：记录〕" in out and "类型：" in out
