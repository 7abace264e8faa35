from urllib.parse import urlsplit

from django.conf import settings
from django.core.management.base import BaseCommand

from sociose.options import OPTIONS

SECRET = {"secret_key", "writer_api_key"}
URLS_WITH_PASSWORDS = {"database_url", "redis_url", "writer_url"}


def shown(name: str, raw: str) -> str:
    """The value as safe to print: secrets hidden, passwords in URLs masked."""
    if name in SECRET and raw:
        return "(set)"
    if name in URLS_WITH_PASSWORDS and raw and urlsplit(raw).password:
        return raw.replace(f":{urlsplit(raw).password}@", ":***@")
    return raw


class Command(BaseCommand):
    help = "Show every option: its effective value, where it came from, its environment variable and help."

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["show"])
        parser.add_argument("--markdown", action="store_true", help="Print the options as a Markdown table.")

    def handle(self, *args, action, markdown=False, **kwargs):
        if markdown:
            self.stdout.write("| option | environment variable | type | default | what it does |")
            self.stdout.write("|---|---|---|---|---|")
            for option in OPTIONS:
                self.stdout.write(f"| {option.name} | `{option.env}` | {option.type_name} | "
                                  f"`{option.default}` | {option.help} |")
            return
        for value in settings.OPTIONS.values():
            option = value.option
            self.stdout.write(f"{option.name} = {shown(option.name, value.raw)}    [{value.source}]")
            self.stdout.write(f"    env {option.env}, type {option.type_name}, default {option.default!r}")
            self.stdout.write(f"    {option.help}")
