from django.apps import AppConfig


class SiteConfig(AppConfig):
    name = "sociose.site"
    label = "site"

    def ready(self):
        from sociose.site import search  # noqa: F401 - connects the signals that keep the search index in sync
