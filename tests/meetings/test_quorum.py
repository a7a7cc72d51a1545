"""Whether a meeting was quorate (meetings.quorum), and where the minutes say so."""

import datetime

import pytest

from meetings.access import EVERYTHING
from meetings.models import Attendance, Meeting, Person
from meetings.quorum import quorum_of
from minutes.selectors import minutes_document
from tests.base import approve_minutes, circulate, login, make_meeting

pytestmark = pytest.mark.django_db


def lines(*roles, category=""):
    return [Attendance(role=role, category=category) for role in roles]


@pytest.fixture
def quorum_of_five(world):
    """A draft of OPSG, whose quorum is 5 members including the chair."""
    world.opsg.quorum = 5
    world.opsg.quorum_needs_chair = True
    world.opsg.save()
    return Meeting(committee=world.opsg, number=25, status=Meeting.Status.DRAFT)


def test_no_quorum_recorded_says_nothing(world):
    assert quorum_of(Meeting(committee=world.opsg), lines("", "", "")) is None


def test_enough_members_with_the_chair(quorum_of_five):
    quorum = quorum_of(quorum_of_five, lines("Chair", "", "", "", ""))
    assert quorum.quorate
    assert quorum.statement == "The meeting was quorate: 5 members present, including the chair."


def test_an_alternate_chair_or_a_chairs_category_will_do(quorum_of_five):
    assert quorum_of(quorum_of_five, lines("Alternate Chair", "", "", "", "")).quorate
    members = lines("", "", "", "") + lines("", category="Operations Group Chair")
    assert quorum_of(quorum_of_five, members).quorate
    assert quorum_of(quorum_of_five, lines("OPSG Chair", "", "", "", "")).quorate
    assert quorum_of(quorum_of_five, lines("Vice-Chair", "", "", "", "")).quorate
    for not_the_chair in ("Chairing secretary", "TABASC Chair", "Chair's nominee"):
        assert not quorum_of(quorum_of_five, lines(not_the_chair, "", "", "", "")).quorate


def test_too_few_or_no_chair_is_said_in_words(quorum_of_five):
    few = quorum_of(quorum_of_five, lines("Chair", ""))
    assert few.statement == (
        "The meeting was not quorate: 2 members present, fewer than the 5 its quorum needs."
    )
    chairless = quorum_of(quorum_of_five, lines("", "", "", "", "", ""))
    assert chairless.statement == (
        "The meeting was not quorate: 6 members present, "
        "the chair or an alternate chair not among them."
    )


def test_the_minutes_and_their_document_say_it(client, quorum_of_five, world):
    meeting = make_meeting(world)
    people = Person.objects.bulk_create(Person(name=f"Member {n}") for n in range(5))
    Attendance.objects.bulk_create(
        Attendance(
            meeting=meeting, person=person, section="member", order=n, role="Chair" * (n == 0)
        )
        for n, person in enumerate(people)
    )
    Attendance.objects.create(meeting=meeting, person=world.owner, section="participant")
    circulate(meeting)
    said = "The meeting was quorate: 5 members present, including the chair."
    assert said in login(client, "member").get("/committees/OPSG/meetings/25/").content.decode()
    assert minutes_document(meeting, reader=EVERYTHING)["quorum"]["statement"] == said
    editor = login(client, "secretary").get("/committees/OPSG/meetings/25/edit/")
    assert said in editor.content.decode()


def test_approved_minutes_keep_the_quorum_they_were_approved_under(world):
    world.opsg.quorum, world.opsg.quorum_needs_chair = 2, False
    world.opsg.save()
    meeting = make_meeting(world)
    later = make_meeting(world, number=26, date=datetime.date(2019, 11, 5))
    approve_minutes(world, meeting, later)
    world.opsg.quorum, world.opsg.quorum_needs_chair = 9, True
    world.opsg.save()
    meeting.refresh_from_db()
    quorum = quorum_of(meeting, lines("", ""))
    assert (quorum.required, quorum.needs_chair, quorum.quorate) == (2, False, True)
    # A draft follows the committee's quorum as it stands.
    later.refresh_from_db()
    assert quorum_of(later, lines("", "")).required == 9
