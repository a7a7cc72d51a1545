"""Reads of committees, meetings and minutes. Selectors own the joins and
prefetches, so the page, the JSON document and the PDF share one query plan."""

import datetime
import json
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from operator import attrgetter

from django.conf import settings
from django.core.paginator import Page
from django.db.models import (
    Case,
    CharField,
    Count,
    DateField,
    Exists,
    F,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
    prefetch_related_objects,
)
from django.db.models.fields.json import KeyTextTransform
from django.db.models.functions import Cast, Coalesce
from django.urls import reverse

from actions.access import visible_actions
from actions.filters import owned_by
from actions.known import known_figures
from actions.models import Action, ActionReview, OwnerUpdate
from actions.references import parse_reference
from actions.reminders import next_meetings
from actions.selectors import OWNERS, unreviewed_actions
from declarations.models import Declaration
from incidents.models import Incident, IncidentReview
from meetings.access import (
    EVERYTHING,
    Reader,
    print_reader,
    public_meetings,
    reader_for,
    reads_in_confidence,
    records_read_by,
    visible_decisions,
    visible_items,
    visible_records,
    writes,
)
from meetings.markdown import INCIDENT_MENTION
from meetings.models import (
    AgendaItem,
    Attendance,
    Classification,
    Committee,
    Decision,
    Meeting,
    MinutesDocument,
    MinutesRevision,
    Modification,
    NextMeeting,
    Organisation,
    Person,
    user_name,
)
from meetings.quorum import quorum_of
from meetings.selectors import history_namers
from opsg.history import OWNERS_CHANGED, FieldChange, describe
from opsg.pagination import paginate
from opsg.workdays import add_working_days

from .access import visible_comments
from .comments import suggestion_in_context, word_diff
from .filters import DecisionFilter
from .models import Comment, CommentPolicy


def open_actions_for_committee(user, committee: Committee) -> list[Action]:
    """The committee's open actions the user may see (no CONF action for an
    observer), as the reviews the user may read left them (actions.known)."""
    actions = visible_actions(user).filter(committee=committee)
    known = known_figures(user, actions)
    return known.apply(
        actions.annotate(**known.annotations())
        .filter(known_status=Action.Status.OPEN)
        .select_related("committee")
        .prefetch_related(OWNERS)
        .order_by("meeting_number", "confidential", "sequence")
    )


@dataclass
class MyActions:
    """The front page's "Your actions": the open actions the user, their
    organisation or a group of a committee's members they sit on own, as
    the user may know them (actions.known): how many, how many overdue and
    due soon, and those listed, soonest first."""

    shown: list[Action]  # overdue and due soon, at most MY_ACTIONS_SHOWN
    count: int
    overdue: int
    due_soon: int
    # Committees whose next meeting now asks owners for updates: (label, date, how many).
    asked: list[tuple[str, datetime.date, int]]
    soon_days: int


MY_ACTIONS_SHOWN = 20


def my_actions(user, *, today: datetime.date) -> MyActions:
    """Counted in SQL per committee, only the rows listed read: seven
    queries at most (the figures they may know, the counts, the rows listed
    and their owners, the committees' next meetings), however many actions."""
    actions = visible_actions(user).filter(owned_by("mine", user))
    known = known_figures(user, actions)
    open_ = actions.annotate(**known.annotations()).filter(known_status=Action.Status.OPEN)
    soon = settings.REMINDER_DUE_SOON_DAYS
    # As the reminders count it: a Saturday target is due with the Friday before.
    horizon = add_working_days(today, soon + 1) - datetime.timedelta(days=1)
    late, coming = Q(known_target_date__lt=today), Q(known_target_date__gte=today)
    per_committee = list(
        open_.values("committee_id")
        .annotate(
            n=Count("pk"),
            overdue=Count("pk", filter=late),
            due_soon=Count("pk", filter=coming & Q(known_target_date__lte=horizon)),
        )
        .order_by("committee_id")
    )
    counts = {
        key: sum(row[field] for row in per_committee)
        for key, field in (("count", "n"), ("overdue", "overdue"), ("due_soon", "due_soon"))
    }
    shown = []
    if counts["overdue"] or counts["due_soon"]:
        shown = known.apply(
            open_.filter(known_target_date__lte=horizon)
            .select_related("committee")
            .prefetch_related(OWNERS)
            .order_by("known_target_date", "meeting_number", "sequence")[:MY_ACTIONS_SHOWN]
        )
    for action in shown:
        action.is_late = action.target_date < today
    before = settings.REMINDER_BEFORE_MEETING_DAYS
    asking = {
        committee_id: nxt
        for committee_id, nxt in next_meetings(today).items()
        if today >= add_working_days(nxt.date, -before)
    }
    asked = [
        (asking[row["committee_id"]].label, asking[row["committee_id"]].date, row["n"])
        for row in per_committee
        if row["committee_id"] in asking
    ]
    return MyActions(shown, soon_days=soon, asked=asked, **counts)


# The target an action was raised with, which its minutes record: where
# its first review started (the action itself carries the latest target,
# which later reviews, some not yet circulated, set).
_FIRST_REVIEW = ActionReview.objects.filter(action=OuterRef("pk")).order_by(
    "meeting__date", "meeting__number"
)
_AS_RAISED = {
    "reviewed": Exists(_FIRST_REVIEW),
    "raised_target_date": Subquery(_FIRST_REVIEW.values("last_target_date")[:1]),
    "raised_target_note": Subquery(_FIRST_REVIEW.values("last_target_note")[:1]),
}


# For one parent, rows in the order their Meta.ordering gives them (their
# `order`, then id). Sorted in Python rather than by an ORDER BY, which
# Django pays more to compile over a wide select than the sort costs; on
# integers, Python orders them as the database would.
_IN_ORDER = attrgetter("order", "pk")


def _hand_out(parents: Sequence, name: str, queryset: QuerySet, *, by=None) -> list:
    """Read the rows of `queryset` that belong to `parents` by the reverse
    foreign key `name`, in one query, and give each parent its own as
    prefetch_related would: `parent.<name>.all()` is then the parent's
    rows, read no further, and each row knows its parent. The rows in
    `queryset`'s order, or sorted by the key `by` (of integers, dates and
    booleans only, which Python orders as the database does). Returns them
    all.

    Read flat and handed out here, a meeting's rows cost their queries and
    little more, where prefetching clones a queryset per relation of each
    parent."""
    if not parents:
        return []
    key = parents[0]._meta.get_field(name).field
    rows = queryset.filter(**{f"{key.name}__in": [parent.pk for parent in parents]})
    rows = list(rows) if by is None else sorted(rows.order_by(), key=by)
    grouped = defaultdict(list)
    for row in rows:
        grouped[getattr(row, key.attname)].append(row)
    for parent in parents:
        mine = grouped[parent.pk]
        for row in mine:
            setattr(row, key.name, parent)
        cached = getattr(parent, name).get_queryset()
        cached._result_cache = mine
        cached._prefetch_done = True
        parent.__dict__.setdefault("_prefetched_objects_cache", {})[name] = cached
    return rows


def _with_content(items: list[AgendaItem], *, more_actions: Sequence[Action] = ()) -> None:
    """Give `items` what the minutes and the editor show of each: its
    declarations, decisions, actions (as raised, with their owners) and
    the incidents it reviews; `more_actions` get their owners too. Five
    queries, whatever the number of items."""
    _hand_out(items, "declarations", Declaration.objects.all(), by=_IN_ORDER)
    _hand_out(items, "decisions", Decision.objects.all(), by=_IN_ORDER)
    actions = _hand_out(
        items,
        "actions",
        Action.objects.annotate(**_AS_RAISED),
        by=attrgetter("confidential", "sequence"),
    )
    _hand_out(
        items,
        "incident_reviews",
        # For one item, as IncidentReview.Meta orders them.
        IncidentReview.objects.select_related("incident").order_by("incident__reference"),
    )
    _hand_out([*actions, *more_actions], "owners", OWNERS.queryset, by=_IN_ORDER)


# A meeting's attendance, each line with its person and their organisation.
_ATTENDANCE = Attendance.objects.select_related("person__organisation", "alternate_for").order_by(
    "order", "id"
)


def minutes_for_meeting(meeting: Meeting) -> Meeting:
    """The meeting with everything its minutes show, read fresh: eleven
    queries, whatever its size (each kind of row read flat, `_hand_out`)."""
    meeting = (
        Meeting.objects.select_related(
            "committee", "classification", "approved_at_meeting", "record"
        )
        .defer("record__snapshot")
        .get(pk=meeting.pk)
    )
    one = [meeting]
    _hand_out(one, "attendance", _ATTENDANCE, by=_IN_ORDER)
    items = _hand_out(
        one, "items", AgendaItem.objects.select_related("classification"), by=_IN_ORDER
    )
    reviews = _hand_out(
        one,
        "action_reviews",
        ActionReview.objects.select_related(
            "action__item__meeting",
            "action__item__classification",
            "action__superseded_by__item__meeting",
            "action__transferred_to",
        ),
        by=_IN_ORDER,  # as ActionReview.Meta orders them, for one meeting
    )
    _hand_out(one, "next_meetings", NextMeeting.objects.order_by("date"))
    _hand_out(one, "revisions", MinutesRevision.objects.all(), by=attrgetter("number"))
    _with_content(items, more_actions=[review.action for review in reviews])
    return meeting


def editor_meeting(meeting: Meeting) -> Meeting:
    """minutes_for_meeting, with each incident review knowing the item's
    decisions and actions linked to its incident (with_incident_links)."""
    meeting = minutes_for_meeting(meeting)
    with_incident_links(r for item in meeting.items.all() for r in item.incident_reviews.all())
    return meeting


def item_outline(meeting: Meeting) -> list[AgendaItem]:
    """The meeting's items in order: their numbers and titles (one query)."""
    return list(meeting.items.order_by("order", "id").only("pk", "meeting", "number", "title"))


def item_for_editor(meeting: Meeting, pk: int) -> AgendaItem:
    """One item of the editor, as editor_meeting has it (a fixed handful of
    queries, whatever the meeting's size)."""
    item = AgendaItem.objects.select_related("classification").get(meeting=meeting, pk=pk)
    item.meeting = meeting
    _with_content([item])
    with_incident_links(item.incident_reviews.all())
    return item


def item_links_offered(item: AgendaItem) -> AgendaItem:
    """The item with the decisions and actions its review forms offer to
    link to an incident (two queries)."""
    prefetch_related_objects(
        [item],
        Prefetch("decisions", queryset=Decision.objects.order_by("order", "id")),
        Prefetch("actions", queryset=Action.objects.order_by("confidential", "sequence")),
    )
    return item


def item_reviews_for_editor(item: AgendaItem) -> AgendaItem:
    """The item as its reviews section shows it: the incidents it reviews,
    and the decisions and actions their forms offer and link (five queries,
    whatever the meeting's size)."""
    item_links_offered(item)
    prefetch_related_objects(
        [item],
        Prefetch("incident_reviews", queryset=IncidentReview.objects.select_related("incident")),
    )
    with_incident_links(item.incident_reviews.all())
    return item


def action_for_editor(action: Action) -> Action:
    """One action of the editor, with its owners as its item lists them: for
    the fragment an htmx save returns (one query)."""
    prefetch_related_objects([action], OWNERS)
    return action


def review_for_editor(item: AgendaItem, pk: int) -> IncidentReview:
    """One incident review of the editor, with the item's decisions and
    actions its form offers and those linked to its incident: for the
    fragment an htmx save returns (five queries, fewer when the item's
    offer is known)."""
    review = IncidentReview.objects.select_related("incident").get(item=item, pk=pk)
    item_links_offered(item)
    with_incident_links([review])
    return review


def with_incident_links(reviews) -> None:
    """Give each of `reviews` (incident reviews) the pks of its item's
    decisions and actions linked to the reviewed incident
    (`linked_decisions`, `linked_actions`), for the review's form: two
    queries for all."""
    reviews = list(reviews)
    if not reviews:
        return
    items = {review.item_id for review in reviews}
    decisions, actions = defaultdict(set), defaultdict(set)
    for incident, decision, item in Incident.decisions.through.objects.filter(
        decision__item__in=items
    ).values_list("incident_id", "decision_id", "decision__item_id"):
        decisions[incident, item].add(decision)
    for incident, action, item in Incident.actions.through.objects.filter(
        action__item__in=items
    ).values_list("incident_id", "action_id", "action__item_id"):
        actions[incident, item].add(action)
    for review in reviews:
        review.linked_decisions = decisions[review.incident_id, review.item_id]
        review.linked_actions = actions[review.incident_id, review.item_id]


def minutes_page(meeting: Meeting, *, reader: Reader) -> dict:
    """What meetings/minutes.html needs to show the minutes, read fresh: the
    same for the page and for the PDF (minutes.pdf.minutes_source). What
    the reader (access.reader_for, access.print_reader) may not see of an
    item shows as withheld."""
    meeting = withhold(minutes_for_meeting(meeting), reader)
    raised = [action for item in meeting.items.all() for action in item.shown_actions]
    for action in raised:
        date, note = _raised_with(action)
        action.target_as_raised = f"{date:%d/%m/%Y}" if date else note
    attendance = attendance_lists(meeting)
    return {
        "meeting": meeting,
        # Owners and targets where each is raised, and in a table at the end.
        "actions_raised": raised,
        "attendance": attendance,
        "quorum": quorum_for(meeting, attendance),
        "reviews": meeting.shown_reviews,
        # The reviews table sits in the Actions Outstanding item, or after the items.
        "reviews_in_item": any(
            item.standing == AgendaItem.Standing.ACTIONS_OUTSTANDING for item in meeting.items.all()
        ),
        # Under "minutes of the previous meeting": the wording changes agreed
        # to the minutes this meeting approved (minutes/models.py: Comment).
        **corrections_agreed(meeting, reader=reader),
    }


def quorum_for(meeting: Meeting, attendance: dict[str, list[Attendance]]):
    """Whether the meeting was quorate (meetings.quorum), from its attendance
    lists (attendance_lists); None when no quorum is in force."""
    return quorum_of(meeting, attendance[Attendance.Section.MEMBER])


def withhold(meeting: Meeting, reader: Reader) -> Meeting:
    """Mark, on a meeting read by `minutes_for_meeting`, what the reader may
    not see: each item taken in confidence (or every item of a confidential
    session) or classified beyond them gets `withheld`; what is shown is
    set once for the page, the JSON and the PDF alike: each item's
    `shown_actions` and the meeting's `shown_reviews` (no CONF action for a
    reader outside). Readers see only that an item was taken in confidence,
    under its number."""

    def shown(action: Action) -> bool:
        return reader.in_confidence or not action.confidential

    items = list(meeting.items.all())
    reviews = list(meeting.action_reviews.all())
    successors = [r.action.superseded_by for r in reviews if r.action.superseded_by_id]
    # One look at the rule for every item shown here, through a review, or
    # under which a review's successor was raised.
    readable = reader.readable(
        items
        + [r.action.item for r in reviews if r.action.item]
        + [a.item for a in successors if a.item]
    )
    for item in items:
        item.withheld = item.pk not in readable
        item.shown_actions = [] if item.withheld else [a for a in item.actions.all() if shown(a)]
    # What a confidential session said of an action is for those who read in
    # confidence (actions.access.review_rule). A reviewed action raised under
    # an item the reader may not read is left out too, as the action log
    # leaves it out (actions.access.visible_actions).
    session_shown = reader.in_confidence or meeting.kind != Meeting.Kind.CONFIDENTIAL
    reviews = [
        r
        for r in reviews
        if session_shown
        and shown(r.action)
        and (r.action.item_id is None or r.action.item_id in readable)
    ]
    meeting.shown_reviews = sorted(reviews, key=lambda r: (r.order, r.pk))
    for review in meeting.shown_reviews:
        review.ended = _how_it_ended(review, meeting, shown, readable)
    return meeting


def _how_it_ended(review: ActionReview, meeting: Meeting, shown, readable: set) -> str:
    """How an action closed at this meeting ended, as its row says it: the
    successor named only to a reader who may see it (as the action log
    would show it); "" for a row that did not close it here."""
    action = review.action
    if review.status != Action.Status.CLOSED or action.closed_on != meeting.date:
        return ""
    if action.outcome == Action.Outcome.SUPERSEDED and action.superseded_by_id:
        successor = action.superseded_by
        if shown(successor) and (successor.item_id is None or successor.item_id in readable):
            return f"Superseded by {successor.reference}"
        return "Superseded by another action"
    if action.outcome == Action.Outcome.TRANSFERRED and action.transferred_to_id:
        return f"Transferred to {action.transferred_to.code}"
    return action.get_outcome_display() if action.outcome else ""


def attendance_lists(meeting: Meeting) -> dict[str, list[Attendance]]:
    """The meeting's lines by list (one query, none when they are prefetched)."""
    prefetch_related_objects([meeting], Prefetch("attendance", queryset=_ATTENDANCE))
    lists = {section: [] for section in Attendance.Section.values}
    for line in meeting.attendance.all():
        lists[line.section].append(line)
    return lists


def incidents_mentioned(meeting: Meeting) -> list[str]:
    """Incidents reviewed at the meeting or named anywhere in its narrative."""
    found = set()
    for item in meeting.items.all():
        if item.withheld:
            continue
        found.update(review.incident.reference for review in item.incident_reviews.all())
        found.update(INCIDENT_MENTION.findall(f"{item.title}\n{item.narrative}"))
        for decision in item.decisions.all():
            found.update(INCIDENT_MENTION.findall(" ".join([decision.text, *decision.points])))
    return sorted(found)


def _date(value):
    return value.isoformat() if value else None


def _time(value):
    return value.strftime("%H:%M") if value else None


def _person(line: Attendance) -> dict:
    entry = {"name": line.person.name}
    if line.section == Attendance.Section.MEMBER:
        entry["category"] = line.category
    else:
        entry["represents"] = line.represents
    entry.update(
        alternate=line.is_alternate or line.alternate_for_id is not None,
        alternate_for=line.alternate_for.name if line.alternate_for_id else None,
        remote=line.remote,
        part=line.part,
        items=line.items or None,
        role=line.role or None,
    )
    return entry


def _raised_with(action: Action) -> tuple[datetime.date | None, str]:
    """The target as the minutes that raised the action set it (see _AS_RAISED)."""
    if action.reviewed:
        return action.raised_target_date, action.raised_target_note or ""
    return action.target_date, action.target_note


def minutes_document(meeting: Meeting, *, reader: Reader) -> dict:
    """The minutes as a plain JSON-ready dict. The shape is documented in the
    README ("Minutes as JSON"); change both together. An item the reader
    may not see is its number and `"withheld": true`; `access.EVERYTHING`
    reads it all (revisions, the export command)."""
    meeting = withhold(minutes_for_meeting(meeting), reader)
    lists = attendance_lists(meeting)
    classification = meeting.classification
    quorum = quorum_for(meeting, lists)
    corrections = corrections_agreed(meeting, reader=reader)
    return {
        "committee": meeting.committee.code,
        "number": meeting.number,
        "reference": meeting.reference,
        "kind": meeting.kind,
        "date": _date(meeting.date),
        "start": _time(meeting.start_time),
        "end": _time(meeting.end_time),
        "location": meeting.location,
        "teleconference": meeting.is_teleconference,
        "schedule_sequence": meeting.schedule_sequence,
        "status": meeting.status,
        "classification": {
            "label": classification.label,
            "colour": classification.colour,
            "audience": classification.audience,
            "statement": classification.statement,
        },
        "attendance": {
            "members": [_person(line) for line in lists[Attendance.Section.MEMBER]],
            "participants": [_person(line) for line in lists[Attendance.Section.PARTICIPANT]],
            "apologies": [_person(line) for line in lists[Attendance.Section.APOLOGY]],
        },
        "quorum": quorum.as_dict() if quorum else None,
        "items": [
            {"number": item.number, "confidential": True, "withheld": True}
            if item.withheld
            else {
                "number": item.number,
                "title": item.title,
                "narrative": item.narrative,
                "post_meeting_note": item.post_meeting_note or None,
                "confidential": item.confidential,
                "classification": item.classification.label if item.classification else None,
                "declarations": [
                    {"name": d.name, "organisation": d.organisation, "interest": d.interest}
                    for d in item.declarations.all()
                ],
                "decisions": [
                    {"verb": d.verb, "text": d.text, "points": d.points}
                    for d in item.decisions.all()
                ],
                "actions": [action.reference for action in item.shown_actions],
                **(
                    {"corrections_agreed": _corrections(corrections["corrections_agreed"])}
                    if item.pk == corrections["corrections_item"]
                    and corrections["corrections_agreed"]
                    else {}
                ),
            }
            for item in meeting.items.all()
        ],
        "actions_raised": [
            {
                "reference": action.reference,
                "owners": action.owner_names(),
                "text": action.text,
                "raised_on": _date(action.raised_on),
                "target_date": _date(_raised_with(action)[0]),
                "target_note": _raised_with(action)[1] or None,
            }
            for item in meeting.items.all()
            for action in item.shown_actions
        ],
        "actions_reviewed": [
            {
                "reference": review.action.reference,
                "text": review.action.text,
                "owners": review.action.owner_names(),
                "raised_on": _date(review.action.raised_on),
                "last_target": _date(review.last_target_date) or review.last_target_note or None,
                "revised_target": _date(review.revised_target_date)
                or review.revised_target_note
                or None,
                "update": review.update,
                "status": review.status,
            }
            for review in meeting.shown_reviews
        ],
        "incidents": incidents_mentioned(meeting),
        "next_meetings": [
            {"kind": nxt.kind, "date": _date(nxt.date)} for nxt in meeting.next_meetings.all()
        ],
    }


def revision_document(revision, *, reader: Reader) -> dict:
    """A revision's stored snapshot (minutes_document as it stood), as
    `stored_document` lets `reader` read it."""
    return stored_document(revision.snapshot, reader=reader)


@dataclass
class RevisionVersions:
    before: dict  # the minutes as they stood before the revision
    after: dict  # as the next revision kept them, or as they are now
    later: object  # that next revision, or None for the minutes now


def revision_versions(meeting: Meeting, revision, *, reader: Reader) -> RevisionVersions:
    """The two versions a revision's page compares, each as `reader` may
    read it (`stored_document`, the same for both, so nothing withheld
    shows as a change)."""
    later = meeting.revisions.filter(number__gt=revision.number).order_by("number").first()
    if later is not None:
        after = later.snapshot
    else:
        after = minutes_document(meeting, reader=EVERYTHING)
    return RevisionVersions(
        before=stored_document(revision.snapshot, reader=reader),
        after=stored_document(after, reader=reader),
        later=later,
    )


def stored_document(document: dict, *, reader: Reader, withhold: set[str] = frozenset()) -> dict:
    """A minutes document as stored (`minutes_document` read by EVERYTHING),
    with items taken in confidence withheld from those who may not read
    them, and items classified apart shown to the writers only (a stored
    document names a classification by its label alone); `withhold`: the
    numbers of further items to withhold."""
    if reader.writes:
        return document
    whole_session = document.get("kind") == Meeting.Kind.CONFIDENTIAL

    def withheld(item: dict) -> bool:
        if item.get("number") in withhold:
            return True
        # The snapshot names an item's classification by label only: shown to writers alone.
        if item.get("classification"):
            return True
        return not reader.in_confidence and (whole_session or item.get("confidential"))

    def shown(reference: str) -> bool:
        return reader.in_confidence or not parse_reference(reference)[2]

    items = [
        {"number": item["number"], "confidential": True, "withheld": True}
        if withheld(item)
        else {**item, "actions": [a for a in item.get("actions", []) if shown(a)]}
        for item in document.get("items", [])
    ]
    # The lists beside the items keep only what the items shown show.
    raised = {reference for item in items for reference in item.get("actions", [])}
    said = json.dumps(items)
    reviewed = document.get("actions_reviewed", [])
    under_unread = _raised_under_unread_items(reader, [r["reference"] for r in reviewed])
    return {
        **document,
        "items": items,
        "actions_raised": [
            a for a in document.get("actions_raised", []) if a["reference"] in raised
        ],
        # What a confidential session said of actions: for those who read in
        # confidence; an action raised under an item the reader may not
        # read is not named to them (as `withhold` does on the live page).
        "actions_reviewed": [
            r
            for r in reviewed
            if shown(r["reference"])
            and (reader.in_confidence or not whole_session)
            and r["reference"] not in under_unread
        ],
        "incidents": [i for i in document.get("incidents", []) if i in said],
    }


def _raised_under_unread_items(reader: Reader, references: list[str]) -> set[str]:
    """Of the actions at `references`, those raised under an item whose
    content `reader` may not read. Two queries, none for no references."""
    if not references:
        return set()
    actions = list(
        Action.objects.filter(reference__in=references, item__isnull=False).select_related(
            "item__meeting", "item__classification"
        )
    )
    readable = reader.readable([action.item for action in actions])
    return {action.reference for action in actions if action.item_id not in readable}


def people_for_attendance(meeting: Meeting) -> list[Person]:
    """Everyone an action may be given to, in name order."""
    return list(Person.objects.order_by("name"))


def alternate_candidates(meeting: Meeting) -> list[Person]:
    """Whom an alternate may be named as standing in for, in name order:
    the committee's role holders and everyone listed at this meeting (and
    anyone already named so). One query."""
    named = meeting.attendance.filter(alternate_for__isnull=False).values("alternate_for")
    return list(
        Person.objects.filter(
            Q(committee_roles__committee=meeting.committee_id)
            | Q(attendance__meeting=meeting)
            | Q(pk__in=named)
        )
        .distinct()
        .order_by("name")
    )


def imports_of(meeting: Meeting) -> list:
    """The documents the meeting was imported from, newest first."""
    return list(meeting.imports.select_related("imported_by__person").order_by("-imported_at"))


def classifications() -> list[Classification]:
    return list(Classification.objects.order_by("label", "-effective_from"))


def organisations() -> list[Organisation]:
    return list(Organisation.objects.order_by("short_name"))


def people_search(meeting: Meeting, query: str, limit: int = 8) -> list[Person]:
    """Known people matching what was typed, those not yet listed first."""
    if not query:
        return []
    listed = set(meeting.attendance.values_list("person_id", flat=True))
    matches = (
        Person.objects.filter(Q(name__icontains=query) | Q(organisation__short_name__iexact=query))
        .select_related("organisation")
        .order_by("name")[: limit * 3]
    )
    return sorted(matches, key=lambda p: (p.pk in listed, p.name))[:limit]


# --- the minutes as PDF ---------------------------------------------------------


def _issued() -> QuerySet[MinutesDocument]:
    """PDFs issued with published minutes (each for one version)."""
    return MinutesDocument.objects.filter(
        state=MinutesDocument.State.DONE, minutes_status=Meeting.Status.PUBLISHED
    )


def published_minutes() -> QuerySet[Meeting]:
    """The public page's list: minutes anyone may read, newest first, each
    knowing whether its PDF has been issued (for the version kept online,
    while they are being corrected)."""
    return (
        public_meetings()
        .select_related("committee", "classification", "record__classification")
        .annotate(
            has_pdf=Exists(
                _issued().filter(
                    meeting=OuterRef("pk"),
                    minutes_version=Coalesce(OuterRef("record__version"), OuterRef("version")),
                )
            )
        )
        # Newest first by the date readers have.
        .annotate(date_read=date_read())
        .order_by("-date_read", "committee__code", "-number")
    )


def date_read() -> Case:
    """Of meetings from access.records_read_by (annotated `live`), the date
    as their reader has it, in SQL: the version kept's while the minutes are
    corrected (Meeting.as_read, in Python), else the meeting's own."""
    kept = Cast(KeyTextTransform("date", "record__snapshot"), DateField())
    return Case(
        When(live=False, record__isnull=False, then=Coalesce(kept, "date")),
        default=F("date"),
        output_field=DateField(),
    )


def published_page(number) -> Page:
    """A page of `published_minutes`. Of minutes under correction, whether
    their PDF is still issued is `issued_pdf`'s to say (the draft may have
    withdrawn an item it printed): a few rows, each checked alone."""
    page = paginate(published_minutes(), number)
    for meeting in page.object_list:
        if meeting.in_correction and meeting.has_pdf:
            meeting.has_pdf = issued_pdf(meeting) is not None
    return page


def issued_pdf(meeting: Meeting) -> MinutesDocument | None:
    """The PDF of the version readers have: issued with the minutes'
    current version; while they are being corrected, the kept version's
    (Meeting.record), unless the draft has since withdrawn an item it
    printed from its readers (_narrowed_since): a PDF cannot be redacted."""
    record = meeting.record
    if record is not None and _narrowed_since(meeting, print_reader(meeting)):
        return None
    status, version = (
        (meeting.status, meeting.version)
        if record is None
        else (record.previous_status, record.version)
    )
    return (
        MinutesDocument.objects.filter(
            meeting=meeting,
            state=MinutesDocument.State.DONE,
            minutes_status=status,
            minutes_version=version,
        )
        .select_related("meeting__committee")
        .order_by("-pk")
        .first()
    )


def record_document(meeting: Meeting, *, reader: Reader) -> dict:
    """The version kept for readers while the minutes are being corrected
    (Meeting.record), as `reader` may read it: the JSON document of
    `minutes_document`'s shape, with `correction_in_progress`."""
    return {
        **stored_document(
            meeting.record.snapshot, reader=reader, withhold=_narrowed_since(meeting, reader)
        ),
        "correction_in_progress": True,
    }


def printed_document(meeting: Meeting) -> dict:
    """The minutes as their printed copies (the PDF, the Word file) give
    them to everyone who may read them (access.print_reader): the version
    readers have, which during a correction is the version kept."""
    reader = print_reader(meeting)
    if meeting.live:
        return minutes_document(meeting, reader=reader)
    return record_document(meeting, reader=reader)


def _narrowed_since(meeting: Meeting, reader: Reader) -> set[str]:
    """The numbers of the items of minutes being corrected whose content
    `reader` may not read as they are now: a draft that takes an item in
    confidence, or classifies it for a narrower audience, withholds it from
    the version kept at once (as the minutes' own classification does,
    access.visible_records); one that widens it waits for its circulation.
    An item is known across versions by its number. One query."""
    if reader.writes:
        return set()
    items = list(meeting.items.select_related("meeting", "classification"))
    readable = reader.readable(items)
    return {item.number for item in items if item.pk not in readable}


# --- the decisions register ---------------------------------------------------------


@dataclass
class DecisionRegister:
    filterset: DecisionFilter
    decisions: "Sequence[Decision | KeptDecision]"


@dataclass(frozen=True)
class KeptItem:
    meeting: Meeting  # read as kept (Meeting.as_read)
    number: str
    title: str


@dataclass(frozen=True)
class KeptDecision:
    """A decision as the version readers keep while its minutes are being
    corrected (Meeting.record) records it: the register shows it in place of
    the draft's to those who may not read the draft."""

    item: KeptItem
    verb: str
    text: str
    points: list
    first_point_number: int = 1
    pk: None = None


def decision_register(user, data) -> DecisionRegister:
    """Every decision the user may read (access.visible_decisions), filtered
    by the query string, newest first; of minutes being corrected that the
    user may read only as kept (access.visible_records), the kept version's."""
    decisions = visible_decisions(user).select_related("item__meeting__committee")
    committees = Committee.objects.filter(meetings__in=visible_records(user)).distinct()
    filterset = DecisionFilter(data, queryset=decisions, committees=committees.order_by("code"))
    rows = filterset.qs
    if not filterset.is_valid():
        return DecisionRegister(filterset=filterset, decisions=rows)
    blocks = [
        (_rows_before(rows, meeting, date), kept)
        for meeting, date, kept in _kept_decisions(user, filterset.form.cleaned_data)
    ]
    return DecisionRegister(filterset=filterset, decisions=_Merged(rows, blocks))


@dataclass
class KeptDocument:
    """Minutes under correction that a user reads only as kept, with the
    version kept as that user may read it (record_document)."""

    meeting: Meeting
    date: datetime.date  # as the version kept has it
    document: dict


def kept_documents(
    user,
    *,
    committee: Committee | None = None,
    date_from: datetime.date | None = None,
    date_to: datetime.date | None = None,
) -> list[KeptDocument]:
    """The few minutes under correction that `user` reads only as kept
    (access.records_read_by), of `committee` and dated (as kept) within the
    range when given, newest first: what the register and search add to the
    rows they find, which hold the draft's."""
    kept = (
        records_read_by(user)
        .filter(record__isnull=False, live=False)
        .select_related("committee", "classification", "record")
    )
    if committee:
        kept = kept.filter(committee=committee)
    found = []
    for meeting in kept:
        date = meeting.as_read.date
        if (date_from and date < date_from) or (date_to and date > date_to):
            continue
        document = record_document(meeting, reader=reader_for(user, meeting.committee))
        found.append(KeptDocument(meeting=meeting, date=date, document=document))
    return sorted(found, key=lambda kept: (kept.date, kept.meeting.pk), reverse=True)


def _kept_decisions(user, wanted: dict) -> list[tuple[Meeting, datetime.date, list]]:
    """The kept versions' decisions the register's filters select, by
    meeting, newest first."""
    text = (wanted.get("q") or "").strip().lower()
    found = []
    for kept in kept_documents(
        user,
        committee=wanted.get("committee"),
        date_from=wanted.get("date_from"),
        date_to=wanted.get("date_to"),
    ):
        meeting, date, document = kept.meeting, kept.date, kept.document
        item_decisions = [
            KeptDecision(
                item=KeptItem(meeting=meeting, number=item["number"], title=item["title"]),
                verb=decision["verb"],
                text=decision["text"],
                points=decision["points"],
            )
            for item in document["items"]
            if not item.get("withheld")
            for decision in item.get("decisions", [])
        ]
        chosen = [
            d
            for d in item_decisions
            if (not wanted.get("verb") or d.verb == wanted["verb"])
            and (
                not text
                or text in d.text.lower()
                or text in json.dumps(d.points, ensure_ascii=False).lower()
            )
        ]
        if chosen:
            found.append((meeting, date, chosen))
    return found


def _rows_before(rows: QuerySet[Decision], meeting: Meeting, date: datetime.date) -> int:
    """How many of the register's rows come before `meeting`'s (newest first)."""
    return rows.filter(
        Q(item__meeting__date__gt=date) | Q(item__meeting__date=date, item__meeting__gt=meeting)
    ).count()


class _Merged(Sequence):
    """The register's rows, paged in the database, with the kept versions'
    decisions set in among them: `blocks` are (rows before it, its
    decisions), in order."""

    def __init__(self, rows: QuerySet, blocks: list[tuple[int, list]]):
        self.rows, self.blocks = rows, blocks
        self._length = None

    def __len__(self) -> int:
        if self._length is None:
            self._length = self.rows.count() + sum(len(kept) for _, kept in self.blocks)
        return self._length

    def __getitem__(self, index):
        if not isinstance(index, slice):
            return self[index : index + 1][0]
        start, stop = index.start or 0, len(self) if index.stop is None else index.stop
        found, at, taken = [], 0, 0  # at: merged position; taken: rows before it
        for before, kept in [*self.blocks, (None, [])]:
            run = None if before is None else before - taken
            end = stop if run is None else at + run
            if start < end and at < stop:
                first, last = max(start, at) - at, min(stop, end) - at
                found += list(self.rows[taken + first : taken + last])
            if run is not None:
                at, taken = at + run, before
                found += kept[max(start - at, 0) : max(stop - at, 0)]
                at += len(kept)
        return found


def modification_mentions(user, modification: Modification) -> dict:
    """What the minutes the user may read say about a modification: the
    agenda items, decisions and actions that name it."""
    reference = modification.reference
    items = (
        visible_items(user)
        .filter(Q(title__contains=reference) | Q(narrative__contains=reference))
        .select_related("meeting__committee")
        .order_by("-meeting__date", "order")
    )
    decisions = (
        visible_decisions(user)
        .filter(text__contains=reference)
        .select_related("item__meeting__committee")
        .order_by("-item__meeting__date", "item__order", "order")
    )
    # Actions raised under an item about it count too (25/10 says "SECMP00 67").
    actions = (
        visible_actions(user)
        .filter(
            Q(text__contains=reference)
            | Q(topic__contains=reference)
            | Q(item__in=items.values("pk"))
        )
        .select_related("committee")
        .order_by("committee__code", "meeting_number", "confidential", "sequence")
    )
    return {
        "modification": modification,
        "items": list(items),
        "decisions": list(decisions),
        "actions": list(actions),
    }


# --- a meeting's history -------------------------------------------------------------


@dataclass
class HistoryLine:
    """One record django-simple-history kept of the meeting or one of its
    parts, as its history page shows it."""

    when: datetime.datetime
    who: str
    kind: str  # "+" recorded, "~" changed, "-" deleted (simple-history's codes)
    what: str  # "Item 4. Major Incidents", "Decision in item 4", "Attendance: Dave Warner"
    changes: list[FieldChange] = field(default_factory=list)
    item_url: str = ""  # that item's own history, while the item exists
    # Why, where the change says (a suggestion accepted: "Suggestion by Mia
    # Member accepted by Sam Secretary", services.suggestion_accept).
    reason: str = ""


@dataclass
class MeetingHistory:
    page: Page  # of HistoryLine, newest first
    item: AgendaItem | None  # when narrowed to one item's changes


# What a meeting's record is made of: each kind of part, its model, the
# fields left out of its changes, and what its lines need joined. Left out:
# versions and orders are bookkeeping; an item's number is rewritten by the
# renumbering (a bulk update, which simple-history does not record), so a
# saved record would show a renumbering as made by the next save.
_PARTS = {
    "meeting": (Meeting, {"version", "schedule_sequence", "quorum", "quorum_needs_chair"}, ()),
    "attendance": (Attendance, {"version", "order"}, ("person",)),
    "item": (AgendaItem, {"version", "order", "number"}, ()),
    "decision": (Decision, {"version", "order"}, ()),
    "incident_review": (IncidentReview, set(), ("incident",)),
    "action": (Action, {"version"}, ()),
    "review": (ActionReview, {"version", "order"}, ("action",)),
}


def meeting_history(
    user, meeting: Meeting, *, item: AgendaItem | None = None, page=None
) -> MeetingHistory:
    """Every recorded change to the meeting, its attendance, its agenda
    items and their decisions and incident reviews, the actions raised in it
    and the reviews recorded at it, newest first and a page at a time; with
    `item`, only that item's (its decisions', its actions'). Nothing of an
    item the user may not read (visible_items), nor of an action they may not
    see (visible_actions), is listed, not even that it changed.

    A fixed number of queries whatever the number of changes: the items (to
    name them and decide what may be read), the count and the page of the
    combined history, one query per kind of part on the page for its records
    and the records before them, and one per kind of record a changed link
    names."""
    history = {kind: model.history.model for kind, (model, _, _) in _PARTS.items()}
    items = {
        pk: (number, title, readable)
        for pk, number, title, readable in AgendaItem.objects.filter(meeting=meeting)
        .annotate(readable=Exists(visible_items(user).filter(pk=OuterRef("pk"))))
        .values_list("pk", "number", "title", "readable")
    }
    readable = [pk for pk, (_, _, ok) in items.items() if ok]
    # A deleted item or action cannot be checked against the visibility
    # querysets any more: only those who read what the committee took in
    # confidence see what became of it.
    sees_deleted = reads_in_confidence(user, meeting.committee)
    ever_here = history["item"].objects.filter(meeting_id=meeting.pk).values("id")

    def item_readable(name: str) -> Q:
        rule = Q(**{f"{name}__in": readable})
        if sees_deleted:
            rule |= Q(**{f"{name}__in": ever_here}) & ~Exists(
                AgendaItem.objects.filter(pk=OuterRef(name))
            )
        return rule

    def action_visible(name: str) -> Q:
        rule = Q(**{f"{name}__in": visible_actions(user).values("pk")})
        if sees_deleted:
            rule |= ~Exists(Action.objects.filter(pk=OuterRef(name)))
        return rule

    if item is None:
        parts = {
            "meeting": history["meeting"].objects.filter(id=meeting.pk),
            "attendance": history["attendance"].objects.filter(meeting_id=meeting.pk),
            "item": history["item"].objects.filter(item_readable("id"), meeting_id=meeting.pk),
            "decision": history["decision"].objects.filter(item_readable("item_id")),
            "incident_review": history["incident_review"].objects.filter(item_readable("item_id")),
            # An action raised under an item the user may not read is that
            # item's business, even where the action log would show it.
            "action": history["action"].objects.filter(
                action_visible("id"),
                Q(item_id__isnull=True) | item_readable("item_id"),
                meeting_id=meeting.pk,
            ),
            "review": history["review"].objects.filter(
                action_visible("action_id"), meeting_id=meeting.pk
            ),
        }
        if meeting.kind == Meeting.Kind.CONFIDENTIAL and not sees_deleted:
            # What the session said of actions (actions.access.review_rule).
            del parts["review"]
    else:
        parts = {
            "item": history["item"].objects.filter(id=item.pk),
            "decision": history["decision"].objects.filter(item_id=item.pk),
            "incident_review": history["incident_review"].objects.filter(item_id=item.pk),
            "action": history["action"].objects.filter(action_visible("id"), item_id=item.pk),
        }
    if not writes(user, meeting.committee):
        # An action's own trail records what reviews in minutes not yet
        # circulated did to it: for the writers, as on the action's page.
        parts.pop("action", None)
    rows = [
        records.annotate(history_part=Value(kind, output_field=CharField()))
        .values_list("history_part", "history_id", "history_date")
        .order_by()  # simple-history orders its records; parts of a UNION may not be
        for kind, records in parts.items()
    ]
    combined = rows[0].union(*rows[1:], all=True).order_by("-history_date", "-history_id")
    found = paginate(combined, page)

    wanted: dict[str, list[int]] = {}
    for kind, history_id, _ in found.object_list:
        wanted.setdefault(kind, []).append(history_id)
    records = {}
    for kind, ids in wanted.items():
        related = ("history_user__person", *_PARTS[kind][2])
        for record in _with_previous(history[kind], ids).select_related(*related):
            records[kind, record.history_id] = record

    lines, deltas = [], []
    for kind, history_id, _ in found.object_list:
        record = records[kind, history_id]
        line = HistoryLine(
            when=record.history_date,
            who=_who(record.history_user),
            kind=record.history_type,
            what=_what(kind, record, meeting, items),
        )
        reason = getattr(record, "history_change_reason", None) or ""
        if not reason.startswith(OWNERS_CHANGED):  # owners are shown as a change
            line.reason = reason
        # An item's lines, its decisions' and its reviews' lead to that item's
        # own history (an action's line would seem to lead to the action).
        item_pk = record.id if kind == "item" else getattr(record, "item_id", None)
        linked = kind in ("item", "decision", "incident_review")
        if item is None and linked and item_pk in items and items[item_pk][2]:
            url = reverse("meeting-history", args=[meeting.committee.code, meeting.number])
            line.item_url = f"{url}?item={item_pk}"
        previous = records.get((kind, record.previous_id))
        if record.history_type == "~" and previous is not None:
            model, excluded, _ = _PARTS[kind]
            delta = record.diff_against(previous, excluded_fields=excluded)
            deltas.append((line, model, record, delta.changes))
        lines.append(line)

    described = describe(
        ((m, r, c) for _, m, r, c in deltas), namers=history_namers(), shorten=True
    )
    for (line, _, _, _), changes in zip(deltas, described, strict=True):
        line.changes = changes
    found.object_list = lines
    return MeetingHistory(page=found, item=item)


def _with_previous(history_model, ids: list[int]) -> QuerySet:
    """The records `ids` and, for each, the record of the same thing just
    before it (what a change is compared with), in one query."""
    earlier = (
        history_model.objects.filter(id=OuterRef("id"))
        .filter(
            Q(history_date__lt=OuterRef("history_date"))
            | Q(history_date=OuterRef("history_date"), history_id__lt=OuterRef("history_id"))
        )
        .order_by("-history_date", "-history_id")
        .values("history_id")[:1]
    )
    records = history_model.objects.annotate(previous_id=Subquery(earlier))
    before = records.filter(history_id__in=ids).values("previous_id")
    return records.filter(Q(history_id__in=ids) | Q(history_id__in=before))


def _who(user) -> str:
    return "System" if user is None else user_name(user)


def _what(kind: str, record, meeting: Meeting, items: dict) -> str:
    """Which part of the meeting a record is of, named as it is now where it
    still exists (an item's number and title), else as it was."""
    if kind == "meeting":
        return f"Meeting {meeting}"
    if kind == "attendance":
        return f"Attendance: {record.person.name if record.person else 'a person since removed'}"
    if kind == "action":
        return f"Action {record.reference}"
    if kind == "review":
        action = record.action.reference if record.action else "an action since deleted"
        return f"Review of {action}"
    item_pk = record.id if kind == "item" else record.item_id
    where = f"item {items[item_pk][0]}" if item_pk in items else "an item since deleted"
    if kind == "item":
        if item_pk in items:
            return f"Item {items[item_pk][0]}. {items[item_pk][1]}"
        return f"Item “{record.title}” (since deleted)"
    if kind == "decision":
        return f"Decision in {where}"
    incident = record.incident.reference if record.incident else "an incident since removed"
    return f"Incident review of {incident} in {where}"


# --- what awaits the secretary and the chair -----------------------------------------


@dataclass
class Awaiting:
    """What a committee's secretary or chair has to do next, for their front
    page: the secretary's drafts to finish or circulate, the owners' updates
    to accept, the open actions the next meeting has not reviewed; the
    chair's minutes to approve and to publish; for both, PDFs that failed."""

    drafts: list[Meeting] = field(default_factory=list)
    to_approve: list[Meeting] = field(default_factory=list)
    to_publish: list[Meeting] = field(default_factory=list)
    next_draft: Meeting | None = None
    unreviewed: int = 0
    pending_updates: int = 0
    failed_pdfs: list[MinutesDocument] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(
            self.drafts
            or self.to_approve
            or self.to_publish
            or self.unreviewed
            or self.pending_updates
            or self.failed_pdfs
        )


def awaiting(committee: Committee, *, secretary: bool, chair: bool) -> Awaiting | None:
    """What awaits a writer of `committee` (None for anyone else), in a
    fixed number of queries however many meetings or actions there are."""
    if not (secretary or chair):
        return None
    found = Awaiting()
    unfinished = (
        Meeting.objects.filter(
            committee=committee,
            status__in=[Meeting.Status.DRAFT, Meeting.Status.CIRCULATED, Meeting.Status.APPROVED],
        )
        .select_related("committee")
        .order_by("date", "number")
    )
    for meeting in unfinished:
        if meeting.status == Meeting.Status.DRAFT and secretary:
            found.drafts.append(meeting)
        elif meeting.status == Meeting.Status.CIRCULATED and chair:
            found.to_approve.append(meeting)
        elif meeting.status == Meeting.Status.APPROVED and chair:
            found.to_publish.append(meeting)
    if secretary and found.drafts:
        found.next_draft = found.drafts[-1]
        found.unreviewed = len(unreviewed_actions(found.next_draft))
        found.pending_updates = OwnerUpdate.objects.filter(
            state=OwnerUpdate.State.PENDING, action__committee=committee
        ).count()
    newer = MinutesDocument.objects.filter(
        meeting=OuterRef("meeting"), requested_at__gt=OuterRef("requested_at")
    )
    found.failed_pdfs = list(
        MinutesDocument.objects.filter(
            meeting__committee=committee, state=MinutesDocument.State.FAILED
        )
        .filter(~Exists(newer))
        .select_related("meeting__committee")
        .order_by("meeting__date")
    )
    return found


# --- comments on circulated minutes -----------------------------------------------


@dataclass
class ItemComments:
    item: AgendaItem
    comments: list[Comment]


def comments_page(user, meeting: Meeting, *, open_item: int | None = None) -> dict:
    """The comments the user may read on the minutes (minutes.access), under
    each item they may read, with each suggestion shown against the item's
    current text (stale when its words are gone). Three queries however
    many items and comments: the items, the comments, the committee's policy."""
    items = list(
        visible_items(user)
        .filter(meeting=meeting)
        .select_related("meeting__committee")
        .order_by("order", "id")
    )
    by_item = {item.pk: ItemComments(item=item, comments=[]) for item in items}
    comments = (
        visible_comments(user)
        .filter(item__meeting=meeting)
        .select_related("author__person", "decided_by__person")
        .order_by("created_at", "id")
    )
    for comment in comments:
        entry = by_item.get(comment.item_id)
        if entry is None:
            continue
        comment.item = entry.item  # the item as read above: no query per comment
        if comment.state == Comment.State.PROPOSED:
            comment.shown = suggestion_in_context(
                entry.item.narrative, comment.passage, comment.replacement
            )
        elif comment.is_suggestion:
            comment.shown = word_diff(comment.passage, comment.replacement)
        entry.comments.append(comment)
    policy = CommentPolicy.objects.filter(committee=meeting.committee_id).first()
    return {
        "meeting": meeting,
        "items": list(by_item.values()),
        "count": sum(len(entry.comments) for entry in by_item.values()),
        "open_to_members": bool(policy and policy.visible_to_members),
        "open_item": open_item,
    }


def item_comments(user, item: AgendaItem) -> ItemComments:
    """One item's comments as comments_page shows them (the htmx answer)."""
    page = comments_page(user, item.meeting)
    return next(entry for entry in page["items"] if entry.item.pk == item.pk)


def corrections_agreed(meeting: Meeting, *, reader: Reader) -> dict:
    """The suggestions accepted into the minutes this meeting approved, for
    its Previous Meeting Minutes item (else its first): "Corrections agreed:
    item N: '<old>' → '<new>' (suggested by X)". Only those on items the
    reader may read in the earlier minutes: one query when there are none;
    else two, and one more for a signed-in reader."""
    approved_here = Comment.objects.filter(
        state=Comment.State.ACCEPTED, item__meeting__approved_at_meeting=meeting
    )
    # Most meetings approve minutes without corrections: asked first with
    # the fewest joins, which costs less to plan than reading none with all.
    if not approved_here.exists():
        return {"corrections_agreed": [], "corrections_item": None}
    accepted = sorted(
        approved_here.select_related(
            "item__meeting__committee",
            "item__meeting__classification",
            "item__classification",
            "author__person",
        ).order_by(),  # sorted here, as for _IN_ORDER
        key=lambda c: (c.item.meeting.number, c.item.order, c.created_at, c.pk),
    )
    items = [comment.item for comment in accepted]
    readable = _earlier_items_readable(reader, items)
    shown = [comment for comment in accepted if comment.item_id in readable]
    for comment in shown:
        comment.author_name = user_name(comment.author)
    listed = list(meeting.items.all())
    under = next(
        (i for i in listed if i.standing == AgendaItem.Standing.PREVIOUS_MINUTES),
        listed[0] if listed else None,
    )
    return {"corrections_agreed": shown, "corrections_item": under.pk if under else None}


def _corrections(comments: list[Comment]) -> list[dict]:
    """The corrections agreed as the minutes' document (JSON, Word, the
    versions kept) carries them."""
    return [
        {
            "minutes": f"{c.item.meeting.committee.code} {c.item.meeting.number}",
            "item": c.item.number,
            "passage": c.passage,
            "replacement": c.replacement,
            "suggested_by": c.author_name,
        }
        for c in comments
    ]


def _earlier_items_readable(reader: Reader, items: list[AgendaItem]) -> set[int]:
    """Of items of other (earlier) minutes, those the reader of this page
    may read: a user by the whole rule (those minutes may not be theirs to
    see); a document's audience by its rule for items and for the earlier
    minutes' own classification."""
    user = getattr(reader, "user", None)
    if user is not None:
        pks = [item.pk for item in items]
        return set(visible_items(user).filter(pk__in=pks).values_list("pk", flat=True))
    admits = getattr(reader, "admits", None)
    readable = reader.readable(items)
    if admits is None:
        return readable
    return {
        item.pk for item in items if item.pk in readable and admits(item.meeting.classification)
    }
