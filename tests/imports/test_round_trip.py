"""The minutes PDF this app renders imports back to the meeting it came from.

The demo's OPSG 25 (tests/opsg25_transcript.py) is rendered as minutes.services
does for Export PDF — once as the circulated draft, with the DRAFT mark on
every page, and once after the chair has approved and published it — and
each PDF is read by imports.parse.parse_upload, as an upload would be. What
comes back must be the demo: the same counts, references, dates and people,
with only the doubts the importer is meant to raise."""

import datetime
import re
import shutil

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import transaction
from django.test import override_settings

from imports.extract import pdf_text
from imports.parse import parse_upload
from meetings.models import Meeting, MinutesDocument
from minutes.rendering import render_minutes_pdf
from minutes.services import minutes_approve, minutes_pdf_request, minutes_publish
from tests import opsg25_transcript as opsg25
from tests.conftest import need
from tests.imports.test_layout_text import (
    OPSG_25_COUNTS,
    actions_against_the_demo,
    outcomes,
    outcomes_in_the_demo,
    people,
    visible,
)

# The mark makes pytest-django set up the test database, which the module's
# fixture below fills: without a marked test it would reach the real one.
pytestmark = pytest.mark.django_db

D = datetime.date
DEMO_PASSWORD = "x-demo-pass-123"
INCIDENTS = ["INC000000478818", "INC000000479406"]


def rendered(meeting: Meeting) -> bytes:
    """What the worker does for one press of Export PDF, in this process."""
    document = minutes_pdf_request(meeting=meeting, by=None, enqueue=False)
    if document.state != MinutesDocument.State.DONE:
        document = render_minutes_pdf(document.pk)
    assert document.state == MinutesDocument.State.DONE, document.error
    with document.file.open("rb") as file:
        return file.read()


@pytest.fixture(scope="module")
def pdfs(django_db_setup, django_db_blocker, tmp_path_factory) -> dict[str, bytes]:
    """The draft and the final PDF of the demo's OPSG 25. Loading the demo
    and rendering take seconds, so both are made once for the module, in a
    transaction rolled back before any test runs."""
    need(
        shutil.which("pdftotext") is not None,
        "pdftotext not installed (apt-get install poppler-utils)",
    )
    demo_settings = override_settings(
        DEMO_MODE=True,
        DEMO_PASSWORD=DEMO_PASSWORD,
        MEDIA_ROOT=tmp_path_factory.mktemp("media"),
        # The demo creates logins; the real hasher would cost a second each.
        PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"],
    )
    with demo_settings, django_db_blocker.unblock(), transaction.atomic():
        call_command("load_demo", verbosity=0)
        meeting = Meeting.objects.get(committee__code="OPSG", number=25)
        draft = rendered(meeting)
        chair = get_user_model().objects.get(username="chair")
        minutes_approve(meeting=meeting, at_meeting=None, by=chair)
        minutes_publish(meeting=meeting, by=chair)
        final = rendered(Meeting.objects.get(pk=meeting.pk))
        transaction.set_rollback(True)
    return {"draft": draft, "final": final}


@pytest.fixture(scope="module", params=["draft", "final"])
def minutes(request, pdfs):
    """Each PDF, read back; the tests that take it run for both."""
    return parse_upload(pdfs[request.param], "OPSG_25.pdf")


def by_number(parsed):
    return {item.number: item for item in parsed.items}


# --- the counts and the header ----------------------------------------------------


def test_the_counts(minutes):
    counts = minutes.counts()
    del counts["flags"]
    assert counts == OPSG_25_COUNTS
    assert sum(review.status == "open" for review in minutes.reviews) == 7


def test_the_header(minutes):
    white_2019 = opsg25.CLASSIFICATIONS[0]
    assert (minutes.committee, minutes.number, minutes.kind) == ("OPSG", 25, "main")
    assert minutes.date == D(2019, 10, 1) == opsg25.MEETING["date"]
    assert (minutes.start_time, minutes.end_time) == (
        opsg25.MEETING["start_time"],
        opsg25.MEETING["end_time"],
    )
    assert (minutes.location, minutes.teleconference) == (opsg25.LOCATION, False)
    assert minutes.reference == "OPSG_25_0110"
    # From the running header and footer, the page number taken out of the footer.
    assert minutes.classification_label == white_2019["label"]
    assert minutes.classification_statement == white_2019["statement"]
    assert minutes.next_meetings == [("main", opsg25.NEXT_MAIN_MEETING)]


def running_headers(text: str) -> list[str]:
    """ "Draft" or "Final" from each page's header, as pdftotext -layout prints it."""
    header = r"^\f?OPSG_25_0110 +This document has a Classification of White +(\w+) Minutes$"
    return re.findall(header, text, flags=re.M)


def test_draft_and_final_minutes_say_which_they_are(pdfs):
    draft = pdf_text(pdfs["draft"], layout=True)
    final = pdf_text(pdfs["final"], layout=True)
    assert running_headers(draft) == ["Draft"] * draft.count("\f")
    assert running_headers(final) == ["Final"] * final.count("\f")
    assert parse_upload(pdfs["draft"], "OPSG_25.pdf").final is False
    assert parse_upload(pdfs["final"], "OPSG_25.pdf").final is True


def watermark_letters(page: str) -> str:
    """The letters standing alone on lines of a page, as the slant of the mark leaves them."""
    return "".join(
        line.strip() for line in page.split("\n") if re.fullmatch(r"\s*[DRAFT]+\s*", line)
    )


def test_only_the_draft_carries_the_mark_and_it_is_read_as_furniture(pdfs):
    """pdftotext prints the diagonal mark as its letters on lines of their
    own ("FT", "A", "R", "D") on every page of the draft; the final has
    none. The tests above and below show that none of them was read."""
    draft = pdf_text(pdfs["draft"], layout=True).split("\f")[:-1]
    assert [sorted(watermark_letters(page)) for page in draft] == [sorted("DRAFT")] * len(draft)
    final = pdf_text(pdfs["final"], layout=True).split("\f")[:-1]
    assert [watermark_letters(page) for page in final] == [""] * len(final)


# --- what was read ------------------------------------------------------------------


def test_the_actions_raised_are_25_01_to_25_18_as_printed(minutes):
    references = [action.reference for item in minutes.items for action in item.actions]
    assert references == [f"OPSG 25/{n:02d}" for n in range(1, 19)]
    # This app prints the numbers as allocated: nothing to renumber.
    assert not [flag for flag in minutes.flags if flag.kind in {"renumbered", "sequence"}]


def test_the_actions_raised_match_the_demo(minutes):
    for wanted, found in actions_against_the_demo(minutes):
        assert found == wanted


def test_the_reviews_match_the_demo(minutes):
    """Every row of the Actions Outstanding table, read by column: the
    action's text, its dates, a target in words ("To be determined", printed
    over two lines), the owners, the update and the status."""
    fields = [
        "reference",
        "text",
        "owners",
        "raised_on",
        "last_target_date",
        "revised_target_date",
        "revised_target_note",
        "status",
    ]
    found = [
        (
            *(getattr(review, name) for name in fields),
            review.last_target_note,
            visible(review.update),
        )
        for review in minutes.reviews
    ]
    wanted = [
        (*(review[name] for name in fields), "", visible(review["update"]))
        for review in opsg25.ACTIONS_REVIEWED
    ]
    assert found == wanted
    closed = [review.reference for review in minutes.reviews if review.status == "closed"]
    assert closed == ["OPSG 11/02", "OPSG 20/06", "OPSG 24/06"]
    assert outcomes(minutes) == outcomes_in_the_demo()


def test_the_incidents(minutes):
    items = by_number(minutes)
    assert items["4"].incidents == INCIDENTS
    assert [item.number for item in minutes.items if item.incidents] == ["4"]


def test_attendance_matches_the_demo(minutes):
    def parsed(section):
        return [
            (p.group, p.name, p.alternate, p.remote, p.part, p.role)
            for p in minutes.attendance
            if p.section == section
        ]

    assert parsed("member") == people(opsg25.MEMBERS)
    assert parsed("participant") == people(opsg25.PARTICIPANTS)
    assert parsed("apology") == people(opsg25.APOLOGIES)


def test_items_decisions_and_the_post_meeting_note_match_the_demo(minutes):
    items = by_number(minutes)
    assert [(item.number, item.title) for item in minutes.items] == [
        (item["number"], item["title"]) for item in opsg25.ITEMS
    ]
    differences = []
    for expected in opsg25.ITEMS:
        item = items[expected["number"]]
        assert item.post_meeting_note == expected.get("post_meeting_note", ""), item.number
        wanted = [
            (d["verb"], visible(d["text"])[0], d["points"], d["first_point_number"])
            for d in expected.get("decisions", [])
        ]
        found = [
            (d.verb, visible(d.text)[0], d.points, d.first_point_number) for d in item.decisions
        ]
        assert len(found) == len(wanted), item.number
        differences += [
            (item.number, w[0], w[3], f[3]) for f, w in zip(found, wanted, strict=True) if f != w
        ]
    # Item 4's second list of points continues from 3 in the PDF too
    # (print.css: WeasyPrint ignores <ol start>, honours counter-reset).
    assert differences == []


# --- what was doubted, and what was known noise -------------------------------------


def test_only_the_expected_doubts_are_flagged(minutes):
    """No stray lines: the running header, the footer, the DRAFT mark's
    letters and the tables' captions are page furniture. What is flagged is
    what this importer always leaves to the secretary."""
    kinds = [flag.kind for flag in minutes.flags]
    outcomes = ["outcome-read"] * 3  # 11/02 superseded, 20/06 absorbed, 24/06 transferred
    assert kinds == [*outcomes, "incident-review", "incident-review", "footnote", "owner-guess"], [
        (flag.line, flag.kind, flag.message) for flag in minutes.flags
    ]
    messages = [flag.message for flag in minutes.flags]
    assert all(incident in " ".join(messages[3:5]) for incident in INCIDENTS)
    assert "[^1]" in messages[5] and "OPSG 25/08" in messages[6]


def test_no_page_furniture_reaches_the_text(minutes):
    texts = []
    for item in minutes.items:
        texts += [item.title, item.narrative, item.post_meeting_note]
        texts += [d.text + " " + " ".join(d.points) for d in item.decisions]
        texts += [a.text for a in item.actions]
    texts += [r.text + " " + r.update for r in minutes.reviews]
    text = "\n".join(texts)
    for furniture in ["OPSG_25_0110", "This document", "Page 2 of", "Other participants"]:
        assert furniture not in text
    assert not re.search(r"(?m)^\s*[DRAFT]+\s*$", text)
    assert "Actions outstanding reviewed" not in text


@pytest.mark.parametrize("version", ["draft", "final"])
def test_a_footnote_is_printed_with_its_mark_and_without_the_pages_back_link(pdfs, version):
    text = pdf_text(pdfs[version], layout=True)
    assert "↩" not in text
    assert "[1] Enable customers to be able to put updates on Service Requests via SSI" in text
