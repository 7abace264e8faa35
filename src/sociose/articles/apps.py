from django.apps import AppConfig


class ArticlesConfig(AppConfig):
    name = "sociose.articles"
    label = "articles"
