"""Comments on circulated minutes as their readers meet them: a suggested
wording change shown against the item's current text, and the email that
tells a commenter what the secretary decided (claimed before it is sent,
like meetings/circulation.py, so it goes once).

The narrative is Markdown as the secretary typed it (meetings/markdown.py):
a suggestion is a change to that text, so it is shown as text, escaped,
never rendered."""

import datetime
import difflib
import logging
import re

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from meetings.access import can_read_item
from meetings.models import user_name

from .models import Comment

logger = logging.getLogger(__name__)

# Characters of the current text shown either side of a suggestion, to place it.
CONTEXT = 60
WORDS = re.compile(r"(\s+)")


def word_diff(old: str, new: str) -> SafeString:
    """`old` becoming `new`, word by word: taken-out words in <del>, put-in
    words in <ins>, everything escaped."""
    a, b = WORDS.split(old), WORDS.split(new)
    parts = []
    for tag, a0, a1, b0, b1 in difflib.SequenceMatcher(a=a, b=b, autojunk=False).get_opcodes():
        removed, added = "".join(a[a0:a1]), "".join(b[b0:b1])
        if tag == "equal":
            parts.append(escape(removed))
            continue
        if removed:
            parts.append(f"<del>{escape(removed)}</del>")
        if added:
            parts.append(f"<ins>{escape(added)}</ins>")
    return mark_safe("".join(parts))  # noqa: S308 (every piece escaped above)


def suggestion_in_context(narrative: str, passage: str, replacement: str) -> SafeString | None:
    """The suggestion against the item's current text: a little of the text
    before and after the passage, and the passage's words changed; None when
    the passage is no longer in the text (stale)."""
    at = narrative.find(passage) if passage else -1
    if at < 0:
        return None
    before = narrative[max(0, at - CONTEXT) : at]
    after = narrative[at + len(passage) : at + len(passage) + CONTEXT]
    lead = "…" if at > CONTEXT else ""
    tail = "…" if at + len(passage) + CONTEXT < len(narrative) else ""
    return mark_safe(  # noqa: S308 (escaped here and in word_diff)
        f"{lead}{escape(before)}{word_diff(passage, replacement)}{escape(after)}{tail}"
    )


def comments_url(comment: Comment) -> str:
    meeting = comment.item.meeting
    url = reverse("minutes-comments", args=[meeting.committee.code, meeting.number])
    return f"{settings.SITE_URL}{url}#comment-{comment.pk}"


def outcome_message(comment: Comment) -> EmailMultiAlternatives | None:
    """The email telling the author what became of their suggestion; None
    when they have no address. What the item says (its title, the passage,
    the reason, which may quote it) is in it only while the author may still
    read that item: a comment's item may since have been taken in
    confidence, or the author lost their role."""
    author = comment.author
    email = author.email or getattr(getattr(author, "person", None), "email", "")
    if not email:
        return None
    meeting = comment.item.meeting
    readable = can_read_item(author, comment.item)
    context = {
        "name": user_name(author),
        "committee": meeting.committee,
        "number": meeting.number,
        "reference": meeting.reference,
        "accepted": comment.state == Comment.State.ACCEPTED,
        "readable": readable,
        "item": comment.item if readable else None,
        "comment": comment if readable else None,
        "decided_by": user_name(comment.decided_by) if comment.decided_by else "the secretary",
        "url": comments_url(comment),
    }
    subject = " ".join(render_to_string("emails/suggestion_outcome.subject", context).split())
    message = EmailMultiAlternatives(
        subject=subject,
        body=render_to_string("emails/suggestion_outcome.txt", context),
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[email],
    )
    message.attach_alternative(
        render_to_string("emails/suggestion_outcome.html", context), "text/html"
    )
    return message


# Decided this long ago and its author never told: the task was not queued
# (the broker was down), or died before it began.
PENDING_AFTER = datetime.timedelta(minutes=5)


def send_pending_comment_outcomes(
    *, now: datetime.datetime | None = None, older_than: datetime.timedelta = PENDING_AFTER
) -> int:
    """Tell the authors of suggestions decided more than `older_than` ago
    and not yet told (send_comment_outcome, which claims each first). A
    failed send is logged and left for the next run. Returns how many emails
    were sent."""
    now = now or timezone.now()
    owed = Comment.objects.filter(
        state__in=[Comment.State.ACCEPTED, Comment.State.DECLINED],
        notified_at__isnull=True,
        decided_at__lte=now - older_than,
    ).values_list("pk", flat=True)
    sent = 0
    for pk in list(owed):
        try:
            sent += send_comment_outcome(pk)
        except Exception as exc:
            logger.warning("Suggestion %s: its outcome could not be emailed: %s", pk, exc)
    return sent


def send_comment_outcome(comment_id: int) -> bool:
    """Tell the author of a decided suggestion what was decided, once. The
    comment's row is locked (another worker skips it), the email sent, and
    `notified_at` set, in one transaction: a send that fails, or a worker
    that dies before the commit, leaves it untold for the retry or the
    sweep. The one window left, as for the reminders (actions/reminders.py),
    is a crash after the mail server took the message and before the
    commit: the email goes twice rather than never. True if this run sent
    it; an author without an address is marked told (there is no one to
    tell) and False."""
    decided = [Comment.State.ACCEPTED, Comment.State.DECLINED]
    with transaction.atomic():
        comment = (
            Comment.objects.select_for_update(skip_locked=True, of=("self",))
            .select_related("item__meeting__committee", "author__person", "decided_by__person")
            .filter(pk=comment_id, state__in=decided, notified_at__isnull=True)
            .first()
        )
        if comment is None:
            return False
        message = outcome_message(comment)
        if message is not None:
            message.send()
        Comment.objects.filter(pk=comment_id).update(notified_at=timezone.now())
    if message is None:
        logger.info("Suggestion %s: its author has no email address", comment_id)
        return False
    return True
