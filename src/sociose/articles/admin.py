from django.contrib import admin

from sociose.articles.models import Article


@admin.register(Article)
class ArticleAdmin(admin.ModelAdmin):
    list_display = ["title", "outlet", "published_at", "fetched_at", "via", "language", "reprint_of"]
    list_filter = ["via", "language", "outlet"]
    search_fields = ["title", "canonical_url"]
    date_hierarchy = "published_at"
    raw_id_fields = ["reprint_of", "feed"]
    readonly_fields = ["content_hash", "fetched_at"]
