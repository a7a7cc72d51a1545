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


# --- a worker lost mid-task -------------------------------------------------------


def project_tasks() -> dict:
    app.loader.import_default_modules()
    return {name: task for name, task in app.tasks.items() if not name.startswith("celery.")}


def test_tasks_are_redelivered_when_their_worker_is_lost():
    assert app.conf.task_acks_late is True
    assert app.conf.task_reject_on_worker_lost is True
    assert app.conf.worker_prefetch_multiplier == 1
    tasks = project_tasks()
    assert {"minutes.tasks.render_minutes_pdf_task", "actions.tasks.send_reminders_task"} <= set(
        tasks
    )
    render = tasks["minutes.tasks.render_minutes_pdf_task"]
    assert render.acks_late is True and render.reject_on_worker_lost is True


def test_the_visibility_timeout_outlasts_every_task_and_its_retries():
    """Redis hands an unacknowledged task to another worker after the
    visibility timeout: a task still running, or holding its retry's
    countdown, must never reach it, or it would run twice at once."""
    timeout = app.conf.broker_transport_options["visibility_timeout"]
    for name, task in project_tasks().items():
        limit = task.time_limit or app.conf.task_time_limit
        assert limit, f"{name} has no time limit"
        countdown = 0
        # Celery's exponential back-off: retry_backoff × 2^(retry − 1), capped
        # at retry_backoff_max (600 s unless the task says otherwise).
        backoff = getattr(task, "retry_backoff", False)
        if backoff:
            cap = getattr(task, "retry_backoff_max", 600)
            countdown = min(cap, int(backoff) * 2 ** (task.max_retries - 1))
        assert limit + countdown < timeout, name


def test_the_render_claim_goes_stale_after_the_time_limit_and_before_redelivery():
    """RENDER_STALE_AFTER follows the render task's hard limit: a claim that
    old was held by a process the worker has killed, and a task redelivered
    after the visibility timeout finds it free to take."""
    from meetings.models import RENDER_STALE_AFTER, RENDER_TIME_LIMIT
    from minutes.tasks import render_minutes_pdf_task

    assert render_minutes_pdf_task.time_limit == RENDER_TIME_LIMIT.total_seconds()
    assert render_minutes_pdf_task.soft_time_limit < render_minutes_pdf_task.time_limit
    assert RENDER_TIME_LIMIT < RENDER_STALE_AFTER
    timeout = app.conf.broker_transport_options["visibility_timeout"]
    assert RENDER_STALE_AFTER.total_seconds() < timeout
