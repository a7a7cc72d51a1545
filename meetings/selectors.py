"""Reads of meetings that every app above them shares: which committees and
meetings a user has, and how the audit trail names their records."""

from collections.abc import Callable

from django.contrib.auth import get_user_model
from django.db.models import QuerySet

from opsg.history import Namer

from .access import records_read_by
from .models import AgendaItem, Committee, Meeting, user_name


def committees_for_user(user) -> QuerySet[Committee]:
    if user.is_authenticated and user.is_staff:
        return Committee.objects.all()
    if not user.is_authenticated:
        return Committee.objects.none()
    return Committee.objects.filter(roles__person__user=user).distinct()


def meetings_for_committee(user, committee: Committee) -> QuerySet[Meeting]:
    """Meetings of a committee whose minutes the user may read, as they are
    or as kept during a correction (access.visible_records), newest first;
    `live`: the user reads them as they are."""
    return (
        records_read_by(user)
        .filter(committee=committee)
        .select_related("committee", "classification", "record")
        .order_by("-number")
    )


def history_namers(item_name: Callable[[AgendaItem], str] | None = None) -> dict:
    """How the audit trail (opsg.history) names the records a change links
    to: a meeting with its committee, an agenda item by `item_name` (default
    "item 4"), a login as the committee knows them."""
    return {
        Meeting: Namer(("committee",)),
        AgendaItem: Namer(("meeting__committee",), item_name or (lambda i: f"item {i.number}")),
        get_user_model(): Namer(("person",), user_name),
    }


def previous_meeting(meeting: Meeting) -> Meeting | None:
    """The committee's meeting before this one, by date then number."""
    return (
        Meeting.objects.filter(committee=meeting.committee, date__lt=meeting.date)
        .select_related("committee")
        .order_by("-date", "-number")
        .first()
    )
