from __future__ import annotations

from django.db import models


class SearchDocument(models.Model):
    """The searchable text of one story or article, flattened; written only by `sociose.site.search`.

    SQLite indexes it with an FTS5 table kept in sync by triggers, PostgreSQL with a stored tsvector column and a
    GIN index (both made by migration 0001 outside the model state). A later migration that makes Django remake
    this table on SQLite drops the triggers: call `search.rebuild_search_index()` after it.
    """

    class Kind(models.TextChoices):
        STORY = "story"
        ARTICLE = "article"

    kind = models.CharField(max_length=10, choices=Kind.choices)
    object_id = models.BigIntegerField(help_text="The story's id (not the composed story's) or the article's id.")
    title = models.TextField()
    summary = models.TextField(blank=True, help_text="A story's dek or an article's description.")
    body = models.TextField(blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["kind", "object_id"], name="searchdocument_one_per_object")]

    def __str__(self) -> str:
        return f"{self.kind} {self.object_id}: {self.title}"
