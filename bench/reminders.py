"""The reminder job at scale: 10,000 overdue actions over 500 owners (each an
organisation with one contact address), sent through a real SMTP server
(aiosmtpd, in this process, on a local port) from a scratch SQLite file.

Times one run of send_reminders() — 500 digests of 20 actions each — then
reruns it, and on the next working day kills the job half-way and reruns it;
counts every digest the server received more than once for the same address
and day. The peer is a bare smtplib loop sending 500 messages of the same
size over one connection to the same server: what the sending alone costs.
Prints one line:

    reminders emails=… seconds=… duplicates_after_rerun=… missing=… smtplib_seconds=… ratio=…

Run by `make bench`, or alone: .venv/bin/python bench/reminders.py
"""

import datetime
import os
import shutil
import smtplib
import socket
import sys
import tempfile
import time
from pathlib import Path
from unittest import mock

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


SCRATCH = tempfile.mkdtemp(prefix="opsg-bench-reminders-")
PORT = free_port()
# Always a scratch SQLite file and the local SMTP sink, whatever the caller's environment.
for name in ("DATABASE_URL", "REDIS_URL", "EMAIL_HOST_USER", "EMAIL_HOST_PASSWORD"):
    os.environ.pop(name, None)
os.environ.update(
    VAR_DIR=SCRATCH,
    DJANGO_SETTINGS_MODULE="opsg.settings",
    EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend",
    EMAIL_HOST="127.0.0.1",
    EMAIL_PORT=str(PORT),
    EMAIL_USE_TLS="false",
    EMAIL_USE_SSL="false",
    EMAIL_TIMEOUT="10",
    LOG_LEVEL="ERROR",
)

import django  # noqa: E402

django.setup()

from aiosmtpd.controller import Controller  # noqa: E402
from django.core.management import call_command  # noqa: E402

from actions import reminders  # noqa: E402
from actions.models import Action, ActionOwner  # noqa: E402
from actions.references import format_reference  # noqa: E402
from meetings.models import Classification, Committee, Meeting, Organisation  # noqa: E402

ACTIONS = 10_000
OWNERS = 500
DAY = datetime.date(2026, 11, 23)  # a Monday
NEXT_DAY = datetime.date(2026, 11, 24)


class Sink:
    def __init__(self):
        self.received: list[tuple[str, int]] = []

    async def handle_DATA(self, server, session, envelope):
        for rcpt in envelope.rcpt_tos:
            self.received.append((rcpt, len(envelope.content)))
        return "250 OK"


def fill() -> None:
    committee = Committee.objects.create(code="OPSG", name="Operations Group")
    classification = Classification.objects.create(
        label="White",
        colour="#ffffff",
        audience="public",
        statement="Information can be shared with the public.",
        effective_from=datetime.date(2018, 1, 1),
    )
    meetings = [
        Meeting.objects.create(
            committee=committee,
            number=n,
            date=datetime.date(2026, 1, 6) + datetime.timedelta(weeks=4 * (n - 1)),
            classification=classification,
            # Minutes that are out: owners are reminded of what they raised.
            status=Meeting.Status.CIRCULATED,
            circulated_at=datetime.datetime(2026, 1, 7, tzinfo=datetime.UTC)
            + datetime.timedelta(weeks=4 * (n - 1)),
        )
        for n in range(1, 11)
    ]
    owners = Organisation.objects.bulk_create(
        Organisation(short_name=f"Party {n:03d}", contact_emails=f"contact{n:03d}@example.org")
        for n in range(OWNERS)
    )
    per_meeting = ACTIONS // len(meetings)
    actions = []
    for meeting in meetings:
        for seq in range(1, per_meeting + 1):
            actions.append(
                Action(
                    committee=committee,
                    meeting_number=meeting.number,
                    sequence=seq,
                    reference=format_reference("OPSG", meeting.number, seq, False),
                    meeting=meeting,
                    text=f"Party to report on item {seq} raised at meeting {meeting.number}.",
                    raised_on=meeting.date,
                    # All overdue by the day of the run, by 1 to 60 days.
                    target_date=min(meeting.date + datetime.timedelta(days=28), DAY)
                    - datetime.timedelta(days=1 + seq % 60),
                )
            )
    for action in actions:
        action.target_date = max(action.target_date, action.raised_on)
    actions = Action.objects.bulk_create(actions, batch_size=1000)
    ActionOwner.objects.bulk_create(
        (ActionOwner(action=a, organisation=owners[i % OWNERS]) for i, a in enumerate(actions)),
        batch_size=1000,
    )


class Killed(BaseException):
    pass


def run_killed_half_way(day: datetime.date) -> None:
    real = reminders.Mailer.send
    sent = []

    def send(self, message):
        if len(sent) == OWNERS // 2:
            raise Killed
        sent.append(1)
        return real(self, message)

    with mock.patch.object(reminders.Mailer, "send", send):
        try:
            reminders.send_reminders(day)
        except Killed:
            pass


def duplicates(received: list[tuple[str, int]]) -> tuple[int, int]:
    """(digests beyond the first per address, addresses that got none)."""
    addresses = {rcpt for rcpt, _ in received}
    return len(received) - len(addresses), OWNERS - len(addresses)


def smtplib_loop(sizes: list[int]) -> float:
    """The peer: the same number of messages of the same sizes over one connection."""
    start = time.perf_counter()
    with smtplib.SMTP("127.0.0.1", PORT, timeout=10) as smtp:
        for n, size in enumerate(sizes):
            # Lines of 76 characters, as a MIME encoder writes them.
            body = "\r\n".join(["x" * 74] * max(1, (size - 200) // 76))
            smtp.sendmail(
                "secretariat@localhost",
                [f"peer{n:03d}@example.org"],
                f"Subject: peer {n}\r\nTo: peer{n:03d}@example.org\r\n\r\n{body}",
            )
    return time.perf_counter() - start


def main() -> None:
    call_command("migrate", verbosity=0)
    fill()
    sink = Sink()
    controller = Controller(sink, hostname="127.0.0.1", port=PORT)
    controller.start()
    try:
        start = time.perf_counter()
        report = reminders.send_reminders(DAY)
        seconds = time.perf_counter() - start
        first_day = list(sink.received)
        sizes = [size for _, size in first_day]

        reminders.send_reminders(DAY)  # a rerun: sends nothing
        dup_day1, missing_day1 = duplicates(sink.received)

        before = len(sink.received)
        run_killed_half_way(NEXT_DAY)
        reminders.send_reminders(NEXT_DAY)
        dup_day2, missing_day2 = duplicates(sink.received[before:])

        del sink.received[:]
        peer = smtplib_loop(sizes)
    finally:
        controller.stop()

    assert report.emails_sent == len(first_day), (report.summary(), len(first_day))
    print(
        f"reminders emails={report.emails_sent} seconds={seconds:.2f} "
        f"duplicates_after_rerun={dup_day1 + dup_day2} missing={missing_day1 + missing_day2} "
        f"smtplib_seconds={peer:.2f} ratio={seconds / peer:.1f} "
        f"(reminders={report.reminders_sent}, ms_per_email={seconds * 1000 / max(1, report.emails_sent):.1f})"
    )


if __name__ == "__main__":
    try:
        main()
    finally:
        shutil.rmtree(SCRATCH, ignore_errors=True)
