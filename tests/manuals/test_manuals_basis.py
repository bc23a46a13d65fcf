"""The manuals cite each fund ratio by its own clause, and print a deadline the project chose
as the local choice it is, with its basis."""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path

import pytest

from generator.manuals.build import render_manuals

ROOT = Path(__file__).resolve().parents[2]
CONTENT = ROOT / "content" / "manuals"
DISTRICT = "《宝安区社区党群服务中心经费管理细则》"
_UNESCAPE = re.compile(r"\\(.)")


def plain(markdown: str) -> str:
    return _UNESCAPE.sub(r"\1", markdown)


def manual(centre, pack, manual_id: str) -> str:
    found = {m.id: m for m in render_manuals(centre, pack, content_dir=CONTENT)}
    return plain(found[manual_id].markdown)


@pytest.fixture(scope="module")
def shenzhen(samples_validated):
    centre = next(c for c in samples_validated.centres if c.id == "shenzhen-xiashi")
    return centre, samples_validated.library.packs["shenzhen-2015"]


def test_each_fund_ratio_cites_its_own_clause_of_the_district_document(shenzhen):
    centre, pack = shenzhen
    clauses = {
        "fund-staff-and-site": "第五条",
        "fund-staff": "第六条",
        "fund-management": "第七条",
        "fund-services": "第八条",
    }
    rules = dict(pack.rules)
    for rid, clause in clauses.items():
        rules[rid] = dataclasses.replace(rules[rid], document=DISTRICT, clause=clause)
    custom = dataclasses.replace(pack, rules=rules)
    text = manual(centre, custom, "finance")
    for clause in clauses.values():
        assert f"（{DISTRICT}{clause}）" in text, text
    assert "上述比例依据" + "、".join(f"{DISTRICT}{c}" for c in clauses.values()) in text
    assert "上述比例依据《深圳市" not in text


def test_a_local_deadline_is_printed_with_its_basis_not_as_the_clause(shenzhen):
    centre, pack = shenzhen
    text = manual(centre, pack, "finance")
    assert (
        "季度财务信息及时公开，公开形式不少于三种（《深圳市社区（党群）服务中心运营与评估标准"
        in text
    )
    assert "按本地规定：每季度结束后30日内（依据：原文只要求“及时”公开" in text
    assert "按本地规定：次年4月30日前（依据：" in text
    assert "于每季度结束后30日内公开" not in text


def test_a_deadline_the_clause_sets_is_printed_with_the_clause(shenzhen):
    centre, pack = shenzhen
    rules = dict(pack.rules)
    rid = "quarterly-finance-disclosure"
    rules[rid] = dataclasses.replace(rules[rid], basis=None)
    text = manual(centre, dataclasses.replace(pack, rules=rules), "finance")
    assert "季度财务信息于每季度结束后30日内公开，公开形式不少于三种（《" in text
    assert "按本地规定：每季度结束后30日内" not in text
