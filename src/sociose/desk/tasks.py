from django_tasks import task

from sociose.desk.actions import compose_story
from sociose.stories.models import Story


@task()
def compose(story_id: int, *, trigger_article_id: int | None = None) -> int | None:
    """Compose (or recompose) a story's page; returns the number of its latest revision."""
    story = Story.objects.filter(id=story_id, merged_into=None).first()
    if story is None:
        return None
    revision = compose_story(story, trigger_article_id=trigger_article_id)
    return revision.number if revision else None
