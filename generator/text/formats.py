"""Turn figures into text: the one place where a Decimal or a date becomes a string.

Checks keep exact values (``Decimal``, ``int``, ``bool``, ``date``) in their findings;
messages, the JSON compliance report, the pages and the postings format them here, so that
"10.50%" in a message and "0.105" in report.json always come from the same number, and a
date or an amount of money reads the same on the website and on the noticeboard.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from generator.text.labels import CLOSED, QUARTER_NAMES

# a ratio printed as a percentage gets two places, more when two places would hide
# which side of the limit it falls (79.999 % must not print as the limit 80.00 %)
PERCENT_PLACES = 2
MAX_PERCENT_PLACES = 6


def num(value: Decimal | int | None) -> str:
    """Exact plain decimal without exponent or trailing zeros: 400.00 → '400', 0.1050 → '0.105'."""
    if value is None:
        return "—"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    d = value.normalize()
    if d == d.to_integral_value():
        return f"{d.quantize(Decimal(1)):f}"
    return f"{d:f}"


def points(value: Decimal) -> str:
    """Score points: at most two places, trailing zeros dropped: 1.50 → '1.5'."""
    return num(value.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP))


def ratio(value: Decimal, places: int = 4) -> str:
    """A ratio rounded for print: 0.89995 → '0.9', 0.8765 → '0.8765' (the check uses the exact value)."""
    return num(value.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP))


def yuan(value: Decimal) -> str:
    """Money with thousands separators and two places: 12345.5 → '12,345.50'."""
    return f"{value.quantize(Decimal('0.01'), rounding=ROUND_HALF_UP):,}"


def percent(value: Decimal | None, places: int = PERCENT_PLACES) -> str:
    """A ratio as a percentage with ``places`` decimals: 0.105 → '10.50%'; None → '—'."""
    if value is None:
        return "—"
    q = Decimal(1).scaleb(-places)
    return f"{(value * 100).quantize(q, rounding=ROUND_HALF_UP)}%"


def percent_against(value: Decimal, limit: Decimal) -> str:
    """A ratio as a percentage, with enough places that it never prints as the limit."""
    places = PERCENT_PLACES
    while (
        value != limit
        and places < MAX_PERCENT_PLACES
        and percent(value, places) == percent(limit, places)
    ):
        places += 1
    return percent(value, places)


def limit_percent(value: Decimal) -> str:
    """A limit as the text prints it: 0.10 → '10%', 0.025 → '2.5%'."""
    return f"{num(value * 100)}%"


def hours_minutes(minutes: int) -> str:
    """Minutes as 小时 and 分: 719 → '11 小时 59 分', 720 → '12 小时'."""
    h, mins = divmod(minutes, 60)
    return f"{h} 小时" + (f" {mins} 分" if mins else "")


def hours_text(minutes: int) -> str:
    """Opening time in a table: 719 → '11小时59分', 720 → '12小时'."""
    h, mins = divmod(minutes, 60)
    return f"{h}小时" + (f"{mins}分" if mins else "")


def session_text(session: Any, dash: str = "-") -> str:
    """One opening session (``model.Session``) as printed: '09:00-12:00', to midnight
    '12:00-24:00', overnight '20:00-次日02:00'; ``dash`` joins start and end."""
    prefix = "次日" if session.overnight else ""
    return f"{session.start:%H:%M}{dash}{prefix}{session.end_text}"


def sessions_text(sessions: Iterable[Any], dash: str = "-") -> str:
    """A day's sessions: '09:00-12:00、14:00-21:00'; none → 闭馆."""
    return "、".join(session_text(s, dash) for s in sessions) or CLOSED


def date_text(day: dt.date) -> str:
    """2026-03-05 → '2026年3月5日'."""
    return f"{day.year}年{day.month}月{day.day}日"


def date_range_text(start: dt.date, end: dt.date) -> str:
    """2026年10月1日至10月7日 (one day: 2026年10月1日; across years both in full)."""
    if start == end:
        return date_text(start)
    if start.year == end.year:
        return f"{date_text(start)}至{end.month}月{end.day}日"
    return f"{date_text(start)}至{date_text(end)}"


def month_text(year: int, month: int) -> str:
    """2026, 3 → '2026年3月'."""
    return f"{year}年{month}月"


def quarter_text(year: int, quarter: int) -> str:
    """2026, 1 → '2026年第一季度'."""
    return f"{year}年{QUARTER_NAMES[quarter]}"


def value_text(value: Any) -> Any:
    """A measured value for report.json: exact strings for numbers, ISO dates, lists kept."""
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, Decimal):
        return f"{value:f}"  # exactly as computed: money keeps its cents, ratios every digit
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, dict):
        return {str(k): value_text(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [value_text(v) for v in value]
    return str(value)
