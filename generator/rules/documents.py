"""Check ``documents-present``: the systems, registers and reports a pack requires exist.

For example 《深圳市社区（党群）服务中心运营与评估标准》四 “社区（党群）服务中心应当建立以下制度” with its
ten items (场地管理制度 … 档案管理制度), or 七(三) independent accounts and the annual audit.
The written systems come from the centre's policy manuals (content/manuals/, each
declaring in ``satisfies`` which document ids it provides, plus the centre's own manuals):
an item they provide is present. Registers, ledgers and reports are not in the records,
so an item no manual provides is ``no-data`` — listed for the assessor, never a shortfall.
Some items are records gongshi holds (``RECORD_EVIDENCE``): the annual audit report
(``annual-audit-report``) is present when audits/YYYY.yaml has its signed report PDF
(``report_pdf``); an audit written without the PDF does not count.
An item with a ``condition`` applies only in that situation (e.g. 延期运营).

Passing: the ten systems of 四 are all provided by the centre's manuals → pass.
Passing: 七(三) 项目年度专项审计报告 with audits/2026.yaml and attachments/audit-2026.pdf →
“项目年度专项审计报告（audits/2026.yaml，报告 attachments/audit-2026.pdf）”.
Not checkable: a register no manual provides → no-data “记录中没有登记以下文件，未检查……”.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from generator import model as m
from generator.packs.params import Rows, RuleParams, param
from generator.rules.base import NO_DATA, PASS, CheckContext, Finding


@dataclass(frozen=True)
class Params(RuleParams):
    items: tuple[dict, ...] = param(
        Rows(required=("id", "name"), known=("clause", "quote", "condition", "period", "per")),
        required=True,
    )


def _audit_reports(centre: m.Centre) -> str | None:
    """The annual audits written with their signed report PDF, or None."""
    found = [
        f"audits/{a.year}.yaml，报告 {a.report_pdf}"
        for a in sorted(centre.audits, key=lambda a: a.year)
        if a.report_pdf
    ]
    return "；".join(found) or None


# document ids that records gongshi holds can show, and how to find them
RECORD_EVIDENCE = {"annual-audit-report": _audit_reports}


def check(ctx: CheckContext) -> Iterator[Finding]:
    """Pass the items the centre's manuals or records provide; list the rest as not checkable."""
    items = ctx.params.items
    provided = dict(ctx.documents or {})
    for doc_id, find in RECORD_EVIDENCE.items():
        evidence = find(ctx.centre)
        if evidence and doc_id not in provided:
            provided[doc_id] = evidence
    have = [i for i in items if not i.get("condition") and i.get("id") in provided]
    unknown = [
        str(i.get("name")) for i in items if not i.get("condition") and i.get("id") not in provided
    ]
    conditional = [
        f"{i.get('name')}（{i['condition'].get('text')}时）" for i in items if i.get("condition")
    ]
    measured = {"items": [i.get("id") for i in items], "provided": [i.get("id") for i in have]}
    if have and not unknown:
        found = "、".join(f"{i.get('name')}（{provided[i.get('id')]}）" for i in have)
        yield Finding(PASS, f"已有书面制度：{found}", pos=ctx.centre.src, measured=measured)
        if not conditional:
            return
    listed = "、".join(unknown + conditional) or ctx.rule.quote
    msg = f"记录中没有登记以下文件，未检查，请评估时查阅：{listed}"
    yield Finding(NO_DATA, msg, pos=ctx.centre.src, measured=measured)
