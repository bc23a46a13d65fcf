"""Draft new records for the user to review: a centre's centre.yaml and a month's plan.

Pure functions: facts in, YAML text out. ``cmd_new`` asks for the facts and writes the
files. Every value a person must still check carries the comment ``# 请核对``; the text
always validates, so ``gongshi check`` passes on a fresh centre.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass, field
from typing import Any

from generator import model as m
from generator.packs.library import Pack
from generator.problems import Position, Problem
from generator.records.edit import CommentedMap, CommentedSeq, dump_value, new_document, quoted
from generator.records.load import REVIEW_MARK, RScalar
from generator.records.schema import Choice, Str
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


# option name → (label, kind); checked one by one so each answer is judged on its own
FACT_KINDS: dict[str, tuple[str, Any]] = {
    "district": ("所在区（如 福田区）", Str(label="区")),
    "street": ("所在街道（如 沙头街道）", Str(label="街道")),
    "community": ("所在社区（如 沙尾社区）", Str(label="社区")),
    "community_type": (
        "社区类型（" + "、".join(COMMUNITY_TYPES) + "）",
        Choice(tuple(COMMUNITY_TYPES), "社区类型"),
    ),
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


def check_fact(name: str, text: str, source: str) -> tuple[Any, list[Problem]]:
    """Validate one answer with the record's own kind; returns (value or INVALID, problems)."""
    out: list[Problem] = []
    _label, kind = FACT_KINDS[name]
    value = kind(RScalar(Position(source), text, quoted=True), out)
    return value, out


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


def render_centre_yaml(facts: CentreFacts, pack: Pack | None, today: dt.date) -> str:
    """Return a commented centre.yaml that validates, with ``# 请核对`` on every placeholder."""
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
    lines = [
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
    for day in m.WEEKDAYS[:5]:
        lines.append(f'    {day}: ["09:00-12:00", "14:00-18:00"]')
    lines += [
        "  exceptions: []",
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
    """A drafted month plan: the YAML text, how many activities, and what was skipped."""

    text: str
    count: int
    skipped: tuple[SkippedDay, ...] = field(default=())


def parse_month(text: str) -> tuple[int, int] | None:
    """Parse YYYY-MM into (year, month), or None."""
    match = re.fullmatch(r"([0-9]{4})-(0[1-9]|1[0-2])", text.strip())
    return (int(match[1]), int(match[2])) if match else None


def _closed_reason(hours: m.OpeningHours, day: dt.date) -> str | None:
    for exc in reversed(hours.exceptions):
        if exc.covers(day):
            return exc.reason if exc.closed else None
    return None


def draft_activities(
    centre: m.Centre, year: int, month: int, signup: str
) -> tuple[CommentedSeq, list[SkippedDay]]:
    """Put each recurring activity on each matching weekday of the month, skipping closed days.

    A day closed by an opening-hours exception (a holiday) or with no sessions gets
    nothing; an activity that does not fit the day's opening hours (a shortened holiday
    schedule) is skipped too, so the draft validates without warnings.
    """
    hours = centre.opening_hours
    days = calendar.monthrange(year, month)[1]
    rows: list[tuple[dt.date, m.RecurringActivity]] = []
    skipped: list[SkippedDay] = []
    for d in range(1, days + 1):
        day = dt.date(year, month, d)
        todays = sorted(
            (r for r in centre.recurring if r.weekday == day.weekday()),
            key=lambda r: (r.start, r.room),
        )
        if not todays:
            continue
        sessions = hours.sessions_on(day)
        for rec in todays:
            if not sessions:
                reason = _closed_reason(hours, day) or "闭馆"
                skipped.append(SkippedDay(day, rec.title, f"当天闭馆（{reason}）"))
            elif not any(s.start <= rec.start and rec.end <= s.end for s in sessions):
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


def draft_plan(centre: m.Centre, year: int, month: int, signup: str) -> PlanDraft:
    """The text of plans/YYYY-MM.yaml drafted by ``draft_activities``, with a header."""
    activities, skipped = draft_activities(centre, year, month, signup)
    key = f"{year:04d}-{month:02d}"
    data = CommentedMap()
    data["month"] = key
    data["published"] = None
    data["activities"] = activities
    header = (
        f"{year} 年 {month} 月活动计划（由 gongshi plan new 根据 centre.yaml 的每周固定活动生成）\n"
        "请核对每项活动，补充本月的其他活动；计划公布后在 published 填写公布日期（YYYY-MM-DD）。"
    )
    if skipped:
        header += "\n以下固定活动因闭馆或开放时间调整未排入：\n" + "\n".join(
            f"  {s.date.isoformat()} {s.title}：{s.reason}" for s in skipped
        )
    data.yaml_set_start_comment(header)
    data.yaml_add_eol_comment("请核对：计划公布后填写公布日期", "published")
    text = new_document(data).dump()
    return PlanDraft(text, len(activities), tuple(skipped))
