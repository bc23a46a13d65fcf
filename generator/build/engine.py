"""The site engine that turns a generated docs folder into HTML.

Two engines read the same generated ``mkdocs.yml`` (``mkdocs_site.site_config``):

- ``mkdocs``: MkDocs with mkdocs-material, run in this process (the default). Any warning
  fails the build (strict); the search plugin splits Chinese with jieba and the project's
  word list.
- ``zensical``: Zensical, the successor of mkdocs-material, run as a separate process
  (``python -m zensical build --strict``). Zensical takes docs_dir, site_dir and custom_dir
  only inside the folder of its configuration file, so the run lays the configuration out
  there with relative paths and a copy of the theme overrides; the overrides for Zensical
  alone (``site_templates/site/overrides/zensical/``) replace the files of the same name
  (its search box is its own, with the search dialog's words in Chinese).

Search: mkdocs-material writes ``search/search_index.json`` (entries under ``docs``),
Zensical ``search.json`` (entries under ``items``), both at the root of the site, each
entry's ``location`` relative to the root. A centre's part searches only that centre
(``extra.search_scope``; the theme override points the search at the centre's folder):
``scoped_index`` makes the centre's own index from the part's index.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import importlib.util
import json
import logging
import os
import re
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterable, Iterator
from pathlib import Path

import jieba
import material.plugins.search.plugin as material_search
import yaml
from jinja2 import Environment, FileSystemLoader
from jinja2.bccache import Bucket, BytecodeCache
from mkdocs.commands.build import build
from mkdocs.config import load_config
from mkdocs.exceptions import MkDocsException
from mkdocs.theme import Theme

from generator.errors import BuildFailed
from generator.paths import TEMPLATES
from generator.site.search import Cuts
from generator.site.search import tokenizer as search_tokenizer

MKDOCS = "mkdocs"
ZENSICAL = "zensical"
ENGINES = (MKDOCS, ZENSICAL)
DEFAULT_ENGINE = MKDOCS
# the engine of `gongshi build --engine` (set by the command line for this process and the
# worker processes it starts)
ENGINE_ENV = "GONGSHI_SITE_ENGINE"
ZENSICAL_VERSION = "0.0.73"  # the version the templates are checked with
# the overrides for Zensical alone, laid over the shared ones (not read by mkdocs-material)
ZENSICAL_OVERRIDES = "zensical"
OVERRIDES = TEMPLATES / "site" / "overrides"

# where each engine writes its search index in a site, and the key of its entries
SEARCH_INDEX = {MKDOCS: "search/search_index.json", ZENSICAL: "search.json"}
SEARCH_ENTRIES = {MKDOCS: "docs", ZENSICAL: "items"}

_TIMEOUT = 600  # seconds a Zensical run may take (a part builds in about a second)
_ANSI = re.compile(r"\x1b\[[0-9;]*m")


def chosen_engine() -> str:
    """The engine of this build: ``GONGSHI_SITE_ENGINE`` when set, else mkdocs-material."""
    name = os.environ.get(ENGINE_ENV, "").strip() or DEFAULT_ENGINE
    if name not in ENGINES:
        raise BuildFailed(
            f"环境变量 {ENGINE_ENV} 的值 {name!r} 不是可用的网站引擎；应是 {' 或 '.join(ENGINES)}"
        )
    return name


def engine_name(text: str) -> str:
    """An engine named on the command line (``--engine``), or a Chinese message."""
    if text not in ENGINES:
        raise argparse.ArgumentTypeError(
            f"应是 {' 或 '.join(ENGINES)}（默认 {DEFAULT_ENGINE}，即 mkdocs-material），不是 {text!r}"
        )
    return text


class UseEngine(argparse.Action):
    """``--engine``: the site engine of this build, for this process and the worker processes
    it starts (``chosen_engine``)."""

    def __call__(
        self,
        parser: argparse.ArgumentParser,
        namespace: argparse.Namespace,
        values: object,
        option_string: str | None = None,
    ) -> None:
        os.environ[ENGINE_ENV] = str(values)
        setattr(namespace, self.dest, values)


def run_site(
    config_file: Path, today: dt.date, engine: str = DEFAULT_ENGINE, cuts: Cuts | None = None
) -> None:
    """Build the site described by ``config_file`` (a generated mkdocs.yml with absolute
    paths) with ``engine``; any warning fails the build. ``cuts``: the search plugin's cuts
    of Chinese kept for this site's search words (mkdocs only; ``_SearchWords``)."""
    if engine == ZENSICAL:
        run_zensical(config_file, today)
    elif engine == MKDOCS:
        run_mkdocs_here(config_file, today, cuts)
    else:
        raise BuildFailed(f"未知的网站引擎 {engine!r}；应是 {' 或 '.join(ENGINES)}")


def search_index(engine: str = DEFAULT_ENGINE) -> str:
    """Where ``engine`` writes the search index, relative to the site root."""
    return SEARCH_INDEX[engine]


def scoped_index(site: Path, scope: str, engine: str = DEFAULT_ENGINE) -> bytes:
    """The search index of ``site`` cut to the pages under ``scope`` (``centres/<id>/``),
    with addresses relative to that folder, as the engine's search reads it from there."""
    key = SEARCH_ENTRIES[engine]
    index = json.loads((site / SEARCH_INDEX[engine]).read_text(encoding="utf-8"))
    index[key] = [
        {**entry, "location": entry["location"][len(scope) :]}
        for entry in index.get(key, [])
        if entry.get("location", "").startswith(scope)
    ]
    return json.dumps(index, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


# ---------------------------------------------------------------- mkdocs-material


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


def quiet_jieba() -> None:
    jieba.setLogLevel(logging.WARNING)


def load_jieba() -> None:
    """jieba's dictionary, loaded once in this process (half a second each time): the
    search words' own tokenizer (``site.search``, kept free of the build's user words) loads
    it, and jieba's shared tokenizer, which mkdocs-material's search plugin cuts the pages
    with and adds the user words to, starts from a copy of it instead of loading it again."""
    quiet_jieba()
    shared = jieba.dt
    if shared.initialized or shared.dictionary != jieba.DEFAULT_DICT:
        return
    own = search_tokenizer()
    if own.dictionary != jieba.DEFAULT_DICT:
        return
    with shared.lock:
        if not shared.initialized:
            shared.FREQ, shared.total = dict(own.FREQ), own.total
            shared.initialized = True


def unload_jieba() -> None:
    """jieba's dictionary let go in this process (77 MB; ``load_jieba`` loads it again for the
    next text to cut): the build process of a command, which cuts nothing after the city
    pages, no longer holds it while the workers make the parts."""
    shared = jieba.dt
    with shared.lock:
        shared.FREQ, shared.total, shared.initialized = {}, 0, False
    search_tokenizer.cache_clear()


def _epoch(today: dt.date) -> str:
    return str(int(dt.datetime(today.year, today.month, today.day, tzinfo=dt.UTC).timestamp()))


def run_mkdocs_here(config_file: Path, today: dt.date, cuts: Cuts | None = None) -> None:
    """Build the site with mkdocs-material in this process; any warning fails the build.
    ``cuts``: see ``run_site``."""
    collect = _Collect()
    logger = logging.getLogger("mkdocs")
    logger.addHandler(collect)
    try:
        with (
            _env(NO_MKDOCS_2_WARNING="1", SOURCE_DATE_EPOCH=_epoch(today)),
            _compiled_templates(),
            _search_words(cuts),
        ):
            cfg = load_config(config_file=str(config_file), strict=True)
            build(cfg)
    except (MkDocsException, SystemExit) as exc:
        detail = "；".join(collect.messages) or str(exc)
        raise BuildFailed(f"mkdocs 生成网站失败：{detail}") from exc
    finally:
        logger.removeHandler(collect)


class _CompiledTemplates(BytecodeCache):
    """The theme's templates compiled once per process: mkdocs makes a new Jinja environment
    for every site it builds, and a build in parts builds one site per centre. Jinja keys each
    template's code by its name and file and checks it against the SHA-1 of the template's
    source (``Bucket.checksum``), so a changed template is compiled again. The list of the
    theme's files is kept likewise (a theme does not change during a build)."""

    def __init__(self) -> None:
        self.codes: dict[str, tuple[str, object]] = {}

    def load_bytecode(self, bucket: Bucket) -> None:
        found = self.codes.get(bucket.key)
        if found is not None and found[0] == bucket.checksum:
            bucket.code = found[1]  # type: ignore[assignment]

    def dump_bytecode(self, bucket: Bucket) -> None:
        self.codes[bucket.key] = (bucket.checksum, bucket.code)


_TEMPLATES = _CompiledTemplates()
_LISTED: dict[tuple[str, ...], list[str]] = {}


@contextlib.contextmanager
def _compiled_templates() -> Iterator[None]:
    """mkdocs' theme environments of this block with the process's compiled templates."""
    saved = Theme.get_env

    def get_env(theme: Theme) -> Environment:
        env = saved(theme)
        env.bytecode_cache = _TEMPLATES
        loader = env.loader
        if isinstance(loader, FileSystemLoader):
            listed = loader.list_templates

            def list_templates() -> list[str]:
                # the theme's files, listed once per process for its folders (mkdocs lists
                # them for every site to copy its static files)
                key = tuple(str(p) for p in loader.searchpath)
                if key not in _LISTED:
                    _LISTED[key] = listed()
                return list(_LISTED[key])

            loader.list_templates = list_templates  # type: ignore[method-assign]
        return env

    Theme.get_env = get_env  # type: ignore[method-assign]
    try:
        yield
    finally:
        Theme.get_env = saved  # type: ignore[method-assign]


_MISSING = object()


class _SearchWords:
    """jieba as mkdocs-material's search plugin sees it during one site's build.

    - Each run of Chinese characters is cut once per site (``cuts``: the plugin cuts every run
      of every page, and a city's pages repeat the same names and words many times), or
      taken from the cuts kept from the last build of the site with the same words
      (``build.city.KeptCuts``).
    - jieba's dictionary is loaded, and the site's own words (``search.jieba_dict_user``)
      added to it, only when a run must be cut: a new day of a city whose pages bring no new
      words loads none (a second of the build process).
    - The site's words are taken out of jieba's shared tokenizer when the build ends: jieba
      adds a word with a frequency computed from the words already there, so words left from
      one site would change how the next site built in the same process is cut (a worker
      builds many centres' parts one after another)."""

    def __init__(self, cuts: Cuts | None = None) -> None:
        self.cuts = cuts if cuts is not None else Cuts()
        self.words: list[str] = []  # the user dictionaries to add before the first cut
        self.before: dict[str, object] = {}  # each word's frequency before the site's words
        self.tags: dict[str, object] = {}
        self.total = 0

    def cut(self, text: bytes) -> tuple[str, ...]:
        return self.cuts.get(text.decode("utf-8"), self._cut)

    def _cut(self, text: str) -> Iterable[str]:
        load_jieba()
        while self.words:
            self._add(self.words.pop(0))
        return jieba.cut(text)

    def load_userdict(self, path: str) -> None:
        self.words.append(path)  # read at the first cut: the file stays until the build ends

    def _add(self, path: str) -> None:
        shared = jieba.dt
        shared.check_initialized()
        if not self.before:
            self.total = shared.total
        add = shared.add_word

        def add_word(word: str, freq: object = None, tag: object = None) -> None:
            for end in range(1, len(word) + 1):
                self.before.setdefault(word[:end], shared.FREQ.get(word[:end], _MISSING))
            self.tags.setdefault(word, shared.user_word_tag_tab.get(word, _MISSING))
            add(word, freq, tag)

        shared.add_word = add_word  # load_userdict calls self.add_word
        try:
            jieba.load_userdict(path)
        finally:
            del shared.add_word

    def undo(self) -> None:
        """jieba's shared tokenizer as it was before the site's words."""
        shared = jieba.dt
        for table, before in ((shared.FREQ, self.before), (shared.user_word_tag_tab, self.tags)):
            for word, value in before.items():
                if value is _MISSING:
                    table.pop(word, None)
                else:
                    table[word] = value
        if self.before:
            shared.total = self.total
        self.before.clear()
        self.tags.clear()
        self.words.clear()

    def __getattr__(self, name: str) -> object:
        return getattr(jieba, name)


@contextlib.contextmanager
def _search_words(cuts: Cuts | None = None) -> Iterator[None]:
    """The search plugin's jieba in this block: ``_SearchWords``."""
    words = _SearchWords(cuts)
    saved = material_search.jieba
    material_search.jieba = words
    try:
        yield
    finally:
        material_search.jieba = saved
        words.undo()


# ---------------------------------------------------------------- Zensical


def zensical_installed() -> bool:
    return importlib.util.find_spec("zensical") is not None


def _inside(path: Path, root: Path) -> bool:
    return path.resolve().is_relative_to(root.resolve())


def _theme_copy(custom_dir: Path, target: Path) -> None:
    """The theme overrides as Zensical reads them: the shared files, then the Zensical ones
    over them (same names win)."""
    shutil.copytree(custom_dir, target, ignore=shutil.ignore_patterns(ZENSICAL_OVERRIDES))
    own = custom_dir / ZENSICAL_OVERRIDES
    if not own.is_dir():  # a project's own overrides without a Zensical folder
        own = OVERRIDES / ZENSICAL_OVERRIDES
    shutil.copytree(own, target, dirs_exist_ok=True)


# A relative link in a page's Markdown or raw HTML that starts with "../" (record text never
# matches: it is escaped, every ASCII punctuation character backslashed)
_UP_LINK = re.compile(r'(\]\(|href="|src=")(\.\./[^)"\s]*)')


def _link_copy(src: Path, dst: str) -> None:
    try:
        os.link(src, dst)
    except OSError:  # another file system
        shutil.copy2(src, dst)


def published_links(text: str, page: str, docs: Path) -> str:
    """A non-index page's Markdown with its links as Zensical needs them to publish the same
    addresses as mkdocs-material.

    A link that names no file of the docs folder (a page or file of another part of the site,
    written relative to the page's published folder) is left as written by mkdocs, while
    Zensical adds one ``../`` to it on a page that is not an ``index.md`` (as it does for a
    link it resolves). Such a link starting with ``../`` is handed to Zensical without it;
    links to files of the docs folder are resolved alike by both and stay as written."""
    folder = Path(page).parent

    def fix(m: re.Match) -> str:
        target = m.group(2)
        path = target.split("#", 1)[0].split("?", 1)[0]
        resolved = os.path.normpath(folder / path)
        if not resolved.startswith("..") and (docs / resolved).is_file():
            return m.group(0)
        return m.group(1) + target[3:]

    return _UP_LINK.sub(fix, text)


def _docs_copy(docs: Path, target: Path) -> None:
    """The docs folder as Zensical reads it (hard links; the non-index pages whose links
    differ written anew)."""
    shutil.copytree(docs, target, copy_function=_link_copy)
    for page in sorted(target.rglob("*.md")):
        if page.name == "index.md":
            continue
        rel = page.relative_to(target).as_posix()
        text = page.read_text(encoding="utf-8")
        fixed = published_links(text, rel, docs)
        if fixed != text:
            page.unlink()  # a hard link: the generated page itself stays as it was
            page.write_text(fixed, encoding="utf-8")


def zensical_config(cfg: dict, root: Path, layout: Path) -> tuple[dict, Path | None]:
    """``cfg`` (absolute paths) as Zensical takes it in ``root``: the docs folder and the theme
    laid out in ``layout`` (inside ``root``), paths relative to ``root``, the options only
    mkdocs' search plugin has dropped. Also the folder Zensical builds into when the site
    folder is outside ``root`` (moved there afterwards), else None."""
    cfg = dict(cfg)
    _docs_copy(Path(cfg["docs_dir"]), layout / "docs")
    cfg["docs_dir"] = (layout / "docs").relative_to(root).as_posix()
    site = Path(cfg["site_dir"])
    outside = None
    if not _inside(site, root):
        outside = layout / "site"
        site = outside
    cfg["site_dir"] = site.resolve().relative_to(root.resolve()).as_posix()
    theme = dict(cfg.get("theme") or {})
    custom = Path(theme["custom_dir"]) if theme.get("custom_dir") else OVERRIDES
    _theme_copy(custom, layout / "overrides")
    theme["custom_dir"] = (layout / "overrides").relative_to(root).as_posix()
    # the look of mkdocs-material (Zensical's own "modern" look fails the colour contrast of
    # the footer and of the search results' page names)
    theme.setdefault("variant", "classic")
    cfg["theme"] = theme
    plugins = []
    for entry in cfg.get("plugins") or []:
        if isinstance(entry, dict) and "search" in entry:
            opts = {k: v for k, v in (entry["search"] or {}).items() if k == "lang"}
            entry = {"search": opts}
        plugins.append(entry)
    cfg["plugins"] = plugins
    return cfg, outside


def _zensical_message(output: str) -> str:
    """What Zensical said, without its colours, its banner lines and the Python traceback
    (only the error it ends with is kept)."""
    lines = _ANSI.sub("", output).splitlines()
    for i, line in enumerate(lines):
        if line.startswith("Traceback (most recent call last)"):
            after = [x for x in lines[i + 1 :] if x.strip()]
            lines = lines[:i] + after[-1:]
            break
    kept = [x.rstrip() for x in lines if x.strip() not in ("", "Build started", "No issues found")]
    return "\n".join(kept[-40:])


def run_zensical(config_file: Path, today: dt.date) -> None:
    """Build the site with Zensical in a separate process; any warning fails the build.

    Everything Zensical reads is laid out in a folder next to ``config_file`` (removed
    afterwards); for a centre's part (``extra.search_scope``) the centre's own search index
    is written into its folder (``scoped_index``)."""
    if not zensical_installed():
        raise BuildFailed(
            f"未安装网站引擎 Zensical：请运行 pip install zensical=={ZENSICAL_VERSION}，"
            "或去掉 --engine zensical 用默认的 mkdocs-material 生成"
        )
    root = config_file.parent
    cfg = yaml.safe_load(config_file.read_text(encoding="utf-8"))
    layout = Path(tempfile.mkdtemp(prefix=".zensical-", dir=root))
    cache = root / ".cache"  # Zensical's own cache, next to its configuration
    had_cache = cache.exists()
    try:
        zcfg, outside = zensical_config(cfg, root, layout)
        target = root / f"{layout.name}.yml"
        target.write_text(
            yaml.safe_dump(zcfg, allow_unicode=True, sort_keys=False), encoding="utf-8"
        )
        env = dict(os.environ, NO_COLOR="1", SOURCE_DATE_EPOCH=_epoch(today))
        try:
            done = subprocess.run(
                [
                    sys.executable,
                    "-m",
                    "zensical",
                    "build",
                    "--strict",
                    "--clean",
                    "-f",
                    target.name,
                ],
                cwd=root,
                env=env,
                capture_output=True,
                text=True,
                timeout=_TIMEOUT,
                check=False,
            )
        except subprocess.TimeoutExpired as exc:
            raise BuildFailed(f"Zensical 生成网站超过 {_TIMEOUT} 秒仍未结束，已停止") from exc
        if done.returncode != 0:
            detail = "\n".join(filter(None, map(_zensical_message, (done.stdout, done.stderr))))
            raise BuildFailed(f"Zensical 生成网站失败（退出码 {done.returncode}）：\n{detail}")
        site = Path(cfg["site_dir"])
        if outside is not None:
            if site.exists():
                shutil.rmtree(site)
            shutil.move(outside, site)
        scope = (cfg.get("extra") or {}).get("search_scope")
        if scope:
            own = site / scope / SEARCH_INDEX[ZENSICAL]
            own.parent.mkdir(parents=True, exist_ok=True)
            own.write_bytes(scoped_index(site, scope, ZENSICAL))
    finally:
        shutil.rmtree(layout, ignore_errors=True)
        (root / f"{layout.name}.yml").unlink(missing_ok=True)
        if not had_cache:
            shutil.rmtree(cache, ignore_errors=True)
