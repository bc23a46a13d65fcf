"""Print PDFs: noticeboard postings, annual report booklets and the policy manual book.

``render_pdfs`` turns validated records into PDF bytes keyed by their path under the output
folder (``print/<centre-id>/<file>.pdf``); it writes nothing (``build.write_files`` does).
It prints one centre after the other with ``render_centre_pdfs``, which a parallel build
calls directly, one centre per task in its worker processes. One
:class:`~generator.print.typeset.Typesetter` serves every document of a call, so the Chinese
fonts are parsed once. The same records always give the same bytes: every date printed or
stamped into a PDF comes from the records (a publication date, or none).

Kinds (``KINDS``) and their files (``pdf_file``):

=============  ===================================  ================================
kind           what                                 file
=============  ===================================  ================================
hours          开放时间公示                          hours.pdf
plan           月度活动计划公示 (per YYYY-MM)         plan-2026-03.pdf
finance        季度财务信息公示 (per YYYY-Qn)         finance-2026-Q1.pdf
audit          年度审计报告公示 (per YYYY)            audit-2026.pdf
evaluation     年度评估结果公示 (per YYYY)            evaluation-2026.pdf
consultation   服务项目设置征求意见公示               consultation.pdf
correction     更正说明 (per correction)              correction-finance-2026-Q1-1.pdf
annual         年度报告 booklet (per YYYY, A5)       annual-2026.pdf
manuals        制度汇编 (A4)                         manuals.pdf
=============  ===================================  ================================

A correction's period is its disclosure key with a dash and its number
(``correction_period``): ``finance/2026-Q1``'s first correction prints as
``correction-finance-2026-Q1-1.pdf``. Corrections come from each centre's ledger
(``centres/<id>/published.yaml``, generator.ledger.published), read here when the caller passes the
project folder (``root``) and no corrections of its own.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path

from generator import model as m
from generator.figures import finance as fig
from generator.ledger.published import Correction, centre_ledger, corrections_for
from generator.manuals.compose import ManualError, render_manuals
from generator.packs.library import Pack
from generator.print import render as rp
from generator.print.typeset import Typesetter
from generator.records.validate import Project, Validated

KINDS: tuple[str, ...] = (
    "hours",
    "plan",
    "finance",
    "audit",
    "evaluation",
    "consultation",
    "correction",
    "annual",
    "manuals",
)
#: Kinds printed once per centre (no period in the file name).
SINGLE_KINDS = frozenset({"hours", "consultation", "manuals"})
KIND_LABELS = {
    "hours": "开放时间公示",
    "plan": "月度活动计划公示",
    "finance": "季度财务信息公示",
    "audit": "年度审计报告公示",
    "evaluation": "年度评估结果公示",
    "consultation": "服务项目征求意见公示",
    "correction": "更正说明",
    "annual": "年度报告",
    "manuals": "制度汇编",
}
_PERIOD = {
    "plan": re.compile(r"[0-9]{4}-(0[1-9]|1[0-2])"),
    "finance": re.compile(r"[0-9]{4}-Q[1-4]"),
    "audit": re.compile(r"[0-9]{4}"),
    "evaluation": re.compile(r"[0-9]{4}"),
    "annual": re.compile(r"[0-9]{4}"),
    # <disclosure kind>-<its period>-<number of the correction>
    "correction": re.compile(
        r"(plan-[0-9]{4}-(0[1-9]|1[0-2])|finance-[0-9]{4}-Q[1-4]|audit-[0-9]{4}"
        r"|evaluation-[0-9]{4})-[1-9][0-9]{0,2}"
    ),
}


def correction_period(correction: Correction) -> str:
    """The period part of a correction's file and page names: ``finance-2026-Q1-1``."""
    return f"{correction.kind}-{correction.period}-{correction.number}"


def read_corrections(root: Path, centres: Iterable[m.Centre]) -> dict[str, list[Correction]]:
    """Every centre's corrections (更正说明) from its ledger, by centre id.

    A centre without ``published.yaml`` has none; so has one whose ledger has problems
    (``gongshi check`` reports them and the build stops before anything is published).
    """
    project = Project(Path(root))
    out: dict[str, list[Correction]] = {}
    for ce in centres:
        _path, ledger = centre_ledger(project, ce)
        out[ce.id] = corrections_for(ce, ledger)
    return out


def pdf_file(kind: str, period: str | None = None) -> str:
    """The file name of a printed document: ``finance-2026-Q1.pdf``, ``hours.pdf`` …

    Raises:
        ValueError: unknown kind, or a period missing, malformed or given where none belongs.
    """
    if kind in SINGLE_KINDS:
        if period is not None:
            raise ValueError(f"{kind} has no period, got {period!r}")
        return f"{kind}.pdf"
    pattern = _PERIOD.get(kind)
    if pattern is None:
        raise ValueError(f"unknown print kind {kind!r}")
    if period is None or not pattern.fullmatch(period):
        raise ValueError(f"{kind} needs a period like {pattern.pattern}, got {period!r}")
    return f"{kind}-{period}.pdf"


def pdf_path(centre_id: str, kind: str, period: str | None = None) -> str:
    """The key of a document in ``render_pdfs``' result: ``print/<centre>/<file>``."""
    return f"print/{centre_id}/{pdf_file(kind, period)}"


def page_path(centre_id: str, kind: str, period: str | None = None) -> str:
    """The website page (as a URL path with directory URLs) that a printed document mirrors."""
    base = f"centres/{centre_id}/"
    return (
        base
        + {
            "hours": "hours/",
            "plan": f"plans/{period}/",
            "finance": f"finance/{period}/",
            "audit": f"audit/{period}/",
            "evaluation": f"evaluation/{period}/",
            "consultation": "",
            "correction": f"corrections/{period}/",
            "annual": "archive/",
            "manuals": "manuals/",
        }[kind]
    )


def page_url(site_url: str, centre_id: str, kind: str, period: str | None = None) -> str:
    """Absolute URL of the page a QR code on the document points to ("" without a site URL)."""
    if not site_url.strip():
        return ""
    return f"{site_url.rstrip('/')}/{page_path(centre_id, kind, period)}"


def _render_manuals(centre: m.Centre, pack: Pack | None, root: Path | None) -> list | None:
    """The centre's manuals from ``generator.manuals.compose`` with the centre's own changes.

    None where the centre has no pack, or its manuals cannot be
    rendered (``gongshi check`` reports why; the website leaves them out the same way).
    """
    if pack is None:
        return None
    overrides = None
    if root is not None and centre.src.file:
        overrides = Path(root) / Path(centre.src.file).parent / "manuals"
    try:
        return list(render_manuals(centre, pack, overrides_dir=overrides))
    except ManualError:
        return None


def centre_sources(
    centre: m.Centre,
    pack: Pack | None,
    *,
    site_url: str,
    kinds: Iterable[str] = KINDS,
    fonts=None,
    manuals: list | None = None,
    root: Path | None = None,
    corrections: Sequence[Correction] = (),
) -> dict[str, rp.PrintSource]:
    """Every printed document of one centre as Typst source, by output path.

    ``manuals`` overrides ``render_manuals`` (tests build the book from their own list);
    ``root`` is the project folder, where the centre's own manual changes are read;
    ``corrections`` are the centre's 更正说明 (``read_corrections``), one posting each.
    """
    from generator.print.typeset import find_cjk_fonts

    fonts = fonts or find_cjk_fonts()
    wanted = set(kinds)
    out: dict[str, rp.PrintSource] = {}

    def url(kind: str, period: str | None = None) -> str:
        return page_url(site_url, centre.id, kind, period)

    def add(kind: str, period: str | None, source: rp.PrintSource) -> None:
        out[pdf_path(centre.id, kind, period)] = source

    if "hours" in wanted:
        add("hours", None, rp.render_notice(rp.build_hours(centre, pack, url=url("hours")), fonts))
    if "plan" in wanted:
        for plan in centre.plans:
            ctx = rp.build_plan(centre, pack, plan, url=url("plan", plan.key))
            add("plan", plan.key, rp.render_notice(ctx, fonts))
    if "finance" in wanted:
        for q in centre.quarters:
            ctx = rp.build_finance(centre, pack, q, url=url("finance", q.key))
            add("finance", q.key, rp.render_notice(ctx, fonts))
    if "audit" in wanted:
        for a in centre.audits:
            ctx = rp.build_audit(centre, pack, a, url=url("audit", str(a.year)))
            add("audit", str(a.year), rp.render_notice(ctx, fonts))
    if "evaluation" in wanted:
        for ev in centre.evaluations:
            ctx = rp.build_evaluation(centre, pack, ev, url=url("evaluation", str(ev.year)))
            add("evaluation", str(ev.year), rp.render_notice(ctx, fonts))
    if "consultation" in wanted:
        ctx = rp.build_consultation(centre, pack, url=url("consultation"))
        add("consultation", None, rp.render_notice(ctx, fonts))
    if "correction" in wanted:
        for corr in corrections:
            period = correction_period(corr)
            ctx = rp.build_correction(centre, pack, corr, url=url("correction", period))
            add("correction", period, rp.render_notice(ctx, fonts))
    if "annual" in wanted:
        for year in fig.years_of(centre):
            report = rp.build_annual(centre, pack, year, url=url("annual", str(year)))
            add("annual", str(year), rp.render_annual(report, centre, fonts))
    if "manuals" in wanted:
        found = manuals if manuals is not None else _render_manuals(centre, pack, root)
        if found:
            add(
                "manuals", None, rp.render_manual_book(rp.build_manuals(centre, pack, found), fonts)
            )
    return out


def _check_kinds(kinds: Iterable[str] | None) -> None:
    unknown = set(kinds or ()) - set(KINDS)
    if unknown:
        raise ValueError(f"unknown print kinds: {sorted(unknown)}")


def _selection(
    validated: Validated,
    centre: str | None,
    kinds: set[str] | None,
    root: Path | None,
    corrections: Mapping[str, Sequence[Correction]] | None,
) -> tuple[list[m.Centre], Mapping[str, Sequence[Correction]]]:
    """The centres to print and their corrections (read from ``root`` when not given)."""
    _check_kinds(kinds)
    chosen = [ce for ce in validated.centres if centre is None or ce.id == centre]
    if corrections is None:
        wanted = kinds if kinds is not None else KINDS
        read = root is not None and "correction" in wanted
        corrections = read_corrections(root, chosen) if read and root is not None else {}
    return chosen, corrections


def _packs(validated: Validated) -> Mapping[str, Pack]:
    return validated.library.packs if validated.library else {}


def print_sources(
    validated: Validated,
    *,
    site_url: str,
    centre: str | None = None,
    kinds: set[str] | None = None,
    fonts=None,
    root: Path | None = None,
    corrections: Mapping[str, Sequence[Correction]] | None = None,
) -> dict[str, rp.PrintSource]:
    """Typst source of every document ``render_pdfs`` would compile, by output path."""
    chosen, corrections = _selection(validated, centre, kinds, root, corrections)
    packs = _packs(validated)
    out: dict[str, rp.PrintSource] = {}
    for ce in chosen:
        out.update(
            centre_sources(
                ce,
                packs.get(ce.rule_pack),
                site_url=site_url,
                kinds=kinds if kinds is not None else KINDS,
                fonts=fonts,
                root=root,
                corrections=corrections.get(ce.id, ()),
            )
        )
    return out


def compile_sources(sources: dict[str, rp.PrintSource], typesetter: Typesetter) -> dict[str, bytes]:
    """Compile each source with one typesetter, in the order given."""
    return {path: typesetter.compile(src.source, files=src.files) for path, src in sources.items()}


def render_centre_pdfs(
    centre: m.Centre,
    pack: Pack | None,
    *,
    site_url: str,
    root: Path | None,
    corrections: Sequence[Correction],
    typesetter: Typesetter | None = None,
    documents: Mapping[str, str] | None = None,
    kinds: Iterable[str] | None = None,
) -> dict[str, bytes]:
    """Every printed PDF of one centre, by ``print/<centre-id>/<file>.pdf``.

    The unit of work of a parallel build: it reads nothing but the centre's manual changes
    under ``root`` and keeps nothing of the centre once it returns. What it reuses across
    calls is valid for any centre: the compiled templates, the parsed fonts and the
    ``typesetter`` passed in. In a worker process, make the typesetter in the worker (a
    process forked after a Typst compile in its parent can hang in Typst's thread pool).

    Args:
        centre: an error-free centre of ``pipeline.load_project``.
        pack: its rule pack (None: the postings cite no rules and there is no manual book).
        site_url: the website's address, for the QR codes and the printed link ("" for none).
        root: the project folder, for the centre's own manual changes
            (``centres/<id>/manuals/``); None prints the shared manuals only.
        corrections: the centre's corrections (``read_corrections``), one posting each.
        typesetter: reuse a typesetter (fonts already parsed); one is made when None.
        documents: accepted for the build's calling convention and ignored: every document
            is made here from the records.
        kinds: print only these kinds (see ``KINDS``); all when None.

    Raises:
        ValueError: an unknown kind.
        generator.errors.ToolMissing: no Chinese font (or no pandoc) is installed.
        generator.errors.CompileFailed: Typst rejected a generated document (a bug).
    """
    del documents  # not needed: see the docstring
    _check_kinds(kinds)
    ts = typesetter or Typesetter()
    sources = centre_sources(
        centre,
        pack,
        site_url=site_url,
        kinds=KINDS if kinds is None else kinds,
        fonts=ts.fonts,
        root=root,
        corrections=corrections,
    )
    return compile_sources(sources, ts)


def render_pdfs(
    validated: Validated,
    *,
    site_url: str,
    centre: str | None = None,
    kinds: set[str] | None = None,
    typesetter: Typesetter | None = None,
    root: Path | None = None,
    corrections: Mapping[str, Sequence[Correction]] | None = None,
) -> dict[str, bytes]:
    """Every printed PDF of the validated centres (or of one), by ``print/<centre>/<file>``.

    One centre after the other through :func:`render_centre_pdfs`, with one typesetter.

    Args:
        validated: the result of ``pipeline.load_project``; only error-free centres print.
        site_url: the website's address, for the QR codes and the printed link.
        centre: print only this centre (its folder name).
        kinds: print only these kinds (see ``KINDS``); all when None.
        typesetter: reuse a typesetter (fonts already parsed); one is made when None.
        root: the project folder, for the centres' own manual changes
            (``centres/<id>/manuals/``) and the ledgers with the corrections
            (``centres/<id>/published.yaml``); without it the manual book prints the shared
            manuals of content/manuals only, and no correction is printed.
        corrections: the corrections by centre id, when the caller has read them already
            (``read_corrections``); read from ``root`` when None.

    Raises:
        ValueError: an unknown kind.
        generator.errors.ToolMissing: no Chinese font is installed.
        generator.errors.CompileFailed: Typst rejected a generated document (a bug).
    """
    chosen, corrections = _selection(validated, centre, kinds, root, corrections)
    packs = _packs(validated)
    ts = typesetter or Typesetter()
    out: dict[str, bytes] = {}
    for ce in chosen:
        out.update(
            render_centre_pdfs(
                ce,
                packs.get(ce.rule_pack),
                site_url=site_url,
                root=root,
                corrections=corrections.get(ce.id, ()),
                typesetter=ts,
                kinds=kinds,
            )
        )
    return out
