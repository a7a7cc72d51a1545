"""An upload is read by the worker (imports.reading, imports.tasks), the
review page showing how far it has got: the job is idempotent, a reading
that dies with its worker is taken again (a few times), a file that cannot
be read fails with its sentence, and only the uploader sees any of it."""

import datetime
import io
import time
from pathlib import Path

import pytest
from celery.contrib.testing.worker import start_worker
from django.conf import settings as django_settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.utils import timezone

from imports import pending
from imports.models import PendingImport
from imports.reading import READ_ATTEMPTS, READ_STALE_AFTER, read_pending_import
from meetings.models import Committee, Meeting
from opsg.celery import app
from tests.base import login

MINUTES = Path(__file__).resolve().parent / "minutes"
PANEL = MINUTES / "panel_212.txt"
State = PendingImport.State


def waiting(world, path: Path = PANEL, data: bytes | None = None, **fields) -> PendingImport:
    data = path.read_bytes() if data is None else data
    fields.setdefault("uploaded_at", timezone.now())
    return PendingImport.objects.create(
        token=pending.keep(data, path.name),
        filename=path.name,
        uploaded_by=world.secretary.user,
        **fields,
    )


@pytest.mark.django_db
def test_the_job_reads_once_and_a_second_run_changes_nothing(world):
    upload = waiting(world)
    read = read_pending_import(upload.pk)
    assert read.state == State.DONE and read.attempts == 1 and read.read_at
    assert read.parsed["number"] == 212 and read.text.startswith("Balancing")
    again = read_pending_import(upload.pk)
    assert (again.state, again.attempts, again.read_at) == (State.DONE, 1, read.read_at)


@pytest.mark.django_db
def test_a_file_that_cannot_be_read_fails_with_its_sentence(world):
    upload = waiting(world, data=b"\x00\x01binary" * 100)
    read = read_pending_import(upload.pk)
    assert read.state == State.FAILED
    assert read.error == "The file is not text: it contains binary data."


@pytest.mark.django_db
def test_a_reading_that_died_is_taken_again_then_given_up(world):
    long_ago = timezone.now() - READ_STALE_AFTER - datetime.timedelta(seconds=1)
    upload = waiting(world, state=State.READING, started_at=long_ago, attempts=1)
    assert read_pending_import(upload.pk).state == State.DONE
    stuck = waiting(world, state=State.READING, started_at=long_ago, attempts=READ_ATTEMPTS)
    read = read_pending_import(stuck.pk)
    assert read.state == State.FAILED and "not tried again" in read.error
    # A reading under way is left to its worker.
    busy = waiting(world, state=State.READING, started_at=timezone.now(), attempts=1)
    assert read_pending_import(busy.pk).state == State.READING


@pytest.mark.django_db
def test_the_page_shows_progress_until_the_reading_is_done(client, world):
    upload = waiting(
        world, state=State.READING, started_at=timezone.now(), stage="Reading the meeting"
    )
    login(client, "secretary")
    page = client.get(f"/import/{upload.pk}/")
    body = page.content.decode()
    assert page.status_code == 200 and "Reading panel_212.txt" in body
    assert f'hx-get="/import/{upload.pk}/progress/"' in body and "Reading the meeting" in body
    fragment = client.get(f"/import/{upload.pk}/progress/", HTTP_HX_REQUEST="true")
    assert fragment.status_code == 200 and 'role="status"' in fragment.content.decode()
    PendingImport.objects.filter(pk=upload.pk).update(state=State.WAITING)
    read_pending_import(upload.pk)
    done = client.get(f"/import/{upload.pk}/progress/", HTTP_HX_REQUEST="true")
    assert done.status_code == 204 and done["HX-Refresh"] == "true"
    review = client.get(f"/import/{upload.pk}/")
    assert "Review the import: BARP 212" in review.content.decode()


@pytest.mark.django_db
def test_a_failed_reading_shows_the_upload_form_with_the_reason(client, world):
    upload = waiting(world, data=b"", state=State.FAILED, error="The file is empty.")
    login(client, "secretary")
    page = client.get(f"/import/{upload.pk}/")
    assert page.status_code == 422
    assert "panel_212.txt could not be read:</strong> The file is empty." in page.content.decode()
    assert PendingImport.objects.filter(pk=upload.pk).exists()  # a GET writes nothing


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/import/{pk}/", "/import/{pk}/progress/"])
def test_only_the_uploader_sees_the_reading(client, world, path):
    upload = waiting(world)
    read_pending_import(upload.pk)
    world.member.user.is_staff = True  # may import, but did not upload this
    world.member.user.save()
    login(client, "member")
    assert client.get(path.format(pk=upload.pk)).status_code == 404
    client.logout()
    assert client.get(path.format(pk=upload.pk)).status_code == 302  # to the login page


@pytest.mark.django_db
def test_the_command_reads_what_is_waiting(world):
    upload = waiting(world)
    out = io.StringIO()
    call_command("read_import", "--waiting", stdout=out)
    assert f"{upload.pk} panel_212.txt: Read" in out.getvalue()


@pytest.mark.django_db(transaction=True)
def test_an_upload_is_read_by_the_worker_then_imported(client, world, settings):
    """With REDIS_URL a real worker takes the reading from Redis; without it
    the task runs in-process, as configured."""
    settings.IMPORT_READ_IN_WORKER = True
    login(client, "secretary")
    file = SimpleUploadedFile(PANEL.name, PANEL.read_bytes())
    Committee.objects.create(code="BARP", name="Balancing Arrangements Review Panel")
    world.secretary.user.is_staff = True
    world.secretary.user.save()

    def upload_and_wait():
        response = client.post("/import/", {"file": file})
        assert response.status_code == 302  # to the page that shows the progress
        location = response["Location"]
        for _ in range(120):
            if PendingImport.objects.get().state == State.DONE:
                return client.get(location)
            time.sleep(0.5)
        raise AssertionError("the worker did not read the upload")

    if django_settings.REDIS_URL:
        assert not app.conf.task_always_eager
        app.control.purge()
        with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=10):
            review = upload_and_wait()
    else:
        # In-process, the task runs as the upload commits: the page shows what was read.
        assert app.conf.task_always_eager
        review = client.post("/import/", {"file": file})
    assert "Review the import: BARP 212" in review.content.decode()
    token = review.context["token"]
    response = client.post("/import/commit/", {"token": token})
    assert response.status_code == 302
    assert Meeting.objects.filter(committee__code="BARP", number=212).exists()
    assert not PendingImport.objects.exists()


@pytest.mark.django_db
def test_the_sweep_reads_what_was_never_handed_over_and_forgets_old_uploads(world):
    now = timezone.now()
    lost = waiting(world, uploaded_at=now - datetime.timedelta(minutes=10))
    fresh = waiting(world, path=MINUTES / "panel_213.txt")
    old = waiting(world, path=MINUTES / "parish_2026_03.txt")
    PendingImport.objects.filter(pk=old.pk).update(uploaded_at=now - datetime.timedelta(days=2))
    out = io.StringIO()
    call_command("read_import", "--sweep", stdout=out)
    assert "Read 1 waiting upload(s); forgot 1 old one(s)." in out.getvalue()
    assert PendingImport.objects.get(pk=lost.pk).state == State.DONE
    assert PendingImport.objects.get(pk=fresh.pk).state == State.WAITING  # its task may yet come
    assert not PendingImport.objects.filter(pk=old.pk).exists()
    with pytest.raises(ValueError):
        pending.load(old.token)


@pytest.mark.django_db
def test_an_upload_whose_file_is_gone_says_so(client, world):
    upload = waiting(world)
    read_pending_import(upload.pk)
    pending.forget(upload.token)
    login(client, "secretary")
    response = client.get(f"/import/{upload.pk}/")
    assert response.status_code == 404
    response = client.post("/import/commit/", {"token": str(upload.pk)}, follow=True)
    assert "upload the file again" in str(list(response.context["messages"])[0])
