"""The committee's notices about its minutes: when the secretary circulates
draft minutes, each person who may now read them is sent the link; when the
chair approves them, and when they are published, each is told so
(CirculationEmail.Kind). One job for the three, by kind.

`send_circulation(meeting_id)` is the whole job; `meetings.tasks.
send_circulation_task` (queued by `minutes.services.minutes_circulate` when the
circulation commits, through `services.queue_circulation_email`) and
`manage.py send_circulation OPSG 25` only call it.

Who: everyone with a role in the committee whose login may read the minutes
as they now stand, by `meetings.access.can_see_meeting`, the rule the
minutes page applies: its members, chair and secretary, never an observer
(who reads published minutes only), nor a member outside a narrower
classification. One email per address.

What: which minutes (committee, number, date, document reference), that
they are circulated for comments, and the absolute link to the minutes page
(SITE_URL). Never an item's title nor anything else the minutes say: a
mailbox is not the site, and what a reader is shown depends on the item's
classification and confidence.

Exactly once, as the reminders (actions/reminders.py) do it: each (meeting,
circulation, address) is a CirculationEmail row under a unique constraint,
inserted before anything is sent. Then, one address at a time, the row is
locked (SKIP LOCKED on PostgreSQL), the email sent and the row marked sent
in the same transaction. A second run finds the rows sent; a second worker
skips the rows the first holds; an SMTP failure marks the row failed and
the task retries it. A crash after the server accepted a message and before
the commit sends that one email again: the send is the last step before the
commit to keep that window small.
"""

import datetime
from dataclasses import dataclass, field

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db.models import F
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from opsg.mail import send_claimed, tally, usable_address
from opsg.workdays import add_working_days

from .access import can_see_meeting
from .models import CirculationEmail, CommitteeRole, Meeting

Kind = CirculationEmail.Kind
# Each notice: the meeting's status it announces and the field with its moment.
ANNOUNCES = {
    Kind.CIRCULATED: (Meeting.Status.CIRCULATED, "circulated_at"),
    Kind.APPROVED: (Meeting.Status.APPROVED, "approved_at"),
    Kind.PUBLISHED: (Meeting.Status.PUBLISHED, "published_at"),
}


def moment(meeting: Meeting, kind: str):
    """When the event `kind` announces happened, or None when the minutes do
    not stand so (any more): the notice would say something untrue."""
    status, field_name = ANNOUNCES[kind]
    return getattr(meeting, field_name) if meeting.status == status else None


@dataclass(frozen=True)
class Recipient:
    name: str
    email: str
    person_id: int


@dataclass
class Mailing:
    """Who is told of a circulation, and who may read the minutes but has
    no email address to be told at."""

    recipients: list[Recipient]
    without_email: list[str]

    def announcement(self, what: str = "The link") -> str:
        """The confirmation of a change: who is emailed `what`."""
        count = len(self.recipients)
        if count:
            names = ", ".join(r.name for r in self.recipients)
            said = f"{what} is emailed to {_people(count)}: {names}."
        else:
            said = "Nobody is emailed: no one who may read them has an email address."
        if self.without_email:
            said += f" No email address for {', '.join(self.without_email)}."
        return said


def _people(n: int) -> str:
    return "1 person" if n == 1 else f"{n} people"


def _address(person) -> str:
    """The person's address, else their login's; "" when neither is usable."""
    return usable_address(person.email) or usable_address(person.user.email)


def circulation_mailing(meeting: Meeting) -> Mailing:
    """Who may read `meeting`'s minutes now, of those with a role in its
    committee, by the access rule for each; active logins only. One query
    for the roles, then the rule's own per person."""
    roles = (
        CommitteeRole.objects.filter(
            committee=meeting.committee, person__user__isnull=False, person__user__is_active=True
        )
        .select_related("person__user")
        .order_by("person__name", "person_id")
    )
    recipients: dict[str, Recipient] = {}
    without: list[str] = []
    seen: set[int] = set()
    for role in roles:
        person = role.person
        if person.pk in seen:  # a person with two roles
            continue
        seen.add(person.pk)
        if not can_see_meeting(person.user, meeting):
            continue
        address = _address(person)
        if not address:
            without.append(person.name)
        elif address not in recipients:
            recipients[address] = Recipient(person.name, address, person.pk)
    return Mailing(recipients=list(recipients.values()), without_email=without)


# --- the email ----------------------------------------------------------------------


def minutes_url(meeting: Meeting) -> str:
    return settings.SITE_URL + reverse("minutes", args=[meeting.committee.code, meeting.number])


def circulation_context(meeting: Meeting, recipient: Recipient) -> dict:
    """What the templates show: the minutes' particulars and the link, and
    nothing the minutes say."""
    by = ""
    if meeting.circulated_by is not None:
        person = getattr(meeting.circulated_by, "person", None)
        by = person.name if person else meeting.circulated_by.get_full_name()
    return {
        "name": recipient.name,
        "committee": meeting.committee,
        "number": meeting.number,
        "date": meeting.date,
        "reference": meeting.reference,
        "circulated_by": by,
        # Circulated again after a correction was opened: what it corrects.
        "correction": meeting.record if meeting.record_id else None,
        "comments_due": comments_due(meeting),
        "approved_at": meeting.approved_at,
        "approved_at_meeting": meeting.approved_at_meeting,
        "published_at": meeting.published_at,
        "url": minutes_url(meeting),
        "pdf_url": settings.SITE_URL
        + reverse("minutes-pdf", args=[meeting.committee.code, meeting.number]),
        "site_url": settings.SITE_URL,
    }


def comments_due(meeting: Meeting) -> datetime.date | None:
    """The day by which comments on circulated minutes are asked for:
    COMMENTS_DUE_WORKING_DAYS working days (England and Wales) after they
    went out."""
    if meeting.circulated_at is None:
        return None
    sent = timezone.localdate(meeting.circulated_at)
    return add_working_days(sent, settings.COMMENTS_DUE_WORKING_DAYS)


def circulation_message(
    meeting: Meeting, recipient: Recipient, kind: str = Kind.CIRCULATED
) -> EmailMultiAlternatives:
    """The notice of `kind`, in plain text and HTML (emails/minutes_<kind>.*)."""
    context = circulation_context(meeting, recipient)
    name = f"emails/minutes_{kind}"
    subject = " ".join(render_to_string(f"{name}.subject", context).split())
    message = EmailMultiAlternatives(
        subject=subject,
        body=render_to_string(f"{name}.txt", context),
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[recipient.email],
    )
    message.attach_alternative(render_to_string(f"{name}.html", context), "text/html")
    return message


# --- the run ------------------------------------------------------------------------


@dataclass
class CirculationReport:
    meeting: str
    # False: the minutes do not (or no longer) stand as the notice would say
    # (circulated, approved, published), so nothing is announced.
    circulated: bool = True
    kind: str = Kind.CIRCULATED
    dry_run: bool = False
    sent: list[str] = field(default_factory=list)
    # Sent by an earlier run, or being sent by another worker.
    skipped: list[str] = field(default_factory=list)
    failed: list[tuple[str, str]] = field(default_factory=list)
    without_email: list[str] = field(default_factory=list)
    would_send: list[str] = field(default_factory=list)

    def summary(self) -> str:
        event = {Kind.CIRCULATED: "circulated", Kind.APPROVED: "approved"}.get(
            self.kind, "published"
        )
        if not self.circulated:
            return f"{self.meeting}: the minutes are not {event}; nothing sent."
        if self.dry_run:
            return (
                f"Dry run for {self.meeting}: would send {len(self.would_send)} emails; "
                f"skipped {len(self.skipped)} already sent; "
                f"{len(self.without_email)} readers without an email address."
            )
        what = {Kind.CIRCULATED: "Circulation", Kind.APPROVED: "Approval notice"}.get(
            self.kind, "Publication notice"
        )
        return (
            f"{what} of {self.meeting}: sent {len(self.sent)} emails; "
            f"skipped {len(self.skipped)} already sent; failed {len(self.failed)}; "
            f"{len(self.without_email)} readers without an email address."
        )

    def as_dict(self) -> dict:
        return {
            "meeting": self.meeting,
            "kind": str(self.kind),
            "circulated": self.circulated,
            "sent": self.sent,
            "skipped": self.skipped,
            "failed": [address for address, _ in self.failed],
            "without_email": self.without_email,
        }


def send_circulation(
    meeting_id: int, *, dry_run: bool = False, kind: str = Kind.CIRCULATED
) -> CirculationReport:
    """Email the notice of `kind` (circulated by default, approved or
    published) to everyone who may read the minutes and has not been sent it
    for this event. Idempotent: run it as often as you like. Minutes that no
    longer stand so (circulated minutes approved since, or back to a draft
    for a correction) are not announced: the email would say something
    untrue."""
    meeting = (
        Meeting.objects.select_related(
            "committee", "classification", "circulated_by__person", "approved_at_meeting", "record"
        )
        .filter(pk=meeting_id)
        .first()
    )
    if meeting is None:
        return CirculationReport(meeting=f"meeting {meeting_id}", circulated=False, kind=kind)
    report = CirculationReport(meeting=str(meeting), dry_run=dry_run, kind=kind)
    at = moment(meeting, kind)
    if at is None:
        report.circulated = False
        return report
    mailing = circulation_mailing(meeting)
    report.without_email = mailing.without_email
    rows = CirculationEmail.objects.filter(meeting=meeting, kind=kind, circulated_at=at)
    already = set(
        rows.filter(state=CirculationEmail.State.SENT).values_list("recipient", flat=True)
    )
    if dry_run:
        for recipient in mailing.recipients:
            (report.skipped if recipient.email in already else report.would_send).append(
                recipient.email
            )
        return report

    claim_circulation(meeting, mailing, already=already, kind=kind)
    connection = get_connection(timeout=settings.EMAIL_TIMEOUT)
    try:
        for recipient in mailing.recipients:
            _send_one(meeting, recipient, connection, report, kind=kind, at=at)
    finally:
        connection.close()
    return report


def claim_circulation(
    meeting: Meeting,
    mailing: Mailing | None = None,
    *,
    already: set[str] = frozenset(),
    kind: str = Kind.CIRCULATED,
) -> None:
    """Insert the rows of the emails this circulation owes (an existing row,
    sent or another run's, is left as it is; `already`: addresses known to
    be sent). Run in the circulation's own transaction too
    (minutes.services.minutes_circulate), so the emails owed are on record before
    any queue is asked to send them: should the broker be down, or the
    worker die before sending, `send_pending_circulations` finds them."""
    mailing = mailing or circulation_mailing(meeting)
    now = timezone.now()
    CirculationEmail.objects.bulk_create(
        [
            CirculationEmail(
                meeting=meeting,
                kind=kind,
                circulated_at=moment(meeting, kind),
                recipient=r.email,
                person_id=r.person_id,
                claimed_at=now,
            )
            for r in mailing.recipients
            if r.email not in already
        ],
        ignore_conflicts=True,
    )


# Claimed this long ago and never tried: the task that should have sent them
# was not queued (the broker was down) or died before it began.
PENDING_AFTER = datetime.timedelta(minutes=5)


def send_pending_circulations(*, now: datetime.datetime | None = None) -> list[CirculationReport]:
    """Send the circulation emails owed and never tried: rows claimed more
    than PENDING_AFTER ago, no attempt made, of minutes still circulated in
    that circulation. Emails tried and failed are the task's retries' and
    then the operators' (`manage.py send_circulation`). Idempotent, like
    send_circulation, which it runs for each meeting concerned."""
    now = now or timezone.now()
    reports = []
    for kind, (status, field_name) in ANNOUNCES.items():
        meetings = (
            CirculationEmail.objects.filter(
                kind=kind,
                state=CirculationEmail.State.CLAIMED,
                attempts=0,
                claimed_at__lt=now - PENDING_AFTER,
                meeting__status=status,
                circulated_at=F(f"meeting__{field_name}"),
            )
            .order_by("meeting_id")
            .values_list("meeting_id", flat=True)
            .distinct()
        )
        reports += [send_circulation(meeting_id, kind=kind) for meeting_id in meetings]
    return reports


def _send_one(meeting: Meeting, recipient: Recipient, connection, report, *, kind, at) -> None:
    rows = CirculationEmail.objects.filter(
        meeting=meeting, kind=kind, circulated_at=at, recipient=recipient.email
    )
    outcome = send_claimed(rows, lambda: circulation_message(meeting, recipient, kind), connection)
    tally(report, recipient.email, outcome, f"Circulation email of {meeting}")
