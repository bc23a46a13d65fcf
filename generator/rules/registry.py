"""Every check kind: its check function and its typed parameters, by the name packs use.

A rule of a pack names its kind in ``check``; the pack loader types the rule's parameters
with ``KINDS[kind].params`` and ``compliance`` runs ``KINDS[kind].check``. docs/checks.md
documents every kind (a test checks it). To add a kind: write its module (``Params`` and
``check``), add a line here, use it in a pack, document it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from generator.packs.library import Library
from generator.packs.library import load_library as read_library
from generator.packs.params import RuleParams
from generator.rules import (
    activities,
    catalogue_majors,
    catalogue_mandatory,
    catalogue_size,
    compare,
    contract_term,
    disclosure,
    documents,
    emergency,
    evaluation_schedule,
    free_services,
    fund_ratio,
    funding_split,
    grades,
    income_use,
    name_format,
    opening_hours,
    paid_services,
    plan_published,
    postings,
    required_rooms,
    satisfaction_sample,
    score_table,
    service_mix,
    surplus,
    type_bands,
    veto,
)
from generator.rules.base import CheckContext, Finding


@dataclass(frozen=True)
class CheckKind:
    check: Callable[[CheckContext], Iterable[Finding]]
    params: type[RuleParams]


KINDS: dict[str, CheckKind] = {
    "compare": CheckKind(compare.check, compare.Params),
    "name-format": CheckKind(name_format.check, name_format.Params),
    "documents-present": CheckKind(documents.check, documents.Params),
    "catalogue-size": CheckKind(catalogue_size.check, catalogue_size.Params),
    "catalogue-mandatory": CheckKind(catalogue_mandatory.check, catalogue_mandatory.Params),
    "catalogue-majors-per-category": CheckKind(catalogue_majors.check, catalogue_majors.Params),
    "free-services": CheckKind(free_services.check, free_services.Params),
    "service-mix": CheckKind(service_mix.check, service_mix.Params),
    "opening-hours": CheckKind(opening_hours.check, opening_hours.Params),
    "plan-published": CheckKind(plan_published.check, plan_published.Params),
    "monthly-activities": CheckKind(activities.check_monthly, activities.MonthlyParams),
    "large-activities": CheckKind(activities.check_large, activities.LargeParams),
    "fund-ratio": CheckKind(fund_ratio.check, fund_ratio.Params),
    "surplus-carried-forward": CheckKind(surplus.check, surplus.Params),
    "paid-services-filed": CheckKind(paid_services.check, paid_services.Params),
    "disclosure-deadline": CheckKind(disclosure.check, disclosure.Params),
    "evaluation-schedule": CheckKind(evaluation_schedule.check, evaluation_schedule.Params),
    "grade-bands": CheckKind(grades.check, grades.Params),
    "veto": CheckKind(veto.check, veto.Params),
    "score-table": CheckKind(score_table.check, score_table.Params),
    "type-bands": CheckKind(type_bands.check, type_bands.Params),
    "posting-period": CheckKind(postings.check_posting, postings.PostingParams),
    "service-consultation": CheckKind(postings.check_consultation, postings.ConsultationParams),
    "emergency-hazards": CheckKind(emergency.check, emergency.Params),
    "contract-term": CheckKind(contract_term.check, contract_term.Params),
    "funding-split": CheckKind(funding_split.check, funding_split.Params),
    "required-rooms": CheckKind(required_rooms.check, required_rooms.Params),
    "income-not-distributed": CheckKind(income_use.check, income_use.Params),
    "satisfaction-sample": CheckKind(satisfaction_sample.check, satisfaction_sample.Params),
}

# the check functions alone, by kind
CHECKS: dict[str, Callable[[CheckContext], Iterable[Finding]]] = {
    k: v.check for k, v in KINDS.items()
}
# the parameter declarations alone, by kind: what the pack loader types rules with
PARAMS: dict[str, type[RuleParams]] = {k: v.params for k, v in KINDS.items()}


def load_library(content: Path, root: Path | None = None) -> Library:
    """Every rule pack and catalogue under ``content``, each rule's parameters typed by its
    check kind (what every command loads packs with)."""
    return read_library(content, root, kinds=PARAMS)
