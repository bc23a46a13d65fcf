"""The iCalendar feed (data/<centre>/calendar.ics): RFC 5545 text that calendar programs read.

gongshi writes the feed itself (generator.site.opendata.centre_ics). These tests read it back with
the ``icalendar`` package where it is installed (it is a test tool here, not a dependency of
the generator) and check the format rules independently of any parser: CRLF line ends,
lines folded at 75 octets without splitting a UTF-8 character, TEXT escaping.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import zoneinfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from generator.site.opendata import centre_ics, ics_fold, ics_text
from generator.text import formats as fmt
from generator.text.labels import FREE
from tests.site_helpers import HOSTILE

SITE = "https://gs.example.org/"
SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")
LONG_CHINESE = (
    "社区长者饭堂与四点半学校联合举办的“邻里守望”主题活动：包饺子、写春联、剪窗花，欢迎居民报名参加"
)


@pytest.fixture(scope="module")
def samples(samples_loaded):
    validated = samples_loaded
    assert not validated.report.errors, validated.report.format("text")
    return sorted(validated.centres, key=lambda ce: ce.id)


def physical_lines(data: bytes) -> list[bytes]:
    assert data.endswith(b"\r\n")
    lines = data[:-2].split(b"\r\n")
    assert not any(b"\n" in ln or b"\r" in ln for ln in lines), "only CRLF ends a line"
    return lines


def unfold(data: bytes) -> list[str]:
    """The logical content lines (RFC 5545 3.1: a CRLF followed by one space is removed)."""
    return data.decode("utf-8").replace("\r\n ", "").split("\r\n")[:-1]


def unescape(value: str) -> str:
    """Inverse of RFC 5545 3.3.11 TEXT escaping, written out here to check ics_text."""
    out, i = [], 0
    while i < len(value):
        ch = value[i]
        if ch == "\\":
            nxt = value[i + 1]
            out.append("\n" if nxt in "nN" else nxt)
            i += 2
        else:
            assert ch not in ",;", f"unescaped {ch!r} in {value!r}"
            out.append(ch)
            i += 1
    return "".join(out)


def events(data: bytes) -> list[dict[str, str]]:
    """Each VEVENT as {property name with parameters: raw value}."""
    found, current = [], None
    for line in unfold(data):
        if line == "BEGIN:VEVENT":
            current = {}
        elif line == "END:VEVENT":
            found.append(current)
            current = None
        elif current is not None:
            name, value = line.split(":", 1)
            current[name] = value
    return found


# ---------------------------------------------------------------- format, without a parser


def test_every_line_ends_in_crlf_and_fits_75_octets(samples) -> None:
    for ce in samples:
        data = centre_ics(ce, SITE)
        lines = physical_lines(data)
        assert lines[0] == b"BEGIN:VCALENDAR" and lines[-1] == b"END:VCALENDAR"
        for ln in lines:
            assert len(ln) <= 75, ln
            ln.decode("utf-8")  # a fold never splits a character


def test_folding_chinese_text_keeps_characters_whole() -> None:
    line = "DESCRIPTION:" + ics_text(LONG_CHINESE * 3)
    folded = ics_fold(line)
    parts = folded.split("\r\n ")
    assert len(parts) > 3
    for i, part in enumerate(parts):
        size = len(part.encode("utf-8")) + (1 if i else 0)  # the leading space counts
        assert size <= 75, (i, size)
        assert part  # no empty continuation
    assert "".join(parts) == line
    # Three-octet characters only: each full line carries 24 of them (72 octets + the fold).
    assert all(len(p.encode("utf-8")) >= 72 for p in parts[1:-1])


def test_folding_keeps_a_backslash_escape_on_one_line() -> None:
    line = "SUMMARY:" + "a" * 65 + ics_text(",,,,,,,,")
    for part in ics_fold(line).split("\r\n "):
        assert not part.endswith("\\") or part.endswith("\\\\"), part
    assert ics_fold(line).replace("\r\n ", "") == line


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("a,;:\\\n\r\tN中文😀é ")), max_size=300))
def test_fold_and_escape_round_trip(text: str) -> None:
    line = "SUMMARY:" + ics_text(text)
    folded = ics_fold(line)
    assert "\n" not in folded.replace("\r\n ", "")
    for i, part in enumerate(folded.split("\r\n ")):
        assert len(part.encode("utf-8")) + (1 if i else 0) <= 75
    assert folded.replace("\r\n ", "") == line
    expected = text.replace("\r\n", "\n").replace("\r", "\n")
    assert unescape(line[len("SUMMARY:") :]) == expected


def test_events_match_the_records(samples) -> None:
    for ce in samples:
        got = {e["UID"]: e for e in events(centre_ics(ce, SITE))}
        months = {a.key: a for a in ce.activity_months}
        planned = 0
        for p in ce.plans:
            recs = {r.plan: r for r in (months[p.key].records if p.key in months else ()) if r.plan}
            for a in p.activities:
                planned += 1
                ev = got[ics_text(f"{ce.id}-{p.key}-{a.id}@gongshi")]
                assert unescape(ev["SUMMARY"]) == a.title
                assert ev["DTSTART;TZID=Asia/Shanghai"] == f"{a.date:%Y%m%d}T{a.start:%H%M%S}"
                assert ev["DTEND;TZID=Asia/Shanghai"] == f"{a.date:%Y%m%d}T{a.end:%H%M%S}"
                # the plan's publication date (midnight in China), never the day of the build
                stamp = (p.published - dt.timedelta(days=1)).strftime("%Y%m%d")
                assert ev["DTSTAMP"] == f"{stamp}T160000Z"
                assert unescape(ev["LOCATION"]) == f"{ce.name} {a.room}（{ce.address}）"
                fee = FREE if a.price == 0 else f"{fmt.yuan(a.price)} 元"
                assert unescape(ev["DESCRIPTION"]) == (
                    f"对象：{a.target}；名额：{a.capacity} 人；报名：{a.signup}；费用：{fee}"
                )
                r = recs.get(a.id)
                cancelled = r is not None and r.status == "已取消"
                assert ev["STATUS"] == ("CANCELLED" if cancelled else "CONFIRMED")
                assert ev["URL"] == f"{SITE}centres/{ce.id}/plans/{p.key}/"
        closures = [e for e in ce.opening_hours.exceptions if e.closed]
        assert len(got) == planned + len(closures)
        for i, e in enumerate(ce.opening_hours.exceptions):
            if e.closed:
                ev = got[f"{ce.id}-closed-{e.start.isoformat()}-{i}@gongshi"]
                assert ev["DTSTART;VALUE=DATE"] == f"{e.start:%Y%m%d}"
                assert ev["DTEND;VALUE=DATE"] == f"{e.end + dt.timedelta(days=1):%Y%m%d}"
                assert ev["TRANSP"] == "TRANSPARENT"
                stamp = (e.start - dt.timedelta(days=1)).strftime("%Y%m%d")
                assert ev["DTSTAMP"] == f"{stamp}T160000Z"
                assert unescape(ev["SUMMARY"]) == f"闭馆：{e.reason}"


def test_samples_include_a_cancelled_activity_and_a_closure(samples) -> None:
    """The checks above cover every branch only if the samples have both."""
    all_events = [e for ce in samples for e in events(centre_ics(ce, SITE))]
    assert any(e.get("STATUS") == "CANCELLED" for e in all_events)
    assert any("TRANSP" in e for e in all_events)


def test_without_a_site_url_events_have_no_url(samples) -> None:
    evs = events(centre_ics(samples[0], None))
    assert evs and not any("URL" in e for e in evs)


def test_no_time_zone_block_without_timed_events(samples) -> None:
    ce = dataclasses.replace(samples[0], plans=())
    data = centre_ics(ce, SITE)
    assert b"VTIMEZONE" not in data
    assert b"TZID" not in data
    assert b"BEGIN:VTIMEZONE\r\nTZID:Asia/Shanghai\r\n" in centre_ics(samples[0], SITE)


# ---------------------------------------------------------------- read by a real parser


def _hostile_centre(ce, title: str):
    p = ce.plans[0]
    a = dataclasses.replace(p.activities[0], title=title, room=title, target=title, signup=title)
    return dataclasses.replace(
        ce, official_name=f"{title}中心", plans=(dataclasses.replace(p, activities=(a,)),)
    )


def test_icalendar_reads_the_feed(samples) -> None:
    icalendar = pytest.importorskip("icalendar")
    for ce in samples:
        cal = icalendar.Calendar.from_ical(centre_ics(ce, SITE))
        assert str(cal["VERSION"]) == "2.0"
        assert [str(tz["TZID"]) for tz in cal.walk("VTIMEZONE")] == ["Asia/Shanghai"]
        evs = cal.walk("VEVENT")
        by_uid = {str(e["UID"]): e for e in evs}
        assert len(by_uid) == len(evs), "UIDs are unique"
        p = ce.plans[0]
        a = p.activities[0]
        ev = by_uid[f"{ce.id}-{p.key}-{a.id}@gongshi"]
        assert str(ev["SUMMARY"]) == a.title
        start = ev.decoded("DTSTART")
        assert start == dt.datetime.combine(a.date, a.start, tzinfo=SHANGHAI)
        assert start.utcoffset() == dt.timedelta(hours=8)
        assert ev.decoded("DTEND") == dt.datetime.combine(a.date, a.end, tzinfo=SHANGHAI)
        assert str(ev["LOCATION"]) == f"{ce.name} {a.room}（{ce.address}）"
        closed = [e for e in evs if str(e.get("TRANSP", "")) == "TRANSPARENT"]
        for e in closed:
            assert isinstance(e.decoded("DTSTART"), dt.date)
            assert not isinstance(e.decoded("DTSTART"), dt.datetime)


@pytest.mark.parametrize(
    "title",
    [*HOSTILE, "a,b;c\\d", "第一行\n第二行", "反斜杠\\N不是换行", LONG_CHINESE * 2, "表情😀" * 30],
)
def test_icalendar_reads_hostile_text_back_exactly(samples, title: str) -> None:
    icalendar = pytest.importorskip("icalendar")
    ce = _hostile_centre(samples[0], title)
    data = centre_ics(ce, SITE)
    for ln in physical_lines(data):
        assert len(ln) <= 75
    cal = icalendar.Calendar.from_ical(data)
    (ev,) = [e for e in cal.walk("VEVENT") if "TRANSP" not in e]
    assert str(ev["SUMMARY"]) == title
    assert str(ev["LOCATION"]) == f"{ce.name} {title}（{ce.address}）"
    assert f"对象：{title}；" in str(ev["DESCRIPTION"])


def test_calendar_name_is_escaped_text(samples) -> None:
    ce = dataclasses.replace(samples[0], official_name="甲,乙;丙\n丁")
    line = next(ln for ln in unfold(centre_ics(ce, SITE)) if ln.startswith("X-WR-CALNAME:"))
    assert unescape(line.split(":", 1)[1]) == "甲,乙;丙\n丁活动"
