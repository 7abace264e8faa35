from django.core.management.base import BaseCommand

from sociose.desk.actions import compose_story
from sociose.stories.models import Story


class Command(BaseCommand):
    help = "Story desk: `recompose` composes every story again (after an upgrade that changes composing)."

    def add_arguments(self, parser):
        actions = parser.add_subparsers(dest="action", required=True)
        actions.add_parser("recompose", help="Compose every live story; stories whose inputs are unchanged are "
                                             "skipped cheaply, and only real changes become revisions.")

    def handle(self, *args, action, **options):
        stories = Story.objects.filter(merged_into=None, article_count__gt=0).order_by("id")
        count = 0
        for story in stories.iterator():
            compose_story(story)
            count += 1
        self.stdout.write(f"{count} stories composed")
