"""Reads of committees, meetings and minutes. Selectors own the joins and
prefetches, so the page, the JSON document and the PDF share one query plan."""

from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db.models import Prefetch, Q, QuerySet

from actions.models import Action, ActionOwner, ActionReview
from incidents.models import IncidentReview

from .access import (
    can_see_meeting,
    roles_for,
    visible_decisions,
    visible_items,
    visible_meetings,
)
from .markdown import INCIDENT_MENTION
from .models import (
    AgendaItem,
    Attendance,
    Committee,
    Decision,
    Meeting,
    MinutesDocument,
    Modification,
    Organisation,
    Person,
)

if TYPE_CHECKING:  # meetings.filters reads actions.filters, which reads this module
    from .filters import DecisionFilter

_OWNERS = Prefetch("owners", queryset=ActionOwner.objects.select_related("organisation", "person"))


def committees_for_user(user) -> QuerySet[Committee]:
    if user.is_authenticated and user.is_staff:
        return Committee.objects.all()
    if not user.is_authenticated:
        return Committee.objects.none()
    return Committee.objects.filter(roles__person__user=user).distinct()


def meetings_for_committee(user, committee: Committee) -> list[Meeting]:
    """Meetings of a committee the user may see, newest first."""
    meetings = (
        Meeting.objects.filter(committee=committee)
        .select_related("committee", "classification")
        .order_by("-number")
    )
    roles_for(user, committee)  # one query, cached for the checks below
    return [m for m in meetings if can_see_meeting(user, m)]


def open_actions_for_committee(committee: Committee) -> QuerySet[Action]:
    return (
        Action.objects.filter(committee=committee, status=Action.Status.OPEN)
        .select_related("committee")
        .prefetch_related(_OWNERS)
        .order_by("meeting_number", "confidential", "sequence")
    )


def minutes_for_meeting(meeting: Meeting) -> Meeting:
    """The meeting with everything its minutes show, in a fixed number of queries."""
    items = AgendaItem.objects.filter(meeting=meeting).prefetch_related(
        Prefetch("decisions", queryset=Decision.objects.order_by("order", "id")),
        Prefetch(
            "actions",
            queryset=Action.objects.prefetch_related(_OWNERS).order_by("confidential", "sequence"),
        ),
        Prefetch(
            "incident_reviews",
            queryset=IncidentReview.objects.select_related("incident"),
        ),
    )
    return (
        Meeting.objects.select_related("committee", "classification", "approved_at_meeting")
        .prefetch_related(
            Prefetch(
                "attendance",
                queryset=Attendance.objects.select_related("person", "alternate_for").order_by(
                    "order", "id"
                ),
            ),
            Prefetch("items", queryset=items.order_by("order", "id")),
            Prefetch(
                "action_reviews",
                queryset=ActionReview.objects.select_related("action").prefetch_related(
                    Prefetch("action__owners", queryset=_OWNERS.queryset)
                ),
            ),
            "next_meetings",
            "revisions",
        )
        .get(pk=meeting.pk)
    )


def minutes_page(meeting: Meeting) -> dict:
    """What meetings/minutes.html needs to show the minutes, read fresh: the
    same for the page and for the PDF (meetings.pdf.minutes_source)."""
    meeting = minutes_for_meeting(meeting)
    return {
        "meeting": meeting,
        "attendance": attendance_lists(meeting),
        "reviews": reviews_in_order(meeting),
        # The reviews table sits in the Actions Outstanding item, or after the items.
        "reviews_in_item": any(
            item.standing == AgendaItem.Standing.ACTIONS_OUTSTANDING for item in meeting.items.all()
        ),
    }


def attendance_lists(meeting: Meeting) -> dict[str, list[Attendance]]:
    lists = {section: [] for section in Attendance.Section.values}
    for line in meeting.attendance.all():
        lists[line.section].append(line)
    return lists


def actions_raised(meeting: Meeting) -> list[Action]:
    return [action for item in meeting.items.all() for action in item.actions.all()]


def reviews_in_order(meeting: Meeting) -> list[ActionReview]:
    return sorted(meeting.action_reviews.all(), key=lambda r: (r.order, r.pk))


def incidents_mentioned(meeting: Meeting) -> list[str]:
    """Incidents reviewed at the meeting or named anywhere in its narrative."""
    found = set()
    for item in meeting.items.all():
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


def minutes_document(meeting: Meeting) -> dict:
    """The minutes as a plain JSON-ready dict. The shape is documented in the
    README ("Minutes as JSON"); change both together."""
    meeting = minutes_for_meeting(meeting)
    lists = attendance_lists(meeting)
    classification = meeting.classification
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
        "items": [
            {
                "number": item.number,
                "title": item.title,
                "narrative": item.narrative,
                "post_meeting_note": item.post_meeting_note or None,
                "confidential": item.confidential,
                "decisions": [
                    {"verb": d.verb, "text": d.text, "points": d.points}
                    for d in item.decisions.all()
                ],
                "actions": [action.reference for action in item.actions.all()],
            }
            for item in meeting.items.all()
        ],
        "actions_raised": [
            {
                "reference": action.reference,
                "owners": action.owner_names(),
                "text": action.text,
                "raised_on": _date(action.raised_on),
                "target_date": _date(action.target_date),
                "target_note": action.target_note or None,
            }
            for action in actions_raised(meeting)
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
            for review in reviews_in_order(meeting)
        ],
        "incidents": incidents_mentioned(meeting),
        "next_meetings": [
            {"kind": nxt.kind, "date": _date(nxt.date)} for nxt in meeting.next_meetings.all()
        ],
    }


def people_for_attendance(meeting: Meeting) -> list[Person]:
    """Everyone who could be named as an alternate's member, in name order."""
    return list(Person.objects.select_related("organisation").order_by("name"))


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


def minutes_pdf_current(meeting: Meeting, source=None) -> MinutesDocument | None:
    """The stored PDF that shows the minutes as they are now, or None. For
    published minutes that is the PDF issued for their version, whatever has
    changed in the templates since; otherwise one rendered from exactly the
    HTML and stylesheets the minutes would print with now (`source`, from
    meetings.pdf.minutes_source, when the caller has it already)."""
    done = MinutesDocument.objects.filter(
        meeting=meeting, state=MinutesDocument.State.DONE
    ).select_related("meeting__committee")
    if meeting.status == Meeting.Status.PUBLISHED:
        issued = done.filter(
            minutes_version=meeting.version, minutes_status=Meeting.Status.PUBLISHED
        ).first()
        if issued is not None:
            return issued
    if source is None:
        from .pdf import minutes_source

        source = minutes_source(meeting)
    return (
        done.filter(
            minutes_version=source.version,
            minutes_status=source.status,
            source_sha256=source.sha256,
        )
        .order_by("-rendered_at")
        .first()
    )


@dataclass
class PdfStatus:
    """What the PDF page shows: the up-to-date PDF, or how the last request went."""

    current: MinutesDocument | None
    latest: MinutesDocument | None

    @property
    def in_progress(self) -> bool:
        return (
            self.latest is not None
            and self.latest.state
            in (MinutesDocument.State.PENDING, MinutesDocument.State.RENDERING)
            and not self.latest.is_stuck
        )

    @property
    def failed(self) -> bool:
        return (
            self.current is None
            and self.latest is not None
            and (self.latest.state == MinutesDocument.State.FAILED or self.latest.is_stuck)
        )


def minutes_pdf_status(meeting: Meeting) -> PdfStatus:
    """While a render is under way only the latest request is read (the page
    polls every second); otherwise whether a stored PDF is up to date."""
    latest = (
        MinutesDocument.objects.filter(meeting=meeting)
        .select_related("meeting__committee", "requested_by")
        .order_by("-requested_at", "-id")
        .first()
    )
    status = PdfStatus(current=None, latest=latest)
    if status.in_progress:
        return status
    status.current = minutes_pdf_current(meeting)
    return status


# --- the decisions register ---------------------------------------------------------


@dataclass
class DecisionRegister:
    filterset: "DecisionFilter"
    decisions: QuerySet[Decision]


def decision_register(user, data) -> DecisionRegister:
    """Every decision the user may read (access.visible_decisions), filtered
    by the query string, newest first."""
    from .filters import DecisionFilter

    decisions = visible_decisions(user).select_related("item__meeting__committee")
    committees = Committee.objects.filter(meetings__in=visible_meetings(user)).distinct()
    filterset = DecisionFilter(data, queryset=decisions, committees=committees.order_by("code"))
    return DecisionRegister(filterset=filterset, decisions=filterset.qs)


def modification_mentions(user, modification: Modification) -> dict:
    """What the minutes the user may read say about a modification: the
    agenda items, decisions and actions that name it."""
    from actions.access import visible_actions  # actions.access reads this module

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
