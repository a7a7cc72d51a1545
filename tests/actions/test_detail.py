"""An action's page: its text, owners, where it was raised, every review in
meeting order, how far its target slipped, the actions it replaced or was
replaced by, its audit trail, owners' updates and reminders."""

import datetime
import re

import pytest
import time_machine
from django.conf import settings
from django.contrib.auth import get_user_model

from actions.models import Action, OwnerUpdate, Reminder
from actions.services import action_review_record, action_update
from meetings.models import CommitteeRole, Meeting
from tests.base import circulate, login, make_item, make_meeting, make_person

pytestmark = pytest.mark.django_db

D = datetime.date


def at(*when):
    return time_machine.travel(datetime.datetime(*when, tzinfo=datetime.UTC), tick=False)


@pytest.fixture
def m24(world):
    meeting = make_meeting(world, number=24, date=D(2019, 9, 3))
    circulate(meeting)
    return meeting


@pytest.fixture
def m25(world, m24):
    meeting = make_meeting(world, number=25, date=D(2019, 10, 1))
    circulate(meeting)
    return meeting


@pytest.fixture
def traffic(world, m24):
    """OPSG 24/01, raised under item 5 of OPSG 24, due 8 October 2019."""
    item = make_item(m24, "5", "Network traffic")
    with at(2019, 9, 3, 15, 0):
        from actions.services import action_raise

        return action_raise(
            meeting=m24,
            item=item,
            owners=[world.dcc],
            text="The DCC to review the network traffic.",
        )


def url(action):
    return f"/actions/{action.slug}/"


def section(body, title_id):
    """The HTML of one <section> of the page, found by its heading's id."""
    match = re.search(rf'<section[^>]*aria-labelledby="{title_id}".*?</section>', body, re.S)
    assert match, f"no section {title_id}"
    return match.group(0)


class TestAccess:
    def test_requires_login(self, client, traffic):
        response = client.get(url(traffic))
        assert response.status_code == 302
        assert response["Location"].startswith("/accounts/login/")

    def test_outsider_gets_404(self, client, traffic):
        assert login(client, "outsider").get(url(traffic)).status_code == 404

    @pytest.mark.parametrize("slug", ["opsg-99-01", "opsg-24-conf-01", "nope-1-01"])
    def test_unknown_action_is_404(self, client, traffic, slug):
        assert login(client, "member").get(f"/actions/{slug}/").status_code == 404

    def test_what_is_not_a_slug_is_not_an_action_page(self, client, traffic):
        assert login(client, "member").get("/actions/opsg-24/").status_code == 404

    @pytest.mark.parametrize("username", ["member", "chair", "secretary", "owner"])
    def test_committee_roles_and_owners_read_it(self, client, traffic, username):
        assert login(client, username).get(url(traffic)).status_code == 200

    def test_an_observer_reads_it(self, client, world, traffic):
        observer = make_person("Oona Observer", "observer")
        CommitteeRole.objects.create(committee=world.opsg, person=observer, role="observer")
        assert login(client, "observer").get(url(traffic)).status_code == 200

    def test_a_person_named_as_owner_reads_it(self, client, world, m24):
        from actions.services import action_raise

        named = make_person("Nia Named", "named")
        action = action_raise(meeting=m24, item=None, owners=[named], text="Nia to write it.")
        assert login(client, "named").get(url(action)).status_code == 200

    def test_staff_see_every_committee(self, client, traffic):
        staff = make_person("Stef Staff", "staff")
        get_user_model().objects.filter(pk=staff.user_id).update(is_staff=True)
        assert login(client, "staff").get(url(traffic)).status_code == 200

    def test_the_committee_it_was_transferred_to_reads_it(self, client, world, m25, traffic):
        action_review_record(
            action=traffic,
            meeting=m25,
            update="Passed to TABASC.",
            status="closed",
            outcome=Action.Outcome.TRANSFERRED,
            transferred_to=world.tabasc,
        )
        assert login(client, "outsider").get(url(traffic)).status_code == 200

    def test_confidential_actions_only_for_secretary_chair_and_members(self, client, world):
        from actions.services import action_raise

        conf = make_meeting(world, number=45, date=D(2020, 11, 3), kind=Meeting.Kind.CONFIDENTIAL)
        action = action_raise(meeting=conf, item=None, owners=[world.dcc], text="DCC to brief.")
        circulate(conf)
        assert action.slug == "opsg-45-conf-01"
        observer = make_person("Oona Observer", "observer", world.dcc)
        CommitteeRole.objects.create(committee=world.opsg, person=observer, role="observer")
        for username in ("secretary", "chair", "member"):
            assert login(client, username).get(url(action)).status_code == 200, username
        # The DCC owns it, but Owen holds no role: a confidential session is not his to read.
        for username in ("owner", "observer", "outsider"):
            assert login(client, username).get(url(action)).status_code == 404, username

    def test_post_only_update_refuses_get(self, client, traffic):
        response = login(client, "owner").get(url(traffic) + "update/")
        assert response.status_code == 405


class TestContents:
    def test_text_owners_and_where_it_was_raised(self, client, world, m24, traffic):
        body = login(client, "secretary").get(url(traffic)).content.decode()
        assert "<h1>OPSG 24/01</h1>" in body
        assert "The DCC to review the network traffic." in body
        facts = body.split('<dl class="facts action-facts">', 1)[1].split("</dl>", 1)[0]
        assert "<dd>DCC</dd>" in facts
        assert '<a href="/committees/OPSG/meetings/24/">OPSG 24</a>' in facts
        assert '<a href="/committees/OPSG/meetings/24/#item-5">item 5. Network traffic</a>' in facts
        assert "08/10/2019" in facts
        assert "Never" in facts  # not slipped
        # The minutes carry that anchor.
        minutes = (settings.BASE_DIR / "templates" / "meetings" / "minutes.html").read_text()
        assert 'id="item-{{ item.number }}"' in minutes

    def test_minutes_the_user_may_not_read_are_not_linked(self, client, world, m24, traffic):
        # OPSG 24 is circulated: members read it; Owen, who owns the action
        # but holds no role, may not, nor the title of the item it was raised under.
        body = login(client, "owner").get(url(traffic)).content.decode()
        assert m24.status == Meeting.Status.CIRCULATED
        assert "Network traffic" not in body
        assert '<a href="/committees/OPSG/meetings/24/">' not in body.split("<main", 1)[1]
        body = login(client, "secretary").get(url(traffic)).content.decode()
        assert '<a href="/committees/OPSG/meetings/24/">OPSG 24</a>' in body

    def test_every_review_in_meeting_order_with_slippage(self, client, world, m24, m25, traffic):
        m26 = make_meeting(world, number=26, date=D(2019, 11, 5))
        m27 = make_meeting(world, number=27, date=D(2019, 12, 3))
        # Recorded out of order: the page follows the meetings, not the saves.
        action_review_record(
            action=traffic,
            meeting=m26,
            update="Still analysing.",
            status="open",
            last_target_date=D(2019, 11, 5),
            revised_target_note="To be determined",
        )
        action_review_record(
            action=traffic,
            meeting=m25,
            update="Preliminary results shared.",
            status="open",
            last_target_date=D(2019, 10, 8),
            revised_target_date=D(2019, 11, 5),
        )
        action_review_record(
            action=traffic, meeting=m27, update="Report published.", status="closed"
        )
        circulate(m26, m27)
        body = login(client, "member").get(url(traffic)).content.decode()
        reviews = section(body, "reviews-title")
        assert "Reviews at meetings (3)" in reviews
        order = [reviews.index(m) for m in ("OPSG 25", "OPSG 26", "OPSG 27")]
        assert order == sorted(order)
        assert reviews.index("Preliminary results shared.") < reviews.index("Still analysing.")
        assert "08/10/2019" in reviews and "05/11/2019" in reviews
        assert "(slipped 28 days)" in reviews
        assert 'To be determined <strong class="slipped">(slipped)</strong>' in reviews
        assert "<td>Closed</td>" in reviews
        facts = body.split('<dl class="facts action-facts">', 1)[1].split("</dl>", 1)[0]
        assert "2 times, by 28 days in all" in facts
        assert "Closed: completed" in body

    def test_superseded_and_supersedes_link_both_ways(self, client, world, m25, traffic):
        from actions.services import action_raise

        successor = action_raise(
            meeting=m25, item=None, owners=[world.dcc], text="DCC to track DNO experience."
        )
        action_review_record(
            action=traffic,
            meeting=m25,
            update="Replaced by 25/01.",
            status="closed",
            outcome=Action.Outcome.SUPERSEDED,
            superseded_by=successor,
        )
        login(client, "member")
        chain = section(client.get(url(traffic)).content.decode(), "chain-title")
        assert 'Superseded by <a href="/actions/opsg-25-01/">OPSG 25/01</a>' in chain
        assert "DCC to track DNO experience." in chain
        chain = section(client.get(url(successor)).content.decode(), "chain-title")
        assert 'Supersedes <a href="/actions/opsg-24-01/">OPSG 24/01</a>' in chain

    def test_transferred_to_names_the_committee(self, client, world, m25, traffic):
        action_review_record(
            action=traffic,
            meeting=m25,
            update="TABASC's to take forward.",
            status="closed",
            outcome=Action.Outcome.TRANSFERRED,
            transferred_to=world.tabasc,
        )
        chain = section(login(client, "member").get(url(traffic)).content.decode(), "chain-title")
        assert 'Transferred to <a href="/committees/TABASC/">TABASC</a>' in chain

    def test_history_says_who_changed_which_fields_when(self, client, world, m25, traffic):
        # simple-history takes the user from the request; outside one, it is told.
        traffic._history_user = world.secretary.user
        with at(2019, 9, 4, 9, 30):
            action_update(
                action=traffic,
                owners=[world.dcc],
                text="The DCC to review the network traffic and report.",
                target_date=D(2019, 10, 15),
            )
        del traffic._history_user
        with at(2019, 10, 1, 12, 0):
            action_review_record(
                action=traffic,
                meeting=m25,
                update="Going well.",
                status="open",
                revised_target_date=D(2019, 11, 5),
            )
        body = login(client, "secretary").get(url(traffic)).content.decode()
        trail = section(body, "history-title")
        rows = re.findall(r"<tr>(.*?)</tr>", trail.split("<tbody>", 1)[1], re.S)
        assert len(rows) == 3, rows  # recorded, corrected, reviewed (version bumps hidden)
        assert "3 Sep 2019" in rows[0] and "Recorded" in rows[0]
        assert "4 Sep 2019, 10:30" in rows[1]  # British Summer Time
        assert "Sam Secretary" in rows[1]
        assert "Target date:</span> 08/10/2019 → 15/10/2019" in rows[1]
        assert (
            "Text:</span> The DCC to review the network traffic. → "
            "The DCC to review the network traffic and report." in rows[1]
        )
        assert "Target date:</span> 15/10/2019 → 05/11/2019" in rows[2]
        assert "the system" in rows[2]

    def test_history_is_for_the_writers(self, client, world, m25, traffic):
        """A review in minutes not yet circulated changes the action's target:
        its audit trail would tell a member what the draft says."""
        action_review_record(
            action=traffic,
            meeting=make_meeting(world, number=26, date=D(2019, 11, 5)),
            update="Drafted.",
            status="open",
            revised_target_date=D(2020, 2, 4),
        )
        body = login(client, "member").get(url(traffic)).content.decode()
        assert 'id="history-title"' not in body
        assert "04/02/2020" not in body and "Drafted." not in body
        assert "08/10/2019" in body  # the target the member may know

    def test_history_shows_a_change_of_owners(self, client, world, traffic):
        action_update(
            action=traffic,
            owners=[world.dcc, world.secas],
            text=traffic.text,
            target_date=traffic.target_date,
        )
        # Saving again with the same owners is not an owners' change.
        action_update(
            action=traffic,
            owners=[world.dcc, world.secas],
            text="The DCC and SECAS to review the network traffic.",
            target_date=traffic.target_date,
        )
        trail = section(
            login(client, "secretary").get(url(traffic)).content.decode(), "history-title"
        )
        assert trail.count("Owners:</span>") == 1
        assert "Owners:</span> DCC → DCC/SECAS" in trail

    def test_history_names_the_action_a_link_points_to(self, client, world, m25, traffic):
        from actions.services import action_raise

        successor = action_raise(meeting=m25, item=None, owners=[world.dcc], text="Next step.")
        action_review_record(
            action=traffic,
            meeting=m25,
            update="Replaced.",
            status="closed",
            outcome=Action.Outcome.SUPERSEDED,
            superseded_by=successor,
        )
        trail = section(
            login(client, "secretary").get(url(traffic)).content.decode(), "history-title"
        )
        assert "Superseded by:</span> — → OPSG 25/01" in trail
        assert "Status:</span> Open → Closed" in trail
        assert "Outcome:</span> — → Superseded by another action" in trail

    def test_reminders_and_their_empty_state(self, client, world, traffic):
        login(client, "member")
        assert "No reminders sent yet." in client.get(url(traffic)).content.decode()
        Reminder.objects.create(
            recipient="ops@dcc.example.org",
            action=traffic,
            kind=Reminder.Kind.OVERDUE,
            day=D(2019, 10, 9),
            state=Reminder.State.SENT,
            claimed_at=datetime.datetime(2019, 10, 9, 7, 0, tzinfo=datetime.UTC),
            sent_at=datetime.datetime(2019, 10, 9, 7, 1, tzinfo=datetime.UTC),
        )
        reminders = section(client.get(url(traffic)).content.decode(), "reminders-title")
        assert "No reminders sent yet." not in reminders
        assert "9 October 2019" in reminders and "Overdue" in reminders
        assert "ops@dcc.example.org" in reminders and "Sent 08:01" in reminders

    def test_owners_updates_pending_and_accepted(self, client, world, m25, traffic):
        accepted = OwnerUpdate.objects.create(
            action=traffic,
            submitted_by=world.owner.user,
            submitted_at=datetime.datetime(2019, 9, 20, 9, 0, tzinfo=datetime.UTC),
            text="Analysis started.",
        )
        action_review_record(
            action=traffic,
            meeting=m25,
            update="Analysis started.",
            status="open",
            owner_updates=[accepted],
        )
        OwnerUpdate.objects.create(
            action=traffic,
            submitted_by=world.secretary.user,
            submitted_at=datetime.datetime(2019, 10, 20, 9, 0, tzinfo=datetime.UTC),
            text="Report drafted.",
            proposed_target_date=D(2019, 12, 3),
        )
        updates = section(
            login(client, "member").get(url(traffic)).content.decode(), "updates-title"
        )
        assert "Update from Sam Secretary (SECAS), for DCC, 20 October 2019" in updates
        assert "Awaiting the secretary" in updates
        assert "Proposed target: 03/12/2019" in updates
        assert "Update from DCC (Owen Owner), 20 September 2019" in updates
        assert "Accepted into the review at OPSG 25" in updates
        assert updates.index("Report drafted.") < updates.index("Analysis started.")

    def test_the_update_form_shows_only_to_those_who_may_send_one(self, client, traffic):
        form = 'action="/actions/opsg-24-01/update/"'
        assert form in login(client, "owner").get(url(traffic)).content.decode()
        assert form in login(client, "secretary").get(url(traffic)).content.decode()
        body = login(client, "member").get(url(traffic)).content.decode()
        assert form not in body
        assert "Only the action’s owners, or the committee’s secretary" in body


class TestQueries:
    @pytest.mark.parametrize("reviews", [1, 30])
    def test_query_count_does_not_grow_with_reviews_or_history(
        self, client, world, traffic, reviews, django_assert_num_queries
    ):
        """Each review moves the target (a history row), and each meeting has
        an owner's update and a reminder: 1 or 30 of each, same queries."""
        target = D(2019, 10, 8)
        for n in range(reviews):
            meeting = make_meeting(
                world, number=25 + n, date=D(2019, 10, 1) + datetime.timedelta(days=28 * n)
            )
            new_target = meeting.date + datetime.timedelta(days=35)
            update = OwnerUpdate.objects.create(
                action=traffic,
                submitted_by=world.owner.user,
                submitted_at=datetime.datetime(2019, 9, 1, tzinfo=datetime.UTC)
                + datetime.timedelta(days=28 * n),
                text=f"Owner says {n}.",
            )
            action_review_record(
                action=traffic,
                meeting=meeting,
                update=f"Update {n}.",
                status="open",
                last_target_date=target,
                revised_target_date=new_target,
                owner_updates=[update],
            )
            target = new_target
            Reminder.objects.create(
                recipient="ops@dcc.example.org",
                action=traffic,
                kind=Reminder.Kind.DUE_SOON,
                day=meeting.date,
                claimed_at=datetime.datetime(2019, 9, 1, tzinfo=datetime.UTC),
            )
        assert traffic.history.count() > reviews
        login(client, "secretary")
        # session, user, the action (with committee, meeting, item, links),
        # its owners, the user's person, the agenda items withheld from them
        # (meetings.access.items_withheld), may they see it (visible_actions),
        # the meetings whose reviews they may not all read (actions.known), the user's roles in
        # OPSG (may they send an update? see the history?), its reviews they
        # may read (with meetings), the actions it superseded, its owners'
        # updates (with senders and reviews), its history (with users), its
        # reminders, which minutes they may read (where it was raised and
        # where reviewed), and may they read the item it was raised under
        with django_assert_num_queries(16):
            response = client.get(url(traffic))
        assert response.status_code == 200
        assert response.content.decode().count('<tbody class="review">') == reviews
