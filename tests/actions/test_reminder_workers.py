"""Reminder runs on real Celery workers (actions/reminders.py, actions/tasks.py):
two runs of one day at the same moment, each on its own worker, against
PostgreSQL, Redis and an SMTP server, still send each address one digest
carrying all its reminders. Skipped (failed under CI) without PostgreSQL
and Redis; the same race in threads, on both databases, is in
test_reminders.py."""

import asyncio
import datetime
from collections import Counter

import pytest
from aiosmtpd.controller import Controller

from actions.models import DigestClaim, Reminder
from actions.tasks import send_reminders_task
from meetings.models import Organisation
from tests.actions.test_reminders import Sink, free_port
from tests.base import circulate, make_action, make_meeting, make_world
from tests.workers import celery_workers, need_postgres_and_redis, worker_environment

MON = datetime.date(2019, 10, 28)
ADDRESSES = 12
ACTIONS_EACH = 3


class SlowSink(Sink):
    """Takes a moment over each message, so the two runs overlap throughout."""

    async def handle_DATA(self, server, session, envelope):
        await asyncio.sleep(0.05)
        return await super().handle_DATA(server, session, envelope)


def build() -> list[str]:
    """ADDRESSES organisations, each owning ACTIONS_EACH overdue actions."""
    world = make_world()
    meeting = make_meeting(world, number=24, date=datetime.date(2019, 9, 3))
    circulate(meeting)
    addresses = []
    for n in range(ADDRESSES):
        address = f"contact{n:02d}@example.org"
        owner = Organisation.objects.create(short_name=f"Org {n:02d}", contact_emails=address)
        for m in range(ACTIONS_EACH):
            make_action(
                world,
                meeting,
                text=f"Org {n:02d} to report, part {m + 1}.",
                owners=[owner],
                target_date=datetime.date(2019, 10, 1 + m),
            )
        addresses.append(address)
    return addresses


@pytest.mark.django_db(transaction=True)
def test_two_reminder_runs_at_once_send_one_digest_per_recipient(tmp_path):
    need_postgres_and_redis()
    addresses = build()
    port = free_port()
    sink = SlowSink()
    smtp = Controller(sink, hostname="127.0.0.1", port=port)
    smtp.start()
    env = worker_environment(
        tmp_path / "var",
        EMAIL_HOST="127.0.0.1",
        EMAIL_PORT=str(port),
        EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend",
    )
    try:
        with celery_workers(["first", "second"], env):
            # Both queued before either starts: each worker takes one (one
            # task at a time, acknowledged late, so neither can take both).
            runs = [send_reminders_task.delay(MON.isoformat()) for _ in range(2)]
            reports = [run.get(timeout=120) for run in runs]
    finally:
        smtp.stop()

    received = Counter(rcpt for rcpts, _ in sink.received for rcpt in rcpts)
    assert received == dict.fromkeys(addresses, 1)
    # Each digest carried all of its address's actions, not a share of them.
    for _, message in sink.received:
        text = message.get_body(("plain",)).get_content()
        assert text.count(", target ") == ACTIONS_EACH, text
    # Between them the two runs sent every digest once; the rest they skipped.
    assert sum(r["emails_sent"] for r in reports) == ADDRESSES
    assert sum(r["reminders_sent"] for r in reports) == ADDRESSES * ACTIONS_EACH
    assert sum(r["skipped"] for r in reports) == ADDRESSES * ACTIONS_EACH
    assert set(Reminder.objects.values_list("state", "attempts")) == {("sent", 1)}
    assert DigestClaim.objects.filter(day=MON).count() == ADDRESSES
