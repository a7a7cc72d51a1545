"""Browser tests: Playwright drives Debian's Chromium against pytest-django's live_server.

No browser is ever downloaded (`playwright install` is not used): the
`browser_type_launch_args` fixture points Playwright at /usr/bin/chromium.
"""

import os
import threading
from pathlib import Path

import pytest

from tests.conftest import need

# Playwright's sync API keeps an event loop running in the test thread, so
# Django's ORM would refuse to run there (SynchronousOnlyOperation).
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
SCREENSHOT_DIR = Path(__file__).resolve().parent / "screenshots"


def pytest_collection_modifyitems(items):
    here = Path(__file__).parent
    for item in items:
        if here in Path(item.path).parents:
            item.add_marker(pytest.mark.e2e)


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    """A British user's browser: Accept-Language en-GB, London time. (Debian's
    headless Chromium still draws date inputs the American way.)"""
    return {**browser_context_args, "locale": "en-GB", "timezone_id": "Europe/London"}


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    need(CHROMIUM.is_file(), f"Chromium not installed at {CHROMIUM}")
    return {
        **browser_type_launch_args,
        "executable_path": str(CHROMIUM),
        "args": [*browser_type_launch_args.get("args", []), *CHROMIUM_ARGS],
    }


@pytest.fixture
def screenshot_dir() -> Path:
    SCREENSHOT_DIR.mkdir(parents=True, exist_ok=True)
    return SCREENSHOT_DIR


@pytest.fixture
def worker(settings):
    """A Celery worker in this process for the test's length when tasks go
    through Redis (the PostgreSQL + Redis half of the suite), so what the
    page waits for (a meeting pack, say) is done as in service; without
    REDIS_URL tasks run in-process and none is needed."""
    if not settings.REDIS_URL:
        yield
        return
    from celery.contrib.testing.worker import start_worker

    from opsg.celery import app

    app.control.purge()  # messages left by an earlier, interrupted run
    with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=10):
        yield


@pytest.fixture(scope="session")
def live_server(django_db_setup, live_server):
    """pytest-django's live server, started once the test database is set up,
    serving one request at a time when that database is in-memory SQLite.

    Started before the set-up (pytest makes session fixtures first), the
    server would not know the database is in memory: each of its request
    threads would open its own connection to SQLite's shared in-memory cache,
    whose table locks fail at once ("database table is locked") when two
    requests overlap, as the attendance grid's do when one row saves while the
    next is typed. Started after, its threads share the test's one connection,
    so requests take turns on it (two would interleave their savepoints). The
    app itself, on a SQLite file (`make run`) or PostgreSQL, has a connection
    per thread that waits for another's lock; nothing changes there."""
    if live_server.thread.connections_override:
        live_server.thread.httpd.set_app(_one_at_a_time(live_server.thread.httpd.get_app()))
    return live_server


def _one_at_a_time(app):
    lock = threading.Lock()

    def serve(environ, start_response):
        with lock:
            answer = app(environ, start_response)
            try:
                # A streamed answer (an export) reads the database as it goes.
                return list(answer)
            finally:
                if hasattr(answer, "close"):
                    answer.close()

    return serve
