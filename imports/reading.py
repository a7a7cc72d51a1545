"""The reading job: an uploaded minutes document read into what the review
page shows, in the worker and not in the web request. One idempotent
function, run by the worker's task (imports.tasks) and by `manage.py
read_import`; the upload view runs it in-process where tasks do
(IMPORT_READ_IN_WORKER off)."""

import datetime
import logging

from django.db.models import F, Q
from django.utils import timezone

from . import pending
from .models import PendingImport
from .parse import read_upload
from .parsed import as_json

logger = logging.getLogger(__name__)
State = PendingImport.State

# A reading takes seconds; one claimed longer ago died with its worker.
READ_STALE_AFTER = datetime.timedelta(minutes=5)
READ_ATTEMPTS = 3


def read_pending_import(pending_id: int) -> PendingImport | None:
    """Read a waiting upload and keep what was read, or why it cannot be.
    Idempotent: the upload is claimed with a conditional UPDATE, so a second
    run, a retried task or a second worker finds it taken (or read) and does
    nothing. A claim older than READ_STALE_AFTER died with its worker and is
    taken again, READ_ATTEMPTS times at most; then the reading is failed with
    a sentence, and the secretary uploads the file again."""
    now = timezone.now()
    claimable = Q(state=State.WAITING) | Q(
        state=State.READING, started_at__lt=now - READ_STALE_AFTER
    )
    claimed = PendingImport.objects.filter(
        claimable, pk=pending_id, attempts__lt=READ_ATTEMPTS
    ).update(state=State.READING, started_at=now, attempts=F("attempts") + 1, stage="Starting")
    if not claimed:
        PendingImport.objects.filter(claimable, pk=pending_id, attempts__gte=READ_ATTEMPTS).update(
            state=State.FAILED,
            error="Reading this file stopped its worker several times: it is not tried again. "
            "Upload it again; if that fails too, tell the site's administrator.",
        )
        return PendingImport.objects.filter(pk=pending_id).first()
    upload = PendingImport.objects.get(pk=pending_id)
    mine = PendingImport.objects.filter(pk=pending_id, state=State.READING, started_at=now)

    def progress(stage: str) -> None:
        mine.update(stage=stage[:120])

    try:
        data, name = pending.load(upload.token)
        text, parsed = read_upload(
            data,
            name,
            committee=upload.committee,
            number=upload.number,
            progress=progress,
        )
    except ValueError as refused:
        mine.update(state=State.FAILED, error=str(refused), stage="", read_at=timezone.now())
    except Exception:
        logger.exception("Import %s: the reading stopped with an error", pending_id)
        mine.update(
            state=State.FAILED,
            error="The reading stopped with an error, logged for the administrators. "
            "Upload the file again.",
            stage="",
        )
    else:
        mine.update(
            state=State.DONE, text=text, parsed=as_json(parsed), stage="", read_at=timezone.now()
        )
    upload.refresh_from_db()
    return upload


# Uploads not imported within a day are given up: the secretary uploads again.
KEEP_UPLOADS_FOR = datetime.timedelta(days=1)
# A reading still waiting this long was never handed over (the broker was down).
WAITING_TOO_LONG = datetime.timedelta(minutes=2)


def sweep_pending_imports() -> tuple[int, int]:
    """Beat's sweep: read the uploads still waiting (their task was lost),
    and forget those older than KEEP_UPLOADS_FOR, file and all. Returns
    (read, forgotten). Safe to run at any time, and twice."""
    now = timezone.now()
    waiting = PendingImport.objects.filter(
        state=State.WAITING,
        uploaded_at__lt=now - WAITING_TOO_LONG,
        uploaded_at__gte=now - KEEP_UPLOADS_FOR,
    ).values_list("pk", flat=True)
    read = sum(1 for pk in list(waiting) if read_pending_import(pk))
    old = list(PendingImport.objects.filter(uploaded_at__lt=now - KEEP_UPLOADS_FOR))
    for upload in old:
        forget_upload(upload)
    return read, len(old)


def forget_upload(upload: PendingImport) -> None:
    """An upload's row goes, and its file unless another upload holds the
    same content (kept in one folder, by its SHA-256)."""
    sha = upload.token.split("/")[0]
    others = PendingImport.objects.filter(token__startswith=f"{sha}/").exclude(pk=upload.pk)
    if not others.exists():
        pending.forget(upload.token)
    upload.delete()
