"""Fuzz the reader and the schemas with mutated record files: every outcome is a value.

A fixed budget of deterministic mutations (byte flips, insertions of bytes and YAML syntax,
deletions, truncations, duplicated and shuffled lines, re-indentation) of the sample records
(centres/, else the minimal fixture) goes through ``read_document`` and the file's schema.
Nothing may raise; a file is either a model value or refused with positioned problems whose
codes are in the catalogue and whose messages cannot carry control characters.
"""

from __future__ import annotations

import random
import re

import pytest
from conftest import MINIMAL, ROOT

from generator.problems import CATALOGUE
from generator.records.load import read_document
from generator.records.schema import INVALID
from generator.records.shapes import FILE_KINDS
from generator.records.validate import FOLDERS

SEED = 20261122
MUTATIONS = 2000
MAX_SAMPLE_BYTES = 12_000  # larger files cost time without adding shapes
# Characters of YAML syntax and of trouble: anchors, aliases, tags, merge keys, flow
# brackets, documents, directives, quotes, tabs, control, invisible and full-width characters.
TOKENS = [
    b"&a ",
    b"*a",
    b"!!python/object:os.system ",
    b"!!binary ",
    b"!custom ",
    b"<<: ",
    b"? ",
    b"{",
    b"}",
    b"[",
    b"]",
    b",",
    b": ",
    b"- ",
    b"---\n",
    b"...\n",
    b"%YAML 1.1\n",
    b"%TAG ! x\n",
    b"'",
    b'"',
    b"|",
    b">",
    b"#",
    b"\t",
    b"\x00",
    b"\x1b[2J",
    b"\r",
    b"\xef\xbb\xbf",
    "\u200b".encode(),
    "\u202e".encode(),
    "１２３．４５".encode(),
    "：".encode(),
    b"\xff\xfe",
    b"\xc3",
    b"~",
    b"null",
    b"1e999",
    b"0x1F",
    b"2026-02-30",
    b"25:61",
    b"-0",
    b"9" * 40,
    "长".encode() * 300,
]


def samples() -> list[tuple[str, bytes]]:
    """(file kind, bytes) of the sample record files, small ones only."""
    kinds = {folder: kind for folder, (kind, _pattern, _shape) in FOLDERS.items()}
    found = []
    for base in (ROOT / "centres", MINIMAL / "centres"):
        for path in sorted(base.glob("*/centre.yaml")) + sorted(base.glob("*/*/*.yaml")):
            kind = "centre" if path.name == "centre.yaml" else kinds.get(path.parent.name)
            if kind and path.stat().st_size <= MAX_SAMPLE_BYTES:
                found.append((kind, path.read_bytes()))
        if found and base == ROOT / "centres":
            break
    return found


def mutate(data: bytes, rng: random.Random) -> bytes:
    op = rng.randrange(9)
    n = len(data)
    at = rng.randrange(n + 1)
    if op == 0 and n:  # flip bits of a few bytes
        b = bytearray(data)
        for _ in range(rng.randint(1, 4)):
            i = rng.randrange(n)
            b[i] ^= 1 << rng.randrange(8)
        return bytes(b)
    if op == 1:  # insert a random byte string
        return data[:at] + rng.randbytes(rng.randint(1, 8)) + data[at:]
    if op == 2:  # insert a YAML token
        return data[:at] + rng.choice(TOKENS) + data[at:]
    if op == 3:  # delete a range
        return data[:at] + data[at + rng.randint(1, 40) :]
    if op == 4:  # truncate
        return data[:at]
    lines = data.split(b"\n")
    i = rng.randrange(len(lines))
    if op == 5:  # duplicate a line (duplicate keys, repeated items)
        lines.insert(i, lines[i])
    elif op == 6:  # shuffle a window of lines
        window = lines[i : i + rng.randint(2, 6)]
        rng.shuffle(window)
        lines[i : i + len(window)] = window
    elif op == 7:  # re-indent a line
        lines[i] = b" " * rng.choice([0, 1, 3, 4, 8]) + lines[i].lstrip(b" ")
    else:  # replace a value with a token
        lines[i] = re.sub(rb":\s.*", b": " + rng.choice(TOKENS), lines[i], count=1)
    return b"\n".join(lines)


UNPRINTABLE = re.compile("[\x00-\x09\x0b-\x1f\x7f-\x9f\u200b-\u200f\u2028-\u202e\u2066-\u2069]")


@pytest.mark.slow
def test_mutated_records_give_problems_or_values(tmp_path):
    pool = samples()
    assert len(pool) >= 5
    rng = random.Random(SEED)
    path = tmp_path / "record.yaml"
    outcomes = {"value": 0, "refused": 0}
    for round_no in range(MUTATIONS):
        kind, original = rng.choice(pool)
        data = original
        for _ in range(rng.choice([1, 1, 2, 3, 5])):
            data = mutate(data, rng)
        path.write_bytes(data)
        where = f"mutation {round_no} of a {kind} file"
        try:
            doc = read_document(path, "record.yaml")
            problems = list(doc.problems)
            value = None
            if doc.root is not None and not any(p.severity.value == "error" for p in problems):
                value = FILE_KINDS[kind](doc.root, problems)
        except Exception as exc:  # noqa: BLE001 - any exception is the failure reported
            pytest.fail(f"{where} raised {type(exc).__name__}: {exc}\ninput: {data[:400]!r}")
        errors = [p for p in problems if p.severity.value == "error"]
        if value is None or value is INVALID:
            assert errors, f"{where}: refused without an error\ninput: {data[:400]!r}"
            outcomes["refused"] += 1
        else:
            outcomes["value"] += 1
        for p in problems:
            assert p.code in CATALOGUE, (where, p)
            assert p.file == "record.yaml" and p.line >= 0 and p.message, (where, p)
            assert not UNPRINTABLE.search(p.message), (where, p.message)
    # The budget exercised both outcomes.
    assert outcomes["value"] > 50 and outcomes["refused"] > 500, outcomes
