"""fetch() against a real HTTP server on 127.0.0.1: politeness, limits, redirects, and the address guard."""

import dataclasses
import gzip
import threading
import time
import tracemalloc
import zlib
from functools import cache

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sociose.sources.fetch import (
    BlockedURL,
    ConnectionFailed,
    FetchError,
    FetchPolicy,
    FetchTimeout,
    HTTPStatusError,
    InvalidURL,
    TooLarge,
    TooManyRedirects,
    address_problem,
    fetch,
    is_public_address,
)
from tests.localserver import closed_port

UA = "Sociose/0.1 (+https://contact.example)"
POLICY = FetchPolicy(
    user_agent=UA, timeout=2.0, max_bytes=100_000, allow_hosts=frozenset({"127.0.0.1"}), host_interval=0.0,
    respect_robots=False,
)


def policy(**changes) -> FetchPolicy:
    return dataclasses.replace(POLICY, **changes)


def send_head(handler, status=200, headers=None, length=None):
    handler.send_response(status)
    for name, value in (headers or {}).items():
        handler.send_header(name, value)
    if length is None:
        handler.send_header("Connection", "close")
        handler.close_connection = True
    else:
        handler.send_header("Content-Length", str(length))
    handler.end_headers()
    handler.wfile.flush()


@cache
def gzip_bomb() -> bytes:
    return gzip.compress(b"\0" * 50_000_000, compresslevel=9)  # about 50 KB


# -- Plain fetching --------------------------------------------------------------------------------------------


def test_plain_200_sends_user_agent_and_decodes_metadata(local_server):
    local_server.route("/feed.xml", body=b"<rss/>", content_type="application/RSS+xml; charset=UTF-8")

    result = fetch(local_server.url("/feed.xml"), policy=POLICY, accept="application/rss+xml")

    assert (result.status_code, result.content, result.not_modified) == (200, b"<rss/>", False)
    assert result.url == result.requested_url == local_server.url("/feed.xml")
    assert result.redirects == []
    assert result.content_type == "application/rss+xml"
    assert result.charset == "UTF-8"
    [request] = local_server.requests
    assert request.header("User-Agent") == UA
    assert request.header("Accept") == "application/rss+xml"
    assert request.header("Accept-Encoding") == "gzip, deflate"


def test_policy_from_settings(local_server, fetch_settings):
    local_server.route("/", body=b"hello")

    result = fetch(local_server.url("/"))  # policy from settings.SOCIOSE

    assert result.content == b"hello"
    expected = FetchPolicy.from_settings()
    assert expected.user_agent == f"Sociose/0.1.0 (+{fetch_settings['contact_url']})"
    assert expected.allow_hosts == {"127.0.0.1"}
    assert local_server.requests_to("/")[0].header("User-Agent") == expected.user_agent


def test_conditional_get_gives_not_modified(local_server):
    def handler(h):
        if h.headers.get("If-None-Match") == '"v1"':
            send_head(h, 304, {"ETag": '"v1"'}, length=0)
        else:
            send_head(h, 200, {"ETag": '"v1"'}, length=5)
            h.wfile.write(b"fresh")

    local_server.route("/feed", handler=handler)

    fresh = fetch(local_server.url("/feed"), policy=POLICY)
    cached = fetch(local_server.url("/feed"), policy=POLICY, etag='"v1"', last_modified="Tue, 01 Jul 2025 10:00:00 GMT")

    assert (fresh.status_code, fresh.content, fresh.headers["etag"]) == (200, b"fresh", '"v1"')
    assert (cached.status_code, cached.content, cached.not_modified) == (304, b"", True)
    second = local_server.requests[1]
    assert second.header("If-None-Match") == '"v1"'
    assert second.header("If-Modified-Since") == "Tue, 01 Jul 2025 10:00:00 GMT"
    assert local_server.requests[0].header("If-None-Match") is None


@pytest.mark.parametrize("status", [404, 410, 500, 503])
def test_error_statuses_raise_http_status_error(local_server, status):
    local_server.route("/gone", status=status, body=b"nope")

    with pytest.raises(HTTPStatusError, match=f"HTTP {status}") as info:
        fetch(local_server.url("/gone"), policy=POLICY)

    assert info.value.status_code == status
    assert info.value.url == local_server.url("/gone")


def test_connection_refused(local_server):
    with pytest.raises(ConnectionFailed, match="connection failed"):
        fetch(f"http://127.0.0.1:{closed_port()}/", policy=POLICY)


def test_garbage_response_is_a_fetch_error(local_server):
    def handler(h):
        h.wfile.write(b"this is not HTTP\r\n\r\n")
        h.close_connection = True

    local_server.route("/garbage", handler=handler)

    with pytest.raises(FetchError, match="invalid HTTP response"):
        fetch(local_server.url("/garbage"), policy=POLICY)


# -- Size limits and decompression -----------------------------------------------------------------------------


def test_body_over_limit_with_content_length(local_server):
    local_server.route("/big", body=b"x" * 100_001)

    with pytest.raises(TooLarge, match="body larger than 100000 bytes"):
        fetch(local_server.url("/big"), policy=POLICY)


def test_body_at_limit_is_fine(local_server):
    local_server.route("/exact", body=b"x" * 100_000)

    assert len(fetch(local_server.url("/exact"), policy=POLICY).content) == 100_000


def test_body_over_limit_without_content_length(local_server):
    def handler(h):
        send_head(h, 200, {"Content-Type": "text/html"})
        for _ in range(100):  # 6.4 MB unless the client hangs up first
            h.wfile.write(b"x" * 65536)

    local_server.route("/endless", handler=handler)

    with pytest.raises(TooLarge):
        fetch(local_server.url("/endless"), policy=POLICY)


def test_gzip_bomb_is_stopped_with_bounded_memory(local_server):
    bomb = gzip_bomb()
    local_server.route("/bomb", body=bomb, headers={"Content-Encoding": "gzip"})

    tracemalloc.start()
    try:
        with pytest.raises(TooLarge):
            fetch(local_server.url("/bomb"), policy=policy(max_bytes=1_000_000))
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()

    assert peak < 2_000_000  # inflating 50 MB would be far above; max_bytes + a piece + overhead is below


@pytest.mark.parametrize(
    ("encoding", "compress"),
    [
        ("gzip", gzip.compress),
        ("x-gzip", gzip.compress),
        ("deflate", zlib.compress),  # zlib-wrapped, as RFC 9110 says
        ("deflate", lambda data: zlib.compress(data, wbits=-15)),  # raw deflate, as some servers send
    ],
)
def test_compressed_bodies_are_decoded(local_server, encoding, compress):
    text = b"<rss>" + b"news " * 5000 + b"</rss>"
    local_server.route("/feed", body=compress(text), headers={"Content-Encoding": encoding})

    assert fetch(local_server.url("/feed"), policy=POLICY).content == text


@pytest.mark.parametrize(
    "body", [b"\x1f\x8b\x08\x00garbage garbage garbage", gzip.compress(b"hello " * 1000)[:-30]], ids=["corrupt", "cut"]
)
def test_corrupt_gzip_is_a_fetch_error(local_server, body):
    local_server.route("/bad", body=body, headers={"Content-Encoding": "gzip"})

    with pytest.raises(FetchError, match="corrupt compressed body") as info:
        fetch(local_server.url("/bad"), policy=POLICY)

    assert type(info.value) is FetchError


def test_unsupported_content_encoding(local_server):
    local_server.route("/br", body=b"\x0b\x02\x80hello\x03", headers={"Content-Encoding": "br"})

    with pytest.raises(FetchError, match="unsupported Content-Encoding: br"):
        fetch(local_server.url("/br"), policy=POLICY)


# -- Redirects -------------------------------------------------------------------------------------------------


def chain(local_server, hops: int) -> str:
    """/r0 -> /r1 -> ... -> /r{hops} which answers 200; returns the first URL."""
    for i in range(hops):
        local_server.route(f"/r{i}", status=301 if i % 2 else 302, headers={"Location": f"/r{i + 1}"})
    local_server.route(f"/r{hops}", body=b"arrived")
    return local_server.url("/r0")


def test_five_redirects_are_followed(local_server):
    result = fetch(chain(local_server, 5), policy=POLICY)

    assert result.content == b"arrived"
    assert result.url == local_server.url("/r5")
    assert result.requested_url == local_server.url("/r0")
    assert result.redirects == [local_server.url(f"/r{i}") for i in range(5)]


def test_six_redirects_are_too_many(local_server):
    with pytest.raises(TooManyRedirects, match="more than 5 redirects"):
        fetch(chain(local_server, 6), policy=POLICY)

    assert len(local_server.requests) == 6  # the sixth Location is never requested


def test_redirect_loop(local_server):
    local_server.route("/a", status=302, headers={"Location": local_server.url("/b")})
    local_server.route("/b", status=307, headers={"Location": "/a"})

    with pytest.raises(TooManyRedirects):
        fetch(local_server.url("/a"), policy=POLICY)


def test_relative_redirect_is_resolved(local_server):
    local_server.route("/feeds/old", status=308, headers={"Location": "new?x=1"})
    local_server.route("/feeds/new", body=b"ok")

    result = fetch(local_server.url("/feeds/old"), policy=POLICY)

    assert result.url == local_server.url("/feeds/new?x=1")


@pytest.mark.parametrize("location", ["file:///etc/passwd", "ftp://127.0.0.1/x", "javascript:alert(1)", "gopher://a/"])
def test_redirect_to_other_scheme_is_refused(local_server, location):
    local_server.route("/r", status=302, headers={"Location": location})

    with pytest.raises(BlockedURL, match="is not http or https"):
        fetch(local_server.url("/r"), policy=POLICY)


@pytest.mark.parametrize("location", [b"http://[zz/", b"http://\xff\xfe\xfd:99999/", b"http://exa mple.com:x/"])
def test_bad_location_header_is_a_fetch_error(local_server, location):
    def handler(h):
        h.wfile.write(b"HTTP/1.1 302 Found\r\nLocation: " + location + b"\r\nContent-Length: 0\r\n\r\n")

    local_server.route("/r", handler=handler)

    with pytest.raises(FetchError):
        fetch(local_server.url("/r"), policy=POLICY)


def test_redirect_without_location_is_an_error(local_server):
    local_server.route("/r", status=302)

    with pytest.raises(HTTPStatusError, match="HTTP 302 without a usable Location"):
        fetch(local_server.url("/r"), policy=POLICY)


# -- Deadline --------------------------------------------------------------------------------------------------


def test_server_that_hangs_after_headers_times_out(local_server):
    def handler(h):
        send_head(h, 200, length=1000)
        local_server.hang()

    local_server.route("/hang", handler=handler)

    started = time.monotonic()
    with pytest.raises(FetchTimeout, match="timed out after 0.5s"):
        fetch(local_server.url("/hang"), policy=policy(timeout=0.5))
    assert 0.45 < time.monotonic() - started < 1.5


def test_server_that_never_answers_times_out(local_server):
    local_server.route("/silent", handler=lambda h: local_server.hang())

    started = time.monotonic()
    with pytest.raises(FetchTimeout):
        fetch(local_server.url("/silent"), policy=policy(timeout=0.5))
    assert time.monotonic() - started < 1.5


def test_slow_drip_is_cut_off_at_the_deadline(local_server):
    def handler(h):
        send_head(h, 200, length=100)
        for _ in range(100):  # 10 s in all, a byte at a time: each read is quick, the whole is not
            h.wfile.write(b"x")
            h.wfile.flush()
            time.sleep(0.1)

    local_server.route("/drip", handler=handler)

    started = time.monotonic()
    with pytest.raises(FetchTimeout):
        fetch(local_server.url("/drip"), policy=policy(timeout=0.8))
    assert 0.75 < time.monotonic() - started < 1.5


# -- Address guard ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "address",
    [
        "10.0.0.1", "172.16.0.1", "192.168.1.1", "127.0.0.1", "127.8.9.10", "169.254.169.254", "0.0.0.0", "100.64.0.1",
        "224.0.0.1", "240.0.0.1", "255.255.255.255", "::1", "::", "fe80::1", "fe80::1%eth0", "fc00::1", "ff02::1",
        "::ffff:127.0.0.1", "::ffff:10.0.0.1", "::ffff:169.254.169.254", "2002:7f00:1::", "64:ff9b::a00:1",
    ],
)
def test_non_public_addresses_are_refused(address):
    assert not is_public_address(address)
    assert address_problem(address).endswith("address")


@pytest.mark.parametrize(
    "address", ["93.184.216.34", "1.1.1.1", "2606:2800:220:1:248:1893:25c8:1946", "::ffff:8.8.8.8"]
)
def test_public_addresses_are_allowed(address):
    assert is_public_address(address)
    assert address_problem(address) is None


@pytest.mark.parametrize(
    ("host", "message"),
    [("127.0.0.1", "refused: 127.0.0.1 is a loopback address"), ("localhost", "localhost resolves to 127.0.0.1")],
)
def test_loopback_is_refused_unless_allowed(local_server, host, message):
    local_server.route("/", body=b"secret")

    with pytest.raises(BlockedURL, match=message) as info:
        fetch(f"http://{host}:{local_server.port}/", policy=policy(allow_hosts=frozenset()))

    assert info.value.url == f"http://{host}:{local_server.port}/"
    assert local_server.requests == []  # refused before connecting


def test_allow_hosts_by_name(local_server):
    local_server.route("/", body=b"mine")

    result = fetch(f"http://localhost:{local_server.port}/", policy=policy(allow_hosts=frozenset({"LocalHost"})))

    assert result.content == b"mine"


def test_literal_private_address_is_refused_without_connecting():
    started = time.monotonic()
    with pytest.raises(BlockedURL, match="refused: 10.0.0.1 is a private address"):
        fetch("http://10.0.0.1/feed", policy=POLICY)
    with pytest.raises(BlockedURL, match="link-local"):
        fetch("http://[fe80::1]/", policy=POLICY)
    with pytest.raises(BlockedURL, match="loopback"):
        fetch("http://[::ffff:127.0.0.2]/", policy=POLICY)
    assert time.monotonic() - started < 1


@pytest.mark.parametrize("target", ["http://169.254.169.254/latest/meta-data/", "http://127.0.0.1:{port}/admin"])
def test_redirect_from_allowed_host_to_blocked_address_is_refused(local_server, target):
    local_server.route("/r", status=302, headers={"Location": target.format(port=local_server.port)})
    local_server.route("/admin", body=b"secret")

    with pytest.raises(BlockedURL, match="refused"):
        fetch(f"http://localhost:{local_server.port}/r", policy=policy(allow_hosts=frozenset({"localhost"})))

    assert local_server.requests_to("/admin") == []


@pytest.mark.parametrize(
    ("url", "error"),
    [
        ("", InvalidURL), ("feed.xml", InvalidURL), ("//example.com/feed", InvalidURL), ("http://a%2fb/", InvalidURL),
        ("ftp://example.com/", BlockedURL), ("http://", InvalidURL),
        ("http:///path", InvalidURL), ("http://[::1/", InvalidURL), ("file:///etc/passwd", BlockedURL),
        ("http://exa mple.com/", InvalidURL), ("https://example.com:99999/", InvalidURL),
    ],
)
def test_bad_urls_fail_before_connecting(url, error):
    started = time.monotonic()
    with pytest.raises(error):
        fetch(url, policy=POLICY)
    assert time.monotonic() - started < 0.5  # no DNS lookup, no connection


CLOSED_PORT = closed_port()


@settings(max_examples=50, deadline=None)
@given(st.one_of(st.text(), st.text().map(lambda s: f"http://127.0.0.1:{CLOSED_PORT}/{s}")))
def test_any_text_as_url_raises_only_fetch_error(text):
    try:
        fetch(text, policy=policy(timeout=0.5, respect_robots=True))
    except FetchError:
        pass



# -- Politeness ------------------------------------------------------------------------------------------------


def test_requests_to_one_host_are_spaced_by_the_interval(local_server):
    local_server.route("/a", body=b"a")
    paced = policy(host_interval=0.3)

    fetch(local_server.url("/a"), policy=paced)
    fetch(local_server.url("/a"), policy=paced)

    first, second = local_server.requests
    assert second.time - first.time >= 0.28


def test_concurrent_requests_to_one_host_are_bounded(local_server):
    lock = threading.Lock()
    active = [0, 0]  # now, most

    def handler(h):
        with lock:
            active[0] += 1
            active[1] = max(active)
        time.sleep(0.15)
        with lock:
            active[0] -= 1
        send_head(h, 200, length=2)
        h.wfile.write(b"ok")

    local_server.route("/slow", handler=handler)
    threads = [
        threading.Thread(target=fetch, args=(local_server.url("/slow"),), kwargs={"policy": policy(host_concurrency=2)})
        for _ in range(5)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=5)

    assert len(local_server.requests) == 5
    assert active[1] == 2


def test_tls_handshake_failure_is_connection_failed(local_server):
    with pytest.raises(ConnectionFailed, match="connection failed"):  # the local server speaks plain HTTP
        fetch(f"https://127.0.0.1:{local_server.port}/", policy=POLICY)
