"""Open data of the site: JSON, CSV, iCalendar and Atom (no file I/O).

Every function returns bytes (or Markup for what goes inside a page); the page modules
(``site.profile``, ``site.plans`` …, ``site.city``) place them under ``data/`` and ``build``
writes them. Formats are documented for users in docs/open-data.md; the JSON files follow the
JSON Schemas in docs/schema/, which the build publishes under data/schema/ and the tests check
every file against.

The data package describing the CSV tables is ``site.datapackage``, the Open Referral (HSDS)
export ``site.hsds``, the schema.org JSON-LD in the pages ``site.jsonld``.

Conventions: money is a string with two decimals ("12345.50", exact, never a float); dates
are ISO 8601; CSV is UTF-8 with a byte-order mark (so that spreadsheet programs read the
Chinese text) and CRLF line ends (RFC 4180). Staff names are never published.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import uuid
from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import Any
from xml.sax.saxutils import escape as xml_escape
from xml.sax.saxutils import quoteattr

from generator import model as m
from generator import urls
from generator.figures import finance as f
from generator.packs.library import Pack
from generator.site import hsds
from generator.site.datapackage import (
    ACTIVITIES_COLUMNS,
    CENTRES_COLUMNS,
    DEFAULT_LICENCE,
    FINANCE_COLUMNS,
    Column,
    Licence,
    datapackage_json,
    header,
)
from generator.site.jsonld import json_ld_script as json_ld_script
from generator.site.jsontext import json_file
from generator.text import formats as fmt
from generator.text.labels import EXPENSE_LABELS, FREE, INCOME_LABELS

TZ = "Asia/Shanghai"
SCHEMAS = (
    "centre.schema.json",
    "hours.schema.json",
    "plan.schema.json",
    "finance.schema.json",
    "audit.schema.json",
    "evaluation.schema.json",
    "centres.schema.json",
)
# (link text, path, description) of the files for all centres, listed on the open-data page.
ALL_FILES = (
    ("centres.json", urls.CENTRES_JSON, "全部中心的基本信息和各类数据文件的地址（JSON）"),
    ("centres.csv", urls.CENTRES_CSV, "全部中心的基本信息（CSV 表格）"),
    ("activities.csv", urls.ACTIVITIES_CSV, "全部中心的计划活动及举办情况（CSV 表格）"),
    ("finance.csv", urls.FINANCE_CSV, "全部中心的季度收入与支出（CSV 表格）"),
    ("disclosures.atom", urls.FEED, "公示更新订阅（Atom）"),
    (
        "datapackage.json",
        urls.DATAPACKAGE,
        "上面三个 CSV 表格的数据包说明（Frictionless Data Package）：各列的含义、类型、单位和许可协议",
    ),
    (
        "hsds-services.json",
        urls.HSDS_SERVICES,
        "全部中心的服务项目，按编号指向下面两个文件中的运营机构和地点（Open Referral HSDS 3.0 格式）",
    ),
    (
        "hsds-organizations.json",
        urls.HSDS_ORGANIZATIONS,
        "各中心的运营机构：名称、统一社会信用代码和电话（Open Referral HSDS 3.0 格式）",
    ),
    (
        "hsds-locations.json",
        urls.HSDS_LOCATIONS,
        "全部中心的地点、电话和每周开放时间（Open Referral HSDS 3.0 格式）",
    ),
)
# A text cell starting with one of these is a formula to a spreadsheet program (OWASP, "CSV
# Injection"): such a cell is written with a single quote in front.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def money(value: Decimal) -> str:
    return str(value.quantize(Decimal("0.01")))


def _json(data: Any) -> bytes:
    return json_file(data)


# ---------------------------------------------------------------- JSON


def hours_data(ce: m.Centre) -> dict:
    h = ce.opening_hours
    return {
        "weekly": [
            {
                "weekday": d + 1,
                "weekday_name": m.WEEKDAYS[d],
                "sessions": [
                    {"opens": f"{s.start:%H:%M}", "closes": s.end_text} for s in h.weekly.get(d, ())
                ],
            }
            for d in range(7)
        ],
        "exceptions": [
            {
                "from": e.start.isoformat(),
                "to": e.end.isoformat(),
                "reason": e.reason,
                "closed": e.closed,
                "sessions": [
                    {"opens": f"{s.start:%H:%M}", "closes": s.end_text} for s in e.sessions
                ],
            }
            for e in h.exceptions
        ],
    }


def centre_data(ce: m.Centre, pack: Pack | None) -> dict:
    """The public facts of a centre (never staff names or residents' data)."""
    sf = f.staff_figures(ce)
    cat = pack.catalogue if pack else None
    services = []
    for code in ce.services.catalogue:
        found = cat.lookup(code) if cat else None
        title = ""
        if found:
            table, major, item = found
            title = (item or major or table).title
        services.append({"code": code, "title": title})
    contact = {
        k: v
        for k, v in (
            ("phone", ce.contact.phone),
            ("email", ce.contact.email),
            ("wechat", ce.contact.wechat),
            ("website", ce.contact.website),
            ("feedback", ce.contact.feedback),
        )
        if v
    }
    return {
        "id": ce.id,
        "name": ce.name,
        "city": ce.city,
        "district": ce.district,
        "street": ce.street,
        "community": ce.community,
        "community_type": ce.community_type,
        "address": ce.address,
        "rule_pack": ce.rule_pack,
        "contact": contact,
        "operator": {"name": ce.operator.name, "credit_code": ce.operator.credit_code},
        "contract": {
            "purchaser": ce.contract.purchaser,
            "number": ce.contract.number,
            "start": ce.contract.start.isoformat(),
            "end": ce.contract.end.isoformat(),
            "annual_budget": money(ce.contract.annual_budget),
            "funders": [
                {"name": fu.name, "amount": money(fu.amount)} for fu in ce.contract.funders
            ],
        },
        "floor_area": str(ce.floor_area),
        "rooms": [
            {"name": r.name, "area": str(r.area), "purpose": r.purpose, "accessible": r.accessible}
            for r in ce.rooms
        ],
        "staff": {
            "full_time": sf.full_time,
            "part_time": sf.part_time,
            "by_qualification": sf.by_qualification,
            "registered_social_workers": sf.registered_social_workers,
        },
        "volunteers": {
            "registered": ce.volunteers.registered,
            "service_hours": str(ce.volunteers.service_hours),
            "teams": list(ce.volunteers.teams),
        },
        "services": {
            "catalogue": services,
            "own": [
                {"code": s.code, "title": s.title, "description": s.description}
                for s in ce.services.own
            ],
            "paid": [
                {
                    "code": p.code,
                    "title": p.title,
                    "price": money(p.price),
                    "unit": p.unit,
                    "filed_with": p.filed_with,
                    "filed_on": p.filed_on.isoformat() if p.filed_on else None,
                }
                for p in ce.services.paid
            ],
        },
        "opening_hours": hours_data(ce),
    }


def centre_json(ce: m.Centre, pack: Pack | None) -> bytes:
    return _json(centre_data(ce, pack))


def hours_json(ce: m.Centre) -> bytes:
    data = {"centre": ce.id, "name": ce.name, **hours_data(ce)}
    return _json(data)


def _activity(a: m.Activity, record: m.ActivityRecord | None) -> dict:
    return {
        "id": a.id,
        "date": a.date.isoformat(),
        "start": f"{a.start:%H:%M}",
        "end": f"{a.end:%H:%M}",
        "title": a.title,
        "room": a.room,
        "service": a.service,
        "form": a.form,
        "target": a.target,
        "capacity": a.capacity,
        "signup": a.signup,
        "themed": a.themed,
        "price": money(a.price),
        "status": record.status if record else None,
        "attendance": record.attendance if record and record.status == "已举办" else None,
    }


def plan_json(ce: m.Centre, plan: m.Plan, month: m.ActivityMonth | None) -> bytes:
    records = {r.plan: r for r in (month.records if month else ()) if r.plan}
    data = {
        "centre": ce.id,
        "month": plan.key,
        "published": plan.published.isoformat() if plan.published else None,
        "activities": [_activity(a, records.get(a.id)) for a in plan.activities],
        "unplanned": [
            {
                "date": r.date.isoformat() if r.date else None,
                "title": r.title,
                "service": r.service,
                "status": r.status,
                "attendance": r.attendance,
            }
            for r in (month.records if month else ())
            if r.plan is None
        ],
        "individual_services": [
            {"service": i.service, "count": i.count} for i in (month.individual if month else ())
        ],
    }
    return _json(data)


def quarter_json(ce: m.Centre, q: m.Quarter) -> bytes:
    data = {
        "centre": ce.id,
        "quarter": q.key,
        "period": {"from": q.period_start.isoformat(), "to": q.period_end.isoformat()},
        "published": q.published.isoformat() if q.published else None,
        "income": {k: money(v) for k, v in q.income.items()},
        "income_total": money(q.income_total),
        "expenditure": {
            k: {
                "total": money(cat.total),
                "items": [{"item": it.item, "amount": money(it.amount)} for it in cat.items],
            }
            for k, cat in q.expenditure.items()
        },
        "expenditure_total": money(q.expenditure_total),
        "balance": money(q.income_total - q.expenditure_total),
        "fixed_assets": [
            {"name": a.name, "amount": money(a.amount), "date": a.date.isoformat()}
            for a in q.fixed_assets
        ],
        "notes": q.notes,
    }
    return _json(data)


def audit_json(ce: m.Centre, a: m.Audit) -> bytes:
    data = {
        "centre": ce.id,
        "year": a.year,
        "firm": a.firm,
        "report_number": a.report_number,
        "date": a.date.isoformat(),
        "published": a.published.isoformat() if a.published else None,
        "opinion": a.opinion,
        "income": money(a.income),
        "expenditure": money(a.expenditure),
        "management_fee": money(a.management_fee),
        "surplus": money(a.surplus),
        "findings": list(a.findings),
        "signed_report": urls.signed_report(ce.id, a.year) if a.report_pdf else None,
    }
    return _json(data)


def evaluation_json(ce: m.Centre, ev: m.Evaluation) -> bytes:
    data = {
        "centre": ce.id,
        "year": ev.year,
        "evaluator": ev.evaluator,
        "date": ev.date.isoformat(),
        "published": ev.published.isoformat() if ev.published else None,
        "score": str(ev.score) if ev.score is not None else None,
        "grade": ev.grade,
        "previous_grade": ev.previous_grade,
        "satisfaction": {"sample": ev.satisfaction.sample, "satisfied": ev.satisfaction.satisfied},
        "entries": [{"item": e.item, "points": str(e.points), "note": e.note} for e in ev.entries],
        "summary": ev.summary,
    }
    return _json(data)


# ---------------------------------------------------------------- CSV


def _text(value: object) -> str:
    """A text cell that a spreadsheet will not run as a formula."""
    s = "" if value is None else str(value)
    return "'" + s if s.startswith(FORMULA_START) else s


def _csv(columns: tuple[Column, ...], rows: Iterable[list[object]]) -> bytes:
    """A table with the columns ``site.datapackage`` describes, in that order."""
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\r\n")
    w.writerow(header(columns))
    for row in rows:
        w.writerow(["" if v is None else v for v in row])
    return ("\ufeff" + buf.getvalue()).encode("utf-8")


def activities_csv(centres: Iterable[m.Centre]) -> bytes:
    rows = []
    for ce in centres:
        months = {a.key: a for a in ce.activity_months}
        for p in ce.plans:
            recs = {r.plan: r for r in (months[p.key].records if p.key in months else ()) if r.plan}
            for a in p.activities:
                r = recs.get(a.id)
                rows.append(
                    [
                        ce.id,
                        _text(ce.name),
                        p.key,
                        _text(a.id),
                        a.date.isoformat(),
                        f"{a.start:%H:%M}",
                        f"{a.end:%H:%M}",
                        _text(a.title),
                        _text(a.room),
                        _text(a.service),
                        _text(a.form),
                        _text(a.target),
                        a.capacity,
                        money(a.price),
                        r.status if r else "",
                        r.attendance if r and r.status == "已举办" else "",
                    ]
                )
    return _csv(ACTIVITIES_COLUMNS, rows)


def finance_csv(centres: Iterable[m.Centre]) -> bytes:
    rows = []
    for ce in centres:
        for q in ce.quarters:
            pub = q.published.isoformat() if q.published else ""
            for k, v in q.income.items():
                rows.append(
                    [
                        ce.id,
                        _text(ce.name),
                        q.key,
                        pub,
                        "income",
                        k,
                        INCOME_LABELS.get(k, k),
                        "",
                        money(v),
                    ]
                )
            for k, cat in q.expenditure.items():
                for it in cat.items:
                    rows.append(
                        [
                            ce.id,
                            _text(ce.name),
                            q.key,
                            pub,
                            "expenditure",
                            k,
                            EXPENSE_LABELS.get(k, k),
                            _text(it.item),
                            money(it.amount),
                        ]
                    )
    return _csv(FINANCE_COLUMNS, rows)


def centres_csv(centres: Iterable[m.Centre]) -> bytes:
    rows = [
        [
            ce.id,
            _text(ce.name),
            _text(ce.district),
            _text(ce.street),
            _text(ce.community),
            _text(ce.community_type),
            _text(ce.address),
            _text(ce.contact.phone),
            _text(ce.operator.name),
            ce.operator.credit_code,
            str(ce.floor_area),
            ce.rule_pack,
        ]
        for ce in centres
    ]
    return _csv(CENTRES_COLUMNS, rows)


# ---------------------------------------------------------------- iCalendar

# The VTIMEZONE of Asia/Shanghai (CST, UTC+8; summer time only from 1986 to 1991), as the IANA
# time-zone database gives it; the feed's times all carry TZID=Asia/Shanghai.
VTIMEZONE = (
    "BEGIN:VTIMEZONE",
    f"TZID:{TZ}",
    "COMMENT:This timezone only works from 1970-01-01 to 2038-01-01.",
    "BEGIN:STANDARD",
    "DTSTART:19700101T000000",
    "TZNAME:CST",
    "TZOFFSETFROM:+0800",
    "TZOFFSETTO:+0800",
    "END:STANDARD",
    "BEGIN:DAYLIGHT",
    "DTSTART:19860504T030000",
    "RDATE:19870412T030000,19880417T030000,19890416T030000,19900415T030000,19910414T030000",
    "TZNAME:CDT",
    "TZOFFSETFROM:+0800",
    "TZOFFSETTO:+0900",
    "END:DAYLIGHT",
    "BEGIN:STANDARD",
    "DTSTART:19860914T020000",
    "RDATE:19870913T020000,19880911T020000,19890917T020000,19900916T020000,19910915T020000",
    "TZNAME:CST",
    "TZOFFSETFROM:+0900",
    "TZOFFSETTO:+0800",
    "END:STANDARD",
    "END:VTIMEZONE",
)
ICS_LINE_OCTETS = 75  # RFC 5545 3.1: lines SHOULD NOT be longer than 75 octets


def ics_text(value: str) -> str:
    """A TEXT value escaped as RFC 5545 3.3.11 says: backslash, semicolon, comma, newline.

    Any line ending (CRLF, LF, a lone CR) becomes the escape ``\\n``.
    """
    return (
        value.replace("\\", "\\\\")
        .replace(";", "\\;")
        .replace(",", "\\,")
        .replace("\r\n", "\\n")
        .replace("\n", "\\n")
        .replace("\r", "\\n")
    )


def ics_fold(line: str, limit: int = ICS_LINE_OCTETS) -> str:
    """Fold a content line (RFC 5545 3.1): CRLF and a space before it would reach ``limit``.

    Folds between characters, never inside one's UTF-8 bytes, and keeps a backslash escape
    (``\\,``) on one line, as clients that unfold carelessly expect. No physical line is
    longer than ``limit`` octets, the leading space of a continuation included.
    """
    data = line.encode("utf-8")
    if len(data) < limit:
        return line
    parts: list[bytes] = []
    start = 0
    while len(data) - start >= limit:
        end = start + limit - 1
        while data[end] & 0xC0 == 0x80:  # a UTF-8 continuation byte: not a character start
            end -= 1
        if data[end - 1] == 0x5C and end - 1 > start:  # a backslash ends the chunk
            end -= 1
        parts.append(data[start:end])
        start = end
    parts.append(data[start:])
    return b"\r\n ".join(parts).decode("utf-8")


def _ics_local(d: dt.date, t: dt.time) -> str:
    return f"{d:%Y%m%d}T{t:%H%M%S}"


def ics_stamp(day: dt.date) -> str:
    """A DTSTAMP from a record's own date (never the day of the build, so the feed changes
    only when its records do): midnight in China, in UTC."""
    return f"DTSTAMP:{day - dt.timedelta(days=1):%Y%m%d}T160000Z"


def centre_ics(ce: m.Centre, site_url: str | None) -> bytes:
    """Planned activities and closures of a centre as an iCalendar feed (RFC 5545).

    Written directly: the structure is fixed (one VEVENT per planned activity and per
    closure), so a general iCalendar library adds nothing but time. Every record value is a
    TEXT value escaped with ``ics_text``; lines are folded with ``ics_fold``. Each event's
    DTSTAMP is its record's date (``ics_stamp``): a plan's publication date (its month's
    first day when it has none), a closure's first day.
    """
    tzid = f";TZID={TZ}:"
    events: list[str] = []
    months = {a.key: a for a in ce.activity_months}
    for p in ce.plans:
        recs = {r.plan: r for r in (months[p.key].records if p.key in months else ()) if r.plan}
        address = urls.absolute(site_url, urls.page(ce.id, "plan", p.key))
        url = f"URL:{address}" if address else None
        stamp = ics_stamp(p.published or dt.date(p.year, p.month, 1))
        for a in p.activities:
            fee = FREE if a.price == 0 else f"{fmt.yuan(a.price)} 元"
            r = recs.get(a.id)
            events += (
                "BEGIN:VEVENT",
                "SUMMARY:" + ics_text(a.title),
                "DTSTART" + tzid + _ics_local(a.date, a.start),
                "DTEND" + tzid + _ics_local(a.date, a.end),
                stamp,
                "UID:" + ics_text(f"{ce.id}-{p.key}-{a.id}@gongshi"),
                "DESCRIPTION:"
                + ics_text(
                    f"对象：{a.target}；名额：{a.capacity} 人；报名：{a.signup}；费用：{fee}"
                ),
                "LOCATION:" + ics_text(f"{ce.name} {a.room}（{ce.address}）"),
                "STATUS:"
                + ("CANCELLED" if r is not None and r.status == "已取消" else "CONFIRMED"),
            )
            if url:
                events.append(url)
            events.append("END:VEVENT")
    timed = bool(events)
    for i, e in enumerate(ce.opening_hours.exceptions):
        if not e.closed:
            continue
        events += (
            "BEGIN:VEVENT",
            "SUMMARY:" + ics_text(f"闭馆：{e.reason}"),
            f"DTSTART;VALUE=DATE:{e.start:%Y%m%d}",
            f"DTEND;VALUE=DATE:{e.end + dt.timedelta(days=1):%Y%m%d}",
            ics_stamp(e.start),
            "UID:" + ics_text(f"{ce.id}-closed-{e.start.isoformat()}-{i}@gongshi"),
            "TRANSP:TRANSPARENT",
            "END:VEVENT",
        )
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//gongshi//community centre disclosures//ZH",
        "CALSCALE:GREGORIAN",
        "X-WR-CALNAME:" + ics_text(f"{ce.name}活动"),
        f"X-WR-TIMEZONE:{TZ}",
        *(VTIMEZONE if timed else ()),
        *events,
        "END:VCALENDAR",
    ]
    return ("\r\n".join(ics_fold(line) for line in lines) + "\r\n").encode("utf-8")


# ---------------------------------------------------------------- all centres, Atom


def centres_json(centres: Iterable[m.Centre], packs: Mapping[str, Pack], today: dt.date) -> bytes:
    items = []
    for ce in centres:
        items.append(
            {
                "id": ce.id,
                "name": ce.name,
                "district": ce.district,
                "street": ce.street,
                "community": ce.community,
                "address": ce.address,
                "phone": ce.contact.phone,
                "page": urls.page_url(urls.page(ce.id, "profile")),
                "files": {
                    "centre": urls.data_path(ce.id, "centre"),
                    "hours": urls.data_path(ce.id, "hours"),
                    "activities": urls.data_path(ce.id, "activities"),
                    "finance": urls.data_path(ce.id, "finance-table"),
                    "calendar": urls.data_path(ce.id, "calendar"),
                    "plans": [urls.data_path(ce.id, "plan", p.key) for p in ce.plans],
                    "quarters": [urls.data_path(ce.id, "finance", q.key) for q in ce.quarters],
                    "audits": [urls.data_path(ce.id, "audit", str(a.year)) for a in ce.audits],
                    "evaluations": [
                        urls.data_path(ce.id, "evaluation", str(e.year)) for e in ce.evaluations
                    ],
                },
            }
        )
    return _json({"generated": today.isoformat(), "centres": items})


def atom_feed(entries: list[tuple[m.Centre, Any]], today: dt.date, site_url: str | None) -> bytes:
    """An Atom feed (RFC 4287) of published disclosures, newest first."""
    base = (site_url.rstrip("/") + "/") if site_url else None

    def link(docs_path: str) -> str:
        url = urls.page_url(docs_path)
        return base + url if base else "../" + url

    published = sorted(
        ((ce, i) for ce, i in entries if i.page and i.published and i.published <= today),
        key=lambda x: (x[1].published, x[0].id, x[1].kind, x[1].period),
        reverse=True,
    )
    updated = published[0][1].published if published else today
    feed_id = uuid.uuid5(uuid.NAMESPACE_URL, f"gongshi:feed:{site_url or ''}")
    out = [
        '<?xml version="1.0" encoding="utf-8"?>',
        '<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="zh-CN">',
        "<title>社区服务中心公示更新</title>",
        f"<id>urn:uuid:{feed_id}</id>",
        f"<updated>{updated.isoformat()}T00:00:00+08:00</updated>",
        "<author><name>社区服务中心信息公示</name></author>",
    ]
    if base:
        out.append(f'<link rel="self" href={quoteattr(base + urls.FEED)}/>')
        out.append(f'<link rel="alternate" href={quoteattr(base)}/>')
    for ce, i in published[:200]:
        uid = uuid.uuid5(uuid.NAMESPACE_URL, f"gongshi:{ce.id}/{i.kind}/{i.period}")
        out += [
            "<entry>",
            f"<title>{xml_escape(ce.name + '：' + i.title)}</title>",
            f"<id>urn:uuid:{uid}</id>",
            f'<link rel="alternate" href={quoteattr(link(i.page))}/>',
            f"<updated>{i.published.isoformat()}T00:00:00+08:00</updated>",
            f"<summary>{xml_escape(f'{ce.name}于{i.published.isoformat()}公布{i.title}')}</summary>",
            "</entry>",
        ]
    out.append("</feed>")
    return ("\n".join(out) + "\n").encode("utf-8")


def all_centres_files(
    centres: list[m.Centre],
    packs: Mapping[str, Pack],
    today: dt.date,
    site_url: str | None,
    entries: list,
    *,
    licence: Licence = DEFAULT_LICENCE,
    tables: bool = True,
    hsds_parts: hsds.KeptParts | None = None,
) -> dict[str, bytes]:
    """The files of all centres under data/: the tables, their data package (with the
    site's ``licence``), the HSDS export (three files; ``hsds_parts``: where each centre's
    own part of it was kept, ``hsds.export``) and the feed. Without ``tables``, not the
    activities and finance tables (a build joins them from the centres' own:
    ``build.city``)."""
    files = {
        urls.CENTRES_JSON: centres_json(centres, packs, today),
        urls.CENTRES_CSV: centres_csv(centres),
        urls.FEED: atom_feed(entries, today, site_url),
        urls.DATAPACKAGE: datapackage_json(licence, site_url),
        **hsds.export(centres, packs, site_url, hsds_parts),
    }
    if tables:
        files[urls.ACTIVITIES_CSV] = activities_csv(centres)
        files[urls.FINANCE_CSV] = finance_csv(centres)
    return files
