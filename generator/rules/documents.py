"""Check ``documents-present``: the systems, registers and reports a pack requires exist.

For example 《深圳市社区（党群）服务中心运营与评估标准》四 “社区（党群）服务中心应当建立以下制度” with its
ten items (场地管理制度 … 档案管理制度), or 七(三) independent accounts and the annual audit.
The records (centre.yaml and the yearly files) do not register these documents, so this
check cannot tell whether they exist: every such rule reports ``no-data`` listing what an
assessor should look for, and never a shortfall. An item with a ``condition`` applies only
in that situation (e.g. 延期运营).

Passing: — (no record holds the documents yet).
Failing: — ; the report shows “未登记以下文件，未检查：场地管理制度、服务项目遴选制度 …”.
"""

from __future__ import annotations

from collections.abc import Iterator

from generator.rules.base import NO_DATA, CheckContext, Finding


def check(ctx: CheckContext) -> Iterator[Finding]:
    """List the required documents as not checkable from the records."""
    items = ctx.param("items") or []
    always = [str(i.get("name")) for i in items if not i.get("condition")]
    conditional = [f"{i.get('name')}（{i['condition'].get('text')}时）" for i in items if i.get("condition")]
    listed = "、".join(always + conditional) or ctx.rule.quote
    msg = f"记录中没有登记以下文件，未检查，请评估时查阅：{listed}"
    yield Finding(NO_DATA, msg, pos=ctx.centre.src, measured={"items": [i.get("id") for i in items]})
