"""Writes to meetings and their minutes. Each function is atomic, validates,
and raises ValidationError when a rule of the minutes' lifecycle is broken."""

import hashlib
import logging
import re
import uuid
from collections.abc import Callable
from contextlib import contextmanager
from functools import partial
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import F, Max
from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from opsg.concurrency import claim_version
from opsg.history import save_by

from .agenda_notice import claim_agenda_notice
from .models import (
    PAPERS_PER_ITEM,
    Agenda,
    AgendaEntry,
    AgendaItem,
    AgendaPack,
    Attendance,
    Classification,
    Committee,
    CommitteeRole,
    Meeting,
    NextMeeting,
    Organisation,
    Paper,
    PaperVersion,
    Person,
)
from .papers import paper_kind
from .selectors import previous_meeting
from .tasks import build_agenda_pack_task, send_agenda_notice_task, send_circulation_task

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


# --- the agenda and papers before a meeting -------------------------------------------


def _agenda_of(meeting: Meeting) -> Agenda:
    agenda, _ = Agenda.objects.get_or_create(meeting=meeting)
    return agenda


def _agenda_changed(agenda: Agenda) -> None:
    """A change to the agenda or a paper: any pack built is stale; once the
    agenda is published, members get a pack rebuilt."""
    Agenda.objects.filter(pk=agenda.pk).update(version=F("version") + 1)
    agenda.refresh_from_db(fields=["version"])
    if agenda.is_published:
        agenda_pack_request(agenda=agenda)


def _entry_fields(meeting: Meeting, number: str, title: str, entry_pk=None) -> tuple[str, str]:
    number, title = number.strip().rstrip("."), title.strip()
    if not title:
        raise ValidationError("Give the item a title.")
    if not re.fullmatch(r"\d{1,3}(\.\d{1,3})?", number):
        raise ValidationError(f'"{number}" is not an item number such as "3" or "3.1".')
    taken = AgendaEntry.objects.filter(meeting=meeting, number=number).exclude(pk=entry_pk)
    if taken.exists():
        raise ValidationError(f"The agenda already has an item {number}.")
    return number, title


@transaction.atomic
def agenda_entry_add(
    *,
    meeting: Meeting,
    number: str,
    title: str,
    purpose: str = AgendaEntry.Purpose.DISCUSSION,
    presenter: str = "",
    confidential: bool = False,
    classification: Classification | None = None,
) -> AgendaEntry:
    """An item on the agenda of `meeting`, numbered by the secretary ("3", "3.1")."""
    agenda = _agenda_of(meeting)
    number, title = _entry_fields(meeting, number, title)
    entry = AgendaEntry(
        meeting=meeting,
        number=number,
        title=title,
        purpose=purpose,
        presenter=presenter.strip(),
        confidential=confidential,
        classification=classification,
        sort_key=AgendaEntry.key_of(number),
    )
    entry.full_clean()
    entry.save()
    _agenda_changed(agenda)
    return entry


@transaction.atomic
def agenda_entry_update(*, entry: AgendaEntry, **fields) -> AgendaEntry:
    """Change an agenda item's number, title, purpose, presenter or classification."""
    number, title = _entry_fields(
        entry.meeting,
        fields.pop("number", entry.number),
        fields.pop("title", entry.title),
        entry.pk,
    )
    entry.number, entry.title, entry.sort_key = number, title, AgendaEntry.key_of(number)
    for name, value in fields.items():
        setattr(entry, name, value.strip() if isinstance(value, str) else value)
    entry.full_clean()
    entry.save()
    _agenda_changed(_agenda_of(entry.meeting))
    return entry


@transaction.atomic
def agenda_entry_delete(*, entry: AgendaEntry) -> None:
    """Take an item off the agenda; a paper already circulated with it keeps
    the item on: members may have read it."""
    if entry.papers.exists():
        raise ValidationError(
            f"Item {entry.number} has papers, which members may have read: it stays on the "
            "agenda. Change its title instead."
        )
    agenda = _agenda_of(entry.meeting)
    entry.delete()
    _agenda_changed(agenda)


@transaction.atomic
def agenda_publish(*, meeting: Meeting, by) -> Agenda:
    """Publish the agenda to the committee's members (again, after a change:
    each publication is announced). Each reader is emailed through the
    worker, claimed here so the emails owed are on record when this commits;
    the meeting pack is built; a meeting with no items yet takes the agenda
    as the skeleton of its minutes."""
    agenda = _agenda_of(meeting)
    if not meeting.agenda_entries.exists():
        raise ValidationError("Add at least one item before publishing the agenda.")
    agenda.published_at, agenda.published_by = timezone.now(), by
    agenda.save(update_fields=["published_at", "published_by"])
    claim_agenda_notice(agenda)
    transaction.on_commit(partial(queue_agenda_notice, meeting.pk))
    if not meeting.items.exists() and not meeting.is_frozen:
        agenda_to_minutes(meeting=meeting)
    agenda_pack_request(agenda=agenda)
    return agenda


def queue_agenda_notice(meeting_id: int) -> None:
    """Hand the agenda's notice to the worker; a broker that is down is
    logged; the emails stay claimed (AgendaEmail) for a later run of the job."""
    try:
        send_agenda_notice_task.delay(meeting_id)
    except Exception:
        logger.exception("The agenda notice of meeting %s could not be queued", meeting_id)


@transaction.atomic
def agenda_to_minutes(*, meeting: Meeting) -> list[AgendaItem]:
    """The agenda as the skeleton of the minutes: each agenda item becomes
    an item of the minutes with the same number, title, confidence and
    classification. An item the minutes already have under that number is
    left as it is, whatever it says. Returns the items made."""
    meeting.check_writable()
    have = dict(meeting.items.values_list("number", "order"))
    top_order = max(have.values(), default=0)
    made = []
    for entry in meeting.agenda_entries.order_by("sort_key", "id"):
        if entry.number in have:
            continue
        top_order += 10
        made.append(
            AgendaItem(
                meeting=meeting,
                number=entry.number,
                title=entry.title,
                confidential=entry.confidential,
                classification=entry.classification,
                order=top_order,
            )
        )
    if made:
        bulk_create_with_history(made, AgendaItem)
        # In the minutes' order of numbers, the new items among the old.
        items = sorted(meeting.items.all(), key=lambda i: AgendaEntry.key_of(i.number))
        for order, item in enumerate(items):
            item.order = order * 10
        AgendaItem.objects.bulk_update(items, ["order"])
    return list(meeting.items.filter(number__in=[i.number for i in made]))


@contextmanager
def _stored_files():
    """Files stored inside the block are removed should it fail (its
    transaction rolled back): nothing half-written remains."""
    stored: list[str] = []
    try:
        yield stored
    except BaseException:
        for name in stored:
            default_storage.delete(name)
        raise


def paper_add(*, entry: AgendaEntry, upload, by, title: str = "") -> Paper:
    """A paper for an agenda item, from an uploaded PDF, Word or Excel file
    (meetings/papers.py: judged by content). At most PAPERS_PER_ITEM papers
    an item."""
    with _stored_files() as stored, transaction.atomic():
        if entry.papers.count() >= PAPERS_PER_ITEM:
            raise ValidationError(
                f"Item {entry.number} has {PAPERS_PER_ITEM} papers already, the most an item "
                "may have. Replace one with a new version instead."
            )
        kind = paper_kind(upload)
        name = _upload_name(upload)
        paper = Paper.objects.create(
            entry=entry, title=(title.strip() or name)[:300], created_at=timezone.now()
        )
        _paper_version_store(paper, upload, kind=kind, name=name, by=by, stored=stored)
        _agenda_changed(_agenda_of(entry.meeting))
    return paper


def paper_replace(*, paper: Paper, upload, by) -> PaperVersion:
    """A new version of a paper; the earlier versions are kept and still
    downloadable by the same readers."""
    with _stored_files() as stored, transaction.atomic():
        kind = paper_kind(upload)
        version = _paper_version_store(
            paper, upload, kind=kind, name=_upload_name(upload), by=by, stored=stored
        )
        _agenda_changed(_agenda_of(paper.entry.meeting))
    return version


def _upload_name(upload) -> str:
    return Path(upload.name or "paper").name[:255] or "paper"


def _paper_version_store(
    paper: Paper, upload, *, kind: str, name: str, by, stored: list[str]
) -> PaperVersion:
    """Store the file under a name of our own (listed in `stored`), then its row."""
    number = (paper.versions.aggregate(n=Max("number"))["n"] or 0) + 1
    digest = hashlib.sha256()
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    meeting = paper.entry.meeting
    version = PaperVersion(
        paper=paper,
        number=number,
        name=name,
        kind=kind,
        size=upload.size,
        sha256=digest.hexdigest(),
        uploaded_at=timezone.now(),
        uploaded_by=by,
    )
    own_name = f"{meeting.committee.code}_{meeting.number}_{uuid.uuid4().hex}.{kind}"
    version.file.save(own_name, upload, save=False)
    stored.append(version.file.name)
    version.save()
    return version


# --- the meeting pack ------------------------------------------------------------------

PackState = AgendaPack.State


def agenda_pack_request(*, agenda: Agenda, enqueue: bool = True) -> AgendaPack:
    """The pack of the agenda as it is now: the build under way or done for
    this version, or a new one queued when this transaction commits."""
    with transaction.atomic():
        agenda = Agenda.objects.select_for_update().get(pk=agenda.pk)
        pack = agenda.packs.filter(
            agenda_version=agenda.version,
            state__in=[PackState.PENDING, PackState.BUILDING, PackState.DONE],
        ).first()
        if pack is not None and not pack.is_stuck:
            return pack
        if pack is not None:  # its worker died: a fresh start under a new task id
            pack.state, pack.started_at, pack.attempts = PackState.PENDING, None, 0
            pack.task_id, pack.requested_at = str(uuid.uuid4()), timezone.now()
            pack.save(update_fields=["state", "started_at", "attempts", "task_id", "requested_at"])
        else:
            pack = AgendaPack.objects.create(
                agenda=agenda,
                agenda_version=agenda.version,
                requested_at=timezone.now(),
                task_id=str(uuid.uuid4()),
                progress="Waiting for a worker",
            )
        if enqueue:
            transaction.on_commit(partial(queue_agenda_pack, pack.pk, pack.task_id))
    return pack


def queue_agenda_pack(pack_id: int, task_id: str) -> None:
    try:
        build_agenda_pack_task.apply_async(args=[pack_id], task_id=task_id)
    except Exception as exc:
        logger.exception("Meeting pack %s: could not queue the build (%s)", pack_id, exc)
        AgendaPack.objects.filter(pk=pack_id, state=PackState.PENDING).update(
            state=PackState.FAILED,
            error="The build could not be queued: the background worker could not be "
            "reached. Try again in a minute.",
        )
