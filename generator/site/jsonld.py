"""schema.org JSON-LD of a centre, its operator and its planned activities (no file I/O).

One ``@graph`` per page, every property on a type that schema.org gives it:

- the centre: ``CivicStructure`` (a Place) with its address, telephone, weekly opening hours
  and holiday changes (``specialOpeningHoursSpecification``); a Place has no ``email``;
- its operator: ``Organization``, which runs the centre (``location`` → the centre), with its
  unified social credit code as ``identifier`` and the centre's public contact as a
  ``ContactPoint`` (``telephone``, ``email``, ``url``);
- each planned activity: ``Event`` with ``startDate``/``endDate`` in China time, its room as a
  ``Place`` inside the centre, ``organizer`` → the operator, ``eventStatus`` (cancelled and
  postponed activities say so), ``isAccessibleForFree`` and, when it is charged, an ``Offer``.

The profile page carries the centre, the operator and the activities of its newest published
plan; a plan page (``plan_json_ld``) the centre, the operator and that plan's activities.
``text.escape.script_json`` writes the JSON so that no value can end the ``<script>`` element.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from markupsafe import Markup

from generator import model as m
from generator import urls
from generator.text.escape import script_json

SCHEMA = "https://schema.org/"
DAY_URIS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
CHINA_OFFSET = "+08:00"
_CENT = Decimal("0.01")
# an activity record's status → schema.org EventStatusType
EVENT_STATUS = {
    "已举办": "EventScheduled",
    "已取消": "EventCancelled",
    "已延期": "EventPostponed",
}


def _ids(ce: m.Centre, site_url: str | None) -> tuple[str, str]:
    """The node identifiers of the centre and its operator: fragments of the profile page's
    address on a site with an address, blank nodes otherwise."""
    page = urls.absolute(site_url, urls.page(ce.id, "profile"))
    if page:
        return f"{page}#centre", f"{page}#operator"
    return f"_:centre-{ce.id}", f"_:operator-{ce.id}"


def _address(ce: m.Centre) -> dict:
    address = {
        "@type": "PostalAddress",
        "streetAddress": ce.address,
        "addressLocality": ce.district,
        "addressCountry": "CN",
    }
    if ce.city:
        address["addressRegion"] = ce.city
    return address


def _hhmm(t: dt.time) -> str:
    return f"{t:%H:%M}"


def _closes(s: m.Session) -> str:
    """schema.org ``closes``: a session past midnight closes at its clock time (earlier than
    ``opens``: the next day); a whole day is 00:00–23:59, as 00:00–00:00 means closed."""
    return "23:59" if s.minutes >= 24 * 60 else _hhmm(s.end)


def centre_node(ce: m.Centre, site_url: str | None) -> dict:
    """The centre as a ``CivicStructure`` with its opening hours."""
    centre_id, _ = _ids(ce, site_url)
    specs: list[dict] = []
    for d in range(7):
        for s in ce.opening_hours.weekly.get(d, ()):
            specs.append(
                {
                    "@type": "OpeningHoursSpecification",
                    "dayOfWeek": SCHEMA + DAY_URIS[d],
                    "opens": _hhmm(s.start),
                    "closes": _closes(s),
                }
            )
    special: list[dict] = []
    for e in ce.opening_hours.exceptions:
        base = {
            "@type": "OpeningHoursSpecification",
            "validFrom": e.start.isoformat(),
            "validThrough": e.end.isoformat(),
        }
        if e.closed or not e.sessions:
            # schema.org: opens and closes both 00:00 mean closed all day
            special.append({**base, "opens": "00:00", "closes": "00:00"})
        else:
            special.extend(
                {**base, "opens": _hhmm(s.start), "closes": _closes(s)} for s in e.sessions
            )
    node: dict[str, Any] = {
        "@id": centre_id,
        "@type": "CivicStructure",
        "name": ce.name,
        "address": _address(ce),
        "telephone": ce.contact.phone,
        "publicAccess": True,
        "openingHoursSpecification": specs,
    }
    if special:
        node["specialOpeningHoursSpecification"] = special
    page = urls.absolute(site_url, urls.page(ce.id, "profile"))
    if page:
        node["url"] = page
    return node


def operator_node(ce: m.Centre, site_url: str | None) -> dict:
    """The operator as an ``Organization``: it runs the centre; the centre's public contact
    is its contact point (a Place cannot carry an email address)."""
    centre_id, operator_id = _ids(ce, site_url)
    contact: dict[str, Any] = {
        "@type": "ContactPoint",
        "contactType": "中心服务咨询",
        "telephone": ce.contact.phone,
        "availableLanguage": "zh-CN",
    }
    if ce.contact.email:
        contact["email"] = ce.contact.email
    if ce.contact.website:
        contact["url"] = ce.contact.website
    node: dict[str, Any] = {
        "@id": operator_id,
        "@type": "Organization",
        "name": ce.operator.name,
        "identifier": {
            "@type": "PropertyValue",
            "propertyID": "统一社会信用代码",
            "value": ce.operator.credit_code,
        },
        "location": {"@id": centre_id},
        "contactPoint": contact,
    }
    if ce.operator.phone:
        node["telephone"] = ce.operator.phone
    if ce.operator.address:
        node["address"] = ce.operator.address
    return node


def _moment(d: dt.date, t: dt.time) -> str:
    return f"{d.isoformat()}T{t:%H:%M}:00{CHINA_OFFSET}"


def event_nodes(
    ce: m.Centre, plan: m.Plan, month: m.ActivityMonth | None, site_url: str | None
) -> list[dict]:
    """Each planned activity of ``plan`` as an ``Event`` (its record's status from
    ``month``)."""
    centre_id, operator_id = _ids(ce, site_url)
    records = {r.plan: r for r in (month.records if month else ()) if r.plan}
    page = urls.absolute(site_url, urls.page(ce.id, "plan", plan.key))
    events = []
    for a in plan.activities:
        r = records.get(a.id)
        status = EVENT_STATUS.get(r.status if r else "", "EventScheduled")
        node: dict[str, Any] = {
            "@type": "Event",
            "name": a.title,
            "identifier": f"{ce.id}/{plan.key}/{a.id}",
            "startDate": _moment(a.date, a.start),
            "endDate": _moment(a.date, a.end),
            "eventStatus": SCHEMA + status,
            "eventAttendanceMode": SCHEMA + "OfflineEventAttendanceMode",
            "location": {
                "@type": "Place",
                "name": f"{ce.name} {a.room}",
                "address": _address(ce),
                "containedInPlace": {"@id": centre_id},
            },
            "organizer": {"@id": operator_id},
            "audience": {"@type": "Audience", "audienceType": a.target},
            "maximumAttendeeCapacity": a.capacity,
            "isAccessibleForFree": a.price == 0,
        }
        if a.description:
            node["description"] = a.description
        if a.price != 0:
            node["offers"] = {
                "@type": "Offer",
                "price": str(a.price.quantize(_CENT)),
                "priceCurrency": "CNY",
            }
        if page:
            node["url"] = page
        events.append(node)
    return events


def _graph(nodes: list[dict]) -> dict:
    return {"@context": "https://schema.org", "@graph": nodes}


def _month(ce: m.Centre, plan: m.Plan) -> m.ActivityMonth | None:
    return next((a for a in ce.activity_months if a.key == plan.key), None)


def json_ld(ce: m.Centre, site_url: str | None) -> dict:
    """The profile page's graph: the centre, its operator, the newest plan's activities."""
    nodes = [centre_node(ce, site_url), operator_node(ce, site_url)]
    if ce.plans:
        newest = max(ce.plans, key=lambda p: (p.year, p.month))
        nodes += event_nodes(ce, newest, _month(ce, newest), site_url)
    return _graph(nodes)


def plan_json_ld(ce: m.Centre, plan: m.Plan, site_url: str | None) -> dict:
    """A plan page's graph: the centre, its operator and every activity of the plan."""
    nodes = [centre_node(ce, site_url), operator_node(ce, site_url)]
    nodes += event_nodes(ce, plan, _month(ce, plan), site_url)
    return _graph(nodes)


def _script(data: dict) -> Markup:
    return Markup(f'<script type="application/ld+json">{script_json(data)}</script>')


def json_ld_script(ce: m.Centre, site_url: str | None) -> Markup:
    return _script(json_ld(ce, site_url))


def plan_json_ld_script(ce: m.Centre, plan: m.Plan, site_url: str | None) -> Markup:
    return _script(plan_json_ld(ce, plan, site_url))
