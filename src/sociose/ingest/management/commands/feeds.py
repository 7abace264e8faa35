from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from sociose.ingest.opml import OpmlFeed, write_opml
from sociose.ingest.pipelines import Report, import_opml
from sociose.sources.actions import do_add_feed, do_remove_feed
from sociose.sources.models import Feed


class Command(BaseCommand):
    help = "Manage feed subscriptions: add, list, remove, import-opml, export-opml."

    def add_arguments(self, parser):
        actions = parser.add_subparsers(dest="action", required=True)
        add = actions.add_parser("add", help="Subscribe to feeds by URL.")
        add.add_argument("urls", nargs="+")
        add.add_argument("--title", default="")
        actions.add_parser("list", help="List feeds with their state.")
        remove = actions.add_parser("remove", help="Unsubscribe from feeds by URL.")
        remove.add_argument("urls", nargs="+")
        imp = actions.add_parser("import-opml", help="Subscribe to every feed in an OPML file.")
        imp.add_argument("file", type=Path)
        actions.add_parser("export-opml", help="Print the subscriptions as OPML.")

    def handle(self, *args, action, **options):
        getattr(self, action.replace("-", "_"))(**options)

    def add(self, urls, title="", **_):
        for url in urls:
            try:
                feed, created = do_add_feed(url, title=title)
            except ValueError as error:
                raise CommandError(str(error)) from None
            self.stdout.write(f"{'added' if created else 'already subscribed'}: {feed.url}")

    def list(self, **_):
        for feed in Feed.objects.select_related("outlet"):
            state = f"{feed.consecutive_errors} errors: {feed.last_error[:80]}" if feed.consecutive_errors else "ok"
            last = feed.last_fetched_at.isoformat(timespec="minutes") if feed.last_fetched_at else "never"
            self.stdout.write(f"{feed.url}\t{feed.title or '-'}\tlast {last}\t{state}")

    def remove(self, urls, **_):
        for url in urls:
            self.stdout.write(f"{'removed' if do_remove_feed(url) else 'not subscribed'}: {url}")

    def import_opml(self, file, **_):
        if not file.exists():
            raise CommandError(f"no such file: {file}")
        report = Report()
        import_opml(file, report)
        for error in report.errors:
            self.stderr.write(f"error: {error}")
        self.stdout.write(f"{report.feeds_added} feeds added")

    def export_opml(self, **_):
        feeds = (OpmlFeed(xml_url=f.url, title=f.title, html_url=f.outlet.home_page if f.outlet else "", category="")
                 for f in Feed.objects.select_related("outlet"))
        self.stdout.write(write_opml(feeds, title="Sociose subscriptions"))
