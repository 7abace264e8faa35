from django.apps import AppConfig


class SourcesConfig(AppConfig):
    name = "sociose.sources"
    label = "sources"
