"""Check ``disclosure-deadline``: quarterly finance and the annual audit are published on time.

《深圳市社区（党群）服务中心运营与评估标准》七(三) “每季度动态的财务信息以及年度审计报告应通过网络公告、
现场公示、年报发放等不少于三种形式及时向社会公开”. The text says only 及时; the pack sets the
local deadline (its ``basis`` says why):

- ``disclosure: quarterly-finance``: ``days_after_period`` days after the quarter ends
  (30: 2026-Q3 is due on 2026-10-30, that day included). The figure is ``published`` of
  finance/YYYY-Qn.yaml. Every quarter of the contract up to today is due, from the quarter
  the contract starts in (``calendar.expected_periods``): a quarter with no record, before
  the first recorded one included, is reported as not published once its deadline has passed.
- ``disclosure: annual-audit``: by ``due_month_day`` of the next year (04-30: the 2025 audit
  is due on 2026-04-30). The figure is ``published`` of audits/YYYY.yaml; a year of the
  contract (or with finance records) with no audit file after the deadline is reported.
- standing disclosures (``standing: true``: opening hours on site) and kinds the records do
  not hold (``service-info``) give ``no-data``.

Published late → the pack's ``late_severity``; not published at all → the rule's severity.
A deadline the clause leaves open is the pack's choice: with a ``basis`` it is printed as
“按本地规定：季度结束后 30 日内（依据：…）” (``calendar.deadline_authority``).
The channels (``channels_min``) are not in the records and are not checked.

Passing: finance/2026-Q3.yaml ``published: 2026-10-30``.
Failing: ``published: 2026-10-31`` → “2026年第三季度财务信息于 2026年10月31日公开，晚于期限
2026年10月30日；按本地规定：季度结束后 30 日内（依据：原文只要求“及时”公开……）”.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass

from generator import disclosures
from generator.figures import calendar
from generator.figures import finance as figures
from generator.packs.params import (
    Choice,
    Flag,
    Int,
    ListOf,
    MonthDay,
    RuleParams,
    Severity,
    Text,
    param,
)
from generator.problems import Position
from generator.rules.base import FAIL, NO_DATA, NOT_APPLICABLE, PASS, CheckContext, Finding
from generator.text import formats as fmt

KIND_LABELS = {"opening-hours": "开放时间和服务内容", "service-info": "服务信息"}
DISCLOSURES = ("quarterly-finance", "annual-audit", "monthly-plan", "opening-hours", "service-info")
# the parameter that sets the due date of each dated kind
DEADLINE_PARAMS = {
    "quarterly-finance": "days_after_period",
    "annual-audit": "due_month_day",
    "monthly-plan": "days_before_month",
}


@dataclass(frozen=True)
class Params(RuleParams):
    disclosure: str = param(Choice(*DISCLOSURES), required=True)
    days_after_period: int | None = param(Int(0))  # quarterly-finance
    due_month_day: tuple[int, int] | None = param(MonthDay())  # annual-audit
    days_before_month: int | None = param(Int(0))  # monthly-plan
    late_severity: str | None = param(Severity())  # published, but late
    period: str | None = param(Choice("month", "quarter", "year"))
    standing: bool = param(Flag(), False)  # kept on show (opening hours on site)
    channels_min: int | None = param(Int(1))  # channels are not in the records
    channels_examples: tuple[str, ...] = param(ListOf(Text()), ())

    def problems(self):
        need = DEADLINE_PARAMS.get(self.disclosure)
        if need and getattr(self, need) is None:
            yield need, f"缺少参数 {need}（{self.disclosure} 须写明公开期限）", "missing-rule-param"


def _tail(how: str) -> str:
    """How the due date was set, after the date: ``（季度结束后 30 日内）``, or for a local
    deadline ``；按本地规定：…（依据：…）`` (no brackets inside brackets)."""
    return f"；{how}" if how.startswith("按本地规定") else f"（{how}）"


def _judge(
    ctx: CheckContext,
    what: str,
    published: dt.date | None,
    due: dt.date,
    how: str,
    pos: Position,
    period: str,
    year: int,
) -> Finding:
    """The verdict on one disclosure, by the calendar's state of it on ``ctx.today``."""
    measured = {"published": published, "deadline": due}
    common = {"pos": pos, "period": period, "year": year, "measured": measured, "threshold": due}
    state = calendar.state_on(published, due, ctx.today)
    if published is not None and published > ctx.today:
        msg = (
            f"{what}的公布日期 {fmt.date_text(published)}还没有到，按尚未公开计；"
            f"期限 {fmt.date_text(due)}{_tail(how)}"
        )
        return Finding(FAIL if state == "missing" else NOT_APPLICABLE, msg, **common)
    if state in ("due", "upcoming"):
        return Finding(
            NOT_APPLICABLE, f"{what}尚未公开，期限 {fmt.date_text(due)}{_tail(how)}", **common
        )
    if state == "missing":
        msg = f"{what}没有公开日期（published），期限 {fmt.date_text(due)} 已过{_tail(how)}"
        return Finding(FAIL, msg, **common)
    if state == "published":
        return Finding(
            PASS,
            f"{what}于 {fmt.date_text(published)}公开，不晚于期限 {fmt.date_text(due)}",
            **common,
        )
    return Finding(
        FAIL,
        f"{what}于 {fmt.date_text(published)}公开，晚于期限 {fmt.date_text(due)}{_tail(how)}",
        severity=ctx.params.late_severity,
        **common,
    )


def _missing(ctx: CheckContext, label: str, rel: str, due: dt.date, how: str, **where) -> Finding:
    """A disclosure with no record at all after its due date."""
    msg = f"没有{label}（{rel}），期限 {fmt.date_text(due)} 已过{_tail(how)}"
    return Finding(
        FAIL,
        msg,
        pos=Position(ctx.file(rel)),
        measured={"published": None, "deadline": due},
        threshold=due,
        **where,
    )


def _quarterly(ctx: CheckContext) -> Iterator[Finding]:
    """Every quarter of the contract up to today (and every recorded one): from the contract's
    first quarter, so that quarters before the first record are reported too."""
    how = calendar.deadline_authority(ctx.rule, "finance")
    recorded = {q.key: q for q in ctx.centre.quarters}
    keys = sorted(set(recorded) | set(calendar.expected_periods(ctx.centre, "finance", ctx.today)))
    if not keys:
        yield Finding(NO_DATA, "还没有季度财务记录", pos=ctx.centre.src)
        return
    for key in keys:
        year, quarter = int(key[:4]), int(key[-1])
        due = calendar.due_date(ctx.rule, "finance", key)
        period = f"{year}年{figures.QUARTER_NAMES[quarter]}"
        label = disclosures.period_title("finance", key)
        q = recorded.get(key)
        if q is not None:
            pos = q.pos("published") if q.published else q.src
            yield _judge(ctx, label, q.published, due, how, pos, period, year)
        elif due < ctx.today:
            yield _missing(ctx, label, f"finance/{key}.yaml", due, how, period=period, year=year)
        else:
            msg = f"{label}尚未公开，期限 {fmt.date_text(due)}{_tail(how)}"
            yield Finding(
                NOT_APPLICABLE, msg, pos=ctx.centre.src, period=period, year=year, threshold=due
            )


def _annual_audit(ctx: CheckContext) -> Iterator[Finding]:
    """Every year of the contract up to this one, every year with an audit or finance record."""
    how = calendar.deadline_authority(ctx.rule, "audit")
    audits = {a.year: a for a in ctx.centre.audits}
    expected = {int(y) for y in calendar.expected_periods(ctx.centre, "audit", ctx.today)}
    years = sorted(set(audits) | {q.year for q in ctx.centre.quarters} | expected)
    if not years:
        yield Finding(NO_DATA, "还没有财务或审计记录", pos=ctx.centre.src)
        return
    for year in years:
        due = calendar.due_date(ctx.rule, "audit", str(year))
        label = disclosures.period_title("audit", str(year))
        audit = audits.get(year)
        if audit is not None:
            pos = audit.pos("published") if audit.published else audit.src
            yield _judge(ctx, label, audit.published, due, how, pos, f"{year}年", year)
        elif due < ctx.today:
            yield _missing(
                ctx, label, f"audits/{year}.yaml", due, how, period=f"{year}年", year=year
            )
        else:
            yield Finding(
                NOT_APPLICABLE,
                f"{label}期限 {fmt.date_text(due)} 未到{_tail(how)}",
                pos=ctx.centre.src,
                period=f"{year}年",
                year=year,
                threshold=due,
            )


def check(ctx: CheckContext) -> Iterator[Finding]:
    """Dispatch on the pack's ``disclosure`` kind."""
    kind = ctx.params.disclosure
    if kind == "quarterly-finance":
        yield from _quarterly(ctx)
    elif kind == "annual-audit":
        yield from _annual_audit(ctx)
    else:
        what = KIND_LABELS.get(kind, kind)
        msg = f"{what}的公开情况（公开日期、形式）没有登记在记录中，未检查；请现场核对"
        yield Finding(NO_DATA, msg, pos=ctx.centre.src)
