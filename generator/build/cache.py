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

Nothing in the cache is trusted: a value is JSON (never pickle) behind a header with its
SHA-256, read back only as gongshi's own dataclasses (``entry_bytes``, ``read_entry``); a
finished folder is reused only when every file still has the hash its manifest lines record
(``tree.stats_match``: a file whose inode, size, modification and change times are those
recorded when the folder was stored is taken as unchanged, any other is hashed). A truncated,
damaged or planted entry is made again. One build at a time holds the project's lock
(``build_lock``).
"""

from __future__ import annotations

import base64
import contextlib
import dataclasses
import datetime as dt
import hashlib
import importlib
import json
import os
import shutil
import stat
import sys
import tempfile
import time
from collections.abc import Callable, Iterable, Iterator
from decimal import Decimal, InvalidOperation
from enum import Enum
from importlib import metadata
from pathlib import Path, PurePath
from types import MappingProxyType
from typing import Any

from generator.build.engine import chosen_engine
from generator.build.heap import no_cycle_collection
from generator.build.mkdocs_site import config_file
from generator.errors import BuildFailed
from generator.paths import PACKAGE_DIR, TEMPLATES
from generator.problems import Position

try:
    import fcntl
except ImportError:  # Windows
    fcntl = None  # type: ignore[assignment]
    import msvcrt

CACHE_DIR = ".gongshi-cache"
FORMAT = "3"  # bump when the layout of the cache changes
RACY_SECONDS = 2.0
ENTRY_SUFFIX = ".json"
LOCK_FILE = "build.lock"


def digest(*parts: object) -> str:
    """SHA-256 over the ``repr`` of each part, in order (a key from values)."""
    h = hashlib.sha256()
    for part in parts:
        data = repr(part).encode("utf-8")
        h.update(len(data).to_bytes(8, "big"))
        h.update(data)
    return h.hexdigest()


def value_digest(*parts: object) -> str:
    """SHA-256 of values as the cache writes them (``encode``): the same for a value made
    now and for its copy read back from the cache."""
    data = json.dumps(encode(parts), ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(data.encode("utf-8")).hexdigest()


def part_key(inputs: str, pages: str, pdfs: str, site_url: str | None, pdf: bool) -> str:
    """The key of a centre's part (its pages, data and PDFs; ``build.parts``).

    What it is made from: ``inputs``, the key of the centre's files, the content and the
    generator; and its day state (``build.days.DayState``), by the digests it carries:
    ``pages``, of what its pages print that changes with the day (its corrections shown, its
    rule results, and ``site.pages.day_facts``: which disclosures are listed and published;
    not their states), and ``pdfs``, of what its PDFs print (``pdf_key``); the site address
    and whether PDFs are made. The build day itself is not in it: a centre's pages print
    nothing else of the day (the reader's browser computes the rest), so a new day with no
    record changed remakes no part, and a publication date coming or a rule's finding
    changing remakes that centre's part only.
    """
    return digest("part", inputs, pages, pdfs, site_url, pdf)


def pdf_key(inputs: str, pdfs: str, site_url: str | None) -> str:
    """The key of a centre's PDFs: its files and ``pdfs``, the digest of what of its day
    state they print (``build.days.DayState``: its corrections and rule results, the
    disclosures not published yet on the day, ``calendar.withheld_keys``, and what of the day
    they print, ``print.documents.day_inputs``: the hours posting's coming changes and
    holidays, the booklets' dates)."""
    return digest("pdf", inputs, pdfs, site_url)


def manifest_line(rel: str, data: bytes) -> str:
    """One line of a published folder's manifest.sha256: ``sha256  path``."""
    return manifest_entry(rel, hashlib.sha256(data).hexdigest())


def manifest_entry(rel: str, sha: str) -> str:
    """The manifest line of a file whose SHA-256 is ``sha``."""
    return f"{sha}  {rel}\n"


class FileHashes:
    """SHA-256 of files, remembered by (size, mtime_ns) between builds."""

    def __init__(self, store: Path | None = None) -> None:
        self.store = store
        self.known: dict[str, list] = {}
        self.seen: dict[str, list] = {}
        self._listed: dict[str, list[tuple[str, str]] | None] = {}
        if store is not None and store.is_file():
            with contextlib.suppress(OSError, ValueError):
                known = json.loads(store.read_text(encoding="utf-8"))
                if isinstance(known, dict):  # a damaged memo is only hashed again
                    self.known = {k: v for k, v in known.items() if _memo(v)}

    def file(self, path: Path) -> str:
        key = os.fspath(path)
        return self._hash(key, os.stat(key))

    def _hash(self, key: str, st: os.stat_result) -> str:
        entry = self.seen.get(key) or self.known.get(key)
        if entry and entry[0] == st.st_size and entry[1] == st.st_mtime_ns:
            self.seen[key] = entry
            return entry[2]
        with open(key, "rb") as f:
            sha = hashlib.sha256(f.read()).hexdigest()
        if time.time() - st.st_mtime_ns / 1e9 > RACY_SECONDS:
            self.seen[key] = [st.st_size, st.st_mtime_ns, sha]
        return sha

    def tree(self, folder: Path, skip: Callable[[str], bool] = lambda rel: False) -> str:
        """One hash for every file under ``folder`` (names and contents), those ``skip``
        names left out; "" when missing. A folder is read once per build: asked again, its
        files are as they were the first time."""
        items = self._files(os.fspath(folder))
        if items is None:
            return ""
        return digest([item for item in items if not skip(item[0])])

    def _files(self, root: str) -> list[tuple[str, str]] | None:
        """(path under ``root``, SHA-256) of every file under ``root``, by path; None when
        there is no such folder. Strings, not paths: this runs for every record file."""
        if root in self._listed:
            return self._listed[root]
        if not os.path.isdir(root):
            return None
        items = []
        cut = len(root) + 1
        for dirpath, dirnames, filenames in os.walk(root):
            dirnames.sort()
            for name in filenames:
                path = f"{dirpath}/{name}"
                try:
                    st = os.stat(path)
                except OSError:  # a dangling link
                    continue
                if stat.S_ISREG(st.st_mode):
                    items.append((path[cut:].replace(os.sep, "/"), self._hash(path, st)))
        items.sort()
        self._listed[root] = items
        return items

    def save(self) -> None:
        if self.store is not None:
            write_atomic(self.store, json.dumps(self.seen, separators=(",", ":")).encode("utf-8"))


@contextlib.contextmanager
def build_lock(cache_folder: Path, display: str) -> Iterator[None]:
    """Hold the project's build lock (``LOCK_FILE`` in its cache folder) for the block.

    One build at a time per project: a second ``gongshi build`` (or ``gongshi serve``'s
    rebuild) of the same project stops at once with a message and changes nothing. The lock
    is the operating system's (``flock``): it goes with the process, so a build that is
    killed leaves no stale lock behind.
    """
    try:
        cache_folder.mkdir(parents=True, exist_ok=True)
        fd = os.open(cache_folder / LOCK_FILE, os.O_RDWR | os.O_CREAT, 0o666)
    except OSError as exc:
        raise BuildFailed(
            f"无法创建生成锁文件 {display}/{LOCK_FILE}：{exc.strerror or exc}。"
            "请检查项目文件夹的写入权限"
        ) from exc
    try:
        try:
            if fcntl is not None:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            else:
                msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)
        except OSError as exc:
            raise BuildFailed(
                "这个项目正在由另一个 gongshi build（或 gongshi serve）生成网站"
                f"（锁文件 {display}/{LOCK_FILE}）。同一项目一次只能运行一个生成；"
                "本次没有改动任何文件。请等那次生成结束后再运行"
            ) from exc
        yield
    finally:
        os.close(fd)  # closing the file releases the lock


def _memo(entry: Any) -> bool:
    """A remembered hash as ``FileHashes`` writes it: [size, mtime_ns, sha256]."""
    return (
        isinstance(entry, list)
        and len(entry) == 3
        and all(isinstance(x, int) and not isinstance(x, bool) for x in entry[:2])
        and isinstance(entry[2], str)
        and len(entry[2]) == 64
    )


def named(exc: OSError, path: Path | str) -> OSError:
    """``exc`` with the file it was about (a failed write names no file by itself)."""
    if exc.filename is None:
        exc.filename = str(path)
    return exc


def write_atomic(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.replace(tmp, path)
    except OSError as exc:
        raise named(exc, path) from None
    finally:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)


def _version(dist: str) -> str:
    try:
        return metadata.version(dist)
    except metadata.PackageNotFoundError:
        return ""


def generator_version(hashes: FileHashes, project_root: Path | None = None) -> str:
    """The part of every key that stands for gongshi itself, the site configuration of the
    project, the site engine chosen and the tools it drives."""
    code = [
        hashes.tree(PACKAGE_DIR, skip=lambda rel: not rel.endswith(".py")),
        hashes.tree(TEMPLATES),
        hashes.file(config_file(project_root)),
        chosen_engine(),
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
            "zensical",
        )
    ]
    return digest(FORMAT, code, tools)


@dataclasses.dataclass(frozen=True)
class DataEntry:
    """One entry of plain JSON data in the cache (``BuildCache.put_data``): its file and the
    key it is stored under. Needs no ``BuildCache`` (which hashes the generator when opened)."""

    path: Path
    key: str

    def get(self) -> Any | None:
        """The data when it was stored under the key (None when it was not, or the entry is
        missing or damaged: ``read_entry``)."""
        return stored_under(self.path, self.key, plain=True)

    def put(self, value: Any) -> None:
        write_atomic(self.path, _entry(self.key, value))

    def get_rows(self) -> list[str] | None:
        """The rows stored by ``put_rows`` under the key (None when they were not, or the
        entry is missing or damaged: ``read_rows``)."""
        return read_rows(self.path, self.key)

    def put_rows(self, rows: Iterable[str]) -> None:
        write_atomic(self.path, rows_bytes(self.key, rows))


class BuildCache:
    """``.gongshi-cache/``: values (JSON, ``entry_bytes``) and finished folders, each under
    its key."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.hashes = FileHashes(folder / "files.json")
        self.version = generator_version(self.hashes, folder.parent)

    # values ---------------------------------------------------------------

    def _value_path(self, kind: str, name: str) -> Path:
        return self.folder / kind / f"{name}{ENTRY_SUFFIX}"

    def get(self, kind: str, name: str, key: str) -> Any | None:
        """The value stored as ``kind``/``name`` when it was stored under ``key`` (None when
        there is none, or it is damaged: see ``read_entry``)."""
        return stored_under(self._value_path(kind, name), key)

    def get_entry(
        self, kind: str, name: str, wanted: Callable[[str], bool] | None = None
    ) -> tuple[str, Any] | None:
        """The (key, value) stored as ``kind``/``name`` whatever its key, or with a key
        ``wanted`` (None when there is none or it is damaged): what of an older entry may
        still be used is the caller's to check (``parts._pdfs`` reuses the PDFs whose own key
        matches)."""
        return read_entry(self._value_path(kind, name), wanted=wanted)

    def put(self, kind: str, name: str, key: str, value: Any) -> None:
        write_atomic(self._value_path(kind, name), entry_bytes(key, value))

    def get_data(self, kind: str, name: str, key: str) -> Any | None:
        """Plain JSON data (lists, objects, strings, numbers) stored by ``put_data`` under
        ``key``, not made into anything: the caller checks its shape. None when there is none
        or it is damaged."""
        return self.data_entry(kind, name, key).get()

    def put_data(self, kind: str, name: str, key: str, value: Any) -> None:
        """Store plain JSON data as it is (no type tags: a large record written and read
        in C), behind the same hash-checked header as every entry."""
        self.data_entry(kind, name, key).put(value)

    def data_entry(self, kind: str, name: str, key: str) -> DataEntry:
        """The entry of plain JSON data ``kind``/``name`` under ``key``, to be read or
        written by another process of the build (``publish.publish_beside``)."""
        return DataEntry(self._value_path(kind, name), key)

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
            name = entry.name.removesuffix(ENTRY_SUFFIX)
            if name not in keep and not entry.name.startswith("."):
                if entry.is_dir():
                    shutil.rmtree(entry, ignore_errors=True)
                else:
                    entry.unlink(missing_ok=True)

    def save(self) -> None:
        self.hashes.save()


# ---------------------------------------------------------------- values as JSON

# A cache entry is JSON (never pickle: a file planted in the cache is only ever data). The
# build's values are frozen dataclasses of gongshi (the model, problems, checks, results)
# holding dates, Decimals, paths, tuples and read-only mappings; each is written with a tag
# and read back only as a dataclass or enum defined in gongshi's own modules.
_TAG = "§"
_DATACLASS = "dc:"  # a dataclass's tag: this, then its module and name


class Damaged(ValueError):
    """A cache entry that cannot be read back (damaged, planted, or of another version)."""


def encode(value: Any) -> Any:
    """``value`` as plain JSON data (see ``decode``). Each type is encoded by a function
    chosen once for it (``_encoder_for``): a centre's check holds tens of thousands of values
    of a few dozen types."""
    try:
        encoder = _ENCODERS[type(value)]
    except KeyError:
        encoder = _encoder_for(type(value))
    return encoder(value)


def _same(value: Any) -> Any:
    return value


# the types stored as they are: most values of a check (a record's texts and numbers) are
# taken without a call
_PLAIN = frozenset({str, int, bool, type(None)})


def _encoded_list(value: list) -> list:
    return [v if type(v) in _PLAIN else encode(v) for v in value]


def _encoded_tuple(value: tuple) -> dict:
    return {_TAG: "tuple", "v": [v if type(v) in _PLAIN else encode(v) for v in value]}


def _encoded_pairs(tag: str) -> Callable[[Any], dict]:
    def pairs(value: Any) -> dict:
        return {
            _TAG: tag,
            "v": [
                [k if type(k) in _PLAIN else encode(k), v if type(v) in _PLAIN else encode(v)]
                for k, v in value.items()
            ],
        }

    return pairs


def _encoded_set(tag: str) -> Callable[[Any], dict]:
    def items(value: Any) -> dict:
        return {_TAG: tag, "v": sorted((encode(v) for v in value), key=_sort_key)}

    return items


def _tagged_text(tag: str, text: Callable[[Any], str]) -> Callable[[Any], dict]:
    def tagged(value: Any) -> dict:
        return {_TAG: tag, "v": text(value)}

    return tagged


_encoded_dict_pairs = _encoded_pairs("dict")


def _encoded_dict(value: dict) -> dict:
    """A dict; the places of a record's fields (``model.Located.at``: text → a position,
    all in one file), a third of a check's objects, as one object of rows."""
    file = None
    rows = []
    for name, at in value.items():
        if type(at) is not Position or type(name) is not str or file not in (None, at.file):
            return _encoded_dict_pairs(value)
        file = at.file
        rows.append([name, at.line, at.column])
    if file is None:
        return _encoded_dict_pairs(value)
    return {_TAG: _PLACES, "f": file, "v": rows}


def _encoded_position(value: Position) -> dict:
    return {_TAG: _POSITION, "v": [value.file, value.line, value.column]}


def _encoded_dataclass(cls: type) -> Callable[[Any], dict]:
    tag = _DATACLASS + _type_name(cls)
    names = tuple(f.name for f in dataclasses.fields(cls))

    def fields(value: Any) -> dict:
        out = {_TAG: tag}
        for name in names:
            field = getattr(value, name)
            out[name] = field if type(field) in _PLAIN else encode(field)
        return out

    return fields


def _encoder_for(cls: type) -> Callable[[Any], Any]:
    """How a value of ``cls`` is encoded, kept for the next value of it; ``TypeError`` for
    a type the cache does not store."""
    encoder: Callable[[Any], Any]
    if issubclass(cls, Enum):  # first: a str or int enum is not a plain str or int
        name = _type_name(cls)

        def encoder(value: Any) -> dict:
            return {_TAG: "enum", "t": name, "v": value.name}

    elif cls is type(None) or issubclass(cls, (bool, str, int)):
        encoder = _same
    elif issubclass(cls, float):
        encoder = _tagged_text("float", repr)
    elif issubclass(cls, Decimal):
        encoder = _tagged_text("dec", str)
    elif issubclass(cls, dt.datetime):  # before date: a datetime is a date
        encoder = _tagged_text("datetime", dt.datetime.isoformat)
    elif issubclass(cls, dt.date):
        encoder = _tagged_text("date", dt.date.isoformat)
    elif issubclass(cls, dt.time):
        encoder = _tagged_text("time", dt.time.isoformat)
    elif issubclass(cls, (bytes, bytearray)):
        encoder = _tagged_text("bytes", lambda v: base64.b64encode(v).decode("ascii"))
    elif issubclass(cls, PurePath):
        encoder = _tagged_text("path", str)
    elif cls is Position:
        encoder = _encoded_position
    elif dataclasses.is_dataclass(cls):
        encoder = _encoded_dataclass(cls)
    elif issubclass(cls, list):
        encoder = _encoded_list
    elif issubclass(cls, tuple):
        encoder = _encoded_tuple
    elif issubclass(cls, (set, frozenset)):
        encoder = _encoded_set("frozenset" if issubclass(cls, frozenset) else "set")
    elif issubclass(cls, MappingProxyType):
        encoder = _encoded_pairs("proxy")
    elif issubclass(cls, dict):
        encoder = _encoded_dict
    else:
        raise TypeError(f"cannot store a {cls.__name__} in the build cache")
    _ENCODERS[cls] = encoder
    return encoder


# type → how its values are encoded (``_encoder_for``)
_ENCODERS: dict[type, Callable[[Any], Any]] = {}

# the tag of a dict of positions in one file (``_encoded_dict``)
_PLACES = "places"

# a position's tag: the most frequent value of a check (every record and field has one), so
# it is kept as a short list, [file, line, column], not as a dataclass's object
_POSITION = "at"


def _sort_key(item: Any) -> str:
    return json.dumps(item, sort_keys=True, ensure_ascii=False)


def _type_name(cls: type) -> str:
    return f"{cls.__module__}:{cls.__qualname__}"


# name → (class, the names of its fields set by __init__, the names of all its fields when a
# stored object of it can be made without calling __init__: a dataclass without __post_init__
# or __slots__, whose __init__ only sets the fields; else None)
_ALLOWED: dict[str, tuple[type, frozenset[str], frozenset[str] | None]] = {}


def _allowed_type(name: Any) -> type:
    """The class a tag names: a dataclass or enum of gongshi's own modules, nothing else."""
    if isinstance(name, str) and name in _ALLOWED:
        return _ALLOWED[name][0]
    if not isinstance(name, str) or ":" not in name:
        raise Damaged(name)
    module_name, qualname = name.split(":", 1)
    if module_name != "generator" and not module_name.startswith("generator."):
        raise Damaged(name)
    module = sys.modules.get(module_name)
    if module is None:
        try:
            module = importlib.import_module(module_name)
        except ImportError as exc:
            raise Damaged(name) from exc
    obj: Any = module
    for part in qualname.split("."):
        if part.startswith("_"):
            raise Damaged(name)
        obj = getattr(obj, part, None)
    if not isinstance(obj, type):
        raise Damaged(name)
    every: frozenset[str] | None = None
    if dataclasses.is_dataclass(obj):
        init = frozenset(f.name for f in dataclasses.fields(obj) if f.init)
        if _plain_init(obj):
            every = frozenset(f.name for f in dataclasses.fields(obj))
    elif issubclass(obj, Enum):
        init = frozenset()
    else:
        raise Damaged(name)
    _ALLOWED[name] = (obj, init, every)
    return obj


def _plain_init(cls: type) -> bool:
    """Whether ``cls``'s __init__ is the one @dataclass wrote (it only sets the fields) and
    nothing runs after it or limits its attributes."""
    code = getattr(cls.__init__, "__code__", None)
    return (
        code is not None
        and code.co_filename == "<string>"  # made by dataclasses, not written in a module
        and not hasattr(cls, "__post_init__")
        and not hasattr(cls, "__slots__")
    )


def decode(data: Any) -> Any:
    """The value ``encode`` wrote; ``Damaged`` when ``data`` is not such a value."""
    if isinstance(data, dict):
        return _decoded_object(data)
    if isinstance(data, list):
        return [decode(v) for v in data]
    if data is None or isinstance(data, (bool, int, str)):
        return data
    raise Damaged(type(data).__name__)


def _decoded_object(data: dict) -> Any:
    """One JSON object of an entry as ``encode`` wrote it, its contents decoded already."""
    return _object_hook({k: decode(v) for k, v in data.items()})


def _object_hook(data: dict) -> Any:
    """The value of one tagged JSON object whose contents are decoded (``json.loads`` calls it
    innermost first); every object ``encode`` writes is tagged."""
    tag = data.pop(_TAG, None)  # a new dict of the parser's: taken apart here
    try:
        decoder = _DECODERS[tag]
    except (KeyError, TypeError):
        decoder = _decoder_for(tag)
    try:
        return decoder(data)
    except Damaged:
        raise
    except (KeyError, TypeError, ValueError, AttributeError, InvalidOperation) as exc:
        raise Damaged(str(tag)) from exc


def _decoder_for(tag: Any) -> Callable[[dict], Any]:
    """What makes the value of an object tagged ``tag`` (a dataclass's tag names an allowed
    class: ``_allowed_type``), kept for the next object of the tag; ``Damaged`` for any
    other tag. A build reads tens of thousands of objects of a few dozen tags."""
    if type(tag) is not str:
        raise Damaged("an object without its tag")
    if not tag.startswith(_DATACLASS):
        raise Damaged(tag)
    name = tag[len(_DATACLASS) :]
    _allowed_type(name)  # Damaged unless it names one of gongshi's dataclasses
    cls, init, every = _ALLOWED[name]
    new = object.__new__
    set_attr = object.__setattr__
    shared = _SHARED.get(name)

    def dataclass_value(data: dict) -> Any:
        if shared is not None and type(data.get(shared)) is str:
            data[shared] = sys.intern(data[shared])
        if every is not None and data.keys() == every:
            # every field stored: the object as __init__ would make it, without the call
            obj = new(cls)
            set_attr(obj, "__dict__", data)
            return obj
        obj = cls(**{k: v for k, v in data.items() if k in init})
        for k, v in data.items():
            if k not in init:
                set_attr(obj, k, v)
        return obj

    _DECODERS[tag] = dataclass_value
    return dataclass_value


# a dataclass → its field whose string is read once for all its objects: the file of a
# position (a centre's check holds hundreds of positions in a dozen files), so the values
# read back, and sent between the build's processes, hold each file name once
_SHARED = {"generator.problems:Position": "file"}


def _position(file: str, line: int, column: int) -> Position:
    """A stored position, its file name read once for all (a centre's check holds hundreds
    of positions in a dozen files), made as ``Position`` would make it, without the call."""
    if type(file) is not str or type(line) is not int or type(column) is not int:
        raise Damaged("position")
    obj = object.__new__(Position)
    object.__setattr__(obj, "__dict__", {"file": sys.intern(file), "line": line, "column": column})
    return obj


def _places(file: str, rows: list) -> dict[str, Position]:
    """A stored dict of positions in ``file`` (``_encoded_dict``)."""
    if type(file) is not str or type(rows) is not list:
        raise Damaged("places")
    file = sys.intern(file)
    out = {}
    for name, line, column in rows:
        if type(name) is not str:
            raise Damaged("places")
        out[name] = _position(file, line, column)
    return out


def _bytes(text: str) -> bytes:
    return base64.b64decode(text.encode("ascii"), validate=True)


# tag → what makes the value of an object with that tag (the dataclasses' are added as they
# are first read: ``_decoder_for``)
_DECODERS: dict[str, Callable[[dict], Any]] = {
    "enum": lambda data: _allowed_type(data["t"])[data["v"]],
    "tuple": lambda data: tuple(data["v"]),
    "dict": lambda data: {k: v for k, v in data["v"]},
    "proxy": lambda data: MappingProxyType({k: v for k, v in data["v"]}),
    "set": lambda data: set(data["v"]),
    "frozenset": lambda data: frozenset(data["v"]),
    "float": lambda data: float(data["v"]),
    "dec": lambda data: Decimal(data["v"]),
    "datetime": lambda data: dt.datetime.fromisoformat(data["v"]),
    "date": lambda data: dt.date.fromisoformat(data["v"]),
    "time": lambda data: dt.time.fromisoformat(data["v"]),
    "bytes": lambda data: _bytes(data["v"]),
    "path": lambda data: Path(data["v"]),
    _POSITION: lambda data: _position(*data["v"]),
    _PLACES: lambda data: _places(data["f"], data["v"]),
}

# A stored entry: this header line (its format and the SHA-256 of the rest), then the JSON
# text of [key, value]. The hash is checked before the JSON is parsed: a truncated, damaged
# or foreign file is not used, and the entry is made again.
_MAGIC = b"gongshi-cache-entry 1 "


def entry_bytes(key: str, value: Any) -> bytes:
    return _entry(key, encode(value))


def _entry(key: str, data: Any) -> bytes:
    body = json.dumps([key, data], ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    return _framed(_MAGIC, body)


def _framed(magic: bytes, body: bytes) -> bytes:
    """An entry's bytes: its header line (``magic`` and the SHA-256 of ``body``), then
    ``body``."""
    return magic + hashlib.sha256(body).hexdigest().encode("ascii") + b"\n" + body


def _body(path: Path, magic: bytes) -> bytes | None:
    """The body of the entry at ``path`` (``_framed``), or None when it is missing, of
    another format or damaged (its hash is checked before anything of it is parsed)."""
    try:
        data = path.read_bytes()
    except OSError:
        return None
    head, sep, body = data.partition(b"\n")
    if not sep or not head.startswith(magic):
        return None
    if hashlib.sha256(body).hexdigest().encode("ascii") != head[len(magic) :]:
        return None
    return body


def stored_under(path: Path, key: str, *, plain: bool = False) -> Any | None:
    """The value of the entry at ``path`` when it was stored under ``key`` (None when it was
    not, or the entry is missing or damaged: ``read_entry``)."""
    stored = read_entry(path, plain=plain, wanted=key.__eq__)
    return stored[1] if stored is not None else None


# An entry of rows: this header line (its format and the SHA-256 of the rest), the JSON text
# of its key, then one row a line. A large record kept in rows is written again row by row:
# a row whose data did not change is the text it was read as (``publish.Trees``).
_ROWS_MAGIC = b"gongshi-cache-rows 1 "


def rows_bytes(key: str, rows: Iterable[str]) -> bytes:
    """An entry of ``rows`` under ``key``; each row one line of text (JSON, which writes
    a line break in a string as ``\\n``)."""
    rows = list(rows)
    if any("\n" in row for row in rows):
        raise ValueError("a row of a cache entry holds a line break")
    return _framed(_ROWS_MAGIC, "\n".join([json.dumps(key), *rows]).encode("utf-8"))


def read_rows(path: Path, key: str) -> list[str] | None:
    """The rows stored by ``rows_bytes`` under ``key``, or None when they were stored under
    another, or the entry is missing, damaged or planted (the header's hash checked first)."""
    body = _body(path, _ROWS_MAGIC)
    if body is None:
        return None
    try:
        first, *rows = body.decode("utf-8").split("\n")
        return rows if json.loads(first) == key else None
    except ValueError:  # not UTF-8, or the key not JSON
        return None


def read_entry(
    path: Path, *, plain: bool = False, wanted: Callable[[str], bool] | None = None
) -> tuple[str, Any] | None:
    """A (key, value) pair stored by ``entry_bytes`` (by ``BuildCache.put_data``: ``plain``),
    or None when it is missing, damaged, planted or of another version (such an entry is
    simply made again). With ``wanted``, None too when its key is not wanted: the key is read
    first, and the value is not read then."""
    body = _body(path, _MAGIC)
    if body is None:
        return None
    try:
        text = body.decode("utf-8")
        if wanted is not None:
            # the entry's text begins with its key: ["key",
            if not text.startswith('["'):
                return None
            key, _ = json.decoder.scanstring(text, 2)
            if not wanted(key):
                return None
        # the values read are trees of new objects, no cycle among them: the collector's
        # passes while they are made (one every few hundred objects, each walking the
        # young ones) would take twice as long as reading them (``heap``)
        with no_cycle_collection():
            stored = json.loads(text) if plain else json.loads(text, object_hook=_object_hook)
        if not isinstance(stored, list) or len(stored) != 2 or not isinstance(stored[0], str):
            return None
        return stored[0], stored[1]
    except (ValueError, TypeError, RecursionError):  # Damaged is a ValueError
        return None
