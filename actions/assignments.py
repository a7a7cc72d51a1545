"""Notices to the owners of new actions: once a meeting's minutes are
circulated, each owner's address gets one email naming the actions given to
it at that meeting, each with its target and link: "You have been given
action OPSG 26/03, target 12 March 2026".

`send_assignment_notices(meeting_id)` is the whole job; `actions.tasks.
send_assignment_notices_task` (queued by `minutes.services.minutes_circulate`
when the circulation commits) and `manage.py send_assignment_notices OPSG 26`
only call it. `send_pending_assignment_notices` (beat, every few minutes)
sends the notices owed and never tried.

Who and what, by the reminders' rule (reminders.told_to_owners,
reminders.owner_addresses): a named person's address, an owning
organisation's contacts; never an action of a confidential session, nor one
closed since. The notice is its own email, not a reminder digest: the
daily digest stays one per address per day.

Exactly once, as the reminders and the circulation emails do it: each
(address, action) is an AssignmentNotice row under a unique constraint,
inserted in the circulation's own transaction (`claim_assignment_notices`)
so the notices owed are on record before any queue is asked to send them.
Then one address at a time: its unsent rows of the meeting are locked
(SKIP LOCKED on PostgreSQL), one email sent, the rows marked sent in the
same transaction. A second run finds them sent; a second worker skips the
rows the first holds; an SMTP failure marks them failed for the task's
retry."""

import datetime
import logging
from dataclasses import dataclass, field

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.db.models import Prefetch
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from meetings.models import Meeting

from .known import known_figures
from .models import Action, ActionOwner, AssignmentNotice
from .reminders import (
    Mailer,
    OwnerWithoutEmail,
    Unreachable,
    deliver,
    owner_name,
    told_to_owners,
)

logger = logging.getLogger(__name__)

UNSENT = [AssignmentNotice.State.CLAIMED, AssignmentNotice.State.FAILED]


@dataclass
class Owed:
    """What a meeting's notices owe: address → its actions, and the owners
    with no usable address."""

    to: dict[str, list[Action]]
    without_email: list[OwnerWithoutEmail]
    # Whom each address stands for: "DCC", "Owen Owner".
    names: dict[str, str] = field(default_factory=dict)

    def announcement(self) -> str:
        """The confirmation of a circulation: which owners are told of their
        new actions; "" when the meeting gave none."""
        if not self.to and not self.without_email:
            return ""
        owners = sorted(set(self.names.values()), key=str.lower)
        said = ""
        if owners:
            n = len(owners)
            said = (
                f"{'1 owner' if n == 1 else f'{n} owners'} of new actions "
                f"{'is' if n == 1 else 'are'} emailed what they were given: {', '.join(owners)}."
            )
        if self.without_email:
            said += " No email address for " + ", ".join(o.owner for o in self.without_email) + "."
        return said.strip()


def _circulated(meeting_id: int) -> Meeting | None:
    """The meeting, when its minutes have gone out (circulated, approved or
    published); None for a draft or a meeting that is not there."""
    return (
        Meeting.objects.select_related("committee")
        .exclude(status=Meeting.Status.DRAFT)
        .filter(pk=meeting_id)
        .first()
    )


def notices_owed(meeting: Meeting) -> Owed:
    """Each owner address and the open actions given to it at `meeting`, as
    its owners may know them. A read: nothing is claimed. Three queries."""
    owned = told_to_owners().filter(meeting=meeting)
    known = known_figures(None, owned)
    actions = (
        owned.annotate(**known.annotations())
        .filter(known_status=Action.Status.OPEN)
        .select_related("committee", "meeting")
        .prefetch_related(
            Prefetch(
                "owners",
                queryset=ActionOwner.objects.select_related("organisation", "person__organisation"),
            )
        )
        .order_by("sequence")
    )
    to: dict[str, dict[int, Action]] = {}  # address -> the actions, once each, in order
    names: dict[str, str] = {}
    missing = Unreachable()
    for action in known.apply(actions):
        for owner, address in missing.reach(action):
            names.setdefault(address, owner_name(owner))
            to.setdefault(address, {})[action.pk] = action
    return Owed(
        to={address: list(actions.values()) for address, actions in to.items()},
        without_email=missing.owners(),
        names=names,
    )


def claim_assignment_notices(meeting: Meeting, owed: Owed | None = None) -> int:
    """Insert the rows of the notices `meeting` owes (an existing row, sent
    or another run's, is left as it is). Returns how many addresses are
    owed one."""
    owed = owed or notices_owed(meeting)
    now = timezone.now()
    AssignmentNotice.objects.bulk_create(
        [
            AssignmentNotice(
                recipient=address, meeting=meeting, action_id=action.pk, claimed_at=now
            )
            for address, actions in sorted(owed.to.items())
            for action in actions
        ],
        ignore_conflicts=True,
        batch_size=500,
    )
    return len(owed.to)


# --- the email --------------------------------------------------------------------


def _absolute(path: str) -> str:
    return settings.SITE_URL + path


def notice_context(recipient: str, meeting: Meeting, actions: list[Action]) -> dict:
    lines = []
    for action in actions:
        url = _absolute(reverse("action-detail", args=[action.slug]))
        lines.append({"action": action, "url": url, "update_url": url + "#updates"})
    return {
        "recipient": recipient,
        "meeting": meeting,
        "label": str(meeting),
        "lines": lines,
        "count": len(lines),
        "references": ", ".join(action.reference for action in actions),
        "my_actions_url": _absolute(reverse("action-log") + "?owner=mine"),
        "site_url": settings.SITE_URL,
    }


def notice_message(recipient: str, context: dict) -> EmailMultiAlternatives:
    subject = " ".join(render_to_string("emails/action_assigned.subject", context).split())
    message = EmailMultiAlternatives(
        subject=subject,
        body=render_to_string("emails/action_assigned.txt", context),
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[recipient],
    )
    message.attach_alternative(
        render_to_string("emails/action_assigned.html", context), "text/html"
    )
    return message


# --- the run ----------------------------------------------------------------------


@dataclass
class NoticeReport:
    meeting: str
    circulated: bool = True
    dry_run: bool = False
    sent: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    failed: list[tuple[str, str]] = field(default_factory=list)
    without_email: list[OwnerWithoutEmail] = field(default_factory=list)
    would_send: list[str] = field(default_factory=list)

    def summary(self) -> str:
        if not self.circulated:
            return f"{self.meeting}: the minutes have not been circulated; nothing sent."
        if self.dry_run:
            return (
                f"Dry run for {self.meeting}: would send {len(self.would_send)} notices of new "
                f"actions; skipped {len(self.skipped)} already sent; "
                f"{len(self.without_email)} owners without an email address."
            )
        return (
            f"Notices of new actions of {self.meeting}: sent {len(self.sent)} emails; "
            f"skipped {len(self.skipped)} already sent; failed {len(self.failed)}; "
            f"{len(self.without_email)} owners without an email address."
        )

    def as_dict(self) -> dict:
        return {
            "meeting": self.meeting,
            "circulated": self.circulated,
            "sent": self.sent,
            "skipped": self.skipped,
            "failed": [address for address, _ in self.failed],
            "without_email": [owner.owner for owner in self.without_email],
        }


def send_assignment_notices(meeting_id: int, *, dry_run: bool = False) -> NoticeReport:
    """Tell each owner of the meeting's new open actions, once. Idempotent:
    run it as often as you like."""
    meeting = _circulated(meeting_id)
    if meeting is None:
        return NoticeReport(meeting=f"meeting {meeting_id}", circulated=False)
    report = NoticeReport(meeting=str(meeting), dry_run=dry_run)
    owed = notices_owed(meeting)
    report.without_email = owed.without_email
    sent = set(
        AssignmentNotice.objects.filter(
            meeting=meeting, state=AssignmentNotice.State.SENT
        ).values_list("recipient", flat=True)
    )
    if dry_run:
        for address in sorted(owed.to):
            (report.skipped if address in sent else report.would_send).append(address)
        return report
    claim_assignment_notices(meeting, owed)
    # And addresses no longer owed anything whose rows wait: they are dropped.
    waiting = AssignmentNotice.objects.filter(meeting=meeting, state__in=UNSENT)
    addresses = sorted(set(owed.to) | set(waiting.values_list("recipient", flat=True)))
    mailer = Mailer()
    try:
        for address in addresses:
            _send_one(meeting, address, owed.to.get(address, []), mailer, report)
    finally:
        mailer.close()
    return report


def _send_one(
    meeting: Meeting, address: str, owed: list[Action], mailer: Mailer, report: NoticeReport
) -> None:
    """Claim, send and record one address's notice: the actions `owed` it
    whose rows are unsent. A row whose action is no longer owed (deleted,
    closed, or no longer the address's) is dropped: there is nothing true
    to tell."""
    with transaction.atomic():
        rows = list(
            AssignmentNotice.objects.select_for_update(skip_locked=True)
            .filter(meeting=meeting, recipient=address, state__in=UNSENT)
            .order_by("pk")
        )
        by_action = {row.action_id: row for row in rows}
        actions = [action for action in owed if action.pk in by_action]
        kept = {action.pk for action in actions}
        stale = [row.pk for row in rows if row.action_id not in kept]
        if stale:
            AssignmentNotice.objects.filter(pk__in=stale).delete()
        if not actions:
            report.skipped.append(address)
            return
        pks = [by_action[action.pk].pk for action in actions]
        # Rendered outside the try: a fault in the templates is a bug to see,
        # not a delivery failure (the rows stay claimed for the next run).
        message = notice_message(address, notice_context(address, meeting, actions))
        error = deliver(mailer, message, AssignmentNotice, pks)
        if error:
            report.failed.append((address, error))
            logger.warning("Notice of new actions of %s to %s failed: %s", meeting, address, error)
        else:
            report.sent.append(address)


# Claimed this long ago and never tried: the task that should have sent them
# was not queued (the broker was down) or died before it began.
PENDING_AFTER = datetime.timedelta(minutes=5)


def send_pending_assignment_notices(*, now: datetime.datetime | None = None) -> list[NoticeReport]:
    """Send the notices owed and never tried: rows claimed more than
    PENDING_AFTER ago with no attempt made. Tried and failed ones are the
    task's retries' and then the operators' (`manage.py
    send_assignment_notices`)."""
    now = now or timezone.now()
    meetings = (
        AssignmentNotice.objects.filter(
            state=AssignmentNotice.State.CLAIMED,
            attempts=0,
            claimed_at__lt=now - PENDING_AFTER,
        )
        .order_by("meeting_id")
        .values_list("meeting_id", flat=True)
        .distinct()
    )
    return [send_assignment_notices(meeting_id) for meeting_id in meetings]
