"""A member whose organisation owns actions reviews one and sends an update
before the meeting; the secretary then finds it, marked as the owner's, on
the Actions Outstanding review of OPSG 25.

Runs against the demo data on a live server in Chromium. In this journey
the demo member, Tony Shanahan, speaks for the DCC, which owns most of the
actions reviewed at OPSG 25. Every page of ours on the way is checked with
axe-core and the Nu HTML Checker (the HTML exactly as the server sent it)."""

import re
from pathlib import Path

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from actions.models import Action, OwnerUpdate
from meetings.models import Organisation, Person
from tests.e2e.a11y import axe_check, fail_on_problems
from tests.e2e.pages import log_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

DEMO_PASSWORD = "e2e-demo-Pw-7731-journey"
SHOTS = Path(__file__).resolve().parent / "screenshots"  # git-ignored
ACTION = "/actions/opsg-23-08/"
REVIEW = "/committees/OPSG/meetings/25/review/"
UPDATE = "The DNO list of SSI requirements is complete; the DCC is checking it with DNOs."


def test_member_reviews_an_action_and_sends_an_update(page, live_server, settings):
    settings.DEMO_MODE = True
    settings.DEMO_PASSWORD = DEMO_PASSWORD
    call_command("load_demo")
    Person.objects.filter(user__username="member").update(
        organisation=Organisation.objects.get(short_name="DCC")
    )
    target_before = Action.objects.get(reference="OPSG 23/08").target_date
    SHOTS.mkdir(exist_ok=True)
    base = live_server.url
    axe: dict[str, list[dict]] = {}
    raw_html: dict[str, str] = {}

    def check(label: str, *, posted: bool = False) -> None:
        page.screenshot(path=SHOTS / f"action-journey-{len(axe) + 1}-{label}.png", full_page=True)
        axe[label] = axe_check(page)
        if posted:
            # The answer to a POST cannot be fetched again: validate the page as shown.
            raw_html[label] = page.content()
            return
        response = page.request.get(page.url)
        assert response.ok, f"{label}: GET {page.url} returned {response.status}"
        raw_html[label] = response.text()

    # My actions: the DCC's, as Tony speaks for it.
    log_in(page, base, "member", DEMO_PASSWORD, "/actions/%3Fowner%3Dmine")
    expect(page).to_have_url(base + "/actions/?owner=mine")
    page.locator(f'main a[href="{ACTION}"]').click()

    # The action: where it was raised, its reviews; its audit trail is the
    # writers' (it records what reviews in drafts changed).
    expect(page).to_have_url(base + ACTION)
    expect(page.get_by_role("heading", level=1)).to_have_text("OPSG 23/08")
    reviews = page.get_by_role("region", name=re.compile("Reviews at meetings"))
    expect(reviews.get_by_role("link", name="OPSG 25")).to_be_visible()
    expect(page.get_by_role("region", name="History of changes")).to_have_count(0)
    expect(page.get_by_role("region", name="Reminders")).to_contain_text("No reminders sent yet.")
    check("detail")

    # A proposed target in words and a date together are refused; what was typed stays.
    page.get_by_label("Your update").fill(UPDATE)
    page.get_by_label("Date", exact=True).fill("2019-12-03")
    page.get_by_label("…or in words").fill("By the December meeting")
    page.get_by_role("button", name="Send update on OPSG 23/08").click()
    expect(page.get_by_role("alert")).to_contain_text("Your update was not sent")
    expect(page.get_by_label("Your update")).to_have_value(UPDATE)
    assert not OwnerUpdate.objects.exists()
    check("refused", posted=True)

    page.get_by_label("…or in words").fill("")
    page.get_by_role("button", name="Send update on OPSG 23/08").click()
    expect(page.get_by_role("status")).to_contain_text("Your update on OPSG 23/08 was sent.")
    updates = page.get_by_role("region", name="Owners’ updates")
    expect(updates).to_contain_text(re.compile(r"Update from DCC \(Tony Shanahan\), \d+ \w+ \d{4}"))
    expect(updates).to_contain_text("Awaiting the secretary")
    expect(updates).to_contain_text("Proposed target: 03/12/2019")
    check("sent")
    action = Action.objects.get(reference="OPSG 23/08")
    update = OwnerUpdate.objects.get()
    assert update.state == OwnerUpdate.State.PENDING
    assert update.proposed_target_date.isoformat() == "2019-12-03"
    assert action.target_date == target_before  # the action itself waits

    # A calendar feed of the DCC's target dates.
    page.goto(base + "/actions/feeds/")
    page.get_by_label("Target dates of my actions").check()
    page.get_by_role("button", name="Make feed").click()
    expect(page.get_by_role("status")).to_contain_text("New feed made")
    feed_url = page.get_by_label("Address of this feed").input_value()
    assert re.fullmatch(re.escape(base) + r"/feeds/[\w-]{43}/actions\.ics", feed_url)
    calendar = page.request.get(feed_url)
    assert calendar.ok and calendar.headers["content-type"].startswith("text/calendar")
    check("feeds")

    # The secretary sees it on the review of OPSG 25, marked as the owner's.
    page.get_by_role("button", name="Log out").click()
    log_in(page, base, "secretary", DEMO_PASSWORD, REVIEW)
    expect(page).to_have_url(base + REVIEW)
    row = page.locator("#row-opsg-23-08")
    aside = row.get_by_role("complementary")
    expect(aside).to_contain_text("Owner’s update, awaiting you")
    expect(aside).to_contain_text(re.compile(r"Update from DCC \(Tony Shanahan\), \d+ \w+ \d{4}:"))
    expect(aside).to_contain_text(UPDATE)
    expect(aside).to_contain_text("Proposed target: 03/12/2019")
    aside.scroll_into_view_if_needed()
    page.screenshot(path=SHOTS / "action-journey-5-review.png", full_page=False)

    # The secretary reads the action's audit trail.
    page.goto(base + ACTION)
    history = page.get_by_role("region", name="History of changes")
    expect(history.get_by_role("table")).to_be_visible()
    expect(history).to_contain_text("Recorded")

    fail_on_problems(axe, raw_html)
