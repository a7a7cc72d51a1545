"""A member searches "throttling", lands in OPSG 25 item 11, follows the
SECMP0067-related action 25/10, then opens incident INC000000478818 from
item 4; on the way, the incidents register, the decisions register and the
page of modification SECMP0067 (reached by its reference in the header box).

Runs against the demo data on a live server in Chromium. Every page of ours
on the way is checked with axe-core and the Nu HTML Checker (the HTML exactly
as the server sent it)."""

import re
from pathlib import Path

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from tests.e2e.a11y import axe_check, fail_on_problems
from tests.e2e.pages import log_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

DEMO_PASSWORD = "e2e-demo-Pw-7731-search"
SHOTS = Path(__file__).resolve().parent / "screenshots"  # git-ignored
MINUTES = "/committees/OPSG/meetings/25/"
ACTION = "/actions/opsg-25-10/"
INCIDENT = "/incidents/INC000000478818/"
HIT = "OPSG 25 – item 11. SECMP0067 Business Case"


def header_search(page, words):
    """Search from the box in the site header, as on any page."""
    box = page.locator("header").get_by_role("search")
    box.get_by_label("Search", exact=True).fill(words)
    box.get_by_role("button", name="Search").click()


def test_member_searches_and_follows_the_links(page, live_server, settings):
    settings.DEMO_MODE = True
    settings.DEMO_PASSWORD = DEMO_PASSWORD
    call_command("load_demo")
    SHOTS.mkdir(exist_ok=True)
    base = live_server.url
    axe: dict[str, list[dict]] = {}
    raw_html: dict[str, str] = {}

    def check(label: str) -> None:
        page.screenshot(path=SHOTS / f"search-journey-{len(axe) + 1}-{label}.png", full_page=True)
        axe[label] = axe_check(page)
        response = page.request.get(page.url)
        assert response.ok, f"{label}: GET {page.url} returned {response.status}"
        raw_html[label] = response.text()

    log_in(page, base, "member", DEMO_PASSWORD, "/")
    expect(page).to_have_url(base + "/")
    expect(page.get_by_text("Signed in as")).to_be_visible()

    # The header box: "throttling" finds item 11 of OPSG 25, the word marked.
    header_search(page, "throttling")
    expect(page).to_have_url(base + "/search/?q=throttling")
    expect(page.get_by_role("heading", level=1)).to_have_text("Search")
    expect(page.locator("header").get_by_label("Search", exact=True)).to_have_value("throttling")
    items = page.get_by_role("region", name=re.compile(r"^Agenda items"))
    hit = items.get_by_role("listitem").filter(has=page.get_by_role("link", name=HIT))
    expect(hit).to_have_count(1)
    expect(hit.locator(".snippet mark").first).to_have_text(re.compile(r"throttl", re.I))
    check("results")

    # The hit: item 11 of the minutes, its action 25/10 linked.
    hit.get_by_role("link", name=HIT).click()
    expect(page).to_have_url(base + MINUTES + "#item-11")
    item = page.locator("#item-11")
    expect(item).to_be_visible()
    expect(item.get_by_role("heading").first).to_have_text("11. SECMP0067 Business Case")
    expect(item).to_contain_text("ACTION OPSG 25/10")
    link = item.locator("p.action").filter(has_text="OPSG 25/10").get_by_role("link")
    expect(link).to_have_text("OPSG 25/10")
    expect(link).to_have_attribute("href", ACTION)
    check("minutes")

    # The action.
    link.click()
    expect(page).to_have_url(base + ACTION)
    expect(page.get_by_role("heading", level=1)).to_have_text("OPSG 25/10")
    expect(page.locator("main")).to_contain_text(re.compile(r"threshold matri", re.I))
    check("action")

    # Back to the minutes: item 4 names the incident in its narrative and
    # records its review.
    page.go_back()
    expect(page).to_have_url(base + MINUTES + "#item-11")
    page.goto(base + MINUTES + "#item-4")
    item = page.locator("#item-4")
    expect(item).to_be_visible()
    narrative = item.locator(".narrative").get_by_role("link", name="INC000000478818")
    expect(narrative.first).to_have_attribute("href", INCIDENT)
    reviewed = item.locator(".incident-review").filter(has_text="INC000000478818")
    expect(reviewed).to_contain_text("Incident reviewed:")
    expect(reviewed.get_by_role("link", name="INC000000478818")).to_have_attribute("href", INCIDENT)
    narrative.first.click()

    # The incident: where it was reviewed, the action and the decisions about it.
    expect(page).to_have_url(base + INCIDENT)
    expect(page.get_by_role("heading", level=1)).to_contain_text("INC000000478818")
    main = page.locator("main")
    expect(main.get_by_role("heading", level=2, name="Reviewed at")).to_be_visible()
    review = main.get_by_role("region", name=re.compile(r"OPSG 25 .*item 4\. Major Incidents"))
    expect(review).to_have_count(1)
    expect(review.get_by_role("link")).to_have_attribute("href", MINUTES + "#item-4")
    actions = main.locator("h2:text-is('Actions about it') + ul")
    expect(actions.get_by_role("link", name="OPSG 25/03")).to_have_attribute(
        "href", "/actions/opsg-25-03/"
    )
    decisions = main.locator("h2:text-is('Decisions') + ul")
    agreed = decisions.get_by_role("listitem").filter(has_text="AGREED to publish both")
    expect(agreed.get_by_role("link", name="OPSG 25 item 4")).to_be_visible()
    check("incident")

    # The registers, from the header.
    page.locator("header").get_by_role("link", name="Incidents").click()
    expect(page).to_have_url(base + "/incidents/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Incidents")
    table = page.get_by_role("table")
    row = table.get_by_role("row").filter(has=page.get_by_role("link", name="INC000000478818"))
    expect(row).to_have_count(1)
    expect(row.get_by_role("link", name="OPSG 25 item 4")).to_be_visible()
    expect(row.get_by_role("link", name="OPSG 25/03")).to_be_visible()
    check("incidents")

    page.goto(base + "/decisions/?verb=AGREED")
    expect(page.get_by_role("heading", level=1)).to_have_text("Decisions register")
    expect(page.get_by_role("status")).to_contain_text(re.compile(r"\d+ decisions?\."))
    verbs = page.get_by_role("table").locator("tbody tr td:nth-child(3) strong")
    expect(verbs.first).to_have_text("AGREED")
    assert set(verbs.all_inner_texts()) == {"AGREED"}
    check("decisions")

    # An exact reference in the header box goes straight to its page.
    header_search(page, "SECMP0067")
    expect(page).to_have_url(base + "/modifications/SECMP0067/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("SECMP0067")
    discussed = page.locator("main h2:text-is('Discussed under') + ul")
    expect(discussed.get_by_role("link", name=re.compile(r"OPSG 25 .*item 11\."))).to_be_visible()
    check("modification")

    fail_on_problems(axe, raw_html)
