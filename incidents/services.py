"""Writes about incidents: the secretary recording that an agenda item
reviews an incident, linking the item's decisions and actions to it, and
keeping the record of which items mention which incidents."""

from collections.abc import Sequence

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q

from actions.models import Action
from meetings.markdown import INCIDENT_MENTION
from meetings.models import AgendaItem, Decision

from .models import (
    Incident,
    IncidentMention,
    IncidentReview,
    incident_reference_validator,
    tidy_reference,
)


def _item_text(item: AgendaItem) -> str:
    """Everything an item says: heading, narrative, note and its decisions."""
    texts = [item.title, item.narrative, item.post_meeting_note]
    for decision in item.decisions.all():
        texts.append(" ".join([decision.text, *decision.points]))
    return "\n".join(texts)


@transaction.atomic
def incident_mentions_refresh(*, items: Sequence[AgendaItem]) -> None:
    """Record which known incidents each item names now (and forget those it
    no longer does), in three queries however many items. Called by every
    service that changes an item's text or its decisions (with their
    decisions read: `_item_text`)."""
    named = {item.pk: set(INCIDENT_MENTION.findall(_item_text(item))) for item in items}
    every = set().union(*named.values())
    known = {}
    if every:
        known = dict(Incident.objects.filter(reference__in=every).values_list("reference", "pk"))
    IncidentMention.objects.filter(item__in=named).delete()
    IncidentMention.objects.bulk_create(
        [
            IncidentMention(incident_id=known[reference], item_id=pk)
            for pk, references in named.items()
            for reference in references
            if reference in known
        ],
        ignore_conflicts=True,
    )


@transaction.atomic
def incident_mentions_backfill(*, incident: Incident) -> None:
    """A new incident: find the items that already named it, by the same rule
    as `incident_mentions_refresh` (the database narrows, the pattern decides)."""
    reference = incident.reference
    candidates = (
        AgendaItem.objects.filter(
            Q(title__contains=reference)
            | Q(narrative__contains=reference)
            | Q(post_meeting_note__contains=reference)
            | Q(decisions__text__contains=reference)
            | Q(decisions__points__icontains=reference)
        )
        .distinct()
        .prefetch_related("decisions")
    )
    naming = [
        item for item in candidates if reference in INCIDENT_MENTION.findall(_item_text(item))
    ]
    IncidentMention.objects.bulk_create(
        [IncidentMention(incident=incident, item=item) for item in naming], ignore_conflicts=True
    )


@transaction.atomic
def incident_get_or_create(*, reference: str) -> tuple[Incident, bool]:
    """The incident with this number, created (with nothing but its number)
    if the committee has not met it before."""
    reference = tidy_reference(reference)
    if not reference:
        raise ValidationError({"reference": "Give the incident number, e.g. INC000000478818."})
    incident_reference_validator(reference)
    incident, created = Incident.objects.get_or_create(reference=reference)
    if created:
        incident_mentions_backfill(incident=incident)
    return incident, created


@transaction.atomic
def incident_review_save(
    *,
    item: AgendaItem,
    reference: str,
    outcome: str = "",
    publish_report: bool | None = None,
    amendments: str = "",
    decisions: list[Decision] = (),
    actions: list[Action] = (),
    review: IncidentReview | None = None,
) -> IncidentReview:
    """Record that `item` reviews the incident `reference` (creating the
    incident if it is new), with what the committee noted, whether the
    review report is to be published and the amendments asked for. The
    item's decisions and actions ticked are linked to the incident; the
    item's others are unlinked from it."""
    item.meeting.check_writable()
    incident, created = incident_get_or_create(reference=reference)
    clash = IncidentReview.objects.filter(incident=incident, item=item)
    if review is not None:
        clash = clash.exclude(pk=review.pk)
    if not created and clash.exists():  # an incident new this moment has no review
        raise ValidationError(
            {"reference": f"Item {item.number} already records a review of {incident}."}
        )
    for thing in [*decisions, *actions]:
        if thing.item_id != item.pk:
            raise ValidationError(f"{thing} is not part of item {item.number}.")
    if review is None:
        review = IncidentReview(item=item)
    elif review.incident_id != incident.pk:
        _unlink(review.incident, item)
    review.incident = incident
    review.outcome = outcome.strip()
    review.publish_report = publish_report
    review.amendments = amendments.strip()
    review.save()
    _unlink(incident, item)
    incident.decisions.add(*decisions)
    incident.actions.add(*actions)
    return review


def _unlink(incident: Incident, item: AgendaItem) -> None:
    """The incident is no longer linked to any of the item's decisions and
    actions: a DELETE for each kind of link."""
    Incident.decisions.through.objects.filter(incident=incident, decision__item=item).delete()
    Incident.actions.through.objects.filter(incident=incident, action__item=item).delete()


@transaction.atomic
def incident_review_delete(*, review: IncidentReview) -> None:
    """The item no longer reviews the incident; the incident itself stays."""
    review.item.meeting.check_writable()
    _unlink(review.incident, review.item)
    review.delete()
