"""Owners' updates: an owner (or the secretary on their behalf) sends an
update and a proposed target before the meeting; it waits, marked as the
owner's, on the secretary's review screen, and changes the action only when
the secretary saves the row with it."""

import datetime
import re

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.test import Client

from actions.models import Action, ActionReview, OwnerUpdate
from actions.services import action_raise, action_review_record, owner_update_submit
from tests.base import circulate, login, make_meeting, make_person

pytestmark = pytest.mark.django_db

D = datetime.date
# Friday 20 November 2026, before OPSG 25 on Tuesday 24 November.
FRIDAY = datetime.datetime(2026, 11, 20, 14, 30, tzinfo=datetime.UTC)
REVIEW = "/committees/OPSG/meetings/25/review/"


@pytest.fixture(autouse=True)
def friday():
    with time_machine.travel(FRIDAY, tick=False):
        yield


@pytest.fixture
def m24(world):
    meeting = make_meeting(world, number=24, date=D(2026, 10, 6))
    circulate(meeting)
    return meeting


@pytest.fixture
def m25(world, m24):
    return make_meeting(world, number=25, date=D(2026, 11, 24))


@pytest.fixture
def traffic(world, m24):
    """OPSG 24/01, the DCC's, due at the next meeting (10 November 2026)."""
    return action_raise(
        meeting=m24, item=None, owners=[world.dcc], text="The DCC to review the network traffic."
    )


def update_url(action):
    return f"/actions/{action.slug}/update/"


def form(**fields):
    data = {"text": "", "proposed_target_date": "", "proposed_target_note": ""}
    data.update(fields)
    return data


def snapshot(action: Action) -> tuple:
    action.refresh_from_db()
    return (
        action.target_date,
        action.target_note,
        action.status,
        action.version,
        action.history.count(),
    )


class TestSubmit:
    def test_owner_sends_an_update_that_waits_and_changes_nothing(self, client, world, traffic):
        before = snapshot(traffic)
        response = login(client, "owner").post(
            update_url(traffic),
            form(text="Preliminary results shared with DNOs.", proposed_target_date="2027-01-31"),
        )
        assert response.status_code == 302
        assert response["Location"] == "/actions/opsg-24-01/#updates"
        update = OwnerUpdate.objects.get()
        assert update.state == OwnerUpdate.State.PENDING
        assert update.submitted_by == world.owner.user
        assert update.submitted_at == FRIDAY
        assert update.proposed_target_date == D(2027, 1, 31)
        assert update.review is None
        assert snapshot(traffic) == before

        body = client.get(response["Location"]).content.decode()
        assert "Your update on OPSG 24/01 was sent." in body
        assert "until then the action is unchanged" in body
        assert "Update from DCC (Owen Owner), 20 November 2026" in body
        assert "Awaiting the secretary" in body

    def test_the_secretary_sends_one_on_the_owners_behalf(self, client, traffic):
        login(client, "secretary").post(
            update_url(traffic),
            form(text="DCC asked us to say: delayed.", proposed_target_note="To be determined"),
        )
        update = OwnerUpdate.objects.get()
        assert update.proposed_target_note == "To be determined"
        assert update.sender == "Sam Secretary (SECAS), for DCC"

    def test_a_person_named_as_owner_sends_one(self, client, world, m24):
        named = make_person("Nia Named", "named")
        action = action_raise(meeting=m24, item=None, owners=[named], text="Nia to write it.")
        response = login(client, "named").post(update_url(action), form(text="Written."))
        assert response.status_code == 302
        assert OwnerUpdate.objects.get().sender == "Nia Named"

    def test_no_text_keeps_what_was_typed(self, client, traffic):
        response = login(client, "owner").post(
            update_url(traffic), form(text="   ", proposed_target_note="By the December meeting")
        )
        assert response.status_code == 200
        body = response.content.decode()
        assert "Your update was not sent" in body
        assert "Write the update you want the meeting to hear." in body
        assert 'value="By the December meeting"' in body
        assert not OwnerUpdate.objects.exists()

    def test_a_date_and_words_are_refused_keeping_the_text(self, client, traffic):
        response = login(client, "owner").post(
            update_url(traffic),
            form(
                text="Half done <and> going.",
                proposed_target_date="2027-01-31",
                proposed_target_note="To be determined",
            ),
        )
        assert response.status_code == 200
        body = response.content.decode()
        assert "not both" in body
        textarea = re.search(r'<textarea name="text"[^>]*>(.*?)</textarea>', body, re.S)
        assert textarea.group(1) == "Half done &lt;and&gt; going."
        assert 'value="2027-01-31"' in body
        assert 'aria-invalid="true"' not in textarea.group(0)
        assert not OwnerUpdate.objects.exists()

    def test_a_target_before_the_action_was_raised_is_refused(self, client, traffic):
        response = login(client, "owner").post(
            update_url(traffic), form(text="Done soon.", proposed_target_date="2026-01-01")
        )
        assert response.status_code == 200
        assert "cannot be before the action was raised (06/10/2026)" in response.content.decode()
        assert not OwnerUpdate.objects.exists()

    def test_a_closed_action_takes_no_more_updates(self, client, m25, traffic):
        action_review_record(action=traffic, meeting=m25, update="Done.", status="closed")
        circulate(m25)
        response = login(client, "owner").post(update_url(traffic), form(text="One more thing."))
        assert response.status_code == 200
        assert "OPSG 24/01 is closed" in response.content.decode()
        assert not OwnerUpdate.objects.exists()

    def test_an_action_closed_in_a_draft_still_takes_an_update(self, client, m25, traffic):
        """Owen may not read the draft that closes it: to him it is open, and
        his update waits for the secretary like any other."""
        action_review_record(action=traffic, meeting=m25, update="Done.", status="closed")
        response = login(client, "owner").post(update_url(traffic), form(text="One more thing."))
        assert response.status_code == 302
        assert (
            "is closed"
            not in login(client, "owner").get(f"/actions/{traffic.slug}/").content.decode()
        )
        assert OwnerUpdate.objects.get().text == "One more thing."

    def test_service_refuses_empty_text_and_never_touches_the_action(self, world, traffic):
        with pytest.raises(ValidationError):
            owner_update_submit(action=traffic, by=world.owner.user, text=" ")
        before = snapshot(traffic)
        owner_update_submit(
            action=traffic, by=world.owner.user, text="Fine.", proposed_target_date=D(2027, 3, 1)
        )
        assert snapshot(traffic) == before


class TestPermissions:
    def test_anonymous_is_sent_to_log_in(self, client, traffic):
        response = client.post(update_url(traffic), form(text="Hello."))
        assert response.status_code == 302
        assert response["Location"].startswith("/accounts/login/")

    def test_a_member_who_does_not_own_it_gets_403_saying_why(self, client, traffic):
        response = login(client, "member").post(update_url(traffic), form(text="I think…"))
        assert response.status_code == 403
        body = response.content.decode()
        assert (
            "Only the owners of OPSG 24/01 (DCC) or the committee&#x27;s secretary "
            "can send an update on it." in body
        )
        assert not OwnerUpdate.objects.exists()

    def test_the_chair_is_not_an_owner_either(self, client, traffic):
        assert login(client, "chair").post(update_url(traffic), form(text="x")).status_code == 403

    def test_an_outsider_gets_404(self, client, traffic):
        response = login(client, "outsider").post(update_url(traffic), form(text="x"))
        assert response.status_code == 404

    def test_get_is_refused(self, client, traffic):
        assert login(client, "owner").get(update_url(traffic)).status_code == 405

    def test_csrf_is_enforced(self, traffic):
        client = Client(enforce_csrf_checks=True)
        login(client, "owner")
        response = client.post(update_url(traffic), form(text="No token."))
        assert response.status_code == 403
        assert not OwnerUpdate.objects.exists()

        page = client.get(f"/actions/{traffic.slug}/").content.decode()
        token = re.search(
            r'action="/actions/opsg-24-01/update/".*?name="csrfmiddlewaretoken" value="([^"]+)"',
            page,
            re.S,
        ).group(1)
        response = client.post(
            update_url(traffic), form(text="With the token.", csrfmiddlewaretoken=token)
        )
        assert response.status_code == 302
        assert OwnerUpdate.objects.get().text == "With the token."


class TestOnTheReviewScreen:
    def row_data(self, action, **fields):
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

    def test_submit_review_accept(self, client, world, m25, traffic):
        owner = Client()
        login(owner, "owner").post(
            update_url(traffic),
            form(text="Preliminary results shared with DNOs.", proposed_target_date="2027-01-31"),
        )
        update = OwnerUpdate.objects.get()
        before = snapshot(traffic)
        assert before[0] == D(2026, 11, 10)

        login(client, "secretary")
        body = client.get(REVIEW).content.decode()
        row = body.split('id="row-opsg-24-01"', 1)[1].split("</section>", 1)[0]
        aside = row.split('<aside class="owner-update"', 1)[1].split("</aside>", 1)[0]
        assert "Owner’s update, awaiting you" in aside
        assert "Update from DCC (Owen Owner), 20 November 2026:" in aside
        assert "Preliminary results shared with DNOs." in aside
        assert "Proposed target:</strong> 31/01/2027" in aside
        assert "Use this update" in aside
        assert f'data-update="{update.pk}"' in aside and 'data-date="2027-01-31"' in aside
        # Still nothing changed: the update only waits.
        assert snapshot(traffic) == before

        response = client.post(
            f"{REVIEW}{traffic.slug}/",
            self.row_data(
                traffic,
                update="Preliminary results shared with DNOs.",
                revised_target_date="2027-01-31",
                owner_update=str(update.pk),
            ),
        )
        assert response.status_code == 302
        update.refresh_from_db()
        assert update.state == OwnerUpdate.State.ACCEPTED
        assert update.review == ActionReview.objects.get(action=traffic, meeting=m25)
        traffic.refresh_from_db()
        assert traffic.target_date == D(2027, 1, 31)
        # Accepted, it no longer waits on the screen; the action page says where it went.
        assert "awaiting you" not in client.get(REVIEW).content.decode()
        detail = client.get(f"/actions/{traffic.slug}/").content.decode()
        assert "Accepted into the review at OPSG 25" in detail

    def test_every_update_used_is_accepted(self, client, world, m25, traffic):
        first = owner_update_submit(action=traffic, by=world.owner.user, text="Part one.")
        second = owner_update_submit(action=traffic, by=world.secretary.user, text="Part two.")
        ignored = owner_update_submit(action=traffic, by=world.owner.user, text="Not used.")
        login(client, "secretary").post(
            f"{REVIEW}{traffic.slug}/",
            self.row_data(
                traffic, update="Part one.\n\nPart two.", owner_update=f"{first.pk},{second.pk}"
            ),
            headers={"HX-Request": "true"},
        )
        states = dict(OwnerUpdate.objects.values_list("pk", "state"))
        assert states == {
            first.pk: OwnerUpdate.State.ACCEPTED,
            second.pk: OwnerUpdate.State.ACCEPTED,
            ignored.pk: OwnerUpdate.State.PENDING,
        }

    def test_an_update_of_another_action_is_not_accepted(self, client, world, m24, m25, traffic):
        other = action_raise(meeting=m24, item=None, owners=[world.dcc], text="Another.")
        stray = owner_update_submit(action=other, by=world.owner.user, text="About the other.")
        login(client, "secretary").post(
            f"{REVIEW}{traffic.slug}/",
            self.row_data(traffic, update="Fine.", owner_update=str(stray.pk)),
        )
        stray.refresh_from_db()
        assert stray.state == OwnerUpdate.State.PENDING
