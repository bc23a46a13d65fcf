"""Helpers for the hostile-input tests: the case corpus in tests/hostile/, planting text into
a copy of the minimal project, and reading back what a reader of the site or a PDF sees."""

from __future__ import annotations

import html
import json
import re
import shutil
import subprocess
import tempfile
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path

HOSTILE = Path(__file__).resolve().parent / "hostile"
CENTRE = ("centres", "demo")

_HEADER = re.compile(r"^# (attacks|file|plant|expect|leak):\s*(.*)$")


@dataclass
class Case:
    """One hostile case: a record file (or folder) and what checking it must report."""

    name: str
    path: Path
    attacks: str
    file: str | None = None  # the record file (relative to the centre folder) it replaces
    plant: str | None = None  # "text": a value planted into every free-text field kind
    exit: int = 1
    expect: list[tuple[str, int | None]] = field(default_factory=list)  # (code, line)
    leaks: list[tuple[str, int]] = field(default_factory=list)  # (kind, line) for the PII guard
    text: str | None = None  # the planted text of a "plant: text" case

    @property
    def is_dir(self) -> bool:
        return self.path.is_dir()


def _header(path: Path) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    last = None
    for line in path.read_text(encoding="utf-8").splitlines():
        m = _HEADER.match(line)
        if m:
            last = m[1]
            found.setdefault(last, []).append(m[2].strip())
        elif line.startswith("#   ") and last == "attacks":
            found["attacks"][-1] += " " + line[4:].strip()
        elif not line.startswith("#"):
            break
    return found


def _case_file(path: Path) -> Path:
    """The file holding a case's header: the case itself, or the YAML file of a folder case."""
    if path.is_file():
        return path
    for p in sorted(path.rglob("*.yaml")):
        if "expect" in _header(p):
            return p
    raise ValueError(f"{path}: no YAML file with an '# expect:' header")


def load_case(path: Path) -> Case:
    head = _header(_case_file(path))
    name = path.name.removesuffix(".yaml")
    expect_words = head["expect"][0].split()
    case = Case(
        name=name,
        path=path,
        attacks=head.get("attacks", [""])[0],
        file=head.get("file", [None])[0],
        plant=head.get("plant", [None])[0],
        exit=int(expect_words[0]),
    )
    for word in expect_words[1:]:
        code, _, line = word.partition("@")
        case.expect.append((code, int(line) if line else None))
    for word in " ".join(head.get("leak", [])).split():
        kind, _, line = word.partition("@")
        case.leaks.append((kind, int(line)))
    if case.plant == "text":
        data = path.read_text(encoding="utf-8")
        m = re.search(r"^text: (.*)$", data, re.MULTILINE)
        assert m, f"{path}: a 'plant: text' case needs a 'text:' line"
        case.text = _yaml_scalar(m[1])
    return case


def _yaml_scalar(src: str) -> str:
    """The value of one single-line YAML scalar, read with gongshi's own loader."""
    from generator.records.load import parse_yaml

    root, problems = parse_yaml(f"v: {src}\n", "case")
    assert root is not None and not problems, problems
    return root.get("v").text  # type: ignore[union-attr]


def all_cases() -> list[Case]:
    return [load_case(p) for p in sorted(HOSTILE.iterdir()) if p.suffix == ".yaml" or p.is_dir()]


def apply_case(case: Case, project: Path) -> None:
    """Put a record case into the centre folder of ``project`` (a copy of the minimal one)."""
    centre = project.joinpath(*CENTRE)
    if case.is_dir:
        for src in sorted(case.path.rglob("*")):
            if src.is_file():
                dest = centre / src.relative_to(case.path)
                dest.parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(src, dest)
    elif case.file:
        shutil.copyfile(case.path, centre / case.file)


# ------------------------------------------------------------------ planting text


def _q(text: str) -> str:
    """A YAML double-quoted scalar (JSON strings are valid YAML)."""
    return json.dumps(text, ensure_ascii=False)


def plant_texts(project: Path, texts: list[str]) -> None:
    """Plant each text into every free-text field kind of the minimal project's centre.

    Text i becomes: the title, description, target and sign-up note of an extra planned
    activity T<i>, an extra finance line item (amount 0, totals unchanged), an extra audit
    finding, and the reason of an extra closing day. All stay valid records.
    """
    centre = project.joinpath(*CENTRE)
    plan = centre / "plans" / "2026-03.yaml"
    lines = [plan.read_text(encoding="utf-8").rstrip("\n")]
    for i, t in enumerate(texts):
        lines.append(
            f"  - id: T{i:02d}\n"
            f"    date: 2026-03-{(i % 18) + 11:02d}\n"
            f'    start: "{8 + (i // 18):02d}:00"\n'
            f'    end: "{8 + (i // 18):02d}:30"\n'
            f"    room: 多功能活动室\n"
            f"    title: {_q(t)}\n"
            f"    description: {_q(t)}\n"
            f"    service: 3.3.1\n"
            f"    form: 群体\n"
            f"    target: {_q(t)}\n"
            f"    capacity: 10\n"
            f"    signup: {_q(t)}"
        )
    plan.write_text("\n".join(lines) + "\n", encoding="utf-8")

    finance = centre / "finance" / "2026-Q1.yaml"
    text = finance.read_text(encoding="utf-8")
    anchor = "      - {item: 活动物资, amount: 12000.00}\n"
    extra = "".join(f"      - {{item: {_q(t)}, amount: 0.00}}\n" for t in texts)
    assert anchor in text
    finance.write_text(text.replace(anchor, anchor + extra), encoding="utf-8")

    audit = centre / "audits" / "2026.yaml"
    text = audit.read_text(encoding="utf-8")
    anchor = "  - 固定资产台账需及时更新\n"
    assert anchor in text
    extra = "".join(f"  - {_q(t)}\n" for t in texts)
    audit.write_text(text.replace(anchor, anchor + extra), encoding="utf-8")

    centre_yaml = centre / "centre.yaml"
    text = centre_yaml.read_text(encoding="utf-8")
    anchor = "    - {from: 2026-10-01, to: 2026-10-07, reason: 国庆节}\n"
    assert anchor in text
    extra = "".join(
        f"    - {{date: 2026-{11 + i // 28:02d}-{(i % 28) + 1:02d}, reason: {_q(t)}}}\n"
        for i, t in enumerate(texts)
    )
    centre_yaml.write_text(text.replace(anchor, anchor + extra), encoding="utf-8")


# ------------------------------------------------------------------ reading outputs back


class PageReader(HTMLParser):
    """What a browser would make of a page: visible text, script elements, attributes."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.text: list[str] = []
        self.scripts: list[tuple[str, str]] = []  # (type, content)
        self.tags: list[tuple[str, list[tuple[str, str | None]]]] = []
        self._in: list[str] = []
        self._script_type = ""
        self._script: list[str] = []
        self.strong: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, attrs))
        if tag in ("script", "style", "strong", "em", "b", "i", "code", "a", "h1", "h2"):
            self._in.append(tag)
        if tag == "script":
            self._script_type = dict(attrs).get("type") or ""
            self._script = []

    def handle_endtag(self, tag: str) -> None:
        if tag == "script":
            self.scripts.append((self._script_type, "".join(self._script)))
        if tag in self._in:
            while self._in and self._in.pop() != tag:
                pass

    def handle_data(self, data: str) -> None:
        if "script" in self._in:
            self._script.append(data)
        elif "style" not in self._in:
            self.text.append(data)
            if "strong" in self._in or "b" in self._in:
                self.strong.append(data)


def read_page(data: bytes) -> PageReader:
    reader = PageReader()
    reader.feed(data.decode("utf-8"))
    reader.close()
    return reader


def squeeze(text: str) -> str:
    """Text without any whitespace (line wrapping in PDFs and HTML is not content)."""
    return re.sub(r"\s+", "", text)


def pdftotext(data: bytes, layout: bool = False) -> str:
    """The text of a PDF as poppler's pdftotext reads it.

    ``layout`` keeps the visual order of each line (wide spaces such as U+3000 otherwise make
    pdftotext read a line as two columns); the default reading order suits table cells."""
    exe = shutil.which("pdftotext")
    assert exe, "pdftotext (poppler-utils) is needed: bash scripts/setup.sh"
    with tempfile.TemporaryDirectory() as tmp:
        src = Path(tmp) / "in.pdf"
        src.write_bytes(data)
        args = [exe, "-q", "-enc", "UTF-8", *(["-layout"] if layout else []), str(src), "-"]
        done = subprocess.run(args, capture_output=True, timeout=120, check=True)
    return done.stdout.decode("utf-8")


def read_tree(folder: Path) -> dict[str, bytes]:
    """Every file under ``folder`` by its POSIX path relative to it."""
    return {
        p.relative_to(folder).as_posix(): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def unescape_all(text: str) -> str:
    return html.unescape(text)
