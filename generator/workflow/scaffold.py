"""Draft new records for the user to check: a centre's centre.yaml and a month's plan.

Pure functions: facts in, YAML text out; ``generator.cli.new`` asks for the facts and writes
the files. Every value a person must still check carries the comment ``# 请核对``; the text
always validates, so ``gongshi check`` finds no error in a fresh centre (its placeholder
figures are warnings until the contract starts).

- The questions: ``FACT_KINDS`` (order, label, record kind), ``WHY_REQUIRED`` (said when a
  required one is left empty), ``check_fact`` (the record's own check, plus a district that
  must end in 区/县/市/旗), ``pack_options`` and ``community_type_options`` (numbered choices
  named from the packs' own metadata: each pack's ``document``, the ``service-mix`` table's
  community types and descriptions).
- ``schema_comment``: the first line of every file written, pointing an editor at the
  record kind's JSON Schema under ``docs/schema/records/``.
- Holidays come from ``figures.holidays``: a new centre's hours list the contract year's
  statutory holidays (closed) and 调休 working days (open), to be checked; a plan draft puts
  nothing on a statutory day off unless an exception opens that day, drafts a 调休 working day
  by the centre's hours for that weekday, and ``propose_exceptions`` gives the year's
  holidays the hours do not mention yet, for staff to confirm and copy into centre.yaml.
"""

from __future__ import annotations

import calendar
import datetime as dt
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from generator import model as m
from generator.figures import holidays
from generator.packs.library import Pack
from generator.paths import SCHEMA_DIR
from generator.problems import Position, Problem
from generator.records.edit import CommentedMap, CommentedSeq, dump_value, new_document, quoted
from generator.records.load import REVIEW_MARK, RScalar
from generator.records.schema import INVALID, Choice, Str
from generator.records.shapes import COMMUNITY_TYPES, CreditCode, Phone
from generator.records.validate import CENTRE_ID

REVIEW = REVIEW_MARK
STANDARD_SUBFOLDERS = ("plans", "activities", "finance", "audits", "evaluations", "attachments")


@dataclass(frozen=True)
class CentreFacts:
    """The few facts ``gongshi new`` needs; everything else starts as a placeholder."""

    id: str
    district: str
    street: str
    community: str
    community_type: str
    rule_pack: str
    operator_name: str
    credit_code: str
    city: str | None = None
    brand: str | None = None
    address: str | None = None
    phone: str | None = None


# option name → (label, kind); checked one by one so each answer is judged on its own, and
# asked in this order.
FACT_KINDS: dict[str, tuple[str, Any]] = {
    "district": ("所在区（如 福田区）", Str(label="区")),
    "street": ("所在街道（如 沙头街道）", Str(label="街道")),
    "community": ("所在社区（如 沙尾社区）", Str(label="社区")),
    "community_type": ("社区类型", Choice(tuple(COMMUNITY_TYPES), "社区类型")),
    "rule_pack": (
        "适用的规则包",
        Str(
            label="规则包编号",
            pattern=r"[a-z0-9][a-z0-9-]{0,40}",
            pattern_hint="规则包编号（如 shenzhen-2015）",
        ),
    ),
    "operator_name": ("运营主体名称（社会组织全称）", Str(label="运营主体名称", max_len=100)),
    "credit_code": ("运营主体的统一社会信用代码（18 位）", CreditCode()),
    "city": ("所在市（可不填）", Str(label="市")),
    "brand": ("服务品牌名（没有就不填）", Str(label="品牌名")),
    "address": ("中心地址（可稍后填写）", Str(label="地址")),
    "phone": ("对外公开的服务电话（可稍后填写）", Phone()),
}
OPTIONAL_FACTS = ("city", "brand", "address", "phone")

# Why a required fact cannot be left empty: said when Enter is pressed on its question.
WHY_REQUIRED: dict[str, str] = {
    "district": "公示网站按区列出各中心，服务购买合同的购买单位也按区填写。",
    "street": "中心名称由“街道 + 社区 + 社区（党群）服务中心”组成，少了街道就没有名称。",
    "community": "中心名称由“街道 + 社区 + 社区（党群）服务中心”组成，少了社区就没有名称。",
    "rule_pack": "规则包决定按哪一份规范检查本中心（开放时间、经费比例、公示期限等），请输入编号选择。",
    "community_type": "规范按社区类型建议各类服务量的比例，请输入编号选择本社区的类型。",
    "operator_name": "公示内容须写明承接运营的社会组织全称（与登记证书一致）。",
    "credit_code": "统一社会信用代码用于核对运营主体，印在登记证书上，共 18 位。",
}

# A district-level name ends with one of these (福田区、博罗县、昆山市、科尔沁右翼前旗…).
DISTRICT_SUFFIXES = ("区", "县", "市", "旗")


@dataclass(frozen=True)
class Option:
    """One numbered choice offered by ``gongshi new``: the value written and what is shown."""

    value: str
    label: str


def pack_options(packs: Mapping[str, Pack]) -> list[Option]:
    """The rule packs as choices, each shown with the regulation it encodes (from the pack)."""
    return [Option(pid, f"{pid}：{_document(packs[pid])}") for pid in sorted(packs)]


def _document(pack: Pack) -> str:
    doc = pack.document or pack.name
    return doc if doc.startswith("《") else f"《{doc}》"


def community_type_options(packs: Mapping[str, Pack]) -> tuple[str, list[Option]]:
    """The community types to choose from and where they come from.

    A pack whose ``service-mix`` rule weighs services by community type (深圳 表九) names
    the types, with their descriptions; every such pack's types are offered, in its own
    order, and the note cites the table. With no such pack, every type a centre record
    accepts is offered and the note says no pack tells them apart.
    """
    options: dict[str, Option] = {}
    sources: list[str] = []
    for pid in sorted(packs):
        for rule in packs[pid].by_check("service-mix"):
            weights = getattr(rule.params, "weights", None) or {}
            table = getattr(rule.params, "table", None)
            found = False
            for spec in weights.values():
                name = spec.get("name") if isinstance(spec, Mapping) else None
                if name not in COMMUNITY_TYPES:
                    continue
                found = True
                extra = [str(spec[k]) for k in ("category", "description") if spec.get(k)]
                label = name + (f"（{'：'.join(extra)}）" if extra else "")
                options.setdefault(name, Option(name, label))
            source = rule.citation + (f"{table}" if table else "")
            if found and source not in sources:
                sources.append(source)
    if options:
        note = "按" + "、".join(sources) + "；规则包不按社区类型区分要求的，此项只用于展示"
        return note, list(options.values())
    return "规则包都不按社区类型区分服务要求，此项只用于展示", [
        Option(name, name) for name in COMMUNITY_TYPES
    ]


def choose(options: list[Option], text: str) -> str | None:
    """The value picked by an answer: its number (1, 2, …) or the value itself; else None."""
    text = text.strip()
    if text.isdigit() and 1 <= int(text) <= len(options):
        return options[int(text) - 1].value
    for option in options:
        if text == option.value:
            return option.value
    return None


def check_fact(name: str, text: str, source: str) -> tuple[Any, list[Problem]]:
    """Validate one answer with the record's own kind; returns (value or INVALID, problems)."""
    out: list[Problem] = []
    _label, kind = FACT_KINDS[name]
    value = kind(RScalar(Position(source), text, quoted=True), out)
    if name == "district" and isinstance(value, str) and not value.endswith(DISTRICT_SUFFIXES):
        out.append(
            Problem.at(
                Position(source),
                "bad-text",
                f"所在区请写全称，以“区”“县”“市”或“旗”结尾，例如 {value}区；这里是“{value}”",
            )
        )
        value = INVALID
    return value, out


def schema_comment(record: Path, kind: str, project_root: Path) -> str:
    """The first line of a record file written by gongshi: where its JSON Schema is.

    ``# yaml-language-server: $schema=<path>`` lets an editor (VS Code with the YAML
    extension) complete keys and underline mistakes as they are typed. The path is relative
    to the record's folder: the project's own ``docs/schema/records/<kind>.schema.json``
    when it has one, else the copy that ships with gongshi.
    """
    name = f"{kind}.schema.json"
    schema = project_root / "docs" / "schema" / "records" / name
    if not schema.is_file():
        shipped = SCHEMA_DIR / "records" / name
        if shipped.is_file():
            schema = shipped
    try:
        target = Path(os.path.relpath(schema.resolve(), record.parent.resolve())).as_posix()
    except ValueError:  # another drive (Windows): an absolute address
        target = schema.resolve().as_uri()
    return f"# yaml-language-server: $schema={target}"


def check_centre_id(centre_id: str) -> str | None:
    """Return a Chinese message when the folder name cannot be a centre id, else None."""
    if CENTRE_ID.fullmatch(centre_id):
        return None
    return (
        f"中心编号 {centre_id!r} 不对：应是 2 至 63 个小写英文字母、数字或连字符，"
        "以字母或数字开头（如 futian-shawei），它会出现在网址中"
    )


def _v(value: Any) -> str:
    return dump_value(value)


def _first_service_code(pack: Pack | None) -> str:
    """A code the pack's catalogue accepts, as a starting point for the user to replace."""
    if pack is not None and pack.catalogue is not None:
        for table in pack.catalogue.tables:
            if table.free is False:  # paid services (表十) are not a starting point
                continue
            for major in table.majors:
                if major.items:
                    return major.items[0].code
                return major.code
            return table.code
    return "own-1"


def holiday_exception_lines(start: dt.date, end: dt.date, workday_sessions: list[str]) -> list[str]:
    """``opening_hours.exceptions`` entries for the statutory holidays from ``start`` to
    ``end`` (closed) and the 调休 working days (open with ``workday_sessions``), each marked
    to be checked, as lines of centre.yaml indented under ``opening_hours``."""
    entries: list[tuple[dt.date, list[str]]] = []
    for brk in holidays.holiday_breaks(start, end):
        when = (
            [f"    - date: {brk.first.isoformat()}   {REVIEW}"]
            if brk.days == 1
            else [
                f"    - from: {brk.first.isoformat()}   {REVIEW}",
                f"      to: {brk.last.isoformat()}",
            ]
        )
        entries.append((brk.first, [*when, f"      reason: {_v(brk.name)}"]))
    sessions = _sessions(workday_sessions)
    for day in holidays.adjusted_workdays(start, end):
        entries.append(
            (
                day.day,
                [
                    f"    - date: {day.day.isoformat()}   {REVIEW}：{m.WEEKDAYS[day.day.weekday()]}调休上班",
                    f"      reason: {_v('调休上班（' + day.name + '）')}",
                    f"      sessions: [{sessions}]",
                ],
            )
        )
    lines: list[str] = []
    for _, entry in sorted(entries, key=lambda e: e[0]):
        lines += entry
    return lines


def _sessions(sessions: list[str]) -> str:
    return ", ".join(f'"{s}"' for s in sessions)


def unannounced_years(start: dt.date, end: dt.date) -> list[int]:
    """The years from ``start`` to ``end`` whose 调休 arrangement gongshi does not know yet."""
    return [y for y in range(start.year, end.year + 1) if not holidays.announced(y)]


def render_centre_yaml(
    facts: CentreFacts, pack: Pack | None, today: dt.date, schema: str | None = None
) -> str:
    """Return a commented centre.yaml that validates, with ``# 请核对`` on every placeholder.

    ``schema`` is the first line (``schema_comment``); the opening hours list the contract
    year's statutory holidays and 调休 working days (``holiday_exception_lines``).
    """
    name = m.official_name(facts.brand, facts.street, facts.community)
    code = _first_service_code(pack)
    own_block = ""
    if code == "own-1":
        own_block = (
            "  own:\n"
            f"    - code: own-1   {REVIEW}：本中心自设服务项目的编码和名称\n"
            "      title: 综合服务\n"
        )
    address = facts.address or f"{facts.city or ''}{facts.district}{facts.street}{facts.community}"
    address_note = "" if facts.address else f"   {REVIEW}：补上路名和门牌号"
    phone = facts.phone or "0000-00000000"
    phone_note = "" if facts.phone else f"   {REVIEW}：改成中心对外公开的服务电话（不要填个人手机）"
    year = today.year
    # a new centre's contract starts next month (a placeholder): until then the problems its
    # placeholders cause are warnings to check, not findings (compliance.results_problems)
    start = dt.date(year + (today.month == 12), today.month % 12 + 1, 1)
    end = dt.date(start.year + 1, start.month, 1) - dt.timedelta(days=1)
    lines = [schema] if schema else []
    lines += [
        f"# 中心基本信息（centre.yaml）：{name}",
        f"# 由 gongshi new 于 {today.isoformat()} 生成。标有“{REVIEW}”的值是占位内容，请逐项改成本中心的实际情况，",
        "# 改完后删去该注释。以“#”开头的是注释，只给人看，程序不读。格式说明见 docs/records.md。",
        "",
        "# ---- 位置与名称 ----",
        "# 中心名称按“品牌名（如有）+ 街道 + 社区 + 社区（党群）服务中心”生成，不用另写。",
    ]
    if facts.city:
        lines.append(f"city: {_v(facts.city)}")
    lines += [
        f"district: {_v(facts.district)}",
        f"street: {_v(facts.street)}",
        f"community: {_v(facts.community)}",
    ]
    if facts.brand:
        lines.append(f"brand: {_v(facts.brand)}")
    lines += [
        "# 社区类型：" + "、".join(COMMUNITY_TYPES),
        f"community_type: {_v(facts.community_type)}",
        "# 适用的规则包（content/rules/ 下的文件名，不含 .yaml）",
        f"rule_pack: {_v(facts.rule_pack)}",
        f"address: {_v(address)}{address_note}",
        "",
        "# ---- 公开联系方式（会在公示网站和公示栏上公开）----",
        "contact:",
        f"  phone: {_v(phone)}{phone_note}",
        f"  feedback: 居民可到中心前台提出意见或拨打中心电话   {REVIEW}：写明意见、投诉与监督的渠道",
        "",
        "# ---- 运营主体 ----",
        "# credit_code 是 18 位统一社会信用代码，程序会按 GB 32100 验证最后一位校验位。",
        "operator:",
        f"  name: {_v(facts.operator_name)}",
        f"  credit_code: {_v(facts.credit_code)}",
        "",
        "# ---- 服务购买合同 ----",
        "# 金额以“元”为单位，只写数字，最多两位小数，不写“元”、不用千位分隔符。",
        "contract:",
        f"  purchaser: {_v(facts.district + '民政局')}   {REVIEW}：购买服务的单位",
        f"  start: {start.isoformat()}   {REVIEW}：合同开始日期",
        f"  end: {end.isoformat()}   {REVIEW}：合同结束日期",
        f"  annual_budget: 0.00   {REVIEW}：年度经费（元）",
        "",
        "# ---- 场地 ----",
        f"floor_area: 0   {REVIEW}：可利用室内场地总面积（平方米）",
        "rooms:   # 每个功能室一项；活动计划中的“活动室”必须是这里的名称之一",
        f"  - name: 多功能活动室   {REVIEW}",
        f"    area: 0   {REVIEW}：面积（平方米）",
        "    purpose: 团体活动",
        "    accessible: false   # 是否无障碍",
        "",
        "# ---- 开放时间 ----",
        "# weekly 按周一至周日写开放时段，一天可以有多个时段；没有写的那天表示不开放。",
        "# exceptions 写节假日、临时闭馆和调休安排（见 docs/records.md）。",
        f"opening_hours:   {REVIEW}",
        "  weekly:",
    ]
    workday = ["09:00-12:00", "14:00-18:00"]
    for day in m.WEEKDAYS[:5]:
        lines.append(f"    {day}: [{_sessions(workday)}]")
    exceptions = holiday_exception_lines(start, end, workday)
    if exceptions:
        lines += [
            "  # 下面是合同期内的法定节假日（按闭馆写）和调休上班日（按平日时间开放），",
            "  # 取自国务院办公厅公布的放假安排。节日照常或缩短时间开放的，把那一项改成写 sessions；",
            "  # 调休上班日不开放的，删去那一项。",
        ]
        for year in unannounced_years(start, end):
            lines.append(
                f"  # {year} 年的放假调休安排本系统尚未收录：其中只有按法定节日推算的假日，"
                "没有调休，请按国务院办公厅的通知核对。"
            )
        lines += ["  exceptions:", *exceptions]
    else:
        lines.append("  exceptions: []")
    lines += [
        "",
        "# ---- 工作人员 ----",
        "# 不必填写姓名；name 即使填写也不会公开。每位工作人员一项，只能有一位 head: true。",
        "staff:",
        f"  - role: 中心主任   {REVIEW}",
        "    employment: 全职   # 全职 或 兼职",
        f"    qualification: 无   {REVIEW}：无、助理社工师、社工师、高级社工师",
        f"    registered: false   {REVIEW}：是否已在社工协会注册",
        "    head: true",
        "",
        "# ---- 志愿者（义工）----",
        "volunteers:",
        f"  registered: 0   {REVIEW}：在册志愿者人数",
        f"  service_hours: 0   {REVIEW}：年度累计志愿服务时数",
        "",
        "# ---- 服务项目 ----",
        "# catalogue 列出本中心提供的服务目录编码（细项如 3.3.1），以 content/catalogue/ 中的服务目录为准。",
        "services:",
        "  catalogue:",
        f"    - {_v(code)}   {REVIEW}：改成本中心实际提供的服务目录编码",
    ]
    lines += own_block.rstrip("\n").splitlines() if own_block else []
    lines += [
        "",
        "# ---- 每周固定活动（用于 gongshi plan new 生成下月计划）----",
        "# 例如：",
        "#   - weekday: 周二",
        "#     time: 16:30-18:00",
        "#     room: 多功能活动室",
        "#     title: 四点半学校",
        f"#     service: {code}",
        "#     form: 群体",
        "#     target: 社区小学生",
        "#     capacity: 25",
        "recurring: []",
        "",
    ]
    return "\n".join(lines)


# ---------------------------------------------------------------- plans/YYYY-MM.yaml


@dataclass(frozen=True)
class SkippedDay:
    """A recurring activity not put in the plan, and why (shown to the user)."""

    date: dt.date
    title: str
    reason: str


@dataclass(frozen=True)
class PlanDraft:
    """A drafted month plan: the YAML text, how many activities, what was skipped, and the
    month's statutory days off and 调休 working days (told to the user)."""

    text: str
    count: int
    skipped: tuple[SkippedDay, ...] = field(default=())
    notes: tuple[str, ...] = field(default=())


def parse_month(text: str) -> tuple[int, int] | None:
    """Parse YYYY-MM into (year, month), or None."""
    match = re.fullmatch(r"([0-9]{4})-(0[1-9]|1[0-2])", text.strip())
    return (int(match[1]), int(match[2])) if match else None


def _exception_on(hours: m.OpeningHours, day: dt.date) -> m.HoursException | None:
    """The exception that decides a day (the last listed wins), if any."""
    for exc in reversed(hours.exceptions):
        if exc.covers(day):
            return exc
    return None


def _month_range(year: int, month: int) -> tuple[dt.date, dt.date]:
    return dt.date(year, month, 1), dt.date(year, month, calendar.monthrange(year, month)[1])


def _weekday(day: dt.date) -> str:
    return f"{day.isoformat()}（{m.WEEKDAYS[day.weekday()]}）"


def draft_activities(
    centre: m.Centre, year: int, month: int, signup: str
) -> tuple[CommentedSeq, list[SkippedDay]]:
    """Put each recurring activity on each matching weekday of the month, skipping closed days.

    Nothing is drafted on a statutory day off (``figures.holidays``: the holiday break as the
    State Council announces it) unless an ``opening_hours.exceptions`` entry gives that day's
    sessions (the centre opens on the holiday). A day closed by an exception or with no
    sessions gets nothing; an activity that does not fit the day's opening hours (a
    shortened holiday schedule) is skipped too, so the draft validates without warnings.
    A 调休 working day on a weekend follows the centre's hours for that weekday (or its
    exception): the activities of that weekday are drafted only when the centre is open.
    """
    hours = centre.opening_hours
    first, last = _month_range(year, month)
    days_off = {d.day: d.name for d in holidays.statutory_days_off(first, last)}
    rows: list[tuple[dt.date, m.RecurringActivity]] = []
    skipped: list[SkippedDay] = []
    for d in range(1, last.day + 1):
        day = dt.date(year, month, d)
        todays = sorted(
            (r for r in centre.recurring if r.weekday == day.weekday()),
            key=lambda r: (r.start, r.room),
        )
        if not todays:
            continue
        exc = _exception_on(hours, day)
        sessions = hours.sessions_on(day)
        for rec in todays:
            if day in days_off and exc is None:
                skipped.append(SkippedDay(day, rec.title, f"法定节假日（{days_off[day]}）"))
            elif not sessions:
                reason = exc.reason if exc is not None else "闭馆"
                skipped.append(SkippedDay(day, rec.title, f"当天闭馆（{reason}）"))
            elif not any(s.contains(rec.start, rec.end) for s in sessions):
                open_text = "、".join(str(s) for s in sessions)
                skipped.append(SkippedDay(day, rec.title, f"不在当天开放时间内（{open_text}）"))
            else:
                rows.append((day, rec))
    width = max(2, len(str(len(rows))))
    activities = CommentedSeq()
    for i, (day, rec) in enumerate(rows, 1):
        a = CommentedMap()
        a["id"] = f"A{i:0{width}d}"
        a["date"] = day
        a["start"] = quoted(f"{rec.start:%H:%M}")
        a["end"] = quoted(f"{rec.end:%H:%M}")
        a["room"] = rec.room
        a["title"] = rec.title
        if rec.description:
            a["description"] = rec.description
        a["service"] = rec.service
        a["form"] = rec.form
        a["target"] = rec.target
        a["capacity"] = rec.capacity
        if rec.themed:
            a["themed"] = True
        a["signup"] = getattr(rec, "signup", None) or signup
        activities.append(a)
    return activities, skipped


def month_notes(centre: m.Centre, year: int, month: int) -> list[str]:
    """What staff should know about the month's calendar: its holiday breaks, its 调休
    working days and whether the centre opens on them, and an unannounced year."""
    first, last = _month_range(year, month)
    hours = centre.opening_hours
    notes: list[str] = []
    for brk in holidays.holiday_breaks(first, last):
        span = (
            brk.first.isoformat()
            if brk.days == 1
            else f"{brk.first.isoformat()} 至 {brk.last.isoformat()}"
        )
        notes.append(f"法定节假日：{span} {brk.name}（共 {brk.days} 天）")
    for day in holidays.adjusted_workdays(first, last):
        sessions = hours.sessions_on(day.day)
        state = (
            f"中心当天开放（{'、'.join(str(s) for s in sessions)}），已按{m.WEEKDAYS[day.day.weekday()]}的固定活动排入"
            if sessions
            else "中心当天不开放，未排活动；如当天开放，请在 exceptions 中写明时段"
        )
        notes.append(f"调休上班日：{_weekday(day.day)}（{day.name}），{state}")
    if not holidays.announced(year):
        notes.append(
            f"{year} 年的放假调休安排本系统尚未收录：节假日按法定节日推算，没有调休上班日，"
            "请按国务院办公厅的通知核对"
        )
    return notes


def draft_plan(centre: m.Centre, year: int, month: int, signup: str, schema: str = "") -> PlanDraft:
    """The text of plans/YYYY-MM.yaml drafted by ``draft_activities``, with a header.

    ``schema`` is the file's first line (``schema_comment``); the header lists the month's
    holidays, 调休 working days and the activities left out.
    """
    activities, skipped = draft_activities(centre, year, month, signup)
    notes = month_notes(centre, year, month)
    key = f"{year:04d}-{month:02d}"
    data = CommentedMap()
    data["month"] = key
    data["published"] = None
    data["activities"] = activities
    header = (
        f"{year} 年 {month} 月活动计划（由 gongshi plan new 根据 centre.yaml 的每周固定活动生成）\n"
        "请核对每项活动，补充本月的其他活动；计划公布后在 published 填写公布日期（YYYY-MM-DD）。"
    )
    if notes:
        header += "\n" + "\n".join(notes)
    if skipped:
        header += "\n以下固定活动因节假日、闭馆或开放时间调整未排入：\n" + "\n".join(
            f"  {s.date.isoformat()} {s.title}：{s.reason}" for s in skipped
        )
    data.yaml_set_start_comment(header)
    data.yaml_add_eol_comment("请核对：计划公布后填写公布日期", "published")
    text = new_document(data).dump()
    if schema:
        text = f"{schema}\n{text}"
    return PlanDraft(text, len(activities), tuple(skipped), tuple(notes))


# ---------------------------------------------------------------- the year's exceptions


@dataclass(frozen=True)
class ExceptionProposal:
    """Statutory holidays and 调休 working days the centre's hours do not mention yet, as
    ``opening_hours.exceptions`` entries for staff to confirm and copy into centre.yaml."""

    start: dt.date
    end: dt.date
    lines: tuple[str, ...]  # YAML, indented as under ``opening_hours:`` in centre.yaml
    unannounced: tuple[int, ...]


def propose_exceptions(centre: m.Centre, year: int, month: int) -> ExceptionProposal:
    """The holidays from the plan's month to the end of its year (a December plan: to the
    end of the next year too) that no exception covers, and the 调休 working days on which
    the weekly hours say the centre is closed and no exception says otherwise."""
    start = dt.date(year, month, 1)
    end = dt.date(year + (month == 12), 12, 31)
    hours = centre.opening_hours
    lines: list[tuple[dt.date, list[str]]] = []
    for brk in holidays.holiday_breaks(start, end):
        days = [brk.first + dt.timedelta(days=i) for i in range(brk.days)]
        if all(_exception_on(hours, day) is not None for day in days):
            continue
        when = (
            [f"    - date: {brk.first.isoformat()}"]
            if brk.days == 1
            else [f"    - from: {brk.first.isoformat()}", f"      to: {brk.last.isoformat()}"]
        )
        lines.append((brk.first, [*when, f"      reason: {_v(brk.name)}"]))
    workday = next((hours.weekly[i] for i in range(5) if hours.weekly.get(i)), ())
    for day in holidays.adjusted_workdays(start, end):
        if hours.sessions_on(day.day) or not workday:
            continue
        lines.append(
            (
                day.day,
                [
                    f"    - date: {day.day.isoformat()}   # {m.WEEKDAYS[day.day.weekday()]}调休上班",
                    f"      reason: {_v('调休上班（' + day.name + '）')}",
                    f"      sessions: [{_sessions([str(s) for s in workday])}]",
                ],
            )
        )
    out: list[str] = []
    for _, entry in sorted(lines, key=lambda e: e[0]):
        out += entry
    years = tuple(y for y in range(start.year, end.year + 1) if not holidays.announced(y))
    return ExceptionProposal(start, end, tuple(out), years)
