"""What an import would add beside the meeting, shown before "Import" and
printed by the command: unknown people and owners, and which reviewed
actions are new to the record or already in it."""

import datetime
import io
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from actions.services import action_raise
from imports.parse import parse
from imports.selectors import new_to_the_record
from meetings.models import Person
from tests.base import login, make_meeting
from tests.imports.test_import import OPSG_25, upload

pytestmark = pytest.mark.django_db

REVIEWED_IN_25 = [
    "OPSG 11/02",
    "OPSG 20/06",
    "OPSG 23/05",
    "OPSG 23/06",
    "OPSG 23/08",
    "OPSG 23/09",
    "OPSG 24/02",
    "OPSG 24/05",
    "OPSG 24/06",
    "OPSG 24/08",
]


def minutes_25():
    return parse(OPSG_25.read_text(encoding="utf-8"))


def test_a_first_import_brings_its_people_owners_and_actions(world, django_assert_num_queries):
    parsed = minutes_25()
    with django_assert_num_queries(5):
        new = new_to_the_record(parsed)
    assert len(new.people) == 41 and "Dave Warner" in new.people
    # DCC and SECAS are in the record (any case); the others are new bodies.
    assert new.owners == ["OPSG members", "DNOs"]  # in the order the minutes name them
    assert new.actions == REVIEWED_IN_25
    assert new.known_actions == [] and new.unreviewed == []


def test_after_the_import_nothing_is_new_and_every_reviewed_action_is_known(
    world, settings, tmp_path
):
    call_command("import_minutes", str(OPSG_25), stdout=io.StringIO())
    new = new_to_the_record(minutes_25())
    assert (new.people, new.owners, new.actions) == ([], [], [])
    assert new.known_actions == REVIEWED_IN_25
    assert bool(new)


def test_the_page_and_the_command_say_what_is_new(client, world, settings, tmp_path):
    login(client, "secretary")
    body = upload(client, OPSG_25).content.decode()
    assert "41 people not yet known: Dave Warner, Mo Asif," in body
    assert "2 owners not yet known, to be added as organisations: OPSG members, DNOs" in body
    assert "10 reviewed actions not in the record, to be created from their rows" in body

    out = io.StringIO()
    call_command("import_minutes", str(OPSG_25), "--dry-run", stdout=out)
    assert "new owners (created as organisations): OPSG members, DNOs" in out.getvalue()
    assert "reviewed actions not in the record (created from their rows): OPSG 11/02," in (
        out.getvalue()
    )


def test_matched_as_the_import_matches(world):
    """A namesake at another organisation is a new person (the import makes
    one); an owner named in this document's attendance is that person, not a
    new organisation; reviewed references are read under the chosen committee."""
    Person.objects.create(name="Wendy Liddell", organisation=world.secas)
    Person.objects.create(name="Dave Warner", organisation=None)
    parsed = minutes_25()
    next(item for item in parsed.items if item.actions).actions[0].owners = ["Dave Warner"]
    parsed.reviews[0].reference = "OPSX 11/02"
    new = new_to_the_record(parsed, "OPSG")
    assert "Wendy Liddell" in new.people  # a participant for the DCC, not SECAS's Wendy
    assert "Dave Warner" not in new.people and "Dave Warner" not in new.owners
    assert new.actions[0] == "OPSG 11/02"


def test_nothing_new_says_so(client, world, settings, tmp_path):
    login(client, "secretary")
    path = Path(tmp_path) / "empty-ish.md"
    path.write_text("# Operations Group Meeting 60\n\n1. Previous Meeting Minutes\n")
    body = upload(client, path).content.decode()
    assert "Nothing beyond the meeting itself." in body


def test_actions_open_before_the_meeting_and_not_reviewed_are_named(
    client, world, settings, tmp_path
):
    """OPSG 24 left an action open; the OPSG 25 document does not review it
    (here: its table was not read): the page and the command name it."""
    earlier = make_meeting(world, number=24, date=datetime.date(2019, 9, 3))
    action_raise(meeting=earlier, item=None, owners=[world.dcc], text="DCC to report back.")
    new = new_to_the_record(minutes_25())
    assert new.unreviewed == ["OPSG 24/01"]
    login(client, "secretary")
    body = upload(client, OPSG_25).content.decode()
    assert "1 action open before this meeting is not reviewed in this document" in body
    out = io.StringIO()
    call_command("import_minutes", str(OPSG_25), "--dry-run", stdout=out)
    assert "not reviewed in this document: OPSG 24/01" in out.getvalue()


def test_a_dry_run_on_an_empty_installation_says_what_to_add(db):
    """No committee, no classification yet: the dry run reads the document
    and says what the admin must add; the import itself refuses, in one line."""
    out = io.StringIO()
    call_command("import_minutes", str(OPSG_25), "--dry-run", stdout=out)
    said = out.getvalue()
    assert "members: 15, participants: 22, apologies: 4" in said
    assert "needed to import it: the committee OPSG; the classification White." in said
    assert said.rstrip().endswith("Dry run: nothing written.")
    with pytest.raises(CommandError, match="the committee OPSG; the classification White"):
        call_command("import_minutes", str(OPSG_25), stdout=io.StringIO())
