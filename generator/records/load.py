"""Read YAML files into raw nodes that remember where they came from.

This is the only module that reads record files. It never builds Python objects from
YAML tags: it composes the node graph with ruamel.yaml and copies it into small
``Raw*`` nodes holding the original scalar text (so money is read exactly from the
text) and the 1-based line and column of every node.

Limits (documented in docs/records.md): a file is at most ``MAX_FILE_BYTES``, nested
at most ``MAX_DEPTH`` levels, with at most ``MAX_NODES`` nodes; anchors, aliases and
explicit tags are refused, so an alias bomb is a problem, not a hang.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from ruamel.yaml import YAML
from ruamel.yaml.composer import Composer, MaxDepthExceededError
from ruamel.yaml.error import MarkedYAMLError, YAMLError
from ruamel.yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode
from ruamel.yaml.reader import ReaderError
from ruamel.yaml.resolver import VersionedResolver

from generator.problems import Position, Problem

MAX_FILE_BYTES = 2 * 1024 * 1024
MAX_DEPTH = 32
MAX_NODES = 50_000

try:  # libyaml bindings, a companion package of ruamel.yaml
    from ruamel.yaml.cyaml import CParser as _CParser  # noqa: F401

    _HAVE_LIBYAML = True
except ImportError:  # pragma: no cover - the pure path is always correct, only slower
    _HAVE_LIBYAML = False

_CORE_TAGS = {
    "tag:yaml.org,2002:" + t
    for t in ("str", "int", "float", "bool", "null", "map", "seq", "timestamp")
}
_MERGE = "tag:yaml.org,2002:merge"
_NULLS = {"", "~", "null", "Null", "NULL"}


@dataclass(eq=False)
class Raw:
    """A node read from YAML, with its position."""

    pos: Position


@dataclass(eq=False)
class RScalar(Raw):
    """A scalar exactly as written; ``quoted`` when the user put it in quotes."""

    text: str = ""
    quoted: bool = False

    @property
    def is_null(self) -> bool:
        return not self.quoted and self.text in _NULLS


@dataclass(eq=False)
class RMap(Raw):
    """A mapping; ``items`` keeps every key in order, duplicates included."""

    items: list[tuple[RScalar, Raw]] = field(default_factory=list)

    def get(self, key: str) -> Raw | None:
        for k, v in self.items:
            if k.text == key:
                return v
        return None


@dataclass(eq=False)
class RSeq(Raw):
    """A sequence."""

    items: list[Raw] = field(default_factory=list)


@dataclass
class Document:
    """One file's raw content, or ``None`` when it could not be read at all."""

    path: Path
    display: str
    root: Raw | None
    problems: list[Problem]


class _TooManyNodes(Exception):
    """Raised by the composer at node ``MAX_NODES + 1``; carries the mark where it stopped."""

    def __init__(self, mark: object) -> None:
        super().__init__("too many nodes")
        self.mark = mark


class _LimitedComposer(Composer):
    """Stop composing past ``MAX_NODES`` nodes.

    Counting while composing (not after) refuses a 2 MB file of ``[0,0,0,…]`` in a few
    seconds instead of composing a million nodes first (a minute and a gigabyte of memory).
    """

    def compose_node(self, parent: object, index: object) -> object:
        self.gongshi_count = getattr(self, "gongshi_count", 0) + 1
        if self.gongshi_count > MAX_NODES:
            raise _TooManyNodes(self.parser.peek_event().start_mark)
        return super().compose_node(parent, index)


def _mark_pos(display: str, mark: object) -> Position:
    line = getattr(mark, "line", None)
    col = getattr(mark, "column", None)
    if line is None or col is None:
        return Position(display, 1, 1)
    return Position(display, line + 1, col + 1)


_UNPRINTABLE = re.compile(
    "[\x00-\x1f\x7f-\x9f\u00ad\u200b-\u200f\u2028-\u202e\u2060-\u2064\u2066-\u2069\ufeff]"
)


def printable(text: str) -> str:
    """Record text made safe to show in a message: control, invisible and bidirectional
    characters become visible ``\\uXXXX`` escapes, so a key or value can neither send
    terminal escape sequences nor reorder or hide the message around it."""
    return _UNPRINTABLE.sub(lambda m: f"\\u{ord(m.group()):04X}", text)


def _pos(display: str, node: Node) -> Position:
    mark = node.start_mark
    return Position(display, mark.line + 1, mark.column + 1)


def decode_text(data: bytes, display: str) -> tuple[str | None, list[Problem]]:
    """Decode UTF-8 (a BOM is allowed and dropped); anything else is a problem."""
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        return data.decode("utf-8"), []
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        col = exc.start - (data.rfind(b"\n", 0, exc.start) + 1) + 1
        hint = ""
        try:
            data.decode("gb18030")
            hint = "，看起来是 GBK/GB18030 编码，请在编辑器中“另存为”UTF-8"
        except UnicodeDecodeError:
            pass
        msg = f"文件必须是 UTF-8 编码，第 {line} 行有无法识别的字节{hint}"
        return None, [Problem.at(Position(display, line, col), "not-utf8", msg)]


_FAST_MAX_CHARS = 256 * 1024
_DEEP_DASHES = re.compile(r"(?:[-?:]\s+){8,}")
# anchors, aliases, tags and merge keys: the pure path reports each at its place
_SPECIAL_TOKENS = re.compile(r"(?:^|[\s\[\{,:])[&*!]|<<")


class _PlainResolver(VersionedResolver):
    """Tag every untagged node by its kind only: gongshi reads scalars as text itself.

    Skipping implicit resolution (numbers, booleans, dates) saves most of the time
    libyaml leaves to Python; explicit tags are still reported by ``_copy``.
    """

    def resolve(self, kind: object, value: object, implicit: object) -> str:
        if kind is ScalarNode:
            return "tag:yaml.org,2002:str"
        if kind is SequenceNode:
            return "tag:yaml.org,2002:seq"
        return "tag:yaml.org,2002:map"


def _looks_ordinary(text: str) -> bool:
    """Whether a file is plainly an ordinary record: small, shallow, no stacked block markers.

    Only such text goes to libyaml, whose composer has no depth or node limits; anything
    else takes the pure-Python composer that enforces them.
    """
    if len(text) > _FAST_MAX_CHARS or _DEEP_DASHES.search(text) or _SPECIAL_TOKENS.search(text):
        return False
    depth = deepest = 0
    for ch in text:
        if ch in "[{":
            depth += 1
            deepest = max(deepest, depth)
        elif ch in "]}":
            depth -= 1
    if deepest > 8:
        return False
    return all(len(line) - len(line.lstrip(" ")) <= 64 for line in text.splitlines())


def _compose_fast(text: str) -> Node | None:
    """Compose with libyaml (ruamel.yaml.clib) when available; None means use the pure path.

    libyaml composes an ordinary record file about six times faster than the pure-Python
    composer (docs/performance.md). Any error falls back to the pure path, which words
    the problem exactly.
    """
    if not _HAVE_LIBYAML or not _looks_ordinary(text):
        return None
    try:
        yaml = YAML(typ="safe", pure=False)
        yaml.Resolver = _PlainResolver
        return yaml.compose(text)
    except Exception:  # noqa: BLE001 — re-parsed by the pure path for an exact problem
        return None


def parse_yaml(text: str, display: str) -> tuple[Raw | None, list[Problem]]:
    """Compose YAML text into raw nodes; every failure is a problem at its mark."""
    problems: list[Problem] = []
    fast = _compose_fast(text)
    if fast is not None:
        state = {"count": 0, "seen": set()}
        return _copy(fast, display, 0, state, problems), problems
    yaml = YAML(typ="rt", pure=True)
    yaml.Composer = _LimitedComposer
    # ruamel's own depth limit stops composing before Python's recursion limit is reached,
    # at the node ``_copy`` would report (composer depth = ``_copy`` depth + 1).
    yaml.max_depth = MAX_DEPTH + 1
    try:
        node = yaml.compose(text)
    except _TooManyNodes as exc:
        msg = f"文件内容超过 {MAX_NODES} 个条目，请拆分文件"
        return None, [Problem.at(_mark_pos(display, exc.mark), "yaml-too-many-nodes", msg)]
    except MaxDepthExceededError as exc:
        msg = f"嵌套层级超过 {MAX_DEPTH} 层，记录文件不需要这么深的结构"
        return None, [Problem.at(_mark_pos(display, exc.problem_mark), "yaml-too-deep", msg)]
    except MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        what = (exc.problem or exc.context or "无法解析").strip()
        if (exc.context or "").startswith("while scanning a quoted scalar") and exc.context_mark:
            # The end of the file is where the parser noticed; the quote that was never
            # closed is where the user has to look.
            mark, what = exc.context_mark, "while scanning a quoted scalar"
        line, col = (mark.line + 1, mark.column + 1) if mark else (0, 0)
        msg = f"YAML 语法错误：{_explain_yaml(what)}。请检查这一行的缩进、冒号和引号"
        return None, [Problem.at(Position(display, line, col), "yaml-syntax", msg)]
    except RecursionError:
        msg = f"嵌套层级过深（超过 {MAX_DEPTH} 层），记录文件不需要这么深的结构"
        return None, [Problem.at(Position(display, 1, 1), "yaml-too-deep", msg)]
    except ReaderError as exc:
        # A control character (NUL, ESC …) YAML does not allow anywhere in a file.
        return None, [_reader_problem(text, display, exc)]
    except (YAMLError, ValueError) as exc:
        msg = f"YAML 语法错误：{type(exc).__name__}"
        return None, [Problem.at(Position(display, 1, 1), "yaml-syntax", msg)]
    if node is None:
        problems.append(
            Problem.at(Position(display, 1, 1), "empty-file", "文件是空的，至少需要填写必填项")
        )
        return None, problems
    state = {"count": 0, "seen": set()}
    root = _copy(node, display, 0, state, problems)
    return root, problems


def _reader_problem(text: str, display: str, exc: ReaderError) -> Problem:
    position = exc.position if isinstance(exc.position, int) else 0
    position = max(0, min(position, len(text)))
    line = text.count("\n", 0, position) + 1
    col = position - (text.rfind("\n", 0, position) + 1) + 1
    char = exc.character
    code = f"U+{char:04X}" if isinstance(char, int) else "?"
    msg = f"文件中含有不允许的控制字符（{code}），可能是从其他软件复制时带入的，请删除后重新输入"
    return Problem.at(Position(display, line, col), "bad-text", msg)


def _explain_yaml(what: str) -> str:
    table = {
        "mapping values are not allowed here": "这里不能出现冒号（值里有冒号时请加引号）",
        "could not find expected ':'": "缺少冒号",
        "found character '\\t' that cannot start any token": "不能用 Tab 缩进，请改用空格",
        "expected <block end>, but found": "缩进不一致",
        "found undefined alias": "使用了未定义的别名",
        "found unexpected end of stream": "文件意外结束（引号或括号没有闭合）",
        "found duplicate anchor": "锚点重复",
        "expected the node content, but found '<stream end>'": "文件意外结束（括号没有闭合）",
        "while scanning a quoted scalar": "引号没有闭合",
        "found unknown escape character": "双引号里的反斜杠 \\ 用法不对，请改用单引号",
    }
    for en, zh in table.items():
        if what.startswith(en):
            return zh
    return f"无法解析（{what}）"


def _tag_of(node: Node) -> str:
    """The node's full tag; cheap for the plain tags libyaml's path sets (no URI decoding)."""
    ct = getattr(node, "ctag", None)
    if ct is None:
        return ""
    if isinstance(ct, str):
        return ct
    if ct.handle is None and ct.suffix and "%" not in ct.suffix:
        return ct.suffix
    return str(ct)


def _copy(node: Node, display: str, depth: int, state: dict, problems: list[Problem]) -> Raw:
    pos = _pos(display, node)
    state["count"] += 1
    if depth > MAX_DEPTH:
        raise_once = "yaml-too-deep" not in {p.code for p in problems}
        if raise_once:
            msg = f"嵌套层级超过 {MAX_DEPTH} 层，记录文件不需要这么深的结构"
            problems.append(Problem.at(pos, "yaml-too-deep", msg))
        return RScalar(pos, "", False)
    if state["count"] > MAX_NODES:
        if "yaml-too-many-nodes" not in {p.code for p in problems}:
            msg = f"文件内容超过 {MAX_NODES} 个条目，请拆分文件"
            problems.append(Problem.at(pos, "yaml-too-many-nodes", msg))
        return RScalar(pos, "", False)
    if id(node) in state["seen"] or getattr(node, "anchor", None):
        msg = "不支持 YAML 锚点和别名（& 与 *），请把内容直接写出来"
        problems.append(Problem.at(pos, "yaml-alias", msg))
        return RScalar(pos, "", False)
    state["seen"].add(id(node))
    tag = _tag_of(node)
    if tag == _MERGE:  # "<<" written as a value, or tagged !!merge
        msg = "不支持 YAML 合并键 <<，请把内容直接写出来"
        problems.append(Problem.at(pos, "yaml-alias", msg))
        return RScalar(pos, "", False)
    if tag and tag not in _CORE_TAGS:
        problems.append(Problem.at(pos, "yaml-tag", f"不允许使用 YAML 标签 {printable(tag)}"))
        return RScalar(pos, "", False)
    if isinstance(node, ScalarNode):
        text = str(node.value)
        if node.style == ">":
            # ruamel's round-trip scanner marks each folded line break with "\a" (BEL) to
            # keep the folding; the value itself has a space there. A folded scalar cannot
            # hold a real BEL (no escapes, and raw control characters are refused).
            text = text.replace("\a", "")
        return RScalar(pos, text, node.style in ("'", '"'))
    if isinstance(node, SequenceNode):
        return RSeq(pos, [_copy(n, display, depth + 1, state, problems) for n in node.value])
    if isinstance(node, MappingNode):
        items: list[tuple[RScalar, Raw]] = []
        for k, v in node.value:
            k_tag = _tag_of(k)
            if k_tag == _MERGE or (isinstance(k, ScalarNode) and k.value == "<<" and not k.style):
                msg = "不支持 YAML 合并键 <<，请把内容直接写出来"
                problems.append(Problem.at(_pos(display, k), "yaml-alias", msg))
                continue
            key = _copy(k, display, depth + 1, state, problems)
            if not isinstance(key, RScalar):
                problems.append(
                    Problem.at(key.pos, "wrong-type", "键必须是简单的文字，不能是列表或映射")
                )
                continue
            if key.text == "<<" and not key.quoted:
                problems.append(
                    Problem.at(key.pos, "yaml-alias", "不支持 YAML 合并键 <<，请把内容直接写出来")
                )
                continue
            items.append((key, _copy(v, display, depth + 1, state, problems)))
        return RMap(pos, items)
    return RScalar(pos, "", False)


def read_document(path: Path, display: str) -> Document:
    """Read one YAML file; never raises for bad content."""
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            msg = f"文件大小 {size} 字节，超过上限 {MAX_FILE_BYTES} 字节"
            return Document(
                path, display, None, [Problem.at(Position(display), "file-too-large", msg)]
            )
        data = path.read_bytes()
    except OSError as exc:
        msg = f"无法读取文件：{exc.strerror or exc}"
        return Document(
            path, display, None, [Problem.at(Position(display), "file-unreadable", msg)]
        )
    text, problems = decode_text(data, display)
    if text is None:
        return Document(path, display, None, problems)
    try:
        root, more = parse_yaml(text, display)
    except RecursionError:
        msg = f"嵌套层级超过 {MAX_DEPTH} 层"
        return Document(
            path, display, None, [Problem.at(Position(display, 1, 1), "yaml-too-deep", msg)]
        )
    return Document(path, display, root, problems + more)


# the comment ``gongshi new`` writes after every placeholder value a person must still check
REVIEW_MARK = "# 请核对"


def review_lines(text: str) -> frozenset[int]:
    """The line numbers (from 1) of a record text that carry the placeholder mark."""
    return frozenset(i for i, line in enumerate(text.splitlines(), 1) if REVIEW_MARK in line)
