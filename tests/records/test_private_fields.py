"""Private record fields (``F(..., private=True)``) never reach any output.

Every private field of the fixture holds a unique marker; a real build of the site (mkdocs
HTML, search index, open data) and of every print PDF is read back, and no file may contain a
marker.
"""

from __future__ import annotations

import datetime as dt

import pytest
from conftest import make_project
from hostile_helpers import pdftotext, read_tree

from generator.records.schema import Obj, Seq
from generator.records.shapes import FILE_KINDS

MARKERS = ("PRIVMARK7Q3Z", "隐私标记甲乙丙")
NAME = f"王{MARKERS[0]}{MARKERS[1]}"


def private_fields() -> set[tuple[str, str]]:
    """(file kind, dotted path) of every private field in the schemas."""
    found: set[tuple[str, str]] = set()

    def walk(kind, path: str, file_kind: str, seen: set[int]) -> None:
        if id(kind) in seen:
            return
        seen = seen | {id(kind)}
        if isinstance(kind, Seq):
            walk(kind.of, path, file_kind, seen)
        elif isinstance(kind, Obj):
            for f in kind.fields:
                sub = f"{path}.{f.key}" if path else f.key
                if f.private:
                    found.add((file_kind, sub))
                walk(f.kind, sub, file_kind, seen)

    for file_kind, kind in FILE_KINDS.items():
        walk(kind, "", file_kind, set())
    return found


def test_the_private_fields_are_the_ones_planted_below():
    # A new private field needs a marker in marked_project() below.
    assert private_fields() == {("centre", "staff.name")}


def marked_project(tmp):
    proj = make_project(tmp)
    centre = proj / "centres" / "demo" / "centre.yaml"
    text = centre.read_text(encoding="utf-8")
    old = "  - {role: 中心主任, employment: 全职,"
    assert old in text
    text = text.replace(old, f"  - {{role: 中心主任, name: {NAME}, employment: 全职,")
    text = text.replace(
        "volunteers:",
        f"  - {{role: 社工, name: 李{MARKERS[1]}, employment: 兼职, qualification: 助理社工师}}\n"
        "volunteers:",
    )
    centre.write_text(text, encoding="utf-8")
    return proj


@pytest.mark.slow
def test_no_output_contains_a_private_field(tmp_path):
    from generator.build.orchestrate import build_site
    from generator.pipeline import load_project

    proj = marked_project(tmp_path)
    validated = load_project(proj)
    assert validated.report.errors == []
    (centre,) = validated.centres
    assert NAME in {s.name for s in centre.staff}  # the marker was read into the model

    result = build_site(
        proj,
        tmp_path / "public",
        today=dt.date(2027, 6, 1),
        site_url="https://example.org/",
        pdf=True,
    )
    assert result.report.errors == [] and result.out is not None
    files = read_tree(result.out)
    pdfs = [p for p in files if p.endswith(".pdf") and p.startswith("print/")]
    assert pdfs and any(p.endswith(".html") for p in files)
    for path, data in files.items():
        readable = pdftotext(data) if path in pdfs else data.decode("utf-8", errors="replace")
        if path.endswith(".json"):  # the search index writes \\uXXXX escapes
            readable += data.decode("unicode_escape", errors="replace")
        for marker in MARKERS:
            assert marker not in readable, f"{marker} in {path}"
            assert marker.encode("utf-8") not in data, f"{marker} in {path}"
