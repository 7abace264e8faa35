from django.contrib import admin

from sociose.sources.models import Feed, FetchLog, Outlet


@admin.register(Outlet)
class OutletAdmin(admin.ModelAdmin):
    list_display = ["name", "domain", "home_page", "created_at"]
    search_fields = ["name", "domain"]


@admin.register(Feed)
class FeedAdmin(admin.ModelAdmin):
    list_display = ["url", "title", "outlet", "active", "last_fetched_at", "next_fetch_at", "consecutive_errors"]
    list_filter = ["active"]
    search_fields = ["url", "title"]
    readonly_fields = ["etag", "last_modified", "last_fetched_at", "consecutive_errors", "last_error"]
    autocomplete_fields = ["outlet"]


@admin.register(FetchLog)
class FetchLogAdmin(admin.ModelAdmin):
    list_display = ["created_at", "kind", "url", "ok", "status_code", "items_stored", "duration_ms", "error"]
    list_filter = ["kind", "ok"]
    search_fields = ["url", "error"]
    date_hierarchy = "created_at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
