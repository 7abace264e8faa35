"""The `sociose` command: Sociose's own subcommands (run, serve, worker, scheduler, import, ingest, feeds, config)
and every Django management command, with options validated before anything starts."""

from __future__ import annotations

import os
import sys

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


def main(argv: list[str] | None = None) -> None:
    argv = list(sys.argv if argv is None else argv)
    try:
        argv = argv[:2] + apply_flags(argv[2:])
        options.load()
    except options.OptionError as error:
        sys.stderr.write(f"sociose: configuration error: {error}\n")
        raise SystemExit(2) from None
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sociose.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(["sociose", *argv[1:]] if len(argv) > 1 else ["sociose", "help"])


if __name__ == "__main__":
    main()
