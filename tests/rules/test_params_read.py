"""No pack parameter is read by nobody: every typed parameter of every check kind
(``generator.rules.registry.KINDS``, each ``rules/<kind>.py`` ``Params``) is read somewhere in
the package, by its check or by an output that prints it (the manuals, the pages).

A read is ``params.<name>``, ``p.<name>`` (the check's local name for its parameters),
``self.<name>`` in a method of the Params class the consumers call (e.g. ``days_for``; its
cross-field ``problems`` check is not a use and is left out of the search) or
``getattr(…, "<name>")``. The parameters every
rule has (``RuleParams``: ``title``) are read by the pack loader.
"""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path

import pytest

from generator.packs.params import RuleParams
from generator.rules.registry import KINDS

ROOT = Path(__file__).resolve().parents[2]
BASE = {f.name for f in dataclasses.fields(RuleParams)}


def _sources() -> str:
    """Every module of the package, without the Params declarations' own ``self.`` reads."""
    out = []
    for path in sorted((ROOT / "generator").rglob("*.py")):
        if path.name == "params.py" and path.parent.name == "packs":
            continue
        text = path.read_text(encoding="utf-8")
        # a Params class's cross-field ``problems`` reads its own fields: not a use
        text = re.sub(r"(?ms)^    def problems\(self\).*?(?=^\S|^    def |^@)", "", text)
        out.append(text)
    return "\n".join(out)


SOURCES = _sources()
PARAMS = sorted(
    (kind, f.name)
    for kind, ck in KINDS.items()
    for f in dataclasses.fields(ck.params)
    if f.name not in BASE
)


def reads(name: str, text: str) -> bool:
    pattern = rf"(?:\bparams|\bp|\bself)\.{name}\b|getattr\([^)]*[\"']{name}[\"']"
    return re.search(pattern, text) is not None


@pytest.mark.parametrize("kind, name", PARAMS, ids=[f"{k}.{n}" for k, n in PARAMS])
def test_every_parameter_is_read(kind, name):
    assert reads(name, SOURCES), (
        f"the parameter {name} of check kind {kind} is read by nothing in generator/: "
        "use it in the check (or an output), or remove it from the kind and the packs"
    )


def test_the_search_finds_a_read_and_misses_a_declaration():
    assert reads("carry_to", "x = ctx.params.carry_to")
    assert reads("bands", 'getattr(rule.params, "bands", ())')
    assert not reads("carry_to", "    carry_to: str | None = param(Text())")
    assert not reads("carry_to", "self.carry_to_other")
