"""What the centre's rule pack says, in the shape the manuals print it, and whom they cite.

``pack_facts`` reads the pack's rules (their typed parameters, ``rule.params.<name>``) into
printable facts; ``select_citations`` keeps a manual's clauses that belong to a document of
the pack, and ``basis_text`` words the first article's 根据《…》……等有关规定.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from generator.manuals.text import cn_numeral, inner_quotes, percent_text, plain_number, zh_punct
from generator.packs.library import Pack, Rule
from generator.text.labels import EXPENSE_LABELS, OP_WORDS


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
    # why the pack chose ``when`` where the clause leaves the deadline open (它只说“及时”):
    # the manuals then print it as 按本地规定：…（依据：…）, never as the clause's own
    basis: str | None = None


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
        return f"{_in_principle(rule)}{subject}{OP_WORDS.get(op, op)}{percent_text(threshold)}"
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
                OP_WORDS[r.params.op],
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
        basis = zh_punct(str(r.basis)) if r.basis and not p.standing else None
        disclosures.append(DisclosureRule(what, when, cmin, examples, r.citation, basis))
    plan = next(iter(pack.by_check("plan-published")), None)
    plan_notice = None
    if plan is not None:
        days = plan.params.days_before_month
        when = "于上月底前" if days == 0 else f"于当月开始前至少{plain_number(days)}日"
        if plan.basis:
            text = (
                f"每月活动安排提前制定，并告知服务对象；按本地规定：{when}制定"
                f"（依据：{zh_punct(str(plan.basis))}）"
            )
        else:
            text = f"每月活动安排{when}制定，并告知服务对象"
        plan_notice = Requirement(text, plan.citation)
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
            f"社区居民满意率{OP_WORDS[sat_rule.params.op]}{percent_text(sat_rule.params.limit)}",
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
