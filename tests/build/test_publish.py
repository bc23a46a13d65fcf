"""Publishing into the output folder (build.publish): the output is a link to one of two
trees; a publication brings the spare tree to the new site file by file and flips the link;
a file kept is not touched, a file wanted again is linked from the live tree, never from its
source; a plain folder of an earlier version is taken over; a spare left half done by a
stopped publication is walked and finished. Real files, no mocks."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

import pytest

from generator.build.cache import DataEntry
from generator.build.publish import (
    Ahead,
    Checking,
    Publication,
    Trees,
    _as_recorded,
    check_ahead,
    intact,
    live_tree,
    publish,
    publish_beside,
    published_file,
    read_ahead,
    recover,
)
from generator.urls import shard_of


def sources(tmp_path: Path, files: dict[str, bytes]) -> dict[str, tuple[str, Path]]:
    """Each file written once under ``tmp_path/src`` (as a part's file in the cache)."""
    out = {}
    for rel, data in files.items():
        path = tmp_path / "src" / hashlib.sha256(data).hexdigest()
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        out[rel] = (hashlib.sha256(data).hexdigest(), path)
    return out


def site(out: Path) -> dict[str, bytes]:
    return {
        p.relative_to(out.resolve()).as_posix(): p.read_bytes()
        for p in out.resolve().rglob("*")
        if p.is_file()
    }


class Saved:
    def __init__(self) -> None:
        self.trees = Trees()

    def __call__(self, trees: Trees) -> None:
        self.trees = trees


def test_a_publication_touches_only_what_changed(tmp_path: Path) -> None:
    out = tmp_path / "public"
    saved = Saved()
    first = {"index.html": b"home", "centres/a/index.html": b"a", "print/a/x.pdf": b"%PDF-1"}
    publish(out, sources(tmp_path, first), saved.trees, saved)
    assert out.is_symlink() and site(out) == first
    assert intact(out, saved.trees)

    second = {**first, "centres/a/index.html": b"a, changed"}
    publish(out, sources(tmp_path, second), saved.trees, saved)
    assert site(out) == second
    live = live_tree(out)
    assert live is not None and live.name == ".public.b"
    # a file wanted in both was linked from the live tree: one file, two names
    assert (live / "index.html").stat().st_nlink == 2
    assert (live / "centres/a/index.html").stat().st_nlink == 1

    kept = (tmp_path / ".public.b" / "print/a/x.pdf").stat()
    third = {k: v for k, v in second.items() if k != "centres/a/index.html"}
    publish(out, sources(tmp_path, third), saved.trees, saved)
    assert site(out) == third and not (out / "centres" / "a").exists()
    publish(out, sources(tmp_path, third), saved.trees, saved)
    # back on tree b: the unchanged file is the same file, untouched
    assert (out.resolve() / "print/a/x.pdf").stat().st_ino == kept.st_ino
    assert intact(out, saved.trees)
    # nothing shares a file with the sources
    source_inodes = {p.stat().st_ino for p in (tmp_path / "src").iterdir()}
    for tree in (tmp_path / ".public.a", tmp_path / ".public.b"):
        assert not source_inodes & {p.stat().st_ino for p in tree.rglob("*") if p.is_file()}


def test_a_file_changed_in_the_site_is_never_kept(tmp_path: Path) -> None:
    out = tmp_path / "public"
    saved = Saved()
    files = {"index.html": b"home", "data/x.csv": b"a,b\r\n"}
    for _ in range(2):
        publish(out, sources(tmp_path, files), saved.trees, saved)
    (out / "data" / "x.csv").write_bytes(b"tampered")  # same path, in place
    (out / "planted.html").write_bytes(b"planted")
    assert not intact(out, saved.trees)
    for _ in range(2):  # into each tree once
        publish(out, sources(tmp_path, files), saved.trees, saved)
        assert site(out) == files
    assert intact(out, saved.trees)


def test_a_plain_folder_is_taken_over_and_a_half_done_spare_finished(tmp_path: Path) -> None:
    out = tmp_path / "public"
    (out / "old").mkdir(parents=True)
    (out / "old" / "index.html").write_bytes(b"old site")
    saved = Saved()
    files = {"index.html": b"new site"}
    publish(out, sources(tmp_path, files), saved.trees, saved)
    assert site(out) == files
    assert (tmp_path / ".public.b" / "old" / "index.html").read_bytes() == b"old site"

    # a publication stopped while writing the spare (tree b): its mark is still there and
    # it holds a stray file; the next publication walks it and finishes it
    (tmp_path / ".public.b.dirty").touch()
    (tmp_path / ".public.b" / "stray.txt").write_bytes(b"left behind")
    publish(out, sources(tmp_path, files), saved.trees, saved)
    assert site(out) == files and not (tmp_path / ".public.b.dirty").exists()

    # a takeover stopped between renaming the folder and putting its link in place
    os.rename(out, tmp_path / ".public.link")
    notes = recover(out)
    assert notes and site(out) == files
    # trees without a link (the output link deleted by hand) are not brought back
    os.unlink(out)
    assert recover(out) == [] and not os.path.lexists(out)


def test_a_file_that_became_a_folder_and_back(tmp_path: Path) -> None:
    out = tmp_path / "public"
    saved = Saved()
    one = {"index.html": b"home", "centres/a": b"a file"}
    two = {"index.html": b"home", "centres/a/index.html": b"a page"}
    for files in (one, one, two, two, one):
        publish(out, sources(tmp_path, files), saved.trees, saved)
        assert site(out) == files


def test_a_record_read_ahead_is_the_one_published_with(tmp_path: Path) -> None:
    """The build reads the record in the process beside its workers and publishes there
    (``read_ahead``, ``publish_beside``): the record read ahead is the one the publication
    brings the spare up to date with, and the new one is stored in its place."""
    out = tmp_path / "public"
    entry = DataEntry(tmp_path / "cache" / "trees.json", "the key")
    first = {"index.html": b"home", "data/a.csv": b"a\r\n", "print/a/x.pdf": b"%PDF-1"}
    for _ in range(2):  # both trees hold the site
        publish_beside(Publication(out, sources(tmp_path, first), entry))
    assert intact(out, Trees.of_rows(entry.get_rows()))
    spare = tmp_path / ".public.a"
    kept = (spare / "print/a/x.pdf").stat().st_ino
    # what the build asks of the live tree before publishing: the files it names, no other
    asked = read_ahead(Ahead(entry, ("data/a.csv", "missing.csv")))
    assert asked.live == "b" and set(asked.files["b"]) == {"data/a.csv"}
    assert published_file(out, asked, "data/a.csv", hashlib.sha256(b"a\r\n").hexdigest())
    entry.path.unlink()  # the publication goes by the record read ahead, not the file
    second = {**first, "index.html": b"home, changed"}
    publish_beside(Publication(out, sources(tmp_path, second), entry))
    assert site(out) == second
    assert (out.resolve() / "print/a/x.pdf").stat().st_ino == kept  # known, kept as it was
    assert intact(out, Trees.of_rows(entry.get_rows()))  # the new record stored
    # without a record read ahead, the entry is read then; a missing one walks the spare
    entry.path.unlink()
    publish_beside(Publication(out, sources(tmp_path, first), entry))
    assert site(out) == first and intact(out, Trees.of_rows(entry.get_rows()))


def test_the_record_is_written_again_only_in_the_rows_that_changed(tmp_path: Path) -> None:
    """The record keeps a row for each centre's files and one for the city's: a publication
    that changes one centre's file writes that centre's row anew and every other row as it
    was read (``Trees.rows``); a damaged row loses only its own records."""
    out = tmp_path / "public"
    entry = DataEntry(tmp_path / "cache" / "trees.json", "the key")
    centres = {f"centres/c{n}/index.html": f"centre {n}".encode() for n in range(5)}
    first = {"index.html": b"home", **centres, "data/c1/finance.csv": b"a\r\n"}
    for _ in range(3):  # both trees hold the site, and the record read was written by a build
        publish_beside(Publication(out, sources(tmp_path, first), entry))
    rows = entry.get_rows()
    assert rows is not None
    groups = {row: Trees.of_rows([rows[0], row]).read for row in rows[1:]}
    assert sorted(g for read in groups.values() for g in read) == ["", "c0", "c1", "c2", "c3", "c4"]
    # every path is in the row of its centre, the city's pages in the city's row
    for row, read in groups.items():
        ((group, (_text, records)),) = read.items()
        assert all(shard_of(rel) == (group or None) for tree in records.values() for rel in tree)
        assert records.keys() == {"a", "b"}

    second = {**first, "centres/c3/index.html": b"centre 3, changed"}
    saved = Saved()
    read = Trees.of_rows(rows)
    publish(out, sources(tmp_path, second), read, saved)
    # the rows unchanged are the very texts read, not written again
    unchanged = {text for group, (text, _records) in read.read.items() if group != "c3"}
    assert len(unchanged) == 5
    assert len([row for row in saved.trees.rows() if any(row is t for t in unchanged)]) == 5
    entry.put_rows(saved.trees.rows())
    assert site(out) == second and intact(out, Trees.of_rows(entry.get_rows()))
    again = entry.get_rows()
    assert again is not None and len(again) == len(rows)
    changed = {row for row in again[1:]} - set(rows[1:])
    assert [next(iter(Trees.of_rows([again[0], row]).read)) for row in changed] == ["c3"]

    # a damaged row: its centre's files are not known, and are made again; the rest kept
    damaged = [row if '"c2"' not in row else row[: len(row) // 2] for row in again]
    trees = Trees.of_rows(damaged)
    assert not any(rel.startswith("centres/c2/") for tree in trees.files.values() for rel in tree)
    assert any(rel.startswith("centres/c4/") for tree in trees.files.values() for rel in tree)
    entry.put_rows(damaged)
    publish_beside(Publication(out, sources(tmp_path, second), entry))
    assert site(out) == second and intact(out, Trees.of_rows(entry.get_rows()))


def test_rows_are_read_back_only_under_their_key_and_whole(tmp_path: Path) -> None:
    entry = DataEntry(tmp_path / "trees.json", "the key")
    rows = ['{"live":"a"}', '["c1",{"a":{}}]', "", '"名"']
    entry.put_rows(rows)
    assert entry.get_rows() == rows
    assert DataEntry(entry.path, "another key").get_rows() is None
    data = entry.path.read_bytes()
    entry.path.write_bytes(data[:-3])  # truncated
    assert entry.get_rows() is None
    entry.path.write_bytes(data.replace(b"c1", b"c2"))  # changed after its hash was taken
    assert entry.get_rows() is None
    with pytest.raises(ValueError):
        entry.put_rows(['"two\nlines"'])
    assert Trees.of_rows(None) == Trees() and Trees.of_rows(['{"live":"c"}']) == Trees()
    assert Trees.of_rows(["[1]"]) == Trees() and Trees.of_rows(["5"]) == Trees()
    # rows that are not a group's records are left out, the others read
    row = '["c1",{"a":{"centres/c1/index.html":[1,2,3,4,"ab"]}}]'
    planted = ['{"live":"b"}', "5", "null", '["c2"]', "[5,{}]", '["c3",[]]', "[1,2,3]", row]
    trees = Trees.of_rows(planted)
    assert trees.live == "b" and trees.files == {"a": {"centres/c1/index.html": [1, 2, 3, 4, "ab"]}}


def test_the_files_found_in_place_ahead_are_left_as_they_are(tmp_path: Path) -> None:
    """The files of the parts taken from the cache are looked for in the spare tree while the
    build makes the city pages (``check_ahead``); publishing then leaves those found as
    recorded as they are, and brings every other file as before."""
    out = tmp_path / "public"
    entry = DataEntry(tmp_path / "cache" / "trees.json", "the key")
    first = {"index.html": b"home", "data/a.csv": b"a\r\n", "print/a/x.pdf": b"%PDF-1"}
    for _ in range(2):  # both trees hold the site
        publish_beside(Publication(out, sources(tmp_path, first), entry))
    spare = tmp_path / ".public.a"
    (spare / "data" / "a.csv").write_bytes(b"tampered")  # in place, before the look
    kept = (spare / "print/a/x.pdf").stat().st_ino
    second = {**first, "index.html": b"home, changed"}
    files = sources(tmp_path, second)
    read_ahead(Ahead(entry, ()))
    # the tampered file and the changed one are not in place; the PDF is
    assert check_ahead(Checking(out, {rel: sha for rel, (sha, _p) in files.items()}, entry)) == 1
    publish_beside(Publication(out, files, entry))
    assert site(out) == second and intact(out, Trees.of_rows(entry.get_rows()))
    assert (out.resolve() / "print/a/x.pdf").stat().st_ino == kept
    # without the record read ahead, nothing is looked for: publishing looks at every file
    assert check_ahead(Checking(out, {}, entry)) == 0


def test_each_tree_is_recorded_as_it_is_after_each_publication(tmp_path: Path) -> None:
    """A publication takes the record of the spare's folders that the look ahead (or its own
    look) found as recorded, and looks again only at the folders it added a file to or
    removed one from: after every publication, each tree's record holds every folder as it
    is, so the next build trusts it and walks neither tree. (A file's record may not be: a
    file removed from the spare that was a link to the live tree's moves that file's change
    time, and the next publication into that tree links or copies it again.)"""
    out = tmp_path / "public"
    entry = DataEntry(tmp_path / "cache" / "trees.json", "the key")
    sites = [
        {"index.html": b"home", "centres/a/index.html": b"a", "print/a/x.pdf": b"%PDF-1"},
        {"index.html": b"home", "centres/a/index.html": b"a", "print/a/x.pdf": b"%PDF-1"},
        # a file in a new folder three deep, one changed in place, one removed
        {"index.html": b"home 2", "centres/a/index.html": b"a", "centres/b/f/g/h.html": b"h"},
        {"index.html": b"home 2", "centres/a/index.html": b"a", "centres/b/f/g/h.html": b"h"},
        # a file where a folder was, a folder emptied and removed, a top-level file added
        {"index.html": b"home 2", "centres/b/f": b"a file", "robots.txt": b"x"},
        {"index.html": b"home 2", "centres/b/f": b"a file", "robots.txt": b"x"},
        {"index.html": b"home 3", "centres/b/f": b"a file", "robots.txt": b"x"},
    ]
    for n, files in enumerate(sites):
        made = sources(tmp_path, files)
        if n % 2:  # as a large build publishes: the record read and the files looked for ahead
            read_ahead(Ahead(entry, ()))
            check_ahead(Checking(out, {rel: sha for rel, (sha, _p) in made.items()}, entry))
        publish_beside(Publication(out, made, entry))
        assert site(out) == files
        trees = Trees.of_rows(entry.get_rows())
        for name, record in trees.files.items():
            tree = tmp_path / f".public.{name}"
            assert _as_recorded(tree, {k: v for k, v in record.items() if k.endswith("/")})
            folders = {p.relative_to(tree).as_posix() + "/" for p in tree.rglob("*") if p.is_dir()}
            assert folders <= set(record), (n, name)
