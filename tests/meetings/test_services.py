"""The minutes' lifecycle: draft → circulated → approved at a later meeting →
published, each step once, in order, and never over someone else's edit."""

import datetime

import pytest
import time_machine
from django.core.exceptions import ValidationError

from meetings.models import Meeting
from minutes.services import minutes_approve, minutes_circulate, minutes_publish
from tests.base import approve_minutes, make_meeting

pytestmark = pytest.mark.django_db

CIRCULATED = datetime.datetime(2019, 10, 8, 9, 30, tzinfo=datetime.UTC)
APPROVED = datetime.datetime(2019, 11, 5, 10, 15, tzinfo=datetime.UTC)
PUBLISHED = datetime.datetime(2019, 11, 6, 14, 0, tzinfo=datetime.UTC)


@pytest.fixture(autouse=True)
def fast_passwords(settings):
    # make_world creates five users: the default hasher would dominate the run.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def meeting(world):
    return make_meeting(world)


@pytest.fixture
def next_meeting(world):
    return make_meeting(world, 26, datetime.date(2019, 11, 5))


def circulate(world, meeting, **kwargs):
    with time_machine.travel(CIRCULATED, tick=False):
        return minutes_circulate(meeting=meeting, by=world.secretary.user, **kwargs)


def approve(world, meeting, at_meeting):
    with time_machine.travel(APPROVED, tick=False):
        return minutes_approve(meeting=meeting, at_meeting=at_meeting, by=world.chair.user)


def publish(world, meeting):
    with time_machine.travel(PUBLISHED, tick=False):
        return minutes_publish(meeting=meeting, by=world.chair.user)


def stored(meeting):
    return Meeting.objects.get(pk=meeting.pk)


class TestTheWholeLifecycle:
    def test_circulate_approve_publish(self, world, meeting, next_meeting):
        circulate(world, meeting)
        approve(world, meeting, next_meeting)
        publish(world, meeting)
        meeting = stored(meeting)
        assert meeting.status == Meeting.Status.PUBLISHED
        assert (meeting.circulated_at, meeting.circulated_by) == (
            CIRCULATED,
            world.secretary.user,
        )
        assert (meeting.approved_at, meeting.approved_by) == (APPROVED, world.chair.user)
        assert meeting.approved_at_meeting == next_meeting
        assert list(next_meeting.minutes_approved.all()) == [meeting]
        assert (meeting.published_at, meeting.published_by) == (PUBLISHED, world.chair.user)
        assert meeting.is_frozen

    def test_each_step_bumps_the_version(self, world, meeting, next_meeting):
        assert stored(meeting).version == 1
        circulate(world, meeting, expected_version=1)
        assert meeting.version == stored(meeting).version == 2
        approve(world, meeting, next_meeting)
        assert meeting.version == stored(meeting).version == 3
        publish(world, meeting)
        assert meeting.version == stored(meeting).version == 4

    def test_each_step_is_recorded_in_the_history(self, world, meeting, next_meeting):
        circulate(world, meeting)
        approve(world, meeting, next_meeting)
        publish(world, meeting)
        statuses = [h.status for h in stored(meeting).history.order_by("history_id")]
        assert statuses == ["draft", "circulated", "approved", "published"]


class TestCirculate:
    def test_draft_becomes_circulated(self, world, meeting):
        circulate(world, meeting)
        assert stored(meeting).status == Meeting.Status.CIRCULATED
        assert not stored(meeting).is_frozen

    def test_only_once(self, world, meeting):
        circulate(world, meeting)
        with pytest.raises(ValidationError):
            circulate(world, meeting)
        assert stored(meeting).version == 2

    def test_a_stale_version_is_refused(self, world, meeting):
        drawn_from = meeting.version
        # Someone else saves the minutes after this form was drawn.
        Meeting.objects.filter(pk=meeting.pk).update(version=drawn_from + 1)
        with pytest.raises(ValidationError):
            circulate(world, meeting, expected_version=drawn_from)
        meeting = stored(meeting)
        assert (meeting.status, meeting.version, meeting.circulated_at) == ("draft", 2, None)

    def test_the_current_version_is_accepted(self, world, meeting):
        Meeting.objects.filter(pk=meeting.pk).update(version=5)
        circulate(world, stored(meeting), expected_version=5)
        assert stored(meeting).version == 6


class TestApprove:
    def test_not_before_circulation(self, world, meeting, next_meeting):
        with pytest.raises(ValidationError):
            approve(world, meeting, next_meeting)
        assert stored(meeting).status == Meeting.Status.DRAFT

    def test_not_at_the_same_meeting(self, world, meeting):
        circulate(world, meeting)
        with pytest.raises(ValidationError):
            approve(world, meeting, meeting)
        assert stored(meeting).status == Meeting.Status.CIRCULATED

    def test_not_at_an_earlier_meeting(self, world, meeting):
        earlier = make_meeting(world, 24, datetime.date(2019, 8, 27))
        circulate(world, meeting)
        with pytest.raises(ValidationError):
            approve(world, meeting, earlier)
        assert stored(meeting).status == Meeting.Status.CIRCULATED

    def test_not_at_another_committees_meeting(self, world, meeting):
        tabasc_meeting = Meeting.objects.create(
            committee=world.tabasc,
            number=30,
            date=datetime.date(2019, 11, 5),
            classification=world.white_2019,
        )
        circulate(world, meeting)
        with pytest.raises(ValidationError):
            approve(world, meeting, tabasc_meeting)
        assert stored(meeting).approved_at_meeting is None

    def test_only_once(self, world, meeting, next_meeting):
        approve_minutes(world, meeting, next_meeting)
        with pytest.raises(ValidationError):
            approve(world, meeting, next_meeting)


class TestPublish:
    def test_not_a_draft(self, world, meeting):
        with pytest.raises(ValidationError):
            publish(world, meeting)
        assert stored(meeting).published_at is None

    def test_not_before_approval(self, world, meeting):
        circulate(world, meeting)
        with pytest.raises(ValidationError):
            publish(world, meeting)
        assert stored(meeting).status == Meeting.Status.CIRCULATED

    def test_only_once(self, world, meeting, next_meeting):
        circulate(world, meeting)
        approve(world, meeting, next_meeting)
        publish(world, meeting)
        with pytest.raises(ValidationError):
            publish(world, meeting)
        assert stored(meeting).published_at == PUBLISHED


def test_an_item_added_with_an_incident_in_its_title_mentions_it(world):
    from incidents.models import Incident, IncidentMention
    from minutes.services import item_add

    incident = Incident.objects.create(reference="INC000000478818")
    item = item_add(meeting=make_meeting(world), title="INC000000478818 review")
    assert IncidentMention.objects.filter(incident=incident, item=item).exists()
