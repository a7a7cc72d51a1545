"""Celery tasks of the meetings app: thin wrappers holding only the retry
policy; the work is in services.py, where the management commands call it too."""

from celery import shared_task
from django.db import InterfaceError, OperationalError

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
