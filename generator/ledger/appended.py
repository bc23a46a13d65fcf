"""New entries of a publication ledger written as text, the way the round trip writes them.

Most builds that change a ledger only add entries: the disclosures published since the last
one (the first build of a centre adds all of them). ``published.updated_ledger`` would read
the whole file with ruamel's round-trip composer and write it all again with its emitter,
both pure Python: about half a second a centre for a year of entries, paid by every centre on
the day a month's plans are published. ``appended`` writes only the new entries, in the
project's layout (2-space mappings, list items at ``  - ``, a list's mappings in flow style on
one line, every string in double quotes escaped as the emitter escapes it), and puts them
where the round trip puts them: after the last entry, before the top-level ``corrections:``.

It writes nothing it cannot write exactly: a file laid out otherwise than the build writes
it, a key that would need quotes, a value of another type, or a line near the emitter's width
(where it would fold the line) gives None, and the round trip writes the file. So does a
result that does not read back as the old file's data with the new entries added.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Mapping
from typing import Any

from generator.records.load import written_data

# The emitter folds a line past its width (records.edit: 4096 columns): lines are kept
# well under it.
_WIDTH = 4000
_KEY = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_DISCLOSURE = re.compile(r"[a-z]+/[0-9A-Za-z-]+")
# a SHA-256 in hex is written plain; one of digits and "e" alone could read as a number,
# and is left to the round trip
_SHA256 = re.compile(r"(?=.*[a-df])[0-9a-f]{64}")
# what the emitter escapes in a double-quoted string (with allow_unicode): the quote, the
# backslash, the Unicode line breaks, the byte-order mark and every non-printable character
_ESCAPED = re.compile(
    '["\\\\\x85\u2028\u2029\ufeff]|[^\x20-\x7e\xa0-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]'
)
_REPLACEMENTS = {
    "\0": "0",
    "\x07": "a",
    "\x08": "b",
    "\x09": "t",
    "\x0a": "n",
    "\x0b": "v",
    "\x0c": "f",
    "\x0d": "r",
    "\x1b": "e",
    '"': '"',
    "\\": "\\",
    "\x85": "N",
    "\u2028": "L",
    "\u2029": "P",
}
_ENTRIES = re.compile(r"entries:[ \t]*(#.*)?")
_CORRECTIONS = re.compile(r"corrections:(?:[ \t].*)?")


class _Unsure(Exception):
    """Raised at what the round trip writes otherwise, or may."""


def _escape(found: re.Match[str]) -> str:
    ch = found.group()
    if ch in _REPLACEMENTS:
        return "\\" + _REPLACEMENTS[ch]
    code = ord(ch)
    if code <= 0xFF:
        return f"\\x{code:02X}"
    if code <= 0xFFFF:
        return f"\\u{code:04X}"
    return f"\\U{code:08X}"


def _quoted(text: str) -> str:
    return '"' + _ESCAPED.sub(_escape, text) + '"'


def _key(key: object) -> str:
    if not isinstance(key, str) or not _KEY.fullmatch(key):
        raise _Unsure
    return key


def _flow(value: Any) -> str:
    if isinstance(value, str):
        return _quoted(value)
    if isinstance(value, Mapping):
        return "{" + ", ".join(f"{_key(k)}: {_flow(v)}" for k, v in value.items()) + "}"
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(_flow(v) for v in value) + "]"
    raise _Unsure


def _block(value: Mapping, indent: int, lines: list[str]) -> None:
    pad = " " * indent
    for k, v in value.items():
        k = _key(k)
        if isinstance(v, str):
            lines.append(f"{pad}{k}: {_quoted(v)}")
        elif isinstance(v, Mapping) and v:
            lines.append(f"{pad}{k}:")
            _block(v, indent + 2, lines)
        elif isinstance(v, (list, tuple)) and v:
            lines.append(f"{pad}{k}:")
            for item in v:
                # a list's mappings are set to flow style (published._yaml_content)
                if not isinstance(item, (str, Mapping)):
                    raise _Unsure
                lines.append(f"{pad}  - {_flow(item)}")
        elif isinstance(v, (Mapping, list, tuple)):
            lines.append(f"{pad}{k}: {_flow(v)}")
        else:
            raise _Unsure


def _plain(value: Any) -> Any:
    """``value`` as its text reads back (``load.written_data``)."""
    if isinstance(value, Mapping):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    return value


def entry_lines(key: str, published: dt.date, sha256: str, content: Mapping) -> list[str]:
    """One entry of ``entries:`` as the round trip writes it (``_Unsure`` when it may not)."""
    if not _DISCLOSURE.fullmatch(key) or not _SHA256.fullmatch(sha256):
        raise _Unsure
    lines = [
        f"  - disclosure: {key}",
        f"    first_published: {published.isoformat()}",
        f"    sha256: {sha256}",
    ]
    if content:
        lines.append("    content:")
        _block(content, 6, lines)
    else:
        lines.append("    content: {}")
    if any(len(line) > _WIDTH for line in lines):
        raise _Unsure
    return lines


def appended(
    old: str | None,
    entries: Iterable[tuple[str, dt.date, str, Mapping]],
    *,
    header: str,
) -> str | None:
    """The ledger's text with ``entries`` (disclosure key, first publication date, SHA-256,
    content) added after its last entry, as ``updated_ledger``'s round trip writes it; a new
    ledger (``old`` None or blank) starts with ``header``. None when only the round trip
    can write it (see the module's docstring)."""
    entries = list(entries)
    try:
        added = [line for e in entries for line in entry_lines(*e)]
    except _Unsure:
        return None
    new_entries = [
        {"disclosure": k, "first_published": d, "sha256": s, "content": _plain(c)}
        for k, d, s, c in entries
    ]
    if old is None or not old.strip():
        head = [f"# {line}" if line else "#" for line in header.splitlines()]
        text = "\n".join([*head, "entries:", *added, "corrections:"]) + "\n"
        expected: Any = {"entries": new_entries, "corrections": None}
    else:
        at = _insertion_line(old)
        if at is None:
            return None
        lines = old.splitlines(keepends=True)
        text = "".join(lines[:at]) + "".join(f"{line}\n" for line in added) + "".join(lines[at:])
        before = written_data(old)
        if not isinstance(before, dict) or not isinstance(before.get("entries"), list):
            return None
        expected = {**before, "entries": before["entries"] + new_entries}
    return text if written_data(text) == expected else None


def _insertion_line(text: str) -> int | None:
    """The line before which new entries go: the top-level ``corrections:`` of a file laid
    out as the build writes it (``entries:`` then ``corrections:``, items at ``  - ``)."""
    if "\r" in text or not text.endswith("\n"):
        return None
    entries_at = corrections_at = None
    first_item = True
    for i, line in enumerate(text.splitlines()):
        if not line.strip() or line.startswith("#"):
            continue
        if line[0] != " ":
            if _ENTRIES.fullmatch(line) and entries_at is None and corrections_at is None:
                entries_at = i
            elif _CORRECTIONS.fullmatch(line) and entries_at is not None:
                if corrections_at is not None:
                    return None
                corrections_at = i
            elif corrections_at is None:
                return None  # another top-level key, or a line of a value at column 0
        elif entries_at is not None and corrections_at is None and first_item:
            if not line.startswith("  - "):
                return None
            first_item = False
    if entries_at is None or corrections_at is None or first_item:
        return None
    return corrections_at
