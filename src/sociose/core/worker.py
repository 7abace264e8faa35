"""Running queued tasks with whichever backend is configured: the database queue by default, RQ on Redis at scale."""

from __future__ import annotations

from django.conf import settings
from django.core.management import call_command


def uses_redis() -> bool:
    return settings.TASKS["default"]["BACKEND"].startswith("django_tasks_rq")


def run_worker(*, batch: bool = False, verbosity: int = 1) -> None:
    """Run tasks until stopped or, with batch=True, until the queue is empty (what `import` and `ingest` do)."""
    if uses_redis():
        # django-tasks-rq needs its own Job class in the worker to run Django tasks
        call_command("rqworker", "default", burst=batch, job_class="django_tasks_rq.Job", verbosity=verbosity)
    else:
        call_command("db_worker", queue_name="*", batch=batch, interval=0.5, reload=False,
                     startup_delay=not batch, verbosity=verbosity)
