"""Running gongshi as its users do: ``python -m generator`` in a project folder, on copies of
the sample centres, with YAML edited the way a person would (comments and order kept)."""

from __future__ import annotations

import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML

ROOT = Path(__file__).resolve().parent.parent


def gongshi(*args: str, cwd: Path, timeout: int = 600) -> subprocess.CompletedProcess:
    """``gongshi ARGS`` run in ``cwd`` from this checkout, output captured as text."""
    return subprocess.run(
        [sys.executable, "-m", "generator", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=timeout,
        env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"},
    )


def sample_project(dest: Path, *centres: str, ledger: bool = True) -> Path:
    """A project in ``dest``: the shipped content and the named sample centres (all of them
    when none is named), without their ledgers when ``ledger`` is false."""
    shutil.copytree(ROOT / "content", dest / "content")
    names = centres or tuple(p.name for p in (ROOT / "centres").iterdir() if p.is_dir())
    for name in names:
        shutil.copytree(ROOT / "centres" / name, dest / "centres" / name)
        if not ledger:
            (dest / "centres" / name / "published.yaml").unlink(missing_ok=True)
    return dest


def edit_yaml(path: Path, change: Callable[[Any], None]) -> None:
    """Change a YAML file in place with ruamel's round trip (comments and order kept)."""
    yaml = YAML()
    data = yaml.load(path.read_text(encoding="utf-8"))
    change(data)
    with path.open("w", encoding="utf-8") as f:
        yaml.dump(data, f)


def set_keys(path: Path, **values: Any) -> None:
    """Set top-level keys of a YAML record (``None`` removes the key), comments kept."""

    def change(data: Any) -> None:
        for key, value in values.items():
            if value is None:
                data.pop(key, None)
            else:
                data[key] = value

    edit_yaml(path, change)
