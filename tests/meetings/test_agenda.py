"""The agenda before a meeting and its papers (meetings/services.py): the
secretary drafts and publishes it, members are emailed the items they may
read, it becomes the skeleton of the minutes, papers are checked by
content and kept in versions, and the meeting pack is one PDF."""

import datetime
import io
import shutil
import subprocess

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from meetings import services
from meetings.access import (
    can_read_agenda_entry,
    visible_agenda_entries,
    visible_papers,
)
from meetings.agenda_notice import send_agenda_notice, send_pending_agenda_notices
from meetings.models import AgendaEmail, AgendaPack, Paper, PaperVersion
from meetings.pack import agenda_pack_build
from tests.base import login, make_item, make_meeting, make_named_classification
from tests.conftest import need
from tests.meetings.agenda_data import docx_bytes, pdf_bytes, upload, xlsx_bytes, zip_bomb

pytestmark = pytest.mark.django_db

D = datetime.date
AGENDA = "/committees/OPSG/meetings/26/agenda/"


@pytest.fixture(autouse=True)
def _mail(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"


@pytest.fixture(autouse=True)
def _jobs_in_process(monkeypatch):
    """The worker's two jobs run as the commit hands them over, with or
    without a broker (REDIS_URL): what is tested is the job, not the queue."""
    monkeypatch.setattr(services, "queue_agenda_notice", send_agenda_notice)
    monkeypatch.setattr(
        services,
        "queue_agenda_pack",
        lambda pack_id, task_id: agenda_pack_build(pack_id, task_id=task_id),
    )


@pytest.fixture
def meeting(world):
    return make_meeting(world, number=26, date=D(2030, 11, 5))


def add(meeting, number, title, **fields):
    return services.agenda_entry_add(meeting=meeting, number=number, title=title, **fields)


# --- drafting and publishing ------------------------------------------------------


def test_items_are_numbered_and_ordered_by_number(meeting):
    add(meeting, "10", "Any Other Business")
    add(meeting, "3.1", "Incident review")
    add(meeting, "3", "Major Incidents", purpose="decision", presenter="DCC")
    add(meeting, "1", "Previous Meeting Minutes")
    numbers = list(meeting.agenda_entries.values_list("number", flat=True))
    assert numbers == ["1", "3", "3.1", "10"]


@pytest.mark.parametrize("number", ["", "3.1.2", "x", "3."])
def test_an_item_number_must_look_like_one(meeting, number):
    if number == "3.":  # a trailing dot is forgiven, as the minutes write "3."
        assert add(meeting, number, "Fine").number == "3"
        return
    with pytest.raises(ValidationError):
        add(meeting, number, "Title")


def test_an_item_number_is_used_once(meeting):
    add(meeting, "2", "First")
    with pytest.raises(ValidationError, match="already has an item 2"):
        add(meeting, "2", "Second")


def test_publishing_emails_each_reader_the_items_they_may_read(
    world, meeting, django_capture_on_commit_callbacks
):
    red = make_named_classification(world.chair)  # the chair only (and the secretary)
    add(meeting, "1", "Previous Meeting Minutes")
    add(meeting, "2", "Tariffs redtitle", classification=red)
    with django_capture_on_commit_callbacks(execute=True):
        services.agenda_publish(meeting=meeting, by=world.secretary.user)
    sent = {m.to[0]: m for m in mail.outbox}
    assert set(sent) == {"secretary@example.org", "chair@example.org", "member@example.org"}
    assert "redtitle" not in sent["member@example.org"].body
    assert "redtitle" not in sent["member@example.org"].alternatives[0][0]
    assert "Previous Meeting Minutes" in sent["member@example.org"].body
    assert "redtitle" in sent["chair@example.org"].body
    # Claimed before sending: a second run sends nothing.
    assert AgendaEmail.objects.filter(state="sent").count() == 3
    report = send_agenda_notice(meeting.pk)
    assert report.sent == [] and len(report.skipped) == 3
    assert len(mail.outbox) == 3


def test_emails_the_queue_never_took_are_swept_once(world, meeting):
    """Published while the broker was down (the on-commit hand-over never
    ran): the rows are claimed in the publication's transaction, and beat's
    sweep sends them, after a grace period, once."""
    add(meeting, "1", "Previous Meeting Minutes")
    services.agenda_publish(meeting=meeting, by=world.secretary.user)
    assert AgendaEmail.objects.filter(state="claimed").count() == 3 and not mail.outbox
    assert send_pending_agenda_notices() == []  # not yet: the task may still come
    later = timezone.now() + datetime.timedelta(minutes=6)
    (report,) = send_pending_agenda_notices(now=later)
    assert len(report.sent) == 3 and len(mail.outbox) == 3
    assert send_pending_agenda_notices(now=later) == []
    call_command("send_agenda_notice", "--pending", stdout=io.StringIO())
    assert len(mail.outbox) == 3


def test_an_empty_agenda_is_not_published(world, meeting):
    with pytest.raises(ValidationError, match="at least one item"):
        services.agenda_publish(meeting=meeting, by=world.secretary.user)


def test_members_read_the_agenda_only_once_published(world, meeting):
    entry = add(meeting, "1", "Minutes")
    member, secretary = world.member.user, world.secretary.user
    assert can_read_agenda_entry(secretary, entry)
    assert not can_read_agenda_entry(member, entry)
    services.agenda_publish(meeting=meeting, by=secretary)
    assert can_read_agenda_entry(member, entry)
    assert not can_read_agenda_entry(world.outsider.user, entry)


def test_the_single_check_and_the_queryset_agree(world, meeting, observer, staff):
    red = make_named_classification(world.chair)
    entries = [
        add(meeting, "1", "Open"),
        add(meeting, "2", "In confidence", confidential=True),
        add(meeting, "3", "Red", classification=red),
        add(meeting, "4", "Amber", classification=world.amber),
    ]
    services.agenda_publish(meeting=meeting, by=world.secretary.user)
    people = [world.secretary, world.chair, world.member, world.owner, world.outsider]
    users = [p.user for p in people] + [observer, staff]
    from django.contrib.auth.models import AnonymousUser

    for user in [*users, AnonymousUser()]:
        listed = set(visible_agenda_entries(user).values_list("pk", flat=True))
        one_by_one = {e.pk for e in entries if can_read_agenda_entry(user, e)}
        assert listed == one_by_one, user
    assert {e.number for e in entries if can_read_agenda_entry(world.member.user, e)} == {
        "1",
        "2",
        "4",
    }


# --- the skeleton of the minutes ---------------------------------------------------------


def test_the_agenda_becomes_the_skeleton_of_minutes_with_no_items(world, meeting):
    add(meeting, "1", "Previous Meeting Minutes")
    add(meeting, "2", "Security", confidential=True, classification=world.amber)
    add(meeting, "2.1", "Penetration test")
    services.agenda_publish(meeting=meeting, by=world.secretary.user)
    items = list(meeting.items.order_by("order"))
    assert [(i.number, i.title) for i in items] == [
        ("1", "Previous Meeting Minutes"),
        ("2", "Security"),
        ("2.1", "Penetration test"),
    ]
    assert items[1].confidential and items[1].classification == world.amber


def test_starting_the_minutes_never_overwrites_an_item(world, meeting):
    kept = make_item(meeting, "1", "Minutes of OPSG 25", narrative="Agreed as a true record.")
    make_item(meeting, "3", "Any Other Business")
    add(meeting, "1", "Previous Meeting Minutes")
    add(meeting, "2", "Major Incidents")
    services.agenda_publish(meeting=meeting, by=world.secretary.user)
    assert meeting.items.count() == 2  # it had items: publishing left them alone
    made = services.agenda_to_minutes(meeting=meeting)
    assert [i.number for i in made] == ["2"]
    kept.refresh_from_db()
    assert kept.title == "Minutes of OPSG 25" and kept.narrative == "Agreed as a true record."
    numbers = list(meeting.items.order_by("order").values_list("number", flat=True))
    assert numbers == ["1", "2", "3"]
    assert services.agenda_to_minutes(meeting=meeting) == []  # again: nothing new


# --- papers -----------------------------------------------------------------------------


def test_papers_are_kept_in_versions(world, meeting):
    entry = add(meeting, "2", "Tariffs")
    paper = services.paper_add(
        entry=entry, upload=upload("tariffs.pdf", pdf_bytes("v1")), by=world.secretary.user
    )
    services.paper_replace(
        paper=paper, upload=upload("tariffs-v2.docx", docx_bytes()), by=world.secretary.user
    )
    versions = list(paper.versions.order_by("number"))
    assert [(v.number, v.kind, v.name) for v in versions] == [
        (1, "pdf", "tariffs.pdf"),
        (2, "docx", "tariffs-v2.docx"),
    ]
    assert versions[0].file.read().startswith(b"%PDF-")  # the old version is still there
    assert paper.title == "tariffs.pdf"


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("minutes.pdf", b"<html>not a pdf</html>", "not a PDF, Word"),
        ("report.docx", b"PK\x03\x04 not really a zip", "damaged"),
        ("sheet.xlsx", zip_bomb(), "would unpack"),
        ("empty.pdf", b"", "empty"),
    ],
)
def test_an_upload_is_judged_by_its_content(world, meeting, name, content, message):
    entry = add(meeting, "2", "Tariffs")
    with pytest.raises(ValidationError, match=message):
        services.paper_add(entry=entry, upload=upload(name, content), by=world.secretary.user)
    assert not Paper.objects.exists() and not PaperVersion.objects.exists()


def test_a_renamed_file_is_taken_for_what_it_is(world, meeting):
    entry = add(meeting, "2", "Tariffs")
    paper = services.paper_add(
        entry=entry, upload=upload("costs.pdf", xlsx_bytes()), by=world.secretary.user
    )
    assert paper.versions.get().kind == "xlsx"


def test_a_zip_that_is_no_office_file_is_refused(world, meeting):
    out = io.BytesIO()
    import zipfile

    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types></Types>")
    entry = add(meeting, "2", "Tariffs")
    with pytest.raises(ValidationError, match="not a PDF, Word"):
        services.paper_add(
            entry=entry, upload=upload("x.docx", out.getvalue()), by=world.secretary.user
        )


def test_a_too_large_file_is_refused_unread(world, meeting, settings):
    entry = add(meeting, "2", "Tariffs")
    big = upload("big.pdf", b"%PDF-1.7\n" + b"0" * 64)
    big.size = 21 * 1024 * 1024
    with pytest.raises(ValidationError, match="at most 20 MB"):
        services.paper_add(entry=entry, upload=big, by=world.secretary.user)


def test_an_item_has_at_most_ten_papers(world, meeting):
    entry = add(meeting, "2", "Tariffs")
    content = pdf_bytes()
    for n in range(10):
        services.paper_add(
            entry=entry, upload=upload(f"p{n}.pdf", content), by=world.secretary.user
        )
    with pytest.raises(ValidationError, match="10 papers already"):
        services.paper_add(entry=entry, upload=upload("p11.pdf", content), by=world.secretary.user)
    assert entry.papers.count() == 10


def test_nothing_half_written_remains_when_the_row_fails(world, meeting, settings, monkeypatch):
    from pathlib import Path

    entry = add(meeting, "2", "Tariffs")

    def broken(*args, **kwargs):
        raise RuntimeError("the database went away")

    monkeypatch.setattr(services, "_agenda_changed", broken)
    with pytest.raises(RuntimeError):
        services.paper_add(entry=entry, upload=upload("a.pdf", pdf_bytes()), by=None)
    assert not Paper.objects.exists()
    stored = Path(settings.MEDIA_ROOT) / "papers"
    assert not stored.exists() or not any(stored.iterdir())


def test_a_paper_is_read_exactly_when_its_item_is(world, meeting):
    red = make_named_classification(world.chair)
    open_item = add(meeting, "1", "Open")
    red_item = add(meeting, "2", "Red", classification=red)
    for entry in (open_item, red_item):
        services.paper_add(entry=entry, upload=upload("a.pdf", pdf_bytes()), by=None)
    services.agenda_publish(meeting=meeting, by=world.secretary.user)
    for person in (world.secretary, world.chair, world.member, world.outsider):
        user = person.user
        papers = {p.entry_id for p in visible_papers(user)}
        items = {e.pk for e in (open_item, red_item) if can_read_agenda_entry(user, e)}
        assert papers == items, person


# --- the meeting pack ---------------------------------------------------------------------


def _text(path, page=None) -> str:
    args = ["pdftotext", "-layout"]
    if page:
        args += ["-f", str(page), "-l", str(page)]
    return subprocess.run(
        [*args, str(path), "-"], capture_output=True, text=True, check=True
    ).stdout


def test_the_pack_is_one_pdf_with_numbers_banner_and_bookmarks(
    world, meeting, django_capture_on_commit_callbacks
):
    need(shutil.which("pdftotext") is not None, "pdftotext (apt-get install poppler-utils)")
    from pypdf import PdfReader

    red = make_named_classification(world.chair)
    first = add(meeting, "1", "Previous Meeting Minutes")
    second = add(meeting, "2", "Tariffs", purpose="decision", presenter="SECAS")
    hidden = add(meeting, "3", "Security redtitle", classification=red)
    services.paper_add(entry=first, upload=upload("minutes.pdf", pdf_bytes("Minutes", 2)), by=None)
    services.paper_add(
        entry=second, upload=upload("tariffs.pdf", pdf_bytes("Tariffs", 3, landscape=True)), by=None
    )
    services.paper_add(entry=second, upload=upload("costs.xlsx", xlsx_bytes()), by=None)
    services.paper_add(entry=hidden, upload=upload("redpaper.pdf", pdf_bytes("Red")), by=None)
    with django_capture_on_commit_callbacks(execute=True):
        services.agenda_publish(meeting=meeting, by=world.secretary.user)
    meeting.agenda.refresh_from_db()
    pack = AgendaPack.objects.get(agenda__meeting=meeting, agenda_version=meeting.agenda.version)
    assert pack.state == "done", pack.error
    path = pack.file.path
    # The agenda (1 page), 2 + 3 pages of PDF papers, 1 page for the spreadsheet.
    assert pack.pages == 7
    reader = PdfReader(path)
    assert len(reader.pages) == 7
    for n in range(1, 8):
        text = _text(path, n)
        assert f"Page {n} of 7" in text, (n, text)
        assert "Classification: White" in text, (n, text)
    whole = _text(path)
    assert "supplied separately" in whole and "costs.xlsx" in whole
    assert "redtitle" not in whole and "Red page" not in whole
    outline = [(item.title, reader.get_destination_page_number(item)) for item in reader.outline]
    assert outline == [
        ("Agenda", 0),
        ("1 minutes.pdf", 1),
        ("2 tariffs.pdf", 3),
        ("2 costs.xlsx", 6),
    ]


def test_a_change_to_a_paper_makes_the_pack_stale_and_rebuilds_it(
    world, meeting, django_capture_on_commit_callbacks
):
    entry = add(meeting, "1", "Minutes")
    paper = services.paper_add(entry=entry, upload=upload("a.pdf", pdf_bytes("one")), by=None)
    with django_capture_on_commit_callbacks(execute=True):
        services.agenda_publish(meeting=meeting, by=world.secretary.user)
    first = AgendaPack.objects.get()
    assert first.state == "done" and first.pages == 2
    with django_capture_on_commit_callbacks(execute=True):
        services.paper_replace(paper=paper, upload=upload("b.pdf", pdf_bytes("two", 2)), by=None)
    meeting.agenda.refresh_from_db()
    latest = AgendaPack.objects.order_by("-id").first()
    assert latest.pk != first.pk and latest.agenda_version == meeting.agenda.version
    assert latest.state == "done" and latest.pages == 3


def test_the_build_is_claimed_once(world, meeting):
    add(meeting, "1", "Minutes")
    services.agenda_publish(meeting=meeting, by=world.secretary.user)
    pack = services.agenda_pack_request(agenda=meeting.agenda, enqueue=False)
    assert agenda_pack_build(pack.pk).state == "done"
    again = agenda_pack_build(pack.pk)
    assert again.state == "done" and again.attempts == 1


def test_the_management_command_builds_the_pack(world, meeting):
    from django.core.management import call_command

    add(meeting, "1", "Minutes")
    services.agenda_publish(meeting=meeting, by=world.secretary.user)
    out = io.StringIO()
    call_command("build_agenda_pack", "OPSG", "26", stdout=out)
    assert "done" in out.getvalue()
    assert AgendaPack.objects.filter(state="done").exists()


# --- the pages -------------------------------------------------------------------------------


def test_a_member_reaches_the_agenda_from_the_home_page_in_one_click(world, meeting):
    add(meeting, "1", "Previous Meeting Minutes")
    client = login(Client(), "member")
    assert "No agenda has been published" in client.get("/").content.decode()
    services.agenda_publish(meeting=meeting, by=world.secretary.user)
    home = client.get("/").content.decode()
    assert f'href="{AGENDA}"' in home
    page = client.get(AGENDA).content.decode()
    assert "Previous Meeting Minutes" in page


def test_the_secretary_uploads_and_a_member_downloads_a_paper(world, meeting):
    secretary = login(Client(), "secretary")
    response = secretary.post(
        AGENDA + "items/add/",
        {
            "new-number": "2",
            "new-title": "Tariffs",
            "new-purpose": "decision",
            "new-presenter": "SECAS",
        },
    )
    assert response.status_code == 302
    entry = meeting.agenda_entries.get()
    content = pdf_bytes("Tariffs")
    response = secretary.post(
        AGENDA + f"items/{entry.pk}/papers/", {f"p{entry.pk}-file": upload("tariffs.pdf", content)}
    )
    assert response.status_code == 302
    paper = entry.papers.get()
    url = AGENDA + f"papers/{paper.pk}/1/"
    member = login(Client(), "member")
    assert member.get(url).status_code == 404  # not yet published
    secretary.post(AGENDA + "publish/")
    response = member.get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == content
    assert 'filename="tariffs.pdf"' in response["Content-Disposition"]
    assert login(Client(), "outsider").get(url).status_code == 404


def test_a_refused_upload_says_why_on_the_form(world, meeting):
    secretary = login(Client(), "secretary")
    entry = add(meeting, "2", "Tariffs")
    response = secretary.post(
        AGENDA + f"items/{entry.pk}/papers/",
        {f"p{entry.pk}-file": upload("fake.pdf", b"MZ\x90\x00 an executable")},
    )
    assert response.status_code == 422
    body = response.content.decode()
    assert "fake.pdf is not a PDF, Word (.docx) or Excel (.xlsx) file" in body
    assert not Paper.objects.exists()


def test_the_page_counts_the_same_queries_for_3_and_300_items(world, meeting):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from meetings.models import AgendaEntry

    def queries(count):
        AgendaEntry.objects.filter(meeting=meeting).delete()
        entries = AgendaEntry.objects.bulk_create(
            [
                AgendaEntry(meeting=meeting, number=str(n), title=f"Item {n}", sort_key=f"{n:04d}")
                for n in range(1, count + 1)
            ]
        )
        for entry in entries[:3]:
            services.paper_add(entry=entry, upload=upload("a.pdf", PDF), by=None)
        client = login(Client(), "member")
        with CaptureQueriesContext(connection) as captured:
            response = client.get(AGENDA)
        assert response.status_code == 200
        assert f"Item {count}" in response.content.decode()
        return [q["sql"] for q in captured.captured_queries if "SAVEPOINT" not in q["sql"]]

    PDF = pdf_bytes()
    add(meeting, "99", "Placeholder")
    services.agenda_publish(meeting=meeting, by=world.secretary.user)
    small, large = queries(3), queries(300)
    # The session and user; the meeting with its agenda (access); the roles
    # the page asks about; the items, their papers and their versions; the
    # pack's latest request and latest build.
    assert len(small) == len(large) <= AGENDA_QUERIES, "\n".join(large)


AGENDA_QUERIES = 12


def test_an_item_the_reader_may_not_read_is_named_by_number_only(world, meeting):
    add(meeting, "1", "Previous Meeting Minutes")
    add(
        meeting,
        "2",
        "Tariffs canarynamedtitle",
        classification=make_named_classification(world.chair),
    )
    services.agenda_publish(meeting=meeting, by=world.secretary.user)
    body = login(Client(), "member").get(AGENDA).content.decode()
    assert "Also on the agenda, for a narrower audience: item 2." in body
    assert "canarynamedtitle" not in body
    chair = login(Client(), "chair").get(AGENDA).content.decode()
    assert "canarynamedtitle" in chair and "narrower audience: item" not in chair
