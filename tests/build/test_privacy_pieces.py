"""The personal-data guard reads a large file in pieces — a JSON file one element of its
lists at a time, another file a line at a time — and remembers each piece found clean: when
the file changes (one centre's services in the all-centres HSDS export, a few rows of the
officers' tables), only the pieces not found clean before are read again, and what it finds
is what reading the whole file finds."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from generator.build import privacy
from generator.build.privacy import PIECES_FROM, extract_text, scan_outputs
from generator.pipeline import load_project
from generator.records.validate import Project
from generator.text.personal import scan_text
from tests.conftest import MINIMAL, copy_project

DAY = dt.date(2026, 4, 20)
PATH = "data/hsds-services.json"


def service(n: int, phone: str = "0755-86000000") -> dict:
    return {
        "id": f"e5f00df6-51f3-53de-bd90-{n:012d}",
        "name": f"服务 {n}",
        "fees_description": "免费",
        "location": {"phones": [{"number": phone}], "description": "地址：榕湾路 153 号"},
    }


def export(services: list[dict]) -> bytes:
    page = {"total_items": len(services), "contents": services, "last_page": True}
    data = (json.dumps(page, ensure_ascii=False, indent=2) + "\n").encode()
    assert len(data) >= PIECES_FROM
    return data


SERVICES = [service(n) for n in range(4000)]


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list]:
    root = copy_project(MINIMAL, tmp_path_factory.mktemp("pieces") / "proj")
    return root, load_project(root, DAY).centres


def test_the_pieces_are_the_text_the_whole_file_gives() -> None:
    for data in [
        export(SERVICES),
        json.dumps([{"a": ["1", 2]}, "x", [], {}, "", None, 1.5]).encode(),
        json.dumps({"k": [], "s": "", "l": ["", "", "3"], "n": None}).encode(),
    ]:
        text, bounds = privacy._json_elements(data)
        assert text == extract_text(PATH, data)
        assert all(text[a - 1] == "\n" for a, _ in bounds[1:])  # no line holds two pieces
        assert all(b == len(text) or text[b] == "\n" for _, b in bounds)
    assert privacy._json_elements(b'"just a string"') is None
    assert privacy._json_elements(b"{not json") is None


def test_a_changed_element_alone_is_read_again(project) -> None:
    root, centres = project
    clean: set[str] = set()
    assert scan_outputs({PATH: export(SERVICES)}, centres, Project(root), clean=clean) == []
    pieces = {k for k in clean if k.startswith(PATH + "\0")}
    # the services, and the page's members before and after them
    assert len(pieces) == len(SERVICES) + 2

    changed = [*SERVICES[:1500], service(1500, "0755 8600 0001"), *SERVICES[1501:]]
    assert scan_outputs({PATH: export(changed)}, centres, Project(root), clean=clean) == []
    now = {k for k in clean if k.startswith(PATH + "\0")}
    assert len(now) == len(pieces)
    # the changed element, and its neighbours, whose text is read with a few characters of
    # it around them; every other piece is the same
    assert len(now - pieces) <= 3

    # nothing changed: the file is clean by its bytes, and its pieces are kept for next time
    assert scan_outputs({PATH: export(changed)}, centres, Project(root), clean=clean) == []
    assert {k for k in clean if k.startswith(PATH + "\0")} == now


def test_a_number_in_one_element_is_found_as_the_whole_file_finds_it(project) -> None:
    root, centres = project
    clean: set[str] = set()
    scan_outputs({PATH: export(SERVICES)}, centres, Project(root), clean=clean)
    leaky = [*SERVICES[:2000], service(2000, "139 1234 5678"), *SERVICES[2001:]]
    data = export(leaky)
    found = scan_outputs({PATH: data}, centres, Project(root), clean=clean)
    assert found == scan_outputs({PATH: data}, centres, Project(root))  # read whole
    assert [p.code for p in found] == ["personal-data-leak"] and "139****5678" in found[0].message
    assert [f.value for f in scan_text(extract_text(PATH, data))] == ["13912345678"]
    # the leaky file is not remembered clean, so the next build reads it again and finds it
    again = scan_outputs({PATH: data}, centres, Project(root), clean=clean)
    assert [p.code for p in again] == ["personal-data-leak"]


def test_an_amount_beside_a_piece_counts_as_in_the_whole_file(project) -> None:
    # a currency sign at the end of one element makes the number starting the next an
    # amount, in the whole file and in the pieces alike (their text carries their neighbours'
    # edges): 13912345678 元 is not a phone number
    root, centres = project
    clean: set[str] = set()
    items = [{"n": f"第 {n} 项", "note": "说明" * 40} for n in range(4500)]
    items[100] = {"price": "RMB"}
    items[101] = {"13912345678": "x"}
    data = export(items)
    whole = scan_outputs({PATH: data}, centres, Project(root))
    assert scan_outputs({PATH: data}, centres, Project(root), clean=clean) == whole
    # now nothing makes it an amount: the piece after the changed one is read again too
    items[100] = {"price": "价格"}
    data = export(items)
    assert [p.code for p in scan_outputs({PATH: data}, centres, Project(root))] == [
        "personal-data-leak"
    ]
    assert [p.code for p in scan_outputs({PATH: data}, centres, Project(root), clean=clean)] == [
        "personal-data-leak"
    ]


# 16 digits passing Luhn: read as a bank card unless centre.yaml declares it not personal
CONTRACT = "4403002026000019"


@pytest.mark.parametrize(
    "declaration",
    [
        f"not_personal_numbers:\n  - {{number: '{CONTRACT}', reason: 合同编号，已公开}}\n",
        # the key spelled with an escape: the file is read as YAML, not searched for the key
        f"\"not\\x5fpersonal_numbers\":\n  - {{number: '{CONTRACT}', reason: 合同编号，已公开}}\n",
    ],
)
def test_a_number_declared_not_personal_in_centre_yaml_may_be_published(
    tmp_path: Path, declaration: str
) -> None:
    root = copy_project(MINIMAL, tmp_path / "proj")
    centres = load_project(root, DAY).centres
    page = {"index.html": f"<p>合同 {CONTRACT}</p>".encode()}
    assert [p.code for p in scan_outputs(page, centres, Project(root))] == ["personal-data-leak"]
    with (root / "centres" / "demo" / "centre.yaml").open("a", encoding="utf-8") as f:
        f.write(declaration)
    assert scan_outputs(page, centres, Project(root)) == []


# ---------------------------------------------------------------- other large files, by lines

MD = "officers.md"


def table(rows: list[str]) -> bytes:
    lines = ["# 各中心一览", "", "| 中心 | 电话 | 说明 |", "|---|---|---|", *rows, ""]
    data = "\n".join(lines).encode()
    assert len(data) >= PIECES_FROM
    return data


ROWS = [f"| 第 {n} 中心 | 0755-8600{n % 10000:04d} | 开放 {n % 12} 小时 |" for n in range(3000)]


def test_the_lines_are_the_text_the_whole_file_gives() -> None:
    data = table(ROWS)
    text, bounds = privacy._pieces(MD, data)
    assert text == extract_text(MD, data)
    assert bounds[0][0] == 0 and bounds[-1][1] == len(text)
    # whole lines, one after another, each a piece
    assert all(text[b] == "\n" and a2 == b + 1 for (_, b), (a2, _) in zip(bounds, bounds[1:]))
    assert len(bounds) == text.count("\n") + 1
    for text in ["", "x", "a\n", "\n\n\n", "1\n2\n3"]:
        bounds = privacy._lines(text)
        assert "\n".join(text[a:b] for a, b in bounds) == text


def test_a_changed_row_alone_is_read_again(project) -> None:
    root, centres = project
    clean: set[str] = set()
    assert scan_outputs({MD: table(ROWS)}, centres, Project(root), clean=clean) == []
    pieces = {k for k in clean if k.startswith(MD + "\0")}
    assert len(pieces) > 3000

    changed = [*ROWS[:1500], "| 第 1500 中心 | 0755-86001501 | 闭馆 |", *ROWS[1501:]]
    assert scan_outputs({MD: table(changed)}, centres, Project(root), clean=clean) == []
    now = {k for k in clean if k.startswith(MD + "\0")}
    # the changed row, and its neighbours, whose text is read with a few characters of it
    assert len(now - pieces) <= 4
    assert len(pieces - now) <= 4


def test_a_number_in_one_row_is_found_as_the_whole_file_finds_it(project) -> None:
    root, centres = project
    clean: set[str] = set()
    scan_outputs({MD: table(ROWS)}, centres, Project(root), clean=clean)
    leaky = [*ROWS[:2000], "| 第 2000 中心 | 139 1234 5678 | 开放 |", *ROWS[2001:]]
    data = table(leaky)
    found = scan_outputs({MD: data}, centres, Project(root), clean=clean)
    assert found == scan_outputs({MD: data}, centres, Project(root))  # read whole
    assert [p.code for p in found] == ["personal-data-leak"] and "139****5678" in found[0].message
    again = scan_outputs({MD: data}, centres, Project(root), clean=clean)
    assert [p.code for p in again] == ["personal-data-leak"]


def test_an_amount_over_a_line_break_counts_as_in_the_whole_file(project) -> None:
    # "¥" at the end of one line makes the number starting the next an amount, in the
    # whole file and in the pieces alike, though the number is in the next line's piece
    root, centres = project
    rows = list(ROWS)
    for n in range(1000, 1040, 2):
        rows[n] = "¥"
        rows[n + 1] = "13912345678 是金额"
    clean: set[str] = set()
    data = table(rows)
    assert scan_outputs({MD: data}, centres, Project(root)) == []
    assert scan_outputs({MD: data}, centres, Project(root), clean=clean) == []
    rows[1020] = "价格"  # the amount's sign gone before one number
    data = table(rows)
    whole = scan_outputs({MD: data}, centres, Project(root))
    assert [p.code for p in whole] == ["personal-data-leak"]
    assert scan_outputs({MD: data}, centres, Project(root), clean=clean) == whole


@given(
    st.lists(
        st.sampled_from(
            [
                *["| a | 0755-86000000 |", "RMB", "13912345678", "139 1234 5678 元", "说明"],
                *["¥", "价格", "13912345678", ""],
            ]
        ),
        min_size=1,
        max_size=60,
    ),
    st.integers(0, 59),
)
@settings(max_examples=150, deadline=None)
def test_the_pieces_find_a_number_exactly_when_the_whole_text_has_one(lines, change) -> None:
    # whatever was found clean before (the pieces of another text), the file is clean in
    # pieces exactly when a scan of its whole text finds nothing
    before = "\n".join(lines)
    after_lines = list(lines)
    after_lines[change % len(lines)] = "13912345678"
    for old, new in [(before, "\n".join(after_lines)), ("\n".join(after_lines), before)]:
        clean: set[str] = set()
        clean.update(privacy._scan_pieces(MD, old.encode(), set(), "", clean)[1])
        read = privacy._scan_pieces(MD, new.encode(), set(), "", clean)
        assert read[0] == (scan_text(extract_text(MD, new.encode())) == [])
