"""Helpers for the hostile-input tests: the case corpus in tests/hostile/, planting text into
a copy of the minimal project, and reading back what a reader of the site or a PDF sees."""

from __future__ import annotations

import datetime as dt
import html
import json
import re
import shutil
import subprocess
import tempfile
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path

from generator.ledger.published import CORRECTION, centre_ledger, updated_ledger
from generator.pipeline import load_project
from generator.records.load import RMap, RSeq, parse_yaml
from generator.records.schema import Obj, Seq, Str
from generator.records.shapes import FILE_KINDS, POPULATIONS
from generator.records.validate import FOLDERS, Project

HOSTILE = Path(__file__).resolve().parent / "hostile"
MINIMAL = Path(__file__).resolve().parent / "fixtures" / "minimal"
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


# ------------------------------------------------------------------ planting into every field
#
# The case tests/hostile/inject-every-field.yaml lists payloads; ``plant_every_field`` writes
# them into every free-text field of every record file of a copy of the minimal project,
# walking the record shapes (generator/records/shapes.py) alongside the records, so that a
# field added to a shape is planted without touching this file.


@dataclass
class Scalar:
    """A scalar as written (``quoted`` as in the source), or a planted value."""

    text: str
    quoted: bool = True
    planted: bool = False


@dataclass
class Planted:
    """Where the payloads went: (file, key path, line) of every planted value."""

    fields: list[tuple[str, str, int]] = field(default_factory=list)
    paths: set[str] = field(default_factory=set)  # schema paths (file kind/key/key…)
    values: dict[str, str] = field(default_factory=dict)  # schema path → its first value


def every_field_case() -> Case:
    (case,) = [c for c in all_cases() if c.plant == "every-field"]
    return case


def payload_values(case: Case | None = None) -> dict[str, list[str]]:
    """The case's values by size: ``line`` (≤ 200 characters, one line), ``name`` (≤ 100),
    ``block`` (several lines), ``email`` and ``website`` (hostile yet well-formed)."""
    case = case or every_field_case()
    root, problems = parse_yaml(case.path.read_text(encoding="utf-8"), case.name)
    assert root is not None and not problems, problems
    out: dict[str, list[str]] = {}
    for key, value in root.items:  # type: ignore[union-attr]
        out[key.text] = [item.text for item in value.items]  # type: ignore[union-attr]
    return out


def text_kind(kind: object) -> bool:
    """A free-text field: a ``Str`` with no format of its own (pattern or special kind)."""
    return type(kind) is Str and not kind.pattern  # type: ignore[attr-defined]


def format_kind(kind: object) -> bool:
    """A field of text with a format: a pattern, or a kind that checks its own (Phone…)."""
    return isinstance(kind, Str) and not text_kind(kind)


def text_paths(kind: object, prefix: str) -> list[str]:
    """Every free-text field under ``kind``, as key paths (``centre/contact/feedback``)."""
    if isinstance(kind, Obj):
        return [p for f in kind.fields for p in text_paths(f.kind, f"{prefix}/{f.key}")]
    if isinstance(kind, Seq):
        return text_paths(kind.of, prefix + "[]")
    return [prefix] if text_kind(kind) else []


def _to_tree(node):
    if isinstance(node, RMap):
        return {k.text: _to_tree(v) for k, v in node.items}
    if isinstance(node, RSeq):
        return [_to_tree(v) for v in node.items]
    return Scalar(node.text, node.quoted)


def _emit(value, indent: int, lines: list[str], where: dict[int, int]) -> None:
    pad = " " * indent
    items = value.items() if isinstance(value, dict) else ((None, v) for v in value)
    for key, v in items:
        head = f"{pad}{json.dumps(key, ensure_ascii=False)}:" if key is not None else f"{pad}-"
        if isinstance(v, Scalar):
            text = json.dumps(v.text, ensure_ascii=False) if v.quoted else v.text
            if v.planted:
                where[id(v)] = len(lines) + 1
            lines.append(f"{head} {text}")
        elif not v:
            lines.append(f"{head} {'{}' if isinstance(v, dict) else '[]'}")
        else:
            lines.append(head)
            _emit(v, indent + 2, lines, where)


def dump_tree(tree: dict) -> tuple[str, dict[int, int]]:
    """YAML of a tree of dicts, lists and Scalars, and the line of each planted Scalar."""
    lines: list[str] = []
    where: dict[int, int] = {}
    _emit(tree, 0, lines, where)
    return "\n".join(lines) + "\n", where


# Items added where the minimal project has none, so that their text fields are planted too;
# the other values are ordinary ones the checks accept ("@" marks the text the walk fills in).
_SEEDS: dict[str, dict] = {
    "centre/populations": {key: {"count": "12", "referral": "@"} for key in POPULATIONS},
    "centre/volunteers/teams": ["@"],
    "evaluation/entries": [{"item": "@", "points": "1", "note": "@"}],
    "evaluation/other_evaluations": [
        {"kind": "中期评估", "date": "2026-07-01", "evaluator": "@", "summary": "@"}
    ],
    "evaluation/vote_verification": {"by": "@", "on": "2027-01-20"},
    "centre/recurring": [
        {
            "weekday": "周三",
            "time": "09:00-10:00",
            "room": "@",
            "title": "@",
            "description": "@",
            "service": "3.3.1",
            "form": "群体",
            "target": "@",
            "capacity": "10",
            "signup": "@",
        }
    ],
}


class _Planter:
    def __init__(self, values: dict[str, list[str]], skip: set[str]) -> None:
        self.values = values
        self.skip = skip
        self.count = 0
        self.planted: list[tuple[str, Scalar]] = []  # (key path, value)

    def value(self, kind) -> str:
        """The next payload for a field of ``kind``: as much of the corpus as it takes."""
        self.count += 1
        if kind.multiline:
            return self.values["block"][self.count % len(self.values["block"])]
        pool = self.values["line"] if kind.max_len >= 200 else self.values["name"]
        fits = [v for v in pool + self.values["short"] if len(v) <= kind.max_len]
        fits = [v for v in pool if v in fits] or fits or [pool[0][: kind.max_len]]
        return fits[self.count % len(fits)]

    def walk(self, kind, value, path: str):
        if isinstance(kind, Obj) and isinstance(value, dict):
            for f in kind.fields:
                sub = f"{path}/{f.key}"
                if sub in self.skip:
                    value.pop(f.key, None)
                    continue
                if f.key in value:
                    value[f.key] = self.walk(f.kind, value[f.key], sub)
                elif sub in _SEEDS:
                    value[f.key] = self.walk(f.kind, _seed(_SEEDS[sub]), sub)
                elif text_kind(f.kind) or (format_kind(f.kind) and f.key in self.values):
                    value[f.key] = self.walk(f.kind, Scalar("@"), sub)
            return value
        if isinstance(kind, Seq) and isinstance(value, list):
            if not value and path in _SEEDS:
                value = _seed(_SEEDS[path])
            return [self.walk(kind.of, v, path + "[]") for v in value]
        key = path.rsplit("/", 1)[-1]
        if isinstance(value, Scalar) and not _is_null(value) and text_kind(kind):
            planted = Scalar(self.value(kind), planted=True)
            self.planted.append((path, planted))
            return planted
        if isinstance(value, Scalar) and format_kind(kind) and key in self.values:
            planted = Scalar(self.values[key][0], planted=True)
            self.planted.append((path, planted))
            return planted
        return value


def _seed(value):
    if isinstance(value, dict):
        return {k: _seed(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_seed(v) for v in value]
    return Scalar(value, quoted=value != "@")


def _is_null(value: Scalar) -> bool:
    return not value.quoted and value.text in ("", "~", "null", "Null", "NULL")


# Fields that must name something else in the records: planted as the name they point to.
_REFERENCES = {
    "plan/activities[]/room": "centre/rooms[]/name",
    "centre/recurring[]/room": "centre/rooms[]/name",
}


def plant_every_field(
    project: Path, centre_id: str = CENTRE[1], drop: frozenset[str] = frozenset()
) -> Planted:
    """Plant the payloads of the every-field case into every free-text field of every record
    file of a centre in ``project`` (a copy of the minimal project), adding the optional
    fields and list items the records leave out, and leaving out the fields in ``drop``
    (key paths such as ``centre/official_name``). Returns where each value went."""
    values = payload_values()
    centre = project / "centres" / centre_id
    files = [("centre", centre / "centre.yaml")]
    for folder, (kind, _pattern, _hint) in FOLDERS.items():
        files += [(kind, p) for p in sorted((centre / folder).glob("*.yaml"))]
    assert {k for k, _ in files} == set(FILE_KINDS), "every record kind has a file to plant"
    planter = _Planter(values, set(drop) | UNPLANTED)
    trees = {}
    for kind, path in files:
        root, problems = parse_yaml(path.read_text(encoding="utf-8"), path.name)
        assert root is not None and not problems, problems
        trees[path] = (kind, planter.walk(FILE_KINDS[kind], _to_tree(root), kind))
    # references: every planted room name is a room; activities use them in turn
    rooms = [v for p, v in planter.planted if p == "centre/rooms[]/name"]
    used = 0
    for p, v in planter.planted:
        if _REFERENCES.get(p) == "centre/rooms[]/name" and rooms:
            v.text = rooms[used % len(rooms)].text
            used += 1
    # the official name carries the community's name (a record rule), so it begins with it
    named = dict(planter.planted)
    if "centre/official_name" in named and "centre/community" in named:
        named["centre/community"].text = values["name"][0]
        named["centre/official_name"].text = values["name"][0] + values["short"][0]
    result = Planted(paths={p for p, _ in planter.planted})
    for p, v in planter.planted:
        result.values.setdefault(p, v.text)
    for path, (kind, tree) in trees.items():
        text, where = dump_tree(tree)
        path.write_text(text, encoding="utf-8")
        rel = path.relative_to(centre).as_posix()
        for p, v in planter.planted:
            if id(v) in where:
                result.fields.append((rel, p, where[id(v)]))
    return result


# The attachment path names a file in the centre folder (its own cases are in path-escape).
UNPLANTED = {"audit/report_pdf"}

EVERY_FIELD_DAY = dt.date(2027, 6, 1)  # every record of the minimal project is published
CORRECTED = "finance/2026-Q1"  # the disclosure corrected after publication


def every_field_project(tmp: Path) -> tuple[Path, dict[str, Planted]]:
    """The hostile project of the every-field case: a copy of the minimal project whose centre
    ``demo`` has every free-text field planted (its name recorded as official_name), a second
    centre ``composed`` likewise but named from its brand, street and community, and a
    correction of demo's first quarter whose own text fields are planted too, and demo's own
    manual text (additions to a manual, and a manual of its own)."""
    dest = tmp / "every-field"
    shutil.copytree(MINIMAL, dest)
    # the manuals of the repository's content, so that a centre's own manual text is printed
    shutil.copytree(MINIMAL.parents[2] / "content" / "manuals", dest / "content" / "manuals")
    shutil.copytree(dest / "centres" / "demo", dest / "centres" / "composed")
    planted = {
        "demo": plant_every_field(dest, "demo"),
        "composed": plant_every_field(dest, "composed", frozenset({"centre/official_name"})),
    }
    # what was published goes into demo's ledger, as a build records it; then a correction
    centres = {c.id: c for c in load_project(dest, EVERY_FIELD_DAY).centres}
    path, ledger = centre_ledger(Project(dest), centres["demo"])
    text = updated_ledger(centres["demo"], ledger, EVERY_FIELD_DAY)
    assert text is not None and text.rstrip().endswith("corrections:"), text
    planter = _Planter(payload_values(), set())
    correction = planter.walk(
        CORRECTION,
        {
            "disclosure": Scalar(CORRECTED),
            "date": Scalar("2026-05-10"),
            "reason": Scalar("@"),
            "approved_by": Scalar("@"),
        },
        "correction",
    )
    body, where = dump_tree({"corrections": [correction]})
    offset = len(text.rstrip("\n").splitlines()) - 1
    path.write_text(
        text.rstrip("\n").removesuffix("corrections:").rstrip("\n") + "\n" + body,
        encoding="utf-8",
    )
    planted["demo"].paths |= {p for p, _ in planter.planted}
    planted["demo"].fields += [
        ("published.yaml", p, where[id(v)] + offset) for p, v in planter.planted
    ]
    _plant_manuals(dest / "centres" / "demo" / "manuals", payload_values())
    finance = dest / "centres" / "demo" / "finance" / "2026-Q1.yaml"
    text = finance.read_text(encoding="utf-8")
    assert '"notes": "' in text
    finance.write_text(text.replace('"notes": "', '"notes": "更正后：', 1), encoding="utf-8")
    return dest, planted


def _plant_manuals(folder: Path, values: dict[str, list[str]]) -> None:
    """A centre's own manual text (docs/manuals.md): additions to the venue manual (a new
    chapter, an article with its heading) and a manual of its own, all of payloads."""
    folder.mkdir(parents=True, exist_ok=True)
    title, block = values["name"][0], values["block"][0]
    add = {
        "chapters": [{"title": Scalar(title)}],
        "articles": [
            {"after": Scalar("1"), "heading": Scalar(values["name"][1]), "text": Scalar(block)},
            {"chapter": Scalar(title), "text": Scalar(values["block"][1])},
        ],
    }
    (folder / "venue.add.yaml").write_text(dump_tree(add)[0], encoding="utf-8")
    lines = "\n\n".join(f"§ {line}" for line in block.splitlines() if line.strip())
    own = (
        f"---\ntitle: {json.dumps(values['name'][2], ensure_ascii=False)}\n---\n"
        f"## {values['name'][1]}\n\n{lines}\n\n## 附则\n\n§ {values['line'][0]}\n"
    )
    (folder / "inject-own.md").write_text(own, encoding="utf-8")


def all_text_paths() -> set[str]:
    """Every free-text field of every record kind, from the record shapes."""
    return {p for kind, shape in FILE_KINDS.items() for p in text_paths(shape, kind)}
