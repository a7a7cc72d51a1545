"""The secretary of another committee, a harbour trust, imports the minutes
of its meeting 31 from a Word file (the meeting of
tests/imports/test_cross_format.py, written by python-docx): the review page
shows what was read in the trust's own layout (its attendance with the
remote mark, its items, decisions and actions), and "Import HT 31" gives the
minutes and the trust's own action references.

Every page of ours on the way is checked with axe-core and the Nu HTML
Checker, as in test_import_journey.py."""

import pytest
from playwright.sync_api import expect

from meetings.models import Committee, CommitteeRole, Meeting
from tests.base import PASSWORD, make_world
from tests.e2e.a11y import PageChecks
from tests.e2e.pages import log_in, read_for_import
from tests.imports.test_cross_format import as_word

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

COMMITTEE = "/committees/HT/"
MINUTES = "/committees/HT/meetings/31/"


def test_a_trusts_secretary_imports_its_minutes_from_word(
    page, live_server, tmp_path, screenshot_dir
):
    world = make_world()
    trust = Committee.objects.create(code="HT", name="Harbour Trust")
    CommitteeRole.objects.create(committee=trust, person=world.secretary, role="secretary")
    source = tmp_path / "ht_trustees_31.docx"
    source.write_bytes(as_word())
    base = live_server.url
    checks = PageChecks(screenshot_dir, "other-import")

    log_in(page, base, "secretary", PASSWORD, COMMITTEE)
    expect(page.get_by_role("heading", level=1)).to_have_text("Harbour Trust (HT)")
    page.get_by_role("link", name="Import minutes from a document").click()
    expect(page).to_have_url(base + "/import/")

    review = read_for_import(page, base, source)
    expect(page.get_by_role("heading", level=1)).to_have_text("Review the import: HT 31")
    counts = page.get_by_role("region", name="What was read")
    expect(counts).to_contain_text("3 members")
    expect(counts).to_contain_text("1 apolog")
    expect(counts).to_contain_text("3 items")
    expect(counts).to_contain_text("2 decisions")
    expect(counts).to_contain_text("2 actions raised")
    # People of no organisation or category are listed by name alone.
    attendance = page.get_by_role("heading", name="Attendance").locator(
        "xpath=following-sibling::ul[1]"
    )
    expect(attendance.get_by_role("listitem").first).to_have_text("Member: Ana Silva (Chair)")
    checks.check(page, "1-review", review.text())

    page.get_by_role("button", name="Import HT 31").click()
    expect(page).to_have_url(base + MINUTES)
    expect(page.get_by_role("status").first).to_contain_text(
        "Imported HT 31 from ht_trustees_31.docx"
    )
    main = page.locator("main")
    # A row of no category or organisation is headed by a dash, never left empty.
    members = page.get_by_role("table", name="Members")
    expect(members.get_by_role("rowheader").first).to_have_text("–")
    expect(main).to_contain_text("Cara Lund")
    expect(main).to_contain_text("Dmitri Volkov")
    expect(main).to_contain_text("ACTION HT 31/01")
    expect(main).to_contain_text("ACTION HT 31/02")
    expect(page.get_by_role("heading", name="2. Moorings", exact=True)).to_be_visible()
    checks.check(page, "2-minutes")

    meeting = Meeting.objects.get(committee=trust, number=31)
    assert str(meeting.date) == "2026-03-12"
    attendance = {a.person.name: a for a in meeting.attendance.select_related("person")}
    assert set(attendance) == {"Ana Silva", "Ben Okoro", "Cara Lund", "Dmitri Volkov"}
    assert attendance["Cara Lund"].remote
    checks.finish()
