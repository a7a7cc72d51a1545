"""The importer's doubts are acknowledged one by one, by whoever checked
them against the document: ticked on the review screen before the import,
or on the minutes' history page after it. Minutes with a doubt left
unchecked are not published, by the import or by the chair."""

import re

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext

from imports.models import ImportedDocument
from imports.parse import parse
from imports.services import doubt_acknowledge, import_minutes
from meetings.models import Meeting
from minutes.services import minutes_publish
from tests.base import login
from tests.imports.test_checks import FIXTURES, MARKDOWN

pytestmark = pytest.mark.django_db

FINAL = MARKDOWN.replace("\nDraft Minutes\n", "\nFinal Minutes\n", 1)
HISTORY = "/committees/OPSG/meetings/49/history/"


def _import(text, **options):
    minutes = parse(text)
    assert len(minutes.flags) == 3
    return import_minutes(parsed=minutes, source=text.encode(), filename="m.md", **options)


def test_doubts_ticked_before_the_import_are_recorded_as_checked(world):
    outcome = _import(MARKDOWN, by=world.secretary.user, acknowledged={0, 2})
    checked = [flag.get("acknowledged_by", "") for flag in outcome.document.flags]
    assert checked == ["Sam Secretary", "", "Sam Secretary"]
    assert outcome.meeting.import_doubts == 1


def test_final_minutes_with_a_doubt_unchecked_come_in_approved_not_published(world):
    outcome = _import(FINAL, by=world.secretary.user, acknowledged={0})
    meeting = outcome.meeting
    assert (meeting.status, meeting.import_doubts) == (Meeting.Status.APPROVED, 2)
    with pytest.raises(ValidationError) as refused:
        minutes_publish(meeting=meeting, by=world.chair.user)
    assert refused.value.messages == [
        "2 doubts the import of these minutes raised are not yet acknowledged: check each "
        "against the document on the minutes' history page, then publish."
    ]
    for position in (1, 2, 2):  # twice the same: nothing more changes
        doubt_acknowledge(document=outcome.document, position=position, by=world.chair.user)
    meeting.refresh_from_db()
    assert meeting.import_doubts == 0
    minutes_publish(meeting=meeting, by=world.chair.user)
    assert meeting.status == Meeting.Status.PUBLISHED


def test_final_minutes_with_every_doubt_checked_come_in_published(world):
    outcome = _import(FINAL, by=world.secretary.user, acknowledged={0, 1, 2})
    assert outcome.meeting.status == Meeting.Status.PUBLISHED


def test_the_review_screen_ticks_go_into_the_import(client, world):
    login(client, "secretary")
    upload = SimpleUploadedFile("m.md", (FIXTURES / "opsg_49_sample.md").read_bytes())
    review = client.post("/import/", {"file": upload})
    body = review.content.decode()
    assert body.count('name="acknowledge"') == 3 and 'form="import-commit"' in body
    response = client.post(
        "/import/commit/", {"token": review.context["token"], "acknowledge": ["1", "x"]}
    )
    assert response.status_code == 302
    document = ImportedDocument.objects.get()
    assert [bool(flag.get("acknowledged_at")) for flag in document.flags] == [False, True, False]
    assert document.meeting.import_doubts == 2


def test_the_history_page_acknowledges_a_doubt_in_place(client, world):
    document = _import(MARKDOWN, by=world.secretary.user).document
    login(client, "secretary")
    page = client.get(HISTORY).content.decode()
    assert page.count("Checked: acknowledge") == 3
    assert "3 not yet checked: the minutes are not published until each is" in page
    url = f"/committees/OPSG/meetings/49/imports/{document.pk}/doubts/{{}}/acknowledge".format
    answer = client.post(url(1), headers={"HX-Request": "true"})
    assert answer.status_code == 200
    checked = re.search(r"Checked by Sam Secretary on ([^<]*)\.<", answer.content.decode())
    assert re.fullmatch(r"\d{1,2} [A-Z][a-z]+ \d{4}, \d{2}:\d{2}", checked[1])  # not ISO
    assert Meeting.objects.get().import_doubts == 2
    # Without script, back to the history page, at the doubts.
    response = client.post(url(2))
    assert response.status_code == 302 and response["Location"].endswith("#import-doubts")
    assert client.post(url(9)).status_code == 404


@pytest.mark.parametrize("username", ["member", "owner", "outsider"])
def test_only_the_secretary_or_chair_acknowledges(client, world, username):
    document = _import(MARKDOWN, by=world.secretary.user).document
    login(client, username)
    url = f"/committees/OPSG/meetings/49/imports/{document.pk}/doubts/0/acknowledge"
    assert client.post(url).status_code in (403, 404)
    assert Meeting.objects.get().import_doubts == 3
    assert "Checked: acknowledge" not in client.get(HISTORY).content.decode()


@pytest.mark.parametrize("doubts", [3, 300])
def test_acknowledging_holds_its_query_count(client, world, doubts):
    document = _import(MARKDOWN, by=world.secretary.user).document
    document.flags = [{"line": n, "kind": "x", "message": f"Doubt {n}."} for n in range(doubts)]
    document.save()
    login(client, "secretary")
    url = f"/committees/OPSG/meetings/49/imports/{document.pk}/doubts/{doubts - 1}/acknowledge"
    with CaptureQueriesContext(connection) as queries:
        response = client.post(url, headers={"HX-Request": "true"})
    assert response.status_code == 200
    counted = [
        q for q in queries.captured_queries if not q["sql"].startswith(("SAVEPOINT", "RELEASE"))
    ]
    assert len(counted) <= 15, "\n".join(q["sql"] for q in counted)
