"""``gongshi check`` looks for residents' personal numbers in every text of every record, at
its line, and never prints one in full; a centre declares the numbers that only look
personal; text that hides characters is refused.

Every number is fictional (see tests/build/test_pii_guard.py).
"""

from __future__ import annotations

import datetime as dt
import json
import shutil
from pathlib import Path

import conftest
import pytest
from conftest import ROOT
from hostile_helpers import all_cases, apply_case
from personal_helpers import make_id

from generator.cli import main
from generator.records.load import read_document
from generator.text.personal import mask, scan_text

C = "centres/demo/centre.yaml"
P = "centres/demo/plans/2026-03.yaml"
F = "centres/demo/finance/2026-Q1.yaml"


# The signed audit report of a sample centre: a real PDF in the standard Chinese font, clean.
SIGNED_REPORT = ROOT / "centres" / "shenzhen-xiashi" / "attachments" / "audit-2026.pdf"


def make_project(tmp_path: Path, edits: dict | None = None) -> Path:
    """The minimal project, its signed audit report a real, clean PDF (the check reads it
    whole)."""
    proj = conftest.make_project(tmp_path, edits)
    shutil.copyfile(SIGNED_REPORT, proj / "centres" / "demo" / "attachments" / "audit.pdf")
    return proj


ID_A = make_id("19850315", "501")
MOBILE_A = "13900001501"
CONTRACT = "4403002026000019"  # 16 digits, passes Luhn: looks like a bank card


def edit(proj: Path, rel: str, old: str, new: str) -> None:
    path = proj / rel
    text = path.read_text(encoding="utf-8")
    assert old in text, (rel, old)
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def append(proj: Path, rel: str, text: str) -> None:
    path = proj / rel
    path.write_text(path.read_text(encoding="utf-8") + text, encoding="utf-8")


def check(proj: Path, capsys, fmt: str = "json") -> tuple[int, list[dict], str]:
    code = main(["check", str(proj), "--format", fmt])
    out = capsys.readouterr()
    printed = out.out + out.err
    assert "Traceback" not in printed and "内部错误" not in printed
    problems = json.loads(out.out)["problems"] if fmt == "json" else []
    return code, problems, printed


def errors_at(problems: list[dict]) -> set[tuple[str, str, int]]:
    return {(p["code"], p["file"], p["line"]) for p in problems if p["severity"] == "error"}


# ------------------------------------------------------------------ every text, published or not


@pytest.mark.parametrize(
    "rel, old, new, line",
    [
        # an activity's description (not a published field of every output)
        (P, "    capacity: 30\n", f"    capacity: 30\n    description: 家长 {ID_A}\n", 14),
        # a comment: record files are kept, comments too
        (F, "quarter: 2026-Q1\n", f"# 出纳 {MOBILE_A}\nquarter: 2026-Q1\n", 1),
        # a key
        (C, "district: 福田区\n", f'district: 福田区\n"{MOBILE_A}": x\n', 2),
        # a number folded over two lines of a block scalar
        (
            F,
            "fixed_assets:\n",
            f"notes: >-\n  退款转入 {ID_A[:9]}\n  {ID_A[9:]}。\nfixed_assets:\n",
            None,
        ),
    ],
)
def test_a_number_anywhere_in_a_record_is_an_error_at_its_line(
    rel, old, new, line, tmp_path, capsys
):
    proj = make_project(tmp_path)
    if old in (proj / rel).read_text(encoding="utf-8"):
        edit(proj, rel, old, new)
    else:
        append(proj, rel, new)
    code, problems, printed = check(proj, capsys)
    assert code == 1
    found = {(c, f, n) for c, f, n in errors_at(problems) if c == "personal-data-in-record"}
    assert len(found) == 1 and next(iter(found))[1] == rel
    if line is not None:
        assert next(iter(found))[2] == line
    assert ID_A not in printed and MOBILE_A not in printed


def test_a_file_the_check_does_not_otherwise_read(tmp_path, capsys):
    """The centre's README and its manual changes are records kept with it."""
    proj = make_project(tmp_path)
    (proj / "centres/demo/README.md").write_text(f"# 说明\n\n联系 {MOBILE_A}\n", encoding="utf-8")
    code, problems, _ = check(proj, capsys)
    assert code == 1
    assert ("personal-data-in-record", "centres/demo/README.md", 3) in errors_at(problems)


def test_the_centres_public_phone_passes(tmp_path, capsys):
    proj = make_project(tmp_path)
    edit(proj, C, "phone: 0755-01234567", f"phone: {MOBILE_A}")
    edit(
        proj,
        P,
        "signup: 电话报名",
        f"signup: 电话报名 {MOBILE_A[:3]} {MOBILE_A[3:7]} {MOBILE_A[7:]}",
    )
    code, problems, _ = check(proj, capsys)
    assert (code, errors_at(problems)) == (0, set())


# ------------------------------------------------------------------ masked in every message


@pytest.mark.parametrize("fmt", ["json", "text"])
@pytest.mark.parametrize(
    "rel, old, new",
    [
        (P, "    date: 2026-03-03\n", f"    date: {ID_A}\n"),  # not a date
        (P, "    form: 群体\n", f"    form: {MOBILE_A}\n"),  # not a choice
        (P, "    capacity: 30\n", f"    capacity: {ID_A}\n"),  # out of range? a number
        (C, "district: 福田区\n", f"district: 福田区\n{MOBILE_A}x: 1\n"),  # unknown key
        (P, "  - id: A01\n", f"  - id: A{MOBILE_A}\n"),  # a pattern
    ],
)
def test_numbers_in_problem_messages_are_masked(rel, old, new, fmt, tmp_path, capsys):
    proj = make_project(tmp_path)
    edit(proj, rel, old, new)
    code, _problems, printed = check(proj, capsys, fmt)
    assert code == 1
    assert ID_A not in printed and MOBILE_A not in printed
    assert mask(ID_A) in printed or mask(MOBILE_A) in printed


# ------------------------------------------------------------------ numbers that only look personal

DECLARE = (
    "not_personal_numbers:\n"
    f"  - {{number: '{CONTRACT}', reason: 区民政局购买服务合同编号，印在合同首页，已公开}}\n"
)


def with_contract(tmp_path: Path) -> Path:
    proj = make_project(tmp_path)
    edit(
        proj,
        F,
        "{item: 工资, amount: 70000.00}",
        f"{{item: 工资（合同 {CONTRACT}）, amount: 70000.00}}",
    )
    return proj


def test_a_contract_number_looks_like_a_card(tmp_path, capsys):
    code, problems, printed = check(with_contract(tmp_path), capsys)
    assert code == 1 and errors_at(problems) == {("personal-data-in-record", F, 10)}
    assert "not_personal_numbers" in printed and CONTRACT not in printed


def test_a_centre_declares_it_not_personal_with_a_reason(tmp_path, capsys):
    proj = with_contract(tmp_path)
    append(proj, C, DECLARE)
    code, problems, _ = check(proj, capsys)
    assert (code, errors_at(problems)) == (0, set())


@pytest.mark.parametrize(
    "declaration, code_",
    [
        (f"not_personal_numbers:\n  - {{number: '{CONTRACT}'}}\n", "missing-key"),
        (f"not_personal_numbers:\n  - {{number: '{CONTRACT}', reason: }}\n", "missing-key"),
        (
            f"not_personal_numbers:\n  - {{number: '{ID_A}', reason: 合同}}\n",
            "personal-data-in-record",
        ),
        ("not_personal_numbers:\n  - {number: '12345', reason: 编号}\n", "out-of-range"),
        ("not_personal_numbers: 4403\n", "wrong-type"),
        (f"not_personal_numbers:\n  - {{number: '{CONTRACT}', why: 合同}}\n", "unknown-key"),
    ],
)
def test_a_declaration_needs_a_reason_and_cannot_be_an_id(declaration, code_, tmp_path, capsys):
    proj = make_project(tmp_path)
    append(proj, C, declaration)
    code, problems, printed = check(proj, capsys)
    line = len((proj / C).read_text(encoding="utf-8").splitlines())
    assert code == 1
    assert any(c == code_ and f == C and n in (line - 1, line) for c, f, n in errors_at(problems))
    assert ID_A not in printed


@pytest.mark.slow
def test_the_build_publishes_a_declared_number(tmp_path):
    from generator.build.orchestrate import build_site

    proj = with_contract(tmp_path)
    append(proj, C, DECLARE)
    out = tmp_path / "public"
    result = build_site(
        proj, out, today=dt.date(2027, 6, 1), site_url="https://example.org/", pdf=True
    )
    assert result.report.errors == [] and result.awaiting == {}
    assert CONTRACT in (out / "data/demo/finance.csv").read_text(encoding="utf-8-sig")


# ------------------------------------------------------------------ characters that hide text


@pytest.mark.parametrize(
    "escaped",
    [
        "\\u034f",  # combining grapheme joiner
        "\\ufe0f",  # variation selector 16
        "\\ufe00",  # variation selector 1
        "\\U000e0100",  # variation selector 17
        "\\U000e0041",  # tag Latin capital A
        "\\U000e0001",  # language tag
        "\\u061c",  # Arabic letter mark
        "\\u115f",  # Hangul choseong filler
        "\\u1160",  # Hangul jungseong filler
        "\\u3164",  # Hangul filler
        "\\uffa0",  # half-width Hangul filler
        "\\u2028",  # line separator
        "\\u2029",  # paragraph separator
        "\\u180e",  # Mongolian vowel separator
        "\\u2066",  # left-to-right isolate
        "\\u200b",  # zero-width space
    ],
)
def test_hidden_characters_are_refused(escaped, tmp_path, capsys):
    proj = make_project(tmp_path)
    edit(proj, P, "    title: 四点半学校\n", f'    title: "四点半{escaped}学校"\n')
    code, problems, printed = check(proj, capsys)
    assert code == 1 and ("bad-text", P, 9) in errors_at(problems)


def test_a_combining_mark_at_the_start_is_refused_elsewhere_it_is_text(tmp_path, capsys):
    proj = make_project(tmp_path)
    edit(proj, P, "    title: 四点半学校\n", '    title: "\\u0301四点半学校"\n')
    code, problems, _ = check(proj, capsys)
    assert code == 1 and ("bad-text", P, 9) in errors_at(problems)
    proj = make_project(tmp_path / "b")
    edit(proj, P, "    title: 四点半学校\n", '    title: "Cafe\\u0301 四点半学校"\n')
    code, problems, _ = check(proj, capsys)
    assert (code, errors_at(problems)) == (0, set())


# ------------------------------------------------------------------ the hostile corpus

PII_CASES = [c for c in all_cases() if c.name.startswith("pii-")]


@pytest.mark.parametrize("case", PII_CASES, ids=lambda c: c.name)
def test_each_written_variant_is_found_by_check(case, tmp_path, capsys):
    proj = make_project(tmp_path)
    apply_case(case, proj)
    code, problems, printed = check(proj, capsys)
    assert code == 1
    target = f"centres/demo/{case.file}"
    found = {(f, n) for c, f, n in errors_at(problems) if c == "personal-data-in-record"}
    assert found == {(target, line) for _, line in case.leaks}
    for c, f, n in errors_at(problems) - {("personal-data-in-record", target, 13)}:
        assert (c, n) in case.expect, (c, f, n)
    title = read_document(case.path, case.name).root.get("activities").items[0].get("title")
    (finding,) = scan_text(title.text)
    assert finding.value not in printed and finding.masked in printed
