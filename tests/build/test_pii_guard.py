"""The personal-data guard: ID, mobile and bank card numbers never reach a published file.

Every number here is fictional. ID numbers use region code 449999, which is assigned to no
county, with a computed GB 11643 check digit; card numbers use the unassigned prefix 629999
with a computed Luhn digit; mobile numbers are in the 1390000xxxx block used for examples.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import shutil
from dataclasses import replace as dc_replace
from decimal import Decimal
from pathlib import Path

import conftest
import pytest
from conftest import MINIMAL, ROOT
from hostile_helpers import all_cases
from hypothesis import given, settings
from hypothesis import strategies as st
from personal_helpers import make_card, make_id

from generator.build import privacy
from generator.build.privacy import (
    allowed_numbers,
    is_id_number,
    luhn_ok,
    mask,
    scan_outputs,
    scan_records,
    scan_text,
)
from generator.cli import main
from generator.errors import ToolMissing
from generator.pipeline import load_project
from generator.records import validate
from generator.records.load import read_document
from generator.records.shapes import credit_code_check_char
from generator.records.validate import Project
from generator.text.personal import normalise_number

# The signed audit report of a sample centre: a real PDF in the standard Chinese font, clean.
SIGNED_REPORT = ROOT / "centres" / "shenzhen-xiashi" / "attachments" / "audit-2026.pdf"


def make_project(tmp_path: Path, edits: dict | None = None) -> Path:
    """The minimal project, its signed audit report a real, clean PDF (the check reads it
    whole)."""
    proj = conftest.make_project(tmp_path, edits)
    shutil.copyfile(SIGNED_REPORT, proj / "centres" / "demo" / "attachments" / "audit.pdf")
    return proj


def read_tree(folder: Path) -> dict[str, bytes]:
    """Every file under ``folder`` by its POSIX path relative to it."""
    return {
        p.relative_to(folder).as_posix(): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def make_credit_code(first17: str) -> str:
    return first17 + credit_code_check_char(first17)


ID_A = make_id("19850315")
CARD_A = make_card("000000000012")  # 19 digits
MOBILE_A = "13900001234"


# ------------------------------------------------------------------ what is found


@pytest.mark.parametrize(
    "text, kind, value",
    [
        (f"身份证号 {ID_A}", "id-number", ID_A),
        (f"身份证：{ID_A[:6]} {ID_A[6:14]} {ID_A[14:]}。", "id-number", ID_A),
        (f"{ID_A[:6]}-{ID_A[6:14]}-{ID_A[14:]}", "id-number", ID_A),
        ("".join(chr(ord(c) + 0xFEE0) for c in ID_A), "id-number", ID_A),  # full-width
        (f"联系{MOBILE_A}报名", "mobile", MOBILE_A),
        ("电话 139 0000 1234", "mobile", MOBILE_A),
        ("电话 139-0000-1234", "mobile", MOBILE_A),
        ("+86 139 0000 1234", "mobile", MOBILE_A),
        ("+8613900001234", "mobile", MOBILE_A),
        ("0086-139-0000-1234", "mobile", MOBILE_A),
        ("１３９００００１２３４", "mobile", MOBILE_A),
        ("tel:13900001234", "mobile", MOBILE_A),
        ("No13900001234", "mobile", MOBILE_A),  # letters glued in front hide nothing
        ("1.13900001234", "mobile", MOBILE_A),  # nor list numbering
        (f"卡号{CARD_A}", "bank-card", CARD_A),
        ("卡号 " + " ".join(re.findall(".{1,4}", CARD_A)), "bank-card", CARD_A),
        ("卡号 " + "-".join(re.findall(".{1,4}", CARD_A)), "bank-card", CARD_A),
        ("4111 1111 1111 1111", "bank-card", "4111111111111111"),  # a well-known test card
    ],
)
def test_found(text, kind, value):
    (f,) = scan_text(text)
    assert (f.kind, f.value) == (kind, value)
    assert f.value not in f.masked and f.masked.endswith(value[-4:])


def test_the_x_check_character_is_found_in_either_case():
    for seq in range(100, 200):
        number = make_id("19900101", str(seq))
        if number.endswith("X"):
            break
    else:
        raise AssertionError("no X check digit in 100 tries")
    assert [f.value for f in scan_text(f"证件 {number}")] == [number]
    assert [f.value for f in scan_text(f"证件 {number[:-1]}x")] == [number]


@pytest.mark.parametrize(
    "text",
    [
        ID_A[:-1] + str((int(ID_A[-1]) + 1) % 10) if ID_A[-1] != "X" else ID_A[:-1] + "0",
        "449999" + "20990101" + "002" + "0",  # a birth date in the future
        "449999" + "19850230" + "0025",  # 30 February
        "999999" + "19850315" + "0025",  # no such province
        "金额 1234567890123.45 元",
        "支出 6299990000000000129 元",  # an amount, whatever its digits
        "¥6299990000000000129",
        "400000.00",
        "1,234,567,890,123.00",
        "2026-03-05 至 2026-03-31",
        "20260305",
        "09:00-12:00，14:00-21:00",
        "0755-01234567",
        "400-123-4567",
        "12349",
        "示审字〔2027〕第001号",
        "FTMZ-2026-00123456789",
        "52440300MJL0000012",
        "13900001234567",  # 14 digits, Luhn fails
        "0000000000000000",  # repeated digit
        "1111111111111111",
    ],
)
def test_not_found(text):
    assert scan_text(text) == []


def test_allowed_numbers_pass():
    assert scan_text(f"请拨打 {MOBILE_A}", allowed={MOBILE_A}) == []
    assert scan_text("请拨打 +86 139 0000 1234", allowed={"139-0000-1234"}) == []
    assert len(scan_text(f"请拨打 {MOBILE_A}", allowed={"13900001235"})) == 1


def test_credit_codes_are_never_cards():
    # All-digit credit codes exist (older organisation codes); one in ten passes Luhn.
    hits = 0
    for n in range(400):
        code = make_credit_code(f"9144030{n:010d}")
        if not code.isdigit():
            continue
        if luhn_ok(code):
            hits += 1
        assert all(f.kind != "bank-card" for f in scan_text(f"信用代码 {code}")), code
    assert hits > 5


@settings(max_examples=300, deadline=None)
@given(
    st.decimals(
        min_value=0,
        max_value=Decimal("999999999999999.99"),
        places=2,
        allow_nan=False,
        allow_infinity=False,
    ),
    st.sampled_from(["{v}", "{v} 元", "¥{v}", "{c}", "{c} 元", "金额：{v}元"]),
)
def test_amounts_are_never_flagged(value, form):
    text = form.format(v=value, c=f"{value:,}")
    assert scan_text(text) == [], text


@settings(max_examples=300, deadline=None)
@given(
    st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2100, 12, 31)),
    st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2100, 12, 31)),
)
def test_dates_are_never_flagged(a, b):
    for text in (
        f"{a.isoformat()} 至 {b.isoformat()}",
        f"{a:%Y%m%d}",
        f"{a:%Y%m%d}-{b:%Y%m%d}",
        f"{a.year}年{a.month}月{a.day}日",
        f"{a:%Y.%m.%d}",
        f"{a:%Y/%m/%d} {b:%H:%M}",
    ):
        assert scan_text(text) == [], text


@settings(max_examples=300, deadline=None)
@given(
    st.text(alphabet="0123456789ABCDEFGHJKLMNPQRTUWXY", min_size=17, max_size=17).filter(
        lambda s: not s.isdigit()
    )
)
def test_credit_codes_with_letters_are_never_flagged(first17):
    assert scan_text(f"统一社会信用代码：{make_credit_code(first17)}") == []


def test_samples_and_fixture_hold_no_personal_numbers(samples_loaded):
    for root in (ROOT, MINIMAL):
        validated = samples_loaded if root == ROOT else load_project(root)
        assert scan_records(Project(root), validated.centres) == [], root


def test_allowed_numbers_of_a_centre(tmp_path):
    validated = load_project(make_project(tmp_path))
    (centre,) = validated.centres
    assert allowed_numbers(centre) == {"075501234567"}  # the credit code has letters


# ------------------------------------------------------------------ every field kind

# (record file, text to replace, replacement with {n} for the number, the number)
PLANTED = [
    (
        "plans/2026-03.yaml",
        "    title: 四点半学校\n",
        "    title: 四点半学校（家长 {n}）\n",
        make_id("19850315"),
    ),
    (
        "plans/2026-03.yaml",
        "    signup: 电话报名\n",
        "    signup: 电话报名 +86 139 0000 1201\n    description: 接送志愿者\n",
        "13900001201",
    ),
    (
        "plans/2026-03.yaml",
        "    target: 居民\n",
        "    target: 居民（持卡 {n}）\n",
        make_card("000000000013"),
    ),
    # Activity descriptions may not be published; the record check finds the number anyway.
    (
        "plans/2026-03.yaml",
        "    capacity: 20\n",
        "    capacity: 20\n    description: |\n      报名费退款\n      转入 {n}\n",
        make_card("000000000021"),
    ),
    (
        "activities/2026-03.yaml",
        "reason: 暴雨预警}",
        "reason: 暴雨预警，联系人 {n}}",
        "13900001202",
    ),
    (
        "finance/2026-Q1.yaml",
        "{item: 工资, amount: 70000.00}",
        "{item: 工资（卡号 {n}）, amount: 70000.00}",
        make_card("000000000039"),
    ),
    (
        "finance/2026-Q1.yaml",
        "fixed_assets:\n",
        "notes: |\n  三月退回报名费，\n  收款人身份证 {n}。\nfixed_assets:\n",
        make_id("19760704"),
    ),
    (
        "audits/2026.yaml",
        "  - 固定资产台账需及时更新\n",
        "  - 固定资产台账需及时更新\n  - 出纳个人手机 {n} 用于收款，应改用单位账户\n",
        "13900001203",
    ),
    (
        "centre.yaml",
        "  - {name: 多功能活动室, area: 80, purpose: 团体活动, accessible: true}\n",
        (
            "  - {name: 多功能活动室, area: 80, purpose: 团体活动, accessible: true}\n"
            "  - {name: 预约电话{n}, area: 20, purpose: 阅览}\n"
        ),
        "13900001204",
    ),
    ("centre.yaml", "reason: 国庆节}", "reason: 国庆节（值班 {n}）}", "13900001205"),
    (
        "centre.yaml",
        "    - {code: own-garden, title: 屋顶菜园}\n",
        "    - {code: own-garden, title: 屋顶菜园, description: 认领人 {n}}\n",
        make_id("20010101"),
    ),
    (
        "evaluations/2026.yaml",
        "satisfaction:",
        "summary: 居民代表（电话 {n}）参与评估。\nsatisfaction:",
        "13900001206",
    ),
]
UNPUBLISHED = {make_card("000000000021")}
ALLOWED_MOBILE = "13900001299"  # declared as the centre's public phone


def planted_project(tmp: Path) -> tuple[Path, dict[str, tuple[str, int]]]:
    """The minimal project with PLANTED applied: number → (record file, line)."""
    proj = make_project(tmp)
    centre = proj / "centres" / "demo"
    where: dict[str, tuple[str, int]] = {}
    for rel, old, new, number in PLANTED:
        path = centre / rel
        text = path.read_text(encoding="utf-8")
        assert old in text, (rel, old)
        text = text.replace(old, new.replace("{n}", number), 1)
        path.write_text(text, encoding="utf-8")
    # The public phone is a mobile here, and records may repeat it.
    cy = centre / "centre.yaml"
    text = cy.read_text(encoding="utf-8").replace(
        "phone: 0755-01234567", f"phone: {ALLOWED_MOBILE}"
    )
    text = text.replace(
        "feedback: 意见箱设在一楼大厅", f"feedback: 意见箱设在一楼大厅，或拨打 {ALLOWED_MOBILE}"
    )
    cy.write_text(text, encoding="utf-8")
    for rel, _old, _new, number in PLANTED:
        lines = (centre / rel).read_text(encoding="utf-8").splitlines()
        digits = {number, " ".join([number[:3], number[3:7], number[7:]])}
        (line,) = [i for i, s in enumerate(lines, 1) if any(d in s for d in digits)]
        where[number] = (f"centres/demo/{rel}", line)
    return proj, where


def check_json(path: Path, capsys: pytest.CaptureFixture) -> tuple[int, list[dict], str]:
    """``gongshi check --format json`` on ``path``: exit code, problems, everything printed."""
    code = main(["check", str(path), "--format", "json"])
    out = capsys.readouterr()
    assert "Traceback" not in out.out + out.err
    return code, json.loads(out.out)["problems"], out.out + out.err


def spaced(number: str) -> set[str]:
    """How a planted number may be printed: as it is, or grouped 3-4-4."""
    return {number, " ".join([number[:3], number[3:7], number[7:]])}


def test_check_reports_every_planted_number_at_its_line(tmp_path, capsys):
    """Published fields or not (a description, notes), every number is a record error at
    its line, masked; the centre's public phone passes."""
    proj, where = planted_project(tmp_path)
    code, problems, printed = check_json(proj, capsys)
    assert code == 1
    errors = [p for p in problems if p["severity"] == "error"]
    assert {p["code"] for p in errors} == {"personal-data-in-record"}
    assert {(p["file"], p["line"]) for p in errors} == set(where.values())
    for number in where:
        assert not any(s in printed for s in spaced(number)), number
        assert mask(number) in printed
    assert ALLOWED_MOBILE not in printed and mask(ALLOWED_MOBILE) not in printed


def unguarded(monkeypatch: pytest.MonkeyPatch) -> None:
    """Switch off the record check's search for numbers in this process, so that planted
    numbers reach the outputs and the build's own scan of them can be tested."""
    monkeypatch.setattr(validate, "personal_numbers", lambda *args, **kwargs: [])


def test_planted_project_is_otherwise_valid(tmp_path, monkeypatch):
    proj, _ = planted_project(tmp_path)
    unguarded(monkeypatch)
    validated = load_project(proj)
    assert validated.report.errors == [], validated.report.format()


def test_guard_names_the_record_line_of_every_field_kind(tmp_path):
    proj, where = planted_project(tmp_path)
    validated = load_project(proj)
    problems = scan_records(Project(proj), validated.centres)
    got = {(p.file, p.line) for p in problems}
    assert got == set(where.values())
    assert all(
        p.code == "personal-data-in-record" and p.severity.value == "error" for p in problems
    )
    text = "\n".join(p.message for p in problems)
    for number in where:
        assert number not in text  # reports show numbers masked
    assert (
        ALLOWED_MOBILE not in text and ALLOWED_MOBILE[:3] + "****" + ALLOWED_MOBILE[-4:] not in text
    )


@pytest.mark.slow
def test_build_refuses_to_publish_and_names_every_record_line(tmp_path):
    """The real build (site, open data, PDFs) holds the centre back at its records' check:
    nothing of it is published, the city pages say its records await correction."""
    from generator.build.orchestrate import build_site

    proj, where = planted_project(tmp_path)
    out = tmp_path / "public"
    day = dt.date(2027, 6, 1)
    result = build_site(proj, out, today=day, site_url="https://example.org/", pdf=True)
    assert result.out == out and result.awaiting == {"demo": day} and result.kept == []
    assert not [root for root in ("centres", "data", "print") if (out / root / "demo").exists()]
    files = read_tree(out)  # what was published: no number of the records
    found = scan_outputs(files, load_project(proj).centres, Project(proj))
    assert [p for p in found if p.code == "personal-data-leak"] == []
    assert "记录待更正" in (out / "index.html").read_text(encoding="utf-8")
    errors = result.report.errors
    assert {(p.file, p.line) for p in errors} == set(where.values())  # published or not
    assert {p.code for p in errors} == {"personal-data-in-record"}
    for p in errors:
        assert not any(s in p.message for number in where for s in spaced(number))


@pytest.mark.slow
def test_outputs_scan_names_where_each_number_would_be_published(tmp_path, monkeypatch):
    """Past the record check, the scan of every output still stops each number (those of
    the published fields), at its record line, naming the outputs."""
    from generator.print.documents import render_pdfs
    from generator.site.pages import render_site

    proj, where = planted_project(tmp_path)
    unguarded(monkeypatch)
    validated = load_project(proj, today=dt.date(2027, 6, 1))
    site = render_site(validated, proj, today=validated.today, site_url="https://example.org/")
    files = {rel: text.encode("utf-8") for rel, text in site.pages.items()}
    files.update(site.files)
    files.update(render_pdfs(validated, site_url="https://example.org/"))
    leaks = [
        p
        for p in scan_outputs(files, validated.centres, Project(proj))
        if p.code == "personal-data-leak"
    ]
    published = {at for number, at in where.items() if number not in UNPUBLISHED}
    assert published <= {(p.file, p.line) for p in leaks} <= set(where.values())
    for p in leaks:  # each names where the number would have been published
        assert re.search(r"\.(md|json|csv|ics|pdf|atom)[ 、]", p.message), p.message
        assert not any(s in p.message for number in where for s in spaced(number))


@pytest.mark.slow
def test_the_city_guard_reads_beside_mkdocs_and_keeps_nothing_it_stopped(tmp_path, monkeypatch):
    """The city part's guard reads its files in a process of its own while mkdocs builds
    them (``Workers.aside``): a number on a city page stops the city part at its record
    line, and what mkdocs made of it is removed at once."""
    from generator.build.city import build_city
    from generator.build.workers import Workers

    proj, where = planted_project(tmp_path)
    unguarded(monkeypatch)
    validated = load_project(proj, today=dt.date(2027, 6, 1))

    def city(work: Path, clean: set[str] | None = None):
        with Workers(2) as workers:
            result = build_city(
                validated.centres,
                validated.corrections,
                validated,
                Project(proj),
                work,
                work / "site",
                today=validated.today,
                site_url=None,
                clean=clean,
                aside=workers.aside,
            )
            assert workers.side is not None, "read in a process beside the workers"
        return result

    work, clean = tmp_path / "city", set()
    result = city(work, clean)
    leaks = [p for p in result.problems if p.code == "personal-data-leak"]
    assert leaks and {(p.file, p.line) for p in leaks} <= set(where.values())
    assert result.manifest == [] and not (work / "site").exists() and not (work / "docs").exists()
    assert clean, "the files found clean in the other process are remembered here"

    # mkdocs failing on the same pages (a menu entry of a page that does not exist): the
    # numbers are still what the build reports, as when the guard read before mkdocs ran
    config = (ROOT / "mkdocs.yml").read_text(encoding="utf-8")
    (proj / "mkdocs.yml").write_text(
        config.replace("nav:\n", "nav:\n  - 没有的页面: missing.md\n", 1), encoding="utf-8"
    )
    again = city(tmp_path / "again")
    assert [p for p in again.problems if p.code == "personal-data-leak"] == leaks


@pytest.mark.slow
def test_guard_reads_the_pdfs(tmp_path, monkeypatch):
    """The planted numbers are caught in the print PDFs alone (text read with pdftotext)."""
    from generator.print.documents import render_pdfs

    proj, where = planted_project(tmp_path)
    unguarded(monkeypatch)
    validated = load_project(proj)
    pdfs = render_pdfs(validated, site_url="https://example.org/")
    leaks = [
        p
        for p in scan_outputs(pdfs, validated.centres, Project(proj))
        if p.code == "personal-data-leak"
    ]
    # The finance notice, the plan notice and the annual booklet print most of the fields.
    assert len({(p.file, p.line) for p in leaks}) >= 5
    assert {(p.file, p.line) for p in leaks} <= set(where.values())
    assert all(".pdf" in p.message for p in leaks)


@pytest.mark.slow
def test_clean_build_publishes(tmp_path):
    """Amounts, dates, the credit code, phones and report numbers of the fixture pass."""
    from generator.build.orchestrate import build_site

    proj = make_project(tmp_path)
    result = build_site(
        proj,
        tmp_path / "public",
        today=dt.date(2027, 6, 1),
        site_url="https://example.org/",
        pdf=True,
    )
    assert result.report.errors == [] and result.out is not None
    files = read_tree(result.out)
    validated = load_project(proj)
    problems = scan_outputs(files, validated.centres, Project(proj))  # the final HTML too
    assert [p for p in problems if p.code == "personal-data-leak"] == []


def test_a_number_in_an_attachment_is_reported_at_the_output_file(tmp_path):
    from generator.print.typeset import Typesetter

    pdf = Typesetter().compile(f'#set text(font: "Noto Sans CJK SC")\n签到表 身份证 {ID_A}\n')
    proj = make_project(tmp_path)
    validated = load_project(proj)
    files = {"centres/demo/audit/2026-signed-report.pdf": pdf, "index.html": b"<p>ok</p>"}
    (p,) = scan_outputs(files, validated.centres, Project(proj))
    assert (p.code, p.file, p.line) == (
        "personal-data-leak",
        "centres/demo/audit/2026-signed-report.pdf",
        0,
    )
    assert ID_A not in p.message


@pytest.mark.parametrize(
    "path, data",
    [
        ("a/index.html", "<td>电话 139<span>0000</span>1234</td>"),
        ("a/index.html", f'<a href="tel:{MOBILE_A}">电话</a>'),
        ("a/index.html", "<p>电话 139&#48;0001234</p>"),
        ("a.md", r"电话 139\-0000\-1234"),
        ("data/x.json", json.dumps({"note": f"电话{MOBILE_A}"})),  # \u-escaped Chinese
        ("data/x.csv", f"\ufeff名称,电话\r\n活动,{MOBILE_A}\r\n"),
        ("data/x.ics", "BEGIN:VEVENT\r\nDESCRIPTION:报名电话 1390000\r\n 1234\r\nEND:VEVENT\r\n"),
        ("data/x.atom", f"<entry><summary>电话 {MOBILE_A}</summary></entry>"),
        ("data/x.svg", f"<svg><text>{MOBILE_A}</text></svg>"),
    ],
)
def test_every_output_format_is_read(path, data, tmp_path):
    proj = make_project(tmp_path)
    validated = load_project(proj)
    problems = scan_outputs({path: data.encode("utf-8")}, validated.centres, Project(proj))
    assert [(p.code, p.file) for p in problems][:1] == [("personal-data-leak", path)], problems


def test_theme_scripts_and_styles_are_not_scanned(tmp_path):
    proj = make_project(tmp_path)
    validated = load_project(proj)
    files = {
        "assets/javascripts/bundle.js": f"var x={CARD_A};".encode(),
        "assets/stylesheets/main.css": f"/* {MOBILE_A} */".encode(),
    }
    assert scan_outputs(files, validated.centres, Project(proj)) == []


def test_missing_pdftotext_is_a_tool_error(tmp_path, monkeypatch):
    proj = make_project(tmp_path)
    validated = load_project(proj)
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))
    with pytest.raises(ToolMissing, match="poppler-utils"):
        scan_outputs({"print/x.pdf": b"%PDF-1.4\n"}, validated.centres, Project(proj))
    # Without PDFs the tool is not needed.
    assert scan_outputs({"index.html": b"<p>ok</p>"}, validated.centres, Project(proj)) == []


def test_problem_codes_are_declared():
    assert set(privacy.CODES) == {
        "personal-data-leak",
        "personal-data-in-record",
        "personal-data-unchecked",
    }
    assert is_id_number(ID_A) and not is_id_number(ID_A[:-1])


# ------------------------------------------------------------------ however it is written

PII_CASES = [c for c in all_cases() if c.name.startswith("pii-")]


def case_title(case) -> str:
    """The activity title a personal-number case writes, as YAML reads it."""
    root = read_document(case.path, case.name).root
    return root.get("activities").items[0].get("title").text


def variants_centre(validated, titles: list[str]):
    """The minimal centre with one planned activity per title (Tuesdays of March 2026, one
    hour each), as if the records' check had let them through."""
    (ce,) = validated.centres
    (plan,) = ce.plans
    first = plan.activities[0]
    tuesdays = [dt.date(2026, 3, d) for d in (3, 10, 17, 24, 31)]
    activities = []
    for n, title in enumerate(titles):
        hour = 9 + n % 12
        activities.append(
            dc_replace(
                first,
                id=f"P{n:02d}",
                date=tuesdays[n // 12],
                start=dt.time(hour),
                end=dt.time(hour + 1),
                title=title,
            )
        )
    return dc_replace(ce, plans=(dc_replace(plan, activities=tuple(activities)),))


def found_values(path: str, data: bytes) -> set[str]:
    text = privacy.output_text(path, data)
    assert text is not None, path
    return {f.value for f in scan_text(text)}


def test_corpus_has_personal_number_variants():
    assert len(PII_CASES) >= 20
    assert {k for c in PII_CASES for k, _ in c.leaks} == {"id-number", "mobile", "bank-card"}


@pytest.mark.slow
def test_every_variant_is_caught_in_every_output(tmp_path):
    """Past the records' check, each written variant is still found in the plan's page,
    activities.csv, calendar.ics and the plan's printed PDF."""
    from generator.print.documents import render_centre_pdfs
    from generator.site.pages import render_centre

    proj = make_project(tmp_path)
    validated = load_project(proj, today=dt.date(2027, 6, 1))
    titles = [case_title(c) for c in PII_CASES]
    numbers = [normalise_number(scan_text(t)[0].value) for t in titles]
    assert len(set(numbers)) == len(PII_CASES)  # one number per case
    ce = variants_centre(validated, titles)
    pack = validated.library.packs[ce.rule_pack]
    site = render_centre(
        ce,
        pack,
        proj,
        today=validated.today,
        pdf_paths=frozenset(),
        site_url="https://example.org/",
        corrections=(),
        results=validated.results[ce.id],
    )
    outputs = {
        "page": [(p, t.encode("utf-8")) for p, t in site.pages.items() if "/plans/2026-03" in p],
        "activities.csv": [(p, d) for p, d in site.files.items() if p.endswith("activities.csv")],
        "calendar.ics": [(p, d) for p, d in site.files.items() if p.endswith(".ics")],
        "pdf": list(
            render_centre_pdfs(
                ce,
                pack,
                site_url="https://example.org/",
                results=validated.results[ce.id],
                corrections=(),
                manuals=(),
                kinds=["plan"],
            ).items()
        ),
    }
    for name, files in outputs.items():
        assert files, name
        found = set().union(*(found_values(p, d) for p, d in files))
        missed = [c.name for c, n in zip(PII_CASES, numbers) if n not in found]
        assert missed == [], (name, missed)
