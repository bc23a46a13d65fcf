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
from typing import Any

_SCALAR = json.JSONEncoder(ensure_ascii=False)
_PLAIN: dict[str, json.JSONEncoder] = {}  # indent → encoder of plain members at that indent


def json_file(value: Any) -> bytes:
    """``(json.dumps(value, ensure_ascii=False, indent=2) + "\\n").encode("utf-8")``."""
    return indented_json(value) + b"\n"


def _nested(v: Any) -> bool:
    """A list or object json lays out on lines of their own (an empty one stays ``[]``)."""
    return isinstance(v, (dict, list, tuple)) and len(v) > 0


def indented_json(value: Any) -> bytes:
    """``json.dumps(value, ensure_ascii=False, indent=2).encode("utf-8")``."""
    out: list[bytes] = []
    # where each list or object with lists or objects inside was first written, by identity
    # and indent (a span of ``out``), and the bytes of those met again
    first: dict[tuple[int, int], tuple[int, int]] = {}
    seen: dict[tuple[int, int], bytes] = {}

    def emit(v: Any, inner: int) -> None:
        """``v`` onto ``out``, its members indented by ``inner`` levels."""
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

    emit(value, 1)
    return b"".join(out)


def _plain(items: dict, pad: str) -> bytes:
    """Members with plain values (or empty lists and objects), one a line after ``pad``,
    without the braces: the C encoder, its item separator holding the line break."""
    encoder = _PLAIN.get(pad)
    if encoder is None:
        encoder = _PLAIN[pad] = json.JSONEncoder(ensure_ascii=False, separators=("," + pad, ": "))
    return encoder.encode(items)[1:-1].encode()
