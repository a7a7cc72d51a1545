"""Two secretaries raising actions at the same meeting at the same moment get
different, consecutive references: the counter row is locked while a number
is handed out (a row lock on PostgreSQL; SQLite lets one writer in at a time).

CI runs the suite on both databases, so this test runs on both. On PostgreSQL
the two threads share the test database. SQLite's test database lives in
memory with a shared cache, whose table locks fail at once instead of waiting,
so there the race runs in a child process on a file database configured
exactly as the demo is (settings with no environment)."""

import json
import os
import subprocess
import sys
import threading
from pathlib import Path
from unittest import mock

import pytest
from django.db import connection, connections

from actions import services
from actions.models import Action, ReferenceCounter
from meetings.models import Meeting, Organisation
from tests.base import make_meeting, make_world

ROOT = Path(__file__).resolve().parents[2]
ON_SQLITE = connection.vendor == "sqlite"


def raise_two_at_once(meeting_pk: int) -> dict:
    """Two threads raise an action at the meeting at the same moment.

    Both transactions have read (the next meeting's date, for the default
    target) before either writes: the interleaving a pair of busy secretaries
    hits now and then, made certain here so the result never depends on luck."""
    start = threading.Barrier(2, timeout=30)
    both_read = threading.Barrier(2)
    real_default_target = services.default_target
    references, errors = [], []

    def default_target_then_wait(meeting):
        target = real_default_target(meeting)
        try:
            both_read.wait(timeout=2)
        except threading.BrokenBarrierError:
            # A database that keeps the second transaction out until the first
            # commits never lets both read first: go on alone.
            pass
        return target

    def raise_one(text):
        try:
            meeting = Meeting.objects.select_related("committee").get(pk=meeting_pk)
            dcc = Organisation.objects.get(short_name="DCC")
            start.wait()
            action = services.action_raise(meeting=meeting, item=None, owners=[dcc], text=text)
            references.append(action.reference)
        except Exception as exc:  # reported by the caller, with the other thread's result
            errors.append(repr(exc))
        finally:
            connections.close_all()

    with mock.patch.object(services, "default_target", default_target_then_wait):
        threads = [
            threading.Thread(target=raise_one, args=(f"DCC to report ({n}).",)) for n in (1, 2)
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)
    return {
        "references": sorted(references),
        "errors": errors,
        "stored": sorted(Action.objects.values_list("reference", flat=True)),
        "counter": list(ReferenceCounter.objects.values_list("last_sequence", flat=True)),
    }


# Run in the child process: a fresh demo database, then the race.
CHILD = """
import json
import django
django.setup()
from django.conf import settings
from django.core.management import call_command
settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
call_command("migrate", verbosity=0)
from tests.actions.test_concurrency import raise_two_at_once
from tests.base import make_meeting, make_world
print(json.dumps(raise_two_at_once(make_meeting(make_world()).pk)))
"""


def race_on_a_demo_database(var_dir: Path) -> dict:
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in {"DATABASE_URL", "REDIS_URL", "DJANGO_SETTINGS_MODULE", "DEMO_MODE"}
    }
    env.update(DJANGO_SETTINGS_MODULE="opsg.settings", VAR_DIR=str(var_dir))
    result = subprocess.run(
        [sys.executable, "-c", CHILD],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


@pytest.mark.django_db(transaction=True)
def test_two_simultaneous_raises_get_consecutive_references(tmp_path, settings):
    if ON_SQLITE:
        outcome = race_on_a_demo_database(tmp_path / "var")
    else:
        settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
        outcome = raise_two_at_once(make_meeting(make_world()).pk)
    assert outcome["errors"] == []
    assert outcome["references"] == ["OPSG 25/01", "OPSG 25/02"]
    assert outcome["stored"] == ["OPSG 25/01", "OPSG 25/02"]
    assert outcome["counter"] == [2]
