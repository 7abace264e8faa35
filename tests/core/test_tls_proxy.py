"""The site behind the documented TLS reverse proxy (docs/operate.md): nginx terminating TLS with a self-signed
certificate made here, proxying to a real `sociose serve`; an editor logs into the admin through it.

nginx is a Debian package that `make test` installs where it can; without it these tests skip (on CI they fail)."""

from __future__ import annotations

import http.client
import os
import re
import shutil
import signal
import socket
import ssl
import subprocess
import time
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode

import pytest

from tests.siteserver import free_port, serving, site_env, sociose

OPERATE = Path(__file__).resolve().parents[2] / "docs" / "operate.md"
DOCUMENTED_SITE = "https://news.example.org"
PASSWORD = "correct horse battery staple"


def _tool(name: str, *candidates: str) -> str:
    """The program `name`, from $NAME, PATH or `candidates` (sbin is not on every user's PATH)."""
    chosen = os.environ.get(name.upper())
    found = (chosen if chosen and os.access(chosen, os.X_OK) else None) if chosen else (
        shutil.which(name) or next((path for path in candidates if os.access(path, os.X_OK)), None))
    if not found:
        if os.environ.get("CI"):
            pytest.fail(f"no {name}: `make test` installs it")
        pytest.skip(f"no {name} (`make test` installs it with apt where it can)")
    return found


def documented_setup() -> tuple[dict[str, str], str]:
    """The environment and the nginx configuration docs/operate.md gives for running behind a TLS proxy."""
    text = OPERATE.read_text()
    section = text.split("## Behind a TLS reverse proxy", 1)[1].split("\n## ", 1)[0]
    shell = re.search(r"```sh\n(.*?)```", section, re.S).group(1)
    env = dict(re.findall(r"^export (\w+)=(\S+)", shell, re.M))
    nginx = re.search(r"```nginx\n(.*?)```", text, re.S).group(1)
    return env, nginx


def _replace(text: str, old: str, new: str) -> str:
    assert text.count(old) == 1, f"docs/operate.md's nginx config no longer has {old!r} once: update this test"
    return text.replace(old, new)


def _wait_for_port(process: subprocess.Popen, port: int, log: Path) -> None:
    deadline = time.monotonic() + 20
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            if process.poll() is not None or time.monotonic() > deadline:
                process.kill()
                pytest.fail(f"nginx did not start:\n{log.read_text() if log.exists() else ''}")
            time.sleep(0.1)


@pytest.fixture
def proxied_site(tmp_path, request):
    """(https origin, plain-http port, CA file): the documented nginx in front of `sociose serve --processes N`."""
    nginx, openssl = _tool("nginx", "/usr/sbin/nginx"), _tool("openssl", "/usr/bin/openssl")
    https_port, http_port, app_port = free_port(), free_port(), free_port()
    origin = f"https://127.0.0.1:{https_port}"
    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    subprocess.run([openssl, "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", str(key), "-out", str(cert),
                    "-days", "2", "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1"],
                   check=True, capture_output=True)
    documented_env, config = documented_setup()
    assert documented_env.get("SOCIOSE_SITE_URL") == DOCUMENTED_SITE, documented_env
    home = tmp_path / "home"
    env = site_env(home, **{name: value.replace(DOCUMENTED_SITE, origin) for name, value in documented_env.items()})
    for step in (["migrate", "-v", "0"], ["createsuperuser", "--noinput", "--username", "editor", "--email",
                                          "editor@example.org"]):
        done = sociose({**env, "DJANGO_SUPERUSER_PASSWORD": PASSWORD}, *step)
        assert done.returncode == 0, done.stderr
    for old, new in [("/var/cache/nginx/sociose", str(tmp_path / "nginx-cache")),
                     ("listen 443 ssl;", f"listen 127.0.0.1:{https_port} ssl;"),
                     ("listen 80;", f"listen 127.0.0.1:{http_port};"),
                     ("/etc/letsencrypt/live/news.example.org/fullchain.pem", str(cert)),
                     ("/etc/letsencrypt/live/news.example.org/privkey.pem", str(key)),
                     ("/srv/sociose/data/static/", f"{home}/static/"),
                     ("http://127.0.0.1:8000", f"http://127.0.0.1:{app_port}")]:
        config = _replace(config, old, new)
    log = tmp_path / "nginx-error.log"
    temp = {kind: tmp_path / f"nginx-{kind}" for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")}
    # Run as root, nginx's workers would switch to an unprivileged user that cannot enter pytest's private tmp_path.
    (tmp_path / "nginx.conf").write_text(
        ("user root;\n" if os.geteuid() == 0 else "")
        + f"worker_processes 1;\npid {tmp_path}/nginx.pid;\nerror_log {log};\nevents {{ worker_connections 64; }}\n"
        + "http {\n  access_log off;\n"
        + "".join(f"  {kind}_temp_path {path};\n" for kind, path in temp.items())
        + config + "}\n")
    with serving(env, "serve", "--processes", request.param, port=app_port):
        process = subprocess.Popen([nginx, "-e", str(log), "-p", str(tmp_path), "-c", str(tmp_path / "nginx.conf"),
                                    "-g", "daemon off;"], stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)
        try:
            _wait_for_port(process, https_port, log)
            yield origin, http_port, cert
        finally:
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


class Browser:
    """Just enough of a browser over one TLS connection: cookies kept (a Secure one only over HTTPS), Origin and
    Referer sent with a form."""

    def __init__(self, origin: str, cafile: Path):
        self.origin = origin
        host, port = origin.removeprefix("https://").rsplit(":", 1)
        context = ssl.create_default_context(cafile=str(cafile))
        self.connection = http.client.HTTPSConnection(host, int(port), context=context, timeout=20)
        self.cookies: dict[str, str] = {}
        self.set_cookies: list[SimpleCookie] = []

    def request(self, method: str, path: str, form: dict | None = None) -> tuple[http.client.HTTPResponse, str]:
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())} if self.cookies else {}
        body = None
        if form is not None:
            body = urlencode(form)
            headers.update({"Content-Type": "application/x-www-form-urlencoded", "Origin": self.origin,
                            "Referer": self.origin + path})
        self.connection.request(method, path, body=body, headers=headers)
        response = self.connection.getresponse()
        text = response.read().decode()
        for header in response.headers.get_all("Set-Cookie") or ():
            cookie = SimpleCookie()
            cookie.load(header)
            self.set_cookies.append(cookie)
            self.cookies.update({name: morsel.value for name, morsel in cookie.items()})
        return response, text


@pytest.mark.parametrize("proxied_site", ["1", "2"], ids=["waitress", "gunicorn"], indirect=True)
def test_an_editor_logs_into_the_admin_through_the_documented_tls_proxy(proxied_site):
    origin, http_port, cafile = proxied_site
    browser = Browser(origin, cafile)
    response, page = browser.request("GET", "/admin/login/?next=/admin/")
    assert response.status == 200, page
    assert response.headers["Strict-Transport-Security"] == "max-age=31536000"
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)

    response, page = browser.request("POST", "/admin/login/?next=/admin/", form={
        "csrfmiddlewaretoken": token, "username": "editor", "password": PASSWORD, "next": "/admin/"})
    assert response.status == 302, page  # a CSRF failure is a 403, a wrong password a 200 with the form again
    assert response.headers["Location"] == "/admin/"
    assert "sessionid" in browser.cookies
    for cookie in browser.set_cookies:
        for name, morsel in cookie.items():
            assert morsel["secure"], f"cookie {name} is sent over plain HTTP too"

    response, page = browser.request("GET", "/admin/")
    assert response.status == 200 and "Site administration" in page and "editor" in page
    assert response.headers["Strict-Transport-Security"] == "max-age=31536000"

    plain = http.client.HTTPConnection("127.0.0.1", http_port, timeout=10)
    plain.request("GET", "/admin/")
    redirect = plain.getresponse()
    redirect.read()
    assert redirect.status == 301 and redirect.headers["Location"].startswith("https://127.0.0.1")
    assert "Strict-Transport-Security" not in redirect.headers  # never over plain HTTP (RFC 6797 7.2)
    plain.close()
