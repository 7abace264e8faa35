from django.db import transaction
from django.dispatch import receiver

from sociose.stories.signals import stories_changed


@receiver(stories_changed)
def recompose_changed_stories(sender, *, changes: dict[int, int | None], **kwargs):
    """Queue the stories' recomposition once the change is committed (composing is cheap when nothing it uses
    changed). The requests are queued in one transaction: with the database task backend, a batch of articles that
    changed forty stories then commits once, not forty times."""
    from sociose.desk.tasks import compose

    def enqueue():
        with transaction.atomic():
            for story_id, article_id in changes.items():
                compose.enqueue(story_id, trigger_article_id=article_id)

    transaction.on_commit(enqueue)
