"""Between meetings, in one journey (issue 19): the secretary publishes the
agenda of OPSG 26 with two papers; a member goes from the home page to it
and downloads the meeting pack; after the meeting, the member comments on
the circulated draft with a change of wording; the secretary accepts it; the
chair approves the minutes at OPSG 27, whose minutes list the correction."""

import datetime
import re
import subprocess
from pathlib import Path

import pytest
from playwright.sync_api import expect

from meetings.models import AgendaItem, Meeting
from minutes.services import item_update, minutes_circulate
from tests.base import PASSWORD, make_item, make_meeting, make_world
from tests.e2e.pages import log_in
from tests.meetings.agenda_data import docx_bytes, pdf_bytes

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

M26 = "/committees/OPSG/meetings/26/"
D = datetime.date


def pdf_pages(path: Path) -> list[str]:
    text = subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout
    return text.split("\f")[:-1]


def test_agenda_pack_comment_correction(page, live_server, screenshot_dir, tmp_path, worker):
    world = make_world()
    make_meeting(world, number=26, date=D(2099, 11, 5))
    base = live_server.url
    paper = tmp_path / "tariffs.pdf"
    paper.write_bytes(pdf_bytes("Tariff review", 2))
    note = tmp_path / "costs.docx"
    note.write_bytes(docx_bytes())

    # 1. The secretary drafts the agenda, attaches two papers and publishes it.
    log_in(page, base, "secretary", PASSWORD)
    page.get_by_role("link", name="Draft the agenda of OPSG 26, 5 November 2099").click()
    for number, title in (("1", "Previous Meeting Minutes"), ("2", "Tariff review")):
        page.get_by_label("Number").last.fill(number)
        page.locator("#id_new-title").fill(title)
        page.locator("#id_new-purpose").select_option("decision")
        page.get_by_role("button", name="Add the item").click()
        expect(page.get_by_role("heading", name=f"{number}. {title}")).to_be_visible()
    for path in (paper, note):
        item = page.locator("li.agenda-entry", has_text="Tariff review")
        item.get_by_label("Add a paper to item 2").set_input_files(str(path))
        item.get_by_role("button", name="Upload").first.click()
    item = page.locator("li.agenda-entry", has_text="Tariff review")
    expect(item.get_by_role("link", name="tariffs.pdf")).to_be_visible()
    expect(item.get_by_role("link", name="costs.docx")).to_be_visible()
    page.get_by_role("button", name="Publish the agenda to members").click()
    expect(page.get_by_text("Agenda published")).to_be_visible()
    # The worker builds the pack (the page updates itself).
    expect(page.get_by_role("link", name="Download the meeting pack")).to_be_visible(timeout=60_000)
    page.screenshot(path=str(screenshot_dir / "between-1-agenda.png"), full_page=True)

    # 2. A member reaches it in one click from the home page and downloads the pack.
    page.context.clear_cookies()
    log_in(page, base, "member", PASSWORD)
    page.get_by_role("link", name="Agenda and papers of OPSG 26, 5 November 2099").click()
    with page.expect_download() as download:
        page.get_by_role("link", name="Download the meeting pack").click()
    pages = pdf_pages(Path(download.value.path()))
    assert len(pages) == 4  # the agenda, the paper's two pages, the Word paper's page
    for number, text in enumerate(pages, start=1):
        assert f"Page {number} of 4" in text
        assert "Classification: White" in text
    assert "Tariff review page 2" in pages[2] and "costs.docx" in pages[3]

    # The meeting is held; the published agenda was the skeleton of its
    # minutes, which the secretary writes up and circulates.
    meeting = Meeting.objects.get(number=26)
    assert list(meeting.items.values_list("number", "title")) == [
        ("1", "Previous Meeting Minutes"),
        ("2", "Tariff review"),
    ]
    tariffs = meeting.items.get(number="2")
    item_update(
        item=tariffs,
        expected_version=None,
        narrative="SECAS presented the review: tariffs rise by four percent in April.",
    )
    minutes_circulate(meeting=meeting, by=world.secretary.user)

    # 3. The member comments on the circulated draft, suggesting a wording.
    page.goto(base + M26)
    page.get_by_role("link", name=re.compile("^Comments")).first.click()
    page.get_by_text("Comment on item 2").click()
    page.get_by_label("Comment", exact=True).last.fill("The paper says five.")
    page.get_by_label("Words to change, copied exactly from the item's text").last.fill(
        "four percent"
    )
    page.get_by_label("Suggested wording").last.fill("five percent")
    page.get_by_role("button", name="Add comment").last.click()
    expect(page.get_by_role("status")).to_contain_text("Comment added.")
    page.screenshot(path=str(screenshot_dir / "between-2-comment.png"), full_page=True)

    # 4. The secretary accepts it into the draft.
    page.context.clear_cookies()
    log_in(page, base, "secretary", PASSWORD, next_path=M26 + "comments/")
    page.get_by_role("button", name="Accept into the draft").click()
    expect(page.get_by_role("status")).to_contain_text("Suggestion accepted")
    tariffs.refresh_from_db()
    assert "five percent" in tariffs.narrative

    # 5. The chair approves the minutes at OPSG 27, which lists the correction.
    m27 = make_meeting(world, number=27, date=D(2099, 12, 3))
    make_item(m27, "1", "Previous Meeting Minutes", standing=AgendaItem.Standing.PREVIOUS_MINUTES)
    page.context.clear_cookies()
    log_in(page, base, "chair", PASSWORD, next_path=M26)
    page.get_by_label("Approved at").select_option(label="OPSG 27 (3 December 2099)")
    page.get_by_role("button", name="Approve the minutes").click()
    expect(page.locator(".minutes-header .status")).to_have_text(re.compile(r"^Approved"))
    page.goto(base + "/committees/OPSG/meetings/27/")
    expect(page.locator(".corrections-agreed")).to_contain_text(
        "item 2: ‘four percent’ → ‘five percent’ (suggested by Mia Member)"
    )
    page.screenshot(path=str(screenshot_dir / "between-3-approved.png"), full_page=True)
