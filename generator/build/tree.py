"""The output tree: checked relative paths, a set of files written into a folder, the folder
swapped in atomically, parts linked into the assembled site, and the site's sitemap and
manifest.

Two outputs wanting the same path is a failure, never a silent overwrite. The published
folder carries ``manifest.sha256``: the SHA-256 of every other file in it.
"""

from __future__ import annotations

import gzip
import os
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from xml.sax.saxutils import escape as xml_escape

from generator.build.cache import manifest_line
from generator.build.linkcheck import broken_links
from generator.errors import BuildFailed

MANIFEST = "manifest.sha256"


# ---------------------------------------------------------------- writing a set of files


def check_rel(path: str) -> str:
    p = Path(path)
    if p.is_absolute() or ".." in p.parts or not path or path.startswith("/"):
        raise BuildFailed(f"输出路径不合法：{path}")
    return p.as_posix()


def write_tree(files: dict[str, bytes], dest: Path) -> None:
    for rel, data in sorted(files.items()):
        target = dest / check_rel(rel)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)


def swap_in(new: Path, dest: Path) -> None:
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


def write_manifest(site: Path, lines: list[str]) -> None:
    """``MANIFEST`` in ``site`` from the manifest lines of every other file, by path."""
    (site / MANIFEST).write_text("".join(sorted(lines, key=lambda x: x[66:])), encoding="utf-8")
