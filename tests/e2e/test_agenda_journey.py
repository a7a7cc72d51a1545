"""The secretary drafts the agenda of the next meeting, attaches two papers
and publishes it; a member goes from the home page to the agenda in one
click and downloads the meeting pack. In-process (no REDIS_URL) the pack is
built as the publication commits; the page shows it once built."""

import datetime
import subprocess
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.base import PASSWORD, make_meeting, make_world
from tests.e2e.pages import log_in
from tests.meetings.agenda_data import docx_bytes, pdf_bytes

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

AGENDA = "/committees/OPSG/meetings/26/agenda/"


def test_secretary_publishes_an_agenda_and_a_member_downloads_the_pack(
    page, live_server, screenshot_dir, tmp_path, worker
):
    world = make_world()
    make_meeting(world, number=26, date=datetime.date(2099, 11, 5))
    base = live_server.url
    paper = tmp_path / "tariffs.pdf"
    paper.write_bytes(pdf_bytes("Tariff review", 2))
    sheet = tmp_path / "costs.docx"
    sheet.write_bytes(docx_bytes())

    log_in(page, base, "secretary", PASSWORD)
    page.get_by_role("link", name="Draft the agenda of OPSG 26, 5 November 2099").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Agenda of")
    for number, title in (("1", "Previous Meeting Minutes"), ("2", "Tariff review")):
        page.get_by_label("Number").last.fill(number)
        page.locator("#id_new-title").fill(title)
        page.locator("#id_new-purpose").select_option("decision")
        page.get_by_role("button", name="Add the item").click()
        expect(page.get_by_role("heading", name=f"{number}. {title}")).to_be_visible()
    item = page.locator("li.agenda-entry", has_text="Tariff review")
    for path in (paper, sheet):
        item.get_by_label("Add a paper to item 2").set_input_files(str(path))
        item.get_by_role("button", name="Upload").first.click()
        item = page.locator("li.agenda-entry", has_text="Tariff review")
    expect(item.get_by_role("link", name="tariffs.pdf")).to_be_visible()
    expect(item.get_by_role("link", name="costs.docx")).to_be_visible()
    page.get_by_role("button", name="Publish the agenda to members").click()
    expect(page.get_by_text("Agenda published")).to_be_visible()
    expect(page.get_by_role("link", name="Download the meeting pack")).to_be_visible(timeout=60_000)
    page.screenshot(path=str(screenshot_dir / "agenda_secretary.png"), full_page=True)

    page.context.clear_cookies()
    log_in(page, base, "member", PASSWORD)
    page.get_by_role("link", name="Agenda and papers of OPSG 26, 5 November 2099").click()
    with page.expect_download() as download:
        page.get_by_role("link", name="Download the meeting pack").click()
    pack = Path(download.value.path())
    text = subprocess.run(
        ["pdftotext", "-layout", str(pack), "-"], capture_output=True, text=True, check=True
    ).stdout
    assert "Tariff review page 2" in text and "costs.docx" in text
    assert "Page 4 of 4" in text
    page.screenshot(path=str(screenshot_dir / "agenda_member.png"), full_page=True)
    subprocess.run(["pdftoppm", "-png", "-r", "50", str(pack), str(screenshot_dir / "pack")])
