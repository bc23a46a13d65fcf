"""Manual settings that are not in the rule packs: approval limits, time limits, hazards, posts.

content/manuals/_defaults.yaml holds the defaults, a content manual may give defaults of its
own (safety.md's ``emergency_hazards``), and a centre's settings.yaml overrides them; every
value is type-checked and a wrong one is a problem at its file and line (docs/manuals.md).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from decimal import Decimal, InvalidOperation
from typing import Any

from generator import model as m
from generator.manuals.sources import DEFAULTS_FILE, ManualSources, problem
from generator.manuals.templates import Template, str_list, yaml_mapping
from generator.problems import Position, Problem


@dataclass(frozen=True)
class Hazard:
    """A hazard the emergency plan covers."""

    id: str
    name: str


HAZARDS = {
    "fire": "火灾",
    "electricity": "触电和用电事故",
    "gas": "燃气泄漏",
    "food-poisoning": "食物中毒",
    "accident": "意外伤害",
    "flood": "暴雨洪涝",
    "typhoon": "台风",
    "epidemic": "突发公共卫生事件",
}


@dataclass(frozen=True)
class Responsible:
    """Which post is responsible for what (a role title each); the ``responsible`` setting
    assigns any of these but ``head``."""

    head: str
    finance: str
    it: str
    archives: str
    volunteers: str
    safety: str
    disclosure: str
    reception: str


@dataclass(frozen=True)
class Settings:
    """Centre settings that are not in the rule packs (content/manuals/_defaults.yaml)."""

    purchase_head_limit: Decimal
    purchase_operator_limit: Decimal
    purchase_quote_above: Decimal
    purchase_quotes: int
    petty_cash_limit: Decimal
    leave_head_days: int
    leave_apply_days: int
    duty_min_staff: int
    attendance_method: str
    feedback_reply_days: int
    correction_days: int
    consultation_days: int
    volunteer_certificate_days: int
    archive_service_years: int
    fire_drills_per_year: int
    room_booking_days: int
    appeal_days: int
    emergency_hazards: tuple[str, ...] = ()
    effective_date: dt.date | None = None
    version: str | None = None
    responsible: Mapping[str, str] = field(default_factory=dict)


# name → kind; the kinds are checked by _setting_value
SETTING_KINDS: dict[str, str] = {
    "purchase_head_limit": "money",
    "purchase_operator_limit": "money",
    "purchase_quote_above": "money",
    "purchase_quotes": "count",
    "petty_cash_limit": "money",
    "leave_head_days": "count",
    "leave_apply_days": "count",
    "duty_min_staff": "count",
    "attendance_method": "text",
    "feedback_reply_days": "count",
    "correction_days": "count",
    "consultation_days": "count",
    "volunteer_certificate_days": "count",
    "archive_service_years": "count",
    "fire_drills_per_year": "count",
    "room_booking_days": "count",
    "appeal_days": "count",
    "emergency_hazards": "hazards",
    "effective_date": "date",
    "version": "text",
    "responsible": "roles",
}
OPTIONAL_SETTINGS = {"emergency_hazards", "effective_date", "version", "responsible"}


def _setting_value(kind: str, value: Any, name: str) -> tuple[Any, str | None]:
    """Turn a plain YAML value into a setting, or explain what is wrong."""
    if kind == "money":
        try:
            d = Decimal(str(value))
        except InvalidOperation:
            return None, f"{name} 应是金额（元），例如 2000"
        if not d.is_finite() or d < 0:
            return None, f"{name} 应是不小于 0 的金额"
        return d, None
    if kind == "count":
        if not isinstance(value, str) or not value.isdigit():
            return None, f"{name} 应是正整数"
        if int(value) < 1:
            return None, f"{name} 应是正整数"
        return int(value), None
    if kind == "text":
        if not isinstance(value, str) or not value.strip():
            return None, f"{name} 应是一段文字"
        return value.strip(), None
    if kind == "date":
        try:
            return dt.date.fromisoformat(str(value)), None
        except ValueError:
            return None, f"{name} 应是日期，写成 YYYY-MM-DD"
    if kind == "hazards":
        items = str_list(value)
        if items is None:
            return None, f"{name} 应是列表"
        bad = [h for h in items if h not in HAZARDS]
        if bad:
            choices = "、".join(f"{k}（{v}）" for k, v in HAZARDS.items())
            return None, f"{name} 中的 {'、'.join(bad)} 不在可选值之中：{choices}"
        return tuple(dict.fromkeys(items)), None
    if kind == "roles":
        if not isinstance(value, dict) or not all(isinstance(v, str) for v in value.values()):
            return None, f"{name} 应是“事项: 岗位名称”的映射"
        bad = [k for k in value if k not in {f.name for f in fields(Responsible)} - {"head"}]
        if bad:
            allowed = "、".join(f.name for f in fields(Responsible) if f.name != "head")
            return None, f"{name} 中的 {'、'.join(bad)} 不是可指定的事项（可用：{allowed}）"
        return dict(value), None
    raise AssertionError(kind)


def _settings_from(
    layers: list[tuple[Mapping[str, Any], Mapping[str, Position], str]], out: list[Problem]
) -> Settings | None:
    """Merge settings layers (later wins) and type-check every value."""
    merged: dict[str, Any] = {}
    where: dict[str, Position] = {}
    for data, pos, disp in layers:
        for k, v in data.items():
            p = pos.get(k, Position(disp))
            if k not in SETTING_KINDS:
                out.append(
                    Problem.at(
                        p, "unknown-key", f"未知的制度设置 {k}（可用的设置见 docs/manuals.md）"
                    )
                )
                continue
            value, err = _setting_value(SETTING_KINDS[k], v, k)
            if err:
                out.append(
                    Problem.at(
                        p, "bad-choice" if SETTING_KINDS[k] == "hazards" else "wrong-type", err
                    )
                )
                continue
            merged[k] = value
            where[k] = p
    missing = [k for k in SETTING_KINDS if k not in merged and k not in OPTIONAL_SETTINGS]
    if missing:
        disp = layers[0][2] if layers else DEFAULTS_FILE
        out.append(problem(disp, 0, "missing-key", f"制度设置缺少 {'、'.join(missing)}"))
        return None
    if merged["purchase_head_limit"] > merged["purchase_operator_limit"]:
        out.append(
            Problem.at(
                where["purchase_head_limit"],
                "out-of-range",
                "purchase_head_limit（中心负责人审批限额）不应大于 purchase_operator_limit",
            )
        )
    return Settings(**merged)


def manual_settings(
    centre: m.Centre,
    sources: ManualSources,
    templates: Mapping[str, Template],
    out: list[Problem],
) -> tuple[Settings | None, tuple[str, ...]]:
    """The settings of one centre's manuals and the hazards its emergency plan covers by default.

    Layers, later winning: content/manuals/_defaults.yaml, every manual's own ``settings``,
    then the centre's settings.yaml. ``None`` when the defaults cannot be read or a setting
    is missing; every problem is added to ``out``."""
    layers: list[tuple[Mapping[str, Any], Mapping[str, Position], str]] = []
    if sources.defaults is None or sources.defaults.text is None:
        out.extend(sources.defaults.problems if sources.defaults else ())
        out.append(
            problem(
                f"content/manuals/{DEFAULTS_FILE}", 0, "missing-key", "缺少制度设置的默认值文件"
            )
        )
        return None, ()
    d, dpos = yaml_mapping(sources.defaults.text, sources.defaults.display, 1, out)
    if d is None:
        return None, ()
    layers.append((d, {k[0]: v for k, v in dpos.items() if len(k) == 1}, sources.defaults.display))
    hazard_defaults: tuple[str, ...] = ()
    for tpl in templates.values():
        local = {k: v for k, v in tpl.settings.items() if k != "emergency_hazards"}
        layers.append((local, tpl.settings_pos, tpl.display))
        if "emergency_hazards" in tpl.settings:
            value, err = _setting_value(
                "hazards", tpl.settings["emergency_hazards"], "emergency_hazards"
            )
            if err:
                out.append(Problem.at(tpl.settings_pos["emergency_hazards"], "bad-choice", err))
            else:
                hazard_defaults = value
    if sources.settings is not None:
        if sources.settings.text is None:
            out.extend(sources.settings.problems)
        else:
            cdata, cpos = yaml_mapping(sources.settings.text, sources.settings.display, 1, out)
            if cdata is not None:
                layers.append(
                    (
                        cdata,
                        {k[0]: v for k, v in cpos.items() if len(k) == 1},
                        sources.settings.display,
                    )
                )
    settings = _settings_from(layers, out)
    if settings is None:
        return None, ()
    roles = {s.role for s in centre.staff}
    for what, role in settings.responsible.items():
        if role not in roles and sources.settings is not None:
            out.append(
                problem(
                    sources.settings.display,
                    0,
                    "bad-choice",
                    f"responsible.{what} 的岗位 {role} 不是本中心 centre.yaml 中的岗位",
                )
            )
    return settings, hazard_defaults
