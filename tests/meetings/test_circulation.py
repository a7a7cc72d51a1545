"""The circulation email (meetings/circulation.py, the send_circulation
command and task, the circulate step of the minutes page).

OPSG 25 (1 October 2019, OPSG_25_0110) is drafted with an item whose title
and text must never reach a mailbox. Sam Secretary circulates it: the
secretary, the chair and Mia Member may read it and are told; Oscar
Observer (published minutes only), Olly Outsider (TABASC) and Owen Owner
(no role) are not."""

import datetime
import io
import re
import time
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import resolve
from django.utils import timezone

from meetings.access import can_see_meeting
from meetings.circulation import PENDING_AFTER, send_circulation, send_pending_circulations
from meetings.models import CirculationEmail, Meeting, Person
from meetings.services import queue_circulation_email
from meetings.tasks import CirculationFailed, send_circulation_task, send_pending_circulations_task
from minutes.services import minutes_approve, minutes_circulate, minutes_revise
from opsg.celery import app
from tests.actions.test_reminders import smtp_port, smtp_server  # noqa: F401 (a fixture)
from tests.base import login, make_item, make_meeting, make_named_classification

pytestmark = pytest.mark.django_db

SECRETARY, CHAIR, MEMBER = "secretary@example.org", "chair@example.org", "member@example.org"
READERS = sorted([SECRETARY, CHAIR, MEMBER])
SECRET_TITLE, SECRET_TEXT = "Quebecsecrettitle", "Romeosecretnarrative"
STEP = "/committees/OPSG/meetings/25/minutes/circulate/"
FIXTURES = Path(__file__).resolve().parents[2] / "imports" / "fixtures"


@pytest.fixture
def draft(world, observer, settings):
    settings.SITE_URL = "https://minutes.example.org"
    meeting = make_meeting(world)
    make_item(meeting, "1", SECRET_TITLE, narrative=SECRET_TEXT)
    make_item(meeting, "2", "Taken in confidence", narrative=SECRET_TEXT, confidential=True)
    return meeting


def circulate(meeting, by) -> Meeting:
    """Circulate, then do what the worker does when the commit has queued the
    job (these tests' transactions never commit: the queueing is tested on
    its own, and through the configured transport at the end)."""
    meeting = minutes_circulate(meeting=meeting, by=by)
    send_circulation(meeting.pk)
    return meeting


def queued_jobs(callbacks) -> list[int]:
    """The meetings whose circulation email a commit would queue."""
    return [c.args[0] for c in callbacks if getattr(c, "func", None) is queue_circulation_email]


def recipients() -> list[str]:
    return sorted(address for message in mail.outbox for address in message.to)


def test_the_secretary_circulates_and_is_told_who_is_emailed(
    client, draft, django_capture_on_commit_callbacks
):
    login(client, "secretary")
    with django_capture_on_commit_callbacks() as callbacks:
        response = client.post(STEP, follow=True)
    assert response.status_code == 200
    said = [str(m) for m in response.context["messages"]]
    assert said == [
        "Draft circulated: members can now read it. The link is emailed to 3 people: "
        "Chris Chair, Mia Member, Sam Secretary."
    ]
    # The commit queues the job, with the meeting's id only; the worker sends.
    assert queued_jobs(callbacks) == [draft.pk]
    send_circulation(draft.pk)
    assert recipients() == READERS


def test_recipients_follow_the_access_rule(draft, world):
    """Whoever holds a login is emailed exactly when can_see_meeting lets
    them read the circulated minutes."""
    meeting = circulate(draft, world.secretary.user)
    emailed = set(recipients())
    for person in Person.objects.filter(user__isnull=False).select_related("user"):
        assert (person.email in emailed) == can_see_meeting(person.user, meeting), person.name
    assert "observer@example.org" not in emailed
    assert "outsider@example.org" not in emailed
    assert "owner@example.org" not in emailed
    assert sorted(emailed) == READERS


def test_a_member_outside_the_classification_is_not_emailed(draft, world):
    named = make_named_classification(world.chair)
    Meeting.objects.filter(pk=draft.pk).update(classification=named)
    draft.refresh_from_db()
    circulate(draft, world.secretary.user)
    assert recipients() == sorted([SECRETARY, CHAIR])


def test_a_reader_without_an_email_address_is_named_not_emailed(client, draft, world):
    Person.objects.filter(pk=world.member.pk).update(email="")
    world.member.user.email = ""
    world.member.user.save()
    login(client, "secretary")
    response = client.post(STEP, follow=True)
    said = str(list(response.context["messages"])[0])
    assert said.endswith(
        "The link is emailed to 2 people: Chris Chair, Sam Secretary. "
        "No email address for Mia Member."
    )


def test_the_email_names_the_minutes_and_links_to_them(draft, world):
    circulate(draft, world.secretary.user)
    message = next(m for m in mail.outbox if m.to == [MEMBER])
    assert message.subject == "OPSG 25: draft minutes circulated for comments (OPSG_25_0110)"
    text = message.body
    html = message.alternatives[0][0]
    for body in (text, html):
        assert "Hello Mia Member" in body
        assert "Operations Group (OPSG) meeting 25" in body
        assert "Tuesday 1 October 2019" in body
        assert "OPSG_25_0110" in body
        assert "circulated for comments by Sam Secretary" in body
    links = re.findall(r'href="([^"]+)"', html)
    assert links == [
        "https://minutes.example.org/committees/OPSG/meetings/25/",
        "https://minutes.example.org/committees/OPSG/meetings/25/minutes.pdf",
    ]
    assert re.findall(r"https?://\S+", text) == links
    found = [resolve(urlsplit(link).path) for link in links]
    assert [(f.url_name, f.kwargs) for f in found] == [
        ("minutes", {"code": "OPSG", "number": 25}),
        ("minutes-pdf", {"code": "OPSG", "number": 25}),
    ]


def test_the_email_says_nothing_the_minutes_say(draft, world):
    circulate(draft, world.secretary.user)
    assert len(mail.outbox) == 3
    for message in mail.outbox:
        whole = message.subject + message.body + message.alternatives[0][0]
        for word in (SECRET_TITLE, SECRET_TEXT, "Taken in confidence"):
            assert word not in whole


def test_running_the_job_twice_sends_nothing_twice(draft, world):
    meeting = circulate(draft, world.secretary.user)
    again = send_circulation(meeting.pk)
    assert (again.sent, again.skipped) == ([], READERS)
    out = call_command_output("send_circulation", "OPSG", "25")
    assert "sent 0 emails; skipped 3 already sent; failed 0" in out
    assert recipients() == READERS
    rows = CirculationEmail.objects.values_list("recipient", "state", "attempts")
    assert sorted(rows) == [(address, "sent", 1) for address in READERS]


def test_circulated_again_after_a_correction_is_a_new_circulation(draft, world):
    meeting = circulate(draft, world.secretary.user)
    minutes_approve(meeting=meeting, at_meeting=None, by=world.chair.user)
    minutes_revise(meeting=meeting, reason="A name was misspelt.", by=world.chair.user)
    circulate(meeting, world.secretary.user)
    assert recipients() == sorted(READERS * 2)
    circulations = CirculationEmail.objects.filter(kind=CirculationEmail.Kind.CIRCULATED)
    assert circulations.values("circulated_at").distinct().count() == 2


def test_minutes_no_longer_circulated_are_not_announced(draft, world):
    """The task ran late: the chair approved them meanwhile."""
    meeting = minutes_circulate(meeting=draft, by=world.secretary.user)
    minutes_approve(meeting=meeting, at_meeting=None, by=world.chair.user)
    report = send_circulation(meeting.pk)
    assert not report.circulated and mail.outbox == []
    with pytest.raises(CommandError, match="not circulated"):
        call_command_output("send_circulation", "OPSG", "25")
    assert send_circulation(999_999).circulated is False  # a meeting since deleted


def test_an_import_sends_nothing(client, world, observer, django_capture_on_commit_callbacks):
    """Imported draft minutes stay a draft (the document does not say when
    they went out), and nobody is emailed."""
    login(client, "secretary")
    source = FIXTURES / "opsg_25_minutes.txt"
    upload = SimpleUploadedFile(source.name, source.read_bytes())
    with django_capture_on_commit_callbacks() as callbacks:
        token = client.post("/import/", {"file": upload}).context["token"]
        response = client.post("/import/commit/", {"token": token, "committee": ""})
    assert response.status_code == 302
    assert Meeting.objects.get(number=25).status == Meeting.Status.DRAFT
    assert queued_jobs(callbacks) == []
    for callback in callbacks:  # whatever else the import's commit does
        callback()
    assert mail.outbox == [] and not CirculationEmail.objects.exists()


def test_a_circulation_given_its_time_is_history_and_queues_nothing(
    draft, world, django_capture_on_commit_callbacks
):
    went_out = datetime.datetime(2019, 10, 8, 9, 0, tzinfo=datetime.UTC)
    with django_capture_on_commit_callbacks() as callbacks:
        minutes_circulate(meeting=draft, by=world.secretary.user, at=went_out)
    assert queued_jobs(callbacks) == []


def test_the_dry_run_sends_nothing(draft, world):
    meeting = minutes_circulate(meeting=draft, by=world.secretary.user)
    out = call_command_output("send_circulation", "OPSG", "25", "--dry-run")
    assert "Dry run for OPSG 25: would send 3 emails" in out
    assert f"would send: {MEMBER}" in out
    assert mail.outbox == [] and not CirculationEmail.objects.exclude(state="claimed").exists()
    assert meeting.status == Meeting.Status.CIRCULATED


def call_command_output(*args) -> str:
    out = io.StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


# --- a real SMTP server ------------------------------------------------------------


def test_through_a_real_smtp_server(draft, world, smtp_port):  # noqa: F811
    meeting = minutes_circulate(meeting=draft, by=world.secretary.user)
    with smtp_server(smtp_port) as sink:
        report = send_circulation(meeting.pk)
    assert sorted(report.sent) == READERS
    received = {tuple(rcpt): message for rcpt, message in sink.received}
    assert sorted(received) == [(CHAIR,), (MEMBER,), (SECRETARY,)]
    message = received[(MEMBER,)]
    assert message["Subject"] == "OPSG 25: draft minutes circulated for comments (OPSG_25_0110)"
    assert message["From"] == "OPSG Secretariat <secretariat@example.org>"
    assert message.get_content_type() == "multipart/alternative"
    text = message.get_body(("plain",)).get_content()
    assert "https://minutes.example.org/committees/OPSG/meetings/25/" in text
    assert SECRET_TITLE not in message.as_string()


def test_smtp_down_then_up(draft, world, smtp_port):  # noqa: F811
    """Nothing listens: every email fails and is recorded; the task would
    retry. Then the server is up: each goes once."""
    meeting = minutes_circulate(meeting=draft, by=world.secretary.user)
    down = send_circulation(meeting.pk)
    assert down.sent == [] and [a for a, _ in down.failed] == READERS
    assert "ConnectionRefusedError" in down.failed[0][1]
    assert set(CirculationEmail.objects.values_list("state", "attempts")) == {("failed", 1)}
    # The task, run as a worker would (its retries at once, not 1, 2, 4 … minutes
    # apart): five retries, each recorded, then it gives up.
    propagates = app.conf.task_eager_propagates
    app.conf.task_eager_propagates = False
    try:
        result = send_circulation_task.apply(args=[meeting.pk])
    finally:
        app.conf.task_eager_propagates = propagates
    assert result.state == "FAILURE" and isinstance(result.result, CirculationFailed)
    assert set(CirculationEmail.objects.values_list("state", "attempts")) == {("failed", 7)}
    with smtp_server(smtp_port) as sink:
        up = send_circulation(meeting.pk)
        again = send_circulation(meeting.pk)
    assert sorted(up.sent) == READERS and again.sent == []
    assert sorted(rcpt[0] for rcpt, _ in sink.received) == READERS
    assert set(CirculationEmail.objects.values_list("state", "error")) == {("sent", "")}


def test_the_task_retries_with_back_off():
    assert send_circulation_task.autoretry_for[0] is CirculationFailed
    assert (send_circulation_task.max_retries, send_circulation_task.retry_backoff) == (5, 60)


# --- through the configured transport ------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_circulating_reaches_the_worker_through_the_configured_transport(settings):
    """With REDIS_URL set (CI's PostgreSQL run) the commit queues the task on
    Redis and a real worker sends the emails; without it the task runs
    in-process when the circulation commits."""
    from celery.contrib.testing.worker import start_worker

    from tests.base import make_world

    world = make_world()
    meeting = make_meeting(world)
    if settings.REDIS_URL:
        assert not app.conf.task_always_eager
        app.control.purge()  # messages left by an earlier, interrupted run
        with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=10):
            minutes_circulate(meeting=meeting, by=world.secretary.user)
            deadline = time.monotonic() + 60
            while CirculationEmail.objects.filter(state="sent").count() < 3:
                assert time.monotonic() < deadline, "the worker sent nothing within 60 s"
                time.sleep(0.2)
    else:
        assert app.conf.task_always_eager
        minutes_circulate(meeting=meeting, by=world.secretary.user)
    assert recipients() == READERS


def test_the_admin_lists_each_email_read_only(admin_client, draft, world):
    circulate(draft, world.secretary.user)
    page = admin_client.get("/admin/meetings/circulationemail/")
    assert page.status_code == 200
    assert MEMBER in page.content.decode()
    assert admin_client.get("/admin/meetings/circulationemail/add/").status_code == 403


def test_emails_owed_are_on_record_with_the_circulation_and_swept_if_never_sent(
    draft, world, django_capture_on_commit_callbacks
):
    """The broker is down when the secretary circulates: the emails owed
    were claimed in the circulation's transaction, and the periodic sweep
    sends them a few minutes later, once."""
    with django_capture_on_commit_callbacks():  # queued to nowhere: never run
        minutes_circulate(meeting=draft, by=world.secretary.user)
    owed = CirculationEmail.objects.filter(meeting=draft)
    assert sorted(owed.values_list("recipient", flat=True)) == READERS
    assert set(owed.values_list("state", "attempts")) == {("claimed", 0)}
    assert send_pending_circulations() == [] and mail.outbox == []  # the task's turn first
    later = timezone.now() + PENDING_AFTER + datetime.timedelta(seconds=1)
    [report] = send_pending_circulations(now=later)
    assert sorted(report.sent) == READERS and recipients() == READERS
    assert send_pending_circulations(now=later) == [] and len(mail.outbox) == 3


def test_the_sweep_leaves_minutes_no_longer_circulated(draft, world):
    minutes_circulate(meeting=draft, by=world.secretary.user)
    minutes_approve(meeting=draft, at_meeting=None, by=world.chair.user)
    later = timezone.now() + PENDING_AFTER + datetime.timedelta(seconds=1)
    # The approval notice owed is sent; the circulation, no longer true, is not.
    reports = send_pending_circulations(now=later)
    assert [r.kind for r in reports] == [CirculationEmail.Kind.APPROVED]
    assert {m.subject for m in mail.outbox} == {"OPSG 25: minutes approved (OPSG_25_0110)"}


def test_the_command_sends_what_the_sweep_sends(draft, world):
    minutes_circulate(meeting=draft, by=world.secretary.user)
    CirculationEmail.objects.update(claimed_at=timezone.now() - PENDING_AFTER * 2)
    out = call_command_output("send_circulation", "--pending")
    assert f"sent: {MEMBER}" in out and recipients() == READERS
    assert "No circulation email is waiting" in call_command_output("send_circulation", "--pending")
    with pytest.raises(CommandError, match="Name the meeting"):
        call_command("send_circulation")


def test_beat_runs_the_sweep(settings):
    entry = settings.CELERY_BEAT_SCHEDULE["send-pending-circulations"]
    assert entry["task"] == send_pending_circulations_task.name


# --- approval and publication notices ------------------------------------------------


def test_the_chair_approves_then_publishes_and_each_is_announced(
    client,
    draft,
    world,
    smtp_port,  # noqa: F811
    django_capture_on_commit_callbacks,
):
    """Each notice goes once through a real SMTP server, in plain text and
    HTML, to whoever may read the minutes as they now stand: the observer
    learns of the publication only (published minutes are theirs to read),
    and no notice says what the minutes say."""
    circulate(draft, world.secretary.user)
    mail.outbox.clear()
    login(client, "chair")
    with django_capture_on_commit_callbacks() as callbacks:
        response = client.post(
            "/committees/OPSG/meetings/25/minutes/approve/", {"at_meeting": ""}, follow=True
        )
    said = [str(m) for m in response.context["messages"]]
    assert said == [
        "Minutes approved. They are now read-only. The approval notice is emailed to 3 people: "
        "Chris Chair, Mia Member, Sam Secretary."
    ]
    assert [c.args for c in callbacks if getattr(c, "func", None) is queue_circulation_email] == [
        (draft.pk, CirculationEmail.Kind.APPROVED)
    ]
    with smtp_server(smtp_port) as sink:
        report = send_circulation(draft.pk, kind=CirculationEmail.Kind.APPROVED)
        again = send_circulation(draft.pk, kind=CirculationEmail.Kind.APPROVED)
    assert sorted(report.sent) == READERS and again.sent == []
    message = {tuple(rcpt): m for rcpt, m in sink.received}[(MEMBER,)]
    assert message["Subject"] == "OPSG 25: minutes approved (OPSG_25_0110)"
    text = message.get_body(("plain",)).get_content()
    assert "were approved by the chair on" in text
    assert "https://minutes.example.org/committees/OPSG/meetings/25/" in text
    assert message.get_body(("html",)) is not None
    assert SECRET_TITLE not in message.as_string() and SECRET_TEXT not in message.as_string()

    with django_capture_on_commit_callbacks():
        response = client.post("/committees/OPSG/meetings/25/minutes/publish/", follow=True)
    said = [str(m) for m in response.context["messages"]]
    assert said[0].startswith("Minutes published as final. The publication notice is emailed to")
    assert "Oscar Observer" in said[0]
    with smtp_server(smtp_port) as sink:
        report = send_circulation(draft.pk, kind=CirculationEmail.Kind.PUBLISHED)
    assert "observer@example.org" in report.sent
    message = {tuple(rcpt): m for rcpt, m in sink.received}[("observer@example.org",)]
    assert message["Subject"] == "OPSG 25: minutes published (OPSG_25_0110)"
    assert SECRET_TITLE not in message.as_string()


def test_a_notice_no_longer_true_is_not_sent(draft, world):
    """Approved, then opened for a correction before the notice went."""
    circulate(draft, world.secretary.user)
    minutes_approve(meeting=draft, at_meeting=None, by=world.chair.user)
    minutes_revise(meeting=draft, reason="A name was misspelt.", by=world.chair.user)
    mail.outbox.clear()
    report = send_circulation(draft.pk, kind=CirculationEmail.Kind.APPROVED)
    assert not report.circulated and mail.outbox == []
    assert report.summary() == "OPSG 25: the minutes are not approved; nothing sent."


def test_final_minutes_imported_announce_nothing(client, world, observer):
    """Minutes imported as final were approved and published long ago."""
    login(client, "secretary")
    text = (
        (FIXTURES / "opsg_49_sample.md")
        .read_text()
        .replace("\nDraft Minutes\n", "\nFinal Minutes\n", 1)
    )
    response = client.post("/import/", {"file": SimpleUploadedFile("final.md", text.encode())})
    token = response.context["token"]
    acknowledge = [str(n) for n in range(len(response.context["parsed"].flags))]
    client.post("/import/commit/", {"token": token, "acknowledge": acknowledge})
    assert Meeting.objects.get(number=49).status == Meeting.Status.PUBLISHED
    assert not CirculationEmail.objects.exists() and mail.outbox == []


def test_the_circulation_email_says_when_comments_are_due(draft, world, settings):
    """Ten working days by default: circulated on Friday 20 December 2019,
    comments are due on Wednesday 8 January 2020 (Christmas, Boxing Day and New
    Year's Day are not working days)."""
    settings.COMMENTS_DUE_WORKING_DAYS = 10
    at = timezone.make_aware(datetime.datetime(2019, 12, 20, 15, 0))
    meeting = minutes_circulate(meeting=draft, by=world.secretary.user)
    Meeting.objects.filter(pk=meeting.pk).update(circulated_at=at)
    send_circulation(meeting.pk)
    message = mail.outbox[0]
    assert "comments to the secretariat by Wednesday 8 January 2020." in message.body
    assert "by <strong>Wednesday 8 January 2020</strong>" in message.alternatives[0][0]
