"""A centre's profile page (概况) and its data files: centre.json and the activity calendar.

The page opens with today's opening and this week's planned activities, computed in the
reader's browser from the data the page carries (``site.today``); without JavaScript it says
where to find them (the hours page, the month plans)."""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from urllib.parse import quote

from markupsafe import Markup

from generator import model as m
from generator.figures import finance as f
from generator.ledger.published import Correction
from generator.packs.library import Pack
from generator.site import contexts as c
from generator.site import opendata
from generator.site.corrections import correction_data
from generator.site.render import CentrePages, date_cn, rel
from generator.site.search import title_words
from generator.site.today import day_script, hours_data, week_activities, week_data, word
from generator.text import formats as fmt


def centre_json(ce: m.Centre, pack: Pack | None, corrections: Sequence[Correction]) -> bytes:
    """The centre's centre.json: its public facts and its corrections (更正说明)."""
    data = opendata.centre_data(ce, pack)
    data["corrections"] = [correction_data(co) for co in corrections]
    return (json.dumps(data, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


# A map search of the address, opened by the reader's own tap: a plain link, nothing is loaded
# from the map's site by the page itself.
MAP_SEARCH = "https://uri.amap.com/search?keyword={}"
PHONE = re.compile(r"\+?\d[\d\- ]{4,}\d")


def plain_table_title(title: str) -> str:
    """A catalogue table's title as a group of services: 社区助老公共服务内容建议表 →
    社区助老公共服务 (no table number, no 建议表: the reader sees the services, not the
    document's table)."""
    return re.sub(r"(?:内容)?(?:建议|目录)?表$", "", title or "").strip()


def tel_href(phone: str) -> Markup:
    """``tel:0755-02786349`` from the first number in a public phone field; empty when the
    field holds no number."""
    found = PHONE.search(phone or "")
    if found is None:
        return Markup("")
    return Markup("tel:" + re.sub(r"[^\d+\-]", "", found.group(0)))


def map_href(address: str) -> Markup:
    """The address of a map search of ``address`` (percent-encoded: record text is data)."""
    return Markup(MAP_SEARCH.format(quote(address or "", safe="")))


def render_profile(p: CentrePages) -> None:
    ce, page = p.centre, p.at("profile")
    contact = ce.contact
    contacts = [("联系电话", contact.phone)]
    for label, value in (
        ("电子邮箱", contact.email),
        ("微信公众号", contact.wechat),
        ("网站", contact.website),
    ):
        if value:
            contacts.append((label, value))
    op = ce.operator
    op_rows = [(lbl, v) for lbl, v in (("机构电话", op.phone), ("机构地址", op.address)) if v]
    ct = ce.contract
    contract = [
        ("购买方", ct.purchaser),
        ("服务期限", f"{date_cn(ct.start)}至{date_cn(ct.end)}"),
        ("年度经费", f"{fmt.yuan(ct.annual_budget)} 元"),
    ]
    if ct.number:
        contract.insert(0, ("合同编号", ct.number))
    sf = f.staff_figures(ce)
    staff = [("全职工作人员", f"{sf.full_time} 人"), ("兼职工作人员", f"{sf.part_time} 人")]
    staff += [(f"其中{q}", f"{n} 人") for q, n in sf.by_qualification.items() if q != "无" and n]
    staff.append(("已注册的专业社会工作者（全职）", f"{sf.registered_social_workers} 人"))
    staff.append(("中心负责人是否持社工职业资格", "是" if sf.head_is_social_worker else "否"))
    vol = ce.volunteers
    volunteers = [
        ("登记志愿者", f"{vol.registered} 人"),
        ("年度志愿服务时长", f"{fmt.num(vol.service_hours)} 小时"),
    ]
    if vol.teams:
        volunteers.append(("志愿服务队", "、".join(vol.teams)))
    rooms = [
        (r.name, f"{fmt.num(r.area)} 平方米", r.purpose, "是" if r.accessible else "否")
        for r in ce.rooms
    ]
    catalogue = p.pack.catalogue if p.pack else None
    groups: dict[str, dict[str, list[str]]] = {}
    for code in ce.services.catalogue:
        found = catalogue.lookup(code) if catalogue else None
        if found is None:
            groups.setdefault("其他服务", {}).setdefault(code, [])
            continue
        table, major, item = found
        ttitle = plain_table_title(table.title) or table.code
        mtitle = major.title if major else table.title
        titles = groups.setdefault(ttitle, {}).setdefault(mtitle, [])
        if item is not None:
            titles.append(item.title)
    services = tuple(
        c.ServiceGroup(t, tuple((mt, tuple(items)) for mt, items in majors.items()))
        for t, majors in groups.items()
    )
    own = tuple(c.Row((s.title, s.description or "")) for s in ce.services.own)
    paid = tuple(
        c.Row(
            (
                s.title,
                f"{fmt.yuan(s.price)} {s.unit}",
                s.filed_with or "未备案",
                date_cn(s.filed_on) if s.filed_on else "—",
            )
        )
        for s in ce.services.paid
    )
    ctx = c.ProfilePage(
        header=p.header(page),
        address=ce.address,
        community=ce.community,
        community_type=ce.community_type,
        contacts=tuple(c.Row(r) for r in contacts),
        feedback=contact.feedback,
        operator_name=op.name,
        operator_credit_code=op.credit_code,
        operator_contacts=tuple(c.Row(r) for r in op_rows),
        contract=tuple(c.Row(r) for r in contract),
        funders=tuple(c.Row((fu.name, f"{fmt.yuan(fu.amount)} 元")) for fu in ct.funders),
        floor_area=f"{fmt.num(ce.floor_area)} 平方米",
        rooms=tuple(c.Row(r) for r in rooms),
        staff=tuple(c.Row(r) for r in staff),
        volunteers=tuple(c.Row(r) for r in volunteers),
        services=services,
        own_services=own,
        own_words=" ".join(
            dict.fromkeys(
                w for sv in ce.services.own for w in title_words(sv.title, sv.description or "")
            )
        ),
        paid_services=paid,
        pack_name=p.pack.name if p.pack else ce.rule_pack,
        consultation=p.pdf(page, "consultation"),
        json_ld=opendata.json_ld_script(ce, p.site_url),
        data=p.data_links(
            page,
            ("中心信息（JSON）", p.data("centre")),
            ("活动日历（iCalendar）", p.data("calendar")),
        ),
        phone=contact.phone,
        tel=tel_href(contact.phone),
        map_href=map_href(ce.address),
        # what the page says without JavaScript; the script puts the reader's day in its place
        today_status=Markup(word("see_hours", href=rel(page, p.at("hours")))),
        week_fallback=Markup(word("see_plans", href=rel(page, p.at("plans")))),
        day_data=day_script(
            hours=hours_data(ce.opening_hours), week=week_data(page, week_activities(ce))
        ),
    )
    p.render("profile.md.j2", page, ctx)
    p.out.file(p.data("centre"), centre_json(ce, p.pack, p.corrections))
    p.out.file(p.data("calendar"), opendata.centre_ics(ce, p.site_url))
