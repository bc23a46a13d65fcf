"""Check ``evaluation-schedule``: the evaluations the text schedules are on record.

《杭州高新区（滨江）社区美好生活共同体运营与管理规范》7.1.2 “应以年度为单位委托第三方评估机构……进行中期和
终期评估”; 7.2.1 quarterly monitoring; 《惠城区社区综合服务中心示范点建设运营实施方案》四(四)(五)
year-end and expiry evaluations. The duty lies with the purchaser, so packs give it
severity ``info``: a reminder, never a failed exit code. Each pack entry has ``every``:

- ``year``: every year with records that has ended needs evaluations/YYYY.yaml (one record a
  year stands for the year's evaluations);
- ``contract-end``: once the contract has ended, the year it ended in needs an evaluation;
- ``quarter``: quarterly monitoring is not in the records → ``no-data``.

Passing: records for 2025 and evaluations/2025.yaml.
Failing: records for 2025 and no evaluations/2025.yaml (checked in 2026) → “没有 2025 年度的
评估记录（年度终期评估）”, at the missing file's path.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass

from generator.figures import finance as figures
from generator.packs.params import Rows, RuleParams, Text, param
from generator.problems import Position
from generator.rules.base import FAIL, NO_DATA, NOT_APPLICABLE, PASS, CheckContext, Finding


@dataclass(frozen=True)
class Params(RuleParams):
    evaluations: tuple[dict, ...] = param(Rows(required=("id", "every")), required=True)
    use: str | None = param(Text())  # what the results are used for, as the clause says


def check(ctx: CheckContext) -> Iterator[Finding]:
    """One finding per scheduled evaluation and year."""
    c = ctx.centre
    done = {e.year: e for e in c.evaluations}
    years = [y for y in figures.years_of(c) if dt.date(y, 12, 31) < ctx.today]
    for item in ctx.params.evaluations:
        name = str(item.get("name") or item.get("id"))
        every = str(item.get("every"))
        if every == "year":
            for y in years:
                if y in done:
                    yield Finding(
                        PASS,
                        f"已有 {y} 年度的评估记录（{name}）",
                        pos=done[y].src,
                        period=f"{y}年",
                        year=y,
                    )
                else:
                    pos = Position(ctx.file(f"evaluations/{y}.yaml"))
                    yield Finding(
                        FAIL, f"没有 {y} 年度的评估记录（{name}）", pos=pos, period=f"{y}年", year=y
                    )
        elif every == "contract-end":
            end = c.contract.end
            if end >= ctx.today:
                yield Finding(
                    NOT_APPLICABLE, f"合同于 {end} 到期，{name}尚未到期", pos=c.contract.pos("end")
                )
            elif end.year in done:
                yield Finding(
                    PASS,
                    f"已有合同到期年度（{end.year}）的评估记录（{name}）",
                    pos=done[end.year].src,
                )
            else:
                pos = Position(ctx.file(f"evaluations/{end.year}.yaml"))
                yield Finding(
                    FAIL, f"合同已于 {end} 到期，没有{name}的记录", pos=pos, year=end.year
                )
        else:
            yield Finding(NO_DATA, f"{name}没有登记在记录中，未检查", pos=c.src)
