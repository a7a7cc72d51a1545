"""The rules of meetings, attendance, agenda items, decisions and
classifications, as the database and full_clean enforce them."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from meetings.models import AgendaItem, Attendance, Classification, Decision, Meeting, Person
from tests.base import make_item, make_meeting

pytestmark = pytest.mark.django_db

NOON = datetime.datetime(2019, 10, 8, 12, 0, tzinfo=datetime.UTC)


@pytest.fixture(autouse=True)
def fast_passwords(settings):
    # make_world creates five users: the default hasher would dominate the run.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def meeting(world):
    return make_meeting(world)


class TestMeeting:
    def test_number_is_unique_per_committee(self, world, meeting):
        with pytest.raises(IntegrityError), transaction.atomic():
            make_meeting(world, number=25, date=datetime.date(2019, 11, 5))

    def test_other_committee_may_use_the_same_number(self, world, meeting):
        other = Meeting.objects.create(
            committee=world.tabasc,
            number=25,
            date=datetime.date(2019, 10, 1),
            classification=world.white_2019,
        )
        assert other.reference == "TABASC_25_0110"

    def test_reference_is_code_number_day_and_month(self, meeting):
        assert meeting.reference == "OPSG_25_0110"

    def test_reference_of_a_may_meeting(self, world):
        assert make_meeting(world, 49, datetime.date(2021, 5, 24)).reference == "OPSG_49_2405"

    @pytest.mark.parametrize("end", [datetime.time(9, 0), datetime.time(10, 0)])
    def test_ends_after_it_starts(self, world, end):
        with pytest.raises(IntegrityError), transaction.atomic():
            make_meeting(world, start_time=datetime.time(10, 0), end_time=end)

    def test_times_may_be_left_out(self, world):
        make_meeting(world, number=26, start_time=None, end_time=None)
        make_meeting(world, number=27, start_time=datetime.time(10, 0), end_time=None)

    def test_circulated_needs_circulated_at(self, world):
        with pytest.raises(IntegrityError), transaction.atomic():
            make_meeting(world, status=Meeting.Status.CIRCULATED)

    @pytest.mark.parametrize("status", [Meeting.Status.APPROVED, Meeting.Status.PUBLISHED])
    def test_approved_needs_approved_at(self, world, status):
        with pytest.raises(IntegrityError), transaction.atomic():
            make_meeting(world, status=status, circulated_at=NOON, published_at=NOON)

    def test_published_needs_published_at(self, world):
        with pytest.raises(IntegrityError), transaction.atomic():
            make_meeting(
                world, status=Meeting.Status.PUBLISHED, circulated_at=NOON, approved_at=NOON
            )

    def test_approved_not_before_circulated(self, world):
        with pytest.raises(IntegrityError), transaction.atomic():
            make_meeting(
                world,
                status=Meeting.Status.APPROVED,
                circulated_at=NOON,
                approved_at=NOON - datetime.timedelta(seconds=1),
            )

    def test_published_not_before_approved(self, world):
        with pytest.raises(IntegrityError), transaction.atomic():
            make_meeting(
                world,
                status=Meeting.Status.PUBLISHED,
                circulated_at=NOON,
                approved_at=NOON,
                published_at=NOON - datetime.timedelta(days=1),
            )

    def test_a_consistent_published_meeting_is_stored(self, world):
        meeting = make_meeting(
            world,
            status=Meeting.Status.PUBLISHED,
            circulated_at=NOON,
            approved_at=NOON + datetime.timedelta(days=35),
            published_at=NOON + datetime.timedelta(days=36),
        )
        assert Meeting.objects.get(pk=meeting.pk).status == "published"

    @pytest.mark.parametrize(
        "status, frozen",
        [
            (Meeting.Status.DRAFT, False),
            (Meeting.Status.CIRCULATED, False),
            (Meeting.Status.APPROVED, True),
            (Meeting.Status.PUBLISHED, True),
        ],
    )
    def test_frozen_once_approved(self, meeting, status, frozen):
        meeting.status = status
        assert meeting.is_frozen is frozen

    def test_history_is_kept(self, world, meeting):
        meeting.location = "Teleconference"
        meeting._history_user = world.secretary.user
        meeting.save()
        assert meeting.history.count() == 2
        latest = meeting.history.first()
        assert latest.location == "Teleconference"
        assert latest.history_user == world.secretary.user
        assert meeting.history.last().location == "8 Fenchurch Place, London"


class TestAttendance:
    def line(self, meeting, person, section=Attendance.Section.MEMBER, **fields):
        return Attendance.objects.create(meeting=meeting, person=person, section=section, **fields)

    def test_one_line_per_person_per_meeting(self, world, meeting):
        self.line(meeting, world.member)
        with pytest.raises(IntegrityError), transaction.atomic():
            self.line(meeting, world.member, Attendance.Section.APOLOGY)

    def test_the_same_person_attends_another_meeting(self, world, meeting):
        self.line(meeting, world.member)
        self.line(make_meeting(world, 26, datetime.date(2019, 11, 5)), world.member)

    def test_not_their_own_alternate(self, world, meeting):
        with pytest.raises(IntegrityError), transaction.atomic():
            self.line(meeting, world.member, is_alternate=True, alternate_for=world.member)

    def test_alternate_for_a_named_member(self, world, meeting):
        marta = Person.objects.create(name="Marta Kaminska", organisation=world.dcc)
        line = self.line(meeting, world.owner, is_alternate=True, alternate_for=marta)
        assert line.marks == ["alternate for Marta Kaminska"]

    @pytest.mark.parametrize("mark", ["remote", "part", "is_alternate", "alternate_for"])
    def test_apology_carries_no_presence_marks(self, world, meeting, mark):
        marks = {"alternate_for": world.chair} if mark == "alternate_for" else {mark: True}
        with pytest.raises(IntegrityError), transaction.atomic():
            self.line(meeting, world.member, Attendance.Section.APOLOGY, **marks)

    def test_apology_with_whom_they_represent(self, world, meeting):
        line = self.line(meeting, world.member, Attendance.Section.APOLOGY, represents="BEIS")
        assert line.marks == []

    def test_items_only_when_present_for_part(self, world, meeting):
        with pytest.raises(IntegrityError), transaction.atomic():
            self.line(meeting, world.member, items="6 & 7")

    def test_part_with_items(self, world, meeting):
        line = self.line(meeting, world.member, part=True, items="6 & 7", remote=True)
        assert line.marks == ["agenda item 6 & 7", "Teleconference"]


class TestAgendaItem:
    def test_number_is_unique_per_meeting(self, meeting):
        make_item(meeting, "3", "Major Incidents")
        with pytest.raises(IntegrityError), transaction.atomic():
            make_item(meeting, "3", "Any Other Business")

    def test_another_meeting_may_use_the_same_number(self, world, meeting):
        make_item(meeting, "3")
        make_item(make_meeting(world, 26, datetime.date(2019, 11, 5)), "3")

    @pytest.mark.parametrize("number", ["3", "3.1", "10", "3.1.2"])
    def test_valid_numbers(self, meeting, number):
        item = AgendaItem(meeting=meeting, number=number, title="Major Incidents")
        item.full_clean()
        assert item.depth == number.count(".")

    @pytest.mark.parametrize("number", ["3a", "3.", ".1", "3 .1", "iii", ""])
    def test_invalid_numbers(self, meeting, number):
        item = AgendaItem(meeting=meeting, number=number, title="Major Incidents")
        with pytest.raises(ValidationError) as caught:
            item.full_clean()
        assert "number" in caught.value.message_dict

    def test_history_is_kept(self, meeting):
        item = make_item(meeting, "3", "Major Incidents")
        item.narrative = "The DCC presented the Major Incident Summary."
        item.save()
        assert item.history.count() == 2
        assert item.history.first().narrative == "The DCC presented the Major Incident Summary."


class TestDecision:
    def test_history_is_kept(self, meeting):
        item = make_item(meeting)
        decision = Decision.objects.create(
            item=item, verb=Decision.Verb.AGREED, text="the minutes would be published as final."
        )
        decision.verb = Decision.Verb.NOTED
        decision.save()
        assert decision.history.count() == 2
        assert [h.verb for h in decision.history.all()] == ["NOTED", "AGREED"]

    def test_numbered_points_keep_their_order(self, meeting):
        decision = Decision.objects.create(
            item=make_item(meeting, "4"),
            verb=Decision.Verb.NOTED,
            text="that:",
            points=["the PMR", "the report"],
            first_point_number=3,
        )
        decision.refresh_from_db()
        assert decision.points == ["the PMR", "the report"]
        assert decision.first_point_number == 3


class TestClassification:
    def classification(self, **fields):
        fields.setdefault("label", "Green")
        fields.setdefault("colour", "#00ff00")
        fields.setdefault("statement", "Shared within the committee.")
        fields.setdefault("effective_from", datetime.date(2021, 1, 1))
        return Classification.objects.create(**fields)

    @pytest.mark.parametrize(
        "audience",
        [
            Classification.Audience.PARTIES,
            Classification.Audience.COMMITTEE,
            Classification.Audience.NAMED,
        ],
    )
    def test_published_only_if_the_audience_is_the_public(self, audience):
        with pytest.raises(IntegrityError), transaction.atomic():
            self.classification(audience=audience, may_be_published=True)

    def test_a_narrower_audience_is_stored_unpublished(self):
        green = self.classification(audience=Classification.Audience.COMMITTEE)
        assert green.may_be_published is False

    def test_the_same_label_means_different_things_over_time(self, world):
        whites = list(Classification.objects.filter(label="White"))
        # Newest first: the policy in force is the latest one that has started.
        assert whites == [world.white_2021, world.white_2019]
        assert [w.audience for w in whites] == ["parties", "public"]

    def test_one_statement_per_label_and_date(self, world):
        with pytest.raises(IntegrityError), transaction.atomic():
            self.classification(
                label="White",
                audience=Classification.Audience.PUBLIC,
                effective_from=world.white_2019.effective_from,
            )

    def test_colour_is_checked_by_full_clean(self):
        green = Classification(
            label="Green",
            colour="green",
            audience=Classification.Audience.COMMITTEE,
            statement="x",
            effective_from=datetime.date(2021, 1, 1),
        )
        with pytest.raises(ValidationError) as caught:
            green.full_clean()
        assert "colour" in caught.value.message_dict


def test_a_pdfs_file_name_follows_the_committees_convention(world):
    """OPSG_25_Minutes_draft.pdf; final, OPSG_25_Minutes_v1.0.pdf, and v1.1
    for the version issued after the first correction."""
    import datetime as dt

    from django.utils import timezone

    from meetings.models import MinutesDocument, MinutesRevision
    from tests.base import make_meeting

    meeting = make_meeting(world)
    now = timezone.now()

    def pdf(status, at):
        return MinutesDocument(
            meeting=meeting, minutes_version=1, minutes_status=status, requested_at=at
        )

    assert pdf("circulated", now).download_name == "OPSG_25_Minutes_draft.pdf"
    assert pdf("published", now).download_name == "OPSG_25_Minutes_v1.0.pdf"
    MinutesRevision.objects.create(
        meeting=meeting,
        number=1,
        reason="A name misspelt.",
        previous_status="published",
        snapshot={},
        created_at=now,
    )
    assert pdf("published", now - dt.timedelta(days=1)).download_name == "OPSG_25_Minutes_v1.0.pdf"
    assert pdf("published", now + dt.timedelta(hours=1)).download_name == "OPSG_25_Minutes_v1.1.pdf"
