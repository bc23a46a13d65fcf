"""Declarative shapes of record values: each kind turns a raw node into a typed value.

A kind is called with a raw node and a problem list; it returns the typed value or
``INVALID`` after appending problems with positions. ``Obj`` checks a mapping's keys
(unknown keys get a "did you mean" hint, duplicates and missing keys are problems) and
builds a model object only when everything inside it was valid.
"""

from __future__ import annotations

import datetime as dt
import difflib
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from generator.problems import Position, Problem
from generator.records.load import Raw, RMap, RScalar, RSeq
from generator.text.hidden import hidden_char, show_hidden
from generator.text.personal import is_id_number, mask_numbers, normalise_number


class _Invalid:
    def __repr__(self) -> str:
        return "INVALID"


INVALID: Any = _Invalid()

# Characters that hide or reorder text (generator.text.hidden) and control characters:
# never allowed in records.
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
_FULLWIDTH_DIGITS = re.compile("[０-９．，－]")


def _shape(node: Raw) -> str:
    if isinstance(node, RMap):
        return "一组键值（映射）"
    if isinstance(node, RSeq):
        return "一个列表"
    return "一个值"


def _quote(text: str) -> str:
    # Record text in a message: never raw control or bidirectional characters (a terminal
    # escape sequence in a key or an unchecked value would otherwise reach the terminal), and
    # never a personal number in full (a message may end up in a CI log).
    text = mask_numbers(text)
    shown = show_hidden(text if len(text) <= 40 else text[:40] + "…")
    return '"' + shown.replace("\t", "\\u0009") + '"'


class Kind:
    """Base of all value kinds; ``label`` says in Chinese what is expected."""

    label = "值"

    def __call__(self, node: Raw, out: list[Problem]) -> Any:
        raise NotImplementedError

    def scalar(self, node: Raw, out: list[Problem]) -> RScalar | None:
        """Return the scalar node, or report that a list or mapping was given."""
        if isinstance(node, RScalar):
            return node
        out.append(
            Problem.at(node.pos, "wrong-type", f"这里应填写{self.label}，而不是{_shape(node)}")
        )
        return None


def check_text(node: RScalar, out: list[Problem], multiline: bool = False) -> bool:
    """Refuse control and invisible characters that would hide or reorder text."""
    text = node.text
    control = _CONTROL.search(text)
    bad = hidden_char(text) or (control.group() if control else None)
    if not multiline and ("\n" in text.strip() or "\r" in text):
        out.append(Problem.at(node.pos, "bad-text", "这里只能填写一行文字，不能换行"))
        return False
    if bad:
        name = unicodedata.name(bad, f"U+{ord(bad):04X}")
        msg = f"文字中含有看不见的控制字符（{name}），请删除后重新输入"
        out.append(Problem.at(node.pos, "bad-text", msg))
        return False
    return True


@dataclass
class Str(Kind):
    """One line of text."""

    label: str = "一行文字"
    max_len: int = 200
    pattern: str | None = None
    pattern_hint: str = ""
    multiline: bool = False

    def __call__(self, node: Raw, out: list[Problem]) -> Any:
        s = self.scalar(node, out)
        if s is None:
            return INVALID
        if s.is_null:
            out.append(Problem.at(s.pos, "missing-key", f"这里不能为空，应填写{self.label}"))
            return INVALID
        if not check_text(s, out, self.multiline):
            return INVALID
        text = s.text.strip() if not self.multiline else s.text.rstrip()
        if len(text) > self.max_len:
            msg = f"文字长度 {len(text)} 字，超过上限 {self.max_len} 字"
            out.append(Problem.at(s.pos, "text-too-long", msg))
            return INVALID
        if self.pattern and not re.fullmatch(self.pattern, text):
            out.append(
                Problem.at(s.pos, "bad-id", f"应填写{self.pattern_hint}，这里是 {_quote(text)}")
            )
            return INVALID
        return text


def Text(label: str = "一段文字", max_len: int = 5000) -> Str:
    """Free text that may span lines."""
    return Str(label=label, max_len=max_len, multiline=True)


@dataclass
class Number(Kind):
    """A decimal number read exactly from the text (areas, hours, ratios)."""

    label: str = "数字"
    minimum: Decimal | None = Decimal(0)
    maximum: Decimal | None = None
    places: int | None = None  # at most this many decimal places
    code: str = "not-number"
    integer: bool = False

    def __call__(self, node: Raw, out: list[Problem]) -> Any:
        s = self.scalar(node, out)
        if s is None:
            return INVALID
        text = s.text.strip()
        pattern = r"-?[0-9]+" if self.integer else r"-?[0-9]+(\.[0-9]+)?"
        if s.is_null or not re.fullmatch(pattern, text):
            out.append(
                Problem.at(
                    s.pos, self.code, f"{self.label_msg()}，这里是 {_quote(text)}{_hint(text)}"
                )
            )
            return INVALID
        value = Decimal(text)
        if self.places is not None and "." in text and len(text.split(".")[1]) > self.places:
            most = f"最多 {self.places} 位小数" if self.places else "整数，不能有小数"
            msg = f"{self.label}{most}，这里是 {mask_numbers(text)}"
            out.append(Problem.at(s.pos, self.code, msg))
            return INVALID
        if (self.minimum is not None and value < self.minimum) or (
            self.maximum is not None and value > self.maximum
        ):
            lo = "" if self.minimum is None else f"不小于 {self.minimum}"
            hi = "" if self.maximum is None else f"不大于 {self.maximum}"
            rng = "、".join(x for x in (lo, hi) if x)
            msg = f"{self.label}应{rng}，这里是 {mask_numbers(text)}"
            out.append(Problem.at(s.pos, "out-of-range", msg))
            return INVALID
        return int(value) if self.integer else value

    def label_msg(self) -> str:
        return f"{self.label}应是数字"


def _hint(text: str) -> str:
    if _FULLWIDTH_DIGITS.search(text):
        return "（含有全角数字或符号，请改用半角，例如 1200.50）"
    if "," in text or "，" in text:
        return "（不要使用千位分隔符或逗号）"
    if text.endswith("元") or text.startswith(("¥", "￥")):
        return "（只填数字，不要写“元”或货币符号）"
    if "%" in text:
        return "（请填写小数，例如 0.9 表示 90%）"
    return ""


class Money(Number):
    """Yuan with at most two decimals, read exactly from the text: never a float."""

    def __init__(self, label: str = "金额", allow_negative: bool = False):
        super().__init__(
            label=label,
            minimum=None if allow_negative else Decimal(0),
            places=2,
            code="not-money",
        )

    def label_msg(self) -> str:
        return f"{self.label}必须是以元为单位、最多两位小数的数字"


class Int(Number):
    """A whole number (counts, capacity, attendance)."""

    def __init__(self, label: str = "整数", minimum: int = 0, maximum: int | None = None):
        super().__init__(
            label=label,
            minimum=Decimal(minimum),
            maximum=None if maximum is None else Decimal(maximum),
            code="not-integer",
            integer=True,
        )

    def label_msg(self) -> str:
        return f"{self.label}应是整数"


@dataclass
class Date(Kind):
    """A real calendar date written YYYY-MM-DD."""

    label: str = "日期（格式 YYYY-MM-DD，例如 2026-03-05）"

    def __call__(self, node: Raw, out: list[Problem]) -> Any:
        s = self.scalar(node, out)
        if s is None:
            return INVALID
        text = s.text.strip()
        m = re.fullmatch(r"([0-9]{4})-([0-9]{1,2})-([0-9]{1,2})", text)
        if not m:
            out.append(Problem.at(s.pos, "not-date", f"应填写{self.label}，这里是 {_quote(text)}"))
            return INVALID
        try:
            return dt.date(int(m[1]), int(m[2]), int(m[3]))
        except ValueError:
            out.append(Problem.at(s.pos, "not-date", f"日期 {text} 不存在，请检查月份和日"))
            return INVALID


def parse_time(text: str) -> dt.time | None:
    """Parse HH:MM (24-hour); 24:00 is not allowed."""
    m = re.fullmatch(r"([0-9]{1,2})[:：]([0-9]{2})", text.strip())
    if not m or int(m[1]) > 23 or int(m[2]) > 59:
        return None
    return dt.time(int(m[1]), int(m[2]))


@dataclass
class Time(Kind):
    """A time of day HH:MM."""

    label: str = "时间（24 小时制 HH:MM，例如 14:30）"

    def __call__(self, node: Raw, out: list[Problem]) -> Any:
        s = self.scalar(node, out)
        if s is None:
            return INVALID
        t = parse_time(s.text)
        if t is None:
            out.append(
                Problem.at(s.pos, "not-time", f"应填写{self.label}，这里是 {_quote(s.text)}")
            )
            return INVALID
        return t


_RANGE_SPLIT = re.compile(r"\s*(?:-|–|—|~|～|至|到)\s*")
_NEXT_DAY = "次日"


def parse_end_time(text: str) -> tuple[dt.time, bool] | None:
    """An opening session's end: HH:MM, ``24:00`` (midnight) or ``次日HH:MM`` (the next
    day); returns (time, next_day) with 24:00 as (00:00, True)."""
    text = text.strip()
    marked = text.startswith(_NEXT_DAY)
    text = text.removeprefix(_NEXT_DAY).strip()
    if re.fullmatch(r"24[:：]00", text) and not marked:
        return dt.time(0, 0), True
    t = parse_time(text)
    return None if t is None else (t, marked)


@dataclass
class TimeRange(Kind):
    """A session written "09:00-12:00"; returns (start, end, next_day, pos).

    With ``overnight`` (opening sessions) the end may be ``24:00`` (midnight), earlier than
    the start (``20:00-02:00``: the session ends the next day) or marked ``次日02:00``;
    ``next_day`` says the end is on the following day. Without it (an activity) the end
    must be later than the start on the same day."""

    label: str = "时间段（例如 09:00-12:00）"
    overnight: bool = False

    def __call__(self, node: Raw, out: list[Problem]) -> Any:
        s = self.scalar(node, out)
        if s is None:
            return INVALID
        parts = _RANGE_SPLIT.split(s.text.strip())
        start = parse_time(parts[0]) if len(parts) == 2 else None
        if self.overnight:
            ending = parse_end_time(parts[1]) if len(parts) == 2 else None
        else:
            t = parse_time(parts[1]) if len(parts) == 2 else None
            ending = None if t is None else (t, False)
        if start is None or ending is None:
            label = self.label
            if self.overnight:
                label += "；开到午夜写 24:00，跨夜写 20:00-02:00"
            out.append(Problem.at(s.pos, "not-time", f"应填写{label}，这里是 {_quote(s.text)}"))
            return INVALID
        end, next_day = ending
        if self.overnight and not next_day and end < start:
            next_day = True  # 20:00-02:00: ends the next day
        if end == start and not next_day:
            msg = f"开始时间与结束时间相同，这里是 {_quote(s.text)}"
            if self.overnight:
                msg += "；全天开放写 00:00-24:00"
            out.append(Problem.at(s.pos, "bad-time-range", msg))
            return INVALID
        if next_day and end > start:
            msg = f"跨夜的开放时段不能超过 24 小时，这里是 {_quote(s.text)}"
            out.append(Problem.at(s.pos, "bad-time-range", msg))
            return INVALID
        if not next_day and end < start:
            msg = f"结束时间应晚于开始时间，这里是 {_quote(s.text)}"
            out.append(Problem.at(s.pos, "bad-time-range", msg))
            return INVALID
        return (start, end, next_day, s.pos)


_TRUE = {"true", "True", "TRUE", "是", "yes", "Yes"}
_FALSE = {"false", "False", "FALSE", "否", "no", "No"}


@dataclass
class Bool(Kind):
    """Yes or no: true/false or 是/否."""

    label: str = "是或否（true / false，也可写 是 / 否）"

    def __call__(self, node: Raw, out: list[Problem]) -> Any:
        s = self.scalar(node, out)
        if s is None:
            return INVALID
        text = s.text.strip()
        if text in _TRUE:
            return True
        if text in _FALSE:
            return False
        out.append(Problem.at(s.pos, "not-bool", f"应填写{self.label}，这里是 {_quote(text)}"))
        return INVALID


@dataclass
class Choice(Kind):
    """One of a fixed set of values (shown to the user in Chinese)."""

    choices: tuple[str, ...] = ()
    label: str = "可选值之一"

    def __call__(self, node: Raw, out: list[Problem]) -> Any:
        s = self.scalar(node, out)
        if s is None:
            return INVALID
        text = s.text.strip()
        if text in self.choices:
            return text
        close = difflib.get_close_matches(text, self.choices, n=1, cutoff=0.5)
        hint = f"，是不是想写 {close[0]}？" if close else ""
        allowed = "、".join(self.choices)
        msg = f"{self.label}只能是 {allowed} 之一，这里是 {_quote(text)}{hint}"
        out.append(Problem.at(s.pos, "bad-choice", msg))
        return INVALID


@dataclass
class Seq(Kind):
    """A list of items of one kind; returns a tuple."""

    of: Kind = field(default_factory=Str)
    label: str = "列表"
    min_items: int = 0

    def __call__(self, node: Raw, out: list[Problem]) -> Any:
        if isinstance(node, RScalar) and node.is_null and self.min_items == 0:
            return ()
        if not isinstance(node, RSeq):
            msg = f"这里应填写{self.label}（每项以“- ”开头），而不是{_shape(node)}"
            out.append(Problem.at(node.pos, "wrong-type", msg))
            return INVALID
        if len(node.items) < self.min_items:
            msg = f"{self.label}至少需要 {self.min_items} 项"
            out.append(Problem.at(node.pos, "missing-key", msg))
        values = [self.of(item, out) for item in node.items]
        if any(v is INVALID for v in values) or len(node.items) < self.min_items:
            return INVALID
        return tuple(values)


@dataclass
class F:
    """A field of a mapping: key, kind, whether required, and its Chinese label."""

    key: str
    kind: Kind
    label: str
    required: bool = True
    default: Any = None
    private: bool = False  # never used by any output (PII); see docs/records.md


@dataclass
class Obj(Kind):
    """A mapping with known keys, built into a model object by ``build``."""

    fields: list[F] = field(default_factory=list)
    build: Callable[..., Any] | None = None
    label: str = "一组键值"

    def __call__(self, node: Raw, out: list[Problem]) -> Any:
        if not isinstance(node, RMap):
            msg = f"这里应填写{self.label}（“键: 值”的形式），而不是{_shape(node)}"
            out.append(Problem.at(node.pos, "wrong-type", msg))
            return INVALID
        by_key = {f.key: f for f in self.fields}
        seen: dict[str, RScalar] = {}
        values: dict[str, Any] = {}
        at: dict[str, Position] = {}
        ok = True
        for key, value in node.items:
            name = key.text
            if name in seen:
                first = seen[name].pos.line
                msg = f"键 {_quote(name)} 重复出现（第一次在第 {first} 行），请只保留一个"
                out.append(Problem.at(key.pos, "duplicate-key", msg))
                ok = False
                continue
            seen[name] = key
            spec = by_key.get(name)
            if spec is None:
                close = difflib.get_close_matches(name, list(by_key), n=1, cutoff=0.6)
                hint = f"，是不是想写 {close[0]}？" if close else ""
                known = "、".join(by_key)
                msg = f"不认识的键 {_quote(name)}{hint}（这里可以写：{known}）"
                out.append(Problem.at(key.pos, "unknown-key", msg))
                ok = False
                continue
            if isinstance(value, RScalar) and value.is_null and not spec.required:
                at[name] = value.pos
                continue
            result = spec.kind(value, out)
            if result is INVALID:
                ok = False
            else:
                values[name] = result
                at[name] = value.pos
        for spec in self.fields:
            if spec.key not in seen and spec.required:
                msg = f"缺少必填项 {spec.key}（{spec.label}）"
                out.append(Problem.at(node.pos, "missing-key", msg))
                ok = False
            elif spec.key not in values and not spec.required and spec.default is not None:
                values[spec.key] = spec.default
        if not ok:
            return INVALID
        if self.build is None:
            values["__at__"] = at
            values["__pos__"] = node.pos
            return values
        return self.build(values, node.pos, at)


def model(cls: type, rename: dict[str, str] | None = None, drop: tuple[str, ...] = ()) -> Callable:
    """Return a builder that makes ``cls`` from validated values."""
    rename = rename or {}

    def build(values: dict[str, Any], pos: Position, at: dict[str, Position]) -> Any:
        kwargs = {rename.get(k, k): v for k, v in values.items() if k not in drop}
        at2 = {rename.get(k, k): p for k, p in at.items()}
        return cls(**kwargs, src=pos, at=at2)

    return build


# ---------------------------------------------------------------- declarations about records


@dataclass
class NotPersonalNumber(Kind):
    """A number that looks like a personal number but is not (centre.yaml
    ``not_personal_numbers``): ``{number: ..., reason: ...}``, the reason required. An ID
    number is always personal and cannot be declared."""

    label: str = "不是个人信息的号码（number 号码，reason 理由）"

    def __call__(self, node: Raw, out: list[Problem]) -> Any:
        shape = Obj(
            [
                F("number", Str(label="号码", max_len=40), "号码（如合同编号）"),
                F("reason", Str(label="理由", max_len=200), "为什么它不是个人信息"),
            ],
            None,
            self.label,
        )
        value = shape(node, out)
        if value is INVALID:
            return INVALID
        number = normalise_number(value["number"])
        if is_id_number(number):
            msg = "身份证号一律属于个人信息，不能登记为“不是个人信息的号码”：请从记录中删除"
            out.append(Problem.at(value["__at__"]["number"], "personal-data-in-record", msg))
            return INVALID
        if sum(ch.isdigit() for ch in number) < 11:
            msg = f"号码 {_quote(value['number'])} 不足 11 位数字，不会被当作个人信息，无需登记"
            out.append(Problem.at(value["__at__"]["number"], "out-of-range", msg))
            return INVALID
        return {"number": number, "reason": value["reason"], "pos": value["__pos__"]}


#: centre.yaml ``not_personal_numbers``: the numbers a centre declares not personal.
NOT_PERSONAL_NUMBERS = Seq(NotPersonalNumber(), "不是个人信息的号码列表")

#: On an attachment whose text cannot be read (a scanned image): who checked it by eye for
#: personal numbers, and when — ``{checked_by: 会计, on: 2026-03-01}``.
SCANNED = Obj(
    [
        F("checked_by", Str(label="核对人的岗位（如 会计、中心主任）", max_len=40), "核对人的岗位"),
        F("on", Date(), "核对日期"),
    ],
    None,
    "人工核对记录（checked_by 核对人的岗位，on 核对日期）",
)
