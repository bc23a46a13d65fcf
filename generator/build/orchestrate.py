"""Build the website: check the project, make its parts, assemble them and publish them.

The project is checked through the pipeline's loader (``pipeline.load``) with the build
cache's ``CachedChecks``: each centre's check and its day state (generator.build.days) come
from the cache when nothing they are made from changed and the day is in the state's window.
The site is then made in parts (one per centre, kept in the cache; one for the city pages, in
a temporary folder beside the output; generator.build.parts, generator.build.city), each by
mkdocs-material, and published at the end by bringing the output's spare tree to the new site
and pointing the output link at it (generator.build.publish), so a failed build leaves the
previous output untouched. A whole build whose inputs and day are those of the last one, into
an output still as it left it, reports that build and makes nothing (``_unchanged``).
``gongshi serve`` previews exactly this build (``preview_site``).

mkdocs runs in this process (``mkdocs.commands.build.build`` on a loaded config): no second
interpreter start, warnings are collected from its logger and turn into a failed build
(strict mode: a broken link between pages is a bug), and the search word list is handed to
the search plugin through the generated config.

Publishing goes centre by centre (``pipeline.held_back``). A centre whose records have an
error is not made again and waits for correction (generator.build.awaiting); every other
centre and the city pages are published; the build reports the errors and says which centres
wait. Errors in content/ (rule packs, catalogues, manual templates), which every centre
depends on, or in the city pages publish nothing.

Just before a build publishes its site, ``build_site`` records what it publishes in each
published centre's ledger (generator.build.ledgers), unless ``ledger=False`` or a preview: a
build stopped between the two leaves a ledger ahead of the site, never behind it. The site
carries ``published-state.json`` (what each centre's ledger held when it was published, with
the attachments' hashes); the next build into the same output folder holds back a centre
whose ledger lost or re-dated an entry or an applied correction, or whose attachment was
replaced (``ledgers.shortened``).

One build at a time per project (``cache.build_lock``); it first puts back an output link a
stopped build left missing (``publish.recover``) and finishes or undoes a folder swap of an
earlier version (``tree.recover_output``). A file that cannot be written (a
full disk, a read-only or forbidden folder) stops the build with a message naming it; the
published site stays as it was.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import errno
import hashlib
import os
import sys
import tempfile
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path

from generator.build.awaiting import Unpublished
from generator.build.cache import (
    CACHE_DIR,
    BuildCache,
    DataEntry,
    build_lock,
    digest,
    manifest_entry,
    manifest_line,
    part_key,
    pdf_key,
)
from generator.build.city import (
    HSDS,
    JOINED,
    CityResult,
    Joined,
    KeptCuts,
    build_city,
    kept_hsds,
    write_joined_data,
)
from generator.build.days import DayState, centre_day
from generator.build.engine import unload_jieba
from generator.build.heap import (
    ends_after_build,
    give_back,
    keep_to_the_end,
    kept_for_the_build,
    no_cycle_collection,
)
from generator.build.ledgers import (
    PUBLISHED_STATE,
    CentreLedger,
    attachments_of,
    centre_state,
    read_published_state,
    shortened,
    state_bytes,
    write_ledgers,
)
from generator.build.parts import (
    CHECKED,
    COMPLIANCE,
    LAST,
    LIGHT,
    PARTS,
    PDFS,
    CheckJob,
    PartJob,
    PartResult,
    cached_centre,
    check_key,
    checked_centre,
    make_part,
    read_centre,
    restored_results,
    reusable_part,
    whole_of,
    written_check,
)
from generator.build.publish import (
    Ahead,
    Checking,
    Publication,
    Trees,
    check_ahead,
    intact,
    output_path,
    publish_beside,
    published_file,
    read_ahead,
    recover,
)
from generator.build.tree import (
    MANIFEST,
    check_site_links,
    manifest_items,
    recover_output,
    write_manifest,
    write_new,
    write_sitemap,
)
from generator.build.workers import Workers, run_here
from generator.errors import BuildFailed
from generator.packs.library import Library
from generator.pipeline import (
    CentreChecked,
    Checked,
    centre_folder,
    held_back,
    load,
)
from generator.problems import Report
from generator.records.load import LEDGER_FILE
from generator.records.validate import Project, centre_dirs, find_project


@dataclass
class BuildResult:
    """What a build did: its report, where the site went, and the centres it held back."""

    report: Report
    out: Path | None = None
    pages: int = 0
    pdfs: int = 0
    notes: list[str] = field(default_factory=list)
    ledgers: list[Path] = field(default_factory=list)  # the published.yaml files written
    made: list[str] = field(default_factory=list)  # centres whose part was made, not reused
    reused: list[str] = field(default_factory=list)  # centres whose part came from the cache
    pdfs_made: int = 0  # PDFs compiled by this build (the others came from the cache)
    # centres not published because their records have errors → since when (the first build
    # day of the errors); the site keeps the last published part of those in ``kept``
    awaiting: dict[str, dt.date] = field(default_factory=dict)
    kept: list[str] = field(default_factory=list)


def build_site(
    path: Path,
    out: Path | None = None,
    *,
    today: dt.date | None = None,
    site_url: str | None = None,
    pdf: bool = True,
    ledger: bool = True,
    jobs: int | None = None,
    preview: bool = False,
) -> BuildResult:
    """Build the site for the project around ``path`` into ``out`` (default public/).

    The site is made in parts (one per centre, one for the city pages; generator.build.parts),
    ``jobs`` worker processes at a time (default: one per core), a centre's part taken from
    the build cache ``.gongshi-cache/`` when nothing it is made from has changed.

    A centre whose records have errors is not published: its last published part stays (see
    the module docstring); every other centre is. With ``ledger`` (the default), the build
    then records what it published in each published centre's ``published.yaml``.
    ``preview``: a build for ``gongshi serve`` (nothing of it is remembered for later builds).
    """
    today = today or dt.date.today()
    project = find_project(path)
    out = Path(out) if out is not None else project.root / "public"
    cache_folder = project.root / CACHE_DIR
    try:
        with build_lock(cache_folder, project.display(cache_folder)):
            recovered = recover_output(out)
            cache = BuildCache(cache_folder)
            recovered += recover(out)
            with Workers(jobs) as workers, kept_for_the_build() as keep:
                result = _build(
                    project,
                    path,
                    out,
                    cache,
                    workers,
                    today=today,
                    site_url=site_url,
                    pdf=pdf,
                    ledger=ledger,
                    preview=preview,
                    keep=keep,
                )
    except OSError as exc:
        raise BuildFailed(write_failure(exc, out, project)) from exc
    result.notes[:0] = recovered
    return result


# errno → what it means for the user, when writing the output, the cache or a ledger fails
_WRITE_ERRORS = {
    errno.ENOSPC: "磁盘空间已满",
    errno.EFBIG: "文件超出了系统允许的大小",
    errno.EDQUOT: "磁盘配额已用完",
    errno.EROFS: "所在的文件系统是只读的",
    errno.EACCES: "没有写入权限",
    errno.EPERM: "没有写入权限",
}


def write_failure(exc: OSError, out: Path, project: Project) -> str:
    """The message for a file the build could not write (or read): which file, why, and that
    the published site is as it was."""
    if exc.filename is not None:
        shown = project.display(Path(os.fsdecode(exc.filename)))
    else:  # a write deep in a tool (mkdocs, typst): the site being made or the cache
        shown = f"{project.display(out.parent)} 或 {project.display(project.root / CACHE_DIR)}"
    why = _WRITE_ERRORS.get(exc.errno or 0) or exc.strerror or type(exc).__name__
    hint = {
        errno.ENOSPC: "请腾出磁盘空间后重新运行 gongshi build",
        errno.EDQUOT: "请腾出磁盘空间后重新运行 gongshi build",
        errno.EFBIG: "请检查磁盘空间和文件大小限制（ulimit -f）后重新运行 gongshi build",
        errno.EROFS: "请把输出位置（--out）改到可写的文件夹，或重新挂载为可写后重新运行",
    }.get(exc.errno or 0, "请检查该位置的写入权限后重新运行 gongshi build")
    return f"无法写入 {shown}：{why}。本次生成已停止，原有网站 {out} 保持不变；{hint}"


def preview_site(
    path: Path, out: Path, *, today: dt.date, pdf: bool = True, jobs: int | None = None
) -> BuildResult:
    """What ``gongshi serve`` shows: the build of ``path`` into ``out``, by the same path as
    ``gongshi build`` (the build cache included), without a site address and without any
    ledger write (a preview is not a publication)."""
    return build_site(
        path, out, today=today, site_url=None, pdf=pdf, ledger=False, jobs=jobs, preview=True
    )


def _build(
    project: Project,
    path: Path,
    out: Path,
    cache: BuildCache,
    workers: Workers,
    *,
    today: dt.date,
    site_url: str | None,
    pdf: bool,
    ledger: bool,
    preview: bool,
    keep: Callable[[], None],
) -> BuildResult:
    """``build_site`` in its cache and workers; ``keep()``: what the build made so far
    lives as long as it (``heap.kept_for_the_build``)."""
    only = centre_folder(project, path)
    folders = centre_dirs(project) if only is None else []
    many = len(folders) > READ_HERE
    if many:
        # its modules load meanwhile: the folders' hashes
        workers.warm(words=_first_build(cache, len(folders)))
    # a whole build of the same records, content, generator, options and day into the same,
    # untouched output folder: the site is already what this build would make
    inputs = (
        _inputs_key(project, folders, cache, out, today, site_url, pdf, ledger)
        if only is None
        else ""
    )
    if inputs and not preview:
        unchanged = _unchanged(cache, out, inputs)
        if unchanged is not None:
            return unchanged
    checks = CachedChecks(cache, workers, (site_url, pdf))
    # the centres read (thousands of objects each, kept for the whole build) are not walked
    # by the cycle collector as they come, nor by its passes after
    with no_cycle_collection():
        validated = load(project, only, today, checks)
        keep()
    # its centres are city views (pipeline.city_view): the parts read the whole centres
    previous = read_published_state(out, MANIFEST) if out.is_dir() else {}
    for cid, cc in checks.checked.items():
        if cid in previous and cc.ledger is not None and cc.ledger_path is not None:
            attachments = attachments_of(
                cc.centre, cc.folder, set(previous[cid].get("entries", {}))
            )
            validated.report.extend(
                shortened(previous[cid], cc.ledger, project.display(cc.ledger_path), attachments)
            )
    held = held_back(validated)
    if held.shared:  # content/ has errors: no centre can be published
        return BuildResult(validated.report)
    corrections = validated.corrections
    unpublished = Unpublished(project, validated, out, cache, today)
    for name in held.centres:
        unpublished.add(name)
    publish = held.publishable(validated.centres)

    # a part's key: its files and its day state, not the build day (cache.part_key)
    keys, pdf_keys = {}, {}
    for ce in publish:
        st = checks.states[ce.id]
        files = checks.inputs[ce.id]
        keys[ce.id] = part_key(files, st.pages, st.pdfs, site_url, pdf)
        pdf_keys[ce.id] = pdf_key(files, st.pdfs, site_url)

    def job(cid: str) -> PartJob:
        return PartJob(
            cid,
            checks.refs[cid],
            checks.content,
            project.root,
            cache.folder,
            today,
            site_url,
            pdf,
            key=keys[cid],
            pdf_key=pdf_keys[cid],
        )

    stored_clean = cache.get(GUARD, "city", cache.version)
    clean = (
        {k for k in stored_clean if isinstance(k, str)}
        if isinstance(stored_clean, frozenset)
        else set()
    )
    out.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix=f".{out.name}.build-", dir=out.parent) as tmp_name:
        tmp = Path(tmp_name)
        site = tmp / "site"

        def city() -> CityResult:
            published = [ce for ce in publish if ce.id not in unpublished.entries]
            made = build_city(
                unpublished.city_centres(published),
                unpublished.city_corrections(published, corrections),
                validated,
                project,
                tmp,
                site,
                today=today,
                site_url=site_url,
                awaiting=unpublished.awaiting(),
                clean=clean,
                aside=workers.aside,
                hsds_parts=kept_hsds(cache, checks.inputs, site_url),
                cuts=KeptCuts(cache),
            )
            if ends_after_build():
                unload_jieba()  # the city pages were the last text this process cuts
            give_back()  # what the city pages freed, while the workers may be making parts
            return made

        # the output's record (``build.publish``): a large site's is read, and published
        # with, in the process beside the workers, which reads it while this one makes the
        # city pages (the centres are read by then: it takes no time from their reading)
        beside = workers.aside if many else run_here
        trees_entry = _trees_entry(cache, out)
        ahead = beside(read_ahead, Ahead(trees_entry, tuple(JOINED)))
        # the files of the parts taken from the cache, looked for in the output meanwhile
        looked_ahead = (
            workers.aside(
                check_ahead, Checking(out, _reused_files(keys, checks.found), trees_entry)
            )
            if many
            else lambda: 0
        )
        made, city_result = make_parts(keys, job, cache, workers, city, today, checks.found)
        parts = []
        for part in made:
            validated.report.extend(part.problems)
            if part.failed:  # the personal-data guard found a number in its pages or PDFs
                unpublished.add(part.centre_id)
            else:
                parts.append(part)
        if len(parts) < len(made):  # the city pages listed a centre that is not published
            city_result = city()
        notes = list(city_result.notes)
        validated.report.extend(city_result.problems)
        if any(p.record_error for p in city_result.problems):
            return BuildResult(validated.report)
        # the parts' files stay in the cache until they are published (a copy of each, or
        # a link to the same file already published: build.publish); the rest is written
        # into ``site``
        from_parts: dict[str, tuple[str, str]] = {}
        for part in parts:
            notes.extend(part.notes)
            # strings, not paths: this runs for every file of the site
            folder = os.fspath(cache.folder_for(PARTS, part.centre_id))
            for rel, sha in manifest_items(part.manifest):
                if rel in from_parts:
                    raise BuildFailed(f"两项输出要写入同一个文件 {rel}")
                from_parts[rel] = (sha, f"{folder}/{rel}")
        kept_lines, kept_html = unpublished.keep(site)
        lines = city_result.manifest + kept_lines
        pieces = {
            **from_parts,
            **{rel: (sha, site / rel) for rel, sha in manifest_items(kept_lines)},
        }
        joined = write_joined_data(
            site, city_result.centres, pieces, _last_joined(cache, out, ahead())
        )
        lines += [manifest_entry(rel, sha) for rel, (_from, sha, _path) in joined.items()]
        lines.append(unpublished.write_state(site))
        fresh = [p for part in parts if part.fresh for p in part.html]
        every: dict[str, str | Path] = {rel: site / rel for rel, _sha in manifest_items(lines)}
        every.update((rel, path) for rel, (_from, _sha, path) in joined.items())
        every.update((rel, path) for rel, (_sha, path) in from_parts.items())
        check_site_links(every, city_result.html + fresh)
        pages = city_result.html + [p for part in parts for p in part.html] + kept_html
        lines += write_sitemap(site, pages, site_url)
        published = {part.centre_id for part in parts}
        recorded = ledger and not preview
        states = {
            cid: centre_state(
                cc.ledger, cc.published, cc.centre, cc.folder, today, recorded=recorded
            )
            for cid, cc in checks.checked.items()
            if cid in published and cc.ledger is not None and cc.centre is not None
        }
        # every centre folder of the project (a one-centre build publishes one of them)
        names = {folder.name for folder in centre_dirs(project)}
        for cid, state in previous.items():  # held back, or not built this time
            if cid not in published and cid in names:
                states[cid] = state
        data = state_bytes(states)
        write_new(site / PUBLISHED_STATE, data)
        lines.append(manifest_line(PUBLISHED_STATE, data))
        written_here = {rel: (sha, site / rel) for rel, sha in manifest_items(lines)}
        written_here.update((rel, (sha, path)) for rel, (_from, sha, path) in joined.items())
        lines += [line for part in parts for line in part.manifest]
        manifest = write_manifest(site, lines)
        written_here[MANIFEST] = (hashlib.sha256(manifest).hexdigest(), site / MANIFEST)
        files = {**from_parts, **written_here}
        if len(files) != len(from_parts) + len(written_here):
            clash = sorted(set(from_parts) & set(written_here))
            raise BuildFailed(f"两项输出要写入同一个文件 {clash[0]}")
        # the ledgers first: a ledger may be ahead of the live site (a build stopped before
        # its swap), never behind what the site's published-state.json says it holds
        ledgers = tuple(
            CentreLedger(
                cc.ledger_path, cc.ledger, cc.published, lambda cid=cid: checks.written(cid).centre
            )
            for cid, cc in checks.checked.items()
            if cid in published and cc.ledger is not None and cc.ledger_path is not None
        )
        written = write_ledgers(ledgers, today, project) if recorded else []
        looked_ahead()  # the parts' files found in the spare tree (or an error of it)
        published_site = beside(publish_beside, Publication(out, files, trees_entry))
        # meanwhile, what is stored whether or not the site is published
        made_from = {rel: [source, sha] for rel, (source, sha, _path) in joined.items()}
        cache.put_data(JOINED_DATA, _site_name(out), _site_key(out), made_from)
        cache.put(GUARD, "city", cache.version, frozenset(clean))
        for kind in (PARTS, PDFS, LAST, HSDS):  # a one-centre build keeps the rest's
            cache.forget(kind, names)
        published_site()
    if not preview:
        unpublished.remember(
            [ce for ce in publish if ce.id in published], checks.inputs, corrections
        )
    cache.save()
    replay = list(notes)
    notes.extend(f"已把新公布的公示和更正记入公示台账 {project.display(p)}" for p in written)
    if pdf and any(not p.fresh for p in parts):
        made_pdfs = sum(p.pdfs_made for p in parts)
        notes.append(f"本次排版了 {made_pdfs} 个 PDF，其余取自缓存")
    result = BuildResult(
        validated.report,
        out,
        sum(p.pages for p in parts) + city_result.pages,
        sum(p.pdfs for p in parts),
        notes,
        written,
        made=[p.centre_id for p in parts if p.fresh],
        reused=[p.centre_id for p in parts if not p.fresh],
        pdfs_made=sum(p.pdfs_made for p in parts),
        awaiting={name: a.since for name, a in unpublished.entries.items()},
        kept=[name for name, a in unpublished.entries.items() if a.pages],
    )
    if inputs and not preview:
        # what the next build of the same inputs reports without making anything
        same = dataclasses.replace(
            result,
            notes=replay,
            ledgers=[],
            made=[],
            reused=result.made + result.reused,
            pdfs_made=0,
        )
        cache.put(BUILDS, _site_name(out), _build_key(inputs, out), same)
    if not preview:  # ``gongshi serve`` builds again and again in one process
        keep_to_the_end(validated, checks, parts, files, every, pieces, city_result)
    return result


SITE_FILES = "site-trees"  # the files of each output folder's two trees (build.publish)
BUILDS = "builds"  # each output folder's last whole build: its inputs and what it reported
# each output folder's all-centres tables: what each was joined from (city.write_joined_data)
JOINED_DATA = "joined"
GUARD = "guard"  # the city files the personal-data guard found clean (privacy.clean_key)


def _site_name(out: Path) -> str:
    return digest("output folder", str(output_path(out)))[:24]


def _site_key(out: Path) -> str:
    return digest("output trees", str(output_path(out)))


def _reused_files(
    keys: Mapping[str, str], found: Mapping[str, tuple[str, PartResult | None]]
) -> dict[str, str]:
    """The files (path → SHA-256) of the centres' parts that the reading of the centres found
    in the cache under their keys (``CachedChecks.found``): those ``make_parts`` reuses."""
    out: dict[str, str] = {}
    for cid, key in keys.items():
        looked = found.get(cid)
        if looked is not None and looked[0] == key and looked[1] is not None:
            out.update((rel, sha) for rel, sha in manifest_items(looked[1].manifest))
    return out


def _last_joined(cache: BuildCache, out: Path, trees: Trees) -> dict[str, Joined]:
    """The all-centres tables of the live site as the last build joined them (by site path:
    the digest of their pieces, their hash, the file), those still in the live tree as
    published (``publish.published_file``)."""
    stored = cache.get_data(JOINED_DATA, _site_name(out), _site_key(out))
    out_of: dict[str, Joined] = {}
    for rel, item in (stored if isinstance(stored, dict) else {}).items():
        if not (
            isinstance(item, list) and len(item) == 2 and all(isinstance(x, str) for x in item)
        ):
            continue
        path = published_file(out, trees, rel, item[1])
        if path is not None:
            out_of[rel] = (item[0], item[1], path)
    return out_of


def _trees_entry(cache: BuildCache, out: Path) -> DataEntry:
    """Where the cache keeps what the last build recorded of the output folder's trees
    (``build.publish``)."""
    return cache.data_entry(SITE_FILES, _site_name(out), _site_key(out))


def _inputs_key(
    project: Project,
    folders: Sequence[Path],
    cache: BuildCache,
    out: Path,
    today: dt.date,
    site_url: str | None,
    pdf: bool,
    ledger: bool,
) -> str:
    """Everything a whole build of the project is made from: the generator and tools
    (``cache.version``), content/, every file of each of ``folders`` (the project's centre
    folders, their ledgers included), the day and the options; file hashes remembered by
    stat (``FileHashes``)."""
    hashes = cache.hashes
    return digest(
        "build",
        cache.version,
        hashes.tree(project.content),
        [(f.name, hashes.tree(f)) for f in folders],
        today,
        site_url,
        pdf,
        ledger,
        str(output_path(out)),
    )


def _build_key(inputs: str, out: Path) -> str:
    """The key of the stored build: its inputs and the output's published-state.json, which
    a ledger check compares against (``ledgers.shortened``)."""
    state = out / PUBLISHED_STATE
    return digest(inputs, state.read_bytes() if state.is_file() else b"")


def _unchanged(cache: BuildCache, out: Path, inputs: str) -> BuildResult | None:
    """What the last whole build into ``out`` reported, when it was made from ``inputs`` and
    the output folder is still, file for file, what it published (``publish.intact``);
    None otherwise."""
    stored = cache.get(BUILDS, _site_name(out), _build_key(inputs, out))
    if not isinstance(stored, BuildResult):
        return None
    if not intact(out, Trees.of_rows(_trees_entry(cache, out).get_rows())):
        return None
    stored.out = out
    stored.notes = [*stored.notes, "记录、内容和日期都没有变化，网站已是最新，未重新生成"]
    return stored


# ---------------------------------------------------------------- the checks, cached


class CachedChecks:
    """The pipeline's checks (``pipeline.Checks``: ``check_centre``, then ``rule_results`` on
    the day) with each centre's results taken from the build cache when its files, the rule
    packs, the manual templates and the generator are unchanged; the others are checked by
    the workers (``parts.read_centre``), which store them in the cache.

    A centre's rule results come with the rest of its day state (generator.build.days) and
    the window of days on which that state is the same: on another day of the window the
    state is taken from the cache as it is, on a day after it the workers compute it again.

    ``run`` returns each centre's *light* check (its city view, problems, ledger) and its
    rule results; the whole check of a centre is read from the cache only where it is needed
    (``whole``). What the parts are made from is kept by centre id: ``inputs`` (the key of
    the centre's files), ``states`` (its day state), ``refs`` (where its whole check and its
    day state are in the cache).
    """

    def __init__(
        self,
        cache: BuildCache,
        workers: Workers,
        parts: tuple[str | None, bool] | None = None,
    ) -> None:
        self.cache = cache
        self.workers = workers
        # (site address, whether PDFs are made): look for each centre's part in the cache
        # while reading it (``parts.read_centre``)
        self.parts = parts
        self.content = ""  # hash of content/
        self.checked: dict[str, CentreChecked] = {}  # light checks of error-free centres
        self.inputs: dict[str, str] = {}
        self.states: dict[str, DayState] = {}
        self.refs: dict[str, tuple[str, str]] = {}
        # centre id → (the key of its part on the day, that part in the cache to reuse)
        self.found: dict[str, tuple[str, PartResult | None]] = {}
        # centre id → what its records' check is read from the cache with (``written``)
        self._written: dict[str, tuple[Project, Path, str, Library]] = {}

    def run(
        self, project: Project, library: Library, folders: Sequence[Path], today: dt.date
    ) -> list[Checked]:
        cache = self.cache
        self.content = content = cache.hashes.tree(project.content)
        # every centre's files are hashed here; then the workers read each from the cache, or
        # check it (``parts.read_centre``), handed out by a thread while this process goes on.
        # Of a few centres, those in the cache are read here, where it costs less than
        # starting the workers
        many = len(folders) > READ_HERE
        rows, jobs = [], []
        for folder in folders:
            records = cache.hashes.tree(folder, skip=lambda rel: rel == LEDGER_FILE)
            ledger_file = folder / LEDGER_FILE
            ledger_hash = cache.hashes.file(ledger_file) if ledger_file.is_file() else ""
            inputs = digest(cache.version, content, records, str(folder))
            key = check_key(inputs, ledger_hash)
            part = (inputs, *self.parts) if self.parts is not None else None
            jobs.append(CheckJob(project.root, cache.folder, folder, key, content, today, part))
            rows.append((folder, key, inputs))
        if many:
            reads = self.workers.submit_all(read_centre, jobs)
        else:
            reads = []
            for job in jobs:  # what must be checked goes to a worker, not read twice
                light, cached = cached_centre(job)
                check = partial(checked_centre, light=light)
                reads.append(
                    (lambda r=cached: r) if cached is not None else self.workers.submit(check, job)
                )
        out: list[Checked] = []
        for (folder, key, inputs), read in zip(rows, reads, strict=True):
            found = read()
            light, state = found.light, found.state
            if light.centre is None:
                out.append((light, None))
                continue
            written = (project, folder, key, library)
            results = restored_results(library, light, state.results if state else None)
            if state is None or results is None:  # stored by a process with other rule packs
                whole = whole_of(light, written_check(cache, *written))
                state, window = centre_day(whole, library, today)
                cache.put(COMPLIANCE, folder.name, key, (state, window))
                results = restored_results(library, light, state.results if state else None)
            # the light check leaves out what was held; the loader reports what of it is
            # after the day (``pipeline.assemble``: ``held_after``)
            out.append((dataclasses.replace(light, held=state.late), results))
            cid = light.centre.id
            self.checked[cid] = light
            self.states[cid] = state
            self._written[cid] = written
            self.refs[cid] = (folder.name, key)
            self.inputs[cid] = inputs
            if found.part_key:
                self.found[cid] = (found.part_key, found.part)
        names = [folder.name for folder in centre_dirs(project)]
        for kind in (CHECKED, LIGHT, COMPLIANCE):
            cache.forget(kind, names)
        return out

    def whole(self, centre_id: str) -> CentreChecked:
        """A centre's whole check (its activities included): its light check, held here,
        with its records' check from the cache (``parts.whole_of``)."""
        return whole_of(self.checked[centre_id], self.written(centre_id))

    def written(self, centre_id: str) -> CentreChecked:
        """A centre's records and manuals checked (its whole centre, without what its
        ledger says: ``parts.written_check``), from the cache."""
        return written_check(self.cache, *self._written[centre_id])


# up to this many centres are read in the build process: reading one from the cache takes a
# few milliseconds, starting the worker processes about a second
READ_HERE = 100


# ---------------------------------------------------------------- the parts


def make_parts(
    keys: dict[str, str],
    job: Callable[[str], PartJob],
    cache: BuildCache,
    workers: Workers,
    city: Callable[[], CityResult],
    today: dt.date,
    found: Mapping[str, tuple[str, PartResult | None]],
) -> tuple[list[PartResult], CityResult]:
    """Every centre's part (cached or made now, by the workers) and the city part (made in
    this process meanwhile). A part is reused when its key matches and the day is in its
    window (``parts.reusable_part``); ``found``: what the reading of the centres found of
    their parts, by centre id (the key looked for, the part to reuse or None)."""
    results: dict[str, PartResult] = {}
    stale: list[PartJob] = []
    for cid, key in keys.items():
        looked = found.get(cid)
        hit = looked[1] if looked and looked[0] == key else reusable_part(cache, cid, key, today)
        if hit is not None:
            results[cid] = hit
        else:
            stale.append(job(cid))
    if stale:
        # a build of fewer than READ_HERE centres starts its workers here: with jieba's
        # dictionary in their forkserver when they make most of the parts
        workers.warm(words=2 * len(stale) > len(keys))
    made, city_result = workers.map_meanwhile(make_part, stale, city)
    for part in made:
        results[part.centre_id] = part
    return [results[cid] for cid in keys], city_result


def _first_build(cache: BuildCache, centres: int) -> bool:
    """Whether the cache holds a part of fewer than half of ``centres`` (each part is a
    folder and its entry): the build will make most of its parts."""
    try:
        with os.scandir(cache.folder / PARTS) as entries:
            kept = sum(1 for _ in entries) // 2
    except OSError:
        kept = 0
    return kept * 2 < centres


def print_notes(result: BuildResult) -> None:
    for note in result.notes:
        sys.stderr.write(f"gongshi：{note}\n")
