"""The story engine's entry point: every newly stored article is handed over here, as a task."""

from __future__ import annotations

import logging

from django_tasks import task

from sociose.articles.models import Article
from sociose.stories.actions import assign_stories, assign_story

log = logging.getLogger(__name__)

# Articles one task clusters at most: its own and the newer unassigned ones waiting behind it (see process_article).
BATCH_SIZE = 100


@task()
def process_article(article_id: int) -> int | None:
    """Assign a new article to its story; returns the story's id.

    When articles arrive faster than they are clustered, the task also takes the unassigned articles stored after
    its own (their tasks are queued behind it, in the same order) and clusters them in one transaction with
    `assign_stories`: the stories are the same as one task at a time would give, at a fraction of the cost per
    article. Their own tasks then find them assigned and return at once. Only newer articles are taken, so an
    article that cannot be clustered (an error) holds back no task but those of older articles; when a batch fails,
    the task clusters its articles one at a time, so that one bad article fails only its own task and is not tried
    again in the batch of the next task.
    """
    articles = Article.objects.select_related("outlet", "reprint_of")
    article = articles.filter(id=article_id).first()
    if article is None:  # deleted before its turn came
        return None
    waiting = list(articles.filter(id__gt=article.id, membership__isnull=True).order_by("id")[:BATCH_SIZE - 1])
    if not waiting:
        return assign_story(article).story_id
    try:
        return assign_stories([article, *waiting])[0].story_id
    except Exception:
        log.warning("clustering articles %s to %s together failed; clustering them one at a time",
                    article.id, waiting[-1].id, exc_info=True)
    # One at a time, each in its own transaction: the bad article fails alone (its own task reports it), and the
    # others are done here, so that the next tasks do not build the same failing batch again.
    story_id = assign_story(article).story_id
    for other in waiting:
        try:
            assign_story(other)
        except Exception:  # noqa: BLE001 - reported by the article's own task, which will try it again
            log.warning("article %s could not be clustered; its own task will report why", other.id)
    return story_id
