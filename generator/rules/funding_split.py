"""Check ``funding-split``: each funder the text names gives at least its share.

《惠城区社区综合服务中心示范点建设运营实施方案》五(三) “投入运营费用40万元,其中市级财政安排30万元,区财政安排
10万元”. The pack lists ``funders`` (``funder``: the name as the text writes it; ``amount_yuan``;
``names``: the words a funder's name in centre.yaml may contain to count as it, default the
``funder`` itself) and ``op`` (安排 → ``>=``). centre.yaml's ``contract.funders`` gives each
funder's yearly amount; the funders a row names are summed, and a recorded funder counts for
one row only (the first that names it).

Passing: ``funders: [{name: 市级财政, amount: 300000}, {name: 区财政, amount: 100000}]``.
Failing: ``{name: 市级财政, amount: 350000}, {name: 区财政, amount: 50000}`` → “区财政 安排
50,000.00 元，低于下限 100,000.00 元”, at that funder's line (the total of 40万 still passes the
``annual-budget`` rule).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from generator.packs.params import Op, Rows, RuleParams, param
from generator.rules.base import (
    FAIL,
    FAIL_TEXT,
    NO_DATA,
    OP_TEXT,
    PASS,
    CheckContext,
    Finding,
    op_holds,
)
from generator.text import formats as fmt


@dataclass(frozen=True)
class Params(RuleParams):
    funders: tuple[dict, ...] = param(
        Rows(required=("funder", "amount_yuan"), known=("names",)), required=True
    )
    op: str = param(Op(), ">=")

    def problems(self):
        for i, row in enumerate(self.funders, 1):
            try:
                Decimal(str(row["amount_yuan"]))
            except InvalidOperation:
                yield "funders", f"第 {i} 项的 amount_yuan 应为数字，这里是“{row['amount_yuan']}”"
            names = row.get("names")
            if names is not None and not (
                isinstance(names, list) and all(isinstance(n, str) and n for n in names)
            ):
                yield "funders", f"第 {i} 项的 names 应为文字列表"


def names_of(row: dict) -> list[str]:
    """The words a recorded funder's name may contain to count as this row."""
    return list(row.get("names") or [str(row["funder"])])


def check(ctx: CheckContext) -> Iterator[Finding]:
    """One finding per funder the pack names."""
    contract = ctx.centre.contract
    p: Params = ctx.params
    if not contract.funders:
        named = "、".join(str(r["funder"]) for r in p.funders)
        msg = f"合同没有填写出资方及金额（contract.funders），无法核对{named}各自安排的经费"
        yield Finding(NO_DATA, msg, pos=contract.pos("annual_budget"))
        return
    used: set[int] = set()
    for row in p.funders:
        label = str(row["funder"])
        limit = Decimal(str(row["amount_yuan"]))
        words = names_of(row)
        mine = [
            (i, f)
            for i, f in enumerate(contract.funders)
            if i not in used and any(w in f.name for w in words)
        ]
        used.update(i for i, _ in mine)
        amount = sum((f.amount for _, f in mine), Decimal(0))
        ok = op_holds(amount, p.op, limit)
        limit_text = f"{fmt.yuan(limit)} 元"
        if not mine:
            msg = f"出资方中没有{label}（名称含“{'”或“'.join(words)}”），应安排 {limit_text}"
            pos = contract.pos("funders")
        else:
            who = "、".join(f.name for _, f in mine)
            said = f"{label} 安排 {fmt.yuan(amount)} 元" + (f"（{who}）" if who != label else "")
            wording = (
                f"符合“{OP_TEXT.get(p.op, p.op)} {limit_text}”"
                if ok
                else (f"{FAIL_TEXT[p.op]} {limit_text}")
            )
            msg = f"{said}，{wording}"
            pos = mine[0][1].pos("amount")
        yield Finding(
            PASS if ok else FAIL,
            msg,
            pos=pos,
            measured={"funder": label, "amount": amount},
            threshold=limit,
        )
