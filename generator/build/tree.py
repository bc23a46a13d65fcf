"""The output tree: checked relative paths, a set of files written into a folder, the folder
swapped in by renames (and a swap that a stopped build left half done finished or undone),
parts copied into the assembled site, and the site's sitemap and manifest.

Two outputs wanting the same path is a failure, never a silent overwrite. The published
folder carries ``manifest.sha256``: the SHA-256 of every other file in it. It shares no file
with the build cache (a copy, or a copy-on-write reflink, never a hard link).
"""

from __future__ import annotations

import contextlib
import gzip
import hashlib
import os
import shutil
import sys
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from xml.sax.saxutils import escape as xml_escape

from generator.build.cache import manifest_line, named
from generator.build.linkcheck import broken_links
from generator.errors import BuildFailed

try:  # reflinks (copy-on-write copies) where the platform has them
    import fcntl

    _FICLONE: int | None = 0x40049409 if sys.platform.startswith("linux") else None
except ImportError:  # Windows
    fcntl = None  # type: ignore[assignment]
    _FICLONE = None

MANIFEST = "manifest.sha256"


# ---------------------------------------------------------------- writing a set of files


def check_rel(path: str) -> str:
    """``path`` as a relative POSIX path inside the output; BuildFailed when it is absolute
    or climbs out. A path already in that form is given back as it is, without a ``Path``
    (this runs for every file of a site)."""
    if (
        path
        and "\\" not in path
        and ":" not in path  # a Windows drive is for ``Path`` to judge
        and all(p not in ("", ".", "..") for p in path.split("/"))
    ):
        return path
    p = Path(path)
    if p.is_absolute() or ".." in p.parts or not path or path.startswith("/"):
        raise BuildFailed(f"输出路径不合法：{path}")
    return p.as_posix()


def write_tree(files: dict[str, bytes], dest: Path) -> None:
    for rel, data in sorted(files.items()):
        target = dest / check_rel(rel)
        target.parent.mkdir(parents=True, exist_ok=True)
        write_new(target, data)


# The swap. A finished site is put in place by renames only, beside the output folder
# ``dest`` (same file system, so each rename is atomic):
#
#   1. the site is made in a temporary folder ``.<name>.build-*``;
#   2. finished (every file written, the manifest last), it is renamed ``.<name>.new``;
#   3. ``dest`` (the site being replaced) is renamed ``.<name>.old``;
#   4. ``.<name>.new`` is renamed ``dest``;
#   5. ``.<name>.old`` is removed.
#
# A build stopped at any point (killed, power cut) leaves either ``dest`` (old or new) or,
# between 3 and 4 only, no ``dest`` but a complete ``.<name>.new`` and ``.<name>.old``.
# ``recover_output``, run by the next build before anything else (under the build lock),
# finishes or undoes that: with no ``dest``, a ``.<name>.new`` (complete, since only a
# finished site gets that name) becomes ``dest``, else a ``.<name>.old`` is put back; then
# the debris (``.new``, ``.old``, ``.build-*`` and ``.old-<pid>`` of older versions) is
# removed. A reader of ``dest`` therefore always sees a whole site, old or new.


def _foreign_link(dest: Path) -> bool:
    """Whether ``dest`` is a link of the user's (to the folder the site goes into), not the
    build's own link to one of its trees (build.publish)."""
    return dest.is_symlink() and not os.readlink(dest).startswith(f".{dest.name}.")


def _debris(dest: Path) -> tuple[Path, Path]:
    return dest.with_name(f".{dest.name}.new"), dest.with_name(f".{dest.name}.old")


def recover_output(dest: Path) -> list[str]:
    """Finish or undo a swap that a stopped build left half done, and remove its debris;
    what was done, as notes (Chinese)."""
    dest = dest.resolve() if _foreign_link(dest) else dest
    new, old = _debris(dest)
    notes = []
    if not os.path.lexists(dest):
        if new.is_dir():
            os.replace(new, dest)
            notes.append(f"上次生成在替换网站时中断：已换上其完整的新网站 {dest}")
        elif old.is_dir():
            os.replace(old, dest)
            notes.append(f"上次生成在替换网站时中断：已恢复原有网站 {dest}")
    parent = dest.parent
    if parent.is_dir():
        prefixes = (f".{dest.name}.build-", f".{dest.name}.old-", f".{dest.name}.new-")
        for entry in parent.iterdir():
            if entry in (new, old) or entry.name.startswith(prefixes):
                remove_path(entry)
    return notes


def remove_path(path: Path) -> None:
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path, ignore_errors=True)
    else:
        with contextlib.suppress(OSError):
            path.unlink()


def swap_in(site: Path, dest: Path) -> None:
    """Put the finished folder ``site`` at ``dest`` (see the steps above); the old one is
    removed only afterwards."""
    dest = dest.resolve() if dest.is_symlink() else dest
    if os.path.lexists(dest) and not dest.is_dir():
        raise BuildFailed(f"输出位置 {dest} 已存在且不是文件夹")
    new, old = _debris(dest)
    for stale in (new, old):
        if os.path.lexists(stale):
            remove_path(stale)
    os.replace(site, new)
    had_old = dest.is_dir()
    if had_old:
        os.replace(dest, old)
    try:
        os.replace(new, dest)
    except OSError:
        if had_old:
            os.replace(old, dest)
        raise
    if had_old:
        shutil.rmtree(old, ignore_errors=True)


def write_files(files: dict[str, bytes], dest: Path) -> None:
    """Atomically replace ``dest`` with a folder holding exactly these files."""
    dest = Path(dest)
    dest.parent.mkdir(parents=True, exist_ok=True)
    recover_output(dest)
    tmp = Path(tempfile.mkdtemp(prefix=f".{dest.name}.build-", dir=dest.parent))
    try:
        write_tree(files, tmp)
        swap_in(tmp, dest)
    finally:
        if tmp.exists():
            shutil.rmtree(tmp, ignore_errors=True)


@dataclass
class Gathered:
    """Everything the docs folder will hold, with a claim on every path."""

    files: dict[str, bytes] = field(default_factory=dict)
    words: tuple[str, ...] = ()

    def add(self, path: str, data: bytes, what: str) -> None:
        path = check_rel(path)
        if path in self.files:
            raise BuildFailed(f"两项输出要写入同一个文件 {path}（{what}）")
        self.files[path] = data


# ---------------------------------------------------------------- the assembled site


def link_tree(src: Path, dest: Path) -> None:
    """Copy every file of ``src`` into ``dest`` (never a hard link: the published site shares
    no file with the build cache, so nothing done to a cache file changes it); two parts
    wanting one path is a failure."""
    for dirpath, _dirnames, filenames in os.walk(src):
        rel_dir = os.path.relpath(dirpath, src)
        target_dir = os.path.normpath(os.path.join(dest, rel_dir))
        os.makedirs(target_dir, exist_ok=True)
        for name in filenames:
            if name == ".key":
                continue
            source, target = os.path.join(dirpath, name), os.path.join(target_dir, name)
            if os.path.lexists(target):
                rel = os.path.relpath(target, dest).replace(os.sep, "/")
                raise BuildFailed(f"两项输出要写入同一个文件 {rel}")
            copy_file(source, target)


def manifest_items(lines: list[str]) -> list[tuple[str, str]]:
    """(path, sha256) of each manifest line ("sha256  path")."""
    out = []
    for line in lines:
        sha, _, rel = line.rstrip("\n").partition("  ")
        out.append((rel, sha))
    return out


def stat_of(st: os.stat_result) -> list[int]:
    return [st.st_ino, st.st_size, st.st_mtime_ns, st.st_ctime_ns]


def copy_file(source: str | Path, target: str | Path) -> None:
    """A copy of ``source`` at ``target`` (a new file): a reflink where the file system
    shares blocks copy-on-write (Btrfs, XFS), else the bytes."""
    try:
        with open(source, "rb") as src, open(target, "xb") as dst:
            if _FICLONE is not None:
                try:
                    fcntl.ioctl(dst.fileno(), _FICLONE, src.fileno())
                    return
                except OSError:
                    pass
            shutil.copyfileobj(src, dst, 1 << 20)
    except OSError as exc:
        raise named(exc, target) from None


def folder_stats(folder: Path, lines: list[str]) -> dict[str, list[int]]:
    """Inode, size, modification and change times of each file of the manifest ``lines`` in
    ``folder``, taken when the folder is put in the cache (``stats_match``)."""
    stats = {}
    for rel, _sha in manifest_items(lines):
        with contextlib.suppress(OSError):
            stats[rel] = stat_of(os.lstat(folder / rel))
    return stats


def stats_match(folder: Path, lines: list[str], stats: dict[str, list[int]]) -> bool:
    """Whether ``folder`` still holds every file of the manifest ``lines`` with its hash: a
    file whose inode, size and times are those ``folder_stats`` recorded is taken as
    unchanged (writing, truncating or replacing a file changes its change time, which no
    user can set back), any other is hashed (like git's index)."""
    base = os.fspath(folder) + "/"  # strings, not paths: this runs for every file of a part
    for rel, sha in manifest_items(lines):
        try:
            st = os.lstat(base + check_rel(rel))
        except OSError:
            return False
        if stats.get(rel) == stat_of(st):
            continue
        if not files_match(folder, [(rel, sha)]):
            return False
    return True


def files_match(folder: Path, items: list[tuple[str, str]]) -> bool:
    """Whether each (path, sha256) of ``items`` is a regular file of ``folder`` with that
    hash."""
    for rel, sha in items:
        path = folder / check_rel(rel)
        try:
            if not path.is_file() or path.is_symlink() or _sha256(path) != sha:
                return False
        except OSError:
            return False
    return True


def _sha256(path: str | Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def check_site_links(site: Path | Mapping[str, str | Path], pages: list[str]) -> None:
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
        write_new(site / name, content)
        lines.append(manifest_line(name, content))
    return lines


def write_manifest(site: Path, lines: list[str]) -> bytes:
    """``MANIFEST`` in ``site`` from the manifest lines of every other file, by path; its
    bytes."""
    data = "".join(sorted(lines, key=lambda x: x[66:])).encode("utf-8")
    write_new(site / MANIFEST, data)
    return data


def write_new(path: Path, data: bytes) -> None:
    """Write a file of the site being made (an error names the file)."""
    try:
        path.write_bytes(data)
    except OSError as exc:
        raise named(exc, path) from None
