"""Read YAML files into raw nodes that remember where they came from.

This is the only module that reads record files. It never builds Python objects from
YAML tags: it composes the node graph with ruamel.yaml and copies it into small
``Raw*`` nodes holding the original scalar text (so money is read exactly from the
text) and the 1-based line and column of every node.

Limits (documented in docs/records.md): a file is at most ``MAX_FILE_BYTES``, nested
at most ``MAX_DEPTH`` levels, with at most ``MAX_NODES`` nodes (the publication ledger, which
the build writes, within ``LEDGER_LIMITS``); anchors, aliases and explicit tags are refused,
so an alias bomb is a problem, not a hang.
"""

from __future__ import annotations

import os
import re
import stat
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from pathlib import Path

from ruamel.yaml import YAML
from ruamel.yaml.composer import Composer, MaxDepthExceededError
from ruamel.yaml.error import MarkedYAMLError, YAMLError
from ruamel.yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode
from ruamel.yaml.reader import ReaderError

from generator.problems import Position, Problem
from generator.text.hidden import show_hidden
from generator.text.personal import mask_numbers

MAX_FILE_BYTES = 2 * 1024 * 1024
MAX_DEPTH = 32
MAX_NODES = 50_000

try:  # PyYAML's bindings of libyaml (PyYAML's wheels hold them)
    from yaml import nodes as _lib_nodes
    from yaml._yaml import CParser as _LibParser

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
    """One file's raw content, or ``None`` when it could not be read at all.

    ``repaired`` is, for a file with YAML syntax mistakes (``root`` None), the content read
    after repairing each mistake where it was found (see ``parse_repairing``): what the
    rest of the file says, so that its other problems can be listed in the same run."""

    path: Path
    display: str
    root: Raw | None
    problems: list[Problem]
    repaired: Raw | None = None


class _NotOrdinary(Exception):
    """Raised by ``_copy_lib`` at what only the pure path words exactly (a limit passed, an
    alias, a tag): the file is read again there."""


class _TooManyNodes(Exception):
    """Raised by the composer at node ``MAX_NODES + 1``; carries the mark where it stopped."""

    def __init__(self, mark: object) -> None:
        super().__init__("too many nodes")
        self.mark = mark


class _LimitedComposer(Composer):
    """Stop composing past the node limit of the reading (``Limits.nodes``).

    Counting while composing (not after) refuses a 2 MB file of ``[0,0,0,…]`` in a few
    seconds instead of composing a million nodes first (a minute and a gigabyte of memory).
    """

    def compose_node(self, parent: object, index: object) -> object:
        self.gongshi_count = getattr(self, "gongshi_count", 0) + 1
        if self.gongshi_count > _LIMITS.get().nodes:
            raise _TooManyNodes(self.parser.peek_event().start_mark)
        return super().compose_node(parent, index)


def _mark_pos(display: str, mark: object) -> Position:
    line = getattr(mark, "line", None)
    col = getattr(mark, "column", None)
    if line is None or col is None:
        return Position(display, 1, 1)
    return Position(display, line + 1, col + 1)


def printable(text: str) -> str:
    """Record text made safe to show in a message: control, invisible and bidirectional
    characters become visible ``\\uXXXX`` escapes, so a key or value can neither send
    terminal escape sequences nor reorder or hide the message around it; a personal number
    in it is masked."""
    shown = "".join(f"\\u{ord(ch):04X}" if ch in "\t\n\r" else ch for ch in show_hidden(text))
    return mask_numbers(shown)  # a resident's number is never echoed whole


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


@dataclass(frozen=True)
class Limits:
    """How much of one file is read: at most ``nodes`` nodes, and libyaml composes text of at
    most ``fast_chars`` characters (larger text takes the pure composer, which counts)."""

    nodes: int = MAX_NODES
    fast_chars: int = _FAST_MAX_CHARS


_LIMITS: ContextVar[Limits] = ContextVar("gongshi_limits", default=Limits())

# The one file of a centre folder the build writes: the publication ledger
# (generator.ledger.published). It grows by about 10,000 nodes and 100 KB a year of records
# and cannot be split, so it is read within the size limit of every file (``MAX_FILE_BYTES``,
# about twenty years), composed by libyaml up to that size, with as many nodes as a file of
# that size written as the build writes a ledger holds. Every reader of it has these limits.
LEDGER_FILE = "published.yaml"
LEDGER_LIMITS = Limits(nodes=MAX_FILE_BYTES // 8, fast_chars=MAX_FILE_BYTES)
_DEEP_DASHES = re.compile(r"(?:[-?:]\s+){8,}")
# anchors, aliases, tags and merge keys: the pure path reports each at its place
_SPECIAL_TOKENS = re.compile(r"(?:^|[\s\[\{,:])[&*!]|<<")
_BRACKETS = re.compile(r"[\[\]{}]")
# a line indented more than 64 spaces (lines as ``str.splitlines`` ends them)
_DEEP_INDENT = re.compile(r"(?:^|[\r\x0b\x0c\x1c-\x1e\x85\u2028\u2029]) {65}", re.MULTILINE)


if _HAVE_LIBYAML:
    _LIB_SCALAR, _LIB_SEQUENCE = _lib_nodes.ScalarNode, _lib_nodes.SequenceNode

    class _LibComposer(_LibParser):
        """libyaml's composer, every untagged node tagged by its kind only: gongshi reads
        scalars as text itself, and implicit resolution (numbers, booleans, dates) was most of
        the time libyaml leaves to Python. Explicit tags are still reported (``_copy_lib``)."""

        def resolve(self, kind: type, value: object, implicit: object) -> str:
            if kind is _LIB_SCALAR:
                return _STR
            return _SEQ if kind is _LIB_SEQUENCE else _MAP

        def descend_resolver(self, parent: object, index: object) -> None:
            pass

        def ascend_resolver(self) -> None:
            pass


_STR, _SEQ, _MAP = (f"tag:yaml.org,2002:{t}" for t in ("str", "seq", "map"))


def _looks_ordinary(text: str) -> bool:
    """Whether a file is plainly an ordinary record: small, shallow, no stacked block markers.

    Only such text goes to libyaml, whose composer has no depth or node limits; anything
    else takes the pure-Python composer that enforces them.
    """
    if (
        len(text) > _LIMITS.get().fast_chars
        or _DEEP_DASHES.search(text)
        or _SPECIAL_TOKENS.search(text)
    ):
        return False
    depth = deepest = 0
    for ch in _BRACKETS.findall(text):
        if ch in "[{":
            depth += 1
            deepest = max(deepest, depth)
        else:
            depth -= 1
    if deepest > 8:
        return False
    return not _DEEP_INDENT.search(text)


def _compose_fast(text: str) -> object | None:
    """Compose with libyaml when available; None means use the pure path.

    libyaml composes an ordinary record file more than ten times faster than the pure-Python
    composer (docs/performance.md), into PyYAML's plain nodes (``_copy_lib``). Any error falls
    back to the pure path, which words the problem exactly.
    """
    if not _HAVE_LIBYAML or not _looks_ordinary(text):
        return None
    parser = _LibComposer(text)
    try:
        return parser.get_single_node()
    except Exception:  # noqa: BLE001 — re-parsed by the pure path for an exact problem
        return None
    finally:
        parser.dispose()


def parse_yaml(text: str, display: str) -> tuple[Raw | None, list[Problem]]:
    """Compose YAML text into raw nodes; every failure is a problem at its mark.

    A file with syntax mistakes gives no root and one problem per mistake, each at the line
    where it is (``parse_repairing``)."""
    root, problems, _repaired = parse_repairing(text, display)
    return root, problems


# at most this many syntax mistakes are reported in one file (each found by repairing the
# ones before it and reading the file again)
MAX_SYNTAX_PROBLEMS = 20


def parse_repairing(text: str, display: str) -> tuple[Raw | None, list[Problem], Raw | None]:
    """Compose YAML text; on a syntax mistake, report it where it is, repair it in a copy of
    the text (``_diagnose``) and read again, until the text reads or cannot be repaired.

    Returns the root (None when the text has a syntax mistake), the problems, and the root of
    the repaired text (None when nothing was repaired or the repairs did not make it readable).
    Repairs change characters within a line, never the number of lines, so every position in
    the repaired text is a line of the file as written."""
    problems: list[Problem] = []
    lines_reported: set[int] = set()
    current = text
    # each repair reads the file again: a large file gets its first mistake only
    rounds = MAX_SYNTAX_PROBLEMS if len(text) <= _FAST_MAX_CHARS else 1
    for _ in range(rounds):
        root, found, repaired = _parse_once(current, display)
        if root is not None or repaired is None:
            if not problems:
                return root, found, None
            fresh = [p for p in found if p.code != "yaml-syntax" or p.line not in lines_reported]
            return None, problems + fresh, root
        if found[0].line in lines_reported:  # a repair that did not help: stop here
            break
        problems.extend(found)
        lines_reported.add(found[0].line)
        current = repaired
    else:
        if rounds > 1:
            last = problems[-1]
            msg = (
                f"本文件的 YAML 语法错误较多，只列出了前 {rounds} 处；请先改正这些，再运行一次检查"
            )
            problems.append(Problem.at(Position(display, last.line, 1), "yaml-syntax", msg))
    return None, problems, None


def _parse_once(text: str, display: str) -> tuple[Raw | None, list[Problem], str | None]:
    """One reading: the root and its problems, or a syntax problem and the text repaired at
    its line (None when it cannot be repaired, or for problems no repair can help)."""
    problems: list[Problem] = []
    fast = _compose_fast(text)
    if fast is not None:
        try:
            root = _copy_lib(fast, display, 0, _copy_state(), problems)
            return root, problems, None
        except _NotOrdinary:
            problems = []
    yaml = YAML(typ="rt", pure=True)
    yaml.Composer = _LimitedComposer
    # ruamel's own depth limit stops composing before Python's recursion limit is reached,
    # at the node ``_copy`` would report (composer depth = ``_copy`` depth + 1).
    yaml.max_depth = MAX_DEPTH + 1
    try:
        node = yaml.compose(text)
    except _TooManyNodes as exc:
        msg = f"文件内容超过 {_LIMITS.get().nodes} 个条目，请拆分文件"
        return None, [Problem.at(_mark_pos(display, exc.mark), "yaml-too-many-nodes", msg)], None
    except MaxDepthExceededError as exc:
        msg = f"嵌套层级超过 {MAX_DEPTH} 层，记录文件不需要这么深的结构"
        return None, [Problem.at(_mark_pos(display, exc.problem_mark), "yaml-too-deep", msg)], None
    except MarkedYAMLError as exc:
        line, col, msg, repaired = _diagnose(text, exc)
        return None, [Problem.at(Position(display, line, col), "yaml-syntax", msg)], repaired
    except RecursionError:
        msg = f"嵌套层级过深（超过 {MAX_DEPTH} 层），记录文件不需要这么深的结构"
        return None, [Problem.at(Position(display, 1, 1), "yaml-too-deep", msg)], None
    except ReaderError as exc:
        # A control character (NUL, ESC …) YAML does not allow anywhere in a file.
        return None, [_reader_problem(text, display, exc)], None
    except (YAMLError, ValueError) as exc:
        msg = f"YAML 语法错误：{type(exc).__name__}"
        return None, [Problem.at(Position(display, 1, 1), "yaml-syntax", msg)], None
    if node is None:
        problems.append(
            Problem.at(Position(display, 1, 1), "empty-file", "文件是空的，至少需要填写必填项")
        )
        return None, problems, None
    state = _copy_state()
    root = _copy(node, display, 0, state, problems)
    return root, problems, None


# ---------------------------------------------------------------- syntax mistakes, in staff words

# Record keys are plain ASCII words, so a line that starts with one followed by a full-width
# colon, or by a colon with no space, is the mistake itself (never a value that holds a colon).
_KEY_START = r"^(?P<lead>[ ]*(?:-[ ]+)*)(?P<key>[A-Za-z_][A-Za-z0-9_]*)"
_FULLWIDTH_COLON = re.compile(_KEY_START + r"[ \t]*：[ \t\u3000]*(?P<rest>.*)$")
_NO_SPACE = re.compile(_KEY_START + r":(?P<rest>[^\s:/].*)$")
_TAB_INDENT = re.compile(r"^[ ]*\t")
_KEY_VALUE = re.compile(_KEY_START + r":[ ]+(?P<rest>\S.*)$")
_INDENT_CAUSES = (
    "expected <block end>",
    "mapping values are not allowed here",
    "did not find expected key",
    "did not find expected '-' indicator",
    "could not find expected ':'",
)
_SYNTAX = "YAML 语法错误："
# how far above the line where the parser stopped the mistake is looked for
_LOOK_BACK = 60


def _shown(text: str, limit: int = 40) -> str:
    text = text.strip()
    return printable(text if len(text) <= limit else text[:limit] + "…")


def _diagnose(text: str, exc: MarkedYAMLError) -> tuple[int, int, str, str | None]:
    """Where a syntax mistake is, in staff words, and the text with that line repaired.

    The parser often notices a mistake a line or more after it (``title：新年音乐会`` is
    read as the start of a longer text until the next line's colon), so the lines from where
    the parser began the item it could not finish (its context mark) down to where it stopped
    are looked at first, for a full-width colon, a colon without a space, a Tab or a quote
    that is never closed; failing those, an indentation that matches no level above."""
    mark = exc.problem_mark or exc.context_mark
    what = (exc.problem or exc.context or "无法解析").strip()
    lines = text.split("\n")
    stop = min(mark.line, len(lines) - 1) if mark else 0
    start = stop - 2
    context = exc.context_mark
    if context is not None and context.line <= stop:
        start = min(start, context.line)
    start = max(0, start, stop - _LOOK_BACK)
    for i in range(start, stop + 1):
        found = _line_mistake(lines, i)
        if found is not None:
            col, msg, fixed = found
            return i + 1, col, _SYNTAX + msg, _replace_line(lines, i, fixed)
    line = stop + 1
    col = (mark.column + 1) if mark else 1
    if what.startswith(_INDENT_CAUSES) and stop < len(lines):
        found = _indent_mistake(lines, stop, what)
        if found is not None:
            col, msg, fixed = found
            return line, col, _SYNTAX + msg, _replace_line(lines, stop, fixed)
    msg = f"{_SYNTAX}{_explain_yaml(what)}。请检查这一行的缩进、冒号和引号"
    return line, col, msg, None


def _replace_line(lines: list[str], i: int, new: str) -> str | None:
    if lines[i] == new:
        return None
    return "\n".join([*lines[:i], new, *lines[i + 1 :]])


def _line_mistake(lines: list[str], i: int) -> tuple[int, str, str] | None:
    """A mistake visible on line ``i`` alone: (column, message, the line repaired)."""
    raw = lines[i]
    cr = "\r" if raw.endswith("\r") else ""
    line = raw[: len(raw) - len(cr)]
    if line.lstrip().startswith("#"):
        return None
    m = _FULLWIDTH_COLON.match(line)
    if m:
        col = line.index("：", m.end("key")) + 1
        fixed = f"{m['lead']}{m['key']}: {m['rest']}"
        msg = (
            "这一行用了全角冒号「：」。键后面应是半角冒号「:」加一个空格，"
            f"应写成 {_shown(fixed)}（切换到英文输入法输入冒号）"
        )
        return col, msg, fixed + cr
    m = _NO_SPACE.match(line)
    if m:
        col = m.end("key") + 1
        fixed = f"{m['lead']}{m['key']}: {m['rest']}"
        msg = f"冒号后缺少空格。半角冒号「:」后面要加一个空格，应写成 {_shown(fixed)}"
        return col, msg, fixed + cr
    if _TAB_INDENT.match(line):
        indent = _expected_indent(lines, i)
        fixed = " " * indent + line.lstrip(" \t")
        msg = (
            "这一行用了 Tab 键缩进，记录文件只能用空格缩进："
            f"请把行首的 Tab 换成空格（与同一层级的上一行对齐，这里应是 {indent} 个空格）"
        )
        return 1, msg, fixed + cr
    col = _open_quote(line)
    if col is not None:
        quote = line[col]
        mark = '「"」' if quote == '"' else "「'」"
        fixed = line.rstrip() + quote
        msg = f"这一行的引号{mark}没有闭合：请在这个值的末尾补上同样的引号，或者去掉开头的引号"
        return col + 1, msg, fixed + cr
    return None


def _open_quote(line: str) -> int | None:
    """The index of a quote that starts a value on this line and is not closed on it."""
    i = 0
    while i < len(line):
        ch = line[i]
        if ch == "#" and (i == 0 or line[i - 1] in " \t"):
            return None  # a comment
        if ch in "\"'" and _starts_value(line, i):
            end = _closing_quote(line, i)
            if end is None:
                return i
            i = end + 1
            continue
        i += 1
    return None


def _starts_value(line: str, i: int) -> bool:
    before = line[:i]
    stripped = before.rstrip(" \t")
    if not stripped:
        return True
    if stripped[-1] in "[{,":
        return True
    return stripped[-1] in ":-?" and len(stripped) < len(before)


def _closing_quote(line: str, i: int) -> int | None:
    quote = line[i]
    j = i + 1
    while j < len(line):
        ch = line[j]
        if quote == '"' and ch == "\\":
            j += 2
            continue
        if ch == quote:
            if quote == "'" and line[j + 1 : j + 2] == "'":
                j += 2  # '' is a quote inside single quotes
                continue
            return j
        j += 1
    return None


def _indent_of(line: str) -> int:
    return len(line) - len(line.lstrip(" "))


def _levels(lines: list[str], i: int) -> tuple[list[int], list[int]]:
    """The indentations of the keys and of the list items on the lines above line ``i``."""
    keys: list[int] = []
    items: list[int] = []
    for line in lines[:i]:
        body = line.rstrip("\r")
        if not body.strip() or body.lstrip().startswith("#"):
            continue
        indent = _indent_of(body)
        rest = body[indent:]
        while rest.startswith("- ") or rest == "-":
            items.append(indent)
            step = len(rest) - len(rest[1:].lstrip(" "))
            indent += step
            rest = rest[step:]
        if rest:
            keys.append(indent)
    return keys, items


def _expected_indent(lines: list[str], i: int) -> int:
    """The indentation of the nearest line above that holds something, or one level deeper
    when that line opens a block (ends with a colon)."""
    for line in reversed(lines[:i]):
        body = line.rstrip("\r")
        if body.strip() and not body.lstrip().startswith("#"):
            indent = _indent_of(body)
            if body.rstrip().endswith(":"):
                return indent + 2
            rest = body[indent:]
            return indent + 2 if rest.startswith("- ") else indent
    return 0


def _indent_mistake(lines: list[str], i: int, what: str) -> tuple[int, str, str] | None:
    """An indentation that matches no level above (``缩进不齐``), or, on a line indented
    like its neighbours, a value holding a colon and a space (quote it)."""
    raw = lines[i]
    cr = "\r" if raw.endswith("\r") else ""
    line = raw[: len(raw) - len(cr)]
    if not line.strip():
        return None
    indent = _indent_of(line)
    keys, items = _levels(lines, i)
    is_item = line[indent:].startswith("- ")
    levels = sorted(set(items if is_item and items else keys or items or [0]))
    if indent not in levels:
        want = min(levels, key=lambda lv: (abs(lv - indent), lv))
        fixed = " " * want + line[indent:]
        msg = (
            f"缩进不齐：这一行前面有 {indent} 个空格，与上面同一层级的行对不上"
            f"（应是 {want} 个空格）。同一层级的键要左端对齐，只用空格缩进"
        )
        return 1, msg, fixed + cr
    if what.startswith("mapping values are not allowed here"):
        m = _KEY_VALUE.match(line)
        if m and not m["rest"].startswith(("'", '"', "{", "[")):
            value = m["rest"].rstrip().replace("'", "''")
            fixed = f"{m['lead']}{m['key']}: '{value}'"
            msg = (
                "这一行的值里有“冒号加空格”，会被当成又一个键。值里需要冒号时，"
                f"请把整个值用引号括起来，例如 {_shown(fixed)}"
            )
            return m.end("key") + 3, msg, fixed + cr
    return None


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


def _copy_state() -> dict:
    """What ``_copy`` and ``_copy_lib`` count through one file: its nodes, those seen, and
    the most it may have (``Limits``)."""
    return {"count": 0, "seen": set(), "nodes": _LIMITS.get().nodes}


def _copy(node: Node, display: str, depth: int, state: dict, problems: list[Problem]) -> Raw:
    pos = _pos(display, node)
    state["count"] += 1
    if depth > MAX_DEPTH:
        raise_once = "yaml-too-deep" not in {p.code for p in problems}
        if raise_once:
            msg = f"嵌套层级超过 {MAX_DEPTH} 层，记录文件不需要这么深的结构"
            problems.append(Problem.at(pos, "yaml-too-deep", msg))
        return RScalar(pos, "", False)
    if state["count"] > state["nodes"]:
        if "yaml-too-many-nodes" not in {p.code for p in problems}:
            msg = f"文件内容超过 {state['nodes']} 个条目，请拆分文件"
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


def _copy_lib(node: object, display: str, depth: int, state: dict, problems: list[Problem]) -> Raw:
    """``_copy`` of a node libyaml composed (``_compose_fast``): ordinary text only, so no
    anchor, tag or merge key reaches it (``_looks_ordinary``), but the same limits and the same
    refusals hold."""
    mark = node.start_mark  # type: ignore[attr-defined]
    pos = Position(display, mark.line + 1, mark.column + 1)
    state["count"] += 1
    tag = node.tag  # type: ignore[attr-defined]
    if (
        depth > MAX_DEPTH
        or state["count"] > state["nodes"]
        or id(node) in state["seen"]
        or tag not in (_STR, _SEQ, _MAP)
    ):
        # what the pure path words exactly: only hostile text gets here, and it is read there
        raise _NotOrdinary
    state["seen"].add(id(node))
    if tag == _STR:
        return RScalar(pos, node.value, node.style in ("'", '"'))  # type: ignore[attr-defined]
    if tag == _SEQ:
        return RSeq(pos, [_copy_lib(n, display, depth + 1, state, problems) for n in node.value])  # type: ignore[attr-defined]
    items: list[tuple[RScalar, Raw]] = []
    for k, v in node.value:  # type: ignore[attr-defined]
        key = _copy_lib(k, display, depth + 1, state, problems)
        if not isinstance(key, RScalar):
            problems.append(
                Problem.at(key.pos, "wrong-type", "键必须是简单的文字，不能是列表或映射")
            )
            continue
        items.append((key, _copy_lib(v, display, depth + 1, state, problems)))
    return RMap(pos, items)


# While ``reading_past_mistakes`` is active, a file whose syntax mistakes could all be
# repaired reads as its repaired content, and the syntax problems go to the list it yields.
_PAST_MISTAKES: ContextVar[list[Problem] | None] = ContextVar("gongshi_past_mistakes", default=None)


@contextmanager
def reading_past_mistakes() -> Iterator[list[Problem]]:
    """Read files with YAML syntax mistakes as if they were repaired, collecting the syntax
    problems in the list yielded: whoever reads the files inside (``validate_centre``) then
    checks everything else they say, so one check lists every problem of every file. The
    caller must add the collected problems to its own (they are errors: the files are still
    wrong)."""
    collected: list[Problem] = []
    token = _PAST_MISTAKES.set(collected)
    try:
        yield collected
    finally:
        _PAST_MISTAKES.reset(token)


_FILE_TYPES = (
    (stat.S_ISDIR, "一个文件夹"),
    (stat.S_ISFIFO, "一个命名管道（FIFO）"),
    (stat.S_ISSOCK, "一个套接字"),
    (stat.S_ISCHR, "一个设备文件"),
    (stat.S_ISBLK, "一个设备文件"),
)


def project_root_of(path: Path, display: str) -> Path | None:
    """The folder ``display`` is relative to: the project, for a record shown by
    ``Project.display`` (None when ``display`` is not the tail of ``path``)."""
    rel = Path(display)
    if rel.is_absolute() or not display or ".." in rel.parts:
        return None
    full = path.absolute()
    if full.parts[-len(rel.parts) :] != rel.parts:
        return None
    return Path(*full.parts[: -len(rel.parts)])


def file_refusal(path: Path, display: str) -> str | None:
    """Why a record file must not be read (in Chinese), or None. Looked at with ``lstat`` and
    ``stat`` only, never by opening it: a link (of the file or of a folder above it) that
    leads out of the project, a folder, a FIFO (opening one waits for a writer), a socket or
    a device named like a record."""
    root = project_root_of(path, display)
    if root is not None:
        try:
            target = path.resolve()
            target.relative_to(root.resolve())
        except ValueError:
            return (
                "这个文件（或它所在的文件夹）是指向项目文件夹以外的链接，不能作为记录读取；"
                "请把文件本身放在这里，而不是链接"
            )
        except (OSError, RuntimeError):
            return "这个文件是无法解析的链接（可能指向自身或已不存在）"
    try:
        what = not_a_regular_file(path)
    except OSError as exc:
        return f"无法读取文件：{exc.strerror or exc}"
    if what is not None:
        return f"这里应是一个记录文件（.yaml），但它是{what}，不能读取；请删除它或换成普通文件"
    return None


def not_a_regular_file(path: Path) -> str | None:
    """What ``path`` is when it is not a regular file (in Chinese: 一个文件夹, 一个命名管道…),
    found with ``stat`` and never by opening it (opening a FIFO waits for a writer); None for
    a regular file. Raises OSError when it cannot be looked at."""
    mode = os.stat(path).st_mode
    for test, what in _FILE_TYPES:
        if test(mode):
            return what
    return None if stat.S_ISREG(mode) else "一个特殊文件"


def _read_bytes(path: Path) -> bytes:
    """A regular file's bytes, at most ``MAX_FILE_BYTES + 1`` of them. Opened without
    waiting (a FIFO swapped in after ``file_refusal`` looked does not block) and checked
    again on the open file."""
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0))
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            raise OSError(0, "不是普通文件")
        chunks: list[bytes] = []
        left = MAX_FILE_BYTES + 1
        while left > 0:
            chunk = os.read(fd, min(left, 1 << 20))
            if not chunk:
                break
            chunks.append(chunk)
            left -= len(chunk)
        return b"".join(chunks)
    finally:
        os.close(fd)


def read_document(path: Path, display: str) -> Document:
    """Read one YAML file; never raises for bad content.

    A file that is not a regular file inside the project is refused before it is opened
    (``file_refusal``; the project is the folder ``display`` is relative to). A publication
    ledger is read within its own limits (``LEDGER_LIMITS``)."""
    if path.name != LEDGER_FILE:
        return _read_document(path, display)
    token = _LIMITS.set(LEDGER_LIMITS)
    try:
        return _read_document(path, display)
    finally:
        _LIMITS.reset(token)


def _read_document(path: Path, display: str) -> Document:
    refusal = file_refusal(path, display)
    if refusal is not None:
        return Document(
            path, display, None, [Problem.at(Position(display), "file-unreadable", refusal)]
        )
    try:
        data = _read_bytes(path)
    except OSError as exc:
        msg = f"无法读取文件：{exc.strerror or exc}"
        return Document(
            path, display, None, [Problem.at(Position(display), "file-unreadable", msg)]
        )
    if len(data) > MAX_FILE_BYTES:
        size = path.stat().st_size
        msg = f"文件大小 {max(size, len(data))} 字节，超过上限 {MAX_FILE_BYTES} 字节"
        return Document(path, display, None, [Problem.at(Position(display), "file-too-large", msg)])
    text, problems = decode_text(data, display)
    if text is None:
        return Document(path, display, None, problems)
    try:
        root, more, repaired = parse_repairing(text, display)
    except RecursionError:
        msg = f"嵌套层级超过 {MAX_DEPTH} 层"
        return Document(
            path, display, None, [Problem.at(Position(display, 1, 1), "yaml-too-deep", msg)]
        )
    past = _PAST_MISTAKES.get()
    if past is not None and root is None and repaired is not None:
        syntax = [p for p in more if p.code == "yaml-syntax"]
        past.extend(syntax)
        rest = [p for p in more if p.code != "yaml-syntax"]
        return Document(path, display, repaired, problems + rest)
    return Document(path, display, root, problems + more, repaired)


# the comment ``gongshi new`` writes after every placeholder value a person must still check
REVIEW_MARK = "# 请核对"


def review_lines(text: str) -> frozenset[int]:
    """The line numbers (from 1) of a record text that carry the placeholder mark."""
    return frozenset(i for i, line in enumerate(text.splitlines(), 1) if REVIEW_MARK in line)
