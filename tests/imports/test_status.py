"""An imported meeting keeps the status its document states, with the dates
it states: a draft stays a draft; final minutes come in approved, at the
meeting and on the day they say, and are never dated with the day of the
import (imports.common.read_approval, imports.services._advance)."""

import datetime

import pytest
from django.utils import timezone

from imports.common import read_approval
from imports.parse import parse
from imports.services import import_minutes
from meetings.models import Meeting
from tests.base import make_meeting
from tests.imports.test_checks import MARKDOWN

D = datetime.date
FINAL = MARKDOWN.replace("\nDraft Minutes\n", "\nFinal Minutes\n", 1)


@pytest.mark.parametrize(
    "line, stated",
    [
        ("Approved at OPSG_50 on 21 June 2021", (50, D(2021, 6, 21))),
        ("Minutes approved at meeting 26", (26, None)),
        ("Status: approved on 12/06/2026", (None, D(2026, 6, 12))),
        ("Confirmed as a true record at the meeting held on 14 April 2026", (None, D(2026, 4, 14))),
        ("Final Minutes - approved at OPSG_26", (26, None)),
        ("The OPSG AGREED the minutes of OPSG_24 as a true record.", None),
        ("Agreed", None),  # a table's cell, say
        ("AGREED that the next meeting be held on 5 June 2024.", None),  # a decision
        ("Approved by the Panel after a long discussion of the budget on 5 June 2024", None),
        ("Agreed actions are listed below.", None),
    ],
)
def test_the_approval_a_line_states(line, stated):
    found = read_approval(f"Operations Group Meeting 49\n{line}\n")
    assert (found[:2] if found else None) == stated


def _local_day(moment: datetime.datetime) -> D:
    return timezone.localtime(moment).date()


@pytest.mark.django_db
def test_final_minutes_are_approved_on_the_meeting_day_not_the_import_day(world):
    minutes = parse(FINAL)
    assert minutes.final and minutes.approved_on is None
    meeting = import_minutes(
        parsed=minutes, source=FINAL.encode(), filename="m.md", acknowledged=range(99)
    ).meeting
    assert meeting.status == Meeting.Status.PUBLISHED
    assert _local_day(meeting.circulated_at) == meeting.date
    assert _local_day(meeting.approved_at) == meeting.date
    assert meeting.approved_at_meeting is None


@pytest.mark.django_db
def test_a_stated_approval_gives_its_day_and_its_meeting_when_in_the_record(world):
    later = make_meeting(world, number=50, date=D(2021, 6, 21))
    text = MARKDOWN.replace(
        "\nDraft Minutes\n", "\nDraft Minutes\n\nApproved at OPSG_50 on 21 June 2021\n", 1
    )
    minutes = parse(text)
    assert (minutes.final, minutes.approved_at_meeting, minutes.approved_on) == (
        True,
        50,
        D(2021, 6, 21),
    )
    meeting = import_minutes(
        parsed=minutes, source=text.encode(), filename="m.md", acknowledged=range(99)
    ).meeting
    assert meeting.approved_at_meeting == later
    assert "approval-read" in [flag.kind for flag in minutes.flags]
    assert _local_day(meeting.approved_at) == D(2021, 6, 21)
    assert _local_day(meeting.circulated_at) == meeting.date


@pytest.mark.django_db
def test_a_draft_stays_a_draft_whatever_the_day(world):
    minutes = parse(MARKDOWN)
    meeting = import_minutes(parsed=minutes, source=MARKDOWN.encode(), filename="m.md").meeting
    assert meeting.status == Meeting.Status.DRAFT and meeting.circulated_at is None
