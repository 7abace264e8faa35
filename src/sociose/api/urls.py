from django.urls import path

from sociose.api import views

app_name = "api"
urlpatterns = [
    path("stories/", views.story_list, name="stories"),
    path("stories/<int:story_id>/", views.story_detail, name="story"),
]
