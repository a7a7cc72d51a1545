"""Steps every browser journey takes."""

from django.core.management import call_command
from playwright.sync_api import expect

from meetings.models import Committee
from meetings.services import meeting_create, meeting_defaults


def log_in(page, base: str, username: str, password: str, next_path: str = "") -> None:
    """Sign in through the login form, going on to `next_path` (else home)."""
    page.goto(base + "/accounts/login/" + (f"?next={next_path}" if next_path else ""))
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()


def read_for_import(page, base: str, source):
    """On the upload page: the document `source` given and read; the review
    page is the answer to that POST (not reachable by GET), returned after
    checking it is a 200."""
    page.get_by_label("Minutes document").set_input_files(source)
    with page.expect_response(
        lambda r: r.url == base + "/import/" and r.request.method == "POST"
    ) as answer:
        page.get_by_role("button", name="Read the document").click()
    review = answer.value
    assert review.status == 200, f"upload answered {review.status}"
    return review


def demo_with_a_draft(settings, password: str):
    """The demo, its users signing in with `password`, and a new draft
    meeting of OPSG as the secretary would create it (without a next meeting)."""
    settings.DEMO_MODE = True
    settings.DEMO_PASSWORD = password
    call_command("load_demo", verbosity=0)
    committee = Committee.objects.get(code="OPSG")
    fields = meeting_defaults(committee)
    fields.pop("next_meeting_date", None)
    return meeting_create(committee=committee, **fields)


def settled(page) -> None:
    """htmx has swapped and settled what it was given (a swapped row's
    triggers are bound once it settles; a person types slower than that)."""
    expect(page.locator(".htmx-request, .htmx-swapping, .htmx-settling")).to_have_count(0)
