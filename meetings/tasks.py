"""Celery tasks of the meetings app: thin wrappers holding only the retry
policy; the work is in circulation.py, where the management command calls
it too."""

from celery import shared_task
from django.db import InterfaceError, OperationalError

from .agenda_notice import send_agenda_notice, send_pending_agenda_notices
from .circulation import send_circulation, send_pending_circulations
from .models import RENDER_TIME_LIMIT
from .pack import agenda_pack_build


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
def send_circulation_task(meeting_id: int, kind: str = "circulated") -> dict:
    report = send_circulation(meeting_id, kind=kind)
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


@shared_task(
    autoretry_for=(OperationalError, InterfaceError),
    max_retries=3,
    retry_backoff=5,
    soft_time_limit=240,
    time_limit=270,
)
def send_pending_agenda_notices_task() -> list[dict]:
    return [report.as_dict() for report in send_pending_agenda_notices()]


@shared_task(
    autoretry_for=(CirculationFailed, OperationalError, InterfaceError),
    retry_backoff=60,
    retry_backoff_max=30 * 60,
    retry_jitter=False,
    max_retries=5,
    acks_late=True,
    soft_time_limit=240,
    time_limit=300,
)
def send_agenda_notice_task(meeting_id: int) -> dict:
    report = send_agenda_notice(meeting_id)
    if report.failed:
        raise CirculationFailed(report.summary())
    return report.as_dict()


@shared_task(
    bind=True,
    # A build that fails is recorded as failed by the function; only a lost
    # database is retried here.
    autoretry_for=(OperationalError, InterfaceError),
    max_retries=3,
    retry_backoff=5,
    acks_late=True,
    reject_on_worker_lost=True,
    soft_time_limit=RENDER_TIME_LIMIT.total_seconds() - 60,
    time_limit=RENDER_TIME_LIMIT.total_seconds(),
)
def build_agenda_pack_task(self, pack_id: int) -> str:
    pack = agenda_pack_build(pack_id, task_id=self.request.id)
    return pack.state if pack else "missing"
