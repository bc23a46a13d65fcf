"""The search plugin's Chinese words: a site's own word list (``search.jieba_dict_user``) does
not stay in jieba for the next site built in the same process (a worker builds many parts),
and a page is cut the same whatever was built before it. Real mkdocs-material builds."""

from __future__ import annotations

import datetime as dt
import json
import shutil
from pathlib import Path

import jieba

from generator.build import engine
from generator.build.cache import CACHE_DIR, BuildCache
from generator.build.city import SEARCH_CUTS, KeptCuts
from generator.build.engine import load_jieba, run_mkdocs_here
from generator.build.orchestrate import build_site
from generator.site import search
from tests.conftest import MINIMAL, copy_project

DAY = dt.date(2026, 12, 7)
TEXT = "社区读书会每周六上午在二楼阅览室举办，长者健康操每周三在活动室举办。"


def build(tmp_path: Path, name: str, text: str, words: list[str]) -> list[str]:
    """A one-page site with its own search words; the words the search index holds."""
    root = tmp_path / name
    (root / "docs").mkdir(parents=True)
    (root / "docs" / "index.md").write_text(f"# 公示\n\n{text}\n", encoding="utf-8")
    (root / "words.txt").write_text("".join(f"{w}\n" for w in words), encoding="utf-8")
    (root / "mkdocs.yml").write_text(
        "site_name: 公示\n"
        f"docs_dir: {root / 'docs'}\n"
        f"site_dir: {root / 'site'}\n"
        "theme:\n  name: material\n  language: zh\n"
        "plugins:\n  - search:\n      lang: [zh]\n"
        f"      jieba_dict_user: {root / 'words.txt'}\n",
        encoding="utf-8",
    )
    run_mkdocs_here(root / "mkdocs.yml", DAY)
    index = json.loads((root / "site" / "search" / "search_index.json").read_text("utf-8"))
    return [w for doc in index["docs"] for w in doc["text"].split("\u200b") if w]


def test_a_sites_words_do_not_change_the_next_site_built_in_the_process(tmp_path: Path) -> None:
    load_jieba()
    total, size = jieba.dt.total, len(jieba.dt.FREQ)
    alone = build(tmp_path, "alone", TEXT, [])
    assert "读书会" in alone or "读书" in alone
    # another site whose words cut the same text otherwise
    other = build(tmp_path, "other", TEXT, ["区读", "书会每", "康操每周"])
    assert other != alone, "the other site's words must change how its own page is cut"
    assert "康操每周" in other
    assert (jieba.dt.total, len(jieba.dt.FREQ)) == (total, size)
    assert "区读" not in jieba.dt.FREQ
    again = build(tmp_path, "again", TEXT, [])
    assert again == alone


def test_a_sites_own_words_cut_its_pages(tmp_path: Path) -> None:
    load_jieba()
    words = build(tmp_path, "own", "星光儿童之家周末开放", ["星光儿童之家"])
    assert "星光儿童之家" in words
    assert "星光儿童之家" not in jieba.dt.FREQ


def test_a_new_day_of_the_same_pages_loads_no_dictionary_in_the_build(
    tmp_path: Path, monkeypatch
) -> None:
    """The city pages' cuts of Chinese are kept from one build to the next (``city.KeptCuts``):
    a new day whose pages bring no new text cuts nothing, so the build process neither loads
    jieba's dictionary nor adds the city's words to it; the site is the one a build that
    cuts everything makes (``tests/build/test_new_day.py``)."""
    project = copy_project(MINIMAL, tmp_path / "proj")
    out = tmp_path / "out"
    first = build_site(project, out, today=dt.date(2026, 4, 20), ledger=False, jobs=1)
    assert not first.report.errors
    loads: list[str] = []
    real_load, real_tokenizer = engine.load_jieba, search.tokenizer
    monkeypatch.setattr(engine, "load_jieba", lambda: loads.append("shared") or real_load())
    monkeypatch.setattr(search, "tokenizer", lambda: loads.append("own") or real_tokenizer())
    second = build_site(project, out, today=dt.date(2026, 4, 21), ledger=False, jobs=1)
    assert not second.report.errors and second.made == [] and second.reused == ["demo"]
    assert loads == []
    # without the cuts kept, the same build cuts the pages again
    shutil.rmtree(project / CACHE_DIR / SEARCH_CUTS)
    third = build_site(project, out, today=dt.date(2026, 4, 22), ledger=False, jobs=1)
    assert not third.report.errors and third.made == []
    assert "shared" in loads and "own" in loads


def test_a_kept_cut_that_is_not_of_its_text_is_cut_again(tmp_path: Path) -> None:
    """The cuts are plain data in the cache; one that does not give back its text (a page's
    cut) or holds a word not in it (the words inside a title) is left out when read."""
    cache = BuildCache(tmp_path / CACHE_DIR)
    words = ["沙尾社区"]
    pages, inside = KeptCuts(cache), KeptCuts(cache)
    cut, titles = pages.pages(words), inside.dictionary()
    cut.used.update({"社区服务": ("社区", "服务"), "公示": ("<script>",)})
    titles.used.update({"长者健康操": ("长者", "健康操"), "读书会": ("alert",)})
    pages.keep()
    inside.keep()
    again = KeptCuts(cache)
    assert again.pages(words).known == {"社区服务": ["社区", "服务"]}
    assert again.dictionary().known == {"长者健康操": ["长者", "健康操"]}
    assert KeptCuts(cache).pages(["别的词"]).known == {}  # other words: other cuts


def test_jieba_let_go_and_loaded_again(tmp_path: Path) -> None:
    """The build process of a command lets jieba's dictionary go after the city pages
    (``engine.unload_jieba``); a later cut loads it again and cuts the same."""
    first = build(tmp_path, "a", TEXT, ["长者健康操"])
    words = search.dictionary_words(TEXT)
    engine.unload_jieba()
    assert not jieba.dt.initialized and not jieba.dt.FREQ
    assert build(tmp_path, "b", TEXT, ["长者健康操"]) == first
    assert jieba.dt.initialized and jieba.dt.FREQ
    assert search.dictionary_words(TEXT) == words
