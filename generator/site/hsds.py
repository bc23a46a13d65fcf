"""The centres' services in the Open Referral Human Services Data Specification (HSDS 3.0).

HSDS 3.0 (https://docs.openreferral.org/en/latest/hsds/overview.html, schemas at
https://github.com/openreferral/specification/tree/3.0/schema) is JSON first. The export is
three files under ``data/``, each in the ``Page`` envelope of the HSDS API reference on one
page, and each object is written once:

- ``hsds-services.json`` (``GET /services``): every service of every centre, naming its
  organization by ``organization_id`` and its location through ``service_at_locations``
  entries that hold only ``id`` and ``location_id``; a charged service carries its
  ``cost_options``;
- ``hsds-organizations.json`` (``GET /organizations``): every operator once, with its
  ``organization_identifiers`` and ``phones``;
- ``hsds-locations.json``: every centre once, with its ``phones`` and ``schedules``.

HSDS 3.0 requires none of the nested objects (a service's ``organization``, a
service_at_location's ``location``), so a reader joins the files by id.

Mapping:

- organization: the operator (one per unified social credit code, the code as an
  ``organization_identifiers`` entry); its description names the centres it runs;
- location: the centre (``physical``) with its public telephone and its weekly opening
  sessions as schedules (``freq`` WEEKLY, ``byday``, ``opens_at``/``closes_at`` with the
  +08:00 offset, ``timezone`` 8). Holiday changes stay in hours.json and calendar.ics; the
  records have no postal code, which an HSDS ``address`` requires, so the address is the
  location's ``description``;
- service: each catalogue item the centre offers, each service of its own and each charged
  service (with its price as a ``cost_option`` in CNY), all ``active``.

Identifiers are UUIDs derived from the records (``uuid5``), so they stay the same from
build to build and the same operator has the same identifier at every centre.

A centre's location and services are its own (``centre_part``: they read only its
centre.yaml and its rule pack's catalogue, never the day); a build keeps each centre's part,
as the files' text holds it, from one build to the next (``build.city``) and joins them
(``export``'s ``parts``), which writes the same bytes as encoding every centre again.
"""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from generator import model as m
from generator import urls
from generator.packs.library import Pack
from generator.site.jsontext import Encoded, items_text, json_file
from generator.text import formats as fmt
from generator.text import labels

BYDAY = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
WEEKDAY_NAMES = ("星期一", "星期二", "星期三", "星期四", "星期五", "星期六", "星期日")
CHINA_OFFSET = "+08:00"
CHINA_UTC_HOURS = 8


def hsds_id(*parts: str) -> str:
    """A stable UUID for an HSDS object from what identifies it in the records:
    ``uuid.uuid5(uuid.NAMESPACE_URL, "gongshi:hsds:" + "/".join(parts))``, computed here
    without the ``UUID`` object (an export holds some 1,400 of them a centre)."""
    name = ("gongshi:hsds:" + "/".join(parts)).encode("utf-8")
    h = bytearray(hashlib.sha1(_URL_NAMESPACE + name).digest()[:16])
    h[6] = (h[6] & 0x0F) | 0x50  # version 5
    h[8] = (h[8] & 0x3F) | 0x80  # RFC 4122 variant
    x = h.hex()
    return f"{x[:8]}-{x[8:12]}-{x[12:16]}-{x[16:20]}-{x[20:]}"


_URL_NAMESPACE = uuid.NAMESPACE_URL.bytes


def _number(value: Decimal) -> int | float | None:
    """A JSON number with the same digits as ``value`` (None if a float cannot carry them)."""
    if value == value.to_integral_value():
        return int(value)
    as_float = float(value)
    return as_float if Decimal(repr(as_float)) == value else None


def organization(ce: m.Centre, runs: Mapping[str, list[str]]) -> dict:
    op = ce.operator
    org_id = hsds_id("organization", op.credit_code)
    names = "、".join(runs.get(op.credit_code, [ce.name]))
    data: dict[str, Any] = {
        "id": org_id,
        "name": op.name,
        "description": f"{op.name}受委托运营{names}",
        "organization_identifiers": [
            {
                "id": hsds_id("organization_identifier", op.credit_code),
                "organization_id": org_id,
                "identifier_type": "统一社会信用代码",
                "identifier": op.credit_code,
            }
        ],
    }
    if op.phone:
        data["phones"] = [
            {
                "id": hsds_id("phone", "organization", op.credit_code),
                "organization_id": org_id,
                "number": op.phone,
                "type": "voice",
            }
        ]
    return data


def schedules(ce: m.Centre, location_id: str) -> list[dict]:
    """The weekly opening sessions of a centre, one schedule each."""
    out = []
    for d in range(7):
        for i, s in enumerate(ce.opening_hours.weekly.get(d, ())):
            out.append(
                {
                    "id": hsds_id("schedule", ce.id, str(d), str(i)),
                    "location_id": location_id,
                    "freq": "WEEKLY",
                    "wkst": "MO",
                    "byday": BYDAY[d],
                    "opens_at": f"{s.start:%H:%M}{CHINA_OFFSET}",
                    # HSDS times are times of a day: a session to midnight closes at 23:59
                    "closes_at": f"{'23:59' if s.to_midnight else format(s.end, '%H:%M')}"
                    f"{CHINA_OFFSET}",
                    "timezone": CHINA_UTC_HOURS,
                    "description": f"{WEEKDAY_NAMES[d]} {fmt.session_text(s, '–')}开放",
                }
            )
    return out


def location(ce: m.Centre, org_id: str) -> dict:
    location_id = hsds_id("location", ce.id)
    area = "".join(x for x in (ce.city, ce.district, ce.street, ce.community) if x)
    return {
        "id": location_id,
        "location_type": "physical",
        "organization_id": org_id,
        "name": ce.name,
        "description": f"地址：{ce.address}（{area}）",
        "phones": [
            {
                "id": hsds_id("phone", "location", ce.id),
                "location_id": location_id,
                "number": ce.contact.phone,
                "type": "voice",
                "description": "中心联系电话",
            }
        ],
        "schedules": schedules(ce, location_id),
    }


def _catalogue_title(pack: Pack | None, code: str) -> tuple[str, str]:
    """(name, description) of a catalogue code."""
    found = pack.catalogue.lookup(code) if pack and pack.catalogue else None
    if not found:
        return code, f"服务目录第 {code} 项"
    table, major, item = found
    name = (item or major or table).title or code
    path = "—".join(x.title for x in (table, major, item) if x is not None and x.title)
    return name, f"服务目录第 {code} 项：{path}"


def centre_services(
    ce: m.Centre,
    pack: Pack | None,
    site_url: str | None,
    org_id: str,
    location_id: str,
    titles: dict[tuple[int, str], tuple[str, str]] | None = None,
) -> list[dict]:
    """Every service a centre offers, naming its organization and location by their ids
    (``organization``, ``location``). ``titles``: the catalogue items' (name, description)
    found so far, by pack and code, kept by the caller from one centre to the next (every
    centre offers much of the same catalogue)."""
    titles = {} if titles is None else titles
    page = urls.absolute(site_url, urls.page(ce.id, "profile"))
    offered: list[tuple[str, str, str, m.PaidService | None]] = []
    for code in ce.services.catalogue:
        found = titles.get((id(pack), code))
        if found is None:
            found = titles[(id(pack), code)] = _catalogue_title(pack, code)
        name, description = found
        offered.append((f"catalogue/{code}", name, description, None))
    for s in ce.services.own:
        offered.append((f"own/{s.code}", s.title, s.description or s.title, None))
    for p in ce.services.paid:
        offered.append((f"paid/{p.code}", p.title, f"{p.title}（收费服务）", p))
    out = []
    for key, name, description, paid in offered:
        service_id = hsds_id("service", ce.id, key)
        service: dict[str, Any] = {
            "id": service_id,
            "organization_id": org_id,
            "name": name,
            "description": description,
            "status": "active",
        }
        if page:
            service["url"] = page
        if ce.contact.email:
            service["email"] = ce.contact.email
        if paid is None:
            service["fees_description"] = labels.FREE
        else:
            service["fees_description"] = f"{paid.price.quantize(Decimal('0.01'))} 元/{paid.unit}"
            option: dict[str, Any] = {
                "id": hsds_id("cost_option", ce.id, key),
                "service_id": service_id,
                "currency": "CNY",
                "amount_description": f"元/{paid.unit}",
            }
            amount = _number(paid.price)
            if amount is not None:
                option["amount"] = amount
            service["cost_options"] = [option]
        service["service_at_locations"] = [
            {"id": hsds_id("service_at_location", ce.id, key), "location_id": location_id}
        ]
        out.append(service)
    return out


def page_of(contents: list, total: int | None = None) -> dict:
    """The HSDS API's ``Page`` holding ``contents`` on one page (``total`` items, when some
    of ``contents`` are ``Encoded`` items)."""
    total = len(contents) if total is None else total
    return {
        "total_items": total,
        "total_pages": 1,
        "page_number": 1,
        "size": total,
        "first_page": True,
        "last_page": True,
        "empty": not total,
        "contents": contents,
    }


# the depth of a page's items in its file (``jsontext.items_text``): members of
# ``contents``, a list in the top object
_ITEMS = 3


@dataclass(frozen=True)
class CentrePart:
    """A centre's own part of the HSDS files, as their text holds it: its location and its
    services (``centre_part``)."""

    location: bytes
    services: bytes  # empty when it offers none
    count: int  # how many services


def centre_part(
    ce: m.Centre,
    pack: Pack | None,
    site_url: str | None,
    titles: dict[tuple[int, str], tuple[str, str]] | None = None,
) -> CentrePart:
    """A centre's location and services as the HSDS files hold them (``centre_services``
    for ``titles``)."""
    org_id = hsds_id("organization", ce.operator.credit_code)
    loc = location(ce, org_id)
    services = centre_services(ce, pack, site_url, org_id, loc["id"], titles)
    return CentrePart(
        items_text([loc], _ITEMS), items_text(services, _ITEMS) if services else b"", len(services)
    )


# a centre's part from where it was kept, or made now by the call given (``export``)
KeptParts = Callable[[m.Centre, Callable[[], CentrePart]], CentrePart]


def export(
    centres: Iterable[m.Centre],
    packs: Mapping[str, Pack],
    site_url: str | None,
    parts: KeptParts | None = None,
) -> dict[str, bytes]:
    """The HSDS files by path: ``urls.HSDS_SERVICES`` (every centre's services),
    ``urls.HSDS_ORGANIZATIONS`` (each operator once, in the order first met) and
    ``urls.HSDS_LOCATIONS`` (each centre once). ``parts``: where each centre's own part
    (``centre_part``) was kept."""
    centres = list(centres)
    runs: dict[str, list[str]] = {}
    for ce in centres:
        runs.setdefault(ce.operator.credit_code, []).append(ce.name)
    organizations: dict[str, dict] = {}
    locations: list[Encoded] = []
    services: list[Encoded] = []
    count = 0
    titles: dict[tuple[int, str], tuple[str, str]] = {}  # the packs outlive the call
    for ce in centres:
        if ce.operator.credit_code not in organizations:
            organizations[ce.operator.credit_code] = organization(ce, runs)

        def make(ce: m.Centre = ce) -> CentrePart:
            return centre_part(ce, packs.get(ce.rule_pack), site_url, titles)

        part = parts(ce, make) if parts is not None else make()
        locations.append(Encoded(part.location))
        if part.count:
            services.append(Encoded(part.services))
            count += part.count
    return {
        urls.HSDS_SERVICES: json_file(page_of(services, count)),
        urls.HSDS_ORGANIZATIONS: json_file(page_of(list(organizations.values()))),
        urls.HSDS_LOCATIONS: json_file(page_of(locations)),
    }
