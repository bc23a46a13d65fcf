"""Golden compliance report: every rule verdict for the fixture centre, byte for byte.

``compliance_report`` lists each rule of the centre's pack with its status, the finding that
decides it, the figures measured and the clause it cites; the site publishes it as
data/<centre>/compliance.json, written the same way here. The fixture's own pack has no
rules, so the fixture centre is checked under the real shenzhen-2015 pack
(``golden_helpers.shenzhen_fixture``) on the fixed ``GOLDEN_DAY``. The golden file is
tests/golden/report-minimal/report.json; ``pytest --update-golden
tests/rules/test_report_golden.py`` rewrites it.
"""

from __future__ import annotations

import json

import pytest
from golden_helpers import GOLDEN, GOLDEN_DAY, assert_golden, shenzhen_fixture

from generator.compliance import compliance_report
from generator.pipeline import load_project

FOLDER = GOLDEN / "report-minimal"


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory) -> dict:
    proj = shenzhen_fixture(tmp_path_factory.mktemp("golden") / "proj")
    validated = load_project(proj, GOLDEN_DAY)
    assert [p for p in validated.report.errors if not p.rule] == []
    (centre,) = validated.centres
    pack = validated.library.packs[centre.rule_pack]
    return compliance_report(centre, pack, GOLDEN_DAY, results=validated.results[centre.id])


def test_report_covers_every_rule_of_the_pack(report: dict) -> None:
    assert report["pack"]["id"] == "shenzhen-2015"
    assert report["date"] == GOLDEN_DAY.isoformat()
    assert sum(report["summary"].values()) == len(report["rules"]) > 0


def test_report_equals_its_golden_file(report: dict, update_golden: bool) -> None:
    data = (json.dumps(report, ensure_ascii=False, indent=2) + "\n").encode("utf-8")
    assert_golden(FOLDER, {"report.json": data}, update_golden)
