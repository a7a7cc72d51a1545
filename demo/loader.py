"""Writes the demo content (OPSG meeting 25) into the database.

The meeting is imported from the shipped text of its minutes, as a
secretary would bring in an old meeting (imports.services.import_minutes),
after the committees, organisations and classifications the import looks up
are in place; then the demo corrects what the PDF's text lost (links, a
footnote's place: see opsg25) and fills in what the minutes leave to other
records (incident details, committee roles, the date the draft went out).

Idempotent: the import recognises its own source file and changes nothing
the second time (a meeting 25 loaded by an earlier version of the demo is
kept as it is), the incident details are written only with the import, and
every other row is looked up before it is written. A second run writes
nothing; a demo login's password changes only when a different one is given.

Demo code, so `meetings` here uses `imports`, whose services write meetings."""

import datetime
import zoneinfo

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction

from actions.models import Action
from imports.parse import read_upload
from imports.parsed import ParsedItem, ParsedMinutes
from imports.services import import_minutes
from incidents.models import IncidentReview
from meetings.models import (
    Attendance,
    Classification,
    Committee,
    CommitteeRole,
    Decision,
    Meeting,
    Modification,
    Organisation,
    Person,
)

from . import opsg25 as data

LONDON = zoneinfo.ZoneInfo("Europe/London")


class DemoDataConflict(Exception):
    """The database holds something the demo content cannot be loaded over."""


# Who each demo login is, in the order settings.DEMO_USERNAMES names them
# (meetings/checks.py knows the demo's logins by those names): person (name,
# organisation), committee role, member category.
DEMO_PEOPLE = [
    (("Veronica Asantewaa", "SECAS"), CommitteeRole.Role.SECRETARY, ""),
    (("Dave Warner", None), CommitteeRole.Role.CHAIR, ""),
    (("Tony Shanahan", None), CommitteeRole.Role.MEMBER, "Large Supplier"),
]
# A reserved domain: nothing is ever delivered to a demo login's address.
DEMO_EMAIL_DOMAIN = "demo.invalid"


def demo_logins() -> list[tuple]:
    """(username, person, role, category) of each demo login."""
    return [
        (username, *who) for username, who in zip(settings.DEMO_USERNAMES, DEMO_PEOPLE, strict=True)
    ]


def load_demo(*, password: str | None, logins: bool | None = None) -> dict:
    """Load OPSG meeting 25, and look after the three demo logins (secretary,
    chair, member) when `logins` is true (by default: in demo mode). With a
    password they are created or given that password; without one, only
    logins that already exist are linked to their people, unchanged
    otherwise. Returns counts of what meeting 25 holds afterwards, and how
    many demo logins exist."""
    if logins is None:
        logins = settings.DEMO_MODE
    with transaction.atomic():
        committees, organisations = reference_data()
        meeting, imported = _import(committees[data.OPSG])
        if imported:
            _incidents(meeting)
        _roles(meeting)
        users = _logins(committees[data.OPSG], organisations, password) if logins else 0
    return _counts(meeting) | {"logins": users}


def reference_data() -> tuple[dict[str, Committee], dict[str, Organisation]]:
    """The committees, organisations, classifications and modifications the
    demo's minutes name, which an import looks up rather than invents."""
    committees = _committees()
    organisations = _organisations(committees)
    _classifications()
    _modifications()
    return committees, organisations


def _modifications() -> None:
    for reference, title, url in data.MODIFICATIONS:
        Modification.objects.update_or_create(
            reference=reference, defaults={"title": title, "url": url}
        )


def _committees() -> dict[str, Committee]:
    return {
        row["code"]: Committee.objects.get_or_create(
            code=row["code"],
            defaults={k: v for k, v in row.items() if k != "code"},
        )[0]
        for row in data.COMMITTEES
    }


def _organisations(committees: dict[str, Committee]) -> dict[str, Organisation]:
    def fields(row: dict) -> dict:
        found = {k: v for k, v in row.items() if k not in ("short_name", "members_of")}
        if row.get("members_of"):  # a group of a committee's members
            found["members_of"] = committees[row["members_of"]]
        return found

    return {
        row["short_name"]: Organisation.objects.get_or_create(
            short_name=row["short_name"], defaults=fields(row)
        )[0]
        for row in data.ORGANISATIONS
    }


def _classifications() -> None:
    for row in data.CLASSIFICATIONS:
        Classification.objects.get_or_create(
            label=row["label"],
            effective_from=row["effective_from"],
            defaults={k: v for k, v in row.items() if k not in ("label", "effective_from")},
        )


def _import(committee: Committee) -> tuple[Meeting, bool]:
    """OPSG 25, imported from the shipped minutes; True when it was written
    now. A meeting 25 already there is kept as it is: imported by an
    earlier run (the import knows its source file), or loaded by an earlier
    version of the demo, which built it row by row."""
    existing = Meeting.objects.filter(committee=committee, number=data.MEETING_NUMBER).first()
    if existing is not None and not existing.imports.exists():
        return existing, False
    source = data.SOURCE.read_bytes()
    _, parsed = read_upload(source, data.SOURCE_NAME)
    _correct(parsed)
    try:
        outcome = import_minutes(
            parsed=parsed,
            source=source,
            filename=data.SOURCE_NAME,
            committee=committee.code,
            circulated_at=datetime.datetime(*data.CIRCULATED_AT, tzinfo=LONDON),
            # Its doubts were checked against the PDF when the demo was
            # made, and what they found is put right by _correct.
            acknowledged=range(len(parsed.flags)),
        )
    except ValidationError as error:
        raise DemoDataConflict(" ".join(error.messages)) from None
    return outcome.meeting, outcome.created


def _correct(parsed: ParsedMinutes) -> None:
    """Put back what the PDF's text lost, as the secretary would after
    importing: split paragraphs, the links' words, the footnotes' marks."""
    items = {item.number: item for item in parsed.items}
    for number, read, printed in data.TEXT_FIXES:
        _replace_once(_item(items, number), read, printed)
    for number, marked, url in data.LINKS:
        before, rest = marked.split("[", 1)
        words, after = rest.split("]", 1)
        _replace_once(
            _item(items, number), before + words + after, f"{before}[{words}]({url}){after}"
        )
    for number, position, anchor, label in data.FOOTNOTES:
        item = _item(items, number)
        note = f"[^{label}]:"
        narrative, found, footnote = item.narrative.partition(note)
        decisions = item.decisions[position : position + 1]
        if not found or not decisions or decisions[0].text.count(anchor) != 1:
            raise DemoDataConflict(
                f"Item {number}: footnote {label} is not where the demo expects."
            )
        item.narrative = narrative.rstrip()
        decisions[0].text = decisions[0].text.replace(anchor, f"{anchor}[^{label}]")
        decisions[0].text += f"\n\n{note}{footnote.rstrip()}"


def _item(items: dict[str, ParsedItem], number: str) -> ParsedItem:
    if number not in items:
        raise DemoDataConflict(
            f"The shipped minutes no longer read as having an item {number}: "
            "the demo's corrections (demo/opsg25.py) need updating."
        )
    return items[number]


def _replace_once(item: ParsedItem, old: str, new: str) -> None:
    if item.narrative.count(old) != 1:
        raise DemoDataConflict(
            f"Item {item.number} of the shipped minutes no longer reads {old!r} once: "
            "the demo's corrections (demo/opsg25.py) need updating."
        )
    item.narrative = item.narrative.replace(old, new)


def _roles(meeting: Meeting) -> None:
    """Every member line is a member of the committee; the chair and the
    secretary hold their roles."""
    committee = meeting.committee
    members = meeting.attendance.filter(section=Attendance.Section.MEMBER).select_related("person")
    for line in members:
        if line.person.name == data.CHAIR:
            role, category = CommitteeRole.Role.CHAIR, ""
        else:
            role, category = CommitteeRole.Role.MEMBER, line.category
        CommitteeRole.objects.get_or_create(
            committee=committee, person=line.person, role=role, defaults={"category": category}
        )
    name, organisation = data.SECRETARY
    secretary = Person.objects.get(name=name, organisation__short_name=organisation)
    CommitteeRole.objects.get_or_create(
        committee=committee, person=secretary, role=CommitteeRole.Role.SECRETARY
    )


def _incidents(meeting: Meeting) -> None:
    """What the incident records hold beyond the minutes' words, written
    once, when the meeting is imported (later edits are the secretary's):
    the import found the incidents and the item reviewing them."""
    for spec in data.INCIDENTS:
        review = spec["review"]
        found = IncidentReview.objects.filter(
            incident__reference=spec["reference"],
            item__meeting=meeting,
            item__number=review["item"],
        ).select_related("incident", "item")
        if (record := found.first()) is None:
            raise DemoDataConflict(
                f"The import did not find {spec['reference']} reviewed under item {review['item']}."
            )
        incident, item = record.incident, record.item
        for name, value in spec.items():
            if name not in ("reference", "review"):
                setattr(incident, name, value)
        incident.save()
        for name, value in review.items():
            if name not in ("item", "decisions", "actions"):
                setattr(record, name, value)
        record.save()
        decisions = list(item.decisions.order_by("order", "id"))
        incident.decisions.add(*(decisions[i] for i in review["decisions"]))
        incident.actions.add(*Action.objects.filter(reference__in=review["actions"]))


def _logins(committee: Committee, organisations, password: str | None) -> int:
    User = get_user_model()
    count = 0
    for username, (name, organisation), role, category in demo_logins():
        first_name, last_name = name.split(" ", 1)
        if password:
            user, _ = User.objects.get_or_create(
                username=username,
                defaults=dict(
                    first_name=first_name,
                    last_name=last_name,
                    email=f"{username}@{DEMO_EMAIL_DOMAIN}",
                ),
            )
        else:
            user = User.objects.filter(username=username).first()
            if user is None:
                continue
        changed = False
        if not (user.first_name or user.last_name):
            user.first_name, user.last_name, changed = first_name, last_name, True
        # Rehashing an unchanged password would still rewrite the row (new salt).
        if password and not user.check_password(password):
            user.set_password(password)
            changed = True
        if changed:
            user.save()
        person = Person.objects.get_or_create(
            name=name, organisation=organisations[organisation] if organisation else None
        )[0]
        # A user is linked to one person: release any other person it was linked to.
        Person.objects.filter(user=user).exclude(pk=person.pk).update(user=None)
        if person.user_id != user.pk:
            person.user = user
            person.email = person.email or user.email
            person.save()
        CommitteeRole.objects.get_or_create(
            committee=committee, person=person, role=role, defaults={"category": category}
        )
        count += 1
    return count


def _counts(meeting: Meeting) -> dict:
    attendance = meeting.attendance.all()
    reviews = meeting.action_reviews.all()
    return {
        "members": attendance.filter(section=Attendance.Section.MEMBER).count(),
        "participants": attendance.filter(section=Attendance.Section.PARTICIPANT).count(),
        "apologies": attendance.filter(section=Attendance.Section.APOLOGY).count(),
        "items": meeting.items.count(),
        "decisions": Decision.objects.filter(item__meeting=meeting).count(),
        "actions_raised": meeting.actions_raised.count(),
        "actions_reviewed": reviews.count(),
        "reviews_closed": reviews.filter(status=Action.Status.CLOSED).count(),
        "incidents": IncidentReview.objects.filter(item__meeting=meeting).count(),
    }
