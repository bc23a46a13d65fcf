"""Edit record files the way a person would: change one value, keep everything else.

Commands that change records (``plan new``, ``import``, the build's ledger) go through
ruamel.yaml's round-trip mode so the user's comments, key order, quoting, flow style and
blank lines survive; only the edited values change. Reading records for validation stays
in ``load``; this module only turns text into an editable document and back.

``write_texts`` is how a command writes record files: every file is written to a
temporary name first and renamed into place only when all of them were written.
"""

from __future__ import annotations

import copy
import datetime as dt
import io
import itertools
import os
import re
import tempfile
from collections.abc import Iterable
from decimal import Decimal
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.scalarstring import DoubleQuotedScalarString, ScalarString

__all__ = [
    "CommentedMap",
    "CommentedSeq",
    "Document",
    "append_to",
    "delete_in",
    "dump_value",
    "guess_indent",
    "load_text",
    "new_document",
    "plain",
    "quoted",
    "set_in",
    "sync_list",
    "update_mapping",
    "write_texts",
]


def _represent_decimal(representer, value: Decimal):
    """Write a Decimal as the number it is (20.00 stays 20.00), never as a float."""
    text = format(value, "f")
    tag = "tag:yaml.org,2002:int" if "." not in text else "tag:yaml.org,2002:float"
    return representer.represent_scalar(tag, text)


def _represent_time(representer, value: dt.time):
    # "14:30" in quotes: YAML 1.1 tools would read a bare 14:30 as a base-60 number.
    return representer.represent_scalar("tag:yaml.org,2002:str", f"{value:%H:%M}", style='"')


def _represent_none(representer, value: None):
    # An empty value ("published:") rather than "null": what a person leaves to fill in.
    return representer.represent_scalar("tag:yaml.org,2002:null", "")


def _yaml(indent: int = 2, seq_indent: int = 4, offset: int = 2) -> YAML:
    y = YAML(typ="rt", pure=True)
    y.preserve_quotes = True
    y.width = 4096  # never fold long Chinese lines
    y.allow_unicode = True
    y.indent(mapping=indent, sequence=seq_indent, offset=offset)
    y.representer.add_representer(Decimal, _represent_decimal)
    y.representer.add_representer(dt.time, _represent_time)
    y.representer.add_representer(type(None), _represent_none)
    # The loader refuses anchors and aliases (load.py): never emit them.
    y.representer.ignore_aliases = lambda *args: True
    return y


_KEY_ONLY = re.compile(r"^( *)(?:- )?[^#\s][^:#]*:\s*(#.*)?$")


def guess_indent(text: str) -> tuple[int, int]:
    """Return (mapping indent, dash offset) used by a file; the project style is (2, 2).

    Looks at each block key with nothing after it and the first content line below:
    a nested key gives the mapping indent, a dash gives the list offset.
    """
    lines = [ln for ln in text.splitlines() if ln.strip() and not ln.lstrip().startswith("#")]
    indent = offset = None
    for line, nxt in itertools.pairwise(lines):
        m = _KEY_ONLY.match(line)
        if not m:
            continue
        base = len(m.group(1)) + (2 if line.lstrip().startswith("- ") else 0)
        child = len(nxt) - len(nxt.lstrip(" "))
        if child <= base and not nxt.lstrip().startswith("- "):
            continue
        if nxt.lstrip().startswith("- "):
            if offset is None and child >= base:
                offset = child - base
        elif indent is None:
            indent = child - base
        if indent is not None and offset is not None:
            break
    return (indent if indent and indent > 0 else 2), (offset if offset is not None else 2)


class Document:
    """An editable YAML document that dumps back with its comments and layout."""

    def __init__(self, data: Any, yaml: YAML) -> None:
        self.data = data
        self._yaml = yaml

    def dump(self) -> str:
        buf = io.StringIO()
        self._yaml.dump(self.data, buf)
        return buf.getvalue()


def load_text(text: str) -> Document:
    """Load YAML text for editing, keeping its indentation style."""
    if not text.strip():
        return new_document()
    indent, offset = guess_indent(text)
    y = _yaml(indent, offset + 2, offset)
    return Document(y.load(text), y)


def new_document(data: Any | None = None, header: str | None = None) -> Document:
    """Start a document in the project's layout (2-space maps, lists indented by 2)."""
    doc = Document(CommentedMap() if data is None else data, _yaml())
    if header and isinstance(doc.data, CommentedMap):
        doc.data.yaml_set_start_comment(header)
    return doc


def dump_value(value: Any) -> str:
    """Return one scalar as YAML text (quoted only when it must be), without a newline."""
    buf = io.StringIO()
    _yaml().dump(CommentedMap([("k", value)]), buf)
    text = buf.getvalue()
    assert text.startswith("k: ")
    return text[3:].rstrip("\n")


def quoted(text: str) -> DoubleQuotedScalarString:
    """A string that will be written in double quotes."""
    return DoubleQuotedScalarString(text)


def plain(value: Any) -> Any:
    """Deep-copy plain data into commented containers (so two places never share one)."""
    if isinstance(value, dict):
        return CommentedMap((k, plain(v)) for k, v in value.items())
    if isinstance(value, (list, tuple)):
        return CommentedSeq(plain(v) for v in value)
    return copy.copy(value)


def _walk(data: Any, path: Iterable[Any], create: bool) -> Any:
    cur = data
    for key in path:
        if isinstance(cur, dict):
            if key not in cur:
                if not create:
                    raise KeyError(key)
                cur[key] = CommentedMap()
            cur = cur[key]
        else:
            cur = cur[key]
    return cur


def _same(old: Any, new: Any) -> bool:
    """Equal as record values (so an unchanged 20.00 is not rewritten as 20)."""
    if isinstance(new, Decimal) and not isinstance(old, (dict, list, bool)):
        try:
            return Decimal(str(old)) == new
        except ArithmeticError:
            return False
    if isinstance(new, dt.time) and isinstance(old, str):
        return old.strip() == f"{new:%H:%M}" or old.strip() == f"{new.hour}:{new:%M}"
    if isinstance(new, bool) or isinstance(old, bool):
        return type(old) is type(new) and old == new
    if isinstance(new, int) and isinstance(old, int):
        return old == new
    if isinstance(new, str) and isinstance(old, str):
        return str(old) == str(new)
    return type(old) is type(new) and old == new


def set_in(doc: Document | Any, path: list[Any] | tuple[Any, ...], value: Any) -> bool:
    """Set the value at a key path (creating mappings on the way); True when it changed.

    A value equal to the one written (``20`` for ``20.00``) is left as the user wrote it.
    """
    data = doc.data if isinstance(doc, Document) else doc
    *head, last = path
    parent = _walk(data, head, create=True)
    if isinstance(parent, dict) and last in parent and _same(parent[last], value):
        return False
    if isinstance(parent, list) and last < len(parent) and _same(parent[last], value):
        return False
    old = (
        parent.get(last)
        if isinstance(parent, dict)
        else (parent[last] if isinstance(parent, list) and last < len(parent) else None)
    )
    if (
        isinstance(old, ScalarString)
        and isinstance(value, (str, dt.time))
        and not isinstance(value, ScalarString)
    ):
        # keep the user's quoting: '16:00' stays in single quotes when it becomes '16:30'
        value = type(old)(f"{value:%H:%M}" if isinstance(value, dt.time) else value)
    parent[last] = plain(value) if isinstance(value, (dict, list, tuple)) else value
    return True


def delete_in(doc: Document | Any, path: list[Any] | tuple[Any, ...]) -> bool:
    """Delete the key at a path if present; True when something was removed."""
    data = doc.data if isinstance(doc, Document) else doc
    *head, last = path
    try:
        parent = _walk(data, head, create=False)
    except (KeyError, IndexError):
        return False
    if isinstance(parent, dict) and last in parent:
        del parent[last]
        return True
    return False


def append_to(doc: Document | Any, path: list[Any] | tuple[Any, ...], value: Any) -> None:
    """Append to the list at a path, creating it when missing."""
    data = doc.data if isinstance(doc, Document) else doc
    *head, last = path
    parent = _walk(data, head, create=True)
    if last not in parent or parent[last] is None:
        parent[last] = CommentedSeq()
    parent[last].append(plain(value))


def update_mapping(target: CommentedMap, values: dict[str, Any], order: list[str]) -> bool:
    """Make ``target`` hold exactly ``values``: change what differs, drop what is gone.

    Keys already present keep their place (and comments); new keys go where ``order``
    puts them relative to their neighbours. Returns True when anything changed.
    """
    changed = False
    for key in [k for k in target if k not in values]:
        del target[key]
        changed = True
    for key, value in values.items():
        if key in target:
            changed |= set_in(target, [key], value)
            continue
        after = [k for k in order[: order.index(key)] if k in target] if key in order else []
        pos = list(target).index(after[-1]) + 1 if after else (0 if key in order else len(target))
        target.insert(pos, key, plain(value) if isinstance(value, (dict, list)) else value)
        changed = True
    return changed


def sync_list(seq: CommentedSeq, items: list[dict[str, Any]], key, order: list[str]) -> bool:
    """Make a list of mappings equal ``items``, reusing the entries ``key`` matches.

    Matched entries are updated in place (their comments stay); entries no longer
    present are removed; the list takes the order of ``items``. True when it changed.
    """
    old = list(seq)
    by_key: dict[Any, list[CommentedMap]] = {}
    for entry in old:
        if isinstance(entry, dict):
            by_key.setdefault(key(entry), []).append(entry)
    result: list[Any] = []
    changed = False
    for item in items:
        bucket = by_key.get(key(item))
        if bucket:
            entry = bucket.pop(0)
            changed |= update_mapping(entry, item, order)
        else:
            entry = plain(item)
            changed = True
        result.append(entry)
    if len(result) != len(old) or any(a is not b for a, b in zip(result, old)):
        changed = True
        # Keep comments attached to positions that still exist.
        seq[:] = result
    return changed


def write_texts(files: dict[Path, str]) -> None:
    """Write several text files all-or-nothing: temporary files first, then renames."""
    staged: list[tuple[Path, Path]] = []
    try:
        for path, text in files.items():
            path.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
            with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as fh:
                fh.write(text)
            staged.append((Path(tmp), path))
    except BaseException:
        for tmp, _ in staged:
            tmp.unlink(missing_ok=True)
        raise
    for tmp, path in staged:
        os.replace(tmp, path)
