"""Fictional personal numbers for the guard's tests: valid in form, belonging to nobody."""

from __future__ import annotations

from generator.text.personal import id_check_char, luhn_ok


def make_id(born: str, seq: str = "002") -> str:
    """A fictional ID number: region 449999 (no such county), the birth date, a check digit."""
    first17 = "449999" + born + seq
    return first17 + id_check_char(first17)


def make_card(body: str) -> str:
    """A fictional card number: prefix 629999 + body + the Luhn check digit."""
    for d in "0123456789":
        if luhn_ok("629999" + body + d):
            return "629999" + body + d
    raise AssertionError
