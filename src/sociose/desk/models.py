from __future__ import annotations

from django.db import models
from django.utils import timezone

from sociose.articles.models import Article
from sociose.stories.models import Story


class ComposedStory(models.Model):
    """A story as readers see it: headline, dek, body, quotes, facts and lead image, every part from a source.

    The body, dek, quotes and facts are stored as JSON lists whose items carry their provenance (source article id,
    character span in that article's text, hash of the source text), so that a page can link every sentence to
    the passage it came from without recomputing anything.
    """

    story = models.OneToOneField(Story, on_delete=models.CASCADE, related_name="composed")
    headline = models.TextField()
    headline_override = models.TextField(blank=True, help_text="An editor's headline; replaces the chosen one.")
    dek = models.JSONField(default=dict, blank=True)
    body = models.JSONField(default=list, blank=True, help_text="Paragraphs of sentences with provenance.")
    quotes = models.JSONField(default=list, blank=True)
    facts = models.JSONField(default=list, blank=True)
    image = models.JSONField(default=dict, blank=True, help_text="Lead image with caption and credit, or {}.")
    word_count = models.PositiveIntegerField(default=0)
    reading_time_minutes = models.PositiveIntegerField(default=0)
    language = models.CharField(max_length=16, blank=True)
    published_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now, db_index=True)
    inputs_digest = models.CharField(max_length=64, blank=True,
                                     help_text="Hash of what the composition was made from; unchanged means no work.")

    class Meta:
        ordering = ["-updated_at"]

    def __str__(self) -> str:
        return self.shown_headline

    @property
    def shown_headline(self) -> str:
        return self.headline_override or self.headline


class Revision(models.Model):
    """One change of a composed story, kept for its public history: what changed and which source caused it."""

    composed = models.ForeignKey(ComposedStory, on_delete=models.CASCADE, related_name="revisions")
    number = models.PositiveIntegerField()
    created_at = models.DateTimeField(default=timezone.now)
    changed = models.JSONField(default=list, help_text="Names of the parts that changed: headline, body, quotes ...")
    summary = models.TextField(help_text="What changed, in a sentence for readers.")
    trigger = models.ForeignKey(Article, null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
                                help_text="The new source article that caused the change, if any.")
    snapshot = models.JSONField(default=dict, help_text="The headline, dek and body as they were after the change.")

    class Meta:
        ordering = ["composed", "number"]
        constraints = [models.UniqueConstraint(fields=["composed", "number"], name="revision_number_unique")]
