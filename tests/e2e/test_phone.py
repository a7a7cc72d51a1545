"""Every journey page on a phone, 390 px wide: nothing scrolls sideways
(wide tables scroll inside their own box), the action log is a card per
action, and axe and the Nu HTML Checker find nothing to fix."""

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from tests.e2e.a11y import PageChecks
from tests.e2e.pages import log_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PASSWORD = "e2e-demo-Pw-phone-3390"
M25 = "/committees/OPSG/meetings/25/"
PAGES = {
    "secretary": [
        ("home", "/"),
        ("log", "/actions/"),
        ("mine", "/actions/?owner=mine"),
        ("action", "/actions/opsg-25-01/"),
        ("owners", "/actions/owners/"),
        ("committee", "/committees/OPSG/"),
        ("attendance", "/committees/OPSG/attendance/"),
        ("glance", "/committees/OPSG/glance/"),
        ("minutes", M25),
        ("edit", M25 + "edit/"),
        ("review", M25 + "review/"),
        ("history", M25 + "history/"),
        ("search", "/search/?q=DCC"),
        ("decisions", "/decisions/"),
        ("incidents", "/incidents/"),
        ("feeds", "/actions/feeds/"),
        ("import", "/import/"),
    ],
    "member": [
        ("member-home", "/"),
        ("member-mine", "/actions/?owner=mine"),
        ("member-glance", "/committees/OPSG/glance/"),
    ],
}


def test_every_journey_page_fits_a_phone(page, live_server, settings, screenshot_dir):
    settings.DEMO_MODE = True
    settings.DEMO_PASSWORD = PASSWORD
    call_command("load_demo", verbosity=0)
    page.set_viewport_size({"width": 390, "height": 844})
    checks = PageChecks(screenshot_dir, "phone")
    wide = []
    for username, pages in PAGES.items():
        page.context.clear_cookies()
        log_in(page, live_server.url, username, PASSWORD)
        for label, path in pages:
            page.goto(live_server.url + path)
            width = page.evaluate("document.documentElement.scrollWidth")
            if width > 391:
                wide.append(f"{path}: {width} px")
            if label == "log":
                # A card per action: its cells stacked, each under its column's name.
                first = page.locator("table.action-log tbody tr").first
                expect(first).to_be_visible()
                assert first.evaluate("e => getComputedStyle(e).display") == "block"
                assert page.locator("table.action-log thead").bounding_box()["height"] <= 1
            checks.check(page, label)
    assert not wide, wide
    checks.finish()
