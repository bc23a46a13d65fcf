"""The open-data JSON files' text (site.jsontext) is ``json.dumps(..., indent=2)``'s, byte for
byte, whatever the value, objects met more than once included."""

from __future__ import annotations

import json
import uuid

from hypothesis import given, settings
from hypothesis import strategies as st

from generator.site.hsds import hsds_id
from generator.site.jsontext import Encoded, indented_json, items_text, json_file

SCALARS = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-(10**20), max_value=10**20)
    | st.floats(allow_nan=True, allow_infinity=True)
    | st.text()
)
VALUES = st.recursive(
    SCALARS,
    lambda inner: (
        st.lists(inner, max_size=4)
        | st.tuples(inner, inner)
        | st.dictionaries(st.text(max_size=6), inner, max_size=4)
        | st.dictionaries(st.integers(0, 9) | st.booleans() | st.none(), inner, max_size=3)
    ),
    max_leaves=25,
)


def standard(value: object) -> bytes:
    return json.dumps(value, ensure_ascii=False, indent=2).encode("utf-8")


@settings(max_examples=400, deadline=None)
@given(VALUES)
def test_same_bytes_as_json_dumps(value: object) -> None:
    assert indented_json(value) == standard(value)


@settings(max_examples=200, deadline=None)
@given(VALUES, VALUES)
def test_an_object_met_again_is_the_same_text_at_every_depth(a: object, b: object) -> None:
    shared = {"a": a, "list": [a, b], "empty": [], "none": {}}
    value = {"first": shared, "deeper": [[shared], {"x": shared}], "b": b, "again": [shared]}
    assert indented_json(value) == standard(value)


@settings(max_examples=200, deadline=None)
@given(st.lists(VALUES, min_size=1, max_size=6), st.integers(0, 6))
def test_members_encoded_ahead_are_the_same_text(items: list, cut: int) -> None:
    """A list's members encoded ahead at their depth (``items_text``, in one or two
    ``Encoded`` runs) give the text of the members themselves (``hsds.export``'s kept
    parts)."""
    runs = [run for run in (items[:cut], items[cut:]) if run]
    page = {"total": len(items), "contents": items, "after": [items]}
    ahead = {**page, "contents": [Encoded(items_text(run, 3)) for run in runs]}
    assert indented_json(ahead) == standard(page)
    assert indented_json([Encoded(items_text(items, 2))]) == standard(items)


def test_a_file_ends_with_a_line_break() -> None:
    value = {"centres": [{"名称": "榕湾\n社区", "n": 1.5, "tags": ()}], "empty": {}}
    assert json_file(value) == standard(value) + b"\n"
    assert json_file([]) == b"[]\n"
    assert json_file("文字") == '"文字"\n'.encode()


def test_hsds_ids_are_the_uuid5_of_their_parts() -> None:
    for parts in [("service", "c1", "catalogue/1.2.3"), ("organization", "52440300MJ53NMN2JJ")]:
        expected = uuid.uuid5(uuid.NAMESPACE_URL, "gongshi:hsds:" + "/".join(parts))
        assert hsds_id(*parts) == str(expected)
    assert hsds_id("location", "中心") == str(
        uuid.uuid5(uuid.NAMESPACE_URL, "gongshi:hsds:location/中心")
    )
