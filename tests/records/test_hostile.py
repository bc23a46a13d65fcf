"""Hostile records: nothing a record says can break a check or a build, run code, or read files.

Each case in tests/hostile/ is a record file (or a folder laid over the centre folder) whose
header says what it attacks and what ``gongshi check`` must report (see hostile_helpers).
Cases that are valid data ("plant: text") are planted into every free-text field kind and
built for real (mkdocs site and Typst PDFs), then read back: the text must print literally.
"""

from __future__ import annotations

import json
import os
import random
import re
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import ROOT, make_project
from hostile_helpers import (
    all_cases,
    apply_case,
    pdftotext,
    plant_texts,
    read_page,
    read_tree,
    squeeze,
)

from generator.cli import main
from generator.records.load import MAX_FILE_BYTES

CASES = all_cases()
RECORD_CASES = [c for c in CASES if c.plant is None]
TEXT_CASES = [c for c in CASES if c.plant == "text"]
PII_CODES = {"personal-data-in-record", "personal-data-leak"}
# What no message may carry: control characters (terminal escapes) and invisible or
# bidirectional characters (reordered or hidden text). Newlines separate problems.
UNPRINTABLE = re.compile("[\x00-\x09\x0b-\x1f\x7f-\x9f\u200b-\u200f\u2028-\u202e\u2066-\u2069]")


def check(path: Path, capsys: pytest.CaptureFixture, *extra: str) -> tuple[int, str, str]:
    code = main(["check", str(path), *extra])
    out = capsys.readouterr()
    return code, out.out, out.err


def check_json(path: Path, capsys: pytest.CaptureFixture) -> tuple[int, list[dict]]:
    code, out, err = check(path, capsys, "--format", "json")
    assert "Traceback" not in out + err and "内部错误" not in err, err
    return code, json.loads(out)["problems"]


def assert_reported(
    case_name: str,
    code: int,
    problems: list[dict],
    exit_code: int,
    expect: list[tuple[str, int | None]],
    where: str,
) -> None:
    errors = [p for p in problems if p["severity"] == "error"]
    if exit_code == 0:
        # Valid data; the only errors allowed are the personal-data guard's, when the check
        # runs it on the records.
        assert all(p["code"] in PII_CODES for p in errors), errors
        assert code == (1 if errors else 0)
        return
    assert code == exit_code, f"{case_name}: exit {code}, problems {problems}"
    got = {(p["code"], p["line"]) for p in problems}
    codes = {p["code"] for p in problems}
    for want, line in expect:
        if line is None:
            assert want in codes, f"{case_name}: no {want} in {sorted(got)}"
        else:
            assert (want, line) in got, f"{case_name}: no {want} at line {line} in {sorted(got)}"
    # Every error names a file of the attacked centre: a position the user can go to.
    assert errors and all(p["file"].startswith(where) for p in errors), errors


# ------------------------------------------------------------------ record cases


def test_corpus_is_complete():
    names = {c.name for c in CASES}
    for name in (
        "alias-bomb",
        "deep-nesting",
        "python-tag",
        "merge-key",
        "duplicate-keys",
        "not-a-mapping",
        "zero-width-title",
        "rtl-override",
        "fullwidth-amount",
        "script-title",
        "markdown-title",
        "typst-read",
        "typst-import",
        "typst-include",
        "typst-label",
        "math-dollars",
        "pandoc-raw-html",
        "pandoc-include",
        "jinja-template",
        "path-escape",
        "attachment-fake-pdf",
        "id-number-in-description",
        "mobile-in-signup",
        "bank-card-in-notes",
    ):
        assert name in names
    for case in CASES:
        assert case.attacks, f"{case.name}: say what it attacks"
        assert case.plant or case.file or case.is_dir, case.name
        assert case.exit == 0 or case.expect, f"{case.name}: an error case names its problems"


@pytest.mark.parametrize("case", RECORD_CASES, ids=lambda c: c.name)
def test_record_case_is_reported_at_its_line(case, tmp_path, capsys, monkeypatch):
    proj = make_project(tmp_path)
    apply_case(case, proj)
    monkeypatch.chdir(tmp_path)  # python-tag would create gongshi-pwned here if it ran
    code, problems = check_json(proj, capsys)
    target = f"centres/demo/{case.file}" if case.file else "centres/demo/"
    assert_reported(case.name, code, problems, case.exit, case.expect, target)
    assert not (tmp_path / "gongshi-pwned").exists()
    _, text, err = check(proj, capsys)
    assert not UNPRINTABLE.search(text + err), repr(UNPRINTABLE.search(text + err))


def _write(proj: Path, rel: str, data: bytes) -> Path:
    path = proj / "centres" / "demo" / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return path


def _plan_bytes() -> bytes:
    return (ROOT / "tests/fixtures/minimal/centres/demo/plans/2026-03.yaml").read_bytes()


def test_huge_file(tmp_path, capsys):
    proj = make_project(tmp_path)
    _write(proj, "plans/2026-03.yaml", _plan_bytes() + b"#" * (MAX_FILE_BYTES + 1) + b"\n")
    code, problems = check_json(proj, capsys)
    assert code == 1
    assert ("centres/demo/plans/2026-03.yaml", "file-too-large") in {
        (p["file"], p["code"]) for p in problems
    }


def test_gbk_bytes(tmp_path, capsys):
    proj = make_project(tmp_path)
    centre = proj / "centres/demo/centre.yaml"
    centre.write_bytes(centre.read_text(encoding="utf-8").encode("gb18030"))
    code, problems = check_json(proj, capsys)
    assert code == 1
    (p,) = [p for p in problems if p["code"] == "not-utf8"]
    assert p["file"] == "centres/demo/centre.yaml" and p["line"] == 1 and "GBK" in p["message"]


def test_bom_is_accepted(tmp_path, capsys):
    proj = make_project(tmp_path)
    _write(proj, "plans/2026-03.yaml", b"\xef\xbb\xbf" + _plan_bytes())
    assert check_json(proj, capsys) == (0, [])


def test_crlf_line_ends_are_accepted(tmp_path, capsys):
    proj = make_project(tmp_path)
    _write(proj, "plans/2026-03.yaml", _plan_bytes().replace(b"\n", b"\r\n"))
    assert check_json(proj, capsys) == (0, [])


def test_null_bytes(tmp_path, capsys):
    proj = make_project(tmp_path)
    data = _plan_bytes().replace("四点半学校".encode(), "四点半\x00学校".encode())
    _write(proj, "plans/2026-03.yaml", data)
    code, problems = check_json(proj, capsys)
    assert code == 1
    lines = {(p["file"], p["line"]) for p in problems if p["severity"] == "error"}
    assert ("centres/demo/plans/2026-03.yaml", 9) in lines  # the title line


@pytest.mark.parametrize("seed", range(6))
def test_binary_junk(tmp_path, capsys, seed):
    junk = random.Random(seed).randbytes(4096)
    proj = make_project(tmp_path)
    _write(proj, "plans/2026-03.yaml", junk)
    code, problems = check_json(proj, capsys)
    assert code == 1
    errors = [p for p in problems if p["severity"] == "error"]
    assert errors and all(p["file"].startswith("centres/demo/") for p in errors)


def test_symlinked_attachment_out_of_the_centre(tmp_path, capsys):
    proj = make_project(tmp_path)
    outside = tmp_path / "outside.pdf"
    outside.write_bytes(b"%PDF-1.4\n% not the centre's\n")
    link = proj / "centres/demo/attachments/audit.pdf"
    link.unlink()
    link.symlink_to(outside)
    code, problems = check_json(proj, capsys)
    assert code == 1
    assert ("centres/demo/audits/2026.yaml", "attachment-bad") in {
        (p["file"], p["code"]) for p in problems
    }


def test_symlinked_record_file_out_of_the_centre(tmp_path, capsys):
    proj = make_project(tmp_path)
    target = proj / "centres/demo/plans/2026-04.yaml"
    target.symlink_to("/etc/passwd")
    code, problems = check_json(proj, capsys)
    assert code == 1
    # The link is named (by where it is, not where it points).
    assert any(
        p["code"] == "attachment-bad" and p["file"].endswith("centres/demo/plans/2026-04.yaml")
        for p in problems
    ), problems
    assert "root:" not in json.dumps(problems, ensure_ascii=False)


def test_symlinked_centre_folder(tmp_path, capsys):
    proj = make_project(tmp_path)
    elsewhere = tmp_path / "elsewhere"
    (proj / "centres/demo").rename(elsewhere)
    (proj / "centres/demo").symlink_to(elsewhere, target_is_directory=True)
    code, problems = check_json(proj, capsys)
    assert code == 1
    assert any(
        p["code"] == "attachment-bad" and p["file"].endswith("centres/demo") for p in problems
    ), problems


@pytest.mark.parametrize(
    "name", ["Demo", "de mo", "a", "-demo", "demo_1", "中心", "demo..", "demo%2f"]
)
def test_centre_id_traversal(tmp_path, capsys, name):
    """A centre folder name becomes part of every URL: only a-z, 0-9 and - are accepted."""
    proj = make_project(tmp_path)
    (proj / "centres/demo").rename(proj / "centres" / name)
    code, problems = check_json(proj, capsys)
    assert code == 1
    assert [p["code"] for p in problems if p["severity"] == "error"] == ["bad-centre-id"]


@pytest.mark.parametrize(
    "name", ["alias-bomb", "deep-nesting", "python-tag", "escape-sequence-key"]
)
def test_cli_subprocess_never_shows_a_traceback_or_hangs(tmp_path, name):
    (case,) = [c for c in CASES if c.name == name]
    proj = make_project(tmp_path)
    apply_case(case, proj)
    done = subprocess.run(
        [sys.executable, "-m", "generator", "check", str(proj)],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=tmp_path,
        check=False,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    assert done.returncode == case.exit
    assert "Traceback" not in done.stdout + done.stderr
    assert case.expect[0][0] in done.stdout
    assert not (tmp_path / "gongshi-pwned").exists()


def test_cli_subprocess_on_a_huge_flow_nesting_does_not_hang(tmp_path):
    proj = make_project(tmp_path)
    _write(proj, "plans/2026-03.yaml", b"month: " + b"[" * (MAX_FILE_BYTES - 100))
    done = subprocess.run(
        [sys.executable, "-m", "generator", "check", str(proj), "--format", "json"],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    assert done.returncode == 1 and "Traceback" not in done.stderr
    assert "yaml-too-deep" in {p["code"] for p in json.loads(done.stdout)["problems"]}


# ------------------------------------------------------------------ text cases


@pytest.mark.parametrize("case", TEXT_CASES, ids=lambda c: c.name)
def test_text_case_is_valid_data(case, tmp_path, capsys):
    proj = make_project(tmp_path)
    plant_texts(proj, [case.text])
    code, problems = check_json(proj, capsys)
    assert [p for p in problems if p["severity"] == "error"] == []
    assert code == 0


@pytest.fixture(scope="module")
def planted_build(tmp_path_factory):
    """One real build (site and PDFs) of the minimal project with every text case planted."""
    import datetime as dt

    from generator.build.orchestrate import build_site

    tmp = tmp_path_factory.mktemp("hostile-build")
    proj = make_project(tmp)
    plant_texts(proj, [c.text for c in TEXT_CASES])
    result = build_site(
        proj, tmp / "public", today=dt.date(2027, 6, 1), site_url="https://example.org/", pdf=True
    )
    assert not result.report.errors, result.report.format()
    files = read_tree(tmp / "public")
    pages = {p: read_page(d) for p, d in files.items() if p.endswith(".html")}
    pdfs = {
        p: pdftotext(d) for p, d in files.items() if p.endswith(".pdf") and p.startswith("print/")
    }
    assert pages and pdfs
    return files, pages, pdfs


@pytest.mark.slow
@pytest.mark.parametrize("case", TEXT_CASES, ids=lambda c: c.name)
def test_text_shows_literally_on_the_site(case, planted_build):
    _files, pages, _pdfs = planted_build
    want = squeeze(case.text)
    shown = [p for p, r in pages.items() if want in squeeze("".join(r.text))]
    # Title, target and sign-up note on the plan page; line item, finding, closing day on theirs.
    assert len(shown) >= 3, f"{case.text!r} is shown literally on {shown}"


@pytest.mark.slow
@pytest.mark.parametrize("case", TEXT_CASES, ids=lambda c: c.name)
def test_text_shows_literally_in_the_pdfs(case, planted_build):
    _files, _pages, pdfs = planted_build
    want = squeeze(case.text)
    shown = [p for p, text in pdfs.items() if want in squeeze(text)]
    assert shown, f"{case.text!r} is not printed literally in any PDF"


@pytest.mark.slow
def test_record_text_never_becomes_markup(planted_build):
    _files, pages, _pdfs = planted_build
    for path, page in pages.items():
        for kind, content in page.scripts:
            if kind in ("application/ld+json", "application/json"):
                # data (JSON-LD, the page's data for gongshi.js), never run: whole, not cut
                # short by a "</script>" from a record
                json.loads(content)
            else:
                assert "gongshi" not in content and "alert(" not in content, (path, content)
        for tag, attrs in page.tags:
            for name, value in attrs:
                assert not (name.startswith("on") and "alert" in (value or "")), (path, tag, attrs)
                if name in ("href", "src") and value:
                    assert not value.strip().lower().startswith("javascript:"), (path, tag, attrs)
                    assert "evil.example" not in value and "/etc/passwd" not in value, (path, tag)
            assert not (tag == "img" and ("src", "x") in attrs), path
            assert tag != "div" or ("居委会" not in str(attrs)), path
        assert not any("粗体" in s for s in page.strong), path


@pytest.mark.slow
def test_no_file_of_the_machine_is_read_into_any_output(planted_build):
    files, _pages, pdfs = planted_build
    for path, text in pdfs.items():
        assert "root:x:0:0" not in text and "/bin/bash" not in text, path
    for path, data in files.items():
        assert b"root:x:0:0" not in data, path


@pytest.mark.slow
def test_jinja_syntax_is_not_evaluated(planted_build):
    _files, pages, pdfs = planted_build
    site = squeeze("".join("".join(r.text) for r in pages.values()))
    assert squeeze("{{ 7*7 }}") in site and squeeze("{% for x in range(3) %}") in site
    assert "xxx" not in site  # the loop body did not run
    assert squeeze("{{ 7*7 }}") in squeeze("".join(pdfs.values()))


# ------------------------------------------------------------------ personal data cases

PII_CASES = [c for c in CASES if c.leaks]


def test_pii_cases_exist():
    assert {k for c in PII_CASES for k, _ in c.leaks} == {"id-number", "mobile", "bank-card"}


@pytest.mark.parametrize("case", PII_CASES, ids=lambda c: c.name)
def test_pii_case_is_found_at_its_record_line(case, tmp_path):
    from generator.build.privacy import scan_records
    from generator.pipeline import load_project
    from generator.records.validate import Project

    proj = make_project(tmp_path)
    apply_case(case, proj)
    validated = load_project(proj)
    problems = scan_records(Project(proj), validated.centres)
    target = f"centres/demo/{case.file}"
    assert {(p.file, p.line) for p in problems} == {(target, line) for _, line in case.leaks}
    labels = {"id-number": "身份证号", "mobile": "手机号", "bank-card": "银行卡号"}
    for (kind, _), p in zip(sorted(case.leaks), sorted(problems, key=lambda p: p.line)):
        assert p.message.startswith("这里写有" + labels[kind])


@pytest.mark.slow
@pytest.mark.parametrize("case", PII_CASES, ids=lambda c: c.name)
def test_build_refuses_to_publish_a_pii_case(case, tmp_path):
    import datetime as dt

    from generator.build.orchestrate import build_site

    proj = make_project(tmp_path)
    apply_case(case, proj)
    out = tmp_path / "public"
    day = dt.date(2027, 6, 1)
    result = build_site(proj, out, today=day, site_url="https://example.org/", pdf=True)
    # the centre is not published; the city pages say its records await correction
    assert result.out == out and result.awaiting == {"demo": day}
    assert not [root for root in ("centres", "data", "print") if (out / root / "demo").exists()]
    leaks = {(p.file, p.line) for p in result.report.errors if p.code in PII_CODES}
    assert leaks == {(f"centres/demo/{case.file}", line) for _, line in case.leaks}
