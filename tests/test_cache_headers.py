"""Issue 14, trust: what a browser or a proxy may keep. Everything private
by default (opsg/middleware.py: Cache-Control: private, no-store); the
public pages, their PDFs, static files and /healthz are left to their own
headers, unless the reader is signed in."""

import pytest

from actions.services import feed_token_create
from minutes.services import minutes_approve, minutes_circulate, minutes_publish
from tests.base import login, make_item, make_meeting

pytestmark = pytest.mark.django_db

PRIVATE = "private, no-store"


@pytest.fixture
def published(world):
    """OPSG 25, published: anyone may read it at /published/OPSG/25/."""
    meeting = make_meeting(world)
    make_item(meeting)
    minutes_circulate(meeting=meeting, by=world.secretary.user)
    minutes_approve(meeting=meeting, at_meeting=None, by=world.chair.user)
    return minutes_publish(meeting=meeting, by=world.chair.user)


def test_private_pages_are_not_cached(client, world, published):
    login(client, "member")
    for path in (
        "/",
        "/actions/",
        "/committees/OPSG/",
        "/committees/OPSG/meetings/25/",
        "/committees/OPSG/meetings/25/minutes.json",
        "/decisions/",
        "/search/?q=minutes",
        "/actions/feeds/",
    ):
        response = client.get(path)
        assert response.status_code == 200, path
        assert response["Cache-Control"] == PRIVATE, path


def test_exports_are_not_cached(client, world, published):
    login(client, "member")
    for path in ("/actions/export.csv", "/actions/export.xlsx"):
        response = client.get(path)
        assert response.status_code == 200, path
        assert response["Cache-Control"] == PRIVATE, path


def test_private_pages_are_not_cached_for_anonymous_visitors_either(client, world, published):
    """The login form carries a CSRF token; a refusal or a redirect to log
    in is not for a proxy to hand to the next visitor. (The login view says
    so itself, more strongly: its own header stands.)"""
    for path in ("/actions/", "/committees/OPSG/meetings/25/minutes.pdf", "/import/"):
        assert client.get(path)["Cache-Control"] == PRIVATE, path
    for response in (
        client.get("/accounts/login/"),
        client.post("/accounts/login/", {"username": "member", "password": "wrong"}),
    ):
        assert {"private", "no-store"} <= set(response["Cache-Control"].split(", "))


def test_public_pages_may_be_cached(client, world, published):
    for path in ("/published/", "/published/OPSG/25/", "/healthz"):
        response = client.get(path)
        assert response.status_code == 200, path
        assert "no-store" not in response.get("Cache-Control", ""), path
    # Not issued yet, but the address is public: a 404 there is public too.
    response = client.get("/published/OPSG/25/minutes.pdf")
    assert "no-store" not in response.get("Cache-Control", "")


def test_static_files_keep_their_own_caching(client, world):
    response = client.get("/static/css/app.css")
    assert response.status_code == 200
    assert "no-store" not in response.get("Cache-Control", "")


def test_public_pages_read_while_signed_in_are_not_cached(client, world, published):
    """The page names the reader in its header: it is theirs, not the public's."""
    login(client, "member")
    for path in ("/published/", "/published/OPSG/25/"):
        response = client.get(path)
        assert response.status_code == 200, path
        assert response["Cache-Control"] == PRIVATE, path


def test_calendar_feeds_keep_their_own_cache_header(client, world, published):
    """A calendar application fetches the feed without a session; it may
    keep it five minutes (actions/views.py), never in a shared cache."""
    feed = feed_token_create(user=world.owner.user, kind="actions")
    response = client.get(f"/feeds/{feed.token}/actions.ics")
    assert response.status_code == 200
    assert response["Cache-Control"] == "private, max-age=300"
