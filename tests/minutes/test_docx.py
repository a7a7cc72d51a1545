"""The minutes as a Word file (minutes/docx.py, /…/minutes.docx and the
public /published/…/minutes.docx): the PDF's structure, read back with
python-docx and with the importer, which must find the same meeting."""

import io

import docx
import pytest
from django.test import Client

from imports.parse import parse_upload
from meetings.models import AgendaItem, Attendance, Decision, Meeting
from tests.base import login
from tests.minutes.test_pdf import PASSWORD, demo, media, publish  # noqa: F401 (fixtures)

pytestmark = pytest.mark.django_db

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def download(client, url) -> tuple[docx.document.Document, str]:
    response = client.get(url)
    assert response.status_code == 200, url
    assert response["Content-Type"] == DOCX
    name = response["Content-Disposition"].split('filename="')[1].rstrip('"')
    return docx.Document(io.BytesIO(response.content)), name, response.content


def test_published_minutes_as_word_read_back_as_the_meeting(demo):  # noqa: F811
    publish(demo)
    meeting = Meeting.objects.get(pk=demo.pk)
    word, name, data = download(Client(), "/published/OPSG/25/minutes.docx")
    assert name == "OPSG_25_Minutes_v1.0.docx"

    paragraphs = [p.text for p in word.paragraphs]
    assert paragraphs[0].startswith("This document is classified as White.")
    assert "Operations Group Meeting 25" in paragraphs
    assert "OPSG_25_0110" in paragraphs and "Final Minutes" in paragraphs
    headings = [p.text for p in word.paragraphs if p.style.name.startswith("Heading")]
    items = list(meeting.items.order_by("order"))
    assert headings == [f"{i.number}. {i.title}" for i in items]
    decisions = [
        p
        for p in word.paragraphs
        if len(p.runs) > 1 and p.runs[0].text == "The OPSG " and p.runs[1].bold
    ]
    assert len(decisions) == Decision.objects.filter(item__meeting=meeting).count()
    raised = [p for p in paragraphs if p.startswith("ACTION OPSG 25/")]
    assert len(raised) == meeting.actions_raised.count()
    assert all("Owner: " in p and "; target: " in p for p in raised)
    members = word.tables[0]
    assert [c.text for c in members.rows[0].cells] == ["Category", "OPSG Members"]
    listed = meeting.attendance.filter(section=Attendance.Section.MEMBER).count()
    assert len(members.rows) - 1 == listed

    # The importer reads the Word file back as the same meeting.
    parsed = parse_upload(data, name)
    assert (parsed.committee, parsed.number, parsed.date) == ("OPSG", 25, meeting.date)
    assert len(parsed.attendance) == meeting.attendance.count()
    assert [i.number for i in parsed.items] == [i.number for i in items]
    assert sum(len(i.decisions) for i in parsed.items) == len(decisions)
    assert sorted(a.reference for i in parsed.items for a in i.actions) == sorted(
        meeting.actions_raised.values_list("reference", flat=True)
    )
    assert len(parsed.reviews) == meeting.action_reviews.count()
    assert parsed.final


def test_the_word_file_prints_what_the_pdf_prints(client, demo):  # noqa: F811
    """A member downloads the draft's Word file: what was taken in
    confidence is not in it, only that it was so taken."""
    item = AgendaItem.objects.filter(meeting=demo).order_by("order").last()
    item.confidential, item.narrative = True, "Whiskeyconfidentialnarrative"
    item.save()
    login(client, "secretary")
    word, name, _ = download(client, "/committees/OPSG/meetings/25/minutes.docx")
    text = "\n".join(p.text for p in word.paragraphs)
    assert "Whiskeyconfidentialnarrative" not in text
    assert f"{item.number}. Taken in confidence" in text
    assert name == (
        "OPSG_25_Minutes_draft.docx" if not demo.is_final else "OPSG_25_Minutes_v1.0.docx"
    )


def test_a_draft_is_never_on_the_public_page(demo):  # noqa: F811
    Meeting.objects.filter(pk=demo.pk).update(status=Meeting.Status.CIRCULATED)
    assert Client().get("/published/OPSG/25/minutes.docx").status_code == 404
