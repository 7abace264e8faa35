from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "sociose.api"
    label = "api"
