"""The postings as a street office pins them up (GB/T 9704—2012): the samples printed through
``gongshi print`` on a December day, with and without a site address, read back from the PDFs
with poppler (``pdftotext -bbox-layout`` for where the 落款 sits)."""

from __future__ import annotations

import datetime as dt
import html
import re
from pathlib import Path

import pytest
from conftest import ROOT
from print_helpers import A4, A5, page_count, pdf_info, pdf_text, poppler, squash

from generator.cli import main
from generator.figures.holidays import statutory_days_off
from generator.pipeline import load_project
from generator.print.annual import annual_date
from generator.print.documents import print_sources

pytestmark = pytest.mark.slow

DAY = "2026-12-06"
SITE = "https://gs.example.org"
CENTRES = ("shenzhen-xiashi", "binjiang-lanwan", "huizhou-rongxi")
#: Words of the software, never of a street office.
SOFTWARE_WORDS = ("规则包", "系统默认", "本系统", "gongshi", "默认")

_PAGE = re.compile(r'<page width="([\d.]+)" height="([\d.]+)">(.*?)</page>', re.S)
_LINE = re.compile(
    r'<line xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">(.*?)</line>', re.S
)
_WORD = re.compile(
    r'<word xMin="[\d.]+" yMin="([\d.]+)" xMax="[\d.]+" yMax="([\d.]+)">(.*?)</word>'
)


def pages(pdf: bytes) -> list[dict]:
    """Each page's width and its text lines: (x_min, y_min, x_max, y_max, text, word heights)."""
    out = []
    for width, height, body in _PAGE.findall(poppler("pdftotext", pdf, "-bbox-layout")):
        lines = []
        for x0, y0, x1, y1, inner in _LINE.findall(body):
            words = _WORD.findall(inner)
            text = "".join(html.unescape(w[2]) for w in words)
            heights = [float(b) - float(a) for a, b, _ in words]
            lines.append((float(x0), float(y0), float(x1), float(y1), text, heights))
        out.append({"width": float(width), "height": float(height), "lines": lines})
    return out


def _print(tmp: Path, *extra: str) -> dict[str, dict[str, bytes]]:
    out = tmp / "pdf"
    code = main(["print", "--project", str(ROOT), "--out", str(out), "--today", DAY, *extra])
    assert code == 0
    return {c: {p.name: p.read_bytes() for p in (out / c).glob("*.pdf")} for c in CENTRES}


@pytest.fixture(scope="module")
def printed(tmp_path_factory) -> dict[str, dict[str, dict[str, bytes]]]:
    """The samples' PDFs printed on DAY: {"plain": …, "site": …} by centre and file name."""
    tmp = tmp_path_factory.mktemp("noticeboard")
    return {"plain": _print(tmp / "plain"), "site": _print(tmp / "site", "--site-url", SITE)}


def _postings(printed):
    for variant, centres in printed.items():
        for centre, files in centres.items():
            for name, pdf in sorted(files.items()):
                if not name.startswith(("annual-", "manuals")):
                    yield variant, centre, name, pdf


def _operator(centre: str) -> str:
    text = (ROOT / "centres" / centre / "centre.yaml").read_text(encoding="utf-8")
    block = text[text.index("operator:") :]
    return re.search(r"name:\s*(\S+)", block).group(1)


def test_the_issuer_and_date_stand_right_with_the_last_paragraph(printed):
    for variant, centre, name, pdf in _postings(printed):
        issuer = _operator(centre)
        doc = pages(pdf)
        last = doc[-1]
        texts = [line[4] for line in last["lines"]]
        where = f"{variant} {centre} {name}"
        assert issuer in texts, where  # the 落款 is on the last page …
        signed = last["lines"][texts.index(issuer)]
        # the date: the text under the issuer (a blank date prints 年 月 日 apart; the QR
        # code's caption is on the left)
        under = sorted(
            (
                line
                for line in last["lines"]
                if signed[3] < line[1] < signed[3] + 24 and line[0] >= signed[0]
            ),
            key=lambda line: line[0],
        )
        date = squash("".join(line[4] for line in under))
        assert re.fullmatch(r"\d{4}年\d{1,2}月\d{1,2}日|年月日", date), (where, date)
        # … right of the centre of the page, the date under the issuer …
        assert (signed[0] + signed[2]) / 2 > last["width"] / 2, where
        assert all(line[0] > last["width"] / 2 for line in under), where
        # … with the last paragraph above it on the same page, and room for the seal between
        above = [line for line in last["lines"] if line[3] <= signed[1]]
        assert any(line[4].startswith(("联系电话", "电子邮箱")) for line in above), where
        assert signed[1] - max(line[3] for line in above) >= 28, where  # ≥ 10 mm


def test_no_software_words_on_a_posting(printed):
    for variant, centre, name, pdf in _postings(printed):
        text = pdf_text(pdf)
        for word in SOFTWARE_WORDS:
            assert word not in text, f"{variant} {centre} {name}: {word}"
        assert "公示期：" in text
    for variant, centres in printed.items():
        for centre, files in centres.items():
            assert "规则包" not in pdf_text(files["annual-2026.pdf"]), (variant, centre)


def test_the_december_plan_is_one_a4_sheet_with_its_legend(printed):
    for variant, centres in printed.items():
        for centre, files in centres.items():
            pdf = files["plan-2026-12.pdf"]
            assert page_count(pdf) == 1, (variant, centre)
            assert pdf_info(pdf)["Page size"].startswith(A4), (variant, centre)
            (page,) = pages(pdf)
            legend = next(line for line in page["lines"] if line[4].startswith("报名方式"))
            rows = [line for line in page["lines"] if re.match(r"\d+日周", squash(line[4]))]
            last_row = max(line[3] for line in rows)
            assert 0 < legend[1] - last_row < 20, centre  # right under the table
            for line in rows:
                assert min(line[5]) >= 9.9, (centre, line[4])  # table type ≥ 10 pt


def test_a_qr_code_wherever_the_text_mentions_one(printed):
    for centre, files in printed["plain"].items():
        for name, pdf in files.items():
            text = pdf_text(pdf)
            assert "二维码" not in text and "扫码" not in text, (centre, name)
    validated = load_project(ROOT, dt.date.fromisoformat(DAY))
    for site_url in ("", SITE):
        for path, src in print_sources(validated, site_url=site_url).items():
            mentions = "二维码" in src.source or "扫码" in src.source
            shown = 'image("qr.svg"' in src.source and "qr.svg" in src.files
            assert mentions == shown == bool(site_url) or "/manuals" in path, (site_url, path)


def test_rows_never_split_across_pages(printed):
    validated = load_project(ROOT, dt.date.fromisoformat(DAY))
    for src in print_sources(validated, site_url="", kinds={"plan", "finance"}).values():
        assert "#set table.cell(breakable: false)" in src.source


def test_the_hours_notice_lists_the_holidays_to_come(printed):
    day = dt.date.fromisoformat(DAY)
    coming = statutory_days_off(day, day + dt.timedelta(days=364))
    names = {off.name for off in coming}
    assert {"元旦", "春节", "国庆节"} <= names
    for centre, files in printed["plain"].items():
        text = pdf_text(files["hours.pdf"])
        assert "2027年1月1日至1月3日" in text and "元旦（法定节假日）" in text, centre
        for name in names:
            assert name in text, (centre, name)
        assert "2026年1月1日" not in text and "2026年10月1日" not in text, centre  # past ones


def test_the_booklet_splits_income_and_spending_in_legible_type(printed):
    for centre, files in printed["plain"].items():
        pdf = files["annual-2026.pdf"]
        assert pdf_info(pdf)["Page size"].startswith(A5)
        doc = pages(pdf)
        page = next(p for p in doc if any(line[4].endswith("收入与支出") for line in p["lines"]))
        first = {}
        for line in page["lines"]:
            first.setdefault(squash(line[4]).split("1")[0].rstrip("0123456789.,"), line[1])
        heads = ("收入", "收入合计", "支出", "支出合计", "期末结余")
        assert all(h in first for h in heads), (centre, sorted(first))
        ys = [first[h] for h in heads]
        assert ys == sorted(ys), centre  # 收入, its subtotal, 支出, its subtotal, the balance
        for line in page["lines"]:
            if squash(line[4]).startswith(("收入合计", "支出合计", "期末结余")):
                assert min(line[5]) >= 9.9, (centre, line[4])  # ≥ 10 pt on A5


def test_the_booklet_is_never_dated_after_the_day_printed(printed):
    validated = load_project(ROOT, dt.date.fromisoformat(DAY))
    for centre in validated.centres:
        latest = annual_date(centre, 2026)
        assert latest is not None
        earlier = latest - dt.timedelta(days=3)
        assert annual_date(centre, 2026, earlier) == earlier
        assert annual_date(centre, 2026, latest + dt.timedelta(days=9)) == latest
    for centre, files in printed["plain"].items():
        cover = pdf_text(files["annual-2026.pdf"]).split("目录")[0]
        dates = re.findall(r"(\d{4})年(\d{1,2})月(\d{1,2})日", cover)
        assert dates, centre
        for y, m, d in dates:
            assert dt.date(int(y), int(m), int(d)) <= dt.date.fromisoformat(DAY), centre
