"""The ``gongshi`` command ends its process as soon as its work is written
(``cli.command``): what it prints and the code it exits with are ``main``'s, whole."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from command_helpers import ROOT, gongshi, sample_project

from generator.cli import check, main

TODAY = "2026-12-06"


def test_the_command_prints_and_exits_as_main_returns(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    sample_project(tmp_path)
    # a centre with an error in its records: check exits 1 and lists it
    hours = next(tmp_path.glob("centres/*/centre.yaml"))
    hours.write_text(hours.read_text(encoding="utf-8") + "\nopened: 不是日期\n", "utf-8")
    args = ("check", "--today", TODAY, "--format", "json")

    run = gongshi(*args, cwd=tmp_path)
    monkeypatch.chdir(tmp_path)
    code = main(list(args))
    here = capsys.readouterr()

    assert code == 1 and run.returncode == code
    assert run.stdout == here.out and run.stderr == here.err
    assert json.loads(run.stdout)  # the whole report, not a part of it left in a buffer


def test_what_the_command_prints_last_reaches_the_pipe(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "generator", "--version"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
        env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"},
    )
    assert done.returncode == 0 and done.stdout.strip() and not done.stderr


def test_a_bug_is_said_to_be_one_with_its_traceback_only_when_asked(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(args: object) -> int:
        raise RuntimeError("x")

    monkeypatch.setattr(check, "run", broken)
    monkeypatch.delenv("GONGSHI_DEBUG", raising=False)
    assert main(["check", str(tmp_path)]) == 3
    err = capsys.readouterr().err
    assert err.startswith("gongshi：内部错误（RuntimeError）。这是程序的缺陷，不是记录的问题")
    assert "Traceback" not in err

    monkeypatch.setenv("GONGSHI_DEBUG", "1")
    assert main(["check", str(tmp_path)]) == 3
    assert "Traceback" in capsys.readouterr().err
