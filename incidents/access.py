"""Who may see an incident: staff, and those who may read an agenda item
that reviewed or names it, or an action linked to it. Everyone else gets
404, as if it did not exist."""

from django.db.models import Exists, OuterRef, QuerySet
from django.http import Http404

from actions.access import visible_actions
from meetings.access import visible_items

from .models import Incident, IncidentMention, IncidentReview, tidy_reference


def visible_incidents(user) -> QuerySet[Incident]:
    if not user.is_authenticated:
        return Incident.objects.none()
    if user.is_staff:
        return Incident.objects.all()
    items = visible_items(user)
    # EXISTS rather than joins: an incident reviewed at many meetings is still one row.
    return Incident.objects.filter(
        Exists(IncidentReview.objects.filter(incident=OuterRef("pk"), item__in=items))
        | Exists(IncidentMention.objects.filter(incident=OuterRef("pk"), item__in=items))
        | Exists(visible_actions(user).filter(incidents=OuterRef("pk")).values("pk"))
    )


def incident_for_user(user, reference: str) -> Incident:
    incident = visible_incidents(user).filter(reference=tidy_reference(reference)).first()
    if incident is None:
        raise Http404("No such incident.")
    return incident


def incident_review_in(item, pk) -> IncidentReview:
    """A review recorded under this item (the meeting's access already checked)."""
    try:
        return item.incident_reviews.select_related("incident").get(pk=pk)
    except (IncidentReview.DoesNotExist, ValueError):
        raise Http404("Not part of these minutes.") from None
