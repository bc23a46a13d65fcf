"""A ledger that only gains entries is written without ruamel's round trip, byte for byte as
the round trip writes it; whatever it cannot write exactly is left to the round trip."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import generator.ledger.published as published
from generator.ledger.appended import appended
from generator.ledger.published import (
    HEADER,
    Ledger,
    _yaml_content,
    disclosures,
    read_ledger,
    updated_ledger,
)
from generator.records import load
from generator.records.edit import CommentedMap, CommentedSeq, new_document

DAY = dt.date(2026, 12, 6)
EARLIER = dt.date(2026, 6, 1)
SHA = "0" * 63 + "a"


@pytest.fixture(scope="module")
def samples(samples_validated):
    assert samples_validated.centres
    return samples_validated.centres


def round_trip(monkeypatch, centre, ledger: Ledger, day: dt.date) -> str | None:
    """``updated_ledger`` with every ledger written by the round trip."""
    with monkeypatch.context() as m:
        m.setattr(published, "appended", lambda *args, **kwargs: None)
        return updated_ledger(centre, ledger, day)


def due(centre, ledger: Ledger, day: dt.date) -> list:
    """The entries a build on ``day`` adds to ``ledger``."""
    recorded = {e.disclosure for e in ledger.entries}
    found = [
        d
        for d in disclosures(centre).values()
        if d.published and d.published <= day and d.key not in recorded
    ]
    found.sort(key=lambda d: (d.published, d.key))
    return [(d.key, d.published, d.sha256, d.content) for d in found]


def test_a_new_ledger_is_written_as_the_round_trip_writes_it(samples, monkeypatch) -> None:
    for centre in samples:
        entries = due(centre, Ledger("published.yaml"), DAY)
        assert len(entries) > 10
        text = appended(None, entries, header=HEADER)
        assert text is not None  # written without the round trip
        assert text == round_trip(monkeypatch, centre, Ledger("published.yaml"), DAY)
        assert updated_ledger(centre, Ledger("published.yaml"), DAY) == text


def test_entries_added_to_a_ledger_go_where_the_round_trip_puts_them(
    samples, monkeypatch, tmp_path: Path
) -> None:
    path = tmp_path / "published.yaml"
    for centre in samples:
        # a ledger as of June, with a correction note waiting (kept as it is)
        june = round_trip(monkeypatch, centre, Ledger("published.yaml"), EARLIER)
        assert june is not None and june.endswith("corrections:\n")
        path.write_text(
            june
            + "  - disclosure: plan/2026-01\n    date: 2026-05-10\n"
            + '    reason: "更正说明 \\"引号\\""\n    approved_by: 中心主任\n',
            encoding="utf-8",
        )
        ledger = read_ledger(path)
        entries = due(centre, ledger, DAY)
        assert entries and ledger.entries
        text = appended(ledger.text, entries, header=HEADER)
        assert text is not None
        assert text == round_trip(monkeypatch, centre, ledger, DAY)
        path.write_text(text, encoding="utf-8")
        after = read_ledger(path)
        assert after.ok
        assert [e.disclosure for e in after.entries] == [
            *(e.disclosure for e in ledger.entries),
            *(k for k, *_ in entries),
        ]
        assert [(c.disclosure, c.reason) for c in after.corrections] == [
            ("plan/2026-01", '更正说明 "引号"')
        ]


def test_a_ledger_laid_out_otherwise_is_left_to_the_round_trip(samples, tmp_path: Path) -> None:
    centre = samples[0]
    path = tmp_path / "published.yaml"
    june = updated_ledger(centre, Ledger("published.yaml"), EARLIER)
    assert june is not None
    # the same ledger with its list items at the key's column: read the same, laid out
    # otherwise than the build writes it
    wide = "".join(
        line[2:] if line.startswith("  ") else line for line in june.splitlines(keepends=True)
    )
    assert wide != june
    path.write_text(wide, encoding="utf-8")
    ledger = read_ledger(path)
    assert ledger.ok and len(ledger.entries) == june.count("\n  - disclosure:")
    entries = due(centre, ledger, DAY)
    assert appended(ledger.text, entries, header=HEADER) is None
    text = updated_ledger(centre, ledger, DAY)  # the round trip
    assert text is not None
    path.write_text(text, encoding="utf-8")
    assert [e.disclosure for e in read_ledger(path).entries][-len(entries) :] == [
        k for k, *_ in entries
    ]
    # another top-level key before the entries, entries without a corrections key, a string
    # over two lines, a comment after a value: the round trip too
    assert appended("note: x\n" + june, entries, header=HEADER) is None
    two_lines = june.replace('month: "2026-01"', 'month: "2026-01\n        "', 1)
    assert two_lines != june
    assert appended(two_lines, entries, header=HEADER) is None
    commented = june.replace('month: "2026-01"', 'month: "2026-01"  # 一月', 1)
    assert appended(commented, entries, header=HEADER) is None
    # the round trip writes that file, the same entries added
    path.write_text(two_lines, encoding="utf-8")
    ledger = read_ledger(path)
    assert ledger.ok
    text = updated_ledger(centre, ledger, DAY)
    assert text is not None
    path.write_text(text, encoding="utf-8")
    assert [e.disclosure for e in read_ledger(path).entries] == [
        *(e.disclosure for e in ledger.entries),
        *(k for k, *_ in entries),
    ]
    assert appended(june.replace("corrections:\n", ""), entries, header=HEADER) is None


def reference(entries: list) -> str:
    """A new ledger as the round trip writes it (``updated_ledger``'s containers)."""
    doc = new_document(header=HEADER)
    seq = CommentedSeq()
    for key, day, sha, content in entries:
        entry = CommentedMap()
        entry["disclosure"] = key
        entry["first_published"] = day
        entry["sha256"] = sha
        entry["content"] = _yaml_content(content)
        seq.append(entry)
    doc.data["entries"] = seq
    doc.data["corrections"] = None
    return doc.dump()


@settings(max_examples=150, deadline=None)
@given(
    texts=st.lists(st.text(min_size=0, max_size=30), min_size=1, max_size=4),
    findings=st.lists(st.text(max_size=12), max_size=3),
)
def test_any_text_is_written_as_the_round_trip_writes_it(texts, findings) -> None:
    content = {
        "year": "2026",
        "items": [{"item": t, "amount": "1.00"} for t in texts],
        "findings": findings,
        "fixed_assets": [],
        "notes": "".join(texts),
    }
    entries = [("audit/2026", dt.date(2026, 3, 31), SHA, content)]
    text = appended(None, entries, header=HEADER)
    assert text is not None
    assert text == reference(entries)


def test_a_line_near_the_emitters_width_is_left_to_the_round_trip() -> None:
    long = {"notes": "长" * 4100}
    entries = [("audit/2026", dt.date(2026, 3, 31), SHA, long)]
    assert appended(None, entries, header=HEADER) is None
    # a SHA-256 of digits and "e" alone might read as a number: left to the round trip too
    entries = [("audit/2026", dt.date(2026, 3, 31), "1e" * 32, {"notes": "x"})]
    assert appended(None, entries, header=HEADER) is None


def years_of_entries(n: int) -> list:
    """``n`` months of plans, forty activities each (72 months: a ledger of six years)."""
    activity = {
        "id": "A01",
        "date": "2026-01-04",
        "start": "14:00",
        "end": "16:00",
        "room": "多功能厅",
        "title": "邻里音乐会",
        "description": "社区合唱团和少儿器乐班同台演出。",
        "service": "B7.1",
        "form": "群体",
        "target": "全体居民",
        "capacity": "150",
        "themed": "true",
        "price": "0.00",
        "signup": "无需报名，现场参加",
    }
    return [
        (
            f"plan/{2026 + m // 12}-{m % 12 + 1:02d}",
            dt.date(2025 + (m + 11) // 12, (m + 11) % 12 + 1, 25),
            f"{m:063x}a",
            {"month": f"{2026 + m // 12}-{m % 12 + 1:02d}", "activities": [activity] * 40},
        )
        for m in range(n)
    ]


def test_a_ledger_of_years_is_read_whole_by_libyaml(tmp_path: Path, monkeypatch) -> None:
    """A ledger cannot be split: past a record file's node limit and the size libyaml
    composes, it is read whole, by libyaml (the pure composer would take seconds)."""
    text = appended(None, years_of_entries(72), header=HEADER)
    assert text is not None and len(text) > 256 * 1024
    path = tmp_path / "centres" / "demo" / "published.yaml"
    path.parent.mkdir(parents=True)
    path.write_text(text, encoding="utf-8")

    def pure(*args, **kwargs):
        raise AssertionError("read by the pure composer")

    with monkeypatch.context() as m:
        m.setattr(load, "_copy", pure)
        ledger = read_ledger(path)
    assert ledger.ok and len(ledger.entries) == 72
    assert ledger.entries[-1].content["activities"][39]["title"] == "邻里音乐会"
    # a record file as large is refused, as before
    plan = path.with_name("2031-12.yaml")
    plan.write_text(text, encoding="utf-8")
    doc = load.read_document(plan, "centres/demo/plans/2031-12.yaml")
    assert [p.code for p in doc.problems] == ["yaml-too-many-nodes"]
    assert f"超过 {load.MAX_NODES} 个条目" in doc.problems[0].message
