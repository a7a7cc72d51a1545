"""The front page's "Your actions" (minutes.selectors.my_actions) and "My
actions" (actions.filters.owned_by("mine")): a person's own open actions,
their organisation's, and those of a group of a committee's members they sit
on ("OPSG members"), overdue and due soon, with the updates the next meeting
asks for. Observed on Monday 28 October 2019."""

import datetime

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from actions.models import Action, ActionOwner
from meetings.models import NextMeeting, Organisation
from tests.base import circulate, login, make_action, make_meeting
from tests.minutes.test_awaiting import HOME_QUERIES

pytestmark = pytest.mark.django_db

D = datetime.date
MONDAY = datetime.datetime(2019, 10, 28, 9, tzinfo=datetime.UTC)


@pytest.fixture
def owned(world):
    members = Organisation.objects.create(
        short_name="OPSG members", is_group=True, members_of=world.opsg
    )
    m25 = make_meeting(world, number=25, date=D(2019, 10, 1))
    NextMeeting.objects.filter(meeting=m25).update(date=D(2019, 11, 5))
    late = make_action(
        world, m25, text="Members to comment.", owners=[members], target_date=D(2019, 10, 15)
    )
    soon = make_action(
        world, m25, text="Mia to check.", owners=[world.member], target_date=D(2019, 10, 30)
    )
    later = make_action(
        world,
        m25,
        text="Mia's firm to report.",
        owners=[world.member.organisation],
        target_date=D(2019, 12, 20),
    )
    make_action(world, m25, text="DCC alone.", owners=[world.dcc], target_date=D(2019, 10, 1))
    circulate(m25)
    return {"late": late, "soon": soon, "later": later}


@time_machine.travel(MONDAY, tick=False)
def test_a_member_sees_their_own_their_organisations_and_their_groups_actions(client, owned):
    login(client, "member")
    body = client.get("/").content.decode()
    assert "3 open actions owned by you" in body
    assert "1 overdue" in body and "1 due within 3 working days" in body
    assert "OPSG 25/01" in body and "OPSG 25/02" in body  # overdue, due soon: listed
    # OPSG 26 (5 November) asks for updates from Tuesday 29 October: not yet.
    assert "Updates requested" not in body
    mine = client.get("/actions/?owner=mine").content.decode()
    assert all(ref in mine for ref in ("OPSG 25/01", "OPSG 25/02", "OPSG 25/03"))
    assert "OPSG 25/04" not in mine


@time_machine.travel(MONDAY + datetime.timedelta(days=1), tick=False)
def test_before_the_meeting_updates_are_requested(client, owned):
    login(client, "member")
    body = client.get("/").content.decode()
    assert "Updates requested for OPSG 26" in body and "your 3 open actions" in body


@time_machine.travel(MONDAY, tick=False)
def test_a_group_owns_for_its_committees_members_chair_and_secretary_only(client, owned, observer):
    for username, count in (("chair", 1), ("secretary", 1), ("observer", 0), ("outsider", 0)):
        login(client, username)
        body = client.get("/actions/?owner=mine").content.decode()
        assert body.count("OPSG 25/01") == count, username


@time_machine.travel(MONDAY, tick=False)
@pytest.mark.parametrize("extra", [0, 300])
def test_your_actions_holds_its_query_count(client, world, owned, extra):
    m27 = make_meeting(world, number=27, date=D(2019, 10, 8))
    made = Action.objects.bulk_create(
        [
            Action(
                committee=world.opsg,
                meeting=m27,
                meeting_number=27,
                sequence=n,
                reference=f"OPSG 27/{n:02d}",
                text=f"Action {n}",
                raised_on=m27.date,
                target_date=D(2019, 10, 29),
            )
            for n in range(1, extra + 1)
        ]
    )
    ActionOwner.objects.bulk_create(
        [
            ActionOwner(action=a, organisation=Organisation.objects.get(short_name="OPSG members"))
            for a in made
        ]
    )
    circulate(m27)
    login(client, "member")
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/")
    assert response.status_code == 200
    assert len(queries) <= HOME_QUERIES, len(queries)
    assert f"{3 + extra} open actions owned by you" in response.content.decode()
