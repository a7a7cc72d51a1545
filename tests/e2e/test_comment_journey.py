"""A member suggests a change of wording on circulated minutes; the
secretary accepts it; the minutes of the next meeting, approving them,
list the correction agreed (minutes/models.py: Comment)."""

import datetime

import pytest
from playwright.sync_api import expect

from minutes.services import minutes_approve
from tests.base import PASSWORD, circulate, make_item, make_meeting
from tests.e2e.pages import log_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

COMMENTS = "/committees/OPSG/meetings/25/comments/"
OUTAGE = "The DCC reported that the outage lasted four hours on Tuesday."


def test_a_suggestion_reaches_the_next_minutes(page, live_server, world, screenshot_dir):
    m25 = make_meeting(world)
    make_item(m25, "1", "Previous Meeting Minutes", standing="previous_minutes")
    make_item(m25, "2", "Outage", narrative=OUTAGE)
    circulate(m25)
    base = live_server.url

    log_in(page, base, "member", PASSWORD, next_path=COMMENTS)
    expect(page).to_have_url(base + COMMENTS)
    page.get_by_text("Comment on item 2").click()
    page.get_by_label("Comment", exact=True).last.fill("The DCC's report says five.")
    page.get_by_label("Words to change, copied exactly from the item's text").last.fill(
        "four hours"
    )
    page.get_by_label("Suggested wording").last.fill("five hours")
    page.get_by_role("button", name="Add comment").last.click()
    expect(page.get_by_role("status")).to_contain_text("Comment added.")
    expect(page.locator(".suggestion del")).to_have_text("four")
    expect(page.locator(".suggestion ins")).to_have_text("five")
    page.screenshot(path=str(screenshot_dir / "comments-1-member.png"), full_page=True)

    page.context.clear_cookies()
    log_in(page, base, "secretary", PASSWORD, next_path=COMMENTS)
    page.get_by_role("button", name="Accept into the draft").click()
    expect(page.get_by_role("status")).to_contain_text("Suggestion accepted")
    page.screenshot(path=str(screenshot_dir / "comments-2-accepted.png"), full_page=True)

    m26 = make_meeting(world, number=26, date=datetime.date(2019, 11, 5))
    make_item(m26, "1", "Previous Meeting Minutes", standing="previous_minutes")
    minutes_approve(meeting=m25, at_meeting=m26, by=world.chair.user)
    page.goto(base + "/committees/OPSG/meetings/26/")
    expect(page.locator(".corrections-agreed")).to_contain_text(
        "OPSG 25, item 2: ‘four hours’ → ‘five hours’ (suggested by Mia Member)"
    )
    page.goto(base + "/committees/OPSG/meetings/25/history/")
    expect(page.get_by_text("Suggestion by Mia Member accepted by Sam Secretary")).to_be_visible()
