"""Chinese numerals and the small wordings the manuals print (numbers, dates, hours).

Pure functions of their arguments; ``Md`` marks text that is already safe Markdown.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from generator import model as m
from generator.text import formats as fmt

_CN_DIGITS = "零一二三四五六七八九"


def cn_numeral(n: int) -> str:
    """Write a whole number in Chinese numerals, as article numbers are: 21 → 二十一."""
    if n < 0:
        return "负" + cn_numeral(-n)
    if n < 10:
        return _CN_DIGITS[n]
    if n < 20:
        return "十" + (_CN_DIGITS[n % 10] if n % 10 else "")
    if n >= 10000:
        high, rest = divmod(n, 10000)
        tail = "" if not rest else ("零" if rest < 1000 else "") + _cn_under(rest)
        return cn_numeral(high) + "万" + tail
    return _cn_under(n)


def _cn_under(n: int) -> str:
    out = ""
    zero = False
    for value, unit in ((1000, "千"), (100, "百"), (10, "十"), (1, "")):
        d, n = divmod(n, value)
        if d:
            if zero and out:
                out += "零"
            out += _CN_DIGITS[d] + unit
            zero = False
        else:
            zero = True
    return out


def cn_item(i: int) -> str:
    """Item number inside an article: 1 → （一）."""
    return f"（{cn_numeral(i)}）"


def plain_number(d: Decimal | int) -> str:
    """A number as printed in prose: no exponent, no trailing zeros (400.00 → 400)."""
    if isinstance(d, int):
        return str(d)
    q = d.normalize()
    return f"{q:f}"


def percent_text(d: Decimal) -> str:
    """A ratio as a percentage in prose: 0.80 → 80%, 0.075 → 7.5%."""
    return plain_number(d * 100) + "%"


def date_text(d: dt.date) -> str:
    return f"{d.year}年{d.month}月{d.day}日"


def opening_hours_text(hours: m.OpeningHours) -> str:
    """The weekly sessions as prose: 周二至周五 08:30—12:00、13:00—21:30；周一不开放."""
    groups: list[tuple[list[int], tuple[m.Session, ...]]] = []
    for day in range(7):
        sessions = tuple(hours.weekly.get(day, ()))
        if groups and groups[-1][1] == sessions and groups[-1][0][-1] == day - 1:
            groups[-1][0].append(day)
        else:
            groups.append(([day], sessions))

    def days(ds: list[int]) -> str:
        if len(ds) >= 3:
            return f"{m.WEEKDAYS[ds[0]]}至{m.WEEKDAYS[ds[-1]]}"
        return "、".join(m.WEEKDAYS[d] for d in ds)

    def span(s: m.Session) -> str:
        return fmt.session_text(s, "—")

    open_parts = [f"{days(ds)} {'、'.join(span(s) for s in ss)}" for ds, ss in groups if ss]
    closed = [d for ds, ss in groups if not ss for d in ds]
    if not open_parts:
        return "以本中心公告为准"
    text = "；".join(open_parts)
    if closed:
        text += "；" + "、".join(m.WEEKDAYS[d] for d in closed) + "不开放"
    return text


_ASCII_PUNCT = str.maketrans({",": "，", ";": "；", ":": "：", "(": "（", ")": "）"})


def zh_punct(text: str) -> str:
    """Full-width punctuation for a quote copied from a PDF-converted source."""
    return text.translate(_ASCII_PUNCT)


def inner_quotes(text: str) -> str:
    """Double quotes inside a quotation become single ones: “12349” → ‘12349’."""
    return text.replace("“", "‘").replace("”", "’")


class Md(str):
    """Markdown that is already safe to print (escaped, or made by the manuals package)."""
