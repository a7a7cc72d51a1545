"""A signed-out visitor refused a members-only page is sent to log in and
back (opsg/signin.py); a signed-in user without access still gets 404.
tests/test_access.py holds every URL of the app to the same rule."""

from urllib.parse import parse_qs, urlsplit

import pytest
from django.test import Client

from minutes.services import minutes_circulate
from tests.base import PASSWORD, login, make_item, make_meeting

pytestmark = pytest.mark.django_db

MINUTES = "/committees/OPSG/meetings/25/"


@pytest.fixture
def circulated(world):
    meeting = make_meeting(world)
    make_item(meeting, "1", "Previous Meeting Minutes", narrative="Circulated words.")
    minutes_circulate(meeting=meeting, by=world.secretary.user)
    return meeting


def login_target(response) -> tuple[str, str]:
    """(path, next) of a redirect to the login page."""
    location = urlsplit(response["Location"])
    return location.path, parse_qs(location.query)["next"][0]


def test_signed_out_member_is_sent_to_login_and_back(circulated):
    client = Client()
    asked = MINUTES + "?item=1"

    refused = client.get(asked)
    assert refused.status_code == 302
    assert login_target(refused) == ("/accounts/login/", MINUTES + "?item=1")

    form = client.get(refused["Location"])
    assert form.status_code == 200
    assert f'name="next" value="{MINUTES}?item=1"' in form.content.decode()

    signed_in = client.post(
        "/accounts/login/",
        {"username": "member", "password": PASSWORD, "next": MINUTES + "?item=1"},
    )
    assert signed_in.status_code == 302
    assert signed_in["Location"] == MINUTES + "?item=1"
    page = client.get(signed_in["Location"])
    assert page.status_code == 200
    assert "Circulated words." in page.content.decode()


def test_a_signed_out_visitor_learns_nothing_of_what_exists(circulated):
    """The same redirect for minutes that exist, a draft, and minutes that do not."""
    client = Client()
    for path in [MINUTES, "/committees/OPSG/meetings/99/", "/committees/NOPE/meetings/1/"]:
        for suffix in ["", "minutes.json", "history/"]:
            response = client.get(path + suffix)
            assert response.status_code == 302, path + suffix
            assert login_target(response) == ("/accounts/login/", path + suffix)


def test_signed_in_without_access_still_gets_404(circulated, observer):
    """An observer reads only published minutes; an outsider sits on another
    committee. Neither is told whether the circulated minutes exist."""
    for username in ["observer", "outsider"]:
        client = login(Client(), username)
        assert client.get(MINUTES).status_code == 404
        assert client.get(MINUTES + "minutes.json").status_code == 404
        assert client.get("/committees/OPSG/meetings/99/").status_code == 404
    assert login(Client(), "member").get(MINUTES).status_code == 200


def test_public_pages_answer_as_before(circulated):
    client = Client()
    assert client.get("/published/").status_code == 200
    assert client.get("/published/OPSG/25/").status_code == 404  # not published
    assert client.get("/healthz").status_code == 200
    assert client.get("/accounts/login/").status_code == 200
    assert client.get("/feeds/not-a-token/actions.ics").status_code == 404
