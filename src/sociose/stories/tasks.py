"""The story engine's entry point: every newly stored article is handed over here, as a task."""

from __future__ import annotations

from django_tasks import task

from sociose.articles.models import Article
from sociose.stories.actions import assign_story


@task()
def process_article(article_id: int) -> int | None:
    """Assign a new article to its story; returns the story's id."""
    article = Article.objects.select_related("outlet", "reprint_of").filter(id=article_id).first()
    if article is None:  # deleted before its turn came
        return None
    return assign_story(article).story_id
