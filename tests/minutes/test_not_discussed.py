"""Open actions that the meeting did not review never drop silently out of
its minutes: circulating (or approving) lists them and asks for each to be
reviewed, or ticked as not discussed, and then they are carried forward."""

import datetime

import pytest

from actions.models import ActionReview
from actions.services import NOT_DISCUSSED, action_review_record
from meetings.models import Meeting
from minutes.services import minutes_circulate
from tests.base import login, make_action, make_item, make_meeting

pytestmark = pytest.mark.django_db

M25 = "/committees/OPSG/meetings/25/"


@pytest.fixture
def meeting(world):
    """OPSG 24 raised two actions, both open; OPSG 25 reviews one of them."""
    m24 = make_meeting(world, number=24, date=datetime.date(2019, 9, 3))
    item = make_item(m24, "3", "Incidents")
    reviewed = make_action(world, m24, item=item, target_date=datetime.date(2019, 10, 1))
    make_action(world, m24, "SECAS to chase the report.", item=item, owners=[world.secas])
    m25 = make_meeting(world)
    action_review_record(meeting=m25, action=reviewed, update="In hand.", status="open")
    return m25


def test_the_page_lists_the_unreviewed_and_asks_to_tick(client, meeting):
    login(client, "secretary")
    body = client.get(M25).content.decode()
    assert "1 open action has no review at this meeting:</strong>" in body
    assert (
        "OPSG 24/02" in body and "OPSG 24/01" not in body.split('id="unreviewed-actions"')[1][:400]
    )
    assert 'name="not_discussed" value="1" required' in body


def test_circulating_without_the_tick_is_refused_and_writes_nothing(client, meeting):
    login(client, "secretary")
    response = client.post(M25 + "minutes/circulate/", follow=True)
    said = [str(m) for m in response.context["messages"]]
    assert said == [
        "1 open action has no review at this meeting: OPSG 24/02. Review it on the Actions "
        "Outstanding screen, or tick that it was not discussed."
    ]
    meeting.refresh_from_db()
    assert meeting.status == Meeting.Status.DRAFT
    assert ActionReview.objects.filter(meeting=meeting).count() == 1


def test_with_the_tick_they_are_carried_forward_as_not_discussed(client, meeting, world):
    login(client, "secretary")
    response = client.post(M25 + "minutes/circulate/", {"not_discussed": "1"}, follow=True)
    said = [str(m) for m in response.context["messages"]][0]
    assert said.startswith(
        "Draft circulated: members can now read it. 1 action is recorded as not discussed "
        "and carried forward: OPSG 24/02."
    )
    meeting.refresh_from_db()
    assert meeting.status == Meeting.Status.CIRCULATED
    row = ActionReview.objects.get(meeting=meeting, action__reference="OPSG 24/02")
    assert (row.update, row.status, row.revised_target_date) == (NOT_DISCUSSED, "open", None)
    assert row.action.status == "open"
    body = client.get(M25).content.decode()
    assert NOT_DISCUSSED in body  # in the minutes' Actions Outstanding table
    assert 'id="unreviewed-actions"' not in body


def test_every_action_reviewed_needs_no_tick(client, meeting):
    action_review_record(
        meeting=meeting,
        action=meeting.committee.actions.get(reference="OPSG 24/02"),
        update="Chased.",
        status="open",
    )
    login(client, "secretary")
    assert 'id="unreviewed-actions"' not in client.get(M25).content.decode()
    response = client.post(M25 + "minutes/circulate/", follow=True)
    assert [str(m) for m in response.context["messages"]][0].startswith("Draft circulated")


def test_the_chair_approving_is_asked_the_same(client, meeting, world):
    minutes_circulate(meeting=meeting, by=world.secretary.user)  # the service asks nothing
    login(client, "chair")
    assert 'id="unreviewed-actions"' in client.get(M25).content.decode()
    refused = client.post(M25 + "minutes/approve/", {"at_meeting": ""}, follow=True)
    assert "no review at this meeting: OPSG 24/02" in str(list(refused.context["messages"])[0])
    client.post(M25 + "minutes/approve/", {"at_meeting": "", "not_discussed": "1"})
    meeting.refresh_from_db()
    assert meeting.status == Meeting.Status.APPROVED
    assert ActionReview.objects.get(meeting=meeting, action__reference="OPSG 24/02").update == (
        NOT_DISCUSSED
    )
