"""Published figures are frozen: a change needs a correction, and the correction is shown."""

from __future__ import annotations

import datetime as dt

from hypothesis import given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook
from workflow_helpers import demo, edit, minimal_project, run_cli, tree_digest, validated

from generator.ledger.published import (
    CODES,
    _yaml_content,
    content_hash,
    corrections_for,
    disclosures,
    read_ledger,
    updated_ledger,
)
from generator.packs.library import to_plain
from generator.pipeline import PUBLISHED, load
from generator.records.edit import new_document
from generator.records.load import parse_yaml
from generator.records.validate import Project

BUILD_DAY = dt.date(2026, 11, 1)
CORRECTION = """\
  - disclosure: finance/2026-Q1
    date: 2026-05-10
    reason: 一季度水电费录入有误，应为 9800.00 元。
    approved_by: 中心主任
"""


def build(proj) -> str | None:
    """What the build does with the ledger: validate, then write the updated text."""
    result = validated(proj)
    path = demo(proj) / "published.yaml"
    text = updated_ledger(result.centres[0], read_ledger(path), BUILD_DAY)
    if text is not None:
        path.write_text(text, encoding="utf-8")
    return text


def ledger_problems(proj):
    """What ``gongshi check`` finds in the records and the ledger (the rules left out)."""
    return load(Project(proj), None, None, PUBLISHED).report.problems


def correct_water_bill(proj) -> None:
    q = demo(proj) / "finance" / "2026-Q1.yaml"
    edit(q, "{item: 水电, amount: 10000.00}", "{item: 水电, amount: 9800.00}")
    edit(q, "  total: 100000.00", "  total: 99800.00")


def test_build_records_every_published_disclosure(tmp_path):
    proj = minimal_project(tmp_path)
    text = build(proj)
    ledger = read_ledger(demo(proj) / "published.yaml")
    assert ledger.problems == ()
    # the audit and evaluation are published in 2027: not yet on the build day
    assert [(e.disclosure, e.first_published) for e in ledger.entries] == [
        ("plan/2026-03", dt.date(2026, 2, 25)),
        ("finance/2026-Q1", dt.date(2026, 4, 15)),
    ]
    current = disclosures(validated(proj).centres[0])
    for e in ledger.entries:
        assert e.sha256 == current[e.disclosure].sha256 == content_hash(e.content)
    assert "# 公示台账" in text and "corrections:" in text
    assert ledger_problems(proj) == []
    assert build(proj) is None  # nothing new: the file is left alone


def test_hash_ignores_formatting_and_comments(tmp_path):
    proj = minimal_project(tmp_path)
    build(proj)
    q = demo(proj) / "finance" / "2026-Q1.yaml"
    edit(q, "  government: 100000.00", "  # 区民政局拨款\n  government: 100000")
    edit(q, "{item: 工资, amount: 70000.00}", "{amount: 70000.0, item: 工资}")
    assert ledger_problems(proj) == []


def test_changed_after_publication_without_a_correction_is_an_error(tmp_path):
    proj = minimal_project(tmp_path)
    build(proj)
    correct_water_bill(proj)
    (p,) = ledger_problems(proj)
    assert (p.file, p.line, p.code, p.severity.value) == (
        "centres/demo/finance/2026-Q1.yaml",
        1,
        "changed-after-publication",
        "error",
    )
    assert "2026年第一季度财务信息已于 2026-04-15 公布" in p.message
    assert "支出·办公设施与场地运作·水电 10000.00 → 9800.00" in p.message
    assert "corrections" in p.message and "published.yaml" in p.message


def test_a_correction_makes_the_change_legitimate_and_is_published(tmp_path):
    proj = minimal_project(tmp_path)
    build(proj)
    correct_water_bill(proj)
    ledger_file = demo(proj) / "published.yaml"
    ledger_file.write_text(ledger_file.read_text(encoding="utf-8") + CORRECTION, encoding="utf-8")
    assert ledger_problems(proj) == []
    # before the build records it, the correction already shows old and new figures
    centre = validated(proj).centres[0]
    (pending,) = corrections_for(centre, read_ledger(ledger_file))
    assert (pending.disclosure, pending.applied, pending.approved_by) == (
        "finance/2026-Q1",
        False,
        "中心主任",
    )
    build(proj)
    assert ledger_problems(proj) == []
    ledger = read_ledger(ledger_file)
    (note,) = ledger.corrections
    assert note.applied and note.previous["expenditure"]["site"]["items"][0]["amount"] == "10000.00"
    (c,) = corrections_for(validated(proj).centres[0], ledger)
    assert (c.title, c.date, c.reason, c.applied) == (
        "2026年第一季度财务信息",
        dt.date(2026, 5, 10),
        "一季度水电费录入有误，应为 9800.00 元。",
        True,
    )
    assert [(x.label, x.old, x.new) for x in c.changes] == [
        ("支出·办公设施与场地运作·水电", "10000.00", "9800.00"),
        ("支出·办公设施与场地运作·小计", "10000.00", "9800.00"),
        ("支出合计", "100000.00", "99800.00"),
    ]
    assert ("收入·政府购买服务收入", "100000.00") in [(r.label, r.value) for r in c.old_figures]
    assert c.old == pending.old and c.new == pending.new
    # a second change to the corrected figures needs a second correction
    q = demo(proj) / "finance" / "2026-Q1.yaml"
    edit(q, "{item: 管理费, amount: 8000.00}", "{item: 管理费, amount: 7000.00}")
    edit(q, "  total: 99800.00", "  total: 98800.00")
    assert [p.code for p in ledger_problems(proj)] == ["changed-after-publication"]


def test_other_ways_of_rewriting_history(tmp_path):
    proj = minimal_project(tmp_path)
    build(proj)
    ledger_file = demo(proj) / "published.yaml"
    edit(demo(proj) / "finance" / "2026-Q1.yaml", "published: 2026-04-15", "published: 2026-04-10")
    edit(demo(proj) / "plans" / "2026-03.yaml", "published: 2026-02-25\n", "")
    got = {(p.file.rsplit("/", 1)[-1], p.code) for p in ledger_problems(proj)}
    assert got == {
        ("2026-Q1.yaml", "published-date-changed"),
        ("published.yaml", "published-record-removed"),
    }
    edit(demo(proj) / "finance" / "2026-Q1.yaml", "published: 2026-04-10", "published: 2026-04-15")
    edit(
        demo(proj) / "plans" / "2026-03.yaml",
        "month: 2026-03\n",
        "month: 2026-03\npublished: 2026-02-25\n",
    )
    assert ledger_problems(proj) == []
    edit(ledger_file, 'government: "100000.00"', 'government: "90000.00"')  # the archive itself
    assert [p.code for p in ledger_problems(proj)] == ["ledger-tampered"]


def test_correction_problems(tmp_path):
    proj = minimal_project(tmp_path)
    build(proj)
    ledger_file = demo(proj) / "published.yaml"
    text = ledger_file.read_text(encoding="utf-8")
    ledger_file.write_text(
        text + CORRECTION + CORRECTION.replace("finance/2026-Q1", "finance/2026-Q2"),
        encoding="utf-8",
    )
    got = sorted((p.code, p.severity.value) for p in ledger_problems(proj))
    assert got == [
        ("correction-unknown-disclosure", "error"),
        ("correction-without-change", "warning"),
    ]
    ledger_file.write_text(
        text + "  - {disclosure: finance/2026-Q1, date: 2026-05-10}\n", encoding="utf-8"
    )
    assert [p.code for p in ledger_problems(proj)] == ["missing-key", "missing-key"]


def test_import_over_a_published_record_is_refused(tmp_path, monkeypatch, capsys):
    proj = minimal_project(tmp_path)
    build(proj)
    book = proj / "q1.xlsx"
    assert (
        run_cli(
            ["export", "demo", "--xlsx", "--quarter", "2026-Q1", "--out", str(book)],
            monkeypatch,
            proj,
        )
        == 0
    )
    wb = load_workbook(book)
    wb["2026年第一季度支出"]["C4"] = 9800
    wb.save(book)
    before = tree_digest(proj / "centres")
    assert run_cli(["import", str(book)], monkeypatch, proj) == 1
    assert "[changed-after-publication]" in capsys.readouterr().out
    assert tree_digest(proj / "centres") == before


def test_codes_have_titles_and_severities():
    assert set(CODES) == {
        "changed-after-publication",
        "published-date-changed",
        "published-record-removed",
        "ledger-tampered",
        "correction-unknown-disclosure",
        "correction-without-change",
    }


_TEXT = st.text(
    st.characters(blacklist_categories=("Cs", "Cc", "Cf", "Co", "Cn", "Zl", "Zp")) | st.just("\n"),
    max_size=40,
)


@settings(max_examples=150, deadline=None)
@given(st.lists(st.tuples(_TEXT, _TEXT), max_size=6))
def test_a_stored_snapshot_reads_back_to_the_same_hash(pairs):
    """Whatever text a record holds, the archive in published.yaml hashes as it did."""
    content = {
        "items": [{"item": a, "amount": b} for a, b in pairs],
        "notes": "".join(a for a, _ in pairs),
    }
    doc = new_document()
    doc.data["content"] = _yaml_content(content)
    root, problems = parse_yaml(doc.dump(), "published.yaml")
    assert problems == []
    assert content_hash(to_plain(root)["content"]) == content_hash(content)
