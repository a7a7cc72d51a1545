"""Copy the attendance of the previous meeting into a draft: the people, in
their lists, with their category, body and role, never that day's marks."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from meetings.models import Attendance, Meeting, Person
from tests.base import login, make_meeting

pytestmark = pytest.mark.django_db

COPY = "/committees/OPSG/meetings/25/attendance/copy/"
COPY_QUERIES = 15  # every htmx save of the editor stays within 15


@pytest.fixture
def meetings(world):
    m24 = make_meeting(world, number=24, date=datetime.date(2019, 9, 3))
    Attendance.objects.create(
        meeting=m24, person=world.chair, section="member", category="Chair", role="Chair", order=0
    )
    Attendance.objects.create(
        meeting=m24,
        person=world.member,
        section="member",
        category="Large Supplier",
        remote=True,
        is_alternate=True,
        order=1,
    )
    Attendance.objects.create(
        meeting=m24, person=world.secretary, section="participant", represents="SECAS", order=0
    )
    m25 = make_meeting(world)
    Attendance.objects.create(meeting=m25, person=world.member, section="apology", order=0)
    return m24, m25


def test_the_secretary_copies_the_previous_attendance(client, meetings):
    _, m25 = meetings
    login(client, "secretary")
    response = client.post(COPY, HTTP_HX_REQUEST="true")
    body = response.content.decode()
    assert response.status_code == 200
    assert "2 people copied from OPSG 24, without that day&#x27;s marks" in body
    lines = {a.person.name: a for a in m25.attendance.select_related("person")}
    assert (lines["Chris Chair"].section, lines["Chris Chair"].category) == ("member", "Chair")
    assert lines["Chris Chair"].role == "Chair"
    assert (lines["Sam Secretary"].section, lines["Sam Secretary"].represents) == (
        "participant",
        "SECAS",
    )
    assert lines["Mia Member"].section == "apology"  # already listed: left as it is
    assert not any(a.remote or a.is_alternate for a in lines.values())
    again = client.post(COPY, HTTP_HX_REQUEST="true").content.decode()
    assert "Everyone listed at OPSG 24 is already listed here." in again


def test_the_first_meeting_has_none_to_copy(client, world):
    make_meeting(world)
    login(client, "secretary")
    response = client.post(COPY, HTTP_HX_REQUEST="true")
    assert response.status_code == 422
    assert "first meeting: there is none to copy from" in response.content.decode()


def test_the_edit_page_offers_it_only_with_a_meeting_before(client, meetings, world):
    login(client, "secretary")
    page = client.get("/committees/OPSG/meetings/25/edit/").content.decode()
    assert "Copy the attendance of OPSG 24" in page
    Meeting.objects.filter(number=24).update(date=datetime.date(2020, 1, 1))
    page = client.get("/committees/OPSG/meetings/25/edit/").content.decode()
    assert "Copy the attendance of" not in page


@pytest.mark.parametrize("people", [3, 300])
def test_copying_asks_the_same_queries_for_3_people_or_300(client, world, people):
    m24 = make_meeting(world, number=24, date=datetime.date(2019, 9, 3))
    crowd = Person.objects.bulk_create(Person(name=f"Person {n:03d}") for n in range(people))
    Attendance.objects.bulk_create(
        Attendance(meeting=m24, person=person, section="member", order=n)
        for n, person in enumerate(crowd)
    )
    m25 = make_meeting(world)
    login(client, "secretary")
    with CaptureQueriesContext(connection) as queries:
        response = client.post(COPY, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert m25.attendance.count() == people
    sql = [q["sql"] for q in queries if "SAVEPOINT" not in q["sql"]]
    # SQLite takes a bulk insert in batches (999 parameters each), PostgreSQL
    # in one statement: a batch after the first is the same statement.
    statements = [q for n, q in enumerate(sql) if not (n and _same_insert(sql[n - 1], q))]
    assert len(statements) <= COPY_QUERIES, [q[:100] for q in statements]


def _same_insert(before: str, after: str) -> bool:
    return after.startswith("INSERT") and before.split("(")[0] == after.split("(")[0]
