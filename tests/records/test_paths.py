"""Files that are not what they seem: refused at the file with a Chinese message, never read
and never waited on (a FIFO is looked at with stat, not opened)."""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
from pathlib import Path

import pytest
from conftest import ROOT, make_project

from generator.records.load import read_document

GONGSHI = ROOT / ".venv" / "bin" / "gongshi"
SECRET = "外部秘密内容-不应出现"


def check(proj, timeout: int = 60) -> tuple[int, list[dict], str]:
    """``gongshi check`` as staff run it, in its own process: a hang is a failure."""
    run = subprocess.run(
        [str(GONGSHI), "check", str(proj), "--format", "json", "--today", "2026-12-06"],
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    assert "Traceback" not in run.stderr and "内部错误" not in run.stderr, run.stderr
    return run.returncode, json.loads(run.stdout)["problems"], run.stdout + run.stderr


def refusal(problems: list[dict], file: str) -> dict:
    found = [p for p in problems if p["file"] == f"centres/demo/{file}"]
    assert found, (file, problems)
    return found[0]


@pytest.fixture
def outside(tmp_path):
    """A folder outside the project holding record-like files with a secret in them."""
    out = tmp_path / "outside"
    (out / "plans").mkdir(parents=True)
    (out / "plans" / "2026-03.yaml").write_text(
        f"month: 2026-03\nactivities:\n  - title: {SECRET}\n", encoding="utf-8"
    )
    (out / "centre.yaml").write_text(f"district: {SECRET}\n", encoding="utf-8")
    (out / "published.yaml").write_text(f"entries: [{SECRET}]\n", encoding="utf-8")
    return out


def test_plans_folder_linked_out_of_the_project(tmp_path, outside):
    proj = make_project(tmp_path)
    plans = proj / "centres" / "demo" / "plans"
    shutil.rmtree(plans)
    plans.symlink_to(outside / "plans", target_is_directory=True)
    code, problems, text = check(proj)
    assert code == 1
    p = refusal(problems, "plans/2026-03.yaml")
    assert p["code"] == "file-unreadable" and "项目文件夹以外的链接" in p["message"]
    assert SECRET not in text


@pytest.mark.parametrize("name", ["centre.yaml", "published.yaml", "finance/2026-Q1.yaml"])
def test_record_file_linked_out_of_the_project(name, tmp_path, outside):
    proj = make_project(tmp_path)
    path = proj / "centres" / "demo" / name
    target = outside / ("plans/2026-03.yaml" if "/" in name else name)
    path.unlink(missing_ok=True)
    path.symlink_to(target)
    code, problems, text = check(proj)
    assert code == 1
    p = refusal(problems, name)
    assert p["code"] in {"file-unreadable", "attachment-bad"}, p
    assert "以外" in p["message"]
    assert SECRET not in text


def test_link_inside_the_project_is_read(tmp_path):
    proj = make_project(tmp_path)
    plans = proj / "centres" / "demo" / "plans"
    kept = proj / "centres" / "demo" / ".kept-plan.yaml"
    (plans / "2026-03.yaml").rename(kept)
    (plans / "2026-03.yaml").symlink_to(kept)
    code, problems, _ = check(proj)
    assert code == 0, problems


def test_fifo_named_like_a_record_does_not_hang(tmp_path):
    proj = make_project(tmp_path)
    fifo = proj / "centres" / "demo" / "plans" / "2026-04.yaml"
    os.mkfifo(fifo)
    code, problems, _ = check(proj, timeout=60)
    assert code == 1
    p = refusal(problems, "plans/2026-04.yaml")
    assert p["code"] == "file-unreadable" and "命名管道" in p["message"]


def test_fifo_as_centre_yaml_does_not_hang(tmp_path):
    proj = make_project(tmp_path)
    centre = proj / "centres" / "demo" / "centre.yaml"
    centre.unlink()
    os.mkfifo(centre)
    code, problems, _ = check(proj, timeout=60)
    assert code == 1
    assert any(p["file"].startswith("centres/demo") for p in problems)


def test_socket_named_like_a_record(tmp_path):
    proj = make_project(tmp_path)
    path = proj / "centres" / "demo" / "finance" / "2026-Q2.yaml"
    sock = socket.socket(socket.AF_UNIX)
    try:
        sock.bind(str(path))
    except OSError:
        pytest.skip("no UNIX socket can be made here")
    try:
        code, problems, _ = check(proj)
    finally:
        sock.close()
    assert code == 1
    assert "套接字" in refusal(problems, "finance/2026-Q2.yaml")["message"]


def test_device_named_like_a_record(tmp_path):
    proj = make_project(tmp_path)
    path = proj / "centres" / "demo" / "audits" / "2025.yaml"
    path.symlink_to("/dev/zero")  # a link to a device: outside the project and not a file
    code, problems, _ = check(proj)
    assert code == 1
    assert "以外" in refusal(problems, "audits/2025.yaml")["message"]


def test_device_is_refused_without_reading_it():
    doc = read_document(Path("/dev/zero"), "audits/2025.yaml")
    assert doc.root is None
    (p,) = doc.problems
    assert p.code == "file-unreadable" and "设备文件" in p.message


def test_folder_named_like_a_record(tmp_path):
    proj = make_project(tmp_path)
    (proj / "centres" / "demo" / "evaluations" / "2025.yaml").mkdir()
    code, problems, _ = check(proj)
    assert code == 1
    p = refusal(problems, "evaluations/2025.yaml")
    assert p["code"] == "file-unreadable" and "文件夹" in p["message"]
