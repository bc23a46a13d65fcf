"""Binjiang: table C.1 scored line by line, and the type of 附录A.

《杭州高新区（滨江）社区美好生活共同体运营与管理规范》附录C 表C.1: lines computed from records are
computed here (the findings of the pack rules a line names come from ``compliance``); assessor
lines take ``Evaluation.entries``. Each line is rounded to 0.01 (ROUND_HALF_UP) and capped at
its maximum; the total's ratio to ``max_total`` gives the type by the ``type-bands`` rule.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from generator import model as m
from generator.evaluation.cards import (
    ASSESSOR,
    CENT,
    MIXED,
    RECORDS,
    ZERO,
    FindingsOf,
    Scorecard,
    ScoreLine,
    _dec,
)
from generator.evaluation.grading import evaluation_of
from generator.packs.library import Pack, Rule
from generator.rules.base import FAIL, NOT_APPLICABLE, PASS
from generator.rules.compare import METRICS
from generator.text import formats as fmt

# ---------------------------------------------------------------- Binjiang table C.1


@dataclass
class _Env:
    centre: m.Centre
    pack: Pack
    year: int
    today: dt.date
    evaluation: m.Evaluation | None
    entries: dict[str, m.ScoreEntry]
    findings_of: FindingsOf
    used: set[str] = field(default_factory=set)
    known: set[str] = field(default_factory=set)
    bad: list[tuple[m.ScoreEntry, str]] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)
    citation: str = ""


def _q(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def _clamp(value: Decimal, top: Decimal | None) -> Decimal:
    value = max(ZERO, value)
    return min(value, top) if top is not None else value


def _metric_value(env: _Env, name: str) -> tuple[Any, str | None]:
    """A metric's value for the scored year, or (None, why)."""
    metric = METRICS.get(name)
    if metric is None:
        return None, f"gongshi 不认识指标 {name}"
    measures = [ms for ms in metric.measure(env.centre) if ms.year in (None, env.year)]
    if not measures:
        return None, f"没有 {env.year} 年度的{metric.label}数据"
    ms = measures[0]
    if ms.value is None:
        return None, ms.note or f"记录中没有{metric.label}"
    return ms.value, None


def _metric_label(name: str) -> str:
    metric = METRICS.get(name)
    return metric.label if metric else name


def _metric_unit(name: str) -> str:
    metric = METRICS.get(name)
    return (metric.unit or "") if metric else ""


def _entry(env: _Env, key: str, top: Decimal | None) -> tuple[Decimal, str] | None:
    """The assessor's points for a node, clamped to [0, max], or None when not entered."""
    entry = env.entries.get(key)
    if entry is None:
        return None
    env.used.add(entry.item)
    points = entry.points
    if points < 0 or (top is not None and points > top):
        env.bad.append((entry, f"得分 {fmt.num(points)} 超出本项范围 0–{fmt.num(top or ZERO)} 分"))
    note = f"（{entry.note}）" if entry.note else ""
    return _clamp(points, top), f"评估机构打分 {fmt.points(_clamp(points, top))} 分{note}"


def _assessor_node(
    env: _Env, node: dict, key: str, top: Decimal | None
) -> tuple[Decimal, str, str]:
    got = _entry(env, key, top)
    if got is not None:
        return got[0], ASSESSOR, got[1]
    env.missing.append(key)
    return ZERO, ASSESSOR, f"评估记录中没有该项得分（item: {key}），按 0 分计"


def _checklist(env: _Env, node: dict, key: str, top: Decimal | None) -> tuple[Decimal, str, str]:
    got = _entry(env, key, top)
    if got is not None:
        return got[0], ASSESSOR, got[1]
    items = node.get("items") or []
    item_keys = {str(i.get("id")): f"{key}.{i.get('id')}" for i in items}
    if not any(k in env.entries for k in item_keys.values()):
        env.missing.append(key)
        return ZERO, ASSESSOR, f"评估记录中没有该项得分（item: {key}），按 0 分计"
    total = ZERO
    earned: dict[str, Decimal] = {}
    texts = []
    for i in items:
        iid = str(i.get("id"))
        worth = _dec(i.get("points")) or ZERO
        sub = _entry(env, item_keys[iid], worth)
        pts = sub[0] if sub else ZERO
        dep = i.get("depends_on")
        if dep is not None and earned.get(str(dep), ZERO) == 0:
            pts = ZERO
        earned[iid] = pts
        total += pts
        texts.append(f"{i.get('text')} {fmt.points(pts)}/{fmt.points(worth)}")
    return _clamp(total, top), ASSESSOR, "评估机构逐项打分：" + "；".join(texts)


def _per_count(env: _Env, node: dict, key: str, top: Decimal | None) -> tuple[Decimal, str, str]:
    if node.get("input") == "assessor":
        return _assessor_node(env, node, key, top)
    name = str(node.get("metric"))
    value, why = _metric_value(env, name)
    if value is None:
        got = _entry(env, key, top)
        if got is not None:
            return got[0], ASSESSOR, f"{why}；{got[1]}"
        env.missing.append(key)
        return ZERO, RECORDS, f"{why}，按 0 分计（评估机构可在评估记录中录入 item: {key}）"
    per = _dec(node.get("per")) or Decimal(1)
    each = _dec(node.get("points_per")) or ZERO
    cap = _dec(node.get("cap"))
    units = Decimal(math.floor(Decimal(value) / per))
    raw = units * each
    pts = _clamp(raw, cap if cap is not None else top)
    unit = _metric_unit(name)
    capped = f"，最高 {fmt.points(cap)} 分" if cap is not None and raw > cap else ""
    return (
        pts,
        RECORDS,
        (
            f"{_metric_label(name)} {fmt.num(value)} {unit}，每满 {fmt.num(per)} {unit}得 "
            f"{fmt.points(each)} 分"
            f"，计 {fmt.points(raw)} 分{capped}"
        ),
    )


def _weighted(env: _Env, node: dict, key: str, top: Decimal | None) -> tuple[Decimal, str, str]:
    total = ZERO
    texts = []
    for term in node.get("terms") or []:
        name = str(term.get("metric"))
        value, why = _metric_value(env, name)
        each = _dec(term.get("points_each")) or ZERO
        if value is None:
            texts.append(f"{why}（0 分）")
            continue
        total += Decimal(value) * each
        texts.append(f"{_metric_label(name)} {fmt.num(value)} × {fmt.points(each)} 分")
    cap = _dec(node.get("cap"))
    pts = _clamp(total, cap if cap is not None else top)
    capped = f"，最高 {fmt.points(cap)} 分" if cap is not None and total > cap else ""
    return pts, RECORDS, "；".join(texts) + f"，计 {fmt.points(total)} 分{capped}"


def _threshold_minus(
    env: _Env, node: dict, key: str, top: Decimal | None
) -> tuple[Decimal, str, str]:
    name = str(node.get("metric"))
    value, why = _metric_value(env, name)
    full = _dec(node.get("points")) or ZERO
    if value is None:
        env.missing.append(key)
        return ZERO, RECORDS, f"{why}，按 0 分计"
    need = _dec(node.get("full_if_at_least")) or ZERO
    label = _metric_label(name)
    if value >= need:
        return (
            _clamp(full, top),
            RECORDS,
            f"{label} {fmt.num(value)}，不少于 {fmt.num(need)}，得 {fmt.points(full)} 分",
        )
    rule = node.get("minus_per_shortfall") or {}
    step = _dec(rule.get("step")) or Decimal(1)
    minus = _dec(rule.get("points")) or ZERO
    gap = need - Decimal(value)
    steps = (
        math.ceil(gap / step)
        if str(rule.get("rounding") or "up") == "up"
        else math.floor(gap / step)
    )
    pts = _clamp(full - steps * minus, top)
    return (
        pts,
        RECORDS,
        (
            f"{label} {fmt.num(value)}，比 {fmt.num(need)} 少 {fmt.num(gap)}，"
            f"每少 {fmt.num(step)} 减 {fmt.points(minus)} 分（不足一档按一档），减 {steps} 档，得 {fmt.points(pts)} 分"
        ),
    )


def _findings_for_year(env: _Env, rule_id: str) -> tuple[list, str | None]:
    if env.pack.rule(rule_id) is None:
        return [], f"规则包中没有规则 {rule_id}"
    return [f for f in env.findings_of(rule_id) if f.year in (None, env.year)], None


def _rule_pass(env: _Env, node: dict, key: str, top: Decimal | None) -> tuple[Decimal, str, str]:
    rule_id = str(node.get("rule"))
    worth = _dec(node.get("points")) or ZERO
    findings, why = _findings_for_year(env, rule_id)
    if why:
        env.missing.append(key)
        return ZERO, RECORDS, f"{why}，按 0 分计"
    failed = [f for f in findings if f.status == FAIL]
    if failed:
        more = f"等 {len(failed)} 项" if len(failed) > 1 else ""
        return ZERO, RECORDS, f"不符合：{failed[0].message}{more}，得 0 分"
    if any(f.status == PASS for f in findings):
        return (
            _clamp(worth, top),
            RECORDS,
            f"符合（{findings[0].message if len(findings) == 1 else f'{len(findings)} 项均符合'}），得 {fmt.points(worth)} 分",
        )
    env.missing.append(key)
    return ZERO, RECORDS, f"{env.year} 年没有可核对的记录，按 0 分计"


def _shortfall(env: _Env, node: dict, key: str, top: Decimal | None) -> tuple[Decimal, str, str]:
    worth = _dec(node.get("points")) or ZERO
    minus = _dec(node.get("minus_per_missing")) or ZERO
    missing = 0
    texts = []
    pending = False
    for rule_id in node.get("rules") or []:
        findings, why = _findings_for_year(env, str(rule_id))
        if why:
            texts.append(why)
        for f in findings:
            if f.shortfall:
                missing += f.shortfall
                texts.append(f"{f.period or ''}少 {f.shortfall} 场")
                pending = pending or f.status == NOT_APPLICABLE
    pts = _clamp(worth - minus * missing, top)
    detail = "；".join(texts) if texts else "各月和全年场次均达到要求"
    note = "（年度尚未结束，按目前的记录计算）" if pending else ""
    return (
        pts,
        RECORDS,
        f"{detail}；共少 {missing} 场，每少 1 场扣 {fmt.points(minus)} 分，得 {fmt.points(pts)} 分{note}",
    )


def _proportional(env: _Env, node: dict, key: str, top: Decimal | None) -> tuple[Decimal, str, str]:
    name = str(node.get("metric"))
    worth = _dec(node.get("points")) or ZERO
    value, why = _metric_value(env, name)
    if value is None:
        env.missing.append(key)
        return ZERO, RECORDS, f"{why}，按 0 分计"
    pts = _clamp(worth * Decimal(value), top)
    return (
        pts,
        RECORDS,
        f"{_metric_label(name)} {fmt.percent(Decimal(value))} × {fmt.points(worth)} 分 = {fmt.points(pts)} 分",
    )


def _sum(env: _Env, node: dict, key: str, top: Decimal | None) -> tuple[Decimal, str, str, tuple]:
    parts = []
    for p in node.get("parts") or []:
        parts.append(_score_node(env, p, f"{key}.{p.get('id')}", str(p.get("text") or p.get("id"))))
    total = sum((p.points for p in parts), ZERO)
    sources = {p.source for p in parts}
    source = sources.pop() if len(sources) == 1 else MIXED
    return (
        _clamp(total, top),
        source,
        "；".join(f"{p.title}：{p.explanation}" for p in parts),
        tuple(parts),
    )


SCORERS = {
    "checklist": _checklist,
    "levels": _assessor_node,
    "deductions": _assessor_node,
    "assessor": _assessor_node,
    "per-count": _per_count,
    "weighted-count": _weighted,
    "threshold-minus": _threshold_minus,
    "rule-pass": _rule_pass,
    "shortfall-deduction": _shortfall,
    "proportional": _proportional,
}


def _collect_keys(node: dict, key: str, out: set[str]) -> None:
    out.add(key)
    for i in node.get("items") or []:
        out.add(f"{key}.{i.get('id')}")
    for p in node.get("parts") or []:
        _collect_keys(p, f"{key}.{p.get('id')}", out)


def _score_node(env: _Env, node: dict, key: str, title: str) -> ScoreLine:
    """Score a line or a part; ``node`` holds ``kind`` and its parameters."""
    top = _dec(node.get("max_points"))
    kind = str(node.get("kind") or "assessor")
    if kind == "sum":
        before = len(env.missing)
        pts, source, text, parts = _sum(env, node, key, top)
        whole = _entry(env, key, top) if source == ASSESSOR else None
        if whole is not None:  # the assessor scored the whole line at once
            del env.missing[before:]
            pts, text, parts = whole[0], whole[1], ()
    else:
        scorer = SCORERS.get(kind)
        if scorer is None:
            pts, source, text = _assessor_node(env, node, key, top)
            text = f"gongshi 不认识计分方式 {kind}；" + text
        else:
            pts, source, text = scorer(env, node, key, top)
        parts = ()
    return ScoreLine(key, title, _q(pts), top, source, text, env.citation, parts)


def table_card(
    centre: m.Centre, pack: Pack, year: int, today: dt.date, findings_of: FindingsOf
) -> Scorecard:
    """Binjiang: score table C.1 line by line, then the type of 附录A. ``findings_of`` gives
    the findings of a pack rule that a line scores (computed once, by ``compliance``)."""
    rule = pack.by_check("score-table")[0]
    ev = evaluation_of(centre, year)
    entries = {e.item: e for e in (ev.entries if ev else ())}
    env = _Env(centre, pack, year, today, ev, dict(entries), findings_of, citation=rule.citation)
    lines_spec = list(rule.params.lines)
    # a line may also be entered under its indicator (e.g. 选址科学)
    for ln in lines_spec:
        ind = ln.get("indicator")
        if ind and ind in entries and ln.get("id") not in entries:
            env.entries[str(ln.get("id"))] = entries[ind]
    for ln in lines_spec:
        _collect_keys(ln.get("computed") or {}, str(ln.get("id")), env.known)
        if ln.get("indicator"):
            env.known.add(str(ln["indicator"]))
    lines = []
    for ln in lines_spec:
        node = dict(ln.get("computed") or {})
        node.setdefault("max_points", ln.get("max_points"))
        title = str(ln.get("indicator") or ln.get("id"))
        sl = _score_node(env, node, str(ln.get("id")), title)
        top = _dec(ln.get("max_points"))
        lines.append(
            ScoreLine(
                sl.id,
                title,
                _q(_clamp(sl.points, top)),
                top,
                sl.source,
                sl.explanation,
                f"{rule.citation} {ln.get('section') or ''}/{ln.get('subsection') or ''}/{title}".replace(
                    "//", "/"
                ),
                sl.parts,
            )
        )
    total = sum((ln.points for ln in lines), ZERO)
    max_total = rule.params.max_total or sum((ln.max or ZERO for ln in lines), ZERO)
    ratio = total / max_total if max_total else None
    notes = []
    if ev is None:
        notes.append(
            f"没有 {year} 年度的评估记录（evaluations/{year}.yaml）：评估机构打分的各项按 0 分计"
        )
    unknown = tuple(e for e in (ev.entries if ev else ()) if e.item not in env.known)
    for e in unknown:
        notes.append(f"评估记录中的评分项 {e.item} 不在表C.1 之中，未计入")
    unused = [
        e
        for e in (ev.entries if ev else ())
        if e.item in env.known and e.item not in env.used and e not in unknown
    ]
    for e in unused:
        notes.append(
            f"评估记录中的评分项 {e.item}（{fmt.num(e.points)} 分）对应的是按记录计算的项目，未采用"
        )
    type_rule = next(iter(pack.by_check("type-bands")), None)
    result = type_for(ratio, type_rule) if (type_rule and ratio is not None) else None
    return Scorecard(
        centre=centre.id,
        year=year,
        pack=pack.id,
        kind="table",
        lines=tuple(lines),
        total=total,
        max_total=max_total,
        ratio=ratio,
        result=result,
        result_label="类型",
        result_citation=type_rule.citation if type_rule else None,
        result_from="score" if result else None,
        stated=ev.grade if ev and type_rule and ev.grade in _types(type_rule) else None,
        notes=tuple(notes),
        unknown_entries=unknown,
        bad_entries=tuple(env.bad),
        missing=tuple(env.missing),
        evaluation=ev,
    )


def _types(rule: Rule) -> list[str]:
    return [str(b.get("type")) for b in rule.params.bands]


def type_for(ratio: Decimal, rule: Rule) -> str | None:
    """附录A type of a score ratio: ``min`` inclusive, ``below`` exclusive."""
    for b in rule.params.bands:
        lo, below = _dec(b.get("min")), _dec(b.get("below"))
        if (lo is None or ratio >= lo) and (below is None or ratio < below):
            return str(b.get("type"))
    return None
