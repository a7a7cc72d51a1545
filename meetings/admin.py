from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import (
    AgendaItem,
    Attendance,
    CirculationEmail,
    Classification,
    Committee,
    CommitteeRole,
    Meeting,
    MinutesDocument,
    Modification,
    NextMeeting,
    Organisation,
    Person,
)


class CommitteeRoleInline(admin.TabularInline):
    model = CommitteeRole
    extra = 0
    autocomplete_fields = ["person"]


@admin.register(Committee)
class CommitteeAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "quorum", "quorum_needs_chair"]
    search_fields = ["code", "name"]
    inlines = [CommitteeRoleInline]


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ["short_name", "name", "is_group", "members_of"]
    list_filter = ["is_group"]
    search_fields = ["short_name", "name"]


@admin.register(Person)
class PersonAdmin(admin.ModelAdmin):
    list_display = ["name", "organisation", "email", "user"]
    list_filter = ["organisation"]
    list_select_related = ["organisation", "user"]
    search_fields = ["name", "email"]
    autocomplete_fields = ["organisation"]
    raw_id_fields = ["user"]


@admin.register(CommitteeRole)
class CommitteeRoleAdmin(admin.ModelAdmin):
    list_display = ["person", "committee", "role", "category"]
    list_filter = ["committee", "role"]
    list_select_related = ["person", "committee"]
    autocomplete_fields = ["person"]


@admin.register(Classification)
class ClassificationAdmin(admin.ModelAdmin):
    list_display = ["label", "effective_from", "audience", "may_be_published", "colour"]
    list_filter = ["audience", "may_be_published"]
    filter_horizontal = ["named_people"]


class AttendanceInline(admin.TabularInline):
    model = Attendance
    fk_name = "meeting"
    extra = 0
    autocomplete_fields = ["person", "alternate_for"]


class NextMeetingInline(admin.TabularInline):
    model = NextMeeting
    extra = 0


class AgendaItemInline(admin.TabularInline):
    model = AgendaItem
    extra = 0
    fields = ["number", "title", "standing", "confidential", "order"]
    show_change_link = True


@admin.register(Meeting)
class MeetingAdmin(SimpleHistoryAdmin):
    list_display = ["__str__", "date", "kind", "status", "classification"]
    list_filter = ["committee", "kind", "status"]
    list_select_related = ["committee", "classification"]
    date_hierarchy = "date"
    readonly_fields = ["version"]
    raw_id_fields = ["approved_at_meeting", "circulated_by", "approved_by", "published_by"]
    inlines = [NextMeetingInline, AttendanceInline, AgendaItemInline]


@admin.register(Attendance)
class AttendanceAdmin(SimpleHistoryAdmin):
    list_display = ["person", "meeting", "section", "category", "represents"]
    list_filter = ["section", "meeting__committee"]
    list_select_related = ["person", "meeting__committee"]
    autocomplete_fields = ["person", "alternate_for"]
    raw_id_fields = ["meeting"]


@admin.register(Modification)
class ModificationAdmin(admin.ModelAdmin):
    list_display = ["reference", "title", "url"]
    search_fields = ["reference", "title"]


class RecordAdmin(admin.ModelAdmin):
    """Records the app writes itself (rendered PDFs, emails sent): shown,
    never added, changed or deleted by hand."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(MinutesDocument)
class MinutesDocumentAdmin(RecordAdmin):
    """Read-only: PDFs are made by "Export PDF" and render_minutes, and are records."""

    list_display = ["meeting", "minutes_version", "minutes_status", "state", "rendered_at", "pages"]
    list_filter = ["state", "minutes_status", "meeting__committee"]
    list_select_related = ["meeting__committee"]


@admin.register(CirculationEmail)
class CirculationEmailAdmin(RecordAdmin):
    """Read-only: who was told of each circulation, and what failed (with the
    error). `manage.py send_circulation` sends what is left."""

    list_display = ["meeting", "circulated_at", "recipient", "state", "sent_at", "attempts"]
    list_filter = ["state", "meeting__committee"]
    list_select_related = ["meeting__committee"]
    search_fields = ["recipient"]
