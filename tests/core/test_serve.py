"""`sociose serve` as a real HTTP server on 127.0.0.1: what a client on the wire sees."""

from __future__ import annotations

import http.client

from tests.siteserver import serving, site_env


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
