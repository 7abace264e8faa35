"""The story engine's entry point: every newly stored article is handed over here, as a task."""

from __future__ import annotations

from django_tasks import task


@task()
def process_article(article_id: int) -> None:
    """Assign a new article to a story. Clustering plugs in here (issue 3); until then articles stand alone."""
