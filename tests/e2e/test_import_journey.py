"""The secretary of OPSG imports the 2019 minutes of meeting 25 from the text
of their PDF: from the committee page to /import/, the review page (what was
read beside the numbered source, every doubt linked to its line), then
"Import OPSG 25" to the minutes and the action log.

The world is tests/base.py's, not the demo (which already holds OPSG 25).
Every page of ours on the way is checked with axe-core and the Nu HTML
Checker (the HTML exactly as the server sent it; for the review page, the
response to the upload itself, since it is not reachable by GET)."""

import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.base import PASSWORD, make_world
from tests.e2e.a11y import axe_check, fail_on_problems
from tests.e2e.pages import log_in, read_for_import

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

SOURCE = Path(__file__).resolve().parents[2] / "imports" / "fixtures" / "opsg_25_minutes.txt"
COMMITTEE = "/committees/OPSG/"
MINUTES = "/committees/OPSG/meetings/25/"


def test_secretary_imports_the_minutes_of_opsg_25(
    page, live_server, settings, tmp_path, screenshot_dir
):
    make_world()  # OPSG, White (2019: public, may be published), "secretary" its secretary
    base = live_server.url
    axe: dict[str, list[dict]] = {}
    raw_html: dict[str, str] = {}

    def shoot(label: str, full_page: bool = True) -> None:
        page.screenshot(path=screenshot_dir / f"import-{label}.png", full_page=full_page)

    def check(label: str, html: str | None = None) -> None:
        axe[label] = axe_check(page)
        if html is None:
            response = page.request.get(page.url)
            assert response.ok, f"{label}: GET {page.url} returned {response.status}"
            html = response.text()
        raw_html[label] = html

    log_in(page, base, "secretary", PASSWORD, COMMITTEE)
    expect(page).to_have_url(base + COMMITTEE)
    expect(page.get_by_role("heading", level=1)).to_have_text("Operations Group (OPSG)")

    # The upload page, from the committee page.
    page.get_by_role("link", name="Import minutes from a document").click()
    expect(page).to_have_url(base + "/import/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Import minutes")
    # Each field's help is its accessible description (aria-describedby finds it).
    expect(page.get_by_label("Minutes document")).to_have_accessible_description(
        re.compile(r"^Text from a PDF \(\.txt\)")
    )
    expect(page.get_by_label("Committee")).to_have_accessible_description(
        re.compile(r"^Only when the document does not name its committee")
    )
    shoot("1-upload")
    check("upload")

    # Read the document: the review page is the answer to the POST.
    review = read_for_import(page, base, SOURCE)
    heading = page.get_by_role("heading", level=1)
    expect(heading).to_have_text("Review the import: OPSG 25")
    counts = page.get_by_role("region", name="What was read")
    expect(counts).to_contain_text("15 members, 22 other participants, 4 apologies")
    doubts = page.get_by_role("region", name=re.compile(r"^Doubts \("))
    expect(doubts.get_by_role("heading", level=2)).to_have_text(re.compile(r"^Doubts \(\d+\)$"))
    renumbered = doubts.get_by_role("listitem").filter(has_text="[renumbered]")
    assert renumbered.count() >= 8, f"{renumbered.count()} renumbered doubts"
    shoot("2-review-top", full_page=False)
    shoot("2-review-full")
    check("review", review.text())

    # The first renumbered doubt's link: to its highlighted source line.
    link = renumbered.first.get_by_role("link", name=re.compile(r"^Line \d+$"))
    number = re.fullmatch(r"Line (\d+)", link.inner_text())[1]
    link.click()
    expect(page).to_have_url(re.compile(rf"#L{number}$"))
    line = page.locator(f"#L{number}")
    expect(line).to_have_class(re.compile(r"\bflagged\b"))
    expect(line).to_contain_text("110")
    expect(line).to_be_in_viewport()
    shoot("3-review-source", full_page=False)

    # The first doubt ticked as checked; the others wait for the history page.
    total = doubts.get_by_role("checkbox").count()
    assert total == doubts.get_by_role("listitem").count()
    doubts.get_by_role("checkbox").first.check()

    # Import: to the minutes, with the message.
    page.get_by_role("button", name="Import OPSG 25").click()
    expect(page).to_have_url(base + MINUTES)
    expect(page.get_by_role("status").first).to_contain_text(
        "Imported OPSG 25 from opsg_25_minutes.txt, as the draft it is"
    )
    expect(page.get_by_role("status").first).to_contain_text(
        f"{total - 1} doubts are left to acknowledge on its history page"
    )
    expect(page.get_by_role("heading", name="4. Major Incidents", exact=True)).to_be_visible()
    expect(page.locator("main")).to_contain_text("ACTION OPSG 25/18")
    shoot("4-minutes")
    check("minutes")

    # The action log: the actions raised, and those the table reviewed.
    page.locator("header").get_by_role("link", name="Actions", exact=True).click()
    expect(page).to_have_url(base + "/actions/")
    page.goto(base + "/actions/?status=all")
    table = page.get_by_role("table")
    expect(table.get_by_role("link", name="OPSG 25/01", exact=True)).to_be_visible()
    expect(table.get_by_role("link", name="OPSG 11/02", exact=True)).to_be_visible()
    check("actions")

    # The history page: the doubts left, each acknowledged in place.
    page.goto(base + MINUTES + "history/")
    left = page.locator("#import-doubts")
    expect(left).to_have_attribute("open", "")
    checked = left.get_by_text(
        re.compile(r"^Checked by Sam Secretary on \d{1,2} [A-Z][a-z]+ \d{4}, \d\d:\d\d\.$")
    )
    expect(checked).to_have_count(1)
    buttons = left.get_by_role("button", name="Checked: acknowledge")
    expect(buttons).to_have_count(total - 1)
    with page.expect_response(lambda r: r.url.endswith("/acknowledge")):
        buttons.first.click()
    expect(buttons).to_have_count(total - 2)
    expect(checked).to_have_count(2)
    expect(left.locator("summary")).to_contain_text(f"({total - 2} not yet checked:")
    shoot("5-history-doubts")
    check("history")

    fail_on_problems(axe, raw_html)
