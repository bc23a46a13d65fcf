"""The publication ledgers written after a build: the one write into the records.

After a build has swapped its site in, ``orchestrate.build_site`` brings the publication
ledger ``centres/<id>/published.yaml`` of each centre it published up to date
(``ledger.updated_ledger``): disclosures published on or before ``today`` are recorded with
their content and hash, and waiting corrections are applied. A centre held back keeps its
ledger as it is. The ledger lives with the records, outside the output folder, and each file
is replaced atomically (a temporary file beside it, then ``os.replace``); a file whose content
would not change is not touched. A failed build writes no ledger; ``ledger=False`` (``gongshi
build --no-ledger``) builds without recording anything, and ``gongshi serve``
(``preview_site``) never writes one: a preview is not a publication. The pages and PDFs of
the build already show waiting corrections (``ledger.corrections_for`` reads them from the
ledger as it was), so the ledger write changes no output of the next build.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from generator import model as m
from generator.errors import BuildFailed
from generator.ledger.published import Ledger, updated_ledger
from generator.records.validate import Project


@dataclass(frozen=True)
class CentreLedger:
    """A centre's publication ledger as read before the build, and where it lives."""

    path: Path
    ledger: Ledger
    # (disclosure key, publication date, content hash) of the records as they are now
    published: tuple[tuple[str, dt.date | None, str], ...]
    centre: Callable[[], m.Centre]  # the validated centre, loaded only when the ledger changes


def write_text_atomic(path: Path, text: str) -> None:
    """Replace ``path`` with ``text`` (UTF-8) so that a reader sees the old or the new file.

    The temporary file sits beside the target (same file system, so ``os.replace`` is
    atomic) and is created with the usual permissions (0666 less the umask).
    """
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o666)
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as fh:
            fh.write(text)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    finally:
        with contextlib.suppress(FileNotFoundError):
            tmp.unlink()


def ledger_is_current(cl: CentreLedger, today: dt.date) -> bool:
    """Whether the ledger already holds every disclosure published by ``today`` as it is now.

    Then ``updated_ledger`` has nothing to add and no correction to apply; asking this first
    skips its round-trip parse of the whole file (most of a rebuild's ledger time).
    """
    if not cl.ledger.ok:
        return True  # the check reports it (ledger.compare); updated_ledger would return None too
    for key, published, sha256 in cl.published:
        if published is None or published > today:
            continue
        entry = cl.ledger.entry(key)
        if entry is None or entry.sha256 != sha256:
            return False
    return True


def write_ledgers(
    ledgers: tuple[CentreLedger, ...], today: dt.date, project: Project
) -> list[Path]:
    """Record what the build published in each centre's ledger; the files written."""
    written = []
    for cl in ledgers:
        if ledger_is_current(cl, today):
            continue
        text = updated_ledger(cl.centre(), cl.ledger, today)
        if text is None:
            continue
        try:
            write_text_atomic(cl.path, text)
        except OSError as exc:
            raise BuildFailed(
                f"网站已生成，但无法写入公示台账 {project.display(cl.path)}：{exc}。"
                "请检查该文件夹的写入权限后重新运行 gongshi build（下次生成时会补记）"
            ) from exc
        written.append(cl.path)
    return written
