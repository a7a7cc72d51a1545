"""The slips stored on an action (Action.times_slipped, days_slipped): kept by
whatever writes its reviews (action_review_record, the admin), and worked out
for the actions already recorded by migration actions/0004."""

import datetime
import importlib

import pytest
from django.db import connection
from django.db.migrations.loader import MigrationLoader

from actions.models import Action, ActionReview
from actions.services import action_review_record, slip_summary
from tests.base import login, make_action, make_meeting

pytestmark = pytest.mark.django_db

D = datetime.date
OPSG_25 = D(2019, 10, 1)
OPSG_26 = D(2019, 11, 5)
OPSG_27 = D(2019, 12, 10)

backfill = importlib.import_module("actions.migrations.0004_action_slips")


def stored(action: Action) -> tuple[int, int]:
    action.refresh_from_db()
    return action.times_slipped, action.days_slipped


@pytest.fixture
def meetings(world):
    return [
        make_meeting(world, number, date)
        for number, date in [(25, OPSG_25), (26, OPSG_26), (27, OPSG_27)]
    ]


@pytest.fixture
def action(world, meetings):
    # Raised at OPSG 25, due by OPSG 26 (5 November).
    return make_action(world, meetings[0], target_date=OPSG_26)


def record(action, meeting, **fields):
    fields.setdefault("update", "")
    fields.setdefault("status", Action.Status.OPEN)
    return action_review_record(action=action, meeting=meeting, **fields)


def test_a_new_action_has_not_slipped(action):
    assert stored(action) == (0, 0)


def test_the_stored_slips_follow_the_reviews_recorded_and_corrected(action, meetings):
    _, m26, m27 = meetings
    # OPSG 26 moves the target from 5 November to 10 December: one slip, 35 days.
    review = record(action, m26, revised_target_date=OPSG_27)
    assert stored(action) == (1, 35)
    # OPSG 27 gives up the date for words: a slip of no days.
    record(action, m27, revised_target_note="To be determined")
    assert stored(action) == (2, 35)
    # OPSG 26's row corrected: the target was kept after all.
    record(action, m26, revised_target_note="N/A", expected_version=review.version)
    assert stored(action) == (1, 0)
    # ... and then moved by a week: the correction is counted, not added.
    record(action, m26, revised_target_date=D(2019, 11, 12))
    assert stored(action) == (2, 7)
    assert stored(action) == slip_summary(list(action.reviews.all()))


def test_closing_at_a_review_keeps_the_slips_counted_so_far(action, meetings):
    _, m26, m27 = meetings
    record(action, m26, revised_target_date=OPSG_27)
    record(action, m27, status=Action.Status.CLOSED, revised_target_note="N/A")
    assert stored(action) == (1, 35)


@pytest.fixture
def admin_client(client, world):
    from django.contrib.auth import get_user_model

    get_user_model().objects.filter(pk=world.secretary.user_id).update(
        is_staff=True, is_superuser=True
    )
    return login(client, "secretary")


def test_a_review_changed_or_removed_in_the_admin_is_counted_again(admin_client, action, meetings):
    _, m26, m27 = meetings
    review = record(action, m26, revised_target_date=OPSG_27)
    record(action, m27, revised_target_note="To be determined")
    assert stored(action) == (2, 35)
    review.refresh_from_db()
    response = admin_client.post(
        f"/admin/actions/actionreview/{review.pk}/change/",
        {
            "action": action.pk,
            "meeting": m26.pk,
            "update": "",
            "last_target_date": "2019-11-05",
            "last_target_note": "",
            "revised_target_date": "2019-11-19",
            "revised_target_note": "",
            "status": "open",
            "order": review.order,
            "version": review.version,
        },
    )
    assert response.status_code == 302, response.content.decode()
    assert stored(action) == (2, 14)
    response = admin_client.post(
        f"/admin/actions/actionreview/{review.pk}/delete/", {"post": "yes"}
    )
    assert response.status_code == 302
    assert not ActionReview.objects.filter(pk=review.pk).exists()
    assert stored(action) == (1, 0)
    response = admin_client.post(
        "/admin/actions/actionreview/",
        {
            "action": "delete_selected",
            "_selected_action": [r.pk for r in action.reviews.all()],
            "post": "yes",
        },
    )
    assert response.status_code == 302
    assert stored(action) == (0, 0)


# --- the migration's backfill ---------------------------------------------------------


@pytest.mark.parametrize(
    "last, revised, status",
    [
        (D(2026, 10, 1), D(2026, 11, 1), "open"),
        (D(2026, 10, 1), D(2026, 11, 1), "closed"),
        (D(2026, 10, 1), D(2026, 9, 20), "open"),
        (D(2026, 10, 1), D(2026, 10, 1), "open"),
        ("To be determined", D(2026, 11, 1), "open"),
        (D(2026, 10, 1), "To be determined", "open"),
        (D(2026, 10, 1), "To be determined", "closed"),
        (D(2026, 10, 1), "N/A", "open"),
        (D(2026, 10, 1), "n/a", "open"),
        (D(2026, 10, 1), "", "open"),
        ("", "", "closed"),
        (None, "Revised date to be determined by DCC", "open"),
    ],
)
def test_the_migrations_copy_of_the_rule_matches_the_review(last, revised, status):
    review = ActionReview(status=status)
    for name, value in (("last_target", last), ("revised_target", revised)):
        if isinstance(value, datetime.date):
            setattr(review, f"{name}_date", value)
        elif value:
            setattr(review, f"{name}_note", value)
    assert backfill.review_slip(
        review.last_target_date,
        review.revised_target_date,
        review.revised_target_note,
        review.status,
    ) == (review.slipped, review.slip_days)


def test_the_backfill_works_out_what_the_service_stores(world, action, meetings):
    _, m26, m27 = meetings
    record(action, m26, revised_target_date=OPSG_27)
    record(action, m27, revised_target_note="To be determined")
    other = make_action(world, meetings[0], text="SECAS to circulate the plan.")
    record(other, m26, revised_target_note="N/A")
    never = make_action(world, m26, text="DCC to confirm.")
    by_service = {a.pk: stored(a) for a in (action, other, never)}
    assert by_service[action.pk] == (2, 35)

    Action.objects.update(times_slipped=0, days_slipped=0)
    # The models as they stood at this migration, not today's.
    state = MigrationLoader(connection).project_state(("actions", "0004_action_slips"))
    backfill.backfill_slips(state.apps, None)
    assert {a.pk: stored(a) for a in (action, other, never)} == by_service
