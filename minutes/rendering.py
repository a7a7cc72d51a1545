"""The PDF render job: one idempotent function, run by the worker's task
(minutes.tasks) and by `manage.py render_minutes`."""

import logging
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone

from meetings.models import RENDER_ATTEMPTS, RENDER_STALE_AFTER, Meeting, MinutesDocument

from . import pdf

PdfState = MinutesDocument.State

logger = logging.getLogger(__name__)


def _render_failure(exc: Exception) -> str:
    """What the chair reads about a failed render: the reason in words, never
    a file path or a traceback (those are in the log)."""
    if isinstance(exc, ValidationError):
        return "; ".join(exc.messages)
    if isinstance(exc, OSError) and exc.strerror:
        return f"the file could not be written ({exc.strerror}). Try again later."
    return "the renderer stopped with an error, logged for the administrators. Try again."


def render_minutes_pdf(document_id: int, *, task_id: str | None = None) -> MinutesDocument | None:
    """Render a requested PDF of the minutes and store it. Idempotent: the
    document is claimed with a conditional UPDATE first, so a second run, a
    retried task or a second worker finds it taken (or done) and does
    nothing. The file is written beside its final name and moved into place
    only when complete; a failure marks the document failed with the reason
    and leaves no file. The minutes are read as they are at render time, and
    the document records that version and status.

    A claim older than RENDER_STALE_AFTER died with its worker and is taken
    again. So is one held under `task_id` (the task's own id, the document's
    task_id), at once: the same task comes again only after the attempt
    before it ended, by a retry or by redelivery when its process died
    mid-render (the task is acknowledged late, and the broker's visibility
    timeout is longer than its time limit). Were that attempt somehow still
    alive, it no longer holds the claim and discards its file. A render
    claimed RENDER_ATTEMPTS times already (each attempt died with its
    worker) is not tried again: it is marked failed, and a person retries."""
    token = timezone.now()
    claimable = Q(state=PdfState.PENDING) | Q(
        state=PdfState.RENDERING, started_at__lt=token - RENDER_STALE_AFTER
    )
    if task_id:
        claimable |= Q(state=PdfState.RENDERING, task_id=task_id)
    claimed = MinutesDocument.objects.filter(
        claimable, pk=document_id, attempts__lt=RENDER_ATTEMPTS
    ).update(state=PdfState.RENDERING, started_at=token, error="", attempts=F("attempts") + 1)
    if not claimed:
        MinutesDocument.objects.filter(
            claimable, pk=document_id, attempts__gte=RENDER_ATTEMPTS
        ).update(
            state=PdfState.FAILED,
            error=f"The render stopped its worker {RENDER_ATTEMPTS} times (the minutes may be "
            "too large to print) and is not tried again. Try again later; if it fails the "
            "same way, tell the site's administrator.",
        )
    document = (
        MinutesDocument.objects.select_related("meeting__committee").filter(pk=document_id).first()
    )
    if document is None:
        logger.warning("Minutes PDF %s: no such document, nothing to render", document_id)
        return None
    if not claimed:
        return document
    mine = MinutesDocument.objects.filter(
        pk=document.pk, state=PdfState.RENDERING, started_at=token
    )

    meeting = document.meeting
    name = (
        f"minutes/{meeting.committee.code}/"
        f"{meeting.reference}_{document.pk}_{token:%Y%m%dT%H%M%S%f}.pdf"
    )
    path = Path(default_storage.path(name))
    try:
        source = pdf.minutes_source(meeting)
        issued = (
            MinutesDocument.objects.filter(
                meeting=meeting,
                minutes_version=source.version,
                minutes_status=Meeting.Status.PUBLISHED,
                state=PdfState.DONE,
            )
            .exclude(pk=document.pk)
            .first()
        )
        if source.status == Meeting.Status.PUBLISHED and issued:
            raise ValidationError(
                f"These published minutes were already issued as a PDF (document {issued.pk}); "
                "it is not made again."
            )
        rendered = pdf.render_pdf(source.html, path)
    except Exception as exc:
        logger.exception("Minutes PDF %s of %s failed", document.pk, meeting)
        mine.update(state=PdfState.FAILED, error=_render_failure(exc)[:2000])
        document.refresh_from_db()
        return document

    try:
        with transaction.atomic():
            won = mine.update(
                state=PdfState.DONE,
                file=name,
                sha256=rendered.sha256,
                pages=rendered.pages,
                size=rendered.size,
                minutes_version=source.version,
                minutes_status=source.status,
                source_sha256=source.sha256,
                rendered_at=timezone.now(),
                error="",
            )
    except IntegrityError:
        # The same minutes were finished first by another request's render.
        path.unlink(missing_ok=True)
        mine.update(
            state=PdfState.FAILED,
            error="Not kept: the same minutes were rendered at the same time by another request.",
        )
    else:
        if not won:
            # Reclaimed after a stall: the newer attempt's file is the one kept.
            path.unlink(missing_ok=True)
    document.refresh_from_db()
    return document
