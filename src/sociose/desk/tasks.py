import logging

from django_tasks import task

from sociose.desk.actions import compose_story
from sociose.stories.models import Story

log = logging.getLogger(__name__)


@task()
def compose_stories(changes: list[list[int | None]]) -> int:
    """Compose (or recompose) the pages of the stories one clustering transaction changed: `changes` holds
    [story id, id of the article that changed it or None] pairs. Returns how many were composed.

    One task per transaction, not one per story: queueing is a database insert with the default task backend, and a
    backlog's batch changes dozens of stories. Under a backlog, batches' tasks still spread over the workers; a
    single new article is a batch of one. A story that fails to compose holds back none of the others; the task then
    fails, naming it."""
    failed = []
    for story_id, article_id in changes:
        try:  # compose_story writes in its own transaction; a failed read leaves nothing behind
            compose.call(story_id, trigger_article_id=article_id)
        except Exception:
            log.exception("composing story %s failed", story_id)
            failed.append(story_id)
    if failed:
        raise RuntimeError(f"{len(failed)} of {len(changes)} stories failed to compose (the others were): {failed}")
    return len(changes)


@task()
def compose(story_id: int, *, trigger_article_id: int | None = None) -> int | None:
    """Compose (or recompose) a story's page; returns the number of its latest revision."""
    story = Story.objects.filter(id=story_id, merged_into=None).first()
    if story is None:
        return None
    revision = compose_story(story, trigger_article_id=trigger_article_id)
    return revision.number if revision else None
