from django.db import transaction
from django.dispatch import receiver

from sociose.stories.signals import stories_changed


@receiver(stories_changed)
def recompose_changed_stories(sender, *, changes: dict[int, int | None], **kwargs):
    """Queue the stories' recomposition, one task for them all, once the change is committed (composing is cheap when
    nothing it uses changed)."""
    from sociose.desk.tasks import compose_stories

    pairs = [[story_id, article_id] for story_id, article_id in changes.items()]
    if pairs:
        transaction.on_commit(lambda: compose_stories.enqueue(pairs))
