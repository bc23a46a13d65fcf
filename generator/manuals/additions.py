"""A centre's additions to a manual (centres/<id>/manuals/<manual-id>.add.yaml).

New chapters, and articles added after, before or at the end of a chapter, replaced or
removed; anchors are the numbers of the unchanged manual or article keys (docs/manuals.md).
The text is centre-written, so it is limited Markdown and never run as Jinja.
"""

from __future__ import annotations

from dataclasses import dataclass

from generator.manuals.sources import SourceFile
from generator.manuals.structure import CLOSING_KEYS, KEY, Block, ChapterSrc, sanitize_markdown
from generator.manuals.templates import yaml_mapping
from generator.manuals.text import cn_numeral
from generator.problems import Position, Problem
from generator.text.escape import md_escape


@dataclass(frozen=True)
class _Op:
    """One item of ``articles:``: what to do, where, and the article it adds or puts in."""

    kind: str  # after | before | replace | remove | chapter
    anchor: int | str
    block: Block | None
    pos: Position


def parse_additions(
    src: SourceFile, out: list[Problem]
) -> tuple[list[tuple[str, str | None, str | None, Position]], list[_Op]] | None:
    """Read <manual-id>.add.yaml: new chapters and article operations."""
    if src.text is None:
        out.extend(src.problems)
        return None
    data, pos = yaml_mapping(src.text, src.display, 1, out)
    if data is None:
        return None
    here = Position(src.display, 1, 1)
    for k in data:
        if k not in ("chapters", "articles"):
            out.append(
                Problem.at(
                    pos.get((k,), here), "unknown-key", f"未知的键 {k}（可用：chapters、articles）"
                )
            )
    chapters: list[tuple[str, str | None, str | None, Position]] = []
    for i, ch in enumerate(data.get("chapters") or []):
        p = pos.get(("chapters", i), here)
        if (
            not isinstance(ch, dict)
            or not isinstance(ch.get("title"), str)
            or not ch["title"].strip()
        ):
            out.append(Problem.at(p, "missing-key", "新增的章须写 title（章名）"))
            continue
        extra = set(ch) - {"title", "before", "after"}
        if extra:
            out.append(
                Problem.at(
                    p,
                    "unknown-key",
                    f"未知的键 {'、'.join(sorted(extra))}（可用：title、before、after）",
                )
            )
        chapters.append((ch["title"].strip(), ch.get("before"), ch.get("after"), p))
    ops: list[_Op] = []
    arts = data.get("articles") or []
    if not isinstance(arts, list):
        out.append(Problem.at(pos.get(("articles",), here), "wrong-type", "articles 应是列表"))
        return chapters, ops
    for i, a in enumerate(arts):
        p = pos.get(("articles", i), here)
        if not isinstance(a, dict):
            out.append(Problem.at(p, "wrong-type", "每一项应是映射，例如 {after: 5, text: ……}"))
            continue
        kinds = [k for k in ("after", "before", "replace", "remove", "chapter") if k in a]
        extra = set(a) - {"after", "before", "replace", "remove", "chapter", "text", "heading"}
        if extra:
            out.append(
                Problem.at(
                    p,
                    "unknown-key",
                    f"未知的键 {'、'.join(sorted(extra))}（可用：after、before、replace、remove、chapter、text、heading）",
                )
            )
            continue
        if len(kinds) != 1:
            out.append(
                Problem.at(
                    p,
                    "missing-key",
                    "每一项须有且只有 after、before、replace、remove、chapter 中的一个",
                )
            )
            continue
        kind = kinds[0]
        anchor_raw = a[kind]
        if kind == "chapter":
            anchor: int | str = str(anchor_raw)
        elif isinstance(anchor_raw, str) and anchor_raw.isdigit():
            anchor = int(anchor_raw)
        elif isinstance(anchor_raw, str) and KEY.fullmatch(anchor_raw):
            anchor = anchor_raw
        else:
            out.append(
                Problem.at(
                    pos.get(("articles", i, kind), p),
                    "wrong-type",
                    f"{kind} 应是条号（如 5）或条款标识（如 booking）",
                )
            )
            continue
        block = None
        if kind != "remove":
            text = a.get("text")
            if not isinstance(text, str) or not text.strip():
                out.append(Problem.at(p, "missing-key", "须写 text（条文内容）"))
                continue
            paras = tuple(sanitize_markdown(line) for line in text.split("\n") if line.strip())
            heading = a.get("heading")
            if heading is not None and not isinstance(heading, str):
                out.append(Problem.at(p, "wrong-type", "heading 应是文字"))
                continue
            block = Block(
                paras,
                None,
                p.line,
                True,
                "replaced" if kind == "replace" else "added",
                md_escape(heading) if heading else None,
            )
        elif "text" in a:
            out.append(Problem.at(p, "unknown-key", "remove（删除）一项不需要 text"))
            continue
        ops.append(_Op(kind, anchor, block, p))
    return chapters, ops


def apply_additions(
    chapters: list[ChapterSrc], new_chapters, ops: list[_Op], out: list[Problem]
) -> list[ChapterSrc]:
    """Apply a centre's additions; numbers in anchors are the unchanged manual's numbers."""
    result = [ChapterSrc(c.title, list(c.blocks), c.line, c.own) for c in chapters]
    for title, before, after, p in new_chapters:
        if any(c.title in (title, md_escape(title)) for c in result):
            out.append(Problem.at(p, "duplicate-id", f"已有名为 {title} 的章"))
            continue
        idx = len(result)
        anchor = before or after
        if anchor is not None:
            hit = next(
                (
                    i
                    for i, c in enumerate(result)
                    if c.title in (str(anchor), md_escape(str(anchor)))
                ),
                None,
            )
            if hit is None:
                out.append(Problem.at(p, "missing-key", f"找不到名为 {anchor} 的章"))
                continue
            idx = hit if before is not None else hit + 1
        result.insert(idx, ChapterSrc(md_escape(title), [], p.line, True))
    # locate base articles by number or key (identity of the original blocks)
    base = [b for c in chapters for b in c.blocks]
    by_key = {b.key: b for b in base if b.key}

    def find(anchor: int | str, p: Position) -> Block | None:
        if isinstance(anchor, int):
            if 1 <= anchor <= len(base):
                return base[anchor - 1]
            out.append(
                Problem.at(
                    p, "out-of-range", f"本制度没有第{cn_numeral(anchor)}条（共 {len(base)} 条）"
                )
            )
            return None
        if anchor in by_key:
            return by_key[anchor]
        out.append(Problem.at(p, "missing-key", f"本制度没有标识为 {anchor} 的条款"))
        return None

    def locate(block: Block) -> tuple[ChapterSrc, int]:
        for c in result:
            for i, b in enumerate(c.blocks):
                if b is block:
                    return c, i
        raise LookupError

    inserted_after: dict[int, int] = {}
    for op in ops:
        if op.kind == "chapter":
            ch = next((c for c in result if c.title in (op.anchor, md_escape(op.anchor))), None)
            if ch is None:
                out.append(Problem.at(op.pos, "missing-key", f"找不到名为 {op.anchor} 的章"))
                continue
            # keep the closing articles (interpretation, effective date) last
            at = len(ch.blocks)
            while at > 0 and ch.blocks[at - 1].key in CLOSING_KEYS:
                at -= 1
            ch.blocks.insert(at, op.block)
            continue
        target = find(op.anchor, op.pos)
        if target is None:
            continue
        try:
            ch, i = locate(target)
        except LookupError:
            out.append(Problem.at(op.pos, "missing-key", "这一条已被删除或替换，不能再引用"))
            continue
        if op.kind == "replace":
            ch.blocks[i] = Block(
                op.block.paragraphs, target.key, op.block.line, True, "replaced", op.block.heading
            )
        elif op.kind == "remove":
            del ch.blocks[i]
        elif op.kind == "before":
            ch.blocks.insert(i, op.block)
        else:  # after: keep several additions after one article in file order
            n = inserted_after.get(id(target), 0)
            ch.blocks.insert(i + 1 + n, op.block)
            inserted_after[id(target)] = n + 1
    return [c for c in result if c.blocks or c.own]
