"""Who sees what, over every URL of the app.

The URL configuration is read, so a new view that is not in the tables below
fails `test_every_url_is_in_the_tables`. The record is planted with words
that each have an audience (MARKERS): minutes of every classification and
state, an item and a whole session taken in confidence, a CONF action, an
incident reviewed only in confidence. Every page, JSON document, CSV/XLSX
export, calendar feed, PDF (read back with pdftotext) and search result is
fetched as each role of the committee, a member of another committee and an
anonymous visitor; each must answer with the expected status and hold no
word its reader may not see. Every POST view refuses a request without its
CSRF token and refuses the roles that only read, changing nothing.
"""

import datetime
import io
import shutil
import subprocess
from urllib.parse import parse_qs, urlsplit

import docx
import pytest
from django.core.files.base import ContentFile
from django.test import Client
from django.urls import URLResolver, get_resolver
from django.utils import timezone
from openpyxl import load_workbook

from actions.models import Action, FeedToken
from declarations.models import Declaration
from imports import pending
from imports.models import ImportedDocument, PendingImport
from imports.reading import read_pending_import
from incidents.models import Incident, IncidentReview
from meetings import services as meeting_services
from meetings.access import EVERYTHING
from meetings.models import (
    AgendaEntry,
    AgendaPack,
    Attendance,
    Classification,
    CommitteeRole,
    Decision,
    Meeting,
    MinutesRevision,
    Modification,
    PaperVersion,
)
from meetings.pack import agenda_pack_build
from meetings.services import attendance_add
from minutes.models import Comment, CommentPolicy
from minutes.rendering import render_minutes_pdf
from minutes.selectors import minutes_document
from minutes.services import minutes_pdf_request
from opsg.signin import is_public
from tests.actions.log_data import tabasc_meeting
from tests.base import login, make_action, make_item, make_meeting, make_person

pytestmark = pytest.mark.django_db

D = datetime.date
ROLES = ("anonymous", "secretary", "chair", "member", "observer", "outsider")
SIGNED_IN = ROLES[1:]
OPSG = ("secretary", "chair", "member", "observer")
INNER = ("secretary", "chair", "member")  # read what was taken in confidence
WRITERS = ("secretary", "chair")
SECRETARY = ("secretary",)
CHAIR = ("chair",)

# A word shared by every planted text, to search for; and the words that
# must reach only their audience.
SHARED = "zuluword"
MARKERS = {
    "alphapublic": ROLES,  # published minutes, White as in 2019: anyone
    "bravoparties": SIGNED_IN,  # published, White as in 2021: every registered party
    "charliecommittee": OPSG,  # published, for the committee's members only
    "deltanamed": INNER,  # published, for named people: the member (and the writers)
    "echocirculated": INNER,  # a circulated draft: members
    "foxtrotdraft": WRITERS,  # a draft
    "golfconfitem": INNER,  # an item taken in confidence, in public minutes
    "hotelconftitle": INNER,  # its title
    "indiaconfsession": INNER,  # an item of a confidential session
    "julietconfaction": INNER,  # the CONF action raised in that session
    "kiloconfdecision": INNER,  # a decision in the confidential item
    "limaconfincident": INNER,  # an incident reviewed only in the confidential item
    "papadraftincident": WRITERS,  # an incident reviewed only in the draft
    "mikeimportflag": WRITERS,  # an import's doubt, which may quote its source
    "novemberupload": SECRETARY,  # an upload read for its review, by whoever uploaded it
    "romeotabasc": ("outsider",),  # another committee's circulated minutes
    "sierranameditem": INNER,  # an item classified for named people (the member)
    "tangocommitteeitem": OPSG,
    "unifomconfitemaction": INNER,  # an ordinary action raised under the confidential item  # an item for the committee, in minutes for all parties
}


# The views anyone may use, marked `login_not_required` (opsg/signin.py): an
# anonymous visitor refused there gets the 404, as logging in would change
# nothing. Everywhere else a refused anonymous visitor is sent to log in.
PUBLIC_VIEWS = {
    "login",
    "home",
    "healthz",
    "published",
    "published-minutes",
    "published-pdf",
    "published-docx",
    "feed-meetings",
    "feed-actions",
}


def _planted(*words: str) -> str:
    return " ".join([*words, SHARED])


UPLOAD_TEXT = (
    "Planning Panel (PLP)\nMeeting 4\nDate: 3 March 2026\n\nPresent: Ann Lee\n\n"
    f"1. Welcome\n{_planted('novemberupload')}\n"
)


@pytest.fixture
def estate(world, settings, tmp_path):
    w = world
    observer = make_person("Otto Observer", "observer")
    CommitteeRole.objects.create(committee=w.opsg, person=observer, role="observer")
    red = Classification.objects.create(
        label="Red",
        colour="#cc0000",
        audience=Classification.Audience.NAMED,
        statement="For the people named only.",
        effective_from=D(2018, 1, 1),
    )
    red.named_people.add(w.member)

    m20 = make_meeting(w, number=20, date=D(2019, 5, 7), kind="main")
    i20 = make_item(m20, "1", "Previous Meeting Minutes", narrative=_planted("alphapublic"))
    c20 = make_item(
        m20,
        "2",
        "Incident hotelconftitle",
        confidential=True,
        narrative=_planted("golfconfitem", "see SECMP0099"),
    )
    Decision.objects.create(item=c20, verb="NOTED", text=_planted("kiloconfdecision"))
    make_action(w, m20, text=_planted("unifomconfitemaction"), item=c20)
    public_action = make_action(w, m20, text=_planted("public action"), item=i20)
    secret = Incident.objects.create(reference="INC000000000077", title="limaconfincident")
    IncidentReview.objects.create(incident=secret, item=c20, outcome=_planted("outcome"))
    known = Incident.objects.create(reference="INC000000000020", title="Known outage")
    IncidentReview.objects.create(incident=known, item=i20, outcome="Reviewed.")
    Modification.objects.create(
        reference="SECMP0099", title="A modification", url="https://example.org/secmp0099"
    )

    def minutes(number, date, words, **fields):
        meeting = make_meeting(w, number=number, date=date, **fields)
        make_item(meeting, "1", f"Item of {number}", narrative=_planted(*words))
        return meeting

    m21 = minutes(21, D(2021, 6, 1), ["bravoparties"], classification=w.white_2021)
    make_item(m20, "3", "Named", classification=red, narrative=_planted("sierranameditem"))
    make_item(m21, "2", "Amber", classification=w.amber, narrative=_planted("tangocommitteeitem"))
    minutes(22, D(2021, 7, 6), ["charliecommittee"], classification=w.amber)
    minutes(23, D(2021, 8, 3), ["deltanamed"], classification=red)
    m24 = minutes(24, D(2021, 9, 7), ["echocirculated"])
    m26 = minutes(26, D(2021, 11, 2), ["foxtrotdraft"])
    d26 = m26.items.get()
    decision26 = Decision.objects.create(item=d26, verb="AGREED", text="Drafted decision.")
    declaration26 = Declaration.objects.create(item=d26, name="Mia Member", interest="A stake.")
    action26 = make_action(w, m26, text="Drafted action.", item=d26)
    drafted = Incident.objects.create(reference="INC000000000026", title="papadraftincident")
    review26 = IncidentReview.objects.create(incident=drafted, item=d26, outcome="Draft.")
    line26 = attendance_add(meeting=m26, person=w.member, section=Attendance.Section.MEMBER)
    m27 = minutes(27, D(2021, 10, 5), ["indiaconfsession"], kind=Meeting.Kind.CONFIDENTIAL)
    conf_action = make_action(w, m27, text=_planted("julietconfaction"), item=m27.items.get())
    tabasc = tabasc_meeting(w, number=5, date=D(2021, 5, 18))
    make_item(tabasc, "1", "Architecture", narrative=_planted("romeotabasc"))

    now = timezone.now()
    published = dict(status="published", circulated_at=now, approved_at=now, published_at=now)
    Meeting.objects.filter(number__in=[20, 21, 22, 23, 27], committee=w.opsg).update(**published)
    Meeting.objects.filter(pk__in=[m24.pk, tabasc.pk]).update(
        status="circulated", circulated_at=now
    )
    # A member's suggestion on the circulated draft (minutes/models.py: Comment).
    i24 = m24.items.get()
    suggestion24 = Comment.objects.create(
        item=i24,
        author=w.member.user,
        text="A suggestion.",
        passage=SHARED,
        replacement="zulu",
        state=Comment.State.PROPOSED,
        created_at=now,
    )
    m20.refresh_from_db()
    # The chair's PDF of the public minutes, and a revision kept before a correction.
    document = minutes_pdf_request(meeting=m20, by=None, enqueue=False)
    render_minutes_pdf(document.pk)
    MinutesRevision.objects.create(
        meeting=m20,
        number=1,
        reason="A correction.",
        previous_status="published",
        snapshot=minutes_document(m20, reader=EVERYTHING),
        created_at=timezone.now(),
    )
    # The document OPSG 20 was imported from: it holds the confidential item too.
    source = ImportedDocument(
        meeting=m20,
        filename="opsg_20.txt",
        sha256="0" * 64,
        imported_at=timezone.now(),
        flags=[{"line": 3, "kind": "missed-heading", "message": _planted("mikeimportflag")}],
    )
    source.source.save("opsg_20.txt", ContentFile(_planted("golfconfitem").encode()), save=False)
    source.save()
    # An upload on its way to the review page, read as the worker reads it.
    uploaded = PendingImport.objects.create(
        token=pending.keep(UPLOAD_TEXT.encode(), "upload.txt"),
        filename="upload.txt",
        uploaded_by=w.secretary.user,
        uploaded_at=timezone.now(),
    )
    assert read_pending_import(uploaded.pk).state == PendingImport.State.DONE
    # OPSG 26's agenda, published (its minutes are still a draft), with a
    # paper under an item taken in confidence, and its meeting pack built.
    from tests.meetings.agenda_data import pdf_bytes, upload

    entry26 = meeting_services.agenda_entry_add(meeting=m26, number="1", title="Agenda item")
    conf26 = meeting_services.agenda_entry_add(
        meeting=m26, number="2", title="Agenda golfconfitem", confidential=True
    )
    paper26 = meeting_services.paper_add(
        entry=conf26, upload=upload("hotelconftitle.pdf", pdf_bytes("golfconfitem")), by=None
    )
    meeting_services.agenda_publish(meeting=m26, by=w.secretary.user)
    pack = AgendaPack.objects.get(state="pending")
    assert agenda_pack_build(pack.pk).state == "done"
    users = {p.user.username: p.user for p in [w.secretary, w.chair, w.member, observer]}
    users["outsider"] = w.outsider.user
    for user in users.values():
        FeedToken.objects.create(kind="actions", user=user, created_at=timezone.now())
        FeedToken.objects.create(
            kind="meetings", user=user, committee=w.opsg, created_at=timezone.now()
        )
    return {
        "world": w,
        "i20": i20,
        "c20": c20,
        "public_action": public_action,
        "conf_action": conf_action,
        "m26": m26,
        "d26": d26,
        "decision26": decision26,
        "declaration26": declaration26,
        "action26": action26,
        "review26": review26,
        "line26": line26,
        "i24": i24,
        "suggestion24": suggestion24,
        "source": source,
        "upload": uploaded,
        "entry26": entry26,
        "paper26": paper26,
    }


def _client(role: str, **kwargs) -> Client:
    client = Client(**kwargs)
    return client if role == "anonymous" else login(client, role)


M = "/committees/OPSG/meetings/"


def signed_in(audience: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(role for role in audience if role != "anonymous")


def get_table(estate) -> list[tuple]:
    """(URL name, URL, who gets the success status, that status[, whose view
    it shows]). Everyone else is refused: an anonymous visitor with a 302 to
    the login page and back (404 on a public view), anyone else with 403 or
    404. A status of None: any answer will do."""
    public = estate["public_action"].slug
    conf = estate["conf_action"].slug
    q = f"q={SHARED}"
    rows = [
        ("login", "/accounts/login/", ROLES, 200),
        ("home", "/", ROLES, 200),
        ("healthz", "/healthz", ROLES, 200),
        ("committee", "/committees/OPSG/", SIGNED_IN, 200),
        ("committee", "/committees/TABASC/", SIGNED_IN, 200),
        ("committee-attendance", "/committees/OPSG/attendance/", SIGNED_IN, 200),
        ("committee-glance", "/committees/OPSG/glance/", SIGNED_IN, 200),
        ("committee-brief", "/committees/OPSG/since/", SIGNED_IN, 200),
        ("committee-attendance-csv", "/committees/OPSG/attendance.csv", SIGNED_IN, 200),
        (
            "committee-attendance-csv",
            "/committees/OPSG/attendance.csv?table=organisations",
            SIGNED_IN,
            200,
        ),
        ("meeting-new", "/committees/OPSG/meetings/new/", SECRETARY, 200),
        ("import", "/import/", SECRETARY, 200),
        ("import-review", f"/import/{estate['upload'].pk}/", SECRETARY, 200),
        ("import-progress", f"/import/{estate['upload'].pk}/progress/", SECRETARY, 204),
        ("published", "/published/", ROLES, 200),
        ("decisions", f"/decisions/?{q}", SIGNED_IN, 200),
        ("search", f"/search/?{q}", SIGNED_IN, 200),
        ("search", "/search/?q=INC000000000077", SIGNED_IN, None),
        ("search", f"/search/?{q}&kind=item", SIGNED_IN, 200),
        ("modification", "/modifications/SECMP0099/", SIGNED_IN, 200),
        ("action-log", f"/actions/?{q}", SIGNED_IN, 200),
        ("action-log", "/actions/?status=all", SIGNED_IN, 200),
        ("action-owners", "/actions/owners/", SIGNED_IN, 200),
        ("action-export-csv", "/actions/export.csv?status=all", SIGNED_IN, 200),
        ("action-export-xlsx", "/actions/export.xlsx?status=all", SIGNED_IN, 200),
        ("reminder-runs", "/actions/reminders/", (), 200),  # staff only
        ("action-feeds", "/actions/feeds/", SIGNED_IN, 200),
        ("action-detail", f"/actions/{public}/", OPSG, 200),
        ("action-detail", f"/actions/{conf}/", INNER, 200),
        ("incidents", "/incidents/", SIGNED_IN, 200),
        ("incident", "/incidents/INC000000000020/", SIGNED_IN, 200),
        ("incident", "/incidents/INC000000000077/", INNER, 200),
        ("incident", "/incidents/INC000000000026/", WRITERS, 200),
        ("review", f"{M}26/review/", SECRETARY, 200),
        ("meeting-edit", f"{M}26/edit/", SECRETARY, 200),
        ("meeting-edit", f"{M}24/edit/", SECRETARY, 200),
        ("people-search", f"{M}26/people/?q=mia", SECRETARY, 200),
        ("incident-review-list", f"{M}26/items/{estate['d26'].pk}/incidents/list/", SECRETARY, 200),
        ("item-editor", f"{M}26/items/{estate['d26'].pk}/editor/", SECRETARY, 200),
        ("revision", f"{M}20/revisions/1/", ROLES, 200),
        ("import-source", f"{M}20/imports/{estate['source'].pk}/source", WRITERS, 200),
        ("published-pdf", "/published/OPSG/20/minutes.pdf", ROLES, 200),
        ("minutes-pdf", f"{M}20/minutes.pdf", SIGNED_IN, 200),
        ("minutes-pdf", f"{M}21/minutes.pdf", SIGNED_IN, 302),  # none yet: its status page
        # OPSG 26's agenda is published: members read it though its minutes are a draft.
        ("agenda", f"{M}26/agenda/", INNER, 200),
        ("agenda", f"{M}24/agenda/", WRITERS, 200),  # none published: its writers draft it
        ("agenda-pack", f"{M}26/agenda/pack/", INNER, 200),
        ("agenda-pack-pdf", f"{M}26/agenda/pack.pdf", INNER, 200),
        ("paper", f"{M}26/agenda/papers/{estate['paper26'].pk}/1/", INNER, 200),
    ]
    audiences = {
        20: ROLES,
        21: SIGNED_IN,
        22: OPSG,
        23: INNER,
        24: INNER,
        26: WRITERS,
        27: ROLES,
    }
    for number, audience in audiences.items():
        rows += [
            ("minutes", f"{M}{number}/", audience, 200),
            ("minutes-json", f"{M}{number}/minutes.json", audience, 200),
            # The event is its minutes' readers' and its agenda's (OPSG 26's is published).
            ("meeting-ics", f"{M}{number}/meeting.ics", INNER if number == 26 else audience, 200),
            # The Word file prints what the PDF prints: the print reader's.
            ("minutes-docx", f"{M}{number}/minutes.docx", audience, 200),
            ("minutes-pdf-status", f"{M}{number}/pdf/", signed_in(audience), 200),
            ("meeting-history", f"{M}{number}/history/", signed_in(audience), 200),
            (
                "published-minutes",
                f"/published/OPSG/{number}/",
                ROLES if number in (20, 27) else (),
                200,
            ),
            (
                "published-docx",
                f"/published/OPSG/{number}/minutes.docx",
                ROLES if number in (20, 27) else (),
                200,
            ),
        ]
    rows.append(("minutes", "/committees/TABASC/meetings/5/", ("outsider",), 200))
    # Comments on minutes: those who read circulated drafts (members and the
    # writers); an observer who reads the published minutes may not comment.
    rows.append(("minutes-comments", f"{M}24/comments/", INNER, 200))
    rows.append(("minutes-comments", f"{M}20/comments/", INNER, 200))
    rows.append(("meeting-history", f"{M}20/history/?item={estate['c20'].pk}", INNER, 200))
    for token in FeedToken.objects.select_related("user"):
        # The token is the credential, whoever fetches it; a committee's
        # feed lives while its user holds a role there.
        works = token.kind == "actions" or token.user.username != "outsider"
        url = f"/feeds/{token.token}/{token.kind}.ics"
        rows.append((f"feed-{token.kind}", url, ROLES if works else (), 200, token.user.username))
    return rows


def post_table(estate) -> list[tuple[str, str, tuple[str, ...]]]:
    """(URL name, URL, who may POST). Everyone else is refused, changing nothing."""
    e = estate
    item, decision, action = e["d26"].pk, e["decision26"].pk, e["action26"].pk
    m26 = f"{M}26/"
    return [
        ("attendance-add", m26 + "attendance/add/", SECRETARY),
        ("attendance-copy", m26 + "attendance/copy/", SECRETARY),
        ("attendance-line", m26 + f"attendance/{e['line26'].pk}/", SECRETARY),
        ("attendance-move", m26 + f"attendance/{e['line26'].pk}/move/", SECRETARY),
        ("item-add", m26 + "items/add/", SECRETARY),
        ("item", m26 + f"items/{item}/", SECRETARY),
        ("item-move", m26 + f"items/{item}/move/", SECRETARY),
        ("item-depth", m26 + f"items/{item}/depth/", SECRETARY),
        ("decision-add", m26 + f"items/{item}/decisions/", SECRETARY),
        ("decision", m26 + f"items/{item}/decisions/{decision}/", SECRETARY),
        ("declaration-add", m26 + f"items/{item}/declarations/", SECRETARY),
        ("declaration", m26 + f"items/{item}/declarations/{e['declaration26'].pk}/", SECRETARY),
        ("action-add", m26 + f"items/{item}/actions/", SECRETARY),
        ("action", m26 + f"items/{item}/actions/{action}/", SECRETARY),
        ("action-delete", m26 + f"items/{item}/actions/{action}/delete/", SECRETARY),
        ("incident-review-add", m26 + f"items/{item}/incidents/", SECRETARY),
        ("incident-review", m26 + f"items/{item}/incidents/{e['review26'].pk}/", SECRETARY),
        # The deletions last: what they remove, the rows above still use.
        ("decision-delete", m26 + f"items/{item}/decisions/{decision}/delete/", SECRETARY),
        (
            "declaration-delete",
            m26 + f"items/{item}/declarations/{e['declaration26'].pk}/delete/",
            SECRETARY,
        ),
        (
            "incident-review-delete",
            m26 + f"items/{item}/incidents/{e['review26'].pk}/delete/",
            SECRETARY,
        ),
        ("item-delete", m26 + f"items/{item}/delete/", SECRETARY),
        ("attendance-remove", m26 + f"attendance/{e['line26'].pk}/remove/", SECRETARY),
        ("preview", m26 + "preview/", SECRETARY),
        ("minutes-step", m26 + "minutes/circulate/", SECRETARY),
        ("minutes-step", f"{M}24/minutes/approve/", CHAIR),
        ("minutes-step", f"{M}20/minutes/revise/", CHAIR),
        ("minutes-pdf-status", f"{M}20/pdf/", WRITERS),
        ("agenda-entry-add", m26 + "agenda/items/add/", SECRETARY),
        ("agenda-entry", m26 + f"agenda/items/{e['entry26'].pk}/", SECRETARY),
        ("paper-add", m26 + f"agenda/items/{e['entry26'].pk}/papers/", SECRETARY),
        ("paper-replace", m26 + f"agenda/papers/{e['paper26'].pk}/", SECRETARY),
        ("agenda-publish", m26 + "agenda/publish/", SECRETARY),
        ("agenda-pack", m26 + "agenda/pack/", SECRETARY),
        ("agenda-start-minutes", m26 + "agenda/minutes/", SECRETARY),
        ("agenda-entry-delete", m26 + f"agenda/items/{e['entry26'].pk}/delete/", SECRETARY),
        ("comment-add", f"{M}24/comments/items/{e['i24'].pk}/", INNER),
        ("suggestion-decline", f"{M}24/comments/{e['suggestion24'].pk}/decline/", SECRETARY),
        ("suggestion-accept", f"{M}24/comments/{e['suggestion24'].pk}/accept/", SECRETARY),
        ("comment-policy", f"{M}24/comments/policy/", SECRETARY),
        ("review-row", m26 + f"review/{e['public_action'].slug}/", SECRETARY),
        ("action-update", f"/actions/{e['public_action'].slug}/update/", SECRETARY),
        ("meeting-new", "/committees/OPSG/meetings/new/", SECRETARY),
        ("import", "/import/", SECRETARY),
        ("import-commit", "/import/commit/", SECRETARY),
        (
            "import-doubt-acknowledge",
            f"{M}20/imports/{e['source'].pk}/doubts/0/acknowledge",
            WRITERS,
        ),
        # Each user's own settings and session: anyone signed in.
        ("action-feed-new", "/actions/feeds/new/", SIGNED_IN),
        ("action-feed-revoke", "/actions/feeds/1/revoke/", SIGNED_IN),
        ("logout", "/accounts/logout/", ROLES),
        ("login", "/accounts/login/", ROLES),
    ]


def _views(patterns) -> dict[str, object]:
    """URL name → view function, outside the admin."""
    views = {}
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            if not str(pattern.pattern).startswith("admin"):
                views |= _views(pattern.url_patterns)
        elif pattern.name:
            views[pattern.name] = pattern.callback
    return views


def _names(patterns) -> set[str]:
    return set(_views(patterns))


def test_every_url_is_in_the_tables(estate):
    covered = {row[0] for row in get_table(estate)} | {row[0] for row in post_table(estate)}
    missing = _names(get_resolver().url_patterns) - covered
    assert not missing, f"views not covered by the access tables: {sorted(missing)}"


def test_the_public_views_are_these_and_no_others():
    """A view marked `login_not_required` answers a signed-out visitor's
    refusal with 404 instead of the login page: a deliberate choice, listed."""
    marked = {name for name, view in _views(get_resolver().url_patterns).items() if is_public(view)}
    assert marked == PUBLIC_VIEWS


def sends_to_login(response, url: str) -> bool:
    """A 302 to the login page, with `next` the very URL asked for."""
    if response.status_code != 302:
        return False
    location = urlsplit(response["Location"])
    return location.path == "/accounts/login/" and parse_qs(location.query).get("next") == [url]


def _pdf_text(content: bytes) -> str:
    assert shutil.which("pdftotext"), "pdftotext not installed (apt-get install poppler-utils)"
    done = subprocess.run(["pdftotext", "-", "-"], input=content, capture_output=True, check=True)
    return done.stdout.decode()


def docx_text(content: bytes) -> str:
    """A Word file's paragraphs and table cells, as text."""
    word = docx.Document(io.BytesIO(content))
    texts = [paragraph.text for paragraph in word.paragraphs]
    texts += [cell.text for table in word.tables for row in table.rows for cell in row.cells]
    return "\n".join(texts)


def _xlsx_text(content: bytes) -> str:
    book = load_workbook(io.BytesIO(content), read_only=True)
    return " ".join(
        str(value)
        for sheet in book.worksheets
        for row in sheet.iter_rows(values_only=True)
        for value in row
        if value is not None
    )


def body_text(response) -> str:
    content = b"".join(response.streaming_content) if response.streaming else response.content
    kind = response.get("Content-Type", "")
    if kind.startswith("application/pdf"):
        return _pdf_text(content)
    if "spreadsheetml" in kind:
        return _xlsx_text(content)
    if "wordprocessingml" in kind:
        return docx_text(content)
    return content.decode("utf-8", "replace")


def forbidden_for(role: str) -> list[str]:
    return [word for word, audience in MARKERS.items() if role not in audience]


@pytest.mark.parametrize("role", ROLES)
def test_every_page_answers_each_role_as_it_may(estate, role):
    client = _client(role)
    problems = []
    for name, url, audience, success, *reader in get_table(estate):
        response = client.get(url)
        status = response.status_code
        if role in audience:
            if success is not None and status != success:
                problems.append(f"{url} ({name}): {status}, expected {success}")
        elif role == "anonymous" and name in PUBLIC_VIEWS:
            if status != 404:
                problems.append(f"{url} ({name}): {status}, expected 404")
        elif role == "anonymous":
            if not sends_to_login(response, url):
                problems.append(f"{url} ({name}): {status}, expected the login page, next={url}")
        elif status not in (403, 404):
            problems.append(f"{url} ({name}): {status}, expected 403 or 404")
        text = body_text(response).lower()
        # A feed shows what its token's user may see, whoever fetches it.
        leaked = [word for word in forbidden_for(reader[0] if reader else role) if word in text]
        if leaked:
            problems.append(f"{url} ({name}) shows {leaked} to {role}")
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("role", INNER)
def test_the_inner_roles_do_find_what_they_may_read(estate, role):
    """The planted words can be found at all (so their absence above means something)."""
    client = _client(role)
    found = body_text(client.get(f"/search/?q={SHARED}&kind=item")).lower()
    found += body_text(client.get(f"{M}20/")).lower()
    found += body_text(client.get(f"{M}27/")).lower()
    for word in ["golfconfitem", "hotelconftitle", "indiaconfsession", "julietconfaction"]:
        assert word in found, word


def test_the_pdf_prints_nothing_taken_in_confidence(estate, tmp_path):
    content = b"".join(_client("secretary").get(f"{M}20/minutes.pdf").streaming_content)
    text = _pdf_text(content).lower()
    assert "alphapublic" in text
    assert "taken in confidence" in text
    assert "golfconfitem" not in text and "hotelconftitle" not in text
    # Its links point at the site (from SITE_URL), never at a path on the server.
    path = tmp_path / "m20.pdf"
    path.write_bytes(content)
    links = subprocess.run(
        ["pdfinfo", "-url", str(path)], capture_output=True, text=True, check=True
    ).stdout
    assert "/incidents/INC000000000020/" in links
    assert "file:" not in links


def _fingerprint() -> tuple:
    """The record's size and its latest history entry, changed by any write."""
    models = [Meeting, Attendance, Decision, Action, Incident, IncidentReview, MinutesRevision]
    models += [Comment, CommentPolicy, Declaration]
    models += [AgendaEntry, PaperVersion]
    counts = tuple(model.objects.count() for model in models)
    latest = tuple(
        model.history.order_by("-history_id").values_list("history_id", flat=True).first()
        for model in models
        if hasattr(model, "history")
    )
    return counts + latest


@pytest.mark.parametrize("role", ROLES)
def test_post_views_refuse_the_roles_that_only_read(estate, role):
    client = _client(role)
    problems = []
    for name, url, allowed in post_table(estate):
        if role in allowed:
            continue
        before = _fingerprint()
        response = client.post(url, {"text": "x", "title": "x", "reason": "x"})
        status = response.status_code
        if role == "anonymous":
            refused = sends_to_login(response, url)
        else:
            refused = status in (403, 404)
        if not refused:
            problems.append(f"{url} ({name}): {status} for {role}")
        if _fingerprint() != before:
            problems.append(f"{url} ({name}) changed the record for {role}")
    assert not problems, "\n".join(problems)


def test_post_views_refuse_a_request_without_its_csrf_token(estate):
    problems = []
    for role in ("anonymous", "secretary"):
        client = _client(role, enforce_csrf_checks=True)
        for name, url, _allowed in post_table(estate):
            before = _fingerprint()
            response = client.post(url, {"text": "x", "title": "x", "reason": "x"})
            if response.status_code != 403:
                problems.append(f"{url} ({name}): {response.status_code} for {role}")
            if _fingerprint() != before:
                problems.append(f"{url} ({name}) changed the record for {role}")
    assert not problems, "\n".join(problems)


def test_the_public_page_lists_white_2019_minutes_but_not_white_2021(estate):
    body = Client().get("/published/").content.decode()
    assert "OPSG 20" in body  # White, as the 2019 policy had it: the public
    assert "OPSG 27" in body  # a confidential session: listed, its items withheld
    for number in (21, 22, 23, 24, 26):  # White as in 2021, narrower, or unpublished
        assert f"OPSG {number}<" not in body and f"/published/OPSG/{number}/" not in body
    assert body.count("/published/OPSG/20/minutes.pdf") == 1  # its issued PDF
    assert "Not yet issued" in body  # OPSG 27 has none


def test_the_public_minutes_page_withholds_what_was_taken_in_confidence(estate):
    body = Client().get("/published/OPSG/20/").content.decode()
    assert "alphapublic" in body
    assert "2. Taken in confidence" in body
    assert "Download the PDF" in body
    pdf = body_text(Client().get("/published/OPSG/20/minutes.pdf")).lower()
    assert "alphapublic" in pdf and "golfconfitem" not in pdf
    assert Client().get("/published/OPSG/27/minutes.pdf").status_code == 404


def test_circulated_minutes_reach_members_but_not_observers(estate):
    assert _client("member").get(f"{M}24/").status_code == 200
    assert _client("observer").get(f"{M}24/").status_code == 404
    assert _client("observer").get(f"{M}22/").status_code == 200  # published, committee only
    assert _client("outsider").get(f"{M}22/").status_code == 404
