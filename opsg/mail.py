"""What the worker's emails (reminders, the circulation, agenda and brief
emails) share: an address as people type it, made the key of a claimed
row; a failed send, in words for that row and the log; and the sending of
one claimed row."""

import logging

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import F
from django.utils import timezone


def usable_address(raw: str) -> str:
    """`raw` as an email address, lower-cased: one claimed row per address
    however it was typed (the unique constraints compare text). "" when it
    is blank or not an email address."""
    address = (raw or "").strip()
    if not address:
        return ""
    try:
        validate_email(address)
    except ValidationError:
        return ""
    return address.lower()


def failure_text(exc: BaseException) -> str:
    """A failed send as the record keeps it (a column of bounded length)."""
    return f"{type(exc).__name__}: {exc}"[:1000]


SENT, FAILED, SKIPPED = "sent", "failed", "skipped"

logger = logging.getLogger(__name__)


def send_claimed(rows, build, connection) -> tuple[str, str]:
    """Send one claimed email: lock the unsent row among `rows` (a queryset
    of a ClaimedEmail model, narrowed to one email), send `build()`'s message
    over `connection`, and mark the row sent, or failed with the error, in
    the same transaction. (SENT, ""), (FAILED, error), or (SKIPPED, "") when
    no unsent row is left: sent already, or another worker holds it. The
    message is built outside the try: a fault in the templates is a bug to
    see, not a delivery failure (the row stays claimed for the next run)."""
    states = rows.model.State
    with transaction.atomic():
        row = (
            rows.select_for_update(skip_locked=True)
            .filter(state__in=[states.CLAIMED, states.FAILED])
            .first()
        )
        if row is None:
            return SKIPPED, ""
        message = build()
        message.connection = connection
        same = rows.model.objects.filter(pk=row.pk)
        try:
            message.send()
        except Exception as exc:
            error = failure_text(exc)
            same.update(state=states.FAILED, error=error, attempts=F("attempts") + 1)
            return FAILED, error
        same.update(state=states.SENT, sent_at=timezone.now(), error="", attempts=F("attempts") + 1)
        return SENT, ""


def tally(report, address: str, outcome: tuple[str, str], what: str) -> None:
    """Put `send_claimed`'s outcome for `address` on a run's `report` (its
    `sent`, `failed` and `skipped` lists), logging a failure as `what` ("The
    agenda email of OPSG 26") failing."""
    state, error = outcome
    if state == SENT:
        report.sent.append(address)
    elif state == FAILED:
        report.failed.append((address, error))
        logger.warning("%s to %s failed: %s", what, address, error)
    else:
        report.skipped.append(address)
