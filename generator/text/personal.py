"""Residents' personal numbers in any text: found however they are written, and masked.

Records are typed by many hands and everything gongshi writes is public. A resident's ID
number, mobile number or bank card number must never reach the site, the print PDFs or the
open data, nor be repeated in a message (which may end up in a CI log). This module is the
one matcher: ``gongshi check`` runs it over every text of every record
(``records.validate``), the build over every generated file and attachment
(``build.privacy``), and every message that quotes record text masks what it finds
(:func:`mask_numbers`).

What is detected (:func:`scan_text`):

* **ID numbers** (居民身份证号码, GB 11643): 17 digits and a check character (0–9 or X)
  whose GB 11643 ISO 7064 MOD 11-2 check is right, whose first two digits are a province
  code, and whose digits 7–14 are a real birth date between 1900-01-01 and today. The old
  15-digit numbers (invalid since 2013) are not detected.
* **Mobile numbers** (手机号): 11 digits ``1[3-9]xxxxxxxxx``, also with a ``+86``/``86``/
  ``0086`` prefix — unless the number is declared public (a centre's ``contact.phone`` or
  ``operator.phone``). Landlines and hotlines are public numbers and are never flagged.
* **Bank card numbers** (银行卡号): 13–19 digits passing the Luhn check whose first digits
  are those of a card scheme (3, 4, 5, 6 or 9; 2221–2720 for 16 digits), that is not an ID
  number, not an all-digit unified social credit code with a right GB 32100 check character
  (older codes such as ``91440300…`` can be all digits), and not made of one repeated digit.

How a number may be written, and is still found. The text is read as *runs* of digit groups:

* a digit is any Unicode digit (``unicodedata.digit``: ASCII, full-width ``１``,
  mathematical ``𝟏``, Arabic-Indic, superscript …), folded to 0–9;
* between two groups of a run may stand up to three visible separators — spaces of every
  kind (a run of spaces, tabs, hair, thin or ideographic spaces counts as one), dots
  (``.``, ``·``, ``．``, ``。``) and dashes of every kind — and any number of invisible
  characters (format characters such as zero-width joiners, combining marks, variation
  selectors, Hangul fillers); a line break ends a run;
* a number is made of whole consecutive groups of a run, so list numbering in front
  (``1.13900001234``, ``2、``) and letters glued on either side (``wx13900001234``) do not
  hide it; an ID number's final X may follow after a space;
* a digit of another kind (a circled or parenthesised list number ``①``) starts a new group.

What is not taken for a number: an amount (a run whose last group is one or two digits after
a single decimal point, or with ``元``/``¥`` beside it, is never a mobile or card number),
thousands separators (a comma ends a run), dates and times (too short, or split by ``:`` and
``/``; a row of dates such as ``2026-03-31 2026-04-01`` is never read as a mobile or card
number), a repeated digit, a credit code with letters, the digits of a checksum or a UUID
(hex tokens of 32 characters or more, ``8-4-4-4-12``).

Text laid out on pages (a PDF read back) may wrap a number over two lines:
:func:`join_wrapped_lines` joins them before it is searched.

Numbers are shown masked (``138****8000``, ``4499**********0025``).
"""

from __future__ import annotations

import bisect
import datetime as dt
import functools
import re
import sys
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

__all__ = [
    "CONTEXT",
    "FIX",
    "KIND_LABELS",
    "Finding",
    "allowed_numbers",
    "id_check_char",
    "is_id_number",
    "join_wrapped_lines",
    "luhn_ok",
    "mask",
    "mask_numbers",
    "normalise_number",
    "scan_text",
]

KIND_LABELS = {"id-number": "身份证号", "mobile": "手机号", "bank-card": "银行卡号"}

#: What to do about a number found in the records, by kind (Chinese, for messages).
FIX = {
    "id-number": "身份证号属于居民个人信息，不能公示：请从记录中删除",
    "mobile": (
        "个人手机号不能公示：请删除，报名方式可写“电话报名”并公开中心电话；"
        "如果这是中心对外公开的电话，请填写在 centre.yaml 的 contact.phone"
    ),
    "bank-card": (
        "银行卡号属于个人信息，不能公示：请从记录中删除；如果它其实是合同编号等公开号码，"
        "请在 centre.yaml 的 not_personal_numbers 中登记它并写明理由"
    ),
}

# GB 11643-1999: province codes (first two digits) of mainland, Hong Kong, Macao and Taiwan
# residents' ID numbers (83 = residence permits of Taiwan residents).
_PROVINCES = frozenset(
    "11 12 13 14 15 21 22 23 31 32 33 34 35 36 37 41 42 43 44 45 46 50 51 52 53 54 "
    "61 62 63 64 65 71 81 82 83".split()
)
_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK = "10X98765432"
_MOBILE = re.compile(r"1[3-9][0-9]{9}")
# No number starts with the check character X.
_NEVER_FIRST = frozenset("X")
# Lengths of candidates: a mobile (11, 13 with 86, 15 with 0086), a card (13–19), an ID (18).
_LENGTHS = frozenset({11, 13, 14, 15, 16, 17, 18, 19})
# GB 32100 (unified social credit codes), to tell an all-digit code from a card number.
_CREDIT_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_CREDIT_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)

# How many visible separators may stand between two groups of one number.
_MAX_GAP = 3
_DOTS = frozenset(".·．。・‧∙⋅")
_DECIMAL_POINTS = frozenset(".．")
_X = frozenset("XxＸｘ×")
# Invisible characters that are not format (Cf) or combining (Mn, Me) characters: Hangul
# fillers, the combining grapheme joiner's neighbours of the default-ignorable set.
_INVISIBLE_EXTRA = frozenset("\u115f\u1160\u3164\uffa0\u034f\u180b\u180c\u180d\u180e\u180f")
_LINE_BREAKS = frozenset("\n\r\v\f\x1c\x1d\x1e\x85\u2028\u2029")
_LATIN = re.compile(r"[A-Za-z]")
# Checksums and identifiers of files (a SHA-256 in the publication ledger, a UUID): hex
# tokens whose digit runs are nobody's number.
_HASH = re.compile(
    r"(?<![0-9A-Za-z])(?:[0-9a-fA-F]{32,}|[0-9a-fA-F]{8}(?:-[0-9a-fA-F]{4}){3}-[0-9a-fA-F]{12})"
    r"(?![0-9A-Za-z])"
)
# How far on each side of a number the scan looks for a currency sign or unit (an amount is
# not a phone or card number): nothing further away changes what it finds.
CONTEXT = 8
_MONEY_BEFORE = re.compile(r"(?:[¥￥$]|RMB|人民币)\s*$")
_MONEY_AFTER = re.compile(r"^\s*(?:元|万元|亿元|块)")


@dataclass(frozen=True)
class Finding:
    """A number in a text that looks like a resident's personal data."""

    kind: str  # "id-number" | "mobile" | "bank-card"
    value: str  # normalised: ASCII digits (an ID number may end in X); mobiles without +86
    start: int  # span in the scanned text
    end: int

    @property
    def label(self) -> str:
        """The kind in Chinese (身份证号 …)."""
        return KIND_LABELS[self.kind]

    @property
    def masked(self) -> str:
        """The value with its middle hidden, safe to print in a report."""
        return mask(self.value)


def mask(value: str) -> str:
    """Hide the middle of a number: 13800138000 → 138****8000, an ID → 4499**********0025."""
    keep_head = 3 if len(value) <= 11 else 4
    return value[:keep_head] + "*" * (len(value) - keep_head - 4) + value[-4:]


def id_check_char(first17: str) -> str:
    """The GB 11643 check character of the first 17 digits of an ID number."""
    total = sum(int(c) * w for c, w in zip(first17, _ID_WEIGHTS))
    return _ID_CHECK[total % 11]


def is_id_number(value: str, today: dt.date | None = None) -> bool:
    """True for 18 characters with a province code, a plausible birth date and a right check."""
    if len(value) != 18 or not value[:17].isdigit() or value[17] not in "0123456789X":
        return False
    if not value[:17].isascii() or value[:2] not in _PROVINCES:
        return False
    try:
        born = dt.date(int(value[6:10]), int(value[10:12]), int(value[12:14]))
    except ValueError:
        return False
    if not dt.date(1900, 1, 1) <= born <= (today or dt.date.today()):
        return False
    return id_check_char(value[:17]) == value[17]


def luhn_ok(digits: str) -> bool:
    """The Luhn (mod 10) check of card numbers."""
    total = 0
    for i, ch in enumerate(reversed(digits)):
        d = int(ch)
        if i % 2 == 1:
            d = d * 2 - 9 if d > 4 else d * 2
        total += d
    return total % 10 == 0


def _card_prefix_ok(digits: str) -> bool:
    if digits[0] in "34569":
        return True
    return len(digits) == 16 and 2221 <= int(digits[:4]) <= 2720


def _is_credit_code(digits: str) -> bool:
    """An all-digit unified social credit code (GB 32100) with a right check character."""
    if len(digits) != 18:
        return False
    total = sum(_CREDIT_CHARS.index(c) * w for c, w in zip(digits[:17], _CREDIT_WEIGHTS))
    return _CREDIT_CHARS[(31 - total % 31) % 31] == digits[17]


def _is_card(digits: str) -> bool:
    return (
        13 <= len(digits) <= 19
        and digits.isdigit()
        and len(set(digits)) > 1
        and _card_prefix_ok(digits)
        and luhn_ok(digits)
        and not _is_credit_code(digits)
    )


def _mobile_of(digits: str) -> str | None:
    """The 11-digit mobile number in ``digits`` (with or without 86/0086), or None."""
    for prefix in ("", "86", "0086"):
        if digits.startswith(prefix) and len(digits) == 11 + len(prefix):
            core = digits[len(prefix) :]
            if _MOBILE.fullmatch(core):
                return core
    return None


def _may_be(joined: str, start: int, length: int) -> bool:
    """A quick look at the first digits: can ``length`` digits from ``start`` be an ID, a
    mobile (1[3-9], 86, 0086) or a card (2–6, 9) at all?"""
    if length == 18 and joined[start : start + 2] in _PROVINCES:
        return True
    first = joined[start]
    if first == "1":
        return length == 11 and joined[start + 1] in "3456789"
    if first == "8":
        return length == 13 and joined[start + 1] == "6"
    if first == "0":
        return length == 15 and joined.startswith("0086", start)
    return first in "34569" or (first == "2" and length == 16)


def _classify(digits: str, money_like: bool) -> tuple[str, str] | None:
    if len(digits) == 18 and is_id_number(digits):
        return "id-number", digits
    if not money_like:
        mobile = _mobile_of(digits)
        if mobile:
            return "mobile", mobile
        if _is_card(digits):
            return "bank-card", digits
    return None


def kind_of(value: str) -> str:
    """The kind of a normalised number that :func:`scan_text` found."""
    if len(value) == 18 and is_id_number(value):
        return "id-number"
    if _MOBILE.fullmatch(value):
        return "mobile"
    return "bank-card"


# ------------------------------------------------------------------------------- reading


def _digit(ch: str) -> tuple[str, str] | None:
    """The ASCII digit a character stands for and its class (``d`` decimal, ``o`` other:
    superscript, circled …), or None."""
    if "0" <= ch <= "9":
        return ch, "d"
    if ch.isascii():
        return None
    value = unicodedata.digit(ch, None)
    if value is None:
        return None
    return str(value), "d" if unicodedata.category(ch) == "Nd" else "o"


def _invisible(ch: str) -> bool:
    return unicodedata.category(ch) in ("Cf", "Mn", "Me") or ch in _INVISIBLE_EXTRA


def _separator(ch: str) -> str | None:
    """``space``, ``mark`` (a dot or a dash: visible), ``hidden`` (invisible), or None."""
    if ch in _LINE_BREAKS:
        return None
    if ch == "\t" or unicodedata.category(ch) == "Zs":
        return "space"
    if ch in _DOTS or ch == "\u2212" or unicodedata.category(ch) in ("Pd", "Pc"):
        return "mark"
    if _invisible(ch):
        return "hidden"
    return None


@dataclass
class _Group:
    start: int
    end: int
    digits: str
    gap: str = ""  # the separators before it (empty for the first group of a run)


def _gap(text: str, i: int) -> tuple[int, int, str]:
    """From ``i``: where the separators end, how many visible ones, and the visible ones."""
    visible = 0
    shown = ""
    last = ""
    while i < len(text):
        kind = _separator(text[i])
        if kind is None:
            break
        if kind == "mark" or (kind == "space" and last != "space"):
            visible += 1
            shown += text[i] if kind == "mark" else " "
        if kind != "hidden":
            last = kind
        i += 1
    return i, visible, shown


@functools.cache
def _digit_chars() -> re.Pattern[str]:
    """Every character ``_digit`` reads as a digit (``str.isdigit``: Unicode's decimal and
    digit characters, exactly those ``unicodedata.digit`` gives a value), as one class."""
    # ``\d`` (the decimal digits, tested by their category) and the few other digits as
    # ranges: a class of each of ~800 characters one by one is tested against them in
    # turn, a dozen times slower over a page
    decimal = re.compile(r"\d")
    ranges: list[list[int]] = []
    for c in range(sys.maxunicode + 1):
        if chr(c).isdigit() and not decimal.match(chr(c)):
            if ranges and ranges[-1][1] == c - 1:
                ranges[-1][1] = c
            else:
                ranges.append([c, c])
    others = "".join(
        re.escape(chr(a)) if a == b else f"{re.escape(chr(a))}-{re.escape(chr(b))}"
        for a, b in ranges
    )
    return re.compile(rf"[\d{others}]")


_ASCII_DIGITS = re.compile(r"[0-9]+")
# Every character a run of digit groups can go on through (a digit, a separator: ``_separator``
# gives space, mark or hidden; an ID number's check character ``_X``) is outside this class's
# exclusions: line breaks, ASCII other than digits, space, tab, - . _ X x, CJK ideographs and
# the Chinese punctuation ，：；、（）“”. More characters than that may be in it.
_STRETCH_ENDS = (
    "\n\r\v\f\x1c\x1d\x1e\x85\u2028\u2029\x00-\x08\x0e-\x1b\x7f"
    "!-,/:-WY-^`-wy-~\u4e00-\u9fff\u3001\uff08\uff09\uff0c\uff1a\uff1b\u201c\u201d"
)
_STRETCH = re.compile(f"[^{_STRETCH_ENDS}]*")
# No number is written with fewer digits: a mobile has 11, a card 13, an ID 17 and X.
_FEWEST_DIGITS = 11


@functools.cache
def _dense() -> re.Pattern[str]:
    """A digit from which a stretch (``_STRETCH``) holds as many digits as the shortest
    number: where a run may be one. The first such digit of a text is found in one pass;
    each digit is matched once from each of the (fewer than eleven) digits before it in its
    stretch."""
    digit = _digit_chars().pattern  # a class: [...]
    between = f"[^{_STRETCH_ENDS}{digit[1:-1]}]"  # a stretch's characters but digits
    return re.compile(f"{digit}(?:{between}*+{digit}){{{_FEWEST_DIGITS - 1}}}")


_HEX_LETTER = re.compile(r"[a-fA-F]")


def _runs(
    text: str, hashes: list[tuple[int, int]] = (), *, every: bool = False
) -> Iterator[list[_Group]]:
    """The runs of digit groups of ``text`` (see the module's docstring) that may hold a
    number, or ``every`` run.

    ``hashes``: the spans of ``_HASH`` in ``text`` (in order, never overlapping). A run that
    starts inside one before its last letter is not made: a letter ends a run, so such a run
    ends inside the hash, where ``scan_text`` would drop it (a UUID holds a dozen digit
    groups, an HSDS export thousands of UUIDs). Nor is a run with fewer digits than any
    number (``_STRETCH``): most runs of a page are dates, times and counts."""
    n = len(text)
    digit_char = _digit_chars()
    starts = [a for a, _ in hashes]
    last_letter: dict[int, int] = {}
    i = dense_to = 0
    while True:
        m = digit_char.search(text, i)
        if m is None:
            return
        i = m.start()
        k = bisect.bisect_right(starts, i) - 1
        if k >= 0 and i < hashes[k][1]:
            if k not in last_letter:
                a, b = hashes[k]
                letters = [x.start() for x in _HEX_LETTER.finditer(text, a, b)]
                last_letter[k] = letters[-1] if letters else -1
            if i < last_letter[k]:
                i = last_letter[k] + 1
                continue
        # The stretch of characters a run may go on through from here: with fewer digits
        # than the shortest number (a mobile's 11), no run in it is a number. The next
        # digit with enough after it in its stretch is found past every such stretch at
        # once; a stretch with enough is read run by run, and looked at once.
        if not every and i >= dense_to:
            dense = _dense().search(text, i)
            if dense is None:
                return
            if dense.start() > i:
                i = dense.start()
                continue
            dense_to = _STRETCH.match(text, i).end()  # type: ignore[union-attr]
        groups: list[_Group] = []
        gap_text = ""
        while True:
            start, digits, cls = i, "", _digit(text[i])[1]  # type: ignore[index]
            while i < n:
                if cls == "d":  # a stretch of ASCII digits at once
                    ascii_digits = _ASCII_DIGITS.match(text, i)
                    if ascii_digits:
                        digits += ascii_digits[0]
                        i = ascii_digits.end()
                        continue
                d = _digit(text[i])
                if d is None or d[1] != cls:
                    break
                digits += d[0]
                i += 1
            groups.append(_Group(start, i, digits, gap_text))
            if i < n and _digit(text[i]) is not None:  # a digit of another class
                gap_text = ""
                continue
            j, visible, shown = _gap(text, i)
            if j < n and j > i and visible <= _MAX_GAP and _digit(text[j]) is not None:
                gap_text, i = shown or "\u200b", j
                continue
            # an ID number's check character, glued or after separators
            k = j if visible <= _MAX_GAP else i
            if (
                k < n
                and text[k] in _X
                and not (k + 1 < n and (_LATIN.match(text[k + 1]) or _digit(text[k + 1])))
            ):
                groups.append(_Group(k, k + 1, "X", "x"))
                i = k + 1
            break
        yield groups


def _segments(groups: list[_Group]) -> Iterator[tuple[list[_Group], bool]]:
    """A run cut after each decimal fraction (one or two digits after a single decimal point,
    then the end of the run or a space): each piece, and whether it ends with a fraction
    (an amount), without the fraction."""
    piece: list[_Group] = []
    for k, g in enumerate(groups):
        nxt = groups[k + 1] if k + 1 < len(groups) else None
        fraction = (
            piece
            and g.gap in _DECIMAL_POINTS
            and len(g.digits) <= 2
            and g.digits != "X"
            and (nxt is None or nxt.gap.strip(" ") == "")
        )
        if fraction:
            yield piece, True
            piece = []
            continue
        piece.append(g)
    if piece:
        yield piece, False


def may_hold_number(text: str) -> bool:
    """Whether ``text`` has a stretch with as many digits as the shortest number
    (``_dense``); ``scan_text`` finds nothing in a text without one. Most lines and values
    of a record, and most whole record files, have none."""
    return len(text) >= _FEWEST_DIGITS and _dense().search(text) is not None


def scan_text(text: str, allowed: Iterable[str] = ()) -> list[Finding]:
    """Find ID numbers, mobile numbers and bank card numbers in ``text``.

    ``allowed`` holds numbers that may be published (a centre's public phone, a declared
    contract number, see :func:`allowed_numbers`), written in any way; they are not reported.
    """
    if not may_hold_number(text):
        return []
    allow: set[str] | None = None  # the numbers allowed, as read: once a run may be one
    hashes = [m.span() for m in _HASH.finditer(text)] if len(text) >= 32 else []
    starts = [a for a, _ in hashes]  # in order and never overlapping, as finditer gives them
    found: list[Finding] = []
    for run in _runs(text, hashes):
        k = bisect.bisect_right(starts, run[0].start) - 1
        if k >= 0 and run[-1].end <= hashes[k][1]:  # inside a hash: not a number
            continue
        if allow is None:
            allow = {normalise_number(a) for a in allowed if a}
        for groups, decimal in _segments(run):
            end = groups[-1].end
            before = text[max(0, groups[0].start - CONTEXT) : groups[0].start]
            after = text[end : end + CONTEXT]
            money_like = decimal or bool(_MONEY_BEFORE.search(before) or _MONEY_AFTER.match(after))
            found.extend(_in_groups(groups, money_like, allow))
    return found


def _spaced(gap: str | None) -> bool:
    """A gap that stands between two things: none (the run's edge) or spaces only."""
    return gap is None or gap.strip(" ") == ""


def _dates(groups: list[_Group]) -> list[bool]:
    """Which groups are a date standing on its own (``2026-03-31``, ``2026.3.31`` between
    spaces or the run's edges): in a row of dates their groups are never read as a mobile or
    card number, only as part of an ID number (whose own checks are strict)."""
    flags = [False] * len(groups)
    for k in range(len(groups) - 2):
        y, mo, d = groups[k], groups[k + 1], groups[k + 2]
        after = groups[k + 3].gap if k + 3 < len(groups) else None
        if (
            len(y.digits) == 4
            and y.digits.isdigit()
            and 1900 <= int(y.digits) <= 2100
            and len(mo.digits) <= 2
            and mo.digits.isdigit()
            and 1 <= int(mo.digits) <= 12
            and len(d.digits) <= 2
            and d.digits.isdigit()
            and 1 <= int(d.digits) <= 31
            and mo.gap == d.gap
            and mo.gap in ("-", ".", "－", "．")
            and _spaced(y.gap or None)
            and _spaced(after)
        ):
            flags[k] = flags[k + 1] = flags[k + 2] = True
    return flags


def _in_groups(groups: list[_Group], money_like: bool, allow: set[str]) -> Iterator[Finding]:
    ends = [0]
    for g in groups:
        ends.append(ends[-1] + len(g.digits))
    joined = "".join(g.digits for g in groups)
    dates = _dates(groups)
    i = 0
    while i < len(groups):
        hit = None
        # Longest candidate first, so 86 138 0013 8000 is one mobile and an ID number is not
        # also read as a shorter number. Candidates are at most 19 characters: 19 groups.
        start = ends[i]
        if joined[start] in _NEVER_FIRST:
            i += 1
            continue
        for j in range(min(len(groups), i + 19) - 1, i - 1, -1):
            length = ends[j + 1] - start
            if length not in _LENGTHS or not _may_be(joined, start, length):
                continue
            digits = joined[start : ends[j + 1]]
            if "X" in digits[:-1] or (digits.endswith("X") and len(digits) != 18):
                continue
            kind = _classify(digits, money_like or any(dates[i : j + 1]))
            if kind:
                hit = (j, kind)
                break
        if hit is None:
            i += 1
            continue
        j, (kind, value) = hit
        if value not in allow:
            yield Finding(kind, value, groups[i].start, groups[j].end)
        i = j + 1


def normalise_number(text: str) -> str:
    """The digits of a number as written (every kind of digit folded, separators dropped, an
    ID number's x upper-cased, +86/0086 dropped from a mobile)."""
    digits = ""
    for ch in text:
        d = _digit(ch)
        if d is not None:
            digits += d[0]
        elif ch in _X:
            digits += "X"
    return _mobile_of(digits) or digits


def join_wrapped_lines(text: str) -> str:
    """Text laid out on a page (a PDF read back) with each line that a number was wrapped
    out of joined to the next, as a reader reads it: a line ending in a digit after other
    text (a table cell's ``家长 4499991990``) and a next line starting with a digit
    (``0101305X``). Lines of digits alone (a column of counts) are never joined."""
    lines = text.split("\n")
    out = []
    for n, line in enumerate(lines):
        out.append(line)
        nxt = lines[n + 1].lstrip() if n + 1 < len(lines) else ""
        body = line.rstrip()
        wrapped = (
            body
            and nxt
            and _digit(body[-1]) is not None
            and _digit(nxt[0]) is not None
            and any(_digit(ch) is None and _separator(ch) is None for ch in body)
        )
        out.append(" " if wrapped else "\n")
    return "".join(out[:-1])


def mask_numbers(text: str) -> str:
    """``text`` with every personal number in it masked, for a message that quotes it."""
    out = []
    last = 0
    for f in scan_text(text):
        out.append(text[last : f.start])
        out.append(f.masked)
        last = f.end
    out.append(text[last:])
    return "".join(out)


def allowed_numbers(centre: Any) -> set[str]:
    """The numbers of a centre that are public by declaration, normalised.

    ``contact.phone`` (the centre's public service phone) and ``operator.phone``; the
    operator's credit code too, which is printed on every disclosure and could, rarely, be all
    digits; and the numbers its centre.yaml declares not personal (``not_personal_numbers``,
    when the model carries them).
    """
    out: set[str] = set()
    contact = getattr(centre, "contact", None)
    operator = getattr(centre, "operator", None)
    for value in (getattr(contact, "phone", None), getattr(operator, "phone", None)):
        if value:
            out.add(normalise_number(str(value)))
    code = str(getattr(operator, "credit_code", None) or "")
    if code.isdigit():  # one with letters is never taken for a number
        out.add(code)
    for declared in getattr(centre, "not_personal_numbers", None) or ():
        number = getattr(declared, "number", None) or (
            declared.get("number") if isinstance(declared, dict) else None
        )
        if number:
            out.add(normalise_number(str(number)))
    return out
