"""The web's conventions: feeds, sitemaps, robots.txt (to come)."""

urlpatterns = []
