"""Named people with fixed roles, and small builders. Deterministic: no
randomness, fixed dates. Use these everywhere rather than ad-hoc objects.

- Sam Secretary: secretary of OPSG (SECAS)
- Chris Chair: chair of OPSG
- Mia Member: member of OPSG (a Large Supplier)
- Owen Owner: works for the DCC, owns DCC actions, no committee role
- Olly Outsider: member of TABASC only
"""

import datetime
from dataclasses import dataclass

from django.contrib.auth import get_user_model

from meetings.models import (
    AgendaItem,
    Classification,
    Committee,
    CommitteeRole,
    Meeting,
    NextMeeting,
    Organisation,
    Person,
)

PASSWORD = "correct-horse-battery-staple"


@dataclass
class World:
    opsg: Committee
    tabasc: Committee
    white_2019: Classification
    white_2021: Classification
    amber: Classification  # committee members only
    dcc: Organisation
    secas: Organisation
    secretary: Person
    chair: Person
    member: Person
    owner: Person
    outsider: Person


def make_person(name, username, organisation=None, email=None):
    user = get_user_model().objects.create_user(
        username=username, password=PASSWORD, email=email or f"{username}@example.org"
    )
    return Person.objects.create(name=name, organisation=organisation, email=user.email, user=user)


def make_world() -> World:
    opsg = Committee.objects.create(code="OPSG", name="Operations Group")
    tabasc = Committee.objects.create(
        code="TABASC", name="Technical Architecture and Business Architecture Sub-Committee"
    )
    white_2019 = Classification.objects.create(
        label="White",
        colour="#ffffff",
        audience=Classification.Audience.PUBLIC,
        may_be_published=True,
        statement="Information can be shared with the public.",
        effective_from=datetime.date(2018, 1, 1),
    )
    white_2021 = Classification.objects.create(
        label="White",
        colour="#ffffff",
        audience=Classification.Audience.PARTIES,
        statement="Shared with other SEC Parties, but not published.",
        effective_from=datetime.date(2020, 6, 1),
    )
    amber = Classification.objects.create(
        label="Amber",
        colour="#ffbf00",
        audience=Classification.Audience.COMMITTEE,
        statement="For the committee's members only.",
        effective_from=datetime.date(2018, 1, 1),
    )
    dcc = Organisation.objects.create(short_name="DCC", contact_emails="ops@dcc.example.org")
    secas = Organisation.objects.create(short_name="SECAS", contact_emails="secas@example.org")
    large = Organisation.objects.create(short_name="Large Supplier Co")
    world = World(
        opsg=opsg,
        tabasc=tabasc,
        white_2019=white_2019,
        white_2021=white_2021,
        amber=amber,
        dcc=dcc,
        secas=secas,
        secretary=make_person("Sam Secretary", "secretary", secas),
        chair=make_person("Chris Chair", "chair", large),
        member=make_person("Mia Member", "member", large),
        owner=make_person("Owen Owner", "owner", dcc),
        outsider=make_person("Olly Outsider", "outsider", large),
    )
    CommitteeRole.objects.create(committee=opsg, person=world.secretary, role="secretary")
    CommitteeRole.objects.create(committee=opsg, person=world.chair, role="chair")
    CommitteeRole.objects.create(
        committee=opsg, person=world.member, role="member", category="Large Supplier"
    )
    CommitteeRole.objects.create(committee=tabasc, person=world.outsider, role="member")
    return world


def make_named_classification(*people: Person) -> Classification:
    """Red: for the people it names only."""
    red = Classification.objects.create(
        label="Red",
        colour="#cc0000",
        audience=Classification.Audience.NAMED,
        statement="For the people named only.",
        effective_from=datetime.date(2018, 1, 1),
    )
    red.named_people.add(*people)
    return red


def make_meeting(world: World, number=25, date=datetime.date(2019, 10, 1), **fields) -> Meeting:
    fields.setdefault("classification", world.white_2019)
    fields.setdefault("start_time", datetime.time(10, 0))
    fields.setdefault("end_time", datetime.time(17, 0))
    fields.setdefault("location", "8 Fenchurch Place, London")
    meeting = Meeting.objects.create(committee=world.opsg, number=number, date=date, **fields)
    NextMeeting.objects.create(meeting=meeting, date=date + datetime.timedelta(days=35))
    return meeting


def circulate(*meetings: Meeting) -> None:
    """Mark minutes circulated (on their meeting's evening), past the
    services: what they raised and reviewed then reaches members and owners,
    while a draft's reaches only its secretary and chair. They stay open to
    reviews and edits, as circulated drafts are."""
    for meeting in meetings:
        when = datetime.datetime.combine(meeting.date, datetime.time(17), tzinfo=datetime.UTC)
        Meeting.objects.filter(pk=meeting.pk).update(
            status=Meeting.Status.CIRCULATED, circulated_at=when
        )
        meeting.refresh_from_db()


def make_item(meeting: Meeting, number="1", title="Previous Meeting Minutes", **fields):
    fields.setdefault("order", int(number.split(".")[0]) * 100 + len(number))
    return AgendaItem.objects.create(meeting=meeting, number=number, title=title, **fields)


def make_action(world: World, meeting: Meeting, text="DCC to report on the incident.", **fields):
    """An action raised at `meeting` through the service, owned by the DCC unless told."""
    from actions.services import action_raise

    fields.setdefault("owners", [world.dcc])
    fields.setdefault("item", None)
    return action_raise(meeting=meeting, text=text, **fields)


def approve_minutes(world: World, meeting: Meeting, at_meeting: Meeting) -> Meeting:
    """Circulate `meeting`'s minutes and approve them at the later `at_meeting`."""
    from minutes.services import minutes_approve, minutes_circulate

    minutes_circulate(meeting=meeting, by=world.secretary.user)
    return minutes_approve(meeting=meeting, at_meeting=at_meeting, by=world.chair.user)


def login(client, username: str):
    """Log `client` in as one of the world's users; returns it for chaining.
    A session is opened directly (django-axes throttles only logins through a
    request: `client.login` has none); a username nobody has raises."""
    client.force_login(get_user_model().objects.get(username=username))
    return client


def login_with_password(client, username: str, password: str = PASSWORD):
    """Log in through the login form, as a browser does; returns `client`."""
    response = client.post("/accounts/login/", {"username": username, "password": password})
    assert response.status_code == 302, f"{username} could not log in ({response.status_code})"
    return client
