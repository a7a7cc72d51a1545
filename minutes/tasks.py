"""Celery tasks of the minutes: thin wrappers holding only the retry
policy; the work is in minutes.rendering, where `manage.py render_minutes`
calls it too."""

import logging

from celery import shared_task
from django.db import InterfaceError, OperationalError

from meetings.models import RENDER_TIME_LIMIT, MinutesDocument

from .brief_email import send_briefs
from .comments import send_comment_outcome, send_pending_comment_outcomes
from .rendering import render_minutes_pdf

logger = logging.getLogger(__name__)


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


def queue_render(document_id: int, task_id: str) -> None:
    """Hand the render to the worker (in-process without REDIS_URL), under
    the document's task id; services.minutes_pdf_request calls it once the
    request commits."""
    try:
        render_minutes_pdf_task.apply_async(args=[document_id], task_id=task_id)
    except Exception as exc:
        # The broker is down (or, in-process, the render raised): say so on the
        # page rather than leave the document waiting for a task that never comes.
        # The page says it in words; the broker's address and error go to the log.
        logger.exception("Minutes PDF %s: could not queue the render (%s)", document_id, exc)
        MinutesDocument.objects.filter(pk=document_id, state=MinutesDocument.State.PENDING).update(
            state=MinutesDocument.State.FAILED,
            error="The render could not be queued: the background worker could not be "
            "reached. Try again in a minute.",
        )


@shared_task(
    autoretry_for=(Exception,),
    # Then 1, 2, 4, 8 and 16 minutes later; the claim is given back on failure.
    retry_backoff=60,
    retry_backoff_max=30 * 60,
    retry_jitter=False,
    max_retries=5,
    acks_late=True,
    soft_time_limit=60,
    time_limit=90,
)
def send_comment_outcome_task(comment_id: int) -> bool:
    return send_comment_outcome(comment_id)


@shared_task(
    autoretry_for=(OperationalError, InterfaceError),
    max_retries=3,
    retry_backoff=5,
    soft_time_limit=240,
    time_limit=270,
)
def send_pending_comment_outcomes_task() -> int:
    return send_pending_comment_outcomes()


@shared_task(
    autoretry_for=(OperationalError, InterfaceError),
    max_retries=3,
    retry_backoff=5,
    soft_time_limit=20 * 60,
    time_limit=25 * 60,
)
def send_briefs_task() -> dict:
    return send_briefs().as_dict()


def queue_comment_outcome(comment_id: int) -> None:
    """Hand the email to the worker once the decision commits (in-process
    without REDIS_URL). A broker that is down is logged: the decision stands,
    and `manage.py send_comment_outcomes` sends what is owed."""
    try:
        send_comment_outcome_task.delay(comment_id)
    except Exception:
        logger.exception("The outcome of suggestion %s could not be queued", comment_id)
