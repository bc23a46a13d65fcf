"""The publication ledgers written after a build: the one write into the records.

Just before a build swaps its site in, ``orchestrate.build_site`` brings the publication
ledger ``centres/<id>/published.yaml`` of each centre it published up to date
(``ledger.updated_ledger``): disclosures published on or before ``today`` are recorded with
their content and hash, and waiting corrections are applied. A centre held back keeps its
ledger as it is. The ledger lives with the records, outside the output folder, and each file
is replaced atomically (a temporary file beside it, then ``os.replace``); a file whose content
would not change is not touched. A build that fails before its swap writes no ledger; ``ledger=False`` (``gongshi
build --no-ledger``) builds without recording anything, and ``gongshi serve``
(``preview_site``) never writes one: a preview is not a publication. The pages and PDFs of
the build already show waiting corrections (``ledger.corrections_for`` reads them from the
ledger as it was), so the ledger write changes no output of the next build.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import json
import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from generator import model as m
from generator.disclosures import KINDS
from generator.errors import BuildFailed
from generator.ledger.published import Ledger, updated_ledger
from generator.problems import Position, Problem
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


# ---------------------------------------------------------------- what the output published

# What a published site says it published, centre by centre, as of the ledger the build
# wrote with it: each disclosure's first publication date and content hash, the corrections
# applied, and the SHA-256 of each attachment (the signed audit report). The file is in the
# site and listed in its manifest.sha256. The next build into the same output folder
# compares each centre's ledger with it (``shortened``): a published.yaml that lost an
# entry, an applied correction or the whole file, an entry re-dated, or an attachment
# replaced under the same name, holds that centre back like a record error.
PUBLISHED_STATE = "published-state.json"
STATE_FORMAT = 1


def read_published_state(out: Path, manifest: str) -> dict[str, dict]:
    """Each centre's state as the output folder ``out`` published it ({} when the folder
    holds no such record, e.g. it was made by an older gongshi). The file must match the
    folder's manifest; a file changed by hand stops the build."""
    path = out / PUBLISHED_STATE
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        return {}
    except OSError as exc:
        raise BuildFailed(f"无法读取 {path}：{exc.strerror or exc}") from exc
    try:
        listed = (out / manifest).read_text(encoding="utf-8")
    except OSError:
        listed = ""
    line = f"{hashlib.sha256(data).hexdigest()}  {PUBLISHED_STATE}"
    try:
        state = json.loads(data.decode("utf-8"))
        centres = state["centres"]
        ok = line in listed.splitlines() and isinstance(centres, dict)
    except (ValueError, KeyError, TypeError):
        ok = False
    if not ok:
        raise BuildFailed(
            f"输出文件夹中的 {path} 与其 {manifest} 不符（被手工改动过）：无法核对上次公布的内容。"
            f"请从已发布的网站恢复 {out}，或把它移走后重新运行 gongshi build"
            "（移走后本次生成不再核对公示台账是否被删改）"
        )
    return {str(k): v for k, v in centres.items() if isinstance(v, dict)}


def attachments_of(centre: m.Centre, folder: Path, keys: set[str]) -> dict[str, dict[str, str]]:
    """disclosure key → {path, sha256} of the attachment of each published disclosure."""
    out = {}
    for kind in KINDS:
        for period, rec in kind.records(centre).items():
            key = f"{kind.key}/{period}"
            rel = getattr(rec, "report_pdf", None)
            if key not in keys or not rel:
                continue
            try:
                sha = hashlib.sha256((folder / rel).read_bytes()).hexdigest()
            except OSError:
                continue  # the check reports a missing attachment
            out[key] = {"path": str(rel), "sha256": sha}
    return out


def centre_state(
    ledger: Ledger,
    published: tuple[tuple[str, dt.date | None, str], ...],
    centre: m.Centre,
    folder: Path,
    today: dt.date,
    recorded: bool,
) -> dict:
    """What a centre published by this build will be on record as: its ledger as the
    build leaves it (``recorded``: with what ``write_ledgers`` adds; else as it is)."""
    entries = {
        e.disclosure: {"first_published": e.first_published.isoformat(), "sha256": e.sha256}
        for e in ledger.entries
    }
    applied = [
        {"disclosure": c.disclosure, "date": c.date.isoformat(), "sha256": c.sha256}
        for c in ledger.corrections
        if c.applied
    ]
    if recorded:
        pending = [c for c in ledger.corrections if not c.applied]
        for key, day, sha in published:
            if day is None or day > today:
                continue
            entry = entries.get(key)
            if entry is None:
                entries[key] = {"first_published": day.isoformat(), "sha256": sha}
            elif entry["sha256"] != sha:
                note = next((c for c in pending if c.disclosure == key), None)
                if note is not None:  # updated_ledger applies the first waiting one
                    applied.append(
                        {"disclosure": key, "date": note.date.isoformat(), "sha256": sha}
                    )
                    entry["sha256"] = sha
    return {
        "entries": dict(sorted(entries.items())),
        "corrections": applied,
        "attachments": attachments_of(centre, folder, set(entries)),
    }


def state_bytes(centres: dict[str, dict]) -> bytes:
    state = {"format": STATE_FORMAT, "centres": dict(sorted(centres.items()))}
    return (json.dumps(state, ensure_ascii=False, indent=1) + "\n").encode("utf-8")


_HOW = (
    "已公布的公示不能撤回、改期或悄悄替换；如内容有误，应按更正流程在 corrections 中添加更正说明"
    "（见 docs/workflow.md“更正已公布的内容”）。如是误删误改，请从版本记录中恢复"
)


def shortened(
    previous: dict,
    ledger: Ledger,
    ledger_file: str,
    attachments: dict[str, dict[str, str]],
) -> list[Problem]:
    """What the centre's ledger (and attachments) lost or changed since the output folder
    published ``previous`` (``centre_state``); each is a record error at the ledger."""
    at = Position(ledger_file, 1, 1)
    out: list[Problem] = []
    entries = previous.get("entries") or {}
    if not isinstance(entries, dict):
        entries = {}
    if entries and ledger.text is None and not ledger.problems:
        msg = (
            f"公示台账 {ledger_file} 不见了，而网站上次公布时它记有 {len(entries)} 项已公布的公示"
            f"（{'、'.join(sorted(entries)[:5])}{'等' if len(entries) > 5 else ''}）。{_HOW}"
        )
        return [Problem.at(at, "ledger-tampered", msg)]
    now = {e.disclosure: e for e in ledger.entries}
    applied_now = [c for c in ledger.corrections if c.applied]
    before = previous.get("corrections") or []
    seen = {
        (c.get("disclosure"), c.get("date"), c.get("sha256")) for c in before if isinstance(c, dict)
    }
    for c in before:
        if not isinstance(c, dict):
            continue
        if not any(
            (n.disclosure, n.date.isoformat(), n.sha256)
            == (c.get("disclosure"), c.get("date"), c.get("sha256"))
            for n in applied_now
        ):
            msg = (
                f"{ledger_file} 中 {c.get('disclosure')} 的更正说明（{c.get('date')}）已公布过，"
                f"现在被删去或改动了。{_HOW}"
            )
            out.append(Problem.at(at, "ledger-tampered", msg))
    for key, was in sorted(entries.items()):
        if not isinstance(was, dict):
            continue
        entry = now.get(key)
        if entry is None:
            msg = (
                f"{key} 已于 {was.get('first_published')} 公布，但 {ledger_file} 中它的条目被删去了。"
                + _HOW
            )
            out.append(Problem.at(at, "ledger-tampered", msg))
            continue
        first = entry.first_published.isoformat()
        if first != was.get("first_published"):  # the records against the ledger: compare()
            msg = (
                f"{key} 已于 {was.get('first_published')} 公布，{ledger_file} 中的首次公布日期却被改成了 "
                f"{first}。公布日期记录的是事实，不能事后改动；{_HOW}"
            )
            out.append(Problem.at(entry.pos("first_published"), "published-date-changed", msg))
        # the content hash moves on only through corrections applied since
        sha = was.get("sha256")
        for c in applied_now:
            if c.disclosure == key and (key, c.date.isoformat(), c.sha256) not in seen:
                if c.previous_sha256 == sha:
                    sha = c.sha256
        if entry.sha256 != sha:
            msg = f"{key} 已公布的内容校验值在 {ledger_file} 中被改动，却没有对应的更正说明。{_HOW}"
            out.append(Problem.at(entry.pos("sha256"), "ledger-tampered", msg))
    corrected = {
        c.disclosure
        for c in ledger.corrections
        if (c.disclosure, c.date.isoformat(), c.sha256) not in seen
    }
    was_attached = previous.get("attachments") or {}
    if isinstance(was_attached, dict):
        for key, was in sorted(was_attached.items()):
            if not isinstance(was, dict) or key in corrected:
                continue
            cur = attachments.get(key)
            if cur is None or cur.get("path") != was.get("path"):
                continue  # the record changed: the content comparison reports it
            if cur.get("sha256") != was.get("sha256"):
                msg = (
                    f"{key} 的附件 {was.get('path')} 已随公示公布，现在同名文件的内容被替换了"
                    f"（校验值 {str(was.get('sha256'))[:12]}… → {str(cur.get('sha256'))[:12]}…）。"
                    "已公布的附件不能悄悄替换；如确需更换，请以新的文件名附上新文件、修改记录，"
                    "并在 corrections 中添加更正说明。如是误换，请恢复原文件"
                )
                out.append(Problem.at(at, "changed-after-publication", msg))
    return out
