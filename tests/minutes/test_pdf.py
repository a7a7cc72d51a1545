"""The minutes as PDF: what the document says (read back with poppler's
pdftotext, as a reader's copy-and-paste would), when it is rendered again and
when not, what a failed render leaves, who may do what, and one path through
a real Celery worker when REDIS_URL is set."""

import datetime
import hashlib
import io
import re
import shutil
import subprocess
from pathlib import Path

import pytest
import time_machine
import weasyprint
from celery.contrib.testing.worker import start_worker
from django.conf import settings as django_settings
from django.contrib.auth import get_user_model
from django.core.management import call_command
from pypdf import PdfReader

from actions.models import Action, ActionReview
from meetings.models import AgendaItem, Classification, Meeting, MinutesDocument
from minutes import pdf
from minutes.rendering import render_minutes_pdf
from minutes.services import (
    item_update,
    minutes_approve,
    minutes_pdf_request,
    minutes_publish,
    minutes_revise,
)
from opsg.celery import app
from tests.base import PASSWORD, login
from tests.conftest import need

pytestmark = pytest.mark.django_db

MINUTES = "/committees/OPSG/meetings/25/"
PDF_URL = MINUTES + "minutes.pdf"
STATUS_URL = MINUTES + "pdf/"
State = MinutesDocument.State


@pytest.fixture
def media(settings, tmp_path) -> Path:
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def demo(settings, media):
    settings.DEMO_MODE = True
    settings.DEMO_PASSWORD = PASSWORD
    call_command("load_demo", verbosity=0)
    return Meeting.objects.select_related("committee").get(committee__code="OPSG", number=25)


def users():
    User = get_user_model()
    return {u.username: u for u in User.objects.filter(username__in=["secretary", "chair"])}


def publish(meeting):
    chair = users()["chair"]
    minutes_approve(meeting=meeting, at_meeting=None, by=chair)
    return minutes_publish(meeting=meeting, by=chair)


def stored_files(media) -> list[Path]:
    """Every file under media/minutes, temporary ones included."""
    root = media / "minutes"
    return sorted(p for p in root.rglob("*") if p.is_file()) if root.exists() else []


def pdf_pages(path, *args) -> list[str]:
    """The text of each page (pdftotext separates pages with a form feed)."""
    need(
        shutil.which("pdftotext") is not None,
        "pdftotext not installed (apt-get install poppler-utils)",
    )
    out = subprocess.run(
        ["pdftotext", *args, str(path), "-"], capture_output=True, text=True, check=True
    ).stdout
    return out.split("\f")[:-1]


def bookmarks(outline) -> list[str]:
    """The titles of a PDF's outline, nested ones in their place."""
    return [
        title
        for entry in outline
        for title in (bookmarks(entry) if isinstance(entry, list) else [entry.title])
    ]


def flat(text: str) -> str:
    return " ".join(text.split())


def render(meeting) -> MinutesDocument:
    """What the worker does for one press of Export PDF, in this process."""
    document = minutes_pdf_request(meeting=meeting, by=None, enqueue=False)
    if document.state != State.DONE:
        document = render_minutes_pdf(document.pk)
    assert document.state == State.DONE, document.error
    return document


def work_off_queue() -> None:
    """Be the worker: with REDIS_URL set the task went to Redis and no worker
    runs in these tests; in-process it has run already and this does nothing."""
    for pk in MinutesDocument.objects.filter(state=State.PENDING).values_list("pk", flat=True):
        render_minutes_pdf(pk)


def has_draft_mark(raw_page: str) -> bool:
    # The mark is drawn on a slant, so pdftotext -raw gives it one letter a line.
    return "\nD\nR\nA\nF\nT\n" in f"\n{raw_page}\n"


# --- what the document says ---------------------------------------------------------


def test_the_demo_pdf_reads_like_the_minutes(demo, media, tmp_path):
    out = tmp_path / "OPSG_25.pdf"
    said = io.StringIO()
    call_command("render_minutes", "OPSG", "25", "-o", str(out), stdout=said)
    assert "OPSG_25_Minutes_draft.pdf" in said.getvalue()
    assert out.read_bytes().startswith(b"%PDF-")

    pages = pdf_pages(out, "-layout")
    n = len(pages)
    assert n >= 5
    for number, page in enumerate(pages, start=1):
        assert f"Page {number} of {n}" in page, f"page {number} has no 'Page {number} of {n}'"
        head = page.strip().splitlines()[0]
        assert "OPSG_25_0110" in head and "Draft Minutes" in head, head
        assert "Classification of White" in head, head

    # The statement is in every page's footer (read without -layout, so its
    # lines are not interleaved with the page number).
    statement = flat(demo.classification.statement)
    for number, page in enumerate(pdf_pages(out), start=1):
        assert statement in flat(page), f"page {number} lacks the classification statement"

    text = flat(" ".join(pages))
    raised = [f"OPSG 25/{n:02d}" for n in range(1, 19)]
    assert Action.objects.filter(meeting=demo).count() == len(raised)
    for reference in raised:
        assert f"ACTION {reference}:" in text, reference
    reviewed = ActionReview.objects.filter(meeting=demo).select_related("action")
    assert reviewed.count() == 10
    for review in reviewed:
        assert review.action.reference in text, review.action.reference
    for item in AgendaItem.objects.filter(meeting=demo):
        assert flat(f"{item.number}. {item.title}") in text, item.title
    assert "Veronica Asantewaa (Meeting Secretary)" in text
    assert "Next meeting: 5 November 2019" in text
    # Each action raised with its owners and target, and the table of them at the end.
    first = Action.objects.get(reference="OPSG 25/01")
    owners = "/".join(first.owner_names())
    assert f"Owner: {owners}; target: {first.target_date:%d/%m/%Y}." in text
    table = text[text.index("Actions raised at this meeting") :]
    assert [reference for reference in raised if reference not in table] == []
    # The page's own furniture is not printed.
    assert "Minutes as JSON" not in text and "Export PDF" not in text

    # Not yet approved: the mark is on every page.
    raw = pdf_pages(out, "-raw")
    assert all(has_draft_mark(page) for page in raw)


def test_published_minutes_say_final_and_have_no_draft_mark(demo, media):
    publish(demo)
    document = render(Meeting.objects.get(pk=demo.pk))
    assert document.minutes_status == Meeting.Status.PUBLISHED
    assert document.download_name == "OPSG_25_Minutes_v1.0.pdf"
    path = Path(document.file.path)
    pages = pdf_pages(path, "-layout")
    heads = [page.strip().splitlines()[0] for page in pages]
    assert all("Final Minutes" in head and "Draft" not in head for head in heads), heads
    assert not any(has_draft_mark(page) for page in pdf_pages(path, "-raw"))
    assert hashlib.sha256(path.read_bytes()).hexdigest() == document.sha256


def test_nothing_is_fetched_from_the_network():
    fetcher = pdf._fetcher()
    for url in ["http://example.org/x.png", "https://example.org/font.ttf", "file:///etc/passwd"]:
        with pytest.raises(ValueError, match="Not fetched"):
            fetcher.fetch(url)
    font = (pdf.static_dir() / "fonts" / "DejaVuSans.ttf").as_uri()
    assert fetcher.fetch(font).status in (None, 200)


# --- rendered again only when the minutes change ---------------------------------------


def test_unchanged_minutes_are_served_from_the_stored_file(
    client, demo, media, django_capture_on_commit_callbacks
):
    login(client, "chair")
    with django_capture_on_commit_callbacks(execute=True) as queued:
        response = client.post(STATUS_URL)
    assert response.status_code == 302 and response["Location"] == STATUS_URL
    assert len(queued) == 1
    work_off_queue()
    document = MinutesDocument.objects.get()
    assert document.state == State.DONE
    assert (document.minutes_version, document.minutes_status) == (demo.version, demo.status)
    assert document.requested_by.username == "chair"

    page = client.get(STATUS_URL).content.decode()
    assert "The PDF is ready." in page and "Download OPSG_25_Minutes_draft.pdf" in page
    assert "data-hx-trigger" not in page

    response = client.get(PDF_URL)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == ('attachment; filename="OPSG_25_Minutes_draft.pdf"')
    body = b"".join(response.streaming_content)
    assert hashlib.sha256(body).hexdigest() == document.sha256
    files = stored_files(media)
    assert files == [Path(document.file.path)]
    mtime = files[0].stat().st_mtime_ns

    # Pressing Export PDF again renders nothing: the same document, the same file.
    with django_capture_on_commit_callbacks(execute=True) as queued:
        client.post(STATUS_URL)
    assert queued == []
    assert MinutesDocument.objects.get() == document
    assert stored_files(media) == files and files[0].stat().st_mtime_ns == mtime


def test_an_edit_to_an_item_makes_a_new_pdf_and_keeps_the_old_one(client, demo, media):
    # Meeting.version moves only with the meeting's own fields: an item's text
    # changing must still count as the minutes changing.
    first = render(demo)
    item = AgendaItem.objects.get(meeting=demo, number="20")
    item_update(item=item, expected_version=item.version, title="Any Other Business")
    assert Meeting.objects.get(pk=demo.pk).version == first.minutes_version

    login(client, "secretary")
    response = client.get(PDF_URL)
    assert response.status_code == 302 and response["Location"] == STATUS_URL
    page = client.get(STATUS_URL).content.decode()
    assert "The minutes have changed since the last PDF was made" in page
    assert "Export PDF" in page

    second = render(demo)
    assert second.pk != first.pk and second.sha256 != first.sha256
    assert "20. Any Other Business" in flat(" ".join(pdf_pages(second.file.path)))
    assert sorted(stored_files(media)) == sorted([Path(first.file.path), Path(second.file.path)])


def test_rendering_twice_does_nothing_the_second_time(demo, media):
    document = minutes_pdf_request(meeting=demo, by=None, enqueue=False)
    done = render_minutes_pdf(document.pk)
    again = render_minutes_pdf(document.pk)
    assert (again.state, again.file.name, again.rendered_at) == (
        State.DONE,
        done.file.name,
        done.rendered_at,
    )
    assert len(stored_files(media)) == 1
    assert render_minutes_pdf(document.pk + 1000) is None


def test_a_render_abandoned_by_its_worker_is_claimed_again_later(demo, media):
    document = minutes_pdf_request(meeting=demo, by=None, enqueue=False)
    # A worker claimed it and died.
    MinutesDocument.objects.filter(pk=document.pk).update(
        state=State.RENDERING, started_at=document.requested_at
    )
    assert render_minutes_pdf(document.pk).state == State.RENDERING
    assert stored_files(media) == []
    with time_machine.travel(document.requested_at + datetime.timedelta(minutes=11)):
        assert MinutesDocument.objects.get(pk=document.pk).is_stuck
        assert render_minutes_pdf(document.pk).state == State.DONE


def test_published_minutes_are_issued_once_and_never_rendered_again(client, demo, media):
    publish(demo)
    meeting = Meeting.objects.get(pk=demo.pk)
    issued = render(meeting)
    path, checksum = Path(issued.file.path), issued.sha256

    # The classification's wording changes later: the issued PDF stays as it was.
    Classification.objects.filter(pk=meeting.classification_id).update(statement="Reworded.")
    meeting = Meeting.objects.get(pk=demo.pk)
    assert minutes_pdf_request(meeting=meeting, by=None, enqueue=False) == issued
    login(client, "member")
    response = client.get(PDF_URL)
    assert response.status_code == 200
    assert hashlib.sha256(b"".join(response.streaming_content)).hexdigest() == checksum

    # Even a render asked for some other way is refused.
    stray = MinutesDocument.objects.create(
        meeting=meeting,
        minutes_version=meeting.version,
        minutes_status=meeting.status,
        source_sha256="0" * 64,
        requested_at=issued.requested_at,
    )
    stray = render_minutes_pdf(stray.pk)
    assert stray.state == State.FAILED and "already issued" in stray.error
    assert stored_files(media) == [path]
    assert hashlib.sha256(path.read_bytes()).hexdigest() == checksum

    # A correction is a new version of the minutes, so a new document; the old file stays.
    minutes_revise(meeting=meeting, reason="Typo in item 4.", by=users()["chair"])
    revised = render(Meeting.objects.get(pk=demo.pk))
    assert revised.minutes_version > issued.minutes_version
    assert revised.minutes_status == Meeting.Status.DRAFT
    assert sorted(stored_files(media)) == sorted([path, Path(revised.file.path)])


# --- a render that fails ---------------------------------------------------------------


def test_a_failed_render_leaves_no_file_says_so_and_can_be_retried(
    client, demo, media, monkeypatch, django_capture_on_commit_callbacks
):
    real_write_pdf = weasyprint.Document.write_pdf

    def disk_full(self, target=None, **options):
        target.write(b"%PDF-1.7\n% half a document")
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(weasyprint.Document, "write_pdf", disk_full)
    login(client, "chair")
    with django_capture_on_commit_callbacks(execute=True):
        client.post(STATUS_URL)
    work_off_queue()
    document = MinutesDocument.objects.get()
    assert document.state == State.FAILED
    assert "No space left on device" in document.error
    assert document.file.name == "" and document.sha256 == ""
    assert stored_files(media) == []

    assert client.get(PDF_URL)["Location"] == STATUS_URL
    page = client.get(STATUS_URL).content.decode()
    assert "The PDF could not be made" in page and "No space left on device" in page
    assert ">Retry</button>" in page

    monkeypatch.setattr(weasyprint.Document, "write_pdf", real_write_pdf)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(STATUS_URL)
    work_off_queue()
    retried = MinutesDocument.objects.exclude(pk=document.pk).get()
    assert retried.state == State.DONE
    assert client.get(PDF_URL).status_code == 200
    assert MinutesDocument.objects.get(pk=document.pk).state == State.FAILED  # kept as a record


def test_a_render_that_cannot_be_queued_says_so(
    client, demo, media, monkeypatch, django_capture_on_commit_callbacks
):
    from kombu.exceptions import OperationalError

    from minutes.tasks import render_minutes_pdf_task

    def broker_down(*args, **kwargs):
        raise OperationalError("Error 111 connecting to redis:6379. Connection refused.")

    monkeypatch.setattr(render_minutes_pdf_task, "apply_async", broker_down)
    login(client, "secretary")
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(STATUS_URL).status_code == 302
    document = MinutesDocument.objects.get()
    assert document.state == State.FAILED and "could not be queued" in document.error
    page = client.get(STATUS_URL).content.decode()
    assert "background worker could not be reached" in page and ">Retry</button>" in page
    assert "Connection refused" not in page and "6379" not in page


# --- the PDF page while rendering --------------------------------------------------------


def test_the_pdf_page_polls_while_a_render_is_under_way(client, demo, media):
    document = minutes_pdf_request(meeting=demo, by=users()["chair"], enqueue=False)
    login(client, "member")
    page = client.get(STATUS_URL).content.decode()
    assert "Rendering… this page updates itself." in page
    assert 'data-hx-get="/committees/OPSG/meetings/25/pdf/"' in page
    assert 'data-hx-trigger="every 1s"' in page
    assert " hx-" not in page  # the HTML checker refuses bare hx-* attributes
    assert client.get(PDF_URL)["Location"] == STATUS_URL

    render_minutes_pdf(document.pk)
    partial = client.get(STATUS_URL, headers={"HX-Request": "true"}).content.decode()
    assert partial.lstrip().startswith('<div id="pdf-progress">')
    assert "<html" not in partial and "Download OPSG_25_Minutes_draft.pdf" in partial
    assert "data-hx-trigger" not in partial  # polling stops


def test_a_render_that_never_finished_is_offered_again(client, demo, media):
    document = minutes_pdf_request(meeting=demo, by=None, enqueue=False)
    login(client, "chair")
    with time_machine.travel(document.requested_at + datetime.timedelta(minutes=11)):
        page = client.get(STATUS_URL).content.decode()
        assert "the render did not finish" in page and ">Retry</button>" in page
        again = minutes_pdf_request(meeting=demo, by=None, enqueue=False)
    assert again.pk == document.pk and again.state == State.PENDING and not again.is_stuck


# --- who may -------------------------------------------------------------------------


def test_anonymous_users_are_sent_to_log_in(client, demo):
    for url in (PDF_URL, STATUS_URL):
        response = client.get(url)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    response = client.post(STATUS_URL)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    assert not MinutesDocument.objects.exists()


def test_outsiders_do_not_learn_the_meeting_exists(client, demo):
    get_user_model().objects.create_user(username="outsider", password=PASSWORD)
    login(client, "outsider")
    assert client.get(PDF_URL).status_code == 404
    assert client.get(STATUS_URL).status_code == 404
    assert client.post(STATUS_URL).status_code == 404


def test_members_download_but_may_not_ask_for_a_render(client, demo, media):
    render(demo)
    login(client, "member")
    page = client.get(STATUS_URL).content.decode()
    assert "Download OPSG_25_Minutes_draft.pdf" in page and "Export PDF" not in page
    assert client.get(PDF_URL).status_code == 200
    assert client.post(STATUS_URL).status_code == 403
    assert MinutesDocument.objects.count() == 1
    minutes = client.get(MINUTES).content.decode()
    assert "Export PDF" not in minutes and f'href="{PDF_URL}"' in minutes


def test_the_chair_and_the_secretary_see_export_pdf_on_the_minutes(client, demo):
    for username in ("chair", "secretary"):
        login(client, username)
        page = client.get(MINUTES).content.decode()
        assert f'<form method="post" action="{STATUS_URL}">' in page
        assert ">Export PDF</button>" in page
        assert 'href="/static/css/print.css" media="print"' in page


def test_methods(client, demo):
    login(client, "chair")
    assert client.post(PDF_URL).status_code == 405
    assert client.put(STATUS_URL).status_code == 405


# --- through the configured transport ------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_export_pdf_renders_through_the_configured_transport(client, demo, media):
    """With REDIS_URL a real worker takes the task from Redis; without it the
    task runs in-process (as in tests/test_celery.py)."""
    from celery.result import AsyncResult

    login(client, "chair")
    if django_settings.REDIS_URL:
        assert not app.conf.task_always_eager
        app.control.purge()  # messages left by an earlier, interrupted run
        with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=10):
            client.post(STATUS_URL)
            document = MinutesDocument.objects.get()
            assert AsyncResult(document.task_id, app=app).get(timeout=60) == State.DONE
    else:
        assert app.conf.task_always_eager
        client.post(STATUS_URL)
    document = MinutesDocument.objects.get()
    assert document.state == State.DONE, document.error
    response = client.get(PDF_URL)
    assert response.status_code == 200
    assert b"".join(response.streaming_content).startswith(b"%PDF-")
    text = flat(" ".join(pdf_pages(document.file.path)))
    assert re.search(r"Page 1 of \d+", text)


def test_a_stored_pdf_missing_from_disk_is_offered_again_not_a_crash(
    client, demo, media, django_capture_on_commit_callbacks
):
    login(client, "chair")
    with django_capture_on_commit_callbacks(execute=True):
        client.post(STATUS_URL)
    work_off_queue()
    Path(MinutesDocument.objects.get().file.path).unlink()
    response = client.get(PDF_URL, follow=True)
    assert response.redirect_chain[-1][0] == STATUS_URL
    assert "The stored PDF could not be found: export it again." in response.content.decode()


def test_a_failed_render_names_no_path_or_exception(
    client, demo, media, monkeypatch, django_capture_on_commit_callbacks
):
    def broken(self, target=None, **options):
        raise RuntimeError("cannot open /srv/opsg/var/media/tmp/x.pdf")

    monkeypatch.setattr(weasyprint.Document, "write_pdf", broken)
    login(client, "chair")
    with django_capture_on_commit_callbacks(execute=True):
        client.post(STATUS_URL)
    work_off_queue()
    page = client.get(STATUS_URL).content.decode()
    assert "logged for the administrators" in page
    assert "/srv/opsg" not in page and "RuntimeError" not in page


def test_a_list_that_continues_starts_from_its_number_in_print():
    """WeasyPrint ignores <ol start>, however far on the list begins."""
    from minutes.pdf import _lists_start_where_they_say

    html = (
        '<ol start="31"><li>a</li></ol><ol class="x" start="2"><li>b</li></ol><ol><li>c</li></ol>'
    )
    assert _lists_start_where_they_say(html) == (
        '<ol start="31" style="counter-reset: list-item 30"><li>a</li></ol>'
        '<ol class="x" start="2" style="counter-reset: list-item 1"><li>b</li></ol>'
        "<ol><li>c</li></ol>"
    )


# --- a worker rendering many PDFs ------------------------------------------------------


def test_the_stylesheets_kept_parsed_lay_out_the_pdf_as_the_linked_ones(demo, tmp_path):
    """render_pdf lays out with the stylesheets it keeps parsed: the same
    pages, words and fonts as WeasyPrint reading the page's own links."""
    html = pdf.minutes_source(demo).html
    linked = tmp_path / "linked.pdf"
    weasyprint.HTML(string=html, base_url=pdf._base_url(), url_fetcher=pdf._fetcher()).write_pdf(
        linked
    )
    kept = tmp_path / "kept.pdf"
    assert pdf.render_pdf(html, kept).pages == len(pdf_pages(linked))
    assert pdf_pages(kept, "-layout") == pdf_pages(linked, "-layout")
    fonts = [
        subprocess.run(["pdffonts", str(path)], capture_output=True, text=True).stdout
        for path in (kept, linked)
    ]
    assert fonts[0] == fonts[1] and "DejaVu-Sans" in fonts[0]


def test_html_linking_another_stylesheet_is_laid_out_as_it_stands(tmp_path):
    html = (
        '<html><head><link rel="stylesheet" href="/static/css/print.css"></head>'
        "<body><p>Only print.css</p></body></html>"
    )
    assert pdf.render_pdf(html, tmp_path / "one.pdf").pages == 1
    # print.css applied as linked: its page footer.
    assert flat(pdf_pages(tmp_path / "one.pdf")[0]) == "Only print.css Page 1 of 1"


def test_a_stylesheet_changed_on_disk_is_read_again(monkeypatch, tmp_path):
    static = tmp_path / "static"
    shutil.copytree(pdf.static_dir() / "css", static / "css")
    monkeypatch.setattr(pdf, "static_dir", lambda: static)
    before = pdf._stylesheets_state()
    assert pdf._parsed_stylesheets(before) is pdf._parsed_stylesheets(before)
    with open(static / "css" / "print.css", "a") as css:
        css.write("\n.added { color: red; }\n")
    after = pdf._stylesheets_state()
    assert after != before
    assert pdf._parsed_stylesheets(after) is not pdf._parsed_stylesheets(before)


def test_the_collector_thresholds_come_back_after_a_render_even_a_failed_one(tmp_path):
    import gc

    before = gc.get_threshold()
    (tmp_path / "a-file").write_text("")
    with pytest.raises(OSError):
        pdf.render_pdf("<p>x</p>", tmp_path / "a-file" / "x.pdf")
    assert gc.get_threshold() == before
    with pdf._collector_deferred():
        with pdf._collector_deferred():
            assert gc.get_threshold()[0] == pdf.RENDER_GC_THRESHOLD
        assert gc.get_threshold()[0] == pdf.RENDER_GC_THRESHOLD
    assert gc.get_threshold() == before


def test_the_user_agent_stylesheet_trimmed_prints_the_same_pdf(demo, tmp_path):
    """WeasyPrint's user-agent stylesheet without its footnote and note rules,
    and with ::marker for list items only, lays out the same PDF, byte for
    byte, as the stock one (the minutes' numbered lists included)."""
    assert pdf._user_agent_stylesheet() is not None, "not the user-agent stylesheet expected"
    html = pdf.minutes_source(demo).html
    assert "<ol" in html
    font_config, sheets = pdf._parsed_stylesheets(pdf._stylesheets_state())
    stock = weasyprint.HTML(
        string=pdf._STYLESHEET_LINK.sub("", html),
        base_url=pdf._base_url(),
        url_fetcher=pdf._fetcher(),
    ).render(stylesheets=sheets, font_config=font_config)
    trimmed = tmp_path / "trimmed.pdf"
    assert pdf.render_pdf(html, trimmed).sha256 == hashlib.sha256(stock.write_pdf()).hexdigest()


def test_a_long_meeting_prints_every_item_numbered_pages_and_bookmarks(demo, tmp_path):
    """Forty more items: each is in the text and in the outline, in order, and
    every page's footer counts it among all the pages."""
    added = [
        AgendaItem(
            meeting=demo,
            number=str(100 + n),
            title=f"Added report {n}",
            narrative=f"Narrative of the added report {n}.\n\n" + "A long paragraph. " * 40,
            order=1000 + n,
        )
        for n in range(1, 41)
    ]
    AgendaItem.objects.bulk_create(added)
    path = tmp_path / "long.pdf"
    rendered = pdf.render_pdf(pdf.minutes_source(demo).html, path)
    pages = [flat(page) for page in pdf_pages(path)]
    assert len(pages) == rendered.pages > 15
    for number, page in enumerate(pages, start=1):
        assert page.endswith(f"Page {number} of {rendered.pages}"), page[-80:]
    text = " ".join(pages)
    positions = [text.index(f"{item.number}. {item.title} ") for item in added]
    assert positions == sorted(positions)
    assert all(f"Narrative of the added report {n}." in text for n in range(1, 41))
    outline = bookmarks(PdfReader(path).outline)
    titles = [f"{item.number}. {item.title}" for item in added]
    assert [title for title in outline if title in titles] == titles


def _laid_out(html):
    font_config, sheets = pdf._parsed_stylesheets(pdf._stylesheets_state())
    return pdf._html_class()(
        string=pdf._STYLESHEET_LINK.sub("", html),
        base_url=pdf._base_url(),
        url_fetcher=pdf._fetcher(),
    ).render(stylesheets=sheets, font_config=font_config)


def test_each_page_is_let_go_once_drawn_and_the_pdf_is_the_same(demo, tmp_path):
    """Writing the PDF drops each page's boxes as soon as the page is drawn
    (so the write does not add to the layout's peak), and writes the same
    file, byte for byte, as a document that keeps them."""
    html = pdf.minutes_source(demo).html
    kept = _laid_out(html).write_pdf()
    document = _laid_out(html)
    assert pdf._released_once_drawn(document) == len(document.pages) > 5
    assert document.write_pdf() == kept
    assert [page._page_box for page in document.pages] == [None] * len(document.pages)


def _boxes(box):
    yield box
    for child in getattr(box, "children", ()):
        yield from _boxes(child)


def test_the_actions_raised_table_takes_its_set_widths_whatever_it_holds(demo):
    """The closing table is laid out by its columns' set widths (not by
    measuring every cell first, which a long meeting's table made slow): a
    long description wraps in its column rather than widening it."""
    action = Action.objects.filter(meeting=demo).order_by("sequence").first()
    action.text = "Circulate the figures. " * 12
    action.save(update_fields=["text"])
    document = _laid_out(pdf.minutes_source(demo).html)
    tables = [
        box
        for page in document.pages
        for box in _boxes(page._page_box)
        if type(box).__name__ == "TableBox" and "actions-raised" in (box.element.get("class") or "")
    ]
    assert tables
    for table in tables:
        shares = [round(width / table.width, 2) for width in table.column_widths]
        assert shares == [0.13, 0.63, 0.12, 0.12], shares
