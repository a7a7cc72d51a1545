"""Since the last meeting (minutes.views.committee_brief): what a reader of a
committee should know before its next meeting, counted from the last
meeting they can see up to today.

- actions closed, slipped, and newly overdue;
- the decisions the last meeting took;
- incidents opened;
- the papers published for the agenda;
- what the reader's organisation owes the next meeting.

Everything passes the rule of the object it shows, as the reader may know
it: actions (actions.access.visible_actions, read through actions.known),
reviews (visible_reviews: a slip recorded in minutes the reader may not
read yet is not one for them), decisions (meetings.access.visible_decisions)
and incidents (incidents.access.visible_incidents)."""

import datetime
from dataclasses import dataclass, field

from django.db.models import Exists, Max, Min, OuterRef, Q

from actions.access import person_of, visible_actions, visible_reviews
from actions.known import known_figures
from actions.models import Action, ActionReview
from incidents.access import visible_incidents
from incidents.models import Incident
from meetings.access import visible_decisions, visible_meetings, visible_papers
from meetings.models import Committee, Decision, Meeting, NextMeeting, Organisation, Paper

# How many of each list the brief shows; the log holds the rest.
SHOWN = 50


@dataclass
class Brief:
    committee: Committee
    today: datetime.date
    last_meeting: Meeting | None
    next_date: datetime.date | None
    organisation: Organisation | None
    closed: list[Action] = field(default_factory=list)
    slipped: list[ActionReview] = field(default_factory=list)
    newly_overdue: list[Action] = field(default_factory=list)
    decisions: list[Decision] = field(default_factory=list)
    incidents: list[Incident] = field(default_factory=list)
    papers: list[Paper] = field(default_factory=list)
    owed: list[Action] = field(default_factory=list)

    @property
    def since(self) -> datetime.date | None:
        return self.last_meeting.date if self.last_meeting else None

    @property
    def is_empty(self) -> bool:
        return not any(
            (
                self.closed,
                self.slipped,
                self.newly_overdue,
                self.decisions,
                self.incidents,
                self.papers,
                self.owed,
            )
        )


def last_meeting(user, committee: Committee, *, today: datetime.date) -> Meeting | None:
    """The latest meeting of the committee held by today whose minutes the reader reads."""
    return (
        visible_meetings(user)
        .filter(committee=committee, date__lte=today)
        .order_by("-date", "-number")
        .first()
    )


def next_meeting_date(user, committee: Committee, *, today: datetime.date):
    """The next meeting's date: announced in minutes the reader reads, or a
    meeting already set up for it."""
    announced = (
        NextMeeting.objects.filter(
            meeting__in=visible_meetings(user).filter(committee=committee), date__gt=today
        )
        .order_by("date")
        .values_list("date", flat=True)
        .first()
    )
    planned = (
        visible_meetings(user)
        .filter(committee=committee, date__gt=today)
        .order_by("date")
        .values_list("date", flat=True)
        .first()
    )
    return min((d for d in (announced, planned) if d), default=None)


def committee_brief(user, committee: Committee, *, today: datetime.date) -> Brief:
    last = last_meeting(user, committee, today=today)
    person = person_of(user)
    brief = Brief(
        committee=committee,
        today=today,
        last_meeting=last,
        next_date=next_meeting_date(user, committee, today=today),
        organisation=person.organisation if person else None,
    )
    actions = visible_actions(user).filter(committee=committee)
    known = known_figures(user, actions)
    viewed = actions.annotate(**known.annotations())
    if brief.organisation is not None:
        owed = viewed.filter(
            known_status=Action.Status.OPEN, owners__organisation=brief.organisation
        ).distinct()
        if brief.next_date:
            owed = owed.filter(
                Q(known_target_date__lte=brief.next_date) | Q(known_target_date__isnull=True)
            )
        brief.owed = known.apply(owed.order_by("known_target_date", "reference")[:SHOWN])
    if last is None:
        return brief
    since = last.date
    # Each action as the reader may know it: its wording too (known.apply),
    # where minutes being corrected have changed it since the version kept.
    brief.closed = known.apply(
        viewed.filter(known_status=Action.Status.CLOSED, closed_on__gte=since).order_by(
            "closed_on", "reference"
        )[:SHOWN]
    )
    brief.newly_overdue = known.apply(
        viewed.filter(
            known_status=Action.Status.OPEN,
            known_target_date__gte=since,
            known_target_date__lt=today,
        ).order_by("known_target_date", "reference")[:SHOWN]
    )
    reviews = (
        visible_reviews(user)
        .filter(action__committee=committee, meeting__date__gte=since)
        .select_related("action", "meeting")
        .order_by("meeting__date", "action__reference")
    )
    brief.slipped = [review for review in reviews if review.slipped][:SHOWN]
    brief.decisions = list(
        visible_decisions(user)
        .filter(item__meeting__committee=committee, item__meeting__date__gte=since)
        .select_related("item__meeting__committee")
        .order_by("item__meeting__date", "item__order", "item__pk", "order", "pk")[:SHOWN]
    )
    # An incident of the committee (reviewed at its meetings, or behind its
    # actions) that happened since, or that its meetings first took up since.
    first_seen = Min(
        "reviews__item__meeting__date", filter=Q(reviews__item__meeting__committee=committee)
    )
    of_committee = Exists(
        Action.objects.filter(committee=committee, incidents=OuterRef("pk")).values("pk")
    )
    brief.incidents = list(
        visible_incidents(user)
        .annotate(first_seen=first_seen)
        .filter(Q(first_seen__isnull=False) | of_committee)
        .filter(Q(occurred_on__gte=since) | Q(first_seen__gte=since))
        .order_by("reference")[:SHOWN]
    )
    # Papers put up since (a new version too), of agenda items the reader may read.
    brief.papers = list(
        visible_papers(user)
        .filter(entry__meeting__committee=committee)
        .annotate(latest=Max("versions__uploaded_at"))
        .filter(latest__date__gte=since)
        .select_related("entry__meeting")
        .order_by("-latest", "pk")[:SHOWN]
    )
    return brief
