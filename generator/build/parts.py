"""One centre's part of the site: its pages, open data and PDFs, built as its own mkdocs site.

The build (generator.build.orchestrate) makes the site in parts: one part per centre (``centres/<id>/``,
``data/<id>/``, ``print/<id>/``) and the city part (home, centres index, open data, about).
A part is made by ``build_part`` — in a worker process when there are several — from a
``PartJob`` that says where everything it needs is, and lands in the build cache
(``.gongshi-cache/parts/<id>/``) under its key, ready to be copied into the published folder.
A record change therefore re-makes one centre's part; the other parts are reused. A part
made again whose mkdocs run would be given the pages of the part in the cache keeps that run's
output and takes only its new PDFs (``_same_pages``).

A worker reads the centre's whole check (its light check, ``LIGHT``, and its records' check,
``CHECKED``: ``whole_of``) and its day state (``COMPLIANCE``:
its rule results and what else of it changes with the day, generator.build.days) from the
cache, where ``check_part`` put them, and hands them to the writers on a one-centre
``Validated`` (``pipeline.assemble``): a part recomputes neither. Rule results are stored as
each rule's id and findings (``days.stored_results``) and restored with the rules of the pack
as loaded (``restored_results``).

No part is kept for a day: a part's key holds the centre's files and its day state, never the
build day, and the part is rendered with the day watched (``figures.window.on_days``), so it
is reused on every day of its window with the same key. Nothing of the day is printed in it
but the day state (generator.site.today: the reader's browser computes the rest).

Each part's mkdocs run writes its own search index; the part keeps only its centre's
entries, with addresses relative to the centre's folder, as
``centres/<id>/search/search_index.json``: the search scope of a centre's pages is that
centre (the theme override ``main.html`` points mkdocs-material's search there).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import shutil
import tempfile
from dataclasses import dataclass, field, replace
from pathlib import Path

from generator.build.cache import BuildCache, digest, manifest_line, part_key
from generator.build.days import DayState, StoredResults, centre_day
from generator.build.engine import chosen_engine, scoped_index, search_index
from generator.build.heap import give_back, no_cycle_collection
from generator.build.mkdocs_site import (
    centre_config,
    run_mkdocs,
    site_config,
    write_config,
    write_search_words,
)
from generator.build.privacy import allowed_key, scan_outputs, typst_text
from generator.build.tree import copy_file, folder_stats, manifest_items, stats_match, write_new
from generator.compliance import RuleResult
from generator.errors import BuildFailed
from generator.figures.calendar import corrections_on, published_on
from generator.figures.window import Window, on_days
from generator.packs.library import Library
from generator.pipeline import (
    CentreChecked,
    assemble,
    check_written,
    project_library,
    rule_results,
    with_ledger,
)
from generator.print.documents import centre_sources
from generator.print.render import PrintSource
from generator.print.typeset import Typesetter
from generator.problems import Problem, Severity
from generator.records.validate import Project, Validated
from generator.site.pages import render_centre
from generator.site.render import SiteSources
from generator.urls import SHARD_ROOTS

CHECKED = "checked"  # a centre's records and manuals checked (pipeline.check_written)
LIGHT = "light"  # the same without its activities (CentreChecked.light)
COMPLIANCE = "compliance"  # its rule results on a day (``stored_results``)
PARTS = "parts"
PDFS = "pdfs"
# each centre's city view and corrections as last published into an output folder: what the
# city pages list while its records await correction (awaiting.Unpublished)
LAST = "published"


@dataclass(frozen=True)
class PartJob:
    """Where everything one centre's part is made from is (pickled to a worker process)."""

    centre_id: str
    # (name, key) of the centre's whole check (CHECKED) and of its day state with its window
    # (COMPLIANCE) in the cache
    checked: tuple[str, str]
    content_key: str  # hash of content/ (the rule packs the worker loads)
    project_root: Path
    cache_folder: Path
    today: dt.date
    site_url: str | None
    pdf: bool
    key: str  # the part's key (cache.part_key): its files and day state; not the day
    # the PDFs' key (cache.pdf_key): its files, results, withheld, what of the day they print
    pdf_key: str


@dataclass
class PartResult:
    """What making a part found; stored with the part so a reused part reports the same."""

    centre_id: str
    problems: list[Problem] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    pages: int = 0  # Markdown pages
    pdfs: int = 0
    html: list[str] = field(default_factory=list)  # site paths of its pages (link check)
    manifest: list[str] = field(default_factory=list)  # "sha256  path" lines of its files
    fresh: bool = True  # made by this build (False: taken from the cache)
    # the days on which its pages, data files and PDFs are made the same (``build_part``): a
    # build on another day makes the part again
    window: Window | None = None
    pdfs_made: int = 0  # PDFs compiled by this build (not taken from the cache)
    # its files in the cache as stored there (tree.folder_stats): a reuse checks them by stat
    stats: dict[str, list[int]] = field(default_factory=dict)
    # the digest of what its mkdocs run was given but the PDFs' bytes (``_pages_digest``): a
    # part made again from the same keeps that run's output (``_same_pages``)
    pages_from: str = ""
    scanned: list[Problem] = field(default_factory=list)  # what the guard found in the pages

    @property
    def failed(self) -> bool:
        return any(p.severity is Severity.ERROR for p in self.problems)

    def sent(self) -> PartResult:
        """The part as a worker sends it to the build process, which publishes its files:
        without the stats of its files in the cache and what the guard found in its pages,
        which only a worker making or reusing it reads (``reusable_part``, ``_same_pages``)."""
        return replace(self, stats={}, scanned=[])


_TYPESETTER = None
_CACHES: dict[Path, BuildCache] = {}
_LIBRARIES: dict[tuple[Path, str], Library] = {}


def _cache(folder: Path) -> BuildCache:
    """The build cache as this process sees it (opened once: reading it hashes the generator)."""
    if folder not in _CACHES:
        _CACHES[folder] = BuildCache(folder)
    return _CACHES[folder]


def _library(project: Project, content_key: str) -> Library:
    """The project's library as this process loaded it (once per content/)."""
    key = (project.root, content_key)
    if key not in _LIBRARIES:
        _LIBRARIES.clear()
        _LIBRARIES[key] = project_library(project)
    return _LIBRARIES[key]


def restored_results(
    library: Library, checked: CentreChecked, stored: StoredResults | None
) -> tuple[RuleResult, ...] | None:
    """Rule results from the cache with the rules of ``library``; None when there are none
    or a rule is no longer in the centre's pack."""
    if stored is None or checked.centre is None:
        return None
    pack = library.packs.get(checked.centre.rule_pack)
    rules = pack.rules if pack is not None else {}
    if any(rule_id not in rules for rule_id, _ in stored):
        return None
    return tuple(RuleResult(rules[rule_id], findings) for rule_id, findings in stored)


@dataclass(frozen=True)
class CheckJob:
    """A centre folder to read on ``today``: its light check and day state, from the cache or
    checked now (``read_centre``)."""

    project_root: Path
    cache_folder: Path
    folder: Path
    key: str  # the check's key (orchestrate.CachedChecks)
    content_key: str  # hash of content/ (the rule packs the worker loads)
    today: dt.date
    # (the key of the centre's files, the site address, whether PDFs are made): look for the
    # centre's part in the cache too, under the key these and its day state give
    # (``cache.part_key``); None: do not
    part: tuple[str, str | None, bool] | None = None


@dataclass
class CentreRead:
    """A centre folder as ``read_centre`` found it on the day."""

    light: CentreChecked  # its light check (no centre when its records have errors)
    state: DayState | None  # its day state (None when its records have errors)
    # the key its part has on the day and that part in the cache, when it can be reused
    # (``reusable_part``); ("", None) when not looked for
    part_key: str = ""
    part: PartResult | None = None


def check_key(records: str, ledger: str) -> str:
    """A centre's check key: the key of its records (its files but the ledger, the content,
    the generator) and the digest of its ledger file ("" without one)."""
    return f"{records}+{ledger}"


def records_key(key: str) -> str:
    """The key of a centre's records in its check key (``check_key``)."""
    return key.partition("+")[0]


def written_check(
    cache: BuildCache, project: Project, folder: Path, key: str, library: Library
) -> CentreChecked:
    """A centre's records and manuals checked (``pipeline.check_written``), from the cache or
    checked now and stored there under the key of its records: what its ledger is read
    against. A centre's ledger changes on the days a build records what it published there
    (when a month's plans or a quarter's finances are published, every centre's); its
    records are not read again then."""
    records = records_key(key)
    written = cache.get(CHECKED, folder.name, records)
    if not isinstance(written, CentreChecked):
        written = check_written(project, folder, library)
        cache.put(CHECKED, folder.name, records, written)
    return written


def whole_of(light: CentreChecked, written: CentreChecked) -> CentreChecked:
    """The whole check whose light check is ``light``, its records' check ``written`` (both
    of one key): what ``CentreChecked.light`` left out, put back."""
    return replace(light, centre=written.centre, held=written.held, manuals=written.manuals)


def read_centre(job: CheckJob) -> CentreRead:
    """A centre folder's light check and its day state on the day, read from the cache
    (``cached_centre``), else checked now (``check_part``); with ``job.part``, its part too
    when the cache holds one to reuse.

    Run in a worker when the build reads many centres: decoding the cache's JSON is most of
    a build's time on a new day, and the workers do it side by side while the build process
    goes on (the values reach it pickled, which reads several times faster). The cycle
    collector is paused while a centre is read from the cache: its values are thousands of
    new objects and no cycle (``heap``)."""
    with no_cycle_collection():
        light, read = cached_centre(job)
    return read if read is not None else checked_centre(job, light=light)


def checked_centre(job: CheckJob, *, light: CentreChecked | None = None) -> CentreRead:
    """``read_centre`` of a centre that must be checked (``check_part``; ``light``: its light
    check when the cache holds it, as read there)."""
    light, stored = check_part(job, light=light)
    read = CentreRead(light, stored[0] if stored is not None else None)
    return _with_part(job, _cache(job.cache_folder), read)


def cached_centre(job: CheckJob) -> tuple[CentreChecked | None, CentreRead | None]:
    """``read_centre`` from the cache alone: the light check stored under the job's key, and
    the centre read from the cache (None when it must be checked: its light check is not
    stored under the key, or its day state not for the day)."""
    cache = _cache(job.cache_folder)
    name = job.folder.name
    light = cache.get(LIGHT, name, job.key)
    if light is None:
        return None, None
    state = None
    if light.centre is not None:
        state = day_state_on(cache.get(COMPLIANCE, name, job.key), job.today)
        if state is None:
            return light, None
    return light, _with_part(job, cache, CentreRead(light, state))


def _with_part(job: CheckJob, cache: BuildCache, read: CentreRead) -> CentreRead:
    if job.part is not None and read.state is not None and read.light.centre is not None:
        inputs, site_url, pdf = job.part
        read.part_key = part_key(inputs, read.state.pages, read.state.pdfs, site_url, pdf)
        part = reusable_part(cache, read.light.centre.id, read.part_key, job.today)
        read.part = part.sent() if part is not None else None
    return read


def check_part(
    job: CheckJob, *, light: CentreChecked | None = None
) -> tuple[CentreChecked, tuple[DayState, Window] | None]:
    """Check one centre folder into the cache (its records' check and, unless ``light``, its
    light check read from the cache already, is given, its light check) and compute its day
    state on the day with its window (stored in the cache too, under the check's key: a
    build on another day of the window takes it from there); the light check and the state
    (None when the records have errors)."""
    cache = _cache(job.cache_folder)
    project = Project(job.project_root)
    library = _library(project, job.content_key)
    written = written_check(cache, project, job.folder, job.key, library)
    if light is None:
        whole = with_ledger(project, written)
        light = whole.light()
        cache.put(LIGHT, job.folder.name, job.key, light)
    else:
        whole = whole_of(light, written)
    state, window = centre_day(whole, library, job.today)
    if state is None:
        return whole, None
    cache.put(COMPLIANCE, job.folder.name, job.key, (state, window))
    return light, (state, window)


def reusable_part(cache: BuildCache, centre_id: str, key: str, day: dt.date) -> PartResult | None:
    """The centre's part in the cache when it was made under ``key``, holds on ``day`` and its
    cache folder still holds every file it was made with (checked by stat, a file changed
    since is hashed: ``tree.stats_match``; a damaged or changed cache file makes the part
    again); None otherwise. Its files then go into the site from the published tree where
    they are unchanged there (``build.publish``)."""
    hit = cache.get(PARTS, centre_id, key)
    if (
        isinstance(hit, PartResult)
        and hit.window is not None
        and day in hit.window
        and _folder_holds(cache, centre_id, key, hit)
    ):
        hit.fresh, hit.pdfs_made = False, 0
        return hit
    return None


def _folder_holds(cache: BuildCache, centre_id: str, key: str, part: PartResult) -> bool:
    """Whether the centre's part folder in the cache was stored under ``key`` and still holds
    every file ``part`` was made with (``tree.stats_match``)."""
    return cache.folder_key(PARTS, centre_id) == key and stats_match(
        cache.folder_for(PARTS, centre_id), part.manifest, part.stats
    )


def day_state_on(value: object, day: dt.date) -> DayState | None:
    """The day state in a cache entry of ``COMPLIANCE`` when ``day`` is in its window."""
    if not (isinstance(value, tuple) and len(value) == 2 and isinstance(value[0], DayState)):
        return None
    window = Window.of(value[1])
    return value[0] if window is not None and day in window else None


def _typesetter() -> Typesetter:
    """One Typesetter per process (fonts parsed once, the compiler reused)."""
    global _TYPESETTER
    if _TYPESETTER is None:
        _TYPESETTER = Typesetter()
    return _TYPESETTER


def part_validated(job: PartJob, cache: BuildCache) -> Validated:
    """The centre as the build checked it, read by the worker from the cache (the build
    process keeps only light checks, so no process holds every centre's records): its whole
    check and its rule results on the day, on a one-centre ``Validated``."""
    project = Project(job.project_root)
    library = _library(project, job.content_key)
    name, key = job.checked
    light = cache.get(LIGHT, name, key)
    written = cache.get(CHECKED, name, records_key(key))
    if not isinstance(light, CentreChecked) or not isinstance(written, CentreChecked):
        whole = None
    else:
        whole = whole_of(light, written)
    if whole is None or whole.centre is None:
        raise BuildFailed(
            f"生成缓存中缺少中心 {job.centre_id} 的检查结果（可能被同时运行的另一次生成改动）；"
            "请重新运行 gongshi build"
        )
    state = day_state_on(cache.get(COMPLIANCE, *job.checked), job.today)
    results = restored_results(library, whole, state.results if state is not None else None)
    if results is None:  # the cache changed under the build: apply the rules again
        results = rule_results(whole, library, job.today)
    return assemble(project, library, [(whole, results)], job.today)


def _pdfs(
    job: PartJob, validated: Validated, cache: BuildCache
) -> tuple[dict[str, bytes], list[Problem], int, Window]:
    """The centre's PDFs and what the personal-data guard found in them; how many were
    compiled now; and the days on which their sources are the same.

    Kept in the cache under ``pdf_key`` (all of them at once, with that window) and each
    under its own key, the digest of its Typst source and the files it reads
    (``_document_key``): when the centre's key changed, or the day left the window, the
    sources are made again (cheap) and only the documents whose source differs are compiled.
    One changed finance file thus compiles the postings that print it (its quarter's, the
    booklet of its year), not every PDF of the centre."""
    if not job.pdf:
        return {}, [], 0, Window(dt.date.min, dt.date.max)
    (ce,) = validated.centres
    stored = cache.get_entry(PDFS, ce.id)
    docs, found, window = _stored_pdfs(stored[1] if stored is not None else None)
    if (
        stored is not None
        and stored[0] == job.pdf_key
        and docs is not None
        and window is not None
        and job.today in window
    ):
        return {path: pdf for path, (_, pdf) in docs.items()}, list(found), 0, window
    docs = docs or {}
    packs = validated.library.packs if validated.library else {}
    ts = _typesetter()
    # what is published on the day: nothing dated for publication later is printed
    sources, window = on_days(
        lambda day: centre_sources(
            published_on(ce, day),
            packs.get(ce.rule_pack),
            site_url=job.site_url or "",
            results=validated.results[ce.id],
            corrections=corrections_on(validated.corrections[ce.id], ce, day),
            manuals=validated.manuals[ce.id],
            fonts=ts.fonts,
            today=day,
        ),
        job.today,
    )
    made: dict[str, tuple[str, bytes]] = {}
    compiled: dict[str, str] = {}  # path → the text it prints (privacy.typst_text)
    for path, src in sources.items():
        key = _document_key(cache, path, src)
        old = docs.get(path)
        if old is not None and old[0] == key:
            made[path] = old
        else:
            made[path] = (key, ts.compile(src.source, files=src.files))
            compiled[path] = typst_text(src.source, src.files)
    pdfs = {path: pdf for path, (_, pdf) in made.items()}
    project = Project(job.project_root)
    # the guard reads what the PDFs compiled now print, from their sources; all of them
    # again when it found anything (its problems name every file a number is in)
    problems = scan_outputs({}, [ce], project, texts=compiled)
    if problems or found:
        every = {path: typst_text(src.source, src.files) for path, src in sources.items()}
        problems = scan_outputs({}, [ce], project, texts=every)
    cache.put(PDFS, ce.id, job.pdf_key, (made, tuple(problems), window))
    return pdfs, problems, len(compiled), window


def _document_key(cache: BuildCache, path: str, src: PrintSource) -> str:
    """The key of one PDF: the generator and tools (``cache.version``), its path, its Typst
    source and the files it reads (a QR code, a chart)."""
    return digest("pdf-document", cache.version, path, src.source, sorted(src.files.items()))


def _stored_pdfs(
    value: object,
) -> tuple[dict[str, tuple[str, bytes]] | None, tuple[Problem, ...], Window | None]:
    """The documents (path → (key, PDF)), problems and window of a stored PDFs entry;
    (None, (), None) when it is not one."""
    if not (isinstance(value, tuple) and len(value) == 3 and isinstance(value[0], dict)):
        return None, (), None
    docs, problems, window = value
    for item in docs.values():
        if not (
            isinstance(item, tuple)
            and len(item) == 2
            and isinstance(item[0], str)
            and isinstance(item[1], bytes)
        ):
            return None, (), None
    if not isinstance(problems, tuple) or not all(isinstance(p, Problem) for p in problems):
        return None, (), None
    return docs, problems, Window.of(window)


def _sources(
    job: PartJob, validated: Validated, pdf_paths: frozenset[str], day: dt.date
) -> tuple[SiteSources, dict[str, bytes]]:
    """The centre's pages and data files on ``day``, and each one's bytes by docs path."""
    (ce,) = validated.centres
    packs = validated.library.packs if validated.library else {}
    sources = render_centre(
        ce,
        packs.get(ce.rule_pack),
        job.project_root,
        today=day,
        pdf_paths=pdf_paths,
        site_url=job.site_url,
        corrections=validated.corrections[ce.id],
        results=validated.results[ce.id],
        manuals=validated.manuals[ce.id],
    )
    made = {rel: text.encode("utf-8") for rel, text in sources.pages.items()}
    made.update(sources.files)
    return sources, made


def make_part(job: PartJob) -> PartResult:
    """``build_part``, then the memory it freed handed back to the system (``heap.give_back``):
    a worker makes hundreds of parts one after another."""
    result = build_part(job)
    give_back()
    return result


def build_part(job: PartJob) -> PartResult:
    """Make one centre's part and store it in the cache; its result (problems stop the build).

    Its pages and data files are rendered with the day watched (``figures.window.on_days``),
    as its PDFs' sources are: the part holds on every day of both windows, and a build on one
    of those days with the same key reuses it."""
    cache = _cache(job.cache_folder)
    validated = part_validated(job, cache)
    project = Project(job.project_root)
    (ce,) = validated.centres
    result = PartResult(ce.id)
    pdfs, pdf_problems, result.pdfs_made, pdf_window = _pdfs(job, validated, cache)
    result.problems.extend(pdf_problems)
    (sources, made_now), window = on_days(
        lambda day: _sources(job, validated, frozenset(pdfs), day), job.today
    )
    result.window = Window(max(window.first, pdf_window.first), min(window.last, pdf_window.last))
    result.notes.extend(sources.notes)
    files = dict(made_now)
    for rel, src in sources.copies.items():
        files[rel] = src.read_bytes()
    for rel in pdfs:
        if rel in files:
            raise BuildFailed(f"两项输出要写入同一个文件 {rel}（打印版 PDF）")
    allowed = allowed_key([ce], project)
    result.pages_from = _pages_digest(cache, ce.id, job.site_url, files, pdfs, sources, allowed)
    same = _same_pages(cache, ce.id, result.pages_from)
    # the same files with the same numbers allowed: the guard finds what it found then
    result.scanned = same.scanned if same is not None else scan_outputs(files, [ce], project)
    result.problems.extend(result.scanned)
    if result.failed:
        return result
    files.update(pdfs)
    result.pages = len(sources.pages)
    result.pdfs = len(pdfs)
    parts = cache.folder / PARTS
    parts.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix=f".{ce.id}.new-", dir=parts))
    try:
        docs, site, made = work / "docs", work / "site", work / "part"
        if same is not None:  # the pages are those of the part in the cache: no mkdocs run
            _reuse_pages(cache.folder_for(PARTS, ce.id), same, made, pdfs)
        else:
            for rel, data in files.items():
                target = docs / rel
                target.parent.mkdir(parents=True, exist_ok=True)
                write_new(target, data)
            words = work / "search-words.txt"
            write_search_words(sources.words, words)
            cfg = centre_config(site_config(docs, site, words, job.site_url), ce.id)
            run_mkdocs(write_config(work / "mkdocs.yml", cfg), job.today)
            _keep_own(site, made, ce.id)
        _record(made, result)
        kept = cache.put_folder(PARTS, ce.id, job.key, made)
        result.stats = folder_stats(kept, result.manifest)
        cache.put(PARTS, ce.id, job.key, result)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return result


def _pages_digest(
    cache: BuildCache,
    centre_id: str,
    site_url: str | None,
    files: dict[str, bytes],
    pdfs: dict[str, bytes],
    sources: SiteSources,
    allowed: str,
) -> str:
    """The digest of what a part's mkdocs run is given but the PDFs' bytes: the generator
    and tools (``cache.version``, the project's mkdocs.yml among them), the centre, the site
    address, every page and data file, the PDFs' paths and the search words; and
    ``allowed``, the numbers the personal-data guard allows (``privacy.allowed_key``). mkdocs
    copies a PDF as it is and indexes no PDF, so two runs given the same differ only in the
    PDFs, and the guard finds the same in the rest."""
    return digest(
        "part pages",
        cache.version,
        centre_id,
        site_url,
        sorted((rel, hashlib.sha256(data).hexdigest()) for rel, data in files.items()),
        sorted(pdfs),
        sorted(sources.words),
        allowed,
    )


def _same_pages(cache: BuildCache, centre_id: str, pages_from: str) -> PartResult | None:
    """The centre's part in the cache (under any key) when its mkdocs run was given what
    ``pages_from`` says and its folder still holds every file it was made with
    (``tree.stats_match``); None otherwise. A part whose day state moved without changing a
    page (a window ended, a holiday passed that only the hours posting printed) is made
    again from it: its PDFs made anew, its pages and data kept."""
    stored = cache.get_entry(PARTS, centre_id)
    if stored is None:
        return None
    key, old = stored
    if (
        isinstance(old, PartResult)
        and old.pages_from == pages_from
        and _folder_holds(cache, centre_id, key, old)
    ):
        return old
    return None


def _reuse_pages(folder: Path, old: PartResult, made: Path, pdfs: dict[str, bytes]) -> None:
    """``made``: the files of the part ``old`` in ``folder`` (linked, or copied on a file
    system without links), its PDFs replaced by ``pdfs`` (at the same paths:
    ``_pages_digest``)."""
    made.mkdir()
    for rel, _sha in manifest_items(old.manifest):
        target = made / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        if rel in pdfs:
            write_new(target, pdfs[rel])
            continue
        try:
            os.link(folder / rel, target)
        except OSError:
            copy_file(folder / rel, target)


def _keep_own(site: Path, made: Path, centre_id: str) -> None:
    """Move the centre's own folders of a finished site into ``made``; the site engine's
    search index becomes the centre's, with addresses relative to the centre's folder."""
    made.mkdir()
    for root in SHARD_ROOTS:
        src = site / root / centre_id
        if src.is_dir():
            (made / root).mkdir()
            src.rename(made / root / centre_id)
    engine = chosen_engine()
    target = made / "centres" / centre_id / search_index(engine)
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(scoped_index(site, f"centres/{centre_id}/", engine))


def _record(made: Path, result: PartResult) -> None:
    """The manifest lines and pages of the finished part ``made``, into ``result``."""
    for path in sorted(made.rglob("*")):
        if path.is_file():
            rel = path.relative_to(made).as_posix()
            result.manifest.append(manifest_line(rel, path.read_bytes()))
            if rel.endswith(".html"):
                result.html.append(rel)
