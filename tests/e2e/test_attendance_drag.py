"""The secretary drags a person to a new place in the attendance list; the
list is re-rendered in place in the new order."""

import pytest
from playwright.sync_api import expect

from tests.e2e.pages import demo_with_a_draft, log_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PASSWORD = "e2e-demo-Pw-drag-4411"


def member_names(page) -> list[str]:
    return page.locator("#attendance tbody").first.locator("th").all_inner_texts()


def test_drag_reorders_members(page, live_server, settings, screenshot_dir):
    meeting = demo_with_a_draft(settings, PASSWORD)
    edit = f"/committees/OPSG/meetings/{meeting.number}/edit/"

    log_in(page, live_server.url, "secretary", PASSWORD, edit)
    before = member_names(page)
    assert len(before) >= 3

    # Both lines in view, so the drag needs no scrolling on the way.
    page.set_viewport_size({"width": 1280, "height": 1600})
    page.locator("#attendance").scroll_into_view_if_needed()
    lines = page.locator("#attendance tbody").first.locator(":scope > tr")
    lines.nth(2).locator(".drag-handle").drag_to(lines.nth(0))

    expected = [before[2], before[0], before[1], *before[3:]]
    expect(page.locator("#attendance tbody").first.locator("th")).to_have_text(expected)
    page.screenshot(path=screenshot_dir / "attendance-drag.png")
    # The order is stored, not only drawn.
    page.reload()
    assert member_names(page) == expected
