from django.apps import AppConfig


class SiteConfig(AppConfig):
    name = "sociose.site"
    label = "site"
