"""Every kind of disclosure (generator.disclosures) is frozen once published.

For each row of the table: a real build records the published record in the centre's
ledger; a figure changed afterwards is the error ``changed-after-publication`` at the record
file; with a correction filed the change is legitimate, and the next build applies it.
"""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest
from conftest import MINIMAL, copy_project

from generator.build.orchestrate import build_site
from generator.disclosures import KINDS
from generator.ledger.published import LEDGER_FILE, disclosures, read_ledger
from generator.pipeline import load_project
from generator.problems import Severity

BUILD_DAY = dt.date(2027, 4, 1)  # after every publication date of the minimal records
CORRECTION_DAY = dt.date(2027, 4, 10)

# kind → (record file of the minimal centre, a figure of it before and after a change). A
# new kind of disclosure needs a line here (test_every_kind_has_a_change).
CHANGES = {
    "plan": ("plans/2026-03.yaml", "title: 四点半学校", "title: 四点半课堂"),
    "finance": ("finance/2026-Q1.yaml", "amount: 3000.00, date:", "amount: 3500.00, date:"),
    "audit": ("audits/2026.yaml", "management_fee: 32000.00", "management_fee: 31000.00"),
    "evaluation": ("evaluations/2026.yaml", "satisfied: 188", "satisfied: 190"),
}


@pytest.fixture(scope="module")
def published(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The minimal project with every record published, built once (the ledger written)."""
    proj = copy_project(MINIMAL, tmp_path_factory.mktemp("kinds") / "proj")
    evaluation = proj / "centres" / "demo" / "evaluations" / "2026.yaml"
    text = evaluation.read_text(encoding="utf-8")
    published_text = text.replace("date: 2027-01-15\n", "date: 2027-01-15\npublished: 2027-01-20\n")
    assert published_text != text
    evaluation.write_text(published_text, encoding="utf-8")
    result = build_site(proj, proj / "public", today=BUILD_DAY, pdf=False, jobs=1)
    assert result.out is not None, result.report.format("text")
    return proj


def _copy(published: Path, tmp_path: Path) -> Path:
    proj = tmp_path / "proj"
    shutil.copytree(published, proj, ignore=shutil.ignore_patterns("public", ".gongshi-cache"))
    return proj


def _change(proj: Path, kind: str) -> str:
    """Change one figure of the kind's record; the record file (inside the centre)."""
    rel, old, new = CHANGES[kind]
    path = proj / "centres" / "demo" / rel
    text = path.read_text(encoding="utf-8")
    assert old in text, (rel, old)
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return rel


def _key(kind: str, rel: str) -> str:
    return f"{kind}/{Path(rel).stem}"


def test_every_kind_has_a_change() -> None:
    assert set(CHANGES) == {k.key for k in KINDS}
    for kind in KINDS:
        rel = CHANGES[kind.key][0]
        assert kind.period.file_pattern.fullmatch(Path(rel).name), rel
        assert rel == kind.file(Path(rel).stem)


@pytest.mark.slow
@pytest.mark.parametrize("kind", [k.key for k in KINDS])
def test_the_build_records_a_published_disclosure(published: Path, kind: str) -> None:
    (centre,) = load_project(published, BUILD_DAY).centres
    key = _key(kind, CHANGES[kind][0])
    current = disclosures(centre)[key]
    assert current.published is not None and current.published <= BUILD_DAY
    entry = read_ledger(published / "centres" / "demo" / LEDGER_FILE).entry(key)
    assert entry is not None, key
    assert entry.first_published == current.published
    assert entry.sha256 == current.sha256
    assert entry.content == current.content


@pytest.mark.slow
@pytest.mark.parametrize("kind", [k.key for k in KINDS])
def test_a_change_after_publication_needs_a_correction(
    published: Path, tmp_path: Path, kind: str
) -> None:
    proj = _copy(published, tmp_path)
    rel = _change(proj, kind)
    key = _key(kind, rel)
    report = load_project(proj, BUILD_DAY).report
    found = [p for p in report.problems if p.code == "changed-after-publication"]
    assert [(p.file, p.severity) for p in found] == [(f"centres/demo/{rel}", Severity.ERROR)]
    ledger = proj / "centres" / "demo" / LEDGER_FILE
    recorded = ledger.read_bytes()
    held = build_site(proj, proj / "public", today=BUILD_DAY, pdf=False, jobs=1)
    # the centre is not published (the city pages say it awaits correction); its ledger stays
    assert held.awaiting == {"demo": BUILD_DAY} and held.made == held.reused == []
    assert not (proj / "public" / "centres" / "demo").exists()
    assert ledger.read_bytes() == recorded

    with ledger.open("a", encoding="utf-8") as fh:
        fh.write(
            f"  - disclosure: {key}\n"
            f"    date: {CORRECTION_DAY.isoformat()}\n"
            "    reason: 录入有误，予以更正。\n"
            "    approved_by: 中心主任\n"
        )
    report = load_project(proj, CORRECTION_DAY).report
    assert not [p for p in report.problems if p.code == "changed-after-publication"]
    assert not report.errors, report.format("text")
    built = build_site(proj, proj / "public", today=CORRECTION_DAY, pdf=False, jobs=1)
    assert built.out is not None, built.report.format("text")
    (note,) = read_ledger(ledger).corrections
    (centre,) = load_project(proj, CORRECTION_DAY).centres
    assert note.applied and note.sha256 == disclosures(centre)[key].sha256
    assert read_ledger(ledger).entry(key).sha256 == note.sha256 != note.previous_sha256
