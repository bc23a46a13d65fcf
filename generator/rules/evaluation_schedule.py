"""Check ``evaluation-schedule``: the evaluations the text schedules are on record.

《杭州高新区（滨江）社区美好生活共同体运营与管理规范》7.1.2 “应以年度为单位委托第三方评估机构……进行中期和
终期评估”; 7.2.1 quarterly monitoring; 《惠城区社区综合服务中心示范点建设运营实施方案》四(四)(五)
year-end and expiry evaluations, the expiry one “在合同期满前半个月”. The duty lies with the
purchaser, so packs give it severity ``info``: a reminder, never a failed exit code. Each pack
entry has ``every`` and, optionally, ``kind``: the evaluation it needs (年终考核, 中期评估, 终期评估
or 期满评估, as an evaluation record's ``kind`` or ``other_evaluations`` name it):

- ``year``: every year with records that has ended needs evaluations/YYYY.yaml; with ``kind``
  the year's record must show an evaluation of that kind (the record itself or one of its
  ``other_evaluations``), so mid-term and final are checked apart. A record that names no
  kind at all cannot tell them apart: ``no-data``, saying so;
- ``contract-end``: the evaluation of ``kind`` (any of the contract's last year without a
  kind) is due by the contract's end, less ``days_before_contract_end`` (四(五) 期满前半个月 → 15):
  before that day nothing is due; after it, an evaluation on or before that day passes, a
  later one or none fails;
- ``quarter``: quarterly monitoring is not in the records → ``no-data``.

A failing finding ends with what the results are used for (the pack's ``use``, quoting the
clause), so a reader sees why the missing evaluation matters.

Passing: records for 2025 and evaluations/2025.yaml with ``kind: 终期评估`` and
``other_evaluations: [{kind: 中期评估, date: 2025-07-10}]``.
Failing: the same without the mid-term one → “2025 年度没有中期评估的记录（年度中期评估）……”;
Huizhou's contract ending 2026-12-31 with ``kind: 期满评估`` dated 2026-12-20 → “期满评估验收于
2026年12月20日进行，晚于合同结束日前 15 日（2026年12月16日）”.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass

from generator import model as m
from generator.figures import finance as figures
from generator.packs.params import ParamError, Rows, RuleParams, Text, param
from generator.problems import Position
from generator.rules.base import FAIL, NO_DATA, NOT_APPLICABLE, PASS, CheckContext, Finding
from generator.text import formats as fmt

ROW_KEYS = ("id", "every", "name", "kind", "days_before_contract_end", "by", "clause", "quote")
EVERY = ("year", "contract-end", "quarter")


@dataclass(frozen=True)
class Params(RuleParams):
    evaluations: tuple[dict, ...] = param(
        Rows(required=("id", "every"), known=ROW_KEYS), required=True
    )
    use: str | None = param(Text())  # what the results are used for, as the clause says

    def problems(self):
        for i, row in enumerate(self.evaluations, 1):
            if str(row.get("every")) not in EVERY:
                yield "evaluations", f"第 {i} 项的 every 应为 {'、'.join(EVERY)} 之一"
            kind = row.get("kind")
            if kind is not None and str(kind) not in m.EVALUATION_KINDS:
                kinds = "、".join(m.EVALUATION_KINDS)
                yield "evaluations", f"第 {i} 项的 kind 应为 {kinds} 之一，这里是“{kind}”"
            days = row.get("days_before_contract_end")
            if days is not None:
                try:
                    days_before(row)
                except ParamError as exc:
                    yield "evaluations", f"第 {i} 项的 days_before_contract_end {exc}"


def days_before(row: dict) -> int:
    """The entry's ``days_before_contract_end`` (0 when absent)."""
    raw = str(row.get("days_before_contract_end") or "0").strip()
    if not raw.isascii() or not raw.isdigit():
        raise ParamError(f"应为整数（如 15），这里是“{raw}”")
    return int(raw)


def check(ctx: CheckContext) -> Iterator[Finding]:
    """One finding per scheduled evaluation and year."""
    c = ctx.centre
    done = {e.year: e for e in c.evaluations}
    years = [y for y in figures.years_of(c) if dt.date(y, 12, 31) < ctx.today]
    use = f"；{ctx.params.use}" if ctx.params.use else ""
    for item in ctx.params.evaluations:
        name = str(item.get("name") or item.get("id"))
        every = str(item.get("every"))
        kind = str(item["kind"]) if item.get("kind") else None
        if every == "year":
            for y in years:
                yield _year(ctx, done.get(y), y, name, kind, use)
        elif every == "contract-end":
            yield _contract_end(ctx, name, kind, days_before(item), use)
        else:
            yield Finding(NO_DATA, f"{name}没有登记在记录中，未检查", pos=c.src)


def _year(
    ctx: CheckContext, ev: m.Evaluation | None, y: int, name: str, kind: str | None, use: str
) -> Finding:
    period = f"{y}年"
    if ev is None:
        pos = Position(ctx.file(f"evaluations/{y}.yaml"))
        return Finding(
            FAIL, f"没有 {y} 年度的评估记录（{name}）{use}", pos=pos, period=period, year=y
        )
    if kind is None:
        return Finding(
            PASS, f"已有 {y} 年度的评估记录（{name}）", pos=ev.src, period=period, year=y
        )
    rounds = ev.rounds()
    found = [r for r in rounds if r[0] == kind]
    if found:
        _, day, pos = found[0]
        msg = f"已有 {y} 年度的{kind}记录（{name}，{fmt.date_text(day)}）"
        return Finding(PASS, msg, pos=pos, period=period, year=y, measured={"date": day})
    if not rounds:
        msg = f"{y} 年度的评估记录没有写明是哪一次评估（kind），无法核对是否进行了{kind}（{name}）"
        return Finding(NO_DATA, msg, pos=ev.src, period=period, year=y)
    shown = "、".join(r[0] for r in rounds)
    msg = f"{y} 年度没有{kind}的记录（{name}；记录中只有{shown}）{use}"
    return Finding(FAIL, msg, pos=ev.src, period=period, year=y)


def _contract_end(ctx: CheckContext, name: str, kind: str | None, days: int, use: str) -> Finding:
    c = ctx.centre
    end = c.contract.end
    due = end - dt.timedelta(days=days)
    due_text = (
        f"合同结束日前 {days} 日（{fmt.date_text(due)}）"
        if days
        else f"合同结束（{fmt.date_text(end)}）"
    )
    threshold = {"due": due, "days_before_contract_end": days}
    if kind is None:  # any evaluation of the contract's last year
        rounds = [
            ("评估", ev.date, ev.src)
            for ev in c.evaluations
            if ev.year == end.year and c.contract.start <= ev.date <= end
        ]
    else:
        rounds = [
            (k, day, pos)
            for ev in c.evaluations
            for k, day, pos in ev.rounds()
            if k == kind and c.contract.start <= day <= end
        ]
    what = kind or "评估"
    if rounds:
        _, day, pos = min(rounds, key=lambda r: r[1])
        measured = {"date": day}
        if day <= due:
            msg = f"{what}于 {fmt.date_text(day)} 进行，不晚于{due_text}（{name}）"
            return Finding(
                PASS, msg, pos=pos, year=end.year, measured=measured, threshold=threshold
            )
        msg = f"{what}于 {fmt.date_text(day)} 进行，晚于{due_text}（{name}）{use}"
        return Finding(FAIL, msg, pos=pos, year=end.year, measured=measured, threshold=threshold)
    if due >= ctx.today:
        msg = f"{name}应不晚于{due_text}进行，尚未到期"
        return Finding(NOT_APPLICABLE, msg, pos=c.contract.pos("end"), threshold=threshold)
    pos = Position(ctx.file(f"evaluations/{end.year}.yaml"))
    msg = f"{name}应不晚于{due_text}进行，记录中没有{what}{use}"
    return Finding(FAIL, msg, pos=pos, year=end.year, threshold=threshold)
