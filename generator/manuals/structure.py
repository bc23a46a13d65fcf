"""The structure of a manual: chapters (章) and articles (条), parsed, numbered and printed.

A body marks structure with two line markers: ``## 章名`` starts a chapter and ``§`` (or
``§[key]``) starts an article. Numbers are generated when the manual is assembled, so an
inserted article renumbers the rest, and a ``ref`` marker becomes the current 第N条.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from generator.manuals.sources import problem
from generator.manuals.text import cn_numeral
from generator.problems import Problem
from generator.text.escape import md_escape

# an article key, §[key]: what additions and ``ref`` name an article by
KEY = re.compile(r"[a-z0-9][a-z0-9-]{0,40}")
# what a template's ref("key") prints; number_manual replaces it with 第N条
REF = "\x00ref:{}\x00"
REF_RE = re.compile("\x00ref:([^\x00]*)\x00")
# the closing articles (interpretation, effective date) stay last in their chapter
CLOSING_KEYS = {"interpretation", "effective"}
# how an article the centre added or replaced is marked in print
OWN_MARK = {"added": "〔本中心补充〕", "replaced": "〔本中心修订〕"}


@dataclass(frozen=True)
class Article:
    """One article (条): its generated number, optional heading and Markdown text."""

    number: int
    text: str  # Markdown, without the 第N条 label
    heading: str | None = None
    own: bool = False  # written by the centre (added, replaced, or in a replaced manual)
    key: str | None = None
    change: str | None = None  # "added" | "replaced" for articles from <id>.add.yaml

    @property
    def label(self) -> str:
        return f"第{cn_numeral(self.number)}条"

    @property
    def title(self) -> str:
        return f"{self.label}【{self.heading}】" if self.heading else self.label


@dataclass(frozen=True)
class Chapter:
    """One chapter (章)."""

    number: int
    title: str
    articles: tuple[Article, ...]
    own: bool = False

    @property
    def label(self) -> str:
        return f"第{cn_numeral(self.number)}章"


@dataclass(frozen=True)
class Manual:
    """A policy manual (管理制度) of one centre, ready to print."""

    id: str
    title: str
    citations: tuple[str, ...]
    chapters: tuple[Chapter, ...]
    markdown: str
    version: str
    effective: dt.date
    own: bool = False  # the whole manual is the centre's own text
    satisfies: tuple[str, ...] = ()  # document ids of documents-present rules it meets
    order: int = 0

    @property
    def articles(self) -> tuple[Article, ...]:
        return tuple(a for c in self.chapters for a in c.articles)


@dataclass(frozen=True)
class Block:
    """An article as parsed from text, before numbering."""

    paragraphs: tuple[str, ...]
    key: str | None
    line: int
    own: bool = False
    change: str | None = None
    heading: str | None = None


@dataclass
class ChapterSrc:
    """A chapter as parsed from text, before numbering (additions change its blocks)."""

    title: str
    blocks: list[Block]
    line: int
    own: bool = False


_ARTICLE = re.compile(r"§(?:\[([^\]]*)\])?\s*(.*)")
_HEADING = re.compile(r"【([^】]{1,30})】\s*(.*)")


def parse_structure(
    text: str,
    disp: str,
    first_line: int,
    out: list[Problem],
    *,
    own: bool = False,
    sanitize: bool = False,
) -> list[ChapterSrc]:
    """Split text into chapters (``## 章名``) and articles (``§`` or ``§[key]``)."""
    chapters: list[ChapterSrc] = []
    current: list[str] | None = None
    key: str | None = None
    start = 0
    seen_keys: set[str] = set()

    def close() -> None:
        nonlocal current
        if current is None:
            return
        paras = [p for p in current if p]
        heading = None
        if paras:
            hm = _HEADING.fullmatch(paras[0])
            if hm:
                heading, rest = hm.group(1), hm.group(2)
                paras = ([rest] if rest else []) + paras[1:]
        if not paras:
            out.append(problem(disp, start, "missing-key", "这一条没有内容"))
        elif not chapters:
            chapters.append(ChapterSrc("", [], start, own))
        if paras:
            chapters[-1].blocks.append(Block(tuple(paras), key, start, own, heading=heading))
        current = None

    for i, raw in enumerate(text.split("\n")):
        lineno = first_line + i
        line = raw.strip()
        if not line:
            continue
        if line.startswith("## "):
            close()
            title = line[3:].strip()
            chapters.append(ChapterSrc(md_escape(title) if sanitize else title, [], lineno, own))
            continue
        if line.startswith("§"):
            close()
            mo = _ARTICLE.fullmatch(line)
            assert mo is not None
            key = mo.group(1)
            if key is not None and not KEY.fullmatch(key):
                out.append(
                    problem(
                        disp,
                        lineno,
                        "bad-id",
                        f"条款标记 §[{key}] 的标识只能用小写英文字母、数字和连字符",
                    )
                )
                key = None
            if key:
                if key in seen_keys:
                    out.append(problem(disp, lineno, "duplicate-id", f"条款标识 {key} 重复"))
                seen_keys.add(key)
            current = [sanitize_markdown(mo.group(2)) if sanitize else mo.group(2).strip()]
            start = lineno
            continue
        if line.startswith("#"):
            out.append(
                problem(
                    disp, lineno, "wrong-type", "制度正文中只能用“## 章名”作标题；条文请以 § 开头"
                )
            )
            continue
        if current is None:
            out.append(problem(disp, lineno, "wrong-type", "这一行不属于任何一条：条文请以 § 开头"))
            continue
        current.append(sanitize_markdown(line) if sanitize else line)
    close()
    return chapters


# Centre-written Markdown: emphasis, lists and plain text only. Raw HTML, links, images,
# raw format blocks ({=typst}), math, citations and Jinja-like braces are escaped.
_CENTRE_SPECIAL = re.compile(r"([\\`{}\[\]$@|~^])")


def sanitize_markdown(line: str) -> str:
    """Make one line of centre-written Markdown safe: text, emphasis and list markers only."""
    s = line.strip().replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    s = _CENTRE_SPECIAL.sub(r"\\\1", s)
    if s.startswith("#"):
        s = "\\" + s
    return s


def number_manual(chapters: list[ChapterSrc], disp: str, out: list[Problem]) -> tuple[Chapter, ...]:
    """Number chapters and articles; resolve ``ref`` markers to 第N条."""
    numbers: dict[str, int] = {}
    n = 0
    for c in chapters:
        for b in c.blocks:
            n += 1
            if b.key:
                numbers[b.key] = n

    def resolve(text: str, line: int) -> str:
        def sub(mo: re.Match) -> str:
            key = mo.group(1)
            if key not in numbers:
                out.append(
                    problem(disp, line, "missing-key", f"引用的条款 {key} 不存在（可能已被删除）")
                )
                return "相关条款"
            return f"第{cn_numeral(numbers[key])}条"

        return REF_RE.sub(sub, text)

    result: list[Chapter] = []
    n = 0
    ci = 0
    for c in chapters:
        ci += 1 if c.title else 0
        arts = []
        for b in c.blocks:
            n += 1
            text = "\n\n".join(resolve(p, b.line) for p in b.paragraphs)
            arts.append(Article(n, text, b.heading, b.own, b.key, b.change))
        result.append(Chapter(ci if c.title else 0, c.title, tuple(arts), c.own))
    return tuple(result)


def manual_markdown(
    title: str, subtitle: str, chapters: tuple[Chapter, ...], note: str | None
) -> str:
    """The whole manual as Markdown: H1 title, H2 chapters, articles as paragraphs."""
    lines = [f"# {title}", "", subtitle, ""]
    if note:
        lines += [note, ""]
    for c in chapters:
        if c.title:
            lines += [f"## {c.label}　{c.title}", ""]
        for a in c.articles:
            head = f"**{a.label}**　"
            if a.change:
                head += OWN_MARK[a.change]
            if a.heading:
                head += f"【{a.heading}】"
            paras = a.text.split("\n\n")
            lines += [head + paras[0], ""]
            for p in paras[1:]:
                lines += [p, ""]
    return "\n".join(lines).rstrip() + "\n"
