"""Golden files: outputs of the fixture centre compared byte for byte with tests/golden/.

``pytest --update-golden`` rewrites them; the diff is then reviewed like any change.

The fixture's own pack (``test-pack``) has no rules, so a report or a printed document of it
would cite nothing and there would be no manual book. ``shenzhen_fixture`` makes the fixture
centre a Shenzhen centre (the repository's content/ and ``rule_pack: shenzhen-2015``),
optionally with its published disclosures in the ledger and one correction.
"""

from __future__ import annotations

import datetime as dt
import difflib
import shutil
from pathlib import Path

from conftest import MINIMAL, ROOT, copy_project
from workflow_helpers import demo, edit

from generator.ledger.published import read_ledger, updated_ledger
from generator.pipeline import load_project

GOLDEN = Path(__file__).resolve().parent / "golden"
#: The day the golden files are made on (the day the samples are checked on, too).
GOLDEN_DAY = dt.date(2027, 4, 1)  # after every record of the fixture is published
#: The correction ``shenzhen_fixture(correction=True)`` adds, as docs/workflow.md writes one.
CORRECTION = """\
  - disclosure: finance/2026-Q1
    date: 2026-05-10
    reason: 一季度水电费录入有误，应为 9800.00 元。
    approved_by: 中心主任
"""


def shenzhen_fixture(dest: Path, *, correction: bool = False) -> Path:
    """The minimal project at ``dest`` under the real shenzhen-2015 pack.

    With ``correction``, the disclosures published by ``GOLDEN_DAY`` are recorded in the
    ledger (as a build does), then the 2026-Q1 water bill is changed from 10000.00 to
    9800.00 and the correction above explains it.
    """
    proj = copy_project(MINIMAL, dest)
    shutil.rmtree(proj / "content")
    shutil.copytree(ROOT / "content", proj / "content")
    edit(demo(proj) / "centre.yaml", "rule_pack: test-pack", "rule_pack: shenzhen-2015")
    if correction:
        ledger = demo(proj) / "published.yaml"
        validated = load_project(proj, GOLDEN_DAY)
        assert [p for p in validated.report.errors if not p.rule] == []
        text = updated_ledger(validated.centres[0], read_ledger(ledger), GOLDEN_DAY)
        assert text is not None
        ledger.write_text(text + CORRECTION, encoding="utf-8")
        quarter = demo(proj) / "finance" / "2026-Q1.yaml"
        edit(quarter, "{item: 水电, amount: 10000.00}", "{item: 水电, amount: 9800.00}")
        edit(quarter, "  total: 100000.00", "  total: 99800.00")
    return proj


def assert_golden(folder: Path, files: dict[str, bytes], update: bool) -> None:
    """Every file of ``folder`` equals ``files`` (relative POSIX path → bytes), and no file is
    missing or extra; with ``update`` the folder is first rewritten to hold exactly ``files``."""
    if update:
        if folder.exists():
            shutil.rmtree(folder)
        for rel, data in files.items():
            path = folder / rel
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(data)
    expected = {
        p.relative_to(folder).as_posix(): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }
    assert sorted(files) == sorted(expected), (
        f"files added to or removed from {folder.relative_to(ROOT)}: run with --update-golden"
    )
    for rel, data in files.items():
        if data != expected[rel]:
            raise AssertionError(
                f"{rel} differs from its golden file in {folder.relative_to(ROOT)} "
                f"(--update-golden rewrites it):\n{_diff(expected[rel], data, rel)}"
            )


def _diff(want: bytes, got: bytes, name: str, lines: int = 40) -> str:
    """The start of a unified diff of two UTF-8 texts (golden first)."""
    diff = difflib.unified_diff(
        want.decode("utf-8", "replace").splitlines(),
        got.decode("utf-8", "replace").splitlines(),
        f"golden/{name}",
        f"made/{name}",
        lineterm="",
    )
    return "\n".join(list(diff)[:lines])
