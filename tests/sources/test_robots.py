"""robots.txt (RFC 9309) as fetch() applies it, against a real HTTP server on 127.0.0.1."""

import dataclasses

import pytest

from sociose.sources import robots
from sociose.sources.fetch import FetchPolicy, RobotsDisallowed, clear_robots_cache, fetch, robots_allows
from tests.localserver import closed_port

POLICY = FetchPolicy(
    user_agent="Sociose/0.1 (+https://contact.example)", timeout=1.0, max_bytes=100_000,
    allow_hosts=frozenset({"127.0.0.1"}), host_interval=0.0, respect_robots=True,
)

ROBOTS = """
User-agent: *
Disallow: /

User-agent: Sociose
Disallow: /private/
Allow: /private/open
"""


@pytest.fixture(autouse=True)
def _fresh_cache():
    clear_robots_cache()
    yield
    clear_robots_cache()


def test_disallowed_path_is_refused(local_server):
    local_server.robots(ROBOTS)
    local_server.route("/private/page", body=b"secret")

    with pytest.raises(RobotsDisallowed, match="robots.txt disallows") as info:
        fetch(local_server.url("/private/page"), policy=POLICY)

    assert info.value.url == local_server.url("/private/page")
    assert local_server.requests_to("/private/page") == []
    assert local_server.requests_to("/robots.txt")[0].header("User-Agent") == POLICY.user_agent


def test_allowed_paths_are_fetched_and_robots_txt_is_cached(local_server):
    local_server.robots(ROBOTS)
    local_server.route("/news", body=b"news")
    local_server.route("/private/open", body=b"open")

    assert fetch(local_server.url("/news"), policy=POLICY).content == b"news"
    assert fetch(local_server.url("/private/open"), policy=POLICY).content == b"open"

    assert len(local_server.requests_to("/robots.txt")) == 1
    assert robots_allows(local_server.url("/news"), POLICY)
    assert not robots_allows(local_server.url("/private/x"), POLICY)


def test_robots_is_not_applied_when_turned_off(local_server):
    local_server.robots(ROBOTS)
    local_server.route("/private/page", body=b"mine")

    assert fetch(local_server.url("/private/page"), policy=dataclasses.replace(POLICY, respect_robots=False)).content
    assert local_server.requests_to("/robots.txt") == []


@pytest.mark.parametrize(("status", "allowed"), [(404, True), (403, True), (410, True), (500, False), (503, False)])
def test_robots_status_decides(local_server, status, allowed):
    local_server.robots("User-agent: *\nDisallow: /\n", status=status)
    local_server.route("/page", body=b"page")

    if allowed:
        assert fetch(local_server.url("/page"), policy=POLICY).content == b"page"
    else:
        with pytest.raises(RobotsDisallowed, match=f"HTTP {status}"):
            fetch(local_server.url("/page"), policy=POLICY)


def test_unreachable_robots_disallows(local_server):
    url = f"http://127.0.0.1:{closed_port()}/page"

    assert not robots_allows(url, POLICY)
    with pytest.raises(RobotsDisallowed, match="unreachable"):
        fetch(url, policy=POLICY)


def test_hanging_robots_disallows(local_server):
    local_server.route("/robots.txt", handler=lambda h: local_server.hang())

    with pytest.raises(RobotsDisallowed, match="timed out"):
        fetch(local_server.url("/page"), policy=dataclasses.replace(POLICY, timeout=0.3))


def test_robots_redirect_is_followed(local_server):
    local_server.route("/robots.txt", status=301, headers={"Location": "/real-robots.txt"})
    local_server.route("/real-robots.txt", body="User-agent: sociose\nDisallow: /drafts\n")
    local_server.route("/drafts/1", body=b"draft")

    with pytest.raises(RobotsDisallowed):
        fetch(local_server.url("/drafts/1"), policy=POLICY)


def test_robots_redirect_loop_means_unavailable(local_server):
    local_server.route("/robots.txt", status=302, headers={"Location": "/robots.txt"})
    local_server.route("/page", body=b"page")

    assert fetch(local_server.url("/page"), policy=POLICY).content == b"page"


def test_every_redirect_hop_is_checked(local_server):
    local_server.robots(ROBOTS)
    local_server.route("/news", status=302, headers={"Location": "/private/page"})

    with pytest.raises(RobotsDisallowed):
        fetch(local_server.url("/news"), policy=POLICY)


def test_large_robots_txt_is_truncated_not_refused(local_server):
    rules = "User-agent: Sociose\nDisallow: /private/\n"
    local_server.robots(rules + "# padding\n" * 60_000)  # 600 KB
    local_server.route("/page", body=b"page")

    assert fetch(local_server.url("/page"), policy=POLICY).content == b"page"
    assert not robots_allows(local_server.url("/private/x"), POLICY)


def test_rules_from_response():
    parsed = robots.rules_from_response(200, b"User-agent: *\nDisallow: /a\n")
    assert not parsed.allows("http://x.example/a/b", "Sociose")
    assert parsed.allows("http://x.example/b", "Sociose")
    assert robots.rules_from_response(404, b"").allows("http://x.example/a", "Sociose")
    assert not robots.rules_from_response(500, b"").allows("http://x.example/a", "Sociose")


def test_product_token():
    assert robots.product_token("Sociose/0.1 (+https://contact.example)") == "Sociose"
    assert robots.product_token("") == "*"


def test_cache_is_bounded_and_expires(monkeypatch):
    cache = robots.RobotsCache(size=2)
    for key in "abc":
        cache.put(key, robots.RobotsRules())
    assert cache.get("a") is None and cache.get("c") is not None
    monkeypatch.setattr(robots, "CACHE_SECONDS", -1.0)
    cache.put("d", robots.RobotsRules())
    assert cache.get("d") is None
