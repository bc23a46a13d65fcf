"""A centre's compliance page (合规检查): every rule of its pack with the result the pipeline
found, and the same as compliance.json.

The results are those of every day of the centre's day state (generator.build.days), so the
page and the file print no date: the reader's browser adds the day the site was last updated
(``data/updated.json``, ``site.today``), the day the results were last found to hold."""

from __future__ import annotations

import json

from markupsafe import Markup

from generator import compliance as rules_report
from generator.rules.base import FAIL, STATUSES
from generator.site import contexts as c
from generator.site.render import CentrePages
from generator.site.today import day_script
from generator.text import verdicts
from generator.text.labels import STATUS_LABELS


def render_compliance(p: CentrePages) -> None:
    """Every rule of the pack with the result the pipeline found on ``checked_on``."""
    page = p.at("compliance")
    available = p.pack is not None and p.results is not None
    results = p.results or ()
    items = []
    for r in results:
        head = r.headline
        items.append(
            c.ComplianceItem(
                title=verdicts.rule_title(r.rule),
                result=verdicts.status_label(r.status),
                detail=head.message if head else "",
                citation=r.rule.citation,
            )
        )
    counts = []
    for status in STATUSES:
        n = sum(1 for r in results if r.status == status)
        if n:
            counts.append(c.Row((STATUS_LABELS[status], f"{n} 条")))
    ctx = c.CompliancePage(
        header=p.header(page),
        pack_name=p.pack.name if p.pack else p.centre.rule_pack,
        available=available,
        counts=tuple(counts),
        shortfalls=tuple(i for r, i in zip(results, items) if r.status == FAIL),
        items=tuple(items),
        day_data=day_script() if available else Markup(""),
    )
    p.render("compliance.md.j2", page, ctx)
    if available and p.pack is not None:
        data = rules_report.compliance_report(
            p.centre, p.pack, p.checked_on, results=results, dated=False
        )
        p.out.file(
            p.data("compliance"),
            (json.dumps(data, ensure_ascii=False, indent=2) + "\n").encode("utf-8"),
        )
