"""Reminders to action owners (actions/reminders.py, the send_reminders
command, the Celery task and beat entry, the staff page /actions/reminders/).

The data, seen on Monday 28 October 2019:

| action          | owners                  | target      | on Monday 28 October 2019            |
| OPSG 24/01      | DCC                     | 08/10/2019  | 20 days overdue, slipped once         |
| OPSG 25/01      | DCC, Owen Owner         | 31/10/2019  | due in 3 working days                 |
| OPSG 25/02      | SECAS                   | 28/10/2019  | due today                             |
| OPSG 25/03      | DNOs (no email address) | 08/10/2019  | overdue, nobody to tell               |
| OPSG 25/04      | DCC                     | 05/11/2019  | not yet                               |
| OPSG 23/CONF 01 | DCC                     | 08/10/2019  | overdue, confidential: never emailed  |

OPSG next meets on Tuesday 5 November 2019 (announced at OPSG 25), so on
Tuesday 29 October, 5 working days before, every owner of an open OPSG
action is asked for an update for "OPSG 26".
"""

import datetime
import email
import email.policy
import re
import socket
import threading
import time
from collections import Counter
from contextlib import contextmanager
from dataclasses import dataclass
from unittest import mock
from urllib.parse import urlsplit

import pytest
import time_machine
from aiosmtpd.controller import Controller
from django.core import mail
from django.core.management import CommandError, call_command
from django.db import connection, connections, transaction
from django.urls import resolve
from django.utils import timezone

from actions import reminders
from actions.models import Action, ActionReview, Reminder
from actions.reminders import send_reminders
from actions.tasks import RemindersFailed, send_reminders_task
from meetings.models import Meeting, NextMeeting, Organisation
from opsg.celery import app
from opsg.mail import MimeFrame
from tests.base import circulate, login, make_action, make_meeting, make_person, make_world
from tests.conftest import need_services
from tests.races import run_in_child, run_together

D = datetime.date
UTC = datetime.UTC
MON = D(2019, 10, 28)
TUE = D(2019, 10, 29)
ON_SQLITE = connection.vendor == "sqlite"
DCC, OWEN, SECAS = "ops@dcc.example.org", "owner@example.org", "secas@example.org"
PAGE = "/actions/reminders/"


# --- data -------------------------------------------------------------------------


@dataclass
class Data:
    late: Action
    soon: Action
    today: Action
    unreachable: Action
    later: Action
    conf: Action


def build() -> Data:
    """The table above. Deterministic; used in this process and in the child
    process of the SQLite race."""
    world = make_world()
    dnos = Organisation.objects.create(short_name="DNOs", is_group=True)
    m23 = make_meeting(world, number=23, date=D(2019, 8, 6), kind=Meeting.Kind.CONFIDENTIAL)
    m24 = make_meeting(world, number=24, date=D(2019, 9, 3))
    m25 = make_meeting(world, number=25, date=D(2019, 10, 1))
    conf = make_action(world, m23, text="DCC to brief on the security review.")
    late = make_action(
        world, m24, text="DCC to report on the incident.", target_date=D(2019, 9, 20)
    )
    # Slipped at OPSG 25, from 20 September to 8 October.
    ActionReview.objects.create(
        action=late,
        meeting=m25,
        status="open",
        last_target_date=D(2019, 9, 20),
        revised_target_date=D(2019, 10, 8),
    )
    # (As the review service stores it.)
    Action.objects.filter(pk=late.pk).update(
        target_date=D(2019, 10, 8), times_slipped=1, days_slipped=18
    )
    Action.objects.filter(pk=conf.pk).update(target_date=D(2019, 10, 8))
    # Minutes that are out: owners are reminded of what they raised.
    circulate(m23, m24, m25)
    return Data(
        late=late,
        soon=make_action(
            world,
            m25,
            text="DCC and Owen to test the failover.",
            owners=[world.dcc, world.owner],
            target_date=D(2019, 10, 31),
        ),
        today=make_action(
            world, m25, text="SECAS to circulate the paper.", owners=[world.secas], target_date=MON
        ),
        unreachable=make_action(
            world,
            m25,
            text="DNOs to confirm the figures.",
            owners=[dnos],
            target_date=D(2019, 10, 8),
        ),
        later=make_action(world, m25, text="DCC to present the plan.", target_date=D(2019, 11, 5)),
        conf=conf,
    )


@pytest.fixture
def data(db):
    return build()


def digests(outbox) -> dict[str, list]:
    found: dict[str, list] = {}
    for message in outbox:
        assert len(message.to) == 1, "one recipient per digest"
        found.setdefault(message.to[0], []).append(message)
    return found


def html_of(message) -> str:
    [(content, mimetype)] = message.alternatives
    assert mimetype == "text/html"
    return content


def rows(day=MON):
    return sorted(
        Reminder.objects.filter(day=day).values_list(
            "recipient", "action__reference", "kind", "state", "attempts"
        )
    )


# --- what a digest says -------------------------------------------------------------


def test_one_digest_per_address_with_its_actions(data, mailoutbox):
    report = send_reminders(MON)

    sent = digests(mailoutbox)
    assert sorted(sent) == [DCC, OWEN, SECAS]
    assert (report.emails_sent, report.reminders_sent, report.skipped) == (3, 4, 0)
    assert report.failed == []

    [dcc] = sent[DCC]
    assert dcc.subject == "Your actions: 1 overdue, 1 due soon – 28 October 2019"
    text = dcc.body
    assert text.startswith(
        "Hello,\n\nYour reminder for Monday 28 October 2019: "
        "2 actions owned by you or your organisation.\n"
    )
    assert "OPSG 24/01, target 08/10/2019: 20 days overdue, slipped 1 time" in text
    assert "OPSG 25/01, target 31/10/2019 (3 working days left)" in text
    assert "http://127.0.0.1:8000/actions/opsg-24-01/" in text
    assert "All your actions: http://127.0.0.1:8000/actions/?owner=mine" in text
    # Overdue comes before due soon.
    assert text.index("Overdue:") < text.index("Due within 3 working days:")
    for absent in ("25/02", "25/03", "25/04", "CONF"):
        assert absent not in text

    [owen] = sent[OWEN]
    assert owen.subject == "Your actions: 1 due soon – 28 October 2019"
    assert "OPSG 25/01" in owen.body and "24/01" not in owen.body
    [secas] = sent[SECAS]
    assert secas.subject == "Your actions: 1 due today – 28 October 2019"
    assert "Due today:\n\n- OPSG 25/02, target 28/10/2019" in secas.body

    assert rows() == [
        (DCC, "OPSG 24/01", "overdue", "sent", 1),
        (DCC, "OPSG 25/01", "due_soon", "sent", 1),
        (OWEN, "OPSG 25/01", "due_soon", "sent", 1),
        (SECAS, "OPSG 25/02", "due_today", "sent", 1),
    ]
    assert all(r.sent_at and r.claimed_at and not r.error for r in Reminder.objects.all())


def test_the_html_part_says_the_same_with_links(data, mailoutbox, settings):
    settings.SITE_URL = "https://minutes.example.org"
    send_reminders(MON)
    html = html_of(digests(mailoutbox)[DCC][0])
    links = re.findall(r'href="([^"]+)"', html)
    assert links == [
        "https://minutes.example.org/actions/opsg-24-01/",
        "https://minutes.example.org/actions/opsg-25-01/",
        "https://minutes.example.org/actions/?owner=mine",
    ]
    assert "<strong>20 days overdue</strong>, slipped 1 time" in html
    assert "DCC and Owen to test the failover." in html


def test_before_a_meeting_owners_are_asked_for_their_update(data, mailoutbox):
    send_reminders(TUE)
    sent = digests(mailoutbox)
    assert sorted(sent) == [DCC, OWEN, SECAS]
    [dcc] = sent[DCC]
    assert dcc.subject == (
        "Please send your update for OPSG 26 (1 overdue, 1 due soon) – 29 October 2019"
    )
    assert "Please send your update for OPSG 26 (Tuesday 5 November 2019) on each open action:" in (
        dcc.body
    )
    for reference in ("OPSG 24/01", "OPSG 25/01", "OPSG 25/04"):
        assert f"- {reference}, target" in dcc.body
    assert "Send your update: http://127.0.0.1:8000/actions/opsg-25-04/#updates" in dcc.body
    assert "CONF" not in dcc.body
    assert '<a href="http://127.0.0.1:8000/actions/opsg-25-04/#updates">' in html_of(dcc)
    assert digests(mailoutbox)[SECAS][0].subject.startswith(
        "Please send your update for OPSG 26 (1 overdue)"
    )
    kinds = Counter(kind for _, _, kind, _, _ in rows(TUE))
    assert kinds == {"before_meeting": 5, "overdue": 2, "due_soon": 2}


def test_a_meeting_already_set_up_gives_its_own_number(data, mailoutbox):
    world_meeting = Meeting.objects.get(number=25)
    Meeting.objects.create(
        committee=world_meeting.committee,
        number=30,
        date=D(2019, 11, 5),
        classification=world_meeting.classification,
    )
    send_reminders(TUE)
    assert "update for OPSG 30" in digests(mailoutbox)[DCC][0].subject


def test_nothing_is_sent_on_weekends_and_bank_holidays(data, mailoutbox):
    for day in (D(2019, 10, 26), D(2019, 10, 27), D(2019, 12, 25), D(2019, 12, 26)):
        report = send_reminders(day)
        assert not report.working_day
        assert "not a working day" in report.summary()
    assert mailoutbox == []
    assert not Reminder.objects.exists()


def test_an_owner_without_an_email_address_is_reported(data, mailoutbox):
    person = make_person("Nina Noemail", "nina")
    person.email = ""
    person.save()
    bad = Organisation.objects.create(short_name="Typo Ltd", contact_emails="not-an-address")
    data.late.owners.create(person=person, order=5)
    data.late.owners.create(organisation=bad, order=6)

    report = send_reminders(MON)

    assert [(o.owner, o.reason, o.references) for o in report.without_email] == [
        ("DNOs", "no email address", ["OPSG 25/03"]),
        ("Nina Noemail", "no email address", ["OPSG 24/01"]),
        ("Typo Ltd", "not an email address: not-an-address", ["OPSG 24/01"]),
    ]
    assert "3 owners without an email address" in report.summary()
    # The others are not held up.
    assert sorted(digests(mailoutbox)) == [DCC, OWEN, SECAS]


def test_addresses_are_one_row_however_they_are_typed(data, mailoutbox, world_dcc=None):
    Organisation.objects.filter(short_name="DCC").update(
        contact_emails="Ops@DCC.example.org\nops@dcc.example.org, second@dcc.example.org"
    )
    send_reminders(MON)
    assert sorted(digests(mailoutbox)) == [DCC, OWEN, SECAS, "second@dcc.example.org"]
    assert len(digests(mailoutbox)[DCC]) == 1


def test_closed_and_confidential_actions_are_left_out(data, mailoutbox):
    Action.objects.filter(pk=data.late.pk).update(
        status="closed", outcome="completed", closed_on=D(2019, 10, 20)
    )
    send_reminders(MON)
    everything = " ".join(m.body for m in mailoutbox)
    assert "24/01" not in everything and "CONF" not in everything


# --- exactly once -----------------------------------------------------------------


def test_running_twice_sends_nothing_twice(data, mailoutbox):
    first = send_reminders(MON)
    second = send_reminders(MON)
    assert (first.emails_sent, second.emails_sent) == (3, 0)
    assert second.skipped == 4
    assert len(mailoutbox) == 3
    assert Reminder.objects.count() == 4
    assert {attempts for *_, attempts in rows()} == {1}
    # The next working day is a new day.
    assert send_reminders(TUE).emails_sent == 3


def test_dry_run_sends_and_records_nothing(data, mailoutbox):
    report = send_reminders(MON, dry_run=True)
    assert report.would_send == {DCC: 2, OWEN: 1, SECAS: 1}
    assert mailoutbox == [] and not Reminder.objects.exists()
    send_reminders(MON)
    again = send_reminders(MON, dry_run=True)
    assert (again.would_send, again.skipped) == ({}, 4)


class Crash(BaseException):
    """The worker killed mid-batch (not an Exception: nothing may catch it)."""


@contextmanager
def crash_on_digest(number: int):
    """Let the job send `number - 1` digests, then die as the next one goes."""
    real = reminders.Mailer.send
    calls = []

    def send(self, message):
        calls.append(message.to[0])
        if len(calls) == number:
            raise Crash(f"killed while sending to {message.to[0]}")
        return real(self, message)

    with mock.patch.object(reminders.Mailer, "send", send):
        yield calls


def crash_mid_batch_then_rerun(mailoutbox) -> None:
    with crash_on_digest(2), pytest.raises(Crash):
        send_reminders(MON)
    assert [m.to for m in mailoutbox] == [[DCC]]
    # The digest being sent and the one not reached stay claimed, for the rerun.
    assert [(r, s) for r, _, _, s, _ in rows()] == [
        (DCC, "sent"),
        (DCC, "sent"),
        (OWEN, "claimed"),
        (SECAS, "claimed"),
    ]

    report = send_reminders(MON)

    assert (report.emails_sent, report.reminders_sent, report.skipped) == (2, 2, 2)
    assert Counter(m.to[0] for m in mailoutbox) == {OWEN: 1, DCC: 1, SECAS: 1}
    assert {s for _, _, _, s, _ in rows()} == {"sent"}
    assert {a for *_, a in rows()} == {1}


def test_a_crash_mid_batch_then_a_rerun_sends_each_digest_once(data, mailoutbox):
    crash_mid_batch_then_rerun(mailoutbox)


@pytest.mark.django_db(transaction=True)
def test_a_crash_outside_a_transaction_then_a_rerun_sends_each_digest_once(mailoutbox):
    """As a worker runs the job (no transaction around it): on PostgreSQL
    the claims are session locks; the crash still leaves the digest sent
    marked, and lets its claims go."""
    build()
    crash_mid_batch_then_rerun(mailoutbox)


def test_a_week_of_runs_with_a_crash_leaves_one_digest_a_day(data, mailoutbox):
    week = [D(2019, 10, 28) + datetime.timedelta(days=n) for n in range(7)]
    for day in week:
        if day == D(2019, 10, 30):
            with crash_on_digest(1), pytest.raises(Crash):
                send_reminders(day)
        send_reminders(day)
        send_reminders(day)  # beat and an operator, say
    per_day = Counter((m.to[0], m.subject.rsplit(" – ", 1)[1]) for m in mailoutbox)
    assert set(per_day.values()) == {1}
    days = {subject_day for _, subject_day in per_day}
    assert days == {
        "28 October 2019",
        "29 October 2019",
        "30 October 2019",
        "31 October 2019",
        "1 November 2019",
    }
    # Every address with something due on a working day heard once that day.
    assert {to for to, d in per_day if d == "30 October 2019"} == {DCC, OWEN, SECAS}
    assert not Reminder.objects.exclude(state="sent").exists()


# --- two workers at once ---------------------------------------------------------


def send_from_two_workers_at_once(day: D) -> dict:
    """Two threads, each with its own database connection, run the job for the
    same day at the same moment. Each send is slowed a little, so one worker
    is still holding its lock when the other comes to the same recipient."""
    real = reminders.Mailer.send

    def slow_send(self, message):
        time.sleep(0.1)
        return real(self, message)

    with mock.patch.object(reminders.Mailer, "send", slow_send):
        reports, errors = run_together(lambda n: send_reminders(day))
    return {
        "errors": errors,
        "emails": sorted(m.to[0] for m in mail.outbox),
        "sent_by_each": sorted(r.emails_sent for r in reports),
        "rows": [list(r) for r in rows(day)],
    }


CHILD = """
settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
from tests.actions.test_reminders import MON, build, send_from_two_workers_at_once
build()
print(json.dumps(send_from_two_workers_at_once(MON)))
"""


@pytest.mark.django_db(transaction=True)
def test_two_workers_at_once_send_each_digest_once(tmp_path, mailoutbox):
    """Runs on both databases (CI runs the suite on each): on PostgreSQL the
    threads share the test database and meet SKIP LOCKED; on SQLite a file
    database lets one writer in at a time."""
    if ON_SQLITE:
        outcome = run_in_child(CHILD, tmp_path / "var")
    else:
        build()
        outcome = send_from_two_workers_at_once(MON)
    assert outcome["errors"] == []
    assert outcome["emails"] == sorted([DCC, OWEN, SECAS])
    assert sum(outcome["sent_by_each"]) == 3
    assert [(r[3], r[4]) for r in outcome["rows"]] == [("sent", 1)] * 4


@pytest.mark.django_db(transaction=True)
def test_a_row_another_run_inserts_meanwhile_is_left_alone():
    """PostgreSQL inserts the day's rows plainly, but for those there
    already. A row another run inserts meanwhile, uncommitted when this
    run's insert comes to it, makes that insert wait, then fail on the
    unique constraint once the other commits: the run inserts the rest and
    leaves that row as the other run wrote it."""
    # SQLite lets one writer in at a time; its batches ignore conflicts.
    need_services(not ON_SQLITE, "PostgreSQL (DATABASE_URL)")
    build()
    keys = set(reminders.reminders_due(MON).items)
    theirs = min(keys)
    inserted = threading.Event()
    waited = []

    def other_run():
        try:
            with transaction.atomic():
                Reminder.objects.create(
                    recipient=theirs[0],
                    action_id=theirs[1],
                    kind=theirs[2],
                    day=MON,
                    claimed_at=timezone.now(),
                    error="the other run's",
                )
                inserted.set()
                # Committed only once this run's insert waits on the row.
                with connection.cursor() as cursor:
                    for _ in range(200):
                        cursor.execute(
                            "SELECT count(*) FROM pg_stat_activity"
                            " WHERE datname = current_database() AND wait_event_type = 'Lock'"
                        )
                        if cursor.fetchone()[0]:
                            waited.append(True)
                            break
                        time.sleep(0.05)
        finally:
            connections.close_all()

    thread = threading.Thread(target=other_run)
    thread.start()
    assert inserted.wait(10)
    reminders._insert_rows(MON, keys)
    thread.join(30)

    assert waited == [True]
    found = Reminder.objects.filter(day=MON)
    assert sorted(found.values_list("recipient", "action_id", "kind")) == sorted(keys)
    assert [r.error for r in found if (r.recipient, r.action_id, r.kind) == theirs] == [
        "the other run's"
    ]


# --- a real SMTP server ---------------------------------------------------------------


class Sink:
    """An SMTP server's mailbox: every message as received, parsed."""

    def __init__(self):
        self.received = []

    async def handle_DATA(self, server, session, envelope):
        raw = envelope.original_content or envelope.content
        self.received.append(
            (envelope.rcpt_tos, email.message_from_bytes(raw, policy=email.policy.default))
        )
        return "250 Message accepted for delivery"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def smtp_server(port: int):
    sink = Sink()
    controller = Controller(sink, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield sink
    finally:
        controller.stop()


@pytest.fixture
def smtp_port(settings):
    """SMTP settings pointing at a local port; the test decides when a server listens."""
    port = free_port()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = port
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_TIMEOUT = 5
    settings.DEFAULT_FROM_EMAIL = "OPSG Secretariat <secretariat@example.org>"
    return port


def test_digests_through_a_real_smtp_server(data, smtp_port):
    with smtp_server(smtp_port) as sink:
        report = send_reminders(MON)
    assert report.emails_sent == 3
    received = {tuple(rcpt): message for rcpt, message in sink.received}
    assert sorted(received) == [(DCC,), (OWEN,), (SECAS,)]

    message = received[(DCC,)]
    # Django folds a non-ASCII subject onto its own line; unfolding leaves a space.
    assert message["Subject"].strip() == "Your actions: 1 overdue, 1 due soon – 28 October 2019"
    assert message["To"] == DCC
    assert message["From"] == "OPSG Secretariat <secretariat@example.org>"
    assert message.get_content_type() == "multipart/alternative"
    text = message.get_body(("plain",)).get_content()
    html = message.get_body(("html",)).get_content()
    assert "OPSG 24/01, target 08/10/2019: 20 days overdue, slipped 1 time" in text
    assert "<strong>20 days overdue</strong>" in html
    links = re.findall(r'href="([^"]+)"', html)
    assert [resolve(urlsplit(link).path).url_name for link in links] == [
        "action-detail",
        "action-detail",
        "action-log",
    ]
    assert resolve(urlsplit(links[0]).path).kwargs == {"slug": "opsg-24-01"}
    assert links[-1].endswith("/actions/?owner=mine")
    assert re.findall(r"https?://\S+", text) == links


def test_the_frame_writes_each_digest_as_django_would(data, mailoutbox):
    """Through the SMTP backend a run writes each digest's MIME from a frame
    built once (opsg.mail.MimeFrame): byte for byte what Django writes for
    the same message, given the same date, Message-ID and boundary; and
    what the frame was not built for it leaves to Django."""
    Action.objects.filter(pk=data.late.pk).update(
        text="DCC to report – in full – on the “incident”."
    )
    send_reminders(TUE)
    frame = MimeFrame()
    stamp = {"formatdate": "Tue, 29 Oct 2019 07:30:00 -0000", "make_msgid": "<1.2@host.example>"}
    patches = [
        mock.patch(f"{module}.{name}", return_value=value)
        for module in ("opsg.mail", "django.core.mail.message")
        for name, value in stamp.items()
    ]
    for patch in patches:
        patch.start()
    try:
        assert len(mailoutbox) == 3
        for message in mailoutbox:
            mime = message.message()
            mime.set_boundary(frame.boundary)
            assert frame.write(message) == mime.as_bytes(linesep="\r\n")
    finally:
        for patch in patches:
            patch.stop()
    message = mailoutbox[0]
    message.body = "x" * 999  # Django writes it quoted-printable
    assert frame.write(message) is None
    message.body = f"--{frame.boundary}"  # Django would choose another boundary
    assert frame.write(message) is None


def test_smtp_down_then_up(data, smtp_port):
    # Nothing listens: the first digest fails to connect, the others are not tried.
    report = send_reminders(MON)
    assert report.emails_sent == 0
    assert [f.recipient for f in report.failed] == [DCC, OWEN, SECAS]
    assert "ConnectionRefusedError" in report.failed[0].error
    assert "not attempted" in report.failed[1].error
    assert [(r, s, a) for r, _, _, s, a in rows()] == [
        (DCC, "failed", 1),
        (DCC, "failed", 1),
        (OWEN, "failed", 0),
        (SECAS, "failed", 0),
    ]
    assert all(Reminder.objects.values_list("error", flat=True))

    with smtp_server(smtp_port) as sink:
        second = send_reminders(MON)
        third = send_reminders(MON)
    assert (second.emails_sent, second.reminders_sent, third.emails_sent) == (3, 4, 0)
    assert sorted(rcpt[0] for rcpt, _ in sink.received) == sorted([DCC, OWEN, SECAS])
    assert [(r, s, a) for r, _, _, s, a in rows()] == [
        (DCC, "sent", 2),
        (DCC, "sent", 2),
        (OWEN, "sent", 1),
        (SECAS, "sent", 1),
    ]
    assert not any(Reminder.objects.values_list("error", flat=True))


def test_a_refused_recipient_fails_alone(data, smtp_port):
    class Refusing(Sink):
        async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
            if address == SECAS:
                return "550 No such mailbox"
            envelope.rcpt_tos.append(address)
            return "250 OK"

    refusing = Refusing()
    controller = Controller(refusing, hostname="127.0.0.1", port=smtp_port)
    controller.start()
    try:
        report = send_reminders(MON)
    finally:
        controller.stop()
    assert report.emails_sent == 2
    [failure] = report.failed
    assert failure.recipient == SECAS and "550" in failure.error
    assert Reminder.objects.get(recipient=SECAS).state == "failed"


def test_every_connection_has_the_timeout(data, smtp_port, settings):
    settings.EMAIL_TIMEOUT = 7
    with smtp_server(smtp_port):
        mailer = reminders.Mailer()
        assert mailer.connection.timeout == 7
        mailer.connection.open()
        assert mailer.connection.connection.sock.gettimeout() == 7
        mailer.close()


# --- the command, the task, beat ----------------------------------------------------


def test_the_command_prints_a_summary(data, mailoutbox, capsys):
    call_command("send_reminders", "--date", "2019-10-28", "--dry-run")
    out = capsys.readouterr().out
    assert "Dry run for Mon 28 Oct 2019: would send 3 emails (4 reminders)" in out
    assert "no email: DNOs, no email address (OPSG 25/03)" in out
    assert mailoutbox == []

    call_command("send_reminders", "--date", "2019-10-28")
    out = capsys.readouterr().out
    assert "sent 3 emails (4 reminders); skipped 0 already sent; failed 0 emails" in out
    assert "1 owners without an email address" in out
    call_command("send_reminders", "--date", "2019-10-28")
    assert "sent 0 emails (0 reminders); skipped 4 already sent" in capsys.readouterr().out


def test_the_command_runs_today_by_default_and_refuses_a_bad_date(data, mailoutbox, capsys):
    with time_machine.travel(datetime.datetime(2019, 10, 28, 7, 30, tzinfo=UTC), tick=False):
        call_command("send_reminders")
    assert "Reminders for Mon 28 Oct 2019: sent 3 emails" in capsys.readouterr().out
    with pytest.raises(CommandError, match="--date must be YYYY-MM-DD"):
        call_command("send_reminders", "--date", "28/10/2019")


def test_the_command_fails_when_digests_fail(data, smtp_port, capsys):
    with pytest.raises(CommandError, match="3 digests failed"):
        call_command("send_reminders", "--date", "2019-10-28")
    assert f"failed: {DCC} (2 reminders): ConnectionRefusedError" in capsys.readouterr().out


def test_the_task_holds_the_retry_policy():
    assert send_reminders_task.name == "actions.tasks.send_reminders_task"
    assert send_reminders_task.autoretry_for == (RemindersFailed,)
    assert send_reminders_task.max_retries == 5
    assert send_reminders_task.retry_backoff == 60
    assert send_reminders_task.retry_backoff_max == 1800
    # Retries 1, 2, 4, 8 and 16 minutes after the failure, as the README says.
    assert send_reminders_task.retry_jitter is False


def test_the_task_retries_while_smtp_is_down(data, smtp_port):
    """Run locally with apply(), as a worker would run it: the retries come at
    once instead of after 1, 2, 4 … minutes, but they are bounded all the same
    and each try is recorded."""
    # In-process (no REDIS_URL) a retry would surface to the caller at once,
    # as eager mode propagates; here each retry runs in turn, as on a worker.
    propagates = app.conf.task_eager_propagates
    app.conf.task_eager_propagates = False
    try:
        result = send_reminders_task.apply(args=["2019-10-28"])
    finally:
        app.conf.task_eager_propagates = propagates
    assert result.state == "FAILURE"
    assert isinstance(result.result, RemindersFailed)
    # The first try and five retries, each reaching the first digest only.
    assert set(Reminder.objects.filter(recipient=DCC).values_list("attempts", flat=True)) == {6}
    assert set(Reminder.objects.values_list("state", flat=True)) == {"failed"}


@pytest.mark.django_db(transaction=True)
def test_the_task_through_a_real_worker(settings):
    """With REDIS_URL set (CI's PostgreSQL run) a real worker takes the task
    from Redis; without it the task runs in-process."""
    from celery.contrib.testing.worker import start_worker

    build()
    mail.outbox = []
    if settings.REDIS_URL:
        with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=10):
            result = send_reminders_task.delay("2019-10-28").get(timeout=60)
    else:
        result = send_reminders_task.delay("2019-10-28").get()
    assert result == {
        "day": "2019-10-28",
        "emails_sent": 3,
        "reminders_sent": 4,
        "skipped": 0,
        "without_email": ["DNOs"],
    }
    assert sorted(m.to[0] for m in mail.outbox) == [DCC, OWEN, SECAS]


def test_beat_runs_the_task_daily_at_reminder_time():
    entry = app.conf.beat_schedule["send-reminders"]
    assert entry["task"] == send_reminders_task.name
    schedule = entry["schedule"]
    assert (schedule.hour, schedule.minute) == ({7}, {30})
    assert str(app.conf.timezone) == "Europe/London"


def _due_at(instant: datetime.datetime, last_run: datetime.datetime):
    schedule = app.conf.beat_schedule["send-reminders"]["schedule"]
    with time_machine.travel(instant, tick=False):
        return schedule.is_due(last_run), schedule.remaining_estimate(last_run)


LONDON = datetime.timezone(datetime.timedelta(hours=1))  # BST, for readability below


def test_beat_keeps_0730_london_time_when_the_clocks_go_back():
    """Sunday 25 October 2026, 02:00 BST becomes 01:00 GMT. Saturday's run was
    07:30 BST (06:30 UTC); Sunday's is 07:30 GMT (07:30 UTC), 25 hours later."""
    saturday = datetime.datetime(2026, 10, 24, 6, 30, tzinfo=UTC)
    due, remaining = _due_at(datetime.datetime(2026, 10, 24, 6, 31, tzinfo=UTC), saturday)
    assert remaining == datetime.timedelta(hours=24, minutes=59)
    due, _ = _due_at(datetime.datetime(2026, 10, 25, 6, 30, 5, tzinfo=UTC), saturday)
    assert not due.is_due, "06:30 UTC on Sunday is 06:30 in London: too early"
    due, _ = _due_at(datetime.datetime(2026, 10, 25, 7, 30, 5, tzinfo=UTC), saturday)
    assert due.is_due


def test_beat_keeps_0730_london_time_when_the_clocks_go_forward():
    """Sunday 28 March 2027, 01:00 GMT becomes 02:00 BST (Easter weekend too)."""
    saturday = datetime.datetime(2027, 3, 27, 7, 30, tzinfo=UTC)
    _, remaining = _due_at(datetime.datetime(2027, 3, 27, 7, 31, tzinfo=UTC), saturday)
    assert remaining == datetime.timedelta(hours=22, minutes=59)
    due, _ = _due_at(datetime.datetime(2027, 3, 28, 6, 30, 5, tzinfo=UTC), saturday)
    assert due.is_due, "06:30 UTC is 07:30 BST"


# --- frozen time: a bank-holiday weekend, Easter and a clock change ---------------------


def run_at(instant: datetime.datetime, outbox) -> list:
    """The job as beat runs it (no date: today in London) at `instant`; the digests it sent."""
    before = len(outbox)
    with time_machine.travel(instant, tick=False):
        call_command("send_reminders")
    return outbox[before:]


def test_over_the_summer_bank_holiday_weekend(db, mailoutbox):
    world = make_world()
    # OPSG 40 on 4 August 2026 announced its next meeting for Tuesday 8 September.
    meeting = make_meeting(world, number=40, date=D(2026, 8, 4))
    circulate(meeting)
    NextMeeting.objects.filter(meeting=meeting).update(date=D(2026, 9, 8))
    make_action(world, meeting, text="DCC to publish the report.", target_date=D(2026, 9, 1))

    def at_0730_bst(day):
        return datetime.datetime(day.year, day.month, day.day, 6, 30, tzinfo=UTC)

    thursday = run_at(at_0730_bst(D(2026, 8, 27)), mailoutbox)
    assert [m.subject for m in thursday] == ["Your actions: 1 due soon – 27 August 2026"]
    assert "(2 working days left)" in thursday[0].body
    friday = run_at(at_0730_bst(D(2026, 8, 28)), mailoutbox)
    assert "(1 working day left)" in friday[0].body
    for day in (D(2026, 8, 29), D(2026, 8, 30), D(2026, 8, 31)):
        assert run_at(at_0730_bst(day), mailoutbox) == []
    # Tuesday: due today, and 5 working days before the meeting of 8 September.
    tuesday = run_at(at_0730_bst(D(2026, 9, 1)), mailoutbox)
    assert [m.subject for m in tuesday] == [
        "Please send your update for OPSG 41 (1 due today) – 1 September 2026"
    ]
    wednesday = run_at(at_0730_bst(D(2026, 9, 2)), mailoutbox)
    assert "1 day overdue" in wednesday[0].body
    assert len(mailoutbox) == 4


def test_over_easter_and_the_clocks_going_forward(db, mailoutbox):
    world = make_world()
    meeting = make_meeting(world, number=45, date=D(2027, 3, 9))
    circulate(meeting)
    make_action(world, meeting, text="DCC to close the incident.", target_date=D(2027, 3, 30))

    # Thursday 25 March 2027, 07:30 GMT: Good Friday and Easter Monday do not count.
    thursday = run_at(datetime.datetime(2027, 3, 25, 7, 30, tzinfo=UTC), mailoutbox)
    assert "(1 working day left)" in thursday[0].body
    # 00:30 BST on Tuesday 30 March is still Monday (a bank holiday) in UTC:
    # the run goes by the London date.
    tuesday = run_at(datetime.datetime(2027, 3, 29, 23, 30, tzinfo=UTC), mailoutbox)
    assert [m.subject for m in tuesday] == ["Your actions: 1 due today – 30 March 2027"]
    # 23:30 GMT on Friday 26 March: Good Friday, nothing goes.
    assert run_at(datetime.datetime(2027, 3, 26, 23, 30, tzinfo=UTC), mailoutbox) == []


# --- the staff page -------------------------------------------------------------------


def test_the_staff_page_needs_a_login(client, data):
    response = client.get(PAGE)
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/?next=/actions/reminders/")


@pytest.mark.parametrize("username", ["member", "secretary", "owner"])
def test_the_staff_page_is_hidden_from_everyone_else(client, data, username):
    assert login(client, username).get(PAGE).status_code == 404


def test_the_staff_page_refuses_post(client, data, staff):
    assert login(client, "staff").post(PAGE).status_code == 405


def test_the_staff_page_shows_a_days_run(client, data, staff):
    send_reminders(MON)
    Reminder.objects.filter(recipient=SECAS).update(
        state="failed", sent_at=None, error="SMTPRecipientsRefused: 550 No such mailbox"
    )
    Reminder.objects.filter(recipient=OWEN).update(state="claimed", sent_at=None)

    response = login(client, "staff").get(PAGE, {"day": "2019-10-28"})

    assert response.status_code == 200
    page = response.content.decode()
    assert "Reminders of Monday 28 October 2019" in page
    assert "2 sent</a>" in page and "1 failed</a>" in page and "1 claimed and not sent</a>" in page
    assert "SMTPRecipientsRefused: 550 No such mailbox" in page
    assert "not sent yet" in page
    # Failures first, then unsent, then sent.
    assert page.index(SECAS) < page.index(OWEN) < page.index(DCC)
    assert '<a href="/actions/opsg-24-01/">OPSG 24/01</a>' in page
    # The owner no reminder can reach.
    assert "Owners no reminder can reach" in page
    assert re.search(
        r"<th scope=\"row\">DNOs</th><td>no email address</td><td>OPSG 25/03</td>", page
    )

    failed_only = client.get(PAGE, {"day": "2019-10-28", "state": "failed"}).content.decode()
    assert SECAS in failed_only and DCC not in failed_only.split("<h2>Reminders</h2>")[1]


def test_the_staff_page_defaults_to_today_and_has_an_empty_state(client, data, staff):
    with time_machine.travel(datetime.datetime(2026, 11, 23, 12, 0, tzinfo=UTC), tick=False):
        page = login(client, "staff").get(PAGE).content.decode()
        assert "Reminders of Monday 23 November 2026" in page
        assert "No reminders on 23 November 2026." in page
        weekend = client.get(PAGE, {"day": "2026-11-22"}).content.decode()
        assert "is not a working day" in weekend
        bad = client.get(PAGE, {"day": "yesterday"})
    assert bad.status_code == 200
    assert "The choice could not be read" in bad.content.decode()


def test_the_staff_page_paginates(client, data, staff):
    many(120)
    page = login(client, "staff").get(PAGE, {"day": "2019-10-28", "page": 3}).content.decode()
    assert "Page 3 of 3 (reminders 101–120 of 120)" in page


def many(count: int) -> None:
    """`count` reminders of 28 October 2019 to different addresses, a third failed."""
    action = Action.objects.get(reference="OPSG 24/01")
    now = datetime.datetime(2019, 10, 28, 7, 30, tzinfo=UTC)
    Reminder.objects.bulk_create(
        Reminder(
            recipient=f"contact{n:03d}@example.org",
            action=action,
            kind="overdue",
            day=MON,
            state="failed" if n % 3 == 0 else "sent",
            claimed_at=now,
            sent_at=None if n % 3 == 0 else now,
            attempts=1,
            error="SMTPServerDisconnected: gone" if n % 3 == 0 else "",
        )
        for n in range(count)
    )


@pytest.mark.parametrize("count", [3, 300])
def test_the_staff_page_queries_do_not_grow_with_the_rows(
    client, data, staff, count, django_assert_num_queries
):
    many(count)
    login(client, "staff")
    # 1 session, 2 user, 3 counts by state, 4 rows counted (pagination), 5 the
    # page of rows with actions and committees; owners without email (the
    # job's read): 6 meetings ahead, 7 each committee's last number, 8 dates
    # announced, 9 the meetings whose reviews owners may not all read and,
    # there being some, 10 the reviews of the due actions hidden from them
    # there (actions.known), 11 due actions with committees and owners.
    with django_assert_num_queries(11):
        response = client.get(PAGE, {"day": "2019-10-28"})
    assert response.status_code == 200
    assert response.content.decode().count("@example.org</td>") == min(count, 50)
