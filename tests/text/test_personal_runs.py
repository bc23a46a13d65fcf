"""The personal-number scan reads a text's digit runs fast (a regex to the next digit, past a
checksum's or UUID's inside, past a stretch with fewer digits than any number) and finds
exactly what reading every run finds."""

from __future__ import annotations

import bisect
import sys

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from generator.text import personal

UUID = "e5f00df6-51f3-53de-bd90-4be431c6e1bb"
PIECES = [
    *"0123456789abcdefABCDEFXxＸ×-_.·。 \t\n\u200b\u3000¥元（：１２３①²٣中",
    UUID,
    "0123456789abcdef0123456789abcdef",
    "13800138000",
    "138 0013 8000",
    "11010519491231002X",
    "6222020200112233445",
    "RMB",
    "人民币",
    "2026-03-31",
]


def every_run_read(text: str, allowed: tuple[str, ...] = ()) -> list[tuple]:
    """What ``scan_text`` finds, reading every run of the text (the scan before it skipped
    any): the reference."""
    allow = {personal.normalise_number(a) for a in allowed if a}
    hashes = [m.span() for m in personal._HASH.finditer(text)] if len(text) >= 32 else []
    starts = [a for a, _ in hashes]
    found = []
    for run in personal._runs(text, every=True):
        k = bisect.bisect_right(starts, run[0].start) - 1
        if k >= 0 and run[-1].end <= hashes[k][1]:
            continue
        for groups, decimal in personal._segments(run):
            end = groups[-1].end
            before = text[max(0, groups[0].start - personal.CONTEXT) : groups[0].start]
            after = text[end : end + personal.CONTEXT]
            money = decimal or bool(
                personal._MONEY_BEFORE.search(before) or personal._MONEY_AFTER.match(after)
            )
            found.extend(personal._in_groups(groups, money, allow))
    return [(f.kind, f.value, f.start, f.end) for f in found]


def scanned(text: str, allowed: tuple[str, ...] = ()) -> list[tuple]:
    return [(f.kind, f.value, f.start, f.end) for f in personal.scan_text(text, allowed)]


@settings(max_examples=1500, deadline=None)
@given(st.lists(st.sampled_from(PIECES), max_size=30).map("".join))
def test_the_fast_scan_finds_what_reading_every_run_finds(text: str) -> None:
    assert scanned(text) == every_run_read(text)
    assert scanned(text, ("13800138000",)) == every_run_read(text, ("13800138000",))


def test_a_number_just_after_a_uuid_is_still_found() -> None:
    for text in [
        f"{UUID} 138 0013 8000",
        f"{UUID}\n13800138000",
        f"编号{UUID}，电话13800138000",
        f"{UUID[:-12]}000000000000 13800138000",
    ]:
        assert [f.value for f in personal.scan_text(text)] == ["13800138000"], text
    assert personal.scan_text(f"{UUID} {UUID}") == []


def test_short_runs_beside_a_number_do_not_hide_it() -> None:
    # dates and times around it, a number split by separators the stretch goes through
    text = "2026-04-20 09:30 报名 138\u200b0013 8000，12 人"
    assert [f.value for f in personal.scan_text(text)] == ["13800138000"]
    assert personal.scan_text("2026-04-20 09:30 共 12 人 138 0013") == []


@pytest.mark.slow
def test_every_character_a_run_goes_on_through_is_in_the_stretch() -> None:
    digit = personal._digit_chars()
    for code in range(sys.maxunicode + 1):
        ch = chr(code)
        assert bool(digit.fullmatch(ch)) == (personal._digit(ch) is not None), hex(code)
        goes_on = digit.fullmatch(ch) or personal._separator(ch) or ch in personal._X
        assert not goes_on or personal._STRETCH.fullmatch(ch), hex(code)
