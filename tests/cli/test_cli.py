"""The check command's arguments, output formats and exit codes."""

from __future__ import annotations

import json
import subprocess
import sys

from conftest import ROOT, make_project, read_fixture

from generator.cli import main


def test_clean_project_exits_0(tmp_path, capsys):
    proj = make_project(tmp_path)
    assert main(["check", str(proj)]) == 0
    assert "检查通过" in capsys.readouterr().out


def test_errors_exit_1_with_position(tmp_path, capsys):
    text = read_fixture("finance/2026-Q1.yaml").replace(
        "government: 100000.00", 'government: "12,00.5"'
    )
    proj = make_project(tmp_path, {"finance/2026-Q1.yaml": text})
    assert main(["check", str(proj)]) == 1
    out = capsys.readouterr().out
    assert "centres/demo/finance/2026-Q1.yaml:4:15 错误 [not-money]" in out
    assert '"12,00.5"' in out


def test_warnings_exit_2_only_with_strict(tmp_path, capsys):
    text = read_fixture("activities/2026-03.yaml").replace("attendance: 28", "attendance: 31")
    proj = make_project(tmp_path, {"activities/2026-03.yaml": text})
    assert main(["check", str(proj)]) == 0
    assert main(["check", str(proj), "--strict"]) == 2
    assert "[capacity-exceeded]" in capsys.readouterr().out


def test_json_format(tmp_path, capsys):
    text = read_fixture("plans/2026-03.yaml").replace("capacity: 30", "capacity: 三十")
    proj = make_project(tmp_path, {"plans/2026-03.yaml": text})
    assert main(["check", str(proj), "--format", "json"]) == 1
    data = json.loads(capsys.readouterr().out)
    assert data["errors"] == 1
    (p,) = data["problems"]
    assert (p["file"], p["line"], p["code"], p["severity"]) == (
        "centres/demo/plans/2026-03.yaml",
        13,
        "not-integer",
        "error",
    )


def test_github_format(tmp_path, capsys):
    text = read_fixture("plans/2026-03.yaml").replace("capacity: 30", "capacity: 三十")
    proj = make_project(tmp_path, {"plans/2026-03.yaml": text})
    assert main(["check", str(proj), "--format", "github"]) == 1
    out = capsys.readouterr().out
    assert out.startswith(
        "::error file=centres/demo/plans/2026-03.yaml,line=13,col=15,title=not-integer::"
    )


def test_check_one_centre_folder_or_file(tmp_path, capsys):
    proj = make_project(tmp_path)
    assert main(["check", str(proj / "centres" / "demo")]) == 0
    assert main(["check", str(proj / "centres" / "demo" / "plans" / "2026-03.yaml")]) == 0


def test_missing_path_exits_1(tmp_path, capsys):
    assert main(["check", str(tmp_path / "nowhere")]) == 1
    assert "找不到路径" in capsys.readouterr().err


def test_bad_option_exits_2(capsys):
    assert main(["check", "--format", "xml"]) == 2
    assert "参数错误" in capsys.readouterr().err


def test_python_m_generator_runs_without_traceback(tmp_path):
    proj = make_project(tmp_path, {"plans/2026-03.yaml": b"\xff\xfe\x00garbage"})
    r = subprocess.run(
        [sys.executable, "-m", "generator", "check", str(proj)],
        check=False,
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    assert r.returncode == 1
    assert "Traceback" not in r.stdout + r.stderr
    assert "[not-utf8]" in r.stdout


def test_every_problem_code_is_documented():
    from generator.problems import CATALOGUE

    doc = (ROOT / "docs" / "problems.md").read_text(encoding="utf-8")
    missing = [code for code in CATALOGUE if f"`{code}`" not in doc]
    assert not missing, missing
