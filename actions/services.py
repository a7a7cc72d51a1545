"""Writes to actions and their reviews. Each function is atomic, validates,
and raises ValidationError when a rule of the committee's practice is broken."""

import datetime
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import IntegrityError, router, transaction
from django.db.models.deletion import Collector, ProtectedError
from django.utils import timezone
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from meetings.models import AgendaItem, Committee, Meeting, Organisation, Person
from opsg.concurrency import EditConflict, claim_version
from opsg.history import OWNERS_CHANGED

from .models import Action, ActionOwner, ActionReview, FeedToken, OwnerUpdate, ReferenceCounter
from .references import format_reference, parse_reference

Owner = Organisation | Person


def _counter_for_update(committee: Committee, meeting_number: int, confidential: bool):
    """The counter row, locked for this transaction (one query once it
    exists). Two people adding actions at once queue here; the loser of a
    race to create the row retries."""
    counters = ReferenceCounter.objects.select_for_update()
    key = {"committee": committee, "meeting_number": meeting_number, "confidential": confidential}
    counter = counters.filter(**key).first()
    if counter is not None:
        return counter
    for _ in range(2):
        try:
            with transaction.atomic():
                ReferenceCounter.objects.get_or_create(**key)
            break
        except IntegrityError:
            continue
    return counters.get(**key)


def _set_owners(action: Action, owners: Sequence[Owner], *, new: bool = False) -> None:
    """The action's owners, in order, each with its history record: two
    inserts whatever their number (and, for an action already owned, the
    deletion of the owners it had)."""
    if not owners:
        raise ValidationError("An action needs at least one owner.")
    if not new:
        action.owners.all().delete()
    _add_owners([(action, owners)])


def _add_owners(owned: Sequence[tuple[Action, Sequence[Owner]]]) -> None:
    """Owners for actions that have none yet, in order, with their history:
    two inserts, however many actions and owners."""
    rows = []
    for action, owners in owned:
        for order, owner in enumerate(owners):
            if isinstance(owner, Organisation):
                rows.append(ActionOwner(action=action, organisation=owner, order=order))
            elif isinstance(owner, Person):
                rows.append(ActionOwner(action=action, person=owner, order=order))
            else:
                raise ValidationError(f"{owner!r} cannot own an action.")
    bulk_create_with_history(rows, ActionOwner)


# The latest target date anyone may set. An action's target is a plan for
# years, not centuries: a later one is a slip of the keyboard (9999-12-31),
# and dates so far out break what is computed from them (the calendar feed's
# end of an all-day event, working days to the deadline) at Python's last
# date. Forms and services both check it against this one value.
LATEST_TARGET_DATE = datetime.date(2100, 12, 31)


def target_too_late(target_date: datetime.date | None, what: str = "target") -> str:
    """The complaint about a target date past LATEST_TARGET_DATE; "" when it is not."""
    if target_date and target_date > LATEST_TARGET_DATE:
        return f"The {what} date must be no later than {LATEST_TARGET_DATE:%d/%m/%Y}."
    return ""


def _check_target(target_date, target_note, raised_on, what: str = "target") -> None:
    """A target is a date or words, never both, never before the raising,
    and never past LATEST_TARGET_DATE."""
    if target_date and target_note:
        raise ValidationError(f"Give a {what} date or a note such as “To be determined”, not both.")
    if target_date and target_date < raised_on:
        raise ValidationError(
            f"The {what} date cannot be before the action was raised ({raised_on:%d/%m/%Y})."
        )
    if too_late := target_too_late(target_date, what):
        raise ValidationError(too_late)


def default_target(meeting: Meeting) -> datetime.date | None:
    """An action is due by the next meeting unless the minutes say otherwise."""
    nxt = meeting.next_meetings.order_by("date").first()
    return nxt.date if nxt else None


@transaction.atomic
def action_raise(
    *,
    meeting: Meeting,
    item: AgendaItem | None,
    owners: Sequence[Owner],
    text: str,
    target_date: datetime.date | None = None,
    target_note: str = "",
    topic: str = "",
    by=None,
) -> Action:
    """Raise a new action at a meeting and allocate its reference, in order.

    A confidential session numbers its actions apart (OPSG 45/CONF 02)."""
    if not text.strip():
        raise ValidationError("The action needs its text.")
    if item is not None and item.meeting_id != meeting.pk:
        raise ValidationError("The agenda item belongs to another meeting.")
    if meeting.is_frozen:
        raise ValidationError("These minutes are approved; actions can no longer be added.")
    if target_date is None and not target_note:
        target_date = default_target(meeting)
    _check_target(target_date, target_note, meeting.date)
    confidential = meeting.kind == Meeting.Kind.CONFIDENTIAL
    counter = _counter_for_update(meeting.committee, meeting.number, confidential)
    counter.last_sequence += 1
    counter.save(update_fields=["last_sequence"])
    action = Action.objects.create(
        committee=meeting.committee,
        meeting_number=meeting.number,
        sequence=counter.last_sequence,
        confidential=confidential,
        reference=format_reference(
            meeting.committee.code, meeting.number, counter.last_sequence, confidential
        ),
        meeting=meeting,
        item=item,
        topic=topic,
        text=text.strip(),
        raised_on=meeting.date,
        target_date=target_date,
        target_note=target_note,
    )
    _set_owners(action, owners, new=True)
    return action


@dataclass(frozen=True)
class ExistingAction:
    """An action whose reference was given elsewhere (an older meeting's
    minutes), as `actions_record_existing` records it. Its owners are used
    only if the action is new to the record."""

    reference: str
    owners: Sequence[Owner]
    text: str
    raised_on: datetime.date
    meeting: Meeting | None = None
    item: AgendaItem | None = None
    target_date: datetime.date | None = None
    target_note: str = ""


@transaction.atomic
def action_record_existing(*, committee: Committee, **row) -> Action:
    """Record one action whose reference was given elsewhere (the fields of
    ExistingAction). Idempotent on the reference; the counter moves past it
    so the number is never handed out again."""
    return actions_record_existing(committee=committee, rows=[ExistingAction(**row)])[0]


@transaction.atomic
def actions_record_existing(
    *, committee: Committee, rows: Sequence[ExistingAction]
) -> list[Action]:
    """`action_record_existing` for many actions, in a fixed number of
    queries whatever their count (an import's): the counters locked and
    moved past every reference, the actions already recorded read, and the
    new ones written with their owners and history in bulk. Each row's
    action is returned, in order (a reference given twice is one action)."""
    keys = []
    for row in rows:
        code, meeting_number, confidential, sequence = parse_reference(row.reference)
        if code != committee.code:
            raise ValidationError(f"{row.reference} does not belong to {committee.code}.")
        _check_target(row.target_date, row.target_note, row.raised_on)
        canonical = format_reference(code, meeting_number, sequence, confidential)
        keys.append((canonical, meeting_number, confidential, sequence))
    _counters_past(committee, keys)
    found = {
        action.reference: action
        for action in Action.objects.filter(reference__in={key[0] for key in keys})
    }
    new: dict[str, tuple[Action, Sequence[Owner]]] = {}
    for row, (canonical, meeting_number, confidential, sequence) in zip(rows, keys, strict=True):
        if canonical in found or canonical in new:
            continue
        if not row.owners:
            raise ValidationError(f"{canonical} needs at least one owner.")
        action = Action(
            committee=committee,
            reference=canonical,
            meeting_number=meeting_number,
            sequence=sequence,
            confidential=confidential,
            meeting=row.meeting,
            item=row.item,
            text=row.text.strip(),
            raised_on=row.raised_on,
            target_date=row.target_date,
            target_note=row.target_note,
        )
        new[canonical] = (action, row.owners)
    if new:
        bulk_create_with_history([action for action, _ in new.values()], Action)
        _add_owners([(action, owners) for action, owners in new.values()])
        found.update({canonical: action for canonical, (action, _) in new.items()})
    return [found[key[0]] for key in keys]


def _counters_past(committee: Committee, keys: list[tuple[str, int, bool, int]]) -> None:
    """Each counter (meeting number and series) locked and moved past the
    highest sequence `keys` give it, in three queries at most."""
    wanted: dict[tuple[int, bool], int] = {}
    for _, meeting_number, confidential, sequence in keys:
        key = (meeting_number, confidential)
        wanted[key] = max(wanted.get(key, 0), sequence)
    if not wanted:
        return
    have = {
        (counter.meeting_number, counter.confidential): counter
        for counter in ReferenceCounter.objects.select_for_update().filter(
            committee=committee, meeting_number__in={number for number, _ in wanted}
        )
    }
    behind = []
    for key, counter in have.items():
        if key in wanted and counter.last_sequence < wanted[key]:
            counter.last_sequence = wanted[key]
            behind.append(counter)
    ReferenceCounter.objects.bulk_update(behind, ["last_sequence"])
    missing = [key for key in wanted if key not in have]
    try:
        with transaction.atomic():
            ReferenceCounter.objects.bulk_create(
                ReferenceCounter(
                    committee=committee,
                    meeting_number=number,
                    confidential=confidential,
                    last_sequence=wanted[number, confidential],
                )
                for number, confidential in missing
            )
    except IntegrityError:
        # Made meanwhile by someone numbering an action: take each in turn.
        for number, confidential in missing:
            counter = _counter_for_update(committee, number, confidential)
            if counter.last_sequence < wanted[number, confidential]:
                counter.last_sequence = wanted[number, confidential]
                counter.save(update_fields=["last_sequence"])


@transaction.atomic
def action_close(
    *,
    action: Action,
    outcome: str,
    closed_on: datetime.date,
    superseded_by: Action | None = None,
    transferred_to: Committee | None = None,
) -> Action:
    _close(action, outcome, closed_on, superseded_by, transferred_to)
    action.save()
    return action


def _close(action, outcome, closed_on, superseded_by=None, transferred_to=None) -> None:
    """The action closed, as `outcome` says, in memory: its caller saves it."""
    if outcome not in Action.Outcome.values:
        raise ValidationError(f"Unknown outcome {outcome!r}.")
    if outcome == Action.Outcome.SUPERSEDED and superseded_by is None:
        raise ValidationError("Say which action supersedes this one.")
    if outcome == Action.Outcome.TRANSFERRED and transferred_to is None:
        raise ValidationError("Say which committee the action was transferred to.")
    if superseded_by is not None and superseded_by.pk == action.pk:
        raise ValidationError("An action cannot supersede itself.")
    action.status = Action.Status.CLOSED
    action.outcome = outcome
    action.closed_on = closed_on
    action.superseded_by = superseded_by
    action.transferred_to = transferred_to
    # The fields' own rules: the rows it names are in hand, and the table's
    # constraints on how it ended are the checks above (the database holds
    # them too), so none is looked up again.
    action.full_clean(
        exclude=["committee", "meeting", "item", "superseded_by", "transferred_to"],
        validate_unique=False,
        validate_constraints=False,
    )


# Outcomes open to the committee an action was transferred to: superseding
# or passing it on again would need an action or committee of its own, which
# the action's record (kept by the committee that raised it) has no room for.
TRANSFERRED_IN_OUTCOMES = (Action.Outcome.COMPLETED, Action.Outcome.ABSORBED)


def review_order(action: Action, meeting: Meeting) -> int:
    """The row's place in the meeting's Actions Outstanding table: reference
    order, the committee's own actions before those transferred in. A review
    recorded on its own (one row saved from the review screen) needs a key
    that does not depend on which rows were saved first."""
    transferred_in = action.committee_id != meeting.committee_id
    return (
        int(transferred_in) * 100_000_000
        + action.meeting_number * 10_000
        + int(action.confidential) * 1_000
        + action.sequence
    )


def _review_at(
    action: Action, reviews: list[ActionReview], meeting: Meeting, expected_version: int | None
) -> ActionReview | None:
    """This meeting's review of the action, among its reviews read under
    lock (so its version is known, and no one can move it before our write),
    with its next version taken; None when there is none yet.
    `expected_version` 0 means the form saw no review: one saved since by
    someone else is a conflict, not an overwrite."""
    review = next((r for r in reviews if r.meeting_id == meeting.pk), None)
    if review is None:
        if expected_version:
            raise ValidationError(
                f"The review of {action.reference} at {meeting} has been removed; "
                "reload the page and enter it again."
            )
        return None
    if expected_version is not None and review.version != expected_version:
        raise EditConflict(review)
    review.version += 1  # written with the review's other fields
    return review


@dataclass(frozen=True)
class Review:
    """One row of a meeting's Actions Outstanding table, as
    `action_reviews_record` writes it (see `action_review_record`)."""

    action: Action
    update: str
    status: str
    last_target_date: datetime.date | None = None
    last_target_note: str = ""
    revised_target_date: datetime.date | None = None
    revised_target_note: str = ""
    order: int | None = None
    outcome: str = Action.Outcome.COMPLETED
    superseded_by: Action | None = None
    transferred_to: Committee | None = None
    expected_version: int | None = None
    owner_updates: Sequence[OwnerUpdate] = ()


NOT_DISCUSSED = "Not discussed at this meeting."


def actions_not_discussed(*, meeting: Meeting, actions: Sequence[Action]) -> list[ActionReview]:
    """Each action's row of the meeting's table says it was not discussed:
    still open, its target as it stood (N/A revised), carried forward."""
    rows = [
        Review(action=action, update=NOT_DISCUSSED, status=Action.Status.OPEN) for action in actions
    ]
    return action_reviews_record(meeting=meeting, rows=rows)


@transaction.atomic
def action_review_record(*, meeting: Meeting, **row) -> ActionReview:
    """Record (or correct) the review of an action at a meeting: one row of its
    Actions Outstanding table (the fields of Review). The action takes the
    revised target and the status decided; a closed action records how it
    ended.

    `expected_version` is the version of the review the form was drawn from
    (0: there was none yet); if someone saved the row since, EditConflict
    carries their review. None skips the check (imports, the demo loader).
    `owner_updates`, owners' pending updates the secretary
    used, are marked as accepted into this review, in the same transaction.

    An action transferred in from another committee is reviewed by the
    committee it went to: the review is kept, and the action takes its
    target, but its status stays as the committee that raised it left it
    (closed, transferred)."""
    return action_reviews_record(meeting=meeting, rows=[Review(**row)])[0]


@transaction.atomic
def action_reviews_record(*, meeting: Meeting, rows: Sequence[Review]) -> list[ActionReview]:
    """`action_review_record` for many rows of one meeting's table (an
    import's), in a fixed number of queries however many: the actions and
    all their reviews locked and read at once, the reviews and the actions
    written with their history in bulk. Each row's review is returned."""
    if meeting.is_frozen:
        raise ValidationError(
            f"The minutes of {meeting} are approved; their Actions Outstanding table is frozen."
        )
    for row in rows:
        _check_review(meeting, row)
    if len({row.action.pk for row in rows}) < len(rows):
        raise ValidationError("An action is reviewed only once at a meeting.")
    _relock([row.action for row in rows])
    # All their reviews, locked: this meeting's is corrected in place, and
    # with the others they give the slip figures.
    reviews: dict[int, list[ActionReview]] = defaultdict(list)
    for review in (
        ActionReview.objects.select_for_update(of=("self",))
        .filter(action__in=[row.action.pk for row in rows])
        .select_related("meeting__committee")
    ):
        reviews[review.action_id].append(review)
    written, new, changed = [], [], []
    for row in rows:
        action = row.action
        review = _review_at(action, reviews[action.pk], meeting, row.expected_version)
        fields = _review_fields(row, review)
        if review is None:
            order = review_order(action, meeting) if row.order is None else row.order
            review = ActionReview(action=action, meeting=meeting, order=order, **fields)
            new.append(review)
        else:
            for name, value in fields.items():
                setattr(review, name, value)
            if row.order is not None:
                review.order = row.order
            changed.append(review)
        written.append(review)
    _write_reviews(meeting, new, changed)
    for row, review in zip(rows, written, strict=True):
        _accept(row.owner_updates, review)
    _follow_reviews(meeting, rows, written, reviews)
    return written


def _check_review(meeting: Meeting, row: Review) -> None:
    action = row.action
    if row.status not in Action.Status.values:
        raise ValidationError(f"Unknown status {row.status!r}.")
    _check_target(
        row.revised_target_date, row.revised_target_note, action.raised_on, "revised target"
    )
    transferred_in = action.committee_id != meeting.committee_id
    if transferred_in and action.transferred_to_id != meeting.committee_id:
        raise ValidationError(
            f"{action.reference} is not an action of {meeting.committee.code}, "
            "nor was it transferred to it."
        )
    closed = row.status == Action.Status.CLOSED
    if transferred_in and closed and row.outcome not in TRANSFERRED_IN_OUTCOMES:
        raise ValidationError(
            f"{action.reference} was transferred in from {action.committee.code}: "
            "close it here as completed or absorbed into other work."
        )
    if any(u.action_id != action.pk for u in row.owner_updates):
        raise ValidationError("That owner's update is about another action.")


def _relock(actions: list[Action]) -> None:
    """The actions' rows locked and their fields re-read into the objects in
    hand, so a text or owners edited a moment ago are not written back stale
    with the new status. What was read with them (their owners) stays for
    the caller's answer."""
    fresh = Action.objects.select_for_update().in_bulk([action.pk for action in actions])
    for action in actions:
        current = fresh[action.pk]
        for field in Action._meta.concrete_fields:
            value = getattr(current, field.attname)
            moved = field.is_relation and getattr(action, field.attname) != value
            if moved and field.is_cached(action):
                field.delete_cached_value(action)  # the row it named is no longer it
            setattr(action, field.attname, value)


def _review_fields(row: Review, review: ActionReview | None) -> dict:
    last_target_date, last_target_note = row.last_target_date, row.last_target_note
    if last_target_date is None and not last_target_note:
        # Correcting a review keeps the target it started from: by now the
        # action carries the revised one.
        if review is not None:
            last_target_date, last_target_note = review.last_target_date, review.last_target_note
        else:
            last_target_date, last_target_note = row.action.target_date, row.action.target_note
    return dict(
        update=row.update.strip(),
        status=row.status,
        last_target_date=last_target_date,
        last_target_note=last_target_note,
        revised_target_date=row.revised_target_date,
        revised_target_note=row.revised_target_note.strip(),
    )


_REVIEW_FIELDS = [
    "update", "status", "last_target_date", "last_target_note", "revised_target_date",
    "revised_target_note", "order", "version",
]  # fmt: skip


def _write_reviews(meeting: Meeting, new: list[ActionReview], changed: list[ActionReview]) -> None:
    """The new reviews inserted and the corrected ones updated, each kind with
    its history in two statements."""
    if new:
        try:
            with transaction.atomic():
                bulk_create_with_history(new, ActionReview)
        except IntegrityError:
            # Someone else saved a review of one of these actions meanwhile:
            # one row's form is shown theirs, a whole table is refused.
            if len(new) == 1:
                theirs = ActionReview.objects.get(action=new[0].action_id, meeting=meeting)
                raise EditConflict(theirs) from None
            raise ValidationError(
                f"A review at {meeting} was saved by someone else meanwhile: reload and try again."
            ) from None
    if changed:
        bulk_update_with_history(changed, ActionReview, _REVIEW_FIELDS)
        if meeting.record_id is not None:
            # Minutes being corrected: readers of the version kept no longer
            # read these rows as they now stand, but as they were kept
            # (actions.known.known_figures), until the correction is circulated.
            meeting.record.kept_reviews.remove(*changed)


def _accept(owner_updates: Sequence[OwnerUpdate], review: ActionReview) -> None:
    """Owners' pending updates the secretary used, accepted into the review.
    Re-read under lock: one accepted meanwhile (by another secretary's save)
    keeps the review it went into."""
    if not owner_updates:
        return
    for accepted in OwnerUpdate.objects.select_for_update().filter(
        pk__in=[u.pk for u in owner_updates], state=OwnerUpdate.State.PENDING
    ):
        accepted.state = OwnerUpdate.State.ACCEPTED
        accepted.review = review
        accepted.save(update_fields=["state", "review"])


_ACTION_FIELDS = [
    "status", "outcome", "closed_on", "superseded_by", "transferred_to", "target_date",
    "target_note", "times_slipped", "days_slipped", "version",
]  # fmt: skip


def _follow_reviews(
    meeting: Meeting,
    rows: Sequence[Review],
    written: list[ActionReview],
    reviews: dict[int, list[ActionReview]],
) -> None:
    """Each action after its review: its slip figures counted from all its
    reviews (under the lock held since the top), and its target and status
    following its latest review by this committee. Written in bulk, with
    history where more than the figures moved."""
    followed, counted = [], []
    for row, review in zip(rows, written, strict=True):
        action = row.action
        action.version += 1  # an edit form drawn before this review sees a conflict
        every = [r for r in reviews[action.pk] if r.pk != review.pk] + [review]
        action.times_slipped, action.days_slipped = slip_summary(every)
        latest = max(
            (r for r in every if r.meeting.committee_id == meeting.committee_id),
            key=lambda r: (r.meeting.date, r.meeting.number),
        )
        if latest.pk != review.pk:
            counted.append(action)
            continue
        action.target_date, action.target_note = review.target_after
        if action.committee_id != meeting.committee_id:
            pass  # transferred in: its status stays as the committee that raised it left it
        elif row.status == Action.Status.CLOSED:
            _close(action, row.outcome, meeting.date, row.superseded_by, row.transferred_to)
        else:
            action.status = Action.Status.OPEN
            action.outcome = ""
            action.closed_on = None
            action.superseded_by = None
            action.transferred_to = None
        followed.append(action)
    if followed:
        bulk_update_with_history(followed, Action, _ACTION_FIELDS)
    if counted:
        Action.objects.bulk_update(counted, ["times_slipped", "days_slipped", "version"])


def slip_summary(reviews: Sequence[ActionReview]) -> tuple[int, int]:
    """(times slipped, days slipped) over an action's reviews: what
    Action.times_slipped and days_slipped store."""
    times = sum(1 for review in reviews if review.slipped)
    days = sum(review.slip_days for review in reviews)
    return times, days


@transaction.atomic
def action_slips_refresh(*, action: Action) -> Action:
    """Work the action's stored slip figures out again from all its reviews.
    Called by whatever writes a review (action_review_record, the admin), in
    the same transaction, after the write.

    The reviews are counted under the action's row lock (action_review_record
    holds it already): of two reviews of one action saved at once, the second
    to take the lock counts the first's, so neither count is lost. Written
    with an UPDATE of the two columns alone: the caller may go on to save the
    action (it then writes the same figures), or may not."""
    Action.objects.select_for_update().filter(pk=action.pk).exists()
    _count_slips(action)
    _write_slips(action)
    return action


def _count_slips(action: Action) -> list[ActionReview]:
    """Set the action's slip figures from all its reviews, read afresh (not
    through action.reviews: a prefetched list may be stale), and return
    those reviews with their meetings. The caller holds the action's lock."""
    reviews = list(ActionReview.objects.filter(action=action).select_related("meeting"))
    action.times_slipped, action.days_slipped = slip_summary(reviews)
    return reviews


def _write_slips(action: Action) -> None:
    """The two figures alone: the action's other fields are not written."""
    Action.objects.filter(pk=action.pk).update(
        times_slipped=action.times_slipped, days_slipped=action.days_slipped
    )


def _kept_while_corrected(action: Action) -> bool:
    """The action is one the version readers keep recorded, while the
    minutes that raised it are corrected in draft (Meeting.record)."""
    meeting = action.meeting
    return (
        meeting is not None
        and meeting.status == Meeting.Status.DRAFT
        and meeting.record_id is not None
        and meeting.record.kept_actions.filter(pk=action.pk).exists()
    )


@transaction.atomic
def action_update(
    *,
    action: Action,
    owners: Sequence[Owner],
    text: str,
    target_date: datetime.date | None = None,
    target_note: str = "",
    topic: str = "",
    expected_version: int | None = None,
) -> Action:
    """Correct an action raised in draft minutes. Its reference never changes."""
    if action.meeting is not None and action.meeting.is_frozen:
        raise ValidationError("These minutes are approved; their actions can no longer change.")
    if not text.strip():
        raise ValidationError("The action needs its text.")
    _check_target(target_date, target_note, action.raised_on)
    if not owners:
        raise ValidationError("An action needs at least one owner.")
    claim_version(action, expected_version)
    held = list(action.owners.select_related("organisation", "person"))
    before = "/".join(owner.name for owner in held)
    after = "/".join(o.short_name if isinstance(o, Organisation) else o.name for o in owners)
    same_owners = [(o.organisation_id, o.person_id) for o in held] == [
        (o.pk, None) if isinstance(o, Organisation) else (None, o.pk) for o in owners
    ]
    if not same_owners and _kept_while_corrected(action):
        # Readers keep the action as the published version has it until the
        # correction is circulated (actions.known), but its owners decide who
        # may open it and who is reminded: a draft must not change those.
        raise ValidationError(
            f"{action.reference} is in the minutes readers keep while this correction is a "
            "draft. Its wording and target can be corrected now; its owners once the "
            "correction is circulated."
        )
    action.text = text.strip()
    action.topic = topic.strip()
    action.target_date = target_date
    action.target_note = target_note.strip()
    # Owners live in their own rows: the action's history record says how
    # they changed, so its audit trail shows it with the rest. (simple-history
    # keeps the attribute on the instance: clear it when nothing changed.)
    action._change_reason = None if same_owners else f"{OWNERS_CHANGED}{before} → {after}"
    action.save()
    if not same_owners:  # rewritten only when they change, so the trail says only that
        _set_owners(action, owners)
    return action


@transaction.atomic
def action_delete(*, action: Action) -> str:
    """Remove an action raised in error. Its number is not given out again:
    the counter keeps moving forward."""
    if action.meeting is not None and action.meeting.is_frozen:
        raise ValidationError("These minutes are approved; their actions can no longer change.")
    # What the deletion would take with it, read once: the refusals below
    # look at it, and the deletion then uses it (as Model.delete would).
    doomed = Collector(using=router.db_for_write(Action), origin=action)
    try:
        doomed.collect([action])
    except ProtectedError as protected:
        named_by = sorted(a.reference for a in protected.protected_objects if isinstance(a, Action))
        raise ValidationError(
            f"{action.reference} is named as the successor of {', '.join(named_by)}; "
            "close it instead of deleting it."
        ) from None
    if doomed.data.get(ActionReview):
        raise ValidationError(
            f"{action.reference} has been reviewed at a meeting; close it instead of deleting it."
        )
    if _kept_while_corrected(action):
        # Readers keep it, as the published version raised it, until then.
        raise ValidationError(
            f"{action.reference} is in the minutes readers keep while this correction is a "
            "draft. It can be deleted once the correction is circulated."
        )
    reference = action.reference
    doomed.delete()
    return reference


@transaction.atomic
def owner_update_submit(
    *,
    action: Action,
    by,
    text: str,
    proposed_target_date: datetime.date | None = None,
    proposed_target_note: str = "",
) -> OwnerUpdate:
    """An owner's update before the meeting, or the secretary's on their
    behalf. It waits, pending, for the secretary's review of the action at
    the next meeting; it never changes the action by itself. Who may send
    one is decided by `actions.access.action_for_user(..., update=True)`."""
    text = text.strip()
    proposed_target_note = proposed_target_note.strip()
    if not text:
        raise ValidationError({"text": "Write the update you want the meeting to hear."})
    if not action.is_open:
        raise ValidationError(
            f"{action.reference} is closed: an update can only be sent on an open action."
        )
    _check_target(proposed_target_date, proposed_target_note, action.raised_on)
    return OwnerUpdate.objects.create(
        action=action,
        submitted_by=by,
        submitted_at=timezone.now(),
        text=text,
        proposed_target_date=proposed_target_date,
        proposed_target_note=proposed_target_note,
    )


def feed_token_create(*, user, kind: str, committee: Committee | None = None) -> FeedToken:
    """A new private feed URL. Each call gives a new token: the old URL goes
    on working until it is revoked, so a calendar can be moved over first."""
    if kind not in FeedToken.Kind.values:
        raise ValidationError(f"Unknown kind of feed {kind!r}.")
    if (kind == FeedToken.Kind.MEETINGS) != (committee is not None):
        raise ValidationError("A meetings feed is of one committee; an action feed of none.")
    return FeedToken.objects.create(
        user=user, kind=kind, committee=committee, created_at=timezone.now()
    )


def feed_token_revoke(*, feed: FeedToken) -> FeedToken:
    """Stop a feed URL at once. Revoking twice keeps the first date."""
    FeedToken.objects.filter(pk=feed.pk, revoked_at__isnull=True).update(revoked_at=timezone.now())
    feed.refresh_from_db(fields=["revoked_at"])
    return feed
