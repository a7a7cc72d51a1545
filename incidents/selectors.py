from meetings.access import can_see_meeting
from meetings.models import AgendaItem

from .models import Incident


def incident_reviews_visible(user, incident: Incident):
    reviews = incident.reviews.select_related(
        "item__meeting__committee", "item__meeting__classification"
    ).order_by("item__meeting__date")
    return [r for r in reviews if can_see_meeting(user, r.item.meeting)]


def meetings_mentioning(user, incident: Incident):
    """Every meeting whose agenda items name the incident, that the user may see."""
    items = (
        AgendaItem.objects.filter(narrative__contains=incident.reference)
        .select_related("meeting__committee", "meeting__classification")
        .order_by("meeting__date", "order")
    )
    return [item for item in items if can_see_meeting(user, item.meeting)]
