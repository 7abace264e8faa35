from django.apps import AppConfig


class StoriesConfig(AppConfig):
    name = "sociose.stories"
    label = "stories"
