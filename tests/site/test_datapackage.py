"""data/datapackage.json: a Frictionless Data Package of the all-centres tables, validated
with the ``frictionless`` library on a real build, and the licence setting."""

from __future__ import annotations

import csv
import io
import json
import shutil
from pathlib import Path

import frictionless
import pytest

from generator.site.datapackage import (
    DEFAULT_LICENCE,
    LICENCES,
    TABLES,
    Licence,
    datapackage_json,
    read_licence,
)
from tests.site_helpers import MINIMAL, build

SITE = "https://gs.example.org/"
TODAY = "2026-04-20"  # the fixture's first quarter is published on 2026-04-15


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    tmp = tmp_path_factory.mktemp("datapackage")
    project = tmp / "project"
    shutil.copytree(MINIMAL, project, ignore=shutil.ignore_patterns(".gongshi-cache"))
    done = build(project, tmp / "public", TODAY, "--site-url", SITE)
    assert done.returncode == 0, done.stderr
    return tmp / "public" / "data"


def _rows(path: Path) -> list[list[str]]:
    return list(csv.reader(io.StringIO(path.read_bytes().decode("utf-8-sig"), newline="")))


@pytest.mark.slow
def test_the_built_package_is_valid(data_dir: Path) -> None:
    report = frictionless.validate(str(data_dir / "datapackage.json"))
    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])
    rows = {t.name: t.stats["rows"] for t in report.tasks}
    # every table has rows to check, so the types were tried on real cells
    assert rows["centres"] >= 1 and rows["activities"] >= 1 and rows["finance"] >= 1, rows


@pytest.mark.slow
def test_package_describes_every_column_in_chinese(data_dir: Path) -> None:
    package = json.loads((data_dir / "datapackage.json").read_text(encoding="utf-8"))
    assert package["licenses"] == [DEFAULT_LICENCE.descriptor()]
    assert package["licenses"][0]["name"] == "CC-BY-4.0"
    assert package["homepage"] == SITE
    assert package["sources"][0]["path"] == SITE
    assert [r["path"] for r in package["resources"]] == [
        "centres.csv",
        "activities.csv",
        "finance.csv",
    ]
    for res in package["resources"]:
        header = _rows(data_dir / res["path"])[0]
        fields = res["schema"]["fields"]
        assert [f["name"] for f in fields] == header, res["name"]
        for f in fields:
            assert f["title"] and f["description"], f["name"]
            assert any("\u4e00" <= ch <= "\u9fff" for ch in f["title"]), f["title"]
    by_name = {
        (r["name"], f["name"]): f for r in package["resources"] for f in r["schema"]["fields"]
    }
    amount = by_name[("finance", "amount")]
    assert amount["type"] == "number" and "元" in amount["description"]
    assert by_name[("activities", "price")]["type"] == "number"
    assert "平方米" in by_name[("centres", "floor_area")]["description"]
    assert by_name[("activities", "date")]["type"] == "date"
    assert by_name[("finance", "published")]["type"] == "date"
    assert by_name[("activities", "status")]["constraints"]["enum"] == [
        "已举办",
        "已取消",
        "已延期",
    ]
    assert by_name[("finance", "direction")]["constraints"]["enum"] == ["income", "expenditure"]
    assert by_name[("centres", "operator_credit_code")]["type"] == "string"


@pytest.mark.slow
def test_a_wrong_cell_makes_the_package_invalid(data_dir: Path, tmp_path: Path) -> None:
    """The validation above can fail: a text amount, an unknown status and a centre that
    centres.csv does not list are each reported."""
    copy = tmp_path / "data"
    shutil.copytree(data_dir, copy)
    finance = copy / "finance.csv"
    finance.write_bytes(finance.read_bytes().replace(b",70000.00", b",70k", 1))
    activities = copy / "activities.csv"
    text = activities.read_bytes().decode("utf-8")
    text = text.replace(",已举办,", ",待定,", 1).replace("\r\ndemo,", "\r\nnowhere,", 1)
    activities.write_bytes(text.encode("utf-8"))
    report = frictionless.validate(str(copy / "datapackage.json"))
    assert not report.valid
    kinds = {e[0] for e in report.flatten(["type"])}
    assert "type-error" in kinds
    assert "constraint-error" in kinds
    assert "foreign-key" in kinds


def test_package_without_a_site_address_has_no_links() -> None:
    package = json.loads(datapackage_json(DEFAULT_LICENCE, None))
    assert "homepage" not in package and "path" not in package["sources"][0]
    assert {t.name for t in TABLES} == {r["name"] for r in package["resources"]}


# ---------------------------------------------------------------- the licence setting


@pytest.mark.parametrize(
    ("value", "name"),
    [(None, "CC-BY-4.0"), ("CC0-1.0", "CC0-1.0"), ("cc-by-sa-4.0", "CC-BY-SA-4.0")],
)
def test_licence_by_identifier(value, name: str) -> None:
    licence, message = read_licence(value)
    assert message is None
    assert licence == LICENCES[name]
    package = json.loads(datapackage_json(licence, SITE))
    assert package["licenses"] == [licence.descriptor()]


def test_licence_written_out() -> None:
    value = {"name": "other", "path": "https://example.org/licence", "title": "本市开放数据许可"}
    licence, message = read_licence(value)
    assert message is None
    assert licence == Licence("other", "https://example.org/licence", "本市开放数据许可")


@pytest.mark.parametrize(
    ("value", "words"),
    [
        ("MIT-ish", ["未知的许可协议", "CC-BY-4.0"]),
        ({"name": "x", "title": "y"}, ["缺少 path"]),
        ({"name": "x", "path": "https://e.org", "title": "y", "url": "z"}, ["未知的键 url"]),
        ({"name": "x", "path": "javascript:alert(1)", "title": "y"}, ["https://"]),
        (3, ["协议编号"]),
    ],
)
def test_a_wrong_licence_setting_says_what_is_expected(value, words: list[str]) -> None:
    licence, message = read_licence(value)
    assert licence == DEFAULT_LICENCE
    assert message is not None
    for w in words:
        assert w in message, message
