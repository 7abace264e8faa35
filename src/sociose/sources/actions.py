"""Writes to sources: outlets, feed subscriptions, the fetch log and each feed's polling schedule."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from sociose.core.urls import InvalidURL, canonicalize_url, site_domain
from sociose.sources.models import Feed, FetchLog, Outlet


def get_or_create_outlet(url: str, *, name: str = "") -> Outlet:
    """The outlet a URL belongs to, created on first sight and named from the page when it says its name."""
    domain = site_domain(url)
    outlet = Outlet.objects.filter(domain=domain).first()
    if outlet:
        if name and outlet.name == outlet.domain:
            outlet.name = name[:200]
            outlet.save(update_fields=["name"])
        return outlet
    try:
        with transaction.atomic():
            return Outlet.objects.create(domain=domain, name=(name or domain)[:200], home_page=f"https://{domain}/")
    except IntegrityError:  # created by another worker meanwhile
        return Outlet.objects.get(domain=domain)


def do_add_feed(url: str, *, title: str = "", home_page: str = "") -> tuple[Feed, bool]:
    """Subscribe to a feed (idempotent); the scheduler polls it at once."""
    try:
        url = canonicalize_url(url)
    except InvalidURL as error:
        raise ValueError(f"cannot subscribe to {url!r}: {error}") from None
    outlet = get_or_create_outlet(home_page or url)
    feed, created = Feed.objects.get_or_create(url=url, defaults={"title": title[:500], "outlet": outlet})
    return feed, created


def do_remove_feed(url: str) -> bool:
    try:
        url = canonicalize_url(url)
    except InvalidURL:
        return False
    deleted, _ = Feed.objects.filter(url=url).delete()
    return bool(deleted)


def record_fetch(*, kind: str, url: str, ok: bool, error: str = "", feed: Feed | None = None,
                 outlet: Outlet | None = None, status_code: int | None = None, bytes_received: int = 0,
                 items_stored: int = 0, duration_ms: int = 0) -> FetchLog:
    return FetchLog.objects.create(
        kind=kind, url=url[:4000], ok=ok, error=error[:4000], feed=feed, outlet=outlet or (feed and feed.outlet),
        status_code=status_code, bytes_received=bytes_received, items_stored=items_stored, duration_ms=duration_ms,
    )


def schedule_after_success(feed: Feed, *, etag: str = "", last_modified: str = "", title: str = "") -> None:
    now = timezone.now()
    feed.last_fetched_at = now
    feed.next_fetch_at = now + timedelta(seconds=settings.SOCIOSE["feed_interval"])
    feed.consecutive_errors = 0
    feed.last_error = ""
    feed.etag = etag[:500] or feed.etag
    feed.last_modified = last_modified[:100] or feed.last_modified
    feed.title = feed.title or title[:500]
    feed.save()


def schedule_after_error(feed: Feed, error: str) -> None:
    """Exponential backoff: the interval doubles with each consecutive error, up to feed_max_backoff."""
    now = timezone.now()
    feed.consecutive_errors += 1
    delay = min(settings.SOCIOSE["feed_interval"] * 2 ** min(feed.consecutive_errors, 16),
                settings.SOCIOSE["feed_max_backoff"])
    feed.last_fetched_at = now
    feed.next_fetch_at = now + timedelta(seconds=delay)
    feed.last_error = error[:4000]
    feed.save()
