"""Writes to meetings and their minutes. Each function is atomic, validates,
and raises ValidationError when a rule of the minutes' lifecycle is broken."""

import logging
from collections.abc import Callable

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from simple_history.utils import bulk_create_with_history

from opsg.concurrency import claim_version
from opsg.history import save_by

from .models import (
    AgendaItem,
    Attendance,
    Classification,
    Committee,
    CommitteeRole,
    Meeting,
    NextMeeting,
    Organisation,
    Person,
)
from .selectors import previous_meeting
from .tasks import send_circulation_task

logger = logging.getLogger(__name__)


# --- setting up a meeting -----------------------------------------------------

STANDING_ITEMS = [
    (AgendaItem.Standing.PREVIOUS_MINUTES, "Previous Meeting Minutes"),
    (AgendaItem.Standing.ACTIONS_OUTSTANDING, "Actions Outstanding"),
    (AgendaItem.Standing.AOB, "Any Other Business"),
]
CHAIR_CATEGORY = "Chair"


def meeting_defaults(committee: Committee) -> dict:
    """What "New meeting" pre-fills: the next number, the date announced at the
    last meeting, the usual location and the classification last used."""
    last = committee.meetings.order_by("-number").first()
    defaults = {
        "number": (last.number + 1) if last else 1,
        "kind": Meeting.Kind.MAIN,
        "location": committee.usual_location,
        "start_time": last.start_time if last else None,
        "end_time": last.end_time if last else None,
    }
    if last:
        announced = last.next_meetings.order_by("date").first()
        defaults["date"] = announced.date if announced else None
        defaults["classification"] = last.classification
    else:
        defaults["classification"] = Classification.objects.order_by("-effective_from").first()
    return defaults


@transaction.atomic
def meeting_create(*, committee: Committee, by=None, next_meeting_date=None, **fields) -> Meeting:
    """A new draft meeting with its expected attendees (the committee's chair
    and members) and the standing agenda items, all editable afterwards."""
    if Meeting.objects.filter(committee=committee, number=fields.get("number")).exists():
        raise ValidationError(f"{committee.code} already has a meeting {fields.get('number')}.")
    meeting = Meeting(committee=committee, **fields)
    meeting.full_clean(exclude=["committee"])
    save_by(meeting, by)
    if next_meeting_date:
        NextMeeting.objects.create(meeting=meeting, date=next_meeting_date)
    roles = sorted(
        CommitteeRole.objects.filter(
            committee=committee, role__in=[CommitteeRole.Role.CHAIR, CommitteeRole.Role.MEMBER]
        ).select_related("person"),
        # The chair first, then members by category, as the minutes list them.
        key=lambda r: (r.role != CommitteeRole.Role.CHAIR, r.category, r.person.name),
    )
    seen = set()
    for order, role in enumerate(roles):
        if role.person_id in seen:
            continue
        seen.add(role.person_id)
        category = (
            f"{committee.name} Chair" if role.role == CommitteeRole.Role.CHAIR else role.category
        )
        Attendance.objects.create(
            meeting=meeting,
            person=role.person,
            section=Attendance.Section.MEMBER,
            category=category,
            order=order,
        )
    for order, (standing, title) in enumerate(STANDING_ITEMS, start=1):
        AgendaItem.objects.create(
            meeting=meeting, number=str(order), title=title, standing=standing, order=order * 10
        )
    return meeting


# What a calendar shows of a meeting: a change to any is a new SEQUENCE.
SCHEDULE_FIELDS = ("date", "start_time", "end_time", "location", "is_teleconference")


@transaction.atomic
def meeting_update(
    *, meeting: Meeting, expected_version: int | None, next_meeting_date=None, **fields
) -> Meeting:
    meeting.check_writable()
    claim_version(meeting, expected_version)
    schedule = [getattr(meeting, name) for name in SCHEDULE_FIELDS]
    for name, value in fields.items():
        setattr(meeting, name, value)
    if [getattr(meeting, name) for name in SCHEDULE_FIELDS] != schedule:
        meeting.schedule_sequence += 1  # a calendar event that changed (actions.ical)
    meeting.full_clean()
    meeting.save()
    meeting.next_meetings.filter(kind=Meeting.Kind.MAIN).delete()
    if next_meeting_date:
        NextMeeting.objects.create(meeting=meeting, date=next_meeting_date)
    return meeting


# --- attendance --------------------------------------------------------------


@transaction.atomic
def person_create(*, name: str, organisation: Organisation | None) -> Person:
    name = " ".join(name.split())
    if not name:
        raise ValidationError("Give the person's name.")
    person, _ = Person.objects.get_or_create(name=name, organisation=organisation)
    return person


@transaction.atomic
def attendance_add(
    *,
    meeting: Meeting,
    person: Person | None,
    section: str,
    category: str = "",
    represents: str = "",
    new_name: str = "",
    organisation: Organisation | None = None,
) -> Attendance:
    """List `person`, or a new person called `new_name` (of `organisation`)
    made with the line: a new person is kept only if listed."""
    meeting.check_writable()
    person = person or person_create(name=new_name, organisation=organisation)
    existing = meeting.attendance.filter(person=person).first()
    if existing:
        listed = existing.get_section_display().lower()
        raise ValidationError(f"{person.name} is already listed ({listed}).")
    if section == Attendance.Section.MEMBER and not category:
        role = CommitteeRole.objects.filter(
            committee=meeting.committee, person=person, role=CommitteeRole.Role.MEMBER
        ).first()
        category = role.category if role else ""
    if section != Attendance.Section.MEMBER and not represents and person.organisation_id:
        represents = person.organisation.short_name
    if section == Attendance.Section.APOLOGY and not represents:
        represents = category  # as in attendance_update
    last = meeting.attendance.filter(section=section).order_by("-order").first()
    line = Attendance(
        meeting=meeting,
        person=person,
        section=section,
        category=category,
        represents=represents,
        order=(last.order + 1) if last else 0,
    )
    # The fields' own rules; the meeting and person are the rows in hand, the
    # person is not yet listed (above), and a new line carries no marks for
    # the table's constraints to refuse.
    line.full_clean(
        exclude=["meeting", "person"], validate_unique=False, validate_constraints=False
    )
    line.save()
    return line


@transaction.atomic
def attendance_copy_previous(*, meeting: Meeting) -> tuple[Meeting | None, list[Attendance]]:
    """The committee's previous meeting's attendance, into this draft: each
    person not yet listed, in the same list with the same category, body and
    role, after those already there. The marks of that day (alternate,
    teleconference, part) are not copied: they are this meeting's to say.
    Returns (the previous meeting, the lines added), in a fixed number of
    queries however many people."""
    meeting.check_writable()
    # One copy at a time (a second click waits, then finds everyone listed).
    Meeting.objects.select_for_update().filter(pk=meeting.pk).first()
    previous = previous_meeting(meeting)
    if previous is None:
        raise ValidationError("This is the committee's first meeting: there is none to copy from.")
    listed = set(meeting.attendance.values_list("person_id", flat=True))
    last = {
        section: order
        for section, order in meeting.attendance.values_list("section").annotate(Max("order"))
    }
    lines = []
    for line in previous.attendance.order_by("section", "order", "id"):
        if line.person_id in listed:
            continue
        listed.add(line.person_id)
        last[line.section] = last.get(line.section, -1) + 1
        lines.append(
            Attendance(
                meeting=meeting,
                person_id=line.person_id,
                section=line.section,
                category=line.category,
                represents=line.represents,
                role=line.role,
                order=last[line.section],
            )
        )
    return previous, bulk_create_with_history(lines, Attendance)


@transaction.atomic
def attendance_update(
    *, line: Attendance, expected_version: int | None = None, **fields
) -> Attendance:
    """Change a person's marks or move them between the three lists. Marks of
    presence are dropped when someone becomes an apology. A save drawn from
    an older version of the line is refused (EditConflict)."""
    line.meeting.check_writable()
    claim_version(line, expected_version)
    if fields.get("section") == Attendance.Section.APOLOGY and not (
        fields.get("represents") or line.represents
    ):
        # An apology is listed by the body represented; a member's category stands in.
        fields["represents"] = fields.get("category") or line.category
    for name, value in fields.items():
        setattr(line, name, value)
    if line.section == Attendance.Section.APOLOGY:
        line.is_alternate = line.remote = line.part = False
        line.items = ""
        line.alternate_for = None
    if not line.part:
        line.items = ""
    if line.alternate_for_id == line.person_id:
        raise ValidationError("A person cannot be their own alternate.")
    line.full_clean(exclude=["meeting", "person"])  # whose line it is does not change
    line.save()
    return line


@transaction.atomic
def attendance_remove(*, line: Attendance) -> None:
    line.meeting.check_writable()
    line.delete()


@transaction.atomic
def attendance_move(*, line: Attendance, offset: int) -> None:
    """Move a person up (-1) or down (+1) within their list."""
    _attendance_place(line, lambda index: index + offset)


@transaction.atomic
def attendance_move_to(*, line: Attendance, position: int) -> None:
    """Put a person at `position` (0-based) in their list, as dragging does."""
    _attendance_place(line, lambda index: position)


def _attendance_place(line: Attendance, target: Callable[[int], int]) -> None:
    """Move `line` to `target(its index)` in its list; a place outside the
    list leaves the order alone."""
    line.meeting.check_writable()
    lines = list(line.meeting.attendance.filter(section=line.section).order_by("order", "id"))
    index = next(i for i, other in enumerate(lines) if other.pk == line.pk)
    position = target(index)
    if not 0 <= position < len(lines) or position == index:
        return
    lines.insert(position, lines.pop(index))
    for order, other in enumerate(lines):
        if other.order != order:
            Attendance.objects.filter(pk=other.pk).update(order=order)


# --- agenda items ------------------------------------------------------------


# --- decisions ---------------------------------------------------------------


# --- the circulation email -------------------------------------------------------


def queue_circulation_email(meeting_id: int, kind: str = "circulated") -> None:
    """Hand the notice of `kind` (meetings/circulation.py: circulated,
    approved, published) to the worker (in-process without REDIS_URL). The
    change of status is committed by now and stands whatever happens here: a
    broker that is down is logged, and the emails, claimed with the change,
    are sent by the periodic sweep (circulation.send_pending_circulations) a
    few minutes later."""
    try:
        send_circulation_task.delay(meeting_id, kind)
    except Exception:
        logger.exception("The %s notice of meeting %s could not be queued", kind, meeting_id)
