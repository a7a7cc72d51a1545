"""Whether a meeting was quorate (meetings.quorum), and where the minutes say so."""

import pytest

from meetings.access import EVERYTHING
from meetings.models import Attendance, Person
from meetings.quorum import quorum_of
from minutes.selectors import minutes_document
from tests.base import circulate, login, make_meeting

pytestmark = pytest.mark.django_db


def lines(*roles, category=""):
    return [Attendance(role=role, category=category) for role in roles]


@pytest.fixture
def quorum_of_five(world):
    world.opsg.quorum = 5
    world.opsg.quorum_needs_chair = True
    world.opsg.save()
    return world.opsg


def test_no_quorum_recorded_says_nothing(world):
    assert quorum_of(world.opsg, lines("", "", "")) is None


def test_enough_members_with_the_chair(quorum_of_five):
    quorum = quorum_of(quorum_of_five, lines("Chair", "", "", "", ""))
    assert quorum.quorate
    assert quorum.statement == "The meeting was quorate: 5 members present, including the chair."


def test_an_alternate_chair_or_a_chairs_category_will_do(quorum_of_five):
    assert quorum_of(quorum_of_five, lines("Alternate Chair", "", "", "", "")).quorate
    members = lines("", "", "", "") + lines("", category="Operations Group Chair")
    assert quorum_of(quorum_of_five, members).quorate
    assert not quorum_of(quorum_of_five, lines("Chairing secretary", "", "", "", "")).quorate


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
