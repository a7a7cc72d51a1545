"""The Actions Outstanding review screen: the secretary walks through every
action open when the meeting started and saves each row on its own."""

import datetime
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from actions.models import Action, ActionReview, OwnerUpdate
from actions.services import action_raise, action_review_record
from meetings.models import Meeting
from opsg.concurrency import EditConflict
from tests.base import login, make_meeting

pytestmark = pytest.mark.django_db

D = datetime.date
PAGE = "/committees/OPSG/meetings/25/review/"
HTMX = {"HX-Request": "true"}


@pytest.fixture
def m24(world):
    return make_meeting(world, number=24, date=D(2019, 9, 3))


@pytest.fixture
def m25(world, m24):
    return make_meeting(world, number=25, date=D(2019, 10, 1))


@pytest.fixture
def traffic(world, m24):
    """OPSG 24/01, due at the next meeting (8 October 2019)."""
    return action_raise(
        meeting=m24, item=None, owners=[world.dcc], text="The DCC to review the network traffic."
    )


@pytest.fixture
def scalability(world, m24, traffic):
    """OPSG 24/02."""
    return action_raise(
        meeting=m24, item=None, owners=[world.dcc, world.secas], text="DCC to explain scalability."
    )


@pytest.fixture
def successor(world, m25):
    """OPSG 25/01, raised at the meeting under review."""
    return action_raise(
        meeting=m25, item=None, owners=[world.dcc], text="DCC to track DNO members' experience."
    )


def row_url(action):
    return f"{PAGE}{action.slug}/"


def row_data(action, **fields):
    data = {
        "version": 0,
        "owner_update": "",
        "update": "",
        "status": "open",
        "outcome": "",
        "superseded_by": "",
        "transferred_to": "",
        "revised_target_date": "",
        "revised_target_note": "",
    }
    data.update(fields)
    return {f"{action.slug}-{name}": value for name, value in data.items()}


def textarea(body, action):
    match = re.search(
        rf'<textarea[^>]*id="id_{action.slug}-update"[^>]*>(.*?)</textarea>', body, re.S
    )
    assert match, f"no update field for {action.reference}"
    return match.group(1).strip()


def hidden_version(body, action):
    match = re.search(rf'name="{action.slug}-version" value="(\d+)"', body)
    assert match, f"no version field for {action.reference}"
    return int(match.group(1))


# A row's save, whatever the number of rows: the session, user, and meeting
# with the user's roles; the row (its action, owners, reviews, owners'
# updates) and the choices its form offers (successors, committees); the
# action locked and re-read, its reviews locked and read, the review written
# with its history, the action written (version, slip figures) with its
# history. The answer is built from those rows, not read again.
REVIEW_SAVE_QUERIES = 15


class TestAccess:
    def test_requires_login(self, client, m25, traffic):
        response = client.get(PAGE)
        assert response.status_code == 302
        assert response["Location"].startswith("/accounts/login/")
        response = client.post(row_url(traffic), row_data(traffic))
        assert response.status_code == 302
        assert response["Location"].startswith("/accounts/login/")

    def test_outsider_gets_404(self, client, m25, traffic):
        login(client, "outsider")
        assert client.get(PAGE).status_code == 404
        assert client.post(row_url(traffic), row_data(traffic)).status_code == 404

    def test_chair_gets_403(self, client, m25, traffic):
        login(client, "chair")
        assert client.get(PAGE).status_code == 403
        assert client.post(row_url(traffic), row_data(traffic)).status_code == 403
        assert not ActionReview.objects.exists()

    def test_member_cannot_see_an_uncirculated_draft(self, client, m25):
        assert login(client, "member").get(PAGE).status_code == 404

    def test_get_on_a_row_is_refused(self, client, m25, traffic):
        assert login(client, "secretary").get(row_url(traffic)).status_code == 405

    def test_frozen_minutes_are_read_only(self, client, world, m24, m25, traffic):
        Meeting.objects.filter(pk=m25.pk).update(
            status=Meeting.Status.APPROVED, circulated_at=timezone.now(), approved_at=timezone.now()
        )
        login(client, "secretary")
        assert client.get(PAGE).status_code == 403
        response = client.post(row_url(traffic), row_data(traffic, update="Late."), headers=HTMX)
        assert response.status_code == 403
        assert not ActionReview.objects.exists()

    def test_row_not_outstanding_at_this_meeting_is_404(self, client, m25, successor):
        login(client, "secretary")
        # Raised at this meeting: it is reviewed at the next one.
        assert client.post(row_url(successor), row_data(successor)).status_code == 404
        assert client.post(PAGE + "opsg-9-99/", {}).status_code == 404


class TestPage:
    def test_lists_each_outstanding_action_with_its_form(
        self, client, world, m24, m25, traffic, scalability, successor
    ):
        body = login(client, "secretary").get(PAGE).content.decode()
        assert body.count("<h1") == 1
        assert '<h2 id="opsg-24-01-title">OPSG 24/01</h2>' in body
        assert '<h2 id="opsg-24-02-title">OPSG 24/02</h2>' in body
        assert "OPSG 25/01</h2>" not in body  # raised at this meeting
        assert "DCC/SECAS" in body
        assert "03/09/2019" in body  # raised
        assert "08/10/2019" in body  # last target: the next meeting after 24
        # Every row posts on its own, with htmx, to its own URL.
        assert f'data-hx-post="{row_url(traffic)}"' in body
        assert 'data-hx-target="#row-opsg-24-01"' in body
        assert 'id="id_opsg-24-01-update"' in body and 'id="id_opsg-24-02-update"' in body
        # 25/01 is offered as the successor, raised here.
        assert "OPSG 25/01 – DCC to track" in body

    def test_a_long_successor_is_cut_to_seventy_characters(self, client, world, m24, m25):
        long_text = "DCC to " + "report on the traffic " * 5  # 117 characters
        action_raise(meeting=m25, item=None, owners=[world.dcc], text=long_text)
        exact = "DCC to fit seventy characters " + "x" * 40  # 70: kept whole
        action_raise(meeting=m25, item=None, owners=[world.dcc], text=exact)
        action_raise(meeting=m24, item=None, owners=[world.dcc], text="DCC to wait.")
        body = login(client, "secretary").get(PAGE).content.decode()
        assert f"OPSG 25/01 – {long_text[:69]}…<" in body
        assert f"OPSG 25/02 – {exact}<" in body

    def test_shows_previous_updates_newest_first(self, client, world, m24, m25):
        m23 = make_meeting(world, number=23, date=D(2019, 8, 6))
        m22 = make_meeting(world, number=22, date=D(2019, 7, 2))
        action = action_raise(meeting=m22, item=None, owners=[world.dcc], text="DCC to plan.")
        action_review_record(action=action, meeting=m23, update="First update.", status="open")
        action_review_record(action=action, meeting=m24, update="Second update.", status="open")
        body = login(client, "secretary").get(PAGE).content.decode()
        details = body.split("<details", 1)[1].split("</details>", 1)[0]
        assert "Previous updates (2)" in details
        assert details.index("Second update.") < details.index("First update.")
        assert "OPSG 24</a>, 3 September 2019" in details

    def test_shows_the_owners_pending_update_and_can_fill_the_row_from_it(
        self, client, world, m25, traffic
    ):
        update = OwnerUpdate.objects.create(
            action=traffic,
            submitted_by=world.owner.user,
            submitted_at=datetime.datetime(2019, 9, 28, 9, 0, tzinfo=datetime.UTC),
            text="Preliminary results shared with DNOs.",
            proposed_target_date=D(2019, 11, 5),
        )
        login(client, "secretary")
        body = client.get(PAGE).content.decode()
        assert "Owner’s update, awaiting you" in body
        assert "Update from DCC (Owen Owner), 28 September 2019:" in body
        assert "05/11/2019" in body
        assert f'href="?use={update.pk}#row-opsg-24-01"' in body
        assert textarea(body, traffic) == ""

        # Without script, the link brings the page back with the row filled in.
        body = client.get(PAGE, {"use": update.pk}).content.decode()
        assert textarea(body, traffic) == "Preliminary results shared with DNOs."
        assert 'value="2019-11-05"' in body
        assert f'name="opsg-24-01-owner_update" value="{update.pk}"' in body

        response = client.post(
            row_url(traffic),
            row_data(
                traffic,
                update="Preliminary results shared with DNOs.",
                revised_target_date="2019-11-05",
                owner_update=update.pk,
            ),
            headers=HTMX,
        )
        assert response.status_code == 200
        update.refresh_from_db()
        assert update.state == OwnerUpdate.State.ACCEPTED
        assert update.review == ActionReview.objects.get(action=traffic)
        assert "awaiting you" not in response.content.decode()

    def test_empty_state(self, client, m25):
        body = login(client, "secretary").get(PAGE).content.decode()
        assert "No actions were open when this meeting started." in body

    @pytest.mark.parametrize("rows", [3, 300])
    def test_query_count_does_not_grow_with_rows(self, client, world, m24, m25, rows):
        m23 = make_meeting(world, number=23, date=D(2019, 8, 6))
        for n in range(rows):
            action = action_raise(meeting=m23, item=None, owners=[world.dcc], text=f"Do {n}.")
            action_review_record(action=action, meeting=m24, update=f"Going {n}.", status="open")
            if n % 3 == 0:
                action_review_record(action=action, meeting=m25, update="Done.", status="closed")
            OwnerUpdate.objects.create(
                action=action,
                submitted_by=world.owner.user,
                submitted_at=timezone.now(),
                text=f"Owner says {n}.",
            )
        action_raise(meeting=m25, item=None, owners=[world.secas], text="A successor.")
        login(client, "secretary")
        with CaptureQueriesContext(connection) as queries:
            response = client.get(PAGE)
        assert response.status_code == 200
        assert response.content.decode().count('<section class="review-row') == rows
        # session, user, meeting with the user's roles (its secretary: no
        # more to ask, meetings.access.meeting_for_user), outstanding
        # actions, their owners, their reviews (with meetings), pending
        # owners' updates, actions that may supersede, committees to
        # transfer to
        assert len(queries) == 9, "\n".join(q["sql"] for q in queries.captured_queries)

    @pytest.mark.parametrize("rows", [3, 300])
    def test_saving_a_row_holds_its_query_count(self, client, world, m24, m25, rows):
        """A row's save answers with that row alone: the same queries beside
        3 outstanding actions or 300 (savepoints left out)."""
        m23 = make_meeting(world, number=23, date=D(2019, 8, 6))
        actions = []
        for n in range(rows):
            action = action_raise(meeting=m23, item=None, owners=[world.dcc], text=f"Do {n}.")
            action_review_record(action=action, meeting=m24, update=f"Going {n}.", status="open")
            actions.append(action)
        login(client, "secretary")
        # The row's first save, then a correction of the review it wrote.
        for version, update in ((0, "Still going."), (1, "Still going, later.")):
            with CaptureQueriesContext(connection) as queries:
                response = client.post(
                    row_url(actions[-1]),
                    row_data(actions[-1], update=update, version=version),
                    headers=HTMX,
                )
            assert response.status_code == 200
            assert textarea(response.content.decode(), actions[-1]) == update
            assert hidden_version(response.content.decode(), actions[-1]) == version + 1
            # The page's count of rows reviewed, from the server: one, saved twice.
            assert (
                '<span id="reviewed-count" data-hx-swap-oob="true">1</span>'
                in response.content.decode()
            )
            sql = [q["sql"] for q in queries.captured_queries]
            counted = [s for s in sql if not s.startswith(("SAVEPOINT", "RELEASE"))]
            assert len(counted) <= REVIEW_SAVE_QUERIES, "\n".join(counted)


class TestSaveRow:
    def test_saving_a_row_records_the_review_and_moves_the_target(
        self, client, m25, traffic, scalability
    ):
        login(client, "secretary")
        response = client.post(
            row_url(traffic),
            row_data(
                traffic, update="Further investigation needed.", revised_target_date="2019-11-05"
            ),
            headers=HTMX,
        )
        assert response.status_code == 200
        body = response.content.decode()
        # Just the row, to swap in place of the old one.
        assert body.lstrip().startswith('<section class="review-row is-reviewed"')
        assert 'id="row-opsg-24-01"' in body and "<html" not in body
        assert 'role="status" id="opsg-24-01-status">Saved OPSG 24/01.' in body
        assert textarea(body, traffic) == "Further investigation needed."
        assert hidden_version(body, traffic) == 1
        review = ActionReview.objects.get(action=traffic, meeting=m25)
        assert review.update == "Further investigation needed."
        assert review.last_target_date == D(2019, 10, 8)
        assert review.revised_target_date == D(2019, 11, 5)
        traffic.refresh_from_db()
        assert traffic.target_date == D(2019, 11, 5) and traffic.is_open

    def test_other_rows_are_untouched(self, client, m25, traffic, scalability):
        before = Action.objects.values().get(pk=scalability.pk)
        login(client, "secretary").post(
            row_url(traffic), row_data(traffic, update="Mine."), headers=HTMX
        )
        assert Action.objects.values().get(pk=scalability.pk) == before
        assert not ActionReview.objects.filter(action=scalability).exists()

    def test_correcting_a_row_keeps_the_target_it_started_from(self, client, m25, traffic):
        login(client, "secretary")
        client.post(
            row_url(traffic),
            row_data(traffic, update="One.", revised_target_date="2019-11-05"),
            headers=HTMX,
        )
        response = client.post(
            row_url(traffic),
            row_data(traffic, version=1, update="Two.", revised_target_note="To be determined"),
            headers=HTMX,
        )
        assert response.status_code == 200
        assert "08/10/2019" in response.content.decode()  # last target still the incoming one
        review = ActionReview.objects.get(action=traffic)
        assert (review.update, review.version) == ("Two.", 2)
        assert review.last_target_date == D(2019, 10, 8)
        traffic.refresh_from_db()
        assert traffic.target_date is None and traffic.target_note == "To be determined"

    def test_without_htmx_it_redirects_back_to_the_row(self, client, m25, traffic):
        login(client, "secretary")
        response = client.post(row_url(traffic), row_data(traffic, update="Plain post."))
        assert response.status_code == 302
        assert response["Location"] == PAGE + "#row-opsg-24-01"
        body = client.get(PAGE).content.decode()
        assert "Saved the review of OPSG 24/01." in body
        assert textarea(body, traffic) == "Plain post."

    def test_closing_as_superseded_names_the_successor(
        self, client, m25, traffic, scalability, successor
    ):
        login(client, "secretary")
        response = client.post(
            row_url(traffic),
            row_data(
                traffic,
                update="Closed; superseded by OPSG 25/01.",
                status="closed",
                outcome="superseded",
                superseded_by=successor.pk,
            ),
            headers=HTMX,
        )
        assert response.status_code == 200
        traffic.refresh_from_db()
        assert traffic.status == Action.Status.CLOSED
        assert traffic.outcome == Action.Outcome.SUPERSEDED
        assert traffic.superseded_by == successor
        assert traffic.closed_on == D(2019, 10, 1)
        # The closed row stays on the screen, its outcome shown as chosen.
        body = login(client, "secretary").get(PAGE).content.decode()
        assert "Reviewed at this meeting: closed" in body
        assert re.search(r'value="superseded"[^>]*checked', body)
        assert re.search(rf'<option value="{successor.pk}" selected>', body)

    def test_closing_as_transferred_names_the_committee(self, client, world, m25, traffic):
        login(client, "secretary").post(
            row_url(traffic),
            row_data(
                traffic, status="closed", outcome="transferred", transferred_to=world.tabasc.pk
            ),
            headers=HTMX,
        )
        traffic.refresh_from_db()
        assert traffic.outcome == Action.Outcome.TRANSFERRED
        assert traffic.transferred_to == world.tabasc

    def test_transferred_without_a_committee_keeps_what_was_typed(self, client, m25, traffic):
        login(client, "secretary")
        data = row_data(
            traffic, update="To go to the TABASC.", status="closed", outcome="transferred"
        )
        response = client.post(row_url(traffic), data, headers=HTMX)
        assert response.status_code == 422
        body = response.content.decode()
        assert textarea(body, traffic) == "To go to the TABASC."
        assert 'id="id_opsg-24-01-transferred_to_error">Choose the committee' in body
        assert 'aria-invalid="true"' in body
        assert not ActionReview.objects.exists()
        traffic.refresh_from_db()
        assert traffic.is_open

        # Without htmx the whole page comes back with the row as typed.
        response = client.post(row_url(traffic), data)
        assert response.status_code == 200
        body = response.content.decode()
        assert body.count("<h1") == 1
        assert textarea(body, traffic) == "To go to the TABASC."
        assert "Choose the committee it was transferred to." in body

    def test_closed_needs_an_outcome_and_a_date_or_words_not_both(self, client, m25, traffic):
        login(client, "secretary")
        response = client.post(
            row_url(traffic),
            row_data(
                traffic,
                status="closed",
                revised_target_date="2019-11-05",
                revised_target_note="To be determined",
            ),
            headers=HTMX,
        )
        assert response.status_code == 422
        body = response.content.decode()
        assert "Say how the action ended." in body
        assert "not both" in body

    def test_target_before_the_action_was_raised_is_refused(self, client, m25, traffic):
        response = login(client, "secretary").post(
            row_url(traffic), row_data(traffic, revised_target_date="2019-01-01"), headers=HTMX
        )
        assert response.status_code == 422
        assert "cannot be before the action was raised (03/09/2019)" in response.content.decode()

    def test_service_rule_shows_as_a_form_error(self, client, world, m25, traffic):
        # A rule only the service knows: the form claims a saved review
        # (version 3) that is not there.
        response = login(client, "secretary").post(
            row_url(traffic), row_data(traffic, version=3, update="Typed."), headers=HTMX
        )
        assert response.status_code == 422
        body = response.content.decode()
        assert "has been removed; reload the page" in body
        assert textarea(body, traffic) == "Typed."


class TestConflict:
    def test_second_save_from_the_same_version_gets_both_texts(self, client, m25, traffic):
        login(client, "secretary")
        first = client.post(
            row_url(traffic), row_data(traffic, update="Their words."), headers=HTMX
        )
        assert first.status_code == 200
        second = client.post(row_url(traffic), row_data(traffic, update="My words."), headers=HTMX)
        assert second.status_code == 409
        body = second.content.decode()
        assert textarea(body, traffic) == "My words."
        assert '<p class="their-text">Their words.</p>' in body
        assert "merge the two and save again" in body
        assert "Saved meanwhile by Sam Secretary" in body
        # The form now carries their version, so the merged text saves.
        assert hidden_version(body, traffic) == 1
        assert ActionReview.objects.get(action=traffic).update == "Their words."

        merged = client.post(
            row_url(traffic),
            row_data(traffic, version=1, update="Their words. My words."),
            headers=HTMX,
        )
        assert merged.status_code == 200
        assert ActionReview.objects.get(action=traffic).update == "Their words. My words."

    def test_conflict_without_htmx_shows_the_page(self, client, m25, traffic, scalability):
        login(client, "secretary")
        client.post(row_url(traffic), row_data(traffic, update="Their words."))
        response = client.post(row_url(traffic), row_data(traffic, update="My words."))
        assert response.status_code == 409
        body = response.content.decode()
        assert body.count("<h1") == 1
        assert textarea(body, traffic) == "My words."
        assert "Their words." in body

    def test_service_refuses_a_stale_version(self, world, m25, traffic):
        action_review_record(
            action=traffic, meeting=m25, update="First.", status="open", expected_version=0
        )
        with pytest.raises(EditConflict) as conflict:
            action_review_record(
                action=traffic, meeting=m25, update="Second.", status="open", expected_version=0
            )
        assert conflict.value.current.update == "First."
        review = action_review_record(
            action=traffic, meeting=m25, update="Second.", status="open", expected_version=1
        )
        assert (review.update, review.version) == ("Second.", 2)
