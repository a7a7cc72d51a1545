"""Comments on circulated draft minutes (minutes/models.py: Comment; the
services, the access rule, the comments page and its htmx saves, the email
to the commenter, and the corrections listed at the approving meeting).

OPSG 25 (1 October 2019) is circulated with an item on an outage and an
item taken in confidence. Mia Member and Max Member (another member)
comment; Sam Secretary accepts or declines; OPSG 26 approves the minutes."""

import datetime
import io
import json

import docx
import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.core.mail.backends.base import BaseEmailBackend
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from meetings.models import AgendaItem, CommitteeRole, Meeting
from minutes import services
from minutes.access import can_read_comment, visible_comments
from minutes.comments import (
    send_comment_outcome,
    send_pending_comment_outcomes,
    suggestion_in_context,
    word_diff,
)
from minutes.models import Comment
from minutes.services import minutes_approve
from tests.base import (
    circulate,
    login,
    make_item,
    make_meeting,
    make_named_classification,
    make_person,
)

pytestmark = pytest.mark.django_db

URL = "/committees/OPSG/meetings/25/"
HTMX = {"HTTP_HX_REQUEST": "true"}
OUTAGE = "The DCC reported that the outage lasted four hours on Tuesday."


@pytest.fixture
def other(world):
    person = make_person("Max Member", "other", world.dcc)
    CommitteeRole.objects.create(committee=world.opsg, person=person, role="member")
    return person.user


@pytest.fixture
def m25(world):
    meeting = make_meeting(world)
    make_item(meeting, "1", "Previous Meeting Minutes", standing="previous_minutes")
    make_item(meeting, "2", "Outage", narrative=OUTAGE)
    make_item(meeting, "3", "Security", narrative="Secretconfnarrative.", confidential=True)
    circulate(meeting)
    return meeting


def item(meeting, number) -> AgendaItem:
    return meeting.items.select_related("meeting__committee").get(number=number)


def suggest(world, meeting, passage="four hours", replacement="five hours", author=None):
    return services.comment_add(
        item=item(meeting, "2"),
        author=author or world.member.user,
        text="The DCC's report says five.",
        passage=passage,
        replacement=replacement,
    )


# --- services -----------------------------------------------------------------------


def test_a_member_comments_and_suggests(world, m25):
    plain = services.comment_add(item=item(m25, "2"), author=world.member.user, text="Agreed.")
    assert plain.state == Comment.State.COMMENT and not plain.is_suggestion
    proposal = suggest(world, m25)
    assert proposal.state == Comment.State.PROPOSED and not proposal.is_stale


@pytest.mark.parametrize(
    "fields, message",
    [
        ({}, "Write a comment"),
        ({"passage": "", "replacement": "five"}, "Copy the words"),
        ({"passage": "six hours", "replacement": "five"}, "not in the item's text"),
        ({"passage": "o", "replacement": "0"}, "more than once"),
        ({"passage": "four", "replacement": "four"}, "the same"),
    ],
)
def test_a_comment_that_says_nothing_or_misquotes_the_text_is_refused(world, m25, fields, message):
    with pytest.raises(ValidationError, match=message):
        services.comment_add(item=item(m25, "2"), author=world.member.user, **fields)


@pytest.mark.parametrize("status", ["draft", "approved", "published"])
def test_commenting_is_open_only_while_the_minutes_are_circulated(world, m25, status):
    now = m25.circulated_at
    Meeting.objects.filter(pk=m25.pk).update(status=status, approved_at=now, published_at=now)
    m25.refresh_from_db()
    with pytest.raises(ValidationError, match="only while the minutes are circulated"):
        services.comment_add(item=item(m25, "2"), author=world.member.user, text="Late.")


def test_accepting_edits_the_draft_through_the_item_service_naming_the_author(world, m25):
    proposal = suggest(world, m25)
    services.suggestion_accept(comment=proposal, by=world.secretary.user)
    changed = item(m25, "2")
    assert changed.narrative == OUTAGE.replace("four hours", "five hours")
    assert changed.version == 2  # item_update's version claim
    record = changed.history.first()
    assert record.history_change_reason == "Suggestion by Mia Member accepted by Sam Secretary"
    assert record.history_user == world.secretary.user
    proposal.refresh_from_db()
    assert proposal.state == Comment.State.ACCEPTED and proposal.decided_by == world.secretary.user


def test_the_history_page_shows_whose_suggestion_it_was(client, world, m25):
    services.suggestion_accept(comment=suggest(world, m25), by=world.secretary.user)
    body = login(client, "member").get(URL + "history/").content.decode()
    assert "Suggestion by Mia Member accepted by Sam Secretary" in body


def test_a_stale_suggestion_is_shown_so_and_cannot_be_accepted(world, m25):
    proposal = suggest(world, m25)
    services.item_update(item=item(m25, "2"), expected_version=None, narrative="Rewritten.")
    proposal.refresh_from_db()
    assert proposal.is_stale
    with pytest.raises(ValidationError, match="no longer there"):
        services.suggestion_accept(comment=proposal, by=world.secretary.user)
    assert item(m25, "2").narrative == "Rewritten."


def test_declining_needs_a_reason_and_decides_once(world, m25):
    proposal = suggest(world, m25)
    with pytest.raises(ValidationError, match="Say why"):
        services.suggestion_decline(comment=proposal, by=world.secretary.user, reason="  ")
    services.suggestion_decline(comment=proposal, by=world.secretary.user, reason="Four it was.")
    proposal.refresh_from_db()
    assert proposal.state == Comment.State.DECLINED and proposal.decline_reason == "Four it was."
    with pytest.raises(ValidationError, match="already declined"):
        services.suggestion_accept(comment=proposal, by=world.secretary.user)
    assert item(m25, "2").narrative == OUTAGE


def test_comments_are_kept_when_the_minutes_are_approved(world, m25):
    suggest(world, m25)
    m26 = make_meeting(world, number=26, date=datetime.date(2019, 11, 5))
    minutes_approve(meeting=m25, at_meeting=m26, by=world.chair.user)
    assert Comment.objects.filter(item__meeting=m25).count() == 1


# --- the email -------------------------------------------------------------------------


def test_the_commenter_is_emailed_once_either_way(
    world, m25, settings, django_capture_on_commit_callbacks
):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    accepted, declined = suggest(world, m25), suggest(world, m25, "Tuesday", "Monday")
    with django_capture_on_commit_callbacks() as queued:
        services.suggestion_accept(comment=accepted, by=world.secretary.user)
        services.suggestion_decline(comment=declined, by=world.secretary.user, reason="No.")
    # Each decision queues its email once it commits; the worker sends it.
    assert [c.func.__name__ for c in queued] == ["queue_comment_outcome"] * 2
    assert [c.args for c in queued] == [(accepted.pk,), (declined.pk,)]
    assert send_comment_outcome(accepted.pk) and send_comment_outcome(declined.pk)
    assert [m.to for m in mail.outbox] == [["member@example.org"]] * 2
    first, second = mail.outbox
    assert "accepted" in first.subject and "five hours" in first.body
    assert "declined" in second.subject and "The reason given: No." in second.body
    # A retry, a second worker or the operators' command sends nothing more.
    assert not send_comment_outcome(accepted.pk) and not send_comment_outcome(declined.pk)
    assert len(mail.outbox) == 2


def test_outcomes_the_queue_never_took_are_swept_once(world, m25, settings):
    """Decided while the broker was down (the on-commit hand-over never ran):
    beat's sweep tells the author after a grace period, once; a failed send
    is left for the next run, not lost."""
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    proposal = suggest(world, m25)
    services.suggestion_accept(comment=proposal, by=world.secretary.user)
    assert send_pending_comment_outcomes() == 0  # not yet: the task may still come
    later = timezone.now() + datetime.timedelta(minutes=6)
    settings.EMAIL_BACKEND = "tests.minutes.test_comments.FailingBackend"
    assert send_pending_comment_outcomes(now=later) == 0
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert send_pending_comment_outcomes(now=later) == 1
    assert send_pending_comment_outcomes(now=later) == 0
    out = io.StringIO()
    call_command("send_comment_outcomes", stdout=out)
    assert out.getvalue().strip() == "0 emails sent." and len(mail.outbox) == 1


class FailingBackend(BaseEmailBackend):
    def send_messages(self, messages):
        raise ConnectionRefusedError("The mail server is down.")


def test_the_email_quotes_nothing_the_commenter_may_no_longer_read(world, m25, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    proposal = suggest(world, m25)
    services.suggestion_decline(
        comment=proposal, by=world.secretary.user, reason="See the confidential note."
    )
    # Since taken in confidence, and the author now only an observer.
    AgendaItem.objects.filter(pk=proposal.item_id).update(confidential=True)
    CommitteeRole.objects.filter(person=world.member).update(role="observer")
    assert send_comment_outcome(proposal.pk)
    message = mail.outbox[0]
    text = " ".join([message.subject, message.body, message.alternatives[0][0]])
    for word in ("four hours", "five hours", "Outage", "confidential note"):
        assert word not in text
    assert "no longer one you may read" in message.body


# --- who reads a comment ------------------------------------------------------------------


def _readers(comment, users) -> dict[str, bool]:
    return {user.username: can_read_comment(user, comment) for user in users}


@pytest.mark.parametrize("open_to_members", [False, True])
def test_who_reads_a_comment_under_either_policy(world, m25, other, observer, open_to_members):
    services.comment_policy_set(committee=world.opsg, visible_to_members=open_to_members)
    comment = suggest(world, m25)
    users = [world.member.user, world.secretary.user, world.chair.user, other, observer]
    users += [world.outsider.user, world.owner.user]
    readers = _readers(comment, users)
    assert readers == {
        "member": True,  # the author
        "secretary": True,
        "chair": True,  # the secretariat: both write the minutes
        "other": open_to_members,
        "observer": False,  # does not read circulated drafts
        "outsider": False,
        "owner": False,
    }
    # The queryset and the single check are one rule.
    for user in users:
        listed = set(visible_comments(user).values_list("pk", flat=True))
        assert (comment.pk in listed) == readers[user.username]


def test_a_comment_on_an_item_the_reader_may_not_read_is_never_shown(world, m25, other):
    services.comment_policy_set(committee=world.opsg, visible_to_members=True)
    comment = services.comment_add(item=item(m25, "3"), author=other, text="Secretconfcomment.")
    assert can_read_comment(other, comment) and can_read_comment(world.member.user, comment)
    # Members read in confidence; an item classified for named people is narrower.
    red = make_item(m25, "4", "Named", narrative="x")
    red.classification = make_named_classification(world.secretary)
    red.save()
    hidden = services.comment_add(item=red, author=world.secretary.user, text="Secretredcomment.")
    assert not can_read_comment(world.member.user, hidden)
    assert can_read_comment(world.secretary.user, hidden)
    body = login_page(world, "member")
    assert "Secretredcomment" not in body and "Named" not in body


def login_page(world, username) -> str:
    return login(Client(), username).get(URL + "comments/").content.decode()


# --- the page and its htmx saves -------------------------------------------------------------


def test_the_page_shows_a_suggestion_against_the_current_text(client, world, m25):
    suggest(world, m25)
    stale = suggest(world, m25, "Tuesday", "Monday")
    Comment.objects.filter(pk=stale.pk).update(passage="Wednesday")
    body = login(client, "secretary").get(URL + "comments/").content.decode()
    assert "<del>four</del><ins>five</ins> hours on Tuesday." in body
    assert "Out of date" in body and "Accept into the draft" in body
    assert body.count("Accept into the draft") == 1  # not for the stale one


def test_the_diff_escapes_everything():
    shown = word_diff("<b>old</b> text", "<script>x</script> text")
    assert "<script>" not in shown and "&lt;script&gt;" in shown
    assert suggestion_in_context("a b c", "z", "y") is None


def test_a_member_adds_a_comment_over_htmx_and_without_javascript(client, world, m25):
    login(client, "member")
    pk = item(m25, "2").pk
    response = client.post(
        URL + f"comments/items/{pk}/", {"text": "Agreed, <i>mostly</i>."}, **HTMX
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert "Comment added." in body and "&lt;i&gt;mostly&lt;/i&gt;" in body
    refused = client.post(URL + f"comments/items/{pk}/", {"passage": "six"}, **HTMX)
    assert refused.status_code == 422 and "not in the item" in refused.content.decode()
    plain = client.post(URL + f"comments/items/{pk}/", {"text": "Again."})
    assert plain.status_code == 302 and plain["Location"].endswith(f"#comments-{pk}")
    assert Comment.objects.count() == 2


def test_commenting_on_minutes_not_circulated_says_so(client, world, m25):
    Meeting.objects.filter(pk=m25.pk).update(status="approved", approved_at=m25.circulated_at)
    login(client, "member")
    body = client.get(URL + "comments/").content.decode()
    assert "Comments are taken only while the minutes are circulated" in body
    response = client.post(URL + f"comments/items/{item(m25, '2').pk}/", {"text": "x"}, **HTMX)
    assert response.status_code == 422
    assert "only while the minutes are circulated" in response.content.decode()


def test_the_secretary_accepts_and_declines_over_htmx(client, world, m25):
    accepted, declined = suggest(world, m25), suggest(world, m25, "Tuesday", "Monday")
    login(client, "secretary")
    response = client.post(URL + f"comments/{accepted.pk}/accept/", **HTMX)
    assert response.status_code == 200 and "Suggestion accepted" in response.content.decode()
    refused = client.post(URL + f"comments/{declined.pk}/decline/", {"reason": ""}, **HTMX)
    assert refused.status_code == 422 and "Say why" in refused.content.decode()
    done = client.post(URL + f"comments/{declined.pk}/decline/", {"reason": "Tuesday."}, **HTMX)
    assert done.status_code == 200
    assert "Declined by Sam Secretary" in done.content.decode()


def test_only_the_secretary_decides_and_sets_the_policy(client, world, m25):
    proposal = suggest(world, m25)
    login(client, "member")
    assert client.post(URL + f"comments/{proposal.pk}/accept/").status_code == 403
    assert client.post(URL + "comments/policy/", {"visible_to_members": "on"}).status_code == 403
    login(client, "secretary")
    client.post(URL + "comments/policy/", {"visible_to_members": "on"})
    assert world.opsg.comment_policy.visible_to_members


def _page_queries(client, count, m25, world) -> int:
    outage = item(m25, "2")
    Comment.objects.bulk_create(
        [
            Comment(
                item=outage,
                author=world.member.user,
                text=f"Comment {n}",
                passage="four hours" if n % 2 else "",
                replacement="five hours" if n % 2 else "",
                state="proposed" if n % 2 else "comment",
                created_at=m25.circulated_at,
            )
            for n in range(count)
        ]
    )
    with CaptureQueriesContext(connection) as queries:
        response = client.get(URL + "comments/")
    assert response.status_code == 200
    assert response.content.decode().count('class="comment ') == count
    return len(queries)


# The session and user; the meeting with the user's roles; the user's roles
# in every committee and the classifications naming them (read once for the
# access rules, meetings.access.committees_where); whether they may see it;
# the items they may read; the comments they may read with authors and
# deciders; the committee's policy.
PAGE_QUERIES = 8


@pytest.mark.parametrize("count", [3, 300])
def test_the_comments_page_holds_its_query_count(client, world, m25, count):
    login(client, "secretary")
    n = _page_queries(client, count, m25, world)
    assert n == PAGE_QUERIES, f"{n} queries for {count} comments"


# The session and user, the meeting and roles, every role (for the access
# rules), may they see it, the item; the insert; then the answer: the items,
# the comments, the policy.
ADD_QUERIES = 12


@pytest.mark.parametrize("count", [3, 300])
def test_adding_a_comment_holds_its_query_count(client, world, m25, count):
    login(client, "member")
    _page_queries(client, count, m25, world)
    with CaptureQueriesContext(connection) as queries:
        response = client.post(
            URL + f"comments/items/{item(m25, '2').pk}/", {"text": "One more."}, **HTMX
        )
    assert response.status_code == 200
    sql = [q["sql"] for q in queries.captured_queries]
    n = sum(not s.startswith(("SAVEPOINT", "RELEASE")) for s in sql)
    assert n <= ADD_QUERIES, "\n".join(sql)


# --- the corrections agreed, at the approving meeting ------------------------------------------


def test_the_approving_meeting_lists_the_corrections_agreed(client, world, m25):
    accepted = suggest(world, m25)
    services.suggestion_accept(comment=accepted, by=world.secretary.user)
    declined = suggest(world, m25, "Tuesday", "Monday")
    services.suggestion_decline(comment=declined, by=world.secretary.user, reason="No.")
    m26 = make_meeting(world, number=26, date=datetime.date(2019, 11, 5))
    make_item(m26, "1", "Previous Meeting Minutes", standing="previous_minutes")
    make_item(m26, "2", "Any Other Business", standing="aob")
    minutes_approve(meeting=m25, at_meeting=m26, by=world.chair.user)
    body = login(client, "secretary").get("/committees/OPSG/meetings/26/").content.decode()
    assert "Corrections agreed:" in body
    assert "OPSG 25, item 2: ‘four hours’ → ‘five hours’ (suggested by Mia Member)" in body
    assert "Monday" not in body
    # Under item 1, the minutes of the previous meeting.
    assert body.index("Corrections agreed") < body.index("Any Other Business")
    # The JSON and the Word file carry them under the same item.
    doc = json.loads(client.get("/committees/OPSG/meetings/26/minutes.json").content)
    assert doc["items"][0]["corrections_agreed"] == [
        {
            "minutes": "OPSG 25",
            "item": "2",
            "passage": "four hours",
            "replacement": "five hours",
            "suggested_by": "Mia Member",
        }
    ]
    assert "corrections_agreed" not in doc["items"][1]
    word = docx.Document(
        io.BytesIO(client.get("/committees/OPSG/meetings/26/minutes.docx").content)
    )
    text = "\n".join(p.text for p in word.paragraphs)
    assert "OPSG 25, item 2: ‘four hours’ → ‘five hours’ (suggested by Mia Member)" in text


def test_the_corrections_agreed_follow_the_items_then_the_order_suggested(client, world, m25):
    late = make_item(m25, "4", "Reports", narrative="The report was late and short.")
    for passage, replacement, on in (
        ("late", "early", late),
        ("four hours", "five hours", item(m25, "2")),
        ("short", "long", late),
    ):
        comment = services.comment_add(
            item=on,
            author=world.member.user,
            text="Wording.",
            passage=passage,
            replacement=replacement,
        )
        services.suggestion_accept(comment=comment, by=world.secretary.user)
    m26 = make_meeting(world, number=26, date=datetime.date(2019, 11, 5))
    make_item(m26, "1", "Previous Meeting Minutes", standing="previous_minutes")
    minutes_approve(meeting=m25, at_meeting=m26, by=world.chair.user)
    doc = json.loads(
        login(client, "secretary").get("/committees/OPSG/meetings/26/minutes.json").content
    )
    assert [(c["item"], c["passage"]) for c in doc["items"][0]["corrections_agreed"]] == [
        ("2", "four hours"),
        ("4", "late"),
        ("4", "short"),
    ]


def test_a_correction_to_an_item_the_reader_may_not_read_is_not_listed(client, world, m25):
    secret = item(m25, "3")
    proposal = services.comment_add(
        item=secret, author=world.member.user, passage="Secretconfnarrative", replacement="Secretx"
    )
    services.suggestion_accept(comment=proposal, by=world.secretary.user)
    m26 = make_meeting(world, number=26, date=datetime.date(2019, 11, 5))
    make_item(m26, "1", "Previous Meeting Minutes", standing="previous_minutes")
    minutes_approve(meeting=m25, at_meeting=m26, by=world.chair.user)
    now = m25.approved_at
    Meeting.objects.filter(pk=m26.pk).update(
        status="published", circulated_at=now, approved_at=now, published_at=now
    )
    assert (
        "Secretx" in login(client, "member").get("/committees/OPSG/meetings/26/").content.decode()
    )
    client.logout()
    assert "Secretx" not in client.get("/committees/OPSG/meetings/26/").content.decode()
