import signal
import threading

from django.core.management.base import BaseCommand

from sociose.ingest.scheduler import run_scheduler


class Command(BaseCommand):
    help = "Queue feed refreshes as feeds fall due. Run exactly one per site."

    def handle(self, *args, **kwargs):
        stop = threading.Event()
        for signum in (signal.SIGINT, signal.SIGTERM):
            signal.signal(signum, lambda *_: stop.set())
        run_scheduler(stop)
