"""The service items posting for residents' comment (服务项目征求意见公示): the centre's
catalogue items by table and 大项, its own items and its paid services."""

from __future__ import annotations

from generator import model as m
from generator.packs.library import Pack
from generator.print.contexts import ConsultationNotice, ConsultMajor, ConsultTable, Row
from generator.print.frame import disclosure_rule, frame
from generator.rules.catalogue import classify
from generator.text import formats as fmt
from generator.text.labels import POSTING_LABELS


def catalogue_tables(centre: m.Centre, pack: Pack | None) -> tuple[list[ConsultTable], int, int]:
    """The centre's catalogue codes grouped by table and 大项, in catalogue order, with the
    numbers of 大项 and 细项."""
    catalogue = pack.catalogue if pack else None
    codes = set(centre.services.catalogue)
    if catalogue is None:
        return [], 0, 0
    tables = []
    for t in catalogue.tables:
        majors = []
        for mj in t.majors:
            items = tuple(Row((it.code, it.title)) for it in mj.items if it.code in codes)
            if items or mj.code in codes:
                majors.append(ConsultMajor(mj.code, mj.title, items))
        if majors:
            label = f"{t.table} {t.title}".strip() if t.table and t.table != t.title else t.title
            tables.append(ConsultTable(label, tuple(majors)))
    counted = classify(codes, catalogue)  # counted as the checks count them
    return tables, len(counted.majors), len(counted.items)


def build_consultation(centre: m.Centre, pack: Pack | None, *, url: str) -> ConsultationNotice:
    """Service items put out for residents' comment: 大项 and 细项 with catalogue titles."""
    tables, majors_n, items_n = catalogue_tables(centre, pack)
    rule = disclosure_rule(pack, "consultation")
    return ConsultationNotice(
        frame=frame(centre, pack, "consultation", POSTING_LABELS["consultation"], None, url),
        tables=tuple(tables),
        major_count=majors_n,
        item_count=items_n,
        own=tuple(Row((s.title, s.description or "")) for s in centre.services.own),
        paid=tuple(Row((p.title, f"{fmt.yuan(p.price)}{p.unit}")) for p in centre.services.paid),
        citation=rule.citation if rule else None,
        quote=rule.quote if rule else None,
    )
