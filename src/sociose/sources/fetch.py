"""Fetching over HTTP: the only module of Sociose that talks to the network.

`fetch(url)` GETs one URL politely and safely:

- only http and https; every address a host resolves to is checked *after* DNS resolution, on the address actually
  connected to, at every redirect hop, so private, loopback and link-local services (cloud metadata, the admin
  panel on localhost, ...) cannot be reached through a feed URL or a redirect, nor through DNS rebinding;
- one deadline per request, connect to last byte, that a server dripping bytes or hanging cannot stretch;
- a cap on the body after decompression, enforced while decompressing (a gzip bomb never gets inflated);
- robots.txt (RFC 9309), a User-Agent with the operator's contact URL, and per-host concurrency and pacing.

Every network or protocol problem surfaces as a `FetchError` subclass whose message says what went wrong.
"""

from __future__ import annotations

import functools
import ipaddress
import logging
import math
import re
import socket
import ssl
import threading
import time
import zlib
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

import httpcore
import httpx

from sociose.sources import robots

__all__ = [
    "BlockedURL", "ConnectionFailed", "FetchError", "FetchPolicy", "FetchResult", "FetchTimeout", "HTTPStatusError",
    "InvalidURL", "RobotsDisallowed", "TooLarge", "TooManyRedirects",
    "address_problem", "clear_robots_cache", "fetch", "is_public_address", "robots_allows",
]

logger = logging.getLogger(__name__)

REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})


@dataclass(frozen=True)
class FetchPolicy:
    """How fetch() behaves; `from_settings()` builds the one configured by the operator."""

    user_agent: str
    timeout: float = 20.0  # one request, connect to last byte; each redirect hop and robots.txt get their own
    max_bytes: int = 10_000_000  # body size after decompression
    max_redirects: int = 5
    allow_hosts: frozenset[str] = frozenset()  # may be fetched even if private or loopback
    host_concurrency: int = 2  # per host, in this process
    host_interval: float = 1.0  # seconds between two request starts to one host, in this process
    respect_robots: bool = True

    def __post_init__(self) -> None:
        object.__setattr__(self, "allow_hosts", frozenset(_normalize_host(h) for h in self.allow_hosts))

    @classmethod
    def from_settings(cls) -> FetchPolicy:
        from django.conf import settings

        from sociose import __version__

        options = settings.SOCIOSE
        return cls(
            user_agent=f"Sociose/{__version__} (+{options['contact_url']})",
            timeout=float(options["fetch_timeout"]),
            max_bytes=int(options["fetch_max_bytes"]),
            allow_hosts=frozenset(options["fetch_allow_hosts"]),
            host_concurrency=int(options["fetch_host_concurrency"]),
            host_interval=float(options["fetch_host_interval"]),
            respect_robots=bool(options["respect_robots"]),
        )


class FetchError(Exception):
    """A fetch failed; the message is a reason fit to show to an operator."""

    def __init__(self, message: str, *, url: str = "", status_code: int | None = None) -> None:
        super().__init__(message)
        self.url = url
        self.status_code = status_code


class InvalidURL(FetchError):
    """The URL cannot be parsed or has no host."""


class BlockedURL(FetchError):
    """The scheme is not http(s), or the host is (or resolves to) a non-public address."""


class RobotsDisallowed(FetchError):
    """robots.txt forbids Sociose to fetch the URL."""


class TooLarge(FetchError):
    """The body, decompressed, is larger than the policy's max_bytes."""


class TooManyRedirects(FetchError):
    """More redirects than the policy's max_redirects (redirect loops end here too)."""


class HTTPStatusError(FetchError):
    """The server answered 4xx or 5xx (or a redirect without a usable Location)."""


class FetchTimeout(FetchError):
    """The request did not complete within the policy's timeout."""


class ConnectionFailed(FetchError):
    """DNS, TCP or TLS failed, or the connection broke."""


@dataclass
class FetchResult:
    url: str  # final URL, after redirects
    requested_url: str
    status_code: int  # 2xx, or 304 when not_modified
    headers: httpx.Headers
    content: bytes  # decompressed body; b"" when not_modified
    not_modified: bool
    redirects: list[str] = field(default_factory=list)  # each URL that answered with a redirect, requested_url first
    elapsed: float = 0.0  # seconds spent in fetch(), waits for robots.txt and politeness included

    @property
    def content_type(self) -> str:
        return self.headers.get("content-type", "").split(";", 1)[0].strip().lower()

    @property
    def charset(self) -> str | None:
        for param in self.headers.get("content-type", "").split(";")[1:]:
            name, _, value = param.partition("=")
            if name.strip().lower() == "charset" and value.strip().strip("\"'"):
                return value.strip().strip("\"'")
        return None


def fetch(
    url: str, *, policy: FetchPolicy | None = None, etag: str = "", last_modified: str = "", accept: str = "*/*"
) -> FetchResult:
    """GET `url` following redirects; a 2xx or 304 gives a FetchResult, anything else raises a FetchError."""
    policy = policy or FetchPolicy.from_settings()
    started = time.monotonic()
    headers: dict[str, str | bytes] = {"Accept": accept}
    # Validators go back as the server sent them; httpx decoded a non-ASCII one as UTF-8 (or Latin-1).
    if etag:
        headers["If-None-Match"] = _header_bytes(etag)
    if last_modified:
        headers["If-Modified-Since"] = _header_bytes(last_modified)
    with _Session(policy) as session:
        result = session.get(
            url, headers, max_bytes=policy.max_bytes, max_redirects=policy.max_redirects,
            check_robots=policy.respect_robots,
        )
    if not (result.not_modified or 200 <= result.status_code < 300):
        reason = f"HTTP {result.status_code}"
        if result.status_code in REDIRECT_STATUSES:
            reason += " without a usable Location header"
        raise HTTPStatusError(reason, url=result.url, status_code=result.status_code)
    result.requested_url = url
    result.elapsed = time.monotonic() - started
    return result


def _header_bytes(value: str) -> bytes:
    try:
        return value.encode("utf-8")
    except UnicodeError:  # lone surrogates
        raise FetchError(f"invalid header value {value!r}") from None


def robots_allows(url: str, policy: FetchPolicy | None = None) -> bool:
    """Whether robots.txt lets Sociose fetch `url` (fetching and caching robots.txt when needed)."""
    policy = policy or FetchPolicy.from_settings()
    with _Session(policy) as session:
        parsed = _parse_url(url)
        return session.robots_rules(parsed).allows(str(parsed), robots.product_token(policy.user_agent))


def clear_robots_cache() -> None:
    robots.cache.clear()


# -- Addresses ---------------------------------------------------------------------------------------------------

_NAT64 = ipaddress.ip_network("64:ff9b::/96")


def address_problem(address: str) -> str | None:
    """Why an IP address must not be fetched ('a private address', ...), or None for a public address.

    IPv6 forms that embed an IPv4 address (IPv4-mapped, 6to4, NAT64) are judged by the embedded address too.
    """
    ip = ipaddress.ip_address(address.split("%", 1)[0])  # drop an IPv6 zone ("fe80::1%eth0")
    if isinstance(ip, ipaddress.IPv6Address):
        if ip.ipv4_mapped is not None:  # connecting to ::ffff:a.b.c.d connects to a.b.c.d
            return address_problem(str(ip.ipv4_mapped))
        embedded = ip.sixtofour
        if embedded is None and ip in _NAT64:
            embedded = ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
        if embedded is not None and (problem := address_problem(str(embedded))):
            return problem
    for test, kind in (
        (ip.is_unspecified, "an unspecified"), (ip.is_loopback, "a loopback"), (ip.is_link_local, "a link-local"),
        (ip.is_multicast, "a multicast"), (ip.is_private, "a private"), (ip.is_reserved, "a reserved"),
        (not ip.is_global, "a non-global"),
    ):
        if test:
            return f"{kind} address"
    return None


def is_public_address(address: str) -> bool:
    return address_problem(address) is None


def _normalize_host(host: str) -> str:
    host = host.strip().lower().strip("[]")
    try:
        return str(ipaddress.ip_address(host))
    except ValueError:
        return host


class _GuardedBackend(httpcore.SyncBackend):
    """httpcore's socket backend, plus the address check and the request deadline.

    connect_tcp() resolves the host itself, refuses it if any address is non-public (unless allowed), then connects
    to one of the checked addresses as an IP literal, so the address checked is the address connected to. TLS is
    unaffected: httpcore passes the host name to start_tls() for SNI and certificate checks.
    """

    def __init__(self, allow_hosts: frozenset[str]) -> None:
        self.allow_hosts = allow_hosts
        self.deadline = math.inf  # time.monotonic() by which the current request must be done

    def remaining(self, timeout: float | None, error: type[Exception]) -> float:
        left = self.deadline - time.monotonic()
        if left <= 0:
            raise error("deadline reached")
        return left if timeout is None else min(timeout, left)

    def connect_tcp(self, host, port, timeout=None, local_address=None, socket_options=None):  # noqa: ANN001, ANN201
        addresses = self._checked_addresses(host, port)
        error: Exception = httpcore.ConnectError(f"no address for {host}")
        for address in addresses:
            try:
                stream = super().connect_tcp(
                    address, port, self.remaining(timeout, httpcore.ConnectTimeout), local_address, socket_options
                )
            except httpcore.ConnectError as exc:  # refused or unreachable: try the host's next address
                error = exc
                continue
            return _DeadlineStream(stream, self)
        raise error

    def _checked_addresses(self, host: str, port: int) -> list[str]:
        try:
            infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
        except (OSError, UnicodeError) as exc:
            raise httpcore.ConnectError(f"cannot resolve {host}: {exc}") from exc
        addresses = list(dict.fromkeys(str(info[4][0]) for info in infos))
        if _normalize_host(host) in self.allow_hosts:
            return addresses
        for address in addresses:
            problem = address_problem(address)
            if problem and _normalize_host(address) not in self.allow_hosts:
                if _normalize_host(host) == _normalize_host(address):
                    raise BlockedURL(f"refused: {address} is {problem}")
                raise BlockedURL(f"refused: {host} resolves to {address}, {problem}")
        return addresses


class _DeadlineStream(httpcore.NetworkStream):
    """A connection whose every read and write waits no longer than the current request's deadline."""

    def __init__(self, stream: httpcore.NetworkStream, backend: _GuardedBackend) -> None:
        self._stream = stream
        self._backend = backend

    def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        return self._stream.read(max_bytes, self._backend.remaining(timeout, httpcore.ReadTimeout))

    def write(self, buffer: bytes, timeout: float | None = None) -> None:
        self._stream.write(buffer, self._backend.remaining(timeout, httpcore.WriteTimeout))

    def close(self) -> None:
        self._stream.close()

    def start_tls(self, ssl_context, server_hostname=None, timeout=None):  # noqa: ANN001, ANN201
        timeout = self._backend.remaining(timeout, httpcore.ConnectTimeout)
        return _DeadlineStream(self._stream.start_tls(ssl_context, server_hostname, timeout), self._backend)

    def get_extra_info(self, info: str) -> object:
        return self._stream.get_extra_info(info)


@functools.cache
def _ssl_context() -> ssl.SSLContext:
    return httpx.create_ssl_context()  # loading the CA bundle is slow: once per process


class _GuardedTransport(httpx.HTTPTransport):
    """httpx's own transport (which maps httpcore errors to httpx ones) on a pool using _GuardedBackend.

    HTTPTransport takes no network_backend argument, so its pool is replaced by the same httpcore.ConnectionPool
    built with ours. That is what HTTPTransport builds when no proxy is given, and none ever is: a proxy (say, one
    taken from the environment) would connect on our behalf and bypass the address check.
    """

    def __init__(self, backend: _GuardedBackend) -> None:
        super().__init__(verify=_ssl_context(), trust_env=False)
        self._pool = httpcore.ConnectionPool(ssl_context=_ssl_context(), max_connections=4, network_backend=backend)


# -- Politeness --------------------------------------------------------------------------------------------------


class _HostGate:
    """Per host: at most `host_concurrency` requests at once, and request starts `host_interval` apart."""

    def __init__(self) -> None:
        self._cond = threading.Condition()
        self._active: dict[str, int] = {}
        self._last_start: dict[str, float] = {}

    @contextmanager
    def slot(self, host: str, policy: FetchPolicy) -> Iterator[None]:
        with self._cond:
            while self._active.get(host, 0) >= max(1, policy.host_concurrency):
                self._cond.wait()
            self._active[host] = self._active.get(host, 0) + 1
            now = time.monotonic()
            start = max(now, self._last_start.get(host, -math.inf) + policy.host_interval)
            self._last_start[host] = start  # reserved: the next caller is paced from this start
            if len(self._last_start) > 10_000:
                self._last_start = {h: t for h, t in self._last_start.items() if t > now - 3600}
        try:
            if start > now:
                time.sleep(start - now)
            yield
        finally:
            with self._cond:
                self._active[host] -= 1
                if not self._active[host]:
                    del self._active[host]
                self._cond.notify_all()


_gate = _HostGate()


# -- Requests ----------------------------------------------------------------------------------------------------


def _parse_url(text: str) -> httpx.URL:
    try:
        url = httpx.URL(text)
        host = url.raw_host.decode("ascii")  # IDNA-encoded by httpx
    except (httpx.InvalidURL, ValueError, TypeError, UnicodeError) as exc:
        raise InvalidURL(f"invalid URL: {exc}", url=str(text)) from None
    if not url.scheme:
        raise InvalidURL("invalid URL: not an absolute URL", url=str(text))
    if url.scheme not in ("http", "https"):
        raise BlockedURL(f"refused: scheme {url.scheme!r} is not http or https", url=str(text))
    if not (_HOST_NAME.fullmatch(host) or _is_ip(host)):
        raise InvalidURL(f"invalid URL: bad host {host!r}" if host else "invalid URL: no host", url=str(text))
    if url.port is not None and not 0 < url.port < 65536:
        raise InvalidURL(f"invalid URL: bad port {url.port}", url=str(text))
    return url.copy_with(fragment=None)


_HOST_NAME = re.compile(r"[a-z0-9_-]++(\.[a-z0-9_-]++)*\.?", re.IGNORECASE)


def _is_ip(host: str) -> bool:
    try:
        ipaddress.ip_address(host)
    except ValueError:
        return False
    return True


class _Session:
    """One guarded transport (and cookie jar) for one fetch(), its redirects and its robots.txt requests.

    It drives the transport directly rather than through httpx.Client: the client would parse and resolve every
    Location header itself, even with follow_redirects=False, before we could check it; we need none of its
    other machinery (auth, proxies from the environment, default headers).
    """

    def __init__(self, policy: FetchPolicy) -> None:
        self.policy = policy
        self.backend = _GuardedBackend(policy.allow_hosts)
        self.transport = _GuardedTransport(self.backend)
        self.cookies = httpx.Cookies()  # some sites set a cookie and redirect to the same URL
        self.headers = {"User-Agent": policy.user_agent, "Accept-Encoding": "gzip, deflate"}

    def __enter__(self) -> _Session:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.transport.close()

    def get(
        self, url: str, headers: dict[str, str | bytes], *, max_bytes: int, max_redirects: int, check_robots: bool,
        truncate: bool = False,
    ) -> FetchResult:
        """GET `url` following redirects; the body is read for 2xx only, and cut at max_bytes if `truncate`."""
        current = _parse_url(url)
        redirects: list[str] = []
        while True:
            if check_robots:
                self.check_robots(current)
            response = self._request(current, headers, max_bytes, truncate)
            location = response.headers.get("location", "").strip()
            if response.status_code not in REDIRECT_STATUSES or not location:
                response.redirects = redirects
                return response
            if len(redirects) >= max_redirects:
                raise TooManyRedirects(f"more than {max_redirects} redirects", url=url)
            try:
                target = str(current.join(location))
            except (httpx.InvalidURL, ValueError, TypeError, UnicodeError) as exc:
                raise InvalidURL(f"invalid redirect Location {location!r}: {exc}", url=str(current)) from None
            redirects.append(str(current))
            current = _parse_url(target)

    def _request(self, url: httpx.URL, headers: dict[str, str | bytes], max_bytes: int, truncate: bool) -> FetchResult:
        with _gate.slot(url.host, self.policy), self._errors(url):
            self.backend.deadline = time.monotonic() + self.policy.timeout
            try:
                timeouts = {"timeout": httpx.Timeout(self.policy.timeout).as_dict()}
                request = httpx.Request("GET", url, headers={**self.headers, **headers}, extensions=timeouts)
                self.cookies.set_cookie_header(request)
                response = self.transport.handle_request(request)
                response.request = request
                try:
                    logger.debug("GET %s: HTTP %s", url, response.status_code)
                    self.cookies.extract_cookies(response)
                    content = b""
                    if 200 <= response.status_code < 300:
                        content = _read_body(response, max_bytes, truncate)
                    status = response.status_code
                    return FetchResult(str(url), str(url), status, response.headers, content, status == 304)
                finally:
                    response.close()
            finally:
                self.backend.deadline = math.inf

    @contextmanager
    def _errors(self, url: httpx.URL) -> Iterator[None]:
        """Turn whatever the network, httpx, httpcore or zlib raise into a FetchError with a clear reason."""
        try:
            yield
        except FetchError as exc:
            exc.url = exc.url or str(url)
            raise
        except httpx.TimeoutException:
            raise FetchTimeout(f"timed out after {self.policy.timeout:g}s", url=str(url)) from None
        except httpx.NetworkError as exc:
            raise ConnectionFailed(f"connection failed: {exc or type(exc).__name__}", url=str(url)) from None
        except httpx.LocalProtocolError as exc:
            raise FetchError(f"invalid request: {exc}", url=str(url)) from None
        except httpx.ProtocolError as exc:
            raise FetchError(f"invalid HTTP response: {exc}", url=str(url)) from None
        except zlib.error as exc:
            raise FetchError(f"corrupt compressed body: {exc}", url=str(url)) from None
        except (httpx.HTTPError, httpx.InvalidURL, OSError, UnicodeError, ValueError) as exc:
            raise FetchError(f"request failed: {exc or type(exc).__name__}", url=str(url)) from None

    def check_robots(self, url: httpx.URL) -> None:
        rules = self.robots_rules(url)
        if not rules.allows(str(url), robots.product_token(self.policy.user_agent)):
            reason = f" ({rules.reason})" if rules.reason else ""
            raise RobotsDisallowed(f"robots.txt disallows {url}{reason}", url=str(url))

    def robots_rules(self, url: httpx.URL) -> robots.RobotsRules:
        key = robots.cache_key(url)
        rules = robots.cache.get(key)
        if rules is None:
            rules = self._fetch_robots(url)
            robots.cache.put(key, rules)
        return rules

    def _fetch_robots(self, url: httpx.URL) -> robots.RobotsRules:
        try:
            response = self.get(
                robots.robots_url(url), {"Accept": "text/plain, */*;q=0.5"}, max_bytes=robots.MAX_ROBOTS_BYTES,
                max_redirects=robots.MAX_ROBOTS_REDIRECTS, check_robots=False, truncate=True,
            )
        except TooManyRedirects as exc:
            return robots.unavailable(str(exc))
        except BlockedURL as exc:  # the page's host itself, or where its robots.txt redirects: refuse the page
            raise BlockedURL(str(exc), url=str(url)) from None
        except FetchError as exc:
            return robots.unreachable(str(exc))
        return robots.rules_from_response(response.status_code, response.content)


# -- Bodies ------------------------------------------------------------------------------------------------------


_PIECE = 65536  # largest piece inflated at once: zlib briefly holds twice its output


def _read_body(response: httpx.Response, max_bytes: int, truncate: bool) -> bytes:
    """The body, decompressed here (never by httpx) so that no more than max_bytes + one chunk is ever held."""
    inflater = _Inflater.for_encoding(response.headers.get("content-encoding", ""))
    length = response.headers.get("content-length", "")
    if inflater is None and not truncate and length.isdigit() and int(length) > max_bytes:
        raise TooLarge(f"body larger than {max_bytes} bytes")
    pieces: list[bytes] = []
    size = 0

    def add(piece: bytes) -> bool:
        """Keep `piece`; False once max_bytes is reached (when truncating)."""
        nonlocal size
        size += len(piece)
        if size <= max_bytes:
            pieces.append(piece)
            return True
        if not truncate:
            raise TooLarge(f"body larger than {max_bytes} bytes")
        pieces.append(piece[: len(piece) - (size - max_bytes)])
        return False

    for chunk in response.iter_raw():
        decoded = [chunk] if inflater is None else inflater.feed(chunk, lambda: min(_PIECE, max_bytes - size + 1))
        if not all(add(piece) for piece in decoded):
            return b"".join(pieces)
    if inflater is not None:
        add(inflater.finish())
    return b"".join(pieces)


class _Inflater:
    """Incremental gzip/deflate decoding whose output per step is bounded (zlib's max_length)."""

    def __init__(self, encoding: str) -> None:
        self.encoding = encoding
        self._zlib: zlib._Decompress | None = None  # created on the first bytes, whose header tells its format

    @classmethod
    def for_encoding(cls, header: str) -> _Inflater | None:
        codings = [c.strip().lower() for c in header.split(",") if c.strip().lower() not in ("", "identity")]
        if not codings:
            return None
        if len(codings) == 1 and codings[0] in ("gzip", "x-gzip", "deflate"):
            return cls(codings[0])
        raise FetchError(f"unsupported Content-Encoding: {header}")

    def feed(self, data: bytes, room: Callable[[], int]) -> Iterable[bytes]:
        """Decompressed pieces of `data`, each no longer than room() when it is produced."""
        if self._zlib is None:
            if not data:
                return
            # gzip, or "deflate" as RFC 9110 means it (zlib-wrapped); some servers send raw deflate instead.
            zlib_header = len(data) > 1 and data[0] & 0x0F == 8 and int.from_bytes(data[:2], "big") % 31 == 0
            raw = self.encoding == "deflate" and not (zlib_header or data[:2] == b"\x1f\x8b")
            self._zlib = zlib.decompressobj(-zlib.MAX_WBITS if raw else zlib.MAX_WBITS | 32)  # | 32: gzip or zlib
        while data and not self._zlib.eof:
            yield self._zlib.decompress(data, room())
            data = self._zlib.unconsumed_tail

    def finish(self) -> bytes:
        if self._zlib is None:
            return b""  # an empty body, e.g. a 204
        tail = self._zlib.flush()
        if not self._zlib.eof:
            raise FetchError(f"corrupt compressed body: {self.encoding} stream is truncated")
        return tail
