"""Publishing never stops, centre by centre: the real command line on copies of the samples.

A compliance finding (a rule's shortfall) is published with its clause and never holds a
centre back. A record error (a file that cannot be read, an invalid value, a published
disclosure changed without a correction) holds back its own centre alone: its last published
pages, PDFs and data stay byte for byte, the city pages say since when its records await
correction, every other centre is published (a correction filed meanwhile included) and the
command exits 1. Expected figures and names are read from the records, never typed in.
"""

from __future__ import annotations

import datetime as dt
import html
import json
import re
import shutil
from decimal import Decimal
from pathlib import Path

import pytest

from generator.build.orchestrate import build_site
from generator.ledger.published import disclosures, read_ledger
from generator.pipeline import load_project, read_centre
from generator.records.edit import load_text, set_in
from generator.records.validate import Project
from generator.site.render import date_cn
from generator.text.formats import yuan
from generator.urls import SHARD_ROOTS
from tests.conftest import MINIMAL, ROOT, copy_project
from tests.site_helpers import gongshi, tree_bytes

SITE = "https://gs.example.org"
GOOD = "shenzhen-xiashi"  # the centre that keeps publishing
BROKEN = "huizhou-rongxi"  # the centre whose records get a YAML syntax error
BROKEN_FILE = f"centres/{BROKEN}/finance/2026-Q1.yaml"
NOTE = "记录待更正"
# a day when every 2026 report of the samples is published (the audits in March 2027): the
# year's ratios are final
DAY = dt.date(2027, 4, 1)
RULE = "fund-staff-and-site"


def build(proj: Path, out: Path, day: dt.date, *extra: str):
    return gongshi(
        "build",
        str(proj),
        "--out",
        str(out),
        "--today",
        day.isoformat(),
        "--site-url",
        SITE,
        *extra,
    )


def visible_text(page: str) -> str:
    """The text of an HTML page without tags, entities decoded, whitespace removed."""
    return re.sub(r"\s+", "", html.unescape(re.sub(r"<[^>]+>", " ", page)))


def page_text(out: Path, url: str) -> str:
    return visible_text((out / url / "index.html").read_text(encoding="utf-8"))


def rows(out: Path, url: str) -> list[str]:
    """The visible text of every table row of a page."""
    page = (out / url / "index.html").read_text(encoding="utf-8")
    return [visible_text(row) for row in re.findall(r"<tr>.*?</tr>", page, re.S)]


def own_files(tree: dict[str, bytes], centre: str) -> dict[str, bytes]:
    """The files of a centre's own part of the site (centres/<id>/, data/<id>/, print/<id>/)."""
    return {k: v for k, v in tree.items() if k.split("/")[:2] in ([r, centre] for r in SHARD_ROOTS)}


def break_records(proj: Path) -> bytes:
    """An unclosed bracket in one of BROKEN's finance files; the file as it was."""
    path = proj / BROKEN_FILE
    original = path.read_bytes()
    text = original.decode("utf-8").replace("income:", "income: [", 1)
    path.write_text(text, encoding="utf-8")
    return original


# ---------------------------------------------------------------- (a) a shortfall is published


STAFF_AND_SITE_79_99 = """expenditure:
  staff:
    items:
      - item: 工资与社会保险
        amount: 75990.00
  site:
    items:
      - item: 水电费与物业管理费
        amount: 4000.00
  management:
    items:
      - item: 机构管理费
        amount: 10000.00
  services:
    items:
      - item: 活动物资
        amount: 10010.00
  total: 100000.00
"""


def spend_79_99_on_staff_and_site(centre: Path) -> None:
    """Every quarter of 2026 spends 79.99 % on staff and site (the floor is 80 %)."""
    for path in sorted((centre / "finance").glob("2026-Q*.yaml")):
        lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
        start = next(i for i, line in enumerate(lines) if line.startswith("expenditure:"))
        end = next(
            (i for i in range(start + 1, len(lines)) if re.match(r"[a-z_]+:", lines[i])),
            len(lines),
        )
        text = "".join(lines[:start]) + STAFF_AND_SITE_79_99 + "".join(lines[end:])
        path.write_text(text, encoding="utf-8")


@pytest.mark.slow
def test_a_shortfall_is_published_with_its_clause(tmp_path: Path) -> None:
    proj = copy_project(ROOT, tmp_path / "proj")
    centre = proj / "centres" / GOOD
    # the quarters as first written: nothing of them recorded as published yet
    (centre / "published.yaml").unlink()
    spend_79_99_on_staff_and_site(centre)
    report = load_project(proj, DAY).report
    shortfalls = [p for p in report.errors if p.rule == RULE]
    assert shortfalls and report.record_errors == [], report.format("text")
    (year,) = [p for p in shortfalls if "全年" in p.message]
    assert "79.99%" in year.message

    out = tmp_path / "public"
    done = build(proj, out, DAY, "--no-pdf")
    assert done.returncode == 0, done.stderr  # a finding is published, never a failure
    assert f"[{RULE}]" in done.stderr and year.clause in done.stderr
    assert "合规检查发现" in done.stdout and NOTE not in done.stderr
    assert (centre / "published.yaml").is_file()  # the centre was published and recorded

    # the finance page of the fourth quarter shows the year's ratio and the verdict, the
    # compliance page lists the rule among those not met; both cite the clause
    rule = load_project(proj, DAY).library.packs["shenzhen-2015"].rules[RULE]
    title = rule.raw["title"]
    clause = re.sub(r"\s+", "", year.clause)
    finance = page_text(out, f"centres/{GOOD}/finance/2026-Q4")
    assert re.search(rf"{re.escape(title)}（2026年全年）：79\.99%[^。]*不符合", finance), finance
    assert clause in finance
    compliance = page_text(out, f"centres/{GOOD}/compliance")
    failing = compliance.split("不符合的项目", 1)[1]
    assert re.search(rf"{re.escape(title)}：[^。]*79\.99%", failing), failing
    assert clause in failing
    assert NOTE not in page_text(out, ".")


# ---------------------------------------------------------------- (b) one centre held back


def correct_a_quarter(proj: Path, reason: str) -> tuple[str, str]:
    """Lower the first line item of GOOD's 2026-Q3 by 200 yuan (totals kept in step) and
    file the correction in its ledger, as docs/workflow.md says; the (old, new) amounts."""
    (centre,) = load_project(proj / "centres" / GOOD, DAY).centres
    (q,) = [x for x in centre.quarters if x.key == "2026-Q3"]
    cat = next(k for k, c in q.expenditure.items() if c.items and c.items[0].amount > 200)
    item = q.expenditure[cat].items[0]
    cut = Decimal("200.00")
    path = proj / "centres" / GOOD / "finance" / "2026-Q3.yaml"
    doc = load_text(path.read_text(encoding="utf-8"))
    set_in(doc, ["expenditure", cat, "items", 0, "amount"], item.amount - cut)
    if "total" in doc.data["expenditure"][cat]:
        set_in(doc, ["expenditure", cat, "total"], q.expenditure[cat].total - cut)
    if "total" in doc.data["expenditure"]:
        set_in(doc, ["expenditure", "total"], q.expenditure_total - cut)
    path.write_text(doc.dump(), encoding="utf-8")
    ledger = proj / "centres" / GOOD / "published.yaml"
    with ledger.open("a", encoding="utf-8") as fh:
        fh.write(
            "  - disclosure: finance/2026-Q3\n"
            f"    date: {DAY.isoformat()}\n"
            f"    reason: {json.dumps(reason, ensure_ascii=False)}\n"
            "    approved_by: 中心主任\n"
        )
    return yuan(item.amount), yuan(item.amount - cut)


@pytest.mark.slow
def test_a_record_error_holds_back_its_own_centre_alone(tmp_path: Path) -> None:
    proj = copy_project(ROOT, tmp_path / "proj")
    out = tmp_path / "public"
    done = build(proj, out, DAY)
    assert done.returncode == 0, done.stderr
    before = tree_bytes(out)
    assert own_files(before, BROKEN) and any(k.startswith(f"print/{BROKEN}/") for k in before)
    broken_ledger = (proj / "centres" / BROKEN / "published.yaml").read_bytes()

    # centre B's records cannot be read; centre A files a correction meanwhile
    original = break_records(proj)
    reason = "第三季度支出录入有误，按凭证更正。"
    old, new = correct_a_quarter(proj, reason)
    done = build(proj, out, DAY)
    assert done.returncode == 1
    assert re.search(rf"{re.escape(BROKEN_FILE)}:\d+:\d+ 错误 \[yaml-syntax\]", done.stderr)
    assert BROKEN in done.stderr.splitlines()[-1] and GOOD not in done.stderr.splitlines()[-1]
    assert "已生成网站" in done.stdout

    # A's correction is published and recorded
    correction = page_text(out, f"centres/{GOOD}/corrections/finance-2026-Q3-1")
    assert re.sub(r"\s+", "", reason) in correction and old in correction and new in correction
    (note,) = [
        c
        for c in read_ledger(proj / "centres" / GOOD / "published.yaml").corrections
        if c.disclosure == "finance/2026-Q3"
    ]
    assert note.applied
    # B's pages, PDFs and data are byte for byte as published; its ledger is untouched
    after = tree_bytes(out)
    assert own_files(after, BROKEN) == own_files(before, BROKEN)
    assert (proj / "centres" / BROKEN / "published.yaml").read_bytes() == broken_ledger
    # the city pages say since when B's records await correction, and still link to its pages
    (name,) = [ce.name for ce in load_project(ROOT, DAY).centres if ce.id == BROKEN]
    waiting = f"{NOTE}（自{date_cn(DAY)}起）"
    for url, link in ((".", f"centres/{BROKEN}/"), ("centres", f"{BROKEN}/")):
        assert [r for r in rows(out, url) if name in r and waiting in r], url
        page = (out / url / "index.html").read_text(encoding="utf-8")
        assert f'href="{link}"' in page, url
    assert all(waiting not in r for r in rows(out, ".") if GOOD in r)

    # days later: still held back, still since the first day
    later = DAY + dt.timedelta(days=3)
    done = build(proj, out, later)
    assert done.returncode == 1
    assert waiting in page_text(out, ".")
    assert own_files(tree_bytes(out), BROKEN) == own_files(before, BROKEN)

    # corrected: B is published again and the note is gone
    (proj / BROKEN_FILE).write_bytes(original)
    done = build(proj, out, later)
    assert done.returncode == 0, done.stderr
    assert NOTE not in page_text(out, ".") and NOTE not in page_text(out, "centres")


# ---------------------------------------------------------------- (c) a centre never built


NEW = "futian-shawei"
UNREADABLE = "futian-xiangmi"


@pytest.mark.slow
def test_a_centre_never_published_is_listed_without_pages(tmp_path: Path) -> None:
    proj = copy_project(ROOT, tmp_path / "proj")
    done = gongshi(
        "new", NEW, "--district", "福田区", "--street", "沙头街道", "--community", "沙尾社区",
        "--community-type", "城中村社区", "--rule-pack", "shenzhen-2015",
        "--operator-name", "深圳市示例社会工作服务中心", "--credit-code", "52440300MJL0000012",
        "--no-input", cwd=proj,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    plan = proj / "centres" / NEW / "plans" / "2026-12.yaml"
    plan.write_text("month: 2026-12\npublished: 2026-11-31\nactivities: []\n", encoding="utf-8")
    centre, _ = read_centre(Project(proj), proj / "centres" / NEW)
    assert centre is not None
    # a second new centre whose centre.yaml itself cannot be read: listed by its folder name
    (proj / "centres" / UNREADABLE).mkdir()
    (proj / "centres" / UNREADABLE / "centre.yaml").write_text("name: [\n", encoding="utf-8")

    out = tmp_path / "public"
    done = build(proj, out, DAY, "--no-pdf")
    assert done.returncode == 1
    assert f"centres/{NEW}/plans/2026-12.yaml" in done.stderr
    assert f"centres/{UNREADABLE}/centre.yaml" in done.stderr
    for root in SHARD_ROOTS:
        assert not (out / root / NEW).exists() and not (out / root / UNREADABLE).exists()
    for sample in (GOOD, BROKEN, "binjiang-lanwan"):
        assert (out / "centres" / sample / "index.html").is_file()
    waiting = f"{NOTE}（自{date_cn(DAY)}起）"
    for url in (".", "centres"):
        listed = [r for r in rows(out, url) if waiting in r]
        assert any(centre.name in r for r in listed) and any(UNREADABLE in r for r in listed)
        page = (out / url / "index.html").read_text(encoding="utf-8")
        assert f"centres/{NEW}/" not in page and f"centres/{UNREADABLE}/" not in page
    state = json.loads((out / "build-state.json").read_text(encoding="utf-8"))
    assert state["awaiting_correction"] == {
        NEW: DAY.isoformat(),
        UNREADABLE: DAY.isoformat(),
    }


# ---------------------------------------------------------------- (d) print


@pytest.mark.slow
def test_print_skips_the_centres_with_record_errors(tmp_path: Path) -> None:
    proj = copy_project(ROOT, tmp_path / "proj")
    printout = tmp_path / "printout"

    def print_(*args: str):
        return gongshi("print", *args, "--project", str(proj), "--out", str(printout))

    done = print_()
    assert done.returncode == 0, done.stderr
    before = tree_bytes(printout)
    assert own_files({f"print/{k}": v for k, v in before.items()}, BROKEN)
    break_records(proj)

    # one good centre prints while another has record errors
    done = print_(GOOD)
    assert done.returncode == 0, done.stderr
    assert BROKEN not in done.stderr
    assert tree_bytes(printout) == before  # the same records print the same bytes

    # every centre: the broken one is named and skipped, its PDFs stay as they were
    done = print_()
    assert done.returncode == 1
    assert "[yaml-syntax]" in done.stderr and BROKEN in done.stderr.splitlines()[-1]
    assert tree_bytes(printout) == before

    done = print_(BROKEN)
    assert done.returncode == 1 and BROKEN in done.stderr
    assert tree_bytes(printout) == before


# ---------------------------------------------------------------- a day passes while held back


@pytest.mark.slow
def test_a_centre_held_back_stays_as_published_on_its_day(tmp_path: Path) -> None:
    """A record dated for publication after the centre's last build is not in its kept part;
    while the centre waits, the city pages do not list it either, however many days pass."""
    proj = copy_project(MINIMAL, tmp_path / "proj")
    shutil.copytree(proj / "centres" / "demo", proj / "centres" / "demo-two")
    path = proj / "centres" / "demo-two" / "centre.yaml"
    text = path.read_text(encoding="utf-8").replace("沙尾社区", "沙头社区")
    path.write_text(text, encoding="utf-8")
    quarter = proj / "centres" / "demo-two" / "finance" / "2026-Q1.yaml"
    (centre,) = load_project(proj / "centres" / "demo-two").centres
    (q1,) = centre.quarters
    out = tmp_path / "public"
    before_q1 = q1.published - dt.timedelta(days=1)
    done = build(proj, out, before_q1, "--no-pdf", "--no-ledger")
    assert done.returncode == 0, done.stderr
    assert not (out / "centres" / "demo-two" / "finance" / q1.key).exists()
    kept = own_files(tree_bytes(out), "demo-two")

    quarter.write_text("income: [\n", encoding="utf-8")
    after_q1 = q1.published + dt.timedelta(days=30)
    done = build(proj, out, after_q1, "--no-pdf", "--no-ledger")
    assert done.returncode == 1, done.stderr  # not 3: no link to a page the site lacks
    assert own_files(tree_bytes(out), "demo-two") == kept
    assert f"centres/demo-two/finance/{q1.key}/" not in (out / "index.html").read_text(
        encoding="utf-8"
    )
    assert f"{NOTE}（自{date_cn(after_q1)}起）" in page_text(out, ".")


# ---------------------------------------------------------------- the ledger cannot shrink

LEDGER_DAY = dt.date(2027, 4, 1)  # the minimal fixture's audit (and its PDF) is published


def _built_twice(tmp_path: Path) -> Path:
    """The minimal project with a second centre, built, then corrected (a quarter's note
    added, with its correction) and built again: its ledgers hold entries, an applied
    correction and the audit's attachment."""
    proj = copy_project(MINIMAL, tmp_path / "base")
    shutil.copytree(proj / "centres" / "demo", proj / "centres" / "demo-two")
    text = (proj / "centres" / "demo-two" / "centre.yaml").read_text(encoding="utf-8")
    text = text.replace("沙尾社区", "沙头社区")
    (proj / "centres" / "demo-two" / "centre.yaml").write_text(text, encoding="utf-8")
    first = build_site(proj, today=LEDGER_DAY, pdf=False, jobs=1)
    assert not first.report.errors, first.report.format("text")
    quarter = proj / "centres" / "demo" / "finance" / "2026-Q1.yaml"
    quarter.write_text(
        quarter.read_text(encoding="utf-8") + "notes: 水电费含一季度空调维修\n", encoding="utf-8"
    )
    with (proj / "centres" / "demo" / "published.yaml").open("a", encoding="utf-8") as fh:
        fh.write(
            "  - disclosure: finance/2026-Q1\n"
            f"    date: {LEDGER_DAY.isoformat()}\n"
            "    reason: 补充水电费说明\n"
            "    approved_by: 中心主任\n"
        )
    second = build_site(proj, today=LEDGER_DAY, pdf=False, jobs=1)
    assert not second.report.errors, second.report.format("text")
    ledger = read_ledger(proj / "centres" / "demo" / "published.yaml")
    assert [c.applied for c in ledger.corrections] == [True]
    assert {e.disclosure for e in ledger.entries} >= {"finance/2026-Q1", "audit/2026"}
    return proj


def _edit_ledger(proj: Path, edit) -> None:
    path = proj / "centres" / "demo" / "published.yaml"
    doc = load_text(path.read_text(encoding="utf-8"))
    edit(doc.data)
    path.write_text(doc.dump(), encoding="utf-8")


def _drop_entry(proj: Path) -> None:
    def edit(data) -> None:
        data["entries"] = [e for e in data["entries"] if e["disclosure"] != "plan/2026-03"]

    _edit_ledger(proj, edit)


def _drop_correction(proj: Path) -> None:
    def edit(data) -> None:
        data["corrections"] = []

    _edit_ledger(proj, edit)


def _redate(proj: Path) -> None:
    """The quarter's published date moved back, in the record and in the ledger alike."""
    path = proj / "centres" / "demo" / "finance" / "2026-Q1.yaml"
    text = path.read_text(encoding="utf-8").replace(
        "published: 2026-04-15", "published: 2026-04-01"
    )
    path.write_text(text, encoding="utf-8")

    def edit(data) -> None:
        for e in data["entries"]:
            if e["disclosure"] == "finance/2026-Q1":
                e["first_published"] = dt.date(2026, 4, 1)

    _edit_ledger(proj, edit)


def _rehash(proj: Path) -> None:
    """The quarter changed again, and its ledger entry rewritten to match, no correction."""
    path = proj / "centres" / "demo" / "finance" / "2026-Q1.yaml"
    text = path.read_text(encoding="utf-8").replace("空调维修", "空调更换")
    path.write_text(text, encoding="utf-8")
    _centre, _problems = read_centre(Project(proj), proj / "centres" / "demo")
    assert _centre is not None, _problems
    now = disclosures(_centre)["finance/2026-Q1"]

    def edit(data) -> None:
        for e in data["entries"]:
            if e["disclosure"] == "finance/2026-Q1":
                e["sha256"] = now.sha256
                e["content"] = json.loads(json.dumps(now.content))

    _edit_ledger(proj, edit)


def _swap_attachment(proj: Path) -> None:
    """The signed audit report replaced by another PDF under the same name."""
    pdf = proj / "centres" / "demo" / "attachments" / "audit.pdf"
    data = pdf.read_bytes()
    pdf.write_bytes(data + b"\n% replaced\n")


TAMPERING = {
    "entry deleted": (_drop_entry, "plan/2026-03"),
    "ledger deleted": (lambda p: (p / "centres" / "demo" / "published.yaml").unlink(), "不见了"),
    "applied correction deleted": (_drop_correction, "更正说明（"),
    "published date moved back": (_redate, "2026-04-01"),
    "hash rewritten without a correction": (_rehash, "没有对应的更正说明"),
    "attachment swapped": (_swap_attachment, "attachments/audit.pdf"),
}


@pytest.mark.slow
def test_a_shortened_or_rewritten_ledger_holds_its_centre_back(tmp_path: Path) -> None:
    base = _built_twice(tmp_path)
    for name, (tamper, said) in TAMPERING.items():
        proj = tmp_path / name.replace(" ", "-")
        shutil.copytree(base, proj, symlinks=True)
        out = proj / "public"
        before = own_files(tree_bytes(out), "demo")
        tamper(proj)
        result = build_site(proj, today=LEDGER_DAY, pdf=False, jobs=1)
        errors = [p for p in result.report.errors if p.file == "centres/demo/published.yaml"]
        assert errors, (name, result.report.format("text"))
        text = " ".join(p.message for p in errors)
        assert said in text and "更正" in text, (name, text)
        assert list(result.awaiting) == ["demo"], name  # the other centre is published
        assert own_files(tree_bytes(out), "demo") == before, name
        # and again: the check holds on the next build too (the site kept what it published)
        again = build_site(proj, today=LEDGER_DAY, pdf=False, jobs=1)
        assert list(again.awaiting) == ["demo"], name


@pytest.mark.slow
def test_a_build_without_the_ledger_raises_no_false_alarm(tmp_path: Path) -> None:
    proj = copy_project(MINIMAL, tmp_path / "proj")
    quiet = build_site(proj, today=dt.date(2026, 6, 1), pdf=False, ledger=False, jobs=1)
    assert not quiet.report.errors
    later = build_site(proj, today=LEDGER_DAY, pdf=False, jobs=1)
    assert not later.report.errors, later.report.format("text")
    again = build_site(proj, today=LEDGER_DAY, pdf=False, jobs=1)
    assert not again.report.errors and not again.awaiting, again.report.format("text")
