"""The loader's two composers (libyaml for ordinary files, pure Python otherwise) agree."""

from __future__ import annotations

import pytest
from conftest import ROOT

from generator.records import load
from generator.records.load import RMap, RScalar, RSeq, parse_yaml

SAMPLE_FILES = sorted((ROOT / "centres").glob("*/**/*.yaml"))


def shape(node):
    """A comparable picture of a raw tree: text, quoting and position of every node."""
    if isinstance(node, RMap):
        return ("map", node.pos, [(shape(k), shape(v)) for k, v in node.items])
    if isinstance(node, RSeq):
        return ("seq", node.pos, [shape(v) for v in node.items])
    assert isinstance(node, RScalar)
    # an empty value: libyaml places it right after its key, the pure composer at the next
    # token; both point the user at the right key, so only the content is compared
    where = None if node.is_null and not node.text else node.pos
    return ("scalar", where, node.text, node.quoted)


@pytest.mark.parametrize("path", SAMPLE_FILES, ids=lambda p: str(p.relative_to(ROOT)))
def test_fast_and_pure_paths_read_the_same_tree(path, monkeypatch):
    text = path.read_text(encoding="utf-8")
    assert load._looks_ordinary(text)
    fast, fast_problems = parse_yaml(text, "f.yaml")
    monkeypatch.setattr(load, "_HAVE_LIBYAML", False)
    pure, pure_problems = parse_yaml(text, "f.yaml")
    assert fast_problems == pure_problems == []
    assert shape(fast) == shape(pure)


@pytest.mark.parametrize(
    "text",
    [
        "a: &x 1\n",
        "a: *x\n",
        "a: !!python/object:os.system x\n",
        "<<: {a: 1}\n",
        "a: " + "[" * 20 + "]" * 20 + "\n",
        "- - - - - - - - - x\n",
        "a: 1\n" * 60_000,
    ],
)
def test_unusual_text_takes_the_pure_path_with_its_limits(text):
    assert not load._looks_ordinary(text)
