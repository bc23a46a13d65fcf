"""What the service list of centre.yaml covers in the pack's catalogue (shared by three checks).

``services.catalogue`` lists codes of 细项 (3.3.1), or of a 大项 that has no 细项 (8.4).
A 大项 is covered when any of its codes is listed; a table (category) when any of
its 大项 is. The checks ``catalogue-size``, ``catalogue-mandatory`` and
``catalogue-majors-per-category`` count these sets against the pack.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from generator import model as m
from generator.packs.library import Catalogue
from generator.problems import Position


@dataclass
class Coverage:
    """Codes offered, grouped by catalogue level."""

    items: set[str] = field(default_factory=set)  # 细项 (or 大项 without 细项)
    majors: set[str] = field(default_factory=set)
    tables: set[str] = field(default_factory=set)
    custom: set[str] = field(default_factory=set)  # codes outside the catalogue

    def items_in(self, catalogue: Catalogue, tables: list[str] | None) -> set[str]:
        return {c for c in self.items if _in_tables(catalogue, c, tables)}

    def majors_in(self, catalogue: Catalogue, tables: list[str] | None) -> set[str]:
        return {c for c in self.majors if _in_tables(catalogue, c, tables)}


def _in_tables(catalogue: Catalogue, code: str, tables: list[str] | None) -> bool:
    table = catalogue.table_of(code)
    return table is not None and (tables is None or table.code in tables)


def coverage(centre: m.Centre, catalogue: Catalogue) -> Coverage:
    """Sort the centre's listed service codes into 细项, 大项 and tables."""
    cov = Coverage()
    for code in centre.services.catalogue:
        found = catalogue.lookup(code)
        if found is None:
            cov.custom.add(code)
            continue
        table, major, item = found
        cov.tables.add(table.code)
        if item is not None:
            cov.items.add(item.code)
            cov.majors.add(item.major)
        elif major is not None:
            cov.majors.add(major.code)
            if not major.items:  # a 大项 without 细项 counts as one 细项
                cov.items.add(major.code)
    cov.custom.update(s.code for s in centre.services.own)
    return cov


def services_pos(centre: m.Centre) -> Position:
    return centre.services.pos("catalogue")


def table_name(catalogue: Catalogue, code: str) -> str:
    for t in catalogue.tables:
        if t.code == code:
            label = t.table or code
            return f"{label}（{t.title}）" if t.title and t.title != label else label
    return code
