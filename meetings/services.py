"""Writes to meetings and their minutes. Each function is atomic, validates,
and raises ValidationError when a rule of the minutes' lifecycle is broken."""

import datetime
import logging
import uuid
from collections.abc import Callable
from functools import partial
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone

from incidents.services import incident_mentions_refresh
from opsg.concurrency import claim_version

from .circulation import claim_circulation
from .models import (
    RENDER_ATTEMPTS,
    RENDER_STALE_AFTER,
    AgendaItem,
    Attendance,
    Classification,
    Committee,
    CommitteeRole,
    Decision,
    Meeting,
    MinutesDocument,
    MinutesRevision,
    NextMeeting,
    Organisation,
    Person,
)


def _advance(meeting: Meeting, expected_version: int | None) -> None:
    """Bump the version, refusing a save drawn from an older one."""
    claim_version(meeting, expected_version)


def _save_by(instance, by) -> None:
    """Save, naming `by` in the record's history. A web request names its
    user anyway (simple-history's HistoryRequestMiddleware); a command, a
    task or the shell would leave the change to no one."""
    if by is None:
        instance.save()
        return
    instance._history_user = by
    try:
        instance.save()
    finally:
        del instance._history_user


@transaction.atomic
def minutes_circulate(
    *,
    meeting: Meeting,
    by,
    expected_version: int | None = None,
    at: datetime.datetime | None = None,
) -> Meeting:
    """`at`: when they went out, for minutes imported long after (default: now).
    Circulated now, everyone who may read them is emailed the link
    (meetings/circulation.py) once this transaction commits."""
    if at is not None and timezone.is_naive(at):
        raise ValueError("minutes_circulate(at=…) needs an aware datetime.")
    if meeting.status != Meeting.Status.DRAFT:
        raise ValidationError("Only draft minutes can be circulated.")
    _advance(meeting, expected_version)
    meeting.status = Meeting.Status.CIRCULATED
    meeting.circulated_at = at or timezone.now()
    meeting.circulated_by = by
    _save_by(meeting, by)
    # An `at` is a historical circulation (the importer passes one for every
    # document): those minutes went out long ago, by other means, so nobody
    # is emailed about them now. Ids only: the worker reads the meeting anew.
    if at is None:
        # The emails owed go on record with the circulation; the worker sends
        # them, or failing that the sweep (circulation.send_pending_circulations).
        claim_circulation(meeting)
        transaction.on_commit(partial(queue_circulation_email, meeting.pk), robust=True)
    return meeting


@transaction.atomic
def minutes_approve(*, meeting: Meeting, at_meeting: Meeting | None, by) -> Meeting:
    """Approval is a decision of a later meeting of the same committee, or the
    chair's own approval between meetings (at_meeting None). A later meeting's
    approval is written into its Previous Meeting Minutes item while that is a draft."""
    if meeting.status != Meeting.Status.CIRCULATED:
        raise ValidationError("Minutes are approved once they have been circulated.")
    if at_meeting is not None and (
        at_meeting.committee_id != meeting.committee_id or at_meeting.date <= meeting.date
    ):
        raise ValidationError("Minutes are approved at a later meeting of the same committee.")
    _advance(meeting, None)
    meeting.status = Meeting.Status.APPROVED
    meeting.approved_at = timezone.now()
    meeting.approved_by = by
    meeting.approved_at_meeting = at_meeting
    if meeting.record is not None and meeting.record.previous_status == Meeting.Status.APPROVED:
        meeting.record = None  # readers now have the corrected minutes
    _save_by(meeting, by)
    if at_meeting is not None and not at_meeting.is_frozen:
        item = at_meeting.items.filter(standing=AgendaItem.Standing.PREVIOUS_MINUTES).first()
        text = f"that the minutes of {meeting.reference} would be published as final."
        if item and not item.decisions.filter(text=text).exists():
            decision_save(item=item, verb=Decision.Verb.AGREED, text=text, points=[])
    return meeting


@transaction.atomic
def minutes_publish(*, meeting: Meeting, by) -> Meeting:
    if meeting.status != Meeting.Status.APPROVED:
        raise ValidationError("Only approved minutes can be published.")
    _advance(meeting, None)
    meeting.status = Meeting.Status.PUBLISHED
    meeting.published_at = timezone.now()
    meeting.published_by = by
    meeting.record = None  # the corrected minutes replace the version kept online
    _save_by(meeting, by)
    return meeting


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
    _save_by(meeting, by)
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


@transaction.atomic
def meeting_update(
    *, meeting: Meeting, expected_version: int | None, next_meeting_date=None, **fields
) -> Meeting:
    meeting.check_writable()
    claim_version(meeting, expected_version)
    for name, value in fields.items():
        setattr(meeting, name, value)
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
    *, meeting: Meeting, person: Person, section: str, category: str = "", represents: str = ""
) -> Attendance:
    meeting.check_writable()
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
    line.full_clean()
    line.save()
    return line


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
    line.full_clean()
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


def _ordered_items(meeting: Meeting) -> list[AgendaItem]:
    return list(meeting.items.order_by("order", "id"))


def _write_numbers(meeting: Meeting, items: list[AgendaItem]) -> None:
    """Number items 1, 2, 3 … and sub-items 3.1, 3.2 … in their order. Numbers
    are unique per meeting, so they pass through temporary values first."""
    numbers, top, sub = [], 0, 0
    for item in items:
        if item.depth == 0 or top == 0:
            top, sub = top + 1, 0
            numbers.append(str(top))
        else:
            sub += 1
            numbers.append(f"{top}.{sub}")
    for order, item in enumerate(items):
        AgendaItem.objects.filter(pk=item.pk).update(number=f"tmp{item.pk}", order=order * 10)
    for order, (item, number) in enumerate(zip(items, numbers, strict=True)):
        AgendaItem.objects.filter(pk=item.pk).update(number=number, order=order * 10)
        item.number, item.order = number, order * 10


@transaction.atomic
def item_add(*, meeting: Meeting, title: str, sub_of: AgendaItem | None = None) -> AgendaItem:
    """Add an item at the end, or a sub-item at the end of `sub_of`'s sub-items;
    everything after it is renumbered."""
    meeting.check_writable()
    title = title.strip()
    if not title:
        raise ValidationError("Give the item a title.")
    items = _ordered_items(meeting)
    item = AgendaItem(meeting=meeting, title=title, number="999", order=0)
    if sub_of is None:
        position = len(items)
        # New items go before Any Other Business while it is the last item.
        aob = next((i for i, o in enumerate(items) if o.standing == AgendaItem.Standing.AOB), None)
        if aob is not None and all(o.depth > 0 for o in items[aob + 1 :]):
            position = aob
    else:
        parent_top = sub_of.number.split(".")[0]
        position = (
            max(i for i, other in enumerate(items) if other.number.split(".")[0] == parent_top) + 1
        )
        item.number = f"{parent_top}.999"
    item.save()
    items.insert(position, item)
    _write_numbers(meeting, items)
    incident_mentions_refresh(item=item)  # a title may name an incident
    return item


@transaction.atomic
def item_update(*, item: AgendaItem, expected_version: int | None, **fields) -> AgendaItem:
    item.meeting.check_writable()
    claim_version(item, expected_version)
    for name, value in fields.items():
        setattr(item, name, value)
    if not item.title.strip():
        raise ValidationError({"title": "Give the item a title."})
    item.save()
    incident_mentions_refresh(item=item)
    return item


@transaction.atomic
def item_move(*, item: AgendaItem, offset: int) -> None:
    """Move an item (with its sub-items) up or down among its siblings, then renumber."""
    item.meeting.check_writable()
    items = _ordered_items(item.meeting)
    groups: list[list[AgendaItem]] = []
    for other in items:
        if item.depth == 0:
            if other.depth == 0 or not groups:
                groups.append([other])
            else:
                groups[-1].append(other)
        else:
            groups.append([other])
    index = next(i for i, group in enumerate(groups) if group[0].pk == item.pk)
    target = index + offset
    siblings_ok = 0 <= target < len(groups) and (
        item.depth == 0 or groups[target][0].depth == item.depth
    )
    if not siblings_ok:
        return
    groups.insert(target, groups.pop(index))
    _write_numbers(item.meeting, [other for group in groups for other in group])


@transaction.atomic
def item_set_depth(*, item: AgendaItem, sub: bool) -> None:
    """Make an item a sub-item of the one before it (indent) or a top-level item (outdent)."""
    item.meeting.check_writable()
    items = _ordered_items(item.meeting)
    index = next(i for i, other in enumerate(items) if other.pk == item.pk)
    if sub and index == 0:
        raise ValidationError("The first item cannot be a sub-item.")
    item.number = "1.1" if sub else "1"  # only the depth matters to _write_numbers
    items[index] = item
    _write_numbers(item.meeting, items)


@transaction.atomic
def item_delete(*, item: AgendaItem) -> None:
    item.meeting.check_writable()
    if item.actions.exists():
        raise ValidationError(
            "Actions were raised under this item: move or delete them before deleting the item."
        )
    meeting = item.meeting
    item.delete()
    _write_numbers(meeting, _ordered_items(meeting))


# --- decisions ---------------------------------------------------------------


@transaction.atomic
def decision_save(
    *,
    item: AgendaItem,
    verb: str,
    text: str,
    points: list[str],
    decision: Decision | None = None,
    expected_version: int | None = None,
) -> Decision:
    item.meeting.check_writable()
    if verb not in Decision.Verb.values:
        raise ValidationError({"verb": f"Choose a verb from the list, not {verb!r}."})
    if not text.strip() and not points:
        raise ValidationError({"text": "Say what the committee decided."})
    if decision is None:
        last = item.decisions.order_by("-order").first()
        decision = Decision(item=item, order=(last.order + 1) if last else 0)
    else:
        claim_version(decision, expected_version)
    decision.verb = verb
    decision.text = text.strip()
    decision.points = [p.strip() for p in points if p.strip()]
    decision.save()
    incident_mentions_refresh(item=item)
    return decision


@transaction.atomic
def decision_delete(*, decision: Decision) -> None:
    decision.item.meeting.check_writable()
    item = decision.item
    decision.delete()
    incident_mentions_refresh(item=item)


# --- after approval ------------------------------------------------------------


@transaction.atomic
def minutes_revise(*, meeting: Meeting, reason: str, by) -> MinutesRevision:
    """Open approved minutes for a correction. The text as approved is kept as
    a revision with the reason; the minutes go back to draft and must be
    circulated and approved (and published) again. Meanwhile readers keep
    the version they had: the revision is the meeting's `record`, served in
    its place (with its PDF, its decisions, its actions and reviews) until
    the correction reaches the same state."""
    from .access import EVERYTHING
    from .selectors import minutes_document

    if not meeting.is_frozen:
        raise ValidationError("Only approved minutes need a revision; drafts can be edited.")
    if not reason.strip():
        raise ValidationError({"reason": "Say why the approved minutes are being corrected."})
    last = meeting.revisions.order_by("-number").first()
    revision = MinutesRevision.objects.create(
        meeting=meeting,
        number=(last.number + 1) if last else 1,
        reason=reason.strip(),
        previous_status=meeting.status,
        snapshot=minutes_document(meeting, reader=EVERYTHING),
        version=meeting.version,
        published_at=meeting.published_at,
        classification=meeting.classification,
        kind=meeting.kind,
        created_at=timezone.now(),
        created_by=by,
    )
    revision.kept_actions.set(meeting.actions_raised.all())
    revision.kept_reviews.set(meeting.action_reviews.all())
    _advance(meeting, None)
    meeting.status = Meeting.Status.DRAFT
    meeting.circulated_at = meeting.circulated_by = None
    meeting.approved_at = meeting.approved_by = meeting.approved_at_meeting = None
    meeting.published_at = meeting.published_by = None
    # Corrected again before an earlier correction was published: readers
    # keep the version they have, not the unpublished one in between.
    if meeting.record is None or revision.previous_status == Meeting.Status.PUBLISHED:
        meeting.record = revision
    _save_by(meeting, by)
    return revision


# --- the minutes as PDF ---------------------------------------------------------

logger = logging.getLogger(__name__)
PdfState = MinutesDocument.State


def _render_failure(exc: Exception) -> str:
    """What the chair reads about a failed render: the reason in words, never
    a file path or a traceback (those are in the log)."""
    if isinstance(exc, ValidationError):
        return "; ".join(exc.messages)
    if isinstance(exc, OSError) and exc.strerror:
        return f"the file could not be written ({exc.strerror}). Try again later."
    return "the renderer stopped with an error, logged for the administrators. Try again."


@transaction.atomic
def minutes_pdf_request(*, meeting: Meeting, by, enqueue: bool = True) -> MinutesDocument:
    """The PDF of the minutes as they are now. When nothing printed has
    changed since the last render, that stored document is returned at once;
    published minutes keep the PDF issued for their version. Otherwise a
    pending document is created and its render queued when this transaction
    commits (`enqueue=False`: the caller renders it, as render_minutes does).
    Two requests for the same minutes share one render."""
    from . import pdf
    from .selectors import minutes_pdf_current

    # One request at a time per meeting (PostgreSQL; SQLite serialises writers anyway).
    meeting = (
        Meeting.objects.select_for_update(of=("self",))
        .select_related("committee", "classification")
        .get(pk=meeting.pk)
    )
    source = pdf.minutes_source(meeting)
    current = minutes_pdf_current(meeting, source)
    if current is not None:
        return current
    document = MinutesDocument.objects.filter(
        meeting=meeting,
        minutes_version=source.version,
        source_sha256=source.sha256,
        state__in=[PdfState.PENDING, PdfState.RENDERING],
    ).first()
    if document is not None and not document.is_stuck:
        return document
    if document is None:
        document = MinutesDocument.objects.create(
            meeting=meeting,
            minutes_version=source.version,
            minutes_status=source.status,
            source_sha256=source.sha256,
            requested_at=timezone.now(),
            requested_by=by,
            task_id=str(uuid.uuid4()),
        )
    else:
        # Its worker died or its message was lost: ask again under a new task id.
        # Should the old render still finish, it no longer holds the claim and
        # discards its file.
        document.state, document.started_at = PdfState.PENDING, None
        document.requested_at, document.requested_by = timezone.now(), by
        document.task_id = str(uuid.uuid4())
        document.attempts = 0  # a person asked again: a fresh set of attempts
        document.save(
            update_fields=[
                "state",
                "started_at",
                "requested_at",
                "requested_by",
                "task_id",
                "attempts",
            ]
        )
    if enqueue:
        transaction.on_commit(partial(_queue_render, document.pk, document.task_id))
    return document


def queue_circulation_email(meeting_id: int) -> None:
    """Hand the circulation email (meetings/circulation.py) to the worker
    (in-process without REDIS_URL). The circulation is committed by now and
    stands whatever happens here: a broker that is down is logged, and the
    emails, claimed with the circulation, are sent by the periodic sweep
    (circulation.send_pending_circulations) a few minutes later."""
    from .tasks import send_circulation_task

    try:
        send_circulation_task.delay(meeting_id)
    except Exception:
        logger.exception("Circulation email of meeting %s could not be queued", meeting_id)


def _queue_render(document_id: int, task_id: str) -> None:
    from .tasks import render_minutes_pdf_task

    try:
        render_minutes_pdf_task.apply_async(args=[document_id], task_id=task_id)
    except Exception as exc:
        # The broker is down (or, in-process, the render raised): say so on the
        # page rather than leave the document waiting for a task that never comes.
        # The page says it in words; the broker's address and error go to the log.
        logger.exception("Minutes PDF %s: could not queue the render (%s)", document_id, exc)
        MinutesDocument.objects.filter(pk=document_id, state=PdfState.PENDING).update(
            state=PdfState.FAILED,
            error="The render could not be queued: the background worker could not be "
            "reached. Try again in a minute.",
        )


def render_minutes_pdf(document_id: int, *, task_id: str | None = None) -> MinutesDocument | None:
    """Render a requested PDF of the minutes and store it. Idempotent: the
    document is claimed with a conditional UPDATE first, so a second run, a
    retried task or a second worker finds it taken (or done) and does
    nothing. The file is written beside its final name and moved into place
    only when complete; a failure marks the document failed with the reason
    and leaves no file. The minutes are read as they are at render time, and
    the document records that version and status.

    A claim older than RENDER_STALE_AFTER died with its worker and is taken
    again. So is one held under `task_id` (the task's own id, the document's
    task_id), at once: the same task comes again only after the attempt
    before it ended, by a retry or by redelivery when its process died
    mid-render (the task is acknowledged late, and the broker's visibility
    timeout is longer than its time limit). Were that attempt somehow still
    alive, it no longer holds the claim and discards its file. A render
    claimed RENDER_ATTEMPTS times already (each attempt died with its
    worker) is not tried again: it is marked failed, and a person retries."""
    from . import pdf

    token = timezone.now()
    claimable = Q(state=PdfState.PENDING) | Q(
        state=PdfState.RENDERING, started_at__lt=token - RENDER_STALE_AFTER
    )
    if task_id:
        claimable |= Q(state=PdfState.RENDERING, task_id=task_id)
    claimed = MinutesDocument.objects.filter(
        claimable, pk=document_id, attempts__lt=RENDER_ATTEMPTS
    ).update(state=PdfState.RENDERING, started_at=token, error="", attempts=F("attempts") + 1)
    if not claimed:
        MinutesDocument.objects.filter(
            claimable, pk=document_id, attempts__gte=RENDER_ATTEMPTS
        ).update(
            state=PdfState.FAILED,
            error=f"The render stopped its worker {RENDER_ATTEMPTS} times (the minutes may be "
            "too large to print) and is not tried again. Try again later; if it fails the "
            "same way, tell the site's administrator.",
        )
    document = (
        MinutesDocument.objects.select_related("meeting__committee").filter(pk=document_id).first()
    )
    if document is None:
        logger.warning("Minutes PDF %s: no such document, nothing to render", document_id)
        return None
    if not claimed:
        return document
    mine = MinutesDocument.objects.filter(
        pk=document.pk, state=PdfState.RENDERING, started_at=token
    )

    meeting = document.meeting
    name = (
        f"minutes/{meeting.committee.code}/"
        f"{meeting.reference}_{document.pk}_{token:%Y%m%dT%H%M%S%f}.pdf"
    )
    path = Path(default_storage.path(name))
    try:
        source = pdf.minutes_source(meeting)
        issued = (
            MinutesDocument.objects.filter(
                meeting=meeting,
                minutes_version=source.version,
                minutes_status=Meeting.Status.PUBLISHED,
                state=PdfState.DONE,
            )
            .exclude(pk=document.pk)
            .first()
        )
        if source.status == Meeting.Status.PUBLISHED and issued:
            raise ValidationError(
                f"These published minutes were already issued as a PDF (document {issued.pk}); "
                "it is not made again."
            )
        rendered = pdf.render_pdf(source.html, path)
    except Exception as exc:
        logger.exception("Minutes PDF %s of %s failed", document.pk, meeting)
        mine.update(state=PdfState.FAILED, error=_render_failure(exc)[:2000])
        document.refresh_from_db()
        return document

    try:
        with transaction.atomic():
            won = mine.update(
                state=PdfState.DONE,
                file=name,
                sha256=rendered.sha256,
                pages=rendered.pages,
                size=rendered.size,
                minutes_version=source.version,
                minutes_status=source.status,
                source_sha256=source.sha256,
                rendered_at=timezone.now(),
                error="",
            )
    except IntegrityError:
        # The same minutes were finished first by another request's render.
        path.unlink(missing_ok=True)
        mine.update(
            state=PdfState.FAILED,
            error="Not kept: the same minutes were rendered at the same time by another request.",
        )
    else:
        if not won:
            # Reclaimed after a stall: the newer attempt's file is the one kept.
            path.unlink(missing_ok=True)
    document.refresh_from_db()
    return document
