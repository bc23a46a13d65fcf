"""docs/deploy.md followed on a fresh folder: a project made by ``gongshi init``, checked and
built, published with docs/deploy/sync.sh, and served by Debian's nginx with
docs/deploy/nginx.conf — at the domain's root and under a sub-path — and the CI templates
read as the platforms read them.
"""

from __future__ import annotations

import getpass
import json
import os
import shutil
import socket
import subprocess
import time
import urllib.error
import urllib.request
from collections import Counter
from pathlib import Path

import pytest
import yaml
from command_helpers import gongshi

ROOT = Path(__file__).resolve().parents[2]
DEPLOY = ROOT / "docs" / "deploy"
FIXTURE = ROOT / "tests" / "fixtures" / "minimal"
NGINX = shutil.which("nginx") or "/usr/sbin/nginx"

needs_nginx = pytest.mark.skipif(
    not Path(NGINX).exists(), reason="nginx (Debian's nginx-light) is installed by setup.sh --test"
)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def nginx_main(server: str, work: Path, port: int) -> Path:
    """A whole nginx.conf around the documented server block, listening on loopback."""
    server = server.replace("listen 80;", f"listen 127.0.0.1:{port};")
    conf = work / "nginx.conf"
    # workers run as the master's user, so they can read the test's private folders
    user = f"user {getpass.getuser()};\n" if os.geteuid() == 0 else ""
    conf.write_text(
        f"{user}worker_processes 1;\npid {work}/nginx.pid;\nerror_log {work}/error.log;\n"
        "events { worker_connections 64; }\n"
        f"http {{\n access_log off;\n client_body_temp_path {work}/tmp;\n"
        f" proxy_temp_path {work}/tmp;\n fastcgi_temp_path {work}/tmp;\n"
        f" uwsgi_temp_path {work}/tmp;\n scgi_temp_path {work}/tmp;\n{server}\n}}\n",
        encoding="utf-8",
    )
    (work / "tmp").mkdir(exist_ok=True)
    return conf


def fetch(url: str) -> tuple[int, dict[str, str], bytes]:
    try:
        with urllib.request.urlopen(url, timeout=10) as r:
            return r.status, {k.lower(): v for k, v in r.headers.items()}, r.read()
    except urllib.error.HTTPError as e:
        return e.code, {k.lower(): v for k, v in e.headers.items()}, e.read()


@pytest.fixture
def nginx_serving(tmp_path: Path):
    started: list[Path] = []

    def start(server: str) -> int:
        work = tmp_path / f"nginx-{len(started)}"
        work.mkdir()
        port = free_port()
        conf = nginx_main(server, work, port)
        t = subprocess.run([NGINX, "-t", "-c", str(conf)], capture_output=True, text=True)
        assert t.returncode == 0, t.stderr
        r = subprocess.run([NGINX, "-c", str(conf)], capture_output=True, text=True)
        assert r.returncode == 0, r.stderr
        started.append(conf)
        for _ in range(50):
            with socket.socket() as s:
                if s.connect_ex(("127.0.0.1", port)) == 0:
                    return port
            time.sleep(0.1)
        raise AssertionError("nginx did not start")

    yield start
    for conf in started:
        subprocess.run([NGINX, "-c", str(conf), "-s", "stop"], capture_output=True)


@needs_nginx
def test_the_documented_nginx_config_passes_nginx_t(tmp_path: Path) -> None:
    conf = nginx_main((DEPLOY / "nginx.conf").read_text(encoding="utf-8"), tmp_path, free_port())
    r = subprocess.run([NGINX, "-t", "-c", str(conf)], capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    assert "syntax is ok" in r.stderr


@pytest.mark.slow
@needs_nginx
def test_deploy_md_step_by_step(tmp_path: Path, nginx_serving) -> None:
    # 1. a new project, a centre, check
    r = gongshi("init", "district", cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    project = tmp_path / "district"
    shutil.copytree(FIXTURE / "centres" / "demo", project / "centres" / "demo")
    for part in ("rules", "catalogue"):
        for f in (FIXTURE / "content" / part).glob("*.yaml"):
            shutil.copy(f, project / "content" / part / f.name)
    assert gongshi("check", cwd=project).returncode == 0

    # 3. build (the site's address is where nginx will serve it under a sub-path), over the
    # plain output folder an earlier version left: it is taken over as the tree .public.b
    public = project / "public"
    public.mkdir()
    (public / "index.html").write_text("earlier", encoding="utf-8")
    port_hint = "https://gs.example.org/gongshi/"
    r = gongshi("build", "--today", "2027-04-01", "--site-url", port_hint, cwd=project)
    assert r.returncode == 0, r.stdout + r.stderr
    # the output is a link to one of two trees beside it (build.publish)
    assert public.is_symlink() and os.readlink(public) == ".public.a"
    assert (project / ".public.b" / "index.html").read_text(encoding="utf-8") == "earlier"
    listed = (public / "manifest.sha256").read_text(encoding="utf-8").splitlines()
    rels = [line.split("  ", 1)[1] for line in listed]

    # 3b. what the CI templates do with the link: GitLab copies the site out with the link
    # followed (its artifacts keep no links); GitHub's upload-pages-artifact packs ``path``
    # with tar --dereference --hard-dereference
    gitlab = yaml.safe_load((DEPLOY / "gitlab-ci.yml").read_text(encoding="utf-8"))
    copy = next(line for line in gitlab["build"]["script"] if "cp " in line)
    c = subprocess.run(["sh", "-c", copy], cwd=project, capture_output=True, text=True)
    assert c.returncode == 0, c.stderr
    artifact = project / gitlab["build"]["artifacts"]["paths"][0]
    assert not any(p.is_symlink() for p in artifact.rglob("*"))
    check = subprocess.run(
        ["sha256sum", "-c", "--quiet", "manifest.sha256"],
        cwd=artifact,
        capture_output=True,
        text=True,
    )
    assert check.returncode == 0, check.stdout
    github = yaml.safe_load((DEPLOY / "github-actions.yml").read_text(encoding="utf-8"))
    path = next(
        step["with"]["path"]
        for step in github["jobs"]["build"]["steps"]
        if step.get("uses", "").startswith("actions/upload-pages-artifact")
    )
    tar = tmp_path / "artifact.tar"
    t = subprocess.run(
        ["tar", "--dereference", "--hard-dereference", "--directory", path, "-cf", str(tar)]
        + ["--exclude=.git", "--exclude=.github", "."],
        cwd=project,
        capture_output=True,
        text=True,
    )
    assert t.returncode == 0, t.stderr
    members = subprocess.run(
        ["tar", "-tvf", str(tar)], capture_output=True, text=True, check=True
    ).stdout.splitlines()
    assert all(m[0] in "-d" for m in members), [m for m in members if m[0] not in "-d"]
    packed = {m.split()[-1].removeprefix("./") for m in members if m[0] == "-"}
    assert set(rels) | {"manifest.sha256"} <= packed

    # 4. publish with sync.sh; a second run after a change copies only what changed
    srv = tmp_path / "srv" / "public"
    s = subprocess.run(
        ["bash", str(DEPLOY / "sync.sh"), str(public), str(srv)], capture_output=True, text=True
    )
    assert s.returncode == 0, s.stderr
    assert f"{len(listed)} 个文件新增或有变化，删除 0 个" in s.stdout
    check = subprocess.run(
        ["sha256sum", "-c", "--quiet", "manifest.sha256"], cwd=srv, capture_output=True, text=True
    )
    assert check.returncode == 0, check.stdout
    (srv / "stale.html").write_text("old", encoding="utf-8")
    with (srv / "manifest.sha256").open("a", encoding="utf-8") as f:
        f.write(f"{'0' * 64}  stale.html\n")
    s = subprocess.run(
        ["bash", str(DEPLOY / "sync.sh"), str(public), str(srv)], capture_output=True, text=True
    )
    assert "0 个文件新增或有变化，删除 1 个" in s.stdout, s.stdout + s.stderr
    assert not (srv / "stale.html").exists()

    # 5. nginx at the domain's root
    server = (DEPLOY / "nginx.conf").read_text(encoding="utf-8")
    port = nginx_serving(server.replace("root /srv/gongshi/public;", f"root {srv};"))
    base = f"http://127.0.0.1:{port}/"
    status, headers, body = fetch(base)
    assert status == 200 and "text/html" in headers["content-type"]
    assert headers["cache-control"] == "no-cache"
    ics = next(r for r in rels if r.endswith(".ics"))
    csv = next(r for r in rels if r.endswith(".csv"))
    status, headers, _ = fetch(base + ics)
    assert status == 200 and headers["content-type"] == "text/calendar; charset=utf-8"
    status, headers, _ = fetch(base + csv)
    assert headers["content-type"] == "text/csv; charset=utf-8"
    status, headers, _ = fetch(base + "data/centres.json")
    assert headers["content-type"] == "application/json; charset=utf-8"
    asset = next(r for r in rels if r.startswith("assets/") and r.endswith(".css"))
    status, headers, _ = fetch(base + asset)
    assert "immutable" in headers["cache-control"]
    status, _, body = fetch(base + "no-such-page/")
    assert status == 404 and "<html" in body.decode("utf-8")

    # 5b. the sub-path case: the commented location block, in place of the root
    block = [
        ln[6:]
        for ln in server.splitlines()
        if ln.startswith("    # ")
        and ("location /gongshi/" in ln or ln.startswith(("    #     ", "    # }")))
    ]
    sub = "\n".join(block).replace("/srv/gongshi/public/", f"{srv}/")
    assert "alias" in sub
    sub_server = server.replace("root /srv/gongshi/public;", f"root {tmp_path}/empty;").replace(
        "    error_page 404 /404.html;", sub
    )
    (tmp_path / "empty").mkdir()
    port = nginx_serving(sub_server)
    base = f"http://127.0.0.1:{port}/gongshi/"
    status, headers, body = fetch(base)
    assert status == 200
    # the page's own links are relative: the centre's page is reached under the sub-path
    status, _, _ = fetch(base + "centres/demo/")
    assert status == 200
    status, headers, _ = fetch(base + ics)
    assert headers["content-type"] == "text/calendar; charset=utf-8"

    # 5c. nginx serving the build's own output: its root is the link, which nginx follows;
    # the next build points the link at the other tree and the next request reads the new site
    port = nginx_serving(server.replace("root /srv/gongshi/public;", f"root {public};"))
    base = f"http://127.0.0.1:{port}/"
    status, _, body = fetch(base + "data/updated.json")
    assert status == 200 and json.loads(body) == {"day": "2027-04-01"}
    before = os.readlink(public)
    r = gongshi("build", "--today", "2027-04-02", "--site-url", port_hint, cwd=project)
    assert r.returncode == 0, r.stdout + r.stderr
    assert os.readlink(public) != before
    status, _, body = fetch(base + "data/updated.json")
    assert status == 200 and json.loads(body) == {"day": "2027-04-02"}
    for rel in rels:
        if rel.endswith("index.html"):
            status, _, _ = fetch(base + rel)
            assert status == 200, rel
    # the two trees hold files only: no link in them, and a file's hard links are all in the
    # two trees (none into the build cache or anywhere else)
    trees = [project / ".public.a", project / ".public.b"]
    files = [p for t in trees for p in t.rglob("*") if not p.is_dir()]
    assert files and not any(p.is_symlink() for p in files)
    inodes = Counter(p.stat().st_ino for p in files)
    assert all(p.stat().st_nlink == inodes[p.stat().st_ino] for p in files)


def test_ci_templates_run_check_build_with_the_cache_and_publish() -> None:
    gitlab = yaml.safe_load((DEPLOY / "gitlab-ci.yml").read_text(encoding="utf-8"))
    assert gitlab["stages"] == ["check", "build", "publish"]
    assert "gongshi check" in gitlab["check"]["script"]
    assert any("gongshi build" in line for line in gitlab["build"]["script"])
    assert gitlab["build"]["cache"]["paths"] == [".gongshi-cache/"]
    assert gitlab["build"]["allow_failure"] == {"exit_codes": [1]}
    assert any("gongshi-sync" in line for line in gitlab["publish"]["script"])
    github = yaml.safe_load((DEPLOY / "github-actions.yml").read_text(encoding="utf-8"))
    steps = github["jobs"]["build"]["steps"]
    runs = "\n".join(step.get("run", "") for step in steps)
    assert "gongshi check" in runs and "gongshi build" in runs
    assert any(step.get("with", {}).get("path") == ".gongshi-cache" for step in steps)
    assert "published.yaml" in runs
    # the image installs what the attachment check and the PDFs need, and runs gongshi
    docker = (DEPLOY / "Dockerfile").read_text(encoding="utf-8")
    for package in ("fonts-noto-cjk", "poppler-utils", "poppler-data"):
        assert package in docker
    assert 'ENTRYPOINT ["gongshi"]' in docker
