from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

from sociose.articles.models import Article
from sociose.core.fields import JSONTextField
from sociose.sources.models import Outlet


class Story(models.Model):
    """One real-world event, told by the articles assigned to it."""

    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)
    first_seen = models.DateTimeField(db_index=True, help_text="Publication time of its earliest article.")
    last_seen = models.DateTimeField(db_index=True, help_text="Publication time of its latest article.")
    title = models.TextField(blank=True, help_text="Working title: the first independent report's headline.")
    summary = JSONTextField(default=dict, help_text="The clustering engine's state: centroid, entities, outlets.")
    version = models.BigIntegerField(default=0, help_text="Changed (at random) on every change of the summary.")
    article_count = models.PositiveIntegerField(default=0)
    independent_count = models.PositiveIntegerField(default=0, help_text="Independent reports, not reprints.")
    reprint_count = models.PositiveIntegerField(default=0)
    outlet_count = models.PositiveIntegerField(default=0)
    first_outlet = models.ForeignKey(Outlet, null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
                                     help_text="The outlet that reported first.")
    pinned = models.BooleanField(default=False, help_text="Editors' pin: kept at the top of the front page.")
    score = models.FloatField(default=0, db_index=True, help_text="Top-stories score; see stories/ranking.py.")
    score_inputs = models.JSONField(default=dict, help_text="The figures the score was computed from.")
    merged_into = models.ForeignKey("self", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["-last_seen", "-id"]
        verbose_name_plural = "stories"

    def __str__(self) -> str:
        return self.title or f"Story {self.id}"


class Membership(models.Model):
    """An article's place in exactly one story, and whether it is an independent report or a reprint."""

    article = models.OneToOneField(Article, on_delete=models.CASCADE, related_name="membership")
    # No index of its own: each of the indexes below begins with the story.
    story = models.ForeignKey(Story, on_delete=models.CASCADE, related_name="memberships", db_index=False)
    outlet = models.ForeignKey(Outlet, on_delete=models.CASCADE, related_name="+")
    published_at = models.DateTimeField(help_text="The article's publication time (its fetch time if unknown).")
    origin = models.CharField(
        max_length=200, help_text="What the article's words come from: itself, the first copy of a republished "
                                  "text, or a wire agency. Articles of a story with the same origin count once.")
    is_reprint = models.BooleanField(default=False)
    score = models.FloatField(default=0, help_text="Similarity to the story when it was assigned.")
    assigned_at = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = [
            models.Index(fields=["story", "origin"], name="membership_story_origin"),
            models.Index(fields=["story", "outlet"], name="membership_story_outlet"),
            models.Index(fields=["story", "published_at"], name="membership_story_time"),
        ]


class StoryKey(models.Model):
    """Inverted index of live stories: a story's top terms and entities, for finding candidate stories."""

    story = models.ForeignKey(Story, on_delete=models.CASCADE, related_name="keys", db_index=False)  # storykey_unique
    key = models.CharField(max_length=200)
    last_seen = models.DateTimeField(help_text="The story's last_seen to the hour, copied so a key's postings read newest first.")

    class Meta:
        # A key's newest postings, and their stories, read from the index alone (no table row per posting: at a
        # million articles those reads were most of a lookup); the lowest story id first among equal times.
        indexes = [models.Index(fields=["key", "-last_seen", "story"], name="storykey_key_time_story")]
        constraints = [models.UniqueConstraint(fields=["story", "key"], name="storykey_unique")]


class TermStat(models.Model):
    """Document frequency of a term over every clustered article (term "" holds the number of articles)."""

    term = models.CharField(max_length=200, primary_key=True)
    documents = models.PositiveIntegerField(default=0)


class ClusteringState(models.Model):
    """One row: the generation of the clustering state (term statistics and index). Every transaction that changes
    them writes a new random generation, so a worker whose cached copy carries the generation it last wrote knows
    no one else has changed the state since (see stories/index.py)."""

    generation = models.BigIntegerField()


class ArticleEntity(models.Model):
    """A person, organisation or place named in an article."""

    class Kind(models.TextChoices):
        PERSON = "person"
        ORG = "org"
        PLACE = "place"
        OTHER = "other"

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="entities")
    name = models.CharField(max_length=200)
    kind = models.CharField(max_length=10, choices=Kind.choices)
    mentions = models.PositiveIntegerField(default=1)

    class Meta:
        indexes = [models.Index(fields=["name", "kind"], name="articleentity_name")]


class StoryEvent(models.Model):
    """A public record of a merge or split: what happened, who or what did it, when and why."""

    class Kind(models.TextChoices):
        MERGE = "merge"
        SPLIT = "split"

    kind = models.CharField(max_length=10, choices=Kind.choices)
    story = models.ForeignKey(Story, on_delete=models.CASCADE, related_name="events",
                              help_text="The story that remains (merge) or that was split.")
    other = models.ForeignKey(Story, null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
                              help_text="The story merged in, or the new story split off.")
    articles = models.JSONField(default=list, help_text="Ids of the articles that moved.")
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    automatic = models.BooleanField(default=False, help_text="Done by the engine rather than an editor.")
    reason = models.TextField()
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at"]
