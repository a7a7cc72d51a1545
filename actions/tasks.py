"""Celery tasks of the actions app: thin layers over plain functions, holding
only the retry policy. Beat queues `send_reminders_task` daily at
REMINDER_TIME (settings.CELERY_BEAT_SCHEDULE)."""

import datetime

from celery import shared_task
from django.utils import timezone

from .reminders import send_reminders


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
