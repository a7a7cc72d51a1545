"""A worker lost mid-render (minutes/rendering.py render_minutes_pdf, the task
in minutes/tasks.py): the task comes back and finishes the PDF, a claim
older than the task's time limit is free to take, and the page offers Retry
for a render that never finished. The Celery settings behind redelivery are
checked in tests/test_celery.py."""

import datetime
import os
import signal
import time
import uuid

import pytest
import time_machine
from django.core.management import call_command
from django.db.models import F
from django.utils import timezone

from meetings.models import (
    RENDER_ATTEMPTS,
    RENDER_STALE_AFTER,
    RENDER_TIME_LIMIT,
    Meeting,
    MinutesDocument,
)
from minutes.rendering import render_minutes_pdf
from minutes.services import minutes_pdf_request
from minutes.tasks import render_minutes_pdf_task
from tests.base import PASSWORD, login
from tests.workers import celery_workers, need_postgres_and_redis, worker_environment

STATUS_URL = "/committees/OPSG/meetings/25/pdf/"
State = MinutesDocument.State


@pytest.fixture
def demo(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.DEMO_MODE = True
    settings.DEMO_PASSWORD = PASSWORD
    call_command("load_demo", verbosity=0)
    return Meeting.objects.select_related("committee").get(committee__code="OPSG", number=25)


def claimed_by_a_worker(document: MinutesDocument, at: datetime.datetime) -> None:
    """What a worker's claim leaves behind when its process is killed mid-render."""
    MinutesDocument.objects.filter(pk=document.pk).update(state=State.RENDERING, started_at=at)


def redelivered(document: MinutesDocument, task_id: str) -> str:
    """The task as a worker runs a message taken from the queue."""
    return render_minutes_pdf_task.apply(args=[document.pk], task_id=task_id).get()


@pytest.mark.django_db
def test_stale_render_claim_is_taken_again(demo):
    document = minutes_pdf_request(meeting=demo, by=None, enqueue=False)
    started = timezone.now()
    claimed_by_a_worker(document, started)
    other = str(uuid.uuid4())  # a task other than the one that claimed it

    # Within the time limit the claim may belong to a render still running.
    just_inside = started + RENDER_TIME_LIMIT + datetime.timedelta(seconds=30)
    with time_machine.travel(just_inside, tick=False):
        assert redelivered(document, other) == State.RENDERING
        assert not MinutesDocument.objects.get(pk=document.pk).is_stuck

    # Past the hard limit and its margin no process can still hold it.
    with time_machine.travel(started + RENDER_STALE_AFTER + datetime.timedelta(seconds=1)):
        assert MinutesDocument.objects.get(pk=document.pk).is_stuck
        assert redelivered(document, other) == State.DONE
    done = MinutesDocument.objects.get(pk=document.pk)
    assert done.file and done.sha256 and done.error == ""


@pytest.mark.django_db
def test_the_redelivered_task_takes_its_own_claim_back_at_once(demo):
    """The broker hands a task out again only after the attempt before it
    ended (its process died; the task is acknowledged late): nothing to wait for."""
    document = minutes_pdf_request(meeting=demo, by=None, enqueue=False)
    claimed_by_a_worker(document, timezone.now())
    assert redelivered(document, document.task_id) == State.DONE
    # The plain function (the render_minutes command) waits for the claim as before.
    again = minutes_pdf_request(meeting=demo, by=None, enqueue=False)
    assert again.pk == document.pk and again.state == State.DONE


@pytest.mark.django_db
def test_a_render_that_keeps_killing_its_worker_is_not_redelivered_without_end(client, demo):
    """Each redelivery takes a claim; past RENDER_ATTEMPTS the render is
    marked failed with a message, and the page's Retry starts afresh."""
    document = minutes_pdf_request(meeting=demo, by=None, enqueue=False)
    for _ in range(RENDER_ATTEMPTS):
        claimed_by_a_worker(document, timezone.now())
        MinutesDocument.objects.filter(pk=document.pk).update(attempts=F("attempts") + 1)
    assert redelivered(document, document.task_id) == State.FAILED
    failed = MinutesDocument.objects.get(pk=document.pk)
    assert f"stopped its worker {RENDER_ATTEMPTS} times" in failed.error and not failed.file
    login(client, "chair")
    assert "stopped its worker" in client.get(STATUS_URL).content.decode()
    assert client.post(STATUS_URL).status_code == 302
    again = MinutesDocument.objects.exclude(pk=document.pk).get(meeting=demo)
    if again.state == State.PENDING:  # queued to Redis: be the worker
        render_minutes_pdf(again.pk, task_id=again.task_id)
    again.refresh_from_db()
    assert again.state == State.DONE and again.attempts == 1


@pytest.mark.django_db
def test_the_page_offers_retry_for_a_stuck_render(client, demo):
    document = minutes_pdf_request(meeting=demo, by=None, enqueue=False)
    started = timezone.now()
    claimed_by_a_worker(document, started)
    login(client, "chair")
    page = client.get(STATUS_URL).content.decode()
    assert "Laying out the pages" in page and ">Retry</button>" not in page

    with time_machine.travel(started + RENDER_STALE_AFTER + datetime.timedelta(minutes=1)):
        page = client.get(STATUS_URL).content.decode()
        assert "the render did not finish" in page and ">Retry</button>" in page
        assert client.post(STATUS_URL).status_code == 302
    # Asked again under a new task id; the stuck one can no longer finish it.
    again = MinutesDocument.objects.get(pk=document.pk)
    assert again.state in (State.PENDING, State.DONE) and again.task_id != document.task_id
    if again.state == State.PENDING:  # queued to Redis: be the worker
        render_minutes_pdf(again.pk, task_id=again.task_id)
    assert MinutesDocument.objects.get(pk=document.pk).state == State.DONE
    assert redelivered(document, document.task_id) == State.DONE  # the old task: nothing to do


# Run in the worker before it starts: the first render hangs (as a layout that
# never ends would) after saying which process it is in; later ones are real.
HANG_FIRST_RENDER = """
import os, time
from pathlib import Path
import django
django.setup()
from minutes import pdf
real_render_pdf = pdf.render_pdf
marker = Path(os.environ["HANG_MARKER"])

def render_pdf(html, target):
    if not marker.exists():
        marker.write_text(str(os.getpid()))
        time.sleep(600)
    return real_render_pdf(html, target)

pdf.render_pdf = render_pdf
"""


def wait_for(condition, timeout=90.0):
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "gave up waiting"
        time.sleep(0.2)


@pytest.mark.django_db(transaction=True)
def test_a_render_killed_mid_layout_is_redelivered_and_finishes(demo, tmp_path):
    need_postgres_and_redis()
    marker = tmp_path / "rendering-pid"
    env = worker_environment(tmp_path / "var", HANG_MARKER=str(marker))
    with celery_workers(["renderer"], env, prelude=HANG_FIRST_RENDER, pool="prefork"):
        document = minutes_pdf_request(meeting=demo, by=None)  # queued on commit
        wait_for(lambda: marker.exists() and marker.read_text())
        assert MinutesDocument.objects.get(pk=document.pk).state == State.RENDERING

        os.kill(int(marker.read_text()), signal.SIGKILL)  # out of memory, say

        wait_for(lambda: MinutesDocument.objects.get(pk=document.pk).state == State.DONE)
    done = MinutesDocument.objects.get(pk=document.pk)
    assert done.task_id == document.task_id  # the same task, delivered again
    assert done.file and done.error == ""
