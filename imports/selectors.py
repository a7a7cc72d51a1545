"""Reads for the importer: how a line of the document maps onto the record
(shared with imports.services, which writes by the same rules), and what
committing a parse would add to the record beside the meeting itself, so the
secretary sees it before saying "Import" (and the command prints it)."""

import hashlib
from dataclasses import dataclass, field

from django.db.models.functions import Lower

from actions.models import Action
from meetings.access import visible_meetings
from meetings.models import Classification, Committee, Organisation, Person

from .models import ImportedDocument
from .parsed import ParsedMinutes, ParsedPerson


def imported_before(user, source: bytes) -> list[ImportedDocument]:
    """Earlier imports of this very file (by its SHA-256), of meetings the
    user may read: to say so before the secretary imports it again."""
    sha256 = hashlib.sha256(source).hexdigest()
    return list(
        ImportedDocument.objects.filter(sha256=sha256, meeting__in=visible_meetings(user))
        .select_related("meeting__committee", "imported_by")
        .order_by("imported_at", "id")
    )


def own_reference(reference: str, committee: Committee | None) -> str:
    """A reference under the committee the secretary chose: the document's
    own code (unknown here, or wrong) gives way to it."""
    code, _, rest = reference.partition(" ")
    if committee is None or code.upper() == committee.code:
        return reference
    if Committee.objects.filter(code__iexact=code).exists():
        return reference
    return f"{committee.code} {rest}"


def attendance_organisation(line: ParsedPerson, body: Organisation | None) -> Organisation | None:
    """The organisation a person of this attendance line works for, given
    the organisation its group names (if any). Other participants are listed
    by the body they represent; a member's or an apology's category may be
    a body ("DCC": its people work there) but not a group of bodies ("Large
    Supplier")."""
    if body is not None and line.section != "participant" and body.is_group:
        return None
    return body


def reference_data_needed(parsed: ParsedMinutes, committee: str = "") -> list[str]:
    """What importing `parsed` needs that the record lacks (its committee,
    its classification, which only the admin adds), in words: so a dry run
    on an empty installation says what to add instead of failing."""
    needed = []
    code = (committee or parsed.committee or "").strip()
    if not code:
        needed.append("its committee, which the document does not name (give --committee)")
    elif not Committee.objects.filter(code__iexact=code).exists():
        needed.append(f"the committee {code.upper()}")
    label = parsed.classification_label or "White"
    if not Classification.objects.filter(label__iexact=label).exists():
        needed.append(f"the classification {label}")
    return needed


@dataclass
class NewToTheRecord:
    people: list[str] = field(default_factory=list)  # attendance names not yet in the record
    owners: list[str] = field(default_factory=list)  # owners to be created as organisations
    actions: list[str] = field(default_factory=list)  # reviewed, not in the record: made from rows
    known_actions: list[str] = field(default_factory=list)  # reviewed, in the record: reviewed
    # Open in the record before this meeting, and not reviewed in the document
    # (its table unread, or rows left out): they stay open, unreviewed here.
    unreviewed: list[str] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(
            self.people or self.owners or self.actions or self.known_actions or self.unreviewed
        )


def new_to_the_record(parsed: ParsedMinutes, committee: str = "") -> NewToTheRecord:
    """Matched as imports.services will match them: people by name and the
    organisation of their line (or none recorded); owners by an
    organisation's short name (any case), else by a person's name, those in
    this document's attendance included, and only for actions not yet in
    the record; actions by reference, under the committee chosen
    (`committee`, else the document's); and the committee's actions open
    before the meeting that the document does not review. Five queries,
    whatever the size of the document."""
    code = (committee or parsed.committee or "").strip()
    chosen = Committee.objects.filter(code__iexact=code).first() if code else None
    names = list(dict.fromkeys(p.name for p in parsed.attendance))
    rows = [a for i in parsed.items for a in i.actions] + parsed.reviews
    every = {own_reference(row.reference, chosen) for row in rows}
    known = set(Action.objects.filter(reference__in=every).values_list("reference", flat=True))
    owners = [
        o.strip()
        for row in rows
        if own_reference(row.reference, chosen) not in known
        for o in row.owners
    ]
    owners = list(dict.fromkeys(o for o in owners if o))
    references = list(dict.fromkeys(own_reference(r.reference, chosen) for r in parsed.reviews))

    keys = {o.lower() for o in owners} | {p.group.lower() for p in parsed.attendance}
    organisations = {
        org.key: org
        for org in Organisation.objects.annotate(key=Lower("short_name")).filter(key__in=keys)
    }
    known_people: dict[str, set] = {}
    for name, organisation_id in Person.objects.filter(name__in=names + owners).values_list(
        "name", "organisation_id"
    ):
        known_people.setdefault(name, set()).add(organisation_id)

    new_people = []
    for line in parsed.attendance:
        body = attendance_organisation(line, organisations.get(line.group.lower()))
        held = known_people.get(line.name, set())
        if not (held if body is None else held & {body.pk, None}) and line.name not in new_people:
            new_people.append(line.name)
    return NewToTheRecord(
        people=new_people,
        owners=[
            o
            for o in owners
            if o.lower() not in organisations and o not in known_people and o not in names
        ],
        actions=[r for r in references if r not in known],
        known_actions=[r for r in references if r in known],
        unreviewed=_open_before(chosen, parsed.number, set(references)),
    )


def _open_before(committee: Committee | None, number: int | None, reviewed: set[str]) -> list:
    """References of the committee's actions raised before meeting `number`
    and open in the record, that are not among those `reviewed`."""
    if committee is None or number is None:
        return []
    open_before = Action.objects.filter(
        committee=committee, status=Action.Status.OPEN, meeting_number__lt=number
    ).order_by("meeting_number", "confidential", "sequence")
    return [r for r in open_before.values_list("reference", flat=True) if r not in reviewed]
