"""The compliance checks: one module per kind of check, registered in ``CHECKS``.

A rule of a pack names its kind in ``check``; ``CHECKS[kind](ctx)`` yields ``Finding``
values for one centre (see ``base``). Each module's docstring says what it checks, which
clause, and shows a passing and a failing example; docs/checks.md documents every rule id
and every kind (a test checks both). Thresholds always come from the rule pack.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from generator.rules import (
    activities,
    catalogue_majors,
    catalogue_mandatory,
    catalogue_size,
    compare,
    disclosure,
    documents,
    evaluation_schedule,
    free_services,
    fund_ratio,
    grades,
    name_format,
    opening_hours,
    paid_services,
    plan_published,
    score_table,
    service_mix,
    surplus,
    type_bands,
    veto,
)
from generator.rules.base import CheckContext, Finding

CHECKS: dict[str, Callable[[CheckContext], Iterable[Finding]]] = {
    "compare": compare.check,
    "name-format": name_format.check,
    "documents-present": documents.check,
    "catalogue-size": catalogue_size.check,
    "catalogue-mandatory": catalogue_mandatory.check,
    "catalogue-majors-per-category": catalogue_majors.check,
    "free-services": free_services.check,
    "service-mix": service_mix.check,
    "opening-hours": opening_hours.check,
    "plan-published": plan_published.check,
    "monthly-activities": activities.check_monthly,
    "large-activities": activities.check_large,
    "fund-ratio": fund_ratio.check,
    "surplus-carried-forward": surplus.check,
    "paid-services-filed": paid_services.check,
    "disclosure-deadline": disclosure.check,
    "evaluation-schedule": evaluation_schedule.check,
    "grade-bands": grades.check,
    "veto": veto.check,
    "score-table": score_table.check,
    "type-bands": type_bands.check,
}

__all__ = ["CHECKS", "CheckContext", "Finding"]
