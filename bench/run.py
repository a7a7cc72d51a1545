"""Benchmarks, printed one line each as a ratio against a peer measured in the
same run (these machines are shared and noisy: absolute times mean little).

Runs on a throw-away SQLite database under a temporary VAR_DIR, or on
DATABASE_URL's server when set (a test database is created and dropped).
Other scripts here import demo_database() and median_seconds() from it."""

import atexit
import io
import os
import shutil
import statistics
import sys
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "opsg.settings")


def _scratch(name: str) -> None:
    os.environ[name] = tempfile.mkdtemp(prefix="opsg-bench-")
    atexit.register(shutil.rmtree, os.environ[name], ignore_errors=True)


# The demo's SQLite file (unless VAR_DIR or DATABASE_URL is given) and, always,
# the files the app keeps (imported sources, PDFs) go to scratch folders
# removed when the run ends.
if "VAR_DIR" not in os.environ:
    _scratch("VAR_DIR")
_scratch("MEDIA_ROOT")
os.environ.setdefault("DEMO_PASSWORD", "bench-only-password")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection, reset_queries  # noqa: E402
from django.test.utils import setup_test_environment  # noqa: E402


@contextmanager
def demo_database(*, demo: bool = True):
    """A throw-away test database holding the demo (OPSG 25), or nothing
    with demo=False, dropped afterwards."""
    setup_test_environment()
    old_name = connection.creation.create_test_db(verbosity=0, keepdb=False)
    try:
        if demo:
            call_command("load_demo", verbosity=0, stdout=io.StringIO())
        yield
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


def median_seconds(fn, repeat=15):
    fn()  # warm caches
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def line(name, subject, peer, peer_name):
    print(
        f"{name:<44} {subject * 1000:8.2f} ms  {peer * 1000:8.2f} ms {peer_name:<28} ratio {subject / peer:5.2f}"
    )


def main():
    with demo_database():
        from django.test import Client

        from meetings.access import EVERYTHING
        from meetings.models import Meeting
        from minutes.selectors import minutes_document

        meeting = Meeting.objects.get(committee__code="OPSG", number=25)

        def naive_document():
            # The peer: the same content read row by row without the selector's prefetches.
            return [
                (
                    item.title,
                    [d.text for d in item.decisions.all()],
                    [(a.reference, [o.name for o in a.owners.all()]) for a in item.actions.all()],
                )
                for item in meeting.items.all()
            ] + [
                (r.action.reference, [o.name for o in r.action.owners.all()])
                for r in meeting.action_reviews.all()
            ]

        line(
            "minutes_document(OPSG 25) via selector",
            median_seconds(lambda: minutes_document(meeting, reader=EVERYTHING)),
            median_seconds(naive_document),
            "vs naive row-by-row read",
        )

        client = Client()
        # Through the login form: django-axes needs the request `client.login` lacks.
        client.post(
            "/accounts/login/",
            {"username": "secretary", "password": os.environ["DEMO_PASSWORD"]},
        )
        reset_queries()
        line(
            "GET minutes page (OPSG 25, 20 items)",
            median_seconds(lambda: client.get("/committees/OPSG/meetings/25/")),
            median_seconds(lambda: client.get("/committees/OPSG/")),
            "vs GET committee page",
        )


if __name__ == "__main__":
    main()
