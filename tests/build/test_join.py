"""``gongshi join``: district shards joined into the province index site, through the CLI."""

from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path

import pytest
from command_helpers import gongshi

ROOT = Path(__file__).resolve().parents[2]
FIXTURE = ROOT / "tests" / "fixtures" / "minimal"


def shard_site(folder: Path, centres: list[dict]) -> Path:
    (folder / "data").mkdir(parents=True)
    (folder / "data" / "centres.json").write_text(
        json.dumps({"generated": "2026-12-06", "centres": centres}, ensure_ascii=False),
        encoding="utf-8",
    )
    return folder


def centre(cid: str, name: str) -> dict:
    return {
        "id": cid,
        "name": name,
        "district": "示例区",
        "street": "示例街道",
        "page": f"centres/{cid}/",
        "files": {"centre": f"data/{cid}/centre.json", "plans": [f"data/{cid}/plans/2026-12.json"]},
    }


def manifest_holds(site: Path) -> None:
    lines = (site / "manifest.sha256").read_text(encoding="utf-8").splitlines()
    listed = {}
    for line in lines:
        digest, rel = line.split("  ", 1)
        listed[rel] = digest
    files = {p.relative_to(site).as_posix() for p in site.rglob("*") if p.is_file()} - {
        "manifest.sha256"
    }
    assert set(listed) == files
    for rel, digest in listed.items():
        assert hashlib.sha256((site / rel).read_bytes()).hexdigest() == digest


def test_join_prefixes_every_address_by_its_shard(tmp_path: Path) -> None:
    a = shard_site(tmp_path / "a", [centre("c1", "甲中心"), centre("c2", "乙中心")])
    b = shard_site(tmp_path / "b", [centre("c3", "丙中心")])
    r = gongshi(
        "join",
        "--out",
        "index",
        "--today",
        "2026-12-06",
        f"futian={a}",
        f"nanshan={b}",
        cwd=tmp_path,
    )
    assert r.returncode == 0, r.stderr
    assert "2 个分站，3 个中心" in r.stdout
    data = json.loads((tmp_path / "index" / "data" / "centres.json").read_text(encoding="utf-8"))
    assert data["shards"] == ["futian", "nanshan"]
    pages = [c["page"] for c in data["centres"]]
    assert pages == ["futian/centres/c1/", "futian/centres/c2/", "nanshan/centres/c3/"]
    assert data["centres"][2]["files"]["plans"] == ["nanshan/data/c3/plans/2026-12.json"]
    page = (tmp_path / "index" / "index.html").read_text(encoding="utf-8")
    assert '<a href="futian/centres/c1/">甲中心</a>' in page
    assert '<a href="nanshan/">' in page
    manifest_holds(tmp_path / "index")


def test_record_text_in_a_shard_index_is_text(tmp_path: Path) -> None:
    a = shard_site(tmp_path / "a", [centre("c1", "</title><img src=x onerror=alert(1)>")])
    r = gongshi("join", "--out", "index", f"a={a}", cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    page = (tmp_path / "index" / "index.html").read_text(encoding="utf-8")
    assert "<img" not in page
    assert "&lt;/title&gt;&lt;img src=x onerror=alert(1)&gt;" in page


@pytest.mark.parametrize(
    ("shard", "message"),
    [
        ("Fu Tian={a}", "只能用小写字母"),
        ("futian", "名称=文件夹"),
        ("futian={missing}", "找不到这个文件"),
        ("futian={bad}", "不是 gongshi 生成的中心索引"),
        ("futian={escape}", "应是站内相对地址"),
    ],
)
def test_a_bad_shard_writes_nothing(tmp_path: Path, shard: str, message: str) -> None:
    a = shard_site(tmp_path / "a", [centre("c1", "甲中心")])
    bad = tmp_path / "bad"
    (bad / "data").mkdir(parents=True)
    (bad / "data" / "centres.json").write_text("{not json", encoding="utf-8")
    evil = centre("c9", "外链")
    evil["page"] = "../../etc/"
    escape = shard_site(tmp_path / "escape", [evil])
    ok = gongshi("join", "--out", "index", f"a={a}", cwd=tmp_path)
    assert ok.returncode == 0, ok.stderr
    before = (tmp_path / "index" / "index.html").read_bytes()
    arg = shard.format(a=a, missing=tmp_path / "nope", bad=bad, escape=escape)
    r = gongshi("join", "--out", "index", f"a={a}", arg, cwd=tmp_path)
    assert r.returncode != 0
    assert message in r.stderr
    assert "Traceback" not in r.stderr
    assert (tmp_path / "index" / "index.html").read_bytes() == before


def test_two_shards_with_one_name_are_refused(tmp_path: Path) -> None:
    a = shard_site(tmp_path / "a", [centre("c1", "甲中心")])
    r = gongshi("join", "--out", "index", f"x={a}", f"x={a}", cwd=tmp_path)
    assert r.returncode != 0
    assert "分站名称重复：x" in r.stderr
    assert not (tmp_path / "index").exists()


@pytest.mark.slow
def test_join_reads_real_shard_builds(tmp_path: Path) -> None:
    project = tmp_path / "shard"
    shutil.copytree(FIXTURE, project, ignore=shutil.ignore_patterns(".gongshi-cache"))
    site = project / "public"
    r = gongshi(
        "build",
        str(project),
        "--today",
        "2027-04-01",
        "--no-pdf",
        "--no-ledger",
        "--out",
        str(site),
        cwd=tmp_path,
    )
    assert r.returncode == 0, r.stdout + r.stderr
    r = gongshi("join", "--out", "index", f"east={site}", f"west={site}", cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    data = json.loads((tmp_path / "index" / "data" / "centres.json").read_text(encoding="utf-8"))
    assert len(data["centres"]) == 2
    for entry in data["centres"]:
        shard, _, rel = entry["page"].partition("/")
        # every joined address names a file the shard really published
        assert (site / rel / "index.html").is_file()
        assert (site / entry["files"]["centre"].partition("/")[2]).is_file()
    manifest_holds(tmp_path / "index")
