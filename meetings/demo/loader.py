"""Writes the demo content (OPSG meeting 25) into the database.

Idempotent: every row is looked up before it is created, and actions go
through the services so their references come from the same counters the
application uses. A second run finds everything in place and writes
nothing; a demo login's password changes only when a different one is given."""

import datetime
import zoneinfo

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction

from actions.models import Action, ActionReview
from actions.services import action_raise, action_record_existing, action_review_record
from incidents.models import Incident, IncidentReview
from incidents.services import incident_mentions_refresh
from meetings.models import (
    AgendaItem,
    Attendance,
    Classification,
    Committee,
    CommitteeRole,
    Decision,
    Meeting,
    Modification,
    NextMeeting,
    Organisation,
    Person,
)

from . import opsg25 as data

LONDON = zoneinfo.ZoneInfo("Europe/London")


class DemoDataConflict(Exception):
    """The database holds something the demo content cannot be loaded over."""


# username, person (name, organisation), committee role, member category.
DEMO_LOGINS = [
    ("secretary", ("Veronica Asantewaa", "SECAS"), CommitteeRole.Role.SECRETARY, ""),
    ("chair", ("Dave Warner", None), CommitteeRole.Role.CHAIR, ""),
    ("member", ("Tony Shanahan", None), CommitteeRole.Role.MEMBER, "Large Supplier"),
]
# Every login the demo creates has an address here (a reserved domain), which is
# how meetings/checks.py tells it from a real user who happens to be a "chair".
DEMO_EMAIL_DOMAIN = "demo.invalid"


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
        committees = _committees()
        organisations = _organisations()
        _classifications()
        _modifications()
        meeting = _meeting(committees[data.OPSG])
        people = _attendance(meeting, organisations)
        _roles(committees[data.OPSG], people)
        items = _items(meeting)
        _actions_raised(meeting, items, organisations)
        _actions_reviewed(meeting, committees, organisations)
        _incidents(items)
        for item in items.values():
            incident_mentions_refresh(item=item)
        users = _logins(committees[data.OPSG], organisations, password) if logins else 0
    return _counts(meeting) | {"logins": users}


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


def _organisations() -> dict[str, Organisation]:
    return {
        row["short_name"]: Organisation.objects.get_or_create(
            short_name=row["short_name"],
            defaults={k: v for k, v in row.items() if k != "short_name"},
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


def _meeting(committee: Committee) -> Meeting:
    row = data.MEETING
    label, effective_from = row["classification"]
    meeting, _ = Meeting.objects.get_or_create(
        committee=committee,
        number=row["number"],
        defaults=dict(
            kind=row["kind"],
            date=row["date"],
            start_time=row["start_time"],
            end_time=row["end_time"],
            location=row["location"],
            classification=Classification.objects.get(label=label, effective_from=effective_from),
            status=row["status"],
            circulated_at=datetime.datetime(*row["circulated_at"], tzinfo=LONDON),
        ),
    )
    # Action targets default to the next meeting, so it must exist before
    # any action is raised.
    for nxt in data.NEXT_MEETINGS:
        NextMeeting.objects.get_or_create(meeting=meeting, kind=nxt["kind"], date=nxt["date"])
    return meeting


def _person(entry: dict, organisations: dict[str, Organisation]) -> Person:
    organisation = organisations[entry["organisation"]] if entry["organisation"] else None
    return Person.objects.get_or_create(name=entry["name"], organisation=organisation)[0]


def _attendance(meeting: Meeting, organisations) -> dict[str, list[tuple[Person, str]]]:
    """Attendance lines in printed order; returns each section's (person, group)."""
    people: dict[str, list[tuple[Person, str]]] = {}
    sections = [
        (Attendance.Section.MEMBER, data.MEMBERS),
        (Attendance.Section.PARTICIPANT, data.PARTICIPANTS),
        (Attendance.Section.APOLOGY, data.APOLOGIES),
    ]
    for section, groups in sections:
        people[section] = []
        order = 0
        for group, entries in groups:
            for entry in entries:
                order += 1
                person = _person(entry, organisations)
                is_member = section == Attendance.Section.MEMBER
                Attendance.objects.get_or_create(
                    meeting=meeting,
                    person=person,
                    defaults=dict(
                        section=section,
                        category=group if is_member else "",
                        represents="" if is_member else group,
                        is_alternate=entry["is_alternate"],
                        remote=entry["remote"],
                        part=entry["part"],
                        role=entry["role"],
                        order=order,
                    ),
                )
                people[section].append((person, group))
    return people


def _roles(committee: Committee, people) -> None:
    for person, category in people[Attendance.Section.MEMBER]:
        if person.name == data.CHAIR:
            role, category = CommitteeRole.Role.CHAIR, ""
        else:
            role = CommitteeRole.Role.MEMBER
        CommitteeRole.objects.get_or_create(
            committee=committee, person=person, role=role, defaults={"category": category}
        )
    name, organisation = data.SECRETARY
    secretary = Person.objects.get(name=name, organisation__short_name=organisation)
    CommitteeRole.objects.get_or_create(
        committee=committee, person=secretary, role=CommitteeRole.Role.SECRETARY
    )


def _items(meeting: Meeting) -> dict[str, AgendaItem]:
    items = {}
    for order, row in enumerate(data.ITEMS, start=1):
        item, created = AgendaItem.objects.get_or_create(
            meeting=meeting,
            number=row["number"],
            defaults=dict(
                title=row["title"],
                narrative=row["narrative"],
                post_meeting_note=row.get("post_meeting_note", ""),
                standing=row.get("standing", ""),
                order=order,
            ),
        )
        # Decisions have no natural key: an item that has any keeps them as they are.
        if created or not item.decisions.exists():
            for position, decision in enumerate(row.get("decisions", []), start=1):
                Decision.objects.create(item=item, order=position, **decision)
        items[row["number"]] = item
    return items


def _actions_raised(meeting: Meeting, items, organisations) -> None:
    """Raise the new actions in the minutes' order, so they take 25/01, 25/02 …"""
    for row in data.ITEMS:
        for spec in row.get("actions", []):
            if Action.objects.filter(reference=spec["reference"]).exists():
                continue
            action = action_raise(
                meeting=meeting,
                item=items[row["number"]],
                owners=[organisations[name] for name in spec["owners"]],
                text=spec["text"],
                target_date=spec["target_date"],
            )
            # A gap in the counter (an action deleted by hand) would shift every
            # later number: refuse rather than load the minutes mislabelled.
            if action.reference != spec["reference"]:
                raise DemoDataConflict(
                    f"Expected {spec['reference']} but the next reference is {action.reference}; "
                    "meeting 25's action numbering has been changed by hand."
                )


def _actions_reviewed(meeting: Meeting, committees, organisations) -> None:
    for order, spec in enumerate(data.ACTIONS_REVIEWED, start=1):
        action = action_record_existing(
            committee=committees[data.OPSG],
            reference=spec["reference"],
            owners=[organisations[name] for name in spec["owners"]],
            text=spec["text"],
            raised_on=spec["raised_on"],
            target_date=spec["last_target_date"],
        )
        if ActionReview.objects.filter(action=action, meeting=meeting).exists():
            continue
        superseded_by = spec.get("superseded_by")
        transferred_to = spec.get("transferred_to")
        action_review_record(
            action=action,
            meeting=meeting,
            update=spec["update"],
            status=spec["status"],
            last_target_date=spec["last_target_date"],
            revised_target_date=spec["revised_target_date"],
            revised_target_note=spec["revised_target_note"],
            order=order,
            outcome=spec.get("outcome", Action.Outcome.COMPLETED),
            superseded_by=Action.objects.get(reference=superseded_by) if superseded_by else None,
            transferred_to=committees[transferred_to] if transferred_to else None,
        )


def _incidents(items) -> None:
    for spec in data.INCIDENTS:
        fields = {k: v for k, v in spec.items() if k not in ("reference", "review")}
        incident, _ = Incident.objects.get_or_create(reference=spec["reference"], defaults=fields)
        review = spec["review"]
        item = items[review["item"]]
        IncidentReview.objects.get_or_create(
            incident=incident,
            item=item,
            defaults={k: v for k, v in review.items() if k not in ("item", "decisions", "actions")},
        )
        decisions = list(item.decisions.order_by("order", "id"))
        incident.decisions.add(*(decisions[i] for i in review["decisions"]))
        incident.actions.add(*Action.objects.filter(reference__in=review["actions"]))


def _logins(committee: Committee, organisations, password: str | None) -> int:
    User = get_user_model()
    count = 0
    for username, (name, organisation), role, category in DEMO_LOGINS:
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
