"""Check ``documents-present``: the systems, registers and reports a pack requires exist.

For example 《深圳市社区（党群）服务中心运营与评估标准》四 “社区（党群）服务中心应当建立以下制度” with its
ten items (场地管理制度 … 档案管理制度), or 七(三) independent accounts and the annual audit.
The written systems come from the centre's policy manuals (content/manuals/, each
declaring in ``satisfies`` which document ids it provides, plus the centre's own manuals):
an item they provide is present. Registers, ledgers and reports are not in the records,
so an item no manual provides is ``no-data`` — listed for the assessor, never a shortfall.
An item with a ``condition`` applies only in that situation (e.g. 延期运营).

Passing: the ten systems of 四 are all provided by the centre's manuals → pass.
Not checkable: 七(三) 独立财务核算 (a ledger) → no-data “未登记以下文件，未检查：……”.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from generator.packs.params import Rows, RuleParams, param
from generator.rules.base import NO_DATA, PASS, CheckContext, Finding


@dataclass(frozen=True)
class Params(RuleParams):
    items: tuple[dict, ...] = param(
        Rows(required=("id", "name"), known=("clause", "quote", "condition", "period", "per")),
        required=True,
    )


def check(ctx: CheckContext) -> Iterator[Finding]:
    """Pass the items the centre's manuals provide; list the rest as not checkable."""
    items = ctx.params.items
    provided = ctx.documents or {}
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
