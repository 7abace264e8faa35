"""The scheduler: a loop that queues a refresh for every feed whose next poll is due and refreshes the top-story
scores of recently active stories (their time decay changes the order as hours pass)."""

from __future__ import annotations

import logging
import threading
from datetime import timedelta

from django.conf import settings
from django.db import close_old_connections, transaction
from django.utils import timezone

from sociose.sources.models import Feed
from sociose.stories.actions import refresh_scores

log = logging.getLogger(__name__)


def enqueue_due_feeds(limit: int = 200) -> int:
    """Queue a refresh for each due feed, leasing it (next_fetch_at moved on) so it is queued only once."""
    from sociose.ingest.tasks import refresh_feed

    lease = timezone.now() + timedelta(seconds=settings.SOCIOSE["feed_interval"])
    with transaction.atomic():
        due = list(Feed.objects.filter(active=True, next_fetch_at__lte=timezone.now())
                   .order_by("next_fetch_at").values_list("id", flat=True)[:limit])
        Feed.objects.filter(id__in=due).update(next_fetch_at=lease)
    for feed_id in due:
        refresh_feed.enqueue(feed_id)
    return len(due)


def run_scheduler(stop: threading.Event | None = None) -> None:
    stop = stop or threading.Event()
    tick = settings.SOCIOSE["scheduler_tick"]
    log.info("feed scheduler started, checking every %ss", tick)
    while not stop.is_set():
        try:
            queued = enqueue_due_feeds()
            if queued:
                log.info("queued %d feed refreshes", queued)
            refresh_scores()  # top-story scores decay with time, so they are recomputed as time passes
        except Exception:  # a database hiccup must not end the scheduler; it tries again next tick
            log.exception("scheduler tick failed")
        finally:
            close_old_connections()
        stop.wait(tick)
