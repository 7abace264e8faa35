"""URL canonicalisation: one stable key per article, whatever tracking parameters or casing a link carries.

Written here rather than taken from courlan because dedupe needs a key that is idempotent
(canonical(canonical(u)) == canonical(u), checked with Hypothesis) and conservative: it removes only what is
known to be tracking noise and never reorders or drops parameters a site may need to find the article.
"""

from __future__ import annotations

import re
from urllib.parse import parse_qsl, quote, unquote, urlencode, urlsplit, urlunsplit

_TRACKING_PREFIXES = ("utm_", "mtm_", "pk_", "at_", "ga_", "hsa_", "_hs", "oly_", "vero_", "mc_")
_TRACKING_NAMES = frozenset({
    "fbclid", "gclid", "dclid", "gclsrc", "msclkid", "yclid", "twclid", "ttclid", "igshid", "igsh", "mkt_tok",
    "_ga", "_gl", "ocid", "cmpid", "cmp", "ncid", "ref_src", "ref_url", "smid", "smtyp", "sr_share", "wt.mc_id",
    "s_cid", "icid", "ito", "xtor", "guccounter", "guce_referrer", "guce_referrer_sig", "__twitter_impression",
    "share", "src", "rss", "partner", "feature", "via", "ftag", "cid", "sh", "spm", "amp",
})
_SAFE_PATH = "/:@!$&'()*+,;=-._~"
_DEFAULT_PORTS = {"http": 80, "https": 443}


class InvalidURL(ValueError):
    """Text that is not an absolute http(s) URL."""


def _is_tracking(name: str) -> bool:
    lowered = name.lower()
    return lowered in _TRACKING_NAMES or lowered.startswith(_TRACKING_PREFIXES)


def _host(netloc_host: str) -> str:
    host = netloc_host.strip(".").lower()
    if not host:
        raise InvalidURL("URL has no host")
    if ":" in host:  # IPv6 literal
        return f"[{host}]"
    try:
        host = host.encode("idna").decode("ascii")
    except UnicodeError as error:
        raise InvalidURL(f"bad host name {host!r}: {error}") from None
    if not re.fullmatch(r"[a-z0-9._-]+", host):
        raise InvalidURL(f"bad host name {host!r}")
    return host


def canonicalize_url(url: str) -> str:
    """The canonical form of an absolute http(s) URL: lower-case scheme and host, no default port, no fragment,
    no tracking parameters, percent-encoding normalised. Raises InvalidURL for anything else."""
    url = url.strip()
    try:
        parts = urlsplit(url)
        port = parts.port
        hostname = parts.hostname
    except ValueError as error:
        raise InvalidURL(f"not a URL: {url[:200]!r} ({error})") from None
    scheme = parts.scheme.lower()
    if scheme not in _DEFAULT_PORTS:
        raise InvalidURL(f"not an http(s) URL: {url[:200]!r}")
    host = _host(hostname or "")
    netloc = host if port in (None, _DEFAULT_PORTS[scheme]) else f"{host}:{port}"
    path = quote(unquote(parts.path), safe=_SAFE_PATH) or "/"
    path = re.sub(r"/{2,}", "/", path)
    query = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if not _is_tracking(k)]
    return urlunsplit((scheme, netloc, path, urlencode(query, quote_via=quote, safe=_SAFE_PATH), ""))


def site_domain(url: str) -> str:
    """The host an outlet is known by: the URL's host without a leading "www."."""
    host = urlsplit(url).hostname or ""
    return host[4:] if host.startswith("www.") else host


def same_site(a: str, b: str) -> bool:
    """True when two URLs are on the same site: equal hosts, or one a subdomain of the other (edition.cnn.com and
    cnn.com). A page may only name a canonical URL on its own site, so a hostile page cannot claim another's."""
    host_a, host_b = site_domain(a), site_domain(b)
    if not host_a or not host_b:
        return False
    return host_a == host_b or host_a.endswith("." + host_b) or host_b.endswith("." + host_a)
