"""The front page tells the secretary and the chair what awaits them in each
of their committees, and members nothing of it."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from actions.models import OwnerUpdate
from meetings.models import Meeting, MinutesDocument
from minutes.services import minutes_approve, minutes_circulate
from tests.base import login, make_action, make_item, make_meeting

pytestmark = pytest.mark.django_db


def _rendered(meeting: Meeting, **fields) -> MinutesDocument:
    fields.setdefault("requested_at", timezone.now())
    return MinutesDocument.objects.create(
        meeting=meeting,
        minutes_version=meeting.version,
        minutes_status=meeting.status,
        source_sha256=str(MinutesDocument.objects.count()) * 64,
        **fields,
    )


@pytest.fixture
def committee_business(world):
    """OPSG 24 circulated, with an open action and an owner's update pending;
    OPSG 25 a draft that has reviewed nothing; OPSG 23 approved, its PDF failed."""
    m23 = make_meeting(world, number=23, date=datetime.date(2019, 8, 6))
    minutes_circulate(meeting=m23, by=world.secretary.user)
    minutes_approve(meeting=m23, at_meeting=None, by=world.chair.user)
    _rendered(m23, state=MinutesDocument.State.FAILED, error="the renderer stopped with an error.")
    m24 = make_meeting(world, number=24, date=datetime.date(2019, 9, 3))
    action = make_action(world, m24, item=make_item(m24, "3", "Incidents"))
    OwnerUpdate.objects.create(
        action=action, submitted_by=world.member.user, submitted_at=timezone.now(), text="Done."
    )
    minutes_circulate(meeting=m24, by=world.secretary.user)
    make_meeting(world)  # OPSG 25, a draft
    return world


def test_the_secretary_sees_drafts_reviews_and_updates(client, committee_business):
    login(client, "secretary")
    body = client.get("/").content.decode()
    assert "Awaiting you" in body
    assert 'Draft minutes of <a href="/committees/OPSG/meetings/25/">OPSG 25</a>' in body
    assert "1 open action not yet reviewed for OPSG 25" in body
    assert "1 owner's update to accept or set aside" in body
    assert "to approve" not in body  # the chair's
    assert "The PDF of" in body and "failed to render: the renderer stopped" in body


def test_the_chair_sees_what_to_approve_and_publish(client, committee_business):
    login(client, "chair")
    body = client.get("/").content.decode()
    assert "OPSG 24</a>, circulated" in body and ": to approve." in body
    assert "OPSG 23</a>, approved" in body and ": to publish." in body
    assert "Draft minutes of" not in body  # the secretary's


def test_a_member_sees_no_such_panel(client, committee_business):
    login(client, "member")
    assert "Awaiting you" not in client.get("/").content.decode()


def test_nothing_awaiting_says_so(client, world):
    login(client, "secretary")
    assert "Nothing awaits you in the OPSG." in client.get("/").content.decode()


def test_a_newer_render_clears_the_failed_pdf(client, committee_business, world):
    _rendered(
        Meeting.objects.get(number=23),
        state=MinutesDocument.State.DONE,
        file="minutes/OPSG/opsg_23.pdf",
        sha256="2" * 64,
        rendered_at=timezone.now(),
        requested_at=timezone.now() + datetime.timedelta(seconds=1),
    )
    login(client, "secretary")
    assert "The PDF of" not in client.get("/").content.decode()


@pytest.mark.parametrize("drafts", [3, 300])
def test_the_front_page_asks_the_same_queries_for_3_drafts_or_300(client, world, drafts):
    Meeting.objects.bulk_create(
        Meeting(
            committee=world.opsg,
            number=100 + n,
            date=datetime.date(2020, 1, 1) + datetime.timedelta(days=n),
            classification=world.white_2019,
        )
        for n in range(drafts)
    )
    login(client, "secretary")
    client.get("/")
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/")
    assert response.status_code == 200
    assert len(queries) <= HOME_QUERIES, [q["sql"][:120] for q in queries]


# Session, user, committees, per committee its roles, awaiting and lists, and
# "Your actions" (6: its counts in SQL and only the rows it lists read).
HOME_QUERIES = 18
