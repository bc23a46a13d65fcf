"""The Open Referral HSDS 3.0 export (data/hsds-services.json, hsds-organizations.json,
hsds-locations.json), from a real build and from the sample centres.

The required fields and allowed values below are those of the HSDS 3.0 JSON Schemas
(https://github.com/openreferral/specification/tree/3.0/schema: service.json,
organization.json, organization_identifier.json, location.json, service_at_location.json,
schedule.json, phone.json, cost_option.json), and the envelope is the API reference's
``Page`` (schema/openapi.json, ``GET /services``). Services name their organization and
location by id: the objects are found by id across the three files.
"""

from __future__ import annotations

import dataclasses
import json
import re
import shutil
import uuid

import pytest

from generator import urls
from generator.site.hsds import export, hsds_id
from tests.site_helpers import MINIMAL, build

SITE = "https://gs.example.org/"

# object → its required fields in HSDS 3.0
REQUIRED = {
    "service": ("id", "name", "status"),
    "organization": ("id", "name", "description"),
    "organization_identifier": ("id", "identifier_type", "identifier"),
    "location": ("id", "location_type"),
    "service_at_location": ("id",),
    "schedule": ("id",),
    "phone": ("id", "number"),
    "cost_option": ("id",),
}
PAGE = ("total_items", "total_pages", "page_number", "size", "first_page", "last_page", "empty")
SERVICE_STATUS = {"active", "inactive", "defunct", "temporarily closed"}
LOCATION_TYPES = {"physical", "postal", "virtual"}
FREQ = {"WEEKLY", "MONTHLY"}
WKST = {"MO", "TU", "WE", "TH", "FR", "SA", "SU"}
# fields whose format the schemas give as uuid
UUID_FIELDS = {
    "id",
    "organization_id",
    "service_id",
    "location_id",
    "service_at_location_id",
    "program_id",
}
TIME = re.compile(r"^([01]\d|2[0-3]):[0-5]\d(Z|[+-]\d\d:\d\d)$")
FILES = {
    "services": urls.HSDS_SERVICES,
    "organizations": urls.HSDS_ORGANIZATIONS,
    "locations": urls.HSDS_LOCATIONS,
}


def check(kind: str, obj: dict) -> list[str]:
    """The required fields of one HSDS object and the uuid fields' format."""
    found = [f"{kind} lacks {f}" for f in REQUIRED[kind] if obj.get(f) in (None, "")]
    for f in UUID_FIELDS & obj.keys():
        try:
            uuid.UUID(obj[f])
        except (ValueError, TypeError, AttributeError):
            found.append(f"{kind}.{f} is not a UUID: {obj[f]!r}")
    return found


def check_service(s: dict, organizations: dict, locations: dict) -> list[str]:
    """A service, and that every id it names is in ``organizations`` / ``locations`` (by id)."""
    found = check("service", s)
    if s.get("status") not in SERVICE_STATUS:
        found.append(f"service status {s.get('status')!r}")
    if "organization" in s:
        found.append("service repeats its organization")
    if s.get("organization_id") not in organizations:
        found.append(f"service names organization {s.get('organization_id')!r}, not exported")
    for co in s.get("cost_options", ()):
        found += check("cost_option", co)
        if co.get("service_id") != s["id"]:
            found.append("cost_option.service_id")
        if "amount" in co and not isinstance(co["amount"], int | float):
            found.append("cost_option amount is not a number")
    if not s.get("service_at_locations"):
        found.append("service has no service_at_location")
    for sal in s.get("service_at_locations", ()):
        found += check("service_at_location", sal)
        if "location" in sal:
            found.append("service_at_location repeats its location")
        if sal.get("service_id", s["id"]) != s["id"]:
            found.append("service_at_location.service_id is not its service")
        if sal.get("location_id") not in locations:
            found.append(
                f"service_at_location names location {sal.get('location_id')!r}, not exported"
            )
    return found


def check_organization(org: dict) -> list[str]:
    found = check("organization", org)
    for oi in org.get("organization_identifiers", ()):
        found += check("organization_identifier", oi)
        if oi.get("organization_id") != org["id"]:
            found.append("organization_identifier.organization_id is not its organization")
    for ph in org.get("phones", ()):
        found += check("phone", ph)
    return found


def check_location(loc: dict, organizations: dict) -> list[str]:
    found = check("location", loc)
    if loc.get("location_type") not in LOCATION_TYPES:
        found.append(f"location_type {loc.get('location_type')!r}")
    if "organization_id" in loc and loc["organization_id"] not in organizations:
        found.append(f"location names organization {loc['organization_id']!r}, not exported")
    for ph in loc.get("phones", ()):
        found += check("phone", ph)
    for sc in loc.get("schedules", ()):
        found += check("schedule", sc)
        if sc.get("location_id") != loc["id"]:
            found.append("schedule.location_id is not its location")
        if sc.get("freq") not in FREQ or sc.get("wkst", "MO") not in WKST:
            found.append(f"schedule freq/wkst {sc.get('freq')}/{sc.get('wkst')}")
        if any(d not in WKST for d in sc.get("byday", "").split(",")):
            found.append(f"schedule byday {sc.get('byday')!r}")
        for f in ("opens_at", "closes_at"):
            if f in sc and not TIME.match(sc[f]):
                found.append(f"schedule {f} {sc[f]!r}")
        if not isinstance(sc.get("timezone", 0), int | float):
            found.append("schedule timezone is not a number")
    return found


def check_page(name: str, page: dict) -> list[str]:
    found = [f"{name} page lacks {f}" for f in PAGE if f not in page]
    n = len(page.get("contents", ()))
    if not page.get("total_items") == page.get("size") == n:
        found.append(f"{name} page counts {page.get('total_items')}/{page.get('size')}, holds {n}")
    if page.get("empty") is not (n == 0) or not (page.get("first_page") and page.get("last_page")):
        found.append(f"{name} page flags")
    return found


def once(name: str, objects: list[dict]) -> tuple[dict, list[str]]:
    """The objects by id, and each id written more than once."""
    by_id: dict = {}
    found = []
    for o in objects:
        if o.get("id") in by_id:
            found.append(f"{name} {o.get('id')} appears more than once")
        by_id[o.get("id")] = o
    return by_id, found


def check_export(pages: dict[str, dict]) -> list[str]:
    """The three pages of the export: each object checked, each organization and location
    written exactly once, every id a service or location names exported."""
    found = [p for name, page in pages.items() for p in check_page(name, page)]
    organizations, repeated = once("organization", pages["organizations"]["contents"])
    found += repeated
    locations, repeated = once("location", pages["locations"]["contents"])
    found += repeated
    _, repeated = once("service", pages["services"]["contents"])
    found += repeated
    for org in organizations.values():
        found += check_organization(org)
    for loc in locations.values():
        found += check_location(loc, organizations)
    for s in pages["services"]["contents"]:
        found += check_service(s, organizations, locations)
    return found


def read(files: dict[str, bytes]) -> dict[str, dict]:
    return {name: json.loads(files[path]) for name, path in FILES.items()}


@pytest.fixture(scope="module")
def pages(tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict]:
    tmp = tmp_path_factory.mktemp("hsds")
    project = tmp / "project"
    shutil.copytree(MINIMAL, project, ignore=shutil.ignore_patterns(".gongshi-cache"))
    done = build(project, tmp / "public", "2026-03-15", "--site-url", SITE)
    assert done.returncode == 0, done.stderr
    return read({path: (tmp / "public" / path).read_bytes() for path in FILES.values()})


@pytest.mark.slow
def test_every_object_has_its_required_fields(pages: dict[str, dict]) -> None:
    assert check_export(pages) == []
    assert all(page["contents"] for page in pages.values())


@pytest.mark.slow
def test_services_location_and_schedule_match_the_records(pages: dict[str, dict]) -> None:
    services = pages["services"]["contents"]
    names = [s["name"] for s in services]
    # the fixture: catalogue item 3.3.1, its own garden service and a charged service
    assert "四点半学校" in names
    assert len({s["id"] for s in services}) == len(services), "service ids are unique"
    (location,) = pages["locations"]["contents"]
    assert {sal["location_id"] for s in services for sal in s["service_at_locations"]} == {
        location["id"]
    }
    assert location["name"] == "沙头街道沙尾社区（党群）服务中心"
    assert "深圳市福田区沙尾路 1 号" in location["description"]
    assert [p["number"] for p in location["phones"]] == ["0755-01234567"]
    weekly = [(s["byday"], s["opens_at"], s["closes_at"]) for s in location["schedules"]]
    assert weekly == [
        ("MO", "09:00+08:00", "12:00+08:00"),
        ("MO", "14:00+08:00", "21:00+08:00"),
        ("TU", "09:00+08:00", "21:00+08:00"),
    ]
    assert all(s["timezone"] == 8 for s in location["schedules"])
    (org,) = pages["organizations"]["contents"]
    assert {s["organization_id"] for s in services} == {org["id"]} == {location["organization_id"]}
    assert org["name"] == "深圳市示例社会工作服务中心"
    assert org["organization_identifiers"][0]["identifier"] == "52440300MJL0000012"
    assert all(s["url"] == SITE + "centres/demo/" for s in services)


def test_every_sample_centre_exports_valid_services(samples_loaded) -> None:
    centres = samples_loaded.centres
    pages = read(export(centres, samples_loaded.library.packs, None))
    assert check_export(pages) == []
    services = pages["services"]["contents"]
    assert pages["services"]["total_items"] == sum(
        len(ce.services.catalogue) + len(ce.services.own) + len(ce.services.paid) for ce in centres
    )
    # each centre is one location, each operator one organization, and each is written once
    locations = pages["locations"]["contents"]
    assert [loc["name"] for loc in locations] == [ce.name for ce in centres]
    assert [loc["id"] for loc in locations] == [hsds_id("location", ce.id) for ce in centres]
    codes = {ce.operator.credit_code for ce in centres}
    organizations = pages["organizations"]["contents"]
    assert sorted(o["organization_identifiers"][0]["identifier"] for o in organizations) == sorted(
        codes
    )
    for ce in centres:
        loc_id = hsds_id("location", ce.id)
        org_id = hsds_id("organization", ce.operator.credit_code)
        mine = [s for s in services if s["service_at_locations"][0]["location_id"] == loc_id]
        assert len(mine) == (
            len(ce.services.catalogue) + len(ce.services.own) + len(ce.services.paid)
        ), ce.id
        assert all(s["organization_id"] == org_id for s in mine), ce.id
    for s in services:
        assert "url" not in s  # no site address, no link
    paid = [s for s in services if "cost_options" in s]
    assert paid, "the samples have a charged service"
    for s in paid:
        (co,) = s["cost_options"]
        assert co["currency"] == "CNY" and co["amount"] > 0
    free = [s for s in services if "cost_options" not in s]
    assert all(s["fees_description"] == "免费" for s in free)


def test_an_operator_of_several_centres_is_one_organization(samples_loaded) -> None:
    first, *others = samples_loaded.centres
    centres = [first] + [dataclasses.replace(ce, operator=first.operator) for ce in others]
    pages = read(export(centres, samples_loaded.library.packs, None))
    assert check_export(pages) == []
    (org,) = pages["organizations"]["contents"]
    assert org["id"] == hsds_id("organization", first.operator.credit_code)
    assert all(ce.name in org["description"] for ce in centres)
    assert len(pages["locations"]["contents"]) == len(centres)
    assert {s["organization_id"] for s in pages["services"]["contents"]} == {org["id"]}
    assert {loc["organization_id"] for loc in pages["locations"]["contents"]} == {org["id"]}


def test_the_checker_finds_a_missing_field_a_repeat_and_a_missing_id() -> None:
    """The checks above can fail."""
    org = {"id": hsds_id("o"), "name": "x"}
    loc = {"id": hsds_id("l"), "location_type": "building"}
    svc = {
        "id": "not-a-uuid",
        "name": "y",
        "status": "open",
        "organization_id": hsds_id("elsewhere"),
        "service_at_locations": [
            {"id": hsds_id("sal"), "service_id": "not-a-uuid", "location_id": hsds_id("gone")},
            {"id": hsds_id("sal2"), "location_id": loc["id"], "location": loc},
        ],
    }

    def page(*contents: dict) -> dict:
        n = len(contents)
        return {
            "total_items": n,
            "total_pages": 1,
            "page_number": 1,
            "size": n,
            "first_page": True,
            "last_page": True,
            "empty": not n,
            "contents": list(contents),
        }

    pages = {"services": page(svc), "organizations": page(org), "locations": page(loc, loc)}
    pages["organizations"]["size"] = 2
    assert sorted(check_export(pages)) == sorted(
        [
            "organizations page counts 1/2, holds 1",
            f"location {loc['id']} appears more than once",
            "location_type 'building'",
            "organization lacks description",
            "service status 'open'",
            "service.id is not a UUID: 'not-a-uuid'",
            f"service names organization {hsds_id('elsewhere')!r}, not exported",
            "service_at_location.service_id is not a UUID: 'not-a-uuid'",
            f"service_at_location names location {hsds_id('gone')!r}, not exported",
            "service_at_location repeats its location",
        ]
    )


def test_identifiers_are_stable() -> None:
    assert hsds_id("service", "demo", "catalogue/3.3.1") == hsds_id(
        "service", "demo", "catalogue/3.3.1"
    )
    assert hsds_id("location", "a") != hsds_id("location", "b")
    assert uuid.UUID(hsds_id("x")).version == 5
