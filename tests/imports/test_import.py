"""Committing an import: the command, the /import/ page, idempotence, and
refusals that write nothing. The parse itself is tested beside each layout."""

import io
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from actions.models import Action, ActionReview
from imports.models import ImportedDocument
from imports.parse import parse
from imports.parsed import ParsedPerson
from imports.services import _People, import_minutes
from incidents.models import Incident, IncidentMention, IncidentReview
from meetings.models import AgendaItem, Attendance, Committee, Decision, Meeting, Person
from minutes.services import minutes_circulate
from tests.base import login
from tests.conftest import unshipped_seed

pytestmark = pytest.mark.django_db

FIXTURES = Path(__file__).resolve().parents[2] / "imports" / "fixtures"
OPSG_25 = FIXTURES / "opsg_25_minutes.txt"
SAMPLE_49 = FIXTURES / "opsg_49_sample.md"


def run(*args) -> str:
    out = io.StringIO()
    call_command("import_minutes", *map(str, args), stdout=out)
    return out.getvalue()


def record_size() -> tuple:
    models = [Meeting, Attendance, AgendaItem, Decision, Action, ActionReview, IncidentReview]
    return tuple(m.objects.count() for m in models) + (ImportedDocument.objects.count(),)


def test_the_command_imports_the_2019_minutes(world, settings, tmp_path):
    output = run(OPSG_25)
    assert "Imported OPSG 25." in output
    assert "members: 15, participants: 22, apologies: 4" in output
    # Each kind of doubt once, counted, with its lines.
    assert output.count("[renumbered]") == 1
    assert "[renumbered] ×8, line(s) " in output
    meeting = Meeting.objects.get(committee__code="OPSG", number=25)
    # Draft minutes stay a draft: they are not marked circulated with the day
    # of the import; the secretary circulates them when ready.
    assert meeting.status == Meeting.Status.DRAFT and meeting.circulated_at is None
    assert meeting.classification == world.white_2019
    sections = [line.section for line in meeting.attendance.all()]
    assert (sections.count("member"), sections.count("participant"), sections.count("apology")) == (
        15,
        22,
        4,
    )
    assert meeting.items.count() == 20
    assert Decision.objects.filter(item__meeting=meeting).count() == 20
    raised = sorted(meeting.actions_raised.values_list("reference", flat=True))
    assert raised == [f"OPSG 25/{n:02d}" for n in range(1, 19)]
    reviews = meeting.action_reviews.all()
    assert reviews.count() == 10
    assert reviews.filter(status="closed").count() == 3
    incidents = IncidentReview.objects.filter(item__meeting=meeting)
    assert {r.incident.reference for r in incidents} >= {"INC000000478818"}
    document = meeting.imports.get()
    assert document.filename == OPSG_25.name
    assert Path(document.source.path).read_bytes() == OPSG_25.read_bytes()
    assert document.counts["actions_raised"] == 18


def test_closed_actions_end_as_their_updates_say(world, settings, tmp_path):
    """11/02 superseded by 25/01 (raised in the same minutes), 20/06 absorbed
    into other work, 24/06 transferred to TABASC: a committee in the record.
    Where the committee named is not in the record, the action is closed as
    completed (the flag on the review page said to check it)."""
    assert Committee.objects.filter(code="TABASC").exists()
    output = run(OPSG_25)
    assert "[outcome-read] ×3" in output

    def ended(reference):
        action = Action.objects.get(reference=reference)
        successor = action.superseded_by.reference if action.superseded_by else ""
        return action.outcome, successor, getattr(action.transferred_to, "code", "")

    assert ended("OPSG 11/02") == ("superseded", "OPSG 25/01", "")
    assert ended("OPSG 20/06") == ("absorbed", "", "")
    assert ended("OPSG 24/06") == ("transferred", "", "TABASC")


def test_a_transfer_to_a_committee_not_in_the_record_closes_as_completed(world, settings, tmp_path):
    Committee.objects.filter(code="TABASC").update(code="TSC")
    run(OPSG_25)
    action = Action.objects.get(reference="OPSG 24/06")
    assert (action.status, action.outcome, action.transferred_to) == ("closed", "completed", None)


@pytest.mark.parametrize(
    ("successor", "outcome", "superseded_by"),
    [
        ("OPSG 25/1", "superseded", "OPSG 25/01"),  # spaced or padded as printed
        ("OPSG 11/02", "completed", None),  # itself: not a successor
        ("OPSG 99/01", "completed", None),  # not in the record
        ("25/01", "completed", None),  # not a reference
    ],
)
def test_a_successor_is_found_by_its_reference_or_the_action_is_completed(
    world, settings, tmp_path, successor, outcome, superseded_by
):
    parsed = parse(OPSG_25.read_text(encoding="utf-8"))
    parsed.reviews[0].superseded_by = successor
    import_minutes(parsed=parsed, source=b"x", filename="25.txt")
    action = Action.objects.get(reference="OPSG 11/02")
    found = action.superseded_by.reference if action.superseded_by else None
    assert (action.status, action.outcome, found) == ("closed", outcome, superseded_by)


def test_an_action_already_in_the_record_keeps_its_owners_and_makes_no_organisation(world):
    from meetings.models import Organisation

    run(OPSG_25)
    later = parse(OPSG_25.read_text(encoding="utf-8").replace("Meeting 25", "Meeting 26"))
    later.number = 26
    later.date = later.date.replace(month=11, day=5)
    later.items = []
    later.reviews[0].owners = ["Widgets Ltd"]
    import_minutes(parsed=later, source=b"26", filename="26.txt")
    assert not Organisation.objects.filter(short_name="Widgets Ltd").exists()
    assert Action.objects.get(reference="OPSG 11/02").owner_names() == ["DCC"]


def test_importing_the_same_document_twice_changes_nothing(world, settings, tmp_path):
    run(OPSG_25)
    before = record_size()
    assert "was imported from this file before: nothing changed" in run(OPSG_25)
    assert record_size() == before


def test_a_dry_run_reports_and_writes_nothing(world, settings, tmp_path):
    before = record_size()
    output = run(OPSG_25, "--dry-run")
    assert "actions raised: 18" in output and "Dry run: nothing written." in output
    assert record_size() == before


@pytest.mark.parametrize(
    "content, name, reason",
    [
        (b"", "empty.txt", "empty"),
        (bytes(range(256)) * 64, "junk.txt", "not"),
        (b"%PDF-1.4 broken", "broken.pdf", "PDF"),
        (
            b"Some notes about the weather.\n\nNothing else.",
            "notes.txt",
            "no meeting could be read",
        ),
    ],
)
def test_files_that_are_not_readable_minutes_exit_non_zero_and_write_nothing(
    world, settings, tmp_path, content, name, reason
):
    path = tmp_path / name
    path.write_bytes(content)
    before = record_size()
    with pytest.raises(CommandError) as failure:
        run(path)
    message = str(failure.value)
    assert "\n" not in message and reason.lower() in message.lower()
    assert record_size() == before


def test_a_meeting_already_in_the_record_is_not_overwritten(world, settings, tmp_path):
    from tests.base import make_meeting

    make_meeting(world, number=25)
    before = record_size()
    with pytest.raises(CommandError, match="already in the record"):
        run(OPSG_25)
    assert record_size() == before


def test_an_unknown_committee_is_refused(world, settings, tmp_path):
    with pytest.raises(CommandError, match="needed to import it: the committee NOPE"):
        run(OPSG_25, "--committee", "NOPE")
    assert not Meeting.objects.exists()


def test_a_later_meeting_reviews_actions_already_imported(world, settings, tmp_path):
    """Meeting 49's sample table reviews actions it has not seen raised:
    they are created from what the table says, and reviewed."""
    run(OPSG_25)
    output = run(SAMPLE_49)
    assert "Imported OPSG" in output
    meeting = Meeting.objects.exclude(number=25).get()
    for review in meeting.action_reviews.select_related("action"):
        assert review.action.reference.startswith("OPSG ")


# --- the page ------------------------------------------------------------------------


def upload(client, path: Path, **extra):
    data = {"file": SimpleUploadedFile(path.name, path.read_bytes()), **extra}
    return client.post("/import/", data)


def test_the_secretary_reviews_then_imports(client, world, settings, tmp_path):
    login(client, "secretary")
    response = upload(client, OPSG_25)
    assert response.status_code == 200
    body = response.content.decode()
    assert "Review the import: OPSG 25" in body
    assert "15 members, 22 other participants, 4 apologies" in body
    assert body.count("[renumbered]") == 8
    assert body.count("[outcome-read]") == 3
    assert "<dt>Location</dt><dd>Gemserv, 8 Fenchurch Place, London, EC3M 4AJ</dd>" in body
    assert 'id="L1"' in body  # the source, line by line, beside the parse
    assert not Meeting.objects.exists()  # nothing written before "Import"
    token = response.context["token"]
    response = client.post("/import/commit/", {"token": token, "committee": ""})
    assert response.status_code == 302
    assert response["Location"] == "/committees/OPSG/meetings/25/"
    assert Meeting.objects.get(number=25).imports.get().imported_by.username == "secretary"
    # The same upload cannot be committed twice.
    response = client.post("/import/commit/", {"token": token}, follow=True)
    assert "upload the file again" in response.content.decode()


def test_the_page_shows_a_teleconference_and_a_closing_block_in_doubt(
    client, world, settings, tmp_path
):
    login(client, "secretary")
    body = upload(client, SAMPLE_49).content.decode()
    assert "<dt>Location</dt><dd>Teleconference</dd>" in body
    assert "[placement]" in body
    assert "that decision and 3.2&#x27;s 4 actions may belong to item 3" in body


def test_a_file_that_cannot_be_read_says_why_on_the_page(client, world, settings, tmp_path):
    login(client, "secretary")
    path = tmp_path / "junk.docx"
    path.write_bytes(b"\x00\x01 not a word document")
    response = upload(client, path)
    assert response.status_code == 422
    assert 'role="alert"' in response.content.decode()
    assert not Meeting.objects.exists()


def test_members_may_not_import(client, world):
    login(client, "member")
    assert client.get("/import/").status_code == 403
    assert client.post("/import/commit/", {"token": "x"}).status_code == 403


def test_an_older_meeting_imported_after_a_newer_one_keeps_the_newer_state(
    world, settings, tmp_path
):
    """OPSG 50 (made from the sample: 47/05 closed there) comes in before
    OPSG 49 (47/05 still open): the action stays closed, its reviews in
    meeting order."""
    import re

    later = re.sub(r"\b49/", "50/", SAMPLE_49.read_text())
    later = later.replace("OPSG_49_1705", "OPSG_50_1406").replace("17 May 2021", "14 June 2021")
    later = later.replace(
        "triage rules depend on a supplier survey still under way. Status: Open.",
        "triage rules are published. Status: Closed.",
    )
    path = tmp_path / "opsg_50.md"
    path.write_text(later)
    run(path)
    run(SAMPLE_49)
    action = Action.objects.get(reference="OPSG 47/05")
    assert action.status == Action.Status.CLOSED
    reviews = action.reviews.order_by("meeting__date")
    assert [(r.meeting.number, r.status) for r in reviews] == [(49, "open"), (50, "closed")]


def test_an_unknown_committee_on_the_page_asks_for_one(client, world, settings, tmp_path):
    login(client, "secretary")
    path = tmp_path / "xq.txt"
    path.write_text(OPSG_25.read_text().replace("OPSG", "XQ"))
    token = upload(client, path).context["token"]
    response = client.post("/import/commit/", {"token": token, "committee": ""})
    assert response.status_code == 422
    assert "There is no committee &#x27;XQ&#x27; here: choose" in response.content.decode()
    assert not Meeting.objects.exists()
    response = client.post("/import/commit/", {"token": token, "committee": "OPSG"})
    assert response.status_code == 302
    assert Meeting.objects.get(committee__code="OPSG", number=25)


def test_a_file_over_the_limit_is_refused_before_it_is_read(world, settings, tmp_path):
    path = tmp_path / "huge.txt"
    with path.open("wb") as out:
        out.truncate(50 * 1024 * 1024)
    with pytest.raises(CommandError, match="larger than 20 MB"):
        run(path)
    assert not Meeting.objects.exists()


def test_five_thousand_action_lines_without_minutes_around_them_write_nothing(
    world, settings, tmp_path
):
    path = tmp_path / "actions.txt"
    path.write_text(
        "\n\n".join(f"ACTION OPSG 25/{n:02d}: DCC to report on item {n}." for n in range(1, 5001))
    )
    before = record_size()
    with pytest.raises(CommandError, match="No meeting could be read"):
        run(path)
    assert record_size() == before


def test_the_command_imports_the_2021_minutes(world, settings, tmp_path):
    seed = unshipped_seed("001_12df44be4725d42b.txt")
    output = run(seed)
    assert "members: 13, participants: 15, apologies: 3, items: 10, sub items: 11" in output
    assert "decisions: 13, actions raised: 20, actions reviewed: 4, closed: 1" in output
    assert "[committee-typo]" in output and "[incident-mismatch]" in output
    meeting = Meeting.objects.get(committee__code="OPSG", number=49)
    assert meeting.classification == world.white_2021  # White as the 2021 policy has it
    raised = sorted(meeting.actions_raised.values_list("reference", flat=True))
    assert raised == [f"OPSG 49/{n:02d}" for n in range(1, 21)]
    reviewed = {r.action.reference: r.status for r in meeting.action_reviews.all()}
    assert reviewed == {
        "OPSG 43/07": "closed",
        "OPSG 45/CONF 02": "open",
        "OPSG 47/08": "open",
        "OPSG 45/CONF 03": "open",
    }


def test_the_page_imports_the_2021_minutes(client, world, settings, tmp_path):
    """The same seed through /import/: counts and every doubt on the review
    page, then one commit writing what the command writes."""
    seed = unshipped_seed("001_12df44be4725d42b.txt")
    login(client, "secretary")
    response = upload(client, seed)
    body = response.content.decode()
    assert "13 members, 15 other participants, 3 apologies" in body
    assert "10 items and 11 sub-items, 13 decisions" in body
    assert "20 actions raised; 4 reviewed (1 closed)" in body
    for kind in ("committee-typo", "incident-mismatch", "placement", "next-meeting-code"):
        assert f"[{kind}]" in body
    assert "Doubts (5)" in body
    # Each doubt ticked as checked: the final minutes come in published.
    checked = [str(n) for n in range(5)]
    response = client.post(
        "/import/commit/", {"token": response.context["token"], "acknowledge": checked}
    )
    assert response["Location"] == "/committees/OPSG/meetings/49/"
    meeting = Meeting.objects.get(committee__code="OPSG", number=49)
    assert meeting.status == Meeting.Status.PUBLISHED  # final minutes, every doubt checked
    assert meeting.items.count() == 21
    assert Decision.objects.filter(item__meeting=meeting).count() == 13
    assert meeting.actions_raised.count() == 20
    assert meeting.action_reviews.count() == 4
    assert meeting.imports.get().imported_by.username == "secretary"


def test_the_history_names_the_import_and_keeps_its_source(client, world, settings, tmp_path):
    login(client, "secretary")
    token = upload(client, OPSG_25).context["token"]
    response = client.post("/import/commit/", {"token": token}, follow=True)
    doubts = len(ImportedDocument.objects.get().flags)
    assert (
        f"Imported OPSG 25 from opsg_25_minutes.txt, as the draft it is: members read it once "
        f"you circulate it. {doubts} doubts are left to acknowledge on its history page before "
        "it can be published."
    ) in response.content.decode()
    body = client.get("/committees/OPSG/meetings/25/history/").content.decode()
    assert "From <a href=" in body and "opsg_25_minutes.txt</a>" in body
    assert "by Sam Secretary" in body
    # The doubts, to work through after the import: for those who may read the source.
    assert "The doubts to check against the minutes" in body
    assert "Printed as OPSG 25/110, read as OPSG 25/11" in body
    document = ImportedDocument.objects.get()
    url = f"/committees/OPSG/meetings/25/imports/{document.pk}/source"
    response = client.get(url)
    assert b"".join(response.streaming_content) == OPSG_25.read_bytes()
    # Every record written carries the secretary in its history.
    meeting = Meeting.objects.get(number=25)
    assert meeting.history.earliest("history_date").history_user.username == "secretary"
    minutes_circulate(meeting=meeting, by=None, at=meeting.history.earliest().history_date)
    login(client, "member")  # reads the circulated minutes, not the source
    response = client.get("/committees/OPSG/meetings/25/history/")
    assert response.status_code == 200
    assert "Printed as OPSG 25/110" not in response.content.decode()
    assert client.get(url).status_code == 403


def test_people_already_known_are_not_created_again(world, settings, tmp_path):
    """Sam Secretary of SECAS, or someone of that name with no organisation
    recorded, is the same person when the minutes list them under SECAS; a
    newcomer listed twice is made once, in one insert with the others."""
    names = ["Sam Secretary", "Una Attached", "Nova Newcomer"]
    lines = [ParsedPerson(name, "participant", "DCC", n) for n, name in enumerate(names)]
    unattached = Person.objects.create(name="Una Attached")
    known = _People(lines)
    assert known.person("Sam Secretary", world.secas) == world.secretary
    assert known.person("Una Attached", world.dcc) == unattached
    newcomer = known.person("Nova Newcomer", world.dcc)
    assert newcomer.pk is None and newcomer.organisation == world.dcc
    assert known.person("Nova Newcomer", world.dcc) is newcomer
    known.save_new()
    assert Person.objects.get(name="Nova Newcomer") == newcomer


@pytest.mark.parametrize("listed", [False, True], ids=["listed-nowhere-else", "an-apology"])
def test_an_alternate_keeps_the_member_they_stood_in_for(world, settings, tmp_path, listed):
    """Lena Ostrova attends for Imogen Hart. Listed nowhere else in the 2021
    sample, Imogen Hart is created under that name for the line to keep;
    listed among the apologies, after her alternate, she is the one named."""
    text = SAMPLE_49.read_text(encoding="utf-8")
    if listed:
        mabel = "| Other SEC Parties | Mabel Dunn |"
        text = text.replace(mabel, f"{mabel}\n| Large Suppliers | Imogen Hart |")
    outcome = import_minutes(
        parsed=parse(text), source=text.encode(), filename="49.md", committee="OPSG"
    )
    line = outcome.meeting.attendance.get(person__name="Lena Ostrova")
    assert line.is_alternate and line.alternate_for.name == "Imogen Hart"
    listed_lines = outcome.meeting.attendance.filter(person__name="Imogen Hart")
    if listed:
        assert listed_lines.get().section == Attendance.Section.APOLOGY
        assert listed_lines.get().person == line.alternate_for
    else:
        assert not listed_lines.exists()


def test_the_same_file_again_is_named_up_front(client, world, settings, tmp_path):
    """The review page says the file was imported before (by its content,
    whatever its name), before anyone presses Import."""
    login(client, "secretary")
    first = upload(client, OPSG_25)
    assert "imported before" not in first.content.decode()
    client.post("/import/commit/", {"token": first.context["token"]})
    renamed = tmp_path / "another-name.txt"
    renamed.write_bytes(OPSG_25.read_bytes())
    body = upload(client, renamed).content.decode()
    assert "This very file was imported before:" in body
    assert 'href="/committees/OPSG/meetings/25/">OPSG 25</a>' in body


def test_every_incident_an_item_names_is_created(world, settings, tmp_path):
    """Item 3.1 of the 2021 sample is headed INC000000512345 and its text
    names INC000000498765 (flagged): the item reviews the one its heading
    names, and the other is known to the record too, as one it mentions."""
    run(SAMPLE_49)
    item = AgendaItem.objects.get(meeting__number=49, number="3.1")
    assert [r.incident.reference for r in item.incident_reviews.all()] == ["INC000000512345"]
    mentioned = Incident.objects.get(reference="INC000000498765")
    assert not mentioned.reviews.exists()
    assert IncidentMention.objects.filter(incident=mentioned, item=item).exists()


# Seed 000 (OPSG 25) writes in at most this many queries: 75 now (757, then
# 462, then 129, as the writes became bulk). Every kind of row is written in
# bulk: attendance, items, decisions, the actions raised and reviewed with
# their owners, the reviews, the actions following them, the incidents each
# item names. Issue 16 asks for at most 100; this holds it near what it is.
IMPORT_QUERIES = 80


def test_the_2019_minutes_import_in_a_bounded_number_of_queries(world, settings, tmp_path):
    parsed = parse(OPSG_25.read_text(encoding="utf-8"))
    with CaptureQueriesContext(connection) as queries:
        import_minutes(parsed=parsed, source=OPSG_25.read_bytes(), filename="25.txt")
    sql = [q["sql"] for q in queries.captured_queries]
    counted = [s for s in sql if not s.startswith(("SAVEPOINT", "RELEASE"))]
    assert len(counted) <= IMPORT_QUERIES
