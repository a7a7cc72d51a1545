"""The committee at a glance (minutes.glance): its tables hold the figures
the charts draw, counted over what the reader may see, in a fixed number of
queries."""

import datetime

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from actions.models import Action
from actions.services import action_review_record
from meetings.models import Attendance, Meeting
from minutes.glance import month_ends
from tests.base import circulate, login, make_action, make_meeting

pytestmark = pytest.mark.django_db

D = datetime.date
PAGE = "/committees/OPSG/glance/"
GLANCE_QUERIES = 13


@pytest.fixture(autouse=True)
def today():
    with time_machine.travel(datetime.datetime(2020, 6, 1, 9, tzinfo=datetime.UTC), tick=False):
        yield


@pytest.fixture
def actions(world):
    """Published minutes: OPSG 24 (Sept 2019) raised two DCC actions and one SECAS action; OPSG
    25 (a confidential session, May 2020) raised a DCC action and moved the
    first DCC action's target."""
    w = world
    m24 = make_meeting(w, number=24, date=D(2019, 9, 3))
    first = make_action(w, m24, target_date=D(2019, 10, 1))
    make_action(w, m24, text="DCC to write the plan.", target_date=D(2019, 10, 1))
    make_action(w, m24, text="SECAS to brief.", owners=[w.secas], target_date=D(2020, 7, 1))
    Attendance.objects.create(meeting=m24, person=w.owner, section="participant")
    m25 = make_meeting(w, number=25, date=D(2020, 5, 5), kind="confidential")
    make_action(w, m25, text="DCC to fix it quietly.", target_date=D(2020, 9, 1))
    action_review_record(
        action=first,
        meeting=m25,
        update="Later.",
        status="open",
        revised_target_date=D(2020, 12, 1),
    )
    circulate(m24, m25)
    now = timezone.now()
    Meeting.objects.filter(pk__in=[m24.pk, m25.pk]).update(
        status="published", approved_at=now, published_at=now
    )
    return w


def glance(client, username):
    return login(client, username).get(PAGE).context["glance"]


def test_a_member_sees_every_open_action_counted(client, actions):
    found = glance(client, "member")
    owners = {line.name: (line.open, line.slipped) for line in found.owners}
    assert owners == {"DCC": (3, 1), "SECAS": (1, 0)}
    assert dict(found.ages) == {
        "Under 3 months": 1,
        "3 to 6 months": 0,
        "6 to 12 months": 3,
        "1 to 2 years": 0,
        "Over 2 years": 0,
    }
    assert found.chart_data()["owners"] == {
        "labels": ["DCC", "SECAS"],
        "slipped": [1, 0],
        "on_time": [2, 1],
    }


def test_what_a_confidential_session_did_is_not_counted_for_an_owner(client, actions):
    """Owen of the DCC holds no role: he sees the DCC's own actions, not the
    CONF one, nor the slip the confidential session recorded."""
    found = glance(client, "owner")
    owners = {line.name: (line.open, line.slipped) for line in found.owners}
    assert owners == {"DCC": (2, 0)}
    assert sum(count for _, count in found.ages) == 2


def test_attendance_by_organisation(client, actions):
    found = glance(client, "member")
    assert [(o.name, o.represented) for o in found.attendance.organisations] == [("DCC", 1)]
    assert found.chart_data()["attendance"] == {"labels": ["DCC"], "rates": [50]}
    body = login(client, "member").get(PAGE).content.decode()
    assert 'id="glance-data"' in body and "chart.umd.min.js" in body


def test_nothing_to_show_is_said(client, world):
    body = login(client, "member").get(PAGE).content.decode()
    assert "No open actions of OPSG that you can see." in body
    assert "No attendance in minutes of OPSG that you can read." in body


@pytest.mark.parametrize("count", [3, 300])
def test_queries_do_not_grow_with_actions(client, world, count):
    meeting = make_meeting(world, number=24, date=D(2019, 9, 3))
    circulate(meeting)
    Action.objects.bulk_create(
        Action(
            committee=world.opsg,
            meeting=meeting,
            meeting_number=24,
            sequence=n + 1,
            reference=f"OPSG 24/{n + 1:02d}",
            text=f"Action {n}",
            raised_on=meeting.date,
            status="open",
        )
        for n in range(count)
    )
    login(client, "member")
    with CaptureQueriesContext(connection) as captured:
        assert client.get(PAGE).status_code == 200
    assert len(captured) <= GLANCE_QUERIES, [q["sql"][:100] for q in captured]


def closed_action(w, *, closed_on):
    """A fourth action of OPSG 24, owned by SECAS, closed (on `closed_on`)."""
    m24 = Meeting.objects.get(number=24)
    action = Action.objects.create(
        committee=w.opsg,
        meeting=m24,
        meeting_number=24,
        sequence=9,
        reference="OPSG 24/09",
        text="SECAS to close it.",
        raised_on=m24.date,
        status="closed",
        outcome="completed",
        closed_on=closed_on,
    )
    action.owners.create(organisation=w.secas)
    return action


def test_open_actions_over_time_follow_what_the_reader_may_know(client, actions):
    """Three actions raised in Sept 2019 are open at every month's end from
    then; the CONF one from May 2020 only for the member, who reads the
    confidential session."""
    closed_action(actions, closed_on=D(2019, 11, 20))
    member = glance(client, "member").over_time
    by_label = {point.label: point.open for point in member.points}
    assert [p.label for p in member.points][:2] == ["Sep 2019", "Oct 2019"]
    assert len(member.points) == 10 and member.points[-1].label == "Today"
    assert by_label["Sep 2019"] == 4  # the three, and the one closed in November
    assert by_label["Nov 2019"] == 3
    assert by_label["Apr 2020"] == 3 and by_label["May 2020"] == 4 and by_label["Today"] == 4
    assert member.undated == 0
    owner = glance(client, "owner").over_time
    assert {p.label: p.open for p in owner.points}["Today"] == 2  # the DCC's own, no CONF
    data = glance(client, "member").chart_data()["over_time"]
    assert data["counts"] == [point.open for point in member.points]


def test_a_closed_action_without_a_closing_date_is_left_out_and_said(client, actions):
    closed_action(actions, closed_on=None)
    member = glance(client, "member").over_time
    assert member.undated == 1
    assert {p.label: p.open for p in member.points}["Today"] == 4
    body = login(client, "member").get(PAGE).content.decode()
    assert "1 closed action whose closing date the minutes do not record is left out." in body


def test_how_far_targets_slip_by_organisation(client, actions):
    found = glance(client, "member")
    dcc = next(line for line in found.owners if line.name == "DCC")
    # OPSG 25 moved the first action's target from 1 Oct 2019 to 1 Dec 2020.
    assert (dcc.slips, dcc.slip_days) == (1, (D(2020, 12, 1) - D(2019, 10, 1)).days)
    assert dcc.average_slip_days == dcc.slip_days


def test_a_long_history_is_drawn_every_few_months():
    ends = month_ends(D(2018, 8, 28), D(2026, 12, 6), 36)
    assert len(ends) <= 36 and ends[-1] == D(2026, 11, 30)
    assert ends[-2] == D(2026, 8, 31)  # every third month, the latest kept
    assert ends[0] >= D(2018, 8, 31)
    assert month_ends(D(2026, 12, 1), D(2026, 12, 6), 36) == []


def test_nothing_raised_draws_nothing(client, world):
    assert glance(client, "member").over_time.points == []
