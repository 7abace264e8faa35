"""Background tasks of the ingestion side; each is a thin wrapper around an orchestrator in pipelines.py."""

from __future__ import annotations

from django_tasks import task

from sociose.articles.draft import ArticleDraft
from sociose.ingest import pipelines
from sociose.sources.models import Feed


@task()
def refresh_feed(feed_id: int) -> dict:
    feed = Feed.objects.filter(id=feed_id, active=True).first()
    if feed is None:
        return {"skipped": "feed removed or paused"}
    return _summary(pipelines.refresh_feed(feed))


@task()
def fetch_article(url: str, *, feed_id: int | None = None, hint: dict | None = None) -> dict:
    feed = Feed.objects.filter(id=feed_id).first() if feed_id else None
    draft = ArticleDraft.from_json(hint) if hint else None
    return _summary(pipelines.ingest_page(url, feed=feed, hint=draft))


def _summary(report: pipelines.Report) -> dict:
    return {"stored": report.stored, "duplicates": report.duplicates, "queued": report.queued,
            "errors": report.errors[:20]}
