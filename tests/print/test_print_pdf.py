"""Real PDFs: every print kind compiled by Typst and read back with poppler.

Nothing is mocked: pandoc converts, Typst compiles with the Noto CJK fonts, and pdffonts,
pdftotext, pdfinfo and pdftoppm check what a reader would get. Expected figures are computed
here from the model, never typed in.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass
from pathlib import Path

import pytest
from conftest import MINIMAL, ROOT, make_project, read_fixture
from print_helpers import (
    A4,
    A5,
    HOSTILE,
    HOSTILE_TEXT,
    has_row,
    page_count,
    pdf_fonts,
    pdf_info,
    pdf_text,
    png_of_page,
    squash,
)

from generator.figures import finance as fig
from generator.figures.holidays import holiday_breaks
from generator.pipeline import load_project
from generator.print.annual import build_annual, render_annual
from generator.print.consultation import build_consultation
from generator.print.contexts import Markdown, TypstCode
from generator.print.documents import (
    KINDS,
    centre_sources,
    compile_sources,
    render_centre_pdfs,
    render_pdfs,
)
from generator.print.evaluation import build_evaluation
from generator.print.finance_audit import build_audit, build_finance
from generator.print.frame import posting_period
from generator.print.hours_plan import build_hours, build_plan
from generator.print.manuals import build_manuals, render_manual_book
from generator.print.render import render_notice
from generator.print.typeset import Typesetter
from generator.text import formats as fmt
from generator.text import verdicts
from generator.text.labels import AUDIT_LABELS, EXPENSE_LABELS, INCOME_LABELS
from generator.urls import pdf_path

A3 = "841.89 x 1190.55"

SITE = "https://gs.example.org"
NOTICES = ("hours", "plan", "finance", "audit", "evaluation", "consultation")


@dataclass(frozen=True)
class StubManual:
    """What the book takes from generator.manuals.compose.Manual."""

    id: str
    title: str
    citations: tuple[str, ...]
    markdown: str
    effective: dt.date


STUB_MANUALS = [
    StubManual(
        "site",
        "场地管理制度",
        ("《示例标准》四(一)",),
        "# 场地管理制度\n\n## 第一章　总则\n\n**第一条**　为规范场地使用，制定本制度。\n\n"
        "**第二条**　本制度自发布之日起施行。\n",
        dt.date(2026, 1, 1),
    ),
    StubManual(
        "finance",
        "财务管理制度",
        ("《示例标准》四(九)",),
        "# 财务管理制度\n\n## 第一章　总则\n\n**第一条**　项目经费独立核算。\n",
        dt.date(2026, 2, 1),
    ),
]


@pytest.fixture(scope="module")
def typesetter() -> Typesetter:
    return Typesetter()


@pytest.fixture(scope="module")
def minimal(typesetter):
    v = load_project(MINIMAL)
    centre = v.centres[0]
    pack = v.library.packs[centre.rule_pack]
    sources = centre_sources(
        centre,
        pack,
        site_url=SITE,
        results=v.results[centre.id],
        fonts=typesetter.fonts,
        manuals=STUB_MANUALS,
    )
    return centre, pack, sources, compile_sources(sources, typesetter)


def _key(centre, kind, period=None):
    return pdf_path(centre.id, kind, period)


def test_every_kind_is_printed(minimal):
    centre, _pack, _sources, pdfs = minimal
    expected = {_key(centre, "hours"), _key(centre, "consultation"), _key(centre, "manuals")}
    expected |= {_key(centre, "plan", p.key) for p in centre.plans}
    expected |= {_key(centre, "finance", q.key) for q in centre.quarters}
    expected |= {_key(centre, "audit", str(a.year)) for a in centre.audits}
    expected |= {_key(centre, "evaluation", str(e.year)) for e in centre.evaluations}
    expected |= {_key(centre, "annual", str(y)) for y in fig.years_of(centre)}
    assert set(pdfs) == expected
    # the fixture has no ledger, so no correction (tests/test_corrections_e2e.py prints one)
    printed = {k.rsplit("/", 1)[1].split("-")[0].removesuffix(".pdf") for k in pdfs}
    assert printed == set(KINDS) - {"correction"}


def test_fonts_are_embedded_subsets(minimal):
    for key, pdf in minimal[3].items():
        fonts = pdf_fonts(pdf)
        names = {f["name"] for f in fonts}
        assert all(f["emb"] == "yes" and f["sub"] == "yes" and f["subset_prefix"] for f in fonts), (
            key
        )
        assert any(n.startswith("NotoSerifCJKsc-Regular") for n in names), (key, names)
        assert any(n.startswith("NotoSerifCJKsc-Bold") for n in names), (key, names)  # titles
        assert any(n.startswith("NotoSansCJKsc") for n in names), (key, names)  # headings


def test_page_size_and_count(minimal):
    centre, _pack, _sources, pdfs = minimal
    for key, pdf in pdfs.items():
        size = pdf_info(pdf)["Page size"]
        if "/annual-" in key:
            assert size.startswith(A5), key
            assert page_count(pdf) % 4 == 0 and page_count(pdf) >= 8, key  # folded A4 sheets
        else:
            assert size.startswith(A4), key
    # one short posting fits on one sheet of the noticeboard
    assert page_count(pdfs[_key(centre, "plan", centre.plans[0].key)]) == 1
    # cover, contents and one page per policy
    assert page_count(pdfs[_key(centre, "manuals")]) == 2 + len(STUB_MANUALS)


def test_finance_figures_and_posting_period(minimal):
    centre, pack, _sources, pdfs = minimal
    for q in centre.quarters:
        pdf = pdfs[_key(centre, "finance", q.key)]
        text = pdf_text(pdf)
        period = fig.quarter_period(q)
        assert has_row(pdf, "收入合计", fmt.yuan(period.income_total))
        assert has_row(pdf, "支出合计", fmt.yuan(period.expenditure_total))
        assert has_row(pdf, "期末结余", fmt.yuan(period.balance))
        for key, value in period.income.items():
            if value:  # a source with nothing in the period is left out
                assert has_row(pdf, INCOME_LABELS[key], fmt.yuan(value))
            else:
                assert squash(INCOME_LABELS[key]) not in text
        for key, value in period.expenditure.items():
            assert has_row(pdf, EXPENSE_LABELS[key], fmt.yuan(value))
        for category in q.expenditure.values():
            for item in category.items:
                assert has_row(pdf, item.item, fmt.yuan(item.amount))
        posting = posting_period(pack, "finance", q.published)
        assert squash(posting.text) in text
        assert f"{q.published.year}年{q.published.month}月{q.published.day}日" in text  # 落款
        assert squash(centre.operator.name) in text
        assert squash(centre.contact.phone) in text and squash(centre.contact.feedback) in text


def test_other_postings_print_their_records(minimal):
    centre, pack, _sources, pdfs = minimal
    audit, ev, plan = centre.audits[0], centre.evaluations[0], centre.plans[0]
    pdf = pdfs[_key(centre, "audit", str(audit.year))]
    text = pdf_text(pdf)
    for key in ("income", "expenditure", "management_fee", "surplus"):
        assert has_row(pdf, AUDIT_LABELS[key], fmt.yuan(getattr(audit, key)))
    assert squash(audit.opinion) in text and squash(audit.findings[0]) in text
    # headings are headings, not literal marks (a template's own Markdown is not escaped)
    assert not any("#" in pdf_text(pdf) for pdf in pdfs.values())
    text = pdf_text(pdfs[_key(centre, "evaluation", str(ev.year))])
    assert fmt.percent(fig.satisfaction_rate(ev)) in text and ev.grade in text
    text = pdf_text(pdfs[_key(centre, "plan", plan.key)])
    for a in plan.activities:
        assert squash(a.title) in text and f"{a.start:%H:%M}-{a.end:%H:%M}" in text
    assert (
        squash(
            posting_period(
                pack, "plan", plan.published, month_end=dt.date(plan.year, plan.month, 31)
            ).text
        )
        in text
    )
    text = pdf_text(pdfs[_key(centre, "consultation")])
    for code in centre.services.catalogue:
        _t, major, item = pack.catalogue.lookup(code)
        assert squash(f"{item.code}{item.title}") in text and squash(major.title) in text
    text = pdf_text(pdfs[_key(centre, "hours")])
    assert "09:00-12:00、14:00-21:00" in text and "长期公示" in text
    text = pdf_text(pdfs[_key(centre, "manuals")])
    assert all(squash(mn.title) in text for mn in STUB_MANUALS) and "第一条" in text


def test_the_hours_posting_prints_a_holiday_break_under_way_whole(minimal, typesetter):
    # printed on a day inside 春节 2027 (2月5日至10日): the row gives the whole break, the
    # same as on its first day, so the posting is not printed again on each day of it
    centre, pack, _sources, _pdfs = minimal
    (spring,) = [
        b for b in holiday_breaks(dt.date(2027, 2, 1), dt.date(2027, 2, 28)) if "春节" in b.name
    ]
    inside = spring.first + dt.timedelta(days=2)

    def printed(day: dt.date) -> str:
        src = render_notice(build_hours(centre, pack, url=SITE, today=day), typesetter.fonts)
        return pdf_text(typesetter.compile(src.source, files=src.files))

    texts = [printed(spring.first), printed(inside)]
    whole = squash(fmt.date_range_text(spring.first, spring.last))
    assert whole in texts[1] and "另行公示" in texts[1] and "春节（法定节假日）" in texts[1]
    assert squash(fmt.date_range_text(inside, spring.last)) not in texts[1]
    assert texts[0] == texts[1]


def test_annual_report_holds_the_year(minimal):
    centre, _pack, _sources, pdfs = minimal
    year = fig.years_of(centre)[0]
    text = pdf_text(pdfs[_key(centre, "annual", str(year))])
    assert "目录" in text
    qs = [q for q in centre.quarters if q.year == year]
    for q in qs:
        assert fmt.yuan(q.expenditure_total) in text
    ma = fig.month_activity(centre, centre.activity_months[0].key)
    assert f"{ma.attendance}" in text
    assert fmt.yuan(centre.audits[0].income) in text and centre.evaluations[0].grade in text


def test_document_date_comes_from_the_record(minimal):
    centre, _pack, _sources, pdfs = minimal
    q = centre.quarters[0]
    info = pdf_info(pdfs[_key(centre, "finance", q.key)])
    assert (
        info["CreationDate"].endswith(
            f"{q.published:%b} {q.published.day:2d} 00:00:00 {q.published.year} UTC"
        )
        or q.published.strftime("%Y") in info["CreationDate"]
    )
    assert "CreationDate" not in pdf_info(pdfs[_key(centre, "hours")])  # no date in the record


def test_same_records_give_the_same_bytes(minimal, typesetter):
    centre, pack, _sources, pdfs = minimal
    results = load_project(MINIMAL).results[centre.id]
    again = compile_sources(
        centre_sources(
            centre,
            pack,
            site_url=SITE,
            results=results,
            fonts=typesetter.fonts,
            manuals=STUB_MANUALS,
        ),
        Typesetter(),
    )
    assert again == pdfs


def test_the_centre_entry_point_gives_the_same_pdfs(minimal):
    """``render_centre_pdfs`` (what a build worker calls) and ``render_pdfs`` print the same
    bytes as the sources compiled here, with a typesetter of their own."""
    centre, pack, _sources, pdfs = minimal
    validated = load_project(MINIMAL)
    got = render_centre_pdfs(
        centre,
        pack,
        site_url=SITE,
        results=validated.results[centre.id],
        corrections=(),
        manuals=STUB_MANUALS,
        typesetter=Typesetter(),
    )
    assert got == pdfs
    plans = render_pdfs(validated, site_url=SITE, kinds={"plan"})
    assert plans == {k: v for k, v in pdfs.items() if "/plan-" in k}
    with pytest.raises(ValueError):
        render_centre_pdfs(
            centre, pack, site_url=SITE, results=(), corrections=(), manuals=(), kinds={"x"}
        )


def test_three_dots_print_as_written(tmp_path, typesetter):
    """Record text prints as typed: "..." is not turned into an ellipsis (…)."""
    proj = make_project(
        tmp_path,
        {
            "plans/2026-03.yaml": read_fixture("plans/2026-03.yaml").replace(
                "title: 四点半学校", "title: 四点半学校...续"
            ),
            "evaluations/2026.yaml": read_fixture("evaluations/2026.yaml")
            + "summary: 整改...已完成 -- 见附件\n",
        },
    )
    v = load_project(proj)
    assert not v.report.errors
    pdfs = render_pdfs(
        v, site_url=SITE, typesetter=typesetter, kinds={"plan", "evaluation", "annual"}
    )
    texts = {key.rsplit("/", 1)[1]: pdf_text(pdf) for key, pdf in pdfs.items()}
    assert "四点半学校...续" in texts["plan-2026-03.pdf"]
    for name in ("evaluation-2026.pdf", "annual-2026.pdf"):
        assert "整改...已完成--见附件" in texts[name], name
    assert not any("…" in text for text in texts.values())


def test_pages_render_to_png(minimal):
    for key, pdf in minimal[3].items():
        png = png_of_page(pdf)
        assert png.startswith(b"\x89PNG\r\n\x1a\n") and len(png) > 2000, key


def test_without_a_site_url_there_is_no_qr_code(typesetter):
    pdfs = render_pdfs(load_project(MINIMAL), site_url="", kinds={"hours"}, typesetter=typesetter)
    (pdf,) = pdfs.values()
    text = pdf_text(pdf)
    assert "扫码" not in text and "网上公示：" not in text and "联系电话" in text


def _hostile_project(tmp_path: Path) -> Path:
    def q(s: str) -> str:
        return "'" + s.replace("'", "''") + "'"

    h = HOSTILE_TEXT
    return make_project(
        tmp_path,
        {
            "centre.yaml": read_fixture("centre.yaml")
            .replace("feedback: 意见箱设在一楼大厅", f"feedback: {q(h)}")
            .replace(
                "{code: own-garden, title: 屋顶菜园}",
                f"{{code: own-garden, title: {q('菜园 ' + h)}, description: {q(h)}}}",
            )
            .replace("name: 深圳市示例社会工作服务中心", f"name: {q('示例机构 ' + h)}"),
            "plans/2026-03.yaml": read_fixture("plans/2026-03.yaml")
            .replace("title: 四点半学校", f"title: {q('学校 ' + h)}")
            .replace("signup: 电话报名", f"signup: {q(h)}")
            .replace("target: 小学生", f"target: {q(h)}"),
            "finance/2026-Q1.yaml": read_fixture("finance/2026-Q1.yaml").replace(
                "item: 工资", f"item: {q(h)}"
            )
            + f"notes: {q(h)}\n",
            "audits/2026.yaml": read_fixture("audits/2026.yaml")
            .replace("固定资产台账需及时更新", q(h))
            .replace("firm: 示例会计师事务所", f"firm: {q('事务所 ' + h)}"),
            "evaluations/2026.yaml": read_fixture("evaluations/2026.yaml") + f"summary: {q(h)}\n",
        },
    )


def test_hostile_record_text_prints_literally(tmp_path, typesetter):
    v = load_project(_hostile_project(tmp_path))
    assert not v.report.errors and v.centres
    pdfs = render_pdfs(
        v,
        site_url=SITE,
        typesetter=typesetter,
        kinds={"plan", "finance", "audit", "evaluation", "consultation", "annual"},
    )
    for key, pdf in pdfs.items():
        text = pdf_text(pdf)
        for piece in HOSTILE:
            assert squash(piece) in text, (key, piece)
        assert "root:" not in text  # /etc/passwd was not read


@pytest.fixture(scope="module")
def samples(typesetter):
    v = load_project(ROOT)
    if not v.centres:
        pytest.skip("no sample centres")
    out = {}
    for centre in v.centres:
        pack = v.library.packs[centre.rule_pack]
        results = v.results[centre.id]
        sources = centre_sources(
            centre,
            pack,
            site_url=SITE,
            results=results,
            fonts=typesetter.fonts,
            kinds=("hours", "finance", "audit", "evaluation", "consultation"),
        )
        # one month's plan and the last annual report are enough to check the layout
        plan_key = _key(centre, "plan", centre.plans[0].key) if centre.plans else None
        more = centre_sources(
            centre,
            pack,
            site_url=SITE,
            results=results,
            fonts=typesetter.fonts,
            kinds=("plan", "annual"),
        )
        sources.update({k: s for k, s in more.items() if k == plan_key or "/annual-" in k})
        out[centre.id] = (centre, pack, results, compile_sources(sources, typesetter))
    return out


@pytest.mark.slow
def test_samples_print_every_kind(samples):
    for centre, pack, results, pdfs in samples.values():
        kinds = {k.rsplit("/", 1)[1].split("-")[0].removesuffix(".pdf") for k in pdfs}
        assert kinds >= {"hours", "consultation", "plan"} and (
            not centre.quarters or "finance" in kinds
        )
        for key, pdf in pdfs.items():
            names = {f["name"] for f in pdf_fonts(pdf)}
            assert any(n.startswith("NotoSerifCJKsc-Bold") for n in names), key
            size = pdf_info(pdf)["Page size"]
            if "/plan-" in key:  # one sheet: A4, or A3 for a month too long for A4
                assert size.startswith((A4, A3)) and page_count(pdf) == 1, key
            else:
                assert size.startswith(A5 if "/annual-" in key else A4), key
        for q in centre.quarters:
            pdf = pdfs[_key(centre, "finance", q.key)]
            text = pdf_text(pdf)
            period = fig.quarter_period(q)
            assert has_row(pdf, "收入合计", fmt.yuan(period.income_total))
            assert has_row(pdf, "支出合计", fmt.yuan(period.expenditure_total))
            for v in verdicts.ratio_verdicts(results, [period.label]):
                assert has_row(pdf, v.title[:4], v.value, v.result)
                assert squash(v.citation) in text
            assert squash(posting_period(pack, "finance", q.published).text) in text


def _poison(value, name: str = ""):
    """Every text field of a context (nested rows included) replaced by hostile text; file
    names, which gongshi makes itself, are kept."""
    if isinstance(value, (Markdown, TypstCode)) or name in ("file", "qr_file"):
        return value
    if isinstance(value, str):
        return HOSTILE_TEXT if value else value
    if isinstance(value, tuple):
        return tuple(_poison(v) for v in value)
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return dataclasses.replace(
            value,
            **{f.name: _poison(getattr(value, f.name), f.name) for f in dataclasses.fields(value)},
        )
    return value


def test_every_context_field_is_escaped(minimal, typesetter):
    centre, pack, _sources, _pdfs = minimal
    results = load_project(MINIMAL).results[centre.id]
    fonts = typesetter.fonts
    q, audit, ev, plan = (
        centre.quarters[0],
        centre.audits[0],
        centre.evaluations[0],
        centre.plans[0],
    )
    notices = [
        build_hours(centre, pack, url=SITE),
        build_plan(centre, pack, plan, url=SITE),
        build_finance(centre, pack, q, results, url=SITE),
        build_audit(centre, pack, audit, results, url=SITE),
        build_evaluation(centre, pack, ev, url=SITE),
        build_consultation(centre, pack, url=SITE),
    ]
    sources = [render_notice(_poison(ctx), fonts) for ctx in notices]
    annual = _poison(build_annual(centre, pack, ev.year, results, url=SITE))
    annual = dataclasses.replace(annual, activity_chart=None, finance_chart=None, charts=())
    sources.append(render_annual(annual, centre, fonts))
    book = build_manuals(centre, pack, STUB_MANUALS)
    sources.append(render_manual_book(_poison(book), fonts))
    for src in sources:
        text = pdf_text(typesetter.compile(src.source, files=src.files))
        for piece in HOSTILE:
            assert squash(piece) in text
        assert "root:" not in text
