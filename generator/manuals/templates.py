"""The manual files as parsed: front matter, YAML, content templates and replacement manuals.

A content manual (content/manuals/<id>.md) is YAML front matter and a Jinja2 body; it is
parsed once per distinct text. A centre's replacement manual (centres/<id>/manuals/<id>.md)
is never run as Jinja: its body is limited Markdown, parsed straight into chapters.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from generator.manuals.sources import MANUAL_ID, SourceFile, problem
from generator.manuals.structure import ChapterSrc, parse_structure
from generator.packs.library import positions, to_plain
from generator.problems import Position, Problem, Severity
from generator.records.load import parse_yaml


@dataclass(frozen=True)
class Template:
    """A content manual: its front matter, and its Jinja2 body not yet rendered."""

    id: str
    title: str
    order: int
    clauses: tuple[str, ...]
    laws: tuple[str, ...]
    satisfies: tuple[str, ...]
    settings: Mapping[str, Any]
    settings_pos: Mapping[str, Position]
    body: str
    body_line: int  # line of the file where the body starts
    display: str


def split_front_matter(text: str) -> tuple[str | None, str, int]:
    """Split ``---`` front matter from the body; return (yaml, body, first body line)."""
    lines = text.split("\n")
    if not lines or lines[0].strip() != "---":
        return None, text, 1
    for i in range(1, len(lines)):
        if lines[i].strip() == "---":
            return "\n".join(lines[1:i]), "\n".join(lines[i + 1 :]), i + 2
    return None, text, 1


def yaml_mapping(
    text: str, disp: str, first_line: int, out: list[Problem]
) -> tuple[dict | None, dict]:
    """Parse YAML text that starts at ``first_line`` of its file; plain data and positions."""
    data, pos, problems = _yaml_cached(text, disp, first_line)
    out.extend(problems)
    return data, pos


@lru_cache(maxsize=256)
def _yaml_cached(
    text: str, disp: str, first_line: int
) -> tuple[dict | None, dict, tuple[Problem, ...]]:
    out: list[Problem] = []
    data, pos = _yaml_parse(text, disp, first_line, out)
    return data, pos, tuple(out)


def _yaml_parse(
    text: str, disp: str, first_line: int, out: list[Problem]
) -> tuple[dict | None, dict]:
    root, problems = parse_yaml("\n" * (first_line - 1) + text, disp)
    out.extend(problems)
    if root is None or any(p.severity is Severity.ERROR for p in problems):
        return None, {}
    data = to_plain(root)
    if not isinstance(data, dict):
        out.append(problem(disp, first_line, "wrong-type", "这里应是“键: 值”形式的映射"))
        return None, {}
    return data, positions(root)


def str_list(value: Any) -> list[str] | None:
    """A YAML list of text as a list (no value: empty), or ``None`` when it is not one."""
    if value is None:
        return []
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return value
    return None


def parse_template(src: SourceFile, out: list[Problem]) -> Template | None:
    """Front matter and body of a content manual (parsed once per distinct text)."""
    tpl, problems = _parse_template_cached(src)
    out.extend(problems)
    return tpl


@lru_cache(maxsize=256)
def _parse_template_cached(src: SourceFile) -> tuple[Template | None, tuple[Problem, ...]]:
    out: list[Problem] = []
    return _parse_template(src, out), tuple(out)


def _parse_template(src: SourceFile, out: list[Problem]) -> Template | None:
    if src.text is None:
        out.extend(src.problems)
        return None
    fm, body, body_line = split_front_matter(src.text)
    if fm is None:
        out.append(
            problem(
                src.display, 1, "missing-key", "制度文件应以 --- 开头的前言（front matter）开始"
            )
        )
        return None
    data, pos = yaml_mapping(fm, src.display, 2, out)
    if data is None:
        return None
    allowed = {"id", "title", "order", "clauses", "laws", "satisfies", "settings"}
    ok = True
    for k in data:
        if k not in allowed:
            out.append(
                Problem.at(
                    pos.get((k,), Position(src.display, 2)),
                    "unknown-key",
                    f"未知的键 {k}（可用：{'、'.join(sorted(allowed))}）",
                )
            )
            ok = False
    for k in ("id", "title", "clauses"):
        if not data.get(k):
            out.append(problem(src.display, 2, "missing-key", f"前言缺少 {k}"))
            ok = False
    stem = src.name[:-3]
    if data.get("id") and (data["id"] != stem or not MANUAL_ID.fullmatch(str(data["id"]))):
        out.append(
            Problem.at(
                pos.get(("id",), Position(src.display, 2)),
                "bad-id",
                f"制度编号 {data['id']} 应与文件名 {stem} 相同，且只用小写英文字母、数字和连字符",
            )
        )
        ok = False
    lists = {k: str_list(data.get(k)) for k in ("clauses", "laws", "satisfies")}
    for k, v in lists.items():
        if v is None:
            out.append(
                Problem.at(
                    pos.get((k,), Position(src.display, 2)), "wrong-type", f"{k} 应是文字列表"
                )
            )
            ok = False
    settings = data.get("settings") or {}
    if not isinstance(settings, dict):
        out.append(
            Problem.at(
                pos.get(("settings",), Position(src.display, 2)), "wrong-type", "settings 应是映射"
            )
        )
        ok = False
    try:
        order = int(data.get("order") or 0)
    except ValueError:
        out.append(
            Problem.at(
                pos.get(("order",), Position(src.display, 2)), "not-integer", "order 应是整数"
            )
        )
        ok = False
    if not ok:
        return None
    spos = {k: pos.get(("settings", k), Position(src.display, 2)) for k in settings}
    return Template(
        str(data["id"]),
        str(data["title"]),
        order,
        tuple(lists["clauses"] or ()),
        tuple(lists["laws"] or ()),
        tuple(lists["satisfies"] or ()),
        settings,
        spos,
        body,
        body_line,
        src.display,
    )


def parse_override(
    src: SourceFile, tpl: Template | None, out: list[Problem]
) -> tuple[str, tuple[str, ...], tuple[str, ...], list[ChapterSrc], int, tuple[str, ...]] | None:
    """A centre's replacement manual: never run as Jinja; limited Markdown.

    Returns its title, clauses, laws, chapters, order and the documents it satisfies (those
    it does not give are the replaced content manual's), or ``None`` after a problem."""
    if src.text is None:
        out.extend(src.problems)
        return None
    fm, body, body_line = split_front_matter(src.text)
    data: dict = {}
    if fm is not None:
        parsed, pos = yaml_mapping(fm, src.display, 2, out)
        if parsed is None:
            return None
        data = parsed
        for k in data:
            if k not in ("title", "clauses", "laws"):
                out.append(
                    Problem.at(
                        pos.get((k,), Position(src.display, 2)),
                        "unknown-key",
                        f"未知的键 {k}（可用：title、clauses、laws）",
                    )
                )
    title = data.get("title") or (tpl.title if tpl else None)
    if not isinstance(title, str) or not title.strip():
        out.append(
            problem(src.display, 1, "missing-key", "新增的制度须在前言中写 title（制度名称）")
        )
        return None
    clauses = (
        str_list(data.get("clauses")) if "clauses" in data else list(tpl.clauses if tpl else ())
    )
    laws = str_list(data.get("laws")) if "laws" in data else list(tpl.laws if tpl else ())
    if clauses is None or laws is None:
        out.append(problem(src.display, 1, "wrong-type", "clauses 和 laws 应是文字列表"))
        return None
    chapters = parse_structure(body, src.display, body_line, out, own=True, sanitize=True)
    if not chapters:
        out.append(problem(src.display, 1, "missing-key", "制度正文是空的：每一条以 § 开头"))
        return None
    return (
        title.strip(),
        tuple(clauses),
        tuple(laws),
        chapters,
        tpl.order if tpl else 1000,
        tpl.satisfies if tpl else (),
    )
