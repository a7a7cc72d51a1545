"""Reads of actions. Selectors own the joins and prefetches, so a review
screen of 300 actions costs the same few queries as one of 3."""

import re
from dataclasses import dataclass, field

from django.db.models import (
    Case,
    Exists,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Value,
    When,
)

from meetings.models import Committee, Meeting

from .models import Action, ActionOwner, ActionReview, OwnerUpdate

SLUG_RE = re.compile(r"^(?P<code>[a-z][a-z0-9]*)-(?P<meeting>\d+)-(?P<conf>conf-)?(?P<seq>\d+)$")


@dataclass
class ReviewRow:
    """One action on a meeting's Actions Outstanding screen."""

    action: Action
    meeting: Meeting
    # This meeting's review of the action, once the secretary has saved one.
    review: ActionReview | None = None
    # Reviews at earlier meetings, newest first.
    earlier: list[ActionReview] = field(default_factory=list)
    # Owners' updates sent in and not yet taken into a review.
    pending: list[OwnerUpdate] = field(default_factory=list)

    @property
    def slug(self) -> str:
        return self.action.slug

    @property
    def transferred_in(self) -> bool:
        return self.action.committee_id != self.meeting.committee_id

    @property
    def last_target_display(self) -> str:
        """The target as it stood coming into the meeting: once the row is
        saved the action already carries the revised one."""
        if self.review is not None:
            return self.review.last_target_display
        return self.action.target_display or "N/A"


def outstanding_actions(meeting: Meeting) -> QuerySet[Action]:
    """Every action that was open when the meeting started, in reference order.

    - The committee's own actions raised at an earlier meeting that are open
      now, or were reviewed at this meeting (a row closed here stays on the
      screen); not those closed before it.
    - Actions another committee transferred to this one before the meeting
      (or already reviewed here), until a meeting of this committee before
      this one closed them.
    """
    committee = meeting.committee
    reviewed_here = ActionReview.objects.filter(action=OuterRef("pk"), meeting=meeting)
    closed_here_before = ActionReview.objects.filter(
        action=OuterRef("pk"),
        meeting__committee=committee,
        meeting__date__lt=meeting.date,
        status=Action.Status.CLOSED,
    )
    own = (
        Q(committee=committee)
        & (Q(meeting_number__lt=meeting.number) | Q(raised_on__lt=meeting.date))
        & ~Q(meeting=meeting)
        & (Q(status=Action.Status.OPEN) | Exists(reviewed_here))
        & ~Q(closed_on__lt=meeting.date)
    )
    transferred_in = (
        Q(transferred_to=committee)
        & ~Q(committee=committee)
        & (Q(closed_on__lt=meeting.date) | Exists(reviewed_here))
        & ~Exists(closed_here_before)
    )
    return (
        Action.objects.filter(own | transferred_in)
        .select_related("committee")
        .annotate(
            transferred_in=Case(
                When(committee=committee, then=Value(0)),
                default=Value(1),
                output_field=IntegerField(),
            )
        )
        .order_by("transferred_in", "committee__code", "meeting_number", "confidential", "sequence")
    )


def outstanding_for_review(meeting: Meeting, *, slug: str | None = None) -> list[ReviewRow]:
    """The rows of the meeting's review screen, in four queries however many
    actions there are: the actions, their owners, all their reviews (with the
    meeting each was given at) and their pending owners' updates.

    `slug` (opsg-24-02) narrows it to one row, for saving that row."""
    actions = outstanding_actions(meeting)
    if slug is not None:
        reference = reference_from_slug(slug)
        if reference is None:
            return []
        actions = actions.filter(reference__iexact=reference)
    actions = actions.prefetch_related(
        Prefetch(
            "owners",
            queryset=ActionOwner.objects.select_related("organisation", "person"),
        ),
        Prefetch(
            "reviews",
            queryset=ActionReview.objects.select_related("meeting__committee").order_by(
                "-meeting__date", "-meeting__number"
            ),
        ),
        Prefetch(
            "owner_updates",
            queryset=OwnerUpdate.objects.filter(state=OwnerUpdate.State.PENDING)
            .select_related("submitted_by__person__organisation")
            .order_by("submitted_at", "pk"),
            to_attr="pending_updates",
        ),
    )
    rows = []
    for action in actions:
        row = ReviewRow(action=action, meeting=meeting, pending=action.pending_updates)
        for review in action.reviews.all():
            if review.meeting_id == meeting.pk:
                row.review = review
            elif review.meeting.date < meeting.date:
                row.earlier.append(review)
        rows.append(row)
    return rows


def reference_from_slug(slug: str) -> str | None:
    """opsg-45-conf-02 -> "OPSG 45/CONF 02"; None when it is not a slug."""
    match = SLUG_RE.match(slug)
    if not match:
        return None
    return Action.format_reference(
        match["code"].upper(), int(match["meeting"]), int(match["seq"]), bool(match["conf"])
    )


def successor_choices(meeting: Meeting, rows: list[ReviewRow]) -> list[Action]:
    """Actions that may supersede one under review: those raised at this
    meeting first (11/02 was replaced by 25/01), then the committee's other
    open actions, and any already named as a successor on these rows."""
    chosen = [row.action.superseded_by_id for row in rows if row.action.superseded_by_id]
    return list(
        Action.objects.filter(committee=meeting.committee)
        .filter(Q(meeting_number=meeting.number) | Q(status=Action.Status.OPEN) | Q(pk__in=chosen))
        .only("pk", "reference", "meeting_number", "confidential", "sequence", "text")
        .order_by("meeting_number", "confidential", "sequence")
    )


def transfer_choices(meeting: Meeting) -> list[Committee]:
    """Committees an action can be transferred to: every other one."""
    return list(Committee.objects.exclude(pk=meeting.committee_id).order_by("code"))
