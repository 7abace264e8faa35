from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "sociose.core"
    label = "core"
