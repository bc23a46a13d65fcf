"""The shape of every record file, as declarative schemas over ``schema`` kinds.

docs/records.md documents each file with a full example; tests check that every key
declared here appears there.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from typing import Any

from generator import model as m
from generator.problems import Position, Problem
from generator.records.load import printable
from generator.records.schema import (
    INVALID,
    Bool,
    Choice,
    Date,
    F,
    Int,
    Kind,
    Money,
    Number,
    Obj,
    Seq,
    Str,
    Text,
    Time,
    TimeRange,
    model,
)
from generator.text.labels import EVALUATION_LABELS

COMMUNITY_TYPES = {
    "传统城市社区": "traditional-urban",
    "现代化社区": "modern",
    "城中村社区": "urban-village",
    "村改居社区": "village-converted",
    "工业社区": "industrial",
    "混合型社区": "mixed",
}
POPULATIONS = {
    "infants": "婴幼儿",
    "elderly": "老年人",
    "disabled": "残疾人",
    "women_children_family": "妇女儿童及家庭",
    "youth": "青少年",
    "veterans": "优抚对象",
    "specific": "特定人群（药物滥用者、社区矫正人员、特困人员等）",
}
SERVICE_CODE = (
    r"[0-9]{1,2}(\.[0-9]{1,2}){0,2}|[A-Z][0-9]{1,2}(\.[0-9]{1,2}){0,2}|[a-z][a-z0-9-]{0,30}"
)
SERVICE_HINT = "服务编码（服务目录中的编码如 3.3.1，或本中心自设服务项目的编码）"
ID_PATTERN = r"[A-Za-z0-9][A-Za-z0-9_-]{0,31}"
PHONE = re.compile(
    r"([0-9]{3,4}-)?[0-9]{7,8}(-[0-9]{1,4})?|1[3-9][0-9]{9}|[0-9]{5}|400-?[0-9]{3}-?[0-9]{4}"
)

_CREDIT_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_CREDIT_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)


def credit_code_check_char(first17: str) -> str | None:
    """Return the GB 32100 check character for the first 17 characters, or None."""
    if len(first17) != 17 or any(c not in _CREDIT_CHARS for c in first17):
        return None
    total = sum(_CREDIT_CHARS.index(c) * w for c, w in zip(first17, _CREDIT_WEIGHTS))
    return _CREDIT_CHARS[(31 - total % 31) % 31]


class CreditCode(Str):
    """18-character unified social credit code with a verified check digit (GB 32100)."""

    def __init__(self) -> None:
        super().__init__(label="18 位统一社会信用代码")

    def __call__(self, node, out):
        text = super().__call__(node, out)
        if text is INVALID:
            return INVALID
        code = text.upper()
        if len(code) != 18 or any(c not in _CREDIT_CHARS for c in code):
            msg = (
                f"统一社会信用代码应为 18 位数字或大写字母（不含 I、O、Z、S、V），"
                f'这里是 "{text}"（{len(text)} 位）'
            )
            out.append(Problem.at(node.pos, "bad-credit-code", msg))
            return INVALID
        expected = credit_code_check_char(code[:17])
        if code[17] != expected:
            msg = f"统一社会信用代码校验位不对：按 GB 32100 计算最后一位应是 {expected}，这里是 {code[17]}，请核对证书"
            out.append(Problem.at(node.pos, "bad-credit-code", msg))
            return INVALID
        return code


class Phone(Str):
    """A public phone number: landline with area code, mobile, or a short hotline."""

    def __init__(self) -> None:
        super().__init__(label="电话号码（例如 0755-12345678 或 12349）")

    def __call__(self, node, out):
        text = super().__call__(node, out)
        if text is INVALID:
            return INVALID
        compact = text.replace(" ", "")
        if not PHONE.fullmatch(compact):
            msg = f'电话号码格式不对，应写成 区号-号码（如 0755-12345678）、手机号或服务热线，这里是 "{printable(text)}"'
            out.append(Problem.at(node.pos, "bad-phone", msg))
            return INVALID
        return compact


class ServiceCode(Str):
    def __init__(self) -> None:
        super().__init__(
            label=SERVICE_HINT, max_len=40, pattern=SERVICE_CODE, pattern_hint=SERVICE_HINT
        )


class Id(Str):
    def __init__(self, label: str = "编号（字母、数字、- 或 _，例如 A01）") -> None:
        super().__init__(label=label, max_len=32, pattern=ID_PATTERN, pattern_hint=label)


# The numbers and days a record may hold: far beyond any centre's, and within what every
# output can compute and print (Decimal arithmetic keeps 28 digits; calendars and due dates
# reach a day or more either side of a date). Checked at the value's line like any range.
MAX_AMOUNT = Decimal("999999999999.99")  # just under 1 万亿 (yuan, square metres, hours)
MAX_COUNT = 999_999_999  # people, places, items
FIRST_DAY = dt.date(1900, 1, 1)
LAST_DAY = dt.date(2099, 12, 31)


class RecordDate(Date):
    """A calendar date between ``FIRST_DAY`` and ``LAST_DAY``."""

    def __call__(self, node, out):
        value = super().__call__(node, out)
        if value is INVALID:
            return INVALID
        if not FIRST_DAY <= value <= LAST_DAY:
            msg = (
                f"日期 {value.isoformat()} 超出可以填写的范围"
                f"（{FIRST_DAY.isoformat()} 至 {LAST_DAY.isoformat()}），请检查年份"
            )
            out.append(Problem.at(node.pos, "out-of-range", msg))
            return INVALID
        return value


NAME = Str(label="名称", max_len=100)
YEAR = Int(label="年份", minimum=2000, maximum=2100)

# ---------------------------------------------------------------- centre.yaml

CONTACT = Obj(
    [
        F("phone", Phone(), "对外公开的服务电话"),
        F(
            "email",
            Str(
                label="电子邮箱",
                max_len=100,
                pattern=r"[^@\s]+@[^@\s]+\.[A-Za-z]{2,}",
                pattern_hint="电子邮箱地址",
            ),
            "电子邮箱",
            False,
        ),
        F("wechat", Str(label="微信公众号名称"), "微信公众号", False),
        F(
            "website",
            Str(
                label="网址",
                pattern=r"https?://\S+",
                pattern_hint="以 http:// 或 https:// 开头的网址",
            ),
            "网站",
            False,
        ),
        F("feedback", Text("意见反馈方式"), "居民意见、投诉与监督渠道", False),
    ],
    model(m.Contact),
    "联系方式",
)

OPERATOR = Obj(
    [
        F("name", NAME, "运营主体名称"),
        F("credit_code", CreditCode(), "统一社会信用代码"),
        F("phone", Phone(), "运营主体电话", False),
        F("address", Str(label="地址"), "运营主体地址", False),
    ],
    model(m.Operator),
    "运营主体",
)

FUNDER = Obj(
    [F("name", NAME, "出资方"), F("amount", Money("出资金额"), "金额（元）")],
    model(m.Funder),
    "出资方",
)

CONTRACT = Obj(
    [
        F("purchaser", NAME, "购买方（如 区民政局）"),
        F("number", Str(label="合同编号", max_len=60), "合同编号", False),
        F("start", RecordDate(), "合同开始日期"),
        F("end", RecordDate(), "合同结束日期"),
        F("annual_budget", Money("年度经费"), "年度经费（元）"),
        F("funders", Seq(FUNDER, "出资方列表"), "经费来源", False, ()),
    ],
    model(m.Contract),
    "服务购买合同",
)

ROOM = Obj(
    [
        F("name", NAME, "功能室名称"),
        F("area", Number(label="面积（平方米）", places=2), "面积（平方米）"),
        F("purpose", Str(label="用途"), "用途"),
        F("accessible", Bool(), "是否无障碍", False, False),
    ],
    model(m.Room),
    "功能室",
)


def _sessions(kind_label: str) -> Seq:
    return Seq(TimeRange(overnight=True), kind_label)


def _build_session(value: Any) -> m.Session:
    start, end, next_day, pos = value
    return m.Session(start, end, next_day, src=pos)


def _build_weekly(values: dict, pos: Position, at: dict) -> dict:
    weekly = {}
    for i, day in enumerate(m.WEEKDAYS):
        sessions = tuple(_build_session(v) for v in values.get(day, ()))
        if sessions:
            weekly[i] = sessions
    return {"weekly": weekly, "at": at, "pos": pos}


WEEKLY = Obj(
    [F(day, _sessions(f"{day}的开放时段"), f"{day}的开放时段", False, ()) for day in m.WEEKDAYS],
    _build_weekly,
    "每周开放时段（周一 至 周日，每天可以有多个时段）",
)


def _build_exception(values: dict, pos: Position, at: dict) -> m.HoursException:
    start = values["date"] if "date" in values else values["from"]
    end = values.get("to", start)
    sessions = tuple(_build_session(v) for v in values.get("sessions", ()))
    closed = values.get("closed", not sessions)
    return m.HoursException(start, end, values["reason"], closed, sessions, src=pos, at=at)


EXCEPTION = Obj(
    [
        F("date", RecordDate(), "日期（单日）", False),
        F("from", RecordDate(), "开始日期（多日）", False),
        F("to", RecordDate(), "结束日期（多日）", False),
        F("reason", Str(label="原因"), "原因（如 国庆节、调休上班、设备检修）"),
        F("closed", Bool(), "是否闭馆", False),
        F("sessions", _sessions("当天的开放时段"), "当天开放时段（调休上班时填写）", False),
    ],
    _build_exception,
    "特殊日期安排",
)


def _build_hours(values: dict, pos: Position, at: dict) -> m.OpeningHours:
    weekly = values["weekly"]["weekly"]
    return m.OpeningHours(weekly, values.get("exceptions", ()), src=pos, at=at)


OPENING_HOURS = Obj(
    [
        F("weekly", WEEKLY, "每周开放时段"),
        F("exceptions", Seq(EXCEPTION, "特殊日期安排列表"), "节假日、闭馆与调休安排", False, ()),
    ],
    _build_hours,
    "开放时间",
)

STAFF = Obj(
    [
        F("role", Str(label="岗位"), "岗位（如 中心主任、社工、行政）"),
        F("name", Str(label="姓名"), "姓名（可不填，填写后不会公开）", False, private=True),
        F("employment", Choice(("全职", "兼职"), "用工形式"), "全职或兼职"),
        F("qualification", Choice(("无",) + m.QUALIFICATIONS, "社工职业资格"), "社工职业资格"),
        F("registered", Bool(), "是否已在社工协会注册", False, False),
        F("head", Bool(), "是否中心负责人", False, False),
        F(
            "training_hours",
            Number(label="年度培训学时", places=1),
            "本年度培训学时",
            False,
            Decimal(0),
        ),
    ],
    model(m.StaffMember),
    "工作人员",
)

VOLUNTEERS = Obj(
    [
        F("registered", Int("在册志愿者人数"), "在册志愿者人数"),
        F("service_hours", Number(label="年度志愿服务时数", places=1), "年度累计志愿服务时数"),
        F("teams", Seq(NAME, "志愿服务队名称列表"), "志愿服务队", False, ()),
    ],
    model(m.Volunteers),
    "志愿者",
)

OWN_SERVICE = Obj(
    [
        F("code", Id("自设服务编码（小写字母开头，例如 own-1）"), "自设服务编码"),
        F("title", NAME, "服务名称"),
        F("description", Text(), "服务说明", False),
    ],
    model(m.OwnService),
    "自设服务项目",
)

PAID_SERVICE = Obj(
    [
        F("code", ServiceCode(), "表十服务编码（如 10.2.3）"),
        F("title", NAME, "服务名称"),
        F("price", Money("收费标准"), "收费标准（元）"),
        F("unit", Str(label="计价单位"), "计价单位（如 元/次）"),
        F("filed_with", NAME, "备案的街道办事处", False),
        F("filed_on", RecordDate(), "备案日期", False),
        F("market_price", Money("同类服务市场价"), "同类营利性服务的普遍价格（元）", False),
    ],
    model(m.PaidService),
    "经营性便民利民服务",
)

PLATFORM_12349 = Obj(
    [
        F(
            "eligible",
            Int("应覆盖人数"),
            "应覆盖的重点人群人数（接受社区公共服务的70岁以上老人、残疾人、优抚对象、低保家庭等）",
        ),
        F("covered", Int("已覆盖人数"), "已覆盖人数（已免费安装信息终端并提供服务）"),
        F("as_of", RecordDate(), "统计日期", False),
    ],
    model(m.PlatformCoverage),
    "“12349”公益服务平台覆盖情况",
)

SERVICES = Obj(
    [
        F("catalogue", Seq(ServiceCode(), "服务目录编码列表", 1), "提供的服务目录细项或大项编码"),
        F("own", Seq(OWN_SERVICE, "自设服务列表"), "本中心自设服务项目", False, ()),
        F("paid", Seq(PAID_SERVICE, "经营性服务列表"), "经营性便民利民服务", False, ()),
        F("filed_exemption", Text("报备说明"), "服务项目数量不足时向区主管部门的报备说明", False),
        F("platform_12349", PLATFORM_12349, "“12349”公益服务平台覆盖重点人群的情况", False),
    ],
    model(m.Services),
    "服务项目",
)


def _build_populations(values: dict, pos: Position, at: dict) -> tuple[m.Population, ...]:
    out = []
    for key in POPULATIONS:
        if key in values:
            v = values[key]
            out.append(
                m.Population(key, v["count"], v.get("referral"), src=v["__pos__"], at=v["__at__"])
            )
    return tuple(out)


POPULATION = Obj(
    [F("count", Int("人数"), "人数"), F("referral", Text("转介服务"), "转介服务安排", False)],
    None,
    "人群",
)
POPULATIONS_KIND = Obj(
    [F(k, POPULATION, f"{v}人数", False) for k, v in POPULATIONS.items()],
    _build_populations,
    "社区特殊人群人数",
)

SOCIAL_ORGS = Obj(
    [
        F("introduced", Int("引进的专业社会组织数"), "引进的专业社会组织数", False, 0),
        F("fostered", Int("培育备案或注册的社区社会组织数"), "培育的社区社会组织数", False, 0),
    ],
    lambda values, pos, at: {k: v for k, v in values.items()},
    "社会组织",
)


def _recurring_weekday(value: str) -> int:
    return m.WEEKDAYS.index(value)


def _build_recurring(values: dict, pos: Position, at: dict) -> m.RecurringActivity:
    start, end, _, _ = values.pop("time")
    values["weekday"] = _recurring_weekday(values["weekday"])
    return m.RecurringActivity(start=start, end=end, **values, src=pos, at=at)


RECURRING = Obj(
    [
        F("weekday", Choice(m.WEEKDAYS, "星期"), "每周几"),
        F("time", TimeRange(), "时间段"),
        F("room", NAME, "活动室"),
        F("title", NAME, "活动名称"),
        F("description", Text(), "活动简介", False),
        F("service", ServiceCode(), "服务编码"),
        F("form", Choice(("个体", "群体"), "服务形式"), "个体或群体服务"),
        F("target", Str(label="服务对象"), "服务对象"),
        F("capacity", Int("名额", 1), "名额"),
        F("themed", Bool(), "是否主题活动", False, False),
        F("signup", Str(label="报名方式"), "报名方式", False),
    ],
    _build_recurring,
    "每周固定活动",
)


def _build_centre(values: dict, pos: Position, at: dict) -> dict:
    return {"values": values, "pos": pos, "at": at}


CENTRE = Obj(
    [
        F("city", Str(label="市"), "所在市", False),
        F("district", Str(label="区"), "所在区"),
        F("street", Str(label="街道"), "所在街道（如 沙头街道）"),
        F("community", Str(label="社区"), "所在社区（如 沙尾社区）"),
        F("brand", Str(label="品牌名"), "服务品牌名（有品牌时前置于名称）", False),
        F("official_name", Str(label="中心名称"), "中心正式名称（可省略，由命名规则生成）", False),
        F("community_type", Choice(tuple(COMMUNITY_TYPES), "社区类型"), "社区类型（表九）"),
        F(
            "rule_pack",
            Str(
                label="规则包编号",
                pattern=r"[a-z0-9][a-z0-9-]{0,40}",
                pattern_hint="规则包编号（如 shenzhen-2015）",
            ),
            "适用的规则包",
        ),
        F("address", Str(label="地址"), "中心地址"),
        F("contact", CONTACT, "公开联系方式"),
        F("operator", OPERATOR, "运营主体"),
        F("contract", CONTRACT, "服务购买合同"),
        F(
            "floor_area",
            Number(label="室内场地总面积（平方米）", places=2),
            "可利用室内场地总面积（平方米）",
        ),
        F("rooms", Seq(ROOM, "功能室列表", 1), "功能室"),
        F("opening_hours", OPENING_HOURS, "开放时间"),
        F("staff", Seq(STAFF, "工作人员列表", 1), "工作人员"),
        F("volunteers", VOLUNTEERS, "志愿者"),
        F("services", SERVICES, "服务项目"),
        F("populations", POPULATIONS_KIND, "社区特殊人群人数", False, ()),
        F("social_organisations", SOCIAL_ORGS, "社会组织", False),
        F(
            "recurring",
            Seq(RECURRING, "每周固定活动列表"),
            "每周固定活动（用于生成下月计划）",
            False,
            (),
        ),
    ],
    _build_centre,
    "中心基本信息",
)

# ---------------------------------------------------------------- plans/YYYY-MM.yaml


class Period(Str):
    """A month (YYYY-MM) or quarter (YYYY-Qn) of a year between ``FIRST_DAY`` and
    ``LAST_DAY``."""

    def __call__(self, node, out):
        text = super().__call__(node, out)
        if text is INVALID:
            return INVALID
        if not FIRST_DAY.year <= int(text[:4]) <= LAST_DAY.year:
            msg = (
                f"年份 {text[:4]} 超出可以填写的范围"
                f"（{FIRST_DAY.year} 至 {LAST_DAY.year} 年），请检查年份"
            )
            out.append(Problem.at(node.pos, "out-of-range", msg))
            return INVALID
        return text


YEAR_MONTH = Period(
    label="年月（YYYY-MM）",
    max_len=7,
    pattern=r"[0-9]{4}-(0[1-9]|1[0-2])",
    pattern_hint="年月（格式 YYYY-MM，例如 2026-03）",
)


def _build_activity(values: dict, pos: Position, at: dict) -> m.Activity:
    return m.Activity(**values, src=pos, at=at)


ACTIVITY = Obj(
    [
        F("id", Id(), "活动编号（本月内唯一）"),
        F("date", RecordDate(), "日期"),
        F("start", Time(), "开始时间"),
        F("end", Time(), "结束时间"),
        F("room", NAME, "活动室（须是 centre.yaml 中的功能室）"),
        F("title", NAME, "活动名称"),
        F("description", Text(), "活动简介", False),
        F("service", ServiceCode(), "服务编码"),
        F("form", Choice(("个体", "群体"), "服务形式"), "个体或群体服务（表九注1）"),
        F("target", Str(label="服务对象"), "服务对象"),
        F("capacity", Int("名额", 1), "名额"),
        F("themed", Bool(), "是否主题活动", False, False),
        F("price", Money("收费"), "收费（元；免费填 0 或不填）", False, Decimal(0)),
        F("paid_service", ServiceCode(), "收费时对应的表十服务编码", False),
        F("signup", Str(label="报名方式"), "报名方式"),
    ],
    _build_activity,
    "活动",
)

PLAN = Obj(
    [
        F("month", YEAR_MONTH, "所属年月"),
        F("published", RecordDate(), "公布日期", False),
        F("activities", Seq(ACTIVITY, "活动列表"), "活动"),
    ],
    None,
    "月度活动计划",
)

# ---------------------------------------------------------------- activities/YYYY-MM.yaml

RECORD = Obj(
    [
        F("plan", Id(), "对应的计划活动编号（计划外活动不填）", False),
        F("status", Choice(("已举办", "已取消", "已延期"), "活动状态"), "活动状态"),
        F("date", RecordDate(), "实际举办日期（计划外或延期时填写）", False),
        F("title", NAME, "活动名称（计划外活动填写）", False),
        F("service", ServiceCode(), "服务编码（计划外活动填写）", False),
        F("form", Choice(("个体", "群体"), "服务形式"), "个体或群体服务（计划外活动填写）", False),
        F("themed", Bool(), "是否主题活动（计划外活动填写）", False),
        F("attendance", Int("出席人数"), "出席人数", False, 0),
        F("reason", Text("原因"), "取消或延期的原因", False),
    ],
    model(m.ActivityRecord),
    "活动记录",
)

INDIVIDUAL = Obj(
    [F("service", ServiceCode(), "服务编码"), F("count", Int("服务人次"), "服务人次")],
    model(m.IndividualService),
    "个体服务统计",
)

ACTIVITY_MONTH = Obj(
    [
        F("month", YEAR_MONTH, "所属年月"),
        F("records", Seq(RECORD, "活动记录列表"), "活动记录"),
        F(
            "individual",
            Seq(INDIVIDUAL, "个体服务统计列表"),
            "个体服务（探访、咨询、个案）人次",
            False,
            (),
        ),
    ],
    None,
    "月度活动记录",
)

# ---------------------------------------------------------------- finance/YYYY-Qn.yaml

LINE = Obj([F("item", NAME, "项目"), F("amount", Money(), "金额（元）")], model(m.LineItem), "明细")
CATEGORY = Obj(
    [
        F("items", Seq(LINE, "明细列表"), "明细"),
        F("total", Money("小计"), "小计（可不填；填写时须等于明细之和）", False),
    ],
    None,
    "支出类别",
)
INCOME = Obj(
    [
        F("government", Money("政府购买服务收入"), "政府购买服务收入"),
        F("convenience", Money("便民服务收入"), "经营性便民利民服务收入", False, Decimal(0)),
        F("donations", Money("捐赠收入"), "捐赠收入", False, Decimal(0)),
        F("other", Money("其他收入"), "其他收入", False, Decimal(0)),
        F("carried_forward", Money("上期结余"), "上期结余结转", False, Decimal(0)),
        F("total", Money("收入合计"), "收入合计（可不填；填写时须等于各项之和）", False),
    ],
    None,
    "收入",
)
EXPENDITURE = Obj(
    [
        F("staff", CATEGORY, "员工薪酬与福利"),
        F("site", CATEGORY, "办公设施与场地运作"),
        F("management", CATEGORY, "机构营运管理费"),
        F("services", CATEGORY, "服务项目运作"),
        F("total", Money("支出合计"), "支出合计（可不填；填写时须等于各类之和）", False),
    ],
    None,
    "支出",
)
ASSET = Obj(
    [
        F("name", NAME, "资产名称"),
        F("amount", Money(), "金额（元）"),
        F("date", RecordDate(), "购置日期"),
    ],
    model(m.FixedAsset),
    "固定资产",
)
QUARTER = Obj(
    [
        F(
            "quarter",
            Period(
                label="季度",
                max_len=7,
                pattern=r"[0-9]{4}-Q[1-4]",
                pattern_hint="季度（格式 YYYY-Qn，例如 2026-Q3）",
            ),
            "所属季度",
        ),
        F("published", RecordDate(), "公布日期", False),
        F("income", INCOME, "收入"),
        F("expenditure", EXPENDITURE, "支出"),
        F("fixed_assets", Seq(ASSET, "固定资产列表"), "本季度购置的固定资产", False, ()),
        F("notes", Text("说明"), "说明", False),
    ],
    None,
    "季度财务信息",
)

# ---------------------------------------------------------------- audits/YYYY.yaml

AUDIT = Obj(
    [
        F("year", YEAR, "审计年度"),
        F("firm", NAME, "会计师事务所"),
        F("report_number", Str(label="报告编号", max_len=60), "审计报告编号"),
        F("date", RecordDate(), "报告日期"),
        F("published", RecordDate(), "公布日期", False),
        F("opinion", Choice(m.OPINIONS, "审计意见"), "审计意见类型"),
        F("income", Money("审定收入"), "审定收入总额"),
        F("expenditure", Money("审定支出"), "审定支出总额"),
        F("management_fee", Money("审定管理费"), "审定机构管理费"),
        F("surplus", Money("审定结余", allow_negative=True), "审定结余"),
        F("findings", Seq(Text("审计发现"), "审计发现列表"), "审计发现与建议", False, ()),
        F(
            "report_pdf",
            Str(label="附件路径", max_len=200),
            "签章版审计报告 PDF（相对于中心文件夹的路径）",
            False,
        ),
    ],
    model(m.Audit),
    "年度审计",
)

# ---------------------------------------------------------------- evaluations/YYYY.yaml

SATISFACTION = Obj(
    [
        F("sample", Int("样本数", 1), "调查样本数"),
        F("satisfied", Int("满意人数"), "满意人数"),
        F("random", Int("随机抽取人数"), "样本中随机抽取辖区居民的人数", False),
        F("phone", Int("电话抽取人数"), "样本中电话抽取居民的人数", False),
    ],
    model(m.Satisfaction),
    "满意度调查",
)
EVALUATION_KIND = Choice(m.EVALUATION_KINDS, EVALUATION_LABELS["kind"])
EVALUATION_ROUND = Obj(
    [
        F("kind", EVALUATION_KIND, "评估类别（年终考核、中期评估、终期评估、期满评估）"),
        F("date", RecordDate(), "评估日期"),
        F("evaluator", NAME, "评估机构或考核组", False),
        F("summary", Text("评估意见"), "评估意见摘要", False),
    ],
    model(m.EvaluationRound),
    "本年度的其他评估",
)
VERIFICATION = Obj(
    [
        F("by", NAME, "核实的主管部门（如 区民政局、市民政局）"),
        F("on", RecordDate(), "核实日期"),
    ],
    model(m.Verification),
    "区和市主管部门的核实（by 核实部门，on 核实日期）",
)
ENTRY = Obj(
    [
        F("item", Str(label="评分项编号", max_len=40), "评分项编号（见规则包）"),
        F("points", Number(label="得分", places=2), "得分"),
        F("note", Text("说明"), "说明", False),
    ],
    model(m.ScoreEntry),
    "评分项",
)
GRADES = ("A+", "A", "A-", "B+", "B", "B-", "C", "示范型", "标准型", "基础型", "合格", "不合格")
EVALUATION = Obj(
    [
        F("year", YEAR, "评估年度"),
        F(
            "kind",
            EVALUATION_KIND,
            "本记录是哪一次评估（年终考核、中期评估、终期评估、期满评估）",
            False,
        ),
        F("evaluator", NAME, "第三方评估机构"),
        F("date", RecordDate(), "评估日期"),
        F("published", RecordDate(), "公布日期", False),
        F(
            "score",
            Number(label="总分", places=2, maximum=Decimal(1000)),
            "评估总分（深圳 1000 分制）",
            False,
        ),
        F("grade", Choice(GRADES, "等级"), "评估机构给出的等级或类型", False),
        F("previous_grade", Choice(GRADES, "上一年度等级"), "上一年度等级", False),
        F(
            "three_year_grade",
            Choice(GRADES, EVALUATION_LABELS["three_year_grade"]),
            "三年期满时评估机构给出的三年营运总评等级",
            False,
        ),
        F("satisfaction", SATISFACTION, "满意度调查"),
        F("entries", Seq(ENTRY, "评分项列表"), "评估机构打分的评分项", False, ()),
        F("management_fee_over_limit", Bool(), "抽查是否查实管理费超标", False, False),
        F(
            "assembly_vote_share",
            Number(label="居民大会同意终止合同的比例", places=4, maximum=Decimal(1)),
            "居民大会同意终止合同的与会者比例",
            False,
        ),
        F("vote_verification", VERIFICATION, "居民大会表决结果经区和市主管部门核实的情况", False),
        F(
            "other_evaluations",
            Seq(EVALUATION_ROUND, "其他评估列表"),
            "本年度的其他评估（如中期评估）",
            False,
            (),
        ),
        F("summary", Text("评估意见"), "评估意见摘要", False),
    ],
    model(m.Evaluation),
    "第三方评估",
)

FILE_KINDS: dict[str, Kind] = {
    "centre": CENTRE,
    "plan": PLAN,
    "activities": ACTIVITY_MONTH,
    "finance": QUARTER,
    "audit": AUDIT,
    "evaluation": EVALUATION,
}


def _bounded(kind: Kind, seen: set[int]) -> None:
    """Give every number of a file kind the range records may hold (``MAX_AMOUNT``,
    ``MAX_COUNT``) unless it declares a narrower one."""
    if id(kind) in seen:
        return
    seen.add(id(kind))
    if isinstance(kind, Number):
        limit = Decimal(MAX_COUNT) if kind.integer else MAX_AMOUNT
        if kind.maximum is None or kind.maximum > limit:
            kind.maximum = limit
        if kind.minimum is None or kind.minimum < -limit:
            kind.minimum = -limit
    elif isinstance(kind, Seq):
        _bounded(kind.of, seen)
    elif isinstance(kind, Obj):
        for f in kind.fields:
            _bounded(f.kind, seen)


_SEEN: set[int] = set()
for _file_kind in FILE_KINDS.values():
    _bounded(_file_kind, _SEEN)
