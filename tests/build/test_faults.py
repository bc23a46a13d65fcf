"""The published site survives faults: two builds at once, builds killed at random moments,
a damaged or planted build cache, and a disk that refuses writes.

Every time, the output folder is a complete site, old or new, that matches its own
manifest.sha256 (every file listed there exists with its hash, and there is nothing else).
Real builds of the minimal fixture by the real command line in fresh processes, no mocks.
"""

from __future__ import annotations

import fcntl
import hashlib
import os
import pickle
import random
import resource
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from generator.build.cache import CACHE_DIR, LOCK_FILE
from generator.build.tree import MANIFEST
from tests.conftest import MINIMAL, ROOT, copy_project
from tests.site_helpers import tree_bytes

DAY = "2026-06-01"  # the fixture's plan and first quarter are published, its audit is not


def command(proj: Path, out: Path, *extra: str) -> list[str]:
    return [
        sys.executable,
        "-m",
        "generator",
        "build",
        str(proj),
        "--out",
        str(out),
        "--today",
        DAY,
        "--jobs",
        "1",
        *extra,
    ]


def env() -> dict[str, str]:
    return dict(os.environ, PYTHONPATH=str(ROOT))


def run(proj: Path, out: Path, *extra: str, **kw) -> subprocess.CompletedProcess:
    return subprocess.run(
        command(proj, out, *extra),
        cwd=ROOT,
        env=env(),
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
        **kw,
    )


def start(proj: Path, out: Path, *extra: str) -> subprocess.Popen:
    """A build in its own process group (so a kill reaches its worker processes too)."""
    return subprocess.Popen(
        command(proj, out, *extra),
        cwd=ROOT,
        env=env(),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )


def site_manifest(out: Path) -> str:
    """The manifest of a complete site at ``out``; fails unless every file it lists is there
    with its hash and nothing else is."""
    listed = (out / MANIFEST).read_text(encoding="utf-8")
    expected = {}
    for line in listed.splitlines():
        sha, rel = line.split("  ", 1)
        expected[rel] = sha
    found = {
        p.relative_to(out).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in out.rglob("*")
        if p.is_file()
    }
    found.pop(MANIFEST)
    assert found == expected
    assert "index.html" in found and "centres/demo/index.html" in found
    return listed


def shares_no_file(out: Path, cache: Path) -> None:
    """No file of the site shares its bytes with the cache: a file of the site with a second
    link has it at the same path in the spare tree (build.publish), nowhere else."""
    live = out.resolve()
    spare = out.with_name(f".{out.name}.{'b' if live.name.endswith('.a') else 'a'}")
    for path in live.rglob("*"):
        if path.is_file() and path.stat().st_nlink > 1:
            twin = spare / path.relative_to(live)
            assert path.stat().st_nlink == 2 and twin.stat().st_ino == path.stat().st_ino, path
    inodes = {p.stat().st_ino for p in cache.rglob("*") if p.is_file()}
    assert not inodes & {p.stat().st_ino for p in live.rglob("*") if p.is_file()}


def debris(out: Path) -> list[str]:
    """What a build left beside the output folder other than its two trees."""
    trees = (f".{out.name}.a", f".{out.name}.b")
    return sorted(
        p.name
        for p in out.parent.iterdir()
        if p.name.startswith(f".{out.name}.") and p.name not in trees
    )


def ok(done: subprocess.CompletedProcess) -> None:
    assert done.returncode == 0, done.stderr
    assert "程序的缺陷" not in done.stderr and "Traceback" not in done.stderr


@pytest.fixture
def project(tmp_path: Path) -> Path:
    return copy_project(MINIMAL, tmp_path / "proj")


@pytest.mark.slow
def test_a_second_build_stops_at_once_and_changes_nothing(project: Path) -> None:
    out = project / "public"
    ok(run(project, out))
    before = tree_bytes(project)
    with (project / CACHE_DIR / LOCK_FILE).open("a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # a build in progress holds this
        started = time.monotonic()
        second = run(project, out, "--site-url", "https://other.example.org")
        took = time.monotonic() - started
    assert second.returncode == 3, second.stderr
    assert "正在由另一个 gongshi build" in second.stderr and "没有改动任何文件" in second.stderr
    assert "程序的缺陷" not in second.stderr and "Traceback" not in second.stderr
    assert took < 10
    assert tree_bytes(project) == before

    # two real builds started together: one publishes, the other stops with the message
    # (or runs after the first has finished); the site is whole either way
    builds = [start(project, out, "--site-url", f"https://s{i}.example.org") for i in (1, 2)]
    results = [(b.wait(timeout=300), b.stderr.read() if b.stderr else "") for b in builds]
    codes = sorted(code for code, _ in results)
    assert codes in ([0, 0], [0, 3]), results
    for code, err in results:
        assert code == 0 or "正在由另一个 gongshi build" in err
    site_manifest(out)
    assert debris(out) == []


@pytest.mark.slow
def test_builds_killed_at_random_moments_leave_a_whole_site(project: Path) -> None:
    out = project / "public"
    ok(run(project, out))
    sites = {site_manifest(out)}
    rng = random.Random(20260601)
    for i in range(6):
        # a new site address remakes every page: each build has the whole work to do
        build = start(project, out, "--site-url", f"https://k{i}.example.org")
        time.sleep(rng.uniform(0.05, 1.6))
        if build.poll() is None:
            os.killpg(build.pid, signal.SIGKILL)
        build.wait(timeout=60)
        # the link is replaced in one rename: the output folder is always a whole site
        sites.add(site_manifest(out))
        again = run(project, out, "--site-url", f"https://k{i}.example.org")
        ok(again)
        listed = site_manifest(out)
        assert f"k{i}.example.org" in (out / "sitemap.xml").read_text(encoding="utf-8")
        sites.add(listed)
        assert debris(out) == []
        shares_no_file(out, project / CACHE_DIR)
    assert len(sites) >= 6


class Planted:
    """Unpickling this runs ``_touch``: proof that the cache executed a planted file."""

    def __init__(self, marker: Path) -> None:
        self.marker = marker

    def __reduce__(self):
        return (Path.touch, (self.marker,))


@pytest.mark.slow
def test_a_damaged_or_planted_cache_is_made_again(project: Path, tmp_path: Path) -> None:
    out = project / "public"
    ok(run(project, out))
    reference = tree_bytes(out)
    cache = project / CACHE_DIR
    shares_no_file(out, cache)

    # a cache file truncated: the live site does not change, the next build remakes the part
    page = cache / "parts" / "demo" / "centres" / "demo" / "index.html"
    with page.open("r+b") as fh:
        fh.truncate(10)
    assert tree_bytes(out) == reference
    done = run(project, out)
    ok(done)
    assert "取自上次生成的缓存" not in done.stdout  # made again, not reused
    assert tree_bytes(out) == reference
    assert page.stat().st_size > 10

    marker = tmp_path / "ran"
    junk = os.urandom(4096)
    planted = pickle.dumps(Planted(marker))
    entries = sorted(p for p in cache.rglob("*.json") if p.name != "files.json")
    assert {p.parent.name for p in entries} >= {"checked", "light", "parts", "compliance"}
    for damage in ("truncate", "junk", "pickle", "pickle-beside"):
        for entry in entries:
            if damage == "truncate":
                data = entry.read_bytes()
                entry.write_bytes(data[: len(data) // 2])
            elif damage == "junk":
                entry.write_bytes(junk)
            elif damage == "pickle":
                entry.write_bytes(planted)
            else:  # the name an older cache used
                entry.with_suffix(".pickle").write_bytes(planted)
        (cache / "files.json").write_bytes(junk if damage == "junk" else b"{")
        done = run(project, out)
        ok(done)
        assert not marker.exists()
        assert tree_bytes(out) == reference, damage
        site_manifest(out)
        shares_no_file(out, cache)


def _limit_file_size() -> None:
    # every file this process writes stops at 64 KiB: a disk that refuses writes
    resource.setrlimit(resource.RLIMIT_FSIZE, (64 * 1024, 64 * 1024))


@pytest.mark.slow
def test_a_disk_that_refuses_writes_leaves_the_site_and_says_where(project: Path) -> None:
    out = project / "public"
    ok(run(project, out, "--no-pdf"))
    reference = tree_bytes(out)
    done = run(project, out, preexec_fn=_limit_file_size)  # the PDFs need more than that
    assert done.returncode != 0
    assert "无法写入" in done.stderr and "原有网站" in done.stderr, done.stderr
    assert "程序的缺陷" not in done.stderr and "Traceback" not in done.stderr
    assert tree_bytes(out) == reference
    assert debris(out) == []
    ok(run(project, out))  # with room again, the build publishes
    site_manifest(out)


@pytest.mark.slow
def test_a_read_only_output_folder_is_a_message(project: Path, tmp_path: Path) -> None:
    if os.geteuid() == 0:
        pytest.skip("root writes into a read-only folder; see the disk test for a refused write")
    parent = tmp_path / "site"
    out = parent / "public"
    ok(run(project, out, "--no-pdf"))
    reference = tree_bytes(out)
    parent.chmod(0o555)
    try:
        done = run(project, out, "--no-pdf", "--site-url", "https://ro.example.org")
    finally:
        parent.chmod(0o755)
    assert done.returncode != 0
    assert "无法写入" in done.stderr and str(parent.name) in done.stderr
    assert "程序的缺陷" not in done.stderr and "Traceback" not in done.stderr
    assert tree_bytes(out) == reference
