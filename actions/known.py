"""What a reader may know of the actions they see.

An action carries the state its latest review gave it (status, target,
slips: written by actions.services when a review is saved). A review is
part of its meeting's minutes, though, and some readers may not read those
minutes yet (a draft, for a member or an owner) or at all (a confidential
session, for an observer): for them the action stands as the reviews they
may read left it. Few actions have such a review at any time (those
reviewed in minutes still being drafted), so the state is worked out again
in Python for those alone, and the log's SQL reads it through a CASE over
their ids: two queries, however many actions are listed.
"""

import datetime
from collections import defaultdict
from dataclasses import dataclass
from operator import attrgetter

from django.db.models import (
    BooleanField,
    Case,
    CharField,
    DateField,
    DateTimeField,
    Exists,
    F,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Value,
    When,
)

from meetings.access import (
    OPEN_AUDIENCES,
    WRITERS,
    committees_where,
    in_audience,
    session_rule,
)
from meetings.models import Meeting

from .models import Action, ActionReview
from .services import slip_summary

# The action's fields a reader's view may differ in, and the names the log's
# queryset carries them under (an annotation may not shadow a field).
FIELDS = {
    "status": ("known_status", CharField()),
    "target_date": ("known_target_date", DateField()),
    "target_note": ("known_target_note", CharField()),
    "times_slipped": ("known_times_slipped", IntegerField()),
    "days_slipped": ("known_days_slipped", IntegerField()),
}


@dataclass(frozen=True)
class Known:
    """An action as the reviews its reader may read left it, and for an
    action raised in minutes being corrected, as the version kept has it:
    its wording (`text`, `topic`: None where the action's own stand)."""

    status: str
    target_date: datetime.date | None
    target_note: str
    times_slipped: int
    days_slipped: int
    text: str | None = None
    topic: str | None = None


def replay(
    action: Action,
    reviews: list[ActionReview],
    hidden: set[int],
    kept: set[int] = frozenset(),
    as_kept: Action | None = None,
) -> Known:
    """The action's state from the reviews not in `hidden`: slips counted over
    them; the target and status of the latest one where a hidden review came
    after it (else the action's own, which that latest review gave it).
    `kept`: reviews given as the version kept during a correction has them,
    not as they stand (so the action's own fields are not theirs).
    `as_kept`: the action as the version kept of the minutes that raised it
    has it (kept_actions), when a correction's draft has changed it since:
    its wording and the target it was raised with are that version's."""
    ordered = sorted(reviews, key=attrgetter("in_minutes_order"))
    readable = [r for r in ordered if r.pk not in hidden]
    times, days = slip_summary(readable)
    target = action.target_date, action.target_note
    apart = hidden | kept  # the action's own fields do not follow these
    if as_kept is not None:
        # The draft may have moved the target: the reviews read give it, or
        # with none, the version kept.
        target = (
            readable[-1].target_after if readable else (as_kept.target_date, as_kept.target_note)
        )
    if ordered and ordered[-1].pk in apart:
        if readable:
            target = readable[-1].target_after
        else:
            # The target it had before any review: where the first one started.
            target = ordered[0].last_target_date, ordered[0].last_target_note
    status = action.status
    # The status follows the latest review by the committee that raised it.
    own = [r for r in ordered if r.meeting.committee_id == action.committee_id]
    if own and own[-1].pk in apart:
        own_readable = [r for r in own if r.pk not in hidden]
        status = own_readable[-1].status if own_readable else Action.Status.OPEN
    return Known(
        status=status,
        target_date=target[0],
        target_note=target[1],
        times_slipped=times,
        days_slipped=days,
        text=as_kept.text if as_kept is not None else None,
        topic=as_kept.topic if as_kept is not None else None,
    )


class KnownFigures:
    """The reader's view of a set of actions: `overrides` holds the actions
    whose state differs for this reader, by pk."""

    def __init__(self, overrides: dict[int, Known], kept: dict[int, list] | None = None):
        self.overrides = overrides
        # By action pk: reviews the reader reads as the version kept during a
        # correction has them (kept_versions), in place of the rows hidden.
        self.kept: dict[int, list[ActionReview]] = kept or {}

    def latest_review(self, action_pk: int, readable: ActionReview | None):
        """The latest of an action's reviews the reader reads: `readable`
        (the latest readable row) or one read as kept."""
        if action_pk not in self.kept:  # as for nearly every action
            return readable
        found = [r for r in (readable, *self.kept.get(action_pk, [])) if r is not None]
        return max(found, key=attrgetter("in_minutes_order"), default=None)

    def annotations(self) -> dict:
        """known_status, known_target_date, …: the field itself, or for the
        overridden actions what the reader may know. With no override each
        is the bare column, so the log's indexes still serve."""
        annotations = {}
        for field, (name, output) in FIELDS.items():
            by_value = defaultdict(list)
            for pk, known in self.overrides.items():
                by_value[getattr(known, field)].append(pk)
            whens = [
                When(pk__in=pks, then=Value(value, output_field=output))
                for value, pks in by_value.items()
            ]
            annotations[name] = Case(*whens, default=F(field), output_field=output)
        return annotations

    def apply(self, actions) -> list[Action]:
        """Give each of `actions` (model instances) the state its reader may
        know, for pages that print the action's own fields. An action shown
        open that its hidden review closed shows no outcome either."""
        actions = list(actions)
        for action in actions:
            known = self.overrides.get(action.pk)
            if known is None:
                continue
            for field in FIELDS:
                setattr(action, field, getattr(known, field))
            for field in ("text", "topic"):
                if getattr(known, field) is not None:
                    setattr(action, field, getattr(known, field))
            if action.status == Action.Status.OPEN:
                # As the review service reopens an action: no ending to show.
                action.outcome, action.closed_on = "", None
                action.superseded_by = action.transferred_to = None
        return actions


def kept_in_record(name: str) -> Q:
    """The row (an "action" or an "actionreview") belongs to the version readers keep while its
    meeting's minutes are corrected (Meeting.record): it stays released
    while the correction is a draft; what the draft adds does not."""
    field = {"action": "kept_actions", "actionreview": "kept_reviews"}[name]
    # Asked of the row's meeting within the subquery: the query of rows joins
    # no meeting for it (only rows of a draft's meeting ever ask).
    return Q(
        Exists(
            Meeting.objects.filter(pk=OuterRef("meeting"), **{f"record__{field}": OuterRef("pk")})
        )
    )


def review_rule(user, *, as_kept: bool = False, meeting: str = "meeting") -> Q:
    """Which reviews (of actions the user may see) the user may read. A review
    is part of its meeting's minutes: the committee's secretary and chair
    read it from the draft on; everyone else once the minutes are
    circulated, if the minutes' classification admits them, and not what a
    confidential session said unless they read in confidence.
    actions.access.visible_reviews adds the action's own rule. `user` None:
    a party with no role anywhere, as an owner's reminder is addressed
    (actions.reminders). `as_kept`: instead, the reviews of minutes being
    corrected that the user would read as the version kept for readers
    has them (`kept_reviews`).

    `meeting` "": the same rule over meetings, for the reviews they hold,
    less what one review may hold of its own (a review kept in the version
    readers have while a draft corrects it): a meeting it admits, it admits
    every review of; `hidden_reviews` looks no further than the others."""
    if user is not None and user.is_authenticated and user.is_staff:
        return Q()
    at = f"{meeting}__" if meeting else ""
    released = ~Q(**{f"{at}status": Meeting.Status.DRAFT})
    if meeting:
        released |= kept_in_record("actionreview")
    if as_kept:
        released = Q(**{f"{at}status": Meeting.Status.DRAFT, f"{at}record__isnull": False})
    # Minutes being corrected: the version kept for readers is read under its
    # own classification and kind too (meetings.access.visible_records).
    not_correcting = Q(**{f"{at}record__isnull": True})
    if user is None or not user.is_authenticated:
        # Signed in (or addressed by email) but holding no role.
        def opens(path: str) -> Q:
            return Q(**{f"{path}classification__audience__in": OPEN_AUDIENCES}) & ~Q(
                **{f"{path}kind": Meeting.Kind.CONFIDENTIAL}
            )

        return released & opens(at) & (not_correcting | opens(f"{at}record__"))
    writers = committees_where(user, WRITERS)
    audience = in_audience(user, f"{at}classification", f"{at}committee")
    as_kept_too = not_correcting | (
        in_audience(user, f"{at}record__classification", f"{at}committee")
        & session_rule(user, meeting=meeting, kind=f"{at}record__kind")
    )
    readers = released & audience & session_rule(user, meeting=meeting) & as_kept_too
    if as_kept:  # the writers read the draft itself
        return readers
    return Q(**{f"{at}committee__in": writers}) | readers


def doubtful_meetings(user) -> list[int]:
    """Pks of the meetings whose reviews `user` may not all read (a draft, a
    session or a classification closed to them): where alone what the user
    may know of an action can differ from the action as stored (a meeting
    whose minutes are being corrected is a draft, so among them). One query
    over the meetings, often empty: then nothing else need be asked
    (known_figures). A page that reads them with the items withheld from
    the user reads `doubtful(user)` (actions.access.visible_and_known)."""
    return list(doubtful(user).values_list("pk", flat=True))


def doubtful(user) -> QuerySet[Meeting]:
    """The meetings of `doubtful_meetings`, as a query."""
    return Meeting.objects.exclude(review_rule(user, meeting="")).order_by()


def hidden_reviews(user, actions, *, meetings=None) -> QuerySet[ActionReview]:
    """The reviews of `actions` (a queryset of their pks) that `user` may
    not read: looked for only at the meetings whose reviews are not all
    readable to them (a few drafts and sessions, against every review of
    every action on a log of 100,000); `meetings`: those, when they have
    been read (doubtful_meetings)."""
    if meetings is None:
        meetings = doubtful(user).values("pk")
    return (
        ActionReview.objects.filter(action__in=actions, meeting__in=meetings)
        .exclude(review_rule(user))
        .order_by()
    )


def kept_versions(user, reviews: list[ActionReview]) -> dict[int, ActionReview]:
    """Of `reviews` hidden from `user`, those recorded in the version kept
    for readers while their minutes are corrected (the correction's draft
    changed them since, so they are no longer released) and that `user`
    reads in that version: each as it stood when the correction was
    opened, from its history. Two queries, none when there are none."""
    candidates = [review for review in reviews if review.meeting.record_id is not None]
    if not candidates:
        return {}
    readable = set(
        ActionReview.objects.filter(pk__in=[r.pk for r in candidates])
        .filter(review_rule(user, as_kept=True))
        .values_list("pk", flat=True)
    )
    by_pk = {review.pk: review for review in candidates if review.pk in readable}
    kept: dict[int, ActionReview] = {}
    for row in ActionReview.history.filter(id__in=by_pk).order_by("history_date", "history_id"):
        review = by_pk[row.id]
        if row.history_date > review.meeting.record.created_at:
            continue
        if row.history_type == "-":
            kept.pop(row.id, None)
            continue
        instance = row.instance
        instance.meeting = review.meeting
        kept[row.id] = instance
    return kept


def read_as_kept(user) -> Q:
    """Actions the user reads as the version kept while the minutes that
    raised them are corrected (Meeting.record): those that version recorded
    (kept_actions), for everyone but the committee's writers, who read the
    draft. `user` None: a party holding no role (actions.reminders)."""
    correcting = Q(
        meeting__status=Meeting.Status.DRAFT, meeting__record__isnull=False
    ) & kept_in_record("action")
    if user is None or not user.is_authenticated:
        return correcting
    if user.is_staff:
        return Q(pk__in=[])
    return correcting & ~Q(meeting__committee__in=committees_where(user, WRITERS))


def kept_actions(rows: dict[int, datetime.datetime]) -> dict[int, Action]:
    """Of the actions `rows` names (pk: when the correction of the minutes
    that raised them was opened), those whose wording or target the
    correction's draft has changed since: each as it stood then, from its
    history (whose latest row is the action as it stands). One query."""
    history = Action.history.filter(id__in=rows).order_by("history_date", "history_id")
    then: dict[int, Action] = {}
    now: dict[int, Action] = {}
    for row in history:
        if row.history_date <= rows[row.id]:
            then[row.id] = row.instance
        now[row.id] = row.instance
    wording = attrgetter("text", "topic", "target_date", "target_note")
    return {pk: kept for pk, kept in then.items() if wording(kept) != wording(now[pk])}


def known_figures(
    user, actions: QuerySet[Action], *, meetings: list[int] | None = None
) -> KnownFigures:
    """What `user` may know of `actions` (those they see). One query, the
    meetings whose reviews the user may not all read (doubtful_meetings);
    when there are any, one for the reviews of those actions the user may
    not read there and the actions the user reads as the version kept of
    minutes being corrected; when there are any of those, one for the
    history of the latter and one for every review of the actions
    concerned. `user` None: a party holding no role (the owners whom
    reminders are addressed to). `meetings`: the doubtful meetings, when
    the page has read them already (actions.access.visible_and_known)."""
    if user is not None and user.is_authenticated and user.is_staff:
        return KnownFigures({})
    if meetings is None:
        meetings = doubtful_meetings(user)
    if not meetings:
        return KnownFigures({})
    selected = actions.order_by().values("pk")
    no_time = Value(None, output_field=DateTimeField())
    hidden_rows = (
        hidden_reviews(user, selected, meetings=meetings)
        .annotate(is_action=Value(False, output_field=BooleanField()), opened=no_time)
        .values_list("pk", "action_id", "is_action", "opened")
    )
    corrected = (
        Action.objects.filter(pk__in=selected, meeting__in=meetings)
        .filter(read_as_kept(user))
        .order_by()
        .annotate(
            is_action=Value(True, output_field=BooleanField()),
            opened=F("meeting__record__created_at"),
        )
        .values_list("pk", "pk", "is_action", "opened")
    )
    hidden: dict[int, int] = {}
    opened: dict[int, datetime.datetime] = {}
    for pk, action_pk, is_action, when in hidden_rows.union(corrected, all=True):
        if is_action:
            opened[pk] = when
        else:
            hidden[pk] = action_pk
    as_kept = kept_actions(opened) if opened else {}
    if not hidden and not as_kept:
        return KnownFigures({})
    reviews = defaultdict(list)
    actions_by_pk = {}
    every = list(
        ActionReview.objects.filter(action__in={*hidden.values(), *as_kept})
        .select_related(
            "meeting__record", "meeting__committee", "meeting__classification", "action"
        )
        .defer("meeting__record__snapshot")
    )
    hidden_pks = set(hidden)
    kept = kept_versions(user, [review for review in every if review.pk in hidden_pks])
    kept_pks = set(kept)
    hidden_pks -= kept_pks
    kept_by_action = defaultdict(list)
    for review in every:
        reviews[review.action_id].append(kept.get(review.pk, review))
        actions_by_pk[review.action_id] = review.action
        if review.pk in kept:
            kept_by_action[review.action_id].append(kept[review.pk])
    for pk in as_kept.keys() - actions_by_pk.keys():
        # Never reviewed: its state is its own, bar what the draft changed.
        actions_by_pk[pk] = as_kept[pk]
    return KnownFigures(
        {
            pk: replay(action, reviews[pk], hidden_pks, kept_pks, as_kept.get(pk))
            for pk, action in actions_by_pk.items()
        },
        dict(kept_by_action),
    )
