"""A signed-out member follows the link in the circulation email.

Over the demo data (`load_demo`), the secretary circulates the draft of
OPSG 26 and is told who is emailed; she logs out. The member's email is read
from the outbox; its link opens the login page (the minutes are for members
only), and signing in lands on the circulated minutes. Every page is checked
with axe-core, and its HTML with the Nu HTML Checker at the end."""

import datetime
import re

import pytest
from django.core import mail
from django.core.management import call_command
from playwright.sync_api import expect

from meetings.circulation import send_circulation
from meetings.models import Committee, Meeting, MinutesDocument
from meetings.services import meeting_create
from minutes.rendering import render_minutes_pdf
from opsg.celery import app
from tests.e2e.a11y import PageChecks
from tests.e2e.pages import log_in
from tests.opsg25_transcript import LOCATION

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

DEMO_PASSWORD = "e2e-demo-Pw-5152-circulate"
M26 = "/committees/OPSG/meetings/26/"
MEMBER = "member@demo.invalid"


def test_member_follows_the_circulation_link(page, live_server, settings, screenshot_dir):
    settings.DEMO_MODE = True
    settings.DEMO_PASSWORD = DEMO_PASSWORD
    settings.SITE_URL = live_server.url
    call_command("load_demo")
    opsg = Committee.objects.get(code="OPSG")
    meeting = meeting_create(
        committee=opsg,
        number=26,
        date=datetime.date(2019, 11, 5),
        classification=Meeting.objects.get(committee=opsg, number=25).classification,
        location=LOCATION,
    )
    assert mail.outbox == []  # importing the demo's circulated minutes emailed nobody

    base = live_server.url
    checks = PageChecks(screenshot_dir, "circulation-link")

    # The secretary circulates the draft and is told who is emailed.
    log_in(page, base, "secretary", DEMO_PASSWORD, next_path=M26)
    expect(page).to_have_url(base + M26)
    # Nothing reviewed at 26 yet: the open actions are carried forward as not discussed.
    page.get_by_label("They were not discussed at this meeting").check()
    page.get_by_role("button", name="Circulate the draft to members").click()
    expect(page.get_by_role("status")).to_contain_text(
        "The link is emailed to 3 people: Dave Warner, Tony Shanahan, Veronica Asantewaa."
    )
    checks.check(page, "1-circulated")
    page.get_by_role("button", name="Log out").click()
    expect(page.get_by_role("link", name="Log in").first).to_be_visible()

    if settings.REDIS_URL:
        # The commit queued the job on Redis and no worker runs here: be the
        # worker (the job is idempotent), and drop the queued message.
        send_circulation(meeting.pk)
        for document in MinutesDocument.objects.filter(meeting=meeting, state="pending"):
            render_minutes_pdf(document.pk, task_id=document.task_id)
        app.control.purge()
    emails = [m for m in mail.outbox if m.to == [MEMBER]]
    assert len(emails) == 1
    links = re.findall(r"https?://\S+", emails[0].body)
    assert links == [base + M26, base + M26 + "minutes.pdf"]

    # Signed out, the member follows the link: first the login page ...
    page.goto(links[0])
    expect(page).to_have_url(re.compile(r"/accounts/login/\?next=" + re.escape(M26) + "$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Log in")
    expect(page.locator("main")).to_contain_text("Log in to see that page")
    checks.check(page, "2-login")

    # ... then, signed in, the circulated minutes.
    page.get_by_label("Username").fill("member")
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page).to_have_url(base + M26)
    expect(page.locator(".minutes-header .status")).to_have_text(re.compile(r"^Circulated"))
    expect(page.locator("main")).to_contain_text("OPSG_26_0511")
    checks.check(page, "3-minutes")

    # The email's second link: the PDF, rendered by the worker when the
    # minutes were circulated, downloads at once.
    pdf = page.request.get(links[1])
    assert pdf.ok and pdf.headers["content-type"] == "application/pdf"
    assert pdf.body().startswith(b"%PDF")

    checks.finish()
