"""The editor costs the same in a meeting of 3 items or of 300: its page
in a fixed number of queries, and every htmx save at most 15, answering
with what it changed: an item, a declaration of interest, a decision, an action or an
incident review edited, added or deleted; an item added, moved, indented or deleted (which
answer with the items' new outline); a line of attendance."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from actions.models import Action, ActionOwner, ReferenceCounter
from declarations.models import Declaration
from incidents.models import Incident, IncidentReview
from meetings.models import AgendaItem, Attendance, Decision
from tests.base import login, make_meeting

pytestmark = pytest.mark.django_db

EDIT = "/committees/OPSG/meetings/25/"
HTMX = {"HTTP_HX_REQUEST": "true"}
# Each save, whatever the meeting's size, answers with the fragment it
# changed: the session and user, the meeting and its writer's roles, the
# rows saved with their version claims and audit records, and the few rows
# that fragment shows. Savepoints are not counted (_queries).
SAVE_QUERIES = 15
PAGE_QUERIES = 23


@pytest.fixture
def meeting(world, request):
    """OPSG 25 with `request.param` items, each with a decision, an action
    and an incident review: every row bulk-made, so 300 stay quick."""
    count = request.param
    meeting = make_meeting(world)
    AgendaItem.objects.bulk_create(
        [
            AgendaItem(meeting=meeting, number=str(n), title=f"Item {n}", order=n)
            for n in range(1, count + 1)
        ]
    )
    items = list(meeting.items.order_by("order"))
    Decision.objects.bulk_create(
        [Decision(item=item, verb="NOTED", text=f"decision {item.number}") for item in items]
    )
    Declaration.objects.bulk_create(
        [
            Declaration(item=item, name="Mia Member", interest=f"interest {n}")
            for n, item in enumerate(items)
        ]
    )
    actions = Action.objects.bulk_create(
        [
            Action(
                committee=world.opsg,
                meeting=meeting,
                item=item,
                meeting_number=25,
                sequence=n,
                reference=f"OPSG 25/{n:02d}",
                text=f"DCC to do {n}.",
                raised_on=meeting.date,
            )
            for n, item in enumerate(items, start=1)
        ]
    )
    ActionOwner.objects.bulk_create(
        [ActionOwner(action=a, organisation=world.dcc) for a in actions]
    )
    # The references taken, as action_raise counts them.
    ReferenceCounter.objects.create(
        committee=world.opsg, meeting_number=25, confidential=False, last_sequence=count
    )
    incidents = Incident.objects.bulk_create(
        [Incident(reference=f"INC{n:012d}") for n in range(1, count + 1)]
    )
    IncidentReview.objects.bulk_create(
        [IncidentReview(item=i, incident=inc) for i, inc in zip(items, incidents, strict=True)]
    )
    for item, incident in zip(items, incidents, strict=True):
        incident.decisions.add(item.decisions.get())
    people = [world.chair, world.member, world.owner, world.secretary]
    Attendance.objects.bulk_create(
        [
            Attendance(meeting=meeting, person=person, section="member", order=n)
            for n, person in enumerate(people)
        ]
    )
    return meeting


def _queries(client, path, data) -> tuple[int, int]:
    """The POST's status and its queries, savepoints left out: they are here
    only because each test runs inside a transaction (in service, a save's
    transaction is the outermost)."""
    send = client.get if data is None else client.post
    with CaptureQueriesContext(connection) as queries:
        response = send(f"{EDIT}{path}", data or {}, **HTMX)
    sql = [q["sql"] for q in queries.captured_queries]
    return response.status_code, sum(not s.startswith(("SAVEPOINT", "RELEASE")) for s in sql)


@pytest.mark.parametrize("meeting", [3, 300], indirect=True)
def test_the_editing_page_holds_its_query_count(client, meeting, django_assert_max_num_queries):
    login(client, "secretary")
    with django_assert_max_num_queries(PAGE_QUERIES):
        response = client.get(f"{EDIT}edit/")
    assert response.status_code == 200
    assert response.content.decode().count('class="incident-editor"') == meeting.items.count()


def _operations(meeting, world) -> list[tuple[str, str, dict]]:
    """Every operation of the editor, in an order each leaves the next
    possible: (name, path under the meeting, form)."""
    items = list(meeting.items.order_by("order"))
    item = items[-1]
    decision, action = item.decisions.get(), item.actions.get()
    declaration = item.declarations.get()
    review = item.incident_reviews.get()
    line = meeting.attendance.order_by("order").first()
    at = f"items/{item.pk}/"
    return [
        ("item", at, {"title": "Renamed", "narrative": "n", "version": 1}),
        ("decision", f"{at}decisions/{decision.pk}/", {"verb": "AGREED", "text": "changed", "version": decision.version}),
        ("action", f"{at}actions/{action.pk}/", {"owner_organisations": [world.dcc.pk], "text": "DCC to redo.", "version": 1}),
        ("review", f"{at}incidents/{review.pk}/", {"reference": review.incident.reference, "outcome": "Noted.", "version": 1}),
        ("decision-add", f"{at}decisions/", {"verb": "NOTED", "text": "another", "version": 0}),
        ("action-add", f"{at}actions/", {"owner_organisations": [world.dcc.pk], "owner_people": [world.owner.pk], "text": "DCC to add.", "version": 0}),
        ("declaration", f"{at}declarations/{declaration.pk}/", {"name": "Mia Member", "organisation": "Big Energy", "interest": "changed", "version": declaration.version}),
        ("declaration-add", f"{at}declarations/", {"name": "Chris Chair", "interest": "another", "version": 0}),
        ("review-add", f"{at}incidents/", {"reference": "INC000000099999", "outcome": "New.", "version": 0}),
        ("review-list", f"{at}incidents/list/", None),
        ("decision-delete", f"{at}decisions/{decision.pk}/delete/", {}),
        ("declaration-delete", f"{at}declarations/{declaration.pk}/delete/", {}),
        ("review-delete", f"{at}incidents/{review.pk}/delete/", {}),
        ("item-add", "items/add/", {"title": "Any other business"}),
        ("item-move", f"{at}move/", {"direction": "up"}),
        ("item-depth", f"{at}depth/", {"sub": "1"}),
        ("item-depth", f"{at}depth/", {"sub": "0"}),
        ("attendance", f"attendance/{line.pk}/", {"section": line.section, "version": line.version}),
        ("attendance-move", f"attendance/{line.pk}/move/", {"direction": "down"}),
        ("attendance-add", "attendance/add/", {"section": "participant", "person": world.outsider.pk}),
        ("attendance-add", "attendance/add/", {"section": "apology", "new_name": "Nia New", "represents": "DCC"}),
        ("attendance-remove", f"attendance/{line.pk}/remove/", {}),
        ("action-delete", f"{at}actions/{action.pk}/delete/", {}),
    ]  # fmt: skip


@pytest.mark.parametrize("meeting", [3, 300], indirect=True)
def test_every_htmx_save_holds_its_query_count(client, meeting, world):
    login(client, "secretary")
    for name, path, data in _operations(meeting, world):
        status, count = _queries(client, path, data)
        assert status == 200, name
        assert count <= SAVE_QUERIES, f"{name}: {count} queries"


@pytest.mark.parametrize("meeting", [3, 300], indirect=True)
def test_an_item_added_or_deleted_answers_with_the_outline(client, meeting):
    """Adding and deleting items answer with the outline, and the added
    item's editor is asked for on its own: each in a fixed count."""
    login(client, "secretary")
    status, count = _queries(client, "items/add/", {"title": "Late item"})
    assert (status, count <= SAVE_QUERIES) == (200, True), count
    added = meeting.items.get(title="Late item")
    with CaptureQueriesContext(connection) as queries:
        response = client.get(f"{EDIT}items/{added.pk}/editor/", **HTMX)
    assert response.status_code == 200 and len(queries) <= SAVE_QUERIES, len(queries)
    status, count = _queries(client, f"items/{added.pk}/delete/", {})
    assert (status, count <= SAVE_QUERIES) == (200, True), count
