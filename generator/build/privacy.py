"""Find residents' personal data in record text and in every generated file before publishing.

Records are typed by many hands and everything gongshi writes is public. A resident's ID
number, mobile number or bank card number typed into a title, a sign-up note or a finance
line must never reach the site, the print PDFs or the open data. This module is the last gate:
the build calls :func:`scan_outputs` on the complete set of generated files before it swaps
them in, and refuses to publish while a problem is reported.

What is detected (:func:`scan_text`):

* **ID numbers** (居民身份证号码, GB 11643): 17 digits and a check character (0–9 or X)
  whose GB 11643 ISO 7064 MOD 11-2 check is right, whose first two digits are a province
  code, and whose digits 7–14 are a real birth date between 1900-01-01 and today. The old
  15-digit numbers (invalid since 2013) are not detected.
* **Mobile numbers** (手机号): 11 digits ``1[3-9]xxxxxxxxx``, also with a ``+86``/``86``/
  ``0086`` prefix — unless the number is a declared public contact of a centre
  (``contact.phone`` or ``operator.phone``, see :func:`allowed_numbers`). Landlines and
  hotlines are public numbers and are never flagged.
* **Bank card numbers** (银行卡号): 13–19 digits passing the Luhn check whose first digits
  are those of a card scheme (3, 4, 5, 6 or 9; 2221–2720 for 16 digits), that is not an ID
  number, not an all-digit unified social credit code with a right GB 32100 check character
  (older codes such as ``91440300…`` can be all digits), and not made of one repeated digit.

How a number is written: digits may be full-width (１３８…), and may be grouped with single
spaces or hyphens (``138 0013 8000``, ``6222-0200-…``, ``440301 19850315 123X``). A number
is only taken as a whole group-aligned run: digits glued to a Latin letter (credit codes such
as ``52440300MJL0000012``, contract numbers such as ``FTMZ2026001``) or to a decimal point
(amounts such as ``1234567890123.45``) are not candidates, and an amount written with
``元``/``¥`` beside it is never a card number. Dates (``2026-03-05``, ``20260305``), amounts
with thousands separators, times and short report numbers (``示审字〔2027〕第001号``) are
too short or split by other characters and are never candidates.

Values are reported masked (``138****8000``) so that the report itself, which may end up in
a CI log, does not repeat the number.
"""

from __future__ import annotations

import datetime as dt
import html
import io
import json
import os
import re
import shutil
import subprocess
import tempfile
import zipfile
from collections.abc import Iterable, Iterator, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from generator.errors import ToolMissing
from generator.problems import CATALOGUE, Position, Problem, Severity
from generator.records.load import Raw, RMap, RScalar, RSeq, read_document
from generator.records.shapes import credit_code_check_char

__all__ = [
    "CODES",
    "Finding",
    "allowed_numbers",
    "extract_text",
    "is_id_number",
    "luhn_ok",
    "scan_outputs",
    "scan_records",
    "scan_text",
]

#: Problem codes of this module: code → (Chinese title, severity). To be listed in the
#: catalogue of generator/problems.py and in docs/problems.md.
CODES: dict[str, tuple[str, Severity]] = {
    code: (CATALOGUE[code].title, CATALOGUE[code].severity)
    for code in ("personal-data-leak", "personal-data-in-record", "personal-data-unchecked")
}

KIND_LABELS = {"id-number": "身份证号", "mobile": "手机号", "bank-card": "银行卡号"}

# GB 11643-1999: province codes (first two digits) of mainland, Hong Kong, Macao and Taiwan
# residents' ID numbers (83 = residence permits of Taiwan residents).
_PROVINCES = frozenset(
    [
        "11",
        "12",
        "13",
        "14",
        "15",
        "21",
        "22",
        "23",
        "31",
        "32",
        "33",
        "34",
        "35",
        "36",
        "37",
        "41",
        "42",
        "43",
        "44",
        "45",
        "46",
        "50",
        "51",
        "52",
        "53",
        "54",
        "61",
        "62",
        "63",
        "64",
        "65",
        "71",
        "81",
        "82",
        "83",
    ]
)
_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK = "10X98765432"
_MOBILE = re.compile(r"1[3-9][0-9]{9}")
# Lengths of candidates: a mobile (11, 13 with 86, 15 with 0086), a card (13–19), an ID (18).
_LENGTHS = frozenset({11, 13, 14, 15, 16, 17, 18, 19})

# One character in, one character out, so spans in the normalised text are spans in the
# original: full-width digits and X, full-width and typographic hyphens, odd spaces.
_NORMALISE = str.maketrans(
    {
        **{chr(0xFF10 + i): str(i) for i in range(10)},
        "Ｘ": "X",
        "ｘ": "x",
        "－": "-",
        "\u2010": "-",
        "\u2011": "-",
        "\u2012": "-",
        "\u2013": "-",
        "\u2014": "-",
        "\u2212": "-",
        "\u3000": " ",
        "\u00a0": " ",
        "\u202f": " ",
        "\u2007": " ",
    }
)
# A run of digit groups joined by single spaces or hyphens; an ID number's final X may end
# the last group. Glued to a Latin letter or a digit on either side: not a run of its own.
_RUN = re.compile(r"(?<![0-9A-Za-z])[0-9]+(?:[ -][0-9]+)*(?:[Xx](?![A-Za-z0-9]))?(?![0-9A-Za-z])")
_GROUP = re.compile(r"[0-9]+[Xx]?")
_MONEY_BEFORE = re.compile(r"(?:[¥￥$]|RMB|人民币)\s*$")
_MONEY_AFTER = re.compile(r"^\s*(?:元|万元|亿元|块)")


@dataclass(frozen=True)
class Finding:
    """A number in a text that looks like a resident's personal data."""

    kind: str  # "id-number" | "mobile" | "bank-card"
    value: str  # normalised: ASCII digits (an ID number may end in X); mobiles without +86
    start: int  # span in the scanned text
    end: int

    @property
    def label(self) -> str:
        """The kind in Chinese (身份证号 …)."""
        return KIND_LABELS[self.kind]

    @property
    def masked(self) -> str:
        """The value with its middle hidden, safe to print in a report."""
        return mask(self.value)


def mask(value: str) -> str:
    """Hide the middle of a number: 13800138000 → 138****8000."""
    keep_head = 3 if len(value) <= 11 else 4
    return value[:keep_head] + "*" * (len(value) - keep_head - 4) + value[-4:]


def id_check_char(first17: str) -> str:
    """The GB 11643 check character of the first 17 digits of an ID number."""
    total = sum(int(c) * w for c, w in zip(first17, _ID_WEIGHTS))
    return _ID_CHECK[total % 11]


def is_id_number(value: str, today: dt.date | None = None) -> bool:
    """True for 18 characters with a province code, a plausible birth date and a right check."""
    if len(value) != 18 or not value[:17].isdigit() or value[17] not in "0123456789X":
        return False
    if value[:2] not in _PROVINCES:
        return False
    try:
        born = dt.date(int(value[6:10]), int(value[10:12]), int(value[12:14]))
    except ValueError:
        return False
    if not dt.date(1900, 1, 1) <= born <= (today or dt.date.today()):
        return False
    return id_check_char(value[:17]) == value[17]


def luhn_ok(digits: str) -> bool:
    """The Luhn (mod 10) check of card numbers."""
    total = 0
    for i, ch in enumerate(reversed(digits)):
        d = int(ch)
        if i % 2 == 1:
            d = d * 2 - 9 if d > 4 else d * 2
        total += d
    return total % 10 == 0


def _card_prefix_ok(digits: str) -> bool:
    if digits[0] in "34569":
        return True
    return len(digits) == 16 and 2221 <= int(digits[:4]) <= 2720


def _is_credit_code(digits: str) -> bool:
    """An all-digit unified social credit code (GB 32100) with a right check character."""
    return len(digits) == 18 and credit_code_check_char(digits[:17]) == digits[17]


def _is_card(digits: str) -> bool:
    return (
        13 <= len(digits) <= 19
        and digits.isdigit()
        and len(set(digits)) > 1
        and _card_prefix_ok(digits)
        and luhn_ok(digits)
        and not _is_credit_code(digits)
    )


def _mobile_of(digits: str) -> str | None:
    """The 11-digit mobile number in ``digits`` (with or without 86/0086), or None."""
    for prefix in ("", "86", "0086"):
        if digits.startswith(prefix) and len(digits) == 11 + len(prefix):
            core = digits[len(prefix) :]
            if _MOBILE.fullmatch(core):
                return core
    return None


def _classify(digits: str, money_like: bool) -> tuple[str, str] | None:
    if len(digits) == 18 and is_id_number(digits):
        return "id-number", digits
    if not money_like:
        mobile = _mobile_of(digits)
        if mobile:
            return "mobile", mobile
        if _is_card(digits):
            return "bank-card", digits
    return None


def normalise_number(text: str) -> str:
    """Digits of a number as written (full-width digits folded, separators and +86 kept out)."""
    s = text.translate(_NORMALISE).upper()
    digits = "".join(ch for ch in s if ch in "0123456789X")
    return _mobile_of(digits) or digits


def scan_text(text: str, allowed: Iterable[str] = ()) -> list[Finding]:
    """Find ID numbers, mobile numbers and bank card numbers in ``text``.

    ``allowed`` holds normalised numbers that may be published (a centre's public phone,
    see :func:`allowed_numbers`); they are not reported.
    """
    allow = {normalise_number(a) for a in allowed if a}
    s = text.translate(_NORMALISE)
    found: list[Finding] = []
    for run in _RUN.finditer(s):
        before = s[max(0, run.start() - 8) : run.start()]
        after = s[run.end() : run.end() + 4]
        # Part of a decimal number (an amount or a measure): 1234567890123.45, 0.13800138000.
        decimal = (before.endswith(".") and before[-2:-1].isdigit()) or (
            after.startswith(".") and after[1:2].isdigit()
        )
        if decimal:
            continue
        money_like = bool(_MONEY_BEFORE.search(before) or _MONEY_AFTER.match(after))
        groups = [
            (g.start() + run.start(), g.end() + run.start(), g.group().upper())
            for g in _GROUP.finditer(run.group())
        ]
        ends = [0]
        for g in groups:
            ends.append(ends[-1] + len(g[2]))
        i = 0
        while i < len(groups):
            hit = None
            # Longest candidate first, so 86 138 0013 8000 is one mobile and an ID number is
            # not also read as a shorter number. Candidates are 11 to 19 characters long, so
            # at most 19 groups.
            for j in range(min(len(groups), i + 19) - 1, i - 1, -1):
                if ends[j + 1] - ends[i] not in _LENGTHS:
                    continue
                digits = "".join(g[2] for g in groups[i : j + 1])
                if digits.endswith("X") and len(digits) != 18:
                    continue
                kind = _classify(digits, money_like)
                if kind:
                    hit = (j, kind)
                    break
            if hit is None:
                i += 1
                continue
            j, (kind, value) = hit
            if value not in allow:
                found.append(Finding(kind, value, groups[i][0], groups[j][1]))
            i = j + 1
    return found


# ------------------------------------------------------------------------------- centres


def allowed_numbers(centre: Any) -> set[str]:
    """The numbers of a centre that are public by declaration, normalised.

    ``contact.phone`` (the centre's public service phone) and ``operator.phone``; the
    operator's credit code too, which is printed on every disclosure and could, rarely, be all
    digits.
    """
    out: set[str] = set()
    contact = getattr(centre, "contact", None)
    operator = getattr(centre, "operator", None)
    for value in (getattr(contact, "phone", None), getattr(operator, "phone", None)):
        if value:
            out.add(normalise_number(str(value)))
    code = str(getattr(operator, "credit_code", None) or "")
    if code.isdigit():  # one with letters is never taken for a number
        out.add(code)
    return out


# ------------------------------------------------------------------------------- records


@dataclass
class _Source:
    """Where a number was written in the records."""

    pos: Position
    digits: str = ""  # all digits of the scalar, for numbers printed out of several fields


@dataclass
class _RecordIndex:
    by_value: dict[str, list[Position]] = field(default_factory=dict)
    scalars: list[_Source] = field(default_factory=list)

    def positions(self, value: str) -> list[Position]:
        if value in self.by_value:
            return self.by_value[value]
        # A number a template printed from pieces: the scalar whose digits contain it.
        return [s.pos for s in self.scalars if value.rstrip("X") in s.digits][:5]


def _walk(node: Raw | None) -> Iterator[RScalar]:
    if isinstance(node, RScalar):
        yield node
    elif isinstance(node, RMap):
        for k, v in node.items:
            yield k
            yield from _walk(v)
    elif isinstance(node, RSeq):
        for item in node.items:
            yield from _walk(item)


def _line_of(lines: list[str], node: RScalar, value: str) -> Position:
    """The exact line and column of ``value`` inside a (possibly multi-line) scalar."""
    first = max(node.pos.line - 1, 0)
    span = node.text.count("\n") + 2
    for n in range(first, min(first + span + 1, len(lines))):
        for f in scan_text(lines[n]):
            if f.value == value:
                return Position(node.pos.file, n + 1, f.start + 1)
    return node.pos


def _record_files(folder: Path) -> list[Path]:
    out = []
    for path in sorted(folder.rglob("*")):
        if any(part.startswith(".") for part in path.relative_to(folder).parts):
            continue
        if path.is_symlink() or not path.is_file():
            continue
        if path.suffix.lower() in (".yaml", ".yml", ".md", ".txt"):
            out.append(path)
    return out


def _index_records(project: Any, folders: Iterable[Path]) -> _RecordIndex:
    index = _RecordIndex()
    for folder in folders:
        for path in _record_files(folder):
            display = project.display(path)
            try:
                raw = path.read_bytes()
            except OSError:
                continue
            lines = raw.decode("utf-8", errors="replace").lstrip("\ufeff").splitlines()
            if path.suffix.lower() in (".yaml", ".yml"):
                doc = read_document(path, display)
                for node in _walk(doc.root):
                    if not any(ch.isdigit() for ch in node.text):
                        continue
                    for f in scan_text(node.text):
                        pos = _line_of(lines, node, f.value)
                        index.by_value.setdefault(f.value, []).append(pos)
                    digits = normalise_number(node.text)
                    if len(digits) >= 11:
                        index.scalars.append(_Source(node.pos, digits))
            else:
                for n, line in enumerate(lines, 1):
                    for f in scan_text(line):
                        index.by_value.setdefault(f.value, []).append(
                            Position(display, n, f.start + 1)
                        )
    for positions in index.by_value.values():
        positions[:] = sorted(set(positions))
    return index


def _centre_folders(project: Any) -> list[Path]:
    root = Path(project.centres)
    if not root.is_dir():
        return []
    return sorted(
        p
        for p in root.iterdir()
        if p.is_dir() and not p.is_symlink() and not p.name.startswith(".")
    )


def _union_allowed(centres: Iterable[Any]) -> set[str]:
    allowed: set[str] = set()
    for ce in centres:
        allowed |= allowed_numbers(ce)
    return allowed


def _problem(pos: Position, code: str, message: str) -> Problem:
    return Problem.at(pos, code, message, severity=CODES[code][1])


_FIX = {
    "id-number": "身份证号属于居民个人信息，不能公示：请从记录中删除",
    "mobile": (
        "个人手机号不能公示：请删除，报名方式可写“电话报名”并公开中心电话；"
        "如果这是中心对外公开的电话，请填写在 centre.yaml 的 contact.phone"
    ),
    "bank-card": "银行卡号属于个人信息，不能公示：请从记录中删除",
}


def scan_records(project: Any, centres: Iterable[Any] = ()) -> list[Problem]:
    """Problems for every ID, mobile or card number written in a centre's record files.

    ``centres`` are the validated centres whose public numbers are allowed. Every folder
    under ``project.centres`` is read, valid or not.
    """
    allowed = _union_allowed(centres)
    index = _index_records(project, _centre_folders(project))
    out = []
    for value, positions in sorted(index.by_value.items()):
        if value in allowed:
            continue
        kind = _kind_of(value)
        for pos in positions:
            msg = f"这里写有{KIND_LABELS[kind]} {mask(value)}。{_FIX[kind]}"
            out.append(_problem(pos, "personal-data-in-record", msg))
    return out


def _kind_of(value: str) -> str:
    if len(value) == 18 and is_id_number(value):
        return "id-number"
    if _MOBILE.fullmatch(value):
        return "mobile"
    return "bank-card"


# ------------------------------------------------------------------------------- outputs

_SKIP_SUFFIXES = frozenset(
    [
        ".js",
        ".mjs",
        ".css",
        ".map",
        ".png",
        ".jpg",
        ".jpeg",
        ".gif",
        ".webp",
        ".ico",
        ".woff",
        ".woff2",
        ".ttf",
        ".otf",
        ".eot",
        ".gz",
        ".br",
        ".sha256",
        ".wasm",
    ]
)
_MD_ESCAPE = re.compile(r"\\([!-/:-@\[-`{-~])")
_ICS_FOLD = re.compile(r"\r?\n[ \t]")
_ICS_ESCAPE = re.compile(r"\\([,;\\nN])")


_INLINE_TAG = re.compile(
    r"</?(?:a|abbr|b|bdi|bdo|cite|code|data|del|dfn|em|i|ins|kbd|mark|q|s|samp|small|span"
    r"|strong|sub|sup|time|u|var|wbr|tspan)(?:\s[^<>]*)?/?>",
    re.IGNORECASE,
)


def _angle_to_lines(text: str) -> str:
    """The text of HTML or XML twice: as a reader sees it (inline tags such as <span> do not
    split a number, block tags do), and with every tag a line break but its attributes kept
    (a tel: link or a data attribute may hold a number too)."""
    reading = re.sub(r"<[^<>]*>", "\n", _INLINE_TAG.sub("", text))
    attributes = text.replace("<", "\n").replace(">", "\n")
    return html.unescape(reading) + "\n" + html.unescape(attributes)


def _json_strings(value: Any) -> Iterator[str]:
    if isinstance(value, dict):
        for k, v in value.items():
            yield str(k)
            yield from _json_strings(v)
    elif isinstance(value, list):
        for v in value:
            yield from _json_strings(v)
    elif value is not None:
        yield str(value)


def _decode(data: bytes) -> str | None:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return None


def extract_text(path: str, data: bytes) -> str | None:
    """The text a reader sees in a generated file (PDFs excepted), or None to skip it."""
    suffix = Path(path).suffix.lower()
    if suffix in _SKIP_SUFFIXES or suffix == ".pdf":
        return None
    if suffix in (".xlsx", ".docx", ".odt", ".ods"):
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as zf:
                parts = [zf.read(n) for n in zf.namelist() if n.endswith(".xml")]
        except (zipfile.BadZipFile, OSError, RuntimeError):
            return None
        return "\n".join(_angle_to_lines(p.decode("utf-8", errors="replace")) for p in parts)
    text = _decode(data)
    if text is None:
        return None
    if suffix in (".html", ".htm", ".xml", ".svg", ".atom", ".rss"):
        return _angle_to_lines(text)
    if suffix in (".md", ".markdown"):
        return html.unescape(_MD_ESCAPE.sub(r"\1", text))
    if suffix == ".json":
        try:
            return "\n".join(_json_strings(json.loads(text)))
        except ValueError:
            return text
    if suffix in (".ics", ".ical"):
        return _ICS_ESCAPE.sub(lambda m: "\n" if m[1] in "nN" else m[1], _ICS_FOLD.sub("", text))
    return text


def _pdftotext() -> str:
    exe = shutil.which("pdftotext")
    if exe is None:
        raise ToolMissing(
            "未找到 pdftotext（poppler-utils），无法检查 PDF 中是否含有居民个人信息。"
            "请安装：sudo apt-get install poppler-utils（或运行 bash scripts/setup.sh）。"
        )
    return exe


def pdf_text(data: bytes, exe: str | None = None) -> str | None:
    """The text of a PDF read with pdftotext, or None when it cannot be read (encrypted …)."""
    exe = exe or _pdftotext()
    with tempfile.TemporaryDirectory(prefix="gongshi-pii-") as tmp:
        src = Path(tmp) / "in.pdf"
        src.write_bytes(data)
        try:
            done = subprocess.run(
                [exe, "-q", "-enc", "UTF-8", str(src), "-"],
                capture_output=True,
                timeout=120,
                check=False,
            )
        except (subprocess.TimeoutExpired, OSError):
            return None
    if done.returncode != 0:
        return None
    return done.stdout.decode("utf-8", errors="replace")


def _texts(files: Mapping[str, bytes]) -> Iterator[tuple[str, str | None]]:
    """(path, text) of every file to scan; text None for a PDF that could not be read."""
    pdfs = sorted(p for p in files if p.lower().endswith(".pdf"))
    for path in sorted(files):
        if path.lower().endswith(".pdf"):
            continue
        text = extract_text(path, files[path])
        if text is not None:
            yield path, text
    if pdfs:
        exe = _pdftotext()
        workers = max(1, min(8, os.cpu_count() or 1))
        with ThreadPoolExecutor(max_workers=workers) as pool:
            yield from zip(pdfs, pool.map(lambda p: pdf_text(files[p], exe), pdfs))


def scan_outputs(files: Mapping[str, bytes], centres: Iterable[Any], project: Any) -> list[Problem]:
    """Problems for every personal number found in the generated files, at its record line.

    Args:
        files: every file about to be published, path → bytes (site pages, data files,
            print PDFs, copied attachments).
        centres: the validated centres; their declared public phones are allowed.
        project: the ``generator.records.validate.Project`` whose ``centres/`` folders are searched
            for the record line each number came from.

    Returns one ``personal-data-leak`` error per record line (naming the output files where
    the number appeared), or at the output file when no record holds the number (an
    attachment); a ``personal-data-unchecked`` warning per PDF whose text cannot be read.

    Raises:
        ToolMissing: there are PDFs and pdftotext is not installed.
    """
    allowed = _union_allowed(list(centres))
    where: dict[tuple[str, str], list[str]] = {}  # (kind, value) → output paths
    out: list[Problem] = []
    for path, text in _texts(files):
        if text is None:
            msg = f"无法提取 PDF 文件 {path} 的文字（可能已加密），未能检查其中是否含有个人信息"
            out.append(_problem(Position(path), "personal-data-unchecked", msg))
            continue
        for f in scan_text(text, allowed):
            paths = where.setdefault((f.kind, f.value), [])
            if path not in paths:
                paths.append(path)
    if not where:
        return out
    index = _index_records(project, _centre_folders(project))
    for (kind, value), paths in sorted(where.items()):
        shown = "、".join(paths[:3]) + (f" 等 {len(paths)} 个文件中" if len(paths) > 3 else " 中")
        positions = index.positions(value)
        head = f"{KIND_LABELS[kind]} {mask(value)} 会被公开在 {shown}。"
        if positions:
            for pos in positions:
                out.append(_problem(pos, "personal-data-leak", head + _FIX[kind]))
        else:
            msg = (
                head
                + "记录文件中找不到它的来源（可能在附件 PDF 中）：请删除附件中的个人信息或不公开该附件"
            )
            out.append(_problem(Position(paths[0]), "personal-data-leak", msg))
    return out
