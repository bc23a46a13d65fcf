"""The data package of the all-centres tables (``data/datapackage.json``) and the licence.

A Frictionless Data Package (v2, https://datapackage.org/standard/data-package/) describing
``centres.csv``, ``activities.csv`` and ``finance.csv`` with a Table Schema each: Chinese
titles and descriptions, field types (amounts are numbers in yuan, the unit said in the
description; dates are dates; codes are strings, with their allowed values where the records
fix them), keys between the tables, the licence and the source. The columns here are the
CSV headers: ``site.opendata`` writes the tables from ``columns(...)``, so the description
and the files cannot drift apart.

The licence is a site setting (``extra.licence`` in mkdocs.yml): an SPDX identifier from
``LICENCES`` or a mapping with ``name``, ``path`` and ``title``; CC BY 4.0 by default.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass

from generator.records.shapes import COMMUNITY_TYPES
from generator.text.labels import EXPENSE_LABELS, INCOME_LABELS

PACKAGE_PROFILE = "https://datapackage.org/profiles/2.0/datapackage.json"
RESOURCE_PROFILE = "https://datapackage.org/profiles/2.0/dataresource.json"
TABLE_PROFILE = "https://datapackage.org/profiles/2.0/tableschema.json"


# ---------------------------------------------------------------- licence


@dataclass(frozen=True)
class Licence:
    """A licence as a Data Package names it: SPDX identifier, address, title."""

    name: str
    path: str
    title: str

    def descriptor(self) -> dict[str, str]:
        return {"name": self.name, "path": self.path, "title": self.title}


LICENCES = {
    lic.name: lic
    for lic in (
        Licence(
            "CC-BY-4.0",
            "https://creativecommons.org/licenses/by/4.0/",
            "知识共享署名 4.0 国际许可协议（CC BY 4.0）",
        ),
        Licence(
            "CC-BY-SA-4.0",
            "https://creativecommons.org/licenses/by-sa/4.0/",
            "知识共享署名—相同方式共享 4.0 国际许可协议（CC BY-SA 4.0）",
        ),
        Licence(
            "CC0-1.0",
            "https://creativecommons.org/publicdomain/zero/1.0/",
            "CC0 1.0 通用公共领域贡献宣告（CC0 1.0）",
        ),
        Licence(
            "ODC-By-1.0",
            "https://opendatacommons.org/licenses/by/1-0/",
            "开放数据共享署名许可协议 1.0（ODC-By 1.0）",
        ),
        Licence(
            "ODbL-1.0",
            "https://opendatacommons.org/licenses/odbl/1-0/",
            "开放数据库许可协议 1.0（ODbL 1.0）",
        ),
        Licence(
            "PDDL-1.0",
            "https://opendatacommons.org/licenses/pddl/1-0/",
            "开放数据共享公共领域贡献与许可协议 1.0（PDDL 1.0）",
        ),
    )
}
DEFAULT_LICENCE = LICENCES["CC-BY-4.0"]


def read_licence(value: object) -> tuple[Licence, str | None]:
    """The licence a site setting names, and a Chinese message when the setting is wrong
    (then the default licence comes with it). ``None`` (no setting) is the default."""
    known = "、".join(LICENCES)
    if value is None:
        return DEFAULT_LICENCE, None
    if isinstance(value, str):
        found = {k.lower(): v for k, v in LICENCES.items()}.get(value.strip().lower())
        if found is None:
            return (
                DEFAULT_LICENCE,
                f"未知的许可协议“{value}”（可用：{known}，或写出 name、path、title）",
            )
        return found, None
    if isinstance(value, Mapping):
        fields = {k: value.get(k) for k in ("name", "path", "title")}
        missing = [k for k, v in fields.items() if not isinstance(v, str) or not v.strip()]
        extra = sorted(str(k) for k in value if k not in fields)
        if missing or extra:
            parts = []
            if missing:
                parts.append(f"缺少 {'、'.join(missing)}")
            if extra:
                parts.append(f"有未知的键 {'、'.join(extra)}")
            return DEFAULT_LICENCE, f"许可协议{'，'.join(parts)}（应写 name、path、title 三项文字）"
        path = str(fields["path"]).strip()
        if not path.startswith(("https://", "http://")):
            return DEFAULT_LICENCE, f"许可协议的 path 应是以 https:// 开头的网址，而不是“{path}”"
        return Licence(str(fields["name"]).strip(), path, str(fields["title"]).strip()), None
    return (
        DEFAULT_LICENCE,
        f"许可协议应写成协议编号（如 CC-BY-4.0）或 name、path、title 三项（可用编号：{known}）",
    )


# ---------------------------------------------------------------- the tables


@dataclass(frozen=True)
class Column:
    """One CSV column and its Table Schema field."""

    name: str
    type: str  # Table Schema type: string, number, integer, date, time, yearmonth
    title: str
    description: str
    enum: tuple[str, ...] = ()
    required: bool = False
    format: str | None = None
    pattern: str | None = None

    def field(self) -> dict:
        out: dict = {
            "name": self.name,
            "type": self.type,
            "title": self.title,
            "description": self.description,
        }
        if self.format:
            out["format"] = self.format
        constraints: dict = {}
        if self.required:
            constraints["required"] = True
        if self.enum:
            constraints["enum"] = list(self.enum)
        if self.pattern:
            constraints["pattern"] = self.pattern
        if constraints:
            out["constraints"] = constraints
        return out


TEXT_NOTE = "以 =、+、-、@、制表符或回车开头的文字前加了一个单引号 '，防止电子表格把它当作公式执行"
HHMM = "%H:%M"
CENTRE_NAME = Column("centre_name", "string", "中心名称", f"中心的名称。{TEXT_NOTE}")

CENTRES_COLUMNS = (
    Column("id", "string", "中心编号", "中心的编号（记录文件夹名），各表以它关联", required=True),
    Column("name", "string", "中心名称", f"中心的名称。{TEXT_NOTE}", required=True),
    Column("district", "string", "所在区", TEXT_NOTE),
    Column("street", "string", "所在街道", TEXT_NOTE),
    Column("community", "string", "所在社区", TEXT_NOTE),
    Column("community_type", "string", "社区类型", "社区类型（表九）", enum=tuple(COMMUNITY_TYPES)),
    Column("address", "string", "地址", TEXT_NOTE),
    Column("phone", "string", "联系电话", f"中心公开的联系电话。{TEXT_NOTE}"),
    Column("operator", "string", "运营机构", f"受委托运营中心的机构。{TEXT_NOTE}"),
    Column("operator_credit_code", "string", "运营机构统一社会信用代码", "18 位，GB 32100"),
    Column("floor_area", "number", "场地面积", "中心的场地总面积，单位：平方米"),
    Column("rule_pack", "string", "适用规范", "检查中心记录所依据的规范的编号（见“关于本站”）"),
)

ACTIVITIES_COLUMNS = (
    Column("centre", "string", "中心编号", "见 centres.csv 的 id", required=True),
    CENTRE_NAME,
    Column("month", "yearmonth", "计划月份", "活动所属的月度计划，YYYY-MM", required=True),
    Column("activity_id", "string", "活动编号", "活动在当月计划中的编号", required=True),
    Column("date", "date", "日期", "活动日期，YYYY-MM-DD", required=True),
    Column("start", "time", "开始时间", "北京时间，HH:MM", format=HHMM, required=True),
    Column("end", "time", "结束时间", "北京时间，HH:MM", format=HHMM, required=True),
    Column("title", "string", "活动名称", TEXT_NOTE),
    Column("room", "string", "活动场地", TEXT_NOTE),
    Column(
        "service", "string", "服务编号", f"服务目录中的项目编号或中心自设服务的编号。{TEXT_NOTE}"
    ),
    Column("form", "string", "服务形式", "个体或群体服务", enum=("个体", "群体")),
    Column("target", "string", "服务对象", TEXT_NOTE),
    Column("capacity", "integer", "名额", "可参加的人数，单位：人"),
    Column("price", "number", "费用", "每人费用，单位：元，两位小数；0.00 表示免费"),
    Column(
        "status",
        "string",
        "举办情况",
        "已举办、已取消或已延期；空白表示尚无举办记录",
        enum=("已举办", "已取消", "已延期"),
    ),
    Column("attendance", "integer", "参加人数", "已举办的活动实际参加的人数，单位：人；其他为空白"),
)

FINANCE_COLUMNS = (
    Column("centre", "string", "中心编号", "见 centres.csv 的 id", required=True),
    CENTRE_NAME,
    Column(
        "quarter",
        "string",
        "季度",
        "YYYY-Q季度，如 2026-Q1",
        pattern=r"[0-9]{4}-Q[1-4]",
        required=True,
    ),
    Column("published", "date", "公布日期", "该季度财务信息的公布日期，YYYY-MM-DD"),
    Column(
        "direction",
        "string",
        "收支",
        "income 收入，expenditure 支出",
        enum=("income", "expenditure"),
        required=True,
    ),
    Column(
        "category",
        "string",
        "类别编码",
        "收入来源或支出类别的编码："
        + "，".join(f"{k} {v}" for k, v in {**INCOME_LABELS, **EXPENSE_LABELS}.items()),
        enum=(*INCOME_LABELS, *EXPENSE_LABELS),
        required=True,
    ),
    Column("category_name", "string", "类别名称", "收入来源或支出类别的名称"),
    Column("item", "string", "支出明细", f"支出的明细项目；收入行为空白。{TEXT_NOTE}"),
    Column(
        "amount",
        "number",
        "金额",
        "单位：元，两位小数（精确值，不是四舍五入后的浮点数）",
        required=True,
    ),
)


@dataclass(frozen=True)
class Table:
    name: str  # resource name
    path: str  # relative to data/
    title: str
    description: str
    columns: tuple[Column, ...]
    primary_key: tuple[str, ...] = ()
    centre_key: bool = False  # its ``centre`` column refers to centres.csv's id


TABLES = (
    Table(
        "centres",
        "centres.csv",
        "全部中心的基本信息",
        "一行一个中心：名称、所在区街道社区、地址、联系电话、运营机构、场地面积、适用规范",
        CENTRES_COLUMNS,
        primary_key=("id",),
    ),
    Table(
        "activities",
        "activities.csv",
        "全部中心的计划活动及举办情况",
        "一行一场计划活动：日期时间、名称、场地、服务项目、对象、名额、费用，以及举办情况",
        ACTIVITIES_COLUMNS,
        primary_key=("centre", "month", "activity_id"),
        centre_key=True,
    ),
    Table(
        "finance",
        "finance.csv",
        "全部中心的季度收入与支出",
        "一行一项收入来源或一条支出明细；金额单位：元",
        FINANCE_COLUMNS,
        centre_key=True,
    ),
)


def header(columns: tuple[Column, ...]) -> list[str]:
    return [c.name for c in columns]


def table_schema(t: Table) -> dict:
    schema: dict = {
        "$schema": TABLE_PROFILE,
        "fields": [c.field() for c in t.columns],
        "missingValues": [""],
    }
    if t.primary_key:
        schema["primaryKey"] = list(t.primary_key)
    if t.centre_key:
        schema["foreignKeys"] = [
            {"fields": ["centre"], "reference": {"resource": "centres", "fields": ["id"]}}
        ]
    return schema


def datapackage_json(licence: Licence, site_url: str | None) -> bytes:
    """``data/datapackage.json``: the three all-centres tables, their schemas, the licence."""
    base = site_url.rstrip("/") + "/" if site_url and site_url.strip() else None
    source = {"title": "各社区（党群）服务中心的工作记录，按适用的规范检查后公布"}
    if base:
        source["path"] = base
    data: dict = {
        "$schema": PACKAGE_PROFILE,
        "name": "community-centre-disclosures",
        "title": "社区服务中心信息公示开放数据",
        "description": (
            "各社区（党群）服务中心公示的基本信息、活动计划及举办情况、季度收支。"
            "CSV 为 UTF-8 编码（带 BOM），逗号分隔，行尾 CRLF；金额以元为单位，两位小数；"
            "日期为 YYYY-MM-DD，时间为北京时间。" + TEXT_NOTE + "。"
        ),
        "licenses": [licence.descriptor()],
        "sources": [source],
        "keywords": ["社区服务中心", "信息公开", "活动", "财务"],
        "resources": [
            {
                "$schema": RESOURCE_PROFILE,
                "name": t.name,
                "path": t.path,
                "type": "table",
                "title": t.title,
                "description": t.description,
                "format": "csv",
                "mediatype": "text/csv",
                "encoding": "utf-8",
                "dialect": {"delimiter": ",", "lineTerminator": "\r\n", "header": True},
                "schema": table_schema(t),
            }
            for t in TABLES
        ],
    }
    if base:
        data["homepage"] = base
    return (json.dumps(data, ensure_ascii=False, indent=2) + "\n").encode("utf-8")
