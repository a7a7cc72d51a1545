"""Actions raised at meetings, their reviews under "Actions Outstanding",
owners' updates between meetings, and the reminders sent about them."""

import datetime
import secrets

from django.conf import settings
from django.contrib.postgres.search import SearchVectorField
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Coalesce
from django.utils import timezone
from simple_history.models import HistoricalRecords

from meetings.models import (
    AgendaItem,
    ClaimedEmail,
    Committee,
    Meeting,
    Organisation,
    Person,
    user_name,
)

from . import references


class ReferenceCounter(models.Model):
    """The last sequence number handed out per committee, meeting number and
    series (ordinary or CONF). Actions are numbered from here under a row
    lock, so a reference is never given twice, even after its action is
    deleted."""

    committee = models.ForeignKey(Committee, on_delete=models.CASCADE, related_name="+")
    meeting_number = models.PositiveIntegerField()
    confidential = models.BooleanField(default=False)
    last_sequence = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["committee", "meeting_number", "confidential"],
                name="referencecounter_unique",
            )
        ]

    def __str__(self):
        series = "CONF " if self.confidential else ""
        return f"{self.committee_id}/{self.meeting_number}/{series}{self.last_sequence}"


class Action(models.Model):
    class Status(models.TextChoices):
        OPEN = "open", "Open"
        CLOSED = "closed", "Closed"

    class Outcome(models.TextChoices):
        COMPLETED = "completed", "Completed"
        SUPERSEDED = "superseded", "Superseded by another action"
        TRANSFERRED = "transferred", "Transferred to another committee"
        ABSORBED = "absorbed", "Absorbed into other work"

    committee = models.ForeignKey(Committee, on_delete=models.PROTECT, related_name="actions")
    # The reference is built from these three and stored for lookup: OPSG 25/01, OPSG 45/CONF 02.
    meeting_number = models.PositiveIntegerField()
    sequence = models.PositiveIntegerField()
    confidential = models.BooleanField(default=False)
    reference = models.CharField(max_length=40, unique=True, editable=False)

    # Where it was raised. Null for actions older than the meetings kept here
    # (OPSG 11/02 was raised at OPSG 11 and first seen here under review).
    meeting = models.ForeignKey(
        Meeting, null=True, blank=True, on_delete=models.PROTECT, related_name="actions_raised"
    )
    item = models.ForeignKey(
        AgendaItem, null=True, blank=True, on_delete=models.SET_NULL, related_name="actions"
    )
    topic = models.CharField(
        max_length=200, blank=True, help_text='Printed before the owner, e.g. "CH Transition".'
    )
    text = models.TextField()
    raised_on = models.DateField()
    target_date = models.DateField(null=True, blank=True)
    target_note = models.CharField(
        max_length=200, blank=True, help_text='Instead of a date: "To be determined".'
    )
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.OPEN)
    outcome = models.CharField(max_length=16, choices=Outcome.choices, blank=True)
    closed_on = models.DateField(null=True, blank=True)
    superseded_by = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="supersedes"
    )
    transferred_to = models.ForeignKey(
        Committee, null=True, blank=True, on_delete=models.PROTECT, related_name="actions_received"
    )
    version = models.PositiveIntegerField(default=1)
    # Worked out from the action's reviews (ActionReview.slipped, slip_days)
    # by the services that write reviews, in the same transaction, and
    # stored so the log can filter, sort and count by them without reading
    # every selected action's reviews.
    times_slipped = models.PositiveIntegerField(default=0, editable=False)
    days_slipped = models.PositiveIntegerField(default=0, editable=False)
    # Kept by a PostgreSQL trigger from the reference, topic and text (opsg/fulltext.py).
    search_vector = SearchVectorField(null=True, editable=False)

    # The slip figures are the reviews' history, not the action's, and the
    # search vector is derived: both kept out of its audit trail.
    history = HistoricalRecords(excluded_fields=["times_slipped", "days_slipped", "search_vector"])

    class Meta:
        ordering = ["committee__code", "meeting_number", "confidential", "sequence"]
        constraints = [
            models.UniqueConstraint(
                fields=["committee", "meeting_number", "confidential", "sequence"],
                name="action_unique_number",
            ),
            models.CheckConstraint(condition=Q(sequence__gte=1), name="action_sequence_positive"),
            models.CheckConstraint(
                condition=Q(target_date__isnull=True) | Q(target_date__gte=F("raised_on")),
                name="action_target_not_before_raised",
            ),
            models.CheckConstraint(
                condition=Q(closed_on__isnull=True) | Q(closed_on__gte=F("raised_on")),
                name="action_closed_not_before_raised",
            ),
            # An open action has no outcome; a closed one says how it ended.
            models.CheckConstraint(
                condition=(Q(status="open") & Q(outcome="") & Q(closed_on__isnull=True))
                | (Q(status="closed") & ~Q(outcome="")),
                name="action_outcome_matches_status",
            ),
            models.CheckConstraint(
                condition=~Q(outcome="superseded") | Q(superseded_by__isnull=False),
                name="action_superseded_names_successor",
            ),
            models.CheckConstraint(
                condition=~Q(outcome="transferred") | Q(transferred_to__isnull=False),
                name="action_transferred_names_committee",
            ),
            models.CheckConstraint(
                condition=~Q(superseded_by=F("id")), name="action_not_superseded_by_itself"
            ),
        ]
        indexes = [
            # Open actions by target date (the log's default sort, the reminder
            # run); with the slips too, the counts above the log are read from
            # the index alone, without visiting a row of the table.
            models.Index(
                fields=["status", "target_date", "times_slipped"], name="action_status_target_slips"
            ),
            # The log filtered ("slipped at least 3 times") or sorted by slips.
            models.Index(fields=["status", "times_slipped"], name="action_status_slips"),
            # The open actions with every column the counts above the log read,
            # the reader's access rule's included (PostgreSQL: an index-only
            # scan of the open fifth of the log, not a visit to every page of
            # the table that holds one).
            models.Index(
                fields=["target_date"],
                include=[
                    "id",
                    "status",
                    "times_slipped",
                    "confidential",
                    "committee",
                    "transferred_to",
                    "item",
                    "meeting",
                ],
                condition=models.Q(status="open"),
                name="action_open_counted",
            ),
        ]

    def __str__(self):
        return self.reference

    @property
    def slug(self) -> str:
        """URL form: opsg-25-01, opsg-45-conf-02."""
        return references.slug(self.reference)

    @property
    def is_open(self) -> bool:
        return self.status == self.Status.OPEN

    def days_overdue(self, today: datetime.date | None = None) -> int:
        if not self.is_open or self.target_date is None:
            return 0
        today = today or timezone.localdate()
        return max(0, (today - self.target_date).days)

    @property
    def is_overdue(self) -> bool:
        return self.days_overdue() > 0

    @property
    def target_display(self) -> str:
        if self.target_date:
            return f"{self.target_date:%d/%m/%Y}"
        return self.target_note

    @property
    def raised_display(self) -> str:
        """23/11/2026, as the date filter's "d/m/Y" writes it, at a fraction
        of its cost (the log writes it on every row)."""
        return f"{self.raised_on:%d/%m/%Y}"

    def owner_names(self) -> list[str]:
        return [owner.name for owner in self.owners.all()]

    @property
    def owner_organisation_ids(self) -> set[int]:
        return {o.organisation_id for o in self.owners.all() if o.organisation_id}

    @property
    def owner_person_ids(self) -> set[int]:
        return {o.person_id for o in self.owners.all() if o.person_id}

    def is_owned_by(self, person: Person) -> bool:
        """The person is named as an owner, or works for an owning organisation."""
        return person.pk in self.owner_person_ids or (
            person.organisation_id is not None
            and person.organisation_id in self.owner_organisation_ids
        )


class ActionOwner(models.Model):
    """One owner of an action: an organisation (DCC, "DNOs") or a person."""

    action = models.ForeignKey(Action, on_delete=models.CASCADE, related_name="owners")
    organisation = models.ForeignKey(
        Organisation, null=True, blank=True, on_delete=models.PROTECT, related_name="actions_owned"
    )
    person = models.ForeignKey(
        Person, null=True, blank=True, on_delete=models.PROTECT, related_name="actions_owned"
    )
    order = models.PositiveIntegerField(default=0)

    history = HistoricalRecords()

    class Meta:
        ordering = ["action", "order", "id"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(organisation__isnull=False) & Q(person__isnull=True))
                | (Q(organisation__isnull=True) & Q(person__isnull=False)),
                name="actionowner_exactly_one",
            ),
            models.UniqueConstraint(
                fields=["action", "organisation"], name="actionowner_unique_organisation"
            ),
            models.UniqueConstraint(fields=["action", "person"], name="actionowner_unique_person"),
        ]

    def __str__(self):
        return self.name

    @property
    def name(self) -> str:
        return self.organisation.short_name if self.organisation_id else self.person.name


# ActionOwner.name in a query, for lists that read the names alone.
OWNER_NAME = Coalesce("organisation__short_name", "person__name")


class ActionReview(models.Model):
    """One row of a meeting's Actions Outstanding table. Frozen with that
    meeting's minutes once they are approved; the action itself goes on."""

    action = models.ForeignKey(Action, on_delete=models.CASCADE, related_name="reviews")
    meeting = models.ForeignKey(Meeting, on_delete=models.PROTECT, related_name="action_reviews")
    update = models.TextField(blank=True, help_text="That meeting's update narrative.")
    # "Last Target Date": the target coming into the meeting.
    last_target_date = models.DateField(null=True, blank=True)
    last_target_note = models.CharField(max_length=200, blank=True)
    # "Revised Target Date": a date, or words ("To be determined"), or blank for "N/A".
    revised_target_date = models.DateField(null=True, blank=True)
    revised_target_note = models.CharField(max_length=200, blank=True)
    status = models.CharField(max_length=8, choices=Action.Status.choices)
    order = models.PositiveIntegerField(default=0)
    version = models.PositiveIntegerField(default=1)

    history = HistoricalRecords()

    class Meta:
        ordering = ["meeting__date", "order", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["action", "meeting"], name="actionreview_once_per_meeting"
            ),
            models.CheckConstraint(
                condition=Q(revised_target_date__isnull=True) | Q(revised_target_note=""),
                name="actionreview_revised_date_or_note",
            ),
            models.CheckConstraint(
                condition=Q(last_target_date__isnull=True) | Q(last_target_note=""),
                name="actionreview_last_date_or_note",
            ),
        ]

    def __str__(self):
        return f"{self.action} at {self.meeting}"

    @property
    def last_target_display(self) -> str:
        if self.last_target_date:
            return f"{self.last_target_date:%d/%m/%Y}"
        return self.last_target_note or "N/A"

    @property
    def revised_target_display(self) -> str:
        if self.revised_target_date:
            return f"{self.revised_target_date:%d/%m/%Y}"
        return self.revised_target_note or "N/A"

    @property
    def in_minutes_order(self) -> tuple:
        """Sorts an action's reviews as their minutes came (meeting loaded)."""
        return (self.meeting.date, self.meeting.number, self.pk)

    @property
    def target_after(self) -> tuple[datetime.date | None, str]:
        """(date, note): the target the review leaves its action with. The
        revised one, or, when it says "N/A" or nothing, the one it started from."""
        if self.revised_target_date:
            return self.revised_target_date, ""
        note = self.revised_target_note
        if note and note.upper() != "N/A":
            return None, note
        return self.last_target_date, self.last_target_note

    @property
    def slip_days(self) -> int:
        """Days the target moved out at this review; 0 when it did not slip."""
        if self.last_target_date and self.revised_target_date:
            return max(0, (self.revised_target_date - self.last_target_date).days)
        return 0

    @property
    def slipped(self) -> bool:
        """The target moved later, or was given up to "to be determined".

        Summed over an action's reviews by actions.services.slip_summary into
        Action.times_slipped; migration actions/0004 holds a frozen copy of
        this rule for the backfill."""
        if self.slip_days > 0:
            return True
        return bool(
            self.status == Action.Status.OPEN
            and self.revised_target_note
            and self.revised_target_note.upper() != "N/A"
        )


class OwnerUpdate(models.Model):
    """An owner's update and proposed target, sent before a meeting. It never
    changes the action by itself: the secretary accepts it into the review."""

    class State(models.TextChoices):
        PENDING = "pending", "Awaiting the secretary"
        ACCEPTED = "accepted", "Accepted into the review"
        SET_ASIDE = "set_aside", "Set aside"

    action = models.ForeignKey(Action, on_delete=models.CASCADE, related_name="owner_updates")
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    submitted_at = models.DateTimeField()
    text = models.TextField()
    proposed_target_date = models.DateField(null=True, blank=True)
    proposed_target_note = models.CharField(max_length=200, blank=True)
    state = models.CharField(max_length=16, choices=State.choices, default=State.PENDING)
    review = models.ForeignKey(
        ActionReview, null=True, blank=True, on_delete=models.SET_NULL, related_name="owner_updates"
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["-submitted_at"]

    def __str__(self):
        return f"Update on {self.action} ({self.get_state_display()})"

    @property
    def sender(self) -> str:
        """Whose update it is, as the secretary reads it: "DCC (Jane Doe)" from
        an owner; "Sam Secretary (SECAS), for DCC" when someone who does not
        own the action sent it on the owners' behalf. Reads the action's
        owners, which the selectors prefetch."""
        person = getattr(self.submitted_by, "person", None)
        if person is None:
            return user_name(self.submitted_by)
        organisation = person.organisation
        if self.action.is_owned_by(person):
            return f"{organisation.short_name} ({person.name})" if organisation else person.name
        name = f"{person.name} ({organisation.short_name})" if organisation else person.name
        return f"{name}, for {'/'.join(self.action.owner_names())}"

    @property
    def proposed_target_display(self) -> str:
        if self.proposed_target_date:
            return f"{self.proposed_target_date:%d/%m/%Y}"
        return self.proposed_target_note


class Reminder(ClaimedEmail):
    """One reminder about one action to one recipient on one day. The row is
    claimed (inserted under the unique constraint) before the email is sent,
    so a retried or parallel run never sends it twice."""

    class Kind(models.TextChoices):
        OVERDUE = "overdue", "Overdue"
        DUE_TODAY = "due_today", "Due today"
        DUE_SOON = "due_soon", "Due soon"
        BEFORE_MEETING = "before_meeting", "Update before the meeting"

    action = models.ForeignKey(Action, on_delete=models.CASCADE, related_name="reminders")
    kind = models.CharField(max_length=16, choices=Kind.choices)
    day = models.DateField()

    class Meta:
        ordering = ["-day", "recipient"]
        constraints = [
            # The day first: a run reads and inserts the rows of one day, at
            # the index's end, and the staff page lists them by day.
            models.UniqueConstraint(
                fields=["day", "recipient", "action", "kind"], name="reminder_once_a_day"
            )
        ]

    def __str__(self):
        return f"{self.get_kind_display()} reminder of {self.action} to {self.recipient}"


class DigestClaim(models.Model):
    """The right to send one address its digest of one day. A run locks this
    row (on PostgreSQL a session advisory lock keyed by its id, held across
    the run's commits; elsewhere the row's own lock, in a transaction)
    before it reads the address's unsent reminders and holds the lock
    until they are marked sent or failed, so two runs at once never split
    one address's reminders between two emails (actions/reminders.py). The
    lock, not a stored state, is the claim: it dies with a crashed worker's
    connection, and the next run takes the row at once."""

    recipient = models.EmailField()
    day = models.DateField()
    # When a run last took the claim; for the logs and the admin.
    claimed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["recipient", "day"], name="digest_claim_once_a_day")
        ]

    def __str__(self):
        return f"Digest to {self.recipient} on {self.day}"


class AssignmentNotice(ClaimedEmail):
    """One owner's address told of one action given to them at a meeting,
    once its minutes are circulated (actions/assignments.py). Claimed
    (inserted under the unique constraint) before the email is sent, so a
    retried or parallel run never sends it twice. One email per address and
    meeting carries all the address's rows.

    The action is named by its id, not a foreign key: deleting an action
    from circulated minutes (the editor's delete, held to a fixed number of
    queries) then takes no extra query, and a row whose action is gone is
    dropped by the next run."""

    meeting = models.ForeignKey(
        Meeting, on_delete=models.CASCADE, related_name="assignment_notices"
    )
    action_id = models.PositiveBigIntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["recipient", "action_id"], name="assignment_notice_once"
            )
        ]

    def __str__(self):
        return f"Notice of action {self.action_id} of {self.meeting} to {self.recipient}"


def new_feed_token() -> str:
    return secrets.token_urlsafe(32)


class FeedToken(models.Model):
    """A private calendar feed URL. The token is the only credential a
    calendar application can send, so it is long, random and revocable; the
    feed shows what its user may see when it is fetched, not when it was
    made."""

    class Kind(models.TextChoices):
        MEETINGS = "meetings", "Meetings of a committee"
        ACTIONS = "actions", "Target dates of my actions"

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="feed_tokens"
    )
    kind = models.CharField(max_length=16, choices=Kind.choices)
    committee = models.ForeignKey(
        Committee, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    token = models.CharField(max_length=64, unique=True, default=new_feed_token, editable=False)
    created_at = models.DateTimeField()
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            # A meetings feed is of one committee; an action feed spans them all.
            models.CheckConstraint(
                condition=(Q(kind="meetings") & Q(committee__isnull=False))
                | (Q(kind="actions") & Q(committee__isnull=True)),
                name="feedtoken_committee_matches_kind",
            )
        ]

    def __str__(self):
        what = f"{self.committee} meetings" if self.committee_id else "action target dates"
        return f"Feed of {what} for {self.user}"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None

    @property
    def filename(self) -> str:
        return f"{self.kind}.ics"
