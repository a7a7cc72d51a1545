"""Tasks go through the transport the settings choose: in-process without
REDIS_URL, a real worker over Redis with it (CI runs the suite both ways)."""

from celery.contrib.testing.worker import start_worker
from django.conf import settings

from opsg.celery import app
from opsg.tasks import ping


def test_a_task_runs_through_the_configured_transport():
    if settings.REDIS_URL:
        assert not app.conf.task_always_eager
        with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=10):
            assert ping.delay().get(timeout=30) == "pong"
    else:
        assert app.conf.task_always_eager
        assert ping.delay().get() == "pong"
