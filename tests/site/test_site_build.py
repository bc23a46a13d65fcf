"""Real `gongshi build` runs: files, manifest, reproducibility, atomicity, escaping in HTML."""

from __future__ import annotations

import datetime as dt
import gzip
import hashlib
import os
import re
import socket
import subprocess
import sys
import time
import urllib.request
from html import unescape
from html.parser import HTMLParser
from pathlib import Path

import pytest

from generator.build.mkdocs_site import run_mkdocs, site_config
from generator.build.tree import MANIFEST, Gathered, write_files
from generator.errors import BuildFailed
from tests.conftest import copy_project
from tests.site_helpers import HOSTILE, MINIMAL, ROOT, build, gongshi, hostile_project, tree_bytes

# a day when every 2026 report of the samples is published (the audits in March 2027)
SAMPLE_TODAY = "2027-04-01"


@pytest.fixture(scope="module")
def sample_out(samples_copy: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("samples") / "public"
    done = build(samples_copy, out, SAMPLE_TODAY, "--no-ledger")
    assert done.returncode == 0, done.stderr
    return out


def _centres() -> list[str]:
    return sorted(p.name for p in (ROOT / "centres").iterdir() if (p / "centre.yaml").exists())


@pytest.mark.slow
def test_sample_site_has_every_page_kind(sample_out: Path) -> None:
    assert (sample_out / "index.html").is_file()
    assert (sample_out / "centres" / "index.html").is_file()
    assert (sample_out / "open-data" / "index.html").is_file()
    assert (sample_out / "search" / "search_index.json").is_file()
    for cid in _centres():
        base = sample_out / "centres" / cid
        for rel in (
            "index.html",
            "hours/index.html",
            "plans/index.html",
            "archive/index.html",
            "compliance/index.html",
            "manuals/index.html",
        ):
            assert (base / rel).is_file(), f"{cid}/{rel}"
        assert list((base / "plans").glob("20*/index.html")), cid
        data = sample_out / "data" / cid
        for rel in ("centre.json", "hours.json", "calendar.ics", "activities.csv", "finance.csv"):
            assert (data / rel).is_file(), f"data/{cid}/{rel}"
    for rel in (
        "centres.json",
        "centres.csv",
        "activities.csv",
        "finance.csv",
        "disclosures.atom",
        "schema/centre.schema.json",
    ):
        assert (sample_out / "data" / rel).is_file(), rel


@pytest.mark.slow
def test_samples_have_an_audit_page_with_its_signed_report(sample_out: Path) -> None:
    audits = list(sample_out.glob("centres/*/audit/2026/index.html"))
    assert audits, "the samples include a 2026 audit"
    html = audits[0].read_text(encoding="utf-8")
    assert "审计" in html
    reports = list(audits[0].parent.parent.glob("2026-signed-report.pdf"))
    if reports:
        assert reports[0].read_bytes().startswith(b"%PDF-")
        assert "2026-signed-report.pdf" in html


@pytest.mark.slow
def test_manifest_lists_every_file_with_its_hash(sample_out: Path) -> None:
    lines = (sample_out / MANIFEST).read_text(encoding="utf-8").splitlines()
    listed = {}
    for line in lines:
        digest, path = line.split("  ", 1)
        listed[path] = digest
    files = {p.relative_to(sample_out).as_posix() for p in sample_out.rglob("*") if p.is_file()}
    assert set(listed) == files - {MANIFEST}
    for path, digest in listed.items():
        assert hashlib.sha256((sample_out / path).read_bytes()).hexdigest() == digest


@pytest.mark.slow
def test_pages_request_nothing_from_other_hosts(sample_out: Path) -> None:
    pattern = re.compile(r'(?:src|href)\s*=\s*"(?:https?:)?//', re.IGNORECASE)
    for page in sample_out.rglob("*.html"):
        html = page.read_text(encoding="utf-8")
        for m in pattern.finditer(html):
            tag_start = html.rfind("<", 0, m.start())
            tag = html[tag_start : m.end() + 80]
            # Plain <a href> links to other sites are allowed (a reader chooses to follow them);
            # anything loaded by the page itself is not.
            assert tag.startswith("<a "), f"{page}: {tag}"
        assert "fonts.googleapis" not in html and "fonts.gstatic" not in html
        assert '<html lang="zh-CN"' in html or "<html lang=zh-CN" in html or 'lang="zh"' in html


@pytest.mark.slow
def test_html_is_chinese_and_has_a_skip_link(sample_out: Path) -> None:
    html = (sample_out / "index.html").read_text(encoding="utf-8")
    assert re.search(r'<html[^>]+lang="zh', html)
    assert 'class="md-skip"' in html


@pytest.mark.slow
def test_sitemap_is_reproducible(sample_out: Path) -> None:
    data = (sample_out / "sitemap.xml.gz").read_bytes()
    assert gzip.decompress(data) == (sample_out / "sitemap.xml").read_bytes()


@pytest.mark.slow
def test_two_builds_are_byte_identical(tmp_path: Path) -> None:
    project = copy_project(MINIMAL, tmp_path / "proj")
    a, b = tmp_path / "a", tmp_path / "b"
    assert build(project, a, "2026-03-15", "--no-ledger").returncode == 0
    assert build(project, b, "2026-03-15", "--no-ledger").returncode == 0
    ta, tb = tree_bytes(a), tree_bytes(b)
    assert sorted(ta) == sorted(tb)
    different = [k for k in ta if ta[k] != tb[k]]
    assert not different


@pytest.mark.slow
def test_record_error_leaves_the_centre_as_published(tmp_path: Path) -> None:
    project = copy_project(MINIMAL, tmp_path / "proj")
    out = tmp_path / "public"
    assert build(project, out).returncode == 0
    before = tree_bytes(out)
    plan = project / "centres" / "demo" / "plans" / "2026-03.yaml"
    plan.write_text(
        plan.read_text(encoding="utf-8").replace("capacity: 30", "capacity: 三十"), encoding="utf-8"
    )
    done = build(project, out)
    assert done.returncode == 1
    assert "2026-03.yaml" in done.stdout + done.stderr
    after = tree_bytes(out)
    own = ("centres/demo/", "data/demo/", "print/demo/")
    assert {k: v for k, v in after.items() if k.startswith(own)} == {
        k: v for k, v in before.items() if k.startswith(own)
    }
    assert "记录待更正" in after["index.html"].decode("utf-8")
    # no temporary left: the output link and its two trees (build.publish)
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        ".public.a",
        ".public.b",
        "proj",
        "public",
    ]


@pytest.mark.slow
def test_mkdocs_failure_is_a_failed_build(tmp_path: Path) -> None:
    docs, site = tmp_path / "docs", tmp_path / "site"
    docs.mkdir()
    for name in ("index.md", "open-data.md", "about.md", "centres/index.md"):
        (docs / name).parent.mkdir(parents=True, exist_ok=True)
        (docs / name).write_text("# x\n", encoding="utf-8")
    (docs / "about.md").write_text("[坏链接](missing.md)\n", encoding="utf-8")
    import yaml

    config = tmp_path / "mkdocs.yml"
    config.write_text(
        yaml.safe_dump(site_config(docs, site, None, None), allow_unicode=True), encoding="utf-8"
    )
    with pytest.raises(BuildFailed, match="missing.md"):
        run_mkdocs(config, dt.date(2026, 3, 15))


def test_two_outputs_wanting_one_path_fail() -> None:
    g = Gathered()
    g.add("data/x.json", b"1", "a")
    with pytest.raises(BuildFailed, match="data/x.json"):
        g.add("data/x.json", b"2", "b")
    with pytest.raises(BuildFailed):
        g.add("../escape.txt", b"", "c")


def test_write_files_replaces_the_folder(tmp_path: Path) -> None:
    dest = tmp_path / "out"
    write_files({"a.txt": b"1", "sub/b.txt": b"2"}, dest)
    assert tree_bytes(dest) == {"a.txt": b"1", "sub/b.txt": b"2"}
    write_files({"c.txt": b"3"}, dest)
    assert tree_bytes(dest) == {"c.txt": b"3"}
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]


@pytest.mark.slow
def test_hostile_text_shows_literally_in_html(tmp_path: Path) -> None:
    project = hostile_project(tmp_path)
    out = tmp_path / "public"
    done = build(project, out)
    assert done.returncode == 0, done.stderr
    html = (out / "centres" / "demo" / "plans" / "2026-03" / "index.html").read_text(
        encoding="utf-8"
    )
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "**x**" in html and "<strong>x</strong>" not in html
    assert "[a](javascript:x)" in html and 'href="javascript:x"' not in html
    # Braces may reach the HTML as entities (&#123;): what the reader sees is the literal text.
    shown = unescape(html)
    assert "{{ 7*7 }}" in shown and "{% raw %}" in shown
    profile = (out / "centres" / "demo" / "index.html").read_text(encoding="utf-8")
    assert "<img src=x" not in profile and "&lt;img src=x onerror=alert(2)&gt;" in profile
    for path, data in tree_bytes(out).items():
        assert "柯思远".encode() not in data, f"a staff name was published in {path}"
    assert all(title for title in HOSTILE)


@pytest.mark.slow
def test_build_with_pdfs_links_them(tmp_path: Path) -> None:
    project = copy_project(MINIMAL, tmp_path / "proj")
    out = tmp_path / "public"
    done = gongshi(
        "build",
        str(project),
        "--out",
        str(out),
        "--today",
        "2026-03-15",
        "--site-url",
        "https://gs.example.org",
        "--no-ledger",
    )
    assert done.returncode == 0, done.stderr
    pdfs = sorted(p.relative_to(out).as_posix() for p in (out / "print").rglob("*.pdf"))
    assert "print/demo/plan-2026-03.pdf" in pdfs
    html = (out / "centres" / "demo" / "plans" / "2026-03" / "index.html").read_text(
        encoding="utf-8"
    )
    assert 'href="../../../../print/demo/plan-2026-03.pdf"' in html
    assert (out / "print" / "demo" / "plan-2026-03.pdf").read_bytes().startswith(b"%PDF-")
    sitemap = (out / "sitemap.xml").read_text(encoding="utf-8")
    assert "https://gs.example.org/centres/demo/" in sitemap


@pytest.mark.parametrize(
    "args,code",
    [
        (["--today", "2026-13-01"], 2),
        (["--site-url", "gs.example.org"], 2),
    ],
)
def test_build_arguments(args: list[str], code: int, tmp_path: Path) -> None:
    done = gongshi("build", str(MINIMAL), "--out", str(tmp_path / "o"), *args)
    assert done.returncode == code
    assert not (tmp_path / "o").exists()


def test_build_missing_path(tmp_path: Path) -> None:
    done = gongshi("build", str(tmp_path / "nowhere"))
    assert done.returncode == 1
    assert "找不到路径" in done.stderr


def _get(url: str) -> str | None:
    try:
        with urllib.request.urlopen(url, timeout=5) as resp:
            return resp.read().decode("utf-8")
    except OSError:
        return None


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.mark.slow
def test_serve_previews_and_follows_record_changes(tmp_path: Path) -> None:
    project = copy_project(MINIMAL, tmp_path / "proj")
    port = _free_port()
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "generator",
            "serve",
            str(project),
            "--port",
            str(port),
            "--no-pdf",
            "--today",
            "2026-03-15",
        ],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    base = f"http://127.0.0.1:{port}/"
    try:
        home = None
        for _ in range(120):
            home = _get(base)
            if home or proc.poll() is not None:
                break
            time.sleep(0.5)
        assert home and "社区服务中心信息公示" in home
        plan = project / "centres" / "demo" / "plans" / "2026-03.yaml"
        plan.write_text(
            plan.read_text(encoding="utf-8").replace("title: 四点半学校", "title: 四点半课堂"),
            encoding="utf-8",
        )
        page = ""
        for _ in range(120):
            page = _get(base + "centres/demo/plans/2026-03/") or ""
            if "四点半课堂" in page:
                break
            time.sleep(0.5)
        assert "四点半课堂" in page
    finally:
        proc.terminate()
        proc.communicate(timeout=30)


@pytest.mark.slow
def test_a_centre_name_is_text_in_the_page_title(tmp_path: Path) -> None:
    """A centre's name reaches every page's <title>; markup in it must stay text there."""
    project = copy_project(MINIMAL, tmp_path / "proj")
    centre = project / "centres" / "demo" / "centre.yaml"
    name = "沙头街道沙尾社区</title><img src=x onerror=alert(1)>服务中心"
    text = centre.read_text(encoding="utf-8")
    centre.write_text(
        text.replace("official_name: 沙头街道沙尾社区（党群）服务中心", f"official_name: '{name}'"),
        encoding="utf-8",
    )
    out = tmp_path / "public"
    done = build(project, out, "2026-03-15", "--no-ledger")
    assert done.returncode == 0, done.stdout + done.stderr

    class Head(HTMLParser):
        def __init__(self) -> None:
            super().__init__()
            self.in_title, self.title, self.tags = False, "", []

        def handle_starttag(self, tag, attrs):
            self.tags.append(tag)
            self.in_title = tag == "title"

        def handle_endtag(self, tag):
            self.in_title = False if tag == "title" else self.in_title

        def handle_data(self, data):
            if self.in_title:
                self.title += data

    pages = sorted((out / "centres" / "demo").rglob("index.html"))
    assert pages
    for page in pages:
        head = Head()
        head.feed(page.read_text(encoding="utf-8"))
        assert "img" not in head.tags, page
        if page.parent == out / "centres" / "demo":
            assert head.title.startswith(name), (page, head.title)
