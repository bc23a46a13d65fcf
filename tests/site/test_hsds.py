"""data/hsds-services.json: the centres' services in Open Referral HSDS 3.0, from a real build.

The required fields and allowed values below are those of the HSDS 3.0 JSON Schemas
(https://github.com/openreferral/specification/tree/3.0/schema: service.json,
organization.json, organization_identifier.json, location.json, service_at_location.json,
schedule.json, phone.json, cost_option.json), and the envelope is the API reference's
``Page`` (schema/openapi.json, ``GET /services``).
"""

from __future__ import annotations

import json
import re
import shutil
import uuid

import pytest

from generator.site.hsds import hsds_id, services_json
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


def check(kind: str, obj: dict) -> list[str]:
    """The required fields of one HSDS object and the uuid fields' format."""
    found = [f"{kind} lacks {f}" for f in REQUIRED[kind] if obj.get(f) in (None, "")]
    for f in UUID_FIELDS & obj.keys():
        try:
            uuid.UUID(obj[f])
        except (ValueError, TypeError, AttributeError):
            found.append(f"{kind}.{f} is not a UUID: {obj[f]!r}")
    return found


def check_service(s: dict) -> list[str]:
    found = check("service", s)
    if s.get("status") not in SERVICE_STATUS:
        found.append(f"service status {s.get('status')!r}")
    org = s["organization"]
    found += check("organization", org)
    if s.get("organization_id") != org["id"]:
        found.append("service.organization_id is not its organization")
    for oi in org.get("organization_identifiers", ()):
        found += check("organization_identifier", oi)
    for ph in org.get("phones", ()):
        found += check("phone", ph)
    for co in s.get("cost_options", ()):
        found += check("cost_option", co)
        if co.get("service_id") != s["id"]:
            found.append("cost_option.service_id")
        if "amount" in co and not isinstance(co["amount"], int | float):
            found.append("cost_option amount is not a number")
    for sal in s["service_at_locations"]:
        found += check("service_at_location", sal)
        loc = sal["location"]
        found += check("location", loc)
        if loc["location_type"] not in LOCATION_TYPES:
            found.append(f"location_type {loc['location_type']!r}")
        if sal.get("service_id") != s["id"] or sal.get("location_id") != loc["id"]:
            found.append("service_at_location does not link its service and location")
        for ph in loc.get("phones", ()):
            found += check("phone", ph)
        for sc in loc.get("schedules", ()):
            found += check("schedule", sc)
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


@pytest.fixture(scope="module")
def page(tmp_path_factory: pytest.TempPathFactory) -> dict:
    tmp = tmp_path_factory.mktemp("hsds")
    project = tmp / "project"
    shutil.copytree(MINIMAL, project, ignore=shutil.ignore_patterns(".gongshi-cache"))
    done = build(project, tmp / "public", "2026-03-15", "--site-url", SITE)
    assert done.returncode == 0, done.stderr
    return json.loads((tmp / "public" / "data" / "hsds-services.json").read_text("utf-8"))


@pytest.mark.slow
def test_every_object_has_its_required_fields(page: dict) -> None:
    for f in PAGE:
        assert f in page, f
    assert page["total_items"] == page["size"] == len(page["contents"]) > 0
    assert page["empty"] is False and page["first_page"] and page["last_page"]
    for s in page["contents"]:
        assert check_service(s) == [], s["name"]


@pytest.mark.slow
def test_services_location_and_schedule_match_the_records(page: dict) -> None:
    services = page["contents"]
    names = [s["name"] for s in services]
    # the fixture: catalogue item 3.3.1, its own garden service and a charged service
    assert "四点半学校" in names
    assert len({s["id"] for s in services}) == len(services), "service ids are unique"
    (loc,) = {
        json.dumps(sal["location"], sort_keys=True)
        for s in services
        for sal in s["service_at_locations"]
    }
    location = json.loads(loc)
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
    org = services[0]["organization"]
    assert org["name"] == "深圳市示例社会工作服务中心"
    assert org["organization_identifiers"][0]["identifier"] == "52440300MJL0000012"
    assert all(s["url"] == SITE + "centres/demo/" for s in services)


def test_every_sample_centre_exports_valid_services(samples_loaded) -> None:
    packs = samples_loaded.library.packs
    page = json.loads(services_json(samples_loaded.centres, packs, None))
    assert page["total_items"] == sum(
        len(ce.services.catalogue) + len(ce.services.own) + len(ce.services.paid)
        for ce in samples_loaded.centres
    )
    for s in page["contents"]:
        assert check_service(s) == [], s["name"]
        assert "url" not in s  # no site address, no link
    paid = [s for s in page["contents"] if "cost_options" in s]
    assert paid, "the samples have a charged service"
    for s in paid:
        (co,) = s["cost_options"]
        assert co["currency"] == "CNY" and co["amount"] > 0
    free = [s for s in page["contents"] if "cost_options" not in s]
    assert all(s["fees_description"] == "免费" for s in free)


def test_the_checker_finds_a_missing_required_field() -> None:
    """The checks above can fail."""
    org = {"id": hsds_id("o"), "name": "x"}
    svc = {
        "id": "not-a-uuid",
        "name": "y",
        "status": "open",
        "organization_id": org["id"],
        "organization": org,
        "service_at_locations": [
            {
                "id": hsds_id("sal"),
                "service_id": "not-a-uuid",
                "location_id": hsds_id("l"),
                "location": {"id": hsds_id("l"), "location_type": "building"},
            }
        ],
    }
    assert sorted(check_service(svc)) == [
        "location_type 'building'",
        "organization lacks description",
        "service status 'open'",
        "service.id is not a UUID: 'not-a-uuid'",
        "service_at_location.service_id is not a UUID: 'not-a-uuid'",
    ]


def test_identifiers_are_stable() -> None:
    assert hsds_id("service", "demo", "catalogue/3.3.1") == hsds_id(
        "service", "demo", "catalogue/3.3.1"
    )
    assert hsds_id("location", "a") != hsds_id("location", "b")
    assert uuid.UUID(hsds_id("x")).version == 5
