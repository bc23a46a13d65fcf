"""schema.org JSON-LD in the built pages, read by a JSON-LD processor (pyld).

The page's JSON-LD is expanded and compacted with pyld (the schema.org context replaced by a
local ``@vocab`` context, so no network is needed), and every property of every node is
checked against the properties schema.org gives its type (the table below, from the type
definitions on https://schema.org, with each type's inherited properties), so that, for
example, ``email`` never lands on a Place.
"""

from __future__ import annotations

import dataclasses
import html.parser
import json
import shutil
from pathlib import Path

import pytest
from pyld import jsonld

from generator.site.jsonld import json_ld, json_ld_script, script_json
from tests.site_helpers import MINIMAL, build

SITE = "https://gs.example.org/"
S = "https://schema.org/"
LOCAL_CONTEXT = {"@context": {"@vocab": S}}

# Properties by type, as schema.org defines them (a type's own and those it inherits). Only
# the types gongshi writes and the properties that could plausibly be put on them.
THING = {"name", "description", "url", "identifier", "alternateName", "image", "sameAs"}
PLACE = THING | {
    "address",
    "telephone",
    "faxNumber",
    "openingHoursSpecification",
    "specialOpeningHoursSpecification",
    "event",
    "containedInPlace",
    "containsPlace",
    "publicAccess",
    "isAccessibleForFree",
    "maximumAttendeeCapacity",
    "geo",
    "hasMap",
    "amenityFeature",
    "logo",
    "photo",
    "keywords",
}
CONTACT_POINT = THING | {
    "email",
    "telephone",
    "faxNumber",
    "contactType",
    "availableLanguage",
    "areaServed",
    "hoursAvailable",
}
ALLOWED = {
    "Place": PLACE,
    "CivicStructure": PLACE | {"openingHours"},
    "GovernmentBuilding": PLACE | {"openingHours"},
    "Organization": THING
    | {
        "address",
        "email",
        "telephone",
        "faxNumber",
        "contactPoint",
        "location",
        "legalName",
        "taxID",
        "leiCode",
        "areaServed",
        "event",
        "logo",
        "parentOrganization",
    },
    "ContactPoint": CONTACT_POINT,
    # PostalAddress is a ContactPoint in schema.org
    "PostalAddress": CONTACT_POINT
    | {"streetAddress", "addressLocality", "addressRegion", "addressCountry", "postalCode"},
    "OpeningHoursSpecification": THING
    | {"dayOfWeek", "opens", "closes", "validFrom", "validThrough"},
    "PropertyValue": THING | {"propertyID", "value", "unitCode", "unitText"},
    "Event": THING
    | {
        "startDate",
        "endDate",
        "location",
        "organizer",
        "eventStatus",
        "eventAttendanceMode",
        "isAccessibleForFree",
        "maximumAttendeeCapacity",
        "remainingAttendeeCapacity",
        "offers",
        "audience",
        "inLanguage",
        "doorTime",
        "duration",
        "previousStartDate",
        "typicalAgeRange",
    },
    "Offer": THING | {"price", "priceCurrency", "availability", "validFrom", "category"},
    "Audience": THING | {"audienceType", "geographicArea"},
}
ENUMS = {
    "eventStatus": {
        S + x for x in ("EventScheduled", "EventCancelled", "EventPostponed", "EventRescheduled")
    },
    "eventAttendanceMode": {S + "OfflineEventAttendanceMode"},
    "dayOfWeek": {
        S + d
        for d in ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
    },
}


def loader(url: str, options: dict | None = None) -> dict:
    if url.rstrip("/") in ("https://schema.org", "http://schema.org"):
        return {"contextUrl": None, "documentUrl": url, "document": LOCAL_CONTEXT}
    raise AssertionError(f"the JSON-LD asked for {url}")


OPTIONS = {"documentLoader": loader}


def problems(data: dict) -> list[str]:
    """Every property on a type schema.org does not give it, every unknown type, every
    enumeration value that is not one of its members."""
    found = []
    for node in jsonld.flatten(data, None, OPTIONS):
        types = [t.removeprefix(S) for t in node.get("@type", [])]
        if not types:
            continue  # a reference to a node described elsewhere
        for t in types:
            if t not in ALLOWED:
                found.append(f"unknown type {t}")
                continue
            for prop, values in node.items():
                if prop.startswith("@"):
                    continue
                name = prop.removeprefix(S)
                if name not in ALLOWED[t]:
                    found.append(f"{name} on {t}")
                for v in values:
                    if name in ENUMS and v.get("@value", v.get("@id")) not in ENUMS[name]:
                        found.append(f"{name} = {v}")
    return found


class Scripts(html.parser.HTMLParser):
    """The text of each <script type="application/ld+json"> element, as a browser splits it."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=False)
        self.found: list[str] = []
        self.all: int = 0
        self._in = False

    def handle_starttag(self, tag, attrs):
        if tag == "script":
            self.all += 1
            self._in = dict(attrs).get("type") == "application/ld+json"
            if self._in:
                self.found.append("")

    def handle_endtag(self, tag):
        if tag == "script":
            self._in = False

    def handle_data(self, data):
        if self._in:
            self.found[-1] += data


def ld_scripts(page: str) -> list[str]:
    p = Scripts()
    p.feed(page)
    return p.found


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    tmp = tmp_path_factory.mktemp("jsonld")
    project = tmp / "project"
    shutil.copytree(MINIMAL, project, ignore=shutil.ignore_patterns(".gongshi-cache"))
    done = build(project, tmp / "public", "2026-03-15", "--site-url", SITE)
    assert done.returncode == 0, done.stderr
    return tmp / "public"


@pytest.mark.slow
def test_profile_page_json_ld_uses_each_property_on_a_type_that_has_it(site: Path) -> None:
    page = (site / "centres" / "demo" / "index.html").read_text(encoding="utf-8")
    (raw,) = ld_scripts(page)
    data = json.loads(raw)
    assert problems(data) == []
    expanded = jsonld.expand(data, OPTIONS)
    assert expanded, "pyld read the graph"
    compacted = jsonld.compact(expanded, LOCAL_CONTEXT["@context"], OPTIONS)
    nodes = compacted["@graph"]
    by_type: dict[str, list[dict]] = {}
    for n in nodes:
        by_type.setdefault(n["@type"], []).append(n)
    (centre,) = by_type["CivicStructure"]
    (operator,) = by_type["Organization"]
    assert centre["name"] == "沙头街道沙尾社区（党群）服务中心"
    assert centre["telephone"] == "0755-01234567"
    assert "email" not in centre
    assert operator["location"] == {"@id": centre["@id"]}
    assert operator["contactPoint"]["telephone"] == "0755-01234567"
    assert operator["identifier"]["value"] == "52440300MJL0000012"
    events = {e["name"]: e for e in by_type["Event"]}
    assert set(events) == {"四点半学校", "屋顶菜园"}
    school, garden = events["四点半学校"], events["屋顶菜园"]
    assert school["startDate"] == "2026-03-03T14:00:00+08:00"
    assert school["endDate"] == "2026-03-03T16:00:00+08:00"
    assert school["eventStatus"] == S + "EventScheduled"
    assert school["isAccessibleForFree"] is True
    assert school["organizer"] == {"@id": operator["@id"]}
    assert school["location"]["containedInPlace"] == {"@id": centre["@id"]}
    assert school["url"] == SITE + "centres/demo/plans/2026-03/"
    # the record says it was cancelled; it is charged
    assert garden["eventStatus"] == S + "EventCancelled"
    assert garden["isAccessibleForFree"] is False
    assert garden["offers"]["price"] == "20.00" and garden["offers"]["priceCurrency"] == "CNY"


def test_the_checker_finds_a_property_on_the_wrong_type() -> None:
    """The table above is what catches a mistake such as the e-mail on the building."""
    bad = {
        "@context": "https://schema.org",
        "@graph": [
            {"@type": "CivicStructure", "name": "x", "email": "a@example.org"},
            {"@type": "Event", "name": "y", "eventStatus": "Cancelled", "opens": "09:00"},
            {"@type": "Restaurant", "name": "z"},
        ],
    }
    assert sorted(problems(bad)) == [
        "email on CivicStructure",
        "eventStatus = {'@value': 'Cancelled'}",
        "opens on Event",
        "unknown type Restaurant",
    ]


def test_json_ld_without_a_site_address_is_read_as_well(samples_loaded) -> None:
    for ce in samples_loaded.centres:
        data = json_ld(ce, None)
        assert problems(data) == [], ce.id
        types = [n["@type"] for n in data["@graph"]]
        assert types[:2] == ["CivicStructure", "Organization"]
        assert types.count("Event") == (
            len(max(ce.plans, key=lambda p: (p.year, p.month)).activities) if ce.plans else 0
        )


HOSTILE = (
    "</script><script>alert(1)</script>",
    "<!--<script>alert(2)//",
    "</SCRIPT >x",
    "a & b <!-- c --> d",
    "行\u2028分隔\u2029段",
)


@pytest.mark.parametrize("text", HOSTILE)
def test_values_cannot_leave_the_script_element(samples_loaded, text: str) -> None:
    ce = min(samples_loaded.centres, key=lambda c: c.id)
    p = ce.plans[0]
    a = dataclasses.replace(p.activities[0], title=text, target=text)
    ce = dataclasses.replace(
        ce,
        official_name=text,
        address=text,
        contact=dataclasses.replace(ce.contact, email=text),
        plans=(dataclasses.replace(p, activities=(a,)),),
    )
    page = f"<html><body>{json_ld_script(ce, SITE)}<p>after</p></body></html>"
    assert "</script" not in script_json(json_ld(ce, SITE)).lower()
    assert "<!--" not in str(json_ld_script(ce, SITE))
    parser = Scripts()
    parser.feed(page)
    assert parser.all == 1, "exactly one script element"
    (raw,) = parser.found
    data = json.loads(raw)
    names = {n["name"] for n in data["@graph"]}
    assert text in names
    assert problems(data) == []
