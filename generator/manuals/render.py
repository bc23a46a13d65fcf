"""Running a content manual's Jinja2 body: the template contract and the sandbox it runs in.

``ManualContext`` is exactly what a template may use (docs/manuals.md lists each field),
built from the centre's records, its pack's facts and the settings. The body runs in an
immutable sandbox with ``StrictUndefined`` and no loader; every printed value is escaped
unless it is ``Md``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, fields
from decimal import Decimal
from functools import lru_cache
from typing import Any

from jinja2 import StrictUndefined, TemplateError
from jinja2.sandbox import ImmutableSandboxedEnvironment

from generator import model as m
from generator.errors import GongshiError
from generator.manuals.facts import PackFacts, basis_text
from generator.manuals.settings import HAZARDS, Hazard, Responsible, Settings
from generator.manuals.structure import REF
from generator.manuals.templates import Template
from generator.manuals.text import (
    Md,
    cn_item,
    cn_numeral,
    date_text,
    opening_hours_text,
    percent_text,
    plain_number,
)
from generator.packs.library import Pack
from generator.text.escape import md_escape


class ManualError(GongshiError):
    """The manuals cannot be rendered (bad override or settings, or a template bug)."""


@dataclass(frozen=True)
class RoomInfo:
    """A room as a manual may print it."""

    name: str
    purpose: str
    area: Decimal
    accessible: bool


@dataclass(frozen=True)
class RoleInfo:
    """A post (岗位): the role title and how many hold it; never a person's name."""

    role: str
    employment: str  # 全职 | 兼职
    count: int
    head: bool
    social_worker: bool  # holds 助理社工师 or above


@dataclass(frozen=True)
class ContactInfo:
    """The centre's public contact channels."""

    phone: str
    email: str | None
    wechat: str | None
    website: str | None
    feedback: str | None


@dataclass(frozen=True)
class ManualContext:
    """Exactly what a manual template may use (docs/manuals.md lists each field)."""

    centre_name: str
    operator_name: str
    purchaser: str
    district: str
    street: str
    community: str
    community_type: str
    address: str
    floor_area: Decimal
    opening_hours: str
    rooms: tuple[RoomInfo, ...]
    roles: tuple[RoleInfo, ...]
    responsible: Responsible
    contact: ContactInfo
    volunteer_teams: tuple[str, ...]
    has_paid_services: bool
    effective: dt.date
    version: str
    basis: str  # 根据《…》四(一)等有关规定
    citations: tuple[str, ...]
    laws: tuple[str, ...]
    pack: PackFacts
    settings: Settings
    hazards: tuple[Hazard, ...]
    hazard_ids: frozenset[str]


def _roles(centre: m.Centre) -> tuple[RoleInfo, ...]:
    seen: dict[str, list[m.StaffMember]] = {}
    for s in centre.staff:
        seen.setdefault(s.role, []).append(s)
    return tuple(
        RoleInfo(
            role, ms[0].employment, len(ms), any(s.head for s in ms), any(s.certified for s in ms)
        )
        for role, ms in seen.items()
    )


def _responsible(centre: m.Centre, overrides: Mapping[str, str]) -> Responsible:
    roles = [s.role for s in centre.staff]
    head = next((s.role for s in centre.staff if s.head), "中心负责人")

    def find(*words: str, default: str) -> str:
        for w in words:
            hit = next((r for r in roles if w in r), None)
            if hit:
                return hit
        return default

    values = {
        "head": head,
        "finance": find("财务", "会计", default="运营机构财务人员"),
        "it": find("信息", "行政", "专职", default=head),
        "archives": find("档案", "行政", "专职", default=head),
        "volunteers": find("义工", "志愿", default=head),
        "safety": find("安全", "行政", "专职", default=head),
        "disclosure": find("信息", "行政", "专职", default=head),
        "reception": find("前台", "接待", "服务专员", "助理", "专职", default=head),
    }
    values.update(overrides)
    return Responsible(**values)


def manual_context(
    centre: m.Centre,
    pack: Pack,
    facts: PackFacts,
    settings: Settings,
    citations: tuple[str, ...],
    laws: tuple[str, ...],
    hazard_defaults: tuple[str, ...],
) -> ManualContext:
    """Build the typed context of one manual from the centre's records and its pack."""
    effective = settings.effective_date or centre.contract.start
    version = settings.version or f"{effective.year}年版"
    c = centre.contact
    chosen = settings.emergency_hazards or hazard_defaults
    hazard_ids = tuple(dict.fromkeys([*chosen, *(h for h in facts.hazards if h in HAZARDS)]))
    hazards = tuple(Hazard(h, HAZARDS[h]) for h in HAZARDS if h in hazard_ids)
    return ManualContext(
        centre_name=centre.name,
        operator_name=centre.operator.name,
        purchaser=centre.contract.purchaser,
        district=centre.district,
        street=centre.street,
        community=centre.community,
        community_type=centre.community_type,
        address=centre.address,
        floor_area=centre.floor_area,
        opening_hours=opening_hours_text(centre.opening_hours),
        rooms=tuple(RoomInfo(r.name, r.purpose, r.area, r.accessible) for r in centre.rooms),
        roles=_roles(centre),
        responsible=_responsible(centre, settings.responsible),
        contact=ContactInfo(c.phone, c.email, c.wechat, c.website, c.feedback),
        volunteer_teams=tuple(centre.volunteers.teams),
        has_paid_services=bool(centre.services.paid),
        effective=effective,
        version=version,
        basis=basis_text(citations, laws),
        citations=citations,
        laws=laws,
        pack=facts,
        settings=settings,
        hazards=hazards,
        hazard_ids=frozenset(h.id for h in hazards),
    )


def _finalize(value: Any) -> str:
    """Escape every printed value unless it is already Markdown (``Md``)."""
    if isinstance(value, Md):
        return str(value)
    if value is None or isinstance(value, (list, tuple, set, frozenset, dict)):
        raise TemplateError(f"不能直接输出 {type(value).__name__}：请逐项输出或使用 join")
    if isinstance(value, bool):
        raise TemplateError("不能直接输出是/否值")
    if isinstance(value, Decimal):
        return plain_number(value)
    if isinstance(value, int):
        return str(value)
    if isinstance(value, dt.date):
        return date_text(value)
    return md_escape(value).replace("§", "&#167;")


def _join(items: Iterable[Any], sep: str = "、") -> Md:
    return Md(str(sep).join(_finalize(i) for i in items))


def make_environment() -> ImmutableSandboxedEnvironment:
    """The sandboxed Jinja2 environment the manual templates run in (no loader: no include)."""
    env = ImmutableSandboxedEnvironment(
        undefined=StrictUndefined,
        autoescape=False,
        finalize=_finalize,
        trim_blocks=False,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters.update(
        join=_join,
        cn=lambda n: Md(cn_numeral(int(n))),
        item=lambda n: Md(cn_item(int(n))),
        pct=lambda d: Md(percent_text(Decimal(d))),
        num=lambda d: Md(plain_number(d)),
        date=lambda d: Md(date_text(d)),
    )
    env.globals.update(ref=lambda key: Md(REF.format(key)), item=lambda n: Md(cn_item(int(n))))
    return env


@lru_cache(maxsize=256)
def _compiled(body: str):
    """Compile a template body once per process (the same text gives the same template)."""
    return _environment().from_string(body)


@lru_cache(maxsize=1)
def _environment() -> ImmutableSandboxedEnvironment:
    return make_environment()


def render_body(tpl: Template, ctx: ManualContext) -> str:
    """Run one template's body with the context; a template bug is a ManualError."""
    variables = {f.name: getattr(ctx, f.name) for f in fields(ctx)}
    try:
        return _compiled(tpl.body).render(variables)
    except (TemplateError, TypeError, ValueError, AttributeError, LookupError) as exc:
        line = getattr(exc, "lineno", None)
        where = f"{tpl.display}:{tpl.body_line + line - 1}" if line else tpl.display
        raise ManualError(f"制度模板 {where} 有误：{exc}") from exc
