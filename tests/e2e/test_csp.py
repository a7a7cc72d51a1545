"""Under the Content-Security-Policy (no inline script or style, no eval) the
pages work in Chromium and the browser reports no violation: the minutes,
the drafting page while htmx previews a narrative, the action log and search."""

import pytest
from playwright.sync_api import expect

from tests.e2e.pages import demo_with_a_draft, log_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PASSWORD = "e2e-demo-Pw-csp-5120"

# Runs before any script of the page: every violation the browser reports.
COLLECT = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
    window.__cspViolations.push(
        `${event.violatedDirective} blocked ${event.blockedURI || "inline"} ` +
        `at ${event.sourceFile}:${event.lineNumber}`
    );
});
"""


def test_pages_work_under_the_policy_without_violations(
    page, live_server, settings, screenshot_dir
):
    draft = demo_with_a_draft(settings, PASSWORD)
    base = live_server.url

    console: list[str] = []
    page.on(
        "console",
        lambda message: (
            console.append(message.text)
            if "Content Security Policy" in message.text or "Refused to" in message.text
            else None
        ),
    )
    page.add_init_script(COLLECT)
    page.set_default_timeout(10_000)

    def violations() -> list[str]:
        return page.evaluate("() => window.__cspViolations") + console

    log_in(page, base, "secretary", PASSWORD, "/committees/OPSG/meetings/25/")

    # The minutes, with the classification's colour drawn without an inline style.
    expect(page.locator("h1")).to_have_text("Operations Group Meeting 25")
    swatch = page.locator(".minutes .classification svg.swatch rect")
    expect(swatch).to_have_attribute("fill", "#ffffff")
    assert page.locator(".minutes .classification svg.swatch").bounding_box()["width"] > 8
    page.screenshot(path=screenshot_dir / "csp-minutes.png")
    assert violations() == [], "minutes page"

    # The drafting page: typing in a narrative makes htmx post it and swap in the preview.
    page.goto(f"{base}/committees/OPSG/meetings/{draft.number}/edit/")
    narrative = page.get_by_label("Narrative (Markdown)").first
    page.wait_for_function("() => window.htmx && document.querySelector('[data-hx-post]')")
    with page.expect_response(lambda r: r.request.method == "POST" and "/preview/" in r.url):
        narrative.fill("The DCC reported **two** incidents.")
    item = page.locator("article.item-editor").first
    expect(item.locator(".preview .narrative strong")).to_have_text("two")
    assert violations() == [], "drafting page"

    page.goto(base + "/actions/")
    expect(page.locator("h1")).to_be_visible()
    assert violations() == [], "action log"

    page.goto(base + "/search/?q=incident")
    expect(page.locator("h1")).to_be_visible()
    page.get_by_role("searchbox", name="Search").first.fill("communications hub")
    page.get_by_role("button", name="Search").first.click()
    expect(page).to_have_url(f"{base}/search/?q=communications+hub")
    assert violations() == [], "search"

    # The collector itself works: an inline style attribute set from markup is reported.
    page.evaluate(
        "() => { document.body.insertAdjacentHTML('beforeend', '<p style=\"color: red\">x</p>'); }"
    )
    page.wait_for_function("() => window.__cspViolations.length > 0")
