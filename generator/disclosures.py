"""The kinds of disclosure (公示): one row per kind, the table every stage looks a kind up in.

A disclosure is a record the regulations require a centre to make public and that, once
published, is frozen by the publication ledger (generator.ledger.published): the monthly
activity plan, the quarterly finance statement, the annual audit and the third-party
evaluation. Each row says

- ``key``: the kind's name, the first half of a disclosure's key (``plan/2026-03``);
- ``folder``: where a centre keeps its records of the kind (``centres/<id>/plans/``), which is
  also the open-data folder (``data/<id>/plans/2026-03.json``);
- ``period``: how its records are divided in time (a month, a quarter, a year): the record
  file's name (``2026-03.yaml``) and the second half of the key;
- ``label`` and ``noun``: the kind and one period of it in Chinese (``月度活动计划``,
  ``2026年3月活动计划``; the label is the kind's wording in generator.text.labels);
- ``records``: a centre's records of the kind, by period;
- ``snapshot``: a record's canonical content, which the ledger hashes and stores: comments,
  key order, quoting and ``20`` versus ``20.00`` do not change it, a figure does;
- ``deadline``: the ``disclosure:`` of the rule pack's ``disclosure-deadline`` rule that
  sets the kind's due date (the monthly plan's can also come from a ``plan-published``
  rule; None: no rule sets one);
- ``open_data``: its list in ``data/centres.json`` and its JSON Schema
  (``docs/schema/<key>.schema.json``);
- ``page``: the folder of its pages on the site (``centres/<id>/plans/2026-03/``);
- ``sheets``: the Excel sheets (generator.workflow.excel) its records are filled in on.

This module sits below every stage that handles records (it needs only the model and the
shared wording); the stages above look kinds up here instead of keeping their own lists.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from generator import model as m
from generator.text.labels import DISCLOSURE_LABELS, QUARTER_NAMES


@dataclass(frozen=True)
class Period:
    """How records are divided in time: their file names, keys and Chinese names."""

    name: str  # month | quarter | year
    key_pattern: str  # a period as written in a disclosure key: 2026-03, 2026-Q3, 2026
    file_pattern: re.Pattern[str]  # a record file's name; its groups are the numbers
    hint: str  # what a file name should look like, for messages

    def text(self, period: str) -> str:
        """The period in Chinese: 2026年3月, 2026年第三季度, 2026年度."""
        if self.name == "month":
            year, month = period.split("-")
            return f"{year}年{int(month)}月"
        if self.name == "quarter":
            return f"{period[:4]}年{QUARTER_NAMES[int(period[-1])]}"
        return f"{period}年度"


MONTH = Period(
    "month",
    r"[0-9]{4}-(0[1-9]|1[0-2])",
    re.compile(r"([0-9]{4})-([0-9]{2})\.yaml"),
    "YYYY-MM.yaml，例如 2026-03.yaml",
)
QUARTER = Period(
    "quarter",
    r"[0-9]{4}-Q[1-4]",
    re.compile(r"([0-9]{4})-Q([1-4])\.yaml"),
    "YYYY-Qn.yaml，例如 2026-Q3.yaml",
)
YEAR = Period("year", r"[0-9]{4}", re.compile(r"([0-9]{4})\.yaml"), "YYYY.yaml，例如 2026.yaml")


@dataclass(frozen=True)
class DisclosureKind:
    """One kind of disclosure (see the module docstring for each field)."""

    key: str
    folder: str
    period: Period
    label: str
    noun: str  # what one period of it is called after the period: 2026年3月 + 活动计划
    example: str  # a period of it, for messages
    records: Callable[[m.Centre], Mapping[str, Any]]
    snapshot: Callable[[Any], dict]
    deadline: str | None
    open_data: str
    page: str
    sheets: tuple[str, ...] = ()

    def title(self, period: str) -> str:
        """One disclosure in Chinese: 2026年3月活动计划, 2026年第三季度财务信息."""
        return self.period.text(period) + self.noun

    def file(self, period: str) -> str:
        """The record file of a period, inside the centre folder: plans/2026-03.yaml."""
        return f"{self.folder}/{period}.yaml"

    @property
    def schema(self) -> str:
        """The file name of its open data's JSON Schema (docs/schema/)."""
        return f"{self.key}.schema.json"


# ---------------------------------------------------------------- canonical content


def _money(value: Decimal) -> str:
    return str(value.quantize(Decimal("0.01")))


def _num(value: Decimal | None) -> str | None:
    return None if value is None else format(value.normalize(), "f")


def _bool(value: bool | None) -> str | None:
    return None if value is None else ("true" if value else "false")


def plan_snapshot(p: m.Plan) -> dict:
    return {
        "month": p.key,
        "activities": [
            {
                "id": a.id,
                "date": a.date.isoformat(),
                "start": f"{a.start:%H:%M}",
                "end": f"{a.end:%H:%M}",
                "room": a.room,
                "title": a.title,
                "description": a.description,
                "service": a.service,
                "form": a.form,
                "target": a.target,
                "capacity": str(a.capacity),
                "themed": _bool(a.themed),
                "price": _money(a.price),
                "paid_service": a.paid_service,
                "signup": a.signup,
            }
            for a in p.activities
        ],
    }


def finance_snapshot(q: m.Quarter) -> dict:
    income = {k: _money(q.income.get(k, Decimal(0))) for k in m.INCOME_SOURCES}
    income["total"] = _money(q.income_total)
    expenditure: dict[str, Any] = {}
    for key in m.EXPENSE_CATEGORIES:
        cat = q.expenditure[key]
        expenditure[key] = {
            "items": [{"item": i.item, "amount": _money(i.amount)} for i in cat.items],
            "total": _money(cat.total),
        }
    expenditure["total"] = _money(q.expenditure_total)
    return {
        "quarter": q.key,
        "income": income,
        "expenditure": expenditure,
        "fixed_assets": [
            {"name": a.name, "amount": _money(a.amount), "date": a.date.isoformat()}
            for a in q.fixed_assets
        ],
        "notes": q.notes,
    }


def audit_snapshot(a: m.Audit) -> dict:
    return {
        "year": str(a.year),
        "firm": a.firm,
        "report_number": a.report_number,
        "date": a.date.isoformat(),
        "opinion": a.opinion,
        "income": _money(a.income),
        "expenditure": _money(a.expenditure),
        "management_fee": _money(a.management_fee),
        "surplus": _money(a.surplus),
        "findings": list(a.findings),
        "report_pdf": a.report_pdf,
    }


def evaluation_snapshot(e: m.Evaluation) -> dict:
    return {
        "year": str(e.year),
        "evaluator": e.evaluator,
        "date": e.date.isoformat(),
        "score": _num(e.score),
        "grade": e.grade,
        "previous_grade": e.previous_grade,
        "satisfaction": {
            "sample": str(e.satisfaction.sample),
            "satisfied": str(e.satisfaction.satisfied),
        },
        "entries": [{"item": s.item, "points": _num(s.points), "note": s.note} for s in e.entries],
        "management_fee_over_limit": _bool(e.management_fee_over_limit),
        "assembly_vote_share": _num(e.assembly_vote_share),
        "summary": e.summary,
        "kind": e.kind,
        "three_year_grade": e.three_year_grade,
        "other_evaluations": [
            {"kind": r.kind, "date": r.date.isoformat(), "evaluator": r.evaluator}
            for r in e.other_evaluations
        ]
        or None,  # absent fields are left out of the stored snapshot
        "vote_verification": (
            {"by": v.by, "on": v.on.isoformat()} if (v := e.vote_verification) else None
        ),
    }


# ---------------------------------------------------------------- the table

KINDS: tuple[DisclosureKind, ...] = (
    DisclosureKind(
        key="plan",
        folder="plans",
        period=MONTH,
        label=DISCLOSURE_LABELS["plan"],
        noun="活动计划",
        example="2026-03",
        records=lambda ce: {p.key: p for p in ce.plans},
        snapshot=plan_snapshot,
        deadline="monthly-plan",
        open_data="plans",
        page="plans",
        sheets=("plan",),
    ),
    DisclosureKind(
        key="finance",
        folder="finance",
        period=QUARTER,
        label=DISCLOSURE_LABELS["finance"],
        noun="财务信息",
        example="2026-Q3",
        records=lambda ce: {q.key: q for q in ce.quarters},
        snapshot=finance_snapshot,
        deadline="quarterly-finance",
        open_data="quarters",
        page="finance",
        sheets=("income", "expenditure", "assets"),
    ),
    DisclosureKind(
        key="audit",
        folder="audits",
        period=YEAR,
        label=DISCLOSURE_LABELS["audit"],
        noun="审计报告",
        example="2025",
        records=lambda ce: {str(a.year): a for a in ce.audits},
        snapshot=audit_snapshot,
        deadline="annual-audit",
        open_data="audits",
        page="audit",
    ),
    DisclosureKind(
        key="evaluation",
        folder="evaluations",
        period=YEAR,
        label=DISCLOSURE_LABELS["evaluation"],
        noun="第三方评估结果",
        example="2025",
        records=lambda ce: {str(e.year): e for e in ce.evaluations},
        snapshot=evaluation_snapshot,
        deadline=None,
        open_data="evaluations",
        page="evaluation",
    ),
)
BY_KEY: dict[str, DisclosureKind] = {k.key: k for k in KINDS}
# a disclosure's key, e.g. plan/2026-03 or finance/2026-Q3
KEY_PATTERN = "(" + "|".join(f"{k.key}/{k.period.key_pattern}" for k in KINDS) + ")"


def period_title(kind: str, period: str) -> str:
    """One disclosure in Chinese, e.g. ``period_title("finance", "2026-Q3")`` →
    2026年第三季度财务信息."""
    return BY_KEY[kind].title(period)
