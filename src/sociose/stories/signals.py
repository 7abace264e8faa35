"""Signals the story engine sends, so that later stages (composing the story page) can follow without the engine
importing them."""

from django.dispatch import Signal

# Sent inside the transaction that changed a story: story_id, and article_id of the article that caused it (or None).
story_changed = Signal()
