"""The editor costs the same in a meeting of 3 items or of 300: its page
in a fixed number of queries, and every htmx save (an item, a decision, an
action, an incident review) at most 15, answering with what it changed."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from actions.models import Action, ActionOwner
from incidents.models import Incident, IncidentReview
from meetings.models import AgendaItem, Decision
from tests.base import login, make_meeting

pytestmark = pytest.mark.django_db

EDIT = "/committees/OPSG/meetings/25/"
HTMX = {"HTTP_HX_REQUEST": "true"}
# Each save, whatever the meeting's size, answers with the fragment it
# changed (an item's heading and form, a decision, an action, a review): the
# session and user, the meeting and its writer's roles, the rows saved with
# their version claims and audit records, the incidents the item names, and
# the few rows that fragment shows. Savepoints are not counted (_queries).
SAVE_QUERIES = {"item": 15, "decision": 13, "action": 15, "review": 15}
PAGE_QUERIES = 22


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
    incidents = Incident.objects.bulk_create(
        [Incident(reference=f"INC{n:012d}") for n in range(1, count + 1)]
    )
    IncidentReview.objects.bulk_create(
        [IncidentReview(item=i, incident=inc) for i, inc in zip(items, incidents, strict=True)]
    )
    for item, incident in zip(items, incidents, strict=True):
        incident.decisions.add(item.decisions.get())
    return meeting


def _queries(client, path, data) -> tuple[int, int]:
    """The POST's status and its queries, savepoints left out: they are here
    only because each test runs inside a transaction (in service, a save's
    transaction is the outermost)."""
    with CaptureQueriesContext(connection) as queries:
        response = client.post(f"{EDIT}{path}", data, **HTMX)
    sql = [q["sql"] for q in queries.captured_queries]
    return response.status_code, sum(not s.startswith(("SAVEPOINT", "RELEASE")) for s in sql)


@pytest.mark.parametrize("meeting", [3, 300], indirect=True)
def test_the_editing_page_holds_its_query_count(client, meeting, django_assert_max_num_queries):
    login(client, "secretary")
    with django_assert_max_num_queries(PAGE_QUERIES):
        response = client.get(f"{EDIT}edit/")
    assert response.status_code == 200
    assert response.content.decode().count('class="incident-editor"') == meeting.items.count()


@pytest.mark.parametrize("meeting", [3, 300], indirect=True)
def test_every_htmx_save_holds_its_query_count(client, meeting, world):
    login(client, "secretary")
    item = meeting.items.order_by("order").last()
    decision = item.decisions.get()
    action = item.actions.get()
    review = item.incident_reviews.get()
    saves = {
        "item": (f"items/{item.pk}/", {"title": "Renamed", "narrative": "n", "version": 1}),
        "decision": (
            f"items/{item.pk}/decisions/{decision.pk}/",
            {"verb": "AGREED", "text": "changed", "version": decision.version},
        ),
        "action": (
            f"items/{item.pk}/actions/{action.pk}/",
            {"owner_organisations": [world.dcc.pk], "text": "DCC to redo.", "version": 1},
        ),
        "review": (
            f"items/{item.pk}/incidents/{review.pk}/",
            {"reference": review.incident.reference, "outcome": "Noted.", "version": 1},
        ),
    }
    for name, (path, data) in saves.items():
        status, count = _queries(client, path, data)
        assert status == 200, name
        assert count <= SAVE_QUERIES[name], f"{name}: {count} queries"
