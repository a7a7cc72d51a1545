"""Celery task of the importer: a thin wrapper holding the retry policy; the
work is in imports.reading, which `manage.py read_import` calls too."""

import logging

from celery import shared_task
from django.conf import settings
from django.db import InterfaceError, OperationalError, transaction

from .models import PendingImport
from .reading import read_pending_import, sweep_pending_imports

logger = logging.getLogger(__name__)


@shared_task(
    autoretry_for=(OperationalError, InterfaceError),
    max_retries=3,
    retry_backoff=5,
    retry_jitter=True,
    acks_late=True,
    reject_on_worker_lost=True,
    soft_time_limit=120,
    time_limit=180,
)
def read_import_task(pending_id: int) -> str:
    upload = read_pending_import(pending_id)
    return upload.state if upload else "missing"


@shared_task(autoretry_for=(OperationalError, InterfaceError), max_retries=3, retry_backoff=5)
def sweep_pending_imports_task() -> str:
    read, forgotten = sweep_pending_imports()
    return f"read {read}, forgot {forgotten}"


def queue_reading(upload: PendingImport) -> None:
    """Hand the reading to the worker once the request commits; in-process
    at once where tasks run in-process or IMPORT_READ_IN_WORKER is off."""
    if not settings.IMPORT_READ_IN_WORKER:
        read_pending_import(upload.pk)
        return

    def send() -> None:
        try:
            read_import_task.delay(upload.pk)
        except Exception as exc:
            logger.exception("Import %s: could not queue the reading (%s)", upload.pk, exc)
            PendingImport.objects.filter(pk=upload.pk, state=PendingImport.State.WAITING).update(
                state=PendingImport.State.FAILED,
                error="The file could not be handed to the background worker. "
                "Try again in a minute.",
            )

    transaction.on_commit(send)
