"""The attendance grid's saves (minutes.views.attendance_save with `grid`):
a row that stands as typed answers with its new version and "Saved" only;
a row the save changed is redrawn; a row moved to another list redraws the
section. Each in a fixed number of queries, with 3 people listed or 300.
And the inline add: a name typed as someone known is that person."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from meetings.models import Attendance, Person
from tests.base import login, make_meeting
from tests.minutes.test_editor_queries import PAGE_QUERIES, SAVE_QUERIES

pytestmark = pytest.mark.django_db

EDIT = "/committees/OPSG/meetings/25/"
HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def listed(world, request):
    """OPSG 25 with `request.param` members listed (bulk-made), the first
    being Mia Member with the category "Large Supplier"."""
    meeting = make_meeting(world)
    people = [world.member] + Person.objects.bulk_create(
        [Person(name=f"Person {n:03d}") for n in range(1, request.param)]
    )
    Attendance.objects.bulk_create(
        [
            Attendance(
                meeting=meeting,
                person=person,
                section="member",
                order=n,
                category="Large Supplier" if n == 0 else "",
                represents="Quay Energy" if n == 0 else "",
            )
            for n, person in enumerate(people)
        ]
    )
    return meeting


def _row(meeting, **changes) -> tuple[Attendance, dict]:
    line = meeting.attendance.select_related("person").get(person__name="Mia Member")
    posted = {
        "grid": "1",
        "version": line.version,
        "section": line.section,
        "body": line.category,
        "role": line.role,
        "items": line.items,
    }
    posted.update(changes)
    return line, {k: v for k, v in posted.items() if v is not False}


def _post(client, path, data):
    with CaptureQueriesContext(connection) as queries:
        response = client.post(f"{EDIT}{path}", data, **HTMX)
    sql = [q["sql"] for q in queries.captured_queries]
    return response, sum(not s.startswith(("SAVEPOINT", "RELEASE")) for s in sql)


@pytest.mark.parametrize("listed", [3, 300], indirect=True)
def test_each_kind_of_grid_save_holds_its_query_count(client, world, listed):
    login(client, "secretary")
    line, data = _row(listed, remote="on")
    response, count = _post(client, f"attendance/{line.pk}/", data)
    body = response.content.decode()
    assert response.status_code == 200 and count <= SAVE_QUERIES, count
    # As typed: "Saved", and the new version out of band; nothing else is redrawn.
    assert response["HX-Retarget"] == f"#att-{line.pk}-said"
    assert body.startswith("Saved ") and f'name="version" value="{line.version + 1}"' in body
    assert "<tr" not in body

    line, data = _row(listed, remote="on", alternate_for=str(world.chair.pk))
    response, count = _post(client, f"attendance/{line.pk}/", data)
    body = response.content.decode()
    assert response.status_code == 200 and count <= SAVE_QUERIES, count
    # Naming whom they stand in for made them an alternate: the row is redrawn.
    assert "HX-Retarget" not in response
    assert body.lstrip().startswith(f'<tr id="line-{line.pk}"') and body.count("<tr") == 1
    assert 'aria-label="Alternate: Mia Member"' in body and "checked" in body

    line, data = _row(listed, section="participant", body="Quay Energy")
    response, count = _post(client, f"attendance/{line.pk}/", data)
    assert response.status_code == 200 and count <= SAVE_QUERIES, count
    # Another list: the section is redrawn, with the person in that list.
    assert response["HX-Retarget"] == "#attendance"
    assert "Other participants (1)" in response.content.decode()

    with CaptureQueriesContext(connection) as queries:
        page = client.get(f"{EDIT}edit/")
    assert page.status_code == 200 and len(queries) <= PAGE_QUERIES


def test_the_one_category_or_body_cell_keeps_the_other_field(client, world):
    meeting = make_meeting(world)
    line = Attendance.objects.create(
        meeting=meeting,
        person=world.member,
        section="member",
        category="Large Supplier",
        represents="Quay Energy",
    )
    login(client, "secretary")
    data = {"grid": "1", "version": line.version, "section": "member", "body": "Small Supplier"}
    client.post(f"{EDIT}attendance/{line.pk}/", data, **HTMX)
    line.refresh_from_db()
    assert (line.category, line.represents) == ("Small Supplier", "Quay Energy")
    data = {"grid": "1", "version": line.version, "section": "participant", "body": "DCC"}
    client.post(f"{EDIT}attendance/{line.pk}/", data, **HTMX)
    line.refresh_from_db()
    assert (line.section, line.category, line.represents) == (
        "participant",
        "Small Supplier",
        "DCC",
    )


def test_a_name_typed_as_someone_known_is_that_person(client, world):
    meeting = make_meeting(world)
    login(client, "secretary")
    people = Person.objects.count()
    response = client.post(
        f"{EDIT}attendance/add/", {"section": "member", "new_name": "  mia   MEMBER "}, **HTMX
    )
    assert response.status_code == 200
    assert "Added Mia Member to Members." in response.content.decode()
    assert Person.objects.count() == people
    assert meeting.attendance.get().person == world.member


def test_a_name_two_people_share_asks_which(client, world):
    make_meeting(world)
    Person.objects.create(name="Mia Member")
    login(client, "secretary")
    response = client.post(
        f"{EDIT}attendance/add/", {"section": "member", "new_name": "Mia Member"}, **HTMX
    )
    assert response.status_code == 422
    assert "More than one person is called Mia Member" in response.content.decode()
    assert not Attendance.objects.exists()


def test_a_new_person_is_made_with_their_line(client, world):
    meeting = make_meeting(world)
    login(client, "secretary")
    response = client.post(
        f"{EDIT}attendance/add/",
        {"section": "participant", "new_name": "Quentin Newman", "represents": "DSP"},
        **HTMX,
    )
    assert "Added Quentin Newman to Other participants." in response.content.decode()
    line = meeting.attendance.get()
    assert (line.person.name, line.section, line.represents) == (
        "Quentin Newman",
        "participant",
        "DSP",
    )


def test_without_javascript_a_row_saves_and_returns_to_the_page(client, world):
    meeting = make_meeting(world)
    line = Attendance.objects.create(meeting=meeting, person=world.member, section="member")
    login(client, "secretary")
    data = {
        "grid": "1",
        "version": line.version,
        "section": "member",
        "body": "DCC",
        "remote": "on",
    }
    response = client.post(f"{EDIT}attendance/{line.pk}/", data)
    assert response.status_code == 302 and response["Location"].endswith("edit/#attendance")
    line.refresh_from_db()
    assert line.remote and line.category == "DCC"
