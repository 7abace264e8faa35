import json

from django.core.management.base import BaseCommand

from sociose.stories.actions import export_assignments, recluster


class Command(BaseCommand):
    help = "Stories: `export` prints JSON mapping every article URL to its story id; `recluster` rebuilds them all."

    def add_arguments(self, parser):
        actions = parser.add_subparsers(dest="action", required=True)
        actions.add_parser("export", help="Print {article URL: story id} as JSON.")
        actions.add_parser("recluster", help="Forget every story and cluster the whole archive again.")

    def handle(self, *args, action, **options):
        if action == "export":
            self.stdout.write(json.dumps(export_assignments(), indent=1, sort_keys=True))
        else:
            self.stdout.write(f"{recluster()} stories")
