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
(``urls.correction_period``): ``finance/2026-Q1``'s first correction prints as
``correction-finance-2026-Q1-1.pdf``. File names and the addresses a document points to are
``generator.urls``'.

Where each document is made: ``centre_sources`` builds a kind's context in its module
(``hours_plan``: hours, plan; ``finance_audit``: finance, audit; ``evaluation``;
``consultation``; ``correction``; ``annual``; ``manuals``), with the frame every posting shares
from ``frame``, and turns it into Typst source with ``render.render_notice`` (the postings),
``annual.render_annual`` or ``manuals.render_manual_book``; ``compile_sources`` compiles them.

Nothing here reads a file: what a document prints that the pipeline computed (a centre's rule
results, its corrections from the ledger, its policy manuals) comes from the
``Validated`` of ``pipeline.load_project``, or is passed in by the caller.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence

from generator import model as m
from generator import urls
from generator.compliance import RuleResult
from generator.figures import finance as fig
from generator.figures.calendar import corrections_on, published_on
from generator.ledger.published import Correction
from generator.packs.library import Pack
from generator.print.annual import annual_date, build_annual, render_annual
from generator.print.consultation import build_consultation
from generator.print.correction import build_correction
from generator.print.evaluation import build_evaluation
from generator.print.finance_audit import build_audit, build_finance
from generator.print.hours_plan import build_hours, build_plan
from generator.print.manuals import ManualLike, build_manuals, render_manual_book
from generator.print.render import PrintSource, render_notice
from generator.print.typeset import Typesetter, find_cjk_fonts
from generator.records.validate import Validated
from generator.text.labels import POSTING_LABELS
from generator.urls import pdf_file as pdf_file
from generator.urls import pdf_path as pdf_path

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
#: Each print kind's name (``text.labels.POSTING_LABELS``).
KIND_LABELS = POSTING_LABELS


def correction_period(correction: Correction) -> str:
    """The period part of a correction's file and page names: ``finance-2026-Q1-1``."""
    return urls.correction_period(correction.kind, correction.period, correction.number)


def centre_sources(
    centre: m.Centre,
    pack: Pack | None,
    *,
    site_url: str,
    results: Sequence[RuleResult],
    corrections: Sequence[Correction] = (),
    manuals: Sequence[ManualLike] = (),
    kinds: Iterable[str] = KINDS,
    fonts=None,
    today: dt.date | None = None,
) -> dict[str, PrintSource]:
    """Every printed document of one centre as Typst source, by output path.

    ``results`` are the centre's rule results (``Validated.results[id]``): the fund-use
    ratios print their findings. ``corrections`` are its 更正说明 (one posting each) and
    ``manuals`` its policy manuals (the book; none, no book). ``today`` is the day printed:
    the opening hours posting lists the changes and statutory holidays from it on, and no
    booklet is dated after it (None: every change in the record, no holiday, the booklet's
    date as its records give it).
    """
    fonts = fonts or find_cjk_fonts()
    wanted = set(kinds)
    out: dict[str, PrintSource] = {}

    def url(kind: str, period: str | None = None) -> str:
        return urls.posting_url(site_url, centre.id, kind, period)

    def add(kind: str, period: str | None, source: PrintSource) -> None:
        out[pdf_path(centre.id, kind, period)] = source

    if "hours" in wanted:
        add(
            "hours",
            None,
            render_notice(build_hours(centre, pack, url=url("hours"), today=today), fonts),
        )
    if "plan" in wanted:
        for plan in centre.plans:
            ctx = build_plan(centre, pack, plan, url=url("plan", plan.key))
            add("plan", plan.key, render_notice(ctx, fonts))
    if "finance" in wanted:
        for q in centre.quarters:
            ctx = build_finance(centre, pack, q, results, url=url("finance", q.key))
            add("finance", q.key, render_notice(ctx, fonts))
    if "audit" in wanted:
        for a in centre.audits:
            ctx = build_audit(centre, pack, a, results, url=url("audit", str(a.year)))
            add("audit", str(a.year), render_notice(ctx, fonts))
    if "evaluation" in wanted:
        for ev in centre.evaluations:
            ctx = build_evaluation(centre, pack, ev, url=url("evaluation", str(ev.year)))
            add("evaluation", str(ev.year), render_notice(ctx, fonts))
    if "consultation" in wanted:
        ctx = build_consultation(centre, pack, url=url("consultation"))
        add("consultation", None, render_notice(ctx, fonts))
    if "correction" in wanted:
        for corr in corrections:
            period = correction_period(corr)
            ctx = build_correction(centre, pack, corr, url=url("correction", period))
            add("correction", period, render_notice(ctx, fonts))
    if "annual" in wanted:
        for year in fig.years_of(centre):
            report = build_annual(
                centre, pack, year, results, url=url("annual", str(year)), today=today
            )
            add("annual", str(year), render_annual(report, centre, fonts))
    if "manuals" in wanted and manuals:
        add("manuals", None, render_manual_book(build_manuals(centre, pack, manuals), fonts))
    return out


def day_inputs(centre: m.Centre, pack: Pack | None, today: dt.date) -> tuple:
    """What of ``today`` a centre's PDFs print (``centre_sources(today=...)``): the opening
    hours posting's dated rows and each booklet's date. Two days with the same value give the
    same PDFs, so a cache of PDFs adds it to its key instead of the day itself."""
    hours = build_hours(centre, pack, url="", today=today)
    booklets = tuple(annual_date(centre, year, today) for year in fig.years_of(centre))
    return (hours.exceptions, hours.unannounced, booklets)


def _check_kinds(kinds: Iterable[str] | None) -> None:
    unknown = set(kinds or ()) - set(KINDS)
    if unknown:
        raise ValueError(f"unknown print kinds: {sorted(unknown)}")


def _chosen(validated: Validated, centre: str | None, kinds: set[str] | None) -> list[m.Centre]:
    _check_kinds(kinds)
    return [ce for ce in validated.centres if centre is None or ce.id == centre]


def _packs(validated: Validated) -> Mapping[str, Pack]:
    return validated.library.packs if validated.library else {}


def print_sources(
    validated: Validated,
    *,
    site_url: str,
    centre: str | None = None,
    kinds: set[str] | None = None,
    fonts=None,
) -> dict[str, PrintSource]:
    """Typst source of every document ``render_pdfs`` would compile, by output path."""
    packs = _packs(validated)
    day = validated.today or dt.date.today()  # nothing dated for publication later prints
    out: dict[str, PrintSource] = {}
    for ce in _chosen(validated, centre, kinds):
        out.update(
            centre_sources(
                published_on(ce, day),
                packs.get(ce.rule_pack),
                site_url=site_url,
                results=validated.results.get(ce.id, ()),
                corrections=corrections_on(validated.corrections.get(ce.id, ()), ce, day),
                manuals=validated.manuals.get(ce.id, ()),
                kinds=kinds if kinds is not None else KINDS,
                fonts=fonts,
                today=day,
            )
        )
    return out


def compile_sources(sources: dict[str, PrintSource], typesetter: Typesetter) -> dict[str, bytes]:
    """Compile each source with one typesetter, in the order given."""
    return {path: typesetter.compile(src.source, files=src.files) for path, src in sources.items()}


def render_centre_pdfs(
    centre: m.Centre,
    pack: Pack | None,
    *,
    site_url: str,
    results: Sequence[RuleResult],
    corrections: Sequence[Correction],
    manuals: Sequence[ManualLike],
    typesetter: Typesetter | None = None,
    kinds: Iterable[str] | None = None,
    today: dt.date | None = None,
) -> dict[str, bytes]:
    """Every printed PDF of one centre, by ``print/<centre-id>/<file>.pdf``.

    The unit of work of a parallel build: it reads nothing and keeps nothing of the centre
    once it returns. What it reuses across calls is valid for any centre: the compiled
    templates, the parsed fonts and the ``typesetter`` passed in. In a worker process, make
    the typesetter in the worker (a process forked after a Typst compile in its parent can
    hang in Typst's thread pool).

    Args:
        centre: an error-free centre of ``pipeline.load_project``.
        pack: its rule pack (None: the postings cite no rules and there is no manual book).
        site_url: the website's address, for the QR codes and the printed link ("" for none).
        results: the centre's rule results (``Validated.results[id]``); the postings print
            the fund-use ratio findings among them, never a verdict of their own.
        corrections: the centre's corrections (``Validated.corrections[id]``), one posting
            each.
        manuals: the centre's policy manuals (``Validated.manuals[id]``), the manual book.
        typesetter: reuse a typesetter (fonts already parsed); one is made when None.
        kinds: print only these kinds (see ``KINDS``); all when None.
        today: the day printed (``centre_sources``): the opening hours posting lists what
            comes from it on; the PDFs then depend on it, so a cache keys them by
            ``day_inputs(centre, today)``.

    Raises:
        ValueError: an unknown kind.
        generator.errors.ToolMissing: no Chinese font (or no pandoc) is installed.
        generator.errors.CompileFailed: Typst rejected a generated document (a bug).
    """
    _check_kinds(kinds)
    ts = typesetter or Typesetter()
    sources = centre_sources(
        centre,
        pack,
        site_url=site_url,
        results=results,
        corrections=corrections,
        manuals=manuals,
        kinds=KINDS if kinds is None else kinds,
        fonts=ts.fonts,
        today=today,
    )
    return compile_sources(sources, ts)


def render_pdfs(
    validated: Validated,
    *,
    site_url: str,
    centre: str | None = None,
    kinds: set[str] | None = None,
    typesetter: Typesetter | None = None,
) -> dict[str, bytes]:
    """Every printed PDF of the validated centres (or of one), by ``print/<centre>/<file>``.

    One centre after the other through :func:`render_centre_pdfs`, with one typesetter.

    Args:
        validated: the result of ``pipeline.load_project``; only error-free centres print,
            each with its rule results, corrections and manuals as the pipeline found them.
        site_url: the website's address, for the QR codes and the printed link.
        centre: print only this centre (its folder name).
        kinds: print only these kinds (see ``KINDS``); all when None.
        typesetter: reuse a typesetter (fonts already parsed); one is made when None.

    Raises:
        ValueError: an unknown kind.
        generator.errors.ToolMissing: no Chinese font is installed.
        generator.errors.CompileFailed: Typst rejected a generated document (a bug).
    """
    packs = _packs(validated)
    day = validated.today or dt.date.today()  # nothing dated for publication later prints
    ts = typesetter or Typesetter()
    out: dict[str, bytes] = {}
    for ce in _chosen(validated, centre, kinds):
        out.update(
            render_centre_pdfs(
                published_on(ce, day),
                packs.get(ce.rule_pack),
                site_url=site_url,
                results=validated.results.get(ce.id, ()),
                corrections=corrections_on(validated.corrections.get(ce.id, ()), ce, day),
                manuals=validated.manuals.get(ce.id, ()),
                typesetter=ts,
                kinds=kinds,
                today=day,
            )
        )
    return out
