"""The demo's OPSG 25 as a user and another tool see it: minutes.json and the page."""

import json

import pytest
from django.core.management import call_command

from actions.models import ActionReview
from minutes.selectors import _how_it_ended
from tests.base import PASSWORD, login_with_password

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo(settings):
    settings.DEMO_MODE = True
    settings.DEMO_PASSWORD = PASSWORD
    call_command("load_demo", verbosity=0)


def get_json(client):
    login_with_password(client, "member")
    response = client.get("/committees/OPSG/meetings/25/minutes.json")
    assert response.status_code == 200
    return json.loads(response.content)


def test_minutes_json_has_the_whole_meeting(client, demo):
    doc = get_json(client)
    assert doc["reference"] == "OPSG_25_0110"
    assert (doc["date"], doc["start"], doc["end"]) == ("2019-10-01", "10:00", "17:00")
    assert len(doc["attendance"]["members"]) == 15
    assert len(doc["attendance"]["participants"]) == 22
    assert len(doc["attendance"]["apologies"]) == 4
    assert [item["number"] for item in doc["items"]] == [str(n) for n in range(1, 21)]
    assert [a["reference"] for a in doc["actions_raised"]] == [
        f"OPSG 25/{n:02d}" for n in range(1, 19)
    ]
    reviewed = doc["actions_reviewed"]
    assert len(reviewed) == 10
    assert sum(r["status"] == "closed" for r in reviewed) == 3
    assert sum(r["status"] == "open" for r in reviewed) == 7
    assert doc["incidents"] == ["INC000000478818", "INC000000479406"]
    assert doc["next_meetings"] == [{"kind": "main", "date": "2019-11-05"}]


def test_actions_reviewed_carry_the_dates_as_printed(client, demo):
    rows = {r["reference"]: r for r in get_json(client)["actions_reviewed"]}
    assert [r for r in rows] == [
        "OPSG 11/02", "OPSG 20/06", "OPSG 23/05", "OPSG 23/06", "OPSG 23/08",
        "OPSG 23/09", "OPSG 24/02", "OPSG 24/05", "OPSG 24/06", "OPSG 24/08",
    ]  # fmt: skip
    first = rows["OPSG 11/02"]
    assert (first["raised_on"], first["last_target"], first["revised_target"]) == (
        "2018-08-28", "2019-09-13", None,
    )  # fmt: skip
    assert first["status"] == "closed"
    assert rows["OPSG 23/05"]["revised_target"] == "2019-11-05"
    assert rows["OPSG 24/05"]["revised_target"] == "To be determined"
    assert rows["OPSG 23/09"]["owners"] == ["DNOs", "DCC"]
    assert rows["OPSG 24/08"]["owners"] == ["DCC", "SECAS"]


def test_minutes_page_reads_like_the_minutes(client, demo):
    login_with_password(client, "member")
    body = client.get("/committees/OPSG/meetings/25/").content.decode()
    assert 'ACTION <a href="/actions/opsg-25-01/">OPSG 25/01</a>:' in body
    assert 'ACTION <a href="/actions/opsg-25-18/">OPSG 25/18</a>:' in body
    assert "The OPSG <strong>ENDORSED</strong> proposal SIP4931" in body
    assert "Enable customers to be able to put updates on Service Requests via SSI" in body
    assert "[^1]" not in body
    assert "Liam Cowe" in body and "(Teleconference)" in body
    assert "Post-meeting note:" in body
    assert "Action Status: Closed" in body


def test_known_modifications_link_to_their_pages(client, demo):
    login_with_password(client, "member")
    body = client.get("/committees/OPSG/meetings/25/").content.decode()
    # Item 7 names DP083 in plain text as well as in a link.
    assert 'rel="noopener noreferrer">DP083</a>' in body


def test_each_action_closed_here_says_how_it_ended(client, demo):
    """On the page (and so in the PDF, printed from it): the outcome beside
    the closed status, with the successor's reference."""
    login_with_password(client, "member")
    body = client.get("/committees/OPSG/meetings/25/").content.decode()
    ended = [
        line.split("Action Status: Closed", 1)[1].split("<", 1)[0]
        for line in body.splitlines()
        if "Action Status: Closed" in line
    ]
    assert sorted(ended) == sorted(
        [" (Superseded by OPSG 25/01)", " (Absorbed into other work)", " (Transferred to TABASC)"]
    ), ended


def test_a_successor_the_reader_may_not_see_is_not_named(demo):
    """Named by the one rule the page applies to the actions it shows (a CONF
    action is for those who read in confidence)."""
    review = ActionReview.objects.select_related("action__superseded_by", "meeting").get(
        action__reference="OPSG 11/02", meeting__number=25
    )
    meeting, successor = review.meeting, review.action.superseded_by
    readable = {successor.item_id}
    assert _how_it_ended(review, meeting, lambda a: True, readable) == "Superseded by OPSG 25/01"
    # Not shown to this reader, or raised under an item they may not read.
    hidden = _how_it_ended(review, meeting, lambda a: a.pk != successor.pk, readable)
    assert hidden == "Superseded by another action"
    assert _how_it_ended(review, meeting, lambda a: True, set()) == hidden
