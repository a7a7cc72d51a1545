"""A meeting's history page: every recorded change to the minutes (the
meeting, attendance, items, decisions, incident reviews, actions raised,
reviews of actions), who made it, newest first, as far as the reader may
read the minutes; and narrowed to one item."""

import datetime
from html.parser import HTMLParser

import pytest
import time_machine
from django.utils import timezone

from actions.services import action_raise, action_review_record, action_update
from incidents.services import incident_review_save
from meetings.models import AgendaItem, Attendance, CommitteeRole, Decision, Meeting
from meetings.services import attendance_add, attendance_update, meeting_update
from minutes.services import (
    decision_save,
    item_add,
    item_delete,
    item_update,
    minutes_circulate,
    minutes_publish,
)
from opsg.pagination import PAGE_SIZE
from tests.base import approve_minutes, login, make_item, make_meeting, make_person

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}
D = datetime.date


def url(meeting, tail="history/"):
    return f"/committees/OPSG/meetings/{meeting.number}/{tail}"


class _Rows(HTMLParser):
    """The text of each cell of the history table's body rows."""

    def __init__(self):
        super().__init__()
        self.rows: list[list[str]] = []
        self.in_body = False
        self.cell: list[str] | None = None

    def handle_starttag(self, tag, attrs):
        if tag == "tbody":
            self.in_body = True
        elif self.in_body and tag == "tr":
            self.rows.append([])
        elif self.in_body and tag == "td":
            self.cell = []
        elif tag == "li" and self.cell:
            self.cell.append(" | ")

    def handle_endtag(self, tag):
        if tag == "tbody":
            self.in_body = False
        elif tag == "td" and self.cell is not None:
            self.rows[-1].append(" ".join("".join(self.cell).split()))
            self.cell = None

    def handle_data(self, data):
        if self.cell is not None:
            self.cell.append(data)


def rows(response) -> list[list[str]]:
    """[when, who, what, what changed] per line of the page's table."""
    assert response.status_code == 200, response.status_code
    parser = _Rows()
    parser.feed(response.content.decode())
    return parser.rows


def at(*args):
    return time_machine.travel(
        timezone.make_aware(datetime.datetime(*args), datetime.UTC), tick=False
    )


@pytest.fixture
def meeting(world):
    with at(2019, 10, 1, 9, 0):
        return make_meeting(world)


def save_item(client, meeting, item, **fields):
    """The secretary saves an item through the editor, as in the browser."""
    item.refresh_from_db()
    data = {
        "op": "save",
        "title": item.title,
        "narrative": item.narrative,
        "post_meeting_note": item.post_meeting_note,
        "version": item.version,
        **fields,
    }
    if item.confidential and "confidential" not in fields:
        data["confidential"] = "on"
    response = client.post(url(meeting, f"items/{item.pk}/"), data, **HTMX)
    assert response.status_code == 200, response.content.decode()[:500]


# --- who may see it -------------------------------------------------------------------


def test_anonymous_is_sent_to_login(client, meeting):
    response = client.get(url(meeting))
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


@pytest.mark.parametrize("who", ["outsider", "member", "owner"])
def test_a_draft_is_404_for_those_who_may_not_see_it(client, world, meeting, who):
    assert login(client, who).get(url(meeting)).status_code == 404


def test_unknown_meeting_is_404(client, world, meeting):
    response = login(client, "secretary").get("/committees/OPSG/meetings/99/history/")
    assert response.status_code == 404


def test_post_is_refused(client, world, meeting):
    assert login(client, "secretary").post(url(meeting)).status_code == 405


# --- what it shows ----------------------------------------------------------------------


def test_the_secretarys_change_shows_with_their_name(client, world, meeting):
    with at(2019, 10, 1, 9, 5):
        item = make_item(meeting, "4", "Major Incidents", narrative="The DCC reported.")
    login(client, "secretary")
    with at(2019, 10, 1, 11, 30):
        save_item(client, meeting, item, narrative="The DCC reported two incidents.")
    lines = rows(client.get(url(meeting)))
    assert lines[0] == [
        "1 Oct 2019, 12:30",  # British Summer Time
        "Sam Secretary",
        "Changed Item 4. Major Incidents",
        "Narrative: The DCC reported. → The DCC reported two incidents.",
    ]
    # Made outside a web request (a builder, a command): no user, "System".
    assert lines[1][1:3] == ["System", "Recorded Item 4. Major Incidents"]
    assert lines[-1][1:3] == ["System", "Recorded Meeting OPSG 25"]


def test_every_part_of_the_minutes_is_listed(client, world, meeting):
    earlier = make_meeting(world, number=24, date=D(2019, 9, 3))
    old = action_raise(meeting=earlier, item=None, owners=[world.dcc], text="DCC to report.")
    item = make_item(meeting, "4", "Major Incidents")
    login(client, "secretary")
    client.post(
        url(meeting, "attendance/add/"),
        {"person": world.owner.pk, "section": "participant"},
    )
    line = Attendance.objects.get(meeting=meeting, person=world.owner)
    attendance_update(line=line, remote=True)
    decision = decision_save(item=item, verb="NOTED", text="the update.", points=[])
    decision_save(item=item, decision=decision, verb="AGREED", text="the update.", points=[])
    action = action_raise(meeting=meeting, item=item, owners=[world.dcc], text="DCC to act.")
    action_update(action=action, owners=[world.dcc, world.secas], text="DCC to act now.")
    action_review_record(action=old, meeting=meeting, update="Done.", status="closed")
    incident_review_save(item=item, reference="INC000000478818", outcome="Noted.")
    meeting_update(meeting=meeting, expected_version=None, location="Teleconference")

    lines = rows(client.get(url(meeting)))
    what = [line[2] for line in lines]
    assert what == [
        "Changed Meeting OPSG 25",
        "Recorded Incident review of INC000000478818 in item 4",
        "Recorded Review of OPSG 24/01",
        "Changed Action OPSG 25/01",
        "Recorded Action OPSG 25/01",
        "Changed Decision in item 4",
        "Recorded Decision in item 4",
        "Changed Attendance: Owen Owner",
        "Recorded Attendance: Owen Owner",
        "Recorded Item 4. Major Incidents",
        "Recorded Meeting OPSG 25",
    ]
    changed = dict(zip(what, [line[3] for line in lines], strict=True))
    assert changed["Changed Meeting OPSG 25"] == (
        "Location: 8 Fenchurch Place, London → Teleconference"
    )
    assert changed["Changed Action OPSG 25/01"] == (
        "Target date: 05/11/2019 → — | Text: DCC to act. → DCC to act now. | "
        "Owners: DCC → DCC/SECAS"
    )
    assert changed["Changed Decision in item 4"] == "Verb: NOTED → AGREED"
    assert changed["Changed Attendance: Owen Owner"] == "Remote: No → Yes"
    # OPSG 24/01 was raised at OPSG 24: its review belongs to these minutes,
    # the action's own changes (closed by that review) to its page.
    assert "Changed Action OPSG 24/01" not in what
    # The web request named the secretary; the services called here did not.
    assert lines[what.index("Recorded Attendance: Owen Owner")][1] == "Sam Secretary"


def test_a_long_narrative_is_shown_around_what_changed(client, world, meeting):
    start = "The DCC presented the incident summary for the period. " * 4
    item = make_item(meeting, "4", "Major Incidents", narrative=start + "Two were major.")
    item_update(item=item, expected_version=None, narrative=start + "Three were major.")
    change = rows(login(client, "secretary").get(url(meeting)))[0][3]
    assert change.startswith("Narrative: …") and "Two were major." in change
    assert "Three were major." in change and len(change) < 200


def test_a_deleted_item_stays_in_the_record(client, world, meeting):
    item = item_add(meeting=meeting, title="Smart Meter Roll-out")
    item_delete(item=item)
    lines = rows(login(client, "secretary").get(url(meeting)))
    assert lines[0][2] == "Deleted Item “Smart Meter Roll-out” (since deleted)"


def test_a_change_made_outside_a_web_request_names_who_made_it(client, world, meeting):
    """A service told who acts (`by`) records them in the history even when
    no web request does: a command, a task, the shell."""
    minutes_circulate(meeting=meeting, by=world.secretary.user)
    when, who, what, changed = rows(login(client, "secretary").get(url(meeting)))[0]
    assert (who, what) == ("Sam Secretary", "Changed Meeting OPSG 25")
    assert "Circulated by: — → Sam Secretary" in changed
    assert "Status: Draft → Circulated for comments" in changed


# --- what is taken in confidence ------------------------------------------------------------


@pytest.fixture
def published(world, client):
    """Published OPSG 25 (White 2019: may go online), with an open item and
    one taken in confidence, each changed by the secretary while a draft."""
    meeting = make_meeting(world)
    later = make_meeting(world, number=26, date=D(2019, 11, 5))
    open_item = make_item(meeting, "4", "Major Incidents", narrative="Two incidents.")
    secret = make_item(
        meeting, "5", "Supplier Zeta exit", narrative="Zeta is leaving.", confidential=True
    )
    login(client, "secretary")
    save_item(client, meeting, open_item, narrative="Two major incidents.")
    save_item(client, meeting, secret, narrative="Zeta is leaving the market.")
    decision_save(item=secret, verb="NOTED", text="Zeta's exit plan.", points=[])
    action_raise(meeting=meeting, item=secret, owners=[world.secas], text="SECAS to tell Ofgem.")
    approve_minutes(world, meeting, later)
    minutes_publish(meeting=meeting, by=world.chair.user)
    client.logout()
    return meeting


def observer(world):
    person = make_person("Olga Observer", "observer")
    CommitteeRole.objects.create(committee=world.opsg, person=person, role="observer")


@pytest.mark.parametrize("who", ["outsider", "observer"])
def test_a_change_to_a_confidential_item_is_hidden_from_who_may_not_read_it(
    client, world, published, who
):
    observer(world)
    body = login(client, who).get(url(published)).content.decode()
    lines = rows(login(client, who).get(url(published)))
    assert "Supplier Zeta" not in body and "Zeta" not in body
    assert not any("item 5" in line[2] or "Item 5" in line[2] for line in lines)
    assert ["Sam Secretary", "Changed Item 4. Major Incidents"] in [line[1:3] for line in lines]
    assert not any(line[2].startswith(("Changed Action", "Recorded Action")) for line in lines)
    # The secretary sees the same changes and those to the confidential item.
    secretary = rows(login(client, "secretary").get(url(published)))
    what = [line[2] for line in secretary]
    assert "Changed Item 5. Supplier Zeta exit" in what
    assert "Recorded Decision in item 5" in what
    assert "Recorded Action OPSG 25/01" in what
    assert len(secretary) - len(lines) == 4  # the item (2), its decision, its action
    # Approval and publication name the chair, though made outside a request;
    # a changed link is named (a user, a meeting), not given as an id.
    assert [line[1] for line in lines[:3]] == ["Chris Chair", "Chris Chair", "Sam Secretary"]
    assert "Approved at meeting: — → OPSG 26" in lines[1][3]
    assert "Approved by: — → Chris Chair" in lines[1][3]


@pytest.mark.parametrize("who", ["outsider", "observer"])
def test_the_history_of_a_confidential_item_is_404_for_who_may_not_read_it(
    client, world, published, who
):
    observer(world)
    secret = AgendaItem.objects.get(meeting=published, number="5")
    assert login(client, who).get(url(published), {"item": secret.pk}).status_code == 404
    assert login(client, "secretary").get(url(published), {"item": secret.pk}).status_code == 200


# --- one item ---------------------------------------------------------------------------


def test_item_filter_shows_only_that_items_changes(client, world, meeting):
    item = make_item(meeting, "4", "Major Incidents")
    other = make_item(meeting, "5", "Any Other Business")
    item_update(item=item, expected_version=None, narrative="Two incidents.")
    item_update(item=other, expected_version=None, narrative="None.")
    decision_save(item=item, verb="NOTED", text="the update.", points=[])
    action_raise(meeting=meeting, item=item, owners=[world.dcc], text="DCC to report.")
    action_raise(meeting=meeting, item=other, owners=[world.dcc], text="DCC to close.")
    attendance_add(meeting=meeting, person=world.owner, section="participant")

    login(client, "secretary")
    response = client.get(url(meeting), {"item": item.pk})
    what = [line[2] for line in rows(response)]
    assert what == [
        "Recorded Action OPSG 25/01",
        "Recorded Decision in item 4",
        "Changed Item 4. Major Incidents",
        "Recorded Item 4. Major Incidents",
    ]
    body = response.content.decode()
    assert "History of item 4. Major Incidents" in body
    assert f'href="{url(meeting)}"' in body  # back to every change

    # Everything, with each item's lines linked to that item's own history.
    body = client.get(url(meeting)).content.decode()
    assert f'<a href="{url(meeting)}?item={other.pk}">Item 5. Any Other Business</a>' in body
    assert f'<a href="{url(meeting)}?item={item.pk}">Decision in item 4</a>' in body


@pytest.mark.parametrize("value", ["nope", "999999"])
def test_item_filter_with_an_unknown_item_is_404(client, world, meeting, value):
    assert login(client, "secretary").get(url(meeting), {"item": value}).status_code == 404


def test_item_filter_with_another_meetings_item_is_404(client, world, meeting):
    elsewhere = make_item(make_meeting(world, number=26, date=D(2019, 11, 5)), "1", "Minutes")
    response = login(client, "secretary").get(url(meeting), {"item": elsewhere.pk})
    assert response.status_code == 404


# --- pages and queries ------------------------------------------------------------------


def test_pagination_newest_first(client, world, meeting):
    item = make_item(meeting, "4", "Major Incidents")
    for n in range(PAGE_SIZE + 5):
        item_update(item=item, expected_version=None, narrative=f"Draft {n}.")
    login(client, "secretary")
    first = rows(client.get(url(meeting)))
    assert len(first) == PAGE_SIZE
    assert first[0][3] == f"Narrative: Draft {PAGE_SIZE + 3}. → Draft {PAGE_SIZE + 4}."
    response = client.get(url(meeting), {"page": 2})
    second = rows(response)
    # 55 changes, the item's creation, the meeting's creation.
    assert len(second) == 7
    assert second[-1][2] == "Recorded Meeting OPSG 25"
    assert "Page 2 of 2" in response.content.decode()
    assert rows(client.get(url(meeting), {"page": "x"})) == first


@pytest.mark.parametrize("changes", [3, 300])
def test_query_count_does_not_grow_with_the_changes(
    client, world, meeting, changes, django_assert_num_queries
):
    """Each kind of part changed `changes` times in all, the newest page
    holding every kind: the queries stay the same."""
    earlier = make_meeting(world, number=24, date=D(2019, 9, 3))
    old = action_raise(meeting=earlier, item=None, owners=[world.dcc], text="DCC to report.")
    item = make_item(meeting, "4", "Major Incidents")
    make_item(meeting, "5", "Supplier exit", confidential=True)
    decision = decision_save(item=item, verb="NOTED", text="the update.", points=[])
    action = action_raise(meeting=meeting, item=item, owners=[world.dcc], text="DCC to act.")
    line = attendance_add(meeting=meeting, person=world.owner, section="participant")
    review = action_review_record(action=old, meeting=meeting, update="Begun.", status="open")
    incident = incident_review_save(item=item, reference="INC000000478818", outcome="Noted.")
    for n in range(changes):
        item_update(item=item, expected_version=None, narrative=f"Draft {n}.")
    action_update(action=action, owners=[world.dcc, world.secas], text="DCC to act now.")
    attendance_update(line=line, remote=True)
    decision_save(item=item, decision=decision, verb="AGREED", text="the update.", points=[])
    action_review_record(action=old, meeting=meeting, update="Done.", status="open")
    incident_review_save(item=item, review=incident, reference="INC000000478818", outcome="x")
    meeting_update(meeting=meeting, expected_version=None, location="Teleconference")
    assert review.pk and Decision.objects.count() == 1

    login(client, "secretary")
    # session, user, the meeting with the user's roles (access), every role
    # of the user and the classifications naming them (read once for the
    # access rules: meetings.access.committees_where), may the
    # user see it (visible_meetings), the meeting's items (which may be
    # read), the count and the page of the combined
    # history, then one query per kind of part on the page (seven: meeting,
    # attendance, item, decision, incident review, action, review) for its
    # records and the ones before them, with their users' names; and the
    # documents the meeting was imported from; and the agenda items withheld
    # from the user, for the rule of actions (meetings.access.items_withheld).
    with django_assert_num_queries(17):
        response = client.get(url(meeting))
    kinds = {line[2].split(" ", 1)[1].split(" ")[0] for line in rows(response)}
    assert {"Meeting", "Attendance:", "Item", "Decision", "Incident", "Action", "Review"} <= kinds


# --- links to it ---------------------------------------------------------------------------


def test_the_minutes_and_the_editor_link_to_the_history(client, world, meeting):
    item = make_item(meeting, "4", "Major Incidents")
    login(client, "secretary")
    minutes = client.get(url(meeting, "")).content.decode()
    assert f'<a href="{url(meeting)}">History of these minutes</a>' in minutes
    assert f'href="{url(meeting)}?item={item.pk}"' in minutes
    editor = client.get(url(meeting, "edit/")).content.decode()
    assert f'href="{url(meeting)}?item={item.pk}"' in editor


def test_published_minutes_read_anonymously_offer_no_history(client, world, published):
    assert Meeting.objects.get(pk=published.pk).status == "published"
    body = client.get(url(published, "")).content.decode()
    assert "Major Incidents" in body
    assert "/history/" not in body and "History of these minutes" not in body
