"""Reading the files the manuals are made from: the only file-system access of the manuals.

``read_manual_sources`` reads content/manuals/*.md and _defaults.yaml and, when given, one
centre's centres/<id>/manuals/ (replacement manuals, ``.add.yaml`` additions and
settings.yaml). Everything after it works on the ``SourceFile`` texts it returns.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from generator.paths import DEFAULT_CONTENT
from generator.problems import Position, Problem, Severity
from generator.records.load import MAX_FILE_BYTES, decode_text

CONTENT_DIR = DEFAULT_CONTENT / "manuals"
DEFAULTS_FILE = "_defaults.yaml"
SETTINGS_FILE = "settings.yaml"
ADD_SUFFIX = ".add.yaml"
MANUAL_ID = re.compile(r"[a-z][a-z0-9-]{0,40}")


@dataclass(frozen=True)
class SourceFile:
    """One file's text as read, or ``None`` with the problem that stopped reading it."""

    display: str
    name: str
    text: str | None
    problems: tuple[Problem, ...] = ()


@dataclass(frozen=True)
class ManualSources:
    """Everything the manuals of one centre are made from."""

    manuals: tuple[SourceFile, ...]  # content/manuals/*.md
    defaults: SourceFile | None  # content/manuals/_defaults.yaml
    overrides: tuple[SourceFile, ...] = ()  # centres/<id>/manuals/<manual-id>.md
    additions: tuple[SourceFile, ...] = ()  # centres/<id>/manuals/<manual-id>.add.yaml
    settings: SourceFile | None = None  # centres/<id>/manuals/settings.yaml
    unknown: tuple[str, ...] = ()  # other entries of centres/<id>/manuals (display paths)


def _display(path: Path, root: Path) -> str:
    try:
        return path.relative_to(root).as_posix()
    except ValueError:
        return path.as_posix()


def _read_source(path: Path, root: Path) -> SourceFile:
    disp = _display(path, root)
    if path.is_symlink():
        msg = "制度文件不能是符号链接（为防止读入文件夹以外的文件）"
        return SourceFile(
            disp, path.name, None, (Problem.at(Position(disp), "attachment-bad", msg),)
        )
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            msg = f"文件大小 {size} 字节，超过上限 {MAX_FILE_BYTES} 字节"
            return SourceFile(
                disp, path.name, None, (Problem.at(Position(disp), "file-too-large", msg),)
            )
        data = path.read_bytes()
    except OSError as exc:
        msg = f"无法读取文件：{exc.strerror or exc}"
        return SourceFile(
            disp, path.name, None, (Problem.at(Position(disp), "file-unreadable", msg),)
        )
    text, problems = decode_text(data, disp)
    return SourceFile(disp, path.name, text, tuple(problems))


def read_manual_sources(
    content_dir: Path | None = None, overrides_dir: Path | None = None
) -> ManualSources:
    """Read the manual templates and, when given, one centre's manual overrides."""
    content_dir = content_dir or CONTENT_DIR
    croot = content_dir.parent.parent
    manuals = tuple(
        _read_source(p, croot)
        for p in sorted(content_dir.glob("*.md"))
        if not p.name.startswith(("_", "."))
    )
    dpath = content_dir / DEFAULTS_FILE
    defaults = _read_source(dpath, croot) if dpath.exists() else None
    if overrides_dir is None or not overrides_dir.is_dir() or overrides_dir.is_symlink():
        return ManualSources(manuals, defaults)
    oroot = overrides_dir.parents[2] if len(overrides_dir.parents) > 2 else overrides_dir
    overrides: list[SourceFile] = []
    additions: list[SourceFile] = []
    settings: SourceFile | None = None
    unknown: list[str] = []
    for p in sorted(overrides_dir.iterdir()):
        if p.name.startswith("."):
            continue
        if p.name == SETTINGS_FILE:
            settings = _read_source(p, oroot)
        elif p.name.endswith(ADD_SUFFIX):
            additions.append(_read_source(p, oroot))
        elif p.suffix == ".md" and p.is_file():
            overrides.append(_read_source(p, oroot))
        else:
            unknown.append(_display(p, oroot))
    return ManualSources(
        manuals, defaults, tuple(overrides), tuple(additions), settings, tuple(unknown)
    )


def problem(disp: str, line: int, code: str, msg: str, sev: Severity | None = None) -> Problem:
    """A problem at a line of a source file (line 0: the file as a whole)."""
    return Problem.at(Position(disp, line, 1 if line else 0), code, msg, sev)
