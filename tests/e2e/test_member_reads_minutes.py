"""A committee member logs in and reads the minutes of OPSG meeting 25.

Runs against the demo data (`load_demo`) on a live server in Chromium, and
checks every page on the way with axe-core (accessibility) and the Nu HTML
Checker (the HTML exactly as the server sent it)."""

import re

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from tests.e2e.a11y import axe_check, fail_on_problems

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

DEMO_PASSWORD = "e2e-demo-Pw-7731-member"
MINUTES_PATH = "/committees/OPSG/meetings/25/"


def test_member_reads_minutes(page, live_server, settings, screenshot_dir):
    settings.DEMO_MODE = True
    settings.DEMO_PASSWORD = DEMO_PASSWORD
    call_command("load_demo")

    base = live_server.url
    axe: dict[str, list[dict]] = {}
    raw_html: dict[str, str] = {}

    def server_html(label: str) -> None:
        # The HTML the server sent (with the browser's cookies), not the DOM
        # serialisation, which the browser has already repaired.
        response = page.request.get(page.url)
        assert response.ok, f"{label}: GET {page.url} returned {response.status}"
        raw_html[label] = response.text()

    # Home page, anonymous: it offers a way to log in.
    page.goto(base + "/")
    page.get_by_role("link", name="Log in").first.click()
    expect(page).to_have_url(re.compile(r"/accounts/login/"))

    # Login page.
    expect(page.get_by_role("heading", level=1)).to_have_text("Log in")
    page.screenshot(path=screenshot_dir / "member-reads-minutes-1-login.png", full_page=True)
    axe["login"] = axe_check(page)
    server_html("login")

    page.get_by_label("Username").fill("member")
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page).to_have_url(base + "/")
    expect(page.get_by_text("Signed in as")).to_be_visible()
    expect(page.get_by_role("alert")).to_have_count(0)
    page.screenshot(path=screenshot_dir / "member-reads-minutes-2-home.png", full_page=True)
    axe["home"] = axe_check(page)
    server_html("home")

    # From the home page to the minutes, by a link when the home page lists it.
    link = page.locator(f'main a[href$="{MINUTES_PATH}"]')
    if link.count():
        link.first.click()
    else:
        page.goto(base + MINUTES_PATH)
    expect(page).to_have_url(base + MINUTES_PATH)

    # Minutes page.
    expect(page.locator("main")).to_contain_text("ACTION OPSG 25/01")
    page.screenshot(path=screenshot_dir / "member-reads-minutes-3-minutes.png", full_page=True)
    axe["minutes"] = axe_check(page)
    server_html("minutes")

    fail_on_problems(axe, raw_html)
