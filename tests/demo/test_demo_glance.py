"""The demo's OPSG at a glance: the tables behind the charts hold what
plain queries over the demo's actions and attendance give."""

import pytest
from django.core.management import call_command
from django.db.models import Q

from actions.models import Action
from meetings.models import Attendance
from tests.base import PASSWORD, login_with_password

pytestmark = pytest.mark.django_db


@pytest.fixture
def glance(client, settings):
    settings.DEMO_MODE = True
    settings.DEMO_PASSWORD = PASSWORD
    call_command("load_demo", verbosity=0)
    login_with_password(client, "member")
    response = client.get("/committees/OPSG/glance/")
    assert response.status_code == 200
    return response.context["glance"]


def test_open_actions_by_organisation_and_over_time(glance):
    opsg = Action.objects.filter(committee__code="OPSG")
    open_now = opsg.filter(status=Action.Status.OPEN)
    assert glance.open_count == open_now.count() > 0
    by_owner = {line.name: line.open for line in glance.owners}
    for name, count in by_owner.items():
        assert open_now.filter(owners__organisation__short_name=name).distinct().count() == count
    today = glance.over_time.points[-1]
    assert today.open == open_now.count()
    for point in glance.over_time.points:
        expected = opsg.filter(
            Q(raised_on__lte=point.day)
            & (Q(status=Action.Status.OPEN) | Q(closed_on__gt=point.day))
        ).count()
        assert point.open == expected, point
    assert glance.over_time.undated == opsg.filter(status="closed", closed_on=None).count()


def test_attendance_by_organisation(glance):
    record = glance.attendance
    for organisation in record.organisations:
        represented = (
            Attendance.objects.filter(
                meeting__in=record.meetings, person__organisation__short_name=organisation.name
            )
            .exclude(section="apology")
            .values("meeting")
            .distinct()
            .count()
        )
        assert organisation.represented == represented, organisation.name
