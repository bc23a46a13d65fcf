"""Build the website: the only module that writes output files.

The project is checked through the pipeline's loader (``pipeline.load``) with the build
cache's ``CachedChecks``; the site is then made in parts (one per centre, one for the city
pages; generator.build.parts) in a temporary folder beside the output, each by
mkdocs-material, and the finished site is swapped in at the end, so a failed build leaves
the previous output untouched (mkdocs' own build.py and pelican's writer are the models). Two
outputs wanting the same path is a failure, never a silent overwrite. The published folder
carries ``manifest.sha256``: the SHA-256 of every other file in it. ``gongshi serve``
previews exactly this build (``preview_site``).

mkdocs runs in this process (``mkdocs.commands.build.build`` on a loaded config): no second
interpreter start, warnings are collected from its logger and turn into a failed build
(strict mode: a broken link between pages is a bug), and the search word list is handed to
the search plugin through the generated config.

Publishing goes centre by centre (``pipeline.held_back``). A centre whose records have an
error (a record error: ``Problem.record_error``; a rule's shortfall is published, never held
back) is not made again: the new output keeps its part as the output folder being replaced
holds it, byte for byte, and the city pages list it as awaiting correction, since the day
of the first build that found the errors (``Unpublished``; the day is kept in the output
folder's ``build-state.json``). Every other centre and the city pages are published; the
build reports the errors and says which centres wait. A centre whose pages or PDFs the
personal-data guard stops waits the same way. Errors in content/ (rule packs, catalogues,
manual templates), which every centre depends on, or in the city pages publish nothing.

The one write into the records: after a build has swapped its site in, ``build_site``
brings the publication ledger ``centres/<id>/published.yaml`` of each centre it published
up to date (``ledger.updated_ledger``): disclosures published on or before ``today`` are
recorded with their content and hash, and waiting corrections are applied. A centre held
back keeps its ledger as it is. The ledger lives with the records, outside the output folder,
and each file is replaced atomically (a temporary file beside it, then ``os.replace``); a
file whose content would not change is not touched. A failed build writes no ledger;
``ledger=False`` (``gongshi build --no-ledger``) builds without recording anything, and
``gongshi serve`` (``preview_site``) never writes one: a preview is not a publication. The
pages and PDFs of the build already show waiting corrections (``ledger.corrections_for``
reads them from the ledger as it was), so the ledger write changes no output of the next
build.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import gzip
import json
import multiprocessing
import os
import pickle
import shutil
import sys
import tempfile
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Self
from xml.sax.saxutils import escape as xml_escape

from generator import model as m
from generator.build.cache import (
    CACHE_DIR,
    BuildCache,
    digest,
    manifest_line,
    part_key,
    pdf_key,
    read_stored,
)
from generator.build.linkcheck import broken_links
from generator.build.mkdocs_site import (
    city_config,
    run_mkdocs,
    site_config,
    write_config,
    write_search_words,
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
    build_part,
    check_part,
    restored_results,
    stored_results,
    whole_check,
)
from generator.build.privacy import scan_outputs
from generator.errors import BuildFailed
from generator.figures.calendar import corrections_on, published_on, withheld_keys
from generator.ledger.published import LEDGER_FILE, Ledger, updated_ledger
from generator.packs.library import Library
from generator.paths import INSTALL_ROOT
from generator.pipeline import (
    CentreChecked,
    Checked,
    centre_folder,
    held_back,
    load,
    rule_results,
)
from generator.problems import Report
from generator.records.validate import (
    CENTRE_ID,
    Project,
    Validated,
    centre_dirs,
    find_project,
    validate_centre,
)
from generator.site import opendata
from generator.site.city import AwaitingCorrection
from generator.site.pages import day_facts, render_city, sorted_centres
from generator.urls import SHARD_ROOTS

ROOT = INSTALL_ROOT
ASSETS = ROOT / "site_templates" / "site" / "assets"
SCHEMA_DIR = ROOT / "docs" / "schema"
MANIFEST = "manifest.sha256"
# the build's own record in the output folder: since when each centre not published awaits
# the correction of its records (``Unpublished``)
STATE = "build-state.json"


# ---------------------------------------------------------------- writing a set of files


def _check_rel(path: str) -> str:
    p = Path(path)
    if p.is_absolute() or ".." in p.parts or not path or path.startswith("/"):
        raise BuildFailed(f"输出路径不合法：{path}")
    return p.as_posix()


def _write_tree(files: dict[str, bytes], dest: Path) -> None:
    for rel, data in sorted(files.items()):
        target = dest / _check_rel(rel)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)


def _swap_in(new: Path, dest: Path) -> None:
    """Put the finished folder ``new`` at ``dest``; the old one is removed only afterwards."""
    dest = dest.resolve() if dest.exists() else dest
    old = None
    if dest.exists() or dest.is_symlink():
        if not dest.is_dir():
            raise BuildFailed(f"输出位置 {dest} 已存在且不是文件夹")
        old = dest.with_name(f".{dest.name}.old-{os.getpid()}")
        os.replace(dest, old)
    try:
        os.replace(new, dest)
    except OSError:
        if old is not None:
            os.replace(old, dest)
        raise
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)


def write_files(files: dict[str, bytes], dest: Path) -> None:
    """Atomically replace ``dest`` with a folder holding exactly these files."""
    dest = Path(dest)
    dest.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{dest.name}.new-", dir=dest.parent))
    try:
        _write_tree(files, tmp)
        _swap_in(tmp, dest)
    finally:
        if tmp.exists():
            shutil.rmtree(tmp, ignore_errors=True)


# ---------------------------------------------------------------- gathering


@dataclass(frozen=True)
class CentreLedger:
    """A centre's publication ledger as read before the build, and where it lives."""

    path: Path
    ledger: Ledger
    # (disclosure key, publication date, content hash) of the records as they are now
    published: tuple[tuple[str, dt.date | None, str], ...]
    centre: Callable[[], m.Centre]  # the validated centre, loaded only when the ledger changes


@dataclass
class Gathered:
    """Everything the docs folder will hold, with a claim on every path."""

    files: dict[str, bytes] = field(default_factory=dict)
    words: tuple[str, ...] = ()

    def add(self, path: str, data: bytes, what: str) -> None:
        path = _check_rel(path)
        if path in self.files:
            raise BuildFailed(f"两项输出要写入同一个文件 {path}（{what}）")
        self.files[path] = data


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
    # centres not published because their records have errors → since when (the first build
    # day of the errors); the site keeps the last published part of those in ``kept``
    awaiting: dict[str, dt.date] = field(default_factory=dict)
    kept: list[str] = field(default_factory=list)


# ---------------------------------------------------------------- the publication ledger


def write_text_atomic(path: Path, text: str) -> None:
    """Replace ``path`` with ``text`` (UTF-8) so that a reader sees the old or the new file.

    The temporary file sits beside the target (same file system, so ``os.replace`` is
    atomic) and is created with the usual permissions (0666 less the umask).
    """
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o666)
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as fh:
            fh.write(text)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    finally:
        with contextlib.suppress(FileNotFoundError):
            tmp.unlink()


def ledger_is_current(cl: CentreLedger, today: dt.date) -> bool:
    """Whether the ledger already holds every disclosure published by ``today`` as it is now.

    Then ``updated_ledger`` has nothing to add and no correction to apply; asking this first
    skips its round-trip parse of the whole file (most of a rebuild's ledger time).
    """
    if not cl.ledger.ok:
        return True  # the check reports it (ledger.compare); updated_ledger would return None too
    for key, published, sha256 in cl.published:
        if published is None or published > today:
            continue
        entry = cl.ledger.entry(key)
        if entry is None or entry.sha256 != sha256:
            return False
    return True


def write_ledgers(
    ledgers: tuple[CentreLedger, ...], today: dt.date, project: Project
) -> list[Path]:
    """Record what the build published in each centre's ledger; the files written."""
    written = []
    for cl in ledgers:
        if ledger_is_current(cl, today):
            continue
        text = updated_ledger(cl.centre(), cl.ledger, today)
        if text is None:
            continue
        try:
            write_text_atomic(cl.path, text)
        except OSError as exc:
            raise BuildFailed(
                f"网站已生成，但无法写入公示台账 {project.display(cl.path)}：{exc}。"
                "请检查该文件夹的写入权限后重新运行 gongshi build（下次生成时会补记）"
            ) from exc
        written.append(cl.path)
    return written


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
    cache = BuildCache(project.root / CACHE_DIR)
    with Workers(jobs) as workers:
        return _build(
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
        )


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
) -> BuildResult:
    checks = CachedChecks(cache, workers)
    validated = load(project, centre_folder(project, path), today, checks)
    # its centres are city views (pipeline.city_view): the parts read the whole centres
    held = held_back(validated)
    if held.shared:  # content/ has errors: no centre can be published
        return BuildResult(validated.report)
    corrections = validated.corrections
    unpublished = Unpublished(project, validated, out, cache, today)
    for name in held.centres:
        unpublished.add(name)
    publish = held.publishable(validated.centres)

    # a part's key: what its pages and PDFs print, not the build day (cache.part_key)
    packs = validated.library.packs if validated.library else {}
    stored = {ce.id: stored_results(validated.results[ce.id]) for ce in publish}
    keys = {
        ce.id: part_key(
            checks.inputs[ce.id],
            corrections_on(corrections[ce.id], ce, today),
            stored[ce.id],
            day_facts(ce, packs.get(ce.rule_pack), today),
            site_url,
            pdf,
        )
        for ce in publish
    }
    pdf_keys = {
        ce.id: pdf_key(
            checks.inputs[ce.id],
            corrections_on(corrections[ce.id], ce, today),
            stored[ce.id],
            sorted(withheld_keys(ce, today)),
            site_url,
        )
        for ce in publish
    }

    def job(cid: str) -> PartJob:
        return PartJob(
            cid,
            checks.refs[cid],
            checks.result_refs[cid],
            checks.content,
            project.root,
            cache.folder,
            today,
            site_url,
            pdf,
            key=keys[cid],
            pdf_key=pdf_keys[cid],
        )

    out.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix=f".{out.name}.build-", dir=out.parent) as tmp_name:
        tmp = Path(tmp_name)
        site = tmp / "site"

        def city() -> CityResult:
            published = [ce for ce in publish if ce.id not in unpublished.entries]
            return build_city(
                unpublished.city_centres(published),
                unpublished.city_corrections(published, corrections),
                validated,
                project,
                tmp,
                site,
                today=today,
                site_url=site_url,
                awaiting=unpublished.awaiting(),
            )

        made, city_result = make_parts(keys, job, cache, workers, city)
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
        for part in parts:
            notes.extend(part.notes)
            link_tree(cache.folder_for(PARTS, part.centre_id), site)
        kept_lines, kept_html = unpublished.keep(site)
        lines = city_result.manifest + [line for part in parts for line in part.manifest]
        lines += kept_lines
        lines += write_joined_data(site, city_result.centres)
        lines.append(unpublished.write_state(site))
        fresh = [p for part in parts if part.fresh for p in part.html]
        check_site_links(site, city_result.html + fresh)
        pages = city_result.html + [p for part in parts for p in part.html] + kept_html
        lines += write_sitemap(site, pages, site_url)
        (site / MANIFEST).write_text("".join(sorted(lines, key=lambda x: x[66:])), encoding="utf-8")
        _swap_in(site, out)
    kept = [folder.name for folder in centre_dirs(project)]  # a one-centre build keeps the rest
    cache.forget(PARTS, kept)
    cache.forget(PDFS, kept)
    cache.forget(LAST, kept)
    published = {part.centre_id for part in parts}
    if not preview:
        unpublished.remember(
            [ce for ce in publish if ce.id in published], checks.inputs, corrections
        )
    cache.save()
    ledgers = tuple(
        CentreLedger(
            cc.ledger_path, cc.ledger, cc.published, lambda cid=cid: checks.whole(cid).centre
        )
        for cid, cc in checks.checked.items()
        if cid in published and cc.ledger is not None and cc.ledger_path is not None
    )
    written = write_ledgers(ledgers, today, project) if ledger else []
    notes.extend(f"已把新公布的公示和更正记入公示台账 {project.display(p)}" for p in written)
    return BuildResult(
        validated.report,
        out,
        sum(p.pages for p in parts) + city_result.pages,
        sum(p.pdfs for p in parts),
        notes,
        written,
        made=[p.centre_id for p in parts if p.fresh],
        reused=[p.centre_id for p in parts if not p.fresh],
        awaiting={name: a.since for name, a in unpublished.entries.items()},
        kept=[name for name, a in unpublished.entries.items() if a.pages],
    )


# ---------------------------------------------------------------- centres not published


class Unpublished:
    """The centres a build does not publish because their records have errors.

    Each keeps what the output folder being replaced holds of it, byte for byte (its part:
    ``centres/<id>/``, ``data/<id>/``, ``print/<id>/``); a centre never published there has
    none. Since when it awaits correction is kept in the output folder (``STATE``): the day of
    the first build that found the errors, until a build publishes the centre again.

    The city pages list each with that note: with the records it was last published from
    (its city view and corrections, which every build that publishes into an output folder
    keeps in the cache, ``LAST``), so the lists, the feed and the all-centres data still
    hold its published disclosures; by its name alone (from centre.yaml, or the folder name)
    when the cache does not have them (emptied, or made by another version of gongshi).
    """

    def __init__(
        self, project: Project, validated: Validated, out: Path, cache: BuildCache, today: dt.date
    ) -> None:
        self.project = project
        self.library = validated.library
        self.out = out
        self.cache = cache
        self.today = today
        self.since = read_state(out)
        # where the last published records are valid: this generator, this output folder
        self.stamp = digest(cache.version, str(out.resolve()))
        self.entries: dict[str, AwaitingCorrection] = {}
        self.views: dict[str, tuple[m.Centre, tuple]] = {}  # id → (city view, corrections)

    def add(self, name: str) -> None:
        """Hold back the centre folder ``name`` (a folder whose name is no centre id is not
        listed: it has no address)."""
        if name in self.entries or not CENTRE_ID.fullmatch(name):
            return
        pages = (self.out / "centres" / name / "index.html").is_file()
        view = self._last_published(name) if pages else None
        if view is not None:
            self.views[name] = view
            ce = view[0]
            names = (ce.name, ce.district, ce.street)
        else:
            names = self._names(name)
        since = min(self.since.get(name, self.today), self.today)
        self.entries[name] = AwaitingCorrection(name, since, *names, pages=pages)

    def _last_published(self, name: str) -> tuple[m.Centre, tuple] | None:
        stored = read_stored(self.cache.folder_for(LAST, name) / "view.pickle")
        if stored is None:
            return None
        stamp, view = stored
        if stamp != self.stamp:
            return None
        # the all-centres tables are joined from the centre's own, which the site keeps
        if not all((self.out / "data" / name / n).is_file() for n, _ in JOINED.values()):
            return None
        return view

    def _names(self, name: str) -> tuple[str, str, str]:
        """Name, district and street from the centre's centre.yaml, when it can be read."""
        folder = self.project.centres / name
        if self.library is None or not (folder / "centre.yaml").is_file():
            return name, "", ""
        centre, _problems = validate_centre(self.project, folder, self.library)
        if centre is None:
            return name, "", ""
        return centre.name, centre.district, centre.street

    def awaiting(self) -> tuple[AwaitingCorrection, ...]:
        return tuple(self.entries.values())

    def city_centres(self, published: Sequence[m.Centre]) -> list[m.Centre]:
        """The centres of the city pages: those published, those kept as last published."""
        return sorted_centres([*published, *(view for view, _ in self.views.values())])

    def city_corrections(
        self, published: Sequence[m.Centre], corrections: Mapping[str, Sequence]
    ) -> dict[str, tuple]:
        found = {ce.id: tuple(corrections.get(ce.id, ())) for ce in published}
        found.update({cid: tuple(corr) for cid, (_, corr) in self.views.items()})
        return found

    def keep(self, site: Path) -> tuple[list[str], list[str]]:
        """Link the last published part of every centre held back into ``site``; its
        manifest lines and pages."""
        lines: list[str] = []
        html: list[str] = []
        for name, entry in self.entries.items():
            if not entry.pages:
                continue
            for root in SHARD_ROOTS:
                src = self.out / root / name
                if not src.is_dir():
                    continue
                link_tree(src, site / root / name)
                for path in sorted(src.rglob("*")):
                    if path.is_file() and path.name != ".key":
                        rel = path.relative_to(self.out).as_posix()
                        lines.append(manifest_line(rel, path.read_bytes()))
                        if rel.endswith(".html"):
                            html.append(rel)
        return lines, html

    def write_state(self, site: Path) -> str:
        """Write ``STATE`` into ``site``; its manifest line."""
        awaiting = {name: e.since.isoformat() for name, e in sorted(self.entries.items())}
        data = (
            json.dumps({"awaiting_correction": awaiting}, ensure_ascii=False, indent=2) + "\n"
        ).encode("utf-8")
        (site / STATE).write_bytes(data)
        return manifest_line(STATE, data)

    def remember(
        self,
        published: Sequence[m.Centre],
        inputs: Mapping[str, str],
        corrections: Mapping[str, Sequence],
    ) -> None:
        """Keep the city view and corrections of every centre just published into the output
        folder, as published on the day (``calendar.published_on``: its part shows no record
        dated later, so neither may the city pages that list it later); written again only
        when they changed."""
        for ce in published:
            corr = corrections_on(corrections.get(ce.id, ()), ce, self.today)
            withheld = sorted(withheld_keys(ce, self.today))
            key = digest(self.stamp, inputs[ce.id], corr, withheld)
            if self.cache.folder_key(LAST, ce.id) == key:
                continue
            made = Path(tempfile.mkdtemp(prefix=f".{ce.id}.new-", dir=self.cache.folder))
            (made / "view.pickle").write_bytes(
                pickle.dumps(
                    (self.stamp, (published_on(ce, self.today), corr)),
                    protocol=pickle.HIGHEST_PROTOCOL,
                )
            )
            self.cache.put_folder(LAST, ce.id, key, made)


def read_state(out: Path) -> dict[str, dt.date]:
    """Since when each centre awaits correction, as the output folder's ``STATE`` says."""
    try:
        data = json.loads((out / STATE).read_text(encoding="utf-8"))
        return {
            str(name): dt.date.fromisoformat(day)
            for name, day in data["awaiting_correction"].items()
        }
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return {}


# ---------------------------------------------------------------- the checks, cached


class CachedChecks:
    """The pipeline's checks (``pipeline.Checks``: ``check_centre``, then ``rule_results`` on
    the day) with each centre's results taken from the build cache when its files, the rule
    packs, the manual templates and the generator are unchanged; the others are checked by
    the workers (``parts.check_part``), which store them in the cache.

    ``run`` returns each centre's *light* check (its city view, problems, ledger) and its
    rule results; the whole check of a centre is read from the cache only where it is needed
    (``whole``). What the parts are made from is kept by centre id: ``inputs`` (the key of
    the centre's files), ``refs`` and ``result_refs`` (where its whole check and its rule
    results are in the cache).
    """

    def __init__(self, cache: BuildCache, workers: Workers) -> None:
        self.cache = cache
        self.workers = workers
        self.content = ""  # hash of content/
        self.checked: dict[str, CentreChecked] = {}  # light checks of error-free centres
        self.inputs: dict[str, str] = {}
        self.refs: dict[str, tuple[str, str]] = {}
        self.result_refs: dict[str, tuple[str, str]] = {}
        self._whole: dict[str, Callable[[], CentreChecked]] = {}

    def run(
        self, project: Project, library: Library, folders: Sequence[Path], today: dt.date
    ) -> list[Checked]:
        cache = self.cache
        self.content = content = cache.hashes.tree(project.content)
        rows = []
        todo: list[CheckJob] = []
        for folder in folders:
            records = cache.hashes.tree(folder, skip=lambda rel: rel == LEDGER_FILE)
            ledger_file = folder / LEDGER_FILE
            ledger_hash = cache.hashes.file(ledger_file) if ledger_file.is_file() else ""
            key = digest(cache.version, content, records, ledger_hash, str(folder))
            ckey = digest(key, today)
            light = cache.get(LIGHT, folder.name, key)
            results = None
            if light is not None and light.centre is not None:
                results = restored_results(library, light, cache.get(COMPLIANCE, folder.name, ckey))
            if light is None or (light.centre is not None and results is None):
                todo.append(
                    CheckJob(
                        project.root,
                        cache.folder,
                        folder,
                        key,
                        content,
                        today,
                        ckey,
                        check=light is None,
                    )
                )
            rows.append((folder, key, ckey, records, light, results))
        done = dict(
            zip((j.folder.name for j in todo), self.workers.map(check_part, todo), strict=True)
        )
        out: list[Checked] = []
        for folder, key, ckey, records, light, results in rows:
            if folder.name in done:
                light, stored = done[folder.name]
                results = restored_results(library, light, stored)
            if light.centre is None:
                out.append((light, None))
                continue
            whole = self._whole_of(project, folder, library, key)
            if results is None:  # stored by a process with other rule packs: apply them here
                results = self._results(whole(), library, today, folder.name, ckey)
            out.append((light, results))
            cid = light.centre.id
            self.checked[cid] = light
            self._whole[cid] = whole
            self.refs[cid] = (folder.name, key)
            self.result_refs[cid] = (folder.name, ckey)
            self.inputs[cid] = digest(cache.version, content, records, str(folder))
        names = [folder.name for folder in centre_dirs(project)]
        for kind in (CHECKED, LIGHT, COMPLIANCE):
            cache.forget(kind, names)
        return out

    def whole(self, centre_id: str) -> CentreChecked:
        """A centre's whole check (its activities included), from the cache."""
        return self._whole[centre_id]()

    def _whole_of(
        self, project: Project, folder: Path, library: Library, key: str
    ) -> Callable[[], CentreChecked]:
        return lambda: whole_check(self.cache, project, folder, key, library)

    def _results(
        self, whole: CentreChecked, library: Library, today: dt.date, name: str, ckey: str
    ) -> tuple:
        results = rule_results(whole, library, today)
        self.cache.put(COMPLIANCE, name, ckey, stored_results(results))
        return results


class Workers:
    """The worker processes of one build, started when there is work for more than one."""

    def __init__(self, jobs: int | None) -> None:
        self.jobs = max(1, jobs or os.cpu_count() or 1)
        self.pool: ProcessPoolExecutor | None = None

    def _pool(self) -> ProcessPoolExecutor:
        if self.pool is None:
            ctx = multiprocessing.get_context("forkserver")
            ctx.set_forkserver_preload(["generator.build.parts"])
            self.pool = ProcessPoolExecutor(max_workers=self.jobs, mp_context=ctx)
        return self.pool

    def map(self, fn: Callable, items: list) -> list:
        if self.jobs <= 1 or len(items) <= 1:
            return [fn(item) for item in items]
        return list(self._pool().map(fn, items, chunksize=1))

    def map_meanwhile(
        self, fn: Callable, items: list, meanwhile: Callable[[], Any]
    ) -> tuple[list, Any]:
        """``map``, with ``meanwhile()`` run in this process while the workers work."""
        if self.jobs <= 1 or len(items) <= 1:
            results = [fn(item) for item in items]
            return results, meanwhile()
        futures = [self._pool().submit(fn, item) for item in items]
        other = meanwhile()
        return [f.result() for f in futures], other

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        if self.pool is not None:
            self.pool.shutdown(cancel_futures=True)


# ---------------------------------------------------------------- the parts


def make_parts(
    keys: dict[str, str],
    job: Callable[[str], PartJob],
    cache: BuildCache,
    workers: Workers,
    city: Callable[[], CityResult],
) -> tuple[list[PartResult], CityResult]:
    """Every centre's part (cached or made now, by the workers) and the city part (made in
    this process meanwhile)."""
    results: dict[str, PartResult] = {}
    stale = []
    for cid, key in keys.items():
        hit = cache.get(PARTS, cid, key)
        if hit is not None and cache.folder_key(PARTS, cid) == key:
            hit.fresh = False
            results[cid] = hit
        else:
            stale.append(cid)
    made, city_result = workers.map_meanwhile(build_part, [job(cid) for cid in stale], city)
    for part in made:
        results[part.centre_id] = part
    return [results[cid] for cid in keys], city_result


# The all-centres tables are the centres' own tables one after another (opendata writes each
# centre's rows alone); the build joins the parts' files instead of writing them again, so
# their rows were read by the personal-data guard of each part.
# site path → (the centre's own table in data/<id>/, the function writing either)
JOINED = {
    "data/activities.csv": ("activities.csv", opendata.activities_csv),
    "data/finance.csv": ("finance.csv", opendata.finance_csv),
}


def write_joined_data(site: Path, centres: Sequence[m.Centre]) -> list[str]:
    """The all-centres tables from the centres' own tables in the assembled ``site`` (made by
    this build, or kept as last published); their manifest lines."""
    lines = []
    for target, (name, table) in JOINED.items():
        pieces = [(site / "data" / ce.id / name).read_bytes() for ce in centres]
        data = join_csv(pieces, table([]))
        (site / target).write_bytes(data)
        lines.append(manifest_line(target, data))
    return lines


def join_csv(pieces: list[bytes], empty: bytes) -> bytes:
    """One table from tables with the same header: the header once, then every row."""
    body = b"".join(piece.split(b"\r\n", 1)[1] for piece in pieces)
    return empty + body


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
) -> CityResult:
    """The city pages, all-centres data, styles and data schemas, built by mkdocs into
    ``site`` (emptied first): ``centres`` with their ``corrections``, and the centres
    ``awaiting`` correction listed with the note."""
    for folder in (site, tmp / "docs"):
        if folder.exists():
            shutil.rmtree(folder)
    packs = validated.library.packs if validated.library else {}
    centres = sorted_centres(centres)
    sources = render_city(
        centres,
        packs,
        today=today,
        site_url=site_url,
        corrections=corrections,
        awaiting=awaiting,
    )
    g = Gathered(words=sources.words)
    for rel, text in sources.pages.items():
        g.add(rel, text.encode("utf-8"), "页面")
    for rel, data in sources.files.items():
        # the all-centres tables are joined from the parts afterwards (write_joined_data);
        # an empty stand-in lets mkdocs see the links to them
        g.add(rel, b"" if rel in JOINED else data, "开放数据")
    _add_static(g)
    result = CityResult(centres=centres, notes=list(sources.notes), pages=len(sources.pages))
    result.problems = scan_outputs(g.files, centres, project)
    if any(p.severity.value == "error" for p in result.problems):
        return result
    docs = tmp / "docs"
    _write_tree(g.files, docs)
    words = tmp / "search-words.txt"
    write_search_words(g.words, words)
    cfg = city_config(site_config(docs, site, words, site_url))
    run_mkdocs(write_config(tmp / "mkdocs.yml", cfg), today)
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


def _add_static(g: Gathered) -> None:
    for asset in sorted(ASSETS.rglob("*")):
        if asset.is_file():
            g.add(f"assets/{asset.relative_to(ASSETS).as_posix()}", asset.read_bytes(), "样式")
    for schema in sorted(SCHEMA_DIR.glob("*.json")):
        g.add(f"data/schema/{schema.name}", schema.read_bytes(), "数据格式说明")


def link_tree(src: Path, dest: Path) -> None:
    """Hard-link every file of ``src`` into ``dest`` (copy across file systems); two parts
    wanting one path is a failure."""
    for dirpath, _dirnames, filenames in os.walk(src):
        rel_dir = os.path.relpath(dirpath, src)
        target_dir = os.path.normpath(os.path.join(dest, rel_dir))
        os.makedirs(target_dir, exist_ok=True)
        for name in filenames:
            if name == ".key":
                continue
            source, target = os.path.join(dirpath, name), os.path.join(target_dir, name)
            try:
                os.link(source, target)
            except FileExistsError:
                rel = os.path.relpath(target, dest).replace(os.sep, "/")
                raise BuildFailed(f"两项输出要写入同一个文件 {rel}") from None
            except OSError:
                if os.path.lexists(target):
                    raise
                shutil.copyfile(source, target)


def check_site_links(site: Path, pages: list[str]) -> None:
    broken = broken_links(site, pages)
    if broken:
        shown = "；".join(f"{page} → {link}" for page, link in broken[:10])
        more = f"（共 {len(broken)} 处）" if len(broken) > 10 else ""
        raise BuildFailed(f"网站页面中有指向不存在的页面或文件的链接：{shown}{more}")


SITEMAPS = ("sitemap.xml", "sitemap.xml.gz")


def write_sitemap(site: Path, pages: list[str], site_url: str | None) -> list[str]:
    """sitemap.xml (and .gz) of every page of every part; their manifest lines."""
    urls = []
    for page in sorted(pages):
        if page == "404.html":
            continue
        path = page.removesuffix("index.html")
        urls.append(path)
    body = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">',
    ]
    base = site_url.rstrip("/") + "/" if site_url else None
    for path in urls:
        if base is not None:
            body.append(f"    <url>\n         <loc>{xml_escape(base + path)}</loc>\n    </url>")
    body.append("</urlset>")
    data = ("\n".join(body) + "\n").encode("utf-8")
    packed = gzip.compress(data, mtime=0)
    lines = []
    for name, content in (("sitemap.xml", data), ("sitemap.xml.gz", packed)):
        (site / name).write_bytes(content)
        lines.append(manifest_line(name, content))
    return lines


def print_notes(result: BuildResult) -> None:
    for note in result.notes:
        sys.stderr.write(f"gongshi：{note}\n")
