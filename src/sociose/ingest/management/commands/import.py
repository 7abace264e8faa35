from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from sociose.articles.models import Article
from sociose.core.worker import run_worker
from sociose.ingest.pipelines import Report, import_path
from sociose.stories.actions import assign_in_publication_order


class Command(BaseCommand):
    help = ("Import news-please JSON files or folders, JSON Lines (.jsonl, .jsonl.gz), WARC files (pages are "
            "extracted) and OPML (feeds are subscribed). Returns when everything imported has been processed.")

    def add_arguments(self, parser):
        parser.add_argument("paths", nargs="+", type=Path)
        parser.add_argument("--enqueue", action="store_true",
                            help="Leave follow-up work (story assignment, page fetches) to the workers, which assign "
                                 "stories in the order the articles were stored.")

    def handle(self, *args, paths, enqueue=False, verbosity=1, **kwargs):
        missing = [str(p) for p in paths if not p.exists()]
        if missing:
            raise CommandError(f"no such file or folder: {', '.join(missing)}")
        report = Report()
        last = Article.objects.order_by("-id").values_list("id", flat=True).first() or 0
        for path in paths:
            report.add(import_path(path))
        if not enqueue:
            # The imported articles join their stories in publication order, not in the order of the files (their
            # own tasks then find them assigned); the worker does the rest of the follow-up work.
            assign_in_publication_order(Article.objects.filter(id__gt=last))
            run_worker(batch=True, verbosity=0)
        report.print(self, verbosity)
