from __future__ import annotations

from django.db import models
from django.utils import timezone


class Outlet(models.Model):
    """A publisher whose articles Sociose reads, identified by its domain."""

    name = models.CharField(max_length=200)
    domain = models.CharField(max_length=253, unique=True)
    home_page = models.URLField(max_length=2000, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name or self.domain


class Feed(models.Model):
    """An RSS, Atom or JSON feed polled on a schedule with conditional GET and backoff after errors."""

    url = models.URLField(max_length=2000, unique=True)
    title = models.CharField(max_length=500, blank=True)
    outlet = models.ForeignKey(Outlet, null=True, blank=True, on_delete=models.SET_NULL, related_name="feeds")
    active = models.BooleanField(default=True)
    etag = models.CharField(max_length=500, blank=True)
    last_modified = models.CharField(max_length=100, blank=True)
    last_fetched_at = models.DateTimeField(null=True, blank=True)
    next_fetch_at = models.DateTimeField(default=timezone.now, db_index=True)
    consecutive_errors = models.PositiveIntegerField(default=0)
    last_error = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["url"]

    def __str__(self) -> str:
        return self.title or self.url


class FetchLog(models.Model):
    """One fetch or import attempt against a source: what was asked, what happened, and the error if any."""

    class Kind(models.TextChoices):
        FEED = "feed"
        PAGE = "page"
        FILE = "file"
        ROBOTS = "robots"

    kind = models.CharField(max_length=10, choices=Kind.choices)
    url = models.TextField()
    feed = models.ForeignKey(Feed, null=True, blank=True, on_delete=models.CASCADE, related_name="fetch_logs")
    outlet = models.ForeignKey(Outlet, null=True, blank=True, on_delete=models.SET_NULL, related_name="fetch_logs")
    ok = models.BooleanField()
    status_code = models.PositiveIntegerField(null=True, blank=True)
    error = models.TextField(blank=True)
    bytes_received = models.PositiveBigIntegerField(default=0)
    items_stored = models.PositiveIntegerField(default=0)
    duration_ms = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.kind} {self.url}: {'ok' if self.ok else self.error}"
