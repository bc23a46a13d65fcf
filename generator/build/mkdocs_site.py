"""The generated site configuration (mkdocs.yml) of a build, and running the site engine on it.

mkdocs-material runs in this process (no second interpreter start), Zensical in its own
(``generator.build.engine``); warnings fail the build (strict mode), and the search word list is
handed to mkdocs' search plugin through the generated configuration (``site_config``).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import yaml

from generator.build.engine import chosen_engine, quiet_jieba, run_site
from generator.paths import DEFAULT_MKDOCS_YML, INSTALL_ROOT
from generator.site import rawblocks
from generator.site.search import Cuts
from generator.urls import page_url


def config_file(project_root: Path | None) -> Path:
    """The site configuration of a project: its own mkdocs.yml, else the one gongshi ships."""
    if project_root is not None and (project_root / "mkdocs.yml").is_file():
        return project_root / "mkdocs.yml"
    return DEFAULT_MKDOCS_YML


def site_config(
    docs: Path,
    site: Path,
    words_file: Path | None,
    site_url: str | None,
    project_root: Path | None = None,
) -> dict:
    """The project's mkdocs.yml with absolute paths, the search word list, the site URL and
    the pages' raw HTML blocks (``site.rawblocks``) filled in. A relative
    ``theme.custom_dir`` is the project's own folder when it has one, else the templates
    gongshi ships (a project made by ``gongshi init`` has none)."""
    source = config_file(project_root)
    cfg = yaml.safe_load(source.read_text(encoding="utf-8"))
    cfg["docs_dir"] = str(docs)
    cfg["site_dir"] = str(site)
    theme = cfg.setdefault("theme", {})
    if theme.get("custom_dir"):
        own = source.parent / theme["custom_dir"]
        theme["custom_dir"] = str(own if own.is_dir() else INSTALL_ROOT / theme["custom_dir"])
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
    extensions = list(cfg.get("markdown_extensions") or [])
    if rawblocks.NAME not in extensions:  # the pages' raw HTML blocks, taken as they are
        extensions.append(rawblocks.NAME)
    cfg["markdown_extensions"] = extensions
    return cfg


def write_search_words(words: tuple[str, ...], path: Path) -> None:
    """jieba user dictionary: one word a line (frequency left to jieba, so the word is kept)."""
    path.write_text("".join(f"{w}\n" for w in words), encoding="utf-8")


def _quiet_jieba() -> None:
    quiet_jieba()


def run_mkdocs(config_file: Path, today: dt.date, cuts: Cuts | None = None) -> None:
    """Build the site with the engine of this build (``engine.chosen_engine``: mkdocs-material
    in-process unless ``gongshi build --engine zensical``); any warning fails the build.
    ``cuts``: the search's cuts of Chinese kept for the site's words (``engine.run_site``)."""
    run_site(config_file, today, chosen_engine(), cuts)


def write_config(path: Path, cfg: dict) -> Path:
    path.write_text(yaml.safe_dump(cfg, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


# A part's links that mkdocs cannot follow (into another part: published addresses) are
# left to the build, which checks every link of the site once all parts are in place
# (build.check_site_links). mkdocs is told to ignore them, not to note them: for a link it
# notes, it first tries every other file the link might have meant (the city's open-data page
# links four files of each centre: a third of a second at 1,000 centres).
PART_LINKS = {"not_found": "ignore", "unrecognized_links": "ignore"}


def city_config(cfg: dict) -> dict:
    """The city part of a site built in parts: links into a centre's part are published
    addresses that mkdocs cannot see (``PART_LINKS``)."""
    cfg = dict(cfg)
    cfg["validation"] = {"links": dict(PART_LINKS)}
    return cfg


def centre_config(cfg: dict, centre_id: str) -> dict:
    """One centre's part of a site built in parts.

    The navigation bar links to the city pages by their published addresses (they are not in
    this part), and the pages search only this centre (``extra.search_scope``; the theme
    override points mkdocs-material's search at this centre's own index).
    """
    cfg = dict(cfg)
    nav = []
    for entry in cfg.get("nav") or []:
        ((title, target),) = entry.items()
        nav.append({title: page_url(target)})
    cfg["nav"] = nav
    cfg["validation"] = {
        "nav": {"not_found": "info", "omitted_files": "info"},
        "links": dict(PART_LINKS),
    }
    extra = dict(cfg.get("extra") or {})
    extra["search_scope"] = f"centres/{centre_id}/"
    cfg["extra"] = extra
    return cfg
