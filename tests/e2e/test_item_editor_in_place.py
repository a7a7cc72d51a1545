"""The item editor changes in place, and loses nothing typed: moving an item
renumbers the others where they stand, an added decision or action joins
its list and the add form starts empty again, a refused addition keeps what
was typed, an item added loads its editor, and an item's review forms learn
of its new decisions."""

import pytest
from playwright.sync_api import expect

from tests.e2e.pages import demo_with_a_draft, log_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PASSWORD = "e2e-demo-Pw-items-4412"


def headings(page) -> list[str]:
    return page.locator("#items-list > article.item-editor > div > h3").all_inner_texts()


def test_the_item_editor_changes_in_place(page, live_server, settings, screenshot_dir):
    meeting = demo_with_a_draft(settings, PASSWORD)
    edit = f"/committees/OPSG/meetings/{meeting.number}/edit/"
    log_in(page, live_server.url, "secretary", PASSWORD, edit)
    page.evaluate("() => { window.__marker = 'no reload'; }")
    before = headings(page)
    assert len(before) >= 3, before

    # An item added loads its editor, before Any Other Business.
    page.locator("#new-item-title").fill("Major Incidents")
    page.get_by_role("button", name="Add item").click()
    added = page.locator("#items-list > article.item-editor").filter(has_text="Major Incidents")
    expect(added.get_by_label("Narrative (Markdown)")).to_be_visible()
    expect(page.locator("#items-outline")).to_contain_text("added.")
    expect(page.locator("#new-item-title")).to_have_value("")
    numbered = headings(page)
    assert numbered[-1].endswith("Any Other Business"), numbered
    assert numbered[-2].endswith("Major Incidents"), numbered

    # Typing in one item survives moving another: the items are put in
    # their new order and renumbered where they stand.
    first = page.locator("#items-list > article.item-editor").first
    first.get_by_label("Narrative (Markdown)").fill("Typed, not yet saved.")
    number = int(numbered[-2].split(".")[0])
    added.get_by_role("button", name=f"Move item {number} up").click()
    expect(page.locator("#items-list > article.item-editor > div > h3").nth(-3)).to_have_text(
        f"{number - 1}. Major Incidents"
    )
    moved = headings(page)
    assert moved[-2] == numbered[-3].replace(f"{number - 1}. ", f"{number}. ", 1), moved
    expect(first.get_by_label("Narrative (Markdown)")).to_have_value("Typed, not yet saved.")
    # Its buttons are named by its new number; focus stayed on the one pressed.
    up = added.get_by_role("button", name=f"Move item {number - 1} up")
    expect(up).to_be_focused()
    expect(added.get_by_role("button", name=f"Save item {number - 1}")).to_be_visible()

    # A decision added joins the list; the add form starts empty again, and
    # the item's review form offers the new decision to link.
    added.locator("summary", has_text="Add a decision").click()
    form = added.locator("details.add").filter(has_text="Add a decision")
    form.locator('[name="text"]').fill("that DCC reports each Major Incident")
    form.get_by_role("button", name="Add decision").click()
    expect(added.locator(".decision-editor")).to_have_count(1)
    expect(added.locator(".decision-editor")).to_contain_text("Decision saved.")
    expect(form.locator('[name="text"]')).to_have_value("")
    expect(added.locator("[id$=-decision-list] .empty")).to_be_hidden()
    expect(added.locator("[id$=-incidents] fieldset")).to_contain_text(
        "that DCC reports each Major Incident"
    )

    # An action refused (no owner) says why in its form, which keeps the text.
    added.locator("summary", has_text="Raise a new action").click()
    raise_form = added.locator("details.add").filter(has_text="Raise a new action")
    raise_form.locator('[name="text"]').fill("DCC to circulate the reports.")
    raise_form.get_by_role("button", name="Raise action").click()
    expect(raise_form.get_by_role("alert")).to_contain_text("Choose at least one owner.")
    expect(raise_form.locator('[name="text"]')).to_have_value("DCC to circulate the reports.")
    raise_form.locator('[name="owner_organisations"]').select_option(label=["DCC"])
    raise_form.get_by_role("button", name="Raise action").click()
    expect(added.locator(".action-editor")).to_have_count(1)
    expect(added.locator(".action-editor")).to_contain_text("DCC to circulate the reports.")
    expect(raise_form.get_by_role("alert")).to_have_count(0)
    added.screenshot(path=screenshot_dir / "item-editor-in-place.png")

    # A decision deleted leaves a note in its place.
    decision = added.locator(".decision-editor")
    decision.locator("summary").click()
    decision.get_by_role("button", name="Delete decision").click()
    expect(added.get_by_role("status").filter(has_text="Decision deleted.")).to_be_visible()
    expect(added.locator(".decision-editor")).to_have_count(0)

    assert page.evaluate("() => window.__marker") == "no reload"
    # What the page shows is what was stored.
    page.reload()
    assert headings(page) == moved
