from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import Action, ActionOwner, ActionReview, FeedToken, OwnerUpdate, Reminder
from .services import action_slips_refresh


class ActionOwnerInline(admin.TabularInline):
    model = ActionOwner
    extra = 0
    autocomplete_fields = ["organisation", "person"]


class ActionReviewInline(admin.StackedInline):
    model = ActionReview
    extra = 0
    raw_id_fields = ["meeting"]


@admin.register(Action)
class ActionAdmin(SimpleHistoryAdmin):
    list_display = ["reference", "status", "raised_on", "target_date", "target_note", "outcome"]
    list_filter = ["committee", "status", "outcome", "confidential"]
    search_fields = ["reference", "text"]
    # References are allocated by the service, never typed; the slips are
    # worked out from the reviews.
    readonly_fields = [
        "reference",
        "committee",
        "meeting_number",
        "sequence",
        "confidential",
        "times_slipped",
        "days_slipped",
    ]
    raw_id_fields = ["meeting", "item", "superseded_by"]
    inlines = [ActionOwnerInline, ActionReviewInline]

    def has_add_permission(self, request):
        return False

    def save_related(self, request, form, formsets, change):
        # The reviews inline may have added, changed or deleted reviews.
        super().save_related(request, form, formsets, change)
        action_slips_refresh(action=form.instance)


@admin.register(ActionReview)
class ActionReviewAdmin(SimpleHistoryAdmin):
    list_display = ["action", "meeting", "status", "last_target_date", "revised_target_date"]
    list_filter = ["status", "meeting__committee"]
    list_select_related = ["action", "meeting__committee"]
    raw_id_fields = ["action", "meeting"]

    # A review edited here bypasses action_review_record: its action's stored
    # slips are worked out again, for the action it was moved from too.
    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        actions = {obj.action_id, form.initial.get("action")} - {None}
        for action in Action.objects.filter(pk__in=actions):
            action_slips_refresh(action=action)

    def delete_model(self, request, obj):
        action = obj.action
        super().delete_model(request, obj)
        action_slips_refresh(action=action)

    def delete_queryset(self, request, queryset):
        actions = list(Action.objects.filter(pk__in=queryset.values("action_id")))
        super().delete_queryset(request, queryset)
        for action in actions:
            action_slips_refresh(action=action)


@admin.register(OwnerUpdate)
class OwnerUpdateAdmin(SimpleHistoryAdmin):
    list_display = ["action", "submitted_by", "submitted_at", "state"]
    list_filter = ["state"]
    list_select_related = ["action", "submitted_by"]
    raw_id_fields = ["action", "review"]


@admin.register(Reminder)
class ReminderAdmin(admin.ModelAdmin):
    list_display = ["day", "recipient", "action", "kind", "state", "attempts"]
    list_filter = ["state", "kind", "day"]
    list_select_related = ["action"]
    raw_id_fields = ["action"]


@admin.register(FeedToken)
class FeedTokenAdmin(admin.ModelAdmin):
    list_display = ["user", "kind", "committee", "created_at", "revoked_at"]
    list_filter = ["kind", "committee"]
    list_select_related = ["user", "committee"]
    raw_id_fields = ["user"]
    # The secret itself stays out of the list and the search: an operator
    # revokes a feed (sets revoked_at), they do not need to read its URL.
    exclude = ["token"]
    readonly_fields = ["user", "kind", "committee", "created_at"]

    def has_add_permission(self, request):
        # Feeds are made by their users on /actions/feeds/, never for them.
        return False
