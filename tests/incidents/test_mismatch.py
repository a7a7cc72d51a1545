"""An item headed with one incident whose text names only another is
flagged by one rule (meetings.markdown.heading_names_other_incidents): the
importer's flag on the document and the editor's on the saved item agree."""

import pytest

from imports.common import incident_mismatch as document_flag
from imports.parsed import ParsedDecision, ParsedItem
from incidents.selectors import incident_mismatch as editor_flag
from meetings.models import Decision
from tests.base import make_item, make_meeting

HEADED, OTHER = "INC000000708834", "INC000000697994"


@pytest.mark.django_db
@pytest.mark.parametrize(
    "narrative, decision, flagged",
    [
        (f"The DCC reviewed {OTHER}.", "", True),
        (f"The DCC reviewed {OTHER}.", f"the closure of {HEADED}.", False),
        (f"{HEADED} and {OTHER} were reviewed.", "", False),
        ("The DCC reviewed the incident.", "", False),
    ],
)
def test_the_importer_and_the_editor_flag_the_same_items(world, narrative, decision, flagged):
    parsed = ParsedItem(
        number="9.1",
        title=f"Incident {HEADED}",
        line=1,
        narrative=narrative,
        decisions=[ParsedDecision(verb="NOTED", text=decision, line=2)] if decision else [],
    )
    item = make_item(make_meeting(world), "9.1", f"Incident {HEADED}", narrative=narrative)
    if decision:
        Decision.objects.create(item=item, verb="NOTED", text=decision)
    assert (document_flag(parsed) is not None) == flagged
    assert (editor_flag(item) is not None) == flagged
