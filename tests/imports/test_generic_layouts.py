"""Other committees' minutes, read by the generic reader and the layout
registry (imports.layout_generic, imports.layouts): sixteen documents of our
own in seven layouts (a generic "Present:" block, and one mixing minute
numbers, RESOLVED lines and an actions table, among them), each with the
counts a secretary would count by hand."""

from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from actions.models import Action
from imports.layouts import layout_of
from imports.parse import read_upload
from imports.services import import_minutes
from meetings.models import Attendance, Committee, CommitteeRole, Decision, Meeting
from tests.base import login

MINUTES = Path(__file__).resolve().parent / "minutes"

# name: (layout, members, participants, apologies, items, decisions, raised, reviewed, closed)
EXPECTED = {
    "panel_212.txt": ("generic", 5, 2, 1, 5, 4, 2, 0, 0),
    "panel_213.txt": ("generic", 4, 1, 2, 4, 2, 1, 2, 1),
    "association_2026_03.md": ("association", 4, 1, 1, 4, 2, 2, 2, 1),
    "association_2026_04.md": ("association", 4, 0, 1, 2, 2, 2, 1, 1),
    "parish_2026_03.txt": ("generic", 4, 1, 1, 5, 3, 1, 0, 0),
    "parish_2026_04.txt": ("generic", 3, 0, 1, 3, 2, 1, 0, 0),
    "tracker_14.md": ("generic", 0, 0, 0, 0, 0, 0, 4, 1),
    "tracker_15.txt": ("generic", 0, 0, 0, 0, 0, 0, 3, 2),
    "bot_2026_02_11.txt": ("meeting-bot", 3, 0, 0, 3, 2, 2, 0, 0),
    "bot_2026_02_25.md": ("meeting-bot", 3, 0, 0, 2, 1, 2, 0, 0),
    "panel_58.txt": ("generic", 6, 3, 1, 7, 5, 4, 0, 0),
    "association_2026_05.md": ("association", 6, 1, 2, 5, 3, 3, 3, 1),
    "tracker_22.md": ("generic", 0, 0, 0, 0, 0, 0, 5, 2),
    # tessbot is no nick of the bot's entry: a person, flagged as a bot's nick.
    "bot_2026_06_02.txt": ("meeting-bot", 6, 0, 0, 5, 3, 3, 0, 0),
    "generic_2026_06.txt": ("generic", 6, 1, 2, 6, 3, 4, 0, 0),
    # Its actions table of this meeting's actions is read as reviewed, and flagged.
    "mixed_2026_07.txt": ("generic", 6, 2, 2, 7, 4, 0, 3, 0),
}
FIELDS = ("members", "participants", "apologies", "items", "decisions")
FIELDS += ("actions_raised", "actions_reviewed", "closed")


def read(name: str, **hints):
    return read_upload((MINUTES / name).read_bytes(), name, **hints)[1]


def test_there_are_sixteen_documents_in_seven_layouts():
    assert sorted(p.name for p in MINUTES.iterdir()) == sorted(EXPECTED)
    assert len({name.split("_")[0] for name in EXPECTED}) == 7


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_each_document_reads_to_its_counts(name):
    layout, *counts = EXPECTED[name]
    assert layout_of((MINUTES / name).read_text()).name == layout
    parsed = read(name)
    assert [parsed.counts()[field] for field in FIELDS] == counts
    assert parsed.date is not None


def test_a_panels_attendance_keeps_every_mark():
    people = {p.name: p for p in read("panel_212.txt").attendance}
    assert people["Rowan Avery"].role == "Chair" and people["Rowan Avery"].group == "Independent"
    assert people["Tomas Berg"].remote  # "(dial in)"
    assert people["Moses Adeyemi"].remote  # "*", teleconference
    assert people["Ines Ferreira"].alternate_for == "Dana Kowal"
    assert people["Lena Fischer"].part and people["Lena Fischer"].items == "3-4"
    assert people["Sam Okafor"].section == "participant"
    assert people["Dana Kowal"].section == "apology"


def test_what_is_not_read_is_flagged_never_dropped_in_silence():
    parsed = read("parish_2026_03.txt")
    kinds = {flag.kind: flag for flag in parsed.flags}
    assert "3 members of the public" in kinds["unread-line"].message
    assert kinds["verb-recorded-as"].message.startswith("'RESOLVED' is recorded as AGREED")
    association = read("association_2026_03.md")
    assert {f.kind for f in association.flags} >= {"no-meeting-number", "action-reference"}
    closed = [r for r in association.reviews if r.status == "closed"]
    assert closed[0].text.startswith("(2026-05) ")  # its own reference kept in its text


def test_a_decisions_subject_the_minutes_replace_is_flagged_once():
    """ "The Panel AGREED …" is printed as "The BARP AGREED …": said once a
    document, on the first such decision's line, never changed in silence."""
    parsed = read("panel_212.txt")
    [flag] = [flag for flag in parsed.flags if flag.kind == "decision-subject"]
    assert "'The Panel'" in flag.message and "'The BARP AGREED …'" in flag.message
    first = min(d.line for item in parsed.items for d in item.decisions)
    assert flag.line == first
    # The committee's own code is no change.
    text = (MINUTES / "panel_212.txt").read_text().replace("The Panel", "The BARP")
    assert "decision-subject" not in {f.kind for f in read_upload(text.encode(), "p.txt")[1].flags}


def test_a_header_gives_committee_number_date_and_times():
    parsed = read("panel_212.txt")
    assert (parsed.committee, parsed.number, str(parsed.date)) == ("BARP", 212, "2026-05-14")
    assert (str(parsed.start_time), str(parsed.end_time)) == ("10:00:00", "13:00:00")
    assert parsed.location.startswith("Conference Room B")
    action = parsed.items[2].actions[0]
    assert (action.reference, action.owners, str(action.target_date)) == (
        "BARP 212/01",
        ["Code Administrator"],
        "2026-05-29",
    )
    bot = read("bot_2026_02_11.txt")
    assert (str(bot.date), str(bot.start_time)) == ("2026-02-11", "15:00:00")
    assert [p.name for p in bot.attendance] == ["kerstin", "bogdan", "ana"]  # not the bot
    assert bot.items[1].actions[0].owners == ["bogdan"]


@pytest.mark.django_db
def test_a_document_without_a_number_imports_under_the_one_given(world):
    Committee.objects.create(code="RHC", name="Riverside Housing Co-operative")
    name = "association_2026_03.md"
    data = (MINUTES / name).read_bytes()
    parsed = read_upload(data, name, committee="RHC")[1]
    with pytest.raises(ValidationError, match="gives no meeting number"):
        import_minutes(parsed=parsed, source=data, filename=name, committee="RHC")
    assert not Meeting.objects.exists()
    parsed = read_upload(data, name, committee="RHC", number=7)[1]
    meeting = import_minutes(parsed=parsed, source=data, filename=name, committee="RHC").meeting
    assert (meeting.number, meeting.committee.code) == (7, "RHC")
    assert Attendance.objects.filter(meeting=meeting).count() == 6
    assert Decision.objects.filter(item__meeting=meeting).count() == 2
    assert set(Action.objects.filter(meeting=meeting).values_list("reference", flat=True)) == {
        "RHC 7/01",
        "RHC 7/02",
    }
    assert meeting.import_doubts == len(parsed.flags)


@pytest.mark.django_db
def test_the_page_asks_for_the_number_and_imports_with_it(client, world):
    lumen = Committee.objects.create(code="LUMEN", name="Lumen developers")
    CommitteeRole.objects.create(committee=lumen, person=world.secretary, role="secretary")
    login(client, "secretary")
    name = "bot_2026_02_11.txt"
    upload = SimpleUploadedFile(name, (MINUTES / name).read_bytes())
    response = client.post("/import/", {"file": upload, "committee": "LUMEN"})
    assert response.status_code == 200
    body = response.content.decode()
    assert 'name="number"' in body and "The document gives none" in body
    token = response.context["token"]
    response = client.post("/import/commit/", {"token": token, "committee": "LUMEN"})
    assert response.status_code == 422
    assert "gives no meeting number" in response.content.decode()
    # The number given, the document is read again, and that reading is shown.
    given = {"token": token, "committee": "LUMEN", "number": "3"}
    response = client.post("/import/commit/", given)
    assert response.status_code == 302 and response["Location"] == f"/import/{token}/"
    assert "Review the import: LUMEN 3" in client.get(response["Location"]).content.decode()
    assert not Meeting.objects.exists()
    response = client.post("/import/commit/", given)
    assert response.status_code == 302
    assert response["Location"] == "/committees/LUMEN/meetings/3/"
    meeting = Meeting.objects.get(committee__code="LUMEN", number=3)
    assert meeting.items.count() == 3
    assert sorted(Action.objects.filter(meeting=meeting).values_list("reference", flat=True)) == [
        "LUMEN 3/01",
        "LUMEN 3/02",
    ]


@pytest.mark.django_db
def test_a_committee_not_ones_own_is_refused_at_commit(client, world):
    Committee.objects.create(code="LUMEN", name="Lumen developers")  # no role there
    login(client, "secretary")
    name = "bot_2026_02_11.txt"
    upload = SimpleUploadedFile(name, (MINUTES / name).read_bytes())
    token = client.post("/import/", {"file": upload}).context["token"]
    response = client.post("/import/commit/", {"token": token, "committee": "LUMEN", "number": "3"})
    assert response.status_code == 422
    assert "You may not import into &#x27;LUMEN&#x27;" in response.content.decode()
    assert not Meeting.objects.exists()


def test_a_bare_minutes_label_in_the_attendance_reads_no_one_as_an_item():
    text = (
        (MINUTES / "parish_2026_04.txt")
        .read_text()
        .replace("Apologies: Cllr Quentin Yeo", "Apologies: Cllr Quentin Yeo\nMinutes: Jo Clerk")
    )
    parsed = read_upload(text.encode(), "parish.txt")[1]
    assert all(p.section in ("member", "participant", "apology") for p in parsed.attendance)


@pytest.mark.parametrize(
    "title, number",
    [
        ("Planning Committee 14 May 2024", None),
        ("Board meeting 2024", None),
        ("Minutes of the 12th March 2024 meeting", None),
        ("Panel Meeting No. 87", 87),
        ("Minutes of the 212th meeting of the Council", 212),
    ],
)
def test_a_date_or_a_year_is_never_the_meeting_number(title, number):
    text = f"{title}\nDate: 14 May 2024\n\nPresent: Ann Lee, Bo Chan\n\n1. Welcome\nHello.\n"
    assert read_upload(text.encode(), "m.txt")[1].number == number


def test_a_markdown_tables_rows_are_flagged_at_their_own_lines():
    """A review or a person read from a Markdown table names the line of
    its row, not the line above it (the header's rule counted as a row)."""
    name = "tracker_14.md"
    lines = (MINUTES / name).read_text().split("\n")
    reviews = read(name).reviews
    assert [review.line for review in reviews] == [7, 8, 9, 10]
    assert all(review.text.split()[0] in lines[review.line - 1] for review in reviews)
    table = "\n".join(
        [
            "Finance Panel – Meeting 12",
            "",
            "Date: 4 March 2026",
            "",
            "Present:",
            "",
            "| Name | Organisation |",
            "|---|---|",
            "| Ada Byrne | Harbour Trust |",
            "| Tomasz Wren | Quay Energy |",
            "",
            "1. Budget",
            "",
            "The Panel AGREED the budget.",
        ]
    )
    people = read_upload(table.encode(), "panel.md")[1].attendance
    assert [(person.name, person.line) for person in people] == [
        ("Ada Byrne", 9),
        ("Tomasz Wren", 10),
    ]
