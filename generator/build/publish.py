"""Publishing a built site into its output folder: whole or not at all, touching what changed.

The output folder ``out`` is a symbolic link to one of two trees beside it, ``.<name>.a`` and
``.<name>.b``. The one it points to is *live*; the other is the *spare*, holding an older
site. A build brings the spare to the new site file by file — a file already there with the
wanted hash and unchanged since it was recorded (inode, size, modification and change times)
stays; else it is a hard link to the live tree's file when that one is the wanted file,
unchanged since recorded, or a copy of the part's file in the build cache (the site never
shares a file with the cache) — removes what the new site does not have, and then points
``out`` at it in one rename of a new link over the old. A reader of ``out`` sees the old site
or the new one, never a mixture; a build stopped at any moment leaves the live tree as it was.

What each tree holds is recorded (``Trees``, one hash-checked cache entry per output folder):
a path, its SHA-256 and the stat of the file. A spare being changed carries a mark beside it
(``.<name>.<tree>.dirty``) until its new record is stored: a spare found marked is walked
again to find what a stopped build left in it. A build therefore costs the files that changed
and a ``stat`` of each file kept, not a new folder of every file and the removal of the old
one (removing tens of thousands of folders takes minutes on a file system that discards
freed blocks at once).

An output folder made by an earlier build as a plain folder is taken over as the live tree
``.<name>.b`` (renamed, and ``out`` made a link to it) before the first publication.
"""

from __future__ import annotations

import contextlib
import json
import os
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from generator.build.cache import DataEntry
from generator.build.heap import no_cycle_collection
from generator.build.tree import check_rel, copy_file, remove_path, stat_of
from generator.errors import BuildFailed
from generator.urls import shard_of

TREES = ("a", "b")

# path → [inode, size, mtime_ns, ctime_ns, sha256] of each file of a tree, and
# folder path + "/" → [inode, mtime_ns] of each folder (a file added or removed in a folder
# moves its modification time: a tree whose folders are as recorded holds no file unrecorded)
TreeRecord = dict[str, list]


@dataclass
class Trees:
    """What the last build recorded of an output folder's two trees.

    The record is kept in rows (``rows``, ``of_rows``; ``cache.DataEntry.put_rows``): the
    tree the output points to, then one row for each centre's own files (``urls.shard_of``)
    and one for the city's, each with its files' records in both trees. A row is written
    again as it was read (``read``) when none of its records changed: a new day writes the
    few rows of what it changed, not tens of megabytes."""

    live: str | None = None
    files: dict[str, TreeRecord] = field(default_factory=dict)
    # each row read: its group → (its text, its records by tree, as read)
    read: dict[str, tuple[str, dict[str, TreeRecord]]] = field(default_factory=dict)

    def rows(self) -> list[str]:
        """The record as rows of JSON text (``of_rows`` reads them back)."""
        groups: dict[str, dict[str, TreeRecord]] = {}
        for name, record in self.files.items():
            for rel, entry in record.items():
                groups.setdefault(_group(rel), {}).setdefault(name, {})[rel] = entry
        out = [json.dumps({"live": self.live})]
        for group in sorted(groups):
            records = groups[group]
            was = self.read.get(group)
            if was is not None and was[1] == records:
                out.append(was[0])
            else:
                out.append(json.dumps([group, records], ensure_ascii=False, separators=(",", ":")))
        return out

    @classmethod
    def of_rows(cls, rows: list[str] | None) -> Trees:
        """A record as the cache keeps it (``rows``); an empty one when it is not well
        formed, without the records of a row or an entry that is not."""
        if not rows:
            return cls()
        try:
            head = json.loads(rows[0])
        except ValueError:
            return cls()
        live = head.get("live") if isinstance(head, dict) else "?"
        if live not in (None, *TREES):
            return cls()
        files: dict[str, TreeRecord] = {name: {} for name in TREES}
        read: dict[str, tuple[str, dict[str, TreeRecord]]] = {}
        for row in rows[1:]:
            try:
                group, records = json.loads(row)
            except (ValueError, TypeError):  # not JSON, or not a pair
                continue
            if type(group) is not str or not isinstance(records, dict):
                continue
            kept: dict[str, TreeRecord] = {}
            for name, record in records.items():
                if name in TREES and isinstance(record, dict):
                    kept[name] = {
                        rel: entry
                        for rel, entry in record.items()
                        if _well_formed(rel, entry) and _group(rel) == group
                    }
                    files[name].update(kept[name])
            read[group] = (row, kept)
        return cls(live, {name: record for name, record in files.items() if record}, read)

    def live_only(self, rels: Iterable[str]) -> Trees:
        """The record of the live tree's ``rels`` alone (what ``published_file`` reads)."""
        if self.live is None:
            return Trees()
        live = self.files.get(self.live) or {}
        return Trees(self.live, {self.live: {rel: live[rel] for rel in rels if rel in live}})


# ---------------------------------------------------------------- publishing beside the build
#
# The record of a large site is tens of megabytes of JSON: the build reads it, and publishes
# with it, in the process beside its workers (``workers.Workers.aside``), where reading it
# overlaps the making of the city pages and publishing overlaps what the build stores in its
# cache afterwards; the build process neither holds nor writes it. The process keeps the
# record it read ahead until it publishes.


@dataclass(frozen=True)
class Ahead:
    """The record of an output folder to read ahead of its publication (``read_ahead``)."""

    entry: DataEntry  # where the cache keeps it
    rels: tuple[str, ...]  # the files of the live tree the build asks about first


@dataclass(frozen=True)
class Publication:
    """A site to publish into ``out`` (``publish``) with the record kept at ``entry``."""

    out: Path
    files: Mapping[str, tuple[str, str | Path]]
    entry: DataEntry


# the record each process read ahead, by where it is kept, until it publishes with it
_AHEAD: dict[DataEntry, Trees] = {}


def read_ahead(ahead: Ahead) -> Trees:
    """Read the record of ``ahead`` and keep it in this process for ``publish_beside``; the
    record of the live tree's ``ahead.rels`` (``Trees.live_only``)."""
    with no_cycle_collection():  # a list for each of tens of thousands of files, no cycle
        trees = Trees.of_rows(ahead.entry.get_rows())
    _AHEAD[ahead.entry] = trees
    return trees.live_only(ahead.rels)


@dataclass(frozen=True)
class Checking:
    """Files of a site to publish into ``out``, known before the rest (``check_ahead``): path →
    SHA-256."""

    out: Path
    files: Mapping[str, str]
    entry: DataEntry


@dataclass(frozen=True)
class Found:
    """What ``check_ahead`` found of the spare tree ahead of its publication: the spare's
    name and its record, its folders found as recorded, and the files of the site found in
    place as recorded (path → the record's entry)."""

    spare: str
    known: TreeRecord
    files: Mapping[str, list]


# what each process found ahead of its publication (``check_ahead``)
_CHECKED: dict[DataEntry, Found] = {}


def check_ahead(job: Checking) -> int:
    """Which of ``job``'s files the output's spare tree holds as recorded (with the record
    read ahead, ``read_ahead``), kept in this process for ``publish_beside``, which leaves
    them as they are without looking at them again; how many. The files of the centres'
    parts taken from the cache are known once the centres are read: looking at them (a
    ``stat`` of each of tens of thousands) is then done while the build makes the city
    pages, not after."""
    trees = _AHEAD.get(job.entry)
    dest = destination(job.out)
    if trees is None or not dest.is_symlink():
        return 0
    live = _tree_named(dest, os.readlink(dest))
    if live is None or trees.live != live:
        return 0
    spare, tree, known = _spare(dest, live, trees.files)
    if known is None:
        return 0
    root = os.fspath(tree)  # strings, not paths: this runs for every file of the site
    found: dict[str, list] = {}
    for rel, sha in job.files.items():
        entry = known.get(rel)
        if _as_entry(f"{root}/{check_rel(rel)}", entry, sha):
            found[rel] = entry
    _CHECKED[job.entry] = Found(spare, known, found)
    return len(found)


def publish_beside(job: Publication) -> None:
    """``publish`` the site of ``job``: with the record this process read ahead
    (``read_ahead``), else read now, and the files it found in place (``check_ahead``); the
    new record stored in its place."""
    trees = _AHEAD.pop(job.entry, None)
    checked = _CHECKED.pop(job.entry, None)  # found with the record read ahead, or none
    with no_cycle_collection():  # the new record: as many lists, no cycle
        if trees is None:
            trees = Trees.of_rows(job.entry.get_rows())
        publish(job.out, job.files, trees, lambda new: job.entry.put_rows(new.rows()), checked)


def _group(rel: str) -> str:
    """The row of the record a path is kept in: its centre's (``urls.shard_of``), or the
    city's ("")."""
    return shard_of(rel) or ""


def _well_formed(rel: object, entry: object) -> bool:
    """An entry of a ``TreeRecord`` (JSON read back: ``type`` tells an int from a bool)."""
    if type(entry) is not list or type(rel) is not str:
        return False
    if rel.endswith("/"):
        return len(entry) == 2 and type(entry[0]) is int and type(entry[1]) is int
    return (
        len(entry) == 5
        and type(entry[0]) is int
        and type(entry[1]) is int
        and type(entry[2]) is int
        and type(entry[3]) is int
        and type(entry[4]) is str
    )


def destination(out: Path) -> Path:
    """Where the link is: ``out``, or the folder a link of the user's at ``out`` points to."""
    if out.is_symlink() and _tree_named(out, os.readlink(out)) is None:
        return out.resolve()
    return out


def output_path(out: Path) -> Path:
    """The output folder's own absolute path (the build's link at it not followed): what
    names it in the build cache."""
    dest = destination(out)
    return dest.parent.resolve() / dest.name


def _tree(dest: Path, name: str) -> Path:
    return dest.with_name(f".{dest.name}.{name}")


def _dirty(dest: Path, name: str) -> Path:
    return dest.with_name(f".{dest.name}.{name}.dirty")


def _tree_named(dest: Path, target: str) -> str | None:
    for name in TREES:
        if target == _tree(dest, name).name:
            return name
    return None


def live_tree(out: Path) -> Path | None:
    """The tree ``out`` points to (None when it is not one of the two)."""
    dest = destination(out)
    if not dest.is_symlink():
        return None
    name = _tree_named(dest, os.readlink(dest))
    return _tree(dest, name) if name is not None else None


def recover(out: Path) -> list[str]:
    """Finish taking over a plain output folder that a stopped build left half done (the
    folder renamed to tree b, the link to it not yet in place); what was done, as notes
    (Chinese). Trees without a link are an earlier site nobody publishes: the next
    publication walks the spare it writes and leaves the other alone."""
    dest = destination(out)
    link = _tree(dest, "link")
    if link.is_symlink() and not os.path.lexists(dest) and _tree(dest, "b").is_dir():
        os.replace(link, dest)
        return [f"上次生成在接管输出文件夹时中断：已恢复网站 {dest}"]
    with contextlib.suppress(OSError):
        link.unlink()
    return []


def intact(out: Path, trees: Trees) -> bool:
    """Whether ``out`` points to the live tree of the record and that tree holds exactly the
    recorded files, each unchanged (inode, size, modification and change times), in folders
    whose modification times say nothing was added or removed."""
    live = live_tree(out)
    if live is None or trees.live is None or live != _tree(destination(out), trees.live):
        return False
    if _dirty(destination(out), trees.live).exists():
        return False
    record = trees.files.get(trees.live) or {}
    return bool(record) and _as_recorded(live, record)


def published_file(out: Path, trees: Trees, rel: str, sha: str) -> Path | None:
    """The live tree's file ``rel`` when the record holds it with the hash ``sha`` and it is
    unchanged since recorded (inode, size, modification and change times); else None."""
    live = live_tree(out)
    if live is None or trees.live is None or live != _tree(destination(out), trees.live):
        return None
    path = live / check_rel(rel)
    return path if _as_entry(path, (trees.files.get(trees.live) or {}).get(rel), sha) else None


def _as_recorded(tree: Path, record: TreeRecord) -> bool:
    """Every folder and file of ``record`` unchanged in ``tree`` (see ``TreeRecord``)."""
    root = os.fspath(tree)  # strings, not paths: this runs for every file of the site
    for rel, entry in record.items():
        try:
            st = os.lstat(f"{root}/{rel}" if rel != "/" else root)
        except OSError:
            return False
        if rel.endswith("/"):
            if [st.st_ino, st.st_mtime_ns] != entry:
                return False
        elif stat_of(st) != entry[:4]:
            return False
    return True


def _folders(
    tree: Path,
    folders: Iterable[str],
    known: TreeRecord | None = None,
    touched: set[str] | frozenset[str] = frozenset(),
) -> TreeRecord:
    """The record of ``folders`` (``_parents`` of the tree's files) and of ``tree`` itself
    (as "/"). ``known``: the tree's record whose folders were found as recorded before the
    folders ``touched`` (as ``_ancestors`` gives them) had an entry added or removed; the
    others are taken from it."""
    names = {"/"} | {f"{folder}/" for folder in folders}
    root = os.fspath(tree)
    out: TreeRecord = {}
    for name in names:
        kept = known.get(name) if known is not None and name not in touched else None
        if kept is not None:
            out[name] = kept
            continue
        st = os.lstat(root if name == "/" else f"{root}/{name}")
        out[name] = [st.st_ino, st.st_mtime_ns]
    return out


def _ancestors(rel: str, into: set[str]) -> None:
    """Add to ``into`` every folder holding ``rel`` at any depth, as a tree's record names
    them (``a/b/``, ``a/``, and "/" for the tree itself): a file written or removed there may
    have made or removed the folders between."""
    into.add("/")
    folder = rel.rpartition("/")[0]
    while folder and f"{folder}/" not in into:
        into.add(f"{folder}/")
        folder = folder.rpartition("/")[0]


def _parents(files: Iterable[str]) -> set[str]:
    """Every folder (``a/b``) holding one of ``files`` (``a/b/c.html``), at any depth."""
    out: set[str] = set()
    for rel in files:
        folder = rel.rpartition("/")[0]
        while folder and folder not in out:
            out.add(folder)
            folder = folder.rpartition("/")[0]
    return out


def publish(
    out: Path,
    files: Mapping[str, tuple[str, str | Path]],
    trees: Trees,
    save: Callable[[Trees], None],
    checked: Found | None = None,
) -> Trees:
    """Make the site of ``files`` (path → (SHA-256, a file with those bytes)) the one at
    ``out`` (see the module docstring); ``save`` stores the new record before the spare's
    mark is removed. ``checked``: what ``check_ahead`` found of the spare as ``trees``
    records it (its folders and those files are not looked at again). The new record."""
    dest = destination(out)
    if os.path.lexists(dest) and not dest.is_symlink() and not dest.is_dir():
        raise BuildFailed(f"输出位置 {dest} 已存在且不是文件夹")
    live = _tree_named(dest, os.readlink(dest)) if dest.is_symlink() else None
    records = dict(trees.files) if trees.live == live else {}
    if dest.is_dir() and not dest.is_symlink():  # a plain folder: take it over as tree b
        remove_path(_tree(dest, "b"))
        remove_path(_dirty(dest, "b"))
        link = _tree(dest, "link")  # made first: ``recover`` finishes from here
        remove_path(link)
        os.symlink(_tree(dest, "b").name, link)
        os.rename(dest, _tree(dest, "b"))
        os.replace(link, dest)
        live, records = "b", {}
    spare, tree, known = _spare(dest, live, records, checked)
    found = checked.files if checked is not None and checked.known is known else {}
    mark = _dirty(dest, spare)
    mark.touch()
    tree.mkdir(exist_ok=True)
    live_record = records.get(live, {}) if live is not None else {}
    live_path = _tree(dest, live) if live is not None else None
    existing = {k for k in known if not k.endswith("/")} if known is not None else set(_walk(tree))
    record: TreeRecord = {}
    folders: set[str] = set()
    touched: set[str] = set()  # the folders an entry was added to or removed from
    root = os.fspath(tree)  # strings, not paths: this runs for every file of the site
    live_root = os.fspath(live_path) if live_path is not None else None
    for rel, (sha, source) in files.items():
        entry = (known or {}).get(rel)
        if entry is not None and found.get(rel) is entry and entry[4] == sha:
            record[rel] = entry  # found in place as recorded by ``check_ahead``
            continue
        target = f"{root}/{check_rel(rel)}"
        st = _lstat(target)
        if st is not None and entry is not None and entry[4] == sha and stat_of(st) == entry[:4]:
            record[rel] = entry
            continue
        _ancestors(rel, touched)
        if os.path.lexists(target):
            remove_path(Path(target))
        else:
            parent = rel.rpartition("/")[0]
            if parent and parent not in folders:
                _make_folder(tree, tree / parent)
                folders.add(parent)
        linked = live_root is not None and _link_same(
            f"{live_root}/{rel}", live_record.get(rel), sha, target
        )
        if not linked:
            copy_file(source, target)
        record[rel] = [*stat_of(os.lstat(target)), sha]
        if linked:  # the same file: its change time moved with the new link
            live_record[rel] = record[rel]
    # what the new site does not have (a file where the new site has a folder is gone already)
    needed = _parents(files)
    for rel in sorted(existing - set(files) - needed):
        _ancestors(rel, touched)
        remove_path(tree / rel)
        _prune(tree, Path(rel).parent)
    # the folders as they are now: those untouched are as the record found them
    record.update(_folders(tree, needed, known, touched))
    link = _tree(dest, "link")
    remove_path(link)
    os.symlink(tree.name, link)
    os.replace(link, dest)
    new = Trees(
        spare, {spare: record, **({live: live_record} if live is not None else {})}, trees.read
    )
    save(new)
    mark.unlink()
    return new


def _spare(
    dest: Path,
    live: str | None,
    records: Mapping[str, TreeRecord],
    checked: Found | None = None,
) -> tuple[str, Path, TreeRecord | None]:
    """The spare tree of the output at ``dest`` whose live tree is ``live``: its name, its
    folder, and its record when it can be trusted (None: it is marked as being changed, or a
    folder's time says a file was added or removed since, and it is walked). ``checked``:
    the record of the spare whose folders ``check_ahead`` found as recorded, in this build,
    which holds the build lock."""
    spare = "b" if live == "a" else "a"
    tree = _tree(dest, spare)
    known = records.get(spare) if tree.is_dir() and not _dirty(dest, spare).exists() else None
    if known is None or (checked is not None and checked.spare == spare and checked.known is known):
        return spare, tree, known
    if not _as_recorded(tree, {k: v for k, v in known.items() if k.endswith("/")}):
        known = None  # something was added or removed since: walk it
    return spare, tree, known


def _make_folder(tree: Path, folder: Path) -> None:
    """``folder`` in ``tree`` with its parents; a file of an older site where one of them
    must be (a page that became a folder) is removed first."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except (FileExistsError, NotADirectoryError):
        for parent in [*reversed(folder.relative_to(tree).parents), folder.relative_to(tree)]:
            path = tree / parent
            if os.path.lexists(path) and not path.is_dir():
                remove_path(path)
        folder.mkdir(parents=True, exist_ok=True)


def _link_same(source: str, entry: list | None, sha: str, target: str) -> bool:
    """Hard-link ``target`` to the live tree's ``source`` when that is, unchanged since
    recorded, the file wanted (``sha``); whether it did."""
    if not _as_entry(source, entry, sha):
        return False
    try:
        os.link(source, target)
    except OSError:  # another file system, or one without links
        return False
    return True


def _as_entry(path: str | Path, entry: list | None, sha: str) -> bool:
    """Whether ``entry`` of a tree's record is the file wanted (``sha``) and ``path`` is that
    file, unchanged since recorded."""
    if entry is None or entry[4] != sha:
        return False
    st = _lstat(path)
    return st is not None and stat_of(st) == entry[:4]


def _lstat(path: str | Path) -> os.stat_result | None:
    try:
        st = os.lstat(path)
    except OSError:
        return None
    return st if not _is_dir(st) else None


def _is_dir(st: os.stat_result) -> bool:
    return (st.st_mode & 0o170000) == 0o040000


def _walk(root: Path) -> Iterator[str]:
    """The paths of every file and link under ``root``."""
    for dirpath, _dirnames, filenames in os.walk(root):
        for name in filenames:
            yield Path(dirpath, name).relative_to(root).as_posix()


def _prune(root: Path, folder: Path) -> None:
    """Remove ``folder`` (relative to ``root``) and its parents while they are empty."""
    while folder.parts:
        try:
            (root / folder).rmdir()
        except OSError:
            return
        folder = folder.parent
