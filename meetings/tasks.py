"""Celery tasks of the meetings app: thin wrappers holding only the retry
policy; the work is in services.py and circulation.py, where the management
commands call it too."""

from celery import shared_task
from django.db import InterfaceError, OperationalError

from .circulation import send_circulation, send_pending_circulations
from .models import RENDER_TIME_LIMIT
from .services import render_minutes_pdf


@shared_task(
    bind=True,
    # Retried only for a lost or busy database; a render that fails is
    # recorded as failed by the function itself and retried by a person.
    autoretry_for=(OperationalError, InterfaceError),
    max_retries=3,
    retry_backoff=5,
    retry_jitter=True,
    # Acknowledged when done, and put back on the queue should the process
    # die mid-render (killed, out of memory): the job is redelivered rather
    # than lost, and the redelivered task takes its own claim back.
    acks_late=True,
    reject_on_worker_lost=True,
    # A runaway layout is stopped and recorded as failed a minute before the
    # hard limit; past the hard limit RENDER_STALE_AFTER lets the claim go.
    soft_time_limit=RENDER_TIME_LIMIT.total_seconds() - 60,
    time_limit=RENDER_TIME_LIMIT.total_seconds(),
)
def render_minutes_pdf_task(self, document_id: int) -> str:
    document = render_minutes_pdf(document_id, task_id=self.request.id)
    return document.state if document else "missing"


class CirculationFailed(Exception):
    """Some circulation emails could not be sent; the retry picks up their rows."""


@shared_task(
    autoretry_for=(CirculationFailed, OperationalError, InterfaceError),
    # Then 1, 2, 4, 8 and 16 minutes later; after that `manage.py send_circulation`.
    retry_backoff=60,
    retry_backoff_max=30 * 60,
    retry_jitter=False,
    max_retries=5,
    acks_late=True,
    # Each email waits at most EMAIL_TIMEOUT to connect; a committee is a few
    # dozen people. A stuck run is stopped well before Redis would hand it on.
    soft_time_limit=240,
    time_limit=300,
)
def send_circulation_task(meeting_id: int) -> dict:
    report = send_circulation(meeting_id)
    if report.failed:
        raise CirculationFailed(report.summary())
    return report.as_dict()


@shared_task(
    autoretry_for=(OperationalError, InterfaceError),
    max_retries=3,
    retry_backoff=5,
    # Beat runs it every few minutes: a run still going when the next is due
    # is stopped well before (two at once would still send each email once).
    soft_time_limit=240,
    time_limit=270,
)
def send_pending_circulations_task() -> list[dict]:
    return [report.as_dict() for report in send_pending_circulations()]
