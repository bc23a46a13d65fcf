"""One verdict per rule, as a user sees it: ``gongshi check``, the built page and the posting.

On a copy of the fixture whose first quarter misses its limits by the least a record can
(``site_helpers.boundary_project``), the real command line checks the records and builds the
site with its PDFs (mkdocs, Typst); the value and the verdict ``check`` reports for each fund
ratio are the ones the finance page and the finance posting print.
"""

from __future__ import annotations

import html
import re
from pathlib import Path

import pytest
from print_helpers import pdf_text, squash

from generator.text.labels import FAIL_WORDS, OP_WORDS, STATUS_LABELS
from tests.site_helpers import BOUNDARY_DAY, boundary_project, gongshi

pytestmark = pytest.mark.slow

SITE = "https://gs.example.org"
QUARTER = "2026年第一季度"
# a check message of a fund ratio: <period><what>占支出的 <value>，<shortfall> <limit>
SHORTFALL = re.compile(
    rf"\[(?P<rule>fund-[a-z-]+)\] {QUARTER}(?P<what>\S+?)占支出的 (?P<value>[0-9.]+%)，"
    rf"(?P<words>{'|'.join(map(re.escape, FAIL_WORDS.values()))}) (?P<limit>[0-9.]+%)"
)
TITLES = {"fund-staff-and-site": "人员与场地经费占比", "fund-management": "机构营运管理费占比上限"}


def visible_text(page: str) -> str:
    return squash(html.unescape(re.sub(r"<[^>]+>", " ", page)))


def test_check_page_and_posting_agree(tmp_path: Path) -> None:
    proj = boundary_project(tmp_path)
    done = gongshi("check", str(proj))
    found = {m["rule"]: m for m in SHORTFALL.finditer(done.stdout)}
    assert set(found) == set(TITLES), done.stdout
    assert found["fund-staff-and-site"]["value"] == "79.995%"
    assert found["fund-management"]["value"] == "10.004%"

    out = tmp_path / "public"
    done = gongshi(
        "build", str(proj), "--out", str(out), "--today", BOUNDARY_DAY, "--site-url", SITE
    )
    assert done.returncode == 0, done.stderr
    page = visible_text(
        (out / "centres" / "demo" / "finance" / "2026-Q1" / "index.html").read_text("utf-8")
    )
    posting = pdf_text((out / "print" / "demo" / "finance-2026-Q1.pdf").read_bytes())
    fail = STATUS_LABELS["fail"]
    for rule, m in found.items():
        op = next(op for op, words in FAIL_WORDS.items() if words == m["words"])
        limit = f"{OP_WORDS[op]}{m['limit']}"
        line = f"{TITLES[rule]}（{QUARTER}）：{m['value']}，要求{limit}，{fail}"
        assert line in page, (line, page)
        assert f"{m['value']}（{fail}）" in posting and limit in posting, m["value"]
    assert "80.00%" not in page and "80.00%" not in posting
