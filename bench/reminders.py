"""The reminder job at scale: 10,000 overdue actions of OPSG over 500 owners
(each an organisation with one contact address), sent through a real SMTP
server (aiosmtpd, in this process, on a free local port) from the scratch
database (PostgreSQL when DATABASE_URL is set).

Each run of send_reminders() on a new working day sends 500 digests of 20
actions each: it works out what is due, claims and records every reminder,
renders each digest (text and HTML) and sends it over one connection. The
peer is a bare smtplib loop sending the same messages (the bytes the server
received from that run, so the same sizes and lines, which the server reads
one by one), over one connection to the same server. Whole
runs alternate with the peer's loops (who goes first swapping each round),
one untimed run of each first; a run takes seconds, so there are
BENCH_ROUNDS / 6 rounds (5 by default, at least 3). Prints:

- reminders_10k_500_owners: a run's p50 against the loop's (goal: at most 2×);

then checks that it sends each digest exactly once:

- reminders_duplicates: digests received more than once for the same
  address and day, after rerunning the last day's job, and after a job on
  the next working day was killed half-way and run again (goal: none);
- reminders_missing: addresses that got no digest on either of those days
  (goal: none).

Run by `make bench`, or alone: .venv/bin/python bench/reminders.py (on
PostgreSQL with DATABASE_URL set).
"""

import datetime
import itertools
import os
import smtplib
import socket
from unittest import mock


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


PORT = free_port()
# Always the local SMTP sink, whatever the caller's environment says.
for name in ("EMAIL_HOST_USER", "EMAIL_HOST_PASSWORD"):
    os.environ.pop(name, None)
os.environ.update(
    EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend",
    EMAIL_HOST="127.0.0.1",
    EMAIL_PORT=str(PORT),
    EMAIL_USE_TLS="false",
    EMAIL_USE_SSL="false",
    EMAIL_TIMEOUT="10",
)

import harness  # noqa: E402  (after the email settings: it sets Django up)
from aiosmtpd.controller import Controller  # noqa: E402

from actions import reminders  # noqa: E402
from actions.models import Action, ActionOwner  # noqa: E402
from actions.references import format_reference  # noqa: E402
from meetings.models import Classification, Committee, Meeting, Organisation  # noqa: E402
from opsg.workdays import add_working_days  # noqa: E402

ACTIONS = 10_000
OWNERS = 500
DAY = datetime.date(2026, 11, 23)  # a Monday
ROUNDS = max(3, harness.ROUNDS // 6)
RATIO_GOAL = 2.0


class Sink:
    """What the server received: (recipient, message) per message."""

    def __init__(self):
        self.received: list[tuple[str, bytes]] = []

    async def handle_DATA(self, server, session, envelope):
        for rcpt in envelope.rcpt_tos:
            self.received.append((rcpt, envelope.content))
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
                    # All overdue by the first day of the run, by 1 to 60 days.
                    target_date=max(
                        meeting.date,
                        min(meeting.date + datetime.timedelta(days=28), DAY)
                        - datetime.timedelta(days=1 + seq % 60),
                    ),
                )
            )
    actions = Action.objects.bulk_create(actions, batch_size=1000)
    ActionOwner.objects.bulk_create(
        (ActionOwner(action=a, organisation=owners[i % OWNERS]) for i, a in enumerate(actions)),
        batch_size=1000,
    )
    harness.analyze()


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


def duplicates(received: list[tuple[str, bytes]]) -> tuple[int, int]:
    """(digests beyond the first per address, addresses that got none)."""
    addresses = {rcpt for rcpt, _ in received}
    return len(received) - len(addresses), OWNERS - len(addresses)


def smtplib_loop(messages: list[bytes]) -> None:
    """The peer: each message, in turn, over one connection."""
    with smtplib.SMTP("127.0.0.1", PORT, timeout=10) as smtp:
        for n, message in enumerate(messages):
            smtp.sendmail("secretariat@localhost", [f"peer{n:03d}@example.org"], message)


def main() -> None:
    sink = Sink()
    controller = Controller(sink, hostname="127.0.0.1", port=PORT)
    with harness.scratch_database():
        fill()
        controller.start()
        try:
            days = itertools.count()
            last: dict[str, object] = {"day": DAY, "messages": []}

            def job():
                # A new working day each run: every action is overdue again.
                day = add_working_days(DAY, next(days))
                before = len(sink.received)
                report = reminders.send_reminders(day)
                assert report.emails_sent == OWNERS, report.summary()
                last["day"], last["messages"] = day, [m for _, m in sink.received[before:]]

            peer_sizes: list[int] = []

            def peer():
                before = len(sink.received)
                smtplib_loop(last["messages"])
                peer_sizes[:] = [len(m) for _, m in sink.received[before:]]

            job_timing, peer_timing = harness.interleaved(job, peer, ROUNDS, warmup=1)
            sizes = [len(m) for m in last["messages"]]
            harness.report(
                f"reminders_10k_500_owners ({harness.engine()}, one run: "
                f"{OWNERS} digests of {ACTIONS // OWNERS} actions, vs smtplib loop)",
                job_timing,
                peer_timing,
                goal=RATIO_GOAL,
                extra=f"rounds={ROUNDS} digest_bytes={sum(sizes) // len(sizes)} "
                f"peer_bytes={sum(peer_sizes) // len(peer_sizes)}",
            )

            # Exactly once: the last day again, then a day killed half-way and resumed.
            day = last["day"]
            before = len(sink.received)
            reminders.send_reminders(day)
            rerun_sent = len(sink.received) - before
            next_day = add_working_days(day, 1)
            before = len(sink.received)
            run_killed_half_way(next_day)
            reminders.send_reminders(next_day)
            dup, missing = duplicates(sink.received[before:])
        finally:
            controller.stop()
    harness.report_count(
        "reminders_duplicates (a day rerun; a day killed half-way and rerun)",
        rerun_sent + dup,
        goal=0,
        extra=f"rerun_sent={rerun_sent} resumed_duplicates={dup}",
    )
    harness.report_count(
        "reminders_missing (addresses without a digest after the resumed day)", missing, goal=0
    )
    harness.finish()


if __name__ == "__main__":
    main()
