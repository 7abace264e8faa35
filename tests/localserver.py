"""A real HTTP server on 127.0.0.1 for tests: register routes, fetch them, assert on the requests received.

One server runs for the whole session (starting it is cheap, but reusing it keeps the suite fast); the function-scoped
`local_server` fixture clears routes and the request log before each test and releases any handler still hanging
from the previous test.

    def test_feed(local_server):
        local_server.route("/feed.xml", body=b"<rss/>", content_type="application/rss+xml")
        fetch(local_server.url("/feed.xml"), ...)
        assert local_server.requests[0].headers["User-Agent"].startswith("Sociose/")

A custom handler gets the `BaseHTTPRequestHandler` and writes the whole response itself (status line, headers,
body); `local_server.hang(seconds)` sleeps until the test ends, for servers that never answer.
"""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit

import pytest

Handler = Callable[[BaseHTTPRequestHandler], None]


@dataclass(frozen=True)
class RecordedRequest:
    method: str
    path: str  # path and query, as sent
    headers: dict[str, str]  # header names as sent; look them up with `header()` for case-insensitivity
    time: float  # time.monotonic() when the request line and headers had been read

    def header(self, name: str, default: str | None = None) -> str | None:
        lowered = name.lower()
        return next((v for k, v in self.headers.items() if k.lower() == lowered), default)


@dataclass
class Route:
    status: int = 200
    body: bytes = b""
    content_type: str = "text/plain; charset=utf-8"
    headers: dict[str, str] = field(default_factory=dict)
    handler: Handler | None = None


class _RequestHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, like real servers; every canned response has a Content-Length
    server: _Server

    def do_GET(self) -> None:
        self.server.owner._serve(self)

    do_HEAD = do_POST = do_GET

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - the base class's name
        pass  # keep test output clean


class _Server(ThreadingHTTPServer):
    daemon_threads = True  # a handler that hangs must not keep the interpreter alive
    block_on_close = False  # server_close() must not wait for hanging handlers
    owner: LocalServer

    def handle_error(self, request: object, client_address: object) -> None:
        pass  # clients hang up on purpose (timeouts, size limits); their broken pipes are not test failures


class LocalServer:
    """A ThreadingHTTPServer on 127.0.0.1 at a free port, serving the routes a test registers."""

    def __init__(self) -> None:
        self._httpd = _Server(("127.0.0.1", 0), _RequestHandler)
        self._httpd.owner = self
        self.port: int = self._httpd.server_address[1]
        self._lock = threading.Lock()
        self._routes: dict[str, Route] = {}
        self._requests: list[RecordedRequest] = []
        self._release = threading.Event()
        self._thread = threading.Thread(target=self._httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
        self._thread.start()

    # -- for tests ---------------------------------------------------------------------------------------------

    def url(self, path: str = "/") -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def route(
        self,
        path: str,
        *,
        body: bytes | str = b"",
        content_type: str = "text/plain; charset=utf-8",
        status: int = 200,
        headers: dict[str, str] | None = None,
        handler: Handler | None = None,
    ) -> None:
        """Serve `path` (matched with its query string first, then without) with a canned response or `handler`."""
        if isinstance(body, str):
            body = body.encode()
        with self._lock:
            self._routes[path] = Route(status, body, content_type, dict(headers or {}), handler)

    def robots(self, text: str = "", *, status: int = 200) -> None:
        """Serve /robots.txt."""
        self.route("/robots.txt", body=text, status=status)

    @property
    def requests(self) -> list[RecordedRequest]:
        with self._lock:
            return list(self._requests)

    def requests_to(self, path: str) -> list[RecordedRequest]:
        return [r for r in self.requests if urlsplit(r.path).path == path]

    def hang(self, seconds: float = 30.0) -> None:
        """For handlers: block up to `seconds`, returning early once the test is over."""
        self._release.wait(seconds)

    def reset(self) -> None:
        """Forget routes and requests, and wake handlers still hanging for an earlier test."""
        with self._lock:
            self._routes.clear()
            self._requests.clear()
            self._release.set()
            self._release = threading.Event()

    def close(self) -> None:
        self._release.set()
        self._httpd.shutdown()
        self._httpd.server_close()
        self._thread.join(timeout=5)

    # -- server side -------------------------------------------------------------------------------------------

    def _serve(self, request: BaseHTTPRequestHandler) -> None:
        with self._lock:
            self._requests.append(
                RecordedRequest(request.command, request.path, dict(request.headers.items()), time.monotonic())
            )
            route = self._routes.get(request.path) or self._routes.get(urlsplit(request.path).path)
        if route is None:
            route = Route(status=404, body=b"not found")
        if route.handler is not None:
            try:
                route.handler(request)
            except (ConnectionError, TimeoutError, OSError):
                request.close_connection = True  # the client went away, as tests often make it do
            return
        request.send_response(route.status)
        request.send_header("Content-Type", route.content_type)
        request.send_header("Content-Length", str(len(route.body)))
        for name, value in route.headers.items():
            request.send_header(name, value)
        request.end_headers()
        if request.command != "HEAD":
            request.wfile.write(route.body)


def closed_port() -> int:
    """A port on 127.0.0.1 that nothing listens on (bound and released, so connecting is refused at once)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="session")
def _local_server_session():
    server = LocalServer()
    yield server
    server.close()


@pytest.fixture
def local_server(_local_server_session: LocalServer) -> LocalServer:
    """The session's local HTTP server, with no routes and an empty request log."""
    _local_server_session.reset()
    yield _local_server_session
    _local_server_session.reset()
