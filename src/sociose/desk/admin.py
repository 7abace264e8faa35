from django.contrib import admin

from sociose.desk.actions import compose_story
from sociose.desk.models import ComposedStory, Revision


class RevisionInline(admin.TabularInline):
    model = Revision
    fields = ["number", "created_at", "changed", "summary", "trigger"]
    readonly_fields = fields
    extra = 0
    can_delete = False


@admin.register(ComposedStory)
class ComposedStoryAdmin(admin.ModelAdmin):
    list_display = ["story", "headline", "headline_override", "word_count", "reading_time_minutes", "updated_at"]
    search_fields = ["headline", "headline_override"]
    fields = ["story", "headline", "headline_override", "word_count", "reading_time_minutes", "language",
              "published_at", "updated_at"]
    readonly_fields = ["story", "headline", "word_count", "reading_time_minutes", "language", "published_at",
                       "updated_at"]
    inlines = [RevisionInline]

    def has_add_permission(self, request):
        return False

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if "headline_override" in form.changed_data:
            compose_story(obj.story)  # records the editor's headline as a revision
