from django.apps import AppConfig


class IngestConfig(AppConfig):
    name = "sociose.ingest"
    label = "ingest"
