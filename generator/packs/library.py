"""Rule packs and service catalogues: jurisdiction data under content/.

A rule pack (content/rules/<id>.yaml) lists rules, each with its source clause, quoted
wording, threshold and severity; ``extends`` lets a district pack inherit another pack
and override or drop rules. A catalogue (content/catalogue/<id>.yaml) lists the service
tables with their 大项 and 细项 codes. See docs/rule-packs.md.
"""

from __future__ import annotations

import difflib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from generator.packs.params import SEVERITIES, RuleParams, parse_params
from generator.problems import Position, Problem
from generator.records.load import Raw, RMap, RScalar, RSeq, read_document


def to_plain(node: Raw | None) -> Any:
    """Turn raw nodes into plain dicts, lists and strings (numbers stay text)."""
    if node is None:
        return None
    if isinstance(node, RMap):
        return {k.text: to_plain(v) for k, v in node.items}
    if isinstance(node, RSeq):
        return [to_plain(v) for v in node.items]
    assert isinstance(node, RScalar)
    return None if node.is_null else node.text


def positions(node: Raw | None, prefix: tuple = ()) -> dict[tuple, Position]:
    """Map every key path in a raw tree to the position of its value."""
    out: dict[tuple, Position] = {}
    if isinstance(node, RMap):
        for k, v in node.items:
            out[prefix + (k.text,)] = v.pos
            out.update(positions(v, prefix + (k.text,)))
    elif isinstance(node, RSeq):
        for i, v in enumerate(node.items):
            out[prefix + (i,)] = v.pos
            out.update(positions(v, prefix + (i,)))
    return out


@dataclass(frozen=True)
class Rule:
    """One rule of a pack: where it comes from and what it demands."""

    id: str
    check: str
    clause: str
    document: str
    quote: str
    severity: str
    params: RuleParams  # typed: the ``Params`` its check kind declares
    basis: str | None = None
    src: Position = field(default=Position(""), compare=False)
    # the parameters as written (over ``extends``) and where each was written, so that a
    # district pack can override one parameter of an inherited rule
    raw: Mapping[str, Any] = field(default_factory=dict, compare=False, repr=False)
    at: Mapping[str, Position] = field(default_factory=dict, compare=False, repr=False)

    @property
    def citation(self) -> str:
        """The clause as printed by the product: 《title》clause."""
        doc = self.document
        if not doc.startswith("《"):
            doc = f"《{doc}》"
        return f"{doc}{self.clause}"


@dataclass(frozen=True)
class CatalogueItem:
    """A 细项 (or a 大项 when it has no 细项) of the service catalogue."""

    code: str
    title: str
    major: str  # 大项 code
    table: str  # table code, e.g. "1" for 表一


@dataclass(frozen=True)
class Major:
    code: str
    title: str
    goal: str
    table: str
    items: tuple[CatalogueItem, ...]
    target: str | None = None


@dataclass(frozen=True)
class Table:
    code: str
    table: str
    title: str
    kind: str
    population: str | None
    free: bool | None  # None: the source does not say
    majors: tuple[Major, ...]
    note: str | None = None


@dataclass(frozen=True)
class Catalogue:
    """Service catalogue (服务内容建议表)."""

    id: str
    document: str
    tables: tuple[Table, ...]

    def lookup(self, code: str) -> tuple[Table, Major | None, CatalogueItem | None] | None:
        """Find a table, 大项 or 细项 by code."""
        for t in self.tables:
            if t.code == code:
                return t, None, None
            for mj in t.majors:
                if mj.code == code:
                    return t, mj, None
                for it in mj.items:
                    if it.code == code:
                        return t, mj, it
        return None

    def table_of(self, code: str) -> Table | None:
        found = self.lookup(code)
        return found[0] if found else None

    def major_of(self, code: str) -> Major | None:
        found = self.lookup(code)
        return found[1] if found else None


@dataclass(frozen=True)
class Pack:
    """A jurisdiction's rule pack, with ``extends`` already resolved."""

    id: str
    name: str
    document: str
    catalogue: Catalogue | None
    rules: Mapping[str, Rule]
    chain: tuple[str, ...] = ()
    # the pack's own numbering of its catalogue's tables (table code → 表七), when its text
    # numbers them differently from the catalogue it borrows; every message naming a table
    # uses it (``table_label``)
    table_labels: Mapping[str, str] = field(default_factory=dict)

    def rule(self, rule_id: str) -> Rule | None:
        return self.rules.get(rule_id)

    def by_check(self, check: str) -> list[Rule]:
        return [r for r in self.rules.values() if r.check == check]

    def table_label(self, code: str) -> str | None:
        """The pack's name for a catalogue table (表七), or None to use the catalogue's."""
        return self.table_labels.get(code)


_RULE_KEYS = {"check", "clause", "document", "quote", "basis", "severity", "drop"}


@dataclass
class Library:
    """All packs and catalogues of a project, with their problems."""

    packs: dict[str, Pack]
    catalogues: dict[str, Catalogue]
    problems: list[Problem]


def _close(name: str, known: Mapping[str, Any]) -> str:
    close = difflib.get_close_matches(name, list(known), n=1, cutoff=0.6)
    return f"（是否应为 {close[0]}？）" if close else ""


def _display(path: Path, root: Path) -> str:
    try:
        return path.relative_to(root).as_posix()
    except ValueError:
        return path.as_posix()


def _free(value: Any) -> bool | None:
    if value is None:
        return None
    return str(value).lower() != "false"


def read_catalogue(data: dict, display: str) -> Catalogue:
    tables = []
    for t in data.get("tables") or []:
        majors = []
        if not t.get("majors") and t.get("items") is not None:
            # a two-level catalogue (categories → items, no 大项 level): the category
            # stands in as its own single 大项 so that lookups work the same way
            t = dict(
                t,
                majors=[
                    {
                        "code": t["code"],
                        "title": t.get("title"),
                        "goal": t.get("text") or "",
                        "items": t["items"],
                    }
                ],
            )
        for mj in t.get("majors") or []:
            items = tuple(
                CatalogueItem(
                    str(it["code"]), str(it.get("title") or ""), str(mj["code"]), str(t["code"])
                )
                for it in mj.get("items") or []
            )
            majors.append(
                Major(
                    str(mj["code"]),
                    str(mj.get("title") or ""),
                    str(mj.get("goal") or ""),
                    str(t["code"]),
                    items,
                    mj.get("target"),
                )
            )
        tables.append(
            Table(
                str(t["code"]),
                str(t.get("table") or ""),
                str(t.get("title") or ""),
                str(t.get("kind") or "basic"),
                t.get("population"),
                _free(t.get("free")),
                tuple(majors),
                t.get("note"),
            )
        )
    return Catalogue(str(data.get("id") or display), str(data.get("document") or ""), tuple(tables))


def load_library(
    content: Path, root: Path | None = None, *, kinds: Mapping[str, type[RuleParams]]
) -> Library:
    """Read every pack and catalogue under ``content``; resolve ``extends``; type each rule's
    parameters by its check kind (``kinds``: check kind → its ``Params``). A rule whose check
    kind or parameters are wrong is a Problem at the pack's line and is left out of the pack."""
    root = root or content.parent
    problems: list[Problem] = []
    catalogues: dict[str, Catalogue] = {}
    for path in sorted((content / "catalogue").glob("*.yaml")):
        disp = _display(path, root)
        doc = read_document(path, disp)
        problems.extend(doc.problems)
        data = to_plain(doc.root)
        if not isinstance(data, dict):
            continue
        try:
            cat = read_catalogue(data, disp)
        except (KeyError, TypeError, AttributeError) as exc:
            problems.append(
                Problem.at(Position(disp, 1, 1), "wrong-type", f"服务目录格式不对：缺少 {exc}")
            )
            continue
        catalogues[cat.id] = cat
    raw: dict[str, tuple[dict, dict, str]] = {}
    for path in sorted((content / "rules").glob("*.yaml")):
        disp = _display(path, root)
        doc = read_document(path, disp)
        problems.extend(doc.problems)
        data = to_plain(doc.root)
        if not isinstance(data, dict):
            continue
        pack_id = str(data.get("id") or path.stem)
        if pack_id != path.stem:
            problems.append(
                Problem.at(
                    Position(disp, 1, 1),
                    "file-name-mismatch",
                    f"规则包编号 {pack_id} 与文件名 {path.stem} 不一致",
                )
            )
        raw[pack_id] = (data, positions(doc.root), disp)
    packs: dict[str, Pack] = {}

    def resolve(pack_id: str, seen: tuple[str, ...]) -> Pack | None:
        if pack_id in packs:
            return packs[pack_id]
        if pack_id not in raw or pack_id in seen:
            return None
        data, pos, disp = raw[pack_id]
        parent_id = data.get("extends")
        rules: dict[str, Rule] = {}
        parent: Pack | None = None
        if parent_id:
            parent = resolve(str(parent_id), seen + (pack_id,))
            if parent is None:
                p = pos.get(("extends",), Position(disp, 1, 1))
                problems.append(
                    Problem.at(
                        p, "unknown-rule-pack", f"extends 指向的规则包 {parent_id} 不存在或循环引用"
                    )
                )
                return None
            rules.update(parent.rules)
        document = str(data.get("document") or (parent.document if parent else ""))
        for rid, spec in (data.get("rules") or {}).items():
            if not isinstance(spec, dict):
                continue
            if str(spec.get("drop", "")).lower() == "true":
                rules.pop(rid, None)
                continue
            rule_pos = pos.get(("rules", rid), Position(disp, 1, 1))
            base = rules.get(rid)
            merged: dict[str, Any] = {}
            at: dict[str, Position] = {}
            if base:
                merged.update(
                    check=base.check,
                    clause=base.clause,
                    document=base.document,
                    quote=base.quote,
                    severity=base.severity,
                    basis=base.basis,
                    **base.raw,
                )
                at.update(base.at)
            merged.update(spec)
            at.update({k: pos.get(("rules", rid, k), rule_pos) for k in spec})
            missing = [k for k in ("check", "clause", "quote", "severity") if not merged.get(k)]
            if missing:
                problems.append(
                    Problem.at(rule_pos, "missing-key", f"规则 {rid} 缺少 {'、'.join(missing)}")
                )
                continue
            check = str(merged["check"])
            if check not in kinds:
                problems.append(
                    Problem.at(
                        at.get("check", rule_pos),
                        "unknown-check",
                        f"规则 {rid} 的检查类型 {check} 不存在{_close(check, kinds)}；"
                        f"可用的检查类型见 docs/checks.md",
                    )
                )
                continue
            if str(merged["severity"]) not in SEVERITIES:
                problems.append(
                    Problem.at(
                        at.get("severity", rule_pos),
                        "wrong-rule-param",
                        f"规则 {rid} 的 severity 应为 {'、'.join(SEVERITIES)} 之一，"
                        f"这里是“{merged['severity']}”",
                    )
                )
                continue
            raw_params = {k: v for k, v in merged.items() if k not in _RULE_KEYS}
            params, found = parse_params(
                kinds[check], raw_params, lambda k, at=at: at.get(k, rule_pos), rid, check
            )
            if params is None:
                problems.extend(found)
                continue
            rules[rid] = Rule(
                id=rid,
                check=check,
                clause=str(merged["clause"]),
                document=str(merged.get("document") or document),
                quote=str(merged["quote"]),
                severity=str(merged["severity"]),
                params=params,
                basis=merged.get("basis"),
                src=rule_pos,
                raw=raw_params,
                at={k: v for k, v in at.items() if k in raw_params},
            )
        cat_id = data.get("catalogue") or (
            parent.catalogue.id if parent and parent.catalogue else None
        )
        catalogue = catalogues.get(str(cat_id)) if cat_id else None
        if cat_id and catalogue is None:
            p = pos.get(("catalogue",), Position(disp, 1, 1))
            problems.append(Problem.at(p, "unknown-rule-pack", f"服务目录 {cat_id} 不存在"))
        labels = dict(parent.table_labels) if parent else {}
        raw_labels = data.get("table_labels")
        if isinstance(raw_labels, dict):
            labels.update({str(k): str(v) for k, v in raw_labels.items()})
        elif raw_labels is not None:
            p = pos.get(("table_labels",), Position(disp, 1, 1))
            msg = 'table_labels 应为映射（目录表号: 本规则包对该表的称呼，如 "8": 表七）'
            problems.append(Problem.at(p, "wrong-rule-param", msg))
        pack = Pack(
            pack_id,
            str(data.get("name") or pack_id),
            document,
            catalogue,
            rules,
            (pack_id,) + (parent.chain if parent else ()),
            labels,
        )
        packs[pack_id] = pack
        return pack

    for pack_id in raw:
        resolve(pack_id, ())
    return Library(packs, catalogues, problems)
