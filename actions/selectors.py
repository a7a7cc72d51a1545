"""Reads of actions. Selectors own the joins and prefetches, so a review
screen of 300 actions costs the same few queries as one of 3."""

import datetime
import unicodedata
from collections import defaultdict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from operator import attrgetter
from types import SimpleNamespace
from typing import NamedTuple

from django.core.paginator import Page, Paginator
from django.db import connection
from django.db.models import (
    Case,
    Count,
    DateField,
    Exists,
    F,
    Func,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.text import Truncator

from meetings.access import visible_agendas
from meetings.models import Committee, Meeting, NextMeeting, user_name
from meetings.selectors import history_namers, meetings_for_committee
from opsg.history import FieldChange, describe
from opsg.workdays import is_working_day

from . import references
from .filters import ActionLogFilter, OwnersSummaryFilter, owned_by
from .models import (
    OWNER_NAME,
    Action,
    ActionOwner,
    ActionReview,
    FeedToken,
    OwnerUpdate,
    Reminder,
)
from .reminders import OwnerWithoutEmail, reminders_due

# An action's owners with their names, in one query however many actions.
OWNERS = Prefetch("owners", queryset=ActionOwner.objects.select_related("organisation", "person"))


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


def unreviewed_actions(meeting: Meeting) -> list[Action]:
    """The actions outstanding at the meeting that it has not reviewed: they
    would drop out of its minutes without a word (minutes.services.
    unreviewed_carried_forward asks for each to be reviewed, or records it
    as not discussed)."""
    reviewed_here = ActionReview.objects.filter(action=OuterRef("pk"), meeting=meeting)
    return list(outstanding_actions(meeting).filter(~Exists(reviewed_here)))


def outstanding_for_review(meeting: Meeting, *, slug: str | None = None) -> list[ReviewRow]:
    """The rows of the meeting's review screen, in four queries however many
    actions there are: the actions, their owners, all their reviews (with the
    meeting each was given at) and their pending owners' updates.

    `slug` (opsg-24-02) narrows it to one row, for saving that row."""
    actions = outstanding_actions(meeting)
    if slug is not None:
        reference = references.from_slug(slug)
        if reference is None:
            return []
        # How many rows the meeting has reviewed, read with the row: its
        # save's answer says so (Entry.reviewed_so_far) without asking again.
        reviewed = (
            ActionReview.objects.filter(meeting=meeting)
            .order_by()
            .values("meeting")
            .annotate(n=Count("pk"))
            .values("n")
        )
        actions = actions.filter(reference=reference).annotate(
            reviewed_at_meeting=Coalesce(Subquery(reviewed), 0)
        )
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


def row_after_save(
    row: ReviewRow, review: ActionReview, accepted: Sequence[OwnerUpdate]
) -> ReviewRow:
    """The row as its save left it, from what the save holds rather than read
    again: the action as written (its owners, read with the row, unchanged),
    this meeting's review, the earlier reviews (a save here does not touch
    them) and the owners' updates still pending."""
    taken = {update.pk for update in accepted}
    return ReviewRow(
        action=row.action,
        meeting=row.meeting,
        review=review,
        earlier=row.earlier,
        pending=[update for update in row.pending if update.pk not in taken],
    )


def successor_choices(meeting: Meeting, rows: list[ReviewRow]) -> list[Action]:
    """Actions that may supersede one under review: those raised at this
    meeting first (11/02 was replaced by 25/01), then the committee's other
    open actions, and any already named as a successor on these rows. Each
    carries `choice_label`, what the drop-down shows of it, worked out once
    for every row's form."""
    chosen = [row.action.superseded_by_id for row in rows if row.action.superseded_by_id]
    successors = list(
        Action.objects.filter(committee=meeting.committee)
        .filter(Q(meeting_number=meeting.number) | Q(status=Action.Status.OPEN) | Q(pk__in=chosen))
        .only("pk", "reference", "meeting_number", "confidential", "sequence", "text")
        .order_by("meeting_number", "confidential", "sequence")
    )
    for action in successors:
        action.choice_label = f"{action.reference} – {_label_text(action.text)}"
    return successors


def _label_text(text: str, length: int = 70) -> str:
    """`text` cut to `length` characters as Truncator.chars cuts it, which
    is costly (a translated ellipsis looked up per call) for the many that
    need no cut: a text as long as `length` or shorter is kept whole by it."""
    text = unicodedata.normalize("NFC", text)
    return text if len(text) <= length else Truncator(text).chars(length)


def transfer_choices(meeting: Meeting) -> list[Committee]:
    """Committees an action can be transferred to: every other one."""
    return list(Committee.objects.exclude(pk=meeting.committee_id).order_by("code"))


# --- one action: its detail page ----------------------------------------------


def action_with_owners(reference: str) -> Action | None:
    """The action with what deciding access and drawing its header need."""
    return (
        Action.objects.select_related(
            "committee",
            "transferred_to",
            "superseded_by__committee",
            "meeting__committee",
            "meeting__classification",
            "item__meeting__committee",
            "item__classification",
        )
        .prefetch_related(OWNERS)
        .filter(reference=reference)  # from_slug spells it as stored: one probe of the unique index
        .first()
    )


@dataclass
class HistoryEntry:
    when: datetime.datetime
    who: str
    kind: str  # "+" recorded, "~" changed, "-" deleted (simple-history's codes)
    changes: list[FieldChange] = field(default_factory=list)


@dataclass
class ActionDetail:
    action: Action
    # Every review at every meeting, in meeting order.
    reviews: list[ActionReview]
    # Actions this one replaced (11/02 is superseded by 25/01: 25/01 lists 11/02).
    supersedes: list[Action]
    history: list[HistoryEntry]
    reminders: list[Reminder]
    # Owners' updates, newest first, whatever became of them.
    updates: list[OwnerUpdate]


# Bookkeeping, not something a member changed.
_HISTORY_EXCLUDED = ["version"]


def action_detail(
    action: Action,
    *,
    reviews: QuerySet[ActionReview],
    kept: Sequence[ActionReview] = (),
    actions: QuerySet[Action],
    with_history: bool,
) -> ActionDetail:
    """Everything the action's page shows, in the same few queries however
    many reviews, updates and recorded changes it has: its `reviews` (those
    the reader may read, with their meetings), the actions it superseded
    (of the `actions` the reader may see), its history (with who made each
    change; `with_history`: for those who write the committee's record, as
    a draft review's changes are in it), its owners' updates, its
    reminders, and one query per kind of record a changed link pointed to
    (at most four). `kept`: reviews the reader reads as the version kept
    during a correction has them (actions.known.KnownFigures.kept)."""
    reviews = sorted(
        [
            *reviews.select_related("meeting__committee", "meeting__classification"),
            *kept,
        ],
        key=attrgetter("in_minutes_order"),
    )
    supersedes = list(
        actions.filter(superseded_by=action)
        .select_related("committee")
        .order_by("meeting_number", "confidential", "sequence")
    )
    updates = list(
        action.owner_updates.select_related(
            "submitted_by__person__organisation", "review__meeting__committee"
        ).order_by("-submitted_at", "-pk")
    )
    return ActionDetail(
        action=action,
        reviews=reviews,
        supersedes=supersedes,
        history=action_history(action) if with_history else [],
        reminders=list(action.reminders.order_by("-day", "recipient")),
        updates=updates,
    )


def action_history(action: Action) -> list[HistoryEntry]:
    """The action's audit trail, oldest first: who changed which fields when,
    each record compared with the one before (django-simple-history's
    `diff_against`, which compares in memory)."""
    records = list(
        action.history.select_related("history_user__person").order_by("history_date", "history_id")
    )
    entries, deltas = [], []
    previous = None
    for record in records:
        entry = HistoryEntry(when=record.history_date, who=_who(record.history_user), kind="+")
        if previous is not None and record.history_type != "+":
            entry.kind = record.history_type
            delta = record.diff_against(previous, excluded_fields=_HISTORY_EXCLUDED)
            deltas.append((entry, record, delta.changes))
        entries.append(entry)
        previous = record
    described = describe(
        ((Action, record, changes) for _, record, changes in deltas),
        namers=history_namers(lambda item: f"item {item.number} of {item.meeting}"),
    )
    for (entry, _, _), changes in zip(deltas, described, strict=True):
        entry.changes = changes
    # A save that changed only bookkeeping (the version a review bumps) is
    # not a change anyone made to the action.
    return [e for e in entries if e.kind != "~" or e.changes]


def _who(user) -> str:
    return "the system" if user is None else user_name(user)


# --- calendar feeds -----------------------------------------------------------


@dataclass
class FeedMeeting:
    """One event of a committee's meetings feed: a meeting held or planned,
    or a date announced at the end of earlier minutes ("Next main meeting:
    1 June 2021") that has no meeting of its own yet."""

    uid: str
    committee: Committee
    date: datetime.date
    kind_label: str
    meeting: Meeting | None = None
    # What of the meeting its reader may read: its minutes, its agenda.
    minutes: bool = True
    agenda: bool = False


def feed_meeting(meeting: Meeting, *, minutes: bool = True, agenda: bool = False) -> FeedMeeting:
    """A meeting as its calendar event: the same UID in the committee's feed
    and in the meeting's own .ics, so a calendar holding both keeps one.
    Its date and kind as the reader reads them (Meeting.as_read); `minutes`,
    `agenda`: whether the reader reads its minutes, its agenda."""
    return FeedMeeting(
        uid=f"{meeting.committee.code.lower()}-meeting-{meeting.number}",
        committee=meeting.committee,
        date=meeting.as_read.date,
        kind_label=meeting.as_read.get_kind_display(),
        meeting=meeting,
        minutes=minutes,
        agenda=agenda,
    )


def meetings_for_feed(user, committee: Committee) -> list[FeedMeeting]:
    """The meetings of a committee the user may see (as on the committee's
    page), and the next-meeting dates those minutes announce. A meeting whose
    minutes the user may not read yet (a draft, for a member) still comes
    through the date announced in the minutes before it."""
    seen = list(meetings_for_committee(user, committee))[::-1]  # oldest first
    # Meetings whose agenda the user reads: with its link, and those whose
    # minutes they may not read yet (the next meeting, for a member) as well.
    agendas = {
        m.pk: m
        for m in visible_agendas(user)
        .filter(committee=committee)
        .select_related("committee", "classification", "record")
    }
    ahead = [m for pk, m in agendas.items() if pk not in {s.pk for s in seen}]
    # Minutes the user reads as kept during a correction: their date and the
    # dates they announce as that version has them, not as the draft does.
    held = {m.as_read.date for m in seen} | {m.date for m in ahead}
    announced = [
        (nxt.date, nxt.kind)
        for nxt in NextMeeting.objects.filter(meeting__in=[m for m in seen if m.live])
    ]
    for m in seen:
        if not m.live and m.record is not None:
            announced += [
                (datetime.date.fromisoformat(n["date"]), n["kind"])
                for n in m.record.snapshot.get("next_meetings", [])
            ]
    events = [feed_meeting(m, agenda=m.pk in agendas) for m in seen]
    events += [feed_meeting(m, minutes=False, agenda=True) for m in ahead]
    kinds = dict(Meeting.Kind.choices)
    for date, kind in sorted(set(announced)):
        if date in held:  # a date announced is left out once its meeting is in
            continue
        events.append(
            FeedMeeting(
                uid=f"{committee.code.lower()}-next-{kind}-{date:%Y%m%d}",
                committee=committee,
                date=date,
                kind_label=kinds.get(kind, kind),
            )
        )
    return sorted(events, key=lambda e: e.date)


def actions_for_feed(actions: QuerySet[Action], user, *, known) -> list[Action]:
    """Of the `actions` the user may see (access.visible_actions), their own
    and their organisation's open ones with a target date, as the user may
    know them (`known`: actions.known.known_figures)."""
    rows = (
        actions.annotate(**known.annotations())
        .filter(
            owned_by("mine", user),
            known_status=Action.Status.OPEN,
            known_target_date__isnull=False,
        )
        .select_related("committee")
        .prefetch_related(OWNERS)
        .order_by(
            "known_target_date", "committee__code", "meeting_number", "confidential", "sequence"
        )
    )
    return known.apply(rows)


def feeds_for_user(user) -> list[FeedToken]:
    """The user's own calendar feeds, newest first, revoked ones too."""
    return list(FeedToken.objects.filter(user=user).select_related("committee"))


# --- action log ---------------------------------------------------------------
#
# The log at /actions/, its CSV and XLSX exports and the owners summary. One
# annotated queryset serves them all: every number a row shows, or a filter or
# sort uses, is a column or computed in SQL, so 300 actions cost the same few
# queries as 3. The slips are stored on the action (Action.times_slipped,
# days_slipped), so neither a page nor the counts above it read any reviews.

LOG_PAGE_SIZE = 50

# "Slipped more than twice" in the log's summary line: at least this many slips.
MANY_SLIPS = 3


class DaysBetween(Func):
    """Whole days from `start` to `end` (negative when `end` is earlier), as an
    integer, on PostgreSQL (date - date) and SQLite (julianday)."""

    arity = 2
    arg_joiner = " - "
    template = "(%(expressions)s)"
    output_field = IntegerField()

    def __init__(self, start, end, **extra):
        super().__init__(end, start, **extra)

    def as_sqlite(self, compiler, connection, **extra):
        return self.as_sql(
            compiler,
            connection,
            template="CAST(julianday(%(expressions)s) AS INTEGER)",
            arg_joiner=") - julianday(",
            **extra,
        )


def log_annotations(today: datetime.date) -> dict:
    """What every row of the log carries besides its own columns and the
    reader's view of them (actions.known: known_status, known_target_date,
    known_times_slipped, which it reads):
    - days_overdue: days past the target of an open action (0 otherwise), as
      Action.days_overdue(today) counts them.
    What only some views read is added by them: the first owner's name by
    the sort by owner (filters.first_owner), whether an update waits by
    "My actions" (`update_sent`)."""
    return {
        "days_overdue": Case(
            When(
                known_status=Action.Status.OPEN,
                known_target_date__lt=today,
                then=DaysBetween("known_target_date", Value(today, output_field=DateField())),
            ),
            default=Value(0),
            output_field=IntegerField(),
        ),
    }


def update_sent() -> Exists:
    """An owner's update on the action waits for the secretary."""
    return Exists(
        OwnerUpdate.objects.filter(action=OuterRef("pk"), state=OwnerUpdate.State.PENDING)
    )


@dataclass
class ActionLog:
    """The log as filtered: the filter (its form and what it could not read),
    and the matching actions, annotated and in the order asked for, and what
    the reader may know of them (actions.known.KnownFigures)."""

    filterset: ActionLogFilter
    actions: QuerySet[Action]
    today: datetime.date
    known: object


@dataclass
class LogSummary:
    total: int
    open: int
    overdue: int
    slipped_often: int


def action_log(
    actions: QuerySet[Action],
    *,
    known,
    data,
    request,
    today: datetime.date | None = None,
) -> ActionLog:
    """`actions`: those the user may see (access.visible_actions); `known`:
    what the user may know of them (actions.known.known_figures); `data`: the
    query string. No query runs until the result is read. A row shows
    nothing of its committee but the code its reference holds: the sort
    by reference joins the committee for its code alone."""
    today = today or timezone.localdate()
    actions = actions.annotate(**known.annotations()).annotate(**log_annotations(today))
    filterset = ActionLogFilter(data, queryset=actions, request=request, today=today)
    actions = filterset.qs
    if filterset.is_mine:
        # "My actions" says of each row whether an update was sent.
        actions = actions.annotate(update_sent=update_sent())
    return ActionLog(filterset=filterset, actions=actions, today=today, known=known)


def log_summary(log: ActionLog) -> LogSummary:
    """The counts above the table, over everything the filter selected: one query."""
    # Only the columns counted: the rows' other annotations stay out of the
    # inner query, rather than being worked out for every row and dropped.
    counts = (
        log.actions.order_by()
        .values("pk", "known_status", "known_target_date", "known_times_slipped")
        .aggregate(
            total=Count("pk"),
            open=Count("pk", filter=Q(known_status=Action.Status.OPEN)),
            overdue=Count(
                "pk",
                filter=Q(known_status=Action.Status.OPEN, known_target_date__lt=log.today),
            ),
            slipped_often=Count("pk", filter=Q(known_times_slipped__gte=MANY_SLIPS)),
        )
    )
    return LogSummary(**counts)


def log_page(log: ActionLog, number, *, total: int) -> Page:
    """One page of the log, each row with its owners' names in their order
    (`owner_list`): two queries. A page number that is not a number gives
    the first page; one past the end, the last."""
    paginator = Paginator(log.actions, LOG_PAGE_SIZE)
    # The summary has counted the rows already.
    paginator.count = total
    page = paginator.get_page(number)
    page.object_list = log.known.apply(page.object_list)
    names = owner_names([action.pk for action in page.object_list]) if page.object_list else {}
    for action in page.object_list:
        action.owner_list = names.get(action.pk, [])
    return page


def owner_names(actions) -> dict[int, list[str]]:
    """The owners' names of `actions` (keys, or a query of them), in their
    order, as ActionOwner.name gives them: the log and its exports show
    nothing else of the owners (read as models with their organisations
    and people, they were a tenth of the page and half of an export)."""
    names: dict[int, list[str]] = defaultdict(list)
    # In their order on the action (ActionOwner's default ordering goes
    # through the action to the committee: two joins for nothing).
    owners = (
        ActionOwner.objects.filter(action__in=actions)
        .order_by("order", "pk")
        .annotate(name=OWNER_NAME)
        .values_list("action_id", "name")
    )
    for action_id, name in owners:
        names[action_id].append(name)
    return names


@dataclass
class NextMeetingNote:
    """For "My actions": a committee's next meeting, and how many of the
    user's open actions of that committee have no update sent in for it."""

    committee: Committee
    date: datetime.date | None
    open: int
    without_update: int


def next_meeting_notes(log: ActionLog, *, rows: list[Action]) -> list[NextMeetingNote]:
    """Per committee of the selected open actions: its next meeting (a meeting
    on or after today, or a date announced in earlier minutes) and how many
    actions still need an update before it. Two queries. Each of `rows` (the
    page) gets `next_meeting`, its committee's next meeting date or None."""
    counts = list(
        log.actions.filter(known_status=Action.Status.OPEN)
        .order_by()
        .values("committee_id")
        .annotate(open=Count("pk"), without_update=Count("pk", filter=Q(update_sent=False)))
    )
    committees = Committee.objects.filter(pk__in=[c["committee_id"] for c in counts]).annotate(
        next_held=Subquery(
            Meeting.objects.filter(committee=OuterRef("pk"), date__gte=log.today)
            .order_by("date")
            .values("date")[:1]
        ),
        next_announced=Subquery(
            NextMeeting.objects.filter(meeting__committee=OuterRef("pk"), date__gte=log.today)
            .order_by("date")
            .values("date")[:1]
        ),
    )
    by_pk = {c.pk: c for c in committees}
    notes = []
    for row in counts:
        committee = by_pk[row["committee_id"]]
        dates = [d for d in (committee.next_held, committee.next_announced) if d]
        notes.append(
            NextMeetingNote(
                committee=committee,
                date=min(dates) if dates else None,
                open=row["open"],
                without_update=row["without_update"],
            )
        )
    dates = {note.committee.pk: note.date for note in notes}
    for action in rows:
        action.next_meeting = dates.get(action.committee_id)
    return sorted(notes, key=lambda n: n.committee.code)


class ExportedReview(NamedTuple):
    """What an exported row shows of its action's latest review: read as a
    tuple, not as a review, its meeting and committee (a long log reads
    thousands)."""

    pk: int
    update: str
    last_target_date: datetime.date | None
    last_target_note: str
    meeting_label: str  # "OPSG 25"
    meeting_date: datetime.date
    meeting_number: int

    @property
    def in_minutes_order(self) -> tuple:
        """As ActionReview.in_minutes_order."""
        return (self.meeting_date, self.meeting_number, self.pk)

    @classmethod
    def of(cls, review: "ActionReview | ExportedReview | None") -> "ExportedReview | None":
        """A review as exported (a review read as kept: actions.known)."""
        if review is None or isinstance(review, ExportedReview):
            return review
        meeting = review.meeting
        return cls(
            review.pk,
            review.update,
            review.last_target_date,
            review.last_target_note,
            str(meeting),
            meeting.date,
            meeting.number,
        )


# A review's columns as ExportedReview reads them, the action's key first.
_EXPORTED_REVIEW = (
    "action_id",
    "pk",
    "update",
    "last_target_date",
    "last_target_note",
    "meeting__committee__code",
    "meeting__number",
    "meeting__date",
)


class ExportRow(NamedTuple):
    """One line of the exported log: the minutes' Actions Outstanding columns,
    then owners, slips, lateness and the latest update. The action's fields
    as the reader may know them (actions.known), read as a tuple: a long
    log is thousands of rows, and a model instance each was most of the
    export's time."""

    reference: str
    topic: str
    text: str
    raised_on: datetime.date
    status: str
    outcome: str
    target_date: datetime.date | None
    target_note: str
    times_slipped: int
    days_slipped: int
    days_overdue: int  # the log's annotation (log_annotations)
    owners: list[str]
    latest: ExportedReview | None

    @property
    def last_target(self) -> datetime.date | str:
        """The target coming into the latest review, as the minutes print it."""
        if self.latest is None:
            return ""
        return self.latest.last_target_date or self.latest.last_target_note or "N/A"

    @property
    def current_target(self) -> datetime.date | str:
        return self.target_date or self.target_note


# What a row shows of its action (ExportRow's fields before its owners),
# after its key: nothing else is read.
_EXPORTED_ACTION = ("pk", *ExportRow._fields[: ExportRow._fields.index("owners")])


def log_export_rows(log: ActionLog, reviews: QuerySet[ActionReview]) -> Iterator[ExportRow]:
    """Every action the filter selected, in the page's order, with the latest
    of `reviews` (those the reader may read: access.visible_reviews). Three queries
    however many: the actions (read in chunks), all their owners, and all
    their reviews (to find each one's latest); the owners and reviews are
    selected with the log's own query as a subquery, so no list of ids is
    sent (SQLite limits those). Each action and review is read as a tuple;
    the few actions the reader knows otherwise (actions.known) are given
    their state as the log's page gives it."""
    selected = log.actions.values("pk")
    owners = owner_names(selected)
    latest: dict[int, ExportedReview] = {}
    # The latest review the reader may read: a draft's update is not theirs yet.
    reviews = (
        reviews.filter(action__in=selected)
        .order_by("action_id", "-meeting__date", "-meeting__number")
        .values_list(*_EXPORTED_REVIEW)
    )
    if connection.features.can_distinct_on_fields:  # PostgreSQL: only each action's latest
        reviews = reviews.distinct("action_id")
    label = Meeting.label
    for action_id, pk, update, last_date, last_note, code, number, date in reviews:
        if action_id not in latest:
            latest[action_id] = ExportedReview(
                pk, update, last_date, last_note, label(code, number), date, number
            )
    known = log.known
    no_owners: list[str] = []
    rows = log.actions.values_list(*_EXPORTED_ACTION)
    for pk, *values in rows.iterator(chunk_size=2000):
        if pk in known.overrides:
            action = SimpleNamespace(pk=pk, **dict(zip(_EXPORTED_ACTION[1:], values, strict=True)))
            known.apply([action])
            values = [getattr(action, name) for name in _EXPORTED_ACTION[1:]]
        newest = known.latest_review(pk, latest.get(pk))
        yield ExportRow(*values, owners.get(pk, no_owners), ExportedReview.of(newest))


@dataclass
class OwnerLine:
    """One owner's row of the owners summary, over their open actions."""

    value: str  # in the log's query string: org-3, person-12
    name: str
    is_person: bool
    open: int
    overdue: int
    overdue_days: int
    slipped: int  # open actions that slipped at least once
    slips: int  # times, over all their open actions
    slip_days: int = 0  # days their targets moved later, over all their open actions

    @property
    def average_days_overdue(self) -> float | None:
        """Over the overdue actions only; None when none is overdue."""
        return self.overdue_days / self.overdue if self.overdue else None

    @property
    def average_slip_days(self) -> float | None:
        """How far a target moved, on average, each time it slipped."""
        return self.slip_days / self.slips if self.slips else None


@dataclass
class OwnersSummary:
    filterset: OwnersSummaryFilter
    lines: list[OwnerLine]
    today: datetime.date


def owners_summary(
    actions: QuerySet[Action], *, known, data, request, today: datetime.date | None = None
) -> OwnersSummary:
    """The owners summary of the `actions` the user may see, narrowed to a
    committee by `data` (the query string), as the user may know them
    (`known`: actions.known.known_figures)."""
    today = today or timezone.localdate()
    filterset = OwnersSummaryFilter(data, queryset=actions, request=request)
    return OwnersSummary(
        filterset=filterset,
        lines=owner_lines(filterset.qs.annotate(**known.annotations()), today=today),
        today=today,
    )


def owner_lines(actions: QuerySet[Action], *, today: datetime.date) -> list[OwnerLine]:
    """Per owner (organisation or person) of the open `actions` (carrying the
    reader's view, actions.known): how many, how many overdue and by how
    much on average, and their slips. One query, grouped in SQL, most
    overdue first."""
    overdue = Q(known_target_date__lt=today)
    rows = (
        actions.filter(known_status=Action.Status.OPEN, owners__isnull=False)
        .values(
            organisation_id=F("owners__organisation_id"),
            organisation__short_name=F("owners__organisation__short_name"),
            person_id=F("owners__person_id"),
            person__name=F("owners__person__name"),
        )
        .annotate(
            open=Count("pk"),
            overdue=Count("pk", filter=overdue),
            overdue_days=Coalesce(
                Sum(
                    DaysBetween("known_target_date", Value(today, output_field=DateField())),
                    filter=overdue,
                ),
                0,
            ),
            slipped=Count("pk", filter=Q(known_times_slipped__gt=0)),
            slips=Coalesce(Sum("known_times_slipped"), 0),
            slip_days=Coalesce(Sum("known_days_slipped"), 0),
        )
        .order_by()
    )
    lines = [
        OwnerLine(
            value=f"org-{row['organisation_id']}"
            if row["organisation_id"]
            else f"person-{row['person_id']}",
            name=row["organisation__short_name"] or row["person__name"],
            is_person=not row["organisation_id"],
            open=row["open"],
            overdue=row["overdue"],
            overdue_days=row["overdue_days"],
            slipped=row["slipped"],
            slips=row["slips"],
            slip_days=row["slip_days"],
        )
        for row in rows
    ]
    return sorted(lines, key=lambda line: (-line.overdue, -line.open, line.name.lower()))


# --- the reminder run of a day (staff) -----------------------------------------

REMINDER_PAGE_SIZE = 50


@dataclass
class ReminderRun:
    day: datetime.date
    # Rows of the day by state (sent, failed, claimed), all states counted.
    counts: dict[str, int]
    # One page of the rows asked for, with their actions and committees.
    page: Page
    working_day: bool
    # Owners of actions due that day whom no reminder can reach, as they stand now.
    without_email: list[OwnerWithoutEmail]


def reminder_run(day: datetime.date, *, state: str = "", page=None) -> ReminderRun:
    """The day's reminder rows for the staff page: the counts (one query), one
    page of rows, failures first (two queries: count and page), and the
    owners without an email address (the job's own read: five queries)."""
    rows = Reminder.objects.filter(day=day)
    counts = {value: 0 for value in Reminder.State.values}
    for row in rows.order_by().values("state").annotate(n=Count("pk")):
        counts[row["state"]] = row["n"]
    if state:
        rows = rows.filter(state=state)
    rows = rows.select_related("action__committee").order_by(
        Case(
            When(state=Reminder.State.FAILED, then=Value(0)),
            When(state=Reminder.State.CLAIMED, then=Value(1)),
            default=Value(2),
            output_field=IntegerField(),
        ),
        "recipient",
        "action__reference",
        "kind",
    )
    paginated = Paginator(rows, REMINDER_PAGE_SIZE).get_page(page)
    paginated.object_list = list(paginated.object_list)
    working_day = is_working_day(day)
    return ReminderRun(
        day=day,
        counts=counts,
        page=paginated,
        working_day=working_day,
        without_email=reminders_due(day).without_email if working_day else [],
    )
