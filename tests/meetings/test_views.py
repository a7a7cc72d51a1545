"""The first pages: home, a committee's page, a meeting's minutes and its JSON."""

import datetime
import json
import re
from pathlib import Path

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from actions.models import Action, ActionOwner, ActionReview
from actions.services import action_raise, action_record_existing, action_review_record
from declarations.models import Declaration
from meetings.access import EVERYTHING, print_reader
from meetings.models import Attendance, Decision, Meeting
from minutes.selectors import minutes_page
from minutes.services import minutes_approve, minutes_circulate, minutes_publish
from tests.base import login, make_item, make_meeting

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]


def circulated_meeting(world, **fields):
    meeting = make_meeting(world, **fields)
    minutes_circulate(meeting=meeting, by=world.secretary.user)
    return meeting


def minutes_url(meeting):
    return f"/committees/{meeting.committee.code}/meetings/{meeting.number}/"


class TestHome:
    def test_anonymous_sees_invitation_to_log_in(self, client, world):
        response = client.get("/")
        assert response.status_code == 200
        assert b"Log in" in response.content

    def test_member_sees_committee_meetings_and_open_actions(self, client, world):
        meeting = circulated_meeting(world)
        item = make_item(meeting)
        action_raise(meeting=meeting, item=item, owners=[world.dcc], text="DCC to report.")
        response = login(client, "member").get("/")
        body = response.content.decode()
        assert "Operations Group (OPSG)" in body
        assert "OPSG 25" in body
        assert "OPSG 25/01" in body
        assert "TABASC" not in body

    def test_no_role_gives_a_clear_empty_state(self, client, world):
        response = login(client, "owner").get("/")
        assert "You do not hold a role in any committee yet" in response.content.decode()

    def test_post_is_refused(self, client, world):
        assert client.post("/").status_code == 405


class TestCommitteePage:
    def test_requires_login(self, client, world):
        response = client.get("/committees/OPSG/")
        assert response.status_code == 302
        assert response["Location"].startswith("/accounts/login/")

    def test_unknown_committee_is_404(self, client, world):
        assert login(client, "member").get("/committees/NOPE/").status_code == 404

    def test_open_actions_only_for_those_with_a_role(self, client, world):
        meeting = circulated_meeting(world)
        action_raise(meeting=meeting, item=make_item(meeting), owners=[world.dcc], text="DCC to x.")
        body = login(client, "outsider").get("/committees/OPSG/").content.decode()
        assert "OPSG 25/01" not in body and "Open actions" not in body
        body = login(client, "member").get("/committees/OPSG/").content.decode()
        assert "OPSG 25/01" in body

    def test_members_do_not_see_uncirculated_drafts(self, client, world):
        make_meeting(world, number=26, date=datetime.date(2019, 11, 5))
        circulated_meeting(world)
        body = login(client, "member").get("/committees/OPSG/").content.decode()
        assert "OPSG 25" in body
        assert "OPSG 26" not in body
        body = login(client, "secretary").get("/committees/OPSG/").content.decode()
        assert "OPSG 26" in body

    @pytest.mark.parametrize("rows", [3, 300])
    def test_query_count_does_not_grow_with_rows(self, client, world, rows):
        base = datetime.date(2000, 1, 4)
        for n in range(1, rows + 1):
            meeting = make_meeting(world, number=n, date=base + datetime.timedelta(days=7 * n))
            action_raise(meeting=meeting, item=None, owners=[world.dcc], text=f"Action {n}")
        login(client, "secretary")
        with CaptureQueriesContext(connection) as queries:
            response = client.get("/committees/OPSG/")
        assert response.status_code == 200
        # session, user, committee, roles of the user, meetings, the agenda
        # items withheld from the user (meetings.access.items_withheld), the
        # reviews the user may not read (actions.known), open actions (those
        # the user owns asked inside: actions.filters.owned_by), their owners
        assert len(queries) == 9, "\n".join(q["sql"] for q in queries.captured_queries)


class TestMinutesPage:
    def test_anonymous_cannot_see_unpublished_minutes(self, client, world):
        """They are sent to log in first (opsg/signin.py), then brought back."""
        meeting = circulated_meeting(world)
        response = client.get(minutes_url(meeting))
        assert response.status_code == 302
        assert response["Location"] == f"/accounts/login/?next={minutes_url(meeting)}"

    def test_outsider_gets_404(self, client, world):
        meeting = circulated_meeting(world)
        assert login(client, "outsider").get(minutes_url(meeting)).status_code == 404

    def test_member_cannot_see_a_draft_before_circulation(self, client, world):
        meeting = make_meeting(world)
        assert login(client, "member").get(minutes_url(meeting)).status_code == 404
        assert login(client, "secretary").get(minutes_url(meeting)).status_code == 200

    def test_unknown_meeting_is_404(self, client, world):
        assert login(client, "secretary").get("/committees/OPSG/meetings/99/").status_code == 404

    def test_shows_the_minutes(self, client, world):
        meeting = circulated_meeting(world)
        Attendance.objects.create(
            meeting=meeting,
            person=world.member,
            section="member",
            category="Large Supplier",
            is_alternate=True,
            remote=True,
        )
        Attendance.objects.create(
            meeting=meeting, person=world.secretary, section="participant", represents="SECAS",
            role="Meeting Secretary",
        )  # fmt: skip
        item = make_item(meeting, "1", "Previous Meeting Minutes", narrative="No comments.")
        Decision.objects.create(item=item, verb="AGREED", text="that the minutes be final.")
        Decision.objects.create(
            item=item, verb="NOTED", text="that:", points=["one", "two"], first_point_number=3
        )
        action_raise(meeting=meeting, item=item, owners=[world.secas], text="SECAS to publish.")
        body = login(client, "member").get(minutes_url(meeting)).content.decode()
        assert "OPSG_25_0110 – Draft Minutes" in body
        assert "This document has a Classification of <strong>White</strong>" in body
        assert "Mia Member" in body and "(Alternate)" in body and "(Teleconference)" in body
        assert "(Meeting Secretary)" in body
        assert "The OPSG <strong>AGREED</strong> that the minutes be final." in body
        assert '<ol start="3">' in body
        assert (
            'ACTION <a href="/actions/opsg-25-01/">OPSG 25/01</a>:</strong> SECAS to publish.'
            in body
        )
        assert "1 October 2019, 10:00 – 17:00" in body
        assert "Next meeting:</strong> 5 November 2019" in body

    def test_narrative_is_sanitised(self, client, world):
        meeting = circulated_meeting(world)
        make_item(
            meeting,
            narrative='<script>alert(1)</script> [x](javascript:alert(1)) <img src=x onerror="alert(1)">',
        )
        body = login(client, "member").get(minutes_url(meeting)).content.decode()
        assert "<script>alert" not in body
        assert 'href="javascript:' not in body
        assert "<img" not in body

    def test_reviews_table_sits_in_the_actions_outstanding_item(self, client, world):
        meeting = circulated_meeting(world)
        make_item(meeting, "3", "Actions Outstanding", standing="actions_outstanding")
        old = action_record_existing(
            committee=world.opsg,
            reference="OPSG 24/02",
            owners=[world.dcc],
            text="The DCC to review the traffic.",
            raised_on=datetime.date(2019, 9, 3),
            target_date=datetime.date(2019, 10, 1),
        )
        action_review_record(
            action=old,
            meeting=meeting,
            update="Results shared with DNOs.",
            status="open",
            revised_target_date=datetime.date(2019, 11, 5),
        )
        body = login(client, "member").get(minutes_url(meeting)).content.decode()
        section = body.split('id="item-3"')[1]
        assert "OPSG 24/02" in section
        assert "03/09/2019" in section and "01/10/2019" in section and "05/11/2019" in section
        assert "Action Status: Open" in section


class TestMinutesJson:
    def test_same_access_as_the_page(self, client, world):
        meeting = make_meeting(world)
        url = minutes_url(meeting) + "minutes.json"
        assert client.get(url)["Location"] == f"/accounts/login/?next={url}"
        assert login(client, "member").get(url).status_code == 404
        assert login(client, "secretary").get(url).status_code == 200

    def test_shape(self, client, world):
        meeting = circulated_meeting(world)
        Attendance.objects.create(
            meeting=meeting, person=world.member, section="member", category="Large Supplier",
            alternate_for=world.chair, part=True, items="6 & 7",
        )  # fmt: skip
        Attendance.objects.create(
            meeting=meeting, person=world.owner, section="apology", represents="DCC"
        )
        item = make_item(meeting, "4", "Major Incidents", narrative="About INC000000478818.")
        action_raise(
            meeting=meeting, item=item, owners=[world.dcc, world.secas], text="Do it.",
            target_note="To be determined",
        )  # fmt: skip
        doc = json.loads(login(client, "member").get(minutes_url(meeting) + "minutes.json").content)
        assert set(doc) >= {
            "committee", "number", "reference", "date", "start", "end", "location", "status",
            "classification", "attendance", "items", "actions_raised", "actions_reviewed",
            "incidents", "next_meetings",
        }  # fmt: skip
        assert doc["reference"] == "OPSG_25_0110"
        assert doc["date"] == "2019-10-01" and doc["start"] == "10:00" and doc["end"] == "17:00"
        assert doc["status"] == "circulated"
        member = doc["attendance"]["members"][0]
        assert member == {
            "name": "Mia Member", "category": "Large Supplier", "alternate": True,
            "alternate_for": "Chris Chair", "remote": False, "part": True, "items": "6 & 7",
            "role": None,
        }  # fmt: skip
        assert doc["attendance"]["apologies"][0]["represents"] == "DCC"
        assert doc["items"][0]["actions"] == ["OPSG 25/01"]
        raised = doc["actions_raised"][0]
        assert raised["owners"] == ["DCC", "SECAS"]
        assert raised["target_date"] is None and raised["target_note"] == "To be determined"
        assert doc["incidents"] == ["INC000000478818"]
        assert doc["next_meetings"] == [{"kind": "main", "date": "2019-11-05"}]

    def test_rows_come_in_their_order_not_as_written(self, client, world):
        """Each list in the order the minutes give it (then as written),
        whatever order the rows were written in."""
        meeting = circulated_meeting(world)
        second, first = (
            make_item(meeting, number, f"Item {number}", order=order)
            for number, order in (("2", 20), ("1", 10))
        )
        lines = [
            Attendance.objects.create(meeting=meeting, person=person, section="member", order=n)
            for n, person in ((2, world.member), (1, world.chair))
        ]
        Attendance.objects.filter(pk=lines[0].pk).update(order=1)  # a tie: as written
        for n, text in ((2, "later"), (1, "sooner")):
            Decision.objects.create(item=first, verb="NOTED", text=text, order=n)
            Declaration.objects.create(item=first, name=text, interest="Shares.", order=n)
        later, sooner = (
            action_raise(meeting=meeting, item=first, owners=[world.dcc, world.secas], text=t)
            for t in ("Later.", "Sooner.")
        )
        Action.objects.filter(pk=later.pk).update(confidential=True)
        ActionOwner.objects.filter(action=sooner, organisation=world.dcc).update(order=9)
        for n, reference in ((2, "OPSG 24/01"), (1, "OPSG 24/02")):
            old = action_record_existing(
                committee=world.opsg, reference=reference, owners=[world.dcc], text="Old.",
                raised_on=datetime.date(2019, 9, 3), target_date=datetime.date(2019, 10, 1),
            )  # fmt: skip
            review = action_review_record(
                action=old, meeting=meeting, update="Done.", status="open"
            )
            ActionReview.objects.filter(pk=review.pk).update(order=n)
        doc = json.loads(
            login(client, "secretary").get(minutes_url(meeting) + "minutes.json").content
        )
        assert [item["number"] for item in doc["items"]] == ["1", "2"]
        assert [m["name"] for m in doc["attendance"]["members"]] == ["Mia Member", "Chris Chair"]
        assert [d["text"] for d in doc["items"][0]["decisions"]] == ["sooner", "later"]
        assert [d["name"] for d in doc["items"][0]["declarations"]] == ["sooner", "later"]
        assert doc["items"][0]["actions"] == [sooner.reference, later.reference]
        assert doc["actions_raised"][0]["owners"] == ["SECAS", "DCC"]
        assert [r["reference"] for r in doc["actions_reviewed"]] == ["OPSG 24/02", "OPSG 24/01"]
        assert second.pk < first.pk

    def test_export_minutes_command_prints_the_same_document(self, world, capsys):
        from django.core.management import CommandError, call_command

        circulated_meeting(world)
        call_command("export_minutes", "opsg", "25")
        assert json.loads(capsys.readouterr().out)["reference"] == "OPSG_25_0110"
        with pytest.raises(CommandError, match="no meeting OPSG 99"):
            call_command("export_minutes", "OPSG", "99")


def test_healthz(client, world):
    response = client.get("/healthz")
    assert response.status_code == 200 and response.content == b"ok"


def test_views_reach_protected_objects_only_through_access_helpers():
    """Style rule: views never look meetings up directly."""
    for views in ROOT.glob("*/views.py"):
        source = views.read_text()
        assert not re.search(r"\bMeeting\.objects\b|get_object_or_404", source), views


def test_frozen_minutes_flag(world):
    meeting = circulated_meeting(world)
    meeting.status = Meeting.Status.APPROVED
    meeting.approved_at = timezone.now()
    meeting.save()
    assert meeting.is_frozen


def test_a_reviewed_action_follows_the_item_it_was_raised_under(world):
    """An action raised under an item classified Amber (committee only) is
    left out of a later public meeting's reviews for readers outside, as the
    action log leaves it out; those who read everything see it."""

    m25 = make_meeting(world, classification=world.white_2019)
    amber_item = make_item(m25, "5", "Security", classification=world.amber)
    action = action_raise(
        meeting=m25, item=amber_item, owners=[world.dcc], text="DCC to rotate the keys."
    )
    m26 = make_meeting(world, number=26, date=datetime.date(2019, 11, 5))
    m26.classification = world.white_2019
    m26.save()
    action_review_record(action=action, meeting=m26, update="Keys rotated.", status="closed")

    public = minutes_page(m26, reader=print_reader(m26))["reviews"]
    everything = minutes_page(m26, reader=EVERYTHING)["reviews"]
    assert [r.action.reference for r in public] == []
    assert [r.action.reference for r in everything] == [action.reference]


def test_the_published_page_shows_the_published_version_to_everyone(client, world):
    """Signed in or not, /published/… shows what the public PDF prints: an
    item taken in confidence is its number only."""

    meeting = make_meeting(world, classification=world.white_2019)
    make_item(meeting, "1", "Open item", narrative="Said in the open.")
    make_item(meeting, "2", "Closed item", narrative="Said in confidence.", confidential=True)
    minutes_circulate(meeting=meeting, by=world.secretary.user)
    minutes_approve(meeting=meeting, at_meeting=None, by=world.chair.user)
    minutes_publish(meeting=meeting, by=world.chair.user)
    for who in (None, "member", "secretary"):
        if who:
            login(client, who)
        body = client.get("/published/OPSG/25/").content.decode()
        assert "Said in the open." in body
        assert "Said in confidence." not in body, who


def test_a_revision_shows_a_reader_only_what_its_items_show():
    """The lists beside the items (actions raised and reviewed, incidents)
    follow the items a reader outside the confidence is shown; a CONF
    reference is known by its form, not by the letters anywhere in it."""
    from types import SimpleNamespace

    from meetings.access import DocumentReader
    from minutes.selectors import revision_document

    snapshot = {
        "kind": "main",
        "items": [
            {"number": "1", "confidential": False, "narrative": "About INC000000000001.",
             "actions": ["OPSG 25/01", "OPSG 25/CONF 01"]},
            {"number": "2", "confidential": True, "narrative": "About INC000000000002.",
             "actions": ["OPSG 25/02"]},
        ],
        "actions_raised": [{"reference": r} for r in ("OPSG 25/01", "OPSG 25/CONF 01", "OPSG 25/02")],
        "actions_reviewed": [{"reference": r} for r in ("OPSG 24/01", "OPSG 24/CONF 03")],
        "incidents": ["INC000000000001", "INC000000000002"],
    }  # fmt: skip
    revision = SimpleNamespace(snapshot=snapshot, meeting=SimpleNamespace(kind="main"))
    outside = DocumentReader(in_confidence=False, admits=lambda c: True)
    document = revision_document(revision, reader=outside)
    assert document["items"][0]["actions"] == ["OPSG 25/01"]
    assert document["items"][1] == {"number": "2", "confidential": True, "withheld": True}
    assert [a["reference"] for a in document["actions_raised"]] == ["OPSG 25/01"]
    assert [r["reference"] for r in document["actions_reviewed"]] == ["OPSG 24/01"]
    assert document["incidents"] == ["INC000000000001"]
    inside = DocumentReader(in_confidence=True, admits=lambda c: True)
    assert len(revision_document(revision, reader=inside)["actions_raised"]) == 3
