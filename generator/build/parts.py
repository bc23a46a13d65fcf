"""One centre's part of the site: its pages, open data and PDFs, built as its own mkdocs site.

The build (generator.build.orchestrate) makes the site in parts: one part per centre (``centres/<id>/``,
``data/<id>/``, ``print/<id>/``) and the city part (home, centres index, open data, about).
A part is made by ``build_part`` — in a worker process when there are several — from a
``PartJob`` that says where everything it needs is, and lands in the build cache
(``.gongshi-cache/parts/<id>/``) under its key, ready to be copied into the published folder.
A record change therefore re-makes one centre's part; the other parts are reused.

A worker reads the centre's whole check (``CHECKED``) and its rule results on the day
(``COMPLIANCE``) from the cache, where ``check_part`` put them, and hands them to the writers
on a one-centre ``Validated`` (``pipeline.assemble``): a part recomputes neither. Rule
results are stored as each rule's id and findings (``stored_results``) and restored with the
rules of the pack as loaded (``restored_results``).

Each part's mkdocs run writes its own search index; the part keeps only its centre's
entries, with addresses relative to the centre's folder, as
``centres/<id>/search/search_index.json``: the search scope of a centre's pages is that
centre (the theme override ``main.html`` points mkdocs-material's search there).
"""

from __future__ import annotations

import datetime as dt
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from generator.build.cache import BuildCache, manifest_line
from generator.build.engine import chosen_engine, scoped_index, search_index
from generator.build.mkdocs_site import (
    centre_config,
    run_mkdocs,
    site_config,
    write_config,
    write_search_words,
)
from generator.build.privacy import scan_outputs
from generator.build.tree import write_new
from generator.compliance import RuleResult
from generator.errors import BuildFailed
from generator.figures.calendar import corrections_on, published_on
from generator.packs.library import Library
from generator.pipeline import CentreChecked, assemble, check_centre, project_library, rule_results
from generator.print.documents import render_centre_pdfs
from generator.print.typeset import Typesetter
from generator.problems import Problem, Severity
from generator.records.validate import Project, Validated
from generator.rules.base import Finding
from generator.site.pages import render_centre
from generator.urls import SHARD_ROOTS

CHECKED = "checked"  # a centre's whole check (pipeline.CentreChecked)
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
    checked: tuple[str, str]  # (name, key) of the centre's whole check in the cache (CHECKED)
    results: tuple[str, str]  # (name, key) of its rule results on today (COMPLIANCE)
    content_key: str  # hash of content/ (the rule packs the worker loads)
    project_root: Path
    cache_folder: Path
    today: dt.date
    site_url: str | None
    pdf: bool
    key: str  # the part's key (cache.part_key): its files, results, day_facts; not the day
    pdf_key: (
        str  # the PDFs' key (cache.pdf_key): files, results, withheld, what of the day they print
    )


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

    @property
    def failed(self) -> bool:
        return any(p.severity is Severity.ERROR for p in self.problems)


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


# A rule result as the cache keeps it: the rule's id and its findings (the rule itself is
# the pack's, restored from the library: one copy of each rule in a process, not one per
# centre).
StoredResults = tuple[tuple[str, tuple[Finding, ...]], ...]


def stored_results(results: tuple[RuleResult, ...]) -> StoredResults:
    return tuple((r.rule.id, r.findings) for r in results)


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
    """A centre folder to check and its compliance on ``today`` (``check``: its light check is
    not in the cache either, so it is stored too)."""

    project_root: Path
    cache_folder: Path
    folder: Path
    key: str  # the check's key (orchestrate.CachedChecks)
    content_key: str  # hash of content/ (the rule packs the worker loads)
    today: dt.date
    compliance_key: str
    check: bool


def whole_check(
    cache: BuildCache, project: Project, folder: Path, key: str, library: Library
) -> CentreChecked:
    """A centre's whole check from the cache, or checked now and stored there."""
    whole = cache.get(CHECKED, folder.name, key)
    if whole is None:
        whole = check_centre(project, folder, library)
        cache.put(CHECKED, folder.name, key, whole)
    return whole


def check_part(job: CheckJob) -> tuple[CentreChecked, StoredResults | None]:
    """Check one centre folder into the cache (whole and light) and apply its rules on the
    day (stored in the cache too); the light check and the stored rule results (None when
    the records have errors)."""
    cache = _cache(job.cache_folder)
    project = Project(job.project_root)
    library = _library(project, job.content_key)
    whole = whole_check(cache, project, job.folder, job.key, library)
    if job.check:
        cache.put(LIGHT, job.folder.name, job.key, whole.light())
    if whole.centre is None:
        return whole, None
    stored = stored_results(rule_results(whole, library, job.today))
    cache.put(COMPLIANCE, job.folder.name, job.compliance_key, stored)
    return whole.light(), stored


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
    whole = cache.get(CHECKED, *job.checked)
    if whole is None or whole.centre is None:
        raise BuildFailed(
            f"生成缓存中缺少中心 {job.centre_id} 的检查结果（可能被同时运行的另一次生成改动）；"
            "请重新运行 gongshi build"
        )
    results = restored_results(library, whole, cache.get(COMPLIANCE, *job.results))
    if results is None:  # the cache changed under the build: apply the rules again
        results = rule_results(whole, library, job.today)
    return assemble(project, library, [(whole, results)], job.today)


def _pdfs(
    job: PartJob, validated: Validated, cache: BuildCache
) -> tuple[dict[str, bytes], list[Problem]]:
    """The centre's PDFs and what the personal-data guard found in them, cached by pdf_key."""
    if not job.pdf:
        return {}, []
    (ce,) = validated.centres
    hit = cache.get(PDFS, ce.id, job.pdf_key)
    if hit is not None:
        return hit
    packs = validated.library.packs if validated.library else {}
    # what is published on the day: nothing dated for publication later is printed
    pdfs = render_centre_pdfs(
        published_on(ce, job.today),
        packs.get(ce.rule_pack),
        site_url=job.site_url or "",
        results=validated.results[ce.id],
        corrections=corrections_on(validated.corrections[ce.id], ce, job.today),
        manuals=validated.manuals[ce.id],
        typesetter=_typesetter(),
        today=job.today,
    )
    problems = scan_outputs(pdfs, [ce], Project(job.project_root))
    cache.put(PDFS, ce.id, job.pdf_key, (pdfs, problems))
    return pdfs, problems


def build_part(job: PartJob) -> PartResult:
    """Make one centre's part and store it in the cache; its result (problems stop the build)."""
    cache = _cache(job.cache_folder)
    project = Project(job.project_root)
    validated = part_validated(job, cache)
    (ce,) = validated.centres
    packs = validated.library.packs if validated.library else {}
    result = PartResult(ce.id)
    pdfs, pdf_problems = _pdfs(job, validated, cache)
    result.problems.extend(pdf_problems)
    sources = render_centre(
        ce,
        packs.get(ce.rule_pack),
        job.project_root,
        today=job.today,
        pdf_paths=frozenset(pdfs),
        site_url=job.site_url,
        corrections=validated.corrections[ce.id],
        results=validated.results[ce.id],
        manuals=validated.manuals[ce.id],
    )
    result.notes.extend(sources.notes)
    files: dict[str, bytes] = {}
    for rel, text in sources.pages.items():
        files[rel] = text.encode("utf-8")
    files.update(sources.files)
    for rel, src in sources.copies.items():
        files[rel] = src.read_bytes()
    result.problems.extend(scan_outputs(files, [ce], project))
    if result.failed:
        return result
    for rel in pdfs:
        if rel in files:
            raise BuildFailed(f"两项输出要写入同一个文件 {rel}（打印版 PDF）")
    files.update(pdfs)
    result.pages = len(sources.pages)
    result.pdfs = len(pdfs)
    parts = cache.folder / PARTS
    parts.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix=f".{ce.id}.new-", dir=parts))
    try:
        docs, site, made = work / "docs", work / "site", work / "part"
        for rel, data in files.items():
            target = docs / rel
            target.parent.mkdir(parents=True, exist_ok=True)
            write_new(target, data)
        words = work / "search-words.txt"
        write_search_words(sources.words, words)
        cfg = centre_config(site_config(docs, site, words, job.site_url), ce.id)
        run_mkdocs(write_config(work / "mkdocs.yml", cfg), job.today)
        _keep_own(site, made, ce.id, result)
        cache.put_folder(PARTS, ce.id, job.key, made)
        cache.put(PARTS, ce.id, job.key, result)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return result


def _keep_own(site: Path, made: Path, centre_id: str, result: PartResult) -> None:
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
    for path in sorted(made.rglob("*")):
        if path.is_file():
            rel = path.relative_to(made).as_posix()
            result.manifest.append(manifest_line(rel, path.read_bytes()))
            if rel.endswith(".html"):
                result.html.append(rel)
