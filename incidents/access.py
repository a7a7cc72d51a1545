"""Who may see an incident: those who may see a meeting that reviewed or
mentions it, and staff. Everyone else gets 404."""

from django.http import Http404

from meetings.access import can_see_meeting
from meetings.models import AgendaItem

from .models import Incident


def incident_for_user(user, reference: str) -> Incident:
    try:
        incident = Incident.objects.get(reference=reference.upper())
    except Incident.DoesNotExist:
        raise Http404("No such incident.") from None
    if not user.is_authenticated:
        raise Http404("No such incident.")
    if user.is_staff:
        return incident
    items = AgendaItem.objects.filter(
        incident_reviews__incident=incident
    ) | AgendaItem.objects.filter(narrative__contains=incident.reference)
    meetings = {
        item.meeting
        for item in items.select_related("meeting__committee", "meeting__classification")
    }
    if not any(can_see_meeting(user, meeting) for meeting in meetings):
        raise Http404("No such incident.")
    return incident
