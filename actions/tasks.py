"""Celery tasks of the actions app: thin layers over plain functions, holding
only the retry policy. Beat queues `send_reminders_task` daily at
REMINDER_TIME (settings.CELERY_BEAT_SCHEDULE)."""

import datetime
import logging

from celery import shared_task
from django.db import InterfaceError, OperationalError
from django.utils import timezone

from .assignments import send_assignment_notices, send_pending_assignment_notices
from .reminders import send_reminders

logger = logging.getLogger(__name__)


class RemindersFailed(Exception):
    """Some digests could not be sent; the retry picks up their rows."""


@shared_task(
    autoretry_for=(RemindersFailed,),
    # Then 1, 2, 4, 8 and 16 minutes later; after that the failures wait on the staff page.
    retry_backoff=60,
    retry_backoff_max=30 * 60,
    retry_jitter=False,
    max_retries=5,
    # Far more than a day's digests take; a run stopped here leaves its
    # unsent rows claimed for the next run. Within the broker's visibility
    # timeout (settings.CELERY_BROKER_TRANSPORT_OPTIONS), with the back-off.
    time_limit=20 * 60,
)
def send_reminders_task(day: str | None = None) -> dict:
    """`day` as YYYY-MM-DD; beat leaves it out: today, in local time."""
    when = datetime.date.fromisoformat(day) if day else timezone.localdate()
    report = send_reminders(when)
    if report.failed:
        raise RemindersFailed(report.summary())
    return {
        "day": when.isoformat(),
        "emails_sent": report.emails_sent,
        "reminders_sent": report.reminders_sent,
        "skipped": report.skipped,
        "without_email": [owner.owner for owner in report.without_email],
    }


class NoticesFailed(Exception):
    """Some notices of new actions could not be sent; the retry picks up their rows."""


@shared_task(
    autoretry_for=(NoticesFailed, OperationalError, InterfaceError),
    # Then 1, 2, 4, 8 and 16 minutes later; after that `manage.py send_assignment_notices`.
    retry_backoff=60,
    retry_backoff_max=30 * 60,
    retry_jitter=False,
    max_retries=5,
    acks_late=True,
    soft_time_limit=240,
    time_limit=300,
)
def send_assignment_notices_task(meeting_id: int) -> dict:
    report = send_assignment_notices(meeting_id)
    if report.failed:
        raise NoticesFailed(report.summary())
    return report.as_dict()


@shared_task(
    autoretry_for=(OperationalError, InterfaceError),
    max_retries=3,
    retry_backoff=5,
    soft_time_limit=240,
    time_limit=270,
)
def send_pending_assignment_notices_task() -> list[dict]:
    return [report.as_dict() for report in send_pending_assignment_notices()]


def queue_assignment_notices(meeting_id: int) -> None:
    """Hand a circulated meeting's notices of new actions to the worker
    (in-process without REDIS_URL), once the circulation commits. A broker
    that is down is logged: the rows claimed with the circulation
    (assignments.claim_assignment_notices) are sent by the beat's sweep a
    few minutes later."""
    try:
        send_assignment_notices_task.delay(meeting_id)
    except Exception:
        logger.exception("Notices of new actions of meeting %s could not be queued", meeting_id)
