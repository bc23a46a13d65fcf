"""``gongshi serve`` is quiet unless something is wrong: one Chinese line with the address,
none of mkdocs' or the dev server's log lines; a port already taken is said in Chinese."""

from __future__ import annotations

import signal
import socket
import subprocess
import time
import urllib.error
import urllib.request

import pytest
from conftest import ROOT, make_project

GONGSHI = ROOT / ".venv" / "bin" / "gongshi"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def fetch(url: str) -> int:
    """The status of ``url``; the server listens a moment after it prints its address."""
    for _ in range(50):
        try:
            with urllib.request.urlopen(url, timeout=10) as response:
                return response.status
        except urllib.error.HTTPError as exc:
            return exc.code
        except urllib.error.URLError:
            time.sleep(0.2)
    raise AssertionError(f"nothing listens at {url}")


@pytest.mark.slow
def test_serve_prints_only_its_address(tmp_path):
    proj = make_project(tmp_path)
    port = free_port()
    cmd = [str(GONGSHI), "serve", str(proj), "--no-pdf", "--today", "2026-12-06"]
    server = subprocess.Popen(
        [*cmd, "--port", str(port)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        first = server.stdout.readline()  # blocks until the first build is served
        assert first.strip() == f"预览地址：http://127.0.0.1:{port}/ （按 Ctrl+C 停止）"
        assert fetch(f"http://127.0.0.1:{port}/") == 200
        assert fetch(f"http://127.0.0.1:{port}/no-such-page/") == 404
        time.sleep(1)
    finally:
        server.send_signal(signal.SIGINT)
        out, err = server.communicate(timeout=60)
    assert out == "" and err == "", (out, err)


@pytest.mark.slow
def test_a_port_already_taken_is_said_in_chinese(tmp_path):
    proj = make_project(tmp_path)
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        run = subprocess.run(
            [str(GONGSHI), "serve", str(proj), "--no-pdf", "--port", str(port)],
            capture_output=True,
            text=True,
            timeout=300,
        )
    assert run.returncode == 3
    assert f"无法在端口 {port} 上启动预览：已被其他程序占用；请用 --port 换一个端口" in run.stderr
    assert "Traceback" not in run.stderr and "Error" not in run.stderr


@pytest.mark.slow
def test_an_interrupt_stops_it_where_interrupts_were_ignored(tmp_path):
    """Started where interrupts are ignored (a background job of a script hands that on),
    the preview still ends at an interrupt, as at Ctrl+C."""
    proj = make_project(tmp_path)
    port = free_port()
    server = subprocess.Popen(
        [str(GONGSHI), "serve", str(proj), "--no-pdf", "--port", str(port)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_IGN),
    )
    try:
        assert server.stdout.readline().startswith("预览地址：")
        assert fetch(f"http://127.0.0.1:{port}/") == 200
    finally:
        server.send_signal(signal.SIGINT)
        try:
            out, err = server.communicate(timeout=60)
        except subprocess.TimeoutExpired:
            server.kill()
            raise
    assert server.returncode == 0 and out == "" and err == "", (out, err)
