"""Reads of incidents: the register, an incident's page, and the check
that an item's heading and text name the same incident."""

from dataclasses import dataclass

from django.db.models import Prefetch, QuerySet

from actions.access import visible_actions
from actions.filters import REFERENCE_ORDER
from actions.models import Action
from actions.selectors import OWNERS
from meetings.access import visible_decisions, visible_items
from meetings.markdown import heading_names_other_incidents
from meetings.models import AgendaItem

from .access import visible_incidents
from .filters import IncidentFilter
from .models import Incident, IncidentMention, IncidentRelation, IncidentReview


@dataclass
class Register:
    filterset: IncidentFilter
    incidents: QuerySet[Incident]


def incident_register(incidents: QuerySet[Incident], *, user, data) -> Register:
    """`incidents`: those the user may see (access.visible_incidents). Each
    row brings the reviews and open actions the user may read, in one
    query each, however many rows."""
    items = visible_items(user)
    incidents = incidents.prefetch_related(
        Prefetch(
            "reviews",
            queryset=IncidentReview.objects.filter(item__in=items)
            .select_related("item__meeting__committee")
            .order_by("item__meeting__date", "item__order"),
            to_attr="visible_reviews",
        ),
        Prefetch(
            "actions",
            queryset=visible_actions(user)
            .filter(status=Action.Status.OPEN)
            .order_by(*REFERENCE_ORDER),
            to_attr="open_actions",
        ),
    )
    filterset = IncidentFilter(data, queryset=incidents, visible_items=items)
    return Register(filterset=filterset, incidents=filterset.qs)


@dataclass
class IncidentPage:
    incident: Incident
    reviews: list[IncidentReview]
    mentions: list[AgendaItem]
    actions: list[Action]
    decisions: list
    related: list[IncidentRelation]
    history: list


def incident_page(user, incident: Incident) -> IncidentPage:
    """Everything about the incident that the user may read."""
    items = visible_items(user)
    reviews = list(
        incident.reviews.filter(item__in=items)
        .select_related("item__meeting__committee")
        .order_by("item__meeting__date", "item__order")
    )
    mentions = [
        m.item
        for m in IncidentMention.objects.filter(incident=incident, item__in=items)
        .select_related("item__meeting__committee")
        .order_by("item__meeting__date", "item__order")
    ]
    actions = list(
        visible_actions(user)
        .filter(incidents=incident)
        .select_related("committee", "meeting__committee", "item")
        .prefetch_related(OWNERS)
        .order_by(*REFERENCE_ORDER)
    )
    decisions = list(
        visible_decisions(user)
        .filter(incidents=incident)
        .select_related("item__meeting__committee")
        .order_by("item__meeting__date", "item__order", "order")
    )
    # Only incidents the user may open themselves are named.
    readable = visible_incidents(user)
    related = list(
        IncidentRelation.objects.filter(incident=incident, related__in=readable).select_related(
            "related"
        )
    ) + [
        # The other side of a relation, said the other way round.
        IncidentRelation(
            incident=incident, related=r.incident, kind=f"{r.kind} (from {r.incident})"
        )
        for r in IncidentRelation.objects.filter(
            related=incident, incident__in=readable
        ).select_related("incident")
    ]
    history = list(incident.history.select_related("history_user").order_by("-history_date")[:50])
    return IncidentPage(incident, reviews, mentions, actions, decisions, related, history)


def incident_mismatch(item: AgendaItem) -> str | None:
    """meetings.markdown's rule, over an item of the minutes (its decisions
    and actions prefetched, as the editor's are)."""
    found = heading_names_other_incidents(
        item.title,
        [item.narrative, item.post_meeting_note]
        + [" ".join([d.text, *d.points]) for d in item.decisions.all()]
        + [action.text for action in item.actions.all()],
    )
    if found is None:
        return None
    named, mentioned = found
    return (
        f"The heading names {', '.join(named)} but the text names "
        f"{', '.join(mentioned)}. Check which incident this item reviews."
    )
