"""A committee's attendance record: who came to its meetings, how (in
person, by teleconference, for part, as someone's alternate), who sent an
alternate or apologies, with a rate per person; and whether each
organisation was represented at each meeting.

It reads only meetings whose minutes the user may read, by the one rule for
them (meetings.access.records_read_by): minutes being corrected that the
user reads only as kept count as the version kept says (kept_documents).
A read, so it lives with the other reads of the minutes app."""

import csv
import datetime
import io
from dataclasses import dataclass, field, replace

from actions.exports import neutralise
from meetings.access import records_read_by
from meetings.models import Attendance, Committee, Meeting, Person

from .selectors import kept_documents

ATTENDED = "attended"
SENT_ALTERNATE = "sent an alternate"
APOLOGY = "apologies"
# A meeting counts once per person: having attended outranks having sent
# an alternate, which outranks apologies.
_RANK = {ATTENDED: 3, SENT_ALTERNATE: 2, APOLOGY: 1}


@dataclass(frozen=True)
class _Line:
    """One person's line in one meeting's attendance, live or as kept.
    `person` tells people apart: "person-<id>" where the person is known,
    else "name-<name>" (a version kept names people only)."""

    meeting: int
    person: str
    name: str
    organisation: str  # the body the line represents, else the person's organisation
    section: str
    alternate: bool
    alternate_for: str  # the `person` key of whom they stood in for, or ""
    alternate_for_name: str
    remote: bool
    part: bool


@dataclass
class PersonRecord:
    name: str
    organisation: str
    in_person: int = 0
    remote: int = 0
    part: int = 0
    as_alternate: int = 0
    meetings: dict[int, str] = field(default_factory=dict)  # meeting pk: ATTENDED …

    def _count(self, outcome: str) -> int:
        return sum(1 for value in self.meetings.values() if value == outcome)

    @property
    def attended(self) -> int:
        return self._count(ATTENDED)

    @property
    def sent_alternate(self) -> int:
        return self._count(SENT_ALTERNATE)

    @property
    def apologies(self) -> int:
        return self._count(APOLOGY)

    @property
    def listed(self) -> int:
        """Meetings at which the minutes name this person at all."""
        return len(self.meetings)

    @property
    def rate(self) -> int:
        """Attended, as a whole percentage of the meetings listed at."""
        return round(100 * self.attended / self.listed) if self.listed else 0


@dataclass
class OrganisationRecord:
    name: str
    at: dict[int, str] = field(default_factory=dict)  # meeting pk: ATTENDED or APOLOGY

    def cells(self, meetings: list[Meeting]) -> list[str]:
        return [self.at.get(meeting.pk, "") for meeting in meetings]

    @property
    def represented(self) -> int:
        return sum(1 for value in self.at.values() if value == ATTENDED)


@dataclass
class AttendanceRecord:
    committee: Committee
    date_from: datetime.date | None
    date_to: datetime.date | None
    meetings: list[Meeting]  # oldest first
    people: list[PersonRecord]
    organisations: list[OrganisationRecord]

    @property
    def organisation_table(self) -> list[tuple[OrganisationRecord, list[str]]]:
        """Each organisation with its cell for each meeting, in order."""
        return [(record, record.cells(self.meetings)) for record in self.organisations]

    def organisation_rate(self, record: OrganisationRecord) -> int:
        return round(100 * record.represented / len(self.meetings)) if self.meetings else 0


def attendance_record(
    user,
    committee: Committee,
    *,
    date_from: datetime.date | None = None,
    date_to: datetime.date | None = None,
) -> AttendanceRecord:
    """The record over the meetings of `committee` that `user` reads, dated
    within the range (either end open). Three queries, and one per minutes
    under correction read as kept."""
    live = (
        records_read_by(user)
        .filter(committee=committee, live=True)
        .select_related("committee")
        .order_by("date", "number")
    )
    if date_from:
        live = live.filter(date__gte=date_from)
    if date_to:
        live = live.filter(date__lte=date_to)
    meetings = list(live)
    lines = _live_lines(meetings)
    for kept in kept_documents(user, committee=committee, date_from=date_from, date_to=date_to):
        meetings.append(kept.meeting)
        lines += _kept_lines(kept.meeting.pk, kept.document["attendance"])
    meetings.sort(key=lambda meeting: (meeting.as_read.date, meeting.number))
    lines = _known_people(lines)
    return AttendanceRecord(
        committee=committee,
        date_from=date_from,
        date_to=date_to,
        meetings=meetings,
        people=_people(lines),
        organisations=_organisations(lines),
    )


def _live_lines(meetings: list[Meeting]) -> list[_Line]:
    rows = Attendance.objects.filter(meeting__in=meetings).values_list(
        "meeting_id",
        "person_id",
        "person__name",
        "represents",
        "person__organisation__short_name",
        "section",
        "is_alternate",
        "alternate_for_id",
        "alternate_for__name",
        "remote",
        "part",
    )
    return [
        _Line(
            meeting=meeting,
            person=f"person-{person}",
            name=name,
            organisation=represents or organisation or "",
            section=section,
            alternate=alternate,
            alternate_for=f"person-{stood_for}" if stood_for else "",
            alternate_for_name=stood_for_name or "",
            remote=remote,
            part=part,
        )
        for (
            meeting,
            person,
            name,
            represents,
            organisation,
            section,
            alternate,
            stood_for,
            stood_for_name,
            remote,
            part,
        ) in rows
    ]


def _kept_lines(meeting: int, attendance: dict) -> list[_Line]:
    """The lines of a version kept (minutes_document's "attendance"), which
    names people only: each is told apart by name until _known_people finds
    the one person of that name."""
    sections = (
        ("members", Attendance.Section.MEMBER),
        ("participants", Attendance.Section.PARTICIPANT),
        ("apologies", Attendance.Section.APOLOGY),
    )
    return [
        _Line(
            meeting=meeting,
            person=f"name-{entry['name']}",
            name=entry["name"],
            organisation=entry.get("represents") or "",
            section=section,
            alternate=bool(entry.get("alternate")),
            alternate_for=f"name-{entry['alternate_for']}" if entry.get("alternate_for") else "",
            alternate_for_name=entry.get("alternate_for") or "",
            remote=bool(entry.get("remote")),
            part=bool(entry.get("part")),
        )
        for key, section in sections
        for entry in attendance.get(key, [])
    ]


def _known_people(lines: list[_Line]) -> list[_Line]:
    """A name from a version kept is the one person of that name, when there
    is one (their key and, where the line names no body, their organisation);
    a name two people share stays apart from both. One query, when any."""
    names = {line.name for line in lines if line.person.startswith("name-")}
    names |= {line.alternate_for_name for line in lines if line.alternate_for.startswith("name-")}
    if not names:
        return lines
    found: dict[str, list[tuple[int, str]]] = {}
    for pk, name, organisation in Person.objects.filter(name__in=names).values_list(
        "pk", "name", "organisation__short_name"
    ):
        found.setdefault(name, []).append((pk, organisation or ""))
    only = {name: people[0] for name, people in found.items() if len(people) == 1}

    def key(current: str, name: str) -> str:
        return (
            f"person-{only[name][0]}" if current.startswith("name-") and name in only else current
        )

    return [
        replace(
            line,
            person=key(line.person, line.name),
            organisation=line.organisation
            or (
                only[line.name][1] if line.person.startswith("name-") and line.name in only else ""
            ),
            alternate_for=key(line.alternate_for, line.alternate_for_name),
        )
        for line in lines
    ]


def _people(lines: list[_Line]) -> list[PersonRecord]:
    people: dict[str, PersonRecord] = {}  # by _Line.person

    def record(key: str, name: str, organisation: str) -> PersonRecord:
        person = people.setdefault(key, PersonRecord(name=name, organisation=organisation))
        person.organisation = person.organisation or organisation
        return person

    def mark(person: PersonRecord, meeting: int, outcome: str) -> None:
        _mark(person.meetings, meeting, outcome)

    for line in lines:
        person = record(line.person, line.name, line.organisation)
        if line.section == Attendance.Section.APOLOGY:
            mark(person, line.meeting, APOLOGY)
            continue
        mark(person, line.meeting, ATTENDED)
        person.remote += line.remote
        person.in_person += not line.remote
        person.part += line.part
        person.as_alternate += line.alternate or bool(line.alternate_for)
        if line.alternate_for:
            stood_for = record(line.alternate_for, line.alternate_for_name, "")
            mark(stood_for, line.meeting, SENT_ALTERNATE)
    return sorted(people.values(), key=lambda person: person.name.lower())


def _organisations(lines: list[_Line]) -> list[OrganisationRecord]:
    found: dict[str, OrganisationRecord] = {}
    for line in lines:
        if not line.organisation:
            continue
        organisation = found.setdefault(line.organisation, OrganisationRecord(line.organisation))
        outcome = APOLOGY if line.section == Attendance.Section.APOLOGY else ATTENDED
        _mark(organisation.at, line.meeting, outcome)
    return sorted(found.values(), key=lambda organisation: organisation.name.lower())


def _mark(at: dict[int, str], meeting: int, outcome: str) -> None:
    """Record `outcome` for `meeting` unless a higher one (_RANK) is there."""
    if _RANK[outcome] > _RANK.get(at.get(meeting, ""), 0):
        at[meeting] = outcome


# --- as CSV ----------------------------------------------------------------

PEOPLE_COLUMNS = [
    "Name",
    "Organisation",
    "Meetings listed at",
    "Attended",
    "In person",
    "Teleconference",
    "Part of the meeting",
    "As an alternate",
    "Sent an alternate",
    "Apologies",
    "Attendance rate (%)",
]


def people_rows(record: AttendanceRecord) -> list[list]:
    """The people table, a header row first; text a spreadsheet would run
    as a formula is neutralised."""
    rows: list[list] = [PEOPLE_COLUMNS]
    for person in record.people:
        rows.append(
            [
                neutralise(person.name),
                neutralise(person.organisation),
                person.listed,
                person.attended,
                person.in_person,
                person.remote,
                person.part,
                person.as_alternate,
                person.sent_alternate,
                person.apologies,
                person.rate,
            ]
        )
    return rows


def organisation_rows(record: AttendanceRecord) -> list[list]:
    """Organisations by meeting: "attended", "apologies" or empty, then the
    count and rate of meetings represented at."""
    header = [
        "Organisation",
        *(
            f"{meeting.committee.code} {meeting.number} ({meeting.as_read.date:%d/%m/%Y})"
            for meeting in record.meetings
        ),
        "Meetings represented at",
        "Rate (%)",
    ]
    rows: list[list] = [header]
    for organisation in record.organisations:
        rows.append(
            [
                neutralise(organisation.name),
                *organisation.cells(record.meetings),
                organisation.represented,
                record.organisation_rate(organisation),
            ]
        )
    return rows


def csv_text(rows: list[list]) -> str:
    """CSV with a byte-order mark, which Excel needs to read UTF-8."""
    out = io.StringIO()
    csv.writer(out).writerows(rows)
    return "\ufeff" + out.getvalue()
