"""Every address gongshi publishes, built in one place.

The site is a folder of Markdown pages (``docs`` paths such as ``centres/demo/hours.md``)
that mkdocs publishes with directory URLs (``centres/demo/hours/``), next to the open data
(``data/…``) and the printed PDFs (``print/<centre>/<file>.pdf``). Pages link to each other,
postings print the address of the page they mirror as a QR code, the open data lists its
files, and the build splits the site into one part per centre: each of them asks here.

- ``page(centre, kind, period)``: the docs path of a centre's page; ``CITY_PAGES`` the rest;
- ``pdf_file(kind, period)`` / ``pdf_path(centre, kind, period)``: a printed document;
- ``data_path(centre, kind, period)``: an open-data file of a centre; ``ALL_DATA`` the files
  of all centres, ``schema_path`` the JSON Schemas;
- ``page_url(docs_path)``: the published address (relative to the site root) of a docs path;
  ``absolute(site_url, docs_path)`` the full address; ``posting_url`` the page a printed
  document points its QR code to;
- ``shard_of(path)`` and ``link(page, target)``: the part of the site a path is in, and the
  link from one page to another (within a part, the .md file mkdocs checks; across parts,
  the published address).
"""

from __future__ import annotations

import posixpath
import re

# ---------------------------------------------------------------- the city pages

HOME = "index.md"
CENTRES_INDEX = "centres/index.md"
OPEN_DATA = "open-data.md"
ABOUT = "about.md"
OFFICERS = "officers.md"  # the district officers' view of every centre
ACTIVITIES = "activities.md"  # every centre's activities, for the city-wide search
CITY_PAGES = (HOME, CENTRES_INDEX, OPEN_DATA, ABOUT, OFFICERS, ACTIVITIES)
ROBOTS = "robots.txt"  # for search engines: where the sitemap is
# the day the site was last updated (site.today.updated_json), which a centre's compliance
# page reads in the browser (site_templates/site/assets/gongshi.js: beside the assets folder)
UPDATED = "data/updated.json"
CITY_FILES = (ROBOTS, UPDATED)  # the city's files that are neither pages nor open data

# ---------------------------------------------------------------- a centre's pages

#: Page kinds of a centre and their docs paths under ``centres/<id>/`` ({} is the period).
PAGES = {
    "profile": "index.md",
    "hours": "hours.md",
    "plans": "plans/index.md",
    "plan": "plans/{}.md",
    "finance-index": "finance/index.md",
    "finance": "finance/{}.md",
    "audit": "audit/{}.md",
    "evaluation": "evaluation/{}.md",
    "compliance": "compliance.md",
    "manuals": "manuals.md",
    "manual": "manuals/{}.md",  # one manual's page, by the manual's id
    "archive": "archive.md",
    "correction": "corrections/{}.md",
}


def _fill(patterns: dict[str, str], what: str, kind: str, period: str | None) -> str:
    """A kind's path pattern with its period filled in ({} in the pattern)."""
    pattern = patterns.get(kind)
    if pattern is None:
        raise ValueError(f"unknown {what.split()[0]} kind {kind!r}")
    if ("{}" in pattern) != (period is not None):
        raise ValueError(f"{what} {kind!r} with period {period!r}")
    return pattern.format(period)


def centre_root(centre_id: str) -> str:
    """The folder of a centre's pages: ``centres/<id>``."""
    return f"centres/{centre_id}"


def page(centre_id: str, kind: str, period: str | None = None) -> str:
    """The docs path of a centre's page: ``page("demo", "finance", "2026-Q1")`` →
    ``centres/demo/finance/2026-Q1.md``.

    Raises:
        ValueError: unknown kind, or a period missing or given where none belongs.
    """
    return f"{centre_root(centre_id)}/{_fill(PAGES, 'page', kind, period)}"


def signed_report(centre_id: str, year: int | str) -> str:
    """The signed audit report copied from a record's attachment, beside its audit page."""
    return f"{centre_root(centre_id)}/audit/{year}-signed-report.pdf"


def correction_period(kind: str, period: str, number: int) -> str:
    """The period part of a correction's page and PDF names: ``finance-2026-Q1-1``."""
    return f"{kind}-{period}-{number}"


# ---------------------------------------------------------------- printed documents

#: Print kinds printed once per centre (no period in the file name).
SINGLE_PRINTS = frozenset({"hours", "consultation", "manuals"})
_PRINT_PERIOD = {
    "plan": re.compile(r"[0-9]{4}-(0[1-9]|1[0-2])"),
    "finance": re.compile(r"[0-9]{4}-Q[1-4]"),
    "audit": re.compile(r"[0-9]{4}"),
    "evaluation": re.compile(r"[0-9]{4}"),
    "annual": re.compile(r"[0-9]{4}"),
    # <disclosure kind>-<its period>-<number of the correction>
    "correction": re.compile(
        r"(plan-[0-9]{4}-(0[1-9]|1[0-2])|finance-[0-9]{4}-Q[1-4]|audit-[0-9]{4}"
        r"|evaluation-[0-9]{4})-[1-9][0-9]{0,2}"
    ),
}
#: The page a printed document mirrors (its QR code's target), by print kind.
POSTING_PAGES = {
    "hours": "hours",
    "plan": "plan",
    "finance": "finance",
    "audit": "audit",
    "evaluation": "evaluation",
    "consultation": "profile",
    "correction": "correction",
    "annual": "archive",
    "manuals": "manuals",
}


def pdf_file(kind: str, period: str | None = None) -> str:
    """The file name of a printed document: ``finance-2026-Q1.pdf``, ``hours.pdf`` …

    Raises:
        ValueError: unknown kind, or a period missing, malformed or given where none belongs.
    """
    if kind in SINGLE_PRINTS:
        if period is not None:
            raise ValueError(f"{kind} has no period, got {period!r}")
        return f"{kind}.pdf"
    pattern = _PRINT_PERIOD.get(kind)
    if pattern is None:
        raise ValueError(f"unknown print kind {kind!r}")
    if period is None or not pattern.fullmatch(period):
        raise ValueError(f"{kind} needs a period like {pattern.pattern}, got {period!r}")
    return f"{kind}-{period}.pdf"


def pdf_path(centre_id: str, kind: str, period: str | None = None) -> str:
    """Where a printed document is published: ``print/<centre>/<file>``."""
    return f"print/{centre_id}/{pdf_file(kind, period)}"


def posting_page(centre_id: str, kind: str, period: str | None = None) -> str:
    """The docs path of the page a printed document mirrors."""
    page_kind = POSTING_PAGES[kind]
    return page(centre_id, page_kind, period if "{}" in PAGES[page_kind] else None)


# ---------------------------------------------------------------- open data

#: A centre's open-data files under ``data/<id>/`` ({} is the period).
DATA = {
    "centre": "centre.json",
    "hours": "hours.json",
    "calendar": "calendar.ics",
    "activities": "activities.csv",
    "finance-table": "finance.csv",
    "compliance": "compliance.json",
    "plan": "plans/{}.json",
    "finance": "finance/{}.json",
    "audit": "audits/{}.json",
    "evaluation": "evaluations/{}.json",
}
CENTRES_JSON = "data/centres.json"
CENTRES_CSV = "data/centres.csv"
ACTIVITIES_CSV = "data/activities.csv"
FINANCE_CSV = "data/finance.csv"
FEED = "data/disclosures.atom"
DATAPACKAGE = "data/datapackage.json"  # Frictionless Data Package of the three tables
# the Open Referral HSDS 3.0 export: services naming their organization and location by id
HSDS_SERVICES = "data/hsds-services.json"
HSDS_ORGANIZATIONS = "data/hsds-organizations.json"
HSDS_LOCATIONS = "data/hsds-locations.json"
OFFICERS_CSV = "data/officers.csv"  # the officers' view as a table
OFFICERS_JSON = "data/officers.json"
ALL_DATA = (
    OFFICERS_CSV,
    OFFICERS_JSON,
    CENTRES_JSON,
    CENTRES_CSV,
    ACTIVITIES_CSV,
    FINANCE_CSV,
    FEED,
    DATAPACKAGE,
    HSDS_SERVICES,
    HSDS_ORGANIZATIONS,
    HSDS_LOCATIONS,
)


def data_root(centre_id: str) -> str:
    """The folder of a centre's open data: ``data/<id>``."""
    return f"data/{centre_id}"


def data_path(centre_id: str, kind: str, period: str | None = None) -> str:
    """An open-data file of a centre: ``data_path("demo", "finance", "2026-Q1")`` →
    ``data/demo/finance/2026-Q1.json``.

    Raises:
        ValueError: unknown kind, or a period missing or given where none belongs.
    """
    return f"{data_root(centre_id)}/{_fill(DATA, 'data file', kind, period)}"


def schema_path(name: str) -> str:
    """A published JSON Schema: ``data/schema/centre.schema.json``."""
    return f"data/schema/{name}"


# ---------------------------------------------------------------- addresses

#: The top folders of a centre's own part of the site (``<root>/<centre id>/…``).
SHARD_ROOTS = ("centres", "data", "print")


def page_url(docs_path: str) -> str:
    """The published address of a docs path, relative to the site root (directory URLs):
    centres/x/hours.md → centres/x/hours/, centres/x/index.md → centres/x/, index.md → ./;
    any other file keeps its path."""
    if not docs_path.endswith(".md"):
        return docs_path
    if docs_path == HOME:
        return "./"
    if docs_path.endswith("/index.md"):
        return docs_path[: -len("index.md")]
    return docs_path[: -len(".md")] + "/"


def absolute(site_url: str | None, docs_path: str) -> str:
    """The full address of a docs path on the site at ``site_url`` ("" without a site URL)."""
    if not site_url or not site_url.strip():
        return ""
    url = page_url(docs_path)
    return site_url.rstrip("/") + "/" + ("" if url == "./" else url)


def posting_url(site_url: str | None, centre_id: str, kind: str, period: str | None = None) -> str:
    """The full address of the page a printed document points to ("" without a site URL)."""
    return absolute(site_url, posting_page(centre_id, kind, period))


def shard_of(path: str) -> str | None:
    """The centre whose own part of the site holds a path, or None for the city pages."""
    parts = path.split("/")
    if len(parts) >= 3 and parts[0] in SHARD_ROOTS:
        return parts[1]
    return None


def link(page_path: str, target: str) -> str:
    """A relative link from a docs page to another docs path (or file).

    Within one part of the site the link names the .md file, which mkdocs checks and
    rewrites; a link into another part (a centre's page from the home page, the home page
    from a centre's page) is written as the published address, which mkdocs leaves alone and
    the build checks once every part is in place.
    """
    if shard_of(page_path) != shard_of(target):
        url = page_url(target)
        here = page_url(page_path).rstrip("/") or "."
        out = relative(url.rstrip("/") or ".", here)
        return out + "/" if url.endswith("/") and not out.endswith("/") else out
    return relative(target, posixpath.dirname(page_path) or ".")


def relative(path: str, start: str) -> str:
    """``posixpath.relpath(path, start)``, without its two ``os.getcwd`` calls for two paths of
    the site (relative, without ``..``): the city pages link every centre (tens of thousands
    of links)."""
    if not path or path.startswith("/") or start.startswith("/"):
        return posixpath.relpath(path, start)
    to = [x for x in path.split("/") if x and x != "."]
    here = [x for x in start.split("/") if x and x != "."]
    if ".." in to or ".." in here:
        return posixpath.relpath(path, start)
    same = 0
    for a, b in zip(to, here, strict=False):
        if a != b:
            break
        same += 1
    return "/".join([".."] * (len(here) - same) + to[same:]) or "."
