"""Build the website: the only module that writes output files.

Gather everything first (validate, figures, PDFs, pages, open data), then write into a
temporary folder beside the output, run mkdocs-material there, and swap the finished site in
at the end, so a failed build leaves the previous output untouched (mkdocs' own build.py and
pelican's writer are the models). Two outputs wanting the same path is a failure, never a
silent overwrite. The published folder carries ``manifest.sha256``: the SHA-256 of every
other file in it.

mkdocs runs in this process (``mkdocs.commands.build.build`` on a loaded config): no second
interpreter start, warnings are collected from its logger and turn into a failed build
(strict mode: a broken link between pages is a bug), and the search word list is handed to
the search plugin through the generated config.

The one write into the records: after a successful build (no record errors, every output
gathered, the site swapped in), ``build_site`` brings each centre's publication ledger
``centres/<id>/published.yaml`` up to date (``ledger.updated_ledger``): disclosures published
on or before ``today`` are recorded with their content and hash, and waiting corrections are
applied. The ledger lives with the records, outside the output folder, and each file is
replaced atomically (a temporary file beside it, then ``os.replace``); a file whose content
would not change is not touched. A failed build writes no ledger; ``ledger=False``
(``gongshi build --no-ledger``) builds without recording anything, and ``gongshi serve``
(``prepare_docs``) never writes one: a preview is not a publication. The pages and PDFs of
the build already show waiting corrections (``ledger.corrections_for`` reads them from the
ledger as it was), so the ledger write changes no output of the next build.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import logging
import os
import shutil
import sys
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from generator import model as m
from generator.errors import BuildFailed
from generator.ledger import Ledger, centre_ledger, corrections_for, disclosures, updated_ledger
from generator.pipeline import load_project
from generator.printing import render_pdfs
from generator.privacy import scan_outputs
from generator.problems import Report
from generator.render_site import render_site
from generator.validate import Project, find_project

ROOT = Path(__file__).resolve().parent.parent
MKDOCS_YML = ROOT / "mkdocs.yml"
ASSETS = ROOT / "site_templates" / "site" / "assets"
SCHEMA_DIR = ROOT / "docs" / "schema"
MANIFEST = "manifest.sha256"


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


def manifest(folder: Path) -> bytes:
    """``sha256  path`` for every file under ``folder`` (sorted, POSIX paths)."""
    lines = []
    for p in sorted(folder.rglob("*")):
        if p.is_file() and p.name != MANIFEST:
            digest = hashlib.sha256(p.read_bytes()).hexdigest()
            lines.append(f"{digest}  {p.relative_to(folder).as_posix()}\n")
    return "".join(lines).encode("utf-8")


# ---------------------------------------------------------------- gathering


@dataclass(frozen=True)
class CentreLedger:
    """A centre's publication ledger as read before the build, and where it lives."""

    centre: m.Centre
    path: Path
    ledger: Ledger


@dataclass
class Gathered:
    """Everything the docs folder will hold, with a claim on every path."""

    files: dict[str, bytes] = field(default_factory=dict)
    words: tuple[str, ...] = ()
    ledgers: tuple[CentreLedger, ...] = ()  # for the ledger write after a successful build

    def add(self, path: str, data: bytes, what: str) -> None:
        path = _check_rel(path)
        if path in self.files:
            raise BuildFailed(f"两项输出要写入同一个文件 {path}（{what}）")
        self.files[path] = data


@dataclass
class BuildResult:
    """What a build did: its report (errors stop the build) and where the site went."""

    report: Report
    out: Path | None = None
    pages: int = 0
    pdfs: int = 0
    notes: list[str] = field(default_factory=list)
    ledgers: list[Path] = field(default_factory=list)  # the published.yaml files written


def gather(path: Path, *, today: dt.date, site_url: str | None, pdf: bool
           ) -> tuple[Report, Gathered | None, list[str], int]:
    """Validate and render everything into memory; None when the records have errors."""

    project = find_project(path)
    validated = load_project(path)
    if validated.report.errors:
        return validated.report, None, [], 0
    notes: list[str] = []
    ledgers = tuple(CentreLedger(ce, *centre_ledger(project, ce)) for ce in validated.centres)
    corrections = {cl.centre.id: corrections_for(cl.centre, cl.ledger) for cl in ledgers}
    pdfs: dict[str, bytes] = {}
    if pdf:
        pdfs = render_pdfs(validated, site_url=site_url or "", root=project.root,
                           corrections=corrections)
    sources = render_site(validated, project.root, today=today, site_url=site_url,
                          pdf_paths=frozenset(pdfs), corrections=corrections)
    notes.extend(sources.notes)
    g = Gathered(words=sources.words, ledgers=ledgers)
    for rel, text in sources.pages.items():
        g.add(rel, text.encode("utf-8"), "页面")
    for rel, data in sources.files.items():
        g.add(rel, data, "开放数据")
    for rel, src in sources.copies.items():
        g.add(rel, src.read_bytes(), f"附件 {src.name}")
    for rel, data in pdfs.items():
        g.add(rel, data, "打印版 PDF")
    for asset in sorted(ASSETS.rglob("*")):
        if asset.is_file():
            g.add(f"assets/{asset.relative_to(ASSETS).as_posix()}", asset.read_bytes(), "样式")
    for schema in sorted(SCHEMA_DIR.glob("*.json")):
        g.add(f"data/schema/{schema.name}", schema.read_bytes(), "数据格式说明")
    validated.report.extend(scan_for_personal_data(g.files, validated, project))
    if validated.report.errors:
        return validated.report, None, notes, 0
    return validated.report, g, notes, len(pdfs)


def scan_for_personal_data(files: dict[str, bytes], validated, project) -> list:
    """The last gate before publishing: residents' numbers in any file (generator.privacy)."""
    return scan_outputs(files, validated.centres, project)


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
        return True  # check_ledger reports it; updated_ledger would return None too
    for key, d in disclosures(cl.centre).items():
        if d.published is None or d.published > today:
            continue
        entry = cl.ledger.entry(key)
        if entry is None or entry.sha256 != d.sha256:
            return False
    return True


def write_ledgers(ledgers: tuple[CentreLedger, ...], today: dt.date, project: Project
                  ) -> list[Path]:
    """Record what the build published in each centre's ledger; the files written."""
    written = []
    for cl in ledgers:
        if ledger_is_current(cl, today):
            continue
        text = updated_ledger(cl.centre, cl.ledger, today)
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


# ---------------------------------------------------------------- mkdocs


def site_config(docs: Path, site: Path, words_file: Path | None, site_url: str | None) -> dict:
    """mkdocs.yml with absolute paths, the search word list and the site URL filled in."""
    cfg = yaml.safe_load(MKDOCS_YML.read_text(encoding="utf-8"))
    cfg["docs_dir"] = str(docs)
    cfg["site_dir"] = str(site)
    theme = cfg.setdefault("theme", {})
    if theme.get("custom_dir"):
        theme["custom_dir"] = str(ROOT / theme["custom_dir"])
    if site_url:
        cfg["site_url"] = site_url.rstrip("/") + "/"
    plugins = []
    for entry in cfg.get("plugins") or []:
        if entry == "search" or (isinstance(entry, dict) and "search" in entry):
            opts = dict(entry["search"] or {}) if isinstance(entry, dict) else {}
            if words_file is not None:
                opts["jieba_dict_user"] = str(words_file)
            entry = {"search": opts}
        plugins.append(entry)
    cfg["plugins"] = plugins
    return cfg


def write_search_words(words: tuple[str, ...], path: Path) -> None:
    """jieba user dictionary: one word a line (frequency left to jieba, so the word is kept)."""
    path.write_text("".join(f"{w}\n" for w in words), encoding="utf-8")


@contextlib.contextmanager
def _env(**values: str) -> Iterator[None]:
    saved = {k: os.environ.get(k) for k in values}
    os.environ.update(values)
    try:
        yield
    finally:
        for k, v in saved.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v


class _Collect(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


def _quiet_jieba() -> None:
    try:
        import jieba
    except ImportError:
        return
    jieba.setLogLevel(logging.WARNING)


def run_mkdocs(config_file: Path, today: dt.date) -> None:
    """Build the site in-process; any mkdocs warning fails the build (strict)."""
    from mkdocs.commands.build import build
    from mkdocs.config import load_config
    from mkdocs.exceptions import MkDocsException

    epoch = int(dt.datetime(today.year, today.month, today.day, tzinfo=dt.UTC).timestamp())
    collect = _Collect()
    logger = logging.getLogger("mkdocs")
    logger.addHandler(collect)
    _quiet_jieba()
    try:
        with _env(NO_MKDOCS_2_WARNING="1", SOURCE_DATE_EPOCH=str(epoch)):
            cfg = load_config(config_file=str(config_file), strict=True)
            build(cfg)
    except (MkDocsException, SystemExit) as exc:
        detail = "；".join(collect.messages) or str(exc)
        raise BuildFailed(f"mkdocs 生成网站失败：{detail}") from exc
    finally:
        logger.removeHandler(collect)


def build_site(path: Path, out: Path | None = None, *, today: dt.date | None = None,
               site_url: str | None = None, pdf: bool = True, ledger: bool = True) -> BuildResult:
    """Build the site for the project around ``path`` into ``out`` (default public/).

    With ``ledger`` (the default), a successful build then records what it published in
    each centre's ``published.yaml`` (see the module docstring).
    """
    today = today or dt.date.today()
    project = find_project(path)
    out = Path(out) if out is not None else project.root / "public"
    report, gathered, notes, n_pdfs = gather(path, today=today, site_url=site_url, pdf=pdf)
    if gathered is None:
        return BuildResult(report)
    out.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix=f".{out.name}.build-", dir=out.parent) as tmp_name:
        tmp = Path(tmp_name)
        docs, site = tmp / "docs", tmp / "site"
        _write_tree(gathered.files, docs)
        words = tmp / "search-words.txt"
        write_search_words(gathered.words, words)
        config = tmp / "mkdocs.yml"
        config.write_text(
            yaml.safe_dump(site_config(docs, site, words, site_url), allow_unicode=True,
                           sort_keys=False),
            encoding="utf-8",
        )
        run_mkdocs(config, today)
        (site / MANIFEST).write_bytes(manifest(site))
        _swap_in(site, out)
    written = write_ledgers(gathered.ledgers, today, project) if ledger else []
    notes.extend(f"已把新公布的公示和更正记入公示台账 {project.display(p)}" for p in written)
    pages = sum(1 for p in gathered.files if p.endswith(".md"))
    return BuildResult(report, out, pages, n_pdfs, notes, written)


def prepare_docs(path: Path, work: Path, *, today: dt.date, site_url: str | None, pdf: bool
                 ) -> tuple[Report, Path | None]:
    """Write the docs folder and config for ``gongshi serve`` into ``work``; the config path."""
    report, gathered, _notes, _n = gather(path, today=today, site_url=site_url, pdf=pdf)
    if gathered is None:
        return report, None
    docs = work / "docs"
    sync_tree(gathered.files, docs)
    words = work / "search-words.txt"
    write_search_words(gathered.words, words)
    config = work / "mkdocs.yml"
    config.write_text(
        yaml.safe_dump(site_config(docs, work / "site", words, site_url), allow_unicode=True,
                       sort_keys=False),
        encoding="utf-8",
    )
    return report, config


def sync_tree(files: dict[str, bytes], dest: Path) -> None:
    """Make ``dest`` hold exactly ``files``, touching only what changed (live reload sees it)."""
    dest.mkdir(parents=True, exist_ok=True)
    wanted = {_check_rel(k) for k in files}
    for p in sorted(dest.rglob("*"), reverse=True):
        rel = p.relative_to(dest).as_posix()
        if p.is_file() and rel not in wanted:
            p.unlink()
        elif p.is_dir() and not any(p.iterdir()):
            p.rmdir()
    for rel, data in sorted(files.items()):
        target = dest / rel
        if target.is_file() and target.read_bytes() == data:
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)


def print_notes(result: BuildResult) -> None:
    for note in result.notes:
        sys.stderr.write(f"gongshi：{note}\n")
