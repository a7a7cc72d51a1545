"""A committee's attendance record (minutes.attendance_record): who came to
the meetings whose minutes the reader may read, and how; each organisation's
representation; the CSVs; the period; and its fixed query count."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from meetings.models import Attendance, Meeting, Person
from minutes.services import minutes_revise
from tests.base import circulate, login, make_meeting, make_person

pytestmark = pytest.mark.django_db

D = datetime.date
PAGE = "/committees/OPSG/attendance/"
CSV = "/committees/OPSG/attendance.csv"
RECORD_QUERIES = 8


def attend(meeting, person, section="member", **marks):
    return Attendance.objects.create(meeting=meeting, person=person, section=section, **marks)


@pytest.fixture
def two_meetings(world):
    """OPSG 25 and 26, circulated; OPSG 27 a draft. Ann (DCC) comes to 25 in
    person and to 26 by teleconference for part; Bob (SECAS) sends apologies
    to 25 and Cal stands in for him at 26; the member comes to the draft."""
    w = world
    ann = make_person("Ann Ash", "ann", organisation=w.dcc)
    bob = make_person("Bob Birch", "bob", organisation=w.secas)
    cal = make_person("Cal Cole", "cal", organisation=w.secas)
    m25 = make_meeting(w, number=25, date=D(2019, 10, 1))
    m26 = make_meeting(w, number=26, date=D(2019, 11, 5))
    m27 = make_meeting(w, number=27, date=D(2019, 12, 3))
    attend(m25, ann)
    attend(m25, bob, "apology")
    attend(m26, ann, remote=True, part=True, items="3")
    attend(m26, cal, is_alternate=True, alternate_for=bob)
    attend(m27, w.member)
    circulate(m25, m26)
    return w


def people(response):
    return {person.name: person for person in response.context["record"].people}


def test_each_person_counted_by_how_they_came(client, two_meetings):
    response = login(client, "member").get(PAGE)
    assert response.status_code == 200
    found = people(response)
    assert set(found) == {"Ann Ash", "Bob Birch", "Cal Cole"}  # not the draft's
    ann, bob, cal = found["Ann Ash"], found["Bob Birch"], found["Cal Cole"]
    assert (ann.attended, ann.in_person, ann.remote, ann.part, ann.rate) == (2, 1, 1, 1, 100)
    assert (bob.listed, bob.attended, bob.apologies, bob.sent_alternate, bob.rate) == (
        2,
        0,
        1,
        1,
        0,
    )
    assert (cal.attended, cal.as_alternate, cal.organisation) == (1, 1, "SECAS")
    text = response.content.decode()
    assert "2 meetings, 1 Oct 2019 to 5 Nov 2019." in text


def test_organisations_by_meeting(client, two_meetings):
    record = login(client, "member").get(PAGE).context["record"]
    table = {organisation.name: cells for organisation, cells in record.organisation_table}
    assert table == {"DCC": ["attended", "attended"], "SECAS": ["apologies", "attended"]}


def test_the_secretary_counts_the_draft_too(client, two_meetings):
    found = people(login(client, "secretary").get(PAGE))
    assert found["Mia Member"].attended == 1


def test_a_period_chooses_the_meetings(client, two_meetings):
    response = login(client, "member").get(PAGE, {"date_from": "2019-11-01"})
    assert [m.number for m in response.context["record"].meetings] == [26]
    assert "Ann Ash" in people(response)
    assert "Bob Birch" in people(response)  # stood in for at 26


def test_a_period_that_ends_before_it_starts_says_so(client, two_meetings):
    login(client, "member")
    response = client.get(PAGE, {"date_from": "2019-12-01", "date_to": "2019-01-01"})
    assert response.status_code == 200
    assert "The period ends before it starts" in response.content.decode()
    refused = client.get(CSV, {"date_from": "2019-12-01", "date_to": "2019-01-01"})
    assert refused.status_code == 400
    assert "ends before it starts" in refused.content.decode()


def test_nothing_to_read_is_said(client, world):
    response = login(client, "member").get(PAGE)
    assert "No minutes of OPSG that you can read yet." in response.content.decode()


def test_the_csvs(client, two_meetings):
    Person.objects.filter(name="Cal Cole").update(name="=HYPERLINK(1)")
    login(client, "member")
    body = client.get(CSV).content.decode()
    assert body.startswith("\ufeffName,Organisation,Meetings listed at,Attended")
    assert "Ann Ash,DCC,2,2,1,1,1,0,0,0,100" in body
    assert "'=HYPERLINK(1)" in body
    grid = client.get(CSV, {"table": "organisations"})
    assert grid["Content-Disposition"] == 'attachment; filename="OPSG-attendance-organisations.csv"'
    assert "SECAS,apologies,attended,1,50" in grid.content.decode()


def test_minutes_being_corrected_count_as_kept(client, two_meetings):
    w = two_meetings
    m26 = Meeting.objects.get(number=26)
    when = m26.circulated_at
    Meeting.objects.filter(pk=m26.pk).update(
        status="published", approved_at=when, published_at=when
    )
    m26.refresh_from_db()
    minutes_revise(meeting=m26, reason="A name was missed.", by=w.chair.user)
    attend(m26, make_person("Dot Dale", "dot", organisation=w.dcc))
    assert "Dot Dale" not in people(login(client, "member").get(PAGE))
    assert "Dot Dale" in people(login(client, "secretary").get(PAGE))


@pytest.mark.parametrize("count", [3, 300])
def test_queries_do_not_grow_with_people_or_meetings(client, world, count):
    for number in range(1, 4 if count == 3 else 31):
        meeting = make_meeting(
            world, number=number, date=D(2019, 1, 1) + datetime.timedelta(number * 30)
        )
        listed = Person.objects.bulk_create(
            Person(name=f"Person {number}-{n}", organisation=world.dcc)
            for n in range(count // 3 or 1)
        )
        Attendance.objects.bulk_create(
            Attendance(meeting=meeting, person=person, section="member", order=n)
            for n, person in enumerate(listed)
        )
        circulate(meeting)
    login(client, "member")
    with CaptureQueriesContext(connection) as captured:
        response = client.get(PAGE)
    assert response.status_code == 200
    assert len(captured) <= RECORD_QUERIES, [q["sql"][:120] for q in captured]


def test_two_people_of_one_name_stay_apart_and_a_line_counts_for_the_body_it_names(
    client, two_meetings
):
    w = two_meetings
    m25 = Meeting.objects.get(number=25)
    other = make_person("Ann Ash", "ann2", organisation=w.secas)
    attend(m25, other, "participant", represents="Ofgem")
    found = login(client, "member").get(PAGE).context["record"]
    anns = sorted((p.organisation, p.attended) for p in found.people if p.name == "Ann Ash")
    assert anns == [("DCC", 2), ("Ofgem", 1)]
    table = {organisation.name: cells for organisation, cells in found.organisation_table}
    assert table["Ofgem"] == ["attended", ""]


def test_the_csv_links_carry_the_period_only_when_it_was_read(client, two_meetings):
    login(client, "member")
    good = client.get(PAGE, {"date_from": "2019-11-01"}).content.decode()
    assert "attendance.csv?date_from=2019-11-01" in good
    bad = client.get(PAGE, {"date_from": "2019-12-01", "date_to": "2019-01-01"}).content.decode()
    assert 'href="/committees/OPSG/attendance.csv"' in bad
