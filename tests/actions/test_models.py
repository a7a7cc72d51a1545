"""The rules of actions, their owners and reviews as the database enforces
them, and what is derived from them: references, slips, days overdue."""

import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import IntegrityError, transaction

from actions.models import Action, ActionOwner, ActionReview
from actions.references import format_reference
from tests.base import make_action, make_meeting

pytestmark = pytest.mark.django_db

LONDON = ZoneInfo("Europe/London")
RAISED = datetime.date(2019, 10, 1)


@pytest.fixture(autouse=True)
def fast_passwords(settings):
    # make_world creates five users: the default hasher would dominate the run.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def action_row(world, sequence=1, confidential=False, **fields):
    """An action written straight to the table, so the database's own checks are tested."""
    fields.setdefault("text", "DCC to report.")
    fields.setdefault("raised_on", RAISED)
    fields.setdefault("reference", format_reference("OPSG", 25, sequence, confidential))
    return Action.objects.create(
        committee=world.opsg,
        meeting_number=25,
        sequence=sequence,
        confidential=confidential,
        **fields,
    )


class TestReference:
    @pytest.mark.parametrize(
        "code, meeting, sequence, confidential, reference, slug",
        [
            ("OPSG", 25, 1, False, "OPSG 25/01", "opsg-25-01"),
            ("OPSG", 45, 2, True, "OPSG 45/CONF 02", "opsg-45-conf-02"),
            ("OPSG", 11, 2, False, "OPSG 11/02", "opsg-11-02"),
            ("TABASC", 7, 123, False, "TABASC 7/123", "tabasc-7-123"),
        ],
    )
    def test_format_and_slug(self, code, meeting, sequence, confidential, reference, slug):
        assert format_reference(code, meeting, sequence, confidential) == reference
        assert Action(reference=reference).slug == slug

    def test_str_is_the_reference(self, world):
        assert str(action_row(world, 3)) == "OPSG 25/03"

    def test_number_is_unique_per_committee_meeting_and_series(self, world):
        action_row(world, 1)
        with pytest.raises(IntegrityError), transaction.atomic():
            # Even under another spelling of the reference, the number is taken.
            action_row(world, 1, reference="OPSG 25/1")

    def test_the_conf_series_has_its_own_numbers(self, world):
        action_row(world, 1)
        assert action_row(world, 1, confidential=True).reference == "OPSG 25/CONF 01"

    def test_the_reference_is_unique(self, world):
        action_row(world, 1)
        with pytest.raises(IntegrityError), transaction.atomic():
            Action.objects.create(
                committee=world.tabasc,
                meeting_number=25,
                sequence=1,
                reference="OPSG 25/01",
                text="x",
                raised_on=RAISED,
            )

    def test_sequence_starts_at_one(self, world):
        with pytest.raises(IntegrityError), transaction.atomic():
            action_row(world, 0)


class TestConstraints:
    def test_target_not_before_raised(self, world):
        with pytest.raises(IntegrityError), transaction.atomic():
            action_row(world, target_date=RAISED - datetime.timedelta(days=1))

    def test_target_on_the_day_raised(self, world):
        assert action_row(world, target_date=RAISED).target_display == "01/10/2019"

    def test_open_has_no_outcome(self, world):
        with pytest.raises(IntegrityError), transaction.atomic():
            action_row(world, outcome=Action.Outcome.COMPLETED)

    def test_open_has_no_closing_date(self, world):
        with pytest.raises(IntegrityError), transaction.atomic():
            action_row(world, closed_on=RAISED)

    def test_closed_says_how_it_ended(self, world):
        with pytest.raises(IntegrityError), transaction.atomic():
            action_row(world, status=Action.Status.CLOSED, closed_on=RAISED)

    def test_closed_completed(self, world):
        action = action_row(
            world, status=Action.Status.CLOSED, outcome=Action.Outcome.COMPLETED, closed_on=RAISED
        )
        assert not action.is_open

    def test_not_closed_before_raised(self, world):
        with pytest.raises(IntegrityError), transaction.atomic():
            action_row(
                world,
                status=Action.Status.CLOSED,
                outcome=Action.Outcome.COMPLETED,
                closed_on=RAISED - datetime.timedelta(days=1),
            )

    def test_superseded_names_its_successor(self, world):
        with pytest.raises(IntegrityError), transaction.atomic():
            action_row(world, status=Action.Status.CLOSED, outcome=Action.Outcome.SUPERSEDED)

    def test_superseded_by_another_action(self, world):
        successor = action_row(world, 2)
        action = action_row(
            world,
            1,
            status=Action.Status.CLOSED,
            outcome=Action.Outcome.SUPERSEDED,
            superseded_by=successor,
        )
        assert list(successor.supersedes.all()) == [action]

    def test_not_superseded_by_itself(self, world):
        action = action_row(world)
        with pytest.raises(IntegrityError), transaction.atomic():
            Action.objects.filter(pk=action.pk).update(
                status=Action.Status.CLOSED,
                outcome=Action.Outcome.SUPERSEDED,
                superseded_by=action,
            )

    def test_transferred_names_the_committee(self, world):
        with pytest.raises(IntegrityError), transaction.atomic():
            action_row(world, status=Action.Status.CLOSED, outcome=Action.Outcome.TRANSFERRED)

    def test_transferred_to_another_committee(self, world):
        action = action_row(
            world,
            status=Action.Status.CLOSED,
            outcome=Action.Outcome.TRANSFERRED,
            transferred_to=world.tabasc,
        )
        assert list(world.tabasc.actions_received.all()) == [action]


class TestOwner:
    def test_an_organisation(self, world):
        owner = ActionOwner.objects.create(action=action_row(world), organisation=world.dcc)
        assert owner.name == "DCC"

    def test_a_person(self, world):
        owner = ActionOwner.objects.create(action=action_row(world), person=world.owner)
        assert owner.name == "Owen Owner"

    def test_not_both(self, world):
        with pytest.raises(IntegrityError), transaction.atomic():
            ActionOwner.objects.create(
                action=action_row(world), organisation=world.dcc, person=world.owner
            )

    def test_not_neither(self, world):
        with pytest.raises(IntegrityError), transaction.atomic():
            ActionOwner.objects.create(action=action_row(world))

    def test_each_organisation_once(self, world):
        action = action_row(world)
        ActionOwner.objects.create(action=action, organisation=world.dcc)
        with pytest.raises(IntegrityError), transaction.atomic():
            ActionOwner.objects.create(action=action, organisation=world.dcc, order=1)

    def test_two_owners_in_order(self, world):
        action = action_row(world)
        ActionOwner.objects.create(action=action, organisation=world.secas, order=1)
        ActionOwner.objects.create(action=action, organisation=world.dcc, order=0)
        assert action.owner_names() == ["DCC", "SECAS"]


class TestReviewConstraints:
    @pytest.fixture
    def meeting(self, world):
        return make_meeting(world)

    def review(self, action, meeting, **fields):
        fields.setdefault("status", Action.Status.OPEN)
        return ActionReview.objects.create(action=action, meeting=meeting, **fields)

    def test_once_per_action_per_meeting(self, world, meeting):
        action = action_row(world)
        self.review(action, meeting)
        with pytest.raises(IntegrityError), transaction.atomic():
            self.review(action, meeting, status=Action.Status.CLOSED)

    def test_the_same_action_at_the_next_meeting(self, world, meeting):
        action = action_row(world)
        self.review(action, meeting)
        self.review(action, make_meeting(world, 26, datetime.date(2019, 11, 5)))
        assert action.reviews.count() == 2

    def test_revised_target_is_a_date_or_a_note(self, world, meeting):
        with pytest.raises(IntegrityError), transaction.atomic():
            self.review(
                action_row(world),
                meeting,
                revised_target_date=datetime.date(2019, 11, 5),
                revised_target_note="To be determined",
            )

    def test_last_target_is_a_date_or_a_note(self, world, meeting):
        with pytest.raises(IntegrityError), transaction.atomic():
            self.review(
                action_row(world),
                meeting,
                last_target_date=datetime.date(2019, 11, 5),
                last_target_note="To be determined",
            )


def review(last=None, revised=None, note="", status=Action.Status.OPEN, last_note=""):
    """A row of an Actions Outstanding table, unsaved: slips are derived from it alone."""
    return ActionReview(
        last_target_date=last,
        last_target_note=last_note,
        revised_target_date=revised,
        revised_target_note=note,
        status=status,
    )


class TestSlip:
    def test_a_later_revised_date_is_a_slip(self):
        row = review(datetime.date(2019, 10, 1), datetime.date(2019, 11, 5))
        assert (row.slipped, row.slip_days) == (True, 35)
        assert (row.last_target_display, row.revised_target_display) == (
            "01/10/2019",
            "05/11/2019",
        )

    def test_not_applicable_is_no_slip(self):
        row = review(datetime.date(2019, 10, 1))
        assert (row.slipped, row.slip_days) == (False, 0)
        assert row.revised_target_display == "N/A"

    def test_not_applicable_written_out_is_no_slip(self):
        assert review(datetime.date(2019, 10, 1), note="N/A").slipped is False

    def test_an_earlier_revised_date_is_no_slip(self):
        row = review(datetime.date(2019, 11, 5), datetime.date(2019, 10, 29))
        assert (row.slipped, row.slip_days) == (False, 0)

    def test_the_same_date_is_no_slip(self):
        row = review(datetime.date(2019, 11, 5), datetime.date(2019, 11, 5))
        assert (row.slipped, row.slip_days) == (False, 0)

    def test_to_be_determined_on_an_open_action_is_a_slip_of_no_days(self):
        row = review(datetime.date(2019, 10, 1), note="To be determined")
        assert (row.slipped, row.slip_days) == (True, 0)
        assert row.revised_target_display == "To be determined"

    def test_to_be_determined_on_a_closed_action_is_no_slip(self):
        row = review(datetime.date(2019, 10, 1), note="To be determined", status="closed")
        assert row.slipped is False

    def test_a_date_after_no_date_is_no_slip(self):
        row = review(None, datetime.date(2019, 11, 5), last_note="To be determined")
        assert (row.slipped, row.slip_days) == (False, 0)
        assert row.last_target_display == "To be determined"


class TestOverdue:
    @pytest.fixture
    def action(self, world):
        # Raised at OPSG 25 on 1 October 2019, due at the next meeting, 5 November 2019.
        return make_action(world, make_meeting(world))

    def at(self, *when):
        return time_machine.travel(datetime.datetime(*when, tzinfo=LONDON), tick=False)

    def test_due_by_the_next_meeting(self, action):
        assert action.target_date == datetime.date(2019, 11, 5)

    def test_before_the_target(self, action):
        with self.at(2019, 11, 4, 23, 59):
            assert (action.days_overdue(), action.is_overdue) == (0, False)

    def test_on_the_target_day(self, action):
        with self.at(2019, 11, 5, 17, 0):
            assert (action.days_overdue(), action.is_overdue) == (0, False)

    def test_after_the_target(self, action):
        with self.at(2019, 11, 15, 9, 0):
            assert (action.days_overdue(), action.is_overdue) == (10, True)

    def test_a_given_day(self, action):
        assert action.days_overdue(datetime.date(2019, 12, 5)) == 30

    def test_the_day_turns_at_midnight_in_london(self, world):
        summer = make_action(
            world,
            make_meeting(world, 49, datetime.date(2021, 5, 24)),
            target_date=datetime.date(2021, 6, 1),
        )
        # 23:30 UTC on 1 June is 00:30 on 2 June in London (BST).
        with time_machine.travel(datetime.datetime(2021, 6, 1, 23, 30, tzinfo=datetime.UTC)):
            assert summer.days_overdue() == 1

    def test_closed_is_never_overdue(self, action):
        action.status = Action.Status.CLOSED
        with self.at(2020, 1, 1, 12, 0):
            assert (action.days_overdue(), action.is_overdue) == (0, False)

    def test_no_date_is_never_overdue(self, world):
        action = make_action(world, make_meeting(world), target_note="To be determined")
        with self.at(2030, 1, 1, 12, 0):
            assert (action.days_overdue(), action.is_overdue) == (0, False)


class TestHistory:
    def test_an_edit_is_recorded_with_its_author(self, world):
        action = make_action(world, make_meeting(world), text="DCC to report.")
        action.text = "DCC to report by 8 October."
        action._history_user = world.secretary.user
        action.save()
        assert action.history.count() == 2
        latest = action.history.first()
        assert latest.text == "DCC to report by 8 October."
        assert latest.history_user == world.secretary.user
        assert latest.history_type == "~"
        assert action.history.last().text == "DCC to report."

    def test_a_review_is_recorded(self, world):
        meeting = make_meeting(world)
        review = ActionReview.objects.create(
            action=make_action(world, meeting), meeting=meeting, status=Action.Status.OPEN
        )
        review.update = "The DCC gave an update."
        review.save()
        assert review.history.count() == 2
        assert review.history.first().update == "The DCC gave an update."
