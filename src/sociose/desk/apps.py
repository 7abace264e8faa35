from django.apps import AppConfig


class DeskConfig(AppConfig):
    name = "sociose.desk"
    label = "desk"

    def ready(self):
        from sociose.desk import signals  # noqa: F401 - connects the story-changed receiver
