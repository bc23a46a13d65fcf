"""The city part of the site: the city pages, the all-centres data, styles and data schemas,
built by mkdocs in the build's own process while the workers make the centres' parts; and
the all-centres tables joined from the parts.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import shutil
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from generator import model as m
from generator import urls
from generator.build.cache import BuildCache, digest, manifest_line
from generator.build.heap import no_cycle_collection
from generator.build.mkdocs_site import (
    city_config,
    config_file,
    run_mkdocs,
    site_config,
    write_config,
    write_search_words,
)
from generator.build.privacy import ScanJob, Scanned, scan_files, union_allowed
from generator.build.tree import SITEMAPS, Gathered, write_tree
from generator.build.workers import run_here
from generator.errors import BuildFailed
from generator.paths import SCHEMA_DIR, TEMPLATES
from generator.records.validate import Project, Validated
from generator.site import hsds, opendata
from generator.site.city import AwaitingCorrection
from generator.site.datapackage import Licence, read_licence
from generator.site.pages import render_city, sorted_centres
from generator.site.search import Cuts, kept_dictionary_words

ASSETS = TEMPLATES / "site" / "assets"


# The all-centres tables are the centres' own tables one after another (opendata writes each
# centre's rows alone); the build joins the parts' files instead of writing them again, so
# their rows were read by the personal-data guard of each part.
# site path → (the centre's own table in data/<id>/, the function writing either)
JOINED = {
    urls.ACTIVITIES_CSV: ("activities.csv", opendata.activities_csv),
    urls.FINANCE_CSV: ("finance.csv", opendata.finance_csv),
}


# ``fn(item)`` started where it runs beside this process (``workers.Workers.aside``); a
# call that gives its result
Aside = Callable[[Callable[[Any], Any], Any], Callable[[], Any]]


# a joined table as published: (the digest of its pieces' hashes, its own hash, where it is)
Joined = tuple[str, str, str | Path]


def write_joined_data(
    site: Path,
    centres: Sequence[m.Centre],
    pieces: Mapping[str, tuple[str, str | Path]],
    last: Mapping[str, Joined] | None = None,
) -> dict[str, Joined]:
    """The all-centres tables from the centres' own tables, in ``pieces`` (a site path → its
    hash and where the file is); a table whose pieces are those of ``last`` (what the last
    build published: its pieces' digest, hash and file) is that file, the others are written
    into ``site``. Each table by site path, as published now."""
    out: dict[str, Joined] = {}
    for target, (name, table) in JOINED.items():
        mine = [pieces.get(f"data/{ce.id}/{name}") or _piece(site, ce.id, name) for ce in centres]
        made_from = digest("joined", target, [sha for sha, _path in mine])
        kept = (last or {}).get(target)
        if kept is not None and kept[0] == made_from:
            out[target] = kept
            continue
        data = join_csv([Path(path).read_bytes() for _sha, path in mine], table([]))
        (site / target).write_bytes(data)
        out[target] = (made_from, hashlib.sha256(data).hexdigest(), site / target)
    return out


def _piece(site: Path, centre_id: str, name: str) -> tuple[str, Path]:
    """A centre's own table written into ``site`` (its hash, its path)."""
    path = site / "data" / centre_id / name
    return hashlib.sha256(path.read_bytes()).hexdigest(), path


def join_csv(pieces: list[bytes], empty: bytes) -> bytes:
    """One table from tables with the same header: the header once, then every row."""
    body = b"".join(piece.split(b"\r\n", 1)[1] for piece in pieces)
    return empty + body


def site_licence(project_root: Path) -> Licence:
    """The open data's licence, ``extra.licence`` of the project's mkdocs.yml (default
    CC BY 4.0); a wrong setting stops the build with what was expected."""
    source = config_file(project_root)
    cfg = yaml.safe_load(source.read_text(encoding="utf-8")) or {}
    licence, problem = read_licence((cfg.get("extra") or {}).get("licence"))
    if problem:
        raise BuildFailed(f"{source.name} 的 extra.licence：{problem}")
    return licence


HSDS = "hsds"  # cache kind: each centre's own part of the HSDS export (``kept_hsds``)


def kept_hsds(cache: BuildCache, inputs: Mapping[str, str], site_url: str | None) -> hsds.KeptParts:
    """Each centre's own part of the HSDS export (``site.hsds.centre_part``) kept in the
    build cache under the key of the centre's files (``inputs``, by centre id: its records,
    content/ and the generator; orchestrate ``CachedChecks.inputs``) and the site address,
    which are all it is made from (never the day): on a new day the export joins the kept
    parts instead of encoding every centre again."""

    def part(ce: m.Centre, make: Callable[[], hsds.CentrePart]) -> hsds.CentrePart:
        if ce.id not in inputs:
            return make()
        key = digest("hsds", inputs[ce.id], site_url)
        found = cache.get_data(HSDS, ce.id, key)  # plain JSON: its text, read in C
        if (
            type(found) is list
            and len(found) == 3
            and type(found[0]) is str
            and type(found[1]) is str
            and type(found[2]) is int
        ):
            return hsds.CentrePart(found[0].encode(), found[1].encode(), found[2])
        made = make()
        data = [made.location.decode(), made.services.decode(), made.count]
        cache.put_data(HSDS, ce.id, key, data)
        return made

    return part


SEARCH_CUTS = "search-cuts"  # cache kind: the city pages' cuts of Chinese (``KeptCuts``)


class KeptCuts:
    """The city pages' cuts of Chinese kept in the build cache from one build to the next
    (``site.search.Cuts``): the words inside the activities' titles (``dictionary``, under
    the digest of jieba's dictionary: the cache's version holds jieba's) and the search
    plugin's cuts of the pages (``pages``, under that digest and the city's search words,
    which the plugin adds to the dictionary). A new day whose pages bring no new text cuts
    nothing, and the build process does not load jieba's dictionary."""

    def __init__(self, cache: BuildCache) -> None:
        self.cache = cache
        self.read: list[tuple[str, str, Cuts]] = []

    def dictionary(self) -> Cuts:
        """The words inside a text (each a piece of it)."""
        return self._cuts(
            "dictionary",
            digest("dictionary cuts", self.cache.version),
            lambda text, words: all(w in text for w in words),
        )

    def pages(self, words: Sequence[str]) -> Cuts:
        """A text cut into words (the text, piece by piece)."""
        return self._cuts(
            "pages",
            digest("page cuts", self.cache.version, list(words)),
            lambda text, words: "".join(words) == text,
        )

    def _cuts(self, name: str, key: str, fits: Callable[[str, list[str]], bool]) -> Cuts:
        # plain JSON, checked here: a cut that is not of its text (a planted entry) is left
        # out, and the text cut again
        found = self.cache.get_data(SEARCH_CUTS, name, key)
        known: dict[str, list[str]] = {}
        if type(found) is dict:
            known = {
                text: words
                for text, words in found.items()
                if type(words) is list and all(type(w) is str for w in words) and fits(text, words)
            }
        cuts = Cuts(known)
        self.read.append((name, key, cuts))
        return cuts

    def keep(self) -> None:
        """Store the cuts of this build that are not those kept (those of its pages only)."""
        for name, key, cuts in self.read:
            if cuts.changed():
                self.cache.put_data(
                    SEARCH_CUTS, name, key, {t: list(w) for t, w in cuts.used.items()}
                )


@dataclass
class CityResult:
    centres: list[m.Centre] = field(default_factory=list)  # the centres it lists, in order
    problems: list = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    pages: int = 0
    html: list[str] = field(default_factory=list)
    manifest: list[str] = field(default_factory=list)


def build_city(
    centres: Sequence[m.Centre],
    corrections: Mapping[str, Sequence],
    validated: Validated,
    project: Project,
    tmp: Path,
    site: Path,
    *,
    today: dt.date,
    site_url: str | None,
    awaiting: Sequence[AwaitingCorrection] = (),
    clean: set[str] | None = None,
    aside: Aside = run_here,
    hsds_parts: hsds.KeptParts | None = None,
    cuts: KeptCuts | None = None,
) -> CityResult:
    """The city pages, all-centres data, styles and data schemas, built by mkdocs into
    ``site`` (emptied first): ``centres`` with their ``corrections``, and the centres
    ``awaiting`` correction listed with the note. ``clean``: the city files the
    personal-data guard found nothing in before (``privacy.scan_outputs``), kept by the
    build from one build to the next; ``hsds_parts``: the centres' own parts of the HSDS
    export, kept likewise (``kept_hsds``); ``cuts``: the pages' cuts of Chinese, kept likewise
    (``KeptCuts``).

    The guard reads the files while mkdocs builds them (``aside``: in a process of its own,
    ``workers.Workers.aside``); when it finds a personal number, what mkdocs made is
    removed at once and the result holds the errors and no file."""
    for folder in (site, tmp / "docs"):
        if folder.exists():
            shutil.rmtree(folder)
    packs = validated.library.packs if validated.library else {}
    centres = sorted_centres(centres)
    with no_cycle_collection(), kept_dictionary_words(cuts.dictionary() if cuts else None):
        sources = render_city(
            centres,
            packs,
            today=today,
            site_url=site_url,
            corrections=corrections,
            awaiting=awaiting,
            licence=site_licence(project.root),
            results=validated.results,
            tables=False,  # joined from the parts afterwards: write_joined_data
            hsds_parts=hsds_parts,
        )
    g = Gathered(words=sources.words)
    for rel, text in sources.pages.items():
        g.add(rel, text.encode("utf-8"), "页面")
    for rel, data in sources.files.items():
        g.add(rel, data, "开放数据")
    for rel in JOINED:  # an empty stand-in lets mkdocs see the links to them
        g.add(rel, b"", "开放数据")
    add_static(g)
    result = CityResult(centres=centres, notes=list(sources.notes), pages=len(sources.pages))
    scanning = aside(scan_files, ScanJob(g.files, union_allowed(centres, project), {}, clean))
    docs = tmp / "docs"
    write_tree(g.files, docs)
    words = tmp / "search-words.txt"
    write_search_words(g.words, words)
    cfg = city_config(site_config(docs, site, words, site_url, project.root))
    failed: BuildFailed | None = None
    try:
        run_mkdocs(
            write_config(tmp / "mkdocs.yml", cfg), today, cuts.pages(g.words) if cuts else None
        )
    except BuildFailed as exc:  # a number the guard finds is reported first, as before
        failed = exc
    with no_cycle_collection():
        scanned: Scanned = scanning()
        result.problems = scanned.problems_in(project, clean)
    if any(p.severity.value == "error" for p in result.problems):
        for folder in (docs, site):  # what holds the number is not kept until the build ends
            shutil.rmtree(folder, ignore_errors=True)
        return result
    if failed is not None:
        raise failed
    if cuts is not None:
        cuts.keep()
    for name in SITEMAPS:
        (site / name).unlink(missing_ok=True)
    for p in sorted(site.rglob("*")):
        if p.is_file():
            rel = p.relative_to(site).as_posix()
            if rel in JOINED:
                continue
            result.manifest.append(manifest_line(rel, p.read_bytes()))
            if rel.endswith(".html") and rel != "404.html":
                result.html.append(rel)
    return result


def add_static(g: Gathered) -> None:
    for asset in sorted(ASSETS.rglob("*")):
        if asset.is_file():
            g.add(f"assets/{asset.relative_to(ASSETS).as_posix()}", asset.read_bytes(), "样式")
    for schema in sorted(SCHEMA_DIR.glob("*.json")):
        g.add(f"data/schema/{schema.name}", schema.read_bytes(), "数据格式说明")
