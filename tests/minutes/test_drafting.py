"""The secretary's drafting workspace: new meeting, attendance, items,
decisions, actions, and the minutes' lifecycle."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from actions.models import Action
from actions.services import action_raise, action_review_record
from meetings.models import AgendaItem, Attendance, Decision, Meeting, Person
from minutes.services import item_add, minutes_circulate
from tests.base import login, make_item, make_meeting

pytestmark = pytest.mark.django_db


@pytest.fixture
def meeting(world):
    return make_meeting(world)


def url(meeting, tail=""):
    return f"/committees/OPSG/meetings/{meeting.number}/{tail}"


HTMX = {"HTTP_HX_REQUEST": "true"}


class TestAccess:
    """Every drafting URL: login required, outsiders 404, read-only roles 403, POST-only 405."""

    POST_ONLY = [
        "attendance/add/",
        "attendance/1/",
        "items/add/",
        "items/1/",
        "items/1/decisions/",
        "items/1/actions/",
        "preview/",
        "items/1/decisions/1/",
        "items/1/actions/1/",
        "items/1/incidents/",
        "items/1/incidents/1/",
        "minutes/circulate/",
        "minutes/approve/",
        "minutes/publish/",
        "minutes/revise/",
    ]

    @pytest.mark.parametrize("tail", ["edit/", *POST_ONLY])
    def test_anonymous_is_sent_to_login(self, client, meeting, tail):
        response = client.post(url(meeting, tail))
        assert response.status_code == 302
        assert response["Location"].startswith("/accounts/login/")

    @pytest.mark.parametrize("tail", ["edit/", *POST_ONLY])
    def test_outsider_gets_404(self, client, meeting, tail):
        assert login(client, "outsider").post(url(meeting, tail)).status_code == 404

    @pytest.mark.parametrize("tail", ["edit/", *POST_ONLY])
    def test_member_reading_a_circulated_draft_gets_403(self, client, world, meeting, tail):
        minutes_circulate(meeting=meeting, by=world.secretary.user)
        assert login(client, "member").post(url(meeting, tail)).status_code == 403

    @pytest.mark.parametrize("who, status", [(None, 302), ("outsider", 404), ("member", 403)])
    def test_people_search_is_for_the_secretary(self, client, world, meeting, who, status):
        minutes_circulate(meeting=meeting, by=world.secretary.user)
        if who:
            login(client, who)
        assert client.get(url(meeting, "people/?q=mia")).status_code == status
        # It only reads: a POST is refused once past the login.
        assert client.post(url(meeting, "people/?q=mia")).status_code == (
            302 if who is None else 405
        )

    @pytest.mark.parametrize("tail", POST_ONLY)
    def test_get_is_refused(self, client, meeting, tail):
        assert login(client, "secretary").get(url(meeting, tail)).status_code == 405

    def test_new_meeting_is_for_the_secretary(self, client, world):
        assert login(client, "member").get("/committees/OPSG/meetings/new/").status_code == 403
        assert login(client, "secretary").get("/committees/OPSG/meetings/new/").status_code == 200

    def test_approved_minutes_are_read_only(self, client, world, meeting):
        meeting.status = Meeting.Status.APPROVED
        meeting.circulated_at = meeting.approved_at = datetime.datetime(
            2019, 11, 5, 12, tzinfo=datetime.UTC
        )
        meeting.save()
        assert login(client, "secretary").get(url(meeting, "edit/")).status_code == 403


class TestNewMeeting:
    def test_prefills_from_the_last_meeting(self, client, world, meeting):
        world.opsg.usual_location = "8 Fenchurch Place"
        world.opsg.save()
        body = login(client, "secretary").get("/committees/OPSG/meetings/new/").content.decode()
        assert 'value="26"' in body
        assert 'value="2019-11-05"' in body  # the next meeting announced at 25
        assert 'value="8 Fenchurch Place"' in body

    def test_creates_expected_attendees_and_standing_items(self, client, world, meeting):
        response = login(client, "secretary").post(
            "/committees/OPSG/meetings/new/",
            {
                "number": 26,
                "kind": "main",
                "date": "2019-11-05",
                "start_time": "10:00",
                "end_time": "16:00",
                "location": "London",
                "classification": world.white_2019.pk,
                "next_meeting_date": "2019-12-03",
            },
        )
        assert response.status_code == 302
        new = Meeting.objects.get(number=26)
        assert response["Location"] == "/committees/OPSG/meetings/26/edit/"
        assert [i.title for i in new.items.order_by("order")] == [
            "Previous Meeting Minutes",
            "Actions Outstanding",
            "Any Other Business",
        ]
        names = list(new.attendance.order_by("order").values_list("person__name", flat=True))
        assert names == ["Chris Chair", "Mia Member"]
        assert new.next_meetings.get().date == datetime.date(2019, 12, 3)

    def test_bad_input_keeps_what_was_typed(self, client, world, meeting):
        response = login(client, "secretary").post(
            "/committees/OPSG/meetings/new/",
            {
                "number": 25,
                "kind": "main",
                "date": "2019-11-05",
                "start_time": "16:00",
                "end_time": "10:00",
                "location": "Somewhere typed",
                "classification": world.white_2019.pk,
            },
        )
        body = response.content.decode()
        assert response.status_code == 200
        assert "The meeting must end after it starts." in body
        assert 'value="Somewhere typed"' in body
        assert Meeting.objects.count() == 1


class TestAttendance:
    def test_add_known_person_in_place(self, client, world, meeting):
        response = login(client, "secretary").post(
            url(meeting, "attendance/add/"),
            {"section": "participant", "person": world.owner.pk},
            **HTMX,
        )
        assert response.status_code == 200
        assert 'id="attendance"' in response.content.decode()
        line = meeting.attendance.get()
        assert (line.person, line.section, line.represents) == (world.owner, "participant", "DCC")

    def test_add_new_person_inline(self, client, world, meeting):
        login(client, "secretary").post(
            url(meeting, "attendance/add/"),
            {"section": "member", "new_name": "  Liam   Cowe ", "new_organisation": world.dcc.pk},
        )
        assert Person.objects.get(name="Liam Cowe").organisation == world.dcc
        assert meeting.attendance.get().person.name == "Liam Cowe"

    @pytest.mark.parametrize(
        "section, stored",
        [
            ("member", ("Large Supplier", "")),
            ("participant", ("", "Large Supplier")),
            ("apology", ("", "Large Supplier")),
        ],
    )
    def test_the_category_or_body_typed_goes_where_it_belongs(
        self, client, world, meeting, section, stored
    ):
        """One box, "Category or body represented": a new member's category,
        anyone else's body (it was saved as a member's body represented)."""
        login(client, "secretary").post(
            url(meeting, "attendance/add/"),
            {"section": section, "new_name": "Liam Cowe", "represents": "Large Supplier"},
        )
        line = meeting.attendance.get()
        assert (line.category, line.represents) == stored

    def test_cannot_be_present_and_an_apology(self, client, world, meeting):
        client = login(client, "secretary")
        client.post(
            url(meeting, "attendance/add/"), {"section": "member", "person": world.member.pk}
        )
        response = client.post(
            url(meeting, "attendance/add/"),
            {"section": "apology", "person": world.member.pk},
            **HTMX,
        )
        assert response.status_code == 422
        assert "Mia Member is already listed (member)." in response.content.decode()
        assert meeting.attendance.count() == 1

    def test_marks_and_reorder(self, client, world, meeting):
        first = Attendance.objects.create(meeting=meeting, person=world.chair, section="member")
        second = Attendance.objects.create(
            meeting=meeting, person=world.member, section="member", order=1
        )
        client = login(client, "secretary")
        client.post(
            url(meeting, f"attendance/{second.pk}/"),
            {
                "section": "member",
                "category": "Large Supplier",
                "alternate_for": world.outsider.pk,
                "remote": "on",
                "part": "on",
                "items": "6 & 7",
            },
        )
        second.refresh_from_db()
        assert second.alternate_for == world.outsider and second.remote and second.items == "6 & 7"
        client.post(url(meeting, f"attendance/{second.pk}/move/"), {"direction": "up"})
        assert list(meeting.attendance.order_by("order").values_list("pk", flat=True)) == [
            second.pk,
            first.pk,
        ]

    def test_becoming_an_apology_drops_presence_marks(self, client, world, meeting):
        line = Attendance.objects.create(
            meeting=meeting, person=world.member, section="member", remote=True
        )
        login(client, "secretary").post(
            url(meeting, f"attendance/{line.pk}/"), {"section": "apology", "remote": "on"}
        )
        line.refresh_from_db()
        assert line.section == "apology" and not line.remote

    def test_people_search(self, client, world, meeting):
        body = login(client, "secretary").get(url(meeting, "people/?q=mia")).content.decode()
        assert "Add Mia Member" in body
        body = client.get(url(meeting, "people/?q=zzz")).content.decode()
        assert "add them as a new person" in body


class TestItems:
    def test_add_renumbers_and_keeps_aob_last(self, client, world, meeting):
        make_item(meeting, "1", "Previous Meeting Minutes", order=10)
        make_item(meeting, "2", "Any Other Business", order=20, standing="aob")
        client = login(client, "secretary")
        client.post(url(meeting, "items/add/"), {"title": "Major Incidents"})
        numbers = list(meeting.items.order_by("order").values_list("number", "title"))
        assert numbers == [
            ("1", "Previous Meeting Minutes"),
            ("2", "Major Incidents"),
            ("3", "Any Other Business"),
        ]
        incidents = meeting.items.get(title="Major Incidents")
        client.post(
            url(meeting, "items/add/"), {"title": "INC000000478818", "sub_of": incidents.pk}
        )
        assert meeting.items.get(title="INC000000478818").number == "2.1"

    def test_move_keeps_content_and_sub_items(self, client, world, meeting):
        a = make_item(meeting, "1", "A", narrative="Text of A", order=10)
        b = make_item(meeting, "2", "B", narrative="Text of B", order=20)
        item_add(meeting=meeting, title="B sub", sub_of=b)
        login(client, "secretary").post(url(meeting, f"items/{b.pk}/move/"), {"direction": "up"})
        rows = list(meeting.items.order_by("order").values_list("number", "title", "narrative"))
        assert rows == [("1", "B", "Text of B"), ("1.1", "B sub", ""), ("2", "A", "Text of A")]
        a.refresh_from_db()
        assert a.number == "2"

    def test_save_and_conflict(self, client, world, meeting):
        item = make_item(meeting, narrative="first")
        client = login(client, "secretary")
        data = {"op": "save", "title": "Minutes", "narrative": "mine", "version": item.version}
        assert client.post(url(meeting, f"items/{item.pk}/"), data, **HTMX).status_code == 200
        item.refresh_from_db()
        assert item.narrative == "mine" and item.version == 2
        # A second editor still holding version 1 is refused, with both texts shown.
        stale = {**data, "narrative": "theirs typed late"}
        response = client.post(url(meeting, f"items/{item.pk}/"), stale, **HTMX)
        body = response.content.decode()
        assert response.status_code == 409
        assert "theirs typed late" in body and "mine" in body
        item.refresh_from_db()
        assert item.narrative == "mine"

    def test_preview_is_sanitised(self, client, world, meeting):
        response = login(client, "secretary").post(
            url(meeting, "preview/"), {"text": "**bold** <script>alert(1)</script>"}
        )
        assert b"<strong>bold</strong>" in response.content
        assert b"<script>" not in response.content

    def test_cannot_delete_an_item_with_actions(self, client, world, meeting):
        item = make_item(meeting)
        action_raise(meeting=meeting, item=item, owners=[world.dcc], text="DCC to do.")
        response = login(client, "secretary").post(
            url(meeting, f"items/{item.pk}/delete/"), {}, **HTMX
        )
        assert response.status_code == 422
        assert AgendaItem.objects.filter(pk=item.pk).exists()

    def test_drag_puts_a_person_at_a_position(self, client, world, meeting):
        lines = [
            Attendance.objects.create(meeting=meeting, person=p, section="member", order=i)
            for i, p in enumerate([world.chair, world.member, world.owner])
        ]
        client = login(client, "secretary")
        response = client.post(
            url(meeting, f"attendance/{lines[2].pk}/move/"), {"position": 0}, **HTMX
        )
        assert response.status_code == 200
        order = list(meeting.attendance.order_by("order").values_list("pk", flat=True))
        assert order == [lines[2].pk, lines[0].pk, lines[1].pk]
        # A position outside the list, or not a number, changes nothing.
        for position in ["7", "x"]:
            client.post(url(meeting, f"attendance/{lines[0].pk}/move/"), {"position": position})
        assert list(meeting.attendance.order_by("order").values_list("pk", flat=True)) == order

    def test_stale_save_is_refused_with_both_versions(self, client, world, meeting):
        line = Attendance.objects.create(meeting=meeting, person=world.member, section="member")
        client = login(client, "secretary")
        drawn = line.version
        client.post(
            url(meeting, f"attendance/{line.pk}/"),
            {"section": "member", "remote": "on", "version": drawn},
        )
        response = client.post(
            url(meeting, f"attendance/{line.pk}/"),
            {"section": "member", "part": "on", "items": "6", "version": drawn},
            **HTMX,
        )
        assert response.status_code == 422
        body = response.content.decode()
        assert "someone else changed this line" in body
        assert (
            "Saved now: Member; Teleconference" in body
            and "Yours was: Member; Part; items 6" in body
        )
        line.refresh_from_db()
        assert line.remote and not line.part

    def test_member_moved_to_apologies_is_listed_by_category(self, client, world, meeting):
        line = Attendance.objects.create(
            meeting=meeting, person=world.member, section="member", category="Large Supplier"
        )
        login(client, "secretary").post(
            url(meeting, f"attendance/{line.pk}/"),
            {"section": "apology", "category": "Large Supplier", "remote": "on"},
        )
        line.refresh_from_db()
        assert (line.section, line.represents, line.remote) == ("apology", "Large Supplier", False)


class TestDecisionsAndActions:
    def test_add_decision_with_points(self, client, world, meeting):
        item = make_item(meeting)
        response = login(client, "secretary").post(
            url(meeting, f"items/{item.pk}/decisions/"),
            {"verb": "NOTED", "text": "that:", "points": "one\n\ntwo\n", "version": 0},
            **HTMX,
        )
        assert response.status_code == 200
        decision = Decision.objects.get()
        assert decision.points == ["one", "two"]
        assert "The OPSG <strong>NOTED</strong> that:" in response.content.decode()

    def test_unknown_verb_is_refused(self, client, world, meeting):
        item = make_item(meeting)
        response = login(client, "secretary").post(
            url(meeting, f"items/{item.pk}/decisions/"),
            {"verb": "DECREED", "text": "x", "version": 0},
            **HTMX,
        )
        assert response.status_code == 422
        assert not Decision.objects.exists()

    def test_raise_actions_in_order_and_never_reuse(self, client, world, meeting):
        item = make_item(meeting)
        client = login(client, "secretary")
        for text in ["DCC to one.", "SECAS to two."]:
            client.post(
                url(meeting, f"items/{item.pk}/actions/"),
                {"owner_organisations": [world.dcc.pk], "text": text, "version": 0},
            )
        refs = list(Action.objects.values_list("reference", "target_date"))
        assert refs == [
            ("OPSG 25/01", datetime.date(2019, 11, 5)),
            ("OPSG 25/02", datetime.date(2019, 11, 5)),
        ]
        second = Action.objects.get(reference="OPSG 25/02")
        client.post(url(meeting, f"items/{item.pk}/actions/{second.pk}/delete/"))
        client.post(
            url(meeting, f"items/{item.pk}/actions/"),
            {
                "owner_people": [world.owner.pk],
                "text": "Owen to three.",
                "target_note": "To be determined",
                "version": 0,
            },
        )
        third = Action.objects.get(reference="OPSG 25/03")
        assert third.target_note == "To be determined" and third.target_date is None

    def test_a_successor_named_at_review_is_not_deleted(self, client, world, meeting):
        """The new action a review named as an old one's successor answers
        its deletion with a reason, and stays (not a server error)."""
        item = make_item(meeting)
        earlier = make_meeting(world, number=24, date=datetime.date(2019, 9, 3))
        old = action_raise(meeting=earlier, item=None, owners=[world.dcc], text="DCC to plan.")
        new = action_raise(meeting=meeting, item=item, owners=[world.dcc], text="DCC to do.")
        action_review_record(
            action=old, meeting=meeting, update="Replaced.", status="closed",
            outcome=Action.Outcome.SUPERSEDED, superseded_by=new,
        )  # fmt: skip
        response = login(client, "secretary").post(
            url(meeting, f"items/{item.pk}/actions/{new.pk}/delete/"), **HTMX
        )
        assert response.status_code == 422
        assert (
            "OPSG 25/01 is named as the successor of OPSG 24/01; close it instead of deleting it."
            in response.content.decode()
        )
        assert Action.objects.filter(pk=new.pk).exists()

    def test_action_without_owner_keeps_typed_text(self, client, world, meeting):
        item = make_item(meeting)
        response = login(client, "secretary").post(
            url(meeting, f"items/{item.pk}/actions/"),
            {"text": "Typed but ownerless", "version": 0},
            **HTMX,
        )
        # The message goes above the add form, which is not replaced: what
        # was typed stays in it (tests/e2e/test_secretary_journey.py).
        assert response.status_code == 422
        assert response["HX-Retarget"] == f"#na{item.pk}-errors"
        assert response["HX-Reswap"] == "innerHTML"
        assert "Choose at least one owner." in response.content.decode()
        assert not Action.objects.filter(text="Typed but ownerless").exists()

    def test_decision_conflict_shows_both_texts_and_keeps_mine(self, client, world, meeting):
        item = make_item(meeting)
        decision = Decision.objects.create(item=item, verb="NOTED", text="the first text.")
        client = login(client, "secretary")
        drawn = decision.version
        client.post(
            url(meeting, f"items/{item.pk}/decisions/{decision.pk}/"),
            {"verb": "AGREED", "text": "their text.", "version": drawn},
        )
        response = client.post(
            url(meeting, f"items/{item.pk}/decisions/{decision.pk}/"),
            {"verb": "NOTED", "text": "my text.", "points": "my point", "version": drawn},
            **HTMX,
        )
        assert response.status_code == 422
        body = response.content.decode()
        assert "Someone else saved this while you were editing" in body
        assert "<strong>AGREED</strong> their text." in body
        assert ">my text.</textarea>" in body and ">my point</textarea>" in body
        decision.refresh_from_db()
        assert decision.text == "their text."
        # Saving again from the merged form (carrying their version) succeeds.
        decision.refresh_from_db()
        response = client.post(
            url(meeting, f"items/{item.pk}/decisions/{decision.pk}/"),
            {"verb": "AGREED", "text": "merged.", "version": decision.version},
            **HTMX,
        )
        assert response.status_code == 200
        decision.refresh_from_db()
        assert decision.text == "merged."

    def test_failed_action_edit_keeps_typing_in_that_actions_form(self, client, world, meeting):
        item = make_item(meeting)
        action = action_raise(meeting=meeting, item=item, owners=[world.dcc], text="DCC to one.")
        response = login(client, "secretary").post(
            url(meeting, f"items/{item.pk}/actions/{action.pk}/"),
            {"text": "Edited, now ownerless", "version": action.version},
            **HTMX,
        )
        assert response.status_code == 422
        body = response.content.decode()
        edit_form = body.split(f'id="a{action.pk}-text"')[1].split("</textarea>")[0]
        assert "Edited, now ownerless" in edit_form
        # Only that action comes back (its fragment): the form for a new one is untouched.
        assert f'id="action-{action.pk}"' in body and f'id="na{item.pk}-text"' not in body
        action.refresh_from_db()
        assert action.text == "DCC to one."


class TestLifecycle:
    def test_circulate_approve_publish(self, client, world, meeting):
        later = make_meeting(world, number=26, date=datetime.date(2019, 11, 5))
        make_item(later, "1", "Previous Meeting Minutes", standing="previous_minutes")
        client = login(client, "secretary")
        client.post(url(meeting, "minutes/circulate/"))
        meeting.refresh_from_db()
        assert meeting.status == "circulated"
        assert client.post(url(meeting, "minutes/approve/")).status_code == 403
        assert login(client, "secretary").post(url(meeting, "minutes/publish/")).status_code == 403
        client = login(client, "chair")
        client.post(url(meeting, "minutes/approve/"), {"at_meeting": later.pk})
        meeting.refresh_from_db()
        assert meeting.status == "approved" and meeting.approved_at_meeting == later
        decision = Decision.objects.get(item__meeting=later)
        assert decision.text == "the minutes of OPSG_25 as a true record."
        client.post(url(meeting, "minutes/publish/"))
        meeting.refresh_from_db()
        assert meeting.status == "published"
        body = client.get(url(meeting)).content.decode()
        assert "OPSG_25_0110 – Final Minutes" in body

    def test_an_agreement_the_item_records_already_is_not_written_twice(
        self, client, world, meeting
    ):
        later = make_meeting(world, number=26, date=datetime.date(2019, 11, 5))
        item = make_item(later, "1", "Previous Meeting Minutes", standing="previous_minutes")
        Decision.objects.create(
            item=item, verb="AGREED", text="that the minutes would be published as final."
        )
        minutes_circulate(meeting=meeting, by=world.secretary.user)
        login(client, "chair").post(url(meeting, "minutes/approve/"), {"at_meeting": later.pk})
        meeting.refresh_from_db()
        assert meeting.status == "approved"
        assert list(item.decisions.values_list("text", flat=True)) == [
            "that the minutes would be published as final."
        ]

    def test_wrong_order_is_a_message_not_an_error(self, client, world, meeting):
        response = login(client, "chair").post(url(meeting, "minutes/publish/"), follow=True)
        assert "Only approved minutes can be published." in response.content.decode()

    def test_correction_after_approval_keeps_the_earlier_text(self, client, world, meeting):
        item = make_item(meeting, narrative="As approved.")
        minutes_circulate(meeting=meeting, by=world.secretary.user)
        client = login(client, "chair")
        client.post(url(meeting, "minutes/approve/"), {"at_meeting": ""})
        response = client.post(url(meeting, "minutes/revise/"), {"reason": "Typo in item 1"})
        assert response.status_code == 302
        meeting.refresh_from_db()
        assert meeting.status == "draft"
        AgendaItem.objects.filter(pk=item.pk).update(narrative="Corrected.")
        body = client.get(url(meeting, "revisions/1/")).content.decode()
        assert "As approved." in body and "Typo in item 1" in body


@pytest.mark.parametrize("items", [3, 60])
def test_minutes_page_query_count_holds(client, world, items):
    meeting = make_meeting(world)
    minutes_circulate(meeting=meeting, by=world.secretary.user)
    for n in range(1, items + 1):
        item = make_item(meeting, str(n), f"Item {n}", narrative=f"Text {n}")
        Decision.objects.create(item=item, verb="NOTED", text="the update.")
        action_raise(meeting=meeting, item=item, owners=[world.dcc], text=f"DCC to {n}.")
        Attendance.objects.create(
            meeting=meeting,
            person=Person.objects.create(name=f"Person {n}"),
            section="member",
            alternate_for=world.chair,
        )
    login(client, "member")
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url(meeting)).status_code == 200
    # session, user, meeting (access: the minutes or the version kept during a
    # correction, and which, in one query), member's roles, meeting again (selector), attendance, items,
    # declarations of interest, decisions, actions, owners, incident reviews, reviews, next meetings,
    # revisions, which items the member may read (item_content_rule, one query for all), the
    # corrections agreed (minutes.selectors.corrections_agreed), known incident numbers, known
    # modifications
    assert len(queries) == 19, "\n".join(q["sql"] for q in queries.captured_queries)
