"""`sociose serve` as a real HTTP server on 127.0.0.1: what a client on the wire sees."""

from __future__ import annotations

import http.client
import json
import socket
import urllib.request
from html.parser import HTMLParser
from xml.etree import ElementTree

import pytest

from tests.factories import giveme_articles
from tests.siteserver import free_port, get, serving, site_env, sociose


def test_the_site_urls_host_is_always_allowed(tmp_path):
    """A proxy passes the public host name on; it is allowed even when SOCIOSE_ALLOWED_HOSTS does not list it."""
    env = site_env(tmp_path, SOCIOSE_SITE_URL="http://news.example.org", SOCIOSE_ALLOWED_HOSTS="localhost")
    with serving(env, "serve") as site:
        connection = http.client.HTTPConnection("127.0.0.1", site.port, timeout=10)
        connection.request("GET", "/about/", headers={"Host": "news.example.org"})
        response = connection.getresponse()
        assert response.status == 200 and b"Sociose" in response.read()
        connection.request("GET", "/about/", headers={"Host": "elsewhere.example.org"})
        response = connection.getresponse()
        assert response.status == 400  # the list still means something
        response.read()
        connection.close()


class _Links(HTMLParser):
    """The absolute links a page gives machines: canonical, feed autodiscovery, og:url and JSON-LD ids."""

    def __init__(self):
        super().__init__()
        self.canonical, self.feeds, self.others, self._jsonld = [], [], [], None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "link" and attrs.get("rel") == "canonical":
            self.canonical.append(attrs["href"])
        elif tag == "link" and attrs.get("rel") == "alternate":
            self.feeds.append(attrs["href"])
        elif tag == "meta" and attrs.get("property") == "og:url":
            self.others.append(attrs["content"])
        elif tag == "script" and attrs.get("type") == "application/ld+json":
            self._jsonld = []

    def handle_data(self, data):
        if self._jsonld is not None:
            self._jsonld.append(data)

    def handle_endtag(self, tag):
        if tag == "script" and self._jsonld is not None:
            data = json.loads("".join(self._jsonld))
            self.others += [data["@id"], data["url"]]
            if "mainEntityOfPage" in data:
                self.others.append(data["mainEntityOfPage"]["@id"])
            self._jsonld = None


def _links(html: str) -> _Links:
    parser = _Links()
    parser.feed(html)
    return parser


def test_with_no_site_url_every_advertised_link_answers_where_the_site_is_served(tmp_path):
    """`sociose serve --port N` with no SOCIOSE_SITE_URL: the front page, the sitemap, robots.txt and every page the
    sitemap lists name http://127.0.0.1:N, and every feed they advertise answers 200."""
    source = tmp_path / "articles.jsonl"
    source.write_text("".join(json.dumps(record) + "\n" for record in giveme_articles(6)))
    env = site_env(tmp_path / "home")
    imported = sociose(env, "import", str(source))
    assert imported.returncode == 0, imported.stderr
    with serving(env, "serve") as site:
        base = site.url("")
        front = _links(get(site.url("/")))
        sitemap = ElementTree.fromstring(get(site.url("/sitemap.xml")))
        pages = [loc.text for loc in sitemap.iter("{http://www.sitemaps.org/schemas/sitemap/0.9}loc")]
        assert any("/stories/" in page for page in pages) and any("/topics/" in page for page in pages)
        robots = [line.split(": ", 1)[1] for line in get(site.url("/robots.txt")).splitlines()
                  if line.startswith("Sitemap: ")]
        seen = [front]
        for page in pages:
            assert page.startswith(base + "/"), page
            seen.append(_links(get(page)))
            assert seen[-1].canonical == [page]
        feeds = sorted({feed for links in seen for feed in links.feeds})
        assert feeds and len(front.canonical) == 1
        for url in [*feeds, *robots, *(u for links in seen for u in links.canonical + links.others)]:
            assert url.startswith(base + "/"), url
        for url in feeds + robots:
            with urllib.request.urlopen(url, timeout=10) as response:  # noqa: S310 - our own server
                assert response.status == 200, url
        feed = json.loads(get(site.url("/feeds/feed.json")))
        assert feed["feed_url"] == site.url("/feeds/feed.json") and feed["home_page_url"] == site.url("/")
        assert feed["items"] and all(item["url"].startswith(base + "/stories/") for item in feed["items"])
        api = json.loads(get(site.url("/api/stories/")))
        assert api["results"][0]["url"].startswith(base + "/stories/")


@pytest.mark.parametrize("command", ["serve", "run"])
@pytest.mark.parametrize("host", ["0.0.0.0", "::", "192.0.2.10", "news.example.org"])
def test_serving_on_a_public_address_needs_a_site_url(tmp_path, command, host):
    """Links built from a wildcard or public address would name one readers cannot reach, or the wrong one."""
    result = sociose(site_env(tmp_path), command, "--host", host, "--port", str(free_port()), timeout=60)
    assert result.returncode == 2, result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "SOCIOSE_SITE_URL" in lines[0] and host in lines[0], lines


@pytest.mark.parametrize("header, warned", [("", True), ("X-Forwarded-Proto", False)])
def test_serve_warns_when_an_https_site_cannot_tell_https_requests(tmp_path, header, warned):
    """Sociose never speaks TLS itself: an https site URL means a proxy, whose header it must be told to believe."""
    env = site_env(tmp_path, SOCIOSE_SITE_URL="https://news.example.org", SOCIOSE_PROXY_SSL_HEADER=header)
    with serving(env, "serve") as site:
        pass
    assert ("SOCIOSE_PROXY_SSL_HEADER is not set" in site.process.stdout.read()) is warned


def _read_head(sock: socket.socket, buffer: bytes) -> tuple[bytes, dict[str, str], bytes]:
    """(status line, headers, the bytes after them) of the next response on `sock`."""
    while b"\r\n\r\n" not in buffer:
        chunk = sock.recv(65536)
        assert chunk, f"connection closed mid-response: {buffer!r}"
        buffer += chunk
    head, rest = buffer.split(b"\r\n\r\n", 1)
    status, *lines = head.decode("latin-1").split("\r\n")
    return status.encode(), {k.lower(): v.strip() for k, v in (line.split(":", 1) for line in lines)}, rest


@pytest.mark.parametrize("processes", ["1", "2"], ids=["waitress", "gunicorn"])
def test_head_has_the_headers_and_no_body_and_the_connection_stays_in_step(tmp_path, processes):
    """RFC 9110: a HEAD response carries no body. One sent anyway is read by a kept-alive client as the start of the
    next response. HEAD then GET on one connection, for a page, a feed, the API, a static file and a 404."""
    with serving(site_env(tmp_path), "serve", "--processes", processes) as site:
        sock = socket.create_connection(("127.0.0.1", site.port), timeout=10)
        buffer = b""
        for path in ["/about/", "/feeds/rss.xml", "/api/stories/", "/robots.txt", "/static/site/site.css",
                     "/no-such-page/"]:
            request = f" {path} HTTP/1.1\r\nHost: 127.0.0.1:{site.port}\r\n\r\n".encode()
            sock.sendall(b"HEAD" + request)
            head_status, head_headers, buffer = _read_head(sock, buffer)
            sock.settimeout(0.5)  # a body sent after a HEAD response arrives now, or the GET below reads it
            try:
                buffer += sock.recv(65536)
            except TimeoutError:
                pass
            sock.settimeout(10)
            sock.sendall(b"GET" + request)
            status, headers, buffer = _read_head(sock, buffer)
            assert status.startswith(b"HTTP/1.1 "), f"HEAD {path} left {status[:80]!r} on the connection"
            assert status == head_status, path
            length = int(headers["content-length"])
            while len(buffer) < length:
                buffer += sock.recv(65536)
            body, buffer = buffer[:length], buffer[length:]
            assert body and not buffer, path
            assert head_headers.get("content-length", str(length)) == str(length), path
            assert head_headers["content-type"] == headers["content-type"], path
        sock.close()
