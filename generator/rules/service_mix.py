"""Check ``service-mix``: the service volume per field matches the community type's weights.

《深圳市社区（党群）服务中心运营与评估标准》五(三) and 表九: each community type has weights for
individual (个体) and group (群体) service volume per column (助老, 妇女儿童家庭, 青少年 …);
注3 “原则上，各服务量百分数上下浮动不得超过2.5%”, read as percentage points (``tolerance:
"0.025"``: a 20 % weight allows 17.5 %–22.5 %, both ends included). 注2: when a column of
``redistribution.from`` has no volume, its weight may go to the ``to`` columns (their upper
bound rises by it). The pack maps each column to catalogue tables (``columns``; ``other: []``
takes every table not named elsewhere and the centre's own items) and ``exclude_tables``
(表十 paid services are not contracted volume).

Volume (figures.service_volume): group = attendance (人次) of held group activities;
individual = monthly individual-service counts plus attendance of held individual
activities, per year (the year so far while it runs).

Passing: 城中村社区, group 助老 weight 5 %: 75 of 1000 group 人次 (7.5 %, the upper end).
Failing: 76 of 1000 (7.6 %) → “2026年群体服务中助老服务占 7.60%，超出表九权重 5%±2.5% 的范围（2.5%–7.5%）”,
at the ``community_type`` line of centre.yaml.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal

from generator.figures import finance as figures
from generator.packs.params import Data, Dec, ListOf, MapOf, RuleParams, Text, param
from generator.records.shapes import COMMUNITY_TYPES
from generator.rules.base import FAIL, NO_DATA, NOT_APPLICABLE, PASS, CheckContext, Finding
from generator.text import formats as fmt

FORMS = {"individual": "个体", "group": "群体"}


@dataclass(frozen=True)
class Params(RuleParams):
    columns: dict[str, tuple[str, ...]] = param(MapOf(ListOf(Text())), required=True)
    weights: dict = param(Data(dict), required=True)  # community type → weight bands
    tolerance: Decimal = param(Dec(0, 1), Decimal(0))
    exclude_tables: tuple[str, ...] = param(ListOf(Text()), ())
    column_labels: dict[str, str] | None = param(MapOf(Text()))
    redistribution: dict | None = param(Data(dict))
    table: str | None = param(Text())  # the source table's title


def column_volumes(ctx: CheckContext, volume: Counter) -> dict[str, Decimal]:
    """Sum a form's volume per 表九 column; excluded tables count nowhere."""
    columns = {k: list(v) for k, v in ctx.params.columns.items()}
    excluded = set(ctx.params.exclude_tables)
    by_table = {t: col for col, tables in columns.items() for t in tables}
    catch_all = next((col for col, tables in columns.items() if not tables), None)
    out = {col: Decimal(0) for col in columns}
    cat = ctx.pack.catalogue
    for code, amount in volume.items():
        table = cat.table_of(code) if cat else None
        tcode = table.code if table else None
        if tcode in excluded:
            continue
        col = by_table.get(tcode, catch_all) if tcode else catch_all
        if col is not None:
            out[col] += Decimal(amount)
    return out


def _period(ctx: CheckContext, year: int) -> str:
    months = [a.month for a in ctx.centre.activity_months if a.year == year]
    last = max(months) if months else 12
    return f"{year}年" if last == 12 else f"{year}年1-{last}月"


def check(ctx: CheckContext) -> Iterator[Finding]:
    """Compare each column's share of individual and group volume with its weight band."""
    pos = ctx.centre.pos("community_type")
    type_key = COMMUNITY_TYPES.get(ctx.centre.community_type, ctx.centre.community_type)
    weights = ctx.params.weights.get(type_key)
    if weights is None:
        msg = f"社区类型“{ctx.centre.community_type}”不在表九之内，服务量权重须与主管部门及购买方协商确定"
        yield Finding(NOT_APPLICABLE, msg, pos=pos, severity="info")
        return
    tolerance = ctx.params.tolerance
    labels = ctx.params.column_labels or {}
    redistribution = ctx.params.redistribution or {}
    years = sorted({a.year for a in ctx.centre.activity_months})
    if not years:
        yield Finding(NO_DATA, "还没有活动记录，无法统计服务量", pos=pos)
        return
    for year in years:
        period = _period(ctx, year)
        volumes = figures.service_volume(ctx.centre, year)
        for form_key, form in FORMS.items():
            form_weights = weights.get(form_key) or {}
            cols = column_volumes(ctx, volumes[form])
            total = sum(cols.values(), Decimal(0))
            if total == 0:
                yield Finding(
                    NO_DATA, f"{period}没有{form}服务量记录", pos=pos, period=period, year=year
                )
                continue
            moved = sum(
                (
                    Decimal(str(form_weights[c]))
                    for c in redistribution.get("from") or []
                    if form_weights.get(c) is not None and cols.get(c, 0) == 0
                ),
                Decimal(0),
            )
            receivers = set(redistribution.get("to") or [])
            for col, w in form_weights.items():
                if w is None:
                    continue
                weight = Decimal(str(w))
                vol = cols.get(col, Decimal(0))
                label = labels.get(col, col)
                lower = weight - tolerance
                upper = weight + tolerance + (moved if col in receivers else 0)
                share = vol / total
                measured = {
                    "volume": vol,
                    "total": total,
                    "share": share,
                    "weight": weight,
                    "lower": lower,
                    "upper": upper,
                }
                base = f"{period}{form}服务量合计"
                if col in (redistribution.get("from") or []) and vol == 0 and moved:
                    msg = f"{period}未开设{label}（{form}），其权重 {fmt.limit_percent(weight)} 按表九注2转给其他服务"
                    yield Finding(
                        PASS,
                        msg,
                        pos=pos,
                        period=period,
                        year=year,
                        measured=measured,
                        threshold=weight,
                        base=base,
                    )
                    continue
                ok = lower * total <= vol <= upper * total
                band = f"{fmt.limit_percent(lower)}–{fmt.limit_percent(upper)}"
                shown = fmt.percent_against(share, lower if share < lower else upper)
                if ok:
                    msg = f"{period}{form}服务中{label}占 {shown}，在表九权重范围 {band} 之内"
                else:
                    msg = (
                        f"{period}{form}服务中{label}占 {shown}，超出表九权重 "
                        f"{fmt.limit_percent(weight)}±{fmt.limit_percent(tolerance)} 的范围（{band}）"
                    )
                yield Finding(
                    PASS if ok else FAIL,
                    msg,
                    pos=pos,
                    period=period,
                    year=year,
                    measured=measured,
                    threshold=weight,
                    base=base,
                )
