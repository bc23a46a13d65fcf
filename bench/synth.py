"""Generate a synthetic city: N centres × Y years of valid, varied records, from a seed.

The output is a real gongshi project folder (``content/`` copied from the repository, one
folder per centre under ``centres/``) that passes ``gongshi check`` with no errors, so the
benchmarks time the real pipeline on realistic data. The records are modelled on the samples
under ``centres/`` and the fixture ``tests/fixtures/minimal``:

- names follow the naming rule (street + community + 社区（党群）服务中心, sometimes a brand);
- opening hours come from a few weekly patterns with holiday closures;
- monthly plans hold the centre's weekly recurring activities plus themed ones, always inside
  the opening hours and never two in one room at once; activity records mark most as held,
  a few cancelled or postponed (with a reason), attendance within the planned capacity;
- the service catalogue, service-mix weights and grade bands are read from the real rule pack
  (``content/rules/shenzhen-2015.yaml`` and its catalogue), and each month's group and
  individual service volume is balanced to the community type's weights, so the checks pass;
- quarterly finance keeps the four spending shares inside the pack's limits (margins chosen
  here, the limits themselves come from the pack), carries each quarter's balance forward,
  and the annual audit equals the sum of the quarters.

Everything is fictional: names are built from syllable pools, phone numbers start with 0 after
the area code (no real number does), credit codes carry a valid GB 32100 check character.

Usage::

    python bench/synth.py OUT --centres 100 [--years 1] [--seed 1] [--first-year 2026]
"""

from __future__ import annotations

import argparse
import calendar
import datetime as dt
import json
import math
import os
import random
import re
import shutil
import sys
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from generator.figures.calendar import SOON_DAYS  # noqa: E402
from generator.packs.library import Catalogue, Pack  # noqa: E402
from generator.records.shapes import credit_code_check_char  # noqa: E402
from generator.rules.registry import load_library  # noqa: E402

PACK_ID = "shenzhen-2015"
CENT = Decimal("0.01")
WEEKDAYS = ("周一", "周二", "周三", "周四", "周五", "周六", "周日")

# District slug and name (the city's districts; every street, community and centre is invented).
DISTRICTS = (
    ("futian", "福田区"),
    ("luohu", "罗湖区"),
    ("nanshan", "南山区"),
    ("baoan", "宝安区"),
    ("longgang", "龙岗区"),
    ("longhua", "龙华区"),
    ("pingshan", "坪山区"),
    ("guangming", "光明区"),
    ("yantian", "盐田区"),
    ("dapeng", "大鹏新区"),
)
NAME_FIRST = "榕桂枫桃柳松竹梅兰荷杏梧樟楠芙蓉云霞星月湖江溪泉澜沙石岭岗坪田林山港鹭凤龙禾丰"
NAME_SECOND = "湾岭田园村坑塘涌围岗头洲口背坪湖苑庭景华新安和丰泰康乐宁源溪"
BRANDS = ("邻里汇", "幸福里", "邻聚家", "暖心驿", "同心坊", "和美家")
COMMUNITY_TYPES = (
    "传统城市社区",
    "现代化社区",
    "城中村社区",
    "村改居社区",
    "工业社区",
    "混合型社区",
)
TYPE_KEYS = {
    "传统城市社区": "traditional-urban",
    "现代化社区": "modern",
    "城中村社区": "urban-village",
    "村改居社区": "village-converted",
    "工业社区": "industrial",
    "混合型社区": "mixed",
}

# (name, area range, purpose, accessible, usable for group activities, capacity cap)
ROOMS = (
    ("服务接待大厅", (40, 80), "来访接待、政策咨询、资料取阅", True, False, 0),
    ("社工办公室", (25, 40), "独立办公室", False, False, 0),
    ("个案辅导室", (12, 20), "个案面谈与心理辅导（保护隐私）", False, False, 0),
    ("多功能厅", (90, 160), "讲座、培训、居民大会和大型活动", True, True, 150),
    ("儿童成长阁", (40, 70), "四点半学校、亲子活动、玩具图书角", True, True, 30),
    ("长者活动室", (35, 60), "长者健康操、棋牌、茶话与健康自测", True, True, 30),
    ("青少年活动室", (35, 60), "青少年小组、兴趣活动与自习", False, True, 25),
    ("图书阅览室", (30, 50), "社区书屋与亲子阅读", True, True, 25),
    ("党员活动室", (25, 40), "党员学习与居民议事", False, True, 30),
    ("义工之家", (15, 25), "义工登记、培训与物资存放", False, True, 20),
    ("康复训练室", (25, 45), "助残康复与长者康复训练", True, True, 15),
    ("手工坊", (25, 45), "手工、烘焙与兴趣小组", False, True, 20),
)
MUST_ROOMS = ("服务接待大厅", "社工办公室", "多功能厅")

# Weekly opening patterns: weekday index → sessions.
_WORKDAY = (("08:30", "12:00"), ("13:00", "21:30"))
HOURS_PATTERNS = (
    {
        0: (("14:00", "21:00"),),
        1: _WORKDAY,
        2: _WORKDAY,
        3: _WORKDAY,
        4: _WORKDAY,
        5: (("09:00", "21:00"),),
        6: (("09:00", "12:00"), ("14:00", "18:00")),
    },
    {d: (("09:00", "12:00"), ("14:00", "21:00")) for d in range(5)} | {5: (("09:00", "17:00"),)},
    {d: (("09:00", "12:00"), ("14:30", "20:30")) for d in range(1, 7)},
    {d: (("08:30", "21:00"),) for d in range(7)},
)
# Time slots for activities (start, end).
SLOTS = (
    ("09:30", "11:00"),
    ("10:00", "11:30"),
    ("14:30", "16:00"),
    ("15:00", "16:30"),
    ("16:30", "18:00"),
    ("19:00", "20:30"),
    ("09:00", "11:00"),
    ("14:30", "17:00"),
)

# Service-mix column → (tables it draws on, group titles, individual labels).
COLUMN_TITLES = {
    "elderly": (
        "长者健康讲座",
        "长者防摔训练",
        "长者智能手机课堂",
        "长者集体生日会",
        "长者太极班",
        "长者合唱团排练",
        "长者书法班",
        "长者健康自测日",
        "长者茶话会",
    ),
    "women_children_family": (
        "四点半学校·课业辅导",
        "亲子阅读会",
        "绘本故事会",
        "亲子手工坊",
        "家庭教育讲座",
        "“她健康”女性健康讲座",
        "儿童安全教育课堂",
        "新手妈妈交流会",
        "亲子烘焙体验",
    ),
    "youth": (
        "青少年成长小组",
        "青少年学业辅导",
        "青少年志愿服务体验",
        "青春期教育小组",
        "青少年篮球训练营",
        "青少年职业探索营",
        "青少年网络安全课堂",
    ),
    "disabled_veterans_specific": (
        "助残康复小组",
        "残障人士手工坊",
        "无障碍出行体验日",
        "优抚对象座谈会",
        "禁毒宣传进社区",
        "特殊家庭互助小组",
    ),
    "self_help": (
        "邻里节",
        "新义工岗前培训",
        "社区议事会",
        "邻里互助小组",
        "社区环境清洁日",
        "居民兴趣社团活动",
        "社区读书会",
        "邻里跳蚤市场",
    ),
    "other": ("出租屋消防安全宣传", "垃圾分类宣传", "反诈骗宣传讲座", "社区防灾演练"),
}
RECURRING_BY_COLUMN = {
    "women_children_family": ("四点半学校·课业辅导", "社区小学生", "儿童成长阁"),
    "youth": ("青少年成长小组", "12-18 岁青少年", "青少年活动室"),
    "elderly": ("长者健康操", "社区长者", "长者活动室"),
    "self_help": ("社区读书会", "全体居民", "图书阅览室"),
}
TARGETS = {
    "elderly": "社区长者",
    "women_children_family": "社区家庭",
    "youth": "社区青少年",
    "disabled_veterans_specific": "残障人士及家属",
    "self_help": "全体居民",
    "other": "全体居民",
}
OWN_SERVICES = (
    ("own-fire", "出租屋消防安全行动", "组织义工入户宣传用电用气安全，开展逃生演练。"),
    ("own-sort", "垃圾分类督导", "义工在投放点值守，指导居民分类投放。"),
    ("own-fraud", "反诈骗宣传", "结合真实案例讲解常见诈骗手法。"),
    ("own-drill", "社区防灾减灾", "台风、暴雨季前的防灾知识宣传与演练。"),
)
PAID = (
    ("10.2.2", "四点半学校延时晚托", "20.00", "元/天", "60.00"),
    ("10.1.2", "暑期少儿书法班", "30.00", "元/次", "80.00"),
    ("10.3.5", "打印、复印", "0.50", "元/页", "1.00"),
    ("10.1.1", "课业辅导", "25.00", "元/次", "70.00"),
    ("10.3.2", "自行车修理", "5.00", "元/次", "15.00"),
)
SIGNUPS = (
    "电话报名",
    "现场报名",
    "关注微信公众号在线报名",
    "无需报名，现场参加",
    "固定学员，新学员请到中心前台登记",
)
CANCEL_REASONS = (
    "暴雨预警",
    "台风预警，停止户外活动",
    "讲师临时有事",
    "报名人数不足",
    "场地设备检修",
)
TEAMS = ("红马甲义工队", "大学生助学队", "长者探访队", "消防安全宣传队", "环保义工队", "亲子义工队")
FIRMS = (
    "深圳市榕信会计师事务所（普通合伙）",
    "深圳市鹏城明德会计师事务所",
    "深圳市南方正信会计师事务所",
)
EVALUATORS = (
    "深圳市榕城社会服务评估中心",
    "深圳市社会组织评估研究院",
    "深圳市鹏程社会服务评估中心",
)
FINDINGS = (
    "固定资产台账需及时更新",
    "部分活动物资采购单据签收不完整，建议完善",
    "经营性便民利民服务收入已单独核算，收费项目均已向街道办事处备案。",
)
SUMMARIES = (
    "中心服务贴近社区需求，义工队伍活跃；建议加强助残服务。",
    "中心管理规范，财务公开及时；建议进一步拓展青少年服务。",
    "中心活动丰富，居民满意度较高；建议加强服务成效评估。",
)
HOLIDAYS = ((1, 1, 1, "元旦"), (5, 1, 3, "劳动节"), (10, 1, 7, "国庆节"))

EXPENSE_ITEMS = {
    "staff": ("工资", "社会保险（单位缴纳部分）", "住房公积金（单位缴纳部分）", "员工培训与体检"),
    "site": ("水电费", "物业管理费", "网络与电话费", "办公耗材"),
    "management": ("机构管理费（按季度提取）", "外部督导费"),
    "services": ("活动物资", "宣传印刷", "讲师劳务费", "义工保险与交通补贴"),
}


# ---------------------------------------------------------------- YAML text

_PLAIN = re.compile(r"[^\s\-?:,\[\]{}#&*!|>'\"%@`][^\n]*")
_NOT_STR = re.compile(
    r"[-+]?(\.[0-9]+|[0-9][0-9_]*(\.[0-9]*)?)([eE][-+]?[0-9]+)?|0x[0-9a-fA-F]+|0o[0-7]+"
    r"|\.(inf|Inf|INF|nan|NaN|NAN)|true|True|TRUE|false|False|FALSE|yes|Yes|no|No|on|On|off|Off"
    r"|null|Null|NULL|~|[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}.*"
)


def scalar(value: Any) -> str:
    """One YAML scalar: plain when it reads back as the same text, else double-quoted."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, Decimal)):
        return str(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    text = str(value)
    if (
        _PLAIN.fullmatch(text)
        and ": " not in text
        and " #" not in text
        and not text.endswith((":", " "))
        and not _NOT_STR.fullmatch(text)
    ):
        return text
    return json.dumps(text, ensure_ascii=False)


def _flow(value: dict) -> str:
    return "{" + ", ".join(f"{k}: {scalar(v)}" for k, v in value.items()) + "}"


def emit(value: Any, indent: int = 0) -> list[str]:
    """Block-style YAML lines for nested dicts and lists (small leaf dicts in flow style)."""
    pad = " " * indent
    lines: list[str] = []
    if isinstance(value, dict):
        for k, v in value.items():
            if isinstance(v, (dict, list)) and v:
                if isinstance(v, dict) and _is_leaf(v) and len(v) <= 3:
                    lines.append(f"{pad}{k}: {_flow(v)}")
                else:
                    lines.append(f"{pad}{k}:")
                    lines.extend(emit(v, indent + 2))
            elif isinstance(v, (dict, list)):
                lines.append(f"{pad}{k}: {'{}' if isinstance(v, dict) else '[]'}")
            else:
                lines.append(f"{pad}{k}: {scalar(v)}")
    else:
        for item in value:
            if isinstance(item, dict) and _is_leaf(item) and len(item) <= 3:
                lines.append(f"{pad}- {_flow(item)}")
            elif isinstance(item, dict):
                sub = emit(item, indent + 2)
                lines.append(f"{pad}- {sub[0].lstrip()}")
                lines.extend(sub[1:])
            elif isinstance(item, list):
                lines.append(f"{pad}-")
                lines.extend(emit(item, indent + 2))
            else:
                lines.append(f"{pad}- {scalar(item)}")
    return lines


def _is_leaf(d: dict) -> bool:
    return all(not isinstance(v, (dict, list)) for v in d.values())


def yaml_text(header: str, value: dict) -> str:
    return f"# {header}\n" + "\n".join(emit(value)) + "\n"


# ---------------------------------------------------------------- helpers


def money(value: Decimal | float) -> Decimal:
    return Decimal(str(value)).quantize(CENT, rounding=ROUND_HALF_UP)


def hm(text: str) -> int:
    h, m = text.split(":")
    return int(h) * 60 + int(m)


def fits(slot: tuple[str, str], sessions: Iterable[tuple[str, str]]) -> bool:
    return any(hm(s) <= hm(slot[0]) and hm(slot[1]) <= hm(e) for s, e in sessions)


def credit_code(rng: random.Random) -> str:
    chars = "0123456789ABCDEFGHJKLMNPQRTUWXY"
    first = "52440300MJ" + "".join(rng.choice(chars) for _ in range(7))
    return first + (credit_code_check_char(first) or "0")


def split_amount(total: Decimal, weights: list[float]) -> list[Decimal]:
    """Split an amount into parts in proportion to weights; the parts add up exactly."""
    s = sum(weights)
    parts = [money(total * Decimal(w / s)) for w in weights[:-1]]
    parts.append(total - sum(parts, Decimal(0)))
    return parts


@dataclass
class Hours:
    """The centre's opening hours, for placing activities inside them."""

    weekly: dict[int, tuple[tuple[str, str], ...]]
    closed: dict[dt.date, str] = field(default_factory=dict)

    def sessions_on(self, day: dt.date) -> tuple[tuple[str, str], ...]:
        if day in self.closed:
            return ()
        return self.weekly.get(day.weekday(), ())


@dataclass
class Column:
    """A service-mix column: the centre's codes in it and the pack's weights."""

    key: str
    codes: list[str]
    group: Decimal | None
    individual: Decimal | None


# ---------------------------------------------------------------- the city


@dataclass(frozen=True)
class CentrePlace:
    id: str
    district: str
    street: str
    community: str


def city_places(n: int, rng: random.Random) -> list[CentrePlace]:
    """Invent N centres spread over the districts, about six communities to a street."""
    names = [a + b for a in NAME_FIRST for b in NAME_SECOND if a != b]
    rng.shuffle(names)
    pool = iter(names * (1 + (3 * n) // len(names)))
    places = []
    per_district = max(1, math.ceil(n / len(DISTRICTS)))
    for i in range(n):
        d_index = min(i // per_district, len(DISTRICTS) - 1)
        slug, district = DISTRICTS[d_index]
        k = i - d_index * per_district
        street_no = k // 6
        street = _street_name(d_index, street_no, rng)
        community = next(pool) + "社区"
        places.append(
            CentrePlace(f"{slug}-s{street_no + 1:02d}-c{i + 1:05d}", district, street, community)
        )
    return places


def _street_name(d_index: int, street_no: int, rng: random.Random) -> str:
    # Deterministic per (district, street) so all its communities share one street name.
    r = random.Random(d_index * 1000 + street_no)
    return r.choice(NAME_FIRST) + r.choice(NAME_SECOND) + "街道"


def generate_city(
    dest: Path, centres: int, years: int = 1, seed: int = 1, first_year: int = 2026
) -> Path:
    """Write a project with ``centres`` centres and ``years`` years of records to ``dest``."""
    dest = Path(dest)
    dest.mkdir(parents=True, exist_ok=True)
    content = dest / "content"
    if content.exists():
        shutil.rmtree(content)
    shutil.copytree(Path(os.environ.get("GONGSHI_BENCH_CODE") or ROOT) / "content", content)
    lib = load_library(content, dest)
    pack = lib.packs[PACK_ID]
    rng = random.Random(seed)
    out = dest / "centres"
    out.mkdir(exist_ok=True)
    for place in city_places(centres, rng):
        CentreWriter(place, pack, random.Random(f"{seed}:{place.id}"), first_year, years).write(out)
    return dest


def deadline_near(today: dt.date) -> dt.date:
    """The first day after ``today`` on which every centre's plan of the next month is due
    within ``calendar.SOON_DAYS`` (due the day before the month begins): the day its state turns
    即将到期 for the whole city at once."""
    first = (today.replace(day=1) + dt.timedelta(days=32)).replace(day=1)
    return first - dt.timedelta(days=1) - dt.timedelta(days=SOON_DAYS)


def today_for(first_year: int = 2026, years: int = 1) -> dt.date:
    """A build date after every record of the city is due and published.

    Before the next year's first quarter is due (30 days after the quarter), so the city has
    nothing overdue on this day or the next (the benchmark's next-day rebuild).
    """
    return dt.date(first_year + years, 4, 20)


class CentreWriter:
    """Invent one centre and write its folder."""

    def __init__(
        self, place: CentrePlace, pack: Pack, rng: random.Random, first_year: int, years: int
    ) -> None:
        self.place = place
        self.pack = pack
        self.cat: Catalogue = pack.catalogue  # type: ignore[assignment]
        self.rng = rng
        self.years = list(range(first_year, first_year + years))
        self.files: dict[str, str] = {}

    # ---------------------------------------------------------- centre.yaml

    def write(self, out: Path) -> None:
        self.build_centre()
        for year in self.years:
            balance = self.build_year(year)
            self.carried = balance
        folder = out / self.place.id
        for rel, text in self.files.items():
            path = folder / rel
            path.parent.mkdir(parents=True, exist_ok=True)
            if isinstance(text, bytes):
                path.write_bytes(text)
            else:
                path.write_text(text, encoding="utf-8")

    def build_centre(self) -> None:
        r = self.rng
        p = self.place
        self.type = r.choice(COMMUNITY_TYPES)
        self.industrial = self.type == "工业社区"
        self.brand = r.choice(BRANDS) if r.random() < 0.15 else None
        # rooms
        chosen = [x for x in ROOMS if x[0] in MUST_ROOMS]
        others = [x for x in ROOMS if x[0] not in MUST_ROOMS]
        chosen += r.sample(others, r.randint(4, len(others)))
        if self.industrial:
            chosen = [x for x in chosen if x[0] != "长者活动室"]
        self.rooms = []
        for name, (lo, hi), purpose, acc, usable, cap in chosen:
            self.rooms.append(
                {
                    "name": name,
                    "area": r.randint(lo, hi),
                    "purpose": purpose,
                    **({"accessible": True} if acc else {}),
                    "_usable": usable,
                    "_cap": cap,
                }
            )
        area = sum(x["area"] for x in self.rooms)
        floor = max(area + r.randint(40, 220), 400 + r.randint(5, 120))
        self.floor_area = Decimal(floor) + Decimal(r.randint(0, 99)) / 100
        # hours
        self.hours_pattern = r.randrange(len(HOURS_PATTERNS))
        self.hours = Hours(dict(HOURS_PATTERNS[self.hours_pattern]))
        self.exceptions = []
        for year in self.years:
            for month, day, days, reason in HOLIDAYS:
                start = dt.date(year, month, day)
                end = start + dt.timedelta(days=days - 1)
                if days == 1:
                    self.exceptions.append({"date": start, "reason": reason})
                else:
                    self.exceptions.append({"from": start, "to": end, "reason": reason})
                for k in range(days):
                    self.hours.closed[start + dt.timedelta(days=k)] = reason
            if r.random() < 0.3:
                day = dt.date(year, r.randint(2, 11), r.randint(1, 28))
                if day not in self.hours.closed:
                    self.exceptions.append({"date": day, "reason": "设备检修，临时闭馆"})
                    self.hours.closed[day] = "设备检修"
        self.exceptions.sort(key=lambda e: e.get("date") or e["from"])
        # services
        self.build_services()
        self.build_recurring()
        weekly = {
            WEEKDAYS[d]: [f"{s}-{e}" for s, e in sess]
            for d, sess in sorted(self.hours.weekly.items())
        }
        n_ft = r.randint(6, 10)
        n_sw = r.randint(3, min(6, n_ft - 1))
        staff = [
            {
                "role": "中心主任",
                "employment": "全职",
                "qualification": "社工师",
                "registered": True,
                "head": True,
                "training_hours": r.randint(48, 80),
            }
        ]
        roles = (
            "社工（长者服务）",
            "社工（青少年服务）",
            "社工（家庭与儿童服务）",
            "社工（社区发展）",
            "社工（助残服务）",
            "项目主管",
        )
        for i in range(n_sw - 1):
            staff.append(
                {
                    "role": roles[i % len(roles)],
                    "employment": "全职",
                    "qualification": r.choice(("助理社工师", "社工师")),
                    "registered": True,
                    "training_hours": r.randint(36, 72),
                }
            )
        for role in ("社工助理", "行政与信息专员", "前台接待", "活动专员", "社工助理")[
            : n_ft - n_sw
        ]:
            staff.append(
                {
                    "role": role,
                    "employment": "全职",
                    "qualification": "无",
                    "training_hours": r.randint(12, 40),
                }
            )
        for _ in range(r.randint(0, 2)):
            staff.append(
                {
                    "role": "财务",
                    "employment": "兼职",
                    "qualification": "无",
                    "training_hours": r.randint(4, 16),
                }
            )
        self.budget = money(r.randint(45, 95) * 10000)
        district_share = money(self.budget * Decimal(r.choice(("0.6", "0.7", "0.75", "1"))))
        funders = [{"name": "区级财政", "amount": district_share}]
        if district_share < self.budget:
            funders.append({"name": "市级福利彩票公益金", "amount": self.budget - district_share})
        end_year = max(self.years[0] + 2, self.years[-1])
        name = (self.brand or "") + p.street + p.community[:-2] + "社区（党群）服务中心"
        self.name = name
        digits = "".join(str(r.randint(0, 9)) for _ in range(7))
        centre = {
            "city": "深圳市",
            "district": p.district,
            "street": p.street,
            "community": p.community,
            **({"brand": self.brand} if self.brand else {}),
            "official_name": name,
            "community_type": self.type,
            "rule_pack": PACK_ID,
            "address": f"深圳市{p.district}{p.street}{p.community}{p.community[:2]}路 {r.randint(1, 300)} 号",
            "contact": {
                "phone": f"0755-0{digits}",
                **({"email": f"{p.id}@example.org"} if r.random() < 0.6 else {}),
                **({"wechat": f"{p.community[:-2]}社区党群服务中心"} if r.random() < 0.7 else {}),
                "feedback": "居民可到中心前台填写意见卡、投入门口意见箱，或拨打中心电话；中心在 5 个工作日内答复。",
            },
            "operator": {
                "name": f"深圳市{p.street[:2]}{r.choice(('社会工作服务中心', '社工服务社', '社会服务中心'))}",
                "credit_code": credit_code(r),
            },
            "contract": {
                "purchaser": f"{p.district}民政局",
                "number": f"SQFW-{self.years[0]}-{r.randint(1, 999):03d}",
                "start": dt.date(self.years[0], 1, 1),
                "end": dt.date(end_year, 12, 31),
                "annual_budget": self.budget,
                "funders": funders,
            },
            "floor_area": self.floor_area,
            "rooms": [{k: v for k, v in x.items() if not k.startswith("_")} for x in self.rooms],
            "opening_hours": {"weekly": weekly, "exceptions": self.exceptions},
            "staff": staff,
            "volunteers": {
                "registered": r.randint(60, 400),
                "service_hours": Decimal(r.randint(1500, 8000)) + Decimal("0.5") * r.randint(0, 1),
                "teams": [p.community[:-2] + t for t in r.sample(TEAMS, r.randint(1, 4))],
            },
            "services": {
                "catalogue": self.catalogue_codes,
                "own": [{"code": c, "title": t, "description": d} for c, t, d in self.own],
                **({"paid": self.paid_entries} if self.paid_entries else {}),
            },
            "populations": self.populations,
            "social_organisations": {"introduced": r.randint(0, 3), "fostered": r.randint(1, 6)},
            "recurring": [
                {k: v for k, v in x.items() if not k.startswith("_")} for x in self.recurring
            ],
        }
        self.files["centre.yaml"] = yaml_text(f"{name}基本信息（虚构的基准测试数据）", centre)

    def build_services(self) -> None:
        r = self.rng
        tables = {t.code: t for t in self.cat.tables}
        codes: list[str] = []

        def take(table: str, majors: int, items: tuple[int, int]) -> None:
            t = tables[table]
            for mj in r.sample(list(t.majors), min(majors, len(t.majors))):
                if not mj.items:
                    codes.append(mj.code)
                    continue
                k = min(len(mj.items), r.randint(*items))
                codes.extend(
                    it.code for it in sorted(r.sample(list(mj.items), k), key=lambda it: it.code)
                )

        take("1", r.randint(2, 4), (1, 3))
        take("2", r.randint(2, 3), (1, 2))
        take("3", r.randint(3, 5), (1, 3))
        take("4", r.randint(2, 4), (1, 3))
        take("8", len(tables["8"].majors), (1, 3))  # every 大项 of 表八
        self.pops = {
            "elderly": r.randint(80, 2500),
            "disabled": r.randint(20, 200),
            "women_children_family": r.randint(800, 8000),
            "youth": r.randint(400, 4000),
            "veterans": r.randint(5, 60),
            "specific": r.randint(8, 80),
        }
        if self.pops["veterans"] >= 20:
            take("5", r.randint(1, 2), (1, 2))
        if self.pops["specific"] >= 20:
            take("7", r.randint(1, 2), (1, 2))
        # at least 12 大项 and 30 细项 of 表一至表八, with a margin
        public = [t for t in self.cat.tables if t.code in "12345678" and t.majors]
        while len(codes) < 34 or len({self._major(c) for c in codes}) < 13:
            t = r.choice(public)
            mj = r.choice(t.majors)
            cands = [it.code for it in mj.items if it.code not in codes] or (
                [mj.code] if mj.code not in codes and not mj.items else []
            )
            if cands:
                codes.append(r.choice(cands))
        self.catalogue_codes = sorted(set(codes), key=lambda c: [int(x) for x in c.split(".")])
        self.populations = {}
        for key, count in self.pops.items():
            entry: dict[str, Any] = {"count": count}
            if count < 20:
                entry["referral"] = (
                    f"辖区{'优抚对象' if key == 'veterans' else '特定人群'} {count} 人，由社工建档并定期探访，相关事项转介至街道对应服务站办理。"
                )
            self.populations[key] = entry
        self.own = r.sample(OWN_SERVICES, r.randint(1, 2))
        self.paid_entries = []
        for code, title, price, unit, market in r.sample(PAID, r.randint(0, 3)):
            self.paid_entries.append(
                {
                    "code": code,
                    "title": title,
                    "price": Decimal(price),
                    "unit": unit,
                    "filed_with": self.place.street + "办事处",
                    "filed_on": dt.date(self.years[0] - 1, 12, r.randint(1, 28)),
                    "market_price": Decimal(market),
                }
            )
        # the pack's service-mix columns and the community type's weights
        rule = self.pack.rule("service-mix")
        assert rule is not None
        weights = rule.params.weights[TYPE_KEYS[self.type]]
        self.columns: dict[str, Column] = {}
        for key, tables_of in rule.params.columns.items():
            if key == "other":
                col_codes = [c for c, _, _ in self.own]
            else:
                col_codes = [c for c in self.catalogue_codes if c.split(".")[0] in tables_of]
            g, i = weights["group"].get(key), weights["individual"].get(key)
            self.columns[key] = Column(
                key, col_codes, Decimal(g) if g else None, Decimal(i) if i else None
            )

    def _major(self, code: str) -> str:
        return ".".join(code.split(".")[:2])

    def build_recurring(self) -> None:
        r = self.rng
        rooms = {x["name"]: x for x in self.rooms}
        self.recurring = []
        used: set[tuple[int, str, str]] = set()
        for key, (title, target, room) in RECURRING_BY_COLUMN.items():
            col = self.columns[key]
            if col.group is None or not col.codes or room not in rooms:
                continue
            for _ in range(r.randint(1, 2)):
                days = [d for d in self.hours.weekly if d not in (5, 6) or key == "self_help"]
                for _attempt in range(10):
                    d = r.choice(days)
                    slot = r.choice(SLOTS)
                    if fits(slot, self.hours.weekly[d]) and not any(
                        u[0] == d and u[1] == room and _overlap(slot, u[2]) for u in used
                    ):
                        break
                else:
                    continue
                used.add((d, room, slot))
                self.recurring.append(
                    {
                        "weekday": WEEKDAYS[d],
                        "time": f"{slot[0]}-{slot[1]}",
                        "room": room,
                        "title": title,
                        "description": f"每周{WEEKDAYS[d][1]}的{title}，由社工和义工带领。",
                        "service": r.choice(col.codes),
                        "form": "群体",
                        "target": target,
                        "capacity": min(rooms[room]["_cap"], r.randint(12, 25)),
                        "_column": key,
                        "_slot": slot,
                        "_day": d,
                    }
                )

    # ---------------------------------------------------------- one year

    def build_year(self, year: int) -> Decimal:
        for month in range(1, 13):
            self.build_month(year, month)
        return self.build_finance(year)

    def build_month(self, year: int, month: int) -> None:
        r = self.rng
        key = f"{year:04d}-{month:02d}"
        ndays = calendar.monthrange(year, month)[1]
        days = [dt.date(year, month, d) for d in range(1, ndays + 1)]
        booked: dict[tuple[dt.date, str], list[tuple[str, str]]] = {}
        acts: list[dict] = []

        def book(day: dt.date, room: str, slot: tuple[str, str]) -> bool:
            taken = booked.setdefault((day, room), [])
            if any(_overlap(slot, s) for s in taken) or not fits(slot, self.hours.sessions_on(day)):
                return False
            taken.append(slot)
            return True

        for rec in self.recurring:
            for day in days:
                if day.weekday() == rec["_day"] and book(day, rec["room"], rec["_slot"]):
                    acts.append(
                        {
                            "date": day,
                            "slot": rec["_slot"],
                            "room": rec["room"],
                            "title": rec["title"],
                            "description": rec["description"],
                            "service": rec["service"],
                            "target": rec["target"],
                            "capacity": rec["capacity"],
                            "themed": False,
                            "signup": "固定学员，新学员请到中心前台登记",
                            "_column": rec["_column"],
                        }
                    )
        cols = [c for c in self.columns.values() if c.group and c.codes]
        usable = [x for x in self.rooms if x["_usable"]]
        for _ in range(r.randint(8, 18)):
            col = r.choices(cols, weights=[float(c.group) for c in cols])[0]  # type: ignore[arg-type]
            for _attempt in range(12):
                day = r.choice(days)
                room = r.choice(usable)
                slot = r.choice(SLOTS)
                if book(day, room["name"], slot):
                    break
            else:
                continue
            acts.append(
                {
                    "date": day,
                    "slot": slot,
                    "room": room["name"],
                    "title": r.choice(COLUMN_TITLES[col.key]),
                    "service": r.choice(col.codes),
                    "target": TARGETS[col.key],
                    "capacity": max(8, min(room["_cap"], r.randint(15, 120))),
                    "themed": r.random() < 0.6,
                    "signup": r.choice(SIGNUPS),
                    "_column": col.key,
                }
            )
        paid_courses = [p for p in self.paid_entries if p["code"].startswith(("10.1", "10.2"))]
        if paid_courses and r.random() < 0.5:
            p = r.choice(paid_courses)
            room = r.choice(usable)
            for _attempt in range(12):
                day, slot = r.choice(days), r.choice(SLOTS)
                if book(day, room["name"], slot):
                    acts.append(
                        {
                            "date": day,
                            "slot": slot,
                            "room": room["name"],
                            "title": p["title"],
                            "service": p["code"],
                            "target": "社区小学生",
                            "capacity": min(room["_cap"], 20),
                            "themed": False,
                            "price": p["price"],
                            "paid_service": p["code"],
                            "signup": "电话报名",
                            "_column": None,
                        }
                    )
                    break
        acts.sort(key=lambda a: (a["date"], a["slot"][0], a["room"]))
        plan_acts = []
        records = []
        group = {k: 0 for k in self.columns}
        for i, a in enumerate(acts, 1):
            aid = f"A{i:02d}"
            entry = {
                "id": aid,
                "date": a["date"],
                "start": a["slot"][0],
                "end": a["slot"][1],
                "room": a["room"],
                "title": a["title"],
            }
            if "description" in a:
                entry["description"] = a["description"]
            entry.update(
                {
                    "service": a["service"],
                    "form": "群体",
                    "target": a["target"],
                    "capacity": a["capacity"],
                    "themed": a["themed"],
                }
            )
            if "price" in a:
                entry["price"] = a["price"]
                entry["paid_service"] = a["paid_service"]
            entry["signup"] = a["signup"]
            plan_acts.append(entry)
            roll = r.random()
            if roll < 0.04:
                records.append(
                    {"plan": aid, "status": "已取消", "reason": r.choice(CANCEL_REASONS)}
                )
            elif roll < 0.06:
                records.append(
                    {"plan": aid, "status": "已延期", "reason": r.choice(CANCEL_REASONS)}
                )
            else:
                att = r.randint(max(1, a["capacity"] // 2), a["capacity"])
                records.append({"plan": aid, "status": "已举办", "attendance": att})
                if a["_column"]:
                    group[a["_column"]] += att
        records.extend(self.balance_group(year, month, days, group))
        first = dt.date(year, month, 1)
        plan = {
            "month": key,
            "published": first - dt.timedelta(days=r.randint(3, 10)),
            "activities": plan_acts,
        }
        individual = self.individual_counts()
        activity = {
            "month": key,
            "records": records,
            **({"individual": individual} if individual else {}),
        }
        self.files[f"plans/{key}.yaml"] = yaml_text(
            f"{self.name} {year} 年 {month} 月活动计划", plan
        )
        self.files[f"activities/{key}.yaml"] = yaml_text(
            f"{self.name} {year} 年 {month} 月活动记录", activity
        )

    def balance_group(
        self, year: int, month: int, days: list[dt.date], group: dict[str, int]
    ) -> list[dict]:
        """Unplanned community events that bring the month's group volume to the pack's weights."""
        r = self.rng
        weighted = {k: c for k, c in self.columns.items() if c.group}
        total = max(group[k] / float(c.group) for k, c in weighted.items())  # type: ignore[arg-type]
        total = max(total, 60.0)
        out = []
        open_days = [d for d in days if self.hours.sessions_on(d)] or days
        for k, c in weighted.items():
            need = math.ceil(float(c.group) * total) - group[k]  # type: ignore[arg-type]
            if need <= 0 or not c.codes:
                continue
            out.append(
                {
                    "status": "已举办",
                    "date": r.choice(open_days),
                    "title": r.choice(COLUMN_TITLES[k]) + "（社区活动）",
                    "service": r.choice(c.codes),
                    "form": "群体",
                    "attendance": need,
                }
            )
        return out

    def individual_counts(self) -> list[dict]:
        r = self.rng
        total = r.randint(60, 240)
        out = []
        for c in self.columns.values():
            if c.individual and c.codes:
                count = round(float(c.individual) * total)
                if count:
                    out.append({"service": r.choice(c.codes), "count": count})
        return out

    # ---------------------------------------------------------- finance, audit, evaluation

    def build_finance(self, year: int) -> Decimal:
        r = self.rng
        carried = getattr(self, "carried", money(r.randint(0, 20000)))
        gov_q = split_amount(self.budget, [1, 1, 1, 1])
        sums = {"income": Decimal(0), "expenditure": Decimal(0), "management": Decimal(0)}
        for q in range(1, 5):
            income = {"government": gov_q[q - 1]}
            if self.paid_entries:
                income["convenience"] = money(r.randint(200, 3000))
            if r.random() < 0.3:
                income["donations"] = money(r.randint(5, 50) * 100)
            income["other"] = money(Decimal(r.randint(1000, 8000)) / 100)
            income["carried_forward"] = carried
            new_income = sum((v for k, v in income.items() if k != "carried_forward"), Decimal(0))
            income["total"] = new_income + carried
            spent = money(new_income * Decimal(r.uniform(0.93, 0.995)))
            # Shares chosen inside the pack's limits with a margin (the limits live in the pack).
            staff = r.uniform(0.756, 0.765)
            site = r.uniform(0.047, 0.052)
            mgmt = r.uniform(0.06, 0.08)
            services = 1 - staff - site - mgmt
            cats = split_amount(spent, [staff, site, mgmt, services])
            expenditure = {}
            for (name, items), amount in zip(EXPENSE_ITEMS.items(), cats):
                k = r.randint(2, len(items))
                parts = split_amount(amount, [r.uniform(1, 5) for _ in range(k)])
                expenditure[name] = {
                    "items": [{"item": it, "amount": a} for it, a in zip(items[:k], parts)],
                    "total": amount,
                }
            expenditure["total"] = spent
            start = dt.date(year, 3 * q - 2, 1)
            end = dt.date(year, 3 * q, calendar.monthrange(year, 3 * q)[1])
            doc: dict[str, Any] = {
                "quarter": f"{year}-Q{q}",
                "published": end + dt.timedelta(days=r.randint(5, 25)),
                "income": income,
                "expenditure": expenditure,
            }
            if r.random() < 0.25:
                doc["fixed_assets"] = [
                    {
                        "name": r.choice(("投影仪", "笔记本电脑", "音响设备", "折叠桌椅")),
                        "amount": money(r.randint(800, 6000)),
                        "date": start + dt.timedelta(days=r.randint(0, (end - start).days)),
                    }
                ]
            self.files[f"finance/{year}-Q{q}.yaml"] = yaml_text(
                f"{self.name} {year} 年第 {q} 季度财务信息", doc
            )
            sums["income"] += new_income
            sums["expenditure"] += spent
            sums["management"] += cats[2]
            carried = income["total"] - spent
        self.build_audit(year, sums)
        self.build_evaluation(year)
        return carried

    def build_audit(self, year: int, sums: dict[str, Decimal]) -> None:
        r = self.rng
        date = dt.date(year + 1, 3, r.randint(1, 25))
        audit = {
            "year": year,
            "firm": r.choice(FIRMS),
            "report_number": f"审字〔{year + 1}〕第 {r.randint(1, 999):04d} 号",
            "date": date,
            "published": date + dt.timedelta(days=r.randint(3, 20)),
            "opinion": "无保留意见",
            "income": sums["income"],
            "expenditure": sums["expenditure"],
            "management_fee": sums["management"],
            "surplus": sums["income"] - sums["expenditure"],
            "findings": r.sample(FINDINGS, r.randint(0, 2)),
            "report_pdf": f"attachments/audit-{year}.pdf",
        }
        if not audit["findings"]:
            del audit["findings"]
        self.files[f"audits/{year}.yaml"] = yaml_text(f"{self.name} {year} 年度专项审计", audit)
        self.files[f"attachments/audit-{year}.pdf"] = _tiny_pdf()  # type: ignore[assignment]

    def build_evaluation(self, year: int) -> None:
        r = self.rng
        score = Decimal(r.randint(7000, 9600)) / 10
        rule = self.pack.rule("grade")
        grade = None
        if rule is not None:
            for band in rule.params.bands:
                if band.get("min") is None or score >= Decimal(band["min"]):
                    grade = band["grade"]
                    break
        date = dt.date(year + 1, 1, r.randint(10, 28))
        sample = r.randint(80, 300)
        ev = {
            "year": year,
            "evaluator": r.choice(EVALUATORS),
            "date": date,
            "published": date + dt.timedelta(days=r.randint(7, 20)),
            "score": score,
            **({"grade": grade} if grade else {}),
            "satisfaction": {"sample": sample, "satisfied": int(sample * r.uniform(0.85, 0.98))},
            "management_fee_over_limit": False,
            "summary": r.choice(SUMMARIES),
        }
        self.files[f"evaluations/{year}.yaml"] = yaml_text(f"{self.name} {year} 年度第三方评估", ev)


def _overlap(a: tuple[str, str], b: tuple[str, str]) -> bool:
    return hm(a[0]) < hm(b[1]) and hm(b[0]) < hm(a[1])


def _tiny_pdf() -> bytes:
    """A one-page PDF standing in for the signed audit report, with a line of text (the build
    reads every page of an attachment for personal numbers; a page without text is refused)."""
    text = b"BT /F1 14 Tf 72 760 Td (Audit report - synthetic city, no personal data) Tj ET"
    objs = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] "
        b"/Resources << /Font << /F1 5 0 R >> >> /Contents 4 0 R >>",
        b"<< /Length %d >>\nstream\n" % len(text) + text + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for i, body in enumerate(objs, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % i + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objs) + 1)
    for off in offsets:
        out += b"%010d 00000 n \n" % off
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objs) + 1, xref)
    return bytes(out)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description="Generate a synthetic city of centre records.")
    ap.add_argument("out", type=Path)
    ap.add_argument("--centres", type=int, default=10)
    ap.add_argument("--years", type=int, default=1)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--first-year", type=int, default=2026)
    args = ap.parse_args(argv)
    generate_city(args.out, args.centres, args.years, args.seed, args.first_year)
    print(f"{args.centres} centres × {args.years} year(s) → {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
