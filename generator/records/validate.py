"""Raw records → typed model, or problems: the only code that touches raw mappings.

``validate_centre`` reads one centre folder, checks each file against its schema, then
checks what spans files (rooms, service codes, planned activities, file names against their
content), and returns the centre (None when it cannot be built) and every problem. The
record folders are those of the disclosure kinds (generator.disclosures) and the activity
records. ``pipeline.load`` checks a project's centres with it and fills ``Validated``.

What depends on the day of the check is apart, so that the rest can be kept between days:
``held_records`` lists, once, every activity record that says something took place on a day
(已举办, people attended, a month's individual-service counts), and ``held_after`` turns those
dated after the day of the check into record errors at their lines — an activity cannot have
been held, nor attended, before its day has come.
"""

from __future__ import annotations

import datetime as dt
import difflib
import itertools
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from generator import model as m
from generator.disclosures import KINDS as DISCLOSURE_KINDS
from generator.disclosures import MONTH
from generator.packs.library import Library, Pack
from generator.problems import Position, Problem, Report
from generator.records.attachments import attachment_problems, image_problems
from generator.records.load import LEDGER_FILE, Raw, RMap, read_document
from generator.records.personal import (
    NOT_PERSONAL_KEY,
    number_problem,
    public_numbers,
    record_files,
    record_findings,
)
from generator.records.schema import INVALID, NOT_PERSONAL_NUMBERS, SCANNED
from generator.records.shapes import CENTRE, FILE_KINDS, POPULATIONS

CENTRE_ID = re.compile(r"[a-z0-9][a-z0-9-]{1,62}")
MAX_ATTACHMENT_BYTES = 20 * 1024 * 1024
ATTACHMENT_MAGIC = {
    ".pdf": b"%PDF-",
    ".png": b"\x89PNG\r\n\x1a\n",
    ".jpg": b"\xff\xd8\xff",
    ".jpeg": b"\xff\xd8\xff",
}

# folder → (file kind, file-name pattern, what the name should look like): the folder of
# each disclosure kind, and after the plans the activity records of a month (kept, never
# disclosed as such)
FOLDERS: dict[str, tuple[str, re.Pattern[str], str]] = {}
for _kind in DISCLOSURE_KINDS:
    FOLDERS[_kind.folder] = (_kind.key, _kind.period.file_pattern, _kind.period.hint)
    if _kind.key == "plan":
        FOLDERS["activities"] = ("activities", MONTH.file_pattern, MONTH.hint)

# Files and folders that other parts of gongshi own inside a centre folder.
OTHER_ENTRIES = {"attachments", "manuals", LEDGER_FILE, "README.md"}
#: Keys read here before a file's shape is checked: (file kind, key) → the kind of its value.
#: centre.yaml's numbers declared not personal; an audit's note that its attachment, a
#: scanned image, was checked by eye for personal numbers.
DECLARATIONS = {
    ("centre", NOT_PERSONAL_KEY): NOT_PERSONAL_NUMBERS,
    ("audit", "report_pdf_scanned"): SCANNED,
}


@dataclass(frozen=True)
class Project:
    """Where a project's records and content live."""

    root: Path

    @property
    def centres(self) -> Path:
        return self.root / "centres"

    @property
    def content(self) -> Path:
        return self.root / "content"

    def display(self, path: Path) -> str:
        try:  # absolute(), not resolve(): a symlink is shown where it is, not where it points
            return path.absolute().relative_to(self.root.absolute()).as_posix()
        except ValueError:
            return path.as_posix()


def find_project(start: Path) -> Project:
    """Walk up from ``start`` to the folder holding content/ or centres/."""
    start = start.resolve()
    for p in [start, *start.parents]:
        if (p / "content").is_dir() or (p / "centres").is_dir():
            return Project(p)
    return Project(start if start.is_dir() else start.parent)


@dataclass
class Validated:
    """The result of validation: centres without errors, and every problem."""

    centres: list[m.Centre] = field(default_factory=list)
    library: Library | None = None
    report: Report = field(default_factory=Report)
    project: Project | None = None  # where the records and content/ were read
    # per centre: the written systems its policy manuals provide, document id → manual title
    # (for the pack's documents-present rules); filled by pipeline.assemble
    documents: dict[str, dict[str, str]] = field(default_factory=dict)
    # computed once by the pipeline and handed to every writer (writers never recompute them):
    # the day the rules were applied on, each centre's rule results on that day
    # (compliance.RuleResult, in the pack's order; only when the rules were applied, see
    # pipeline.Checks), its corrections (ledger.Correction) and its policy manuals
    # (manuals.Manual)
    today: dt.date | None = None
    results: dict[str, tuple] = field(default_factory=dict)
    corrections: dict[str, tuple] = field(default_factory=dict)
    manuals: dict[str, tuple] = field(default_factory=dict)


def centre_dirs(project: Project, only: Path | None = None) -> list[Path]:
    """The centre folders to check: one folder, or every folder under centres/."""
    if only is not None:
        return [only]
    if not project.centres.is_dir():
        return []
    return sorted(p for p in project.centres.iterdir() if p.is_dir() and not p.name.startswith("."))


def _inside(path: Path, folder: Path) -> bool:
    try:
        path.resolve().relative_to(folder.resolve())
        return True
    except ValueError:
        return False


def validate_centre(
    project: Project, folder: Path, lib: Library
) -> tuple[m.Centre | None, list[Problem]]:
    """Validate one centre folder: every file, then what spans files."""
    out: list[Problem] = []
    disp = project.display(folder)
    if not CENTRE_ID.fullmatch(folder.name):
        msg = f"中心文件夹名 {folder.name!r} 不对：应是小写英文字母、数字和连字符（如 futian-shawei），它会出现在网址中"
        out.append(Problem.at(Position(disp), "bad-centre-id", msg))
        return None, out
    if folder.is_symlink() or not _inside(
        folder, project.centres if project.centres.exists() else folder
    ):
        out.append(
            Problem.at(Position(disp), "attachment-bad", "中心文件夹不能是指向 centres/ 以外的链接")
        )
        return None, out
    centre_file = folder / "centre.yaml"
    if not centre_file.is_file():
        msg = "缺少 centre.yaml：每个中心文件夹都需要一个 centre.yaml 记录基本信息"
        out.append(Problem.at(Position(disp), "missing-centre-file", msg))
        return None, out
    roots: dict[Path, Raw | None] = {}
    declared: dict[tuple[Path, str], Any] = {}
    base = _read(project, centre_file, CENTRE, out, roots, declared, "centre")
    parts: dict[str, list[tuple[Any, Position, tuple[int, ...]]]] = {k: [] for k in FOLDERS}
    broken: set[tuple[str, tuple[int, ...]]] = set()  # files with errors: skip cross-checks
    for entry in sorted(folder.iterdir()):
        name = entry.name
        if name == "centre.yaml" or name in OTHER_ENTRIES or name.startswith("."):
            continue
        if name not in FOLDERS or not entry.is_dir():
            msg = f"无法识别的文件或文件夹 {name}（可用的文件夹：{'、'.join(FOLDERS)}）"
            out.append(Problem.at(Position(project.display(entry)), "unknown-file", msg))
            continue
        kind, pattern, shape = FOLDERS[name]
        for path in sorted(entry.iterdir()):
            pdisp = project.display(path)
            if path.is_symlink() and not _inside(path, folder):
                out.append(
                    Problem.at(
                        Position(pdisp), "attachment-bad", "记录文件不能是指向中心文件夹以外的链接"
                    )
                )
                continue
            match = pattern.fullmatch(path.name)
            if not match:
                if path.suffix in (".yml",) or path.name.endswith(".yaml"):
                    out.append(Problem.at(Position(pdisp), "bad-file-name", f"文件名应是 {shape}"))
                elif not path.name.startswith("."):
                    out.append(
                        Problem.at(
                            Position(pdisp), "unknown-file", f"{name}/ 中只应有 {shape} 文件"
                        )
                    )
                continue
            value = _read(project, path, FILE_KINDS[kind], out, roots, declared, kind)
            period = tuple(int(g) for g in match.groups())
            if value is not INVALID and value is not None:
                parts[name].append((value, Position(pdisp), period))
            else:
                broken.add((name, period))
    allowed = public_numbers(roots.get(centre_file))
    out.extend(personal_numbers(project, folder, roots, allowed))
    if base is INVALID or base is None:
        return None, out
    pack = lib.packs.get(base["values"]["rule_pack"])
    scans = {
        project.display(path): value
        for (path, key), value in declared.items()
        if key == "report_pdf_scanned"
    }
    centre = _assemble(folder, base, parts, broken, pack, lib, out, project, allowed, scans)
    return centre, out


def _read(
    project: Project,
    path: Path,
    kind,
    out: list[Problem],
    roots: dict[Path, Raw | None] | None = None,
    declared: dict[tuple[Path, str], Any] | None = None,
    file_kind: str = "",
) -> Any:
    doc = read_document(path, project.display(path))
    out.extend(doc.problems)
    if roots is not None:
        roots[path] = doc.root
    if doc.root is None or any(p.severity.value == "error" for p in doc.problems):
        return INVALID
    root = doc.root
    if isinstance(root, RMap) and declared is not None:
        # declarations are read here and taken out before the file's shape is checked
        keep = []
        for key, value in root.items:
            extra = DECLARATIONS.get((file_kind, key.text))
            if extra is None:
                keep.append((key, value))
                continue
            result = extra(value, out)
            if result is not INVALID:
                declared[(path, key.text)] = result
        root = RMap(root.pos, keep)
    return kind(root, out)


def personal_numbers(
    project: Project, folder: Path, roots: dict[Path, Raw | None], allowed: set[str]
) -> list[Problem]:
    """A record error for every personal number written in a centre folder's record files
    (published or not: descriptions, notes, the ledger's correction reasons, manual
    changes, comments), at its line, the number masked."""
    out = []
    for path in record_files(folder):
        display = project.display(path)
        if path in roots:
            root = roots[path]
        elif path.suffix.lower() in (".yaml", ".yml"):
            root = read_document(path, display).root
        else:
            root = None
        for finding, pos in record_findings(path, display, root, allowed):
            out.append(number_problem(finding, pos))
    return out


# ---------------------------------------------------------------- assembling the centre


def _assemble(
    folder: Path,
    base: dict,
    parts: dict,
    broken: set,
    pack: Pack | None,
    lib: Library,
    out: list[Problem],
    project: Project,
    allowed: set[str],
    scans: dict[str, dict],
) -> m.Centre | None:
    v, pos, at = base["values"], base["pos"], base["at"]
    centre_id = folder.name
    ok = True
    if pack is None:
        known = "、".join(sorted(lib.packs)) or "（content/rules/ 中没有规则包）"
        msg = f"找不到规则包 {v['rule_pack']}，可用的规则包：{known}"
        out.append(Problem.at(at["rule_pack"], "unknown-rule-pack", msg))
        ok = False
    if "official_name" in v:
        # the name must carry the community it serves; the suffix, street and brand
        # rules differ by jurisdiction and are checked by the pack's name-format rule
        name = v["official_name"]
        community = v["community"].removesuffix("社区").removesuffix("村")
        if community not in name:
            msg = f"中心名称应含所在社区名 {v['community']}，这里是 {name}"
            out.append(Problem.at(at["official_name"], "name-rule", msg))
    contract: m.Contract = v["contract"]
    if contract.end <= contract.start:
        out.append(Problem.at(contract.pos("end"), "date-order", "合同结束日期应晚于开始日期"))
    if contract.funders:
        total = sum((f.amount for f in contract.funders), Decimal(0))
        if total != contract.annual_budget:
            msg = f"各出资方金额之和 {total} 元，与年度经费 {contract.annual_budget} 元不符"
            out.append(Problem.at(contract.pos("funders"), "total-mismatch", msg))
    out.extend(_check_hours(v["opening_hours"]))
    room_names = [r.name for r in v["rooms"]]
    for r in v["rooms"]:
        if room_names.count(r.name) > 1:
            out.append(Problem.at(r.pos("name"), "duplicate-id", f"功能室名称 {r.name} 重复"))
    heads = [s for s in v["staff"] if s.head]
    if len(heads) > 1:
        out.append(
            Problem.at(heads[1].pos("head"), "duplicate-id", "只能有一位中心负责人（head: true）")
        )
    codes = _service_codes(v, pack)
    if pack is not None and pack.catalogue is not None:
        for i, code in enumerate(v["services"].catalogue):
            if pack.catalogue.lookup(code) is None:
                p = v["services"].at.get("catalogue", v["services"].src)
                out.append(
                    Problem.at(
                        p,
                        "unknown-service",
                        f"服务目录中没有编码 {code}（第 {i + 1} 项），请对照《服务目录》",
                    )
                )
        for ps in v["services"].paid:
            table = pack.catalogue.table_of(ps.code)
            if table is None or table.free is True:
                msg = f"经营性服务的编码 {ps.code} 应是服务目录中经营性便民利民服务（表十）的编码"
                out.append(Problem.at(ps.pos("code"), "unknown-service", msg))
    for rec in v.get("recurring", ()):
        if rec.room not in room_names:
            out.append(_unknown_room(rec.pos("room"), rec.room, room_names))
        if pack is not None and rec.service not in codes:
            out.append(_unknown_service(rec.pos("service"), rec.service))
    plans = []
    for value, fpos, (year, month) in parts["plans"]:
        plan = _build_plan(value, fpos, year, month, out)
        if plan is None:
            continue
        _check_plan(plan, v, codes, pack, room_names, out)
        plans.append(plan)
    plan_index = {p.key: p for p in plans}
    months = []
    for value, fpos, (year, month) in parts["activities"]:
        if ("plans", (year, month)) in broken:
            continue  # the plan's own problems come first; references are checked after
        am = _build_activity_month(value, fpos, year, month, plan_index, codes, pack, out)
        if am is not None:
            months.append(am)
    quarters = []
    for value, fpos, (year, q) in parts["finance"]:
        quarter = _build_quarter(value, fpos, year, q, out)
        if quarter is not None:
            quarters.append(quarter)
    audits = []
    for value, fpos, (year,) in parts["audits"]:
        if value.year != year:
            out.append(
                Problem.at(
                    value.pos("year"),
                    "file-name-mismatch",
                    f"文件名是 {year}.yaml，但内容是 {value.year} 年度",
                )
            )
        if value.published and value.published < value.date:
            out.append(
                Problem.at(value.pos("published"), "date-order", "公布日期不能早于审计报告日期")
            )
        if value.report_pdf:
            out.extend(
                check_attachment(
                    folder,
                    value.report_pdf,
                    value.pos("report_pdf"),
                    project,
                    allowed=allowed,
                    scanned=scans.get(fpos.file),
                )
            )
        audits.append(value)
    evaluations = []
    for value, fpos, (year,) in parts["evaluations"]:
        if value.year != year:
            out.append(
                Problem.at(
                    value.pos("year"),
                    "file-name-mismatch",
                    f"文件名是 {year}.yaml，但内容是 {value.year} 年度",
                )
            )
        if value.satisfaction.satisfied > value.satisfaction.sample:
            msg = f"满意人数 {value.satisfaction.satisfied} 不能多于样本数 {value.satisfaction.sample}"
            out.append(Problem.at(value.satisfaction.pos("satisfied"), "out-of-range", msg))
        evaluations.append(value)
    if not ok:
        return None
    return m.Centre(
        id=centre_id,
        city=v.get("city"),
        district=v["district"],
        street=v["street"],
        community=v["community"],
        brand=v.get("brand"),
        official_name=v.get("official_name"),
        community_type=v["community_type"],
        rule_pack=v["rule_pack"],
        address=v["address"],
        contact=v["contact"],
        operator=v["operator"],
        contract=contract,
        floor_area=v["floor_area"],
        rooms=v["rooms"],
        opening_hours=v["opening_hours"],
        staff=v["staff"],
        volunteers=v["volunteers"],
        services=v["services"],
        populations=v.get("populations", ()),
        social_organisations=v.get("social_organisations") or {},
        recurring=v.get("recurring", ()),
        plans=tuple(sorted(plans, key=lambda p: p.key)),
        activity_months=tuple(sorted(months, key=lambda a: a.key)),
        quarters=tuple(sorted(quarters, key=lambda q: q.key)),
        audits=tuple(sorted(audits, key=lambda a: a.year)),
        evaluations=tuple(sorted(evaluations, key=lambda e: e.year)),
        src=pos,
        at=at,
    )


def _service_codes(v: dict, pack: Pack | None) -> set[str]:
    codes = {s.code for s in v["services"].own}
    if pack is not None and pack.catalogue is not None:
        for t in pack.catalogue.tables:
            codes.add(t.code)
            for mj in t.majors:
                codes.add(mj.code)
                codes.update(it.code for it in mj.items)
    return codes


def _unknown_room(pos: Position, room: str, names: list[str]) -> Problem:
    close = difflib.get_close_matches(room, names, n=1, cutoff=0.4)
    hint = f"，是不是 {close[0]}？" if close else ""
    return Problem.at(
        pos,
        "unknown-room",
        f"活动室 {room} 不在 centre.yaml 的 rooms 中{hint}（现有：{'、'.join(names)}）",
    )


def _unknown_service(pos: Position, code: str) -> Problem:
    msg = f"服务编码 {code} 既不在服务目录中，也不是 centre.yaml 中 services.own 的自设服务编码"
    return Problem.at(pos, "unknown-service", msg)


def _check_hours(hours: m.OpeningHours) -> Iterator[Problem]:
    for day, sessions in hours.weekly.items():
        yield from _overlaps(sessions, m.WEEKDAYS[day])
    for exc in hours.exceptions:
        if "date" in exc.at and ("from" in exc.at or "to" in exc.at):
            yield Problem.at(
                exc.pos("date"), "wrong-type", "单日写 date，多日写 from 和 to，不要同时写"
            )
        elif "date" not in exc.at and "from" not in exc.at:
            yield Problem.at(exc.src, "missing-key", "缺少日期：单日写 date，多日写 from 和 to")
        if exc.end < exc.start:
            yield Problem.at(exc.pos("to"), "date-order", "结束日期不能早于开始日期")
        if exc.closed and exc.sessions:
            yield Problem.at(
                exc.pos("closed"), "wrong-type", "闭馆（closed: true）的日子不能再写开放时段"
            )
        if not exc.closed and not exc.sessions:
            msg = '不闭馆（closed: false）时须用 sessions 写明当天的开放时段，例如 ["09:00-17:00"]'
            yield Problem.at(exc.pos("closed"), "missing-key", msg)
        yield from _overlaps(exc.sessions, exc.reason)


def _overlaps(sessions: tuple[m.Session, ...], label: str) -> Iterator[Problem]:
    """Sessions of one day that overlap (a session running to midnight or overnight ends
    after the day's last minute, so nothing can start after it that day)."""
    ordered = sorted(sessions, key=lambda s: s.start_minute)
    for a, b in itertools.pairwise(ordered):
        if b.start_minute < a.end_minute:
            yield Problem.at(b.src, "overlapping-sessions", f"{label}的开放时段 {a} 与 {b} 重叠")


def _period_problem(value: Any, field_name: str, expected: str, actual: str) -> Problem:
    msg = f"文件名表示 {expected}，但内容写的是 {actual}：文件名与内容必须一致"
    return Problem.at(value["__at__"][field_name], "file-name-mismatch", msg)


def _build_plan(
    value: dict, fpos: Position, year: int, month: int, out: list[Problem]
) -> m.Plan | None:
    expected = f"{year:04d}-{month:02d}"
    if value["month"] != expected:
        out.append(_period_problem(value, "month", expected, value["month"]))
        return None
    if not 1 <= month <= 12:
        out.append(Problem.at(fpos, "bad-file-name", f"月份 {month} 不存在"))
        return None
    return m.Plan(
        year,
        month,
        value.get("published"),
        value["activities"],
        src=value["__pos__"],
        at=value["__at__"],
    )


def _check_plan(
    plan: m.Plan,
    v: dict,
    codes: set[str],
    pack: Pack | None,
    room_names: list[str],
    out: list[Problem],
) -> None:
    ids: dict[str, m.Activity] = {}
    hours: m.OpeningHours = v["opening_hours"]
    for a in plan.activities:
        if a.id in ids:
            msg = f"活动编号 {a.id} 在本月计划中重复（第一次在第 {ids[a.id].src.line} 行）"
            out.append(Problem.at(a.pos("id"), "duplicate-id", msg))
        ids[a.id] = a
        if (a.date.year, a.date.month) != (plan.year, plan.month):
            msg = f"活动日期 {a.date} 不在 {plan.key} 内：本文件只放 {plan.key} 的活动"
            out.append(Problem.at(a.pos("date"), "date-outside-period", msg))
        if a.end <= a.start:
            out.append(
                Problem.at(
                    a.pos("end"),
                    "bad-time-range",
                    f"结束时间 {a.end:%H:%M} 应晚于开始时间 {a.start:%H:%M}",
                )
            )
        if a.room not in room_names:
            out.append(_unknown_room(a.pos("room"), a.room, room_names))
        if pack is not None and a.service not in codes:
            out.append(_unknown_service(a.pos("service"), a.service))
        if a.price > 0 and not a.paid_service:
            msg = (
                "收费活动须填写 paid_service（对应的经营性便民利民服务编码）；公共服务原则上免收费"
            )
            out.append(Problem.at(a.pos("price"), "missing-key", msg))
        if a.paid_service and a.paid_service not in {p.code for p in v["services"].paid}:
            msg = f"paid_service {a.paid_service} 不在 centre.yaml 的 services.paid 中（须先备案）"
            out.append(Problem.at(a.pos("paid_service"), "unknown-service", msg))
        sessions = hours.sessions_on(a.date)
        if a.end > a.start and not any(s.contains(a.start, a.end) for s in sessions):
            open_text = "、".join(str(s) for s in sessions) or "闭馆"
            msg = f"活动时间 {a.start:%H:%M}-{a.end:%H:%M} 不在当天开放时间内（{a.date} 开放时间：{open_text}）"
            out.append(Problem.at(a.pos("start"), "outside-opening-hours", msg))
    by_room: dict[tuple, list[m.Activity]] = {}
    for a in plan.activities:
        by_room.setdefault((a.date, a.room), []).append(a)
    for group in by_room.values():
        group.sort(key=lambda a: a.start)
        for x, y in itertools.pairwise(group):
            if y.start < x.end:
                msg = f"{y.date} {y.room} 的活动 {y.id} 与 {x.id} 时间重叠"
                out.append(Problem.at(y.pos("start"), "room-double-booked", msg))
    if plan.published and plan.published > dt.date(plan.year, plan.month, 1) + dt.timedelta(
        days=62
    ):
        out.append(
            Problem.at(
                plan.pos("published"), "date-order", "公布日期晚于计划月份两个月以上，请核对"
            )
        )


def _build_activity_month(
    value: dict,
    fpos: Position,
    year: int,
    month: int,
    plans: dict,
    codes: set[str],
    pack: Pack | None,
    out: list[Problem],
) -> m.ActivityMonth | None:
    expected = f"{year:04d}-{month:02d}"
    if value["month"] != expected:
        out.append(_period_problem(value, "month", expected, value["month"]))
        return None
    plan = plans.get(expected)
    planned: dict[str, m.Activity] = {}
    for a in plan.activities if plan else ():
        planned.setdefault(a.id, a)  # a duplicate id is reported on the plan
    seen: set[str] = set()
    for r in value["records"]:
        if r.plan is not None:
            if r.plan not in planned:
                where = (
                    f"{expected} 的计划"
                    if plan
                    else f"{expected} 的计划文件 plans/{expected}.yaml（不存在）"
                )
                out.append(
                    Problem.at(
                        r.pos("plan"), "unknown-plan-activity", f"活动编号 {r.plan} 不在 {where} 中"
                    )
                )
            elif r.plan in seen:
                out.append(
                    Problem.at(r.pos("plan"), "duplicate-id", f"计划活动 {r.plan} 已经有一条记录")
                )
            else:
                a = planned[r.plan]
                if r.status == "已举办" and r.attendance > a.capacity:
                    msg = f"出席 {r.attendance} 人，超过计划名额 {a.capacity} 人，请核对或说明"
                    out.append(Problem.at(r.pos("attendance"), "capacity-exceeded", msg))
            seen.add(r.plan)
        else:
            missing = [k for k in ("date", "title", "service", "form") if getattr(r, k) is None]
            if missing:
                msg = f"计划外活动（没有 plan 编号）须填写 {'、'.join(missing)}"
                out.append(Problem.at(r.src, "missing-key", msg))
            if r.service is not None and pack is not None and r.service not in codes:
                out.append(_unknown_service(r.pos("service"), r.service))
        if (
            r.date is not None
            and r.status == "已举办"
            and (r.date.year, r.date.month) != (year, month)
        ):
            msg = f"举办日期 {r.date} 不在 {expected} 内：活动记录按实际举办的月份存放"
            out.append(Problem.at(r.pos("date"), "date-outside-period", msg))
        if r.status in ("已取消", "已延期") and not r.reason:
            out.append(
                Problem.at(
                    r.pos("status"), "missing-key", f"活动{r.status[1:]}时须填写 reason（原因）"
                )
            )
    for ind in value.get("individual", ()):
        if pack is not None and ind.service not in codes:
            out.append(_unknown_service(ind.pos("service"), ind.service))
    return m.ActivityMonth(
        year,
        month,
        value["records"],
        value.get("individual", ()),
        src=value["__pos__"],
        at=value["__at__"],
    )


def _sum_check(
    stated: Decimal | None, parts: Iterable[Decimal], pos: Position, what: str, out: list[Problem]
) -> None:
    total = sum(parts, Decimal(0))
    if stated is not None and stated != total:
        msg = f"{what}填写为 {stated} 元，但各项之和是 {total} 元，相差 {stated - total} 元"
        out.append(Problem.at(pos, "total-mismatch", msg))


def _build_quarter(
    value: dict, fpos: Position, year: int, q: int, out: list[Problem]
) -> m.Quarter | None:
    expected = f"{year:04d}-Q{q}"
    if value["quarter"] != expected:
        out.append(_period_problem(value, "quarter", expected, value["quarter"]))
        return None
    income_raw = value["income"]
    income = {k: income_raw.get(k, Decimal(0)) for k in m.INCOME_SOURCES}
    _sum_check(
        income_raw.get("total"),
        income.values(),
        income_raw["__at__"].get("total", fpos),
        "收入合计",
        out,
    )
    exp_raw = value["expenditure"]
    cats = {}
    for key in m.EXPENSE_CATEGORIES:
        c = exp_raw[key]
        cat = m.ExpenseCategory(key, c["items"], src=c["__pos__"], at=c["__at__"])
        _sum_check(
            c.get("total"),
            (i.amount for i in cat.items),
            c["__at__"].get("total", fpos),
            "小计",
            out,
        )
        cats[key] = cat
    _sum_check(
        exp_raw.get("total"),
        (c.total for c in cats.values()),
        exp_raw["__at__"].get("total", fpos),
        "支出合计",
        out,
    )
    quarter = m.Quarter(
        year,
        q,
        value.get("published"),
        income,
        cats,
        value.get("fixed_assets", ()),
        value.get("notes"),
        src=value["__pos__"],
        at=value["__at__"],
    )
    for asset in quarter.fixed_assets:
        if not quarter.period_start <= asset.date <= quarter.period_end:
            msg = f"购置日期 {asset.date} 不在 {expected}（{quarter.period_start} 至 {quarter.period_end}）内"
            out.append(Problem.at(asset.pos("date"), "date-outside-period", msg))
    if quarter.published and quarter.published <= quarter.period_end:
        msg = f"公布日期 {quarter.published} 早于季度结束（{quarter.period_end}），季度财务信息应在季度结束后公布"
        out.append(Problem.at(quarter.pos("published"), "date-order", msg))
    return quarter


def check_attachment(
    folder: Path,
    rel: str,
    pos: Position,
    project: Project,
    *,
    allowed: Iterable[str] = (),
    scanned: dict | None = None,
) -> list[Problem]:
    """An attachment must stay inside the centre folder, be a PDF or image, and be small; a
    PDF is read whole (``records.attachments``): no properties, no embedded files, no
    personal number, text that can be read unless ``scanned`` says it was checked by eye."""
    p = Path(rel)
    if p.is_absolute() or ".." in p.parts or rel.startswith(("/", "\\")) or ":" in rel:
        return [
            Problem.at(
                pos,
                "attachment-bad",
                f"附件路径 {rel} 必须是中心文件夹内的相对路径，不能含 .. 或绝对路径",
            )
        ]
    full = folder / p
    if not full.exists():
        return [
            Problem.at(
                pos,
                "attachment-missing",
                f"找不到附件 {rel}（应放在 {project.display(folder)}/{rel}）",
            )
        ]
    if not _inside(full, folder) or any(_is_link(folder, p)):
        return [Problem.at(pos, "attachment-bad", f"附件 {rel} 指向中心文件夹以外")]
    if not full.is_file():
        return [Problem.at(pos, "attachment-bad", f"附件 {rel} 不是一个普通文件（是文件夹或设备）")]
    suffix = full.suffix.lower()
    if suffix not in ATTACHMENT_MAGIC:
        return [
            Problem.at(
                pos,
                "attachment-bad",
                f"附件只能是 PDF 或图片（.pdf .png .jpg），这里是 {suffix or '无扩展名'}",
            )
        ]
    size = full.stat().st_size
    if size > MAX_ATTACHMENT_BYTES:
        return [
            Problem.at(
                pos, "attachment-bad", f"附件 {size} 字节，超过上限 {MAX_ATTACHMENT_BYTES} 字节"
            )
        ]
    data = full.read_bytes()
    if not data.startswith(ATTACHMENT_MAGIC[suffix]):
        return [
            Problem.at(pos, "attachment-bad", f"附件 {rel} 的内容不是 {suffix[1:].upper()} 文件")
        ]
    if suffix == ".pdf":
        return attachment_problems(data, rel, pos, allowed=allowed, scanned=scanned)
    return image_problems(rel, pos, scanned)


def _is_link(folder: Path, rel: Path) -> Iterator[bool]:
    cur = folder
    for part in rel.parts:
        cur = cur / part
        yield cur.is_symlink()


def population_label(key: str) -> str:
    return POPULATIONS.get(key, key)


# ---------------------------------------------------------------- what the day of the check decides


@dataclass(frozen=True)
class HeldRecord:
    """An activity record that says something took place on ``day``: an activity held (已举办)
    or attended (``activity``), or a month's individual-service counts (``individual``,
    ``day`` the month's first day)."""

    day: dt.date
    pos: Position
    kind: str  # activity | individual
    what: str  # Chinese: 活动 A05（四点半学校）, 计划外活动“邻里茶话会”, 2026-12 的个体服务人次


def held_records(centre: m.Centre) -> tuple[HeldRecord, ...]:
    """Every record of the centre that says something took place, with its day and line.

    It does not depend on the day of the check, so it is made with the centre's other checks
    and kept with them; ``held_after`` compares it with the day."""
    planned: dict[tuple[str, str], m.Activity] = {}
    for plan in centre.plans:
        for a in plan.activities:
            planned.setdefault((plan.key, a.id), a)  # a duplicate id is reported on the plan
    out = []
    for month in centre.activity_months:
        for r in month.records:
            if r.status != "已举办" and not r.attendance:
                continue
            activity = planned.get((month.key, r.plan)) if r.plan else None
            day = r.date or (activity.date if activity is not None else None)
            if day is None:
                continue  # an unknown plan id or a missing date is reported on its own
            if activity is not None:
                what = f"活动 {r.plan}（{activity.title}）"
            else:
                what = f"计划外活动“{r.title}”" if r.title else "计划外活动"
            pos = r.pos("attendance") if "attendance" in r.at else r.pos("status")
            out.append(HeldRecord(day, pos, "activity", what))
        first = dt.date(month.year, month.month, 1)
        for ind in month.individual:
            if ind.count:
                what = f"{month.key} 的个体服务人次（{ind.service}）"
                out.append(HeldRecord(first, ind.pos("count"), "individual", what))
    return tuple(out)


def held_after(held: Iterable[HeldRecord], day: dt.date) -> list[Problem]:
    """Record errors (``date-order``) for what is said to have taken place after ``day``, the
    day of the check (``--today``): held, attended or counted before its day has come."""
    out = []
    for h in held:
        if h.day <= day:
            continue
        if h.kind == "individual":
            msg = (
                f"{h.what}：{h.day.year}年{h.day.month}月还没有开始"
                f"（检查日期 {day.isoformat()}），不能已有服务人次"
            )
        else:
            msg = (
                f"{h.what}的日期 {h.day.isoformat()} 晚于检查日期 {day.isoformat()}："
                "还没有举办的活动不能记为已举办，也不能填写出席人数"
            )
        out.append(Problem.at(h.pos, "date-order", msg))
    return out
