"""Who may see an incident: staff, and those who may read an agenda item
that reviewed or names it, or an action linked to it. Everyone else gets
404, as if it did not exist."""

from django.db.models import Q, QuerySet
from django.http import Http404

from actions.access import visible_actions
from meetings.access import rule_keys, visible_items

from .models import Incident, IncidentMention, IncidentReview, tidy_reference


def visible_incidents(user) -> QuerySet[Incident]:
    if not user.is_authenticated:
        return Incident.objects.none()
    if user.is_staff:
        return Incident.objects.all()
    # The items' and the actions' own rules, each compiled once for the request.
    items = rule_keys(user, visible_items)
    reviewed = IncidentReview.objects.filter(item__in=items).values("incident")
    named = IncidentMention.objects.filter(item__in=items).values("incident")
    linked = Incident.actions.through.objects.filter(action__in=rule_keys(user, visible_actions))
    # Subqueries of keys rather than joins (an incident reviewed at many
    # meetings is still one row), and rather than an EXISTS for each
    # incident, which PostgreSQL plans twice over (row by row, and hashed).
    return Incident.objects.filter(
        Q(pk__in=reviewed) | Q(pk__in=named) | Q(pk__in=linked.values("incident"))
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
