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


def add_day(p: argparse.ArgumentParser, help_text: str, flag: str = "--today") -> None:
    """The day a command works for (``--today``; ``gongshi due`` calls it ``--as-of``):
    None means today."""
    p.add_argument(
        flag,
        dest=flag.lstrip("-").replace("-", "_"),
        type=iso_date,
        default=None,
        metavar="YYYY-MM-DD",
        help=help_text,
    )
