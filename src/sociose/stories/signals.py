"""Signals the story engine sends, so that later stages (composing the story page) can follow without the engine
importing them."""

from django.dispatch import Signal

# Sent inside the transaction that changed stories, once per transaction: `changes`, a dict from each changed story's
# id to the article that changed it (the first of a batch's articles to join it), or None (a merge, a split).
stories_changed = Signal()
