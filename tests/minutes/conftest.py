"""Fixtures shared by the tests of the minutes app."""

import datetime

import pytest

from actions.services import action_review_record
from incidents.models import Incident, IncidentReview
from meetings.models import Decision
from tests.base import circulate, make_action, make_item, make_meeting

D = datetime.date


@pytest.fixture
def history(world):
    """OPSG 24 (Sept 2019) raised three actions; OPSG 25 (5 May 2020)
    moved the first one's target, closed the second, took a decision and
    reviewed an incident; its next meeting is set for 9 June 2020. Both
    minutes are circulated."""
    w = world
    m24 = make_meeting(w, number=24, date=D(2019, 9, 3))
    first = make_action(w, m24, target_date=D(2019, 10, 1))
    second = make_action(w, m24, text="DCC to write the plan.", target_date=D(2019, 10, 1))
    make_action(w, m24, text="SECAS to brief.", owners=[w.secas], target_date=D(2020, 5, 20))
    m25 = make_meeting(w, number=25, date=D(2020, 5, 5))
    m25.next_meetings.update(date=D(2020, 6, 9))
    item = make_item(m25, "2", "Major incidents")
    Decision.objects.create(item=item, verb="AGREED", text="to meet monthly.")
    incident = Incident.objects.create(reference="INC000000000001", title="Outage canary")
    IncidentReview.objects.create(incident=incident, item=item)
    action_review_record(
        action=first, meeting=m25, update="Later.", status="open", revised_target_date=D(2020, 9, 1)
    )
    action_review_record(
        action=second, meeting=m25, update="Done.", status="closed", outcome="completed"
    )
    circulate(m24, m25)
    return w
