"""What an evaluation result is made of: score lines, consequences, vetoes, the scorecard."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from generator import model as m
from generator.rules.base import Finding

# the findings of a pack rule for the same centre and day, by rule id
FindingsOf = Callable[[str], Sequence[Finding]]
# what can trigger a veto (一票否决), as veto rules name it
TRIGGERS = ("management-fee-over-limit", "resident-assembly-vote")

ZERO = Decimal(0)
CENT = Decimal("0.01")
RECORDS, ASSESSOR, MIXED = "records", "assessor", "mixed"
SOURCE_LABELS = {RECORDS: "记录", ASSESSOR: "评估机构", MIXED: "记录和评估机构"}


@dataclass(frozen=True)
class ScoreLine:
    """One line (or part of a line) of a score table, with where its points come from."""

    id: str
    title: str
    points: Decimal
    max: Decimal | None
    source: str  # records | assessor | mixed
    explanation: str
    citation: str
    parts: tuple[ScoreLine, ...] = ()


@dataclass(frozen=True)
class Consequence:
    """A contract consequence of a grade (八(五)); ``severity`` as the pack gives it (a
    terminated contract is an error whichever grade led to it)."""

    id: str
    action: str
    quote: str
    severity: str | None = None


@dataclass(frozen=True)
class Veto:
    """A one-vote veto (一票否决, 八(六)) and whether it applies.

    ``reason`` is the fact alone (for the grade's message); ``pending`` is a veto whose
    condition is met but which waits for a verification the records cannot show."""

    rule: str
    triggered: bool
    message: str
    citation: str
    grade: str | None
    reason: str = ""
    pending: bool = False


@dataclass(frozen=True)
class Scorecard:
    """The evaluation result of one centre and year."""

    centre: str
    year: int
    pack: str
    kind: str  # table | grade | none
    lines: tuple[ScoreLine, ...] = ()
    total: Decimal | None = None
    max_total: Decimal | None = None
    ratio: Decimal | None = None
    result: str | None = None  # the computed grade or type
    result_label: str = ""  # 评估等级 | 类型
    result_citation: str | None = None
    stated: str | None = None  # as written in the evaluation record
    # where the result came from: score (the bands), grade (the stated conclusion), veto
    result_from: str | None = None
    consequences: tuple[Consequence, ...] = ()
    vetoes: tuple[Veto, ...] = ()
    notes: tuple[str, ...] = ()
    unknown_entries: tuple[m.ScoreEntry, ...] = ()
    bad_entries: tuple[tuple[m.ScoreEntry, str], ...] = ()
    missing: tuple[str, ...] = ()  # lines or parts scored 0 for want of data or an entry
    evaluation: m.Evaluation | None = field(default=None, compare=False)

    @property
    def complete(self) -> bool:
        """Every line had the data it needs (rule-packs.md: otherwise the total is 未完成)."""
        return not self.missing

    @property
    def agrees(self) -> bool | None:
        """Whether the stated grade or type matches the computed one (None: nothing to compare)."""
        if self.stated is None or self.result is None:
            return None
        return self.stated == self.result


def _dec(value: Any) -> Decimal | None:
    return None if value is None or value == "" else Decimal(str(value))
