"""Committees, the people around them, and the minutes of their meetings.

Names follow the committee's own words (see the README's glossary): meeting,
attendance, agenda item, decision, classification.
"""

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.contrib.postgres.search import SearchVectorField
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from simple_history.models import HistoricalRecords

code_validator = RegexValidator(
    r"^[A-Z][A-Za-z0-9]{1,15}$", "Use letters and digits, starting with a capital (e.g. OPSG)."
)


class Committee(models.Model):
    code = models.CharField(max_length=16, unique=True, validators=[code_validator])
    name = models.CharField(max_length=200)
    # Shown in new meetings' location field; the secretary can change it each time.
    usual_location = models.CharField(max_length=300, blank=True)
    # The quorum (meetings.quorum): members present, and whether the chair or
    # an alternate chair must be among them. None: no quorum recorded.
    quorum = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="Members who must be present; empty for no quorum."
    )
    quorum_needs_chair = models.BooleanField(
        default=False, help_text="The chair or an alternate chair must be among them."
    )

    class Meta:
        ordering = ["code"]

    def __str__(self):
        return self.code


class Organisation(models.Model):
    """A body that sends people or owns actions: DCC, SECAS, BEIS, or a group
    such as "DNOs" or "OPSG members"."""

    short_name = models.CharField(max_length=60, unique=True)
    name = models.CharField(max_length=200, blank=True)
    is_group = models.BooleanField(
        default=False,
        help_text="A group of parties (e.g. DNOs, OPSG members) rather than one body.",
    )
    # Where reminders for actions the organisation owns are sent, one address a line.
    contact_emails = models.TextField(blank=True)
    # A group that is a committee's members ("OPSG members"): an action it
    # owns is each member's own (on their front page, in My actions).
    members_of = models.ForeignKey(
        "Committee",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="member_groups",
        help_text="A group made of this committee's members, chair and secretary.",
    )

    class Meta:
        ordering = ["short_name"]

    def __str__(self):
        return self.short_name

    @property
    def contact_email_list(self) -> list[str]:
        return [e.strip() for e in self.contact_emails.replace(",", "\n").splitlines() if e.strip()]


class Person(models.Model):
    name = models.CharField(max_length=200)
    organisation = models.ForeignKey(
        Organisation, null=True, blank=True, on_delete=models.SET_NULL, related_name="people"
    )
    email = models.EmailField(blank=True)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="person",
    )

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "people"
        constraints = [
            models.UniqueConstraint(
                fields=["name", "organisation"], name="person_unique_name_in_organisation"
            )
        ]

    def __str__(self):
        return self.name


class CommitteeRole(models.Model):
    class Role(models.TextChoices):
        SECRETARY = "secretary", "Secretary"
        CHAIR = "chair", "Chair"
        MEMBER = "member", "Member"
        OBSERVER = "observer", "Observer"

    committee = models.ForeignKey(Committee, on_delete=models.CASCADE, related_name="roles")
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="committee_roles")
    role = models.CharField(max_length=16, choices=Role.choices)
    # For members: the category they sit in (Large Supplier, Network Party …).
    category = models.CharField(max_length=100, blank=True)

    class Meta:
        ordering = ["committee", "role", "person__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["committee", "person", "role"], name="committeerole_unique"
            )
        ]

    def __str__(self):
        return f"{self.person} – {self.get_role_display()} of {self.committee}"


class Classification(models.Model):
    """A label of the Panel Information Policy as it stood from a date: the
    same label (White) has meant different audiences over time."""

    class Audience(models.TextChoices):
        PUBLIC = "public", "The public"
        PARTIES = "parties", "All registered parties"
        COMMITTEE = "committee", "Committee members"
        NAMED = "named", "Named people"

    label = models.CharField(max_length=40)
    colour = models.CharField(
        max_length=7,
        validators=[RegexValidator(r"^#[0-9a-fA-F]{6}$", "A colour such as #ffffff.")],
    )
    audience = models.CharField(max_length=16, choices=Audience.choices)
    statement = models.TextField(help_text="Printed on every document with this classification.")
    effective_from = models.DateField()
    may_be_published = models.BooleanField(
        default=False, help_text="May be published online (the public page and website)."
    )
    named_people = models.ManyToManyField(Person, blank=True, related_name="+")

    class Meta:
        ordering = ["label", "-effective_from"]
        constraints = [
            models.UniqueConstraint(
                fields=["label", "effective_from"], name="classification_unique_label_from"
            ),
            # Only what the public may see may go online.
            models.CheckConstraint(
                condition=Q(may_be_published=False) | Q(audience="public"),
                name="classification_published_only_if_public",
            ),
        ]

    def __str__(self):
        return f"{self.label} (from {self.effective_from:%d %B %Y})"


def user_name(user) -> str:
    """A user as the committee knows them: their person's name, or else the
    login's own name."""
    person = getattr(user, "person", None)
    return person.name if person else (user.get_full_name() or user.get_username())


@dataclass(frozen=True)
class Heading:
    """When, where and what kind of meeting, as a reader has it
    (Meeting.as_read): lists, feeds and the register print these."""

    date: datetime.date
    kind: str
    start_time: datetime.time | None
    end_time: datetime.time | None
    location: str
    is_teleconference: bool
    schedule_sequence: int = 0  # its calendar event's SEQUENCE (Meeting.schedule_sequence)

    def get_kind_display(self) -> str:
        return Meeting.Kind(self.kind).label if self.kind in Meeting.Kind.values else self.kind


class Meeting(models.Model):
    class Kind(models.TextChoices):
        MAIN = "main", "Main meeting"
        REPORTING = "reporting", "Reporting meeting"
        EXTRAORDINARY = "extraordinary", "Extraordinary meeting"
        CONFIDENTIAL = "confidential", "Confidential session"

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        CIRCULATED = "circulated", "Circulated for comments"
        APPROVED = "approved", "Approved"
        PUBLISHED = "published", "Published"

    # Approved minutes are frozen and final; later changes are a new recorded revision.
    FINAL = (Status.APPROVED, Status.PUBLISHED)

    committee = models.ForeignKey(Committee, on_delete=models.PROTECT, related_name="meetings")
    number = models.PositiveIntegerField()
    kind = models.CharField(max_length=16, choices=Kind.choices, default=Kind.MAIN)
    date = models.DateField()
    start_time = models.TimeField(null=True, blank=True)
    end_time = models.TimeField(null=True, blank=True)
    location = models.CharField(max_length=300, blank=True)
    is_teleconference = models.BooleanField(default=False)
    classification = models.ForeignKey(
        Classification, on_delete=models.PROTECT, related_name="meetings"
    )

    status = models.CharField(max_length=16, choices=Status.choices, default=Status.DRAFT)
    circulated_at = models.DateTimeField(null=True, blank=True)
    circulated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    approved_at = models.DateTimeField(null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # Minutes are approved by a decision of a later meeting (item 1 of the next one).
    approved_at_meeting = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="minutes_approved"
    )
    published_at = models.DateTimeField(null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # The doubts the import of these minutes raised that no one has yet
    # acknowledged as checked against the document (imports.services): the
    # minutes are not published while any is left.
    import_doubts = models.PositiveIntegerField(default=0)

    # Bumped by every service that edits the minutes; a form carries the
    # version it was drawn from, so a second editor's stale save is refused.
    version = models.PositiveIntegerField(default=1)
    # How many times the date, times or place have changed since the meeting
    # was made (services.meeting_update): its calendar event's SEQUENCE, so a
    # subscribed calendar takes the change.
    schedule_sequence = models.PositiveIntegerField(default=0)
    # The committee's quorum (meetings.quorum) as it stood when the minutes
    # were approved, so approved minutes keep saying what they said; a draft
    # follows the committee's. None: no quorum in force then.
    quorum = models.PositiveSmallIntegerField(null=True, blank=True)
    quorum_needs_chair = models.BooleanField(default=False)
    # While approved or published minutes are being corrected: the revision
    # that keeps the version readers had, served to them (page, JSON, PDF,
    # decisions) until the correction reaches the same state again.
    record = models.ForeignKey(
        "MinutesRevision", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["committee", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["committee", "number"], name="meeting_unique_number"),
            models.CheckConstraint(
                condition=Q(start_time__isnull=True)
                | Q(end_time__isnull=True)
                | Q(end_time__gt=F("start_time")),
                name="meeting_ends_after_it_starts",
            ),
            models.CheckConstraint(
                condition=Q(status="draft") | Q(circulated_at__isnull=False),
                name="meeting_circulated_has_date",
            ),
            models.CheckConstraint(
                condition=Q(status__in=["draft", "circulated"]) | Q(approved_at__isnull=False),
                name="meeting_approved_has_date",
            ),
            models.CheckConstraint(
                condition=~Q(status="published") | Q(published_at__isnull=False),
                name="meeting_published_has_date",
            ),
            models.CheckConstraint(
                condition=Q(approved_at__isnull=True)
                | Q(circulated_at__isnull=True)
                | Q(approved_at__gte=F("circulated_at")),
                name="meeting_approved_after_circulated",
            ),
            models.CheckConstraint(
                condition=Q(published_at__isnull=True)
                | Q(approved_at__isnull=True)
                | Q(published_at__gte=F("approved_at")),
                name="meeting_published_after_approved",
            ),
        ]

    def __str__(self):
        return self.label(self.committee.code, self.number)

    @staticmethod
    def label(code: str, number: int) -> str:
        """How the minutes name a meeting: "OPSG 25"."""
        return f"{code} {number}"

    def minutes_file_name(self, *, final: bool, corrections: int, suffix: str) -> str:
        """The committee's name for a file of these minutes:
        OPSG_25_Minutes_v1.0.pdf when final (v1.1 after one correction),
        OPSG_25_Minutes_draft.docx before."""
        stem = f"{self.committee.code}_{self.number}_Minutes"
        version = f"v1.{corrections}" if final else "draft"
        return f"{stem}_{version}.{suffix}"

    @property
    def reference(self) -> str:
        """The document reference, e.g. OPSG_25_0110: code, number, day and month."""
        return f"{self.committee.code}_{self.number}_{self.date:%d%m}"

    @property
    def is_frozen(self) -> bool:
        return self.status in self.FINAL

    @property
    def is_final(self) -> bool:
        return self.is_frozen

    @property
    def in_correction(self) -> bool:
        """Approved or published minutes reopened for a correction, whose
        earlier version readers keep meanwhile (`record`)."""
        return self.record_id is not None

    @property
    def as_read(self) -> Heading:
        """The meeting's date, kind, times and place as the reader has them:
        the version kept's, to a reader of that version (`live` False, as
        meetings.access.records_read_by annotates), for a correction may
        change them; else the meeting's own."""
        if self.record_id is not None and not getattr(self, "live", True):
            return self.record.kept_heading(self)
        return Heading(
            date=self.date,
            kind=self.kind,
            start_time=self.start_time,
            end_time=self.end_time,
            location=self.location,
            is_teleconference=self.is_teleconference,
            schedule_sequence=self.schedule_sequence,
        )

    def check_writable(self) -> None:
        """Refuse a change to minutes that are approved (services call this first)."""
        if self.is_frozen:
            raise ValidationError(
                "These minutes are approved and read-only. Record a correction as a revision."
            )

    @property
    def title(self) -> str:
        return f"{self.committee.name} Meeting {self.number}"


class NextMeeting(models.Model):
    """A date announced at the end of the minutes: "Next main meeting: 1 June 2021"."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="next_meetings")
    kind = models.CharField(max_length=16, choices=Meeting.Kind.choices, default=Meeting.Kind.MAIN)
    date = models.DateField()

    class Meta:
        ordering = ["date"]
        constraints = [
            models.UniqueConstraint(fields=["meeting", "kind", "date"], name="nextmeeting_unique")
        ]

    def __str__(self):
        return f"Next {self.get_kind_display().lower()}: {self.date:%d %B %Y}"


class Attendance(models.Model):
    class Section(models.TextChoices):
        MEMBER = "member", "Member"
        PARTICIPANT = "participant", "Other participant"
        APOLOGY = "apology", "Apology"

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="attendance")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="attendance")
    section = models.CharField(max_length=16, choices=Section.choices)
    # Members: their category (Large Supplier …); others and apologies: the body represented.
    category = models.CharField(max_length=100, blank=True)
    represents = models.CharField(max_length=100, blank=True)
    is_alternate = models.BooleanField(default=False)
    alternate_for = models.ForeignKey(
        Person, null=True, blank=True, on_delete=models.PROTECT, related_name="stood_in_for"
    )
    remote = models.BooleanField(default=False, help_text="Attended by teleconference.")
    part = models.BooleanField(default=False, help_text="Present for part of the meeting.")
    items = models.CharField(
        max_length=100, blank=True, help_text='Items attended when part: e.g. "6 & 7".'
    )
    role = models.CharField(max_length=100, blank=True, help_text='e.g. "Meeting Secretary".')
    order = models.PositiveIntegerField(default=0)
    version = models.PositiveIntegerField(default=1)

    history = HistoricalRecords()

    class Meta:
        ordering = ["meeting", "section", "order", "id"]
        verbose_name_plural = "attendance"
        constraints = [
            # One line per person per meeting: nobody is both present and an apology.
            models.UniqueConstraint(
                fields=["meeting", "person"], name="attendance_once_per_meeting"
            ),
            models.CheckConstraint(
                condition=~Q(alternate_for=F("person")), name="attendance_not_own_alternate"
            ),
            models.CheckConstraint(
                condition=Q(section__in=["member", "participant"])
                | (
                    Q(remote=False)
                    & Q(part=False)
                    & Q(items="")
                    & Q(alternate_for__isnull=True)
                    & Q(is_alternate=False)
                ),
                name="attendance_apology_has_no_presence_marks",
            ),
            models.CheckConstraint(
                condition=Q(items="") | Q(part=True), name="attendance_items_only_when_part"
            ),
        ]

    def __str__(self):
        return f"{self.person} at {self.meeting}"

    @property
    def marks(self) -> list[str]:
        """The marks printed after the name: (Alternate), (Teleconference) …"""
        return attendance_marks(
            alternate=self.is_alternate,
            alternate_for=self.alternate_for.name if self.alternate_for_id else "",
            part=self.part,
            items=self.items,
            remote=self.remote,
            role=self.role,
        )


def attendance_marks(
    *, alternate: bool, alternate_for: str, part: bool, items: str, remote: bool, role: str
) -> list[str]:
    """The one way the minutes mark a person, on the page, in the PDF, in
    the version kept during a correction and in the Word file."""
    marks = []
    if alternate_for:
        marks.append(f"alternate for {alternate_for}")
    elif alternate:
        marks.append("Alternate")
    if part or items:
        marks.append(f"agenda item {items}" if items else "Part")
    if remote:
        marks.append("Teleconference")
    if role:
        marks.append(role)
    return marks


def stored_marks(entry: dict) -> list[str]:
    """The marks of a person in a stored minutes document (the JSON shape's
    attendance: a revision, the version kept during a correction)."""
    return attendance_marks(
        alternate=bool(entry.get("alternate")),
        alternate_for=entry.get("alternate_for") or "",
        part=bool(entry.get("part")),
        items=entry.get("items") or "",
        remote=bool(entry.get("remote")),
        role=entry.get("role") or "",
    )


class AgendaItem(models.Model):
    class Standing(models.TextChoices):
        """Items that recur at every meeting; the Actions Outstanding item
        carries the meeting's table of reviewed actions."""

        PREVIOUS_MINUTES = "previous_minutes", "Previous Meeting Minutes"
        ACTIONS_OUTSTANDING = "actions_outstanding", "Actions Outstanding"
        MAJOR_INCIDENTS = "major_incidents", "Major Incidents"
        AOB = "aob", "Any Other Business"

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="items")
    number = models.CharField(
        max_length=12,
        validators=[RegexValidator(r"^\d+(\.\d+)*$", 'A number such as "3" or "3.1".')],
    )
    title = models.CharField(max_length=300)
    narrative = models.TextField(blank=True, help_text="Markdown, stored as typed.")
    post_meeting_note = models.TextField(
        blank=True, help_text="Added after the meeting; shown marked as a post-meeting note."
    )
    standing = models.CharField(max_length=24, choices=Standing.choices, blank=True)
    confidential = models.BooleanField(default=False)
    # An item may have a narrower audience than its minutes (None: the minutes').
    classification = models.ForeignKey(
        Classification,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="Only if this item's audience is narrower than the minutes'.",
    )
    order = models.PositiveIntegerField(default=0)
    version = models.PositiveIntegerField(default=1)
    # Kept by a PostgreSQL trigger from the title and text (opsg/fulltext.py).
    search_vector = SearchVectorField(null=True, editable=False)

    history = HistoricalRecords(excluded_fields=["search_vector"])

    class Meta:
        ordering = ["meeting", "order", "id"]
        constraints = [
            models.UniqueConstraint(fields=["meeting", "number"], name="agendaitem_unique_number"),
        ]

    def __str__(self):
        return f"{self.number}. {self.title}"

    @property
    def depth(self) -> int:
        return self.number.count(".")


class Decision(models.Model):
    class Verb(models.TextChoices):
        AGREED = "AGREED", "AGREED"
        NOTED = "NOTED", "NOTED"
        ENDORSED = "ENDORSED", "ENDORSED"
        RECOMMENDED = "RECOMMENDED", "RECOMMENDED"
        DISCUSSED = "DISCUSSED", "DISCUSSED"
        CONSIDERED = "CONSIDERED", "CONSIDERED"
        APPROVED = "APPROVED", "APPROVED"

    item = models.ForeignKey(AgendaItem, on_delete=models.CASCADE, related_name="decisions")
    verb = models.CharField(max_length=16, choices=Verb.choices)
    text = models.TextField()
    # "The OPSG NOTED that: 1. … 2. …": the numbered points, in order.
    points = models.JSONField(default=list, blank=True)
    # Numbering of the first point, where a list continues across decisions (item 4: 3, 4, 5).
    first_point_number = models.PositiveIntegerField(default=1)
    order = models.PositiveIntegerField(default=0)
    version = models.PositiveIntegerField(default=1)
    # Kept by a PostgreSQL trigger from the verb, text and points (opsg/fulltext.py).
    search_vector = SearchVectorField(null=True, editable=False)

    history = HistoricalRecords(excluded_fields=["search_vector"])

    class Meta:
        ordering = ["item", "order", "id"]

    def __str__(self):
        return f"{self.verb} {self.text[:60]}"


class MinutesRevision(models.Model):
    """A correction made after the minutes were approved. The earlier text is
    kept whole (as the minutes' JSON document) so it stays viewable."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="revisions")
    number = models.PositiveIntegerField()
    reason = models.TextField()
    previous_status = models.CharField(max_length=16, choices=Meeting.Status.choices)
    snapshot = models.JSONField(help_text="The minutes as they stood before the correction.")
    # Meeting.version of the minutes kept: their issued PDF is the one of that version.
    version = models.PositiveIntegerField(null=True, blank=True)
    # Who read the minutes kept: while they are served in a correction's
    # place, a reader must be admitted both by these and by the draft's own
    # (meetings.access.visible_records), so a draft that narrows them takes
    # effect at once and one that widens them waits for its circulation.
    classification = models.ForeignKey(
        Classification, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    kind = models.CharField(max_length=16, choices=Meeting.Kind.choices, blank=True)
    published_at = models.DateTimeField(null=True, blank=True)
    # The actions raised and the reviews recorded in the version kept: they
    # stay readable while the correction is a draft (actions.access);
    # what the correction adds waits for its circulation.
    kept_actions = models.ManyToManyField("actions.Action", blank=True, related_name="+")
    kept_reviews = models.ManyToManyField("actions.ActionReview", blank=True, related_name="+")
    created_at = models.DateTimeField()
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["meeting", "number"]
        constraints = [
            models.UniqueConstraint(fields=["meeting", "number"], name="minutesrevision_unique")
        ]

    def __str__(self):
        return f"{self.meeting} revision {self.number}"

    def kept_heading(self, meeting: Meeting) -> Heading:
        """The meeting's date, kind, times and place in the version kept (a
        correction may change them); what the snapshot lacks, as `meeting`
        has it now."""
        snapshot = self.snapshot if isinstance(self.snapshot, dict) else {}

        def read(key, parse, default):
            try:
                value = snapshot[key]
            except KeyError:
                return default
            try:
                return parse(value) if value is not None else None
            except (TypeError, ValueError):
                return default

        return Heading(
            date=read("date", datetime.date.fromisoformat, meeting.date) or meeting.date,
            kind=self.kind or meeting.kind,
            start_time=read("start", datetime.time.fromisoformat, meeting.start_time),
            end_time=read("end", datetime.time.fromisoformat, meeting.end_time),
            location=read("location", str, meeting.location) or "",
            is_teleconference=bool(read("teleconference", bool, meeting.is_teleconference)),
            # As the version kept had it: a reader of that version is not told
            # that the correction moved the meeting.
            schedule_sequence=read("schedule_sequence", int, 0) or 0,
        )


# SECMP0067, MP123A, DP083: the code administrator's modification references.
MODIFICATION_REFERENCE = r"SECMP[0-9]{4}|MP[0-9]{3}[A-Z]?|DP[0-9]{3}"


class Modification(models.Model):
    """A change proposal to the code that minutes talk about (SECMP0067,
    DP083). Reference data: where one is known, its reference in a narrative
    becomes a link to its page."""

    reference = models.CharField(
        max_length=20,
        unique=True,
        validators=[
            RegexValidator(
                rf"^({MODIFICATION_REFERENCE})$",
                "Use a reference such as SECMP0067, MP123 or DP083.",
            )
        ],
    )
    title = models.CharField(max_length=200)
    url = models.URLField(max_length=500, help_text="Its page on the code administrator's site.")

    class Meta:
        ordering = ["reference"]

    def __str__(self):
        return f"{self.reference} {self.title}"


# The render task's hard time limit (minutes/tasks.py): past it the worker
# kills the process laying out the PDF, so no render runs longer.
RENDER_TIME_LIMIT = datetime.timedelta(minutes=5)
# A PDF render that has not finished this long after it was asked for (or
# started) is taken to have died with its worker: it may be claimed again and
# the page offers a retry. The minute over the time limit allows for clocks
# of worker and web that differ a little.
RENDER_STALE_AFTER = RENDER_TIME_LIMIT + datetime.timedelta(minutes=1)
# A render is tried this many times at most: one that takes its worker down
# each time (out of memory, a crash in a library) is redelivered and claimed
# again, and would otherwise be so for ever, a worker lost each round.
RENDER_ATTEMPTS = 3


class MinutesDocument(models.Model):
    """A PDF of the minutes as they stood when it was rendered: a stored
    record, served from its file, made again only when the minutes change.
    Published minutes are issued once per version and never re-rendered."""

    class State(models.TextChoices):
        PENDING = "pending", "Waiting to render"
        RENDERING = "rendering", "Rendering"
        DONE = "done", "Ready"
        FAILED = "failed", "Failed"

    # PROTECT: an issued PDF is part of the record, like the meeting's actions.
    meeting = models.ForeignKey(Meeting, on_delete=models.PROTECT, related_name="documents")
    # Meeting.version and status when rendered (when requested, until then).
    minutes_version = models.PositiveIntegerField()
    minutes_status = models.CharField(max_length=16, choices=Meeting.Status.choices)
    # sha256 of the HTML and stylesheets the PDF is made from: Meeting.version
    # moves only with the meeting's own fields, not with an item's text, so
    # "unchanged minutes" is decided by what would be printed.
    source_sha256 = models.CharField(max_length=64)
    state = models.CharField(max_length=16, choices=State.choices, default=State.PENDING)
    file = models.FileField(upload_to="minutes/", max_length=200, blank=True)
    sha256 = models.CharField(max_length=64, blank=True, help_text="Checksum of the PDF file.")
    pages = models.PositiveIntegerField(null=True, blank=True)
    size = models.PositiveIntegerField(null=True, blank=True, help_text="Bytes.")
    error = models.TextField(blank=True)
    task_id = models.CharField(max_length=64, blank=True)
    requested_at = models.DateTimeField()
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    started_at = models.DateTimeField(null=True, blank=True)
    rendered_at = models.DateTimeField(null=True, blank=True)
    # Claims taken (services.render_minutes_pdf): at most RENDER_ATTEMPTS.
    attempts = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["meeting", "-requested_at", "-id"]
        constraints = [
            # The published minutes' PDF never changes once issued.
            models.UniqueConstraint(
                fields=["meeting", "minutes_version"],
                condition=Q(minutes_status="published", state="done"),
                name="minutesdocument_issued_once",
            ),
            # Two presses of "Export PDF" on the same minutes share one render.
            models.UniqueConstraint(
                fields=["meeting", "minutes_version", "source_sha256"],
                condition=Q(state__in=["pending", "rendering", "done"]),
                name="minutesdocument_one_render_per_source",
            ),
            models.CheckConstraint(
                condition=~Q(state="done")
                | (~Q(file="") & ~Q(sha256="") & Q(rendered_at__isnull=False)),
                name="minutesdocument_done_has_file",
            ),
        ]

    def __str__(self):
        return f"{self.meeting} v{self.minutes_version} PDF ({self.get_state_display()})"

    @property
    def is_final(self) -> bool:
        return self.minutes_status in Meeting.FINAL

    @property
    def is_stuck(self) -> bool:
        if self.state == self.State.PENDING:
            since = self.requested_at
        elif self.state == self.State.RENDERING:
            since = self.started_at or self.requested_at
        else:
            return False
        return since < timezone.now() - RENDER_STALE_AFTER

    @property
    def download_name(self) -> str:
        """The committee's file name: OPSG_25_Minutes_v1.0.pdf for final
        minutes, v1.1 once corrected and issued again (v1.2 the next time),
        OPSG_25_Minutes_draft.pdf for a draft."""
        if not self.is_final:
            return self.meeting.minutes_file_name(final=False, corrections=0, suffix="pdf")
        made = self.rendered_at or self.requested_at
        corrections = self.meeting.revisions.filter(created_at__lt=made).count()
        return self.meeting.minutes_file_name(final=True, corrections=corrections, suffix="pdf")


class ClaimedEmail(models.Model):
    """What every email row the jobs claim before sending holds: to whom,
    and how its sending went (the job marks it sent or failed): the
    circulation and agenda emails here, the reminders and assignment
    notices of actions."""

    class State(models.TextChoices):
        CLAIMED = "claimed", "Claimed"
        SENT = "sent", "Sent"
        FAILED = "failed", "Failed"

    recipient = models.EmailField()
    state = models.CharField(max_length=8, choices=State.choices, default=State.CLAIMED)
    claimed_at = models.DateTimeField()
    sent_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    error = models.TextField(blank=True)

    class Meta:
        abstract = True


class CirculationEmail(ClaimedEmail):
    """The email telling one reader that minutes were circulated for
    comments, approved or published (meetings/circulation.py). The row is
    claimed (inserted under the unique constraint) before the email is sent,
    so a retried task, a second worker or the operators' command never sends
    it twice."""

    class Kind(models.TextChoices):
        CIRCULATED = "circulated", "Circulated for comments"
        APPROVED = "approved", "Approved"
        PUBLISHED = "published", "Published"

    meeting = models.ForeignKey(
        Meeting, on_delete=models.CASCADE, related_name="circulation_emails"
    )
    kind = models.CharField(max_length=12, choices=Kind.choices, default=Kind.CIRCULATED)
    # Which event: the meeting's circulated_at, approved_at or published_at, by
    # kind. Minutes corrected and circulated (approved, published) again are
    # announced again: the moment is set anew each time.
    circulated_at = models.DateTimeField()
    person = models.ForeignKey(
        Person, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["meeting", "-circulated_at", "recipient"]
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "kind", "circulated_at", "recipient"],
                name="circulationemail_once_per_kind",
            )
        ]

    def __str__(self):
        return f"{self.get_kind_display()}: {self.meeting} to {self.recipient} ({self.get_state_display()})"


# --- the agenda and papers before a meeting ------------------------------------------

# Papers: what a committee circulates, and how much of it.
PAPER_MAX_BYTES = 20 * 1024 * 1024
PAPERS_PER_ITEM = 10


class Agenda(models.Model):
    """The agenda of a meeting, drafted by the secretary before it and
    published to its members (meetings/agenda.py says who reads it). Its
    lines are AgendaEntry rows of the same meeting."""

    meeting = models.OneToOneField(Meeting, on_delete=models.CASCADE, related_name="agenda")
    # Set anew each time the secretary publishes (again): members are told each time.
    published_at = models.DateTimeField(null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # Bumped by every change to the agenda or its papers: a pack built from
    # an earlier version is stale and is built again.
    version = models.PositiveIntegerField(default=1)

    def __str__(self):
        return f"Agenda of {self.meeting}"

    @property
    def is_published(self) -> bool:
        return self.published_at is not None


class AgendaEntry(models.Model):
    """An item of the agenda before the meeting: the minutes' AgendaItem is
    made from it (services.agenda_to_minutes). Its `meeting`, `confidential`
    and `classification` are read by the same rule as an AgendaItem's
    (access.item_content_rule)."""

    class Purpose(models.TextChoices):
        DECISION = "decision", "For decision"
        INFORMATION = "information", "For information"
        DISCUSSION = "discussion", "For discussion"

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="agenda_entries")
    number = models.CharField(
        max_length=12,
        validators=[RegexValidator(r"^\d+(\.\d+)?$", 'A number such as "3" or "3.1".')],
    )
    title = models.CharField(max_length=300)
    purpose = models.CharField(max_length=12, choices=Purpose.choices, default=Purpose.DISCUSSION)
    presenter = models.CharField(max_length=200, blank=True)
    confidential = models.BooleanField(default=False)
    classification = models.ForeignKey(
        Classification,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="Only if this item's audience is narrower than the meeting's.",
    )
    # Sorts "3.10" after "3.9": the number's parts, zero-padded.
    sort_key = models.CharField(max_length=40, editable=False)

    class Meta:
        ordering = ["meeting", "sort_key", "id"]
        verbose_name_plural = "agenda entries"
        constraints = [
            models.UniqueConstraint(fields=["meeting", "number"], name="agendaentry_unique_number"),
        ]

    def __str__(self):
        return f"{self.number}. {self.title}"

    @property
    def depth(self) -> int:
        return self.number.count(".")

    @staticmethod
    def key_of(number: str) -> str:
        return ".".join(f"{int(part):04d}" for part in number.split("."))


class Paper(models.Model):
    """A paper for an agenda item: its versions are kept, the latest is the one circulated."""

    entry = models.ForeignKey(AgendaEntry, on_delete=models.CASCADE, related_name="papers")
    title = models.CharField(max_length=300)
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["entry", "created_at", "id"]

    def __str__(self):
        return self.title


class PaperVersion(models.Model):
    class Kind(models.TextChoices):
        PDF = "pdf", "PDF"
        DOCX = "docx", "Word"
        XLSX = "xlsx", "Excel"

    paper = models.ForeignKey(Paper, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    # Stored under a name of our own (never the uploaded name: it is only shown).
    file = models.FileField(upload_to="papers/", max_length=200)
    name = models.CharField(max_length=255, help_text="The file's name as uploaded.")
    kind = models.CharField(max_length=4, choices=Kind.choices)
    size = models.PositiveIntegerField(help_text="Bytes.")
    sha256 = models.CharField(max_length=64)
    uploaded_at = models.DateTimeField()
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["paper", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["paper", "number"], name="paperversion_unique_number"),
        ]

    def __str__(self):
        return f"{self.paper} v{self.number}"

    @property
    def content_type(self) -> str:
        return {
            "pdf": "application/pdf",
            "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        }[self.kind]


class AgendaPack(models.Model):
    """The meeting pack: one PDF of the agenda and its papers, built by the
    worker (pack.agenda_pack_build) for one version of the agenda and
    kept as a record; a change to the agenda or a paper makes it stale."""

    class State(models.TextChoices):
        PENDING = "pending", "Waiting to build"
        BUILDING = "building", "Building"
        DONE = "done", "Ready"
        FAILED = "failed", "Failed"

    agenda = models.ForeignKey(Agenda, on_delete=models.CASCADE, related_name="packs")
    agenda_version = models.PositiveIntegerField()
    state = models.CharField(max_length=12, choices=State.choices, default=State.PENDING)
    # What the builder is doing, for the page that polls it ("Adding paper 2 of 5").
    progress = models.CharField(max_length=200, blank=True)
    file = models.FileField(upload_to="packs/", max_length=200, blank=True)
    sha256 = models.CharField(max_length=64, blank=True)
    pages = models.PositiveIntegerField(null=True, blank=True)
    size = models.PositiveIntegerField(null=True, blank=True)
    error = models.TextField(blank=True)
    task_id = models.CharField(max_length=64, blank=True)
    requested_at = models.DateTimeField()
    started_at = models.DateTimeField(null=True, blank=True)
    built_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["agenda", "-requested_at", "-id"]
        constraints = [
            # Two changes in a row share one build of the version they left.
            models.UniqueConstraint(
                fields=["agenda", "agenda_version"],
                condition=Q(state__in=["pending", "building", "done"]),
                name="agendapack_one_build_per_version",
            ),
            models.CheckConstraint(
                condition=~Q(state="done") | (~Q(file="") & Q(built_at__isnull=False)),
                name="agendapack_done_has_file",
            ),
        ]

    def __str__(self):
        return f"Pack of {self.agenda.meeting} v{self.agenda_version} ({self.get_state_display()})"

    @property
    def is_stuck(self) -> bool:
        if self.state == self.State.PENDING:
            since = self.requested_at
        elif self.state == self.State.BUILDING:
            since = self.started_at or self.requested_at
        else:
            return False
        return since < timezone.now() - RENDER_STALE_AFTER

    @property
    def download_name(self) -> str:
        meeting = self.agenda.meeting
        return f"{meeting.committee.code}_{meeting.number}_Meeting_Pack.pdf"


class AgendaEmail(ClaimedEmail):
    """The email telling one reader that the agenda is published, claimed
    (inserted under the unique constraint) before it is sent, as
    CirculationEmail is."""

    agenda = models.ForeignKey(Agenda, on_delete=models.CASCADE, related_name="emails")
    # Which publication: the agenda's published_at then.
    published_at = models.DateTimeField()
    person = models.ForeignKey(
        Person, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["agenda", "-published_at", "recipient"]
        constraints = [
            models.UniqueConstraint(
                fields=["agenda", "published_at", "recipient"], name="agendaemail_once"
            )
        ]

    def __str__(self):
        return f"Agenda of {self.agenda.meeting} to {self.recipient} ({self.get_state_display()})"
