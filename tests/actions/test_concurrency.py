"""Two secretaries raising actions at the same meeting at the same moment get
different, consecutive references: the counter row is locked while a number
is handed out (a row lock on PostgreSQL; SQLite lets one writer in at a time).

CI runs the suite on both databases, so this test runs on both. On PostgreSQL
the two threads share the test database. SQLite's test database lives in
memory with a shared cache, whose table locks fail at once instead of waiting,
so there the race runs in a child process on a file database configured
exactly as the demo is (settings with no environment)."""

import threading
from unittest import mock

import pytest
from django.db import connection

from actions import services
from actions.models import Action, ReferenceCounter
from meetings.models import Meeting, Organisation
from tests.base import make_meeting, make_world
from tests.races import run_in_child, run_together

ON_SQLITE = connection.vendor == "sqlite"


def raise_two_at_once(meeting_pk: int) -> dict:
    """Two threads raise an action at the meeting at the same moment.

    Both transactions have read (the next meeting's date, for the default
    target) before either writes: the interleaving a pair of busy secretaries
    hits now and then, made certain here so the result never depends on luck."""
    both_read = threading.Barrier(2)
    real_default_target = services.default_target

    def default_target_then_wait(meeting):
        target = real_default_target(meeting)
        try:
            both_read.wait(timeout=2)
        except threading.BrokenBarrierError:
            # A database that keeps the second transaction out until the first
            # commits never lets both read first: go on alone.
            pass
        return target

    def raise_one(n):
        meeting = Meeting.objects.select_related("committee").get(pk=meeting_pk)
        dcc = Organisation.objects.get(short_name="DCC")
        text = f"DCC to report ({n + 1})."
        return services.action_raise(meeting=meeting, item=None, owners=[dcc], text=text).reference

    with mock.patch.object(services, "default_target", default_target_then_wait):
        references, errors = run_together(raise_one)
    return {
        "references": sorted(references),
        "errors": errors,
        "stored": sorted(Action.objects.values_list("reference", flat=True)),
        "counter": list(ReferenceCounter.objects.values_list("last_sequence", flat=True)),
    }


# Run in the child process: a fresh demo database, then the race.
CHILD = """
from tests.actions.test_concurrency import raise_two_at_once
from tests.base import make_meeting, make_world
from tests.races import run_in_child, run_together
print(json.dumps(raise_two_at_once(make_meeting(make_world()).pk)))
"""


@pytest.mark.django_db(transaction=True)
def test_two_simultaneous_raises_get_consecutive_references(tmp_path, settings):
    if ON_SQLITE:
        outcome = run_in_child(CHILD, tmp_path / "var")
    else:
        settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
        outcome = raise_two_at_once(make_meeting(make_world()).pk)
    assert outcome["errors"] == []
    assert outcome["references"] == ["OPSG 25/01", "OPSG 25/02"]
    assert outcome["stored"] == ["OPSG 25/01", "OPSG 25/02"]
    assert outcome["counter"] == [2]
