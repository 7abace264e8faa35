"""`sociose run`: everything in one process tree, for one small machine (the embedded default)."""

from __future__ import annotations

import signal
import subprocess
import sys
import time

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand

from sociose.ingest.first_start import prepare_first_start
from sociose.options import origin


class Command(BaseCommand):
    help = ("Migrate, load the demo corpus and default feeds on first start, then serve the site with the task "
            "workers and the feed scheduler alongside. Ctrl-C stops everything.")

    def handle(self, *args, verbosity=1, **kwargs):
        call_command("migrate", interactive=False, verbosity=0)
        for line in prepare_first_start():
            self.stdout.write(line)
        base = [sys.executable, "-m", "sociose.cli"]
        roles = [["serve"], ["scheduler"]] + [["worker", "-v", "0"]] * settings.SOCIOSE["worker_processes"]
        children = [subprocess.Popen(base + role) for role in roles]
        address = origin(settings.SOCIOSE["host"], settings.SOCIOSE["port"])
        self.stdout.write(f"{settings.SITE_NAME} is running on {address}/ (Ctrl-C to stop)")
        stopping = False

        def stop(*_):
            nonlocal stopping
            stopping = True

        signal.signal(signal.SIGINT, stop)
        signal.signal(signal.SIGTERM, stop)
        exited = []
        try:
            while not stopping and not exited:
                time.sleep(0.5)
                exited = [child for child in children if child.poll() is not None]
        finally:
            self._stop_children(children)
        if exited and not stopping:
            role = " ".join(exited[0].args[3:])
            raise SystemExit(f"`sociose {role}` exited with status {exited[0].returncode}; stopped the rest")

    def _stop_children(self, children):
        for child in children:
            if child.poll() is None:
                child.send_signal(signal.SIGTERM)
        deadline = time.monotonic() + 15
        for child in children:
            try:
                child.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                child.kill()
                child.wait()
