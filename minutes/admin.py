"""The admin of the minutes' items and decisions: their saves keep the
incidents' mention index, as minutes.services does."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from incidents.services import incident_mentions_refresh
from meetings.models import AgendaItem, Decision


class DecisionInline(admin.StackedInline):
    model = Decision
    extra = 0


@admin.register(AgendaItem)
class AgendaItemAdmin(SimpleHistoryAdmin):
    list_display = ["__str__", "meeting", "standing", "confidential"]
    list_filter = ["meeting__committee", "confidential", "standing"]
    list_select_related = ["meeting__committee"]
    search_fields = ["title", "narrative"]
    raw_id_fields = ["meeting"]
    inlines = [DecisionInline]

    def save_related(self, request, form, formsets, change):
        # After the decisions inline is saved: the item's text is complete.
        super().save_related(request, form, formsets, change)
        incident_mentions_refresh(items=[form.instance])


@admin.register(Decision)
class DecisionAdmin(SimpleHistoryAdmin):
    list_display = ["verb", "text", "item"]
    list_filter = ["verb"]
    list_select_related = ["item__meeting__committee"]
    search_fields = ["text"]
    raw_id_fields = ["item"]

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        incident_mentions_refresh(items=[obj.item])
