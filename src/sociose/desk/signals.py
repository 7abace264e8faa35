from django.db import transaction
from django.dispatch import receiver

from sociose.stories.signals import story_changed


@receiver(story_changed)
def recompose_changed_story(sender, *, story_id: int, article_id: int | None, **kwargs):
    """Queue a recomposition once the change is committed (composing is cheap when nothing it uses changed)."""
    from sociose.desk.tasks import compose

    transaction.on_commit(lambda: compose.enqueue(story_id, trigger_article_id=article_id))
