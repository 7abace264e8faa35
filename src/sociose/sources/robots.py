"""robots.txt rules (RFC 9309) and their in-process cache; `fetch.robots_allows()` fetches the files.

The interpretation of a robots.txt response follows RFC 9309 section 2.3.1: a 2xx body is parsed (with protego),
"unavailable" (4xx, or too many redirects) allows everything, "unreachable" (5xx, network error, timeout) disallows
everything.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from dataclasses import dataclass

import httpx
from protego import Protego

MAX_ROBOTS_BYTES = 500 * 1024  # RFC 9309 2.5: parse at least 500 KiB; the rest is ignored
MAX_ROBOTS_REDIRECTS = 5  # RFC 9309 2.3.1.2: follow at least five consecutive redirects
CACHE_SECONDS = 3600.0  # RFC 9309 2.4: do not use a cached copy for more than 24 hours
ERROR_CACHE_SECONDS = 300.0  # an unreachable robots.txt is retried sooner: the outage may be brief
CACHE_SIZE = 2048


@dataclass(frozen=True)
class RobotsRules:
    """What one robots.txt says: parsed rules, or a blanket allow/deny when the file is unavailable/unreachable."""

    parser: Protego | None = None
    allow_all: bool = True
    reason: str = ""  # why the blanket rule applies, for error messages

    def allows(self, url: str, product_token: str) -> bool:
        if self.parser is None:
            return self.allow_all
        return self.parser.can_fetch(url, product_token)


def rules_from_response(status_code: int, body: bytes) -> RobotsRules:
    """Rules for a robots.txt response with this status code (redirects already followed) and body."""
    if 200 <= status_code < 300:
        text = body[:MAX_ROBOTS_BYTES].decode("utf-8", errors="replace")
        return RobotsRules(parser=Protego.parse(text))
    if 500 <= status_code < 600:
        return RobotsRules(allow_all=False, reason=f"robots.txt answered HTTP {status_code}")
    return RobotsRules(allow_all=True, reason=f"robots.txt answered HTTP {status_code}")  # 4xx, odd 3xx: unavailable


def unreachable(reason: str) -> RobotsRules:
    return RobotsRules(allow_all=False, reason=f"robots.txt unreachable ({reason})")


def unavailable(reason: str) -> RobotsRules:
    return RobotsRules(allow_all=True, reason=f"robots.txt unavailable ({reason})")


def robots_url(url: httpx.URL) -> str:
    """The robots.txt URL governing `url`: same scheme, host and port."""
    return str(url.copy_with(path="/robots.txt", query=None, fragment=None, userinfo=b""))


def cache_key(url: httpx.URL) -> str:
    return f"{url.scheme}://{url.host}:{url.port or (443 if url.scheme == 'https' else 80)}"


def product_token(user_agent: str) -> str:
    """The product token matched against robots.txt groups: 'Sociose' in 'Sociose/0.1 (+https://...)'."""
    tokens = user_agent.split("/", 1)[0].split()
    return tokens[0] if tokens else "*"


class RobotsCache:
    """A bounded, thread-safe LRU of RobotsRules per scheme+host+port, each with its own expiry."""

    def __init__(self, size: int = CACHE_SIZE) -> None:
        self._size = size
        self._lock = threading.Lock()
        self._entries: OrderedDict[str, tuple[float, RobotsRules]] = OrderedDict()

    def get(self, key: str) -> RobotsRules | None:
        with self._lock:
            entry = self._entries.get(key)
            if entry is None:
                return None
            expires, rules = entry
            if expires <= time.monotonic():
                del self._entries[key]
                return None
            self._entries.move_to_end(key)
            return rules

    def put(self, key: str, rules: RobotsRules) -> None:
        seconds = CACHE_SECONDS if rules.parser is not None or rules.allow_all else ERROR_CACHE_SECONDS
        with self._lock:
            self._entries[key] = (time.monotonic() + seconds, rules)
            self._entries.move_to_end(key)
            while len(self._entries) > self._size:
                self._entries.popitem(last=False)

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()


cache = RobotsCache()
