"""The open-data JSON files' text: ``json.dumps(value, ensure_ascii=False, indent=2)`` and a
line break, in UTF-8, byte for byte, made fast enough for the all-centres files.

With ``indent`` the standard library encodes in pure Python, one call per value: seconds for
the all-centres files of a large city (the HSDS export, ``site.hsds``, the officers' view).
Here a list or object met again in
the value (the same object, at the same indent) is copied from where it was first written
(by identity: the value holds every one of them for the whole call, so an identity is never
reused), the plain members of an object (no list or object among them) are encoded by the C
encoder in one call, and the pieces are joined once, as bytes.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

_SCALAR = json.JSONEncoder(ensure_ascii=False)
_PLAIN: dict[str, json.JSONEncoder] = {}  # indent → encoder of plain members at that indent


def json_file(value: Any) -> bytes:
    """``(json.dumps(value, ensure_ascii=False, indent=2) + "\\n").encode("utf-8")``."""
    return indented_json(value) + b"\n"


@dataclass(frozen=True)
class Encoded:
    """Members of a list already encoded as ``indented_json`` writes them at their depth
    (``items_text``): written as they are, in the place of the members they stand for."""

    text: bytes


def items_text(items: list, depth: int) -> bytes:
    """The text of ``items`` as members of a list at ``depth`` (the depth ``indented_json``
    gives a list's members: 2 for the top value's, 3 for those of a list in the top object),
    one after another with the separators the list writes between them."""
    sep = ("," + "\n" + "  " * (depth - 1)).encode()
    return sep.join(indented_json(x, depth) for x in items)


def _nested(v: Any) -> bool:
    """A list or object json lays out on lines of their own (an empty one stays ``[]``)."""
    return isinstance(v, (dict, list, tuple)) and len(v) > 0


def indented_json(value: Any, depth: int = 1) -> bytes:
    """``json.dumps(value, ensure_ascii=False, indent=2).encode("utf-8")``; with ``depth``, its
    text where it stands at that depth of a value (its members indented ``depth`` levels).
    An ``Encoded`` member of a list is written as it is."""
    out: list[bytes] = []
    # where each list or object with lists or objects inside was first written, by identity
    # and indent (a span of ``out``), and the bytes of those met again
    first: dict[tuple[int, int], tuple[int, int]] = {}
    seen: dict[tuple[int, int], bytes] = {}

    def emit(v: Any, inner: int) -> None:
        """``v`` onto ``out``, its members indented by ``inner`` levels."""
        if type(v) is Encoded:
            out.append(v.text)
            return
        if not _nested(v):
            out.append(_SCALAR.encode(v).encode())
            return
        key = (id(v), inner)
        data = seen.get(key)
        if data is None and key in first:
            start, end = first[key]
            data = seen[key] = b"".join(out[start:end])
        if data is not None:
            out.append(data)
            return
        start = len(out)
        if members(v, inner):
            first[key] = (start, len(out))

    def members(v: dict | list | tuple, inner: int) -> bool:
        """Write the members of ``v``; whether one of them is a list or object."""
        pad = "\n" + "  " * inner
        sep = ("," + pad).encode()
        nested = False
        if not isinstance(v, dict):
            out.append(b"[" + pad.encode())
            for n, x in enumerate(v):
                if n:
                    out.append(sep)
                nested = nested or _nested(x)
                emit(x, inner + 1)
            out.append(pad[:-2].encode() + b"]")
            return nested
        if not all(isinstance(k, str) for k in v):  # json's own conversion of other keys
            text = json.dumps(v, ensure_ascii=False, indent=2)
            out.append(text.replace("\n", pad[:-2]).encode())
            return False
        out.append(b"{" + pad.encode())
        plain: dict = {}
        first_member = True
        for k, x in v.items():
            if _nested(x):
                nested = True
                if plain:
                    out.append(_plain(plain, pad))
                    plain = {}
                    first_member = False
                if not first_member:
                    out.append(sep)
                first_member = False
                out.append(_SCALAR.encode(k).encode() + b": ")
                emit(x, inner + 1)
            else:
                if not plain and not first_member:
                    out.append(sep)
                plain[k] = x
        if plain:
            out.append(_plain(plain, pad))
        out.append(pad[:-2].encode() + b"}")
        return nested

    emit(value, depth)
    return b"".join(out)


def _plain(items: dict, pad: str) -> bytes:
    """Members with plain values (or empty lists and objects), one a line after ``pad``,
    without the braces: the C encoder, its item separator holding the line break."""
    encoder = _PLAIN.get(pad)
    if encoder is None:
        encoder = _PLAIN[pad] = json.JSONEncoder(ensure_ascii=False, separators=("," + pad, ": "))
    return encoder.encode(items)[1:-1].encode()
