from django.core.management.base import BaseCommand

from sociose.core.worker import run_worker
from sociose.ingest.pipelines import Report, ingest_page


class Command(BaseCommand):
    help = "Fetch and extract article pages by URL. Returns when they have been processed."

    def add_arguments(self, parser):
        parser.add_argument("urls", nargs="+")
        parser.add_argument("--enqueue", action="store_true", help="Leave follow-up work to the workers.")

    def handle(self, *args, urls, enqueue=False, verbosity=1, **kwargs):
        report = Report()
        for url in urls:
            report.add(ingest_page(url))
        if not enqueue:
            run_worker(batch=True, verbosity=0)
        report.print(self, verbosity)
