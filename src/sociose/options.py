"""One registry of Sociose's options: name, default, type, help text and environment variable.

Every option is read from its environment variable (or a command-line flag that sets it) and validated once,
at start-up; a bad value stops start-up with a message that names the option. `sociose config show` prints
the effective value of each option and where it came from.
"""

from __future__ import annotations

import ipaddress
import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable
from urllib.parse import urlsplit


class OptionError(ValueError):
    """A configuration value that cannot be used; the message names the option."""


def _bool(raw: str) -> bool:
    value = raw.strip().lower()
    if value in {"1", "true", "yes", "on"}:
        return True
    if value in {"0", "false", "no", "off", ""}:
        return False
    raise ValueError("expected true/false, yes/no, on/off or 1/0")


def _positive_int(raw: str) -> int:
    value = int(raw)
    if value <= 0:
        raise ValueError("must be a positive whole number")
    return value


def _non_negative_float(raw: str) -> float:
    value = float(raw)
    if not value >= 0 or value == float("inf"):
        raise ValueError("must be a finite number, zero or more")
    return value


def _positive_float(raw: str) -> float:
    value = _non_negative_float(raw)
    if value == 0:
        raise ValueError("must be more than zero")
    return value


def _port(raw: str) -> int:
    value = int(raw)
    if not 0 < value < 65536:
        raise ValueError("must be a TCP port between 1 and 65535")
    return value


def _path(raw: str) -> Path:
    if not raw.strip():
        raise ValueError("must not be empty")
    return Path(raw).expanduser().resolve()


def _database_url(raw: str) -> str:
    if not raw:
        return ""
    scheme = urlsplit(raw).scheme
    if scheme not in {"sqlite", "postgres", "postgresql", "pgsql"}:
        raise ValueError("must start with sqlite:// or postgres:// (leave it empty for SQLite in SOCIOSE_HOME)")
    return raw


def _redis_url(raw: str) -> str:
    if raw and urlsplit(raw).scheme not in {"redis", "rediss", "unix"}:
        raise ValueError("must start with redis://, rediss:// or unix://")
    return raw


def _http_url(raw: str) -> str:
    parts = urlsplit(raw)
    if parts.scheme not in {"http", "https"} or not parts.netloc:
        raise ValueError("must be an http(s) URL")
    return raw


def _optional_http_url(raw: str) -> str:
    return _http_url(raw) if raw else ""


def _host_list(raw: str) -> tuple[str, ...]:
    return tuple(h.strip().lower() for h in raw.split(",") if h.strip())


def _host_names(raw: str) -> tuple[str, ...]:
    """Host names as Django matches them against a request's Host: no scheme, path or port; IPv6 in brackets."""
    hosts = []
    for host in _host_list(raw):
        if "/" in host:
            name = urlsplit(host if "//" in host else "//" + host).hostname or host
            raise ValueError(f"{host!r} is not a host name: give the name alone, e.g. {name}")
        bare = host[1:-1] if host.startswith("[") and host.endswith("]") else host
        if ":" in bare:
            try:
                bare = str(ipaddress.IPv6Address(bare))
            except ValueError:
                # Django compares the Host without its port, so "name:8000" would never match a request.
                raise ValueError(f"{host!r} has a port: hosts are matched without one ({host.rsplit(':', 1)[0]})") \
                    from None
            host = f"[{bare}]"
        hosts.append(host)
    if not hosts:
        raise ValueError("names no host, so every request would be refused with a 400: list the names readers reach "
                         "the site by (e.g. news.example.org; * for any)")
    return tuple(hosts)


def url_host(url: str) -> str:
    """The host of `url` as ALLOWED_HOSTS names it: lower case, an IPv6 address in brackets."""
    host = urlsplit(url).hostname or ""
    return f"[{host}]" if ":" in host else host


def _optional_header(raw: str) -> str:
    name = raw.strip()
    if name and not re.fullmatch(r"[A-Za-z0-9-]+", name):
        raise ValueError("must be a header name such as X-Forwarded-Proto (letters, digits and dashes), or empty")
    return name


def _optional_seconds(raw: str) -> int | None:
    """Empty: worked out from other options (None until then)."""
    if not raw.strip():
        return None
    value = int(raw)
    if value < 0:
        raise ValueError("must be a whole number of seconds, zero or more, or empty")
    return value


def _time_zone(raw: str) -> str:
    import zoneinfo

    try:
        zoneinfo.ZoneInfo(raw)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        raise ValueError("must be an IANA time zone name such as UTC or Europe/London") from None
    return raw


def _choice(*choices: str) -> Callable[[str], str]:
    def parse(raw: str) -> str:
        if raw not in choices:
            raise ValueError(f"must be one of: {', '.join(choices)}")
        return raw

    parse.__name__ = "one of " + "/".join(choices)
    return parse


@dataclass(frozen=True)
class Option:
    name: str
    default: str
    parse: Callable[[str], Any]
    help: str

    @property
    def env(self) -> str:
        return "SOCIOSE_" + self.name.upper() if self.name not in _PLAIN_ENV else self.name.upper()

    @property
    def type_name(self) -> str:
        return self.parse.__name__.lstrip("_")


# Options whose environment variable is a common convention rather than SOCIOSE_*.
_PLAIN_ENV = {"database_url"}

OPTIONS: tuple[Option, ...] = (
    Option("home", "./data", _path, "Data directory: the SQLite database, caches and logs live here."),
    Option("database_url", "", _database_url,
           "Database URL, e.g. postgres://user@host:5432/sociose. Empty: SQLite (WAL) in SOCIOSE_HOME."),
    Option("redis_url", "", _redis_url,
           "Redis URL for the task queue (e.g. redis://127.0.0.1:6379/0). Empty: tasks queue in the database."),
    Option("host", "127.0.0.1", str, "Address `sociose run` and `sociose serve` listen on."),
    Option("port", "8000", _port, "Port `sociose run` and `sociose serve` listen on."),
    Option("web_threads", "8", _positive_int, "Threads of the web server."),
    Option("web_processes", "1", _positive_int,
           "Processes of `sociose serve`, each with its own threads: one per CPU core. Above 1, gunicorn serves "
           "(Linux, macOS); 1 is waitress."),
    Option("worker_processes", "2", _positive_int, "Task worker processes that `sociose run` starts."),
    Option("site_name", "Sociose", str, "The site's name, shown in the header and as the byline of stories."),
    Option("site_url", "", _optional_http_url,
           "Public URL of the site, used in feeds and links (e.g. https://news.example.org). Empty: "
           "http://SOCIOSE_HOST:SOCIOSE_PORT, for a site served on a loopback address; `serve` and `run` refuse "
           "any other address without it."),
    Option("secret_key", "", str, "Django secret key. Empty: one is generated once and kept in SOCIOSE_HOME."),
    Option("debug", "false", _bool, "Django debug mode. Never on a public server."),
    Option("allowed_hosts", "127.0.0.1,localhost,[::1]", _host_names,
           "Comma-separated host names the site answers to (no scheme or port), besides SOCIOSE_SITE_URL's, which is "
           "always allowed."),
    Option("proxy_ssl_header", "", _optional_header,
           "Header a TLS-terminating reverse proxy sets to https on every request (e.g. X-Forwarded-Proto), which "
           "Sociose then believes. Set it only behind a proxy that overwrites what clients send. Empty: off."),
    Option("hsts_seconds", "", _optional_seconds,
           "max-age of the Strict-Transport-Security header on HTTPS responses; 0: none. Empty: a year (31536000) "
           "when SOCIOSE_SITE_URL is https, else 0."),
    Option("hsts_include_subdomains", "false", _bool,
           "Add includeSubDomains to the Strict-Transport-Security header: only if every subdomain serves HTTPS."),
    Option("time_zone", "UTC", _time_zone, "Time zone the site shows times in (an IANA name such as Europe/London)."),
    Option("contact_url", "https://github.com/sociose/sociose", _http_url,
           "Contact URL put in the User-Agent so that publishers can reach the operator."),
    Option("fetch_timeout", "20", _positive_float, "Seconds allowed for one HTTP fetch, from connect to last byte."),
    Option("fetch_max_bytes", "10000000", _positive_int, "Largest body fetched, counted after decompression."),
    Option("fetch_host_concurrency", "2", _positive_int, "Simultaneous requests to one host, per process."),
    Option("fetch_host_interval", "1.0", _non_negative_float, "Seconds between two requests to one host, per process."),
    Option("fetch_allow_hosts", "", _host_list,
           "Comma-separated hosts or IP addresses that may be fetched even though they are private or loopback."),
    Option("respect_robots", "true", _bool, "Honour robots.txt (RFC 9309). Turn off only for your own sites."),
    Option("feed_interval", "900", _positive_int, "Seconds between two polls of a healthy feed."),
    Option("feed_max_backoff", "86400", _positive_int, "Longest wait, in seconds, before retrying a failing feed."),
    Option("scheduler_tick", "30", _positive_int, "Seconds between two checks for feeds that are due."),
    Option("subscribe_default_feeds", "true", _bool,
           "On first start with an empty database, subscribe to the bundled list of public news feeds."),
    Option("load_demo", "true", _bool, "On first start with an empty database, import the bundled Wikinews demo corpus."),
    Option("page_cache", "true", _bool, "Cache rendered pages (invalidated when their story changes)."),
    Option("writer_url", "", _optional_http_url,
           "OpenAI-compatible base URL of your own model server (e.g. http://127.0.0.1:8080/v1) that rewrites story "
           "bodies for fluency; a rewrite is kept only if it passes the source check. Empty: off, bodies stay "
           "extractive."),
    Option("writer_model", "", str, "Model name sent to the writer endpoint (empty: none sent; some servers need it)."),
    Option("writer_api_key", "", str, "Bearer token for the writer endpoint, if it needs one. Never printed."),
    Option("writer_timeout", "60", _positive_float,
           "Seconds allowed for one rewrite request, from connect to last byte; on timeout the body stays extractive."),
    Option("log_level", "INFO", _choice("DEBUG", "INFO", "WARNING", "ERROR"), "Logging level."),
)

BY_NAME = {option.name: option for option in OPTIONS}


@dataclass(frozen=True)
class Value:
    option: Option
    value: Any
    raw: str
    source: str  # "default" or the environment variable's name


def load(environ: dict[str, str] | None = None) -> dict[str, Value]:
    """Read and validate every option; raise OptionError naming the first bad one."""
    environ = os.environ if environ is None else environ
    values = {}
    for option in OPTIONS:
        raw = environ.get(option.env)
        source = option.env if raw is not None else "default"
        raw = option.default if raw is None else raw
        try:
            value = option.parse(raw)
        except (ValueError, TypeError) as error:
            raise OptionError(f"{option.env}={raw!r} is not valid: {error}") from None
        values[option.name] = Value(option, value, raw, source)
    _derive(values)
    return values


def _derive(values: dict[str, Value]) -> None:
    """Fill the options whose empty value means "worked out from others", saying so in their source."""
    if not values["site_url"].value:
        url = origin(values["host"].value, values["port"].value)
        values["site_url"] = Value(BY_NAME["site_url"], url, url,
                                   f"derived from {BY_NAME['host'].env} and {BY_NAME['port'].env}")
    if values["hsts_seconds"].value is None:
        # Browsers ignore HSTS over plain HTTP anyway; an https site URL says the site is meant to be reached by HTTPS.
        seconds = HSTS_YEAR if is_https(values["site_url"].value) else 0
        values["hsts_seconds"] = Value(BY_NAME["hsts_seconds"], seconds, str(seconds),
                                       f"derived from {BY_NAME['site_url'].env}")


HSTS_YEAR = 365 * 86400


def is_https(url: str) -> bool:
    return urlsplit(url).scheme == "https"


def origin(host: str, port: int) -> str:
    """http://host:port, with an IPv6 address in brackets."""
    host = host.strip("[]")
    return f"http://[{host}]:{port}" if ":" in host else f"http://{host}:{port}"


def is_loopback(host: str) -> bool:
    host = host.strip("[]")
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def check_serving(values: dict[str, Value]) -> None:
    """For `serve` and `run`: a site URL derived from a wildcard or public listening address would send readers and
    feed readers to an address they cannot reach (0.0.0.0) or one other than the site's name, so one must be set."""
    host = values["host"].value
    if values["site_url"].source.startswith("derived") and not is_loopback(host):
        raise OptionError(f"{BY_NAME['site_url'].env} must be set when serving on {host!r} (not a loopback address): "
                          f"links are built from it, e.g. {BY_NAME['site_url'].env}=https://news.example.org")
