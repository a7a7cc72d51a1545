"""The attendance grid, from the keyboard: one row per person, each saved as
its cells change, without a reload and without losing what is typed next;
a person added inline by typing a name and pressing Enter; a save that
fails says so and keeps what was typed."""

import re

import pytest
from playwright.sync_api import expect

from meetings.models import Attendance
from tests.e2e.a11y import PageChecks
from tests.e2e.pages import demo_with_a_draft, log_in, settled

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PASSWORD = "e2e-demo-Pw-grid-5512"


def row(page, name: str):
    return page.locator("#attendance tbody tr").filter(
        has=page.get_by_role("rowheader", name=re.compile(rf"^{re.escape(name)}\b"))
    )


def names_under(page, heading: str) -> list[str]:
    table = page.locator(f"#attendance h3:has-text('{heading}') + .table-scroll table")
    return [t.split(" (")[0].strip() for t in table.locator("tbody th").all_inner_texts()]


def a_draft_with_its_attendance(page, live_server, settings):
    """A new draft of OPSG, open in the secretary's editor, the attendance of
    the meeting before copied into its grid."""
    meeting = demo_with_a_draft(settings, PASSWORD)
    edit = f"/committees/OPSG/meetings/{meeting.number}/edit/"
    log_in(page, live_server.url, "secretary", PASSWORD, edit)
    page.get_by_role("button", name=re.compile(r"^Copy the attendance of OPSG")).click()
    expect(page.locator("#attendance h3", has_text="Members")).to_contain_text("Members (15)")
    settled(page)
    return meeting


def test_the_grid_saves_each_change_in_place(page, live_server, settings, screenshot_dir):
    meeting = a_draft_with_its_attendance(page, live_server, settings)
    checks = PageChecks(screenshot_dir, "attendance-grid")
    page.evaluate("window.notReloaded = true")

    # A tick, from the keyboard: saved in place, the row says so.
    dave = row(page, "Dave Warner")
    dave.get_by_label("Teleconference: Dave Warner").focus()
    page.keyboard.press("Space")
    expect(dave.get_by_role("status")).to_contain_text("Saved")

    # Typing, then Tab on into the next cell and typing there at once: the
    # first save answers without touching what is being typed.
    dave.get_by_label("Role note: Dave Warner").fill("Chair")
    page.keyboard.press("Tab")
    page.keyboard.type("Panel liaison")  # Dave's Save button has focus: typing there does nothing
    tony = row(page, "Tony Shanahan")
    tony.get_by_label("Role note: Tony Shanahan").fill("Minute taker")
    tony.get_by_label("Category: Tony Shanahan").focus()  # a change leaves the role note
    expect(tony.get_by_role("status")).to_contain_text("Saved")
    expect(tony.get_by_label("Role note: Tony Shanahan")).to_have_value("Minute taker")

    # Naming whom an alternate stands in for ticks Alternate: the row is redrawn.
    liam = row(page, "Liam Cowe")
    liam.get_by_label("Alternate for: Liam Cowe").select_option(label="Gemma Slaney")
    expect(row(page, "Liam Cowe").get_by_label("Alternate: Liam Cowe")).to_be_checked()
    settled(page)

    # Part, with the items attended.
    zoe = row(page, "Zoe Marklew")
    zoe.get_by_label("Part: Zoe Marklew").check()
    zoe.get_by_label("Items attended (if part): Zoe Marklew").fill("6 & 7")
    zoe.get_by_label("Role note: Zoe Marklew").focus()
    expect(row(page, "Zoe Marklew").get_by_role("status")).to_contain_text("Saved")

    # Another list: the person moves to it.
    apologies = names_under(page, "Apologies")
    row(page, "Kate Barnes").get_by_label("List: Kate Barnes").select_option(label="Apology")
    expect(page.locator("#attendance h3", has_text="Apologies")).to_have_text(
        f"Apologies ({len(apologies) + 1})"
    )
    assert names_under(page, "Apologies") == [*apologies, "Kate Barnes"]
    settled(page)

    # A new person, inline: the name, then Enter. The name field keeps the
    # focus for the next one.
    page.get_by_label("Add to").select_option(label="Other participants")
    name = page.get_by_label("Name", exact=True)
    name.fill("Quentin Newman")
    name.press("Enter")
    expect(page.locator("#attendance .saved").first).to_contain_text(
        "Added Quentin Newman to Other participants."
    )
    assert "Quentin Newman" in names_under(page, "Other participants")
    expect(page.get_by_label("Name", exact=True)).to_be_focused()
    # A known person's name typed in full is that person, never a second one.
    page.get_by_label("Name", exact=True).fill("mo asif")
    page.get_by_label("Name", exact=True).press("Enter")
    expect(page.locator("#attendance .error")).to_contain_text("Mo Asif is already listed")

    assert page.evaluate("window.notReloaded") is True
    checks.check(page, "1-grid")

    stored = {a.person.name: a for a in Attendance.objects.filter(meeting=meeting)}
    assert stored["Dave Warner"].remote and stored["Dave Warner"].role == "Chair"
    assert stored["Tony Shanahan"].role == "Minute taker"
    assert stored["Liam Cowe"].is_alternate and stored["Liam Cowe"].alternate_for.name == (
        "Gemma Slaney"
    )
    assert (stored["Zoe Marklew"].part, stored["Zoe Marklew"].items) == (True, "6 & 7")
    assert stored["Kate Barnes"].section == "apology"
    assert stored["Quentin Newman"].section == "participant"

    # At phone width the grid scrolls inside its own box, not the page.
    page.set_viewport_size({"width": 390, "height": 800})
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
    checks.check(page, "2-phone")
    checks.finish()


def test_a_failed_save_says_so_and_keeps_what_was_typed(
    page, live_server, settings, screenshot_dir
):
    """A save that fails in place (the server errs, or the network drops)
    says so, at the foot of the window and beside the row, and what was
    typed stays in its field for another try."""
    meeting = a_draft_with_its_attendance(page, live_server, settings)
    checks = PageChecks(screenshot_dir, "save-failure")
    dave = row(page, "Dave Warner")
    role = dave.get_by_label("Role note: Dave Warner")
    line = Attendance.objects.get(meeting=meeting, person__name="Dave Warner")
    save_url = re.compile(rf"/attendance/{line.pk}/$")
    failed = page.get_by_role("alert")

    # The network drops (outside the project: the browser is told the
    # request failed).
    page.route(save_url, lambda route: route.abort("internetdisconnected"))
    role.fill("Chair")
    role.press("Tab")
    expect(failed).to_contain_text("Not saved: the server could not be reached.")
    expect(failed).to_contain_text("What you typed is still here")
    expect(dave.get_by_role("status")).to_have_text("Not saved")
    expect(dave.get_by_role("status")).to_have_class(re.compile(r"\bnot-saved\b"))
    expect(role).to_have_value("Chair")
    checks.check(page, "1-not-saved")
    page.unroute(save_url)

    # The server errs.
    page.route(save_url, lambda route: route.fulfill(status=500, body="Server Error (500)"))
    dave.get_by_role("button", name="Save Dave Warner").click()
    expect(failed).to_contain_text("Not saved: the server failed (error 500).")
    expect(role).to_have_value("Chair")
    page.unroute(save_url)
    line.refresh_from_db()
    assert line.role == ""

    # Saved again when it can be: the message goes.
    dave.get_by_role("button", name="Save Dave Warner").click()
    expect(dave.get_by_role("status")).to_contain_text("Saved")
    expect(dave.get_by_role("status")).not_to_have_class(re.compile(r"\bnot-saved\b"))
    expect(page.locator("#request-failed")).to_be_empty()
    expect(page.locator("#request-failed")).to_be_hidden()
    line.refresh_from_db()
    assert line.role == "Chair"
    checks.finish()
