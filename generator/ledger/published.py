"""The publication ledger: published figures are frozen; changes need a correction.

Each centre keeps ``centres/<id>/published.yaml`` (format in docs/workflow.md). When a
disclosure is published (its record has a ``published`` date on or before the build day),
the build records its key (``finance/2026-Q3``), first publication date, the SHA-256 of
its canonical content and a snapshot of that content. The kinds that are frozen, where their
records are and how a record's content is computed from the model are the rows of
generator.disclosures (``DisclosureKind.snapshot``): comments, key order, quoting and ``20``
versus ``20.00`` do not change the content; a figure does.

Afterwards ``compare`` checks every record against the ledger (``pipeline.check_published``
calls it for every command that loads a project):

- content differs and no correction is waiting → ``changed-after-publication`` (error, at
  the record file, naming the changed figures and how to add a correction);
- a correction in ``corrections:`` (disclosure, date, reason, approved_by) makes the
  change legitimate; the next build fills in its ``previous`` snapshot and hashes
  (``updated_ledger``) and the site and noticeboard publish a 更正说明 (``corrections_for``).

Passing: finance/2026-Q1.yaml changed, and published.yaml has
``corrections: [{disclosure: finance/2026-Q1, date: 2026-05-10, reason: …, approved_by: 中心主任}]``.
Failing: the same change without that entry.

Only ``load`` reads YAML and only the build writes files: ``read_ledger`` reads through
``load.read_document``; ``updated_ledger`` returns the new text for the build to write.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from generator import model as m
from generator.disclosures import KEY_PATTERN, KINDS, period_title
from generator.ledger.appended import appended
from generator.packs.library import to_plain
from generator.problems import CATALOGUE, CodeInfo, Position, Problem, Severity
from generator.records.edit import CommentedMap, CommentedSeq, load_text, new_document, quoted
from generator.records.load import LEDGER_FILE, Raw, read_document
from generator.records.schema import INVALID, Date, F, Kind, Obj, Seq, Str, Text
from generator.text.labels import EXPENSE_LABELS, EXPENSE_TOTAL, INCOME_LABELS, INCOME_TOTAL

E, W = Severity.ERROR, Severity.WARNING

# New problem codes of this module (to be listed in problems.CATALOGUE and docs/problems.md).
CODES: dict[str, CodeInfo] = {
    k: CATALOGUE[k]
    for k in (
        "changed-after-publication",
        "published-date-changed",
        "published-record-removed",
        "ledger-tampered",
        "correction-unknown-disclosure",
        "correction-without-change",
    )
}


def _problem(pos: Position, code: str, message: str) -> Problem:
    return Problem.at(pos, code, message, severity=CODES[code].severity)


# ---------------------------------------------------------------- canonical content


def _clean(value: Any) -> Any:
    """Drop absent (None) fields, so a stored snapshot never needs a null."""
    if isinstance(value, dict):
        return {k: _clean(v) for k, v in value.items() if v is not None}
    if isinstance(value, list):
        return [_clean(v) for v in value]
    return value


def canonical_json(content: Any) -> str:
    """The exact text that is hashed: sorted keys, no spaces, UTF-8 characters kept."""
    return json.dumps(content, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def content_hash(content: Any) -> str:
    """SHA-256 (hex) of a disclosure's canonical content."""
    return hashlib.sha256(canonical_json(content).encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class Disclosure:
    """A disclosure as the records hold it now: key, dates, content and its hash."""

    key: str  # plan/2026-03 | finance/2026-Q3 | audit/2026 | evaluation/2026
    kind: str
    period: str
    title: str
    published: dt.date | None
    content: Mapping[str, Any]
    sha256: str
    src: Position  # the record file
    published_at: Position  # the published: line (or the file)


def disclosures(centre: m.Centre) -> dict[str, Disclosure]:
    """Every record of a centre that can be published, keyed like the ledger: each kind of
    generator.disclosures in turn."""
    out: dict[str, Disclosure] = {}
    for kind in KINDS:
        for period, rec in kind.records(centre).items():
            content = _clean(kind.snapshot(rec))
            key = f"{kind.key}/{period}"
            out[key] = Disclosure(
                key,
                kind.key,
                period,
                kind.title(period),
                rec.published,
                content,
                content_hash(content),
                rec.src,
                rec.pos("published"),
            )
    return out


# ---------------------------------------------------------------- labelled figures and diffs

# the line items as every output names them (generator.text.labels)
_INCOME = {**INCOME_LABELS, "total": INCOME_TOTAL}
_EXPENSE = EXPENSE_LABELS
_ACTIVITY = {
    "date": "日期",
    "start": "开始时间",
    "end": "结束时间",
    "room": "活动室",
    "title": "活动名称",
    "description": "活动简介",
    "service": "服务编码",
    "form": "服务形式",
    "target": "服务对象",
    "capacity": "名额",
    "themed": "主题活动",
    "price": "收费（元）",
    "paid_service": "收费服务编码",
    "signup": "报名方式",
}
_AUDIT = {
    "firm": "会计师事务所",
    "report_number": "报告编号",
    "date": "报告日期",
    "opinion": "审计意见",
    "income": "审定收入（元）",
    "expenditure": "审定支出（元）",
    "management_fee": "审定管理费（元）",
    "surplus": "审定结余（元）",
    "report_pdf": "审计报告附件",
}
_EVALUATION = {
    "evaluator": "评估机构",
    "date": "评估日期",
    "score": "总分",
    "grade": "等级",
    "previous_grade": "上一年度等级",
    "management_fee_over_limit": "管理费超标",
    "assembly_vote_share": "居民大会同意终止合同的比例",
    "summary": "评估意见",
}


@dataclass(frozen=True)
class Row:
    """One labelled figure; ``group`` is the list item it belongs to (an activity, a line)."""

    label: str
    value: str | None
    group: str | None = None


def _display(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, list):
        return "；".join(str(v) for v in value) or None
    text = str(value)
    return {"true": "是", "false": "否"}.get(text, text)


def _unique(name: str, seen: dict[str, int]) -> str:
    seen[name] = seen.get(name, 0) + 1
    return name if seen[name] == 1 else f"{name}（{seen[name]}）"


def _plan_rows(c: Mapping[str, Any]) -> list[Row]:
    rows: list[Row] = []
    seen: dict[str, int] = {}
    for a in c.get("activities") or []:
        group = _unique(f"活动 {a.get('id')}", seen)
        summary = (
            f"{a.get('date')} {a.get('start')}-{a.get('end')} {a.get('title')}（{a.get('room')}）"
        )
        rows.append(Row(group, summary, group))
        for k, label in _ACTIVITY.items():
            rows.append(Row(f"{group}·{label}", _display(a.get(k)), group))
    return rows


def _finance_rows(c: Mapping[str, Any]) -> list[Row]:
    rows: list[Row] = []
    income = c.get("income") or {}
    for k, label in _INCOME.items():
        rows.append(Row(f"收入·{label}", _display(income.get(k))))
    exp = c.get("expenditure") or {}
    for k, label in _EXPENSE.items():
        cat = exp.get(k) or {}
        seen: dict[str, int] = {}
        for item in cat.get("items") or []:
            rows.append(
                Row(
                    f"支出·{label}·{_unique(str(item.get('item')), seen)}",
                    _display(item.get("amount")),
                )
            )
        rows.append(Row(f"支出·{label}·小计", _display(cat.get("total"))))
    rows.append(Row(EXPENSE_TOTAL, _display(exp.get("total"))))
    seen = {}
    for a in c.get("fixed_assets") or []:
        group = _unique(f"固定资产·{a.get('name')}", seen)
        rows.append(Row(group, f"{a.get('amount')} 元（{a.get('date')}）", group))
        rows.append(Row(f"{group}·金额", _display(a.get("amount")), group))
        rows.append(Row(f"{group}·购置日期", _display(a.get("date")), group))
    rows.append(Row("说明", _display(c.get("notes"))))
    return rows


def _audit_rows(c: Mapping[str, Any]) -> list[Row]:
    rows = [Row(label, _display(c.get(k))) for k, label in _AUDIT.items()]
    rows.append(Row("审计发现与建议", _display(c.get("findings"))))
    return rows


def _evaluation_rows(c: Mapping[str, Any]) -> list[Row]:
    rows = [Row(label, _display(c.get(k))) for k, label in _EVALUATION.items()]
    sat = c.get("satisfaction") or {}
    rows.append(Row("满意度调查·样本数", _display(sat.get("sample"))))
    rows.append(Row("满意度调查·满意人数", _display(sat.get("satisfied"))))
    seen: dict[str, int] = {}
    for e in c.get("entries") or []:
        group = _unique(f"评分项 {e.get('item')}", seen)
        rows.append(Row(group, _display(e.get("points")), group))
        rows.append(Row(f"{group}·得分", _display(e.get("points")), group))
        rows.append(Row(f"{group}·说明", _display(e.get("note")), group))
    return rows


# disclosure kind (generator.disclosures) → its content as labelled rows
FIGURE_ROWS = {
    "plan": _plan_rows,
    "finance": _finance_rows,
    "audit": _audit_rows,
    "evaluation": _evaluation_rows,
}


def figure_rows(kind: str, content: Mapping[str, Any]) -> list[Row]:
    """A disclosure's content as labelled rows in reading order (for tables and diffs)."""
    rows_of = FIGURE_ROWS.get(kind)
    return rows_of(dict(content or {})) if rows_of is not None else []


@dataclass(frozen=True)
class FigureChange:
    """One changed figure: its label, and the old and new values (None: not there)."""

    label: str
    old: str | None
    new: str | None


def diff_figures(kind: str, old: Mapping[str, Any], new: Mapping[str, Any]) -> list[FigureChange]:
    """What changed between two contents, as (label, old, new) in reading order.

    A list item (an activity, a fixed asset) added or removed is one change with its
    summary; a changed item lists each changed field.
    """
    a, b = figure_rows(kind, old), figure_rows(kind, new)
    old_by = {r.label: r for r in a}
    new_by = {r.label: r for r in b}
    old_groups = {r.group for r in a if r.group}
    new_groups = {r.group for r in b if r.group}
    order: list[str] = []
    for r in a + b:  # labels of old first, then what only the new has, roughly in place
        if r.label not in order:
            order.append(r.label)
    changes: list[FigureChange] = []
    for label in order:
        r = old_by.get(label) or new_by[label]
        g = r.group
        if g is not None and (g not in old_groups or g not in new_groups):
            if label == g:
                o, n = old_by.get(label), new_by.get(label)
                changes.append(FigureChange(label, o.value if o else None, n.value if n else None))
            continue
        if g is not None and label == g:
            continue  # the summary of an item on both sides: its fields tell the change
        o, n = old_by.get(label), new_by.get(label)
        ov, nv = (o.value if o else None), (n.value if n else None)
        if ov != nv:
            changes.append(FigureChange(label, ov, nv))
    return changes


def describe_changes(changes: list[FigureChange], limit: int = 3) -> str:
    """A short Chinese summary of changes, e.g. ``支出·…·水电 10000.00 → 9800.00``."""
    parts = [f"{c.label} {c.old or '（无）'} → {c.new or '（无）'}" for c in changes[:limit]]
    more = f"等 {len(changes)} 处" if len(changes) > limit else f"共 {len(changes)} 处"
    return "；".join(parts) + f"（{more}）" if parts else "（内容的写法有变化）"


# ---------------------------------------------------------------- the ledger file


class _Plain(Kind):
    """Any YAML content, as plain dicts, lists and strings (a stored snapshot)."""

    label = "存档内容"

    def __call__(self, node: Raw, out: list[Problem]) -> Any:
        return to_plain(node)


_KEY = Str(
    label="公示编号",
    max_len=40,
    pattern=KEY_PATTERN,
    pattern_hint="公示编号（如 " + "、".join(f"{k.key}/{k.example}" for k in KINDS) + "）",
)
_HASH = Str(
    label="校验值", max_len=64, pattern=r"[0-9a-f]{64}", pattern_hint="64 位十六进制 SHA-256 校验值"
)


@dataclass(frozen=True)
class LedgerEntry(m.Located):
    """A published disclosure as first recorded (or as last corrected)."""

    disclosure: str
    first_published: dt.date
    sha256: str
    content: Mapping[str, Any] | None = None


@dataclass(frozen=True)
class CorrectionNote(m.Located):
    """A correction (更正说明) of a published disclosure, as written in the ledger.

    The user writes disclosure, date, reason and approved_by (a role, not a name);
    the build fills previous_sha256, sha256 and previous when it applies the correction.
    """

    disclosure: str
    date: dt.date
    reason: str
    approved_by: str
    previous_sha256: str | None = None
    sha256: str | None = None
    previous: Mapping[str, Any] | None = None

    @property
    def applied(self) -> bool:
        return self.sha256 is not None


def _build(cls):
    def build(values: dict, pos: Position, at: dict) -> Any:
        return cls(**values, src=pos, at=at)

    return build


ENTRY = Obj(
    [
        F("disclosure", _KEY, "公示编号"),
        F("first_published", Date(), "首次公布日期"),
        F("sha256", _HASH, "内容校验值"),
        F("content", _Plain(), "公布的内容存档", False),
    ],
    _build(LedgerEntry),
    "已公布的公示",
)
CORRECTION = Obj(
    [
        F("disclosure", _KEY, "要更正的公示编号"),
        F("date", Date(), "更正日期"),
        F("reason", Text("更正原因", max_len=2000), "更正原因（会公开）"),
        F("approved_by", Str(label="批准人的岗位（如 中心主任）", max_len=40), "批准人的岗位"),
        F("previous_sha256", _HASH, "更正前的校验值（自动填写）", False),
        F("sha256", _HASH, "更正后的校验值（自动填写）", False),
        F("previous", _Plain(), "更正前的内容（自动填写）", False),
    ],
    _build(CorrectionNote),
    "更正说明",
)
LEDGER = Obj(
    [
        F("entries", Seq(ENTRY, "已公布的公示列表"), "已公布的公示", False, ()),
        F("corrections", Seq(CORRECTION, "更正说明列表"), "更正说明", False, ()),
    ],
    None,
    "公示台账",
)


@dataclass(frozen=True)
class Ledger:
    """A centre's published.yaml: entries, corrections, the text (for round-trip edits)."""

    display: str
    text: str | None = None  # None when the file does not exist yet
    entries: tuple[LedgerEntry, ...] = ()
    corrections: tuple[CorrectionNote, ...] = ()
    problems: tuple[Problem, ...] = field(default=())

    def entry(self, key: str) -> LedgerEntry | None:
        return next((e for e in self.entries if e.disclosure == key), None)

    @property
    def ok(self) -> bool:
        return not any(p.severity is Severity.ERROR for p in self.problems)


def ledger_path(centre_folder: Path) -> Path:
    return centre_folder / LEDGER_FILE


def read_ledger(path: Path, display: str | None = None) -> Ledger:
    """Read a ledger; a missing file is an empty ledger, a broken one carries problems."""
    disp = display or path.as_posix()
    if not path.exists():
        return Ledger(disp)
    doc = read_document(path, disp)
    problems = list(doc.problems)
    text = None
    if doc.root is not None and not problems:
        try:
            text = path.read_text(encoding="utf-8-sig")
        except OSError:  # read_document already reported it
            text = None
    if doc.root is None or any(p.severity is Severity.ERROR for p in problems):
        return Ledger(disp, text, problems=tuple(problems))
    value = LEDGER(doc.root, problems)
    if value is INVALID:
        return Ledger(disp, text, problems=tuple(problems))
    entries = tuple(value.get("entries", ()))
    seen: dict[str, LedgerEntry] = {}
    for e in entries:
        if e.disclosure in seen:
            msg = f"公示 {e.disclosure} 在台账中出现了两次（第一次在第 {seen[e.disclosure].src.line} 行），请删去后加的一条"
            problems.append(Problem.at(e.pos("disclosure"), "duplicate-id", msg))
        seen.setdefault(e.disclosure, e)
    return Ledger(disp, text, entries, tuple(value.get("corrections", ())), tuple(problems))


def _centre_folder(project_root: Path, centre: m.Centre) -> Path:
    return (project_root / centre.src.file).parent


def centre_ledger(project, centre: m.Centre) -> tuple[Path, Ledger]:
    """The ledger file of a validated centre and its content (empty when there is none)."""
    path = ledger_path(_centre_folder(project.root, centre))
    return path, read_ledger(path, project.display(path))


def _pending(ledger: Ledger) -> dict[str, list[CorrectionNote]]:
    waiting: dict[str, list[CorrectionNote]] = {}
    for c in ledger.corrections:
        if not c.applied:
            waiting.setdefault(c.disclosure, []).append(c)
    return waiting


def compare(
    centre: m.Centre, ledger: Ledger, current: dict[str, Disclosure] | None = None
) -> list[Problem]:
    """The problems of one centre's records against its (readable) ledger; ``current``: the
    centre's ``disclosures`` when the caller has them."""
    out: list[Problem] = []
    if current is None:
        current = disclosures(centre)
    waiting = _pending(ledger)
    entries = {e.disclosure: e for e in ledger.entries}
    for c in ledger.corrections:
        entry = entries.get(c.disclosure)
        if entry is None:
            msg = (
                f"更正说明指向的 {c.disclosure} 不在已公布的公示中：只有已公布（并已由 gongshi build "
                "记入台账）的公示需要更正说明；未公布的记录可以直接修改"
            )
            out.append(_problem(c.pos("disclosure"), "correction-unknown-disclosure", msg))
            continue
        if c.date < entry.first_published:
            msg = f"更正日期 {c.date} 早于首次公布日期 {entry.first_published}"
            out.append(Problem.at(c.pos("date"), "date-order", msg))
        if (
            c.applied
            and c.previous is not None
            and c.previous_sha256 is not None
            and content_hash(c.previous) != c.previous_sha256
        ):
            msg = (
                f"{c.disclosure} 的更正说明中，更正前内容（previous）与校验值 previous_sha256 不符："
                "台账中的存档被手工改动过。请从版本记录中恢复 published.yaml"
            )
            out.append(_problem(c.pos("previous"), "ledger-tampered", msg))
    for e in ledger.entries:
        if e.content is not None and content_hash(e.content) != e.sha256:
            msg = (
                f"{e.disclosure} 的存档内容（content）与校验值 sha256 不符：台账中的存档被手工改动过。"
                "请从版本记录中恢复 published.yaml，不要手工修改台账中的已有条目"
            )
            out.append(_problem(e.pos("content"), "ledger-tampered", msg))
        cur = current.get(e.disclosure)
        if cur is None or cur.published is None:
            what = "记录文件被删除" if cur is None else "记录中的 published（公布日期）被删去"
            title = cur.title if cur else period_title(*e.disclosure.split("/"))
            msg = (
                f"{title}已于 {e.first_published} 公布，现在{what}。已公布的公示不能撤回；"
                "请恢复该记录，如内容有误请按更正流程处理（见 docs/workflow.md）"
            )
            out.append(_problem(e.pos("disclosure"), "published-record-removed", msg))
            continue
        if cur.published != e.first_published:
            msg = (
                f"{cur.title}已于 {e.first_published} 公布（见 {ledger.display}），这里的公布日期却是 "
                f"{cur.published}。公布日期记录的是事实，不能事后改动；请改回 {e.first_published}"
            )
            out.append(_problem(cur.published_at, "published-date-changed", msg))
        if cur.sha256 != e.sha256:
            if e.disclosure in waiting:
                continue  # legitimate: the build applies the correction
            changes = diff_figures(cur.kind, e.content or {}, cur.content) if e.content else []
            msg = (
                f"{cur.title}已于 {e.first_published} 公布，公布后内容被改动：{describe_changes(changes)}。"
                f"已公布的内容不能直接修改。如确需更正，请在 {ledger.display} 的 corrections 中添加一条更正说明"
                f"（disclosure: {e.disclosure}，以及 date 更正日期、reason 更正原因、approved_by 批准人岗位），"
                "见 docs/workflow.md“更正已公布的内容”；如是误改，请恢复原来的内容"
            )
            out.append(_problem(Position(cur.src.file, 1, 1), "changed-after-publication", msg))
        elif e.disclosure in waiting:
            for c in waiting[e.disclosure]:
                msg = (
                    f"更正说明（{c.disclosure}，{c.date}）还没有对应的改动：记录的内容与台账中已公布的一致。"
                    "请先修改记录，或删去这条更正说明"
                )
                out.append(_problem(c.src, "correction-without-change", msg))
    return out


# ---------------------------------------------------------------- corrections for the site


@dataclass(frozen=True)
class Correction:
    """A 更正说明 to publish: what was corrected, when, why, and the figures before and after."""

    centre: str
    disclosure: str  # ledger key, e.g. finance/2026-Q3
    kind: str
    period: str
    title: str  # e.g. 2026年第三季度财务信息
    first_published: dt.date
    date: dt.date  # date of the correction
    reason: str
    approved_by: str  # a role, e.g. 中心主任
    old: Mapping[str, Any]  # content snapshot before
    new: Mapping[str, Any]  # content snapshot after
    old_figures: tuple[Row, ...]
    new_figures: tuple[Row, ...]
    changes: tuple[FigureChange, ...]
    applied: bool  # False until a build has recorded it in the ledger
    number: int  # 1, 2 … per disclosure, in order


def corrections_for(
    centre: m.Centre, ledger: Ledger, current: dict[str, Disclosure] | None = None
) -> list[Correction]:
    """Every correction of a centre with old and new figures and the changes, by date;
    ``current``: the centre's ``disclosures`` when the caller has them."""
    if not ledger.ok:
        return []
    if current is None:
        current = disclosures(centre)
    entries = {e.disclosure: e for e in ledger.entries}
    by_key: dict[str, list[CorrectionNote]] = {}
    for c in ledger.corrections:
        if c.disclosure in entries:
            by_key.setdefault(c.disclosure, []).append(c)
    out: list[Correction] = []
    for key, notes in by_key.items():
        entry = entries[key]
        kind, period = key.split("/", 1)
        applied = [c for c in notes if c.applied and c.previous is not None]
        pairs: list[tuple[CorrectionNote, Mapping, Mapping, bool]] = []
        for i, c in enumerate(applied):
            new = applied[i + 1].previous if i + 1 < len(applied) else entry.content
            pairs.append((c, c.previous or {}, new or {}, True))
        cur = current.get(key)
        pending = [c for c in notes if not c.applied]
        if pending and cur is not None and entry.content is not None and cur.sha256 != entry.sha256:
            pairs.append((pending[0], entry.content, cur.content, False))
        for n, (c, old, new, done) in enumerate(pairs, 1):
            out.append(
                Correction(
                    centre=centre.id,
                    disclosure=key,
                    kind=kind,
                    period=period,
                    title=period_title(kind, period),
                    first_published=entry.first_published,
                    date=c.date,
                    reason=c.reason,
                    approved_by=c.approved_by,
                    old=old,
                    new=new,
                    old_figures=tuple(r for r in figure_rows(kind, old) if r.group != r.label),
                    new_figures=tuple(r for r in figure_rows(kind, new) if r.group != r.label),
                    changes=tuple(diff_figures(kind, old, new)),
                    applied=done,
                    number=n,
                )
            )
    out.sort(key=lambda x: (x.date, x.disclosure, x.number))
    return out


# ---------------------------------------------------------------- the build's update

HEADER = """公示台账（published.yaml）：每项已公布的公示的校验值和内容存档，由 gongshi build 自动维护。
已公布的内容不能直接修改。确需更正时，先修改记录文件，再在 corrections 下添加一条更正说明：
  - disclosure: finance/2026-Q3    # 要更正的公示
    date: 2026-11-05               # 更正日期
    reason: 水电费录入有误，应为 9800.00 元    # 更正原因（会公开）
    approved_by: 中心主任           # 批准人的岗位（不写姓名）
其余内容由程序填写，请勿手工修改。格式说明见 docs/workflow.md。"""


def _yaml_content(value: Any, in_list: bool = False) -> Any:
    """Snapshot data as commented containers; list items of mappings on one line each."""
    if isinstance(value, Mapping):
        cm = CommentedMap((k, _yaml_content(v)) for k, v in value.items())
        if in_list:
            cm.fa.set_flow_style()
        return cm
    if isinstance(value, (list, tuple)):
        return CommentedSeq(_yaml_content(v, True) for v in value)
    if isinstance(value, str):
        # Always in double quotes: whatever the text, it reads back exactly (a plain "?0"
        # in a flow mapping, for one, does not).
        return quoted(value)
    return value


def updated_ledger(centre: m.Centre, ledger: Ledger, today: dt.date) -> str | None:
    """The ledger's new text after a build on ``today``, or None when nothing changes.

    Adds every disclosure published on or before ``today`` that is not yet recorded, and
    applies waiting corrections (fills previous, previous_sha256 and sha256, and records the
    corrected content). A change without a correction is left alone: ``compare``
    reports it and the build stops before calling this. The existing file keeps its
    comments and layout (ruamel round-trip). A ledger that only gains entries has them
    written after its last one as the round trip writes them (``appended``), without it.
    """
    if not ledger.ok:
        return None
    due = sorted(
        (
            d
            for d in disclosures(centre).values()
            if d.published is not None and d.published <= today
        ),
        key=lambda d: (d.published, d.key),
    )
    recorded = {e.disclosure: e.sha256 for e in ledger.entries}
    if all(recorded.get(d.key, d.sha256) == d.sha256 for d in due):
        new = [(d.key, d.published, d.sha256, d.content) for d in due if d.key not in recorded]
        if not new:
            return None
        text = appended(ledger.text, new, header=HEADER)
        if text is not None:
            return text
    doc = load_text(ledger.text) if ledger.text else new_document(header=HEADER)
    data = doc.data
    if not isinstance(data, CommentedMap):
        return None
    if data.get("entries") is None:
        data["entries"] = CommentedSeq()
        if "corrections" in data:  # keep entries first
            data.move_to_end("corrections")
    if not isinstance(data.get("corrections"), list):
        data["corrections"] = CommentedSeq()
    entries_seq: CommentedSeq = data["entries"]
    corrections_seq: CommentedSeq = data["corrections"]
    by_key = {str(e.get("disclosure")): e for e in entries_seq if isinstance(e, dict)}
    changed = False
    for d in due:
        key = d.key
        entry = by_key.get(key)
        if entry is None:
            new = CommentedMap()
            new["disclosure"] = key
            new["first_published"] = d.published
            new["sha256"] = d.sha256
            new["content"] = _yaml_content(d.content)
            entries_seq.append(new)
            by_key[key] = new
            changed = True
            continue
        if str(entry.get("sha256")) == d.sha256:
            continue
        note = next(
            (
                c
                for c in corrections_seq
                if isinstance(c, dict) and str(c.get("disclosure")) == key and not c.get("sha256")
            ),
            None,
        )
        if note is None:
            continue
        note["previous_sha256"] = str(entry.get("sha256"))
        note["sha256"] = d.sha256
        note["previous"] = _yaml_content(_plain_copy(entry.get("content")))
        entry["sha256"] = d.sha256
        entry["content"] = _yaml_content(d.content)
        changed = True
    if not changed:
        return None
    if not corrections_seq:
        data["corrections"] = None  # "corrections:" — ready for the first item below it
    return doc.dump()


def _plain_copy(value: Any) -> Any:
    if isinstance(value, Mapping):
        return {str(k): _plain_copy(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain_copy(v) for v in value]
    return None if value is None else str(value)
