"""New entries of a publication ledger written as text, the way the round trip writes them.

Most builds that change a ledger only add entries: the disclosures published since the last
one (the first build of a centre adds all of them). ``published.updated_ledger`` would read
the whole file with ruamel's round-trip composer and write it all again with its emitter,
both pure Python: half a second to a second a centre for a year of entries, paid by every
centre on the day a month's plans are published. ``appended`` writes only the new entries, in
the project's layout (2-space mappings, list items at ``  - ``, a list's mappings in flow
style on one line, every string in double quotes escaped as the emitter escapes it), and puts
them where the round trip puts them: after the last entry, before the top-level
``corrections:``. tests/ledger/test_ledger_appended.py holds it to the round trip's text, byte
for byte, on the sample centres and on any text.

It writes nothing it cannot write exactly: a key that would need quotes, a value of another
type, a line near the emitter's width (where it would fold the line), or a file whose entries
are not, line by line, what the build writes (a comment or a value written otherwise, a
string over several lines) gives None, and the round trip writes the file.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Mapping
from typing import Any

from ruamel.yaml.emitter import Emitter

# The emitter folds a line past its width (records.edit: 4096 columns): lines are kept
# well under it.
_WIDTH = 4000
_NAME = r"[A-Za-z_][A-Za-z0-9_]*"  # a key written plain
_KEY = re.compile(_NAME)
_DISCLOSURE = re.compile(r"[a-z]+/[0-9A-Za-z-]+")
# a SHA-256 in hex is written plain; one of digits and "e" alone could read as a number,
# and is left to the round trip
_SHA256 = re.compile(r"(?=.*[a-df])[0-9a-f]{64}")
# what the emitter escapes in a double-quoted string (with allow_unicode): the quote, the
# backslash, the Unicode line breaks, the byte-order mark and every non-printable character
_ESCAPED = re.compile(
    '["\\\\\x85\u2028\u2029\ufeff]|[^\x20-\x7e\xa0-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]'
)
# the emitter's own table (its entry for U+00A0 is never reached: that one is printable)
_REPLACEMENTS = Emitter.ESCAPE_REPLACEMENTS
_ENTRIES = re.compile(r"entries:[ \t]*")
_CORRECTIONS = re.compile(r"corrections:(?:[ \t].*)?")
# A line of the entries as the build writes them: a key (with a value on the line or below
# it), a list item holding a string or a flow mapping of strings. Every string closes on its
# line, so new entries put after the last line are items of the same list.
_QUOTED = r'"(?:[^"\\]|\\.)*"'
_FLOW = rf"\{{(?:{_NAME}: {_QUOTED}(?:, {_NAME}: {_QUOTED})*)?\}}"
_VALUE = rf"(?:{_QUOTED}|[0-9A-Za-z][0-9A-Za-z/._-]*|{_FLOW}|\[\])"
_ENTRY_LINE = re.compile(rf" +(?:- )?(?:{_NAME}:(?: {_VALUE})?|{_QUOTED}|{_FLOW})")


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
    try:
        added = [line for e in entries for line in entry_lines(*e)]
    except _Unsure:
        return None
    if old is None or not old.strip():
        head = [f"# {line}" if line else "#" for line in header.splitlines()]
        return "\n".join([*head, "entries:", *added, "corrections:"]) + "\n"
    if not old.endswith("\n") or "\r" in old:
        return None
    # lines as YAML ends them (str.splitlines would also end one at a form feed or U+2028)
    lines = old[:-1].split("\n")
    at = _insertion_line(lines)
    if at is None:
        return None
    return "\n".join([*lines[:at], *added, *lines[at:]]) + "\n"


def _insertion_line(lines: list[str]) -> int | None:
    """The line before which new entries go: the top-level ``corrections:`` of a file laid
    out as the build writes it (``entries:``, its items at ``  - `` written line by line as
    the build writes them, then ``corrections:``)."""
    entries_at = None
    for i, line in enumerate(lines):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        if entries_at is None:
            if not _ENTRIES.fullmatch(line):
                return None  # another top-level key, or the entries written otherwise
            entries_at = i
        elif _CORRECTIONS.fullmatch(line):
            first = next(
                (x for x in lines[entries_at + 1 : i] if x.strip() and not x.startswith("#")),
                "",
            )
            return i if first.startswith("  - ") else None
        elif not _ENTRY_LINE.fullmatch(line):
            return None
    return None
