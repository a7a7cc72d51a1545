"""A correction of approved or published minutes never takes them offline:
readers keep the version they had (Meeting.record), with its decisions, its
PDF, its actions and reviews, until the correction reaches the same state;
the writers see "correction in progress"; the revision's page shows what
the correction changed, attendance and Actions Outstanding included."""

import datetime
import re

import pytest
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from actions.models import Action, ActionReview, FeedToken
from actions.reminders import send_reminders
from actions.services import action_delete, action_review_record, action_update
from meetings.models import Attendance, Decision, Meeting, MinutesDocument
from minutes.services import (
    decision_save,
    item_update,
    minutes_approve,
    minutes_circulate,
    minutes_publish,
    minutes_revise,
)
from minutes.tasks import queue_render
from tests.base import login, make_action, make_item, make_meeting

pytestmark = pytest.mark.django_db

MEMBERS = "/committees/OPSG/meetings/25/"
PUBLIC = "/published/OPSG/25/"
MINUTES = "/committees/OPSG/meetings/25/"
OLD = "kept-published-wording"
NEW = "draft-correction-wording"


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def _publish(world, meeting):
    minutes_circulate(meeting=meeting, by=world.secretary.user)
    minutes_approve(meeting=meeting, at_meeting=None, by=world.chair.user)
    return minutes_publish(meeting=meeting, by=world.chair.user)


def _issue_pdf(meeting, content=b"%PDF-1.4 the published minutes"):
    """The PDF issued with the published version, as a finished render stores it."""
    document = MinutesDocument(
        meeting=meeting,
        minutes_version=meeting.version,
        minutes_status=meeting.status,
        source_sha256="a" * 64,
        state=MinutesDocument.State.DONE,
        sha256="b" * 64,
        requested_at=timezone.now(),
        rendered_at=timezone.now(),
    )
    document.file.save("issued.pdf", ContentFile(content), save=False)
    document.save()
    return document


@pytest.fixture
def published(world, media):
    """OPSG 25, published online, its PDF issued, then opened for a
    correction that changes an item and adds a decision and an action."""
    meeting = make_meeting(world)
    Attendance.objects.create(
        meeting=meeting, person=world.member, section="member", category="Large Supplier"
    )
    item = make_item(meeting, "3", "Incident report", narrative=f"The {OLD}.")
    decision_save(item=item, verb="NOTED", text=f"the {OLD} report.", points=[])
    action = make_action(world, meeting, text="DCC to report on the incident.", item=item)
    earlier = make_action(world, make_meeting(world, number=24, date=datetime.date(2019, 9, 1)))
    Meeting.objects.filter(number=24).update(status="circulated", circulated_at=timezone.now())
    action_review_record(action=earlier, meeting=meeting, update=f"{OLD} update.", status="open")
    meeting = _publish(world, meeting)
    _issue_pdf(meeting)
    minutes_revise(meeting=meeting, reason="Item 3 misquotes the report", by=world.chair.user)
    item_update(item=item, expected_version=None, narrative=f"The {NEW}.")
    decision_save(item=item, verb="AGREED", text=f"the {NEW} decision.", points=[])
    added = make_action(world, meeting, text=f"SECAS to {NEW}.", item=item)
    review = ActionReview.objects.get(action=earlier, meeting=meeting)
    action_review_record(
        action=earlier, meeting=meeting, update=f"{NEW} update.", status="open", order=review.order
    )
    Attendance.objects.filter(meeting=meeting).update(category="Small Supplier")
    meeting.refresh_from_db()
    return {"meeting": meeting, "item": item, "action": action, "added": added, "earlier": earlier}


def _text(response) -> str:
    if hasattr(response, "streaming_content"):
        return b"".join(response.streaming_content).decode(errors="replace")
    return response.content.decode()


def test_a_correction_keeps_the_published_minutes_on_the_public_page(client, published):
    assert published["meeting"].status == "draft"
    listing = _text(client.get("/published/"))
    assert "/published/OPSG/25/" in listing and "minutes.pdf" in listing
    page = client.get(PUBLIC)
    assert page.status_code == 200
    body = _text(page)
    assert OLD in body and NEW not in body
    assert "A correction of these minutes is in progress" in body
    pdf = client.get(PUBLIC + "minutes.pdf")
    assert pdf.status_code == 200 and "the published minutes" in _text(pdf)


def test_a_correction_keeps_the_published_minutes_for_members(client, published):
    login(client, "member")
    body = _text(client.get(MEMBERS))
    assert OLD in body and NEW not in body
    document = client.get(MEMBERS + "minutes.json").json()
    assert document["correction_in_progress"] is True
    assert OLD in document["items"][0]["narrative"] and NEW not in str(document)
    assert "the published minutes" in _text(client.get(MEMBERS + "minutes.pdf"))


def test_a_correction_keeps_the_published_decisions_in_the_register(client, published):
    login(client, "member")
    body = _text(client.get("/decisions/"))
    assert f"the {OLD} report." in body and NEW not in body
    assert f"the {OLD} report." in _text(client.get("/decisions/?verb=NOTED&q=kept"))
    assert OLD not in _text(client.get("/decisions/?verb=AGREED"))
    # The writers read the draft's decisions, as ever.
    login(client, "secretary")
    body = _text(client.get("/decisions/"))
    assert f"the {NEW} decision." in body


def test_the_published_version_actions_stay_while_the_draft_adds_wait(client, published):
    login(client, "member")
    log = _text(client.get("/actions/"))
    assert published["action"].reference in log
    assert published["added"].reference not in log
    # The review the published minutes recorded stays readable; the draft's edit is the live row.
    assert client.get(f"/actions/{published['action'].slug}/").status_code == 200
    assert client.get(f"/actions/{published['added'].slug}/").status_code == 404


def test_writers_see_the_correction_in_progress(client, published):
    login(client, "secretary")
    body = _text(client.get(MEMBERS))
    assert NEW in body and "Correction in progress" in body
    assert "/revisions/1/" in body


def test_the_revision_page_shows_what_changed(client, published):
    login(client, "member")
    # The member may not read the draft: its revision page is the draft's, not theirs.
    assert client.get(MEMBERS + "revisions/1/").status_code == 404
    login(client, "secretary")
    html = _text(client.get(MEMBERS + "revisions/1/"))
    body = re.sub(r"<[^>]+>", "", html)
    assert "What changed" in body
    assert f"Taken out: The {OLD}." in body and f"Put in: The {NEW}." in body
    # The words that changed in a line are marked.
    assert f"<mark>{OLD}.</mark>" in html and f"<mark>{NEW}.</mark>" in html
    # Attendance and the Actions Outstanding table are compared too.
    assert "Taken out: Member: Large Supplier – Mia Member" in body
    assert "Put in: Member: Small Supplier – Mia Member" in body
    assert f"Actions outstanding: {published['earlier'].reference}" in body
    assert f"Put in: {NEW} update." in body


def test_republishing_replaces_the_version_kept(client, published, world):
    meeting = published["meeting"]
    minutes_circulate(meeting=meeting, by=world.secretary.user)
    login(client, "member")
    assert NEW in _text(client.get(MEMBERS))  # the circulated correction, for members
    assert OLD in _text(client.get(PUBLIC))  # the public keeps the published version
    minutes_approve(meeting=meeting, at_meeting=None, by=world.chair.user)
    assert Meeting.objects.get(pk=meeting.pk).record_id is not None
    assert OLD in _text(client.get(PUBLIC))
    minutes_publish(meeting=meeting, by=world.chair.user)
    meeting.refresh_from_db()
    assert meeting.record is None
    body = _text(client.get(PUBLIC))
    assert NEW in body and "is in progress" not in body
    assert published["added"].reference in _text(client.get("/actions/"))


def test_a_second_correction_keeps_the_version_published(client, published, world):
    meeting = published["meeting"]
    first = meeting.record
    minutes_circulate(meeting=meeting, by=world.secretary.user)
    minutes_approve(meeting=meeting, at_meeting=None, by=world.chair.user)
    minutes_revise(meeting=meeting, reason="One more typo", by=world.chair.user)
    meeting.refresh_from_db()
    assert meeting.record == first
    assert OLD in _text(client.get(PUBLIC))


def test_correcting_approved_minutes_keeps_them_for_members(client, world):
    meeting = make_meeting(world, classification=world.amber)
    item = make_item(meeting, "1", "Minutes", narrative=OLD)
    minutes_circulate(meeting=meeting, by=world.secretary.user)
    minutes_approve(meeting=meeting, at_meeting=None, by=world.chair.user)
    minutes_revise(meeting=meeting, reason="Typo", by=world.chair.user)
    item_update(item=item, expected_version=None, narrative=NEW)
    login(client, "member")
    body = _text(client.get(MEMBERS))
    assert OLD in body and NEW not in body
    assert "version approved" in body
    # Nothing of it was ever public.
    client.logout()
    assert client.get(PUBLIC).status_code == 404
    minutes_circulate(meeting=meeting, by=world.secretary.user)
    minutes_approve(meeting=meeting, at_meeting=None, by=world.chair.user)
    assert Meeting.objects.get(pk=meeting.pk).record is None


def test_the_kept_version_withholds_what_a_reader_may_not_read(client, world, media, observer):
    meeting = make_meeting(world)
    make_item(meeting, "1", "Open item", narrative="open-words")
    make_item(meeting, "2", "Secret item", narrative="conf-words", confidential=True)
    meeting = _publish(world, meeting)
    minutes_revise(meeting=meeting, reason="Typo", by=world.chair.user)
    for who, sees_confidential in (("member", True), ("observer", False), (None, False)):
        client.logout()
        if who:
            login(client, who)
        body = _text(client.get(MEMBERS if who else PUBLIC))
        assert "open-words" in body
        assert ("conf-words" in body) is sees_confidential, who


@pytest.mark.parametrize("count", [3, 300])
def test_the_register_with_a_correction_holds_its_query_count(client, published, world, count):
    item = published["item"]
    meeting = make_meeting(world, number=30, date=datetime.date(2020, 1, 1))
    other = make_item(meeting, "1", "Other")
    Decision.objects.bulk_create(
        [Decision(item=other, verb="NOTED", text=f"decision {n}", order=n) for n in range(count)]
    )
    Meeting.objects.filter(pk=meeting.pk).update(status="circulated", circulated_at=timezone.now())
    assert item.meeting.record_id is not None
    login(client, "member")
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/decisions/?page=2" if count > 50 else "/decisions/")
    assert response.status_code == 200
    # The register's six, then per minutes under correction: their reader's
    # roles, the items the draft may have narrowed since (two) and the rows
    # before them.
    assert len(queries) <= 11, "\n".join(q["sql"] for q in queries.captured_queries)


def test_the_register_places_the_kept_decisions_by_their_meeting(client, published, world):
    later = make_meeting(world, number=26, date=datetime.date(2019, 11, 1))
    earlier = Meeting.objects.get(number=24)
    for meeting, text in ((later, "later-decision"), (earlier, "earlier-decision")):
        decision_save(item=make_item(meeting, "1", "Item"), verb="NOTED", text=text, points=[])
    Meeting.objects.filter(number=26).update(status="circulated", circulated_at=timezone.now())
    login(client, "member")
    body = _text(client.get("/decisions/"))
    assert body.index("later-decision") < body.index(OLD) < body.index("earlier-decision")
    assert Action.objects.filter(meeting__number=25).count() == 2


def test_a_review_the_correction_changes_stays_as_kept_for_readers(client, world, media):
    """The published minutes closed OPSG 24/01; the correction's draft
    reopens it with a new target and words. Until the correction is
    circulated, readers see it closed, without the draft's words."""
    m24 = make_meeting(world, number=24, date=datetime.date(2019, 9, 1))
    action = make_action(world, m24, target_date=datetime.date(2019, 9, 30))
    Meeting.objects.filter(pk=m24.pk).update(status="circulated", circulated_at=timezone.now())
    meeting = make_meeting(world)
    action_review_record(action=action, meeting=meeting, update=f"{OLD} done.", status="closed")
    meeting = _publish(world, meeting)
    minutes_revise(meeting=meeting, reason="It was not done", by=world.chair.user)
    action_review_record(
        action=action,
        meeting=meeting,
        update=f"{NEW} not done.",
        status="open",
        revised_target_date=datetime.date(2020, 2, 3),
    )
    action.refresh_from_db()
    assert action.status == "open"  # as the draft left it, for its writers
    for who in ("member", "owner"):
        login(client, who)
        page = _text(client.get(f"/actions/{action.slug}/"))
        assert NEW not in page and "03/02/2020" not in page and "3 Feb 2020" not in page
        assert f"{OLD} done." in page  # the review as the published minutes have it
        csv = _text(client.get("/actions/export.csv?status=all"))
        assert action.reference in csv and NEW not in csv and "2020-02-03" not in csv
        assert f"{OLD} done." in csv
        assert action.reference not in _text(client.get("/actions/?status=open"))
    login(client, "secretary")
    assert NEW in _text(client.get(f"/actions/{action.slug}/"))
    minutes_circulate(meeting=meeting, by=world.secretary.user)
    login(client, "member")
    assert NEW in _text(client.get(f"/actions/{action.slug}/"))


def test_a_draft_that_widens_the_audience_waits_for_its_circulation(client, world, media):
    """Committee-only minutes, approved, then corrected: the draft's White
    (public) does not open the version kept to the public meanwhile."""
    meeting = make_meeting(world, classification=world.amber)
    make_item(meeting, "1", "Item", narrative=OLD)
    minutes_circulate(meeting=meeting, by=world.secretary.user)
    minutes_approve(meeting=meeting, at_meeting=None, by=world.chair.user)
    meeting = minutes_publish(meeting=meeting, by=world.chair.user)
    minutes_revise(meeting=meeting, reason="Reclassify", by=world.chair.user)
    Meeting.objects.filter(pk=meeting.pk).update(classification=world.white_2019)
    assert client.get(PUBLIC).status_code == 404
    assert "/published/OPSG/25/" not in _text(client.get("/published/"))
    login(client, "outsider")  # a registered party, outside the committee
    assert client.get(MEMBERS).status_code == 404
    login(client, "member")
    assert OLD in _text(client.get(MEMBERS))


def test_a_draft_that_narrows_the_audience_takes_effect_at_once(client, published, world):
    """Published minutes that should never have gone online: the correction
    reclassifies them, and the public page stops serving the version kept."""
    meeting = published["meeting"]
    Meeting.objects.filter(pk=meeting.pk).update(classification=world.amber)
    assert client.get(PUBLIC).status_code == 404
    assert client.get(PUBLIC + "minutes.pdf").status_code == 404
    login(client, "member")
    assert OLD in _text(client.get(MEMBERS))


def test_a_confidential_session_stays_so_while_its_correction_is_drafted(
    client, world, media, observer
):
    m24 = make_meeting(world, number=24, date=datetime.date(2019, 9, 1))
    action = make_action(world, m24)
    Meeting.objects.filter(pk=m24.pk).update(status="circulated", circulated_at=timezone.now())
    session = make_meeting(world, kind=Meeting.Kind.CONFIDENTIAL)
    action_review_record(action=action, meeting=session, update="session-words", status="open")
    session = _publish(world, session)
    minutes_revise(meeting=session, reason="Not a session", by=world.chair.user)
    Meeting.objects.filter(pk=session.pk).update(kind=Meeting.Kind.MAIN)
    login(client, "observer")
    assert "session-words" not in _text(client.get(f"/actions/{action.slug}/"))
    login(client, "member")
    assert "session-words" in _text(client.get(f"/actions/{action.slug}/"))


def test_owners_are_still_reminded_of_actions_the_kept_version_raised(
    client, published, mailoutbox
):
    action = published["action"]
    Action.objects.filter(pk=action.pk).update(target_date=datetime.date(2019, 10, 20))
    send_reminders(datetime.date(2019, 10, 28))
    sent = " ".join(message.body for message in mailoutbox)
    assert action.reference in sent
    assert published["added"].reference not in sent


def test_lists_give_the_date_and_classification_of_the_version_kept(client, published, world):
    Meeting.objects.filter(pk=published["meeting"].pk).update(
        date=datetime.date(2019, 10, 9), classification=world.white_2019
    )
    listing = _text(client.get("/published/"))
    assert "1 Oct 2019" in listing and "9 Oct 2019" not in listing
    login(client, "member")
    committee = _text(client.get("/committees/OPSG/"))
    assert "1 October 2019" in committee and "9 October 2019" not in committee


def test_the_register_and_the_feed_give_the_dates_of_the_version_kept(client, published, world):
    meeting = published["meeting"]
    kept_next = meeting.next_meetings.get().date
    Meeting.objects.filter(pk=meeting.pk).update(date=datetime.date(2019, 10, 9))
    meeting.next_meetings.update(date=datetime.date(2019, 12, 24))
    login(client, "member")
    register = _text(client.get("/decisions/"))
    assert "1 Oct 2019" in register and "9 Oct 2019" not in register
    feed = FeedToken.objects.create(
        kind="meetings", user=world.member.user, committee=world.opsg, created_at=timezone.now()
    )
    calendar = _text(client.get(f"/feeds/{feed.token}/meetings.ics"))
    assert "20191001" in calendar and "20191009" not in calendar
    assert f"{kept_next:%Y%m%d}" in calendar and "20191224" not in calendar


def test_an_action_the_correction_changes_stays_as_kept_for_readers(
    client, published, world, mailoutbox
):
    """The published minutes raised OPSG 25/01; the correction's draft
    rewords it and moves its target. Until the correction is circulated,
    readers (members, owners, their feeds and reminders) have it as
    published; its writers have the draft."""
    action = published["action"]
    kept_target = action.target_date
    action_update(
        action=action,
        owners=[world.dcc],
        text=f"SECAS to {NEW}.",
        topic=NEW,
        target_date=datetime.date(2019, 10, 20),
    )
    for who in ("member", "owner"):
        login(client, who)
        page = _text(client.get(f"/actions/{action.slug}/"))
        assert NEW not in page and "20/10/2019" not in page
        assert "DCC to report on the incident." in page and "SECAS to" not in page
        log = _text(client.get("/actions/?status=all"))
        assert action.reference in log and NEW not in log and "SECAS to" not in log
        csv = _text(client.get("/actions/export.csv?status=all"))
        assert "DCC to report on the incident." in csv and NEW not in csv
        assert "2019-10-20" not in csv
        found = _text(client.get("/search/?q=draft-correction-wording&kind=action"))
        assert action.reference not in found and "SECAS to" not in found
    feed = FeedToken.objects.create(
        kind="actions", user=world.owner.user, created_at=timezone.now()
    )
    calendar = _text(client.get(f"/feeds/{feed.token}/actions.ics"))
    assert action.reference in calendar and NEW not in calendar and "SECAS to" not in calendar
    assert f"{kept_target:%Y%m%d}" in calendar
    send_reminders(kept_target + datetime.timedelta(days=3))
    sent = " ".join(message.body for message in mailoutbox)
    assert action.reference in sent and NEW not in sent and "SECAS to" not in sent
    login(client, "secretary")
    page = _text(client.get(f"/actions/{action.slug}/"))
    assert f"SECAS to {NEW}." in page and "20/10/2019" in page
    minutes_circulate(meeting=published["meeting"], by=world.secretary.user)
    login(client, "member")
    assert f"SECAS to {NEW}." in _text(client.get(f"/actions/{action.slug}/"))


def test_an_action_kept_changes_owners_or_goes_once_the_correction_is_circulated(published, world):
    """Owners decide who may open an action and who is reminded of it: a
    draft does not change them for the action the published version raised,
    with a message saying when it can; the actions the draft adds are its own."""
    action = published["action"]
    with pytest.raises(ValidationError, match="its owners once the correction is circulated"):
        action_update(action=action, owners=[world.secas], text=action.text)
    assert action.owner_names() == ["DCC"]
    added = published["added"]
    action_update(action=added, owners=[world.secas], text=added.text)
    with pytest.raises(ValidationError, match="deleted once the correction is circulated"):
        action_delete(action=action)
    minutes_circulate(meeting=published["meeting"], by=world.secretary.user)
    action.refresh_from_db()
    action_update(action=action, owners=[world.secas], text=action.text)
    assert action.owner_names() == ["SECAS"]
    assert action_delete(action=action) == action.reference


def test_lists_and_feeds_give_the_kind_times_and_place_of_the_version_kept(
    client, published, world
):
    """The draft moves OPSG 25 to another day, time and place, and makes it
    a reporting meeting: readers' lists, public list order and meetings feed
    keep those of the published version."""
    later = make_meeting(world, number=26, date=datetime.date(2019, 10, 20))
    _publish(world, later)
    Meeting.objects.filter(pk=published["meeting"].pk).update(
        date=datetime.date(2019, 11, 30),
        kind=Meeting.Kind.REPORTING,
        start_time=datetime.time(14, 30),
        location="canary-draft-hall",
    )
    listing = _text(client.get("/published/"))
    assert listing.index("/published/OPSG/26/") < listing.index("/published/OPSG/25/")
    login(client, "member")
    committee = _text(client.get("/committees/OPSG/"))
    assert "Reporting meeting" not in committee and "Main meeting" in committee
    feed = FeedToken.objects.create(
        kind="meetings", user=world.member.user, committee=world.opsg, created_at=timezone.now()
    )
    calendar = _text(client.get(f"/feeds/{feed.token}/meetings.ics"))
    assert "20191001T100000" in calendar and "143000" not in calendar
    assert "Fenchurch" in calendar and "canary-draft-hall" not in calendar
    assert "Reporting" not in calendar
    login(client, "secretary")
    assert "Reporting meeting" in _text(client.get("/committees/OPSG/"))


def test_a_draft_that_narrows_an_item_withholds_it_from_the_version_kept(
    client, published, world, observer
):
    """The correction takes item 3 in confidence: at once, those outside it
    no longer read it in the version kept, nor get the PDF that printed it;
    the members, who read in confidence, still do."""
    AgendaItem = published["item"].__class__
    AgendaItem.objects.filter(pk=published["item"].pk).update(confidential=True)
    page = _text(client.get(PUBLIC))
    assert f"The {OLD}." not in page and "Incident report" not in page
    assert client.get(PUBLIC + "minutes.pdf").status_code == 404
    listing = _text(client.get("/published/"))
    assert "/published/OPSG/25/" in listing and "minutes.pdf" not in listing
    client.force_login(observer)
    assert f"The {OLD}." not in _text(client.get(MEMBERS))
    assert f"The {OLD}." not in str(client.get(MEMBERS + "minutes.json").json())
    login(client, "member")
    assert f"The {OLD}." in _text(client.get(MEMBERS))


def test_search_finds_the_version_kept_not_the_draft(client, published):
    """Readers search what they read: the kept item and decision are found
    (by words only the kept version has), the draft's words are not; the
    meeting is found with its kept place."""
    Meeting.objects.filter(pk=published["meeting"].pk).update(location="canary-draft-hall")
    login(client, "member")
    found = _text(client.get("/search/", {"q": "kept-published-wording"}))
    assert "OPSG 25 – item 3. Incident report" in found
    assert "the OPSG NOTED" in found and "#item-3" in found
    assert NEW not in found
    assert "Incident report" not in _text(client.get("/search/", {"q": "draft-correction-wording"}))
    page = _text(client.get("/search/", {"q": "kept-published-wording", "kind": "item"}))
    assert "OPSG 25 – item 3. Incident report" in page
    meetings = _text(client.get("/search/", {"q": "OPSG", "kind": "meeting"}))
    assert "Fenchurch" in meetings and "canary-draft-hall" not in meetings
    assert "1 October 2019" in meetings
    Meeting.objects.filter(pk=published["meeting"].pk).update(date=datetime.date(2019, 11, 30))
    dated = {"q": "OPSG", "kind": "meeting", "date_from": "2019-09-30", "date_to": "2019-10-02"}
    assert "/committees/OPSG/meetings/25/" in _text(client.get("/search/", dated))
    assert "/committees/OPSG/meetings/25/" not in _text(
        client.get("/search/", {"q": "canary-draft-hall"})
    )
    login(client, "secretary")
    found = _text(client.get("/search/", {"q": "draft-correction-wording"}))
    assert "Incident report" in found


def test_the_editor_says_why_the_owners_of_an_action_kept_wait(client, published, world):
    """In the correction's editor, the secretary gives OPSG 25/01 to SECAS:
    the row answers with the reason and keeps what was typed."""
    action, item = published["action"], published["item"]
    login(client, "secretary")
    response = client.post(
        f"{MEMBERS}items/{item.pk}/actions/{action.pk}/",
        {
            "owner_organisations": [world.secas.pk],
            "text": "SECAS to typed wording.",
            "version": action.version,
        },
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 422
    body = response.content.decode()
    assert "its owners once the correction is circulated" in body
    assert "SECAS to typed wording." in body
    action.refresh_from_db()
    assert action.text == "DCC to report on the incident." and action.owner_names() == ["DCC"]


def test_the_version_kept_marks_people_as_the_published_page_did(client, world, media):
    """Part attendance with its items, the role, the teleconference: the
    public page of minutes being corrected prints them as before."""
    meeting = make_meeting(world)
    Attendance.objects.create(
        meeting=meeting,
        person=world.member,
        section="member",
        category="Large Supplier",
        part=True,
        items="6 & 7",
        remote=True,
        role="Vice chair",
    )
    meeting = _publish(world, meeting)
    before = _text(client.get(PUBLIC))
    minutes_revise(meeting=meeting, reason="A typo", by=world.chair.user)
    kept = _text(client.get(PUBLIC))
    for mark in ("(agenda item 6 &amp; 7)", "(Teleconference)", "(Vice chair)"):
        assert mark in before and mark in kept, mark


def test_a_corrections_circulation_says_it_is_one(world, media, mailoutbox):
    from meetings.circulation import send_circulation
    from minutes.services import minutes_circulate

    meeting = _publish(world, make_meeting(world))
    minutes_revise(meeting=meeting, reason="Item 3 misquotes the report", by=world.chair.user)
    meeting.refresh_from_db()
    minutes_circulate(meeting=meeting, by=world.secretary.user)
    send_circulation(meeting.pk)
    message = next(m for m in mailoutbox if "circulated" in m.subject)
    assert (
        message.subject == "OPSG 25: corrected draft minutes circulated for comments (OPSG_25_0110)"
    )
    assert "The reason given: Item 3 misquotes the report" in message.body
    assert "correction" in message.alternatives[0][0]


def test_publishing_asks_the_worker_for_the_published_pdf(
    world, media, django_capture_on_commit_callbacks
):
    meeting = make_meeting(world)
    with django_capture_on_commit_callbacks() as callbacks:
        meeting = _publish(world, meeting)
    # Circulating asked for the draft's PDF; publishing asks for the final one.
    document = MinutesDocument.objects.filter(meeting=meeting).latest("pk")
    assert document.minutes_status == "published" and document.state == "pending"
    assert any(getattr(c, "func", None) is queue_render for c in callbacks)


def test_the_public_page_says_when_the_minutes_were_published(client, world, media):
    meeting = _publish(world, make_meeting(world))
    body = _text(client.get(PUBLIC))
    assert f"Published on {timezone.localdate(meeting.published_at):%-d %B %Y}" in body


def test_each_change_confirms_what_was_emailed(client, world, media):
    """Publishing says who is told and that the final PDF is on its way;
    opening a correction says nobody is emailed until it is circulated."""
    meeting = make_meeting(world)
    minutes_circulate(meeting=meeting, by=world.secretary.user)
    minutes_approve(meeting=meeting, at_meeting=None, by=world.chair.user)
    login(client, "chair")
    response = client.post(MINUTES + "minutes/publish/", follow=True)
    said = " ".join(str(m) for m in response.context["messages"])
    assert "The publication notice is emailed to" in said and "The final PDF is being made" in said
    response = client.post(MINUTES + "minutes/revise/", {"reason": "A typo"}, follow=True)
    said = " ".join(str(m) for m in response.context["messages"])
    assert "Revision 1 recorded" in said and "Nobody is emailed now" in said
