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
from dataclasses import dataclass, field

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
    """One person's line in one meeting's attendance, live or as kept."""

    meeting: int
    name: str
    organisation: str
    section: str
    alternate: bool
    alternate_for: str
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
        kept.meeting.date = kept.date  # as the version kept has it, for the columns
        meetings.append(kept.meeting)
        lines += _kept_lines(kept.meeting.pk, kept.document["attendance"])
    meetings.sort(key=lambda meeting: (meeting.date, meeting.number))
    lines = _with_organisations(lines)
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
        "person__name",
        "person__organisation__short_name",
        "section",
        "is_alternate",
        "alternate_for__name",
        "remote",
        "part",
    )
    return [
        _Line(meeting, name, organisation or "", section, alternate, stood_for or "", remote, part)
        for meeting, name, organisation, section, alternate, stood_for, remote, part in rows
    ]


def _kept_lines(meeting: int, attendance: dict) -> list[_Line]:
    """The lines of a version kept (minutes_document's "attendance"); the
    organisation is looked up by name afterwards (_with_organisations)."""
    sections = (
        ("members", Attendance.Section.MEMBER),
        ("participants", Attendance.Section.PARTICIPANT),
        ("apologies", Attendance.Section.APOLOGY),
    )
    return [
        _Line(
            meeting,
            entry["name"],
            "",
            section,
            bool(entry.get("alternate")),
            entry.get("alternate_for") or "",
            bool(entry.get("remote")),
            bool(entry.get("part")),
        )
        for key, section in sections
        for entry in attendance.get(key, [])
    ]


def _with_organisations(lines: list[_Line]) -> list[_Line]:
    """Kept lines name people only: their organisation is the one the live
    lines give that name, else that of the one person of that name."""
    known = {line.name: line.organisation for line in lines if line.organisation}
    unknown = {line.name for line in lines if not line.organisation} - known.keys()
    if unknown:
        found: dict[str, set[str]] = {}
        for name, organisation in Person.objects.filter(name__in=unknown).values_list(
            "name", "organisation__short_name"
        ):
            found.setdefault(name, set()).add(organisation or "")
        known |= {name: next(iter(orgs)) for name, orgs in found.items() if len(orgs) == 1}
    return [
        line
        if line.organisation
        else _Line(**{**line.__dict__, "organisation": known.get(line.name, "")})
        for line in lines
    ]


def _people(lines: list[_Line]) -> list[PersonRecord]:
    people: dict[str, PersonRecord] = {}

    def record(name: str, organisation: str) -> PersonRecord:
        person = people.setdefault(name, PersonRecord(name=name, organisation=organisation))
        person.organisation = person.organisation or organisation
        return person

    def mark(person: PersonRecord, meeting: int, outcome: str) -> None:
        if _RANK[outcome] > _RANK.get(person.meetings.get(meeting, ""), 0):
            person.meetings[meeting] = outcome

    for line in lines:
        person = record(line.name, line.organisation)
        if line.section == Attendance.Section.APOLOGY:
            mark(person, line.meeting, APOLOGY)
            continue
        mark(person, line.meeting, ATTENDED)
        person.remote += line.remote
        person.in_person += not line.remote
        person.part += line.part
        person.as_alternate += line.alternate or bool(line.alternate_for)
        if line.alternate_for:
            mark(record(line.alternate_for, ""), line.meeting, SENT_ALTERNATE)
    return sorted(people.values(), key=lambda person: person.name.lower())


def _organisations(lines: list[_Line]) -> list[OrganisationRecord]:
    found: dict[str, OrganisationRecord] = {}
    for line in lines:
        if not line.organisation:
            continue
        organisation = found.setdefault(line.organisation, OrganisationRecord(line.organisation))
        outcome = APOLOGY if line.section == Attendance.Section.APOLOGY else ATTENDED
        if _RANK[outcome] > _RANK.get(organisation.at.get(line.meeting, ""), 0):
            organisation.at[line.meeting] = outcome
    return sorted(found.values(), key=lambda organisation: organisation.name.lower())


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
            f"{meeting.committee.code} {meeting.number} ({meeting.date:%d/%m/%Y})"
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
