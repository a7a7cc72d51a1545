"""The demo's next meeting: OPSG 26, a few weeks from the day the demo is
loaded, with its agenda published and two papers, so a member signing in
finds the agenda and papers one click from the home page (and the meeting
pack built from them).

Written through the services a secretary's clicks call (meeting_create,
agenda_entry_add, paper_add, agenda_publish); the papers are made here, a
short PDF by WeasyPrint and a workbook by openpyxl. Idempotent: once OPSG
has any meeting after 25 (this one, or one a user made), nothing is done."""

import datetime
import io

import weasyprint
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook

from meetings.models import AgendaEntry, Committee, Meeting
from meetings.services import (
    agenda_entry_add,
    agenda_publish,
    meeting_create,
    meeting_defaults,
    paper_add,
)

Purpose = AgendaEntry.Purpose
# (number, title, purpose, presenter): the standing items, then the papers' item.
ITEMS = [
    ("1", "Previous Meeting Minutes", Purpose.DECISION, "Chair"),
    ("2", "Actions Outstanding", Purpose.DISCUSSION, "SECAS"),
    ("3", "Major Incidents", Purpose.INFORMATION, "DCC"),
    ("4", "Operational Metrics", Purpose.DISCUSSION, "DCC"),
    ("5", "Any Other Business", Purpose.DISCUSSION, "Chair"),
]
METRICS = "4"


def next_tuesday(after: datetime.date) -> datetime.date:
    return after + datetime.timedelta(days=(1 - after.weekday()) % 7 or 7)


def load_demo_agenda(*, today: datetime.date, secretary_username: str) -> Meeting | None:
    """OPSG 26 with its published agenda, or None when OPSG has a meeting
    after 25 already (or no meeting 25: load the demo first)."""
    committee = Committee.objects.filter(code="OPSG").first()
    if committee is None or not committee.meetings.filter(number=25).exists():
        return None
    if committee.meetings.filter(number__gt=25).exists():
        return None
    secretary = get_user_model().objects.filter(username=secretary_username).first()
    fields = meeting_defaults(committee)
    fields.pop("next_meeting_date", None)
    fields["date"] = next_tuesday(today + datetime.timedelta(days=14))
    meeting = meeting_create(committee=committee, by=secretary, **fields)
    entries = {
        number: agenda_entry_add(
            meeting=meeting, number=number, title=title, purpose=purpose, presenter=presenter
        )
        for number, title, purpose, presenter in ITEMS
    }
    metrics = entries[METRICS]
    paper_add(
        entry=metrics,
        upload=SimpleUploadedFile("operational-metrics.pdf", _report_pdf(meeting)),
        by=secretary,
        title="Operational metrics report",
    )
    paper_add(
        entry=metrics,
        upload=SimpleUploadedFile("service-requests.xlsx", _workbook()),
        by=secretary,
        title="Service request volumes",
    )
    agenda_publish(meeting=meeting, by=secretary)
    return meeting


def _report_pdf(meeting: Meeting) -> bytes:
    html = f"""<!DOCTYPE html><html lang="en-GB"><head><meta charset="utf-8">
    <title>Operational metrics</title></head><body style="font-family: 'DejaVu Sans'">
    <h1>Operational metrics for {meeting}</h1>
    <p>Service requests completed within their target times, by month, and the
    incidents behind the months that fell short. A demo paper: the figures
    are made up.</p>
    <p style="break-before: page">Page two: the months that fell short, and why.</p>
    </body></html>"""
    return weasyprint.HTML(string=html).write_pdf()


def _workbook() -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = "Service requests"
    sheet.append(["Month", "Requests", "Within target"])
    for month, requests, within in [("July", 1520, 1489), ("August", 1610, 1544)]:
        sheet.append([month, requests, within])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
