"""Join district shards into the province index site.

A province builds each district as its own project (``gongshi build`` per shard, anywhere)
and publishes each shard's output under ``/<shard>/``. The join reads every shard's
``data/centres.json`` and writes the index site that sits at ``/``: one page of links to the
shards and their centres, the combined ``data/centres.json`` with every page and data address
prefixed by its shard, and a ``manifest.sha256``. It reads nothing else of the shards, so it
takes milliseconds whatever their size (docs/performance.md, "Beyond one machine").
"""

from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import jinja2

from generator.build.cache import manifest_line
from generator.build.tree import write_files
from generator.errors import GongshiError
from generator.paths import TEMPLATES

SHARD_NAME = re.compile(r"[a-z0-9][a-z0-9-]{0,62}")
DEFAULT_TITLE = "社区服务中心信息公示"
_ENV = jinja2.Environment(
    loader=jinja2.FileSystemLoader(TEMPLATES / "join"),
    autoescape=True,
    undefined=jinja2.StrictUndefined,
    keep_trailing_newline=True,
)


@dataclass
class Shard:
    """One district's built site: its name (the sub-path it is published under) and folder."""

    name: str
    site: Path
    title: str = ""
    centres: list[dict[str, Any]] = field(default_factory=list)


def parse_shard(text: str) -> Shard:
    """``NAME=FOLDER`` from the command line; the name is the shard's published sub-path."""
    name, sep, folder = text.partition("=")
    if not sep or not folder:
        raise GongshiError(f"分站应写成 名称=文件夹（如 futian=futian/public），这里是 {text!r}")
    if not SHARD_NAME.fullmatch(name):
        raise GongshiError(
            f"分站名称 {name!r} 不合适：它是网址中的一段，只能用小写字母、数字和连字符（如 futian）"
        )
    return Shard(name=name, site=Path(folder))


def _relative(value: Any, where: str) -> str:
    """A site-relative address from a shard's index: never absolute, never leaving the shard."""
    if not isinstance(value, str) or not value:
        raise GongshiError(f"{where} 应是站内相对地址，这里是 {value!r}")
    if value.startswith(("/", "\\")) or ":" in value or ".." in value.split("/"):
        raise GongshiError(f"{where} 应是站内相对地址，这里是 {value!r}")
    return value


def _prefixed(files: Any, prefix: str, where: str) -> Any:
    if isinstance(files, dict):
        return {k: _prefixed(v, prefix, f"{where}.{k}") for k, v in files.items()}
    if isinstance(files, list):
        return [_prefixed(v, prefix, where) for v in files]
    return prefix + _relative(files, where)


def read_shard(shard: Shard) -> Shard:
    """The shard's centres from its ``data/centres.json``, addresses prefixed by its name."""
    index = shard.site / "data" / "centres.json"
    where = f"分站 {shard.name}（{index}）"
    if not index.is_file():
        raise GongshiError(f"{where}：找不到这个文件；请先用 gongshi build 生成这个分站。")
    try:
        data = json.loads(index.read_text(encoding="utf-8"))
        rows = data["centres"]
        if not isinstance(rows, list):
            raise TypeError
    except (OSError, UnicodeDecodeError, ValueError, KeyError, TypeError) as exc:
        raise GongshiError(f"{where}：不是 gongshi 生成的中心索引（{exc}）") from exc
    centres = []
    for i, row in enumerate(rows, 1):
        if not isinstance(row, dict) or not isinstance(row.get("name"), str):
            raise GongshiError(f"{where}：第 {i} 个中心缺少名称")
        entry = dict(row)
        entry["shard"] = shard.name
        entry["page"] = f"{shard.name}/" + _relative(
            row.get("page"), f"{where} 第 {i} 个中心的 page"
        )
        entry["files"] = _prefixed(
            row.get("files", {}), f"{shard.name}/", f"{where} 第 {i} 个中心的 files"
        )
        centres.append(entry)
    title = data.get("title") if isinstance(data.get("title"), str) else ""
    return Shard(name=shard.name, site=shard.site, title=title or shard.name, centres=centres)


def render_index(shards: list[Shard], title: str, today: dt.date) -> dict[str, bytes]:
    """The index site's files, by path."""
    combined = [c for s in shards for c in s.centres]
    page = _ENV.get_template("index.html.j2").render(
        title=title,
        shards=shards,
        total=len(combined),
        generated=f"{today.year}年{today.month}月{today.day}日",
    )
    files = {
        "index.html": page.encode("utf-8"),
        "data/centres.json": json.dumps(
            {
                "generated": today.isoformat(),
                "shards": [s.name for s in shards],
                "centres": combined,
            },
            ensure_ascii=False,
            indent=1,
        ).encode("utf-8"),
    }
    manifest = "".join(manifest_line(rel, data) for rel, data in sorted(files.items()))
    files["manifest.sha256"] = manifest.encode("utf-8")
    return files


def join_shards(shards: list[Shard], dest: Path, today: dt.date, title: str = DEFAULT_TITLE) -> int:
    """Read every shard, then replace ``dest`` with the index site; returns the centre count.

    Every shard is read before anything is written, so a bad shard leaves ``dest`` as it was.
    """
    names = [s.name for s in shards]
    if not shards:
        raise GongshiError("至少要给出一个分站（名称=文件夹）")
    dupes = sorted({n for n in names if names.count(n) > 1})
    if dupes:
        raise GongshiError(f"分站名称重复：{'、'.join(dupes)}")
    read = [read_shard(s) for s in shards]
    write_files(render_index(read, title, today), dest)
    return sum(len(s.centres) for s in read)
