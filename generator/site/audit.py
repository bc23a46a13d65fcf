"""A centre's annual audit pages (年度审计): the auditor's opinion, figures and findings, and
the signed report copied from the record's attachment."""

from __future__ import annotations

from pathlib import Path

from generator import model as m
from generator import urls
from generator.site import contexts as c
from generator.site import opendata
from generator.site.render import CentrePages, date_cn, rel
from generator.text import formats as fmt
from generator.text.labels import AUDIT_LABELS, DISCLOSURE_LABELS


def render_audit(p: CentrePages, a: m.Audit) -> None:
    ce, page = p.centre, p.at("audit", a.year)
    report = None
    if a.report_pdf:
        target = urls.signed_report(ce.id, a.year)
        folder = p.root / Path(ce.src.file).parent
        p.out.copy(target, folder / a.report_pdf)
        report = c.Link(f"{a.year}年度审计报告（签章版 PDF）", rel(page, target))
    figures_rows = [
        (AUDIT_LABELS[key], getattr(a, key))
        for key in ("income", "expenditure", "management_fee", "surplus")
    ]
    ctx = c.AuditPage(
        header=p.header(page),
        year=a.year,
        title=f"{a.year}{DISCLOSURE_LABELS['audit']}",
        firm=a.firm,
        report_number=a.report_number,
        date=date_cn(a.date),
        published=date_cn(a.published),
        corrections=p.marks(page, "audit", str(a.year)),
        opinion=a.opinion,
        figures=tuple(c.Row((k, f"{fmt.yuan(v)} 元")) for k, v in figures_rows),
        findings=a.findings,
        report=report,
        pdf=p.pdf(page, "audit", str(a.year)),
        data=p.data_links(page, ("审计结果（JSON）", p.data("audit", a.year))),
    )
    p.render("audit.md.j2", page, ctx)
    p.out.file(p.data("audit", a.year), opendata.audit_json(ce, a))
