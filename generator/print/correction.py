"""The correction posting (更正说明): its title, the changed figures as published and as
corrected, printable. The site's correction pages print the same rows."""

from __future__ import annotations

import re
from collections.abc import Iterable
from decimal import Decimal

from generator import model as m
from generator.ledger.published import Correction, figure_rows
from generator.packs.library import Pack
from generator.print.contexts import CorrectionNotice, Row
from generator.print.frame import date_text, frame
from generator.text import formats as fmt

_MONEY_TEXT = re.compile(r"-?[0-9]+\.[0-9]{2}")
#: Disclosure kinds whose two-decimal figures are amounts of money (the ledger writes every
#: amount with two decimals; an evaluation's score never has them fixed).
MONEY_KINDS = frozenset({"plan", "finance", "audit"})
NOT_THERE = "（无）"


def correction_value(kind: str, value: str | None) -> str:
    """A figure of a ledger snapshot as printed: amounts as 9,800.00; absent as （无）."""
    if value is None or value == "":
        return NOT_THERE
    if kind in MONEY_KINDS and _MONEY_TEXT.fullmatch(value):
        return fmt.yuan(Decimal(value))
    return value


def correction_title(correction: Correction) -> str:
    """关于2026年第一季度财务信息的更正说明 (第二次起注明次数)."""
    nth = f"（第{correction.number}次）" if correction.number > 1 else ""
    return f"关于{correction.title}的更正说明{nth}"


def change_rows(correction: Correction) -> tuple[tuple[str, str, str], ...]:
    """The changed figures as (item, as published, corrected), printable.

    In a plan, an activity's field is named with the activity it belongs to
    (``活动 A02（2026-09-02 09:30-11:00 银龄健康操（居家养老中心））·名额``): the id alone
    means nothing to a resident.
    """
    c = correction
    summaries: dict[str, str] = {}
    if c.kind == "plan":
        for content in (c.old, c.new):  # the corrected summary wins
            summaries.update(
                {r.label: r.value or "" for r in figure_rows("plan", content) if r.group == r.label}
            )
    rows = []
    for ch in c.changes:
        group, _, rest = ch.label.partition("·")
        label = (
            f"{group}（{summaries[group]}）·{rest}" if rest and summaries.get(group) else ch.label
        )
        rows.append((label, correction_value(c.kind, ch.old), correction_value(c.kind, ch.new)))
    return tuple(rows)


def _numeric(kind: str, values: Iterable[str | None]) -> bool:
    return kind in MONEY_KINDS and all(v is None or _MONEY_TEXT.fullmatch(v) for v in values)


def build_correction(
    centre: m.Centre, pack: Pack | None, correction: Correction, *, url: str
) -> CorrectionNotice:
    """A correction posting: reason, approving role, the changed figures old and new."""
    c = correction
    changes = tuple(Row(cells) for cells in change_rows(c))
    values = [v for ch in c.changes for v in (ch.old, ch.new)]
    return CorrectionNotice(
        frame=frame(centre, pack, "correction", correction_title(c), c.date, url),
        disclosure_title=c.title,
        first_published=date_text(c.first_published),
        date=date_text(c.date),
        number=c.number,
        reason=c.reason,
        approved_by=c.approved_by,
        changes=changes,
        value_align="r" if _numeric(c.kind, values) else "l",
    )
