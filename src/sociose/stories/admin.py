from django.contrib import admin, messages

from sociose.stories.actions import do_merge_stories, do_split_story
from sociose.stories.models import Membership, Story, StoryEvent


class MembershipInline(admin.TabularInline):
    model = Membership
    fields = ["article", "outlet", "published_at", "origin", "is_reprint", "score"]
    readonly_fields = fields
    extra = 0
    can_delete = False
    ordering = ["published_at"]


@admin.register(Story)
class StoryAdmin(admin.ModelAdmin):
    list_display = ["id", "title", "article_count", "independent_count", "reprint_count", "outlet_count",
                    "first_seen", "last_seen", "score", "pinned"]
    list_filter = ["pinned"]
    search_fields = ["title"]
    readonly_fields = ["summary", "version", "score", "score_inputs", "article_count", "independent_count",
                       "reprint_count", "outlet_count", "first_outlet", "first_seen", "last_seen", "merged_into",
                       "created_at", "updated_at"]
    inlines = [MembershipInline]
    actions = ["merge_stories"]

    def get_queryset(self, request):
        return super().get_queryset(request).filter(merged_into=None)

    def save_model(self, request, obj, form, change):
        """Write only what the editor changed: the engine updates a story's summary, counts and score as articles
        arrive, and the values this form was loaded with would undo what it did in between."""
        if change:
            obj.save(update_fields=form.changed_data)
        else:
            super().save_model(request, obj, form, change)

    @admin.action(description="Merge the selected stories into the oldest of them", permissions=["change"])
    def merge_stories(self, request, queryset):
        stories = list(queryset.order_by("first_seen", "id"))
        if len(stories) < 2:
            self.message_user(request, "Select at least two stories to merge.", messages.WARNING)
            return
        kept = stories[0]
        for other in stories[1:]:
            do_merge_stories(kept, other, actor=request.user, reason=f"Merged by {request.user} in the admin.")
        self.message_user(request, f"Merged {len(stories) - 1} stories into story {kept.id}.")


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["article", "story", "outlet", "published_at", "origin", "is_reprint", "score"]
    list_filter = ["is_reprint"]
    search_fields = ["article__title", "story__title"]
    raw_id_fields = ["article", "story"]
    actions = ["split_off"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    @admin.action(description="Split the selected articles off into a new story", permissions=["split"])
    def split_off(self, request, queryset):
        story_ids = set(queryset.values_list("story_id", flat=True))
        if len(story_ids) != 1:
            self.message_user(request, "Select articles of one story.", messages.WARNING)
            return
        story = Story.objects.get(id=story_ids.pop())
        try:
            new = do_split_story(story, queryset.values_list("article_id", flat=True), actor=request.user,
                                 reason=f"Split by {request.user} in the admin.")
        except ValueError as error:
            self.message_user(request, str(error), messages.ERROR)
            return
        self.message_user(request, f"Split {queryset.count()} articles into story {new.id}.")

    def has_split_permission(self, request):
        return request.user.has_perm("stories.change_story")


@admin.register(StoryEvent)
class StoryEventAdmin(admin.ModelAdmin):
    list_display = ["created_at", "kind", "story", "other", "actor", "automatic", "reason"]
    list_filter = ["kind", "automatic"]
    readonly_fields = ["kind", "story", "other", "articles", "actor", "automatic", "reason", "created_at"]

    def has_add_permission(self, request):
        return False
