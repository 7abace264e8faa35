"""Search over stories and articles (to come)."""

urlpatterns = []
