"""The secretary reviews the actions outstanding at OPSG meeting 25.

Runs against the demo data on a live server in Chromium: a row is saved with
htmx and swapped in place (the page is not reloaded), a conflicting save
shows both texts, and the page passes axe-core and the Nu HTML Checker."""

import datetime
import re

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from playwright.sync_api import expect

from actions.models import Action, ActionReview, OwnerUpdate
from actions.services import action_review_record
from meetings.models import Meeting
from tests.e2e.a11y import axe_check, fail_on_problems
from tests.e2e.pages import log_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

DEMO_PASSWORD = "e2e-demo-Pw-7731-secretary"
REVIEW_PATH = "/committees/OPSG/meetings/25/review/"


@pytest.fixture
def browser_context_args(browser_context_args):
    # The committee's dates are British: date fields show dd/mm/yyyy.
    return {**browser_context_args, "locale": "en-GB"}


def test_secretary_reviews_actions_outstanding(page, live_server, settings, screenshot_dir):
    settings.DEMO_MODE = True
    settings.DEMO_PASSWORD = DEMO_PASSWORD
    call_command("load_demo")
    base = live_server.url
    # The DCC sent an update on OPSG 23/08 before the meeting.
    owner_update = OwnerUpdate.objects.create(
        action=Action.objects.get(reference="OPSG 23/08"),
        submitted_by=get_user_model().objects.get(username="member"),
        submitted_at=datetime.datetime(2019, 9, 27, 16, 30, tzinfo=datetime.UTC),
        text="The DNO list of SSI requirements is nearly complete.",
        proposed_target_date=datetime.date(2019, 11, 5),
    )
    axe: dict[str, list[dict]] = {}

    log_in(page, base, "secretary", DEMO_PASSWORD, REVIEW_PATH)
    expect(page).to_have_url(base + REVIEW_PATH)
    expect(page.get_by_role("heading", level=1)).to_have_text("Actions outstanding at OPSG 25")
    page.screenshot(path=screenshot_dir / "review-1-page.png", full_page=True)
    axe["review page"] = axe_check(page)
    raw_html = {"review page": page.request.get(page.url).text()}

    row = page.locator("#row-opsg-24-05")
    expect(row.get_by_role("heading", level=2)).to_have_text("OPSG 24/05")
    # The outcome only shows for a closed action (a script enhancement).
    outcome = row.get_by_role("group", name=re.compile("How it ended"))
    expect(outcome).to_be_hidden()
    row.get_by_label("Closed").check()
    expect(outcome).to_be_visible()
    row.get_by_label("Open").check()
    expect(outcome).to_be_hidden()

    # The owner's update is copied into the row's form by the script.
    owner_row = page.locator("#row-opsg-23-08")
    expect(owner_row.get_by_role("complementary")).to_contain_text("Owner’s update, awaiting you")
    owner_row.get_by_role("link", name=re.compile("Use this update")).click()
    expect(page).to_have_url(base + REVIEW_PATH)  # not followed: filled in place
    expect(owner_row.get_by_label(re.compile("Update at this meeting"))).to_have_value(
        re.compile(r"a completed list for the DCC by the November meeting\.\n\nThe DNO list")
    )
    expect(owner_row.get_by_label("Date", exact=True)).to_have_value("2019-11-05")
    page.screenshot(path=screenshot_dir / "review-2-owner-update.png", full_page=True)
    owner_row.get_by_role("button", name="Save OPSG 23/08").click()
    expect(owner_row.get_by_role("status")).to_have_text("Saved OPSG 23/08.")
    owner_update.refresh_from_db()
    assert owner_update.state == OwnerUpdate.State.ACCEPTED
    expect(owner_row.get_by_role("complementary")).to_have_count(0)

    # Save one row: it is swapped in place, without reloading the page.
    page.evaluate("window.notReloaded = true")
    update = row.get_by_label(re.compile("Update at this meeting"))
    update.fill("The DCC gave its quarterly update on capacity.")
    row.get_by_label("Date", exact=True).fill("2019-12-03")
    row.get_by_label("…or in words").fill("")
    row.get_by_role("button", name="Save OPSG 24/05").click()
    expect(row.get_by_role("status")).to_have_text("Saved OPSG 24/05.")
    assert page.evaluate("window.notReloaded") is True
    # The count above the rows follows the rows saved in place.
    reviewed = ActionReview.objects.filter(meeting__number=25).count()
    expect(page.locator("#reviewed-count")).to_have_text(str(reviewed))
    # Keyboard users keep their place: focus is back on the row's Save button.
    assert page.evaluate("document.activeElement.id") == "opsg-24-05-save"
    expect(row.get_by_label(re.compile("Update at this meeting"))).to_have_value(
        "The DCC gave its quarterly update on capacity."
    )
    review = ActionReview.objects.get(action__reference="OPSG 24/05", meeting__number=25)
    assert review.update == "The DCC gave its quarterly update on capacity."
    assert str(review.revised_target_date) == "2019-12-03"
    # Its neighbour is untouched.
    assert ActionReview.objects.get(action__reference="OPSG 24/02", meeting__number=25).version == 1
    page.screenshot(path=screenshot_dir / "review-3-saved.png", full_page=True)
    axe["after saving a row"] = axe_check(page)

    # Someone else saves OPSG 24/08 while this page is open: saving it here
    # brings back both texts instead of overwriting theirs.
    other = page.locator("#row-opsg-24-08")
    action_review_record(
        action=Action.objects.get(reference="OPSG 24/08"),
        meeting=Meeting.objects.get(committee__code="OPSG", number=25),
        update="Their update, saved first.",
        status="open",
    )
    other.get_by_label(re.compile("Update at this meeting")).fill("My update, saved second.")
    other.get_by_role("button", name="Save OPSG 24/08").click()
    expect(other.locator(".their-text")).to_have_text("Their update, saved first.")
    expect(other.get_by_label(re.compile("Update at this meeting"))).to_have_value(
        "My update, saved second."
    )
    expect(other.get_by_role("alert")).to_contain_text("merge the two and save again")
    page.screenshot(path=screenshot_dir / "review-4-conflict.png", full_page=True)
    axe["conflict"] = axe_check(page)
    # The merged text now saves over theirs.
    other.get_by_label(re.compile("Update at this meeting")).fill("Both updates, merged.")
    other.get_by_role("button", name="Save OPSG 24/08").click()
    expect(other.get_by_role("status")).to_have_text("Saved OPSG 24/08.")
    assert (
        ActionReview.objects.get(action__reference="OPSG 24/08", meeting__number=25).update
        == "Both updates, merged."
    )

    fail_on_problems(axe, raw_html)
