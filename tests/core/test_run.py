"""`sociose run` as a user starts it: a fresh data directory, the demo corpus loaded, the site served, Ctrl-C."""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.siteserver import free_port, get, wait_until_serving


def child_pids(parent: int) -> list[int]:
    pids = []
    for status in Path("/proc").glob("[0-9]*/status"):
        try:
            fields = dict(line.split(":\t", 1) for line in status.read_text().splitlines() if ":\t" in line)
        except OSError:
            continue
        if fields.get("PPid", "").strip() == str(parent):
            pids.append(int(status.parent.name))
    return pids


@pytest.fixture
def running_site(tmp_path):
    port = free_port()
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}  # the embedded default: SQLite
    env.update(SOCIOSE_HOME=str(tmp_path), SOCIOSE_SUBSCRIBE_DEFAULT_FEEDS="false", SOCIOSE_WORKER_PROCESSES="1")
    process = subprocess.Popen([sys.executable, "-m", "sociose.cli", "run", "--port", str(port)], env=env,
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    wait_until_serving(process, f"http://127.0.0.1:{port}/", seconds=120)
    yield process, f"http://127.0.0.1:{port}", tmp_path
    if process.poll() is None:
        process.kill()
        process.wait()


def test_run_serves_the_demo_corpus_and_stops_cleanly_on_ctrl_c(running_site):
    process, base, home = running_site
    front = get(base + "/")
    assert "Latest articles" in front and "/articles/" in front
    about = get(base + "/about/")
    assert "CC BY 2.5" in about and "Wikinews" in about
    assert (home / "sociose.sqlite3").exists()
    children = child_pids(process.pid)
    assert len(children) == 3  # web server, scheduler, one worker

    process.send_signal(signal.SIGINT)
    output, _ = process.communicate(timeout=30)
    assert process.returncode == 0, output
    assert "Imported 176 Wikinews demo articles" in output
    with pytest.raises(OSError):
        get(base + "/")
    assert not [pid for pid in children if os.path.exists(f"/proc/{pid}")], "child processes outlived run"


def test_serve_with_several_processes_shares_one_port_and_stops_them_all(tmp_path):
    """`sociose serve --processes 2`: two web processes answer on one port; SIGTERM stops every one of them."""
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env.update(SOCIOSE_HOME=str(tmp_path))
    subprocess.run([sys.executable, "-m", "sociose.cli", "migrate", "-v", "0"], env=env, check=True)
    port = free_port()
    process = subprocess.Popen([sys.executable, "-m", "sociose.cli", "serve", "--port", str(port), "--processes",
                                "2"], env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        front = wait_until_serving(process, f"http://127.0.0.1:{port}/", seconds=60)
        deadline = time.monotonic() + 60
        assert "Sociose" in front
        workers = child_pids(process.pid)
        while len(workers) < 2 and time.monotonic() < deadline:  # the first worker may answer before the second starts
            time.sleep(0.2)
            workers = child_pids(process.pid)
        assert len(workers) == 2
        process.send_signal(signal.SIGTERM)
        output, _ = process.communicate(timeout=30)
        assert "with 2 processes" in output
        assert not [pid for pid in workers if os.path.exists(f"/proc/{pid}")], "web processes outlived serve"
        with pytest.raises(OSError):
            get(f"http://127.0.0.1:{port}/")
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
