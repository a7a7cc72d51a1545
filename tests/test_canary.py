"""The canary crawl: what reaches a reader through another object.

tests/test_access.py holds each URL to its audience. This test plants a
marker word in every text of every object some reader must not see, above
all what is shown *through* another object: the title of the item an action
was raised under, a review's narrative (recorded in a confidential session,
or in minutes still a draft), the text of a successor action, an action
raised in a draft, the revised target a hidden review set. Then, as each
kind of reader, it crawls the site from its front pages, following every
link (HTML, JSON, CSV, XLSX, ICS, PDF read back as text), and reads the
reminder emails; no marker may appear where its reader may not read it.
"""

import datetime
import re
import shutil
from collections import deque

import pytest
import time_machine
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from actions.assignments import send_assignment_notices
from actions.models import FeedToken
from actions.reminders import send_reminders
from actions.services import action_close, action_review_record, action_update
from declarations.models import Declaration
from imports import pending
from imports.models import PendingImport
from imports.reading import read_pending_import
from incidents.models import Incident, IncidentReview
from meetings import services as meeting_services
from meetings.access import EVERYTHING
from meetings.models import (
    AgendaPack,
    Attendance,
    CommitteeRole,
    Decision,
    Meeting,
    MinutesRevision,
    PaperVersion,
)
from meetings.pack import agenda_pack_build
from meetings.services import meeting_update
from minutes.brief_email import send_briefs
from minutes.rendering import render_minutes_pdf
from minutes.selectors import minutes_document
from minutes.services import comment_add, minutes_pdf_request, minutes_revise
from tests.base import (
    circulate,
    login,
    make_action,
    make_item,
    make_meeting,
    make_named_classification,
    make_person,
)
from tests.conftest import need
from tests.meetings.agenda_data import docx_bytes
from tests.meetings.agenda_data import upload as paper_upload
from tests.test_access import body_text

pytestmark = pytest.mark.django_db

D = datetime.date
ROLES = ("anonymous", "owner", "observer", "outsider", "member", "secretary")
WRITERS = ("secretary",)
INNER = ("member", "secretary")  # read in confidence

# Marker → the readers who may see it. Dates are the targets hidden reviews
# set, written every way a page, an export or a feed prints a date.
SESSION_TARGET = ["17/03/2020", "17 march 2020", "2020-03-17", "20200317"]
DRAFT_TARGET = ["23/06/2020", "23 june 2020", "2020-06-23", "20200623"]
MARKERS = {
    "canaryconftitle": INNER,  # an item taken in confidence: its title
    "canaryconfbody": INNER,  # … its narrative
    "canaryconfdecision": INNER,  # … its decision
    "canaryconfdeclaration": INNER,  # … a declaration of interest made under it
    "canaryconfincident": INNER,  # … the incident reviewed only there
    "canaryconfitemaction": INNER,  # … an action raised under it (not the owner's)
    "canaryredtitle": INNER,  # an item classified for named people (the member)
    "canaryredaction": (*INNER, "owner"),  # the owner's action raised under it
    "canarysessionreview": INNER,  # a review recorded in a confidential session
    "canaryconfsuccessor": INNER,  # the CONF action that superseded the owner's
    "opsg 26/conf 01": INNER,  # … its reference
    "canarydraftreview": WRITERS,  # a review recorded in minutes still a draft
    "canarydraftaction": WRITERS,  # an action raised in them
    "canarydrafttitle": WRITERS,  # an item of them
    "canarydraftdecision": WRITERS,  # a decision of them
    "canarydraftdeclaration": WRITERS,  # a declaration of interest in them
    # Published minutes opened for a correction: readers keep the published
    # version; what the correction's draft changes or adds is the writers'.
    "canarykeptpublished": ROLES,  # the published version's text, kept online
    "canarykeptconf": INNER,  # … an item of it taken in confidence
    "canarycorrectiontitle": WRITERS,  # the correction's new wording of an item
    "canarycorrectiondecision": WRITERS,  # a decision it adds
    "canarycorrectiondeclaration": WRITERS,  # a declaration of interest it adds
    "canarycorrectionaction": WRITERS,  # an action it raises
    "canarycorrectionreview": WRITERS,  # a review it records
    "canarycorrectionwording": WRITERS,  # its new wording of an action the version kept raised
    "canaryupload": WRITERS,  # an uploaded document read for its review, by its uploader
    # The published agenda of the next meeting (OPSG 30): an item taken in
    # confidence, its title, and the name of its paper (in the meeting pack too).
    "canaryagendaconf": INNER,
    "canarypaperconf": INNER,
    # A member's comment on circulated minutes, under the committee's default
    # policy: its author (the member) and the secretariat only.
    "canarycomment": INNER,
    # People in the attendance (the minutes, the attendance record and its CSVs).
    "canarydraftattendee": WRITERS,  # a person at a meeting whose minutes are a draft
    "canarykeptattendee": ROLES,  # a person the published version kept lists
    "canarycorrectionattendee": WRITERS,  # a person the correction's draft adds
    "canarycorrectionplace": WRITERS,  # where the correction's draft moves the meeting
    **{date: INNER for date in SESSION_TARGET},
    **{date: WRITERS for date in DRAFT_TARGET},
}


def forbidden_for(role: str) -> list[str]:
    return [word for word, audience in MARKERS.items() if role not in audience]


def moved(action, meeting, update: str, target: datetime.date) -> None:
    """The action reviewed at `meeting`, open, its target moved to `target`."""
    action_review_record(
        action=action, meeting=meeting, update=update, status="open", revised_target_date=target
    )


@pytest.fixture
def canaries(world):
    w = world
    need(shutil.which("pdftotext") is not None, "pdftotext (apt-get install poppler-utils)")
    observer = make_person("Otto Observer", "observer")
    CommitteeRole.objects.create(committee=w.opsg, person=observer, role="observer")
    red = make_named_classification(w.member)

    m24 = make_meeting(w, number=24, date=D(2019, 9, 3))
    i24 = make_item(m24, "1", "Previous Meeting Minutes", narrative="Agreed.")
    a1 = make_action(
        w, m24, text="DCC to report on the outage.", item=i24, target_date=D(2019, 10, 1)
    )
    a7 = make_action(w, m24, text="DCC to draft the plan.", item=i24)

    m25 = make_meeting(w, number=25, date=D(2019, 10, 1))
    make_item(m25, "1", "Actions Outstanding", standing="actions_outstanding")
    c25 = make_item(m25, "2", "Incident canaryconftitle", confidential=True)
    c25.narrative = "canaryconfbody"
    c25.save()
    Decision.objects.create(item=c25, verb="NOTED", text="canaryconfdecision")
    Declaration.objects.create(item=c25, name="Mia Member", interest="canaryconfdeclaration")
    incident = Incident.objects.create(reference="INC000000000091", title="canaryconfincident")
    IncidentReview.objects.create(incident=incident, item=c25, outcome="Reviewed.")
    make_action(w, m25, text="SECAS to brief canaryconfitemaction.", owners=[w.secas], item=c25)
    r25 = make_item(m25, "3", "Tariffs canaryredtitle", classification=red)
    make_action(w, m25, text="DCC to cost canaryredaction.", item=r25, target_date=D(2019, 11, 1))
    moved(a1, m25, "The DCC reported progress.", D(2019, 12, 31))

    m26 = make_meeting(w, number=26, date=D(2019, 10, 15), kind=Meeting.Kind.CONFIDENTIAL)
    s26 = make_item(m26, "1", "Security")
    successor = make_action(w, m26, text="DCC to replace the plan canaryconfsuccessor.", item=s26)
    moved(a1, m26, "canarysessionreview", D(2020, 3, 17))
    action_close(
        action=a7, outcome="superseded", closed_on=D(2019, 10, 15), superseded_by=successor
    )

    now = timezone.now()
    published = dict(status="published", circulated_at=now, approved_at=now, published_at=now)
    Meeting.objects.filter(pk__in=[m24.pk, m25.pk, m26.pk]).update(**published)

    m28 = make_meeting(w, number=28, date=D(2019, 12, 3))
    d28 = make_item(m28, "1", "Plans canarydrafttitle")
    Decision.objects.create(item=d28, verb="AGREED", text="canarydraftdecision")
    Declaration.objects.create(item=d28, name="Mia Member", interest="canarydraftdeclaration")
    make_action(
        w, m28, text="DCC to test canarydraftaction.", item=d28, target_date=D(2019, 12, 20)
    )
    moved(a1, m28, "canarydraftreview", D(2020, 6, 23))
    # For the editor's saves (its review and attendance rows answer alone).
    IncidentReview.objects.create(
        incident=Incident.objects.create(reference="INC000000000928"), item=d28
    )
    Attendance.objects.create(meeting=m28, person=w.member, section="member", category="Supplier")
    drafted = make_person("Dee Canarydraftattendee", "draftattendee", organisation=w.secas)
    Attendance.objects.create(meeting=m28, person=drafted, section="participant", represents="X")

    for meeting in (m25, m26):
        meeting.refresh_from_db()
        render_minutes_pdf(minutes_pdf_request(meeting=meeting, by=None, enqueue=False).pk)
        MinutesRevision.objects.create(
            meeting=meeting,
            number=1,
            reason="A correction.",
            previous_status="published",
            snapshot=minutes_document(meeting, reader=EVERYTHING),
            created_at=now,
        )
    m27 = make_meeting(w, number=27, date=D(2019, 11, 5))
    k27 = make_item(m27, "1", "Incidents", narrative="canarykeptpublished")
    make_item(m27, "2", "Security", narrative="canarykeptconf", confidential=True)
    kept = make_action(w, m27, text="DCC to review the plan.", item=k27, target_date=D(2019, 12, 2))
    kept_person = make_person("Kay Canarykeptattendee", "keptattendee", organisation=w.dcc)
    Attendance.objects.create(meeting=m27, person=kept_person, section="member", category="DCC")
    Meeting.objects.filter(pk=m27.pk).update(**published)
    m27.refresh_from_db()
    minutes_revise(meeting=m27, reason="A correction.", by=w.chair.user)
    m27.refresh_from_db()
    meeting_update(meeting=m27, expected_version=None, location="Room canarycorrectionplace")
    added = make_person("Cy Canarycorrectionattendee", "correctionattendee", organisation=w.dcc)
    Attendance.objects.create(meeting=m27, person=added, section="member", category="DCC")
    kept.refresh_from_db()
    action_update(action=kept, owners=[w.dcc], text="DCC to canarycorrectionwording.", topic="Plan")
    k27.title = "Incidents canarycorrectiontitle"
    k27.save()
    Decision.objects.create(item=k27, verb="AGREED", text="canarycorrectiondecision")
    Declaration.objects.create(item=k27, name="Mia Member", interest="canarycorrectiondeclaration")
    make_action(w, m27, text="DCC to canarycorrectionaction.", item=k27)
    moved(a1, m27, "canarycorrectionreview", D(2019, 12, 31))

    # OPSG 29, circulated for comments: the member's comment on an item.
    m29 = make_meeting(w, number=29, date=D(2020, 1, 7))
    i29 = make_item(m29, "1", "Tariffs", narrative="The tariff review is under way.")
    circulate(m29)
    comment_add(item=i29, author=w.member.user, text="canarycomment")

    # OPSG 30, the next meeting: its agenda published, with a paper under an
    # item taken in confidence; the home page links to it, the pack is built.
    m30 = make_meeting(w, number=30, date=D(2099, 1, 6))
    meeting_services.agenda_entry_add(meeting=m30, number="1", title="Previous Meeting Minutes")
    conf30 = meeting_services.agenda_entry_add(
        meeting=m30, number="2", title="Security canaryagendaconf", confidential=True
    )
    meeting_services.paper_add(
        entry=conf30, upload=paper_upload("canarypaperconf.docx", docx_bytes()), by=None
    )
    meeting_services.agenda_publish(meeting=m30, by=w.secretary.user)
    pack = AgendaPack.objects.get(agenda__meeting=m30, state="pending")
    assert agenda_pack_build(pack.pk).state == "done"

    feeds = {}
    for person in (w.owner, observer, w.outsider, w.member, w.secretary):
        user = person.user
        feeds[user.username] = [
            FeedToken.objects.create(kind="actions", user=user, created_at=now),
            FeedToken.objects.create(kind="meetings", user=user, committee=w.opsg, created_at=now),
        ]
    # An upload on its way to the review page, read as the worker reads it.
    upload = PendingImport.objects.create(
        token=pending.keep(UPLOAD.encode(), "upload.txt"),
        filename="upload.txt",
        uploaded_by=w.secretary.user,
        uploaded_at=timezone.now(),
    )
    assert read_pending_import(upload.pk).state == PendingImport.State.DONE
    return {"feeds": feeds, "actions": [a1, a7, successor], "upload": upload}


UPLOAD = "Planning Panel (PLP)\nMeeting 4\nDate: 3 March 2026\n\n1. Welcome\ncanaryupload\n"


LINK = re.compile(r'href="(/[^"#]*)')
# Not pages: leaving, the admin, files the crawl does not need to read twice.
SKIP = ("/accounts/logout", "/admin", "/static/", "/accounts/password")


def crawl(client: Client, seeds: list[str], limit: int = 400) -> dict[str, str]:
    """Every page reachable from `seeds` by GET: URL → its text."""
    seen: dict[str, str] = {}
    queue = deque(seeds)
    while queue and len(seen) < limit:
        url = queue.popleft().replace("&amp;", "&")
        if url in seen or url.startswith(SKIP):
            continue
        response = client.get(url)
        text = body_text(response) if response.status_code == 200 else ""
        seen[url] = text
        if response.get("Content-Type", "").startswith("text/html"):
            queue.extend(link for link in LINK.findall(text) if link not in seen)
    return seen


def _seeds(canaries, role: str) -> list[str]:
    seeds = [
        "/",
        "/published/",
        "/committees/OPSG/",
        "/committees/OPSG/attendance/",
        "/committees/OPSG/glance/",
        "/committees/OPSG/since/",
        "/committees/OPSG/attendance.csv",
        "/committees/OPSG/attendance.csv?table=organisations",
        "/actions/?status=all",
        "/actions/?owner=mine&status=all",
        "/actions/owners/",
        "/actions/export.csv?status=all",
        "/actions/export.xlsx?status=all",
        "/decisions/",
        "/incidents/",
        "/search/?q=canary",
        "/search/?q=DCC",
        # A reference searched for is echoed back: search for part of one.
        "/search/?q=CONF",
    ]
    for number in (24, 25, 26, 27, 28, 29, 30):
        base = f"/committees/OPSG/meetings/{number}/"
        seeds += [base, base + "minutes.json", base + "minutes.pdf", base + "history/"]
        seeds += [base + "meeting.ics"]
        seeds += [base + "minutes.docx", f"/published/OPSG/{number}/minutes.docx"]
        seeds += [base + "revisions/1/", f"/published/OPSG/{number}/"]
        # The comments on the minutes, and the agenda, its pack and papers:
        # asked for by every role, not only those the pages link them to.
        seeds += [base + "comments/", base + "agenda/", base + "agenda/pack/"]
        seeds += [base + "agenda/pack.pdf"]
    seeds += [f"/actions/{action.slug}/" for action in canaries["actions"]]
    seeds += [
        reverse(
            "paper",
            args=["OPSG", version.paper.entry.meeting.number, version.paper_id, version.number],
        )
        for version in PaperVersion.objects.select_related("paper__entry__meeting")
    ]
    upload = canaries["upload"].pk
    seeds += [f"/import/{upload}/", f"/import/{upload}/progress/"]
    seeds += [f"/feeds/{t.token}/{t.kind}.ics" for t in canaries["feeds"].get(role, [])]
    return seeds


@pytest.mark.parametrize("role", ROLES)
def test_no_marker_reaches_a_reader_outside_its_audience(canaries, role):
    client = Client() if role == "anonymous" else login(Client(), role)
    pages = crawl(client, _seeds(canaries, role))
    assert len(pages) > 20
    leaks = [
        f"{url} shows {word!r} to {role}"
        for url, text in pages.items()
        for word in forbidden_for(role)
        if word in text.lower()
    ]
    assert not leaks, "\n".join(leaks)


def _editor_requests() -> tuple[list[str], list[str]]:
    """What the editor asks for by itself (an item's editor, its reviews
    section), and
    every operation of the editor, on every row of the drafts (OPSG 27's
    correction, OPSG 28): saves first, then moves, then deletions, which
    change what the others would find."""
    gets, saves, moves, deletions = [], [], [], []
    drafts = Meeting.objects.filter(status=Meeting.Status.DRAFT).select_related("committee")
    for meeting in drafts:
        at = {"code": meeting.committee.code, "number": meeting.number}
        saves.append(reverse("attendance-copy", kwargs=at))
        for line in meeting.attendance.all():
            saves.append(reverse("attendance-line", kwargs={**at, "pk": line.pk}))
            moves.append(reverse("attendance-move", kwargs={**at, "pk": line.pk}))
            deletions.append(reverse("attendance-remove", kwargs={**at, "pk": line.pk}))
        for item in meeting.items.all():
            of_item = {**at, "item_pk": item.pk}
            gets.append(reverse("incident-review-list", kwargs=of_item))
            gets.append(reverse("item-editor", kwargs={**at, "pk": item.pk}))
            saves += [reverse(name, kwargs=of_item) for name in ADDS]
            saves.append(reverse("item", kwargs={**at, "pk": item.pk}))
            moves += [reverse(n, kwargs={**at, "pk": item.pk}) for n in ("item-move", "item-depth")]
            for name, rows in (
                ("decision", item.decisions.all()),
                ("declaration", item.declarations.all()),
                ("action", item.actions.all()),
                ("incident-review", item.incident_reviews.all()),
            ):
                for row in rows:
                    saves.append(reverse(name, kwargs={**of_item, "pk": row.pk}))
                    deletions.append(reverse(f"{name}-delete", kwargs={**of_item, "pk": row.pk}))
            deletions.append(reverse("item-delete", kwargs={**at, "pk": item.pk}))
    return gets, saves + moves + deletions


ADDS = ("decision-add", "declaration-add", "action-add", "incident-review-add")


@pytest.mark.parametrize("role", ROLES)
def test_no_marker_reaches_a_reader_through_the_editors_answers(canaries, role):
    """The editor's saves answer over htmx with what they changed: to the
    secretary, the draft's rows; to everyone else, a refusal that shows
    nothing. Posted as they come (an empty form is refused, and says so)."""
    client = Client() if role == "anonymous" else login(Client(), role)
    gets, posts = _editor_requests()
    assert len(posts) > 15 and gets
    answered, leaks = [], []
    requests = [(client.get, url) for url in gets] + [(client.post, url) for url in posts]
    for send, url in requests:
        response = send(url, {}, HTTP_HX_REQUEST="true")
        answered.append(response.status_code)
        text = body_text(response).lower()
        leaks += [f"{url} shows {word!r} to {role}" for word in forbidden_for(role) if word in text]
    assert not leaks, "\n".join(leaks)
    if role in WRITERS:
        assert {200, 422} & set(answered)
    else:
        assert set(answered) <= {302, 403, 404}, set(answered)


@pytest.mark.parametrize("role", ["anonymous", "member", "secretary"])
def test_the_markers_are_found_by_those_who_may_read_them(canaries, role):
    """So that their absence above means something (and the published
    version kept during a correction is found by everyone)."""
    client = Client() if role == "anonymous" else login(Client(), role)
    text = " ".join(crawl(client, _seeds(canaries, role)).values()).lower()
    dates = {*SESSION_TARGET, *DRAFT_TARGET}
    words = [w for w, audience in MARKERS.items() if role in audience and w not in dates]
    missing = [word for word in words if word not in text]
    for group in (SESSION_TARGET, DRAFT_TARGET):
        if role in MARKERS[group[0]] and not any(date in text for date in group):
            missing.append(group[0])
    assert not missing, missing


@pytest.mark.parametrize("role", ["owner", "observer"])
def test_a_reader_outside_the_hidden_reviews_sees_the_target_they_may_know(canaries, role):
    """OPSG 24/01's target moved in a confidential session and again in a
    draft: an owner or observer sees it as the published main meeting left it."""
    body = login(Client(), role).get("/actions/opsg-24-01/").content.decode()
    assert "31/12/2019" in body
    assert "Slipped" not in body or "1 time" in body


def test_reminder_emails_carry_nothing_their_owners_may_not_read(canaries, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    with time_machine.travel(datetime.datetime(2020, 1, 6, 9, tzinfo=datetime.UTC), tick=False):
        send_reminders(D(2020, 1, 6))
    to_dcc = [m for m in mail.outbox if "ops@dcc.example.org" in m.to]
    assert to_dcc, "the DCC's contact gets its digest"
    for message in to_dcc:
        text = _owner_may_read(message)
        # Overdue against the target the published minutes gave it.
        assert "opsg 24/01" in text and "31/12/2019" in text


def test_briefs_carry_nothing_their_readers_may_not_read(canaries, settings):
    """The brief since the last meeting, emailed the day before OPSG 29 to
    everyone with a role: each names only what its reader may read."""
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    with time_machine.travel(datetime.datetime(2020, 1, 6, 7, tzinfo=datetime.UTC), tick=False):
        report = send_briefs(D(2020, 1, 6))
    assert report.sent, report.summary()
    # The chair writes the minutes as the secretary does; the crawl's roles are checked.
    roles = {message.to[0].split("@")[0]: message for message in mail.outbox}
    roles = {role: message for role, message in roles.items() if role in ROLES}
    assert {"member", "secretary", "observer"} <= set(roles)
    leaks = [
        f"the brief to {role} names {word!r}"
        for role, message in roles.items()
        for word in forbidden_for(role)
        if word in " ".join([message.subject, message.body, message.alternatives[0][0]]).lower()
    ]
    assert not leaks, "\n".join(leaks)


def test_notices_of_new_actions_carry_nothing_their_owners_may_not_read(canaries, settings):
    """Every meeting's notices (actions/assignments.py), as a worker would
    send them were each meeting circulated now: drafts and confidential
    sessions tell nobody; the rest name only what an owner may read."""
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    for meeting in Meeting.objects.order_by("number"):
        send_assignment_notices(meeting.pk)
    to_dcc = [m for m in mail.outbox if "ops@dcc.example.org" in m.to]
    assert to_dcc, "the DCC's contact is told of its new actions"
    for message in to_dcc:
        _owner_may_read(message)
    told = " ".join(m.subject for m in to_dcc).lower()
    assert "opsg 24/01" in told and "opsg 28/" not in told and "conf" not in told


def _owner_may_read(message) -> str:
    """An email to an owner, as lower-case text, once checked to carry no
    marker an owner may not read."""
    text = " ".join(
        [message.subject, message.body, *(body for body, _ in message.alternatives)]
    ).lower()
    leaked = [word for word in forbidden_for("owner") if word in text]
    assert not leaked, leaked
    return text


def test_hidden_reviews_are_the_reviews_the_rule_refuses(canaries):
    """actions.known.hidden_reviews looks only at meetings whose reviews are
    not all readable: it must find exactly what the whole rule refuses."""
    from django.contrib.auth import get_user_model

    from actions.known import hidden_reviews, review_rule
    from actions.models import Action, ActionReview

    every = Action.objects.values("pk")
    for user in [None, *get_user_model().objects.all()]:
        whole = ActionReview.objects.filter(action__in=every).exclude(review_rule(user))
        assert set(hidden_reviews(user, every)) == set(whole), user


def test_the_word_files_are_crawled_and_read(canaries):
    """The crawl reads a .docx as text: the secretary's copy of OPSG 25 is
    there to check, and prints what the PDF prints (nothing taken in
    confidence)."""
    client = login(Client(), "secretary")
    pages = crawl(client, ["/committees/OPSG/meetings/25/minutes.docx"])
    text = pages["/committees/OPSG/meetings/25/minutes.docx"].lower()
    assert "operations group meeting 25" in text or "meeting 25" in text
    assert "canaryconfbody" not in text and "taken in confidence" in text
