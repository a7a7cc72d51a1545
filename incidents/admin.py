from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import Incident, IncidentRelation, IncidentReview
from .services import incident_mentions_backfill


class IncidentRelationInline(admin.TabularInline):
    model = IncidentRelation
    fk_name = "incident"
    extra = 0
    raw_id_fields = ["related"]


class IncidentReviewInline(admin.StackedInline):
    model = IncidentReview
    extra = 0
    raw_id_fields = ["item"]


@admin.register(Incident)
class IncidentAdmin(SimpleHistoryAdmin):
    list_display = ["reference", "title", "occurred_on", "service_provider", "status"]
    list_filter = ["service_provider", "status", "category"]
    search_fields = ["reference", "title"]
    inlines = [IncidentRelationInline, IncidentReviewInline]
    raw_id_fields = ["actions", "decisions"]

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if not change:
            incident_mentions_backfill(incident=obj)


@admin.register(IncidentReview)
class IncidentReviewAdmin(SimpleHistoryAdmin):
    list_display = ["incident", "item", "publish_report"]
    list_select_related = ["incident", "item__meeting__committee"]
    raw_id_fields = ["incident", "item"]
