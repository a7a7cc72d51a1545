"""The secretary drafts OPSG meeting 26 from start to final minutes.

One ordered journey over the demo data (`load_demo`: OPSG 25 circulated, with
25 actions open when meeting 26 starts):

1. the secretary creates meeting 26 from the committee page;
2. records attendance (search and add a person, an alternate, a part-time
   attendee on the phone, an apology), all swapped in place by htmx;
3. adds an agenda item with a Markdown narrative, a decision and two actions;
4. reviews the actions outstanding, row by row;
5. circulates the draft;
6. a member reads the draft;
7. the chair approves and publishes it.

Every page is checked with axe-core in the browser, and the HTML the server
sent for each is validated once at the end with the Nu HTML Checker. The
screenshots go to tests/e2e/screenshots/ (ignored by git)."""

import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from django.core.management import call_command
from playwright.sync_api import Page, expect

from tests.e2e.a11y import axe_check, fail_on_problems
from tests.opsg25_transcript import LOCATION

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

DEMO_PASSWORD = "e2e-demo-Pw-4410-journey"
SHOTS = Path(__file__).resolve().parent / "screenshots"
COMMITTEE = "/committees/OPSG/"
M26 = "/committees/OPSG/meetings/26/"
MARKER = "window.__journeyMarker"

# Demo people used below (see demo/opsg25.py).
ADDED = "Wendy Liddell"  # a participant at 25, not a committee member
APOLOGY = "Zoe Marklew"  # a member who sends apologies
ALTERNATE, ALTERNATE_FOR = "John Noad", APOLOGY  # attends in her place
PART_TIME = "Gemma Slaney"

OUTSTANDING_AT_26 = 25  # 7 still open from before 25, and the 18 raised at 25
SUPERSEDED, KEPT_OPEN = "OPSG 25/01", "OPSG 25/02"


@pytest.fixture
def browser_context_args(browser_context_args):
    """A British secretary's browser: dates and times as en-GB shows them."""
    return {**browser_context_args, "locale": "en-GB", "timezone_id": "Europe/London"}


class Journey:
    """What the journey gathers on the way: axe results per page, the server's
    HTML per page, and numbered screenshots."""

    def __init__(self, page: Page, base: str):
        self.page = page
        self.base = base
        self.axe: dict[str, list[dict]] = {}
        self.html: dict[str, str] = {}
        self.shots: list[Path] = []
        self.problems: list[str] = []

    def url(self, path: str) -> str:
        return self.base + path

    def check(self, label: str, server_html: bool = True) -> None:
        """Screenshot, axe on the live DOM, and the server's HTML for vnu."""
        self.shot(label)
        self.axe[label] = axe_check(self.page)
        if not server_html:  # a state only the browser has (e.g. search results)
            return
        # The page as the server sends it now (after any htmx changes were
        # saved), with the browser's cookies: not the DOM the browser repaired.
        response = self.page.request.get(self.page.url)
        assert response.ok, f"{label}: GET {self.page.url} returned {response.status}"
        self.html[label] = response.text()

    def shot(self, label: str) -> None:
        path = SHOTS / f"secretary-journey-{len(self.shots) + 1:02d}-{label}.png"
        self.page.screenshot(path=path, full_page=True)
        self.shots.append(path)

    def login(self, username: str) -> None:
        page = self.page
        page.goto(self.url("/accounts/login/"))
        page.get_by_label("Username").fill(username)
        page.get_by_label("Password").fill(DEMO_PASSWORD)
        page.get_by_role("button", name="Log in").click()
        expect(page).to_have_url(self.url("/"))
        expect(page.get_by_text("Signed in as")).to_be_visible()

    def logout(self) -> None:
        page = self.page
        page.get_by_role("button", name="Log out").click()
        expect(page).to_have_url(self.url("/"))
        expect(page.get_by_role("link", name="Log in").first).to_be_visible()

    def labels_work(self, step: str, scope, labels: dict[str, str]) -> None:
        """Each label names the control of that name inside `scope`. Recorded,
        not asserted at once, so the rest of the journey still runs."""
        for label, name in labels.items():
            found = scope.get_by_label(label)
            if found.count() != 1 or found.get_attribute("name") != name:
                control = scope.locator(f'[name="{name}"]').first
                self.problems.append(
                    f"{step}: label {label!r} does not name the {name!r} control of its form "
                    f"(the control has id={control.get_attribute('id')!r}; "
                    f"{found.count()} control(s) in the form carry that label)"
                )

    def set_marker(self) -> None:
        """A value that only survives while the page is not reloaded."""
        self.page.evaluate(f"() => {{ {MARKER} = 'no reload'; }}")

    def assert_no_reload(self, step: str) -> None:
        value = self.page.evaluate(f"() => {MARKER} ?? null")
        assert value == "no reload", f"{step}: the page was reloaded instead of swapped in place"

    def settled(self) -> None:
        """Wait until htmx has swapped, settled and wired up new content."""
        self.page.wait_for_function(
            "() => !document.querySelector("
            "'.htmx-request, .htmx-swapping, .htmx-settling, .htmx-added')"
        )

    @contextmanager
    def post(self, part: str, status: int = 200) -> Iterator[None]:
        """Wait for the htmx POST to `part` that the block sends, and for its
        answer to be swapped in: a step that starts before the swap would type
        into controls the swap then replaces."""
        with self.page.expect_response(
            lambda r: r.request.method == "POST" and part in r.url and r.status == status
        ):
            yield
        self.settled()


def attendance_row(page: Page, name: str):
    """A person's row of the attendance grid."""
    return page.locator("#attendance tbody tr").filter(
        has=page.get_by_role("rowheader", name=re.compile(rf"^{re.escape(name)}\b"))
    )


def section_names(page: Page, heading: str) -> list[str]:
    """Names listed under one of the attendance headings on the edit page."""
    block = page.locator(f"#attendance h3:has-text('{heading}') + .table-scroll tbody")
    return [t.split(" (")[0].strip() for t in block.locator("th").all_inner_texts()]


def test_secretary_journey(page: Page, live_server, settings):
    settings.DEMO_MODE = True
    settings.DEMO_PASSWORD = DEMO_PASSWORD
    call_command("load_demo")
    SHOTS.mkdir(parents=True, exist_ok=True)
    for old in SHOTS.glob("secretary-journey-*.png"):
        old.unlink()

    j = Journey(page, live_server.url)
    page.set_default_timeout(10_000)

    # --- 1. New meeting ----------------------------------------------------------
    j.login("secretary")
    page.goto(j.url(COMMITTEE))
    expect(page.get_by_role("heading", level=1)).to_contain_text("Operations Group (OPSG)")
    j.check("step1-committee")

    page.get_by_role("link", name="New meeting").click()
    expect(page).to_have_url(j.url(COMMITTEE + "meetings/new/"))
    expect(page.get_by_label("Number")).to_have_value("26")
    expect(page.get_by_label("Date", exact=True)).to_have_value("2019-11-05")
    expect(page.get_by_label("Location")).to_have_value(LOCATION)
    j.check("step1-new-meeting")

    page.get_by_label("Next meeting").fill("2019-12-03")
    page.get_by_role("button", name="Create meeting").click()
    expect(page).to_have_url(j.url(M26 + "edit/"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Drafting the minutes of OPSG 26")
    expect(page.get_by_label("Next meeting")).to_have_value("2019-12-03")
    j.check("step1-edit-page")

    # --- 2. Attendance, in place -------------------------------------------------
    members = section_names(page, "Members")
    for name in ("Dave Warner", "Tony Shanahan", ALTERNATE, ALTERNATE_FOR, PART_TIME, APOLOGY):
        assert name in members, f"step 2: {name} is not among the expected members {members}"
    assert ADDED not in members + section_names(page, "Other participants")

    j.set_marker()
    page.locator("#add-section").select_option(label="Other participants")
    search = page.locator("#person-search")
    expect(search).to_have_accessible_name("Name")
    with page.expect_response(lambda r: "/people/?" in r.url):
        search.press_sequentially("Wendy", delay=30)
    add = page.get_by_role("button", name=f"Add {ADDED} (DCC)")
    expect(add).to_be_visible()
    expect(page.get_by_role("button", name="Add Wendy Lamb (DCC)")).to_be_visible()
    j.check("step2-search-results", server_html=False)
    with j.post("/attendance/add/"):
        add.click()
    expect(page.locator("#attendance h3", has_text="Other participants")).to_have_text(
        "Other participants (1)"
    )
    expect(attendance_row(page, ADDED)).to_have_count(1)
    assert section_names(page, "Other participants") == [ADDED]
    j.assert_no_reload("step 2, adding a person")

    # Each change in the grid saves itself.
    row = attendance_row(page, ALTERNATE)
    with j.post("/attendance/"):
        row.get_by_label("Alternate for").select_option(label=ALTERNATE_FOR)
    expect(attendance_row(page, ALTERNATE).get_by_label("Alternate for")).to_have_value(
        re.compile(r"^\d+$")
    )
    expect(
        attendance_row(page, ALTERNATE).get_by_label("Alternate for").locator("option:checked")
    ).to_have_text(ALTERNATE_FOR)

    row = attendance_row(page, PART_TIME)
    with j.post("/attendance/"):
        row.get_by_label(f"Part: {PART_TIME}").check()
    items = row.get_by_label("Items attended (if part)")
    items.fill("6 & 7")
    with j.post("/attendance/"):
        items.press("Tab")  # leaving a typed cell saves it
    with j.post("/attendance/"):
        row.get_by_label("Teleconference").check()
    row = attendance_row(page, PART_TIME)
    expect(row.get_by_label(f"Part: {PART_TIME}")).to_be_checked()
    expect(row.get_by_label("Teleconference")).to_be_checked()
    expect(row.get_by_label("Items attended (if part)")).to_have_value("6 & 7")

    row = attendance_row(page, APOLOGY)
    with j.post("/attendance/"):
        row.get_by_label("List").select_option(label="Apology")
    expect(page.locator("#attendance h3", has_text="Apologies")).to_have_text("Apologies (1)")
    assert section_names(page, "Apologies") == [APOLOGY]
    assert APOLOGY not in section_names(page, "Members")
    j.assert_no_reload("step 2, attendance lines")
    j.check("step2-attendance")

    # --- 3. An agenda item with a decision and two actions --------------------------
    titles_before = page.locator("#items article.item-editor h3").all_inner_texts()
    assert titles_before and titles_before[-1].endswith("Any Other Business"), titles_before
    page.get_by_label("Title", exact=True).last.fill("Major Incidents")
    with j.post("/items/add/"):
        page.get_by_role("button", name="Add item").click()
    titles = page.locator("#items article.item-editor h3")
    expect(titles).to_have_count(len(titles_before) + 1)
    texts = titles.all_inner_texts()
    assert texts[-1].endswith("Any Other Business"), texts
    assert re.fullmatch(r"\d+\. Major Incidents", texts[-2]), texts
    number = texts[-2].split(".")[0]
    item = page.locator("#items article.item-editor").nth(len(texts) - 2)
    item_id = item.get_attribute("id")
    assert item_id and item_id.startswith("item-"), item_id
    item = page.locator(f"#{item_id}")
    j.assert_no_reload("step 3, adding the item")
    # The new item's textarea only previews once htmx has wired it up.
    j.settled()

    narrative = (
        "DCC reported two **Major Incidents** since the last meeting.\n\n"
        "1. Communications hub outage\n2. Delayed service requests"
    )
    with j.post("/preview/"):
        item.get_by_label("Narrative (Markdown)").fill(narrative)
    preview = item.locator(".preview .narrative")
    expect(preview.locator("strong")).to_have_text("Major Incidents")
    expect(preview.locator("ol > li")).to_have_count(2)
    with j.post(f"/items/{item_id.removeprefix('item-')}/"):
        item.get_by_role("button", name=f"Save item {number}").click()
    expect(item.get_by_role("status")).to_have_text("Saved.")
    expect(item.get_by_label("Narrative (Markdown)")).to_have_value(narrative)

    item.locator("summary", has_text="Add a decision").click()
    add_decision = item.locator("details.add").filter(has_text="Add a decision")
    j.labels_work(
        "step 3, add a decision", add_decision, {"The OPSG…": "verb", "Decision text": "text"}
    )
    add_decision.locator('[name="verb"]').select_option("AGREED")
    add_decision.locator('[name="text"]').fill(
        "that DCC reports each Major Incident to the next meeting"
    )
    with j.post("/decisions/"):
        add_decision.get_by_role("button", name="Add decision").click()
    expect(item.locator(".decision-editor")).to_have_count(1)
    expect(item.locator(".decision-editor").first).to_contain_text("AGREED")

    for owners, text, note in (
        (["DCC"], "DCC to circulate the Major Incident reports to members.", ""),
        (["DCC", "SECAS"], "DCC and SECAS to agree a Major Incident review.", "To be determined"),
    ):
        item.locator("summary", has_text="Raise a new action").click()
        form = item.locator("details.add").filter(has_text="Raise a new action")
        j.labels_work(
            "step 3, raise an action",
            form,
            {
                "Owning organisations": "owner_organisations",
                "Action text": "text",
                "…or a note instead of a date": "target_note",
            },
        )
        form.locator('[name="owner_organisations"]').select_option(label=owners)
        form.locator('[name="text"]').fill(text)
        if note:
            form.locator('[name="target_note"]').fill(note)
        with j.post("/actions/"):
            form.get_by_role("button", name="Raise action").click()
        expect(item.locator(".action-editor").last).to_contain_text(text)
    expect(item.locator(".action-editor")).to_have_count(2)
    expect(item).to_contain_text("ACTION OPSG 26/01")
    expect(item).to_contain_text("ACTION OPSG 26/02")
    expect(item.locator(".action-editor").nth(0)).to_contain_text("— DCC;")
    expect(item.locator(".action-editor").nth(1)).to_contain_text(
        "DCC, SECAS; target To be determined"
    )
    j.assert_no_reload("step 3, decision and actions")
    j.check("step3-item")

    # --- 4. Actions Outstanding review -------------------------------------------------
    page.get_by_role("link", name="Actions Outstanding review").click()
    expect(page).to_have_url(j.url(M26 + "review/"))
    rows = page.locator("section.review-row")
    expect(rows).to_have_count(OUTSTANDING_AT_26)
    refs = page.locator("section.review-row h2").all_inner_texts()
    assert len([r for r in refs if r.startswith("OPSG 25/")]) == 18, refs
    assert SUPERSEDED in refs and KEPT_OPEN in refs
    assert not [r for r in refs if r.startswith("OPSG 26/")], refs
    j.check("step4-review")
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
    expect(row.get_by_label("Closed", exact=True)).to_be_checked()
    expect(row.get_by_label("Superseded by", exact=True)).to_have_value(value)

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
    expect(row.get_by_label("Date", exact=True)).to_have_value("2020-01-31")
    expect(rows).to_have_count(OUTSTANDING_AT_26)
    j.assert_no_reload("step 4, review rows")
    j.check("step4-review-saved")

    # --- 5. Circulate -------------------------------------------------------------------
    page.locator(f'.crumbs a[href="{M26}"]').click()
    expect(page).to_have_url(j.url(M26))
    expect(page.locator(".minutes-header .status")).to_have_text(re.compile(r"^Draft"))
    j.check("step5-minutes-secretary")
    # The rows not reviewed in step 4 are listed; ticked, they are carried forward.
    expect(page.locator("#unreviewed-actions")).to_contain_text("no review at this meeting")
    page.get_by_label("They were not discussed at this meeting").check()
    page.get_by_role("button", name="Circulate the draft to members").click()
    expect(page).to_have_url(j.url(M26))
    expect(page.locator(".minutes-header .status")).to_have_text(re.compile(r"^Circulated"))
    expect(page.get_by_role("button", name="Circulate the draft to members")).to_have_count(0)
    j.check("step5-minutes-circulated")

    # --- 6. A member reads the draft -------------------------------------------------
    j.logout()
    j.login("member")
    page.goto(j.url(M26))
    expect(page.locator(".minutes-header .reference")).to_contain_text("Draft Minutes")
    main = page.locator("main")
    expect(main).to_contain_text("ACTION OPSG 26/01")
    expect(main).to_contain_text("ACTION OPSG 26/02")
    expect(main).to_contain_text(f"{ALTERNATE} (alternate for {ALTERNATE_FOR})")
    expect(main).to_contain_text(f"{PART_TIME} (agenda item 6 & 7) (Teleconference)")
    expect(page.locator("table", has_text="Apologies")).to_contain_text(APOLOGY)
    expect(page.locator("table", has_text="Other participants")).to_contain_text(ADDED)
    expect(page.locator(".item strong", has_text="Major Incidents")).to_have_count(1)
    reviews = page.locator("table.reviews")
    expect(reviews).to_be_visible()
    # The two reviewed in step 4, and the rest carried forward as not discussed.
    expect(reviews.locator("tbody.review")).to_have_count(OUTSTANDING_AT_26)
    not_discussed = reviews.locator("tbody.review", has_text="Not discussed at this meeting.")
    expect(not_discussed).to_have_count(OUTSTANDING_AT_26 - 2)
    superseded = reviews.locator("tbody.review", has_text=SUPERSEDED)
    expect(superseded).to_contain_text("Action Status: Closed")
    kept = reviews.locator("tbody.review", has_text=KEPT_OPEN)
    expect(kept).to_contain_text("Action Status: Open")
    expect(kept).to_contain_text("31/01/2020")
    expect(page.get_by_role("link", name="Edit the draft")).to_have_count(0)
    j.check("step6-minutes-member")

    # --- 7. The chair approves and publishes ----------------------------------------
    j.logout()
    j.login("chair")
    page.goto(j.url(M26))
    expect(page.get_by_label("Approved at")).to_have_value("")
    j.check("step7-minutes-chair")
    page.get_by_role("button", name="Approve the minutes").click()
    expect(page.locator(".minutes-header .status")).to_have_text(re.compile(r"^Approved"))
    j.check("step7-minutes-approved")
    page.get_by_role("button", name="Publish as final").click()
    expect(page.locator(".minutes-header .reference")).to_contain_text("Final Minutes")
    expect(page).to_have_title(re.compile("Final Minutes"))
    j.check("step7-minutes-final")

    # --- every page: axe (live DOM) and the Nu HTML Checker (server HTML) ------------
    fail_on_problems(j.axe, j.html, j.problems)
