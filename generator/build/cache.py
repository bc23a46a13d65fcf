"""The build cache: what a build can take from the last one, found by content hash.

``gongshi build`` keeps ``.gongshi-cache/`` in the project folder (never published, never
read by anything but the build). Every entry is stored under a *key*: the SHA-256 of
everything the entry was made from — the generator itself (its code, templates, the mkdocs
configuration and the versions of mkdocs-material, typst and pandoc), the files it read and
the options that change it. An entry whose key no longer matches is made again; nothing is
invalidated by hand, and deleting the folder only costs one full build.

File hashes are remembered by (size, modification time) like git's index, so an unchanged
city is verified with ``stat`` calls. A file changed within the last two seconds is hashed
again next time (its time stamp may not yet tell a second change in the same tick).
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import pickle
import shutil
import tempfile
import time
from collections.abc import Callable, Iterable
from importlib import metadata
from pathlib import Path
from typing import Any

from generator.paths import INSTALL_ROOT

ROOT = INSTALL_ROOT
CACHE_DIR = ".gongshi-cache"
FORMAT = "1"  # bump when the layout of the cache changes
RACY_SECONDS = 2.0


def digest(*parts: object) -> str:
    """SHA-256 over the ``repr`` of each part, in order (a key from values)."""
    h = hashlib.sha256()
    for part in parts:
        data = repr(part).encode("utf-8")
        h.update(len(data).to_bytes(8, "big"))
        h.update(data)
    return h.hexdigest()


def part_key(
    inputs: str,
    corrections: object,
    results: object,
    day: object,
    site_url: str | None,
    pdf: bool,
) -> str:
    """The key of a centre's part (its pages, data and PDFs; ``build.parts``).

    What it is made from: ``inputs``, the key of the centre's files, the content and the
    generator; its ``corrections``; its rule ``results`` on the day (as stored,
    ``parts.stored_results``); ``day``, what its pages print that changes with the day
    (``site.pages.day_facts``: which disclosures are published, the state of each); the
    site address and whether PDFs are made. The build day itself is not in it: what the
    pages print about the day is labelled 截至 the day they were made and computed again in
    the reader's browser, so a new day with no record changed remakes no part, and a
    deadline passing or a publication date coming remakes that centre's part only.
    """
    return digest("part", inputs, corrections, results, day, site_url, pdf)


def pdf_key(
    inputs: str, corrections: object, results: object, withheld: object, site_url: str | None
) -> str:
    """The key of a centre's PDFs: as ``part_key``, with the disclosures not published yet
    on the day (``calendar.withheld_keys``) instead of the states; no PDF prints the day."""
    return digest("pdf", inputs, corrections, results, withheld, site_url)


def manifest_line(rel: str, data: bytes) -> str:
    """One line of a published folder's manifest.sha256: ``sha256  path``."""
    return f"{hashlib.sha256(data).hexdigest()}  {rel}\n"


class FileHashes:
    """SHA-256 of files, remembered by (size, mtime_ns) between builds."""

    def __init__(self, store: Path | None = None) -> None:
        self.store = store
        self.known: dict[str, list] = {}
        self.seen: dict[str, list] = {}
        if store is not None and store.is_file():
            with contextlib.suppress(OSError, ValueError):
                self.known = json.loads(store.read_text(encoding="utf-8"))

    def file(self, path: Path) -> str:
        key = str(path)
        st = path.stat()
        entry = self.seen.get(key) or self.known.get(key)
        if entry and entry[0] == st.st_size and entry[1] == st.st_mtime_ns:
            self.seen[key] = entry
            return entry[2]
        sha = hashlib.sha256(path.read_bytes()).hexdigest()
        if time.time() - st.st_mtime_ns / 1e9 > RACY_SECONDS:
            self.seen[key] = [st.st_size, st.st_mtime_ns, sha]
        return sha

    def tree(self, folder: Path, skip: Callable[[str], bool] = lambda rel: False) -> str:
        """One hash for every file under ``folder`` (names and contents); "" when missing."""
        if not folder.exists():
            return ""
        items = []
        for dirpath, dirnames, filenames in os.walk(folder):
            dirnames.sort()
            for name in sorted(filenames):
                path = Path(dirpath, name)
                rel = path.relative_to(folder).as_posix()
                if not skip(rel) and path.is_file():
                    items.append((rel, self.file(path)))
        return digest(sorted(items))

    def save(self) -> None:
        if self.store is not None:
            write_atomic(self.store, json.dumps(self.seen, separators=(",", ":")).encode("utf-8"))


def write_atomic(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.replace(tmp, path)
    finally:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)


def _version(dist: str) -> str:
    try:
        return metadata.version(dist)
    except metadata.PackageNotFoundError:
        return ""


def generator_version(hashes: FileHashes) -> str:
    """The part of every key that stands for gongshi itself and the tools it drives."""
    code = [
        hashes.tree(ROOT / "generator", skip=lambda rel: not rel.endswith(".py")),
        hashes.tree(ROOT / "site_templates"),
        hashes.file(ROOT / "mkdocs.yml"),
    ]
    tools = [
        _version(d)
        for d in (
            "mkdocs",
            "mkdocs-material",
            "typst",
            "pypandoc-binary",
            "jieba",
            "Markdown",
            "pymdown-extensions",
            "segno",
        )
    ]
    return digest(FORMAT, code, tools)


class BuildCache:
    """``.gongshi-cache/``: pickled values and finished folders, each under its key."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.hashes = FileHashes(folder / "files.json")
        self.version = generator_version(self.hashes)

    # values ---------------------------------------------------------------

    def _value_path(self, kind: str, name: str) -> Path:
        return self.folder / kind / f"{name}.pickle"

    def get(self, kind: str, name: str, key: str) -> Any | None:
        """The value stored as ``kind``/``name`` when it was stored under ``key``."""
        stored = read_stored(self._value_path(kind, name))
        if stored is None:
            return None
        stored_key, value = stored
        return value if stored_key == key else None

    def put(self, kind: str, name: str, key: str, value: Any) -> None:
        write_atomic(
            self._value_path(kind, name),
            pickle.dumps((key, value), protocol=pickle.HIGHEST_PROTOCOL),
        )

    # folders ---------------------------------------------------------------

    def folder_for(self, kind: str, name: str) -> Path:
        return self.folder / kind / name

    def folder_key(self, kind: str, name: str) -> str | None:
        try:
            return (self.folder_for(kind, name) / ".key").read_text(encoding="utf-8")
        except OSError:
            return None

    def put_folder(self, kind: str, name: str, key: str, made: Path) -> Path:
        """Move the finished folder ``made`` into the cache under ``key``; its new place."""
        target = self.folder_for(kind, name)
        target.parent.mkdir(parents=True, exist_ok=True)
        (made / ".key").write_text(key, encoding="utf-8")
        old = None
        if target.exists():
            old = target.with_name(f".{name}.old-{os.getpid()}")
            os.replace(target, old)
        os.replace(made, target)
        if old is not None:
            shutil.rmtree(old, ignore_errors=True)
        return target

    def forget(self, kind: str, keep: Iterable[str]) -> None:
        """Remove entries of ``kind`` whose names are not in ``keep`` (centres removed)."""
        base = self.folder / kind
        if not base.is_dir():
            return
        keep = set(keep)
        for entry in base.iterdir():
            name = entry.name.removesuffix(".pickle")
            if name not in keep and not entry.name.startswith("."):
                if entry.is_dir():
                    shutil.rmtree(entry, ignore_errors=True)
                else:
                    entry.unlink(missing_ok=True)

    def save(self) -> None:
        self.hashes.save()


def read_stored(path: Path) -> tuple[Any, Any] | None:
    """A (key, value) pair stored with pickle, or None when it is missing or damaged (a
    damaged entry is simply made again)."""
    try:
        with path.open("rb") as fh:
            stored_key, value = pickle.load(fh)
    except (
        OSError,
        EOFError,
        pickle.UnpicklingError,
        ValueError,
        TypeError,
        AttributeError,
        ImportError,
    ):
        return None
    return stored_key, value
