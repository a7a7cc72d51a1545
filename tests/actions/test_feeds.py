"""Private calendar feeds: a committee's meetings and an owner's action
target dates, each at a URL with a revocable token, read back with the
icalendar library as a calendar application would."""

import datetime
import re
from zoneinfo import ZoneInfo

import icalendar
import pytest
import time_machine

from actions.models import Action, FeedToken
from actions.services import (
    action_raise,
    action_review_record,
    feed_token_create,
    feed_token_revoke,
)
from meetings.models import CommitteeRole, Meeting, NextMeeting
from meetings.services import agenda_entry_add, agenda_publish, meeting_update
from minutes.services import minutes_revise
from tests.base import circulate, login, make_meeting

pytestmark = pytest.mark.django_db

D = datetime.date
NOW = datetime.datetime(2026, 11, 23, 9, 0, tzinfo=datetime.UTC)
LONDON = ZoneInfo("Europe/London")


@pytest.fixture(autouse=True)
def today():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def m25(world):
    """Circulated: members read it. 10:00–17:00 on a summer's day (BST)."""
    meeting = make_meeting(world, number=25, date=D(2026, 7, 7))
    Meeting.objects.filter(pk=meeting.pk).update(status="circulated", circulated_at=NOW)
    meeting.refresh_from_db()
    return meeting


@pytest.fixture
def m26(world, m25):
    """A draft, no times given: the secretary's only, for now."""
    return make_meeting(world, number=26, date=D(2026, 12, 1), start_time=None, end_time=None)


def calendar(response) -> icalendar.Calendar:
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    return icalendar.Calendar.from_ical(response.content)


def events(cal) -> dict[str, icalendar.Event]:
    return {str(e["summary"]): e for e in cal.walk("VEVENT")}


class TestFeedsPage:
    def test_requires_login(self, client):
        response = client.get("/actions/feeds/")
        assert response.status_code == 302
        assert response["Location"].startswith("/accounts/login/")

    def test_post_only_views_refuse_get(self, client, world):
        feed = feed_token_create(user=world.member.user, kind="actions")
        login(client, "member")
        assert client.get("/actions/feeds/new/").status_code == 405
        assert client.get(f"/actions/feeds/{feed.pk}/revoke/").status_code == 405

    def test_make_see_and_revoke_a_feed(self, client, world):
        login(client, "member")
        body = client.get("/actions/feeds/").content.decode()
        assert "You have no calendar feeds yet." in body
        assert "Meetings of OPSG" in body
        assert "Meetings of TABASC" not in body  # not one of Mia's committees

        response = client.post("/actions/feeds/new/", {"feed": f"meetings-{world.opsg.pk}"})
        feed = FeedToken.objects.get()
        assert response.status_code == 302
        assert response["Location"] == f"/actions/feeds/#feed-{feed.pk}"
        assert (feed.user, feed.kind, feed.committee) == (
            world.member.user,
            FeedToken.Kind.MEETINGS,
            world.opsg,
        )
        assert len(feed.token) >= 43  # secrets.token_urlsafe(32)
        body = client.get("/actions/feeds/").content.decode()
        assert "New feed made: meetings of OPSG." in body
        assert f'value="http://testserver/feeds/{feed.token}/meetings.ics"' in body
        # A subscription link calendar applications open, and a copy button.
        assert f'href="webcal://testserver/feeds/{feed.token}/meetings.ics"' in body
        assert f'data-copy="feed-{feed.pk}-url"' in body
        assert client.get(f"/feeds/{feed.token}/meetings.ics").status_code == 200

        response = client.post(f"/actions/feeds/{feed.pk}/revoke/")
        assert response.status_code == 302
        feed.refresh_from_db()
        assert feed.revoked_at == NOW
        body = client.get("/actions/feeds/").content.decode()
        assert "Revoked: meetings of OPSG. Its address no longer works." in body
        assert feed.token not in body
        # At once: the next fetch of the old URL finds nothing.
        assert client.get(f"/feeds/{feed.token}/meetings.ics").status_code == 404

    def test_a_new_feed_has_a_new_token(self, client, world):
        login(client, "owner")
        client.post("/actions/feeds/new/", {"feed": "actions"})
        client.post("/actions/feeds/new/", {"feed": "actions"})
        tokens = set(FeedToken.objects.values_list("token", flat=True))
        assert len(tokens) == 2

    def test_a_committee_that_is_not_yours_is_refused(self, client, world):
        login(client, "member")
        response = client.post("/actions/feeds/new/", {"feed": f"meetings-{world.tabasc.pk}"})
        assert response.status_code == 400
        assert not FeedToken.objects.exists()

    def test_someone_elses_feed_cannot_be_revoked(self, client, world):
        feed = feed_token_create(user=world.owner.user, kind="actions")
        response = login(client, "member").post(f"/actions/feeds/{feed.pk}/revoke/")
        assert response.status_code == 404
        feed.refresh_from_db()
        assert feed.revoked_at is None


class TestMeetingsFeed:
    def test_meetings_in_london_time_or_all_day(self, client, world, m25, m26):
        feed = feed_token_create(user=world.secretary.user, kind="meetings", committee=world.opsg)
        cal = calendar(client.get(f"/feeds/{feed.token}/meetings.ics"))
        assert str(cal["x-wr-calname"]) == "OPSG meetings"
        found = events(cal)
        main = found["OPSG 25 – Main meeting"]
        start, end = main.decoded("dtstart"), main.decoded("dtend")
        assert start == datetime.datetime(2026, 7, 7, 10, 0, tzinfo=LONDON)
        assert start.tzinfo.key == "Europe/London"
        assert main["dtstart"].params["TZID"] == "Europe/London"
        assert start.utcoffset() == datetime.timedelta(hours=1)  # BST in July
        assert end == datetime.datetime(2026, 7, 7, 17, 0, tzinfo=LONDON)
        assert str(main["location"]) == "8 Fenchurch Place, London"
        assert str(main["url"]) == "http://testserver/committees/OPSG/meetings/25/"
        # No times: an all-day event.
        draft = found["OPSG 26 – Main meeting"]
        assert draft.decoded("dtstart") == D(2026, 12, 1)
        assert draft.decoded("dtend") == D(2026, 12, 2)
        # A VTIMEZONE for the TZID used, as RFC 5545 asks.
        assert [str(tz["tzid"]) for tz in cal.walk("VTIMEZONE")] == ["Europe/London"]
        assert all(e.get("uid") for e in found.values())

    def test_a_member_sees_what_they_may_see(self, client, world, m25, m26):
        """The draft OPSG 26 is not the member's to read yet: it comes only as
        the date OPSG 25 announced, all day, without a link to the minutes."""
        NextMeeting.objects.filter(meeting=m25).update(date=D(2026, 12, 1))
        feed = feed_token_create(user=world.member.user, kind="meetings", committee=world.opsg)
        found = events(calendar(client.get(f"/feeds/{feed.token}/meetings.ics")))
        assert set(found) == {"OPSG 25 – Main meeting", "OPSG – next main meeting"}
        announced = found["OPSG – next main meeting"]
        assert announced.decoded("dtstart") == D(2026, 12, 1)
        assert "url" not in announced

    def test_other_committees_meetings_are_not_in_it(self, client, world, m25):
        Meeting.objects.create(
            committee=world.tabasc, number=9, date=D(2026, 7, 8), classification=world.white_2019
        )
        feed = feed_token_create(user=world.secretary.user, kind="meetings", committee=world.opsg)
        found = events(calendar(client.get(f"/feeds/{feed.token}/meetings.ics")))
        assert not [s for s in found if "TABASC" in s]

    def test_losing_the_role_stops_the_feed(self, client, world, m25):
        feed = feed_token_create(user=world.member.user, kind="meetings", committee=world.opsg)
        assert client.get(f"/feeds/{feed.token}/meetings.ics").status_code == 200
        CommitteeRole.objects.filter(person=world.member).delete()
        assert client.get(f"/feeds/{feed.token}/meetings.ics").status_code == 404

    def test_unknown_revoked_wrong_kind_and_inactive_are_404(self, client, world, m25):
        feed = feed_token_create(user=world.member.user, kind="meetings", committee=world.opsg)
        assert client.get("/feeds/not-a-token/meetings.ics").status_code == 404
        assert client.get(f"/feeds/{feed.token}/actions.ics").status_code == 404
        user = world.member.user
        user.is_active = False
        user.save()
        assert client.get(f"/feeds/{feed.token}/meetings.ics").status_code == 404
        user.is_active = True
        user.save()
        feed_token_revoke(feed=feed)
        assert client.get(f"/feeds/{feed.token}/meetings.ics").status_code == 404


class TestActionsFeed:
    @pytest.fixture
    def actions(self, world, m25):
        """DCC's open OPSG 25/01 and 25/02 (one with words for a target, one
        closed), SECAS's 25/04, and DCC actions of TABASC: one ordinary, one
        from a confidential session."""
        due = action_raise(
            meeting=m25,
            item=None,
            owners=[world.dcc],
            text="The DCC to review the network traffic.",
            target_date=D(2026, 12, 1),
        )
        words = action_raise(
            meeting=m25,
            item=None,
            owners=[world.dcc],
            text="DCC to confirm.",
            target_note="To be determined",
        )
        done = action_raise(meeting=m25, item=None, owners=[world.dcc], text="DCC to close.")
        m26 = make_meeting(world, number=26, date=D(2026, 8, 4))
        action_review_record(action=done, meeting=m26, update="Done.", status="closed")
        circulate(m26)
        secas = action_raise(
            meeting=m25, item=None, owners=[world.secas], text="SECAS to circulate."
        )
        t9 = Meeting.objects.create(
            committee=world.tabasc, number=9, date=D(2026, 7, 8), classification=world.white_2019
        )
        t9c = Meeting.objects.create(
            committee=world.tabasc,
            number=10,
            date=D(2026, 7, 9),
            classification=world.white_2019,
            kind=Meeting.Kind.CONFIDENTIAL,
        )
        tabasc = action_raise(
            meeting=t9,
            item=None,
            owners=[world.dcc],
            text="DCC to model.",
            target_date=D(2026, 12, 2),
        )
        secret = action_raise(
            meeting=t9c,
            item=None,
            owners=[world.dcc],
            text="DCC secret.",
            target_date=D(2026, 12, 3),
        )
        circulate(t9, t9c)
        return dict(due=due, words=words, done=done, secas=secas, tabasc=tabasc, secret=secret)

    def test_my_organisations_open_actions_on_their_target_dates(self, client, world, actions):
        feed = feed_token_create(user=world.owner.user, kind="actions")
        response = client.get(f"/feeds/{feed.token}/actions.ics")
        assert response["Cache-Control"] == "private, max-age=300"
        cal = calendar(response)
        found = events(cal)
        assert set(found) == {
            "OPSG 25/01 due: The DCC to review the network traffic.",
            "TABASC 9/01 due: DCC to model.",
        }
        event = found["OPSG 25/01 due: The DCC to review the network traffic."]
        assert event.decoded("dtstart") == D(2026, 12, 1)
        assert event["dtstart"].params["VALUE"] == "DATE"
        assert event.decoded("dtend") == D(2026, 12, 2)
        assert str(event["url"]) == "http://testserver/actions/opsg-25-01/"
        assert "(DCC)" in str(event["description"])
        assert str(event["uid"]) == "opsg-25-01-target@testserver"

    def test_a_moved_target_moves_the_event(self, client, world, actions):
        feed = feed_token_create(user=world.owner.user, kind="actions")
        Action.objects.filter(pk=actions["due"].pk).update(target_date=D(2027, 1, 31))
        event = events(calendar(client.get(f"/feeds/{feed.token}/actions.ics")))[
            "OPSG 25/01 due: The DCC to review the network traffic."
        ]
        assert event.decoded("dtstart") == D(2027, 1, 31)

    def test_no_leak_of_other_committees_or_organisations(self, client, world, actions):
        """The member's organisation owns nothing: an empty calendar, not
        the OPSG actions they can read on the committee's page, nor TABASC's."""
        feed = feed_token_create(user=world.member.user, kind="actions")
        cal = calendar(client.get(f"/feeds/{feed.token}/actions.ics"))
        assert cal.walk("VEVENT") == []

    def test_confidential_only_to_members_of_that_committee(self, client, world, actions):
        owner_feed = feed_token_create(user=world.owner.user, kind="actions")
        body = client.get(f"/feeds/{owner_feed.token}/actions.ics").content.decode()
        assert "TABASC 10/CONF 01" not in body and "DCC secret" not in body
        CommitteeRole.objects.create(committee=world.tabasc, person=world.owner, role="member")
        found = events(calendar(client.get(f"/feeds/{owner_feed.token}/actions.ics")))
        assert "TABASC 10/CONF 01 due: DCC secret." in found

    def test_revoked_token_is_404(self, client, world, actions):
        feed = feed_token_create(user=world.owner.user, kind="actions")
        feed_token_revoke(feed=feed)
        assert client.get(f"/feeds/{feed.token}/actions.ics").status_code == 404

    def test_feed_needs_no_login_and_no_session(self, client, world, actions):
        feed = feed_token_create(user=world.owner.user, kind="actions")
        response = client.get(f"/feeds/{feed.token}/actions.ics")
        assert response.status_code == 200
        assert "sessionid" not in response.cookies
        assert re.match(rb"BEGIN:VCALENDAR\r\n", response.content)


def test_admin_lists_feeds_without_their_secrets(client, world):
    from django.contrib.auth import get_user_model

    feed = feed_token_create(user=world.owner.user, kind="actions")
    get_user_model().objects.filter(pk=world.secretary.user_id).update(
        is_staff=True, is_superuser=True
    )
    login(client, "secretary")
    listing = client.get("/admin/actions/feedtoken/")
    assert listing.status_code == 200
    change = client.get(f"/admin/actions/feedtoken/{feed.pk}/change/")
    assert change.status_code == 200
    assert feed.token not in listing.content.decode() + change.content.decode()
    assert client.get("/admin/actions/feedtoken/add/").status_code == 403


class TestAChangedMeeting:
    """A meeting moved (date, time or place) keeps its event's UID and raises
    its SEQUENCE, in the committee's feed and in the meeting's own .ics."""

    def test_moving_a_meeting_raises_its_sequence(self, client, world, m25):
        feed = feed_token_create(user=world.member.user, kind="meetings", committee=world.opsg)
        url = f"/feeds/{feed.token}/meetings.ics"
        (before,) = [e for e in calendar(client.get(url)).walk("VEVENT") if "25" in e["summary"]]
        assert before["sequence"] == 0
        meeting_update(meeting=m25, expected_version=None, start_time=datetime.time(11, 0))
        (after,) = [e for e in calendar(client.get(url)).walk("VEVENT") if "25" in e["summary"]]
        assert after["uid"] == before["uid"]
        assert after["sequence"] == 1
        assert after.decoded("dtstart").hour == 11
        # Nothing a calendar shows changed: the same SEQUENCE.
        meeting_update(meeting=m25, expected_version=None, location=m25.location)
        m25.refresh_from_db()
        assert m25.schedule_sequence == 1

    def test_the_meeting_as_its_own_calendar_file(self, client, world, m25):
        login(client, "member")
        minutes = client.get("/committees/OPSG/meetings/25/").content.decode()
        assert 'href="/committees/OPSG/meetings/25/meeting.ics">Add to calendar</a>' in minutes
        response = client.get("/committees/OPSG/meetings/25/meeting.ics")
        assert response["Content-Disposition"] == 'attachment; filename="OPSG_25.ics"'
        (event,) = calendar(response).walk("VEVENT")
        assert str(event["uid"]) == "opsg-meeting-25@testserver"
        assert str(event["url"]) == "http://testserver/committees/OPSG/meetings/25/"
        assert event.decoded("dtstart") == datetime.datetime(2026, 7, 7, 10, 0, tzinfo=LONDON)

    def test_a_draft_meetings_file_is_its_writers(self, client, world, m26):
        assert (
            login(client, "member").get("/committees/OPSG/meetings/26/meeting.ics").status_code
            == 404
        )
        assert (
            login(client, "secretary").get("/committees/OPSG/meetings/26/meeting.ics").status_code
            == 200
        )

    def test_a_reader_of_the_version_kept_is_not_told_a_correction_moved_it(
        self, client, world, m25
    ):
        Meeting.objects.filter(pk=m25.pk).update(
            status="published", approved_at=NOW, published_at=NOW
        )
        m25.refresh_from_db()
        minutes_revise(meeting=m25, reason="The time was wrong.", by=world.chair.user)
        m25.refresh_from_db()
        meeting_update(meeting=m25, expected_version=None, start_time=datetime.time(9, 0))
        url = "/committees/OPSG/meetings/25/meeting.ics"
        (kept,) = calendar(login(client, "member").get(url)).walk("VEVENT")
        assert (kept["sequence"], kept.decoded("dtstart").hour) == (0, 10)
        (live,) = calendar(login(client, "secretary").get(url)).walk("VEVENT")
        assert (live["sequence"], live.decoded("dtstart").hour) == (1, 9)


class TestAgendaInTheCalendar:
    """A meeting whose agenda is published comes with the agenda's link, in
    the feed and in its own .ics, to its readers: to a member before its
    minutes are theirs to read."""

    @pytest.fixture
    def published(self, world, m25, m26):
        agenda_entry_add(meeting=m26, number="1", title="Previous Meeting Minutes")
        agenda_publish(meeting=m26, by=world.secretary.user)
        return m26

    def test_the_feed_links_the_agenda(self, client, world, published):
        feed = feed_token_create(user=world.member.user, kind="meetings", committee=world.opsg)
        found = events(calendar(client.get(f"/feeds/{feed.token}/meetings.ics")))
        event = found["OPSG 26 – Main meeting"]
        agenda = "http://testserver/committees/OPSG/meetings/26/agenda/"
        assert str(event["url"]) == agenda
        assert str(event["description"]) == f"Agenda and papers: {agenda}"

    def test_the_meeting_ics_links_what_its_reader_reads(self, client, world, published):
        member = events(
            calendar(login(client, "member").get("/committees/OPSG/meetings/26/meeting.ics"))
        )
        description = str(member["OPSG 26 – Main meeting"]["description"])
        assert (
            "Agenda and papers: http://testserver/committees/OPSG/meetings/26/agenda/"
            in description
        )
        assert "Minutes:" not in description
        secretary = events(
            calendar(login(client, "secretary").get("/committees/OPSG/meetings/26/meeting.ics"))
        )
        description = str(secretary["OPSG 26 – Main meeting"]["description"])
        assert (
            "Agenda and papers:" in description
            and "Minutes: http://testserver/committees/OPSG/meetings/26/" in description
        )

    def test_a_draft_agenda_is_not_linked_for_a_member(self, client, world, m25, m26):
        agenda_entry_add(meeting=m26, number="1", title="Previous Meeting Minutes")
        assert (
            login(client, "member").get("/committees/OPSG/meetings/26/meeting.ics").status_code
            == 404
        )
