"""The sample centres' deliberate shortfalls are found, and nothing else.

docs/records.md (“示例中心的故意不达标项”) documents them, and each is marked in its file with
``# 示例中的故意不达标``:

- shenzhen-xiashi: the 2026-Q3 management fee is 10.5 % of that quarter's spending (the year
  stays at 8.52 %); with it, services fall to 9.5 % of that quarter (the four shares of
  七(一) sum to 100 %, so a management fee above 10 % always takes another share down).
- binjiang-lanwan: 2026-02 held only 4 themed activities.
- huizhou-rongxi: none. Its floor area of 380 m² is not a shortfall: the Huicheng plan sets no
  floor area, and a centre is judged by its own pack only.

Each shortfall is expected by the check kind (and metric or numerator) that must find it,
resolved to the rule id of the centre's own pack, and by the file it is reported in. The
samples describe 2026, so the check runs as on 2026-11-22.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from generator.compliance import check_compliance

ROOT = Path(__file__).resolve().parents[2]
SAMPLE_DAY = dt.date(2026, 11, 22)

# centre → [(check kind, metric or numerator or None, file under the centre folder)]
DOCUMENTED = {
    "shenzhen-xiashi": [
        ("fund-ratio", "management", "finance/2026-Q3.yaml"),
        ("fund-ratio", "services", "finance/2026-Q3.yaml"),
    ],
    "binjiang-lanwan": [("monthly-activities", None, "activities/2026-02.yaml")],
    "huizhou-rongxi": [],
}


@pytest.fixture(scope="module")
def samples(samples_validated):
    if not (ROOT / "centres").is_dir():
        pytest.skip("no centres/ folder")
    validated = samples_validated
    return validated, check_compliance(validated, today=SAMPLE_DAY)


def _rule_id(pack, kind: str, selector: str | None) -> str | None:
    for rule in pack.rules.values():
        if rule.check != kind:
            continue
        if selector is None:
            return rule.id
        if getattr(rule.params, "metric", None) == selector or list(
            getattr(rule.params, "numerator", ())
        ) == [selector]:
            return rule.id
    return None


def test_samples_validate_without_problems(samples):
    validated, _ = samples
    bad = [p for p in validated.report.sorted() if p.severity.value in ("error", "warning")]
    assert not bad, "\n".join(f"{p.file}:{p.line} [{p.code}] {p.message}" for p in bad)
    assert {c.id for c in validated.centres} >= set(DOCUMENTED)


@pytest.mark.parametrize("centre_id", sorted(DOCUMENTED))
def test_documented_shortfalls_are_found_and_nothing_else(samples, centre_id):
    validated, problems = samples
    centre = next((c for c in validated.centres if c.id == centre_id), None)
    assert centre is not None, f"{centre_id} did not validate"
    pack = validated.library.packs[centre.rule_pack]
    expected = set()
    for kind, selector, rel in DOCUMENTED[centre_id]:
        rule_id = _rule_id(pack, kind, selector)
        assert rule_id is not None, (
            f"pack {pack.id} has no {kind} rule{f' for {selector}' if selector else ''}: "
            f"the documented shortfall in {rel} cannot be found"
        )
        expected.add((rule_id, f"centres/{centre_id}/{rel}"))
    got = {
        (p.code, p.file)
        for p in problems
        if p.file.startswith(f"centres/{centre_id}/") and p.severity.value in ("error", "warning")
    }
    assert got == expected


def test_shortfall_severities_match_the_documentation(samples):
    """Interim (quarter) fund ratios and 表C.1 conditions are warnings: 0 errors, 3 warnings."""
    _, problems = samples
    assert sorted(p.severity.value for p in problems) == ["warning", "warning", "warning"]


def test_no_info_reminders_beyond_the_documented(samples):
    """Info-level findings (reminders) do not fail --strict, but none are expected either."""
    _, problems = samples
    info = [p for p in problems if p.severity.value == "info"]
    assert not info, "\n".join(f"{p.file}:{p.line} [{p.code}] {p.message}" for p in info)
