"""The secretary drags a person to a new place in the attendance list; the
list is re-rendered in place in the new order."""

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from meetings.models import Committee
from meetings.services import meeting_create, meeting_defaults
from tests.e2e.pages import log_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PASSWORD = "e2e-demo-Pw-drag-4411"


def member_names(page) -> list[str]:
    return page.locator("#attendance ol").first.locator("legend").all_inner_texts()


def test_drag_reorders_members(page, live_server, settings, screenshot_dir):
    settings.DEMO_MODE = True
    settings.DEMO_PASSWORD = PASSWORD
    call_command("load_demo", verbosity=0)
    committee = Committee.objects.get(code="OPSG")
    fields = meeting_defaults(committee)
    fields.pop("next_meeting_date", None)
    meeting = meeting_create(committee=committee, **fields)
    edit = f"/committees/OPSG/meetings/{meeting.number}/edit/"

    log_in(page, live_server.url, "secretary", PASSWORD, edit)
    before = member_names(page)
    assert len(before) >= 3

    # Both lines in view, so the drag needs no scrolling on the way.
    page.set_viewport_size({"width": 1280, "height": 1600})
    page.locator("#attendance").scroll_into_view_if_needed()
    lines = page.locator("#attendance ol").first.locator(":scope > li")
    lines.nth(2).locator(".drag-handle").drag_to(lines.nth(0))

    expected = [before[2], before[0], before[1], *before[3:]]
    expect(page.locator("#attendance ol").first.locator("legend")).to_have_text(expected)
    page.screenshot(path=screenshot_dir / "attendance-drag.png")
    # The order is stored, not only drawn.
    page.reload()
    assert member_names(page) == expected
