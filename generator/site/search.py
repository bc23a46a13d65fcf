"""The words search should keep whole: names and titles from the records and the catalogue,
added to jieba's user dictionary when the search index is built."""

from __future__ import annotations

import re
from collections.abc import Iterable

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
        for p in ce.plans:
            for a in p.activities:
                add(a.title)
        for am in ce.activity_months:
            for r in am.records:
                add(r.title)
    for pack in packs:
        if pack.catalogue:
            for t in pack.catalogue.tables:
                for mj in t.majors:
                    add(mj.title)
                    for it in mj.items:
                        add(it.title)
    return tuple(sorted(words))
