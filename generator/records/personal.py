"""Residents' personal numbers in a centre's record files, at their lines.

``gongshi check`` (``records.validate``) reports every ID, mobile or bank card number written
anywhere in a record file — a published field or not (a description, a note, a correction's
reason), a key, a comment — at its line, with the number masked. The matcher is
``generator.text.personal``; the build's scan of its outputs (``build.privacy``) uses the
same index to name the record line a number came from.

A centre's own public numbers pass: ``contact.phone``, ``operator.phone``, an all-digit
``operator.credit_code``, and the numbers its centre.yaml declares not personal
(``not_personal_numbers``, each with the reason; see ``records.schema.NOT_PERSONAL_NUMBERS``).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import Path

from generator.problems import Position, Problem
from generator.records.load import MAX_FILE_BYTES, Raw, RMap, RScalar, RSeq
from generator.text.personal import (
    FIX,
    Finding,
    is_id_number,
    may_hold_number,
    normalise_number,
    scan_text,
)

__all__ = [
    "NOT_PERSONAL_KEY",
    "declared_numbers",
    "number_problem",
    "public_numbers",
    "record_files",
    "record_findings",
    "walk",
]

#: The key of centre.yaml that declares numbers that look personal but are not.
NOT_PERSONAL_KEY = "not_personal_numbers"


def walk(node: Raw | None) -> Iterator[RScalar]:
    """Every scalar of a raw tree, keys included."""
    if isinstance(node, RScalar):
        yield node
    elif isinstance(node, RMap):
        for k, v in node.items:
            yield k
            yield from walk(v)
    elif isinstance(node, RSeq):
        for item in node.items:
            yield from walk(item)


def _text_of(node: Raw | None) -> str | None:
    if isinstance(node, RScalar) and not node.is_null:
        return node.text.strip()
    return None


def _at(node: Raw | None, *keys: str) -> Raw | None:
    for key in keys:
        if not isinstance(node, RMap):
            return None
        node = node.get(key)
    return node


def declared_numbers(centre_root: Raw | None) -> list[str]:
    """The numbers centre.yaml declares not personal, normalised (an ID number, always
    personal, is refused where it is declared and never passes)."""
    out = []
    declared = _at(centre_root, NOT_PERSONAL_KEY)
    if isinstance(declared, RSeq):
        for item in declared.items:
            number = _text_of(_at(item, "number"))
            if number and not is_id_number(normalise_number(number)):
                out.append(normalise_number(number))
    return out


def public_numbers(centre_root: Raw | None) -> set[str]:
    """A centre's numbers that may be published, read from its centre.yaml as written:
    its public phones, an all-digit credit code, and the numbers declared not personal."""
    out: set[str] = set()
    for keys in (("contact", "phone"), ("operator", "phone")):
        text = _text_of(_at(centre_root, *keys))
        if text:
            out.add(normalise_number(text))
    code = _text_of(_at(centre_root, "operator", "credit_code")) or ""
    if code.isdigit():
        out.add(code)
    out.update(declared_numbers(centre_root))
    return out


#: Record files searched for personal numbers: every one in a centre folder, its hidden files
#: and its attachments (read on their own, ``records.attachments``) apart.
RECORD_SUFFIXES = (".yaml", ".yml", ".md", ".txt")


def record_files(folder: Path) -> list[Path]:
    """Every record file of a centre folder (not its attachments, nor hidden files)."""
    out = []
    for path in sorted(folder.rglob("*")):
        rel = path.relative_to(folder).parts
        if any(part.startswith(".") for part in rel) or rel[0] == "attachments":
            continue
        if path.suffix.lower() in RECORD_SUFFIXES and not path.is_symlink() and path.is_file():
            out.append(path)
    return out


def _file_lines(path: Path) -> list[str]:
    """The lines of a record file as written, or none when it cannot be read as a file."""
    try:
        if path.is_symlink() or not path.is_file() or path.stat().st_size > MAX_FILE_BYTES:
            return []
        data = path.read_bytes()
    except OSError:
        return []
    return data.decode("utf-8", errors="replace").lstrip("\ufeff").splitlines()


def record_findings(
    path: Path, display: str, root: Raw | None, allowed: Iterable[str] = ()
) -> list[tuple[Finding, Position]]:
    """Every personal number written in a record file, each at its line and column.

    Each line is read as written (comments too: a record file is kept), then each scalar of
    the parsed tree as YAML reads it (a number folded over lines, or written with escapes,
    is reported at its scalar's first line).
    """
    allow = set(allowed)
    lines = _file_lines(path)
    out: list[tuple[Finding, Position]] = []
    on_lines: set[tuple[str, int]] = set()
    for n, line in enumerate(lines, 1):
        for f in scan_text(line, allow):
            out.append((f, Position(display, n, f.start + 1)))
            on_lines.add((f.value, n))
    for node in walk(root):
        if not may_hold_number(node.text):  # scan_text would find nothing
            continue
        line = lines[node.pos.line - 1] if 0 < node.pos.line <= len(lines) else ""
        if "\n" not in node.text and node.text in line:
            continue  # written as it reads, on one line: read above
        first = node.pos.line
        last = first + node.text.count("\n") + 2
        for f in scan_text(node.text, allow):
            if any((f.value, n) in on_lines for n in range(first, last + 1)):
                continue
            out.append((f, node.pos))
            on_lines.add((f.value, first))
    return out


def number_problem(finding: Finding, pos: Position) -> Problem:
    """The record error for a personal number written at ``pos``."""
    msg = f"这里写有{finding.label} {finding.masked}。{FIX[finding.kind]}"
    return Problem.at(pos, "personal-data-in-record", msg)
