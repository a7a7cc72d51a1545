"""The chair exports the minutes of OPSG meeting 25 as a PDF and downloads it,
and then as a Word file.

The render is held back until the page has shown its progress: with
REDIS_URL set the task waits in Redis until a real Celery worker is started;
in-process (no REDIS_URL) the queueing is intercepted and the test runs the
job function itself, as the worker would. Either way the page finds out by
polling (htmx, every second). Every page on the way is checked with axe-core
and the Nu HTML Checker."""

import re

import docx
import pytest
from celery.contrib.testing.worker import start_worker
from django.core.management import call_command
from playwright.sync_api import expect

from meetings.models import MinutesDocument
from minutes import rendering, services
from opsg.celery import app
from tests.e2e.a11y import PageChecks
from tests.e2e.pages import log_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

DEMO_PASSWORD = "e2e-demo-Pw-5120-chair"
MINUTES_PATH = "/committees/OPSG/meetings/25/"
STATUS_PATH = MINUTES_PATH + "pdf/"


def test_chair_exports_and_downloads_the_minutes_pdf(
    page, live_server, settings, tmp_path, monkeypatch, screenshot_dir
):
    settings.DEMO_MODE = True
    settings.DEMO_PASSWORD = DEMO_PASSWORD
    call_command("load_demo", verbosity=0)

    held: list[int] = []
    if settings.REDIS_URL:
        app.control.purge()  # messages left by an earlier, interrupted run
    else:
        monkeypatch.setattr(services, "queue_render", lambda pk, task_id: held.append(pk))

    base = live_server.url
    checks = PageChecks(screenshot_dir, "chair-pdf")

    log_in(page, base, "chair", DEMO_PASSWORD, MINUTES_PATH)
    expect(page).to_have_url(base + MINUTES_PATH)
    expect(page.get_by_role("heading", level=1)).to_have_text("Operations Group Meeting 25")
    checks.check(page, "1-minutes")

    page.get_by_role("button", name="Export PDF").click()
    expect(page).to_have_url(base + STATUS_PATH)
    expect(page.get_by_text("Rendering… this page updates itself.")).to_be_visible()
    checks.check(page, "2-rendering")
    document = MinutesDocument.objects.get()
    assert document.state == MinutesDocument.State.PENDING

    download_link = page.get_by_role("link", name=re.compile(r"^Download "))
    if settings.REDIS_URL:
        with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=10):
            expect(download_link).to_be_visible(timeout=60_000)
    else:
        assert held == [document.pk]
        rendering.render_minutes_pdf(document.pk)
        expect(download_link).to_be_visible(timeout=15_000)
    expect(page.get_by_text("The PDF is ready.")).to_be_visible()
    expect(page.get_by_text("Rendering…")).to_have_count(0)
    checks.check(page, "3-ready")

    with page.expect_download() as info:
        download_link.click()
    download = info.value
    assert download.suggested_filename == "OPSG_25_Minutes_draft.pdf"
    with open(download.path(), "rb") as pdf:
        assert pdf.read(5) == b"%PDF-"

    # And the same minutes as a Word file, from the minutes page, read back.
    page.goto(base + MINUTES_PATH)
    with page.expect_download() as info:
        page.get_by_role("link", name="Word", exact=True).click()
    download = info.value
    assert download.suggested_filename == "OPSG_25_Minutes_draft.docx"
    word = docx.Document(download.path())
    paragraphs = [p.text for p in word.paragraphs]
    assert "Operations Group Meeting 25" in paragraphs and "Draft Minutes" in paragraphs
    assert any(p.startswith("ACTION OPSG 25/01:") for p in paragraphs)

    checks.finish()
