"""Check ``compare``: one figure of the records against a threshold of the pack.

Which figure is named by ``metric`` (see ``METRICS`` below: floor area, staff counts,
training hours, volunteers, satisfaction, budget …); ``op`` is the comparison the
wording demands (不低于/不少于/以上 → ``>=``, 不得超过 → ``<=``, 超过 → ``>``) and
``threshold`` the number, both from the rule pack, e.g.
《深圳市社区（党群）服务中心运营与评估标准》二(三) “可利用室内场地总面积应不低于400平方米”::

    floor-area: {check: compare, metric: floor_area_m2, op: ">=", threshold: "400", unit: 平方米}

Passing: ``floor_area: 400`` (exactly the limit: 不低于 includes it).
Failing: ``floor_area: 399.99`` → “室内场地总面积为 399.99 平方米，低于下限 400 平方米”,
at the ``floor_area`` line of centre.yaml.

A ratio (``registered_social_worker_share``, ``satisfaction_rate``) is compared exactly,
by cross-multiplying, so 89.99…% never rounds up to 90 %. A metric the records do not
hold (e.g. ``platform_12349_coverage``) gives ``no-data``, never a shortfall.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from generator import model as m
from generator.figures import finance as figures
from generator.packs.params import Choice, Data, ListOf, Op, RuleParams, Text, param
from generator.problems import Position
from generator.rules.base import (
    FAIL,
    FAIL_TEXT,
    NO_DATA,
    NOT_APPLICABLE,
    OP_TEXT,
    PASS,
    CheckContext,
    Finding,
    op_holds,
    ratio_holds,
)
from generator.text import formats as fmt
from generator.text.labels import EVALUATION_LABELS


@dataclass(frozen=True)
class Measure:
    """One value of a metric, with where it was written; ``value`` None means no data."""

    value: Any
    pos: Position
    period: str | None = None
    year: int | None = None
    parts: tuple[Decimal, Decimal] | None = None  # numerator, denominator of a ratio
    note: str | None = None


@dataclass(frozen=True)
class Metric:
    """A figure a rule can compare: its Chinese label, kind and how to measure it."""

    label: str
    kind: str  # count | quantity | ratio | bool
    measure: Callable[[m.Centre], list[Measure]]
    unit: str | None = None
    true_text: str = ""
    false_text: str = ""
    base: str | None = None  # for ratios: what the ratio is divided by


def _staff_pos(c: m.Centre) -> Position:
    return c.pos("staff")


def _staff_count(pred: Callable[[m.StaffMember], bool]) -> Callable[[m.Centre], list[Measure]]:
    def measure(c: m.Centre) -> list[Measure]:
        return [Measure(len([s for s in c.staff if pred(s)]), _staff_pos(c))]

    return measure


def _professional(s: m.StaffMember) -> bool:
    """专业社会工作者: 助理社工师及以上 and registered (深圳标准三(一)的定义)."""
    return s.certified and s.registered


def _head(c: m.Centre) -> list[Measure]:
    head = next((s for s in c.staff if s.head), None)
    if head is None:
        return [
            Measure(False, _staff_pos(c), note="centre.yaml 中没有标明中心负责人（head: true）")
        ]
    return [Measure(_professional(head), head.pos("qualification"))]


# roles that head a project or department (项目主管、部门负责人 …), by their wording
PROJECT_HEAD_ROLE = re.compile(r"负责人|主管")


def _project_heads(c: m.Centre) -> list[Measure]:
    """Every project (department) head other than the centre head is a professional."""
    heads = [s for s in c.staff if not s.head and PROJECT_HEAD_ROLE.search(s.role)]
    bad = [s for s in heads if not _professional(s)]
    if bad:
        return [
            Measure(False, bad[0].pos("qualification"), note=f"{bad[0].role}不是专业社会工作者")
        ]
    return [Measure(True, heads[0].pos("qualification") if heads else _staff_pos(c))]


def _training(kind: str) -> Callable[[m.Centre], list[Measure]]:
    def measure(c: m.Centre) -> list[Measure]:
        sf = figures.staff_figures(c)
        value = sf.min_training_hours_certified if kind == "min" else sf.avg_training_hours
        pos = _staff_pos(c)
        if kind == "min" and value is not None:
            lowest = min((s for s in c.staff if s.certified), key=lambda s: s.training_hours)
            pos = lowest.pos("training_hours")
        note = "没有持证社会工作者" if value is None and kind == "min" else None
        return [Measure(value, pos, note=note)]

    return measure


def _registered_share(c: m.Centre) -> list[Measure]:
    sf = figures.staff_figures(c)
    if sf.full_time == 0:
        return [Measure(None, _staff_pos(c), note="没有全职工作人员")]
    return [
        Measure(
            Decimal(sf.registered_social_workers) / Decimal(sf.full_time),
            _staff_pos(c),
            parts=(Decimal(sf.registered_social_workers), Decimal(sf.full_time)),
        )
    ]


def _satisfaction(c: m.Centre) -> list[Measure]:
    out = []
    for ev in c.evaluations:
        s = ev.satisfaction
        out.append(
            Measure(
                Decimal(s.satisfied) / Decimal(s.sample),
                s.pos("satisfied"),
                period=f"{ev.year}年",
                year=ev.year,
                parts=(Decimal(s.satisfied), Decimal(s.sample)),
            )
        )
    return out


def _social_orgs(key: str) -> Callable[[m.Centre], list[Measure]]:
    def measure(c: m.Centre) -> list[Measure]:
        if key not in c.social_organisations:
            return [Measure(None, c.src, note="centre.yaml 中没有填写 social_organisations")]
        return [Measure(int(c.social_organisations[key]), c.pos("social_organisations"))]

    return measure


def _volunteers(field_name: str) -> Callable[[m.Centre], list[Measure]]:
    def measure(c: m.Centre) -> list[Measure]:
        return [Measure(getattr(c.volunteers, field_name), c.volunteers.pos(field_name))]

    return measure


def _platform_12349(c: m.Centre) -> list[Measure]:
    cover = c.services.platform_12349
    if cover is None:
        note = "centre.yaml 的 services 中没有填写 platform_12349（应覆盖人数 eligible、已覆盖人数 covered）"
        return [Measure(None, c.services.src, note=note)]
    if cover.eligible == 0:
        return [Measure(None, cover.pos("eligible"), note="应覆盖人数为 0")]
    if cover.covered > cover.eligible:
        note = f"已覆盖人数 {cover.covered} 多于应覆盖人数 {cover.eligible}，请核对"
        return [Measure(None, cover.pos("covered"), note=note)]
    return [
        Measure(
            Decimal(cover.covered) / Decimal(cover.eligible),
            cover.pos("covered"),
            parts=(Decimal(cover.covered), Decimal(cover.eligible)),
        )
    ]


def _no_data(what: str) -> Callable[[m.Centre], list[Measure]]:
    def measure(c: m.Centre) -> list[Measure]:
        return [Measure(None, c.src, note=f"记录中没有{what}的数据")]

    return measure


# Every metric a ``compare`` rule (or a score-table line) may name. docs/checks.md
# lists them; a test checks that every metric used by content/rules/*.yaml is here.
METRICS: dict[str, Metric] = {
    "floor_area_m2": Metric(
        "室内场地总面积",
        "quantity",
        lambda c: [Measure(c.floor_area, c.pos("floor_area"))],
        "平方米",
    ),
    "full_time_staff": Metric(
        "全职工作人员人数", "count", _staff_count(lambda s: s.full_time), "人"
    ),
    "part_time_staff": Metric(
        "兼职工作人员人数", "count", _staff_count(lambda s: not s.full_time), "人"
    ),
    "registered_social_workers": Metric(
        "注册社工人数（全职、助理社工师及以上、已注册）",
        "count",
        _staff_count(lambda s: s.full_time and _professional(s)),
        "人",
    ),
    "certified_social_workers": Metric(
        "持证社会工作者人数", "count", _staff_count(lambda s: s.certified), "人"
    ),
    "full_time_certified_social_workers": Metric(
        "全职持证社会工作者人数", "count", _staff_count(lambda s: s.full_time and s.certified), "人"
    ),
    "assistant_or_above_social_workers": Metric(
        "助理社会工作师及以上职称人数", "count", _staff_count(lambda s: s.certified), "人"
    ),
    "intermediate_or_above_social_workers": Metric(
        "中级（社工师）及以上证书人数",
        "count",
        _staff_count(lambda s: s.qualification in ("社工师", "高级社工师")),
        "人",
    ),
    "junior_social_workers": Metric(
        "初级（助理社工师）证书人数",
        "count",
        _staff_count(lambda s: s.qualification == "助理社工师"),
        "人",
    ),
    "full_time_auxiliary_staff": Metric(
        "专业人才以外的全职人员人数",
        "count",
        _staff_count(lambda s: s.full_time and not s.certified),
        "人",
    ),
    "registered_social_worker_share": Metric(
        "注册社工占全职工作人员的比例",
        "ratio",
        _registered_share,
        base="全职工作人员人数",
    ),
    "head_is_social_worker": Metric(
        "中心负责人由专业社会工作者担任",
        "bool",
        _head,
        true_text="中心负责人是专业社会工作者（助理社工师及以上并已注册）",
        false_text="中心负责人不是专业社会工作者（须已获助理社工师及以上资格并已注册）",
    ),
    "project_heads_are_social_workers": Metric(
        "项目（部门）负责人由专业社会工作者担任",
        "bool",
        _project_heads,
        true_text="各项目（部门）负责人都是专业社会工作者（没有设项目负责人时视为符合）",
        false_text="项目（部门）负责人中有人不是专业社会工作者",
    ),
    "min_training_hours_certified": Metric(
        "持证社会工作者年度培训学时（最少者）", "quantity", _training("min"), "学时"
    ),
    "avg_training_hours": Metric("工作人员年度平均培训学时", "quantity", _training("avg"), "学时"),
    "registered_volunteers": Metric("在册志愿者人数", "count", _volunteers("registered"), "人"),
    "volunteer_hours": Metric("累计志愿服务时数", "quantity", _volunteers("service_hours"), "小时"),
    "satisfaction_rate": Metric(
        EVALUATION_LABELS["satisfaction"], "ratio", _satisfaction, base="满意度调查样本数"
    ),
    "annual_budget_yuan": Metric(
        "年度运营经费",
        "quantity",
        lambda c: [Measure(c.contract.annual_budget, c.contract.pos("annual_budget"))],
        "元",
    ),
    "social_organisations_introduced": Metric(
        "引进的专业社会组织数", "count", _social_orgs("introduced"), "家"
    ),
    "social_organisations_fostered": Metric(
        "培育备案或注册的社区社会组织数", "count", _social_orgs("fostered"), "家"
    ),
    "platform_12349_coverage": Metric(
        "“12349”平台对重点人群的覆盖率", "ratio", _platform_12349, base="应覆盖的重点人群人数"
    ),
    "professional_cases_and_groups": Metric(
        "开展的专项社会工作个案和小组数", "count", _no_data("专项社会工作个案和小组"), "个"
    ),
    "consultations_held": Metric("开展的民主协商次数", "count", _no_data("民主协商"), "次"),
}

# Conditions a rule may carry (``condition: {id, text}``) that the records can decide.
CONDITIONS: dict[str, Callable[[m.Centre], bool]] = {
    # 统一社会信用代码 starting with 5 = registered by 民政 as a social organisation (GB 32100)
    "operated-by-social-organisation": lambda c: c.operator.credit_code.startswith("5"),
}


def value_text(metric: Metric, value: Any) -> str:
    if metric.kind == "bool":
        return metric.true_text if value else metric.false_text
    if metric.kind == "ratio":
        return fmt.percent(value)
    return f"{fmt.num(value)} {metric.unit}" if metric.unit else fmt.num(value)


def threshold_text(metric: Metric, threshold: Any, unit: str | None = None) -> str:
    if metric.kind == "ratio":
        return fmt.limit_percent(threshold)
    unit = unit or metric.unit
    return f"{fmt.num(threshold)} {unit}" if unit else fmt.num(threshold)


def parse_threshold(metric: Metric, raw: Any) -> Any:
    if metric.kind == "bool":
        return str(raw).lower() == "true"
    return Decimal(str(raw))


@dataclass(frozen=True)
class Params(RuleParams):
    metric: str = param(Choice(*METRICS), required=True)
    op: str = param(Op(), required=True)
    threshold: str = param(Text(), required=True)  # a number, or true/false for yes-no metrics
    unit: str | None = param(Text())  # overrides the metric's own unit in messages
    condition: dict | None = param(Data(dict))  # {id, text}: when the rule applies
    # what the clause lists for readers of the manuals (spending items)
    expenditure_items: tuple[str, ...] = param(ListOf(Text()), ())

    @property
    def limit(self) -> Any:
        """The threshold as the metric compares it: a Decimal, or a bool for yes-no metrics."""
        return parse_threshold(METRICS[self.metric], self.threshold)

    def problems(self):
        if METRICS[self.metric].kind == "bool":
            if self.threshold.lower() not in ("true", "false"):
                yield "threshold", f"应为 true 或 false，这里是“{self.threshold}”"
        else:
            try:
                Decimal(self.threshold)
            except InvalidOperation:
                yield "threshold", f"应为数字，这里是“{self.threshold}”"
        if self.condition is not None and str(self.condition.get("id")) not in CONDITIONS:
            known = "、".join(CONDITIONS)
            yield "condition", f"的 id 应为 {known} 之一，这里是“{self.condition.get('id')}”"


def check(ctx: CheckContext) -> Iterator[Finding]:
    """Compare the metric's value(s) with the rule's threshold."""
    p: Params = ctx.params
    metric = METRICS[p.metric]
    condition = p.condition
    applies = CONDITIONS.get(condition.get("id")) if isinstance(condition, dict) else None
    if applies is not None and not applies(ctx.centre):
        text = condition.get("text") or condition["id"]
        yield Finding(NOT_APPLICABLE, f"本规则只适用于：{text}", pos=ctx.centre.src)
        return
    op, threshold, unit = p.op, p.limit, p.unit
    t_text = threshold_text(metric, threshold, unit)
    measures = metric.measure(ctx.centre)
    if not measures:
        yield Finding(
            NO_DATA, f"记录中还没有{metric.label}的数据", pos=ctx.centre.src, threshold=threshold
        )
        return
    for ms in measures:
        prefix = f"{ms.period}" if ms.period else ""
        if ms.value is None:
            reason = f"不能从记录核对：{ms.note}" if ms.note else "无法从记录得出，未检查"
            yield Finding(
                NO_DATA,
                f"{prefix}{metric.label}{reason}",
                pos=ms.pos,
                period=ms.period,
                year=ms.year,
                threshold=threshold,
            )
            continue
        if ms.parts is not None:
            ok = ratio_holds(ms.parts[0], ms.parts[1], op, threshold)
            shown = fmt.percent_against(ms.value, threshold)
        else:
            ok = op_holds(ms.value, op, threshold)
            shown = value_text(metric, ms.value)
        measured: dict[str, Any] = {"value": ms.value}
        if ms.parts is not None:
            measured.update(numerator=ms.parts[0], denominator=ms.parts[1], percent=shown)
        if metric.kind == "bool":
            note = f"（{ms.note}）" if ms.note and not ok else ""
            msg = f"{prefix}{shown}{note}"
        elif ok:
            msg = f"{prefix}{metric.label}为 {shown}，符合“{OP_TEXT.get(op, op)} {t_text}”"
        else:
            msg = f"{prefix}{metric.label}为 {shown}，{FAIL_TEXT[op]} {t_text}"
        yield Finding(
            PASS if ok else FAIL,
            msg,
            pos=ms.pos,
            period=ms.period,
            year=ms.year,
            measured=measured,
            threshold=threshold,
            base=metric.base,
        )
