"""Celery tasks of the meetings app: thin wrappers holding only the retry
policy; the work is in services.py, where the management commands call it too."""

from celery import shared_task
from django.db import InterfaceError, OperationalError

from .services import render_minutes_pdf


@shared_task(
    # Retried only for a lost or busy database; a render that fails is
    # recorded as failed by the function itself and retried by a person.
    autoretry_for=(OperationalError, InterfaceError),
    max_retries=3,
    retry_backoff=5,
    retry_jitter=True,
    acks_late=True,
    # A runaway layout is stopped (and recorded as failed) well before
    # RENDER_STALE_AFTER lets another worker claim the document.
    soft_time_limit=240,
    time_limit=300,
)
def render_minutes_pdf_task(document_id: int) -> str:
    document = render_minutes_pdf(document_id)
    return document.state if document else "missing"
