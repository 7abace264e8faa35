"""The reader site's routes, gathered from the modules that serve them."""

from sociose.site import conventions, pages, search

app_name = "site"
urlpatterns = pages.urlpatterns + conventions.urlpatterns + search.urlpatterns
