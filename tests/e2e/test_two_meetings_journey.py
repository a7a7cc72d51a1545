"""Two meetings of the OPSG, as a new secretary, chair and member walk them.

Over the demo data (`load_demo`: OPSG 25 circulated, 25 actions open when
meeting 26 starts), each person in a browser of their own, the emails going
to a real SMTP server the test starts:

1. the secretary creates meeting 26 and fills its attendance in the grid:
   copies OPSG 25's, then changes rows cell by cell (list, category,
   alternate, alternate for, teleconference, part and items, role note), each
   saved in place over htmx ("Saved HH:MM:SS" in the row), and adds a new
   person inline (a name, then Enter);
2. adds an agenda item with a decision and two actions, and reviews the
   actions outstanding: two rows on the review screen, the rest carried
   forward as not discussed when circulating;
3. circulates the draft: every reader is emailed the links to the minutes
   and their PDF, each owner of a new action "You have been given action …";
4. a signed-out member follows the email's link: the login page, then the
   circulated minutes, and the PDF the email links to;
5. the secretary creates meeting 27; the chair approves the minutes of 26 at
   meeting 27 (whose Previous Meeting Minutes item records it) and publishes
   them, a button only the chair has; the PDF of the final minutes is made;
6. the chair opens them for a correction, the secretary corrects the item,
   circulates again, the chair approves and publishes again: meanwhile the
   public page /published/OPSG/26/ keeps the published version and its PDF;
7. the chair downloads the PDF (OPSG_26_Minutes_v1.1.pdf, read back with
   pdftotext) and the Word file (read back with python-docx).

Without REDIS_URL the app runs its jobs in-process as each change commits;
with REDIS_URL (no worker runs) the test is the worker, as
test_member_follows_circulation_link.py and test_chair_pdf.py are. Every page
is checked with axe-core, and its HTML with the Nu HTML Checker at the end;
screenshots at 1280 px (and the minutes once at 390 px) go to
tests/e2e/screenshots/two-meetings-*.png."""

import io
import re
import subprocess
from email.message import EmailMessage

import docx
import pytest
from django.core.management import call_command
from playwright.sync_api import Page, expect

from actions.assignments import send_assignment_notices
from meetings.circulation import send_circulation
from meetings.models import Attendance, Decision, Meeting, MinutesDocument
from minutes import rendering
from opsg.celery import app
from tests.actions.test_reminders import smtp_port, smtp_server  # noqa: F401
from tests.e2e.a11y import PageChecks
from tests.e2e.pages import log_in
from tests.e2e.test_attendance_grid import names_under
from tests.e2e.test_secretary_journey import Journey, attendance_row
from tests.opsg25_transcript import LOCATION

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PASSWORD = "e2e-demo-Pw-2627-two-meetings"
COMMITTEE = "/committees/OPSG/"
M26 = COMMITTEE + "meetings/26/"
M27 = COMMITTEE + "meetings/27/"
PUBLIC_26 = "/published/OPSG/26/"
BROWSER = {
    "locale": "en-GB",
    "timezone_id": "Europe/London",
    "viewport": {"width": 1280, "height": 900},
}
SAVED = re.compile(r"^Saved \d\d:\d\d:\d\d\s*$")  # the time the row was saved

# Demo people (demo/opsg25.py) and addresses (demo/loader.py: username@demo.invalid).
READERS = "Dave Warner, Tony Shanahan, Veronica Asantewaa"  # chair, member, secretary
MEMBER_EMAIL = "member@demo.invalid"
DCC_EMAIL, SECAS_EMAIL = "dcc@demo.invalid", "secas@demo.invalid"
ALTERNATE, ALTERNATE_FOR = "John Noad", "Zoe Marklew"  # he attends in her place
PART_TIME = "Gemma Slaney"
CHAIR = "Dave Warner"
CATEGORY_CHANGED = "Kate Barnes"
NEWCOMER = "Quentin Newman"  # not a person the demo knows

OUTSTANDING_AT_26 = 25  # 7 still open from before 25, and the 18 raised at 25
SUPERSEDED, KEPT_OPEN = "OPSG 25/01", "OPSG 25/02"
ITEM_TITLE = "Major Incidents"
NARRATIVE = "DCC reported two **Major Incidents** since the last meeting."
CORRECTED = "DCC reported three Major Incidents since the last meeting."
REASON = "The Major Incidents item gave the wrong number of incidents."
ACTIONS = [  # (owner, text): each owner is given one action
    ("DCC", "DCC to circulate the Major Incident reports to members."),
    ("SECAS", "SECAS to add a Major Incident review to the next agenda."),
]


# --- helpers -------------------------------------------------------------------------


def open_page(browser) -> Page:
    """Another person's browser: a context of its own (its own login)."""
    page = browser.new_page(**BROWSER)
    page.set_default_timeout(10_000)
    return page


def status(page: Page):
    """The page's messages (Django's), after a form posted."""
    return page.locator("ul.messages")


def body_text(message: EmailMessage) -> str:
    return message.get_body(("plain",)).get_content()


def received_since(sink, start: int) -> list[tuple[list[str], EmailMessage]]:
    """What the SMTP server received after its first `start` messages."""
    return sink.received[start:]


def subjects_by_address(mails) -> dict[str, list[str]]:
    """Each recipient's subjects (unfolded), in the order they arrived."""
    found: dict[str, list[str]] = {}
    for rcpt_tos, message in mails:
        for address in rcpt_tos:
            found.setdefault(address, []).append(" ".join(str(message["Subject"]).split()))
    return found


def be_the_worker(settings, meeting: Meeting, kind: str = "circulated") -> None:
    """With REDIS_URL set no worker runs: send what the change queued (the
    jobs are idempotent), render the pending PDFs, and drop the queued
    messages. Without it, the jobs ran in-process as the change committed."""
    if not settings.REDIS_URL:
        return
    send_circulation(meeting.pk, kind=kind)
    if kind == "circulated":
        send_assignment_notices(meeting.pk)
    for document in MinutesDocument.objects.filter(meeting=meeting, state="pending"):
        rendering.render_minutes_pdf(document.pk, task_id=document.task_id)
    app.control.purge()


def issued_pdf(page: Page, base: str, checks: PageChecks, label: str) -> str:
    """Publishing asks the worker for the final PDF (in-process without
    REDIS_URL; `be_the_worker` with it): the PDF page offers it, ready, with
    no "Export PDF" needed. Returns the download's name."""
    page.goto(base + M26 + "pdf/")
    expect(page.get_by_text("The PDF is ready.")).to_be_visible()
    checks.check(page, label)
    download = page.get_by_role("link", name=re.compile(r"^Download "))
    return download.inner_text().removeprefix("Download ")


def pdf_text(path) -> str:
    """The PDF's text as pdftotext reads it, its whitespace made single spaces."""
    out = subprocess.run(
        ["pdftotext", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout
    return " ".join(out.split())


# --- the journey ----------------------------------------------------------------------


def test_two_meetings_journey(
    page: Page,
    browser,
    live_server,
    settings,
    monkeypatch,
    smtp_port,  # noqa: F811
    screenshot_dir,
):
    settings.DEMO_MODE = True
    settings.DEMO_PASSWORD = PASSWORD
    settings.SITE_URL = live_server.url
    call_command("load_demo", verbosity=0)
    for old in screenshot_dir.glob("two-meetings-*.png"):
        old.unlink()

    base = live_server.url
    checks = PageChecks(screenshot_dir, "two-meetings")
    page.set_viewport_size(BROWSER["viewport"])
    page.set_default_timeout(10_000)
    j = Journey(page, base)  # its htmx helpers: post() and settled()
    chair = member = visitor = None

    with smtp_server(smtp_port) as sink:
        try:
            # --- 1. Meeting 26, its attendance in the grid --------------------------------
            log_in(page, base, "secretary", PASSWORD, COMMITTEE)
            expect(page).to_have_url(base + COMMITTEE)
            expect(page.get_by_role("heading", level=1)).to_contain_text("Operations Group (OPSG)")
            checks.check(page, "01-committee")
            page.get_by_role("link", name="New meeting").click()
            expect(page).to_have_url(base + COMMITTEE + "meetings/new/")
            expect(page.get_by_label("Number")).to_have_value("26")
            expect(page.get_by_label("Date", exact=True)).to_have_value("2019-11-05")
            expect(page.get_by_label("Location")).to_have_value(LOCATION)
            page.get_by_label("Next meeting").fill("2019-12-03")
            checks.check(page, "02-new-meeting-26")
            page.get_by_role("button", name="Create meeting").click()
            expect(page).to_have_url(base + M26 + "edit/")
            expect(page.get_by_role("heading", level=1)).to_have_text(
                "Drafting the minutes of OPSG 26"
            )
            meeting = Meeting.objects.get(committee__code="OPSG", number=26)

            j.set_marker()
            with j.post("/attendance/copy/"):
                page.get_by_role("button", name="Copy the attendance of OPSG 25").click()
            expect(page.locator("#attendance .saved").first).to_contain_text("copied from OPSG 25")
            expect(page.locator("#attendance h3", has_text="Members")).to_contain_text(
                "Members (15)"
            )
            for name in (CHAIR, ALTERNATE, ALTERNATE_FOR, PART_TIME, CATEGORY_CHANGED):
                expect(attendance_row(page, name)).to_have_count(1)
                expect(attendance_row(page, name).get_by_role("rowheader")).to_contain_text(name)

            def saved_in_place(name: str) -> None:
                expect(attendance_row(page, name).get_by_role("status")).to_have_text(SAVED)

            # A typed cell saves when focus leaves it.
            with j.post("/attendance/"):
                row = attendance_row(page, CHAIR)
                row.get_by_label(f"Role note: {CHAIR}").fill("Chair")
                row.get_by_label(f"Role note: {CHAIR}").press("Tab")
            saved_in_place(CHAIR)
            with j.post("/attendance/"):
                row = attendance_row(page, CATEGORY_CHANGED)
                row.get_by_label(f"Category: {CATEGORY_CHANGED}").fill("Small Supplier (gas)")
                row.get_by_label(f"Category: {CATEGORY_CHANGED}").press("Tab")
            saved_in_place(CATEGORY_CHANGED)

            # An alternate: the tick, then whom he stands in for.
            with j.post("/attendance/"):
                attendance_row(page, ALTERNATE).get_by_label(f"Alternate: {ALTERNATE}").check()
            saved_in_place(ALTERNATE)
            with j.post("/attendance/"):
                attendance_row(page, ALTERNATE).get_by_label(
                    f"Alternate for: {ALTERNATE}"
                ).select_option(label=ALTERNATE_FOR)
            saved_in_place(ALTERNATE)
            expect(
                attendance_row(page, ALTERNATE)
                .get_by_label(f"Alternate for: {ALTERNATE}")
                .locator("option:checked")
            ).to_have_text(ALTERNATE_FOR)

            # Part of the meeting, on the phone.
            with j.post("/attendance/"):
                attendance_row(page, PART_TIME).get_by_label(f"Part: {PART_TIME}").check()
            saved_in_place(PART_TIME)
            with j.post("/attendance/"):
                items = attendance_row(page, PART_TIME).get_by_label(
                    f"Items attended (if part): {PART_TIME}"
                )
                items.fill("6 & 7")
                items.press("Tab")
            saved_in_place(PART_TIME)
            with j.post("/attendance/"):
                attendance_row(page, PART_TIME).get_by_label(f"Teleconference: {PART_TIME}").check()
            saved_in_place(PART_TIME)

            # Another list: she sends her apologies, and her row moves there.
            apologies = names_under(page, "Apologies")
            with j.post("/attendance/"):
                attendance_row(page, ALTERNATE_FOR).get_by_label(
                    f"List: {ALTERNATE_FOR}"
                ).select_option(label="Apology")
            expect(page.locator("#attendance h3", has_text="Apologies")).to_have_text(
                f"Apologies ({len(apologies) + 1})"
            )
            assert names_under(page, "Apologies") == [*apologies, ALTERNATE_FOR]

            # A new person, inline: the name, then Enter; then their row, like any other.
            page.get_by_label("Add to").select_option(label="Other participants")
            name_field = page.get_by_label("Name", exact=True)
            name_field.fill(NEWCOMER)
            with j.post("/attendance/add/"):
                name_field.press("Enter")
            expect(page.locator("#attendance .saved").first).to_have_text(
                f"Added {NEWCOMER} to Other participants."
            )
            assert NEWCOMER in names_under(page, "Other participants")
            with j.post("/attendance/"):
                body = attendance_row(page, NEWCOMER).get_by_label(f"Body represented: {NEWCOMER}")
                body.fill("Ofgem")
                body.press("Tab")
            saved_in_place(NEWCOMER)
            j.assert_no_reload("step 1, the attendance grid")
            checks.check(page, "03-attendance-grid")

            stored = {a.person.name: a for a in Attendance.objects.filter(meeting=meeting)}
            assert stored[CHAIR].role == "Chair"
            assert stored[CATEGORY_CHANGED].category == "Small Supplier (gas)"
            assert stored[ALTERNATE].is_alternate
            assert stored[ALTERNATE].alternate_for.name == ALTERNATE_FOR
            assert (stored[PART_TIME].part, stored[PART_TIME].items) == (True, "6 & 7")
            assert stored[PART_TIME].remote
            assert stored[ALTERNATE_FOR].section == Attendance.Section.APOLOGY
            assert stored[NEWCOMER].section == Attendance.Section.PARTICIPANT
            assert stored[NEWCOMER].represents == "Ofgem"

            # --- 2. An item with a decision and actions; the review ------------------------
            count_before = page.locator("#items article.item-editor h3").count()
            page.get_by_label("Title", exact=True).last.fill(ITEM_TITLE)
            with j.post("/items/add/"):
                page.get_by_role("button", name="Add item").click()
            titles = page.locator("#items article.item-editor h3")
            expect(titles).to_have_count(count_before + 1)
            texts = titles.all_inner_texts()
            assert texts[-1].endswith("Any Other Business"), texts
            assert re.fullmatch(rf"\d+\. {ITEM_TITLE}", texts[-2]), texts
            number = texts[-2].split(".")[0]
            item_id = (
                page.locator("#items article.item-editor").nth(len(texts) - 2).get_attribute("id")
            )
            assert item_id and item_id.startswith("item-"), item_id
            item = page.locator(f"#{item_id}")
            j.settled()  # the new item's editor is wired up

            with j.post("/preview/"):
                item.get_by_label("Narrative (Markdown)").fill(NARRATIVE)
            expect(item.locator(".preview .narrative strong")).to_have_text(ITEM_TITLE)
            with j.post(f"/items/{item_id.removeprefix('item-')}/"):
                item.get_by_role("button", name=f"Save item {number}").click()
            expect(item.get_by_role("status")).to_have_text("Saved.")

            item.locator("summary", has_text="Add a decision").click()
            add_decision = item.locator("details.add").filter(has_text="Add a decision")
            add_decision.locator('[name="verb"]').select_option("AGREED")
            add_decision.locator('[name="text"]').fill(
                "that DCC reports each Major Incident to the next meeting"
            )
            with j.post("/decisions/"):
                add_decision.get_by_role("button", name="Add decision").click()
            expect(item.locator(".decision-editor")).to_have_count(1)

            for owner, text in ACTIONS:
                item.locator("summary", has_text="Raise a new action").click()
                form = item.locator("details.add").filter(has_text="Raise a new action")
                form.locator('[name="owner_organisations"]').select_option(label=[owner])
                form.locator('[name="text"]').fill(text)
                with j.post("/actions/"):
                    form.get_by_role("button", name="Raise action").click()
                expect(item.locator(".action-editor").last).to_contain_text(text)
            expect(item.locator(".action-editor")).to_have_count(2)
            expect(item).to_contain_text("ACTION OPSG 26/01")
            expect(item).to_contain_text("ACTION OPSG 26/02")
            j.assert_no_reload("step 2, the item")
            checks.check(page, "04-item")

            page.get_by_role("link", name="Actions Outstanding review").click()
            expect(page).to_have_url(base + M26 + "review/")
            rows = page.locator("section.review-row")
            expect(rows).to_have_count(OUTSTANDING_AT_26)
            refs = page.locator("section.review-row h2").all_inner_texts()
            assert SUPERSEDED in refs and KEPT_OPEN in refs, refs
            assert not [r for r in refs if r.startswith("OPSG 26/")], refs
            j.set_marker()

            def review_row(reference: str):
                slug = reference.lower().replace("/", "-").replace(" ", "-")
                return page.locator(f"#row-{slug}"), slug

            row, slug = review_row(SUPERSEDED)
            row.get_by_label(f"Update at this meeting on {SUPERSEDED}").fill(
                "Replaced by the Major Incident reporting agreed today."
            )
            row.get_by_label("Closed", exact=True).check()
            row.get_by_label("Superseded by another action").check()
            successor = row.get_by_label("Superseded by", exact=True)
            expect(successor).to_be_visible()
            value = successor.locator("option", has_text="OPSG 26/01").get_attribute("value")
            successor.select_option(value)
            with j.post(f"/review/{slug}/"):
                row.get_by_role("button", name=f"Save {SUPERSEDED}").click()
            row, _ = review_row(SUPERSEDED)
            expect(row.locator(f"#{slug}-status")).to_have_text(f"Saved {SUPERSEDED}.")
            expect(row.locator(".review-badge")).to_have_text("Reviewed at this meeting: closed")

            row, slug = review_row(KEPT_OPEN)
            row.get_by_label(f"Update at this meeting on {KEPT_OPEN}").fill(
                "Work continues; the owner expects to finish by the end of January."
            )
            expect(row.get_by_label("Open", exact=True)).to_be_checked()
            row.get_by_label("Date", exact=True).fill("2020-01-31")
            with j.post(f"/review/{slug}/"):
                row.get_by_role("button", name=f"Save {KEPT_OPEN}").click()
            row, _ = review_row(KEPT_OPEN)
            expect(row.locator(f"#{slug}-status")).to_have_text(f"Saved {KEPT_OPEN}.")
            expect(row.locator(".review-badge")).to_have_text("Reviewed at this meeting: open")
            j.assert_no_reload("step 2, the review")
            checks.check(page, "05-review")

            # --- 3. Circulate: the emails, through the SMTP server -------------------------
            page.locator(f'.crumbs a[href="{M26}"]').click()
            expect(page).to_have_url(base + M26)
            unreviewed = page.locator("#unreviewed-actions")
            expect(unreviewed).to_contain_text(
                f"{OUTSTANDING_AT_26 - 2} open actions have no review at this meeting"
            )
            checks.check(page, "06-minutes-draft")
            before = len(sink.received)
            page.get_by_label("They were not discussed at this meeting").check()
            page.get_by_role("button", name="Circulate the draft to members").click()
            expect(page).to_have_url(base + M26)
            expect(page.locator(".minutes-header .status")).to_have_text(re.compile(r"^Circulated"))
            said = status(page)
            expect(said).to_contain_text(
                f"{OUTSTANDING_AT_26 - 2} actions are recorded as not discussed"
            )
            expect(said).to_contain_text(f"The link is emailed to 3 people: {READERS}.")
            expect(said).to_contain_text(
                "2 owners of new actions are emailed what they were given: DCC, SECAS."
            )
            checks.check(page, "07-circulated")
            be_the_worker(settings, meeting)

            mails = received_since(sink, before)
            subjects = subjects_by_address(mails)
            meeting.refresh_from_db()
            reference = meeting.reference
            circulated = f"OPSG 26: draft minutes circulated for comments ({reference})"
            assert subjects == {
                "chair@demo.invalid": [circulated],
                MEMBER_EMAIL: [circulated],
                "secretary@demo.invalid": [circulated],
                DCC_EMAIL: ["You have been given action OPSG 26/01"],
                SECAS_EMAIL: ["You have been given action OPSG 26/02"],
            }, subjects
            [to_member] = [m for rcpt, m in mails if rcpt == [MEMBER_EMAIL]]
            assert to_member["To"] == MEMBER_EMAIL
            links = re.findall(r"https?://\S+", body_text(to_member))
            assert links == [base + M26, base + M26 + "minutes.pdf"], links
            [to_dcc] = [m for rcpt, m in mails if rcpt == [DCC_EMAIL]]
            assert ACTIONS[0][1] in body_text(to_dcc)
            assert base + "/actions/opsg-26-01/" in body_text(to_dcc)

            # --- 4. A signed-out member follows the link ------------------------------------
            member = open_page(browser)
            member.goto(links[0])
            expect(member).to_have_url(
                re.compile(r"/accounts/login/\?next=" + re.escape(M26) + "$")
            )
            expect(member.get_by_role("heading", level=1)).to_have_text("Log in")
            checks.check(member, "08-member-login")
            member.get_by_label("Username").fill("member")
            member.get_by_label("Password").fill(PASSWORD)
            member.get_by_role("button", name="Log in").click()
            expect(member).to_have_url(base + M26)
            expect(member.locator(".minutes-header .status")).to_have_text(
                re.compile(r"^Circulated")
            )
            expect(member.locator(".minutes-header .reference")).to_contain_text(
                f"{reference} – Draft Minutes"
            )
            main = member.locator("main")
            expect(main).to_contain_text(f"{ALTERNATE} (alternate for {ALTERNATE_FOR})")
            expect(main).to_contain_text(f"{PART_TIME} (agenda item 6 & 7) (Teleconference)")
            expect(member.locator("table", has_text="Apologies")).to_contain_text(ALTERNATE_FOR)
            expect(member.locator("table", has_text="Other participants")).to_contain_text(NEWCOMER)
            expect(main).to_contain_text("ACTION OPSG 26/01")
            expect(main).to_contain_text("ACTION OPSG 26/02")
            reviews = member.locator("table.reviews")
            expect(reviews.locator("tbody.review")).to_have_count(OUTSTANDING_AT_26)
            expect(
                reviews.locator("tbody.review", has_text="Not discussed at this meeting.")
            ).to_have_count(OUTSTANDING_AT_26 - 2)
            expect(member.get_by_role("link", name="Edit the draft")).to_have_count(0)
            expect(member.get_by_role("button", name="Approve the minutes")).to_have_count(0)
            checks.check(member, "09-member-minutes")
            # The minutes at a phone's width.
            member.set_viewport_size({"width": 390, "height": 844})
            checks.check(member, "10-member-minutes-390px")
            member.set_viewport_size(BROWSER["viewport"])
            # The email's second link: the PDF rendered when the draft went out.
            pdf = member.request.get(links[1])
            assert pdf.ok and pdf.headers["content-type"] == "application/pdf"
            assert pdf.body().startswith(b"%PDF-")
            assert "OPSG_26_Minutes_draft.pdf" in pdf.headers["content-disposition"]

            # --- 5. Meeting 27; the chair approves 26 there and publishes it ----------------
            page.goto(base + COMMITTEE)
            page.get_by_role("link", name="New meeting").click()
            expect(page).to_have_url(base + COMMITTEE + "meetings/new/")
            expect(page.get_by_label("Number")).to_have_value("27")
            expect(page.get_by_label("Date", exact=True)).to_have_value("2019-12-03")
            checks.check(page, "11-new-meeting-27")
            page.get_by_role("button", name="Create meeting").click()
            expect(page).to_have_url(base + M27 + "edit/")
            expect(page.get_by_role("heading", level=1)).to_have_text(
                "Drafting the minutes of OPSG 27"
            )
            checks.check(page, "12-edit-27")
            meeting27 = Meeting.objects.get(committee__code="OPSG", number=27)

            chair = open_page(browser)
            log_in(chair, base, "chair", PASSWORD, M26)
            expect(chair).to_have_url(base + M26)
            approved_at = chair.get_by_label("Approved at")
            expect(approved_at).to_have_value("")
            approved_at.select_option(label="OPSG 27 (3 December 2019)")
            checks.check(chair, "13-chair-circulated")
            before = len(sink.received)
            chair.get_by_role("button", name="Approve the minutes").click()
            expect(chair).to_have_url(base + M26)
            expect(chair.locator(".minutes-header .status")).to_have_text(re.compile(r"^Approved"))
            expect(status(chair)).to_contain_text(
                f"The approval notice is emailed to 3 people: {READERS}."
            )
            checks.check(chair, "14-chair-approved")
            be_the_worker(settings, meeting, "approved")
            approved = f"OPSG 26: minutes approved ({reference})"
            assert subjects_by_address(received_since(sink, before)) == {
                address: [approved]
                for address in ("chair@demo.invalid", MEMBER_EMAIL, "secretary@demo.invalid")
            }
            meeting.refresh_from_db()
            assert meeting.approved_at_meeting_id == meeting27.pk
            # Meeting 27's Previous Meeting Minutes item records the approval.
            agreed = Decision.objects.filter(
                item__meeting=meeting27, verb="AGREED", text__contains="minutes of OPSG_26"
            )
            assert agreed.count() == 1, list(agreed.values_list("text", flat=True))
            page.goto(base + M27)
            expect(page.locator("main")).to_contain_text(
                "AGREED the minutes of OPSG_26 as a true record"
            )
            checks.check(page, "15-minutes-27")

            # Only the chair may publish: the secretary and the member have no such
            # button, and the secretary's own POST is refused.
            page.goto(base + M26)
            expect(page.locator(".minutes-header .status")).to_have_text(re.compile(r"^Approved"))
            expect(page.get_by_role("button", name="Publish as final")).to_have_count(0)
            checks.check(page, "16-secretary-approved")
            member.reload()
            expect(member.get_by_role("button", name="Publish as final")).to_have_count(0)
            token = page.locator('input[name="csrfmiddlewaretoken"]').first.input_value()
            refused = page.request.post(
                base + M26 + "minutes/publish/",
                form={"csrfmiddlewaretoken": token},
                max_redirects=0,
            )
            assert refused.status == 403, refused.status
            # Refused by the rule, not by the CSRF check (which answers 403 too).
            assert "Only the chair may approve, publish or correct minutes." in refused.text()
            meeting.refresh_from_db()
            assert meeting.status == Meeting.Status.APPROVED

            before = len(sink.received)
            chair.get_by_role("button", name="Publish as final").click()
            expect(chair.locator(".minutes-header .reference")).to_contain_text("Final Minutes")
            expect(chair).to_have_title(re.compile("Final Minutes"))
            expect(status(chair)).to_contain_text(
                f"The publication notice is emailed to 3 people: {READERS}."
            )
            checks.check(chair, "17-chair-published")
            be_the_worker(settings, meeting, "published")
            published = f"OPSG 26: minutes published ({reference})"
            assert subjects_by_address(received_since(sink, before)) == {
                address: [published]
                for address in ("chair@demo.invalid", MEMBER_EMAIL, "secretary@demo.invalid")
            }
            # The final minutes' PDF, for the public page as well.
            assert (
                issued_pdf(chair, base, checks, "18-chair-pdf-v1-0") == "OPSG_26_Minutes_v1.0.pdf"
            )

            visitor = open_page(browser)
            visitor.goto(base + PUBLIC_26)
            expect(visitor.get_by_role("heading", level=1)).to_have_text(
                "Operations Group Meeting 26"
            )
            expect(visitor.locator("main")).to_contain_text(NARRATIVE.replace("**", ""))
            expect(visitor.get_by_role("link", name="Download the PDF")).to_be_visible()
            checks.check(visitor, "19-public-published")

            # --- 6. A correction, made and published again ---------------------------------
            chair.goto(base + M26)
            chair.get_by_text("Correct the approved minutes").click()
            chair.get_by_label("Reason for the correction").fill(REASON)
            chair.get_by_role("button", name="Open for correction").click()
            expect(status(chair)).to_contain_text("Revision 1 recorded")
            expect(chair.get_by_text("Correction in progress.")).to_be_visible()
            checks.check(chair, "20-chair-correction-opened")

            # Meanwhile the public page keeps the published version, and its PDF.
            visitor.goto(base + PUBLIC_26)
            expect(
                visitor.get_by_text("A correction of these minutes is in progress.")
            ).to_be_visible()
            expect(visitor.locator("main")).to_contain_text(NARRATIVE.replace("**", ""))
            checks.check(visitor, "21-public-during-correction")
            public_pdf = visitor.request.get(base + PUBLIC_26 + "minutes.pdf")
            assert public_pdf.ok and public_pdf.body().startswith(b"%PDF-")
            assert "OPSG_26_Minutes_v1.0.pdf" in public_pdf.headers["content-disposition"]

            # The secretary corrects the item.
            page.goto(base + M26 + "edit/")
            item = page.locator(f"#{item_id}")
            j.settled()
            with j.post("/preview/"):
                item.get_by_label("Narrative (Markdown)").fill(CORRECTED)
            with j.post(f"/items/{item_id.removeprefix('item-')}/"):
                item.get_by_role("button", name=f"Save item {number}").click()
            expect(item.get_by_role("status")).to_have_text("Saved.")
            checks.check(page, "22-secretary-correcting")

            visitor.reload()
            expect(
                visitor.get_by_text("A correction of these minutes is in progress.")
            ).to_be_visible()
            expect(visitor.locator("main")).to_contain_text(NARRATIVE.replace("**", ""))
            expect(visitor.get_by_text(CORRECTED)).to_have_count(0)

            page.goto(base + M26)
            expect(page.locator("#unreviewed-actions")).to_have_count(0)
            before = len(sink.received)
            page.get_by_role("button", name="Circulate the draft to members").click()
            expect(page.locator(".minutes-header .status")).to_have_text(re.compile(r"^Circulated"))
            checks.check(page, "23-correction-circulated")
            be_the_worker(settings, meeting)
            # The readers are told again, that it is a correction and why; the
            # owners were told of their actions once.
            again = received_since(sink, before)
            assert subjects_by_address(again) == {
                address: [circulated.replace(": draft", ": corrected draft")]
                for address in ("chair@demo.invalid", MEMBER_EMAIL, "secretary@demo.invalid")
            }
            body = again[0][1].get_body(("plain",)).get_content()
            assert f"The reason given: {REASON}" in body

            chair.goto(base + M26)
            chair.get_by_label("Approved at").select_option(label="OPSG 27 (3 December 2019)")
            chair.get_by_role("button", name="Approve the minutes").click()
            expect(chair.locator(".minutes-header .status")).to_have_text(re.compile(r"^Approved"))
            be_the_worker(settings, meeting, "approved")
            chair.get_by_role("button", name="Publish as final").click()
            expect(chair.locator(".minutes-header .reference")).to_contain_text("Final Minutes")
            expect(chair.get_by_text("Correction in progress.")).to_have_count(0)
            earlier = chair.locator("section.revisions")
            expect(earlier).to_contain_text("Revision 1: corrected")
            expect(earlier).to_contain_text(REASON)
            checks.check(chair, "24-chair-republished")
            be_the_worker(settings, meeting, "published")
            # Approved at 27 again: its item still records the approval once.
            assert agreed.count() == 1

            visitor.reload()
            expect(
                visitor.get_by_text("A correction of these minutes is in progress.")
            ).to_have_count(0)
            expect(visitor.locator("main")).to_contain_text(CORRECTED)
            checks.check(visitor, "25-public-corrected")

            # --- 7. The chair downloads the PDF and the Word file ---------------------------
            chair.goto(base + M26)
            name = issued_pdf(chair, base, checks, "26-chair-pdf-v1-1")
            assert name == "OPSG_26_Minutes_v1.1.pdf"
            with chair.expect_download() as info:
                chair.get_by_role("link", name=re.compile(r"^Download ")).click()
            download = info.value
            assert download.suggested_filename == "OPSG_26_Minutes_v1.1.pdf"
            text = pdf_text(download.path())
            assert "Operations Group Meeting 26" in text, text[:500]
            assert "Final Minutes" in text, text[:500]
            assert "OPSG 26/01" in text and "Owner:" in text, text
            assert CORRECTED in text, text

            chair.goto(base + M26)
            with chair.expect_download() as info:
                chair.get_by_role("link", name="Word", exact=True).click()
            download = info.value
            assert download.suggested_filename == "OPSG_26_Minutes_v1.1.docx"
            paragraphs = [p.text for p in docx.Document(download.path()).paragraphs]
            assert "Operations Group Meeting 26" in paragraphs, paragraphs[:20]
            assert "Final Minutes" in paragraphs, paragraphs[:20]
            assert any(p.startswith("ACTION OPSG 26/01:") for p in paragraphs), paragraphs
            assert any(CORRECTED in p for p in paragraphs), paragraphs

            # The public Word file is the same final version.
            public_docx = visitor.request.get(base + PUBLIC_26 + "minutes.docx")
            assert public_docx.ok
            assert "OPSG_26_Minutes_v1.1.docx" in public_docx.headers["content-disposition"]
            paragraphs = [p.text for p in docx.Document(io.BytesIO(public_docx.body())).paragraphs]
            assert "Final Minutes" in paragraphs
            assert any(p.startswith("ACTION OPSG 26/01:") for p in paragraphs), paragraphs
        finally:
            for other in (chair, member, visitor):
                if other is not None:
                    other.context.close()
            if settings.REDIS_URL:
                app.control.purge()  # nothing this journey queued is left for another test

    checks.finish()
