"""Argument types the commands share, each with its Chinese message."""

from __future__ import annotations

import argparse
import datetime as dt


def iso_date(text: str) -> dt.date:
    """A day written YYYY-MM-DD (``--today``, ``--as-of``)."""
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"日期应写成 YYYY-MM-DD，例如 2026-11-22，这里是 {text}"
        ) from None
