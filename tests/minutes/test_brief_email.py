"""The brief since the last meeting, emailed before the next one
(minutes.brief_email): each reader's own, once, never an empty one."""

import datetime
import io

import pytest
import time_machine
from django.core import mail
from django.core.mail.backends.base import BaseEmailBackend
from django.core.management import call_command

from meetings.models import Decision
from minutes.brief_email import due_committees, send_briefs
from minutes.models import BriefEmail
from tests.base import make_item, make_meeting

pytestmark = pytest.mark.django_db

D = datetime.date
# OPSG 25 was on 5 May 2020, its next meeting is on Tuesday 9 June 2020: three
# working days before it is Thursday 4 June.
DUE = D(2020, 6, 4)


@pytest.fixture(autouse=True)
def _mail(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.BRIEF_BEFORE_MEETING_DAYS = 3


@pytest.fixture(autouse=True)
def today():
    with time_machine.travel(datetime.datetime(2020, 6, 4, 7, tzinfo=datetime.UTC), tick=False):
        yield


def sent_to() -> dict:
    return {message.to[0]: message for message in mail.outbox}


def test_due_within_the_working_days_before_the_next_meeting(history):
    assert due_committees(D(2020, 6, 3)) == []
    assert [(c.code, d) for c, d in due_committees(DUE)] == [("OPSG", D(2020, 6, 9))]
    assert [(c.code, d) for c, d in due_committees(D(2020, 6, 8))] == [("OPSG", D(2020, 6, 9))]


def test_each_reader_is_sent_their_own_brief_once(history):
    report = send_briefs(DUE)
    messages = sent_to()
    assert set(messages) == {"secretary@example.org", "chair@example.org", "member@example.org"}
    member = messages["member@example.org"]
    assert member.subject == "OPSG: since the last meeting, before 9 June"
    assert "Since OPSG 25 on 5 May 2020" in member.body
    assert "DCC to write the plan." in member.body  # closed at OPSG 25
    assert "OPSG 24/01: from 01/10/2019 to 01/09/2020 at OPSG 25" in member.body
    assert "to meet monthly." in member.alternatives[0][0]
    assert "What SECAS owes the next meeting (1)" in messages["secretary@example.org"].body
    assert len(report.sent) == 3 and BriefEmail.objects.filter(state="sent").count() == 3
    # Again the same day, or the next: nothing more.
    assert send_briefs(DUE).sent == [] and send_briefs(D(2020, 6, 5)).sent == []
    assert len(mail.outbox) == 3


def test_a_brief_names_nothing_its_reader_may_not_read(history):
    m26 = make_meeting(history, number=26, date=D(2020, 6, 2))  # a draft, for its writers
    Decision.objects.create(item=make_item(m26, "1", "Draft"), verb="NOTED", text="canarydraft.")
    send_briefs(DUE)
    messages = sent_to()
    assert "canarydraft" in messages["secretary@example.org"].body
    member = messages["member@example.org"]
    assert "canarydraft" not in member.body + member.alternatives[0][0]


def test_nobody_is_sent_an_empty_brief(world):
    make_meeting(world, number=25, date=D(2020, 6, 5))  # a meeting ahead, and nothing behind
    report = send_briefs(DUE)
    assert not mail.outbox and len(report.empty) == 3


class FailingBackend(BaseEmailBackend):
    def send_messages(self, messages):
        raise ConnectionRefusedError("The mail server is down.")


def test_a_failed_send_is_kept_and_sent_on_the_next_run(history, settings):
    settings.EMAIL_BACKEND = "tests.minutes.test_brief_email.FailingBackend"
    report = send_briefs(DUE)
    assert len(report.failed) == 3 and not report.sent
    assert BriefEmail.objects.filter(state="failed", attempts=1).count() == 3
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    out = io.StringIO()
    call_command("send_briefs", "--date", "2020-06-05", stdout=out)
    assert "sent 3" in out.getvalue() and len(mail.outbox) == 3
