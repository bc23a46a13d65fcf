"""Check ``veto``: the one-vote vetoes (一票否决) of 八(六).

《深圳市社区（党群）服务中心运营与评估标准》八(六) “一是……查实运营方提取的年度机构管理费超过本标准规定的，
直接评定为C级；二是……经居民大会表决，有超过60%的与会者同意对运营方终止合同的，经报区和市主管部门核实，
可办理终止手续……直接评定为C级”.

``trigger: management-fee-over-limit``: evaluations/YYYY.yaml ``management_fee_over_limit:
true`` (found by the evaluator's audit) → shortfall, grade C. When it is not recorded but the
pack's ``linked_rules`` (fund-management …) fail for that full year, a warning says the
veto may apply, keeping the failing figure's subject (“2026年全年 机构营运管理费占支出的 10.50%，
高于上限 10%：如经……查实，将一票否决，直接评定为C级”).
``trigger: resident-assembly-vote``: ``assembly_vote_share`` compared with ``op``/``threshold``
(超过 → ``>``: exactly 60 % does not trigger; 60.01 % does). With ``requires_verification_by``
the veto takes effect only after that verification, recorded as ``vote_verification: {by:
区民政局、市民政局, on: 2026-11-20}``: with it a share above the threshold is the veto (error,
grade C); without it it is a warning “待区/市核实” naming what is missing, and the grade is not
forced.

Passing: ``assembly_vote_share: 0.60``.
Failing: ``assembly_vote_share: 0.6001`` → “居民大会与会者中同意终止合同的占 60.01%，超过 60%，待区/市核实：
须经报区和市主管部门核实后才一票否决、直接评定为C级；评估记录没有登记区和市主管部门的核实……”
(warning), at that line; with ``vote_verification`` → “……超过 60%，经区民政局、市民政局于 2026年11月20日
核实，一票否决，第三方评估机构不予评估，直接评定为C级” (error).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal

from generator.evaluation import grading
from generator.evaluation.cards import TRIGGERS
from generator.packs.params import Choice, Dec, Flag, ListOf, Op, RuleParams, Text, param
from generator.rules.base import FAIL, NOT_APPLICABLE, PASS, CheckContext, Finding


@dataclass(frozen=True)
class Params(RuleParams):
    trigger: str = param(Choice(*TRIGGERS), required=True)
    result_grade: str | None = param(Text())  # the grade a triggered veto gives
    linked_rules: tuple[str, ...] = param(ListOf(Text()), ())  # rules whose year failures warn
    op: str | None = param(Op())
    threshold: Decimal | None = param(Dec(0, 1))
    vote_base: str | None = param(Choice(*grading.VOTE_BASES))  # what the share is of
    requires_finding_by: str | None = param(Text())
    requires_verification_by: str | None = param(Text())
    no_evaluation: bool = param(Flag(), False)

    def problems(self):
        if self.trigger == "resident-assembly-vote":
            for name in ("op", "threshold"):
                if getattr(self, name) is None:
                    yield name, "缺少（居民大会表决的一票否决须写明比例和比较方式）"


def _linked_year_failures(ctx: CheckContext, year: int) -> list[Finding]:
    out = []
    for rid in ctx.params.linked_rules:
        for f in ctx.findings_of(rid):
            if f.status == FAIL and f.year == year and f.measured.get("period_kind") == "year":
                out.append(f)
    return out


def check(ctx: CheckContext) -> Iterator[Finding]:
    """One finding per evaluation record."""
    if not ctx.centre.evaluations:
        yield Finding(NOT_APPLICABLE, "还没有评估记录", pos=ctx.centre.src)
        return
    trigger = ctx.params.trigger
    for ev in ctx.centre.evaluations:
        veto = next((v for v in grading.vetoes_for(ev, ctx.pack) if v.rule == ctx.rule.id), None)
        period = f"{ev.year}年"
        field_name = (
            "management_fee_over_limit"
            if trigger == "management-fee-over-limit"
            else "assembly_vote_share"
        )
        pos = ev.pos(field_name)
        common = {
            "period": period,
            "year": ev.year,
            "measured": {field_name: getattr(ev, field_name)},
            "threshold": ctx.params.threshold,
        }
        if veto is None:
            continue
        if veto.triggered:
            yield Finding(FAIL, f"{period}度：{veto.message}", pos=pos, **common)
            continue
        if veto.pending:
            yield Finding(
                FAIL, f"{period}度：{veto.message}", pos=pos, severity="warning", **common
            )
            continue
        linked = (
            _linked_year_failures(ctx, ev.year) if trigger == "management-fee-over-limit" else []
        )
        if linked:
            by = ctx.params.requires_finding_by or "第三方评估机构年度抽查"
            grade = ctx.params.result_grade
            msg = f"{_with_subject(linked[0])}：如经{by}查实，将一票否决" + (
                f"，直接评定为{grade}级" if grade else ""
            )
            yield Finding(FAIL, msg, pos=linked[0].pos, severity="warning", **common)
        elif trigger == "resident-assembly-vote" and ev.assembly_vote_share is None:
            yield Finding(NOT_APPLICABLE, f"{period}度：{veto.message}", pos=pos, **common)
        else:
            yield Finding(PASS, f"{period}度：{veto.message}", pos=pos, **common)


def _with_subject(f: Finding) -> str:
    """A linked ratio finding as a sentence that keeps its subject: “2026年全年 机构营运管理费
    占支出的 10.50%，超过上限 10%”."""
    period = f.period or ""
    if period and f.message.startswith(period):
        return f"{period} {f.message[len(period) :]}"
    return f.message
