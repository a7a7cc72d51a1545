"""Issue 14, trust: hostile and odd input gets a clear answer, never a 500,
and nothing half-written. A NUL character anywhere a request carries text,
ten thousand characters where a title goes, a target of 31/12/9999, names
too long for the record in an imported document, and a broker that cannot
be reached.

Every case runs on SQLite and PostgreSQL: PostgreSQL is the one that
refuses NUL in text and text longer than its column, so that run is the
one that would show a 500."""

import datetime
import io
from pathlib import Path

import icalendar
import pytest
from axes.models import AccessAttempt
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command

from actions.models import Action, ActionReview, OwnerUpdate
from actions.services import LATEST_TARGET_DATE, action_raise, feed_token_create
from imports.models import ImportedDocument
from imports.parse import parse
from imports.services import import_minutes
from meetings.models import AgendaItem, Attendance, Meeting, MinutesDocument, Organisation, Person
from minutes.services import minutes_circulate
from tests.base import login, make_action, make_item, make_meeting
from tests.imports.test_extract import minutes_docx

pytestmark = pytest.mark.django_db

D = datetime.date
FAR = "9999-12-31"
LONG = "x" * 10_000
HTMX = {"HTTP_HX_REQUEST": "true"}
MEETING = "/committees/OPSG/meetings/25/"
SAMPLE_49 = Path(__file__).resolve().parents[1] / "imports" / "fixtures" / "opsg_49_sample.md"
TOO_LONG = "Ensure this value has at most {limit} characters (it has 10000)."


@pytest.fixture
def meeting(world):
    return make_meeting(world)


@pytest.fixture
def circulated(world, meeting):
    """OPSG 25 as members and action owners read it."""
    return minutes_circulate(meeting=meeting, by=world.secretary.user)


@pytest.fixture
def item(meeting):
    return make_item(meeting)


def assert_plain_400(response):
    assert response.status_code == 400
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    body = response.content.decode()
    assert "NUL character" in body and "Traceback" not in body


def record() -> tuple:
    """How much is written, to show a refused request wrote nothing."""
    models = [
        Meeting,
        Attendance,
        AgendaItem,
        Action,
        ActionReview,
        OwnerUpdate,
        Person,
        Organisation,
        ImportedDocument,
    ]
    return tuple(model.objects.count() for model in models)


# --- a NUL character ---------------------------------------------------------------------


def test_nul_byte_in_a_url_path_is_a_400(client, world, meeting):
    login(client, "secretary")
    for path in ("/committees/OPSG%00/", "/incidents/INC%00/", "/modifications/MP%00/"):
        assert_plain_400(client.get(path))
    assert_plain_400(client.get("/published/OPSG%00/25/"))  # anonymous too


def test_nul_byte_in_a_query_string_is_a_400(client, world, meeting):
    login(client, "secretary")
    for path in ("/actions/?q=%00", "/search/?q=a%00b", "/decisions/?x%00=1"):
        assert_plain_400(client.get(path))
    client.logout()
    assert_plain_400(client.get("/published/?page=%00"))


def test_nul_byte_in_form_field_is_a_400(client, world, item):
    before = record()
    login(client, "secretary")
    assert_plain_400(client.post(MEETING + "items/add/", {"title": "Major\x00Incidents"}))
    assert_plain_400(client.post(MEETING + "items/add/", {"title": "\x00"}, **HTMX))
    assert_plain_400(
        client.post(
            MEETING + f"items/{item.pk}/actions/",
            {"owner_organisations": [world.dcc.pk], "text": "DCC to\x00 report.", "version": 0},
        )
    )
    assert record() == before
    assert AgendaItem.objects.get().title == "Previous Meeting Minutes"


def test_nul_byte_in_the_login_form_is_a_400(client, world):
    assert_plain_400(client.post("/accounts/login/", {"username": "member\x00", "password": "x"}))
    assert not AccessAttempt.objects.exists()
    assert "_auth_user_id" not in client.session


def test_nul_byte_in_a_cookie_is_a_400(client, world):
    client.cookies["sessionid"] = "abcdefgh\x00ijklmnop"
    assert_plain_400(client.get("/actions/"))


def test_binary_uploads_full_of_nul_bytes_are_still_read(client, world):
    """A .docx (a ZIP) is full of NULs: the file's content is not a form field."""
    data = minutes_docx()
    assert b"\x00" in data
    login(client, "secretary")
    response = client.post("/import/", {"file": SimpleUploadedFile("OPSG_49.docx", data)})
    assert response.status_code == 200
    assert "Review the import: OPSG 49" in response.content.decode()
    assert not Meeting.objects.exists()


def test_a_stray_nul_inside_an_imported_text_is_not_written(client, world):
    """UTF-16 text passes the binary sniff; a NUL in it is dropped when read,
    so PostgreSQL never sees one."""
    text = SAMPLE_49.read_text().replace("Stock Report", "Stock\x00 Report")
    login(client, "secretary")
    upload = SimpleUploadedFile("OPSG_49.md", text.encode("utf-16"))
    response = client.post("/import/", {"file": upload})
    assert response.status_code == 200
    response = client.post("/import/commit/", {"token": response.context["token"]})
    assert response.status_code == 302
    titles = AgendaItem.objects.values_list("title", flat=True)
    assert "Communications Hub Stock Report" in titles
    assert not any("\x00" in title for title in titles)


# --- ten thousand characters where a short line goes --------------------------------------


def test_ten_thousand_character_title_is_a_form_error(client, world, item):
    before = record()
    login(client, "secretary")
    message = TOO_LONG.format(limit=300)
    response = client.post(MEETING + "items/add/", {"title": LONG}, **HTMX)
    assert response.status_code == 422 and message in response.content.decode()
    response = client.post(MEETING + "items/add/", {"title": LONG}, follow=True)
    assert message in response.content.decode()
    response = client.post(
        MEETING + f"items/{item.pk}/",
        {"op": "save", "title": LONG, "version": item.version, "classification": ""},
        **HTMX,
    )
    assert response.status_code == 422 and message in response.content.decode()
    assert record() == before
    assert AgendaItem.objects.get().title == "Previous Meeting Minutes"


def test_ten_thousand_character_meeting_location_is_a_form_error(client, world, meeting):
    login(client, "secretary")
    response = client.post(
        MEETING + "edit/",
        {
            "kind": "main",
            "date": "2019-10-01",
            "location": LONG,
            "classification": world.white_2019.pk,
            "version": meeting.version,
        },
    )
    assert response.status_code == 422
    assert TOO_LONG.format(limit=300) in response.content.decode()
    meeting.refresh_from_db()
    assert meeting.location == "8 Fenchurch Place, London"
    response = client.post(
        "/committees/OPSG/meetings/new/",
        {"number": 26, "kind": "main", "date": "2019-11-05", "location": LONG},
    )
    assert response.status_code == 200 and TOO_LONG.format(limit=300) in response.content.decode()
    assert Meeting.objects.count() == 1


def test_ten_thousand_character_action_topic_is_a_form_error(client, world, item):
    before = record()
    login(client, "secretary")
    for field in ("topic", "target_note"):
        response = client.post(
            MEETING + f"items/{item.pk}/actions/",
            {"owner_organisations": [world.dcc.pk], "text": "DCC to report.", field: LONG},
            **HTMX,
        )
        assert response.status_code == 422
        assert TOO_LONG.format(limit=200) in response.content.decode()
    assert record() == before


def test_ten_thousand_character_person_name_is_a_form_error(client, world, meeting):
    before = record()
    login(client, "secretary")
    for field, limit in (("new_name", 200), ("category", 100), ("represents", 100)):
        data = {"section": "member", "new_name": "Nia New", field: LONG}
        response = client.post(MEETING + "attendance/add/", data, **HTMX)
        assert response.status_code == 422, field
        assert TOO_LONG.format(limit=limit) in response.content.decode()
    assert record() == before


def test_ten_thousand_character_incident_number_is_a_form_error(client, world, item):
    login(client, "secretary")
    response = client.post(MEETING + f"items/{item.pk}/incidents/", {"reference": LONG}, **HTMX)
    assert response.status_code == 422
    assert "Ensure this value has at most 40 characters (it has 10000)." in (
        response.content.decode()
    )
    assert not item.incident_reviews.exists()


def test_ten_thousand_digits_in_a_review_row_are_a_form_error(client, world, meeting):
    """The hidden list of owners' updates used (`12,15`): a number too long
    for Python to read, or a digit int() does not know, is not a 500."""
    m24 = make_meeting(world, number=24, date=D(2019, 9, 3))
    action = make_action(world, m24)
    login(client, "secretary")
    url = MEETING + f"review/{action.slug}/"
    fields = {"version": 0, "status": "open", "revised_target_note": LONG}
    data = {f"{action.slug}-{name}": value for name, value in fields.items()}
    response = client.post(url, data, **HTMX)
    assert response.status_code == 422
    assert TOO_LONG.format(limit=200) in response.content.decode()
    data.pop(f"{action.slug}-revised_target_note")
    for owner_update in ("9" * 10_000, "²"):
        data[f"{action.slug}-owner_update"] = owner_update
        response = client.post(url, data, **HTMX)
        assert response.status_code in (200, 422), owner_update
    assert not ActionReview.objects.filter(update__gt="").exists()


# --- a target date of 31/12/9999 ---------------------------------------------------------


def test_target_date_9999_12_31_is_a_form_error(client, world, item):
    before = record()
    login(client, "secretary")
    response = client.post(
        MEETING + f"items/{item.pk}/actions/",
        {"owner_organisations": [world.dcc.pk], "text": "DCC to report.", "target_date": FAR},
        **HTMX,
    )
    assert response.status_code == 422
    assert "The target date must be no later than 31/12/2100." in response.content.decode()
    assert record() == before


def test_the_latest_target_date_is_still_accepted(client, world, item):
    login(client, "secretary")
    response = client.post(
        MEETING + f"items/{item.pk}/actions/",
        {"owner_organisations": [world.dcc.pk], "text": "DCC to report.", "target_date": "2100-12-31"},
        **HTMX,
    )  # fmt: skip
    assert response.status_code == 200
    assert Action.objects.get().target_date == LATEST_TARGET_DATE


def test_revised_target_9999_12_31_is_a_form_error(client, world, meeting):
    m24 = make_meeting(world, number=24, date=D(2019, 9, 3))
    action = make_action(world, m24)
    target = action.target_date
    login(client, "secretary")
    fields = {"version": 0, "status": "open", "revised_target_date": FAR}
    data = {f"{action.slug}-{name}": value for name, value in fields.items()}
    response = client.post(MEETING + f"review/{action.slug}/", data, **HTMX)
    assert response.status_code == 422
    body = response.content.decode()
    assert "The revised target date must be no later than 31/12/2100." in body
    assert not ActionReview.objects.exists()
    action.refresh_from_db()
    assert action.target_date == target


def test_proposed_target_9999_12_31_is_a_form_error(client, world, circulated):
    action = make_action(world, circulated)
    login(client, "owner")
    response = client.post(
        f"/actions/{action.slug}/update/", {"text": "Nearly there.", "proposed_target_date": FAR}
    )
    assert response.status_code == 200
    assert "The proposed target date must be no later than 31/12/2100." in (
        response.content.decode()
    )
    assert not OwnerUpdate.objects.exists()


def test_the_services_refuse_a_target_past_the_latest_date(world, meeting):
    with pytest.raises(ValidationError, match="no later than 31/12/2100"):
        action_raise(
            meeting=meeting, item=None, owners=[world.dcc], text="x", target_date=D(9999, 12, 31)
        )
    assert not Action.objects.exists()


def test_feed_renders_with_a_far_future_target(client, world, circulated):
    """A target stored before the bound existed: the feed still answers,
    the event on that day without an end (RFC 5545: a date lasts the day)."""
    far = make_action(world, circulated, text="DCC to finish one day.")
    near = make_action(world, circulated, text="DCC to report soon.")
    Action.objects.filter(pk=far.pk).update(target_date=D(9999, 12, 31))
    feed = feed_token_create(user=world.owner.user, kind="actions")
    response = client.get(f"/feeds/{feed.token}/actions.ics")
    assert response.status_code == 200
    events = {
        str(e["summary"]).split(" due")[0]: e
        for e in icalendar.Calendar.from_ical(response.content).walk("VEVENT")
    }
    assert events[far.reference].decoded("dtstart") == D(9999, 12, 31)
    assert "DTEND" not in events[far.reference]
    assert events[near.reference].decoded("dtend") == near.target_date + datetime.timedelta(days=1)


def test_pages_render_with_a_far_future_target(client, world, meeting):
    action = make_action(world, meeting)
    Action.objects.filter(pk=action.pk).update(target_date=D(9999, 12, 31))
    login(client, "secretary")
    for path in (
        "/actions/",
        "/actions/?owner=mine&sort=target",
        f"/actions/{action.slug}/",
        "/actions/export.csv",
        "/actions/export.xlsx",
        MEETING,
        "/committees/OPSG/",
    ):
        assert client.get(path).status_code == 200, path


# --- names too long for the record in an imported document ---------------------------------


def long_named_sample(tmp_path, old: str, new: str) -> Path:
    text = SAMPLE_49.read_text()
    assert old in text
    path = tmp_path / "OPSG_49_long.md"
    path.write_text(text.replace(old, new, 1))
    return path


LONG_PERSON = "Colin " + "Marsh" * 50  # 256 characters: Person.name keeps 200
# At most five words, as the parser reads an owner; 79 characters, where 60 are kept.
LONG_OWNER = "Distribution-Network-Operators Joint-Working-Group Faults-and-Outages Sub-Group"


def test_a_person_named_too_long_in_an_import_is_an_error_and_writes_nothing(
    client, world, tmp_path
):
    path = long_named_sample(tmp_path, "Colin Marsh", LONG_PERSON)
    before = record()
    login(client, "secretary")
    response = client.post("/import/", {"file": SimpleUploadedFile(path.name, path.read_bytes())})
    assert response.status_code == 200
    response = client.post("/import/commit/", {"token": response.context["token"]})
    assert response.status_code == 422
    body = response.content.decode()
    assert "A person&#x27;s name is 256 characters long, more than the 200 kept here" in body
    assert "Review the import: OPSG 49" in body  # back on the review page
    assert record() == before


def test_an_owner_named_too_long_in_an_import_is_an_error_and_writes_nothing(world, tmp_path):
    path = long_named_sample(
        tmp_path, "To be determined | DCC |", f"To be determined | {LONG_OWNER} |"
    )
    before = record()
    with pytest.raises(CommandError) as refused:
        call_command("import_minutes", str(path), stdout=io.StringIO())
    assert "An action owner's name is 79 characters long, more than the 60 kept here" in str(
        refused.value
    )
    assert record() == before


# --- a broker that cannot be reached -------------------------------------------------------


def test_a_broker_that_cannot_be_reached_is_a_plain_sentence(
    client, world, meeting, monkeypatch, django_capture_on_commit_callbacks
):
    from kombu.exceptions import OperationalError

    from minutes.tasks import render_minutes_pdf_task

    def broker_down(*args, **kwargs):
        raise OperationalError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")

    monkeypatch.setattr(render_minutes_pdf_task, "apply_async", broker_down)
    login(client, "secretary")
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(MEETING + "pdf/").status_code == 302
    assert MinutesDocument.objects.get().state == MinutesDocument.State.FAILED
    body = client.get(MEETING + "pdf/").content.decode()
    assert "the background worker could not be reached. Try again in a minute." in body
    assert "6379" not in body and "Error 111" not in body


def test_an_item_heading_too_long_to_read_as_one_is_flagged(world):
    """A heading running past what a heading may be is not read as one: its
    item falls into the one before, which is flagged, not merged in silence."""
    heading = "Communications Hub Stock Report " + "with a very long qualifier " * 7
    text = SAMPLE_49.read_text().replace(
        "3.2. Communications Hub Stock Report", f"3.2. {heading}", 1
    )
    (flag,) = [f for f in parse(text).flags if f.kind == "missed-heading"]
    assert "it was read as text of item 3.1" in flag.message


def test_an_item_heading_too_long_to_keep_is_an_error_and_writes_nothing(world):
    """Read as a heading but longer than a title is kept: not cut to fit in
    silence, but named, and nothing written."""
    minutes = parse(SAMPLE_49.read_text())
    minutes.items[-1].title = "Communications Hub Stock Report " * 10
    before = record()
    with pytest.raises(ValidationError) as refused:
        import_minutes(parsed=minutes, source=b"x", filename="m.md")
    (message,) = refused.value.messages
    assert message.startswith(
        f"The heading of item {minutes.items[-1].number} is 320 characters long, more than the 300"
    )
    assert record() == before
