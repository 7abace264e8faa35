from django.urls import path

from sociose.site import views

app_name = "site"
urlpatterns = [
    path("", views.front_page, name="front"),
    path("articles/<int:article_id>/", views.article_page, name="article"),
    path("stories/<int:story_id>/", views.story_page, name="story"),
    path("about/", views.about_page, name="about"),
]
