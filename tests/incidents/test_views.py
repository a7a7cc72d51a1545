"""The incident page, and incident numbers in narratives linking to it."""

import pytest

from incidents.models import Incident, IncidentReview
from minutes.services import minutes_circulate
from tests.base import login, make_item, make_meeting

pytestmark = pytest.mark.django_db

REF = "INC000000478818"


@pytest.fixture
def reviewed(world):
    meeting = make_meeting(world)
    minutes_circulate(meeting=meeting, by=world.secretary.user)
    item = make_item(
        meeting, "4", "Major Incidents", narrative=f"Review of {REF} and INC000000000001."
    )
    incident = Incident.objects.create(reference=REF, title="Timeouts", service_provider="DSP")
    IncidentReview.objects.create(incident=incident, item=item, publish_report=True)
    return meeting


def test_requires_login(client, reviewed):
    assert client.get(f"/incidents/{REF}/").status_code == 302


def test_outsider_and_unknown_get_404(client, reviewed):
    assert login(client, "outsider").get(f"/incidents/{REF}/").status_code == 404
    assert login(client, "member").get("/incidents/INC000000000009/").status_code == 404


def test_member_sees_reviews_and_mentions(client, reviewed):
    body = login(client, "member").get(f"/incidents/{REF}/").content.decode()
    assert "Timeouts" in body and "– item 4. Major Incidents" in body
    assert "Major Incident Review Report to be published: <strong>yes</strong>" in body


def test_known_incident_numbers_link_from_the_minutes(client, reviewed):
    body = login(client, "member").get("/committees/OPSG/meetings/25/").content.decode()
    assert f'<a href="/incidents/{REF}/">{REF}</a>' in body
    # Unknown numbers stay plain text.
    assert 'href="/incidents/INC000000000001/"' not in body


def test_post_is_refused(client, reviewed):
    assert login(client, "member").post(f"/incidents/{REF}/").status_code == 405
