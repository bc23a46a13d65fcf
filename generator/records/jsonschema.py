"""JSON Schemas (draft 2020-12) of the record files, made from their shapes (``shapes.py``).

Each record file kind has one schema, ``docs/schema/records/<kind>.schema.json``: an editor
that knows JSON Schema (VS Code with the YAML extension, reading the first line
``# yaml-language-server: $schema=…`` that ``gongshi new`` writes) completes the keys, shows
each key's Chinese description and underlines a wrong value as it is typed. The shapes stay
the one home of every field: these files are generated from them (``gongshi schemas``), and a
test checks that the committed files are the generated ones.

A schema is an editor's help, not the check: ``gongshi check`` reads every value as text and
is the judge (file names against content, cross-file references, totals, the day). The
schemas describe values as an editor's YAML 1.2 parser types them: a plain ``30`` is a
number, ``2026-03-05`` and ``14:00`` are text, ``true`` is a boolean; a text field also
accepts a number (``title: 2026`` is the text "2026" to gongshi).
"""

from __future__ import annotations

import json
import re
from decimal import Decimal
from pathlib import Path
from typing import Any

from generator.records.schema import (
    Bool,
    Choice,
    Date,
    Kind,
    Number,
    Obj,
    Seq,
    Str,
    Time,
    TimeRange,
)
from generator.records.shapes import (
    ACTIVITY_MONTH,
    AUDIT,
    CENTRE,
    EVALUATION,
    FILE_KINDS,
    FIRST_DAY,
    LAST_DAY,
    PHONE,
    PLAN,
    QUARTER,
    CreditCode,
    Phone,
    RecordDate,
)
from generator.records.validate import DECLARATIONS

DRAFT = "https://json-schema.org/draft/2020-12/schema"

# file kind → (its shape, the schema's title): every record file a centre's staff write
RECORD_FILES: dict[str, tuple[Kind, str]] = {
    "centre": (CENTRE, "中心基本信息（centres/<中心>/centre.yaml）"),
    "plan": (PLAN, "月度活动计划（centres/<中心>/plans/YYYY-MM.yaml）"),
    "activities": (ACTIVITY_MONTH, "月度活动记录（centres/<中心>/activities/YYYY-MM.yaml）"),
    "finance": (QUARTER, "季度财务信息（centres/<中心>/finance/YYYY-Qn.yaml）"),
    "audit": (AUDIT, "年度审计（centres/<中心>/audits/YYYY.yaml）"),
    "evaluation": (EVALUATION, "第三方评估（centres/<中心>/evaluations/YYYY.yaml）"),
}
assert set(RECORD_FILES) == set(FILE_KINDS), "a record file kind without a schema"

_ABOUT = "由 gongshi 根据记录文件的格式自动生成，供编辑器补全和提示；以 gongshi check 的结果为准。"
_NUMBER_TEXT = r"^-?[0-9]+(\.[0-9]+)?$"
_INTEGER_TEXT = r"^-?[0-9]+$"
_BOOL_WORDS = ["是", "否", "yes", "Yes", "no", "No"]


def _anchored(pattern: str) -> str:
    """A Python ``fullmatch`` pattern as a JSON Schema (ECMA-262) ``pattern``."""
    return f"^(?:{pattern})$"


def _number(value: Decimal) -> int | float:
    return int(value) if value == value.to_integral_value() else float(value)


def _date_pattern() -> str:
    first, last = FIRST_DAY.year // 100, LAST_DAY.year // 100
    centuries = "|".join(str(c) for c in range(first, last + 1))
    return f"^(?:{centuries})[0-9]{{2}}-[0-9]{{1,2}}-[0-9]{{1,2}}$"


def kind_schema(kind: Kind) -> dict[str, Any]:
    """The JSON Schema of a value of ``kind`` (without its field's description)."""
    if isinstance(kind, Obj):
        return obj_schema(kind)
    if isinstance(kind, Seq):
        out: dict[str, Any] = {"type": "array", "items": kind_schema(kind.of)}
        if kind.min_items:
            out["minItems"] = kind.min_items
        return out
    if isinstance(kind, Choice):
        return {"enum": list(kind.choices)}
    if isinstance(kind, Bool):
        return {"enum": [True, False, *_BOOL_WORDS]}
    if isinstance(kind, Number):
        return _number_schema(kind)
    if isinstance(kind, Date):
        out = {"type": "string", "pattern": _date_pattern()}
        if isinstance(kind, RecordDate):
            out["description"] = (
                f"日期，格式 YYYY-MM-DD，{FIRST_DAY.isoformat()} 至 {LAST_DAY.isoformat()}"
            )
        return out
    if isinstance(kind, Time):
        return {"type": "string", "pattern": r"^[0-9]{1,2}[:：][0-9]{2}$"}
    if isinstance(kind, TimeRange):
        sep = "(?:-|–|—|~|～|至|到)"
        t = "[0-9]{1,2}[:：][0-9]{2}"
        end = rf"(?:次日)?\s*{t}" if kind.overnight else t  # 24:00 matches t
        return {"type": "string", "pattern": rf"^\s*{t}\s*{sep}\s*{end}\s*$"}
    if isinstance(kind, Str):
        return _str_schema(kind)
    return {}  # anything (a stored snapshot)


def _str_schema(kind: Str) -> dict[str, Any]:
    text: dict[str, Any] = {"type": "string", "maxLength": kind.max_len}
    if isinstance(kind, CreditCode):
        text["pattern"] = "^[0-9A-HJ-NPQRTUWXYa-hj-npqrtuwxy]{18}$"
    elif isinstance(kind, Phone):
        text["pattern"] = _anchored(PHONE.pattern)
    elif kind.pattern:
        text["pattern"] = _anchored(kind.pattern)
    if not kind.multiline:
        text["pattern"] = text.get("pattern", r"^[^\n\r]*$")
    # a plain number is text to gongshi (``title: 2026``); only a pattern can refuse it
    if kind.pattern is None or re.fullmatch(kind.pattern, "10"):
        return {**text, "type": ["string", "number"]}
    return text


def _number_schema(kind: Number) -> dict[str, Any]:
    out: dict[str, Any] = {"type": "integer" if kind.integer else "number"}
    if kind.minimum is not None:
        out["minimum"] = _number(kind.minimum)
    if kind.maximum is not None:
        out["maximum"] = _number(kind.maximum)
    # a number in quotes is read the same by gongshi
    text = {"type": "string", "pattern": _INTEGER_TEXT if kind.integer else _NUMBER_TEXT}
    return {"anyOf": [out, text]}


def _nullable(schema: dict[str, Any]) -> dict[str, Any]:
    """An optional field may also be left empty (``email:``)."""
    if "enum" in schema:
        return {**schema, "enum": [*schema["enum"], None]}
    if "anyOf" in schema:
        return {**schema, "anyOf": [*schema["anyOf"], {"type": "null"}]}
    if isinstance(schema.get("type"), str):
        return {**schema, "type": [schema["type"], "null"]}
    if isinstance(schema.get("type"), list):
        return {**schema, "type": [*schema["type"], "null"]}
    return schema


def obj_schema(kind: Obj) -> dict[str, Any]:
    properties: dict[str, Any] = {}
    for f in kind.fields:
        value = kind_schema(f.kind)
        if not f.required:
            value = _nullable(value)
        detail = value.pop("description", None)
        description = f.label + ("（必填）" if f.required else "")
        if detail:
            description += f"。{detail}"
        properties[f.key] = {"description": description, **value}
    out: dict[str, Any] = {
        "type": "object",
        "title": kind.label,
        "properties": properties,
        "additionalProperties": False,
    }
    required = [f.key for f in kind.fields if f.required]
    if required:
        out["required"] = required
    return out


def file_schema(name: str, kind: Kind, title: str) -> dict[str, Any]:
    """The schema of one record file kind, as committed under docs/schema/records/."""
    body = kind_schema(kind)
    body.pop("title", None)
    # the keys read before the shape (records.validate.DECLARATIONS): optional, and known
    for (file_kind, key), extra in DECLARATIONS.items():
        if file_kind == name:
            value = _nullable(kind_schema(extra))
            value["description"] = extra.label + "（选填）"
            body["properties"][key] = value
    return {
        "$schema": DRAFT,
        "$id": f"{name}.schema.json",
        "title": title,
        "description": _ABOUT,
        **body,
    }


def render(schema: dict[str, Any]) -> str:
    return json.dumps(schema, ensure_ascii=False, indent=2) + "\n"


def schema_texts(files: dict[str, tuple[Kind, str]]) -> dict[str, str]:
    """File name (``<kind>.schema.json``) → its text, for each file kind given."""
    return {
        f"{name}.schema.json": render(file_schema(name, kind, title))
        for name, (kind, title) in files.items()
    }


def write_schemas(folder: Path, texts: dict[str, str]) -> list[str]:
    """Write the schemas that differ from what ``folder`` holds; the names written."""
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for name, text in sorted(texts.items()):
        path = folder / name
        if not path.is_file() or path.read_text(encoding="utf-8") != text:
            path.write_text(text, encoding="utf-8", newline="\n")
            written.append(name)
    return written


def stale_schemas(folder: Path, texts: dict[str, str]) -> list[str]:
    """The schemas ``folder`` lacks or holds in another version than ``texts``."""
    return [
        name
        for name, text in sorted(texts.items())
        if not (folder / name).is_file() or (folder / name).read_text(encoding="utf-8") != text
    ]
