"""Which actions a meeting's Actions Outstanding screen lists: every action
open when the meeting started, and nothing else."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from actions.models import Action, OwnerUpdate
from actions.references import from_slug as reference_from_slug
from actions.selectors import outstanding_for_review
from actions.services import action_raise, action_record_existing, action_review_record
from meetings.models import Meeting
from tests.base import make_meeting

pytestmark = pytest.mark.django_db

D = datetime.date
UTC = datetime.UTC


@pytest.fixture
def meetings(world):
    return {
        23: make_meeting(world, number=23, date=D(2019, 8, 6)),
        24: make_meeting(world, number=24, date=D(2019, 9, 3)),
        25: make_meeting(world, number=25, date=D(2019, 10, 1)),
        26: make_meeting(world, number=26, date=D(2019, 11, 5)),
    }


def raise_at(world, meeting, text="DCC to report."):
    return action_raise(meeting=meeting, item=None, owners=[world.dcc], text=text)


def references(meeting):
    return [row.action.reference for row in outstanding_for_review(meeting)]


def test_raised_at_an_earlier_meeting_and_open_is_listed(world, meetings):
    raise_at(world, meetings[24])
    assert references(meetings[25]) == ["OPSG 24/01"]


def test_action_known_only_from_older_minutes_is_listed(world, meetings):
    # OPSG 11/02 was raised before the meetings kept here: no meeting, only a date.
    action_record_existing(
        committee=world.opsg,
        reference="OPSG 11/02",
        owners=[world.dcc],
        text="The DCC to update its Incident Management process.",
        raised_on=D(2018, 8, 28),
        target_date=D(2019, 9, 13),
    )
    assert references(meetings[25]) == ["OPSG 11/02"]


def test_raised_at_this_meeting_is_not_listed(world, meetings):
    raise_at(world, meetings[25])
    assert references(meetings[25]) == []


def test_raised_at_a_later_meeting_is_not_listed(world, meetings):
    raise_at(world, meetings[26])
    assert references(meetings[25]) == []


def test_closed_before_this_meeting_is_not_listed(world, meetings):
    action = raise_at(world, meetings[23])
    action_review_record(action=action, meeting=meetings[24], update="Done.", status="closed")
    assert references(meetings[25]) == []
    # It was still open when meeting 24 started, and closed there.
    assert references(meetings[24]) == ["OPSG 23/01"]


def test_closed_at_this_meeting_stays_listed(world, meetings):
    action = raise_at(world, meetings[24])
    action_review_record(action=action, meeting=meetings[25], update="Done.", status="closed")
    action.refresh_from_db()
    assert action.status == Action.Status.CLOSED
    [row] = outstanding_for_review(meetings[25])
    assert row.action == action
    assert row.review.update == "Done."


def test_transferred_in_is_listed_until_this_committee_closes_it(world, meetings):
    tabasc_3 = Meeting.objects.create(
        committee=world.tabasc, number=3, date=D(2019, 9, 10), classification=world.white_2019
    )
    theirs = raise_at(world, Meeting.objects.create(
        committee=world.tabasc, number=2, date=D(2019, 8, 13), classification=world.white_2019
    ), text="DCC to explain the scalability approach.")  # fmt: skip
    action_review_record(
        action=theirs,
        meeting=tabasc_3,
        update="Transferred to the OPSG.",
        status="closed",
        outcome=Action.Outcome.TRANSFERRED,
        transferred_to=world.opsg,
    )
    raise_at(world, meetings[24])
    # Transferred on 10 September: outstanding at OPSG 25 (1 October), not at OPSG 24 (3 September).
    assert references(meetings[25]) == ["OPSG 24/01", "TABASC 2/01"]
    assert references(meetings[24]) == []
    [_, row] = outstanding_for_review(meetings[25])
    assert row.transferred_in

    # Closed by the OPSG at meeting 25: still on 25's screen, gone from 26's.
    action_review_record(action=theirs, meeting=meetings[25], update="Explained.", status="closed")
    assert "TABASC 2/01" in references(meetings[25])
    assert "TABASC 2/01" not in references(meetings[26])
    theirs.refresh_from_db()
    # Its own record still says how it left TABASC.
    assert theirs.outcome == Action.Outcome.TRANSFERRED and theirs.transferred_to == world.opsg


def test_reference_order_and_what_each_row_carries(world, meetings):
    first = raise_at(world, meetings[23], "DCC to do the first thing.")
    second = raise_at(world, meetings[23], "SECAS to do the second thing.")
    third = raise_at(world, meetings[24], "DCC to do the third thing.")
    action_review_record(
        action=first, meeting=meetings[24], update="Progressing.", status="open",
        revised_target_date=D(2019, 10, 1),
    )  # fmt: skip
    action_review_record(action=first, meeting=meetings[25], update="Nearly.", status="open")
    action_review_record(action=first, meeting=meetings[26], update="Later.", status="open")
    OwnerUpdate.objects.create(
        action=second, submitted_by=world.owner.user, text="We have started.",
        submitted_at=datetime.datetime(2019, 9, 28, 9, 0, tzinfo=UTC),
        proposed_target_date=D(2019, 11, 5),
    )  # fmt: skip
    OwnerUpdate.objects.create(
        action=second, submitted_by=world.owner.user, text="Old news.",
        submitted_at=datetime.datetime(2019, 8, 28, 9, 0, tzinfo=UTC),
        state=OwnerUpdate.State.ACCEPTED,
    )  # fmt: skip
    rows = outstanding_for_review(meetings[25])
    assert [row.action for row in rows] == [first, second, third]
    assert rows[0].review.update == "Nearly."
    # Only earlier meetings' updates count as previous ones, newest first.
    assert [r.update for r in rows[0].earlier] == ["Progressing."]
    assert rows[0].last_target_display == "01/10/2019"
    assert [u.text for u in rows[1].pending] == ["We have started."]
    assert rows[2].review is None and rows[2].earlier == []


def test_fixed_number_of_queries(world, meetings):
    for n in range(5):
        action = raise_at(world, meetings[23], f"DCC to do thing {n}.")
        action_review_record(action=action, meeting=meetings[24], update="Going.", status="open")
    with CaptureQueriesContext(connection) as queries:
        rows = outstanding_for_review(meetings[25])
        for row in rows:
            [owner.name for owner in row.action.owners.all()]
            [review.meeting.committee.code for review in row.earlier]
    # actions, owners, reviews with their meetings, pending owners' updates
    assert len(queries) == 4, "\n".join(q["sql"] for q in queries.captured_queries)


@pytest.mark.parametrize(
    "slug, reference",
    [
        ("opsg-24-02", "OPSG 24/02"),
        ("opsg-45-conf-02", "OPSG 45/CONF 02"),
        ("opsg-24", None),
        ("../etc", None),
    ],
)
def test_reference_from_slug(slug, reference):
    assert reference_from_slug(slug) == reference


def test_one_row_by_slug(world, meetings):
    raise_at(world, meetings[24])
    raise_at(world, meetings[24])
    [row] = outstanding_for_review(meetings[25], slug="opsg-24-02")
    assert row.action.reference == "OPSG 24/02"
    assert outstanding_for_review(meetings[25], slug="opsg-25-01") == []
    assert outstanding_for_review(meetings[25], slug="nonsense") == []
