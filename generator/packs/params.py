"""Typed rule parameters: what each check kind accepts, declared once beside the check.

A check module declares its parameters as a frozen dataclass whose fields are made with
:func:`param` (the kind of value, whether it is required, its default), much as yamllint
declares a rule's ``CONF`` and ``DEFAULT``. When a pack loads, :func:`parse_params` turns the
rule's raw YAML values into that dataclass: an unknown (or misspelt) parameter, a missing
required one and a value of the wrong kind are each a Problem at the pack's file, line and
column, in Chinese, like a problem in a record. Every consumer (the check, scoring, the due
dates, the manuals, the pages and postings) reads the typed fields, so each default is
written here once.

Raw values arrive as plain text, lists and mappings (numbers stay text, ``null`` is None).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import difflib
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from generator.problems import Position, Problem

OPERATORS = (">=", "<=", ">", "<", "==")
SEVERITIES = ("error", "warning", "info")


class ParamError(ValueError):
    """A raw value that is not of the declared kind; the message says what was expected."""


class Kind:
    """A kind of parameter value: ``expect`` is what a message says was expected."""

    expect = "值"

    def parse(self, raw: Any) -> Any:  # pragma: no cover - every kind overrides it
        raise NotImplementedError


def _scalar(raw: Any, expect: str) -> str:
    if isinstance(raw, (list, dict)):
        raise ParamError(f"应为{expect}，这里是{'列表' if isinstance(raw, list) else '映射'}")
    return str(raw).strip()


class Text(Kind):
    expect = "一段文字"

    def parse(self, raw: Any) -> str:
        return _scalar(raw, self.expect)


class Dec(Kind):
    """An exact number (Decimal), optionally within bounds."""

    def __init__(self, low: Decimal | int | None = None, high: Decimal | int | None = None):
        self.low = None if low is None else Decimal(low)
        self.high = None if high is None else Decimal(high)
        self.expect = "数字（如 0.80、30）"

    def parse(self, raw: Any) -> Decimal:
        text = _scalar(raw, self.expect)
        try:
            value = Decimal(text)
        except InvalidOperation:
            raise ParamError(f"应为数字（如 0.80、30），这里是“{text}”") from None
        if not value.is_finite():
            raise ParamError(f"应为数字（如 0.80、30），这里是“{text}”")
        if self.low is not None and value < self.low:
            raise ParamError(f"应不小于 {self.low}，这里是 {text}")
        if self.high is not None and value > self.high:
            raise ParamError(f"应不大于 {self.high}，这里是 {text}")
        return value


class Int(Kind):
    """A whole number, optionally with a lower bound."""

    def __init__(self, low: int | None = 0):
        self.low = low
        self.expect = "整数（如 30）"

    def parse(self, raw: Any) -> int:
        text = _scalar(raw, self.expect)
        sign, digits = (text[0], text[1:]) if text[:1] in "+-" else ("", text)
        if not digits.isascii() or not digits.isdigit():
            raise ParamError(f"应为整数（如 30），这里是“{text}”")
        value = int(sign + digits)
        if self.low is not None and value < self.low:
            raise ParamError(f"应不小于 {self.low}，这里是 {text}")
        return value


class Flag(Kind):
    expect = "true 或 false"

    def parse(self, raw: Any) -> bool:
        text = _scalar(raw, self.expect).lower()
        if text not in ("true", "false"):
            raise ParamError(f"应为 true 或 false，这里是“{text}”")
        return text == "true"


class Choice(Kind):
    def __init__(self, *options: str):
        self.options = options
        self.expect = "、".join(options) + " 之一"

    def parse(self, raw: Any) -> str:
        text = _scalar(raw, self.expect)
        if text not in self.options:
            raise ParamError(f"应为 {'、'.join(self.options)} 之一，这里是“{text}”")
        return text


class Op(Choice):
    """A comparison operator as packs write it (the wording of the clause decides it)."""

    def __init__(self) -> None:
        super().__init__(*OPERATORS)


class Severity(Choice):
    def __init__(self) -> None:
        super().__init__(*SEVERITIES)


class MonthDay(Kind):
    """A day of the year as MM-DD (not 02-29), e.g. 04-30."""

    expect = "月-日（如 04-30）"

    def parse(self, raw: Any) -> tuple[int, int]:
        text = _scalar(raw, self.expect)
        try:
            mm, dd = (int(x) for x in text.split("-"))
            dt.date(2001, mm, dd)
        except ValueError:
            raise ParamError(f"应为月-日（如 04-30），这里是“{text}”") from None
        return mm, dd


class ListOf(Kind):
    """A list whose every item is of ``item``'s kind (a single value is not a list)."""

    def __init__(self, item: Kind):
        self.item = item
        self.expect = f"列表（每项为{item.expect}）"

    def parse(self, raw: Any) -> tuple:
        if not isinstance(raw, list):
            raise ParamError(f"应为列表（每项为{self.item.expect}）")
        out = []
        for i, value in enumerate(raw, 1):
            try:
                out.append(self.item.parse(value))
            except ParamError as exc:
                raise ParamError(f"第 {i} 项{exc}") from None
        return tuple(out)


class MapOf(Kind):
    """A mapping from text keys to values of ``value``'s kind."""

    def __init__(self, value: Kind, keys: Kind | None = None):
        self.value, self.keys = value, keys
        self.expect = f"映射（每个值为{value.expect}）"

    def parse(self, raw: Any) -> dict:
        if not isinstance(raw, dict):
            raise ParamError(f"应为映射（每个值为{self.value.expect}）")
        out = {}
        for key, value in raw.items():
            try:
                k = self.keys.parse(key) if self.keys else str(key)
                out[k] = self.value.parse(value)
            except ParamError as exc:
                raise ParamError(f"{key}：{exc}") from None
        return out


class Rows(Kind):
    """A list of mappings, each with the ``required`` keys (and no keys outside ``known``
    when it is given). Values stay as the pack wrote them; the check reads them."""

    def __init__(self, required: Iterable[str] = (), known: Iterable[str] | None = None):
        self.required = tuple(required)
        self.known = None if known is None else set(known) | set(self.required)
        self.expect = "列表（每项为映射）"

    def parse(self, raw: Any) -> tuple[dict, ...]:
        if not isinstance(raw, list):
            raise ParamError("应为列表（每项为映射）")
        for i, row in enumerate(raw, 1):
            if not isinstance(row, dict):
                raise ParamError(f"第 {i} 项应为映射")
            missing = [k for k in self.required if row.get(k) in (None, "")]
            if missing:
                raise ParamError(f"第 {i} 项缺少 {'、'.join(missing)}")
            if self.known is not None:
                extra = sorted(set(row) - self.known)
                if extra:
                    raise ParamError(f"第 {i} 项有未知的键 {'、'.join(extra)}")
        return tuple(raw)


class Data(Kind):
    """Structured text the check or a manual reads as it is (a mapping or a list)."""

    def __init__(self, shape: type = dict):
        self.shape = shape
        self.expect = "映射" if shape is dict else "列表"

    def parse(self, raw: Any) -> Any:
        if not isinstance(raw, self.shape):
            raise ParamError(f"应为{self.expect}")
        return raw


def param(kind: Kind, default: Any = None, *, required: bool = False) -> Any:
    """A parameter field: its kind, its default (written here once) and whether it is required."""
    return field(default=default, metadata={"kind": kind, "required": required})


@dataclass(frozen=True)
class RuleParams:
    """Parameters every rule may have. Check kinds subclass this with their own fields."""

    title: str | None = param(Text())

    def problems(self) -> Iterable[tuple[str, ...]]:
        """Cross-field checks: (parameter name, Chinese message[, problem code]) for each."""
        return ()

    def to_dict(self) -> dict[str, Any]:
        """The parameters as plain values, for the JSON report and docs."""
        return {f.name: getattr(self, f.name) for f in dataclasses.fields(self)}


def declared(cls: type[RuleParams]) -> dict[str, dataclasses.Field]:
    return {f.name: f for f in dataclasses.fields(cls)}


def _suggest(name: str, known: Iterable[str]) -> str:
    close = difflib.get_close_matches(name, list(known), n=1, cutoff=0.6)
    return f"，是否应为 {close[0]}？" if close else ""


def parse_params(
    cls: type[RuleParams],
    raw: Mapping[str, Any],
    where: Callable[[str], Position],
    rule_id: str,
    check: str,
) -> tuple[RuleParams | None, list[Problem]]:
    """Turn a rule's raw parameters into ``cls``; problems at the position of each value.

    ``where(name)`` is the position of a parameter's value (or of the rule when absent).
    """
    fields = declared(cls)
    problems: list[Problem] = []
    values: dict[str, Any] = {}
    wrong: set[str] = set()
    for name, value in raw.items():
        f = fields.get(name)
        if f is None:
            known = "、".join(sorted(fields))
            problems.append(
                Problem.at(
                    where(name),
                    "unknown-rule-param",
                    f"规则 {rule_id}（{check}）没有参数 {name}{_suggest(name, fields)}"
                    f"；可用的参数：{known}",
                )
            )
            continue
        if value is None:
            continue
        try:
            values[name] = f.metadata["kind"].parse(value)
        except ParamError as exc:
            wrong.add(name)
            problems.append(
                Problem.at(where(name), "wrong-rule-param", f"规则 {rule_id} 的参数 {name}：{exc}")
            )
    for name, f in fields.items():
        if f.metadata.get("required") and name not in values and name not in wrong:
            problems.append(
                Problem.at(
                    where(name),
                    "missing-rule-param",
                    f"规则 {rule_id}（{check}）缺少参数 {name}（{f.metadata['kind'].expect}）",
                )
            )
    if problems:
        return None, problems
    params = cls(**values)
    for name, message, *code in params.problems():
        problems.append(
            Problem.at(
                where(name),
                code[0] if code else "wrong-rule-param",
                f"规则 {rule_id} 的参数 {name}：{message}"
                if not code
                else f"规则 {rule_id}（{check}）{message}",
            )
        )
    return (None, problems) if problems else (params, [])
