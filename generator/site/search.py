"""The words search should keep whole: names and titles from the records and the catalogue,
added to jieba's user dictionary when the search index is built; and the words inside an
activity's title and description, which its entry in the index carries (``title_words``)."""

from __future__ import annotations

import contextlib
import functools
import logging
import re
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence

import jieba

from generator import model as m
from generator.packs.library import Pack


def search_words(
    centres: Iterable[m.Centre], packs: Iterable[Pack], *, records: bool = True
) -> tuple[str, ...]:
    """Names and titles that search should treat as words (jieba user dictionary)."""
    words: set[str] = set()

    def add(text: str | None) -> None:
        for part in re.split(r"[\s（）()【】《》“”\"'、，。：；·/|]+", text or ""):
            if re.search(r"[\u4e00-\u9fff]", part) and 2 <= len(part) <= 30:
                words.add(part)

    for ce in centres:
        # Not the centre's whole name: as one word it would hide its street and community
        # (榕湾街道下石社区 is found by 下石 only when jieba cuts it into 榕湾街道 + 下石社区).
        for t in (
            ce.district,
            ce.street,
            ce.community,
            ce.brand,
            ce.operator.name,
            ce.contract.purchaser,
            ce.community_type,
        ):
            add(t)
        if not records:
            continue  # the city pages name centres, not their activities
        for r in ce.rooms:
            add(r.name)
        for s in ce.services.own + ce.services.paid:
            add(s.title)
        for rec in ce.recurring:
            add(rec.title)
        # Not the titles of planned and held activities: cut into their words, each activity's
        # heading (its entry's title in the index) is found by any of them (健康 finds
        # 银龄健康操); the words inside are also in the entry's text (``title_words``).
    for pack in packs:
        if pack.catalogue:
            for t in pack.catalogue.tables:
                for mj in t.majors:
                    add(mj.title)
                    for it in mj.items:
                        add(it.title)
    return tuple(sorted(words))


# ---------------------------------------------------------------- words inside a title

# Search matches the start of a word only, and the user dictionary keeps each title whole
# (one word), so 健康 would not find 银龄健康操. Each activity's entry therefore carries the
# words inside its title as well (``title_words``), cut by jieba's own dictionary: a private
# tokenizer, so what the build added to the shared one (the user dictionary of another
# centre) never changes the result.
_CJK = re.compile(r"[\u4e00-\u9fff]")


@functools.cache
def tokenizer() -> jieba.Tokenizer:
    jieba.setLogLevel(logging.WARNING)
    tk = jieba.Tokenizer()
    tk.initialize()
    return tk


class Cuts:
    """Texts cut by jieba, each with its words, for one dictionary: the cuts kept from the last
    build (``known``, trusted as they are: the build keeps them under the digest of the
    dictionary and the words added to it, ``build.city.KeptCuts``) and those of this build
    (``used``, kept for the next). A build whose pages bring no new text loads no dictionary."""

    def __init__(self, known: Mapping[str, Sequence[str]] | None = None) -> None:
        self.known = known or {}
        self.used: dict[str, tuple[str, ...]] = {}

    def get(self, text: str, cut: Callable[[str], Iterable[str]]) -> tuple[str, ...]:
        found = self.used.get(text)
        if found is None:
            kept = self.known.get(text)
            found = self.used[text] = tuple(kept) if kept is not None else tuple(cut(text))
        return found

    def changed(self) -> bool:
        """Whether this build's cuts are not those kept (to be kept again)."""
        return self.used.keys() != self.known.keys()


_DICTIONARY_CUTS: Cuts | None = None  # ``dictionary_words`` of the city pages being made


@contextlib.contextmanager
def kept_dictionary_words(cuts: Cuts | None) -> Iterator[None]:
    """``dictionary_words`` in this block taken from ``cuts`` (and added to them)."""
    global _DICTIONARY_CUTS
    saved, _DICTIONARY_CUTS = _DICTIONARY_CUTS, cuts
    try:
        yield
    finally:
        _DICTIONARY_CUTS = saved


def dictionary_words(text: str) -> tuple[str, ...]:
    """The words of two characters or more of ``text`` in jieba's own dictionary (its search
    cut): each such word stays one word in the index whatever else the search dictionary of
    the build holds, so a page listing them indexes the same on every build."""
    if _DICTIONARY_CUTS is not None:
        return _DICTIONARY_CUTS.get(text, _dictionary_words)
    return _dictionary_words(text)


def _dictionary_words(text: str) -> tuple[str, ...]:
    tk = tokenizer()
    out: dict[str, None] = {}
    for w in tk.cut_for_search(text or "", HMM=False):
        if len(w) >= 2 and _CJK.search(w) and tk.FREQ.get(w):
            out.setdefault(w, None)
    return tuple(out)


# an activity held every week has the same title and description each time
@functools.lru_cache(maxsize=4096)
def title_words(title: str, description: str = "") -> tuple[str, ...]:
    """The words inside ``title`` a reader may search it by: jieba's search cut of each
    part, and each part from one of its words on (银龄健康操 → 银龄, 健康, 健康操), so that a
    search for the start of any word in the title finds it; then the words of two characters
    or more of ``description``. The title itself is left out.

    No single character: the theme cuts a query at the words of the index (a query 讲座 is
    searched as 讲 when 讲 alone is a word of the index), so single characters would make a
    query match less than the reader typed."""
    tk = tokenizer()
    out: dict[str, None] = {}
    for part in re.split(r"[^\u4e00-\u9fffA-Za-z0-9]+", title or ""):
        if not _CJK.search(part):
            continue
        cut = [w for w in tk.cut(part, HMM=False) if w.strip()]
        pieces = list(tk.cut_for_search(part, HMM=False))
        pieces += ["".join(cut[i:]) for i in range(1, len(cut))]
        if part != title:
            pieces.append(part)
        for w in pieces:
            if len(w) >= 2 and _CJK.search(w) and w != title:
                out.setdefault(w, None)
    for w in tk.cut_for_search(description or "", HMM=False):
        if len(w) >= 2 and _CJK.search(w):
            out.setdefault(w, None)
    return tuple(out)
