"""The centres a build holds back because their records have errors.

A centre whose records have an error (a record error: ``Problem.record_error``; a rule's
shortfall is published, never held back) is not made again: the new output keeps its part as
the output folder being replaced holds it, byte for byte, and the city pages list it as
awaiting correction, since the day of the first build that found the errors (``Unpublished``;
the day is kept in the output folder's ``build-state.json``). A centre whose pages or PDFs
the personal-data guard stops waits the same way.
"""

from __future__ import annotations

import datetime as dt
import json
import tempfile
from collections.abc import Mapping, Sequence
from pathlib import Path

from generator import model as m
from generator.build.cache import BuildCache, digest, entry_bytes, manifest_line, read_entry
from generator.build.city import JOINED
from generator.build.parts import LAST
from generator.build.publish import output_path
from generator.build.tree import link_tree, write_new
from generator.figures.calendar import corrections_on, published_on, withheld_keys
from generator.records.validate import CENTRE_ID, Project, Validated, validate_centre
from generator.site.city import AwaitingCorrection
from generator.site.pages import sorted_centres
from generator.urls import SHARD_ROOTS

# the build's own record in the output folder: since when each centre not published awaits
# the correction of its records (``Unpublished``)
STATE = "build-state.json"
VIEW = "view.json"  # a centre's last published city view in the cache (``LAST``)


class Unpublished:
    """The centres a build does not publish because their records have errors.

    Each keeps what the output folder being replaced holds of it, byte for byte (its part:
    ``centres/<id>/``, ``data/<id>/``, ``print/<id>/``); a centre never published there has
    none. Since when it awaits correction is kept in the output folder (``STATE``): the day of
    the first build that found the errors, until a build publishes the centre again.

    The city pages list each with that note: with the records it was last published from
    (its city view and corrections, which every build that publishes into an output folder
    keeps in the cache, ``LAST``), so the lists, the feed and the all-centres data still
    hold its published disclosures; by its name alone (from centre.yaml, or the folder name)
    when the cache does not have them (emptied, or made by another version of gongshi).
    """

    def __init__(
        self, project: Project, validated: Validated, out: Path, cache: BuildCache, today: dt.date
    ) -> None:
        self.project = project
        self.library = validated.library
        self.out = out
        self.cache = cache
        self.today = today
        self.since = read_state(out)
        # where the last published records are valid: this generator, this output folder
        self.stamp = digest(cache.version, str(output_path(out)))
        self.entries: dict[str, AwaitingCorrection] = {}
        self.views: dict[str, tuple[m.Centre, tuple]] = {}  # id → (city view, corrections)

    def add(self, name: str) -> None:
        """Hold back the centre folder ``name`` (a folder whose name is no centre id is not
        listed: it has no address)."""
        if name in self.entries or not CENTRE_ID.fullmatch(name):
            return
        pages = (self.out / "centres" / name / "index.html").is_file()
        view = self._last_published(name) if pages else None
        if view is not None:
            self.views[name] = view
            ce = view[0]
            names = (ce.name, ce.district, ce.street)
        else:
            names = self._names(name)
        since = min(self.since.get(name, self.today), self.today)
        self.entries[name] = AwaitingCorrection(name, since, *names, pages=pages)

    def _last_published(self, name: str) -> tuple[m.Centre, tuple] | None:
        stored = read_entry(self.cache.folder_for(LAST, name) / VIEW)
        if stored is None:
            return None
        stamp, view = stored
        if stamp != self.stamp:
            return None
        # the all-centres tables are joined from the centre's own, which the site keeps
        if not all((self.out / "data" / name / n).is_file() for n, _ in JOINED.values()):
            return None
        return view

    def _names(self, name: str) -> tuple[str, str, str]:
        """Name, district and street from the centre's centre.yaml, when it can be read."""
        folder = self.project.centres / name
        if self.library is None or not (folder / "centre.yaml").is_file():
            return name, "", ""
        centre, _problems = validate_centre(self.project, folder, self.library)
        if centre is None:
            return name, "", ""
        return centre.name, centre.district, centre.street

    def awaiting(self) -> tuple[AwaitingCorrection, ...]:
        return tuple(self.entries.values())

    def city_centres(self, published: Sequence[m.Centre]) -> list[m.Centre]:
        """The centres of the city pages: those published, those kept as last published."""
        return sorted_centres([*published, *(view for view, _ in self.views.values())])

    def city_corrections(
        self, published: Sequence[m.Centre], corrections: Mapping[str, Sequence]
    ) -> dict[str, tuple]:
        found = {ce.id: tuple(corrections.get(ce.id, ())) for ce in published}
        found.update({cid: tuple(corr) for cid, (_, corr) in self.views.items()})
        return found

    def keep(self, site: Path) -> tuple[list[str], list[str]]:
        """Copy the last published part of every centre held back into ``site``; its
        manifest lines and pages."""
        lines: list[str] = []
        html: list[str] = []
        for name, entry in self.entries.items():
            if not entry.pages:
                continue
            for root in SHARD_ROOTS:
                src = self.out / root / name
                if not src.is_dir():
                    continue
                link_tree(src, site / root / name)
                for path in sorted(src.rglob("*")):
                    if path.is_file() and path.name != ".key":
                        rel = path.relative_to(self.out).as_posix()
                        lines.append(manifest_line(rel, path.read_bytes()))
                        if rel.endswith(".html"):
                            html.append(rel)
        return lines, html

    def write_state(self, site: Path) -> str:
        """Write ``STATE`` into ``site``; its manifest line."""
        awaiting = {name: e.since.isoformat() for name, e in sorted(self.entries.items())}
        data = (
            json.dumps({"awaiting_correction": awaiting}, ensure_ascii=False, indent=2) + "\n"
        ).encode("utf-8")
        write_new(site / STATE, data)
        return manifest_line(STATE, data)

    def remember(
        self,
        published: Sequence[m.Centre],
        inputs: Mapping[str, str],
        corrections: Mapping[str, Sequence],
    ) -> None:
        """Keep the city view and corrections of every centre just published into the output
        folder, as published on the day (``calendar.published_on``: its part shows no record
        dated later, so neither may the city pages that list it later); written again only
        when they changed."""
        for ce in published:
            corr = corrections_on(corrections.get(ce.id, ()), ce, self.today)
            withheld = sorted(withheld_keys(ce, self.today))
            key = digest(self.stamp, inputs[ce.id], corr, withheld)
            if self.cache.folder_key(LAST, ce.id) == key:
                continue
            made = Path(tempfile.mkdtemp(prefix=f".{ce.id}.new-", dir=self.cache.folder))
            write_new(made / VIEW, entry_bytes(self.stamp, (published_on(ce, self.today), corr)))
            self.cache.put_folder(LAST, ce.id, key, made)


def read_state(out: Path) -> dict[str, dt.date]:
    """Since when each centre awaits correction, as the output folder's ``STATE`` says."""
    try:
        data = json.loads((out / STATE).read_text(encoding="utf-8"))
        return {
            str(name): dt.date.fromisoformat(day)
            for name, day in data["awaiting_correction"].items()
        }
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return {}
