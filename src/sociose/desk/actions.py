"""Composing a story: its articles in, the attributed page out (headline, dek, body, quotes, facts, lead image),
with a revision recorded whenever the result changes. Cheap when nothing it is made from has changed."""

from __future__ import annotations

import hashlib
import math
from datetime import datetime

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from sociose.articles.models import Article
from sociose.desk import writer
from sociose.desk.compose import Source, compose, text_hash
from sociose.desk.facts import extract_facts
from sociose.desk.models import ComposedStory, Revision
from sociose.desk.quotes import extract_quotes
from sociose.stories.models import Membership, Story

WORDS_PER_MINUTE = 265  # Medium's reading speed; the reference's 801-word body reads "4 min read"
QUOTE_CARDS = 3


def reading_time(words: int) -> int:
    """Minutes to read `words` words, rounded up (Medium's convention); at least one for any text."""
    return math.ceil(words / WORDS_PER_MINUTE) if words else 0


def _members(story: Story) -> list[tuple[Article, Membership]]:
    memberships = (Membership.objects.filter(story=story).select_related("article__outlet")
                   .order_by("published_at", "article_id"))
    return [(m.article, m) for m in memberships]


# Bumped whenever the desk's output for the same sources changes (composing, quotes, facts, image rules): it is part of
# each story's inputs digest, so after an upgrade a story is recomposed the next time it is touched, and
# `sociose desk recompose` does them all at once.
DESK_VERSION = 6


def _digest(story: Story, members, override: str) -> str:
    # The writer's settings count as an input: turning it on (or changing model) recomposes stories once.
    writer_setup = f"{settings.SOCIOSE.get('writer_url', '')}|{settings.SOCIOSE.get('writer_model', '')}"
    parts = [f"{a.id}:{a.content_hash}:{int(m.is_reprint)}" for a, m in members] + [
        override, writer_setup, f"desk {DESK_VERSION}"]
    return hashlib.sha256("|".join(parts).encode()).hexdigest()


def _sentence(item, by_id: dict[int, Article]) -> dict:
    article = by_id[item.source_id]
    return {"text": item.text, "article": article.id, "source_url": article.url, "outlet": article.outlet.name,
            "start": item.start, "end": item.end, "source_hash": text_hash(article.text),
            "inserted": [list(pair) for pair in item.inserted]}


def _quotes(members) -> list[dict]:
    """Named quotes from independent reports; the same words from two outlets once, different wordings both."""
    quotes, seen = [], set()
    for article, membership in members:
        if membership.is_reprint:
            continue
        for quote in extract_quotes(article.text):
            if not quote.speaker:
                continue  # a quote whose speaker is not named is never shown as a named quote
            key = " ".join(quote.text.lower().split())
            if key in seen:
                continue
            seen.add(key)
            quotes.append({"text": quote.text, "speaker": quote.speaker,
                           "speaker_description": quote.speaker_description, "article": article.id,
                           "source_url": article.url, "outlet": article.outlet.name, "start": quote.start,
                           "end": quote.end, "source_hash": text_hash(article.text)})
    # Quote cards: the longest quotes of the most quoted speakers go first.
    by_speaker: dict[str, int] = {}
    for quote in quotes:
        by_speaker[quote["speaker"]] = by_speaker.get(quote["speaker"], 0) + 1
    ranked = sorted(quotes, key=lambda q: (-by_speaker[q["speaker"]], -len(q["text"]), q["article"], q["start"]))
    for position, quote in enumerate(ranked):
        quote["card"] = position < QUOTE_CARDS
    return ranked


def _image(members) -> dict:
    """The lead image: from the earliest independent report that gives a credit. No credit, no lead image."""
    for article, membership in members:
        if article.image_url and article.image_credit and not membership.is_reprint:
            return {"url": article.image_url, "caption": article.image_caption, "credit": article.image_credit,
                    "source_url": article.url, "article": article.id}
    return {}


def compose_story(story: Story, *, trigger_article_id: int | None = None, now: datetime | None = None
                  ) -> Revision | None:
    """Compose the story's page; record a revision if anything changed. Returns the latest revision (None when the
    story has no articles)."""
    now = now or timezone.now()
    members = _members(story)
    if not members:
        return None
    composed = ComposedStory.objects.filter(story=story).first()
    override = composed.headline_override if composed else ""
    digest = _digest(story, members, override)
    if composed and composed.inputs_digest == digest:
        return composed.revisions.order_by("-number").first()

    by_id = {a.id: a for a, _ in members}
    outlets = sorted({a.outlet.name for a, _ in members} | {a.outlet.domain for a, _ in members})
    sources = [Source(id=a.id, title=a.title, text=a.text, outlet=a.outlet.name, published_at=a.published_at,
                      is_reprint=m.is_reprint) for a, m in members]
    composition = compose(sources, outlet_names=outlets)
    body, dek = composition.body, composition.dek
    parts = {
        "headline": composition.headline,
        "dek": _sentence(dek, by_id) if dek else {},
        "body": [[_sentence(s, by_id) for s in paragraph] for paragraph in body.paragraphs],
        "quotes": _quotes(members),
        "facts": [f.to_dict() for f in extract_facts([(a.id, a.text, m.origin) for a, m in members])],
        "image": _image(members),
    }
    if writer.is_configured():  # optional fluency rewrite; the extractive body stays when it fails the source check
        texts = {a.id: a.text for a in by_id.values()}
        parts["body"] = writer.rewrite_body(parts["body"], texts, parts["quotes"]) or parts["body"]
    words = sum(len(s["text"].split()) for paragraph in parts["body"] for s in paragraph)
    languages = [a.language for a, m in members if a.language and not m.is_reprint]
    with transaction.atomic():
        if composed is None:
            composed = ComposedStory(story=story, published_at=now)
        latest = composed.revisions.order_by("-number").first() if composed.pk else None
        changed = [name for name, value in parts.items() if getattr(composed, name) != value]
        for name, value in parts.items():
            setattr(composed, name, value)
        if latest and latest.snapshot.get("headline") != composed.shown_headline and "headline" not in changed:
            changed.insert(0, "headline")  # an editor's headline, set since the last revision
        composed.word_count = words
        composed.reading_time_minutes = reading_time(words)
        composed.language = max(set(languages), key=languages.count) if languages else ""
        composed.inputs_digest = digest
        if changed:
            composed.updated_at = now
        composed.save()
        if not changed:
            return latest
        number = latest.number + 1 if latest else 1
        trigger = by_id.get(trigger_article_id)
        return Revision.objects.create(
            composed=composed, number=number, created_at=now, changed=changed, trigger=trigger,
            summary=_summary(number, changed, trigger),
            snapshot={"headline": composed.shown_headline, "dek": parts["dek"].get("text", ""),
                      "body": [" ".join(s["text"] for s in p) for p in parts["body"]]},
        )


def _summary(number: int, changed: list[str], trigger: Article | None) -> str:
    if number == 1:
        return "First published."
    what = ", ".join(changed)
    return f"Updated {what} after a new report from {trigger.outlet.name}." if trigger else f"Updated {what}."
