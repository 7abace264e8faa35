"""Sociose's own server in a subprocess on a free port of 127.0.0.1, started the way an operator starts it, for tests
whose behaviour is the server's (HTTP framing, proxy headers, start-up checks) rather than Django's.

    with serving(tmp_path, "serve") as site:
        assert "Sociose" in get(site.url("/"))
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def get(url: str) -> str:
    with urllib.request.urlopen(url, timeout=5) as response:  # noqa: S310 - our own server on 127.0.0.1
        return response.read().decode()


def site_env(home: Path, **env: str) -> dict[str, str]:
    """The environment of a site in `home`: the embedded default (SQLite), no default feeds, plus `env`."""
    base = {k: v for k, v in os.environ.items() if k != "DATABASE_URL" and not k.startswith("SOCIOSE_")}
    return {**base, "SOCIOSE_HOME": str(home), "SOCIOSE_SUBSCRIBE_DEFAULT_FEEDS": "false", **env}


def sociose(env: dict[str, str], *args: str, timeout: float = 300) -> subprocess.CompletedProcess:
    """A `sociose` command run to its end."""
    return subprocess.run([sys.executable, "-m", "sociose.cli", *args], env=env, capture_output=True, text=True,
                          timeout=timeout)


def wait_until_serving(process: subprocess.Popen, url: str, *, seconds: float, any_status: bool = False) -> str:
    """The page at `url` once the server `process` answers (with any status if `any_status`, else with a 2xx); the test
    fails with the server's output if it dies or is late."""
    deadline = time.monotonic() + seconds
    while True:
        try:
            return get(url)
        except urllib.error.HTTPError as error:
            if any_status:
                return error.read().decode(errors="replace")
            error.close()
            if process.poll() is not None or time.monotonic() > deadline:
                process.kill()
                pytest.fail(f"{' '.join(process.args[2:4])} answered {error.code}:\n{process.stdout.read()}")
            time.sleep(0.3)
        except OSError:
            if process.poll() is not None or time.monotonic() > deadline:
                process.kill()
                pytest.fail(f"{' '.join(process.args[2:4])} did not come up:\n{process.stdout.read()}")
            time.sleep(0.3)


@dataclass(frozen=True)
class Served:
    process: subprocess.Popen
    port: int

    def url(self, path: str = "/") -> str:
        return f"http://127.0.0.1:{self.port}{path}"


@contextmanager
def serving(env: dict[str, str], *args: str, port: int | None = None, seconds: float = 60) -> Iterator[Served]:
    """`sociose <args> --port <port>` answering on 127.0.0.1 (with any status: some tests refuse its Host); stopped
    with SIGTERM, killed if it lingers."""
    port = port or free_port()
    process = subprocess.Popen([sys.executable, "-m", "sociose.cli", *args, "--port", str(port)], env=env,
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        wait_until_serving(process, f"http://127.0.0.1:{port}/", seconds=seconds, any_status=True)
        yield Served(process, port)
    finally:
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
