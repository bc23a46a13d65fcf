"""The city view for district officers: its rows, page, CSV and JSON on the samples.

The samples are loaded as every command loads them (``pipeline.load_project``) on
2026-12-06, once as they are and once with Binjiang's December plan deleted, so that one
disclosure is overdue; the view prints the rule results handed down, never checks again."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from dataclasses import replace
from pathlib import Path

import pytest
from conftest import copy_project

from generator.figures.calendar import disclosure_states
from generator.pipeline import load_project
from generator.records.validate import Validated
from generator.rules.base import FAIL
from generator.site import officers as of
from generator.site.city import AwaitingCorrection
from generator.site.pages import sorted_centres
from generator.site.render import Out, make_env
from tests.site_helpers import ROOT

pytestmark = pytest.mark.slow  # each load of the samples takes seconds

DAY = dt.date(2026, 12, 6)
LATER = dt.date(2027, 3, 1)  # every 2026 evaluation of the samples is published by then
BINJIANG = "binjiang-lanwan"
SHENZHEN = "shenzhen-xiashi"
DECEMBER = "centres/binjiang-lanwan/plans/2026-12.yaml"
# a plan once published cannot be deleted (the ledger says so): the copy starts without one
LEDGER = "centres/binjiang-lanwan/published.yaml"


def load(tmp: Path, day: dt.date, delete: tuple[str, ...] = ()) -> Validated:
    project = copy_project(ROOT, tmp)
    for rel in delete:
        (project / rel).unlink()
    validated = load_project(project, day)
    assert not validated.report.errors, validated.report.errors
    return validated


def render(v: Validated, results=None, awaiting=()) -> Out:
    out = Out()
    of.render_officers(
        out,
        make_env(),
        sorted_centres(v.centres),
        v.library.packs,
        v.results if results is None else results,
        today=v.today,
        awaiting=awaiting,
    )
    return out


@pytest.fixture(scope="module")
def samples(tmp_path_factory: pytest.TempPathFactory) -> Validated:
    return load(tmp_path_factory.mktemp("samples"), DAY)


@pytest.fixture(scope="module")
def overdue(tmp_path_factory: pytest.TempPathFactory) -> Validated:
    return load(tmp_path_factory.mktemp("overdue"), DAY, (DECEMBER, LEDGER))


def rows_of(out: Out) -> list[dict[str, str]]:
    data = out.files[of.CSV_PATH]
    assert data.startswith("\ufeff".encode())
    assert b"\r\n" in data
    return list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"))))


def by_id(out: Out) -> dict[str, dict]:
    doc = json.loads(out.files[of.JSON_PATH])
    return {c["centre_id"]: c for c in doc["centres"]}


def test_every_centre_is_a_row_with_its_pending_disclosures(samples: Validated) -> None:
    out = render(samples)
    rows = rows_of(out)
    assert [r["centre_id"] for r in rows] == [ce.id for ce in sorted_centres(samples.centres)]
    assert {r["as_of"] for r in rows} == {"2026-12-06"}
    assert {r["overdue"] for r in rows} == {"0"}
    sz = by_id(out)[SHENZHEN]
    # the fourth quarter's record is dated for publication in January: not published yet
    assert sz["next_due"] == {
        "key": "finance/2026-Q4",
        "title": "2026年第四季度财务信息",
        "due": "2027-01-30",
    }
    assert [p["key"] for p in sz["pending"]] == ["finance/2026-Q4", "audit/2026"]
    # the same disclosures as the calendar: not published and due on a date
    ce = next(c for c in samples.centres if c.id == SHENZHEN)
    pack = samples.library.packs[ce.rule_pack]
    expected = [d.key for d in disclosure_states(ce, pack, DAY) if d.published is None and d.due]
    assert [p["key"] for p in sz["pending"]] == expected


def test_a_deleted_plan_is_overdue_in_the_page_csv_and_json(overdue: Validated) -> None:
    out = render(overdue)
    row = {r["centre_id"]: r for r in rows_of(out)}[BINJIANG]
    assert row["overdue"] == "1"
    assert row["overdue_items"] == "2026年12月活动计划（2026-11-30）"
    doc = by_id(out)[BINJIANG]
    assert doc["overdue"] == [
        {"key": "plan/2026-12", "title": "2026年12月活动计划", "due": "2026-11-30"}
    ]
    page = out.pages[of.PAGE]
    cell = next(
        line for line in page.splitlines() if 'data-of="overdue"' in line and "binjiang" in line
    )
    assert ">1 项</a>" in cell
    assert "2026年12月活动计划（应于2026年11月30日公布）" in cell
    assert 'data-sort="1"' in cell
    # the script gets the due date, to count it again for the reader's day
    assert '"binjiang-lanwan":[["2026-11-30","2026年12月活动计划"]]' in page


def test_findings_are_the_failing_findings_handed_down_by_severity(samples: Validated) -> None:
    out = render(samples)
    for ce in samples.centres:
        failing = sum(1 for r in samples.results[ce.id] for f in r.findings if f.status == FAIL)
        counts = by_id(out)[ce.id]["findings"]
        assert sum(counts.values()) == failing
        row = {r["centre_id"]: r for r in rows_of(out)}[ce.id]
        assert int(row["findings_warning"]) == counts["warning"]
    assert by_id(out)[SHENZHEN]["findings"]["warning"] > 0


def test_without_rule_results_nothing_is_checked_again(samples: Validated) -> None:
    out = render(samples, results={})
    assert all(c["findings"] is None for c in by_id(out).values())
    assert all(r["findings_error"] == "" for r in rows_of(out))
    assert "不符合（错误）" in out.pages[of.PAGE]


def test_the_latest_quarters_fund_shares(samples: Validated) -> None:
    out = render(samples)
    sz = by_id(out)[SHENZHEN]["finance"]
    assert sz["period"] == "2026-Q3"  # Q4 is dated for January
    assert sz["shares"]["management"]["shown"] == "10.50%"
    assert sz["shares"]["management"]["ratio"] == "0.105"
    page = out.pages[of.PAGE]
    # a ratio rule over the category alone failed for the quarter: the cell says so
    assert "10.50%（不符合）</a>" in page
    assert "../centres/shenzhen-xiashi/finance/2026-Q3/" in page


def test_grade_or_type_and_satisfaction_once_the_evaluations_are_published(
    tmp_path: Path,
) -> None:
    early = by_id(render(load(tmp_path / "early", DAY)))
    assert all(c["evaluation"] is None for c in early.values())
    later = load(tmp_path / "later", LATER)
    out = render(later)
    doc = by_id(out)
    assert doc[SHENZHEN]["evaluation"]["result"] == "A"
    assert doc[SHENZHEN]["evaluation"]["result_label"] == "评估等级"
    assert doc[BINJIANG]["evaluation"]["result"] == "标准型"
    assert doc[BINJIANG]["evaluation"]["result_label"] == "类型"
    ev = next(c for c in later.centres if c.id == SHENZHEN).evaluations[-1]
    rate = doc[SHENZHEN]["evaluation"]["satisfaction"]
    assert float(rate) == pytest.approx(ev.satisfaction.satisfied / ev.satisfaction.sample)
    page = out.pages[of.PAGE]
    assert '<a href="../centres/shenzhen-xiashi/evaluation/2026/">2026年 A</a>' in page


def test_every_cell_links_to_the_centres_pages(samples: Validated) -> None:
    page = render(samples).pages[of.PAGE]
    cells = [line for line in page.splitlines() if line.startswith("<td ")]
    assert len(cells) == len(samples.centres) * len(of.COLUMNS)
    for line in cells:
        assert '<a href="../centres/' in line, line
    assert '<script src="../assets/officers.js" defer></script>' in page
    assert "[各中心对比（CSV）](data/officers.csv)" in page


def test_record_text_stays_text(samples: Validated) -> None:
    ce = sorted_centres(samples.centres)[0]
    fig = of.centre_figures(ce, None, None, DAY)
    hostile = replace(fig, name='=HYPERLINK("x")<b>&</b>')
    data = of.officers_csv([hostile], DAY).decode("utf-8-sig")
    assert "'=HYPERLINK" in data
    page = of.officers_page([hostile], [ce], {}, DAY)
    rendered = make_env().get_template("officers.md.j2").render(page=page)
    assert "<b>" not in rendered
    assert "&lt;b&gt;" in rendered


def test_a_centre_awaiting_correction_known_by_name(samples: Validated) -> None:
    waiting = AwaitingCorrection("zz-new", dt.date(2026, 12, 1), "新建中心", "宝安区", "某街道")
    out = render(samples, awaiting=(waiting,))
    row = rows_of(out)[-1]
    assert row["centre_id"] == "zz-new"
    assert row["awaiting_correction"] == "记录待更正（自2026年12月1日起）"
    page = out.pages[of.PAGE]
    assert "新建中心：记录待更正（自2026年12月1日起）" in page
    assert "../centres/zz-new/" not in page  # it has no pages on the site
