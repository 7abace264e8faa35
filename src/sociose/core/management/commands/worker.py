from django.core.management.base import BaseCommand

from sociose.core.worker import run_worker


class Command(BaseCommand):
    help = "Run queued tasks (feed refreshes, page fetches, story work) until stopped. Run as many as you need."

    def add_arguments(self, parser):
        parser.add_argument("--batch", action="store_true", help="Run every queued task, then exit.")

    def handle(self, *args, batch=False, verbosity=1, **kwargs):
        run_worker(batch=batch, verbosity=verbosity)
