"""The chair opens the published minutes of OPSG 25 for a correction. While
the secretary corrects item 5, a visitor who is not signed in still reads the
published version, with its PDF, and is told a correction is in progress;
the chair sees "Correction in progress" and, on the revision's page, what
the correction has changed so far. Every page is checked with axe-core and
the Nu HTML Checker."""

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from meetings.models import Meeting
from minutes.rendering import render_minutes_pdf
from minutes.services import item_update, minutes_approve, minutes_pdf_request, minutes_publish
from tests.e2e.a11y import PageChecks
from tests.e2e.pages import log_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

DEMO_PASSWORD = "e2e-demo-Pw-7731-correction"
MINUTES_PATH = "/committees/OPSG/meetings/25/"
PUBLIC_PATH = "/published/OPSG/25/"
CORRECTED = "The corrected wording of item five."


def test_a_correction_leaves_the_published_minutes_online(
    page, browser, live_server, settings, tmp_path, screenshot_dir
):
    settings.DEMO_MODE = True
    settings.DEMO_PASSWORD = DEMO_PASSWORD
    settings.MEDIA_ROOT = tmp_path / "media"
    call_command("load_demo", verbosity=0)
    meeting = Meeting.objects.get(committee__code="OPSG", number=25)
    chair = meeting.committee.roles.get(role="chair").person.user
    minutes_approve(meeting=meeting, at_meeting=None, by=chair)
    minutes_publish(meeting=meeting, by=chair)
    render_minutes_pdf(minutes_pdf_request(meeting=meeting, by=chair, enqueue=False).pk)
    item = meeting.items.get(number="5")
    published_words = item.narrative.split(".")[0]

    base = live_server.url
    checks = PageChecks(screenshot_dir, "correction")

    log_in(page, base, "chair", DEMO_PASSWORD, MINUTES_PATH)
    page.get_by_text("Correct the approved minutes").click()
    page.get_by_label("Reason for the correction").fill("Item 5 misquotes the DCC.")
    page.get_by_role("button", name="Open for correction").click()
    expect(page.get_by_text("Readers keep the published version")).to_be_visible()
    expect(page.get_by_text("Correction in progress.")).to_be_visible()
    checks.check(page, "1-chair-minutes")

    # The secretary corrects item 5 in the draft.
    item.refresh_from_db()
    item_update(item=item, expected_version=None, narrative=CORRECTED)

    visitor = browser.new_page()
    visitor.goto(base + PUBLIC_PATH)
    expect(visitor.get_by_text("A correction of these minutes is in progress.")).to_be_visible()
    expect(visitor.get_by_text(published_words).first).to_be_visible()
    expect(visitor.get_by_text(CORRECTED)).to_have_count(0)
    checks.check(visitor, "2-public-page")
    pdf = visitor.request.get(base + PUBLIC_PATH + "minutes.pdf")
    assert pdf.ok and pdf.body()[:5] == b"%PDF-"
    visitor.goto(base + "/published/")
    expect(visitor.get_by_role("link", name="OPSG 25", exact=False).first).to_be_visible()
    checks.check(visitor, "3-public-list")
    visitor.close()

    page.get_by_role("link", name="see that version and what has changed").click()
    expect(page.get_by_role("heading", name="What changed")).to_be_visible()
    expect(page.get_by_text(CORRECTED)).to_be_visible()
    checks.check(page, "4-revision")

    checks.finish()
