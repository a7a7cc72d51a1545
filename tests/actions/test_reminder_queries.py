"""The reminder run's queries (actions/reminders.py) do not grow with the
number of actions an owner has: what is due is read in a few set-based
queries, and each digest takes the same few statements whether it carries
3 actions or 300 (on PostgreSQL one, its rows marked sent: a batch of
digests is claimed, and its rows read, in one statement each). Only the
insert of the day's rows may take more than one statement: one on
PostgreSQL, batches of up to 500 rows on SQLite (fewer where it bounds a
statement's parameters)."""

import datetime
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from actions.models import Action, ActionOwner, Reminder
from actions.references import format_reference
from actions.reminders import send_reminders
from meetings.models import Organisation
from tests.base import circulate, make_meeting, make_world

MON = datetime.date(2019, 10, 28)
OWNERS = 2
# The insert of the day's rows: on PostgreSQL of those not there yet (ON
# CONFLICT DO NOTHING after meeting another run's), on SQLite OR IGNORE.
ROWS_INSERT = re.compile(r'INSERT (OR IGNORE )?INTO "actions_reminder" ')


def overdue_actions(each: int) -> list[str]:
    """OWNERS organisations (one address each), each owning `each` overdue actions."""
    world = make_world()
    meeting = make_meeting(world, number=24, date=datetime.date(2019, 9, 3))
    circulate(meeting)
    owners = [
        Organisation.objects.create(short_name=f"Org {n}", contact_emails=f"org{n}@example.org")
        for n in range(OWNERS)
    ]
    actions = Action.objects.bulk_create(
        Action(
            committee=world.opsg,
            meeting_number=meeting.number,
            sequence=seq,
            reference=format_reference("OPSG", meeting.number, seq, False),
            meeting=meeting,
            text=f"Party to report on point {seq}.",
            raised_on=meeting.date,
            target_date=datetime.date(2019, 10, 1),
        )
        for seq in range(1, OWNERS * each + 1)
    )
    ActionOwner.objects.bulk_create(
        ActionOwner(action=action, organisation=owners[n % OWNERS])
        for n, action in enumerate(actions)
    )
    return [f"org{n}@example.org" for n in range(OWNERS)]


def run_counted(mailoutbox) -> tuple[int, int]:
    """(statements other than the rows' insert, insert statements) of one run."""
    with CaptureQueriesContext(connection) as queries:
        report = send_reminders(MON)
    assert report.emails_sent == OWNERS and not report.failed
    inserts = [q for q in queries.captured_queries if ROWS_INSERT.match(q["sql"])]
    return len(queries.captured_queries) - len(inserts), len(inserts)


@pytest.mark.parametrize("each", [3, 300])
def test_the_runs_queries_do_not_grow_with_the_actions(db, mailoutbox, each):
    addresses = overdue_actions(each)
    others, inserts = run_counted(mailoutbox)
    # What is due: meetings ahead, each committee's last number, dates
    # announced, the reviews owners may not read, the due actions with their
    # owners (5); rows sent already, addresses with rows to send, claims
    # made, the claims' insert (4).
    if connection.vendor == "postgresql":
        # The rows' insert in its own transaction (savepoint here) (2);
        # commits that do not wait for the disk, and back (2); per batch of
        # up to 100 digests their claims, their rows and letting the claims
        # go (3); per digest marking its rows sent.
        assert others == 5 + 4 + 2 + 2 + 3 + OWNERS * 1
    else:
        # Per digest its claim, its rows and marking them sent, each inside
        # its own transaction (savepoint here).
        assert others == 5 + 4 + OWNERS * (3 + 2)
    # The day's rows: one statement per batch, never one per action.
    assert 1 <= inserts <= -(-OWNERS * each // 100)
    assert sorted(m.to[0] for m in mailoutbox) == addresses
    assert all(m.body.count(", target ") == each for m in mailoutbox)
    assert Reminder.objects.filter(state="sent").count() == OWNERS * each


def test_rows_left_by_a_crash_go_even_when_their_action_is_no_longer_due(db, mailoutbox):
    """A row claimed by a run that died before sending is sent by the next
    run of the day, as the action stands, though the action was closed in
    between and that run's own reading of what is due no longer has it."""
    addresses = overdue_actions(3)
    Reminder.objects.create(
        recipient=addresses[0],
        action=Action.objects.get(sequence=1),
        kind="overdue",
        day=MON,
        claimed_at=datetime.datetime(2019, 10, 28, 7, 30, tzinfo=datetime.UTC),
    )
    Action.objects.filter(sequence=1).update(
        status="closed", outcome="completed", closed_on=datetime.date(2019, 10, 1)
    )
    report = send_reminders(MON)
    assert report.emails_sent == OWNERS and not report.failed
    first = next(m for m in mailoutbox if m.to == [addresses[0]])
    assert "OPSG 24/01" in first.body and first.body.count(", target ") == 3
    assert not Reminder.objects.exclude(state="sent").exists()
