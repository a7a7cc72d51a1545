"""Raising actions, recording ones raised before this log began, and reviewing
them under "Actions Outstanding" (actions/services.py)."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from actions.models import Action, ActionReview, ReferenceCounter
from actions.references import format_reference, parse_reference
from actions.services import (
    action_delete,
    action_record_existing,
    action_review_record,
    slip_summary,
)
from meetings.models import Meeting, NextMeeting
from minutes.services import minutes_publish
from tests.base import approve_minutes, make_action, make_item, make_meeting

pytestmark = pytest.mark.django_db

OPSG_25 = datetime.date(2019, 10, 1)
OPSG_26 = datetime.date(2019, 11, 5)
OPSG_27 = datetime.date(2019, 12, 10)
OPSG_28 = datetime.date(2020, 1, 14)


@pytest.fixture(autouse=True)
def fast_passwords(settings):
    # make_world creates five users: the default hasher would dominate the run.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def meeting(world):
    return make_meeting(world)


def references(committee):
    return list(Action.objects.filter(committee=committee).values_list("reference", flat=True))


class TestRaise:
    def test_numbered_in_order(self, world, meeting):
        item = make_item(meeting, "2", "Actions Outstanding")
        raised = [make_action(world, meeting, f"DCC to report {n}.", item=item) for n in (1, 2, 3)]
        assert [a.reference for a in raised] == ["OPSG 25/01", "OPSG 25/02", "OPSG 25/03"]
        assert [a.sequence for a in raised] == [1, 2, 3]
        first = Action.objects.get(reference="OPSG 25/01")
        assert (first.meeting, first.item, first.raised_on) == (meeting, item, OPSG_25)
        assert (first.text, first.status, first.outcome) == ("DCC to report 1.", "open", "")

    def test_each_meeting_numbers_from_one(self, world, meeting):
        make_action(world, meeting)
        make_action(world, meeting)
        other = make_action(world, make_meeting(world, 26, OPSG_26))
        assert other.reference == "OPSG 26/01"

    def test_text_is_stored_trimmed_with_its_topic(self, world, meeting):
        action = make_action(
            world, meeting, "  The DCC to confirm the plan.\n", topic="CH Transition"
        )
        assert (action.text, action.topic) == ("The DCC to confirm the plan.", "CH Transition")

    def test_owners_in_the_order_given(self, world, meeting):
        action = make_action(world, meeting, owners=[world.secas, world.dcc, world.owner])
        assert action.owner_names() == ["SECAS", "DCC", "Owen Owner"]

    def test_a_confidential_session_numbers_apart(self, world):
        # OPSG 45/01 … 03 were raised in the open session, before this log began.
        for sequence in (1, 2, 3):
            action_record_existing(
                committee=world.opsg,
                reference=f"OPSG 45/{sequence:02d}",
                owners=[world.dcc],
                text="DCC to report.",
                raised_on=datetime.date(2020, 11, 24),
            )
        session = make_meeting(
            world, 45, datetime.date(2020, 11, 24), kind=Meeting.Kind.CONFIDENTIAL
        )
        first, second = make_action(world, session), make_action(world, session)
        assert (first.reference, second.reference) == ("OPSG 45/CONF 01", "OPSG 45/CONF 02")
        assert first.confidential and first.slug == "opsg-45-conf-01"
        assert (
            ReferenceCounter.objects.get(meeting_number=45, confidential=False).last_sequence == 3
        )

    def test_a_deleted_actions_reference_is_never_given_again(self, world, meeting):
        raised = [make_action(world, meeting) for _ in range(3)]
        assert action_delete(action=raised[-1]) == "OPSG 25/03"
        assert make_action(world, meeting).reference == "OPSG 25/04"
        assert references(world.opsg) == ["OPSG 25/01", "OPSG 25/02", "OPSG 25/04"]

    def test_due_by_the_next_meeting(self, world, meeting):
        assert make_action(world, meeting).target_date == OPSG_26

    def test_due_by_the_earliest_announced_meeting(self, world, meeting):
        NextMeeting.objects.create(
            meeting=meeting, kind=Meeting.Kind.REPORTING, date=datetime.date(2019, 10, 28)
        )
        assert make_action(world, meeting).target_date == datetime.date(2019, 10, 28)

    def test_no_next_meeting_no_target(self, world, meeting):
        meeting.next_meetings.all().delete()
        action = make_action(world, meeting)
        assert (action.target_date, action.target_note) == (None, "")

    def test_a_target_date_from_the_text(self, world, meeting):
        action = make_action(world, meeting, target_date=datetime.date(2019, 10, 8))
        assert action.target_display == "08/10/2019"

    def test_a_target_note_instead_of_a_date(self, world, meeting):
        action = make_action(world, meeting, target_note="To be determined")
        assert (action.target_date, action.target_note) == (None, "To be determined")
        assert action.target_display == "To be determined"

    @pytest.mark.parametrize(
        "refused",
        [
            {"target_date": OPSG_25 - datetime.timedelta(days=1)},
            {"target_date": OPSG_26, "target_note": "To be determined"},
            {"owners": []},
            {"text": "   "},
        ],
        ids=["target-before-raised", "date-and-note", "no-owners", "no-text"],
    )
    def test_refused_without_using_a_number(self, world, meeting, refused):
        with pytest.raises(ValidationError):
            make_action(world, meeting, **refused)
        assert references(world.opsg) == []
        assert make_action(world, meeting).reference == "OPSG 25/01"

    def test_not_under_another_meetings_item(self, world, meeting):
        other_item = make_item(make_meeting(world, 26, OPSG_26), "3")
        with pytest.raises(ValidationError):
            make_action(world, meeting, item=other_item)

    def test_not_in_approved_minutes(self, world, meeting):
        approve_minutes(world, meeting, make_meeting(world, 26, OPSG_26))
        with pytest.raises(ValidationError):
            make_action(world, meeting)
        assert references(world.opsg) == []

    def test_not_in_published_minutes(self, world, meeting):
        approve_minutes(world, meeting, make_meeting(world, 26, OPSG_26))
        minutes_publish(meeting=meeting, by=world.chair.user)
        with pytest.raises(ValidationError):
            make_action(world, meeting)


class TestRecordExisting:
    def record(self, world, reference="OPSG 11/02", **fields):
        fields.setdefault("owners", [world.dcc])
        fields.setdefault("text", "DCC to provide the CH exceptions report.")
        fields.setdefault("raised_on", datetime.date(2018, 8, 28))
        return action_record_existing(committee=world.opsg, reference=reference, **fields)

    def test_kept_under_its_own_reference(self, world):
        action = self.record(world, target_date=OPSG_25)
        assert (action.reference, action.meeting_number, action.sequence) == ("OPSG 11/02", 11, 2)
        assert (action.meeting, action.raised_on) == (None, datetime.date(2018, 8, 28))
        assert action.owner_names() == ["DCC"]

    def test_idempotent(self, world):
        first = self.record(world)
        again = self.record(world, text="Something else", owners=[world.secas])
        assert again.pk == first.pk
        assert Action.objects.count() == 1
        again.refresh_from_db()
        assert again.text == "DCC to provide the CH exceptions report."
        assert again.owner_names() == ["DCC"]

    def test_the_reference_is_written_the_usual_way(self, world):
        assert self.record(world, "opsg 11/2").reference == "OPSG 11/02"
        assert self.record(world, "OPSG 11/02").pk == Action.objects.get().pk

    def test_a_conf_reference(self, world):
        action = self.record(world, "OPSG 45/CONF 02", raised_on=datetime.date(2020, 11, 24))
        assert (action.reference, action.confidential, action.sequence) == (
            "OPSG 45/CONF 02",
            True,
            2,
        )

    def test_the_counter_moves_past_it(self, world, meeting):
        self.record(world, "OPSG 25/05", raised_on=OPSG_25, meeting=meeting)
        assert make_action(world, meeting).reference == "OPSG 25/06"

    def test_the_counter_never_moves_back(self, world, meeting):
        self.record(world, "OPSG 25/05", raised_on=OPSG_25)
        self.record(world, "OPSG 25/02", raised_on=OPSG_25)
        assert make_action(world, meeting).reference == "OPSG 25/06"

    def test_another_committees_reference_is_refused(self, world):
        with pytest.raises(ValidationError):
            self.record(world, "TABASC 3/01")
        assert Action.objects.count() == 0

    def test_target_before_raised_is_refused(self, world):
        with pytest.raises(ValidationError):
            self.record(world, target_date=datetime.date(2018, 8, 1))


class TestParseReference:
    @pytest.mark.parametrize(
        "text, parsed",
        [
            ("OPSG 25/01", ("OPSG", 25, False, 1)),
            ("OPSG 45/CONF 02", ("OPSG", 45, True, 2)),
            ("opsg 45/conf02", ("OPSG", 45, True, 2)),
            (" OPSG 11/2 ", ("OPSG", 11, False, 2)),
            ("TABASC 7/123", ("TABASC", 7, False, 123)),
        ],
    )
    def test_read(self, text, parsed):
        assert parse_reference(text) == parsed

    @pytest.mark.parametrize(
        "text", ["OPSG25/01", "OPSG 25-01", "25/01", "", "OPSG 25/", "OPSG 25/CONF", "OPSG 25/0x"]
    )
    def test_refused(self, text):
        with pytest.raises(ValidationError):
            parse_reference(text)

    @pytest.mark.parametrize("reference", ["OPSG 25/01", "OPSG 45/CONF 02"])
    def test_round_trip(self, reference):
        code, meeting_number, confidential, sequence = parse_reference(reference)
        assert format_reference(code, meeting_number, sequence, confidential) == reference


class TestReviewRecord:
    @pytest.fixture
    def action(self, world, meeting):
        # Raised at OPSG 25 on 1 October 2019, due at OPSG 26 on 5 November.
        return make_action(world, meeting)

    @pytest.fixture
    def opsg_26(self, world):
        return make_meeting(world, 26, OPSG_26)

    @pytest.fixture
    def opsg_27(self, world):
        return make_meeting(world, 27, OPSG_27)

    def review(self, action, meeting, status=Action.Status.OPEN, **fields):
        fields.setdefault("update", "The DCC gave an update.")
        return action_review_record(action=action, meeting=meeting, status=status, **fields)

    def stored(self, action):
        return Action.objects.get(pk=action.pk)

    def test_a_revised_date_becomes_the_target(self, action, opsg_26):
        row = self.review(action, opsg_26, revised_target_date=OPSG_27)
        assert (row.last_target_date, row.revised_target_date) == (OPSG_26, OPSG_27)
        assert (row.slipped, row.slip_days) == (True, 35)
        action = self.stored(action)
        assert (action.target_date, action.status) == (OPSG_27, "open")

    def test_not_applicable_keeps_the_target(self, action, opsg_26):
        row = self.review(action, opsg_26)
        assert row.revised_target_display == "N/A"
        assert self.stored(action).target_date == OPSG_26

    def test_to_be_determined_replaces_the_date(self, action, opsg_26):
        self.review(action, opsg_26, revised_target_note="To be determined")
        action = self.stored(action)
        assert (action.target_date, action.target_note) == (None, "To be determined")

    def test_recording_again_corrects_the_row(self, action, opsg_26):
        self.review(action, opsg_26, revised_target_date=OPSG_27)
        row = self.review(action, opsg_26, update="Corrected.", revised_target_date=OPSG_28)
        assert ActionReview.objects.filter(action=action).count() == 1
        assert (row.update, row.last_target_date) == ("Corrected.", OPSG_26)
        assert self.stored(action).target_date == OPSG_28

    def test_only_the_latest_review_sets_the_action(self, action, opsg_26, opsg_27):
        self.review(action, opsg_27, last_target_date=OPSG_27, revised_target_date=OPSG_28)
        # The secretary catches up on OPSG 26's table afterwards.
        older = self.review(action, opsg_26, last_target_date=OPSG_26, revised_target_date=OPSG_27)
        assert older.revised_target_date == OPSG_27
        action = self.stored(action)
        assert (action.target_date, action.status) == (OPSG_28, "open")

    def test_an_older_closing_review_does_not_close_the_action(self, action, opsg_26, opsg_27):
        self.review(action, opsg_27, revised_target_date=OPSG_28)
        self.review(action, opsg_26, status=Action.Status.CLOSED)
        action = self.stored(action)
        assert (action.status, action.outcome, action.closed_on) == ("open", "", None)

    def test_closed_as_completed(self, action, opsg_26):
        self.review(action, opsg_26, status=Action.Status.CLOSED)
        action = self.stored(action)
        assert (action.status, action.outcome, action.closed_on) == (
            "closed",
            "completed",
            OPSG_26,
        )
        assert action.days_overdue(datetime.date(2020, 1, 1)) == 0

    def superseded(self, world, action, meeting) -> Action:
        """Close `action` at `meeting` as superseded by a new action: that one."""
        successor = make_action(world, meeting, "SECAS to take the CH work forward.")
        self.review(
            action,
            meeting,
            status=Action.Status.CLOSED,
            outcome=Action.Outcome.SUPERSEDED,
            superseded_by=successor,
        )
        return successor

    def test_closed_as_superseded(self, world, action, opsg_26):
        successor = self.superseded(world, action, opsg_26)
        action = self.stored(action)
        assert (action.outcome, action.superseded_by) == ("superseded", successor)
        assert list(successor.supersedes.all()) == [action]

    def test_a_successor_is_not_deleted_from_under_the_action_it_replaced(
        self, world, action, opsg_26
    ):
        successor = self.superseded(world, action, opsg_26)
        with pytest.raises(ValidationError) as refused:
            action_delete(action=successor)
        assert refused.value.messages == [
            f"{successor.reference} is named as the successor of {action.reference}; "
            "close it instead of deleting it."
        ]
        assert self.stored(action).superseded_by == successor

    def test_a_reviewed_action_is_not_deleted(self, action, opsg_26):
        self.review(action, opsg_26, status=Action.Status.OPEN)
        with pytest.raises(ValidationError, match="has been reviewed at a meeting"):
            action_delete(action=action)
        assert ActionReview.objects.filter(action=action).count() == 1

    def test_closed_as_transferred(self, world, action, opsg_26):
        self.review(
            action,
            opsg_26,
            status=Action.Status.CLOSED,
            outcome=Action.Outcome.TRANSFERRED,
            transferred_to=world.tabasc,
        )
        action = self.stored(action)
        assert (action.outcome, action.transferred_to) == ("transferred", world.tabasc)

    @pytest.mark.parametrize("outcome", [Action.Outcome.SUPERSEDED, Action.Outcome.TRANSFERRED])
    def test_closing_must_say_where_it_went(self, action, opsg_26, outcome):
        with pytest.raises(ValidationError):
            self.review(action, opsg_26, status=Action.Status.CLOSED, outcome=outcome)
        assert ActionReview.objects.count() == 0
        assert self.stored(action).status == "open"

    def test_reopened_at_a_later_meeting(self, action, opsg_26, opsg_27):
        self.review(action, opsg_26, status=Action.Status.CLOSED)
        self.review(action, opsg_27, revised_target_date=OPSG_28)
        action = self.stored(action)
        assert (action.status, action.outcome, action.closed_on) == ("open", "", None)
        assert action.target_date == OPSG_28

    @pytest.mark.parametrize(
        "refused",
        [
            {"revised_target_date": OPSG_27, "revised_target_note": "To be determined"},
            {"status": "pending"},
        ],
        ids=["date-and-note", "unknown-status"],
    )
    def test_refused(self, action, opsg_26, refused):
        with pytest.raises(ValidationError):
            self.review(action, opsg_26, **refused)
        assert ActionReview.objects.count() == 0

    def test_frozen_once_the_minutes_are_approved(self, world, action, opsg_26, opsg_27):
        self.review(action, opsg_26)
        approve_minutes(world, opsg_26, opsg_27)
        with pytest.raises(ValidationError):
            self.review(action, opsg_26, update="Changed after approval.")
        assert ActionReview.objects.get().update == "The DCC gave an update."

    def test_slips_over_the_actions_life(self, world):
        # OPSG 11/02, raised 28/08/2018, came into OPSG 25 due 01/10/2019.
        action = action_record_existing(
            committee=world.opsg,
            reference="OPSG 11/02",
            owners=[world.dcc],
            text="DCC to provide the CH exceptions report.",
            raised_on=datetime.date(2018, 8, 28),
            target_date=OPSG_25,
        )
        meetings = [
            make_meeting(world, number, date)
            for number, date in [(25, OPSG_25), (26, OPSG_26), (27, OPSG_27)]
        ]
        self.review(action, meetings[0], revised_target_date=OPSG_26)  # one slip, 35 days
        self.review(action, meetings[1], revised_target_note="To be determined")  # a slip, 0 days
        self.review(action, meetings[2])  # N/A: no slip
        rows = list(action.reviews.all())
        assert [r.last_target_display for r in rows] == [
            "01/10/2019",
            "05/11/2019",
            "To be determined",
        ]
        assert [r.revised_target_display for r in rows] == ["05/11/2019", "To be determined", "N/A"]
        assert [(r.slipped, r.slip_days) for r in rows] == [(True, 35), (True, 0), (False, 0)]
        assert slip_summary(rows) == (2, 35)
        assert slip_summary(rows[2:]) == (0, 0)
        assert slip_summary([]) == (0, 0)


def test_a_review_row_is_frozen_with_its_minutes_while_the_action_goes_on(world, meeting):
    """Meeting N's snapshot stays as it was; the action itself moves on."""
    action = make_action(world, meeting)
    opsg_26, opsg_27 = make_meeting(world, 26, OPSG_26), make_meeting(world, 27, OPSG_27)
    action_review_record(
        action=action,
        meeting=opsg_26,
        update="Ongoing.",
        status="open",
        revised_target_date=OPSG_27,
    )
    approve_minutes(world, opsg_26, opsg_27)
    action_review_record(action=action, meeting=opsg_27, update="Done.", status="closed")
    snapshot = ActionReview.objects.get(meeting=opsg_26)
    assert (snapshot.update, snapshot.status, snapshot.revised_target_date) == (
        "Ongoing.",
        "open",
        OPSG_27,
    )
    assert Action.objects.get(pk=action.pk).status == "closed"
