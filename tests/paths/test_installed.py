"""gongshi as an installed package: the wheel carries its templates, default content, schemas
and site configuration, and builds a project made by ``gongshi init`` outside the checkout.

The wheel is built from this checkout and installed into a new virtual environment with its
dependencies (from the package index pip is configured with); nothing of the checkout is on
that environment's path.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import venv
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
FIXTURE = ROOT / "tests" / "fixtures" / "minimal"

pytestmark = pytest.mark.slow


def run(
    cmd: list[str], cwd: Path, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess:
    return subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, text=True, timeout=600)


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    src = tmp_path_factory.mktemp("src") / "gongshi"
    # a copy, so the build writes nothing (build/, *.egg-info) into the checkout
    shutil.copytree(
        ROOT,
        src,
        ignore=shutil.ignore_patterns(
            ".venv", ".git", "public", ".gongshi-cache", "__pycache__", "*.egg-info", "tests"
        ),
    )
    r = run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "-q",
            "--no-deps",
            "--no-build-isolation",
            "-w",
            str(out),
            str(src),
        ],
        cwd=out,
    )
    assert r.returncode == 0, r.stderr
    (found,) = out.glob("gongshi-*.whl")
    return found


def test_the_wheel_carries_the_shared_files(wheel: Path) -> None:
    names = set(zipfile.ZipFile(wheel).namelist())
    for rel in (
        "generator/_data/mkdocs.yml",
        "generator/_data/site_templates/site/overrides/main.html",
        "generator/_data/site_templates/print/notice.typ.j2",
        "generator/_data/site_templates/join/index.html.j2",
        "generator/_data/content/rules/shenzhen-2015.yaml",
        "generator/_data/content/manuals/_defaults.yaml",
        "generator/_data/docs/schema/centre.schema.json",
    ):
        assert rel in names, rel
    assert not any(n.startswith(("centres/", "tests/")) for n in names)


def test_installed_wheel_builds_a_project_outside_the_checkout(wheel: Path, tmp_path: Path) -> None:
    env_dir = tmp_path / "venv"
    venv.EnvBuilder(with_pip=True).create(env_dir)
    pip = env_dir / "bin" / "pip"
    r = run([str(pip), "install", "-q", str(wheel)], cwd=tmp_path)
    assert r.returncode == 0, r.stderr[-2000:]
    gongshi = env_dir / "bin" / "gongshi"
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    env["PATH"] = f"{env_dir / 'bin'}:{env['PATH']}"

    project = tmp_path / "district"
    r = run([str(gongshi), "init", str(project)], cwd=tmp_path, env=env)
    assert r.returncode == 0, r.stderr
    assert (project / "content" / "rules").is_dir() and (project / "mkdocs.yml").is_file()
    # the district names its own site in its own mkdocs.yml
    cfg = (project / "mkdocs.yml").read_text(encoding="utf-8")
    (project / "mkdocs.yml").write_text(
        cfg.replace("site_name: 社区服务中心信息公示", "site_name: 示例区社区服务中心信息公示"),
        encoding="utf-8",
    )
    shutil.copytree(FIXTURE / "centres" / "demo", project / "centres" / "demo")
    # the fixture's own pack and catalogue, beside the ones gongshi ships
    for part in ("rules", "catalogue"):
        for f in (FIXTURE / "content" / part).glob("*.yaml"):
            shutil.copy(f, project / "content" / part / f.name)

    r = run([str(gongshi), "check"], cwd=project, env=env)
    assert r.returncode == 0, r.stdout + r.stderr
    r = run(
        [str(gongshi), "build", "--today", "2027-04-01", "--no-pdf", "--out", "site-out"],
        cwd=project,
        env=env,
    )
    assert r.returncode == 0, r.stdout + r.stderr
    home = (project / "site-out" / "index.html").read_text(encoding="utf-8")
    assert "示例区社区服务中心信息公示" in home
    assert (project / "site-out" / "centres" / "demo" / "index.html").is_file()
    assert (project / "site-out" / "data" / "centres.json").is_file()
    # nothing came from the checkout: the installed package is the one that ran
    r = run(
        [str(env_dir / "bin" / "python"), "-c", "import generator; print(generator.__file__)"],
        cwd=tmp_path,
        env=env,
    )
    assert str(env_dir) in r.stdout, r.stdout
