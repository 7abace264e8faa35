from __future__ import annotations

from django.db import models
from django.utils import timezone

from sociose.sources.models import Feed, Outlet


class Article(models.Model):
    """One outlet's article, stored once per canonical URL, with its extracted text and lead image."""

    class Via(models.TextChoices):
        FEED = "feed"
        PAGE = "page"
        FILE = "file"

    canonical_url = models.URLField(max_length=2000, unique=True)
    url = models.URLField(max_length=2000)
    outlet = models.ForeignKey(Outlet, on_delete=models.PROTECT, related_name="articles")
    feed = models.ForeignKey(Feed, null=True, blank=True, on_delete=models.SET_NULL, related_name="articles")
    via = models.CharField(max_length=10, choices=Via.choices)
    title = models.TextField()
    authors = models.JSONField(default=list, blank=True)
    published_at = models.DateTimeField(null=True, blank=True, db_index=True)
    fetched_at = models.DateTimeField(default=timezone.now, db_index=True)
    language = models.CharField(max_length=16, blank=True)
    description = models.TextField(blank=True)
    text = models.TextField(blank=True)
    image_url = models.URLField(max_length=2000, blank=True)
    image_caption = models.TextField(blank=True)
    image_credit = models.CharField(max_length=500, blank=True)
    license = models.CharField(max_length=200, blank=True, help_text="Licence of the text where the source states one.")
    content_hash = models.CharField(max_length=64, db_index=True, help_text="SHA-256 of the normalised text.")
    reprint_of = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="reprints",
        help_text="The first copy seen of a near-identical text (a wire story republished).",
    )

    class Meta:
        ordering = ["-published_at", "-id"]

    def __str__(self) -> str:
        return self.title


class TextBand(models.Model):
    """One locality-sensitive-hashing band of an article's MinHash: equal bands make near-duplicate candidates."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="bands")
    band = models.PositiveSmallIntegerField()
    digest = models.BigIntegerField()

    class Meta:
        indexes = [models.Index(fields=["digest"], name="textband_digest")]
        constraints = [models.UniqueConstraint(fields=["article", "band"], name="textband_one_per_band")]
