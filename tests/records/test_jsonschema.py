"""The record files' JSON Schemas: generated from the shapes, committed as generated, valid
draft 2020-12, and every sample record passes its schema as an editor reads it."""

from __future__ import annotations

import json
import re
import subprocess

import pytest
from conftest import MINIMAL, ROOT, copy_project, read_fixture
from jsonschema import Draft202012Validator

from generator.cli.schemas import FILES, FOLDER, texts
from generator.records.load import RMap, RScalar, RSeq, parse_yaml
from generator.records.validate import FOLDERS

GONGSHI = ROOT / ".venv" / "bin" / "gongshi"

# YAML 1.2 core schema, as an editor's YAML parser types a plain scalar
_NULL = {"", "~", "null", "Null", "NULL"}
_BOOL = {"true": True, "True": True, "TRUE": True, "false": False, "False": False}
_BOOL |= {"FALSE": False}
_INT = re.compile(r"[-+]?[0-9]+")
_FLOAT = re.compile(r"[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?")


def as_editor_reads(node):
    if isinstance(node, RMap):
        return {k.text: as_editor_reads(v) for k, v in node.items}
    if isinstance(node, RSeq):
        return [as_editor_reads(v) for v in node.items]
    assert isinstance(node, RScalar)
    text = node.text
    if node.quoted:
        return text
    if text in _NULL:
        return None
    if text in _BOOL:
        return _BOOL[text]
    if _INT.fullmatch(text):
        return int(text)
    if _FLOAT.fullmatch(text):
        return float(text)
    return text


def kind_of(path) -> str:
    if path.name == "centre.yaml":
        return "centre"
    if path.name == "published.yaml":
        return "published"
    return FOLDERS[path.parent.name][0]


def record_files():
    for base in (ROOT / "centres", MINIMAL / "centres"):
        for centre in sorted(p for p in base.iterdir() if p.is_dir()):
            yield centre / "centre.yaml"
            if (centre / "published.yaml").is_file():
                yield centre / "published.yaml"
            for folder in FOLDERS:
                yield from sorted((centre / folder).glob("*.yaml"))


def validator(kind: str) -> Draft202012Validator:
    return Draft202012Validator(json.loads((FOLDER / f"{kind}.schema.json").read_text("utf-8")))


def errors_of(kind: str, text: str) -> list[str]:
    root, problems = parse_yaml(text, "x.yaml")
    assert problems == [] and root is not None
    return [e.message for e in validator(kind).iter_errors(as_editor_reads(root))]


def test_committed_schemas_are_the_generated_ones():
    expected = texts()
    committed = {p.name: p.read_text(encoding="utf-8") for p in FOLDER.glob("*.schema.json")}
    assert sorted(committed) == sorted(expected), "run gongshi schemas"
    for name, text in expected.items():
        assert committed[name] == text, f"{name} differs: run gongshi schemas"


def test_cli_check_says_the_schemas_are_current():
    run = subprocess.run(
        [str(GONGSHI), "schemas", "--check"], capture_output=True, text=True, timeout=120
    )
    assert run.returncode == 0, run.stderr
    assert f"{len(FILES)} 个 JSON Schema 与记录格式一致" in run.stdout


@pytest.mark.parametrize("kind", sorted(FILES))
def test_schema_is_valid_draft_2020_12_with_chinese_descriptions(kind):
    schema = json.loads((FOLDER / f"{kind}.schema.json").read_text("utf-8"))
    Draft202012Validator.check_schema(schema)
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    for key, prop in schema["properties"].items():
        assert re.search(r"[\u4e00-\u9fff]", prop["description"]), key


@pytest.mark.parametrize("path", list(record_files()), ids=lambda p: p.relative_to(ROOT).as_posix())
def test_every_sample_record_passes_its_schema(path):
    assert errors_of(kind_of(path), path.read_text(encoding="utf-8")) == []


@pytest.mark.parametrize(
    ("old", "new", "word"),
    [
        ("capacity: 30", "capasity: 30", "capasity"),  # a misspelt key
        ("capacity: 30", "capacity: 三十", "三十"),  # not a number
        ("form: 群体", "form: 团体", "团体"),  # not one of the choices
        ("date: 2026-03-03", "date: 9999-12-31", "9999-12-31"),  # out of the accepted range
        ("    signup: 电话报名\n", "", "signup"),  # a required key missing
    ],
)
def test_a_wrong_record_fails_its_schema(old, new, word):
    text = read_fixture("plans/2026-03.yaml")
    assert old in text
    errors = errors_of("plan", text.replace(old, new, 1))
    assert any(word in e for e in errors), errors


def test_an_amount_past_the_accepted_range_fails_the_schema():
    text = read_fixture("finance/2026-Q1.yaml").replace(
        "government: 100000.00", "government: 1000000000000000000000000000"
    )
    assert errors_of("finance", text)


def test_files_written_by_gongshi_new_point_at_the_schemas(tmp_path):
    proj = copy_project(ROOT, tmp_path / "proj")
    target = proj / "centres" / "shenzhen-xiashi" / "plans" / "2027-01.yaml"
    run = subprocess.run(
        [str(GONGSHI), "plan", "new", "shenzhen-xiashi", "2027-01", "--project", str(proj)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert run.returncode == 0, run.stderr
    first = target.read_text(encoding="utf-8").splitlines()[0]
    assert first.startswith("# yaml-language-server: $schema=")
    schema = (target.parent / first.split("=", 1)[1]).resolve()
    assert schema.name == "plan.schema.json" and schema.is_file()
