"""`load_demo` builds OPSG 25 by importing the shipped text of its minutes,
then corrects what that text lost. What it builds must equal what the
hand-built demo held (tests/opsg25_transcript.py), field by field."""

import datetime
import io

import pytest
from django.core.management import CommandError, call_command

from actions.models import Action, ActionReview
from demo import opsg25 as demo
from demo.loader import LONDON, DemoDataConflict, _correct
from imports.models import ImportedDocument
from imports.parse import parse
from incidents.models import Incident, IncidentReview
from meetings.models import Attendance, Meeting
from tests import opsg25_transcript as transcript


@pytest.fixture
def meeting(settings) -> Meeting:
    settings.DEMO_MODE = False
    settings.DEMO_PASSWORD = ""
    call_command("load_demo", stdout=io.StringIO())
    return Meeting.objects.get(committee__code="OPSG", number=25)


def test_the_meeting_comes_from_the_shipped_minutes(db, meeting):
    document = ImportedDocument.objects.get(meeting=meeting)
    assert document.filename == "OPSG_25_0110.txt"
    with document.source.open("rb") as stored:
        assert stored.read() == demo.SOURCE.read_bytes()
    kinds = {flag["kind"] for flag in document.flags}
    assert {"renumbered", "link-target", "footnote", "outcome-read"} <= kinds


def test_the_header_is_the_demos(db, meeting):
    wanted = transcript.MEETING
    label, effective_from = wanted["classification"]
    found = {name: getattr(meeting, name) for name in wanted if name not in ("committee",)}
    found["classification"] = (meeting.classification.label, meeting.classification.effective_from)
    found["circulated_at"] = meeting.circulated_at.astimezone(datetime.UTC)
    expected = dict(wanted, classification=(label, effective_from))
    expected.pop("committee")
    london = datetime.datetime(*wanted["circulated_at"], tzinfo=LONDON)
    expected["circulated_at"] = london.astimezone(datetime.UTC)
    assert found == expected
    assert [(n.kind, n.date) for n in meeting.next_meetings.all()] == [
        (n["kind"], n["date"]) for n in transcript.NEXT_MEETINGS
    ]


def test_attendance_is_the_demos(db, meeting):
    sections = [
        (Attendance.Section.MEMBER, transcript.MEMBERS),
        (Attendance.Section.PARTICIPANT, transcript.PARTICIPANTS),
        (Attendance.Section.APOLOGY, transcript.APOLOGIES),
    ]
    for section, groups in sections:
        lines = meeting.attendance.filter(section=section).order_by("order")
        found = [
            (
                line.category or line.represents,
                line.person.name,
                line.person.organisation.short_name if line.person.organisation else None,
                line.is_alternate,
                line.remote,
                line.part,
                line.role,
            )
            for line in lines.select_related("person__organisation")
        ]
        wanted = [
            (
                group,
                person["name"],
                person["organisation"],
                person["is_alternate"],
                person["remote"],
                person["part"],
                person["role"],
            )
            for group, people in groups
            for person in people
        ]
        assert found == wanted, section


def test_items_and_decisions_are_the_demos(db, meeting):
    found = [
        {
            "number": item.number,
            "title": item.title,
            "narrative": item.narrative,
            "post_meeting_note": item.post_meeting_note,
            "standing": item.standing,
            "decisions": [
                {
                    "verb": d.verb,
                    "text": d.text,
                    "points": d.points,
                    "first_point_number": d.first_point_number,
                }
                for d in item.decisions.order_by("order")
            ],
        }
        for item in meeting.items.order_by("order")
    ]
    wanted = [
        {
            "number": row["number"],
            "title": row["title"],
            "narrative": row["narrative"],
            "post_meeting_note": row.get("post_meeting_note", ""),
            "standing": row.get("standing", ""),
            "decisions": row.get("decisions", []),
        }
        for row in transcript.ITEMS
    ]
    for got, expected in zip(found, wanted, strict=True):
        assert got == expected, expected["number"]


def test_actions_raised_are_the_demos(db, meeting):
    found = [
        (a.reference, a.item.number, sorted(a.owner_names()), a.text, a.target_date)
        for a in Action.objects.filter(meeting=meeting).order_by("sequence")
    ]
    wanted = [
        (
            spec["reference"],
            row["number"],
            sorted(spec["owners"]),
            spec["text"],
            spec["target_date"] or transcript.NEXT_MAIN_MEETING,
        )
        for row in transcript.ITEMS
        for spec in row.get("actions", [])
    ]
    assert found == wanted


def test_actions_reviewed_are_the_demos(db, meeting):
    reviews = ActionReview.objects.filter(meeting=meeting).select_related("action")
    found = [
        (
            r.action.reference,
            r.action.text,
            sorted(r.action.owner_names()),
            r.action.raised_on,
            r.last_target_date,
            r.revised_target_date,
            r.revised_target_note,
            r.update,
            r.status,
            r.action.outcome,
            r.action.superseded_by.reference if r.action.superseded_by else "",
            r.action.transferred_to.code if r.action.transferred_to else "",
        )
        for r in reviews.order_by("order")
    ]
    wanted = [
        (
            spec["reference"],
            spec["text"],
            sorted(spec["owners"]),
            spec["raised_on"],
            spec["last_target_date"],
            spec["revised_target_date"],
            spec["revised_target_note"],
            spec["update"],
            spec["status"],
            spec.get("outcome", "completed") if spec["status"] == "closed" else "",
            spec.get("superseded_by", ""),
            spec.get("transferred_to", ""),
        )
        for spec in transcript.ACTIONS_REVIEWED
    ]
    assert found == wanted


def test_incidents_are_the_demos(db, meeting):
    for spec in transcript.INCIDENTS:
        incident = Incident.objects.get(reference=spec["reference"])
        for name, value in spec.items():
            if name not in ("reference", "review"):
                assert getattr(incident, name) == value, name
        review = spec["review"]
        found = IncidentReview.objects.get(incident=incident, item__meeting=meeting)
        assert found.item.number == review["item"]
        for name in ("outcome", "publish_report", "amendments"):
            assert getattr(found, name) == review[name], name
        decisions = list(found.item.decisions.order_by("order"))
        assert set(incident.decisions.all()) == {decisions[i] for i in review["decisions"]}
        assert sorted(a.reference for a in incident.actions.all()) == review["actions"]


def test_a_correction_that_no_longer_fits_stops_the_load():
    """Should the importer come to read the shipped text differently, the demo
    says which correction to revisit rather than load something else."""
    minutes = parse(demo.SOURCE.read_text())
    item = next(i for i in minutes.items if i.number == "8")
    item.narrative = item.narrative.replace("register here", "sign up")
    with pytest.raises(DemoDataConflict, match="Item 8 .*register here"):
        _correct(minutes)


def test_a_meeting_25_from_an_earlier_demo_is_kept(db, meeting):
    """An earlier version of the demo built meeting 25 row by row, with no
    import on record: loading again keeps it and writes nothing."""
    ImportedDocument.objects.all().delete()
    before = (Action.objects.count(), ActionReview.objects.count(), meeting.items.count())
    call_command("load_demo", stdout=io.StringIO())
    after = (Action.objects.count(), ActionReview.objects.count(), meeting.items.count())
    assert after == before
    assert not ImportedDocument.objects.exists()


def test_edits_to_the_incidents_survive_another_load(db, meeting):
    Incident.objects.filter(reference="INC000000479406").update(title="Renamed by the secretary")
    call_command("load_demo", stdout=io.StringIO())
    assert Incident.objects.get(reference="INC000000479406").title == "Renamed by the secretary"


def test_a_meeting_25_from_another_document_stops_the_load_with_a_reason(db, meeting):
    ImportedDocument.objects.update(sha256="0" * 64)
    with pytest.raises(CommandError, match=r"^Demo not loaded: OPSG 25 is already in the record"):
        call_command("load_demo", stdout=io.StringIO())
