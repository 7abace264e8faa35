"""Template filters for the reader pages: times in the house format, in the site's time zone."""

from __future__ import annotations

import zoneinfo
from datetime import UTC, datetime
from functools import lru_cache

from django import template
from django.conf import settings
from django.utils import dateformat, timezone

register = template.Library()


@lru_cache(maxsize=4)
def _zone(name: str) -> zoneinfo.ZoneInfo:
    return zoneinfo.ZoneInfo(name)


def site_time(value: datetime) -> datetime:
    """The moment in the site's time zone (settings.TIME_ZONE), whatever zone is active for the request."""
    if timezone.is_naive(value):
        value = timezone.make_aware(value, UTC)
    return value.astimezone(_zone(settings.TIME_ZONE))


@register.filter
def newstime(value: datetime | None) -> str:
    """The reference page's format: "Mar 2, 2025, 3 AM" (minutes shown only when not zero: "3:15 PM").

    A time of exactly midnight UTC is a date without a time (a source that gave only "2009-06-05"): it is shown as
    the date alone, as given, rather than as "12 AM" or as the evening before in a zone west of UTC."""
    if not value:
        return ""
    if timezone.is_naive(value):
        value = timezone.make_aware(value, UTC)
    utc = value.astimezone(UTC)
    if (utc.hour, utc.minute, utc.second, utc.microsecond) == (0, 0, 0, 0):
        return dateformat.format(utc, "M j, Y")
    return dateformat.format(site_time(value), "M j, Y, f A")


@register.filter
def isotime(value: datetime | None) -> str:
    """A machine-readable time for <time datetime>: ISO 8601 with the site's UTC offset."""
    if not value:
        return ""
    return site_time(value).isoformat(timespec="seconds")


@register.filter
def http_url(value) -> str:
    """Outside URLs go into href/src only when they are http(s): never javascript:, data: or the like."""
    text = str(value or "").strip()
    return text if text.lower().startswith(("https://", "http://")) else ""


@register.filter
def names(values) -> str:
    """"A", "A and B", "A, B and C"."""
    items = [str(v) for v in values]
    if len(items) < 2:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]
