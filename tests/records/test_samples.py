"""The sample centres: a full fictional year each, clean at the record level."""

from __future__ import annotations

SAMPLES = {
    "shenzhen-xiashi": "shenzhen-2015",
    "binjiang-lanwan": "binjiang-2023",
    "huizhou-rongxi": "huizhou-pilot",
}


def test_samples_have_no_record_problems(samples_validated):
    result = samples_validated
    assert [str(p) for p in result.report.problems] == []
    assert {c.id: c.rule_pack for c in result.centres} == SAMPLES


def test_samples_hold_a_full_year(samples_validated):
    """A year's plans and reports; activity records up to the sample day (what was held).
    The Shenzhen centre's contract began in 2025, so its 2025 accounts and audit are there
    too (the carried-forward balance runs on from them)."""
    for c in samples_validated.centres:
        earlier = c.id == "shenzhen-xiashi"
        assert [p.key for p in c.plans] == [f"2026-{m:02d}" for m in range(1, 13)], c.id
        assert [a.key for a in c.activity_months] == [f"2026-{m:02d}" for m in range(1, 12)]
        years = (2025, 2026) if earlier else (2026,)
        assert [q.key for q in c.quarters] == [f"{y}-Q{q}" for y in years for q in range(1, 5)]
        assert [a.year for a in c.audits] == list(years)
        assert [e.year for e in c.evaluations] == [2026]


def test_only_compliance_findings_remain_and_none_is_an_error(samples_loaded):
    report = samples_loaded.report
    assert all(p.rule for p in report.problems), [p for p in report.problems if not p.rule]
    assert report.errors == []


def test_sample_staff_names_are_not_recorded(samples_validated):
    # names are optional and private; the samples leave them out entirely
    for c in samples_validated.centres:
        assert all(s.name is None for s in c.staff)


def test_written_systems_come_from_the_policy_manuals(samples_loaded):
    """《…标准》四's ten systems are met by the centre's manuals; without them: not checkable."""
    from generator.compliance import evaluate_rules

    v = samples_loaded
    centre = next(c for c in v.centres if c.id == "shenzhen-xiashi")
    pack = v.library.packs[centre.rule_pack]
    rule_id = "management-systems"

    def status(documents):
        results = evaluate_rules(centre, pack, None, documents)
        return next(r.status for r in results if r.rule.id == rule_id)

    assert status(v.documents[centre.id]) == "pass"
    assert status(None) == "no-data"
    partial = dict(v.documents[centre.id])
    partial.pop("site-management")
    assert status(partial) == "no-data"
