"""Check the links of built pages against the finished site folder.

A site built in parts (build.py) has links between parts that no single mkdocs run can
check; this checks every relative ``href`` and ``src`` of the given pages once all parts are
in place. A link resolves when it names a file, or a folder holding ``index.html``.
"""

from __future__ import annotations

import html
import posixpath
import re
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path
from urllib.parse import unquote

ATTR = re.compile(r'\s(?:href|src)="([^"]*)"')
SKIP = re.compile(r"^(?:[a-zA-Z][a-zA-Z0-9+.-]*:|//|#)")


def links(page_html: str) -> Iterator[str]:
    """The relative link targets of a page, without query and fragment."""
    for raw in ATTR.findall(page_html):
        url = html.unescape(raw)
        if not url or SKIP.match(url):
            continue
        path = url.split("#", 1)[0].split("?", 1)[0]
        if path:
            yield path


def broken_links(
    site: Path | Mapping[str, str | Path], pages: Iterable[str]
) -> list[tuple[str, str]]:
    """(page, link) for every link of ``pages`` that resolves nowhere. ``site`` is the site's
    folder, or every file of the site by path with where its bytes are (a site assembled from
    parts kept apart)."""
    files = site if isinstance(site, Mapping) else None

    def exists(rel: str) -> bool:
        return rel in files if files is not None else (site / rel).is_file()  # type: ignore[operator]

    out = []
    for page in pages:
        path = files[page] if files is not None else site / page  # type: ignore[operator]
        text = Path(path).read_text(encoding="utf-8")
        for link in dict.fromkeys(links(text)):
            target = posixpath.normpath(posixpath.join(posixpath.dirname(page), unquote(link)))
            if target == ".." or target.startswith("../"):
                out.append((page, link))
                continue
            index = "index.html" if target == "." else f"{target}/index.html"
            if link.endswith("/") or target == ".":
                ok = exists(index)
            else:
                ok = exists(target) or exists(index)
            if not ok:
                out.append((page, link))
    return out
