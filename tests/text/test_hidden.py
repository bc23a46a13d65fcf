"""Characters that hide or reorder text, by Unicode property."""

from __future__ import annotations

import pytest

from generator.text.hidden import hidden_char, is_hidden, show_hidden

HIDDEN = [
    "\u00ad",  # soft hyphen
    "\u034f",  # combining grapheme joiner
    "\u061c",  # Arabic letter mark
    "\u115f",  # Hangul choseong filler
    "\u1160",  # Hangul jungseong filler
    "\u180e",  # Mongolian vowel separator
    "\u200b",  # zero-width space
    "\u200d",  # zero-width joiner
    "\u202e",  # right-to-left override
    "\u2028",  # line separator
    "\u2029",  # paragraph separator
    "\u2060",  # word joiner
    "\u2066",  # left-to-right isolate
    "\u3164",  # Hangul filler
    "\ufe00",  # variation selector 1
    "\ufe0f",  # variation selector 16
    "\ufeff",  # zero-width no-break space
    "\uffa0",  # half-width Hangul filler
    "\U000e0001",  # language tag
    "\U000e0041",  # tag Latin capital A
    "\U000e007f",  # cancel tag
    "\U000e0100",  # variation selector 17
    "\U000e01ef",  # variation selector 256
]
SHOWN = ["a", "中", " ", "\u3000", "\u00a0", "é", "\u0301", "１", "𝟏", "①", "。", "\t"]


@pytest.mark.parametrize("ch", HIDDEN, ids=lambda c: f"U+{ord(c):04X}")
def test_hidden(ch):
    assert is_hidden(ch)
    assert hidden_char(f"四点半{ch}学校") == ch
    shown = show_hidden(f"a{ch}b")
    assert ch not in shown and shown.startswith("a\\") and shown.endswith("b")


@pytest.mark.parametrize("ch", SHOWN, ids=lambda c: f"U+{ord(c):04X}")
def test_shown(ch):
    assert not is_hidden(ch)
    assert show_hidden(f"四点半{ch}学校") == f"四点半{ch}学校"


def test_a_combining_mark_with_nothing_before_it():
    assert hidden_char("\u0301四点半") == "\u0301"
    assert hidden_char("  \u20dd四点半") == "\u20dd"
    assert hidden_char("Cafe\u0301") is None
    assert show_hidden("\u0301a") == "\\u0301a"


def test_control_characters_are_shown_escaped():
    assert show_hidden("a\x1b[31mb\nc") == "a\\u001B[31mb\nc"
    assert show_hidden("\U000e0041") == "\\U000E0041"
