"""The one matcher of personal numbers: found however they are written, never an amount or a
date, masked in messages.

Every number is fictional: ID numbers use region code 449999 (no such county) with a computed
check character, card numbers the unassigned prefix 629999 with a computed Luhn digit, mobile
numbers the 1390000xxxx block used for examples.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import uuid
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from personal_helpers import make_card, make_id

from generator.text.personal import (
    join_wrapped_lines,
    mask,
    mask_numbers,
    normalise_number,
    scan_text,
)


def id_with_x() -> str:
    for seq in range(100, 300):
        number = make_id("19900101", str(seq))
        if number.endswith("X"):
            return number
    raise AssertionError


ID_A = make_id("19850315")
ID_X = id_with_x()
CARD_A = make_card("000000000012")
MOBILE_A = "13900001234"


def fold(text: str, base: int) -> str:
    """ASCII digits written in another block of ten digits."""
    return "".join(chr(base + int(c)) if c.isdigit() else c for c in text)


def grouped(number: str, sep: str, sizes: tuple[int, ...] = (3, 4, 4)) -> str:
    parts, i = [], 0
    for size in sizes:
        parts.append(number[i : i + size])
        i += size
    if i < len(number):
        parts.append(number[i:])
    return sep.join(parts)


# ------------------------------------------------------------------ the written ways found

# Ways of writing that beat a matcher reading plain digit groups, and more.
WRITTEN = [
    ("two spaces", grouped(MOBILE_A, "  "), MOBILE_A),
    ("dots", grouped(MOBILE_A, "."), MOBILE_A),
    ("tabs", grouped(MOBILE_A, "\t"), MOBILE_A),
    ("hair spaces", grouped(MOBILE_A, "\u200a"), MOBILE_A),
    ("thin spaces", grouped(MOBILE_A, "\u2009"), MOBILE_A),
    ("zero-width joiners", "\u200d".join(MOBILE_A), MOBILE_A),
    ("zero-width spaces", grouped(MOBILE_A, "\u200b"), MOBILE_A),
    ("mathematical digits", fold(MOBILE_A, 0x1D7CE), MOBILE_A),
    ("mathematical sans digits", fold(MOBILE_A, 0x1D7E2), MOBILE_A),
    ("list numbering glued", "1." + MOBILE_A, MOBILE_A),
    ("Latin letters glued", "wx" + MOBILE_A, MOBILE_A),
    ("space before the X", ID_X[:-1] + " X", ID_X),
    ("space before a lower-case x", ID_X[:-1] + " x", ID_X),
    ("ideographic spaces", grouped(MOBILE_A, "\u3000"), MOBILE_A),
    ("em dashes", grouped(MOBILE_A, "—"), MOBILE_A),
    ("spaced hyphens", grouped(MOBILE_A, " - "), MOBILE_A),
    ("middle dots", grouped(MOBILE_A, "·"), MOBILE_A),
    ("underscores", grouped(MOBILE_A, "_"), MOBILE_A),
    ("full-width digits and stops", fold(grouped(MOBILE_A, "．"), 0xFF10), MOBILE_A),
    ("Arabic-Indic digits", fold(MOBILE_A, 0x0660), MOBILE_A),
    ("Devanagari digits", fold(MOBILE_A, 0x0966), MOBILE_A),
    ("superscript digits", "".join("⁰¹²³⁴⁵⁶⁷⁸⁹"[int(c)] for c in MOBILE_A), MOBILE_A),
    ("circled list number", "①" + MOBILE_A, MOBILE_A),
    ("combining marks", MOBILE_A[:3] + "\u0301" + MOBILE_A[3:], MOBILE_A),
    ("variation selectors", grouped(MOBILE_A, "\ufe0f"), MOBILE_A),
    ("word joiners", grouped(MOBILE_A, "\u2060"), MOBILE_A),
    ("soft hyphens", grouped(MOBILE_A, "\u00ad"), MOBILE_A),
    ("Hangul fillers", grouped(MOBILE_A, "\u3164"), MOBILE_A),
    ("no-break spaces after +86", "+86\u00a0" + grouped(MOBILE_A, "\u00a0"), MOBILE_A),
    ("0086 and dots", "0086." + grouped(MOBILE_A, "."), MOBILE_A),
    ("ID with dots", grouped(ID_A, ".", (6, 8, 4)), ID_A),
    ("ID with letters both sides", "SFZ" + ID_A + "abc", ID_A),
    ("ID in mathematical digits", fold(ID_A, 0x1D7CE), ID_A),
    ("ID with full-width X", fold(ID_X[:-1], 0xFF10) + "\u3000Ｘ", ID_X),
    ("card with two spaces", grouped(CARD_A, "  ", (4, 4, 4, 4)), CARD_A),
    ("card after list numbering", "3." + CARD_A, CARD_A),
    ("card after letters", "No" + CARD_A, CARD_A),
]


@pytest.mark.parametrize("name, text, value", WRITTEN, ids=[w[0] for w in WRITTEN])
def test_found_however_it_is_written(name, text, value):
    found = scan_text(f"联系人{text}，请转告")
    assert [f.value for f in found] == [value], name
    assert mask_numbers(f"家长 {text}。").count(mask(value)) == 1


def test_the_span_covers_the_number_as_written():
    text = "电话：" + grouped(MOBILE_A, "  ") + "（王）"
    (f,) = scan_text(text)
    assert text[f.start : f.end] == grouped(MOBILE_A, "  ")


def test_masking_shows_head_and_tail_only():
    assert mask(ID_A) == "4499" + "*" * 10 + ID_A[-4:]
    assert mask(MOBILE_A) == "139****1234"
    assert mask_numbers(f"身份证 {ID_A}，电话 139 0000 1234。") == (
        f"身份证 {mask(ID_A)}，电话 139****1234。"
    )
    assert mask_numbers("收入 400000.00 元，2026-03-05") == "收入 400000.00 元，2026-03-05"


def test_normalise_number():
    assert normalise_number("+86 139-0000-1234") == MOBILE_A
    assert normalise_number(fold(ID_X[:-1], 0xFF10) + " ｘ") == ID_X


def test_allowed_numbers_pass_however_written():
    assert scan_text(grouped(MOBILE_A, "  "), allowed={"139-0000-1234"}) == []


# ------------------------------------------------------------------ what is not a number


@pytest.mark.parametrize(
    "text",
    [
        "金额 1234567890123.45 元",
        "¥6299990000000000129",
        "400000.00",
        "70000.00 12000.00 5000.00 4000.00 3000.00 2000.00",  # a row of amounts
        "1,234,567,890,123.00",
        "2026-03-05 至 2026-03-31",
        "2026.03.05",
        "20260305-20261231",
        "09:00-12:00，14:00-21:00",
        "0755-01234567",
        "400-123-4567",
        "示审字〔2027〕第001号",
        "52440300MJL0000012",
        "FTMZ-2026-00123456789",
        "3、4、5、6、7、8、9、10、11、12、13",
        "13900001234567",
        "0000000000000000",
        "版本 1.2.3",
        "192.168.100.101",
        "12.3 45.6 78.9 10.1 23.4",  # chart coordinates
    ],
)
def test_not_found(text):
    assert scan_text(text) == []


def test_lines_are_not_joined_unless_a_number_was_wrapped():
    assert join_wrapped_lines("家长 4499991985\n03150025）\n下一行") == (
        "家长 4499991985 03150025）\n下一行"
    )
    table = "30\n25\n20\n15\n10"  # a column of counts
    assert join_wrapped_lines(table) == table
    assert scan_text(join_wrapped_lines("金额 5000.00\n4000.00 元")) == []


@settings(max_examples=300, deadline=None)
@given(
    st.lists(
        st.decimals(
            min_value=0,
            max_value=Decimal("99999999.99"),
            places=2,
            allow_nan=False,
            allow_infinity=False,
        ),
        min_size=2,
        max_size=8,
    ),
    st.sampled_from([" ", "  ", "\t", " | ", "\n"]),
)
def test_rows_of_amounts_are_never_flagged(values, sep):
    text = sep.join(str(v) for v in values)
    assert scan_text(text) == [], text
    assert scan_text(join_wrapped_lines("合计 " + text)) == [], text


@settings(max_examples=300, deadline=None)
@given(
    st.lists(
        st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2100, 12, 31)),
        min_size=2,
        max_size=6,
    ),
    st.sampled_from(["{:%Y-%m-%d}", "{:%Y.%m.%d}", "{:%Y/%m/%d}", "{:%Y年%m月%d日}", "{:%Y%m%d}"]),
    st.sampled_from([" ", "  ", "\t", " 至 "]),
)
def test_rows_of_dates_are_never_flagged(days, form, sep):
    text = sep.join(form.format(d) for d in days)
    assert scan_text(text) == [], text


def test_every_run_of_three_days_in_a_table_row_is_not_a_number():
    day = dt.date(2026, 1, 1)
    while day.year < 2028:
        row = [day + dt.timedelta(days=n) for n in (0, 1, 15)]
        for form in ("{:%Y-%m-%d}", "{:%Y.%m.%d}"):
            text = " ".join(form.format(d) for d in row)
            assert scan_text(text) == [], text
        day += dt.timedelta(days=1)


@settings(max_examples=300, deadline=None)
@given(st.binary(min_size=1, max_size=64))
def test_checksums_and_uuids_are_never_flagged(data):
    digest = hashlib.sha256(data).hexdigest()
    assert scan_text(f"sha256: {digest}") == []
    assert scan_text(f"UID:{uuid.UUID(digest[:32])}@gongshi") == []


def test_a_number_beside_a_checksum_is_still_found():
    digest = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
    assert [f.value for f in scan_text(f"{digest} {MOBILE_A}")] == [MOBILE_A]
