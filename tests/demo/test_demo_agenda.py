"""The demo's next meeting: a member of the demo committee finds its
agenda and papers one click from the home page."""

import datetime
import io

import pytest
from django.core.management import call_command

from meetings.models import Meeting, Paper
from tests.base import PASSWORD, login_with_password

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo(settings, tmp_path):
    settings.DEMO_MODE = True
    settings.DEMO_PASSWORD = PASSWORD
    settings.MEDIA_ROOT = tmp_path
    call_command("load_demo", verbosity=0)
    call_command("load_demo_agenda", "--date", "2026-12-06", stdout=io.StringIO())


def test_a_member_reaches_the_agenda_and_papers_from_the_home_page(client, demo):
    meeting = Meeting.objects.get(committee__code="OPSG", number=26)
    assert meeting.date == datetime.date(2026, 12, 22)  # a Tuesday, two weeks on
    assert meeting.agenda.is_published
    login_with_password(client, "member")
    home = client.get("/").content.decode()
    link = "/committees/OPSG/meetings/26/agenda/"
    assert f'href="{link}"' in home and "Agenda and papers of OPSG 26" in home
    agenda = client.get(link).content.decode()
    assert "Operational metrics report" in agenda and "Service request volumes" in agenda
    assert Paper.objects.filter(entry__meeting=meeting).count() == 2


def test_loading_it_again_changes_nothing(demo):
    out = io.StringIO()
    call_command("load_demo_agenda", "--date", "2026-12-06", stdout=out)
    assert "in place already" in out.getvalue()
    assert Meeting.objects.filter(committee__code="OPSG").count() == 2
