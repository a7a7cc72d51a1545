"""Notices to the owners of new actions (actions/assignments.py, the task, the
command, the beat sweep, the circulate step's confirmation).

OPSG 25 (1 October 2019) raises four actions in its draft:

| action          | owners           | target       |
| OPSG 25/01      | DCC, Owen Owner  | 31/10/2019   |
| OPSG 25/02      | DCC              | 05/11/2019 (the next meeting) |
| OPSG 25/03      | DNOs (no email)  | 08/11/2019   |

When the secretary circulates the minutes, the DCC gets one email naming
25/01 and 25/02, Owen Owner one naming 25/01. A confidential session's
actions are never emailed, as the reminders never name them."""

import datetime
import re
from urllib.parse import urlsplit

import pytest
from django.core import mail
from django.core.management import CommandError, call_command
from django.urls import resolve
from django.utils import timezone

from actions.assignments import (
    PENDING_AFTER,
    notices_owed,
    send_assignment_notices,
    send_pending_assignment_notices,
)
from actions.models import Action, AssignmentNotice
from actions.reminders import send_reminders
from actions.services import action_delete
from actions.tasks import queue_assignment_notices, send_assignment_notices_task
from meetings.models import Meeting, Organisation
from minutes.services import minutes_circulate
from tests.actions.test_reminders import smtp_port, smtp_server  # noqa: F401 (a fixture)
from tests.base import login, make_action, make_meeting

pytestmark = pytest.mark.django_db

D = datetime.date
DCC, OWEN = "ops@dcc.example.org", "owner@example.org"
STEP = "/committees/OPSG/meetings/25/minutes/circulate/"


@pytest.fixture
def draft(world, settings):
    settings.SITE_URL = "https://minutes.example.org"
    meeting = make_meeting(world)
    dnos = Organisation.objects.create(short_name="DNOs", is_group=True)
    make_action(
        world,
        meeting,
        text="DCC and Owen to test the failover.",
        owners=[world.dcc, world.owner],
        target_date=D(2019, 10, 31),
    )
    make_action(world, meeting, text="DCC to write up the outage.")
    make_action(
        world,
        meeting,
        text="DNOs to confirm the figures.",
        owners=[dnos],
        target_date=D(2019, 11, 8),
    )
    return meeting


def by_address(outbox) -> dict[str, object]:
    found = {}
    for message in outbox:
        assert len(message.to) == 1, "one recipient per notice"
        assert message.to[0] not in found, "one notice per address"
        found[message.to[0]] = message
    return found


def notices(outbox):
    return [m for m in outbox if "You have been given" in m.subject]


def test_circulating_tells_each_owner_what_they_were_given(draft, world, mailoutbox):
    minutes_circulate(meeting=draft, by=world.secretary.user)
    report = send_assignment_notices(draft.pk)
    assert sorted(report.sent) == [DCC, OWEN]
    assert [o.owner for o in report.without_email] == ["DNOs"]

    sent = by_address(notices(mailoutbox))
    dcc, owen = sent[DCC], sent[OWEN]
    assert dcc.subject == "You have been given 2 actions at OPSG 25: OPSG 25/01, OPSG 25/02"
    assert owen.subject == "You have been given action OPSG 25/01"
    for message in (dcc, owen):
        html = message.alternatives[0][0]
        assert message.alternatives[0][1] == "text/html"
        for body in (message.body, html):
            assert "Operations Group (OPSG 25), held on Tuesday 1 October 2019" in body
            assert "OPSG 25/01, target 31/10/2019" in re.sub(r"<[^>]+>", "", body)
    assert "OPSG 25/02, target 05/11/2019" in dcc.body  # the next meeting, by default
    assert "OPSG 25/02" not in owen.body
    # Each link opens the action, whose page asks a signed-out owner to log in.
    links = re.findall(r"https://minutes\.example\.org\S+", owen.body)
    assert [resolve(urlsplit(link).path).url_name for link in links] == [
        "action-detail",
        "action-log",
    ]


def test_nothing_is_sent_twice_and_the_digest_stays_one_a_day(draft, world, mailoutbox):
    minutes_circulate(meeting=draft, by=world.secretary.user)
    send_assignment_notices(draft.pk)
    again = send_assignment_notices(draft.pk)
    assert again.sent == [] and sorted(again.skipped) == [DCC, OWEN]
    assert len(notices(mailoutbox)) == 2
    # The day's reminder digest is its own email, one per address, as before.
    send_reminders(D(2019, 10, 29))
    digests = [m for m in mailoutbox if m not in notices(mailoutbox)]
    assert len(digests) == len({m.to[0] for m in digests})
    assert AssignmentNotice.objects.filter(state="sent").count() == 3  # DCC 2, Owen 1


def test_a_confidential_sessions_actions_are_never_emailed(world, mailoutbox):
    meeting = make_meeting(world, number=26, date=D(2019, 11, 5), kind=Meeting.Kind.CONFIDENTIAL)
    make_action(world, meeting, text="DCC to brief on Zuluconfidential.")
    minutes_circulate(meeting=meeting, by=world.secretary.user)
    report = send_assignment_notices(meeting.pk)
    assert report.sent == [] and notices(mailoutbox) == []
    assert not AssignmentNotice.objects.exists()


def test_a_draft_tells_nobody(draft, mailoutbox):
    report = send_assignment_notices(draft.pk)
    assert not report.circulated and mailoutbox == []
    assert not AssignmentNotice.objects.exists()


def test_an_action_deleted_after_circulation_is_not_announced(draft, world, mailoutbox):
    minutes_circulate(meeting=draft, by=world.secretary.user)
    action_delete(action=Action.objects.get(reference="OPSG 25/01"))
    send_assignment_notices(draft.pk)
    sent = by_address(notices(mailoutbox))
    assert sorted(sent) == [DCC]
    assert sent[DCC].subject == "You have been given action OPSG 25/02"
    assert not AssignmentNotice.objects.filter(recipient=OWEN).exists()


def test_the_circulation_claims_the_notices_and_queues_them_on_commit(
    draft, world, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks() as callbacks:
        minutes_circulate(meeting=draft, by=world.secretary.user)
    assert AssignmentNotice.objects.filter(state="claimed").count() == 3
    queued = [c for c in callbacks if getattr(c, "func", None) is queue_assignment_notices]
    assert [c.args for c in queued] == [(draft.pk,)]


def test_an_imported_circulation_tells_nobody(draft, world):
    """Minutes imported long after went out by other means: no notices."""
    at = datetime.datetime(2019, 10, 2, 9, tzinfo=datetime.UTC)
    minutes_circulate(meeting=draft, by=world.secretary.user, at=at)
    assert not AssignmentNotice.objects.exists()


def test_the_sweep_sends_notices_never_tried(draft, world, mailoutbox):
    minutes_circulate(meeting=draft, by=world.secretary.user)  # claimed, never queued here
    assert send_pending_assignment_notices() == []  # too fresh: the task may still come
    later = timezone.now() + PENDING_AFTER + datetime.timedelta(seconds=1)
    [report] = send_pending_assignment_notices(now=later)
    assert sorted(report.sent) == [DCC, OWEN]


def test_the_secretary_is_told_which_owners_are_emailed(client, draft, world):
    login(client, "secretary")
    response = client.post(STEP, {"not_discussed": "1"}, follow=True)
    said = str(list(response.context["messages"])[0])
    assert said.endswith(
        "2 owners of new actions are emailed what they were given: DCC, Owen Owner (DCC). "
        "No email address for DNOs."
    ), said
    assert Meeting.objects.get(pk=draft.pk).status == Meeting.Status.CIRCULATED


def test_the_task_and_the_command(draft, world, mailoutbox):
    minutes_circulate(meeting=draft, by=world.secretary.user)
    result = send_assignment_notices_task.apply(args=[draft.pk]).get()
    assert sorted(result["sent"]) == [DCC, OWEN]
    out = call_command_output("OPSG", "25")
    assert "sent 0 emails; skipped 2 already sent" in out
    assert "no email: DNOs, no email address (OPSG 25/03)" in out
    with pytest.raises(CommandError, match="There is no meeting OPSG 99"):
        call_command("send_assignment_notices", "OPSG", "99")


def call_command_output(*args) -> str:
    import io

    out = io.StringIO()
    call_command("send_assignment_notices", *args, stdout=out)
    return out.getvalue()


def test_through_a_real_smtp_server(draft, world, smtp_port):  # noqa: F811
    minutes_circulate(meeting=draft, by=world.secretary.user)
    with smtp_server(smtp_port) as sink:
        report = send_assignment_notices(draft.pk)
    assert sorted(report.sent) == [DCC, OWEN]
    received = {tuple(rcpt): message for rcpt, message in sink.received}
    assert sorted(received) == [(DCC,), (OWEN,)]
    message = received[(OWEN,)]
    assert message["Subject"].strip() == "You have been given action OPSG 25/01"
    assert message.get_content_type() == "multipart/alternative"
    text = message.get_body(("plain",)).get_content()
    assert "OPSG 25/01, target 31/10/2019" in text
    assert "/actions/opsg-25-01/" in message.get_body(("html",)).get_content()


def test_what_is_owed_reads_in_a_fixed_number_of_queries(
    draft, world, django_assert_max_num_queries
):
    minutes_circulate(meeting=draft, by=world.secretary.user)
    for n in range(30):
        make_action(world, draft, text=f"DCC to do {n}.", owners=[world.dcc, world.owner])
    with django_assert_max_num_queries(4):
        owed = notices_owed(Meeting.objects.select_related("committee").get(pk=draft.pk))
    assert len(owed.to[DCC]) == 32
    assert mail.outbox == []
