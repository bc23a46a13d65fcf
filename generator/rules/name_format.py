"""Check ``name-format``: the centre's official name follows the naming rule.

《深圳市社区（党群）服务中心运营与评估标准》二(二) “识别名（所在街道+社区名）+社区（党群）服务中心
（已形成服务项目品牌的，将品牌名前置）”. The pack lists the accepted ``suffixes`` and whether a
brand may come first (``brand_prefix_allowed``). gongshi builds the name from centre.yaml
(brand + street + community + suffix, see ``model.official_name``); a written
``official_name`` that differs is already a ``name-rule`` problem of validation, so this
check looks at the built name against the pack.

Passing: 榕湾街道 + 下石社区 → “榕湾街道下石社区（党群）服务中心” ends with an accepted suffix.
Failing: a pack accepting only “社区服务中心” (the earlier Shenzhen plan) → “中心名称 … 不以
社区服务中心 结尾”, at the ``community`` line of centre.yaml.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from generator.packs.params import Flag, ListOf, RuleParams, Text, param
from generator.rules.base import FAIL, PASS, CheckContext, Finding


@dataclass(frozen=True)
class Params(RuleParams):
    suffixes: tuple[str, ...] = param(ListOf(Text()), ())
    identifier: str | None = param(Text())  # the clause's wording of the identifying part
    brand_prefix_allowed: bool = param(Flag(), True)


def check(ctx: CheckContext) -> Iterator[Finding]:
    """Compare the built name with the suffixes and the identifier of the pack."""
    c = ctx.centre
    name = c.name
    suffixes = list(ctx.params.suffixes)
    problems = []
    if suffixes and not any(name.endswith(s) for s in suffixes):
        problems.append(f"不以{'或'.join(suffixes)}结尾")
    community_part = c.community.removesuffix("社区")
    if c.street not in name or community_part not in name:
        identifier = ctx.params.identifier or "所在街道名和社区名"
        problems.append(f"缺少识别名（{identifier}）")
    if c.brand and not ctx.params.brand_prefix_allowed:
        problems.append("规则包不允许在名称前加品牌名")
    pos = c.pos("official_name") if "official_name" in c.at else c.pos("community")
    if problems:
        yield Finding(
            FAIL, f"中心名称“{name}”" + "，".join(problems), pos=pos, measured={"name": name}
        )
    else:
        yield Finding(PASS, f"中心名称“{name}”符合命名原则", pos=pos, measured={"name": name})
