"""Since the last meeting (minutes.brief): what a reader should know before
the next meeting, as they may know it, in a fixed number of queries."""

import datetime

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from actions.models import Action
from meetings.models import Decision
from meetings.services import agenda_entry_add, agenda_publish, paper_add
from tests.base import circulate, login, make_item, make_meeting, make_named_classification
from tests.meetings.agenda_data import pdf_bytes, upload

pytestmark = pytest.mark.django_db

D = datetime.date
PAGE = "/committees/OPSG/since/"
# One of them the agenda items withheld from the reader, for the rule of
# actions (meetings.access.items_withheld).
BRIEF_QUERIES = 18


@pytest.fixture(autouse=True)
def today():
    with time_machine.travel(datetime.datetime(2020, 6, 1, 9, tzinfo=datetime.UTC), tick=False):
        yield


def brief(client, username):
    response = login(client, username).get(PAGE)
    assert response.status_code == 200
    return response.context["brief"]


def test_a_member_sees_what_happened_since_the_last_meeting(client, history):
    found = brief(client, "member")
    assert found.last_meeting.number == 25 and found.next_date == D(2020, 6, 9)
    assert [a.text for a in found.closed] == ["DCC to write the plan."]
    assert [(r.action.reference, r.revised_target_date) for r in found.slipped] == [
        ("OPSG 24/01", D(2020, 9, 1))
    ]
    assert [a.text for a in found.newly_overdue] == ["SECAS to brief."]
    assert [d.text for d in found.decisions] == ["to meet monthly."]
    assert [i.reference for i in found.incidents] == ["INC000000000001"]
    body = login(client, "member").get(PAGE).content.decode()
    assert "Since <a" in body and "OPSG 25</a> on 5 May 2020" in body
    assert "Tuesday 9 June 2020" in body


def test_what_the_readers_organisation_owes_the_next_meeting(client, history):
    found = brief(client, "secretary")  # Sam works for SECAS
    assert found.organisation.short_name == "SECAS"
    assert [a.text for a in found.owed] == ["SECAS to brief."]
    assert "(overdue)" in login(client, "secretary").get(PAGE).content.decode()


def test_a_draft_is_not_the_last_meeting_for_a_member(client, history):
    m26 = make_meeting(history, number=26, date=D(2020, 5, 30))
    item = make_item(m26, "1", "Draft canary")
    Decision.objects.create(item=item, verb="NOTED", text="the draft canary.")
    member = brief(client, "member")
    assert member.last_meeting.number == 25
    assert "draft canary" not in login(client, "member").get(PAGE).content.decode()
    secretary = brief(client, "secretary")
    assert secretary.last_meeting.number == 26
    assert [d.text for d in secretary.decisions] == ["the draft canary."]


def test_no_meeting_yet_is_said(client, world):
    body = login(client, "member").get(PAGE).content.decode()
    assert "No meeting of OPSG whose minutes you can read has been held yet." in body


def test_a_member_of_another_committee_sees_nothing_of_it(client, history):
    found = brief(client, "outsider")
    assert found.last_meeting is None and found.is_empty


@pytest.mark.parametrize("count", [3, 300])
def test_queries_do_not_grow_with_actions(client, world, count):
    meeting = make_meeting(world, number=24, date=D(2020, 5, 5))
    circulate(meeting)
    Action.objects.bulk_create(
        Action(
            committee=world.opsg,
            meeting=meeting,
            meeting_number=24,
            sequence=n + 1,
            reference=f"OPSG 24/{n + 1:02d}",
            text=f"Action {n}",
            raised_on=meeting.date,
            target_date=D(2020, 5, 20),
            status="open",
        )
        for n in range(count)
    )
    for action in Action.objects.all():
        action.owners.create(organisation=world.secas)
    login(client, "secretary")
    with CaptureQueriesContext(connection) as captured:
        assert client.get(PAGE).status_code == 200
    assert len(captured) <= BRIEF_QUERIES, "\n".join(q["sql"][:300] for q in captured)


def test_papers_published_for_items_the_reader_may_read(client, history, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    w = history
    m26 = make_meeting(w, number=26, date=D(2020, 6, 9))
    open_entry = agenda_entry_add(meeting=m26, number="1", title="Tariffs")
    named = agenda_entry_add(
        meeting=m26, number="2", title="Security", classification=make_named_classification(w.chair)
    )
    paper_add(entry=open_entry, upload=upload("tariffs.pdf", pdf_bytes("Tariffs")), by=None)
    paper_add(entry=named, upload=upload("canarynamed.pdf", pdf_bytes("Secret")), by=None)
    agenda_publish(meeting=m26, by=w.secretary.user)
    assert [p.title for p in brief(client, "member").papers] == ["tariffs.pdf"]
    body = login(client, "member").get(PAGE).content.decode()
    assert "tariffs.pdf" in body and "canarynamed" not in body
    assert {p.title for p in brief(client, "chair").papers} == {"tariffs.pdf", "canarynamed.pdf"}
