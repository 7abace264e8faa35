"""The `sociose` command: Sociose's own subcommands (run, serve, worker, scheduler, import, ingest, feeds, config)
and every Django management command, with options validated before anything starts."""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager

try:
    import fcntl
except ImportError:  # not on Windows
    fcntl = None

from sociose import options

# Command-line flags that stand for an option; they are applied to the environment before settings load, so a
# flag and its environment variable go through the same validation and show up in `sociose config show`.
FLAG_OPTIONS = {"--host": "host", "--port": "port", "--processes": "web_processes"}


def apply_flags(argv: list[str]) -> list[str]:
    rest, i = [], 0
    while i < len(argv):
        arg = argv[i]
        name, _, value = arg.partition("=")
        if name in FLAG_OPTIONS:
            if not value:
                if i + 1 >= len(argv):
                    raise options.OptionError(f"{name} needs a value")
                value, i = argv[i + 1], i + 1
            os.environ[options.BY_NAME[FLAG_OPTIONS[name]].env] = value
        else:
            rest.append(arg)
        i += 1
    return rest


# Commands that read or write the site's data. On a database never set up, they set it up first (a new data directory:
# `sociose import ...` works before `make run`); on one that lacks this version's migrations (an upgrade), they stop
# and say what to run, rather than work on another version's tables. `run` migrates by itself.
DATA_COMMANDS = frozenset({"import", "ingest", "feeds", "stories", "desk", "worker", "scheduler", "serve"})


# Commands that listen for HTTP and so must know the site's public URL (options.check_serving).
SERVE_COMMANDS = frozenset({"serve", "run"})

_SETUP_LOCK = 0x5C1_05E7  # PostgreSQL advisory lock held while a process sets up a new database


def check_database() -> None:
    import django
    from django.core.management import call_command
    from django.db import DatabaseError, connection
    from django.db.migrations.executor import MigrationExecutor

    django.setup()

    def unapplied() -> tuple[bool, bool]:  # (migrations to apply, some applied already)
        executor = MigrationExecutor(connection)
        return bool(executor.migration_plan(executor.loader.graph.leaf_nodes())), bool(
            executor.loader.applied_migrations)

    try:
        pending, _ = unapplied()
        if not pending:
            return
        # Processes started together on a new database (a web server, workers and the scheduler) take turns: the
        # first sets it up, the others find it done.
        with _setup_lock(connection):
            pending, started = unapplied()
            if not pending:
                return
            if started:
                sys.stderr.write("sociose: the database is from an earlier version: run `sociose migrate` first "
                                 "(`make run` does it)\n")
                raise SystemExit(2)
            sys.stderr.write("sociose: setting up a new database\n")
            call_command("migrate", interactive=False, verbosity=0)
    except DatabaseError as error:
        sys.stderr.write(f"sociose: cannot use the database: {error}\n")
        raise SystemExit(2) from None


@contextmanager
def _setup_lock(connection) -> Iterator[None]:
    """One process at a time: a PostgreSQL advisory lock, or a lock on a file beside the SQLite database."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_lock(%s)", [_SETUP_LOCK])
        try:
            yield
        finally:
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_unlock(%s)", [_SETUP_LOCK])
    elif connection.vendor == "sqlite" and fcntl is not None:
        with open(f"{connection.settings_dict['NAME']}.setup-lock", "a") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)  # released when the file closes
            yield
    else:
        yield


def main(argv: list[str] | None = None) -> None:
    argv = list(sys.argv if argv is None else argv)
    try:
        argv = argv[:2] + apply_flags(argv[2:])
        values = options.load()
        if len(argv) > 1 and argv[1] in SERVE_COMMANDS and not {"-h", "--help"} & set(argv[2:]):
            options.check_serving(values)
    except options.OptionError as error:
        sys.stderr.write(f"sociose: configuration error: {error}\n")
        raise SystemExit(2) from None
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sociose.settings")
    if len(argv) > 1 and argv[1] in DATA_COMMANDS and not {"-h", "--help"} & set(argv[2:]):
        check_database()
    from django.core.management import execute_from_command_line

    execute_from_command_line(["sociose", *argv[1:]] if len(argv) > 1 else ["sociose", "help"])


if __name__ == "__main__":
    main()
