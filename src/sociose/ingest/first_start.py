"""What a new site does on its first start: import the bundled demo corpus and subscribe to the default feeds."""

from __future__ import annotations

from collections.abc import Iterator

from django.conf import settings

from sociose.articles.models import Article
from sociose.core.worker import run_worker
from sociose.demo import CORPUS_PATH, DEFAULT_FEEDS_PATH
from sociose.ingest.pipelines import import_path
from sociose.sources.models import Feed
from sociose.stories.actions import assign_in_publication_order


def prepare_first_start() -> Iterator[str]:
    """Fill an empty database; yields progress lines. Does nothing on a database that has articles or feeds."""
    if Article.objects.exists() or Feed.objects.exists():
        return
    if settings.SOCIOSE["load_demo"]:
        report = import_path(CORPUS_PATH)
        assign_in_publication_order(Article.objects.all())  # as `sociose import` does
        run_worker(batch=True, verbosity=0)
        yield f"Imported {report.stored} Wikinews demo articles (CC BY 2.5)."
    if settings.SOCIOSE["subscribe_default_feeds"]:
        report = import_path(DEFAULT_FEEDS_PATH)
        yield (f"Subscribed to {report.feeds_added} public news feeds; set SOCIOSE_SUBSCRIBE_DEFAULT_FEEDS=false "
               "to start without them.")
