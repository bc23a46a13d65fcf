"""Policy manuals (管理制度): content/manuals/*.md rendered for one centre.

Each manual is Markdown with YAML front matter and a Jinja2 body (project content,
trusted, rendered in a sandbox with ``StrictUndefined``, no loader, every printed
value escaped unless it is ``Md``). The body marks structure with two line markers:
``## 章名`` starts a chapter and ``§`` (or ``§[key]``) starts an article; chapter and
article numbers are generated, so an inserted article renumbers the rest, and
``{{ ref("key") }}`` prints the current number of a keyed article.

A centre changes its manuals without forking content/ (see docs/manuals.md):
``centres/<id>/manuals/<manual-id>.md`` replaces a manual (never run as Jinja; limited
Markdown: no HTML, links, images, raw blocks or braces), ``<manual-id>.add.yaml`` adds,
replaces or removes articles, ``settings.yaml`` overrides the settings of
``content/manuals/_defaults.yaml`` (approval limits, time limits, emergency hazards).

Only ``read_manual_sources`` touches the file system; everything after it is pure.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, fields
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from pathlib import Path
from typing import Any

from jinja2 import StrictUndefined, TemplateError
from jinja2.sandbox import ImmutableSandboxedEnvironment

from generator import model as m
from generator.errors import GongshiError
from generator.figures.finance import EXPENSE_LABELS
from generator.packs.library import Pack, Rule, positions, to_plain
from generator.paths import DEFAULT_CONTENT
from generator.problems import Position, Problem, Severity
from generator.records.load import MAX_FILE_BYTES, decode_text, parse_yaml
from generator.text.escape import md_escape

CONTENT_DIR = DEFAULT_CONTENT / "manuals"
DEFAULTS_FILE = "_defaults.yaml"
SETTINGS_FILE = "settings.yaml"
ADD_SUFFIX = ".add.yaml"
MANUAL_ID = re.compile(r"[a-z][a-z0-9-]{0,40}")
KEY = re.compile(r"[a-z0-9][a-z0-9-]{0,40}")


# ================================================================ reading (the only I/O)


@dataclass(frozen=True)
class SourceFile:
    """One file's text as read, or ``None`` with the problem that stopped reading it."""

    display: str
    name: str
    text: str | None
    problems: tuple[Problem, ...] = ()


@dataclass(frozen=True)
class ManualSources:
    """Everything the manuals of one centre are made from."""

    manuals: tuple[SourceFile, ...]  # content/manuals/*.md
    defaults: SourceFile | None  # content/manuals/_defaults.yaml
    overrides: tuple[SourceFile, ...] = ()  # centres/<id>/manuals/<manual-id>.md
    additions: tuple[SourceFile, ...] = ()  # centres/<id>/manuals/<manual-id>.add.yaml
    settings: SourceFile | None = None  # centres/<id>/manuals/settings.yaml
    unknown: tuple[str, ...] = ()  # other entries of centres/<id>/manuals (display paths)


def _display(path: Path, root: Path) -> str:
    try:
        return path.relative_to(root).as_posix()
    except ValueError:
        return path.as_posix()


def _read_source(path: Path, root: Path) -> SourceFile:
    disp = _display(path, root)
    if path.is_symlink():
        msg = "制度文件不能是符号链接（为防止读入文件夹以外的文件）"
        return SourceFile(
            disp, path.name, None, (Problem.at(Position(disp), "attachment-bad", msg),)
        )
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            msg = f"文件大小 {size} 字节，超过上限 {MAX_FILE_BYTES} 字节"
            return SourceFile(
                disp, path.name, None, (Problem.at(Position(disp), "file-too-large", msg),)
            )
        data = path.read_bytes()
    except OSError as exc:
        msg = f"无法读取文件：{exc.strerror or exc}"
        return SourceFile(
            disp, path.name, None, (Problem.at(Position(disp), "file-unreadable", msg),)
        )
    text, problems = decode_text(data, disp)
    return SourceFile(disp, path.name, text, tuple(problems))


def read_manual_sources(
    content_dir: Path | None = None, overrides_dir: Path | None = None
) -> ManualSources:
    """Read the manual templates and, when given, one centre's manual overrides."""
    content_dir = content_dir or CONTENT_DIR
    croot = content_dir.parent.parent
    manuals = tuple(
        _read_source(p, croot)
        for p in sorted(content_dir.glob("*.md"))
        if not p.name.startswith(("_", "."))
    )
    dpath = content_dir / DEFAULTS_FILE
    defaults = _read_source(dpath, croot) if dpath.exists() else None
    if overrides_dir is None or not overrides_dir.is_dir() or overrides_dir.is_symlink():
        return ManualSources(manuals, defaults)
    oroot = overrides_dir.parents[2] if len(overrides_dir.parents) > 2 else overrides_dir
    overrides: list[SourceFile] = []
    additions: list[SourceFile] = []
    settings: SourceFile | None = None
    unknown: list[str] = []
    for p in sorted(overrides_dir.iterdir()):
        if p.name.startswith("."):
            continue
        if p.name == SETTINGS_FILE:
            settings = _read_source(p, oroot)
        elif p.name.endswith(ADD_SUFFIX):
            additions.append(_read_source(p, oroot))
        elif p.suffix == ".md" and p.is_file():
            overrides.append(_read_source(p, oroot))
        else:
            unknown.append(_display(p, oroot))
    return ManualSources(
        manuals, defaults, tuple(overrides), tuple(additions), settings, tuple(unknown)
    )


# ================================================================ the output


@dataclass(frozen=True)
class Article:
    """One article (条): its generated number, optional heading and Markdown text."""

    number: int
    text: str  # Markdown, without the 第N条 label
    heading: str | None = None
    own: bool = False  # written by the centre (added, replaced, or in a replaced manual)
    key: str | None = None
    change: str | None = None  # "added" | "replaced" for articles from <id>.add.yaml

    @property
    def label(self) -> str:
        return f"第{cn_numeral(self.number)}条"

    @property
    def title(self) -> str:
        return f"{self.label}【{self.heading}】" if self.heading else self.label


@dataclass(frozen=True)
class Chapter:
    """One chapter (章)."""

    number: int
    title: str
    articles: tuple[Article, ...]
    own: bool = False

    @property
    def label(self) -> str:
        return f"第{cn_numeral(self.number)}章"


@dataclass(frozen=True)
class Manual:
    """A policy manual (管理制度) of one centre, ready to print."""

    id: str
    title: str
    citations: tuple[str, ...]
    chapters: tuple[Chapter, ...]
    markdown: str
    version: str
    effective: dt.date
    own: bool = False  # the whole manual is the centre's own text
    satisfies: tuple[str, ...] = ()  # document ids of documents-present rules it meets
    order: int = 0

    @property
    def articles(self) -> tuple[Article, ...]:
        return tuple(a for c in self.chapters for a in c.articles)


class ManualError(GongshiError):
    """The manuals cannot be rendered (bad override or settings, or a template bug)."""


# ================================================================ small formatters

_CN_DIGITS = "零一二三四五六七八九"


def cn_numeral(n: int) -> str:
    """Write a whole number in Chinese numerals, as article numbers are: 21 → 二十一."""
    if n < 0:
        return "负" + cn_numeral(-n)
    if n < 10:
        return _CN_DIGITS[n]
    if n < 20:
        return "十" + (_CN_DIGITS[n % 10] if n % 10 else "")
    if n >= 10000:
        high, rest = divmod(n, 10000)
        tail = "" if not rest else ("零" if rest < 1000 else "") + _cn_under(rest)
        return cn_numeral(high) + "万" + tail
    return _cn_under(n)


def _cn_under(n: int) -> str:
    out = ""
    zero = False
    for value, unit in ((1000, "千"), (100, "百"), (10, "十"), (1, "")):
        d, n = divmod(n, value)
        if d:
            if zero and out:
                out += "零"
            out += _CN_DIGITS[d] + unit
            zero = False
        else:
            zero = True
    return out


def cn_item(i: int) -> str:
    """Item number inside an article: 1 → （一）."""
    return f"（{cn_numeral(i)}）"


def plain_number(d: Decimal | int) -> str:
    """A number as printed in prose: no exponent, no trailing zeros (400.00 → 400)."""
    if isinstance(d, int):
        return str(d)
    q = d.normalize()
    return f"{q:f}"


def percent_text(d: Decimal) -> str:
    """A ratio as a percentage in prose: 0.80 → 80%, 0.075 → 7.5%."""
    return plain_number(d * 100) + "%"


def date_text(d: dt.date) -> str:
    return f"{d.year}年{d.month}月{d.day}日"


def opening_hours_text(hours: m.OpeningHours) -> str:
    """The weekly sessions as prose: 周二至周五 08:30—12:00、13:00—21:30；周一不开放."""
    groups: list[tuple[list[int], tuple[m.Session, ...]]] = []
    for day in range(7):
        sessions = tuple(hours.weekly.get(day, ()))
        if groups and groups[-1][1] == sessions and groups[-1][0][-1] == day - 1:
            groups[-1][0].append(day)
        else:
            groups.append(([day], sessions))

    def days(ds: list[int]) -> str:
        if len(ds) >= 3:
            return f"{m.WEEKDAYS[ds[0]]}至{m.WEEKDAYS[ds[-1]]}"
        return "、".join(m.WEEKDAYS[d] for d in ds)

    def span(s: m.Session) -> str:
        return f"{s.start:%H:%M}—{s.end:%H:%M}"

    open_parts = [f"{days(ds)} {'、'.join(span(s) for s in ss)}" for ds, ss in groups if ss]
    closed = [d for ds, ss in groups if not ss for d in ds]
    if not open_parts:
        return "以本中心公告为准"
    text = "；".join(open_parts)
    if closed:
        text += "；" + "、".join(m.WEEKDAYS[d] for d in closed) + "不开放"
    return text


_ASCII_PUNCT = str.maketrans({",": "，", ";": "；", ":": "：", "(": "（", ")": "）"})


def zh_punct(text: str) -> str:
    """Full-width punctuation for a quote copied from a PDF-converted source."""
    return text.translate(_ASCII_PUNCT)


def inner_quotes(text: str) -> str:
    """Double quotes inside a quotation become single ones: “12349” → ‘12349’."""
    return text.replace("“", "‘").replace("”", "’")


# ================================================================ the template contract


class Md(str):
    """Markdown that is already safe to print (escaped, or made by this module)."""


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
class Responsible:
    """Which post is responsible for what (a role title each)."""

    head: str
    finance: str
    it: str
    archives: str
    volunteers: str
    safety: str
    disclosure: str
    reception: str


@dataclass(frozen=True)
class Requirement:
    """A pack rule as one sentence of a manual, with its clause."""

    text: str
    citation: str


@dataclass(frozen=True)
class FundRatio:
    """A fund-use ratio rule of the pack (check: fund-ratio)."""

    subject: str  # 员工薪酬与福利经费
    base_key: str  # government-project | paid-and-donation-income | …
    base: str  # 项目总经费
    relation: str  # 不低于 | 不超过 | 高于 | 低于
    percent: str  # 80%
    citation: str
    base_text: str | None = None  # how the pack defines the base, when it says


@dataclass(frozen=True)
class DisclosureRule:
    """A disclosure rule of the pack (check: disclosure-deadline)."""

    what: str
    when: str
    channels_min: int | None
    channels: tuple[str, ...]
    citation: str


@dataclass(frozen=True)
class PaidRule:
    """How paid convenience services are filed (check: paid-services-filed)."""

    file_with: str
    in_advance: bool
    no_distribution: bool
    citation: str


@dataclass(frozen=True)
class Veto:
    """A one-vote veto of the pack (check: veto)."""

    trigger: str
    text: str
    result_grade: str | None
    citation: str


@dataclass(frozen=True)
class PackFacts:
    """What the centre's rule pack says, in the shape the manuals print it."""

    id: str
    name: str
    document: str
    fund_ratios: tuple[FundRatio, ...]
    surplus_report_to: str | None
    expenditure_items: tuple[str, ...]
    paid: PaidRule | None
    disclosures: tuple[DisclosureRule, ...]
    channels: tuple[str, ...]  # disclosure channels named by the pack, in order
    plan_notice: Requirement | None
    staffing: tuple[Requirement, ...]
    training: tuple[Requirement, ...]
    opening: Requirement | None
    activities: tuple[Requirement, ...]
    satisfaction: Requirement | None
    catalogue: tuple[Requirement, ...]
    service_mix: Requirement | None
    evaluations: tuple[Requirement, ...]
    vetoes: tuple[Veto, ...]
    platform_12349: Requirement | None
    hazards: tuple[str, ...]  # from the pack's `emergency-hazards` rules


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


# ================================================================ pack facts

_OP_RATIO = {">=": "不低于", "<=": "不超过", ">": "高于", "<": "低于"}
_OP_COUNT = {">=": "不少于", "<=": "不超过", ">": "多于", "<": "少于"}
_BASES = {
    "government-project": "项目总经费",
    "paid-and-donation-income": "经营性服务项目和捐赠所得收入",
}
_DISCLOSURES = {
    "quarterly-finance": "季度财务信息",
    "annual-audit": "年度审计报告",
    "opening-hours": "开放时间和服务内容",
    "service-info": "服务信息",
}
# metric → (subject, measure word); None = a yes/no requirement written in full
_STAFFING: dict[str, tuple[str, str | None]] = {
    "full_time_staff": ("全职工作人员", "名"),
    "registered_social_workers": ("注册社工", "名"),
    "registered_social_worker_share": ("注册社工占全职工作人员的比例", None),
    "assistant_or_above_social_workers": ("具有助理社会工作师及以上职称的专业人才", "名"),
    "full_time_auxiliary_staff": ("专职辅助人员", "名"),
    "part_time_staff": ("兼职辅助人员", "名"),
    "full_time_certified_social_workers": ("持证全职社会工作者", "名"),
    "head_is_social_worker": ("中心负责人由专业社会工作者担任", None),
    "project_heads_are_social_workers": ("项目（部门）负责人由专业社会工作者担任", None),
}


def _in_principle(rule: Rule) -> str:
    return "原则上" if "原则上" in rule.quote else ""


def _category_name(pack: Pack, code: str) -> str:
    table = (
        pack.catalogue.lookup(code)[0] if pack.catalogue and pack.catalogue.lookup(code) else None
    )
    if table is None:
        return f"表{code}"
    name = table.title
    for suffix in ("公共服务内容建议表", "服务内容建议表", "内容建议表"):
        if name.endswith(suffix):
            name = name[: -len(suffix)]
            break
    if name.startswith("社区") and len(name) > 2:
        name = name[2:]
    return name if name.endswith("服务") else name + "服务"


def _staffing(rule: Rule) -> str | None:
    p = rule.params
    if p.metric not in _STAFFING:
        return None
    subject, unit = _STAFFING[p.metric]
    op, threshold = p.op, p.limit
    if op == "==":
        return _in_principle(rule) + subject
    if unit is None:
        return f"{_in_principle(rule)}{subject}{_OP_RATIO.get(op, op)}{percent_text(threshold)}"
    return (
        f"{_in_principle(rule)}配置{subject}{_OP_COUNT.get(op, op)}{plain_number(threshold)}{unit}"
    )


def pack_facts(pack: Pack) -> PackFacts:
    """Read the pack's rules into the printable facts the manuals use."""
    rules = list(pack.rules.values())
    fund: list[FundRatio] = []
    for r in pack.by_check("fund-ratio"):
        threshold = r.params.threshold
        labels = [EXPENSE_LABELS[k] for k in r.params.numerator]
        subject = "和".join(labels)
        if subject and not subject.endswith("费"):
            subject += "经费"
        base_key = r.params.base
        base = _BASES[base_key]
        base_text = r.params.base_text
        if base_text:
            all_four = "、".join(EXPENSE_LABELS.values())
            base_text = (
                str(base_text)
                .replace("该期间", "核算期间")
                .replace("（四类支出之和）", f"，即{all_four}四类支出之和")
            )
        fund.append(
            FundRatio(
                subject,
                base_key,
                base,
                _OP_RATIO[r.params.op],
                percent_text(threshold),
                r.citation,
                str(base_text) if base_text else None,
            )
        )
    surplus = next(iter(pack.by_check("surplus-carried-forward")), None)
    expenditure = next((r for r in rules if getattr(r.params, "expenditure_items", ())), None)
    paid_rule = next(iter(pack.by_check("paid-services-filed")), None)
    paid = None
    if paid_rule is not None:
        paid = PaidRule(
            paid_rule.params.file_with,
            paid_rule.params.filed_before_start,
            paid_rule.params.no_profit_distribution,
            paid_rule.citation,
        )
    disclosures: list[DisclosureRule] = []
    channels: list[str] = []
    for r in pack.by_check("disclosure-deadline"):
        p = r.params
        what = _DISCLOSURES.get(p.disclosure, p.title or r.id)
        if p.standing:
            when = "常设公示，内容变更后及时更新"
        elif p.days_after_period and p.period == "quarter":
            when = f"每季度结束后{p.days_after_period}日内"
        elif p.days_after_period and p.period == "year":
            when = f"每年度结束后{p.days_after_period}日内"
        elif p.due_month_day:
            month, day = p.due_month_day
            when = f"次年{month}月{day}日前"
        else:
            when = "定期"
        cmin = p.channels_min
        examples = p.channels_examples
        for c in examples:
            if c not in channels:
                channels.append(c)
        disclosures.append(DisclosureRule(what, when, cmin, examples, r.citation))
    plan = next(iter(pack.by_check("plan-published")), None)
    plan_notice = None
    if plan is not None:
        days = plan.params.days_before_month
        when = "于上月底前" if days == 0 else f"于当月开始前至少{plain_number(days)}日"
        plan_notice = Requirement(f"每月活动安排{when}制定，并告知服务对象", plan.citation)
    staffing = tuple(
        Requirement(t, r.citation)
        for r in pack.by_check("compare")
        if (t := _staffing(r)) is not None
    )
    training = []
    for r in pack.by_check("compare"):
        if r.params.metric == "min_training_hours_certified":
            training.append(
                Requirement(
                    f"持证社会工作者每年参加继续教育{_OP_COUNT[r.params.op]}"
                    f"{plain_number(r.params.limit)}{r.params.unit or '学时'}",
                    r.citation,
                )
            )
    opening_rule = next(iter(pack.by_check("opening-hours")), None)
    opening = None
    if opening_rule is not None:
        d = opening_rule.params.min_days_per_week
        h = opening_rule.params.min_hours_per_day
        opening = Requirement(
            f"每周开放不少于{plain_number(d)}天，每天开放时间不少于{plain_number(h)}小时",
            opening_rule.citation,
        )
    activities: list[Requirement] = []
    for r in pack.by_check("monthly-activities"):
        n = r.params.min_themed_per_month
        activities.append(
            Requirement(f"每月组织开展主题文化活动不少于{plain_number(n)}场", r.citation)
        )
    for r in pack.by_check("large-activities"):
        bands = [b for b in r.params.bands if b.get("min_per_year")]
        if bands:
            parts = "、".join(
                f"{zh_punct(str(b.get('printed')))}的活动不少于{b['min_per_year']}场" for b in bands
            )
            activities.append(Requirement(f"全年组织{parts}", r.citation))
    sat_rule = next(
        (r for r in pack.by_check("compare") if r.params.metric == "satisfaction_rate"), None
    )
    satisfaction = None
    if sat_rule is not None:
        satisfaction = Requirement(
            f"社区居民满意率{_OP_RATIO[sat_rule.params.op]}{percent_text(sat_rule.params.limit)}",
            sat_rule.citation,
        )
    catalogue: list[Requirement] = []
    for r in pack.by_check("catalogue-size"):
        a, b = r.params.min_majors, r.params.min_items
        if a is not None and b is not None:
            text = f"服务项目涉及的服务大项不少于{plain_number(a)}项、服务细项不少于{plain_number(b)}个"
            if "exemption_authority" in r.raw:
                text += f"；不足的，须向{r.params.exemption_authority}申请报备，说明理由"
            catalogue.append(Requirement(text, r.citation))
    for r in pack.by_check("catalogue-mandatory"):
        cats = r.params.categories
        if not cats:
            continue
        names = "、".join(_category_name(pack, c) for c in cats)
        below = r.params.population_exemption_below
        text = f"{names}为必须提供的服务"
        if r.params.all_majors_of:
            alls = "、".join(_category_name(pack, c) for c in r.params.all_majors_of)
            text += f"，其中{alls}须涉及全部服务大项"
        if below is not None:
            text += f"；某一人群数量少于{plain_number(below)}人的可以不单独开设，但须提供转介服务"
        catalogue.append(Requirement(text, r.citation))
    for r in pack.by_check("catalogue-majors-per-category"):
        cats = r.params.categories
        n = r.params.min_majors
        if cats and n is not None:
            names = "、".join(_category_name(pack, c) for c in cats)
            catalogue.append(
                Requirement(f"{names}每类服务大项不少于{cn_numeral(int(n))}个", r.citation)
            )
        for c in r.params.conditional:
            if c.get("population_above") and c.get("min_majors"):
                catalogue.append(
                    Requirement(
                        f"相应人群数量超过{c['population_above']}人的，须设置{_category_name(pack, str(c['category']))}，"
                        f"服务大项不少于{cn_numeral(int(Decimal(str(c['min_majors']))))}个",
                        r.citation,
                    )
                )
    mix = next(iter(pack.by_check("service-mix")), None)
    service_mix = None
    if mix is not None and "tolerance" in mix.raw:
        principle = "原则上" if mix.severity == "warning" else ""
        service_mix = Requirement(
            "各领域服务量的分配根据社区类型有所侧重，各类服务量占比与本社区类型服务指标量权重的偏差"
            f"{principle}不超过{plain_number(mix.params.tolerance * 100)}个百分点",
            mix.citation,
        )
    evaluations: list[Requirement] = []
    for r in pack.by_check("evaluation-schedule"):
        for e in r.params.evaluations:
            if e.get("name"):
                cite = r.citation
                if e.get("clause"):
                    cite = r.citation[: len(r.citation) - len(r.clause)] + str(e["clause"])
                evaluations.append(Requirement(zh_punct(str(e["name"])), cite))
    vetoes: list[Veto] = []
    for r in pack.by_check("veto"):
        grade = r.params.result_grade
        trig = r.params.trigger
        if trig == "resident-assembly-vote":
            op = {">": "超过", ">=": "达到"}.get(r.params.op, "超过")
            text = (
                f"运营过程中情况异常，经居民大会表决，{op}{percent_text(r.params.threshold)}的与会者"
                f"同意对运营方终止合同的，经报{r.params.requires_verification_by or '主管部门'}核实，"
                "可办理终止手续"
            )
        elif trig == "management-fee-over-limit":
            text = "运营方提取的年度机构管理费经查实超过规定比例的"
        else:
            text = zh_punct(r.quote)
        vetoes.append(Veto(trig, text, str(grade) if grade else None, r.citation))
    platform = next(
        (r for r in pack.by_check("compare") if r.params.metric == "platform_12349_coverage"),
        None,
    )
    hazards = tuple(h for r in pack.by_check("emergency-hazards") for h in r.params.hazards)
    return PackFacts(
        id=pack.id,
        name=pack.name,
        document=pack.document,
        fund_ratios=tuple(fund),
        surplus_report_to=surplus.params.report_to if surplus else None,
        expenditure_items=tuple(expenditure.params.expenditure_items if expenditure else ()),
        paid=paid,
        disclosures=tuple(disclosures),
        channels=tuple(channels),
        plan_notice=plan_notice,
        staffing=staffing,
        training=tuple(training),
        opening=opening,
        activities=tuple(activities),
        satisfaction=satisfaction,
        catalogue=tuple(catalogue),
        service_mix=service_mix,
        evaluations=tuple(evaluations),
        vetoes=tuple(vetoes),
        platform_12349=(
            Requirement(inner_quotes(zh_punct(platform.quote)), platform.citation)
            if platform
            else None
        ),
        hazards=hazards,
    )


# ================================================================ citations


def _doc_key(title: str) -> str:
    t = title.strip().strip("《》")
    for suffix in ("（征求意见稿）", "(征求意见稿)"):
        t = t.replace(suffix, "")
    return t


def pack_documents(pack: Pack) -> dict[str, str]:
    """Normalised title → the pack's own spelling, for every document the pack cites."""
    docs: dict[str, str] = {}
    for title in [pack.document, *(r.document for r in pack.rules.values())]:
        if not title:
            continue
        spelt = title if title.startswith("《") else f"《{title}》"
        docs.setdefault(_doc_key(spelt), spelt)
    return docs


_CITE = re.compile(r"(《[^》]+》)\s*(.*)")


def select_citations(clauses: Iterable[str], pack: Pack) -> tuple[str, ...]:
    """The manual's clauses that belong to a document of the centre's pack, in its spelling."""
    docs = pack_documents(pack)
    out: list[str] = []
    for c in clauses:
        mo = _CITE.fullmatch(c.strip())
        if not mo:
            continue
        spelt = docs.get(_doc_key(mo.group(1)))
        if spelt is not None:
            cite = spelt + mo.group(2).strip()
            if cite not in out:
                out.append(cite)
    if not out and pack.document:
        out.append(pack.document if pack.document.startswith("《") else f"《{pack.document}》")
    return tuple(out)


def basis_text(citations: Iterable[str], laws: Iterable[str]) -> str:
    """根据《A》、《B》二(三)、四(一)和《C》等有关规定."""
    groups: dict[str, list[str]] = {}
    for c in citations:
        mo = _CITE.fullmatch(c)
        doc, clause = (mo.group(1), mo.group(2)) if mo else (c, "")
        groups.setdefault(doc, [])
        if clause and clause not in groups[doc]:
            groups[doc].append(clause)
    parts = [law for law in laws if law not in groups] + [
        d + "、".join(cl) for d, cl in groups.items()
    ]
    joined = parts[0] if parts else ""
    for i, part in enumerate(parts[1:], 1):
        if i == len(parts) - 1:
            joined += "和"
        elif not (joined.endswith("》") and part.startswith("《")):
            joined += "、"  # no 顿号 between two book titles (GB/T 15834)
        joined += part
    return f"根据{joined}等有关规定"


# ================================================================ parsing sources


@dataclass(frozen=True)
class _Block:
    """An article as parsed from text, before numbering."""

    paragraphs: tuple[str, ...]
    key: str | None
    line: int
    own: bool = False
    change: str | None = None
    heading: str | None = None


@dataclass
class _ChapterSrc:
    title: str
    blocks: list[_Block]
    line: int
    own: bool = False


@dataclass(frozen=True)
class _Template:
    id: str
    title: str
    order: int
    clauses: tuple[str, ...]
    laws: tuple[str, ...]
    satisfies: tuple[str, ...]
    settings: Mapping[str, Any]
    settings_pos: Mapping[str, Position]
    body: str
    body_line: int  # line of the file where the body starts
    display: str


def split_front_matter(text: str) -> tuple[str | None, str, int]:
    """Split ``---`` front matter from the body; return (yaml, body, first body line)."""
    lines = text.split("\n")
    if not lines or lines[0].strip() != "---":
        return None, text, 1
    for i in range(1, len(lines)):
        if lines[i].strip() == "---":
            return "\n".join(lines[1:i]), "\n".join(lines[i + 1 :]), i + 2
    return None, text, 1


def _problem(disp: str, line: int, code: str, msg: str, sev: Severity | None = None) -> Problem:
    return Problem.at(Position(disp, line, 1 if line else 0), code, msg, sev)


def _yaml_mapping(
    text: str, disp: str, first_line: int, out: list[Problem]
) -> tuple[dict | None, dict]:
    """Parse YAML text that starts at ``first_line`` of its file; plain data and positions."""
    data, pos, problems = _yaml_cached(text, disp, first_line)
    out.extend(problems)
    return data, pos


@lru_cache(maxsize=256)
def _yaml_cached(
    text: str, disp: str, first_line: int
) -> tuple[dict | None, dict, tuple[Problem, ...]]:
    out: list[Problem] = []
    data, pos = _yaml_parse(text, disp, first_line, out)
    return data, pos, tuple(out)


def _yaml_parse(
    text: str, disp: str, first_line: int, out: list[Problem]
) -> tuple[dict | None, dict]:
    root, problems = parse_yaml("\n" * (first_line - 1) + text, disp)
    out.extend(problems)
    if root is None or any(p.severity is Severity.ERROR for p in problems):
        return None, {}
    data = to_plain(root)
    if not isinstance(data, dict):
        out.append(_problem(disp, first_line, "wrong-type", "这里应是“键: 值”形式的映射"))
        return None, {}
    return data, positions(root)


def _str_list(value: Any) -> list[str] | None:
    if value is None:
        return []
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return value
    return None


def parse_template(src: SourceFile, out: list[Problem]) -> _Template | None:
    """Front matter and body of a content manual (parsed once per distinct text)."""
    tpl, problems = _parse_template_cached(src)
    out.extend(problems)
    return tpl


@lru_cache(maxsize=256)
def _parse_template_cached(src: SourceFile) -> tuple[_Template | None, tuple[Problem, ...]]:
    out: list[Problem] = []
    return _parse_template(src, out), tuple(out)


def _parse_template(src: SourceFile, out: list[Problem]) -> _Template | None:
    if src.text is None:
        out.extend(src.problems)
        return None
    fm, body, body_line = split_front_matter(src.text)
    if fm is None:
        out.append(
            _problem(
                src.display, 1, "missing-key", "制度文件应以 --- 开头的前言（front matter）开始"
            )
        )
        return None
    data, pos = _yaml_mapping(fm, src.display, 2, out)
    if data is None:
        return None
    allowed = {"id", "title", "order", "clauses", "laws", "satisfies", "settings"}
    ok = True
    for k in data:
        if k not in allowed:
            out.append(
                Problem.at(
                    pos.get((k,), Position(src.display, 2)),
                    "unknown-key",
                    f"未知的键 {k}（可用：{'、'.join(sorted(allowed))}）",
                )
            )
            ok = False
    for k in ("id", "title", "clauses"):
        if not data.get(k):
            out.append(_problem(src.display, 2, "missing-key", f"前言缺少 {k}"))
            ok = False
    stem = src.name[:-3]
    if data.get("id") and (data["id"] != stem or not MANUAL_ID.fullmatch(str(data["id"]))):
        out.append(
            Problem.at(
                pos.get(("id",), Position(src.display, 2)),
                "bad-id",
                f"制度编号 {data['id']} 应与文件名 {stem} 相同，且只用小写英文字母、数字和连字符",
            )
        )
        ok = False
    lists = {k: _str_list(data.get(k)) for k in ("clauses", "laws", "satisfies")}
    for k, v in lists.items():
        if v is None:
            out.append(
                Problem.at(
                    pos.get((k,), Position(src.display, 2)), "wrong-type", f"{k} 应是文字列表"
                )
            )
            ok = False
    settings = data.get("settings") or {}
    if not isinstance(settings, dict):
        out.append(
            Problem.at(
                pos.get(("settings",), Position(src.display, 2)), "wrong-type", "settings 应是映射"
            )
        )
        ok = False
    try:
        order = int(data.get("order") or 0)
    except ValueError:
        out.append(
            Problem.at(
                pos.get(("order",), Position(src.display, 2)), "not-integer", "order 应是整数"
            )
        )
        ok = False
    if not ok:
        return None
    spos = {k: pos.get(("settings", k), Position(src.display, 2)) for k in settings}
    return _Template(
        str(data["id"]),
        str(data["title"]),
        order,
        tuple(lists["clauses"] or ()),
        tuple(lists["laws"] or ()),
        tuple(lists["satisfies"] or ()),
        settings,
        spos,
        body,
        body_line,
        src.display,
    )


_ARTICLE = re.compile(r"§(?:\[([^\]]*)\])?\s*(.*)")
_HEADING = re.compile(r"【([^】]{1,30})】\s*(.*)")


def parse_structure(
    text: str,
    disp: str,
    first_line: int,
    out: list[Problem],
    *,
    own: bool = False,
    sanitize: bool = False,
) -> list[_ChapterSrc]:
    """Split text into chapters (``## 章名``) and articles (``§`` or ``§[key]``)."""
    chapters: list[_ChapterSrc] = []
    current: list[str] | None = None
    key: str | None = None
    start = 0
    seen_keys: set[str] = set()

    def close() -> None:
        nonlocal current
        if current is None:
            return
        paras = [p for p in current if p]
        heading = None
        if paras:
            hm = _HEADING.fullmatch(paras[0])
            if hm:
                heading, rest = hm.group(1), hm.group(2)
                paras = ([rest] if rest else []) + paras[1:]
        if not paras:
            out.append(_problem(disp, start, "missing-key", "这一条没有内容"))
        elif not chapters:
            chapters.append(_ChapterSrc("", [], start, own))
        if paras:
            chapters[-1].blocks.append(_Block(tuple(paras), key, start, own, heading=heading))
        current = None

    for i, raw in enumerate(text.split("\n")):
        lineno = first_line + i
        line = raw.strip()
        if not line:
            continue
        if line.startswith("## "):
            close()
            title = line[3:].strip()
            chapters.append(_ChapterSrc(md_escape(title) if sanitize else title, [], lineno, own))
            continue
        if line.startswith("§"):
            close()
            mo = _ARTICLE.fullmatch(line)
            assert mo is not None
            key = mo.group(1)
            if key is not None and not KEY.fullmatch(key):
                out.append(
                    _problem(
                        disp,
                        lineno,
                        "bad-id",
                        f"条款标记 §[{key}] 的标识只能用小写英文字母、数字和连字符",
                    )
                )
                key = None
            if key:
                if key in seen_keys:
                    out.append(_problem(disp, lineno, "duplicate-id", f"条款标识 {key} 重复"))
                seen_keys.add(key)
            current = [sanitize_markdown(mo.group(2)) if sanitize else mo.group(2).strip()]
            start = lineno
            continue
        if line.startswith("#"):
            out.append(
                _problem(
                    disp, lineno, "wrong-type", "制度正文中只能用“## 章名”作标题；条文请以 § 开头"
                )
            )
            continue
        if current is None:
            out.append(
                _problem(disp, lineno, "wrong-type", "这一行不属于任何一条：条文请以 § 开头")
            )
            continue
        current.append(sanitize_markdown(line) if sanitize else line)
    close()
    return chapters


# Centre-written Markdown: emphasis, lists and plain text only. Raw HTML, links, images,
# raw format blocks ({=typst}), math, citations and Jinja-like braces are escaped.
_CENTRE_SPECIAL = re.compile(r"([\\`{}\[\]$@|~^])")


def sanitize_markdown(line: str) -> str:
    """Make one line of centre-written Markdown safe: text, emphasis and list markers only."""
    s = line.strip().replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    s = _CENTRE_SPECIAL.sub(r"\\\1", s)
    if s.startswith("#"):
        s = "\\" + s
    return s


# ================================================================ settings


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
        items = _str_list(value)
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
        out.append(_problem(disp, 0, "missing-key", f"制度设置缺少 {'、'.join(missing)}"))
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


# ================================================================ context


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


# ================================================================ Jinja


_REF = "\x00ref:{}\x00"
_REF_RE = re.compile("\x00ref:([^\x00]*)\x00")


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
    env.globals.update(ref=lambda key: Md(_REF.format(key)), item=lambda n: Md(cn_item(int(n))))
    return env


@lru_cache(maxsize=256)
def _compiled(body: str):
    """Compile a template body once per process (the same text gives the same template)."""
    return _environment().from_string(body)


@lru_cache(maxsize=1)
def _environment() -> ImmutableSandboxedEnvironment:
    return make_environment()


def render_body(tpl: _Template, ctx: ManualContext) -> str:
    """Run one template's body with the context; a template bug is a ManualError."""
    variables = {f.name: getattr(ctx, f.name) for f in fields(ctx)}
    try:
        return _compiled(tpl.body).render(variables)
    except (TemplateError, TypeError, ValueError, AttributeError, LookupError) as exc:
        line = getattr(exc, "lineno", None)
        where = f"{tpl.display}:{tpl.body_line + line - 1}" if line else tpl.display
        raise ManualError(f"制度模板 {where} 有误：{exc}") from exc


# ================================================================ centre additions


@dataclass(frozen=True)
class _Op:
    kind: str  # after | before | replace | remove | chapter
    anchor: int | str
    block: _Block | None
    pos: Position


def parse_additions(
    src: SourceFile, out: list[Problem]
) -> tuple[list[tuple[str, str | None, str | None, Position]], list[_Op]] | None:
    """Read <manual-id>.add.yaml: new chapters and article operations."""
    if src.text is None:
        out.extend(src.problems)
        return None
    data, pos = _yaml_mapping(src.text, src.display, 1, out)
    if data is None:
        return None
    here = Position(src.display, 1, 1)
    for k in data:
        if k not in ("chapters", "articles"):
            out.append(
                Problem.at(
                    pos.get((k,), here), "unknown-key", f"未知的键 {k}（可用：chapters、articles）"
                )
            )
    chapters: list[tuple[str, str | None, str | None, Position]] = []
    for i, ch in enumerate(data.get("chapters") or []):
        p = pos.get(("chapters", i), here)
        if (
            not isinstance(ch, dict)
            or not isinstance(ch.get("title"), str)
            or not ch["title"].strip()
        ):
            out.append(Problem.at(p, "missing-key", "新增的章须写 title（章名）"))
            continue
        extra = set(ch) - {"title", "before", "after"}
        if extra:
            out.append(
                Problem.at(
                    p,
                    "unknown-key",
                    f"未知的键 {'、'.join(sorted(extra))}（可用：title、before、after）",
                )
            )
        chapters.append((ch["title"].strip(), ch.get("before"), ch.get("after"), p))
    ops: list[_Op] = []
    arts = data.get("articles") or []
    if not isinstance(arts, list):
        out.append(Problem.at(pos.get(("articles",), here), "wrong-type", "articles 应是列表"))
        return chapters, ops
    for i, a in enumerate(arts):
        p = pos.get(("articles", i), here)
        if not isinstance(a, dict):
            out.append(Problem.at(p, "wrong-type", "每一项应是映射，例如 {after: 5, text: ……}"))
            continue
        kinds = [k for k in ("after", "before", "replace", "remove", "chapter") if k in a]
        extra = set(a) - {"after", "before", "replace", "remove", "chapter", "text", "heading"}
        if extra:
            out.append(
                Problem.at(
                    p,
                    "unknown-key",
                    f"未知的键 {'、'.join(sorted(extra))}（可用：after、before、replace、remove、chapter、text、heading）",
                )
            )
            continue
        if len(kinds) != 1:
            out.append(
                Problem.at(
                    p,
                    "missing-key",
                    "每一项须有且只有 after、before、replace、remove、chapter 中的一个",
                )
            )
            continue
        kind = kinds[0]
        anchor_raw = a[kind]
        if kind == "chapter":
            anchor: int | str = str(anchor_raw)
        elif isinstance(anchor_raw, str) and anchor_raw.isdigit():
            anchor = int(anchor_raw)
        elif isinstance(anchor_raw, str) and KEY.fullmatch(anchor_raw):
            anchor = anchor_raw
        else:
            out.append(
                Problem.at(
                    pos.get(("articles", i, kind), p),
                    "wrong-type",
                    f"{kind} 应是条号（如 5）或条款标识（如 booking）",
                )
            )
            continue
        block = None
        if kind != "remove":
            text = a.get("text")
            if not isinstance(text, str) or not text.strip():
                out.append(Problem.at(p, "missing-key", "须写 text（条文内容）"))
                continue
            paras = tuple(sanitize_markdown(line) for line in text.split("\n") if line.strip())
            heading = a.get("heading")
            if heading is not None and not isinstance(heading, str):
                out.append(Problem.at(p, "wrong-type", "heading 应是文字"))
                continue
            block = _Block(
                paras,
                None,
                p.line,
                True,
                "replaced" if kind == "replace" else "added",
                md_escape(heading) if heading else None,
            )
        elif "text" in a:
            out.append(Problem.at(p, "unknown-key", "remove（删除）一项不需要 text"))
            continue
        ops.append(_Op(kind, anchor, block, p))
    return chapters, ops


def apply_additions(
    chapters: list[_ChapterSrc], new_chapters, ops: list[_Op], out: list[Problem]
) -> list[_ChapterSrc]:
    """Apply a centre's additions; numbers in anchors are the unchanged manual's numbers."""
    result = [_ChapterSrc(c.title, list(c.blocks), c.line, c.own) for c in chapters]
    for title, before, after, p in new_chapters:
        if any(c.title == title for c in result):
            out.append(Problem.at(p, "duplicate-id", f"已有名为 {title} 的章"))
            continue
        idx = len(result)
        anchor = before or after
        if anchor is not None:
            hit = next((i for i, c in enumerate(result) if c.title == str(anchor)), None)
            if hit is None:
                out.append(Problem.at(p, "missing-key", f"找不到名为 {anchor} 的章"))
                continue
            idx = hit if before is not None else hit + 1
        result.insert(idx, _ChapterSrc(title, [], p.line, True))
    # locate base articles by number or key (identity of the original blocks)
    base = [b for c in chapters for b in c.blocks]
    by_key = {b.key: b for b in base if b.key}

    def find(anchor: int | str, p: Position) -> _Block | None:
        if isinstance(anchor, int):
            if 1 <= anchor <= len(base):
                return base[anchor - 1]
            out.append(
                Problem.at(
                    p, "out-of-range", f"本制度没有第{cn_numeral(anchor)}条（共 {len(base)} 条）"
                )
            )
            return None
        if anchor in by_key:
            return by_key[anchor]
        out.append(Problem.at(p, "missing-key", f"本制度没有标识为 {anchor} 的条款"))
        return None

    def locate(block: _Block) -> tuple[_ChapterSrc, int]:
        for c in result:
            for i, b in enumerate(c.blocks):
                if b is block:
                    return c, i
        raise LookupError

    inserted_after: dict[int, int] = {}
    for op in ops:
        if op.kind == "chapter":
            ch = next((c for c in result if c.title == op.anchor), None)
            if ch is None:
                out.append(Problem.at(op.pos, "missing-key", f"找不到名为 {op.anchor} 的章"))
                continue
            # keep the closing articles (interpretation, effective date) last
            at = len(ch.blocks)
            while at > 0 and ch.blocks[at - 1].key in CLOSING_KEYS:
                at -= 1
            ch.blocks.insert(at, op.block)
            continue
        target = find(op.anchor, op.pos)
        if target is None:
            continue
        try:
            ch, i = locate(target)
        except LookupError:
            out.append(Problem.at(op.pos, "missing-key", "这一条已被删除或替换，不能再引用"))
            continue
        if op.kind == "replace":
            ch.blocks[i] = _Block(
                op.block.paragraphs, target.key, op.block.line, True, "replaced", op.block.heading
            )
        elif op.kind == "remove":
            del ch.blocks[i]
        elif op.kind == "before":
            ch.blocks.insert(i, op.block)
        else:  # after: keep several additions after one article in file order
            n = inserted_after.get(id(target), 0)
            ch.blocks.insert(i + 1 + n, op.block)
            inserted_after[id(target)] = n + 1
    return [c for c in result if c.blocks or c.own]


# ================================================================ assembling


CLOSING_KEYS = {"interpretation", "effective"}
OWN_MARK = {"added": "〔本中心补充〕", "replaced": "〔本中心修订〕"}


def number_manual(
    chapters: list[_ChapterSrc], disp: str, out: list[Problem]
) -> tuple[Chapter, ...]:
    """Number chapters and articles; resolve ``ref`` markers to 第N条."""
    numbers: dict[str, int] = {}
    n = 0
    for c in chapters:
        for b in c.blocks:
            n += 1
            if b.key:
                numbers[b.key] = n

    def resolve(text: str, line: int) -> str:
        def sub(mo: re.Match) -> str:
            key = mo.group(1)
            if key not in numbers:
                out.append(
                    _problem(disp, line, "missing-key", f"引用的条款 {key} 不存在（可能已被删除）")
                )
                return "相关条款"
            return f"第{cn_numeral(numbers[key])}条"

        return _REF_RE.sub(sub, text)

    result: list[Chapter] = []
    n = 0
    ci = 0
    for c in chapters:
        ci += 1 if c.title else 0
        arts = []
        for b in c.blocks:
            n += 1
            text = "\n\n".join(resolve(p, b.line) for p in b.paragraphs)
            arts.append(Article(n, text, b.heading, b.own, b.key, b.change))
        result.append(Chapter(ci if c.title else 0, c.title, tuple(arts), c.own))
    return tuple(result)


def manual_markdown(
    title: str, subtitle: str, chapters: tuple[Chapter, ...], note: str | None
) -> str:
    """The whole manual as Markdown: H1 title, H2 chapters, articles as paragraphs."""
    lines = [f"# {title}", "", subtitle, ""]
    if note:
        lines += [note, ""]
    for c in chapters:
        if c.title:
            lines += [f"## {c.label}　{c.title}", ""]
        for a in c.articles:
            head = f"**{a.label}**　"
            if a.change:
                head += OWN_MARK[a.change]
            if a.heading:
                head += f"【{a.heading}】"
            paras = a.text.split("\n\n")
            lines += [head + paras[0], ""]
            for p in paras[1:]:
                lines += [p, ""]
    return "\n".join(lines).rstrip() + "\n"


def build_manuals(
    centre: m.Centre, pack: Pack, sources: ManualSources
) -> tuple[list[Manual], list[Problem]]:
    """Render every manual for one centre; problems in sources are returned, not raised."""
    out: list[Problem] = []
    for u in sources.unknown:
        out.append(
            Problem.at(
                Position(u),
                "unknown-file",
                f"无法识别的文件 {u}：manuals/ 中只应有 <制度编号>.md、<制度编号>.add.yaml 和 settings.yaml",
            )
        )
    templates: dict[str, _Template] = {}
    for src in sources.manuals:
        tpl = parse_template(src, out)
        if tpl is not None:
            templates[tpl.id] = tpl
    # settings: defaults, then every manual's own defaults, then the centre's
    layers: list[tuple[Mapping[str, Any], Mapping[str, Position], str]] = []
    if sources.defaults is None or sources.defaults.text is None:
        out.extend(sources.defaults.problems if sources.defaults else ())
        out.append(
            _problem(
                f"content/manuals/{DEFAULTS_FILE}", 0, "missing-key", "缺少制度设置的默认值文件"
            )
        )
        return [], out
    d, dpos = _yaml_mapping(sources.defaults.text, sources.defaults.display, 1, out)
    if d is None:
        return [], out
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
            cdata, cpos = _yaml_mapping(sources.settings.text, sources.settings.display, 1, out)
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
        return [], out
    roles = {s.role for s in centre.staff}
    for what, role in settings.responsible.items():
        if role not in roles and sources.settings is not None:
            out.append(
                _problem(
                    sources.settings.display,
                    0,
                    "bad-choice",
                    f"responsible.{what} 的岗位 {role} 不是本中心 centre.yaml 中的岗位",
                )
            )
    facts = pack_facts(pack)
    overrides = {s.name[:-3]: s for s in sources.overrides}
    additions = {s.name[: -len(ADD_SUFFIX)]: s for s in sources.additions}
    for name, src in list(overrides.items()) + list(additions.items()):
        if not MANUAL_ID.fullmatch(name):
            out.append(
                _problem(
                    src.display,
                    0,
                    "bad-file-name",
                    "文件名应是制度编号（小写英文字母、数字和连字符），见 docs/manuals.md",
                )
            )
    for name, src in additions.items():
        if name not in templates:
            out.append(
                _problem(
                    src.display,
                    0,
                    "bad-file-name",
                    f"没有编号为 {name} 的制度（可用：{'、'.join(sorted(templates))}）",
                )
            )
    manuals: list[Manual] = []
    ids = list(templates) + [k for k in overrides if k not in templates and MANUAL_ID.fullmatch(k)]
    for mid in ids:
        tpl = templates.get(mid)
        own = mid in overrides
        if own:
            made = _override_manual(overrides[mid], tpl, out)
            if made is None:
                continue
            title, clauses, laws, chapters, order, satisfies = made
        else:
            assert tpl is not None
            title, clauses, laws, order, satisfies = (
                tpl.title,
                tpl.clauses,
                tpl.laws,
                tpl.order,
                tpl.satisfies,
            )
            chapters = None
        citations = select_citations(clauses, pack)
        ctx = manual_context(centre, pack, facts, settings, citations, laws, hazard_defaults)
        if chapters is None:
            assert tpl is not None
            body = render_body(tpl, ctx)
            chapters = parse_structure(body, tpl.display, tpl.body_line, out)
            if mid in additions:
                parsed = parse_additions(additions[mid], out)
                if parsed is not None:
                    chapters = apply_additions(chapters, parsed[0], parsed[1], out)
        display = overrides[mid].display if own else tpl.display
        numbered = number_manual(chapters, display, out)
        subtitle = f"{md_escape(centre.name)}　{md_escape(ctx.version)}"
        note = "本制度全文由本中心自行制定。" if own else None
        manuals.append(
            Manual(
                id=mid,
                title=title,
                citations=citations,
                chapters=numbered,
                markdown=manual_markdown(md_escape(title), subtitle, numbered, note),
                version=ctx.version,
                effective=ctx.effective,
                own=own,
                satisfies=satisfies,
                order=order,
            )
        )
    manuals.sort(key=lambda x: (x.order, x.id))
    return manuals, out


def _override_manual(src: SourceFile, tpl: _Template | None, out: list[Problem]):
    """A centre's replacement manual: never run as Jinja; limited Markdown."""
    if src.text is None:
        out.extend(src.problems)
        return None
    fm, body, body_line = split_front_matter(src.text)
    data: dict = {}
    if fm is not None:
        parsed, pos = _yaml_mapping(fm, src.display, 2, out)
        if parsed is None:
            return None
        data = parsed
        for k in data:
            if k not in ("title", "clauses", "laws"):
                out.append(
                    Problem.at(
                        pos.get((k,), Position(src.display, 2)),
                        "unknown-key",
                        f"未知的键 {k}（可用：title、clauses、laws）",
                    )
                )
    title = data.get("title") or (tpl.title if tpl else None)
    if not isinstance(title, str) or not title.strip():
        out.append(
            _problem(src.display, 1, "missing-key", "新增的制度须在前言中写 title（制度名称）")
        )
        return None
    clauses = (
        _str_list(data.get("clauses")) if "clauses" in data else list(tpl.clauses if tpl else ())
    )
    laws = _str_list(data.get("laws")) if "laws" in data else list(tpl.laws if tpl else ())
    if clauses is None or laws is None:
        out.append(_problem(src.display, 1, "wrong-type", "clauses 和 laws 应是文字列表"))
        return None
    chapters = parse_structure(body, src.display, body_line, out, own=True, sanitize=True)
    if not chapters:
        out.append(_problem(src.display, 1, "missing-key", "制度正文是空的：每一条以 § 开头"))
        return None
    return (
        title.strip(),
        tuple(clauses),
        tuple(laws),
        chapters,
        tpl.order if tpl else 1000,
        tpl.satisfies if tpl else (),
    )


# ================================================================ the API


def check_manuals(centre: m.Centre, pack: Pack, sources: ManualSources) -> list[Problem]:
    """Every problem in a centre's manual overrides and settings (and in the templates)."""
    return build_manuals(centre, pack, sources)[1]


def render_manuals(
    centre: m.Centre,
    pack: Pack,
    *,
    content_dir: Path | None = None,
    overrides_dir: Path | None = None,
) -> list[Manual]:
    """Render every policy manual of a centre, with its overrides; errors raise ManualError."""
    sources = read_manual_sources(content_dir, overrides_dir)
    manuals, problems = build_manuals(centre, pack, sources)
    errors = [p for p in problems if p.severity is Severity.ERROR]
    if errors:
        shown = "；".join(f"{Position(p.file, p.line, p.column)} {p.message}" for p in errors[:5])
        more = f"（另有 {len(errors) - 5} 个问题）" if len(errors) > 5 else ""
        raise ManualError(f"制度无法生成：{shown}{more}")
    return manuals
