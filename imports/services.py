"""Committing what the importer read: one transaction that writes the
meeting, its attendance, items, decisions, actions raised, the reviews of
outstanding actions and the incidents reviewed, and keeps the source file.

Importing the same document again changes nothing. A meeting that already
exists from another source is refused rather than overwritten. Actions met
before (raised at, or reviewed by, a meeting imported earlier) get this
meeting's review; actions not seen before are created from what the table
says of them."""

import datetime
import hashlib
from collections import defaultdict
from collections.abc import Collection
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import prefetch_related_objects
from django.db.models.functions import Lower
from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from actions.models import Action, ActionReview
from actions.references import canonical as canonical_reference
from actions.references import format_reference, parse_reference
from actions.services import (
    ExistingAction,
    Review,
    action_reviews_record,
    actions_record_existing,
)
from incidents.models import IncidentReview
from incidents.services import incident_get_or_create, incident_mentions_refresh
from meetings.markdown import INCIDENT_MENTION
from meetings.models import (
    AgendaItem,
    Attendance,
    Classification,
    Committee,
    Decision,
    Meeting,
    NextMeeting,
    Organisation,
    Person,
    user_name,
)
from minutes.services import minutes_approve, minutes_circulate, minutes_publish

from . import pending
from .models import ImportedDocument, PendingImport
from .parsed import ParsedAction, ParsedMinutes, ParsedPerson, ParsedReview
from .reading import forget_upload
from .selectors import attendance_organisation, own_reference
from .tasks import queue_reading

# A standing item by its printed title: its label, any case, or "Any Other Business (AOB)".
_STANDING = {label.lower(): value for value, label in AgendaItem.Standing.choices}
_STANDING["any other business (aob)"] = AgendaItem.Standing.AOB


@dataclass
class ImportOutcome:
    meeting: Meeting
    document: ImportedDocument
    created: bool  # False: this very document was imported before; nothing changed


def import_minutes(
    *,
    parsed: ParsedMinutes,
    source: bytes,
    filename: str,
    by=None,
    committee: str = "",
    circulated_at: datetime.datetime | None = None,
    acknowledged: Collection[int] = (),
) -> ImportOutcome:
    """Write `parsed` (from imports.parse) in one transaction, or nothing.
    `committee`: the committee's code when the document does not say, or
    says it wrongly; `circulated_at`: when the minutes went out, where that
    is known (else the moment of the import); `acknowledged`: the positions
    in `parsed.flags` of the doubts `by` checked on the review screen. The
    others are left for the secretary to acknowledge (`doubt_acknowledge`)
    before the minutes are published. Raises ValidationError with a
    sentence for the user."""
    sha256 = hashlib.sha256(source).hexdigest()
    code = (committee or parsed.committee or "").strip().upper()
    if parsed.date is None:
        raise ValidationError(
            "The meeting's date could not be read from the document's title block: "
            "the import needs it."
        )
    if parsed.number is None:
        raise ValidationError("The document gives no meeting number: give it to import.")
    with transaction.atomic():
        target = _committee(code)
        existing = Meeting.objects.filter(committee=target, number=parsed.number).first()
        if existing is not None:
            earlier = existing.imports.filter(sha256=sha256).first()
            if earlier is not None:
                return ImportOutcome(meeting=existing, document=earlier, created=False)
            raise ValidationError(
                f"{existing} is already in the record; importing would overwrite it. "
                "Correct it on its page instead."
            )
        now = timezone.now()
        flags = [
            {"line": f.line, "kind": f.kind, "message": f.message}
            | (_acknowledgement(by, now) if position in acknowledged else {})
            for position, f in enumerate(parsed.flags)
        ]
        meeting = _meeting(target, parsed, doubts=len(_open(flags)))
        _attendance(meeting, parsed.attendance)
        _items(meeting, parsed)
        _reviews(meeting, parsed.reviews)
        _advance(meeting, parsed, by, circulated_at)
        document = ImportedDocument(
            meeting=meeting,
            filename=filename[-255:] or "minutes.txt",
            sha256=sha256,
            imported_by=by,
            imported_at=now,
            counts=parsed.counts(),
            flags=flags,
        )
        document.source.save(document.filename, ContentFile(source), save=False)
        document.save()
    return ImportOutcome(meeting=meeting, document=document, created=True)


def _committee(code: str) -> Committee:
    if not code:
        raise ValidationError("The document does not name its committee: choose one.")
    found = Committee.objects.filter(code__iexact=code).first()
    if found is None:
        raise ValidationError(f"There is no committee {code}: add it in the admin first.")
    return found


def _classification(parsed: ParsedMinutes) -> Classification:
    """The record of the printed label in force on the meeting's date."""
    label = parsed.classification_label or "White"
    records = Classification.objects.filter(label__iexact=label)
    found = (
        records.filter(effective_from__lte=parsed.date).order_by("-effective_from").first()
        or records.order_by("effective_from").first()
    )
    if found is None:
        raise ValidationError(f"There is no classification {label!r}: add it in the admin first.")
    return found


def _acknowledgement(by, at: datetime.datetime) -> dict:
    return {"acknowledged_by": user_name(by) if by else "System", "acknowledged_at": at.isoformat()}


def _open(flags: list[dict]) -> list[dict]:
    """The doubts no one has acknowledged yet."""
    return [flag for flag in flags if not flag.get("acknowledged_at")]


@transaction.atomic
def doubt_acknowledge(*, document: ImportedDocument, position: int, by) -> ImportedDocument:
    """Record that `by` checked the doubt at `position` of the document's
    flags against the document; the meeting's count of open doubts follows.
    Acknowledging one twice changes nothing."""
    document = ImportedDocument.objects.select_for_update().get(pk=document.pk)
    if not 0 <= position < len(document.flags):
        raise ValidationError("There is no such doubt in this import.")
    if document.flags[position].get("acknowledged_at"):
        return document
    document.flags[position] |= _acknowledgement(by, timezone.now())
    document.save(update_fields=["flags"])
    meeting = Meeting.objects.select_for_update().get(pk=document.meeting_id)
    meeting.import_doubts = sum(
        len(_open(flags)) for flags in meeting.imports.values_list("flags", flat=True)
    )
    meeting.save(update_fields=["import_doubts"])
    document.meeting = meeting  # with the count as it now stands
    return document


def _meeting(committee: Committee, parsed: ParsedMinutes, *, doubts: int) -> Meeting:
    meeting = Meeting(
        import_doubts=doubts,
        committee=committee,
        number=parsed.number,
        kind=parsed.kind,
        date=parsed.date,
        start_time=parsed.start_time,
        end_time=parsed.end_time,
        location=parsed.location,
        is_teleconference=parsed.teleconference,
        classification=_classification(parsed),
    )
    meeting.full_clean(exclude=["status"])
    meeting.save()
    for kind, date in parsed.next_meetings:
        NextMeeting.objects.get_or_create(meeting=meeting, kind=kind, date=date)
    return meeting


def _fits(model, field: str, value: str, what: str) -> str:
    """`value`, when it fits the column it is for. A longer one stops the
    import with a sentence naming it: PostgreSQL would refuse it half-way
    through (and SQLite keep it whole), and cutting a name short would make
    someone else of it. Raised inside the import's transaction, so nothing
    is written."""
    limit = model._meta.get_field(field).max_length
    if len(value) > limit:
        raise ValidationError(
            f"{what} is {len(value)} characters long, more than the {limit} kept here: "
            f"“{value[:60]}…”. Shorten it in the document and import it again."
        )
    return value


class _People:
    """The people an import's attendance names, as `_person` finds them, in a
    fixed number of queries: organisations by short name (any case), people
    by name, then those not yet in the record made in one insert."""

    def __init__(self, lines: list[ParsedPerson]):
        keys = {line.group.strip().lower() for line in lines if line.group.strip()}
        self.organisations = {
            organisation.key: organisation
            for organisation in Organisation.objects.annotate(key=Lower("short_name")).filter(
                key__in=keys
            )
        }
        names = {line.name for line in lines} | {line.alternate_for for line in lines}
        self.known: dict[str, list[Person]] = defaultdict(list)
        for person in Person.objects.filter(name__in=names - {""}).order_by("pk"):
            self.known[person.name].append(person)
        self.new: list[Person] = []

    def organisation(self, name: str) -> Organisation | None:
        return self.organisations.get(name.strip().lower()) if name.strip() else None

    def person(self, name: str, organisation: Organisation | None) -> Person:
        """Of that organisation if one is known, else one with no
        organisation recorded; else made, and saved by `save_new`."""
        found = self.known[name]
        if organisation is None:
            match = found[0] if found else None
        else:
            match = next((p for p in found if p.organisation_id == organisation.pk), None)
            match = match or next((p for p in found if p.organisation_id is None), None)
        if match is None:
            name = _fits(Person, "name", name, "A person's name")
            match = Person(name=name, organisation=organisation)
            found.append(match)
            self.new.append(match)
        return match

    def save_new(self) -> None:
        Person.objects.bulk_create(self.new)


def _attendance(meeting: Meeting, lines: list[ParsedPerson]) -> None:
    """Each line's person (found or made), then the lines, so that an
    alternate's member is known whatever order they are listed in: the
    member as listed at this meeting (an apology, usually), else as in the
    record, else made under that name. No alternate-for is dropped. The
    lines are written with their history in two inserts."""
    sections = {"member": Attendance.Section.MEMBER, "participant": Attendance.Section.PARTICIPANT}
    known = _People(lines)
    people = [
        known.person(line.name, attendance_organisation(line, known.organisation(line.group)))
        for line in lines
    ]
    by_name = {person.name: person for person in people}
    stood_in_for = {
        line.alternate_for: by_name.get(line.alternate_for)
        or known.person(line.alternate_for, None)
        for line in lines
        if line.alternate_for
    }
    known.save_new()
    rows: list[Attendance] = []
    listed: set[int] = set()
    for order, (line, person) in enumerate(zip(lines, people, strict=True), start=1):
        section = sections.get(line.section, Attendance.Section.APOLOGY)
        is_member = section == Attendance.Section.MEMBER
        if person.pk in listed:
            continue  # listed twice in the source: the first line stands (imports.checks flags it)
        listed.add(person.pk)
        what = f"In the attendance line of {person.name}, the"
        column = "category" if is_member else "represents"
        group = _fits(Attendance, column, line.group, f"{what} {column} column")
        rows.append(
            Attendance(
                meeting=meeting,
                person=person,
                section=section,
                category=group if is_member else "",
                represents="" if is_member else group,
                is_alternate=line.alternate or bool(line.alternate_for),
                alternate_for=stood_in_for.get(line.alternate_for),
                remote=line.remote,
                part=line.part or bool(line.items),
                items=_fits(Attendance, "items", line.items, f"{what} items attended"),
                role=_fits(Attendance, "role", line.role, f"{what} role"),
                order=order,
            )
        )
    bulk_create_with_history(rows, Attendance)


def _items(meeting: Meeting, parsed: ParsedMinutes) -> None:
    """The items, then their decisions, each kind written with its history
    in two inserts; then each item's actions and the incidents it names."""
    items = [
        AgendaItem(
            meeting=meeting,
            number=row.number,
            title=_fits(AgendaItem, "title", row.title, f"The heading of item {row.number}"),
            narrative=row.narrative,
            post_meeting_note=row.post_meeting_note,
            confidential=row.confidential,
            standing=_STANDING.get(row.title.strip().lower(), ""),
            order=order * 10,
        )
        for order, row in enumerate(parsed.items, start=1)
    ]
    items = bulk_create_with_history(items, AgendaItem)
    decisions = [
        Decision(
            item=item,
            order=position,
            verb=decision.verb,
            text=decision.text,
            points=decision.points,
            first_point_number=decision.first_point_number,
        )
        for item, row in zip(items, parsed.items, strict=True)
        for position, decision in enumerate(row.decisions, start=1)
    ]
    bulk_create_with_history(decisions, Decision)
    # Known to each item now, for the incidents its decisions name (one query).
    prefetch_related_objects(items, "decisions")
    _raise(
        meeting,
        [
            (item, spec)
            for item, row in zip(items, parsed.items, strict=True)
            for spec in row.actions
        ],
    )
    for item, row in zip(items, parsed.items, strict=True):
        # Every incident the item names is known to the record; the item
        # reviews those its heading names (all of them, when it names none).
        heading = set(INCIDENT_MENTION.findall(row.title))
        for reference in row.incidents:
            incident, _ = incident_get_or_create(reference=reference)
            if reference in heading or not heading:
                IncidentReview.objects.get_or_create(incident=incident, item=item)
    incident_mentions_refresh(items=items)


def _raise(meeting: Meeting, raised: list[tuple[AgendaItem, ParsedAction]]) -> None:
    """The ACTION lines, under their items. A target is as read
    (common.parse_target: the phrase, else the next main meeting the minutes
    announce)."""
    rows = []
    for item, spec in raised:
        target_date, target_note = spec.target_date, spec.target_note
        if target_date is not None and target_date < meeting.date:
            target_date, target_note = None, target_note or f"{target_date:%d/%m/%Y} (as printed)"
        _fits(Action, "target_note", target_note, f"The target of {spec.reference}")
        fields = dict(
            text=spec.text,
            raised_on=meeting.date,
            meeting=meeting,
            item=item,
            target_date=target_date,
            target_note=target_note if target_date is None else "",
        )
        rows.append((spec.reference, spec.owners, fields))
    for (item, _), action in zip(raised, _record(meeting, rows), strict=True):
        if action.meeting_id is None:
            # Seen first in a later meeting's Actions Outstanding table: this is where it was raised.
            Action.objects.filter(pk=action.pk).update(meeting=meeting, item=item)


def _reviews(meeting: Meeting, rows: list[ParsedReview]) -> None:
    """The rows of the Actions Outstanding table: each action (recorded if
    new to the record) with this meeting's review."""
    specs = []
    for row in rows:
        for field in ("last_target_note", "revised_target_note"):
            what = f"The {field.split('_')[0]} target of {row.reference}"
            _fits(ActionReview, field, getattr(row, field), what)
        fields = dict(
            text=row.text or row.reference,
            raised_on=row.raised_on or meeting.date,
            target_date=row.last_target_date if row.last_target_date else None,
            target_note="" if row.last_target_date else (row.last_target_note or "Not recorded"),
        )
        specs.append((row.reference, row.owners, fields))
    reviews: dict[int, Review] = {}
    for order, (row, action) in enumerate(zip(rows, _record(meeting, specs), strict=True), start=1):
        if action.pk in reviews:
            continue  # its row was read twice: the first stands (imports.checks flags it)
        reviews[action.pk] = Review(
            action=action,
            update=row.update,
            status=row.status if row.status in Action.Status.values else Action.Status.OPEN,
            last_target_date=row.last_target_date,
            last_target_note=row.last_target_note,
            revised_target_date=row.revised_target_date,
            revised_target_note=row.revised_target_note,
            order=order,
            **_outcome(meeting, action, row),
        )
    action_reviews_record(meeting=meeting, rows=list(reviews.values()))


def _record(meeting: Meeting, rows: list[tuple[str, list[str], dict]]) -> list[Action]:
    """Each (reference, owner names, fields) as its action, recorded if new
    to the record (actions.services.actions_record_existing), in a fixed
    number of queries. Owners are found or made only for new actions: one
    already there keeps its own, and no organisation is made for a name it
    would not use."""
    committee = meeting.committee
    references = [own_reference(reference, committee) for reference, _, _ in rows]
    # A reference that is none is refused by actions_record_existing.
    canonical = [canonical_reference(r) for r in references]
    known = set(Action.objects.filter(reference__in=canonical).values_list("reference", flat=True))
    owners = _owners(
        {
            name
            for (_, names, _), key in zip(rows, canonical, strict=True)
            if key not in known
            for name in names
        }
    )
    existing = [
        ExistingAction(
            reference=reference,
            owners=[] if key in known else [owners[n.strip()] for n in names if n.strip()],
            **fields,
        )
        for reference, key, (_, names, fields) in zip(references, canonical, rows, strict=True)
    ]
    return actions_record_existing(committee=committee, rows=existing)


def _owners(names: set[str]) -> dict[str, Organisation | Person]:
    """Each owner's name as the record knows it: an organisation by short
    name (any case), else a person by name, else a new organisation of that
    name (owners are usually bodies: "DNOs"). Three queries at most."""
    names = {name.strip() for name in names if name.strip()}
    found: dict[str, Organisation | Person] = {}
    by_key = {name.lower(): name for name in names}
    for organisation in Organisation.objects.annotate(key=Lower("short_name")).filter(
        key__in=by_key
    ):
        found.setdefault(by_key[organisation.key], organisation)
    for person in Person.objects.filter(name__in=names - found.keys()).order_by("-pk"):
        found[person.name] = person  # the earliest of a name, as .first() took it
    made = [
        Organisation(
            short_name=_fits(Organisation, "short_name", name, "An action owner's name"),
            is_group=True,
        )
        for name in sorted(names - found.keys())
    ]
    Organisation.objects.bulk_create(made)
    found.update({organisation.short_name: organisation for organisation in made})
    return found


def _outcome(meeting: Meeting, action: Action, row: ParsedReview) -> dict:
    """How a closed action ended, as the parser read it from the update
    (and flagged); completed when what it names is not in the record."""
    if row.outcome == "superseded":
        try:
            code, number, confidential, sequence = parse_reference(row.superseded_by)
        except ValidationError:
            return {"outcome": Action.Outcome.COMPLETED}
        reference = format_reference(code, number, sequence, confidential)
        successor = Action.objects.filter(reference=reference).exclude(pk=action.pk).first()
        if successor is not None:
            return {"outcome": Action.Outcome.SUPERSEDED, "superseded_by": successor}
    elif row.outcome == "transferred":
        found = Committee.objects.filter(code__iexact=row.transferred_to)
        if target := found.exclude(pk=meeting.committee_id).first():
            return {"outcome": Action.Outcome.TRANSFERRED, "transferred_to": target}
    elif row.outcome == "absorbed":
        return {"outcome": Action.Outcome.ABSORBED}
    return {"outcome": Action.Outcome.COMPLETED}


def _advance(meeting: Meeting, parsed: ParsedMinutes, by, circulated_at) -> None:
    """The minutes keep the status their document states. Draft minutes stay
    a draft unless when they went out is known (`circulated_at`, as the demo
    knows it): they are never marked circulated with the day of the import,
    and the secretary circulates them when ready.

    Final minutes come in approved with the dates the document states
    ("Approved at OPSG_26 on 5 November 2019": at that meeting, if it is in
    the record, on that day), never with today's: a day it does not state is
    the meeting's own, the earliest it can be (or the approving meeting's).
    They are published unless doubts are left to acknowledge. A circulation
    given an `at` is history, so minutes_circulate emails nobody about
    minutes that went out long ago."""
    if not parsed.final:
        if circulated_at is not None:
            minutes_circulate(meeting=meeting, by=by, at=circulated_at)
        return
    at_meeting = None
    if parsed.approved_at_meeting is not None:
        at_meeting = Meeting.objects.filter(
            committee=meeting.committee, number=parsed.approved_at_meeting, date__gt=meeting.date
        ).first()
    approved_on = parsed.approved_on or (at_meeting.date if at_meeting else meeting.date)
    circulated = circulated_at or _as_of(min(meeting.date, approved_on))
    minutes_circulate(meeting=meeting, by=by, at=circulated)
    minutes_approve(
        meeting=meeting, at_meeting=at_meeting, by=by, at=max(_as_of(approved_on), circulated)
    )
    if not meeting.import_doubts:  # else published once each is acknowledged
        minutes_publish(meeting=meeting, by=by, announce=False)  # published long ago


def _as_of(day: datetime.date) -> datetime.datetime:
    """A day the document states, as a moment: its noon, where the app runs."""
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(12)))


# --- an upload on its way to the review page -----------------------------------


def pending_import_start(
    *, data: bytes, filename: str, by, committee: str = "", number: int | None = None
) -> PendingImport:
    """Keep an uploaded document and have it read (imports.reading): by the
    worker, or at once where IMPORT_READ_IN_WORKER is off."""
    upload = PendingImport.objects.create(
        token=pending.keep(data, filename),
        filename=filename[-255:] or "minutes.txt",
        uploaded_by=by,
        uploaded_at=timezone.now(),
        committee=committee,
        number=number,
    )
    queue_reading(upload)
    upload.refresh_from_db()
    return upload


def pending_import_reread(
    upload: PendingImport, *, committee: str, number: int | None
) -> PendingImport:
    """Read an upload again with the committee and meeting number chosen on
    the review page, for a document that gives neither."""
    PendingImport.objects.filter(pk=upload.pk).update(
        committee=committee,
        number=number,
        state=PendingImport.State.WAITING,
        stage="",
        error="",
        attempts=0,
    )
    queue_reading(upload)
    upload.refresh_from_db()
    return upload


def pending_import_forget(upload: PendingImport) -> None:
    """The upload is imported, or given up: its file and row go."""
    forget_upload(upload)
