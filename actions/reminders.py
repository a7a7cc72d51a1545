"""Reminders to action owners: one digest email per address per working day.

`send_reminders(day)` is the whole job; `actions.tasks.send_reminders_task`
(Celery beat, daily at REMINDER_TIME) and `manage.py send_reminders` only
call it. A digest lists, per committee, the recipient's open actions that
are overdue, due that day or due within REMINDER_DUE_SOON_DAYS working days,
and REMINDER_BEFORE_MEETING_DAYS working days before a committee's next
meeting asks for an update on every open action of that committee.

Exactly once. Each (recipient, action, kind, day) is a Reminder row under a
unique constraint. The run first inserts every row due (a row that exists
already is left alone), then takes one recipient at a time: it claims the
recipient's digest of the day (locks its DigestClaim row, one per address
and day), reads all the recipient's unsent rows of the day, sends one email
with them, and marks them sent in the same transaction. So:

- a second run the same day finds the rows sent and sends nothing;
- two workers at once: the second waits on the claim the first holds and
  then finds the rows sent. The claim covers the address, not the rows one
  by one, so no worker can take part of an address's rows while another
  takes the rest (two emails where one was due);
- a crash between claim and send leaves rows `claimed`; the claim was a lock
  and dies with the connection, so the next run of the day takes it at once
  and sends them, with anything new;
- an SMTP failure marks the rows `failed` with the error and the attempt
  counted; the task retries with back-off and picks them up again.

The one window left is a crash after the SMTP server accepted a message and
before the commit: the rows stay `claimed` and that digest goes again. The
send is the last step before the commit to keep that window a few
milliseconds wide; the alternative (mark sent, then send) would lose
reminders instead.

Actions of a confidential session are never emailed: their owners may not
read them on the site either (actions/access.py).
"""

import datetime
import logging
from collections.abc import Iterator
from dataclasses import dataclass, field

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import transaction
from django.db.models import F, Max, Prefetch, Q, QuerySet
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from meetings.models import ClaimedEmail, Committee, Meeting, NextMeeting
from opsg.mail import failure_text, usable_address
from opsg.workdays import add_working_days, is_working_day, working_days_between

from .known import KnownFigures, kept_in_record, known_figures
from .models import Action, ActionOwner, DigestClaim, Reminder

logger = logging.getLogger(__name__)

Kind = Reminder.Kind
# Rows a run still has to send: new, or left over from a crash or a failure.
UNSENT = [Reminder.State.CLAIMED, Reminder.State.FAILED]
# The order of a committee's sections in the digest.
KIND_ORDER = [Kind.BEFORE_MEETING, Kind.OVERDUE, Kind.DUE_TODAY, Kind.DUE_SOON]


# --- what is due ----------------------------------------------------------------


@dataclass(frozen=True)
class NextUp:
    """A committee's next meeting as the reminder names it: "OPSG 26"."""

    label: str
    date: datetime.date


@dataclass
class OwnerWithoutEmail:
    owner: str
    reason: str
    references: list[str] = field(default_factory=list)


@dataclass
class Due:
    """Everything owed on a day: (recipient, action, kind) → the action, and
    the owners it could not be sent to; and what the owners may know of
    those actions (actions.known), for the digests."""

    day: datetime.date
    items: dict[tuple[str, int, str], Action]
    without_email: list[OwnerWithoutEmail]
    meetings: dict[int, NextUp]
    known: KnownFigures


def next_meetings(day: datetime.date) -> dict[int, NextUp]:
    """Each committee's first meeting after `day`: a meeting already set up,
    or a date announced in earlier minutes ("Next main meeting: 5 November
    2019"), whichever comes first. An announced one is numbered after the
    committee's last meeting. Three queries, however many committees."""
    found: dict[int, NextUp] = {}
    for meeting in (
        Meeting.objects.filter(date__gt=day).select_related("committee").order_by("date", "number")
    ):
        found.setdefault(meeting.committee_id, NextUp(str(meeting), meeting.date))
    last_numbers = dict(
        Meeting.objects.values_list("committee_id").annotate(last=Max("number")).order_by()
    )
    announced = (
        NextMeeting.objects.filter(date__gt=day)
        .select_related("meeting__committee")
        .order_by("date", "pk")
    )
    for nxt in announced:
        committee = nxt.meeting.committee
        known = found.get(committee.pk)
        if known is None or nxt.date < known.date:
            number = last_numbers.get(committee.pk, 0) + 1
            found[committee.pk] = NextUp(f"{committee.code} {number}", nxt.date)
    return found


def told_to_owners() -> QuerySet[Action]:
    """The actions an email to their owners may name: what a party holding
    no role may know (actions.known), so nothing raised in minutes still a
    draft, nothing of a confidential session, each as the circulated minutes
    left it. The reminders and the notices of new actions
    (actions/assignments.py) both ask here."""
    return Action.objects.filter(confidential=False).filter(
        Q(meeting__isnull=True)
        | ~Q(meeting__status=Meeting.Status.DRAFT)
        | kept_in_record("action")  # minutes being corrected keep what readers had
    )


def owner_name(owner: ActionOwner) -> str:
    """An owner as an email's sender names them: "DCC", "Owen Owner (SECAS)"."""
    if owner.organisation_id:
        return owner.organisation.short_name
    person = owner.person
    org = person.organisation.short_name if person.organisation_id else ""
    return f"{person.name} ({org})" if org else person.name


def owner_addresses(owner: ActionOwner) -> tuple[list[str], OwnerWithoutEmail | None]:
    """Where an owner is emailed: a person's address, or an organisation's
    contacts; and the problem when there is none usable."""
    name = owner_name(owner)
    if owner.organisation_id:
        raw = owner.organisation.contact_email_list
    else:
        raw = [owner.person.email.strip()] if owner.person.email.strip() else []
    if not raw:
        return [], OwnerWithoutEmail(name, "no email address")
    good, bad = [], []
    for address in raw:
        if usable := usable_address(address):
            good.append(usable)
        else:
            bad.append(address)
    problem = None
    if bad:
        problem = OwnerWithoutEmail(name, "not an email address: " + ", ".join(bad))
    return good, problem


class Unreachable:
    """While a job goes through actions' owners: each address to send to,
    and the owners it cannot reach, each once with the actions concerned."""

    def __init__(self):
        self._found: dict[tuple[str, str], OwnerWithoutEmail] = {}

    def reach(self, action: Action) -> Iterator[tuple[ActionOwner, str]]:
        """(owner, address) for each usable address of the action's owners."""
        for owner in action.owners.all():
            addresses, problem = owner_addresses(owner)
            if problem is not None:
                entry = self._found.setdefault((problem.owner, problem.reason), problem)
                entry.references.append(action.reference)
            for address in addresses:
                yield owner, address

    def owners(self) -> list[OwnerWithoutEmail]:
        return sorted(self._found.values(), key=lambda o: o.owner.lower())


def reminders_due(day: datetime.date) -> Due:
    """What the run of `day` owes each address. A read: nothing is claimed.
    Seven queries at most whatever the number of actions."""
    soon = settings.REMINDER_DUE_SOON_DAYS
    before = settings.REMINDER_BEFORE_MEETING_DAYS
    meetings = next_meetings(day)
    asking = {cid for cid, nxt in meetings.items() if add_working_days(nxt.date, -before) == day}
    # The last target date still "due within `soon` working days": up to the
    # day before the (soon + 1)-th working day, so a Saturday target counts
    # with the Friday before it.
    horizon = add_working_days(day, soon + 1) - datetime.timedelta(days=1)
    owned = told_to_owners()
    known = known_figures(None, owned)
    actions = (
        owned.annotate(**known.annotations())
        .filter(known_status=Action.Status.OPEN)
        .filter(Q(known_target_date__lte=horizon) | Q(committee_id__in=asking))
        .select_related("committee")
        .prefetch_related(
            Prefetch(
                "owners",
                queryset=ActionOwner.objects.select_related("organisation", "person__organisation"),
            )
        )
        .order_by("committee__code", "meeting_number", "sequence")
    )
    items: dict[tuple[str, int, str], Action] = {}
    missing = Unreachable()
    for action in known.apply(actions):
        kinds = []
        if action.committee_id in asking:
            kinds.append(Kind.BEFORE_MEETING)
        target = action.target_date
        if target is not None:
            if target < day:
                kinds.append(Kind.OVERDUE)
            elif target == day:
                kinds.append(Kind.DUE_TODAY)
            elif working_days_between(day, target) <= soon:
                kinds.append(Kind.DUE_SOON)
        if not kinds:
            continue
        for _, address in missing.reach(action):
            for kind in kinds:
                items[(address, action.pk, kind)] = action
    return Due(day=day, items=items, without_email=missing.owners(), meetings=meetings, known=known)


# --- the digest -------------------------------------------------------------------


@dataclass
class Line:
    action: Action
    url: str
    update_url: str
    days_overdue: int = 0
    times_slipped: int = 0
    working_days_left: int = 0


@dataclass
class CommitteeSection:
    committee: Committee
    meeting: NextUp | None = None
    before_meeting: list[Line] = field(default_factory=list)
    overdue: list[Line] = field(default_factory=list)
    due_today: list[Line] = field(default_factory=list)
    due_soon: list[Line] = field(default_factory=list)


def _absolute(path: str) -> str:
    return settings.SITE_URL + path


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


def digest_context(recipient: str, day: datetime.date, rows: list[Reminder], due: Due) -> dict:
    """What the digest templates show, from the rows being sent: each row's
    action (with its committee, which the caller fetches) as its owners may
    know it, and the committees' next meetings, from the day's `due`."""
    sections: dict[int, CommitteeSection] = {}
    due.known.apply([r.action for r in rows])
    meetings = due.meetings
    for row in sorted(rows, key=lambda r: (KIND_ORDER.index(r.kind), r.action.reference)):
        action = row.action
        section = sections.setdefault(
            action.committee_id, CommitteeSection(committee=action.committee)
        )
        url = _absolute(reverse("action-detail", args=[action.slug]))
        line = Line(
            action=action,
            url=url,
            # The owners' update form is on the action's page (action-update takes only its POST).
            update_url=url + "#updates",
            days_overdue=action.days_overdue(day),
            times_slipped=action.times_slipped,
            working_days_left=(
                working_days_between(day, action.target_date) if action.target_date else 0
            ),
        )
        if row.kind == Kind.BEFORE_MEETING:
            section.meeting = meetings.get(action.committee_id)
        getattr(section, row.kind).append(line)
    ordered = sorted(sections.values(), key=lambda s: s.committee.code)
    counts = {
        kind: sum(len(getattr(s, kind)) for s in ordered)
        for kind in (Kind.OVERDUE, Kind.DUE_TODAY, Kind.DUE_SOON)
    }
    summary = ", ".join(
        part
        for part in (
            f"{counts[Kind.OVERDUE]} overdue" if counts[Kind.OVERDUE] else "",
            f"{counts[Kind.DUE_TODAY]} due today" if counts[Kind.DUE_TODAY] else "",
            f"{counts[Kind.DUE_SOON]} due soon" if counts[Kind.DUE_SOON] else "",
        )
        if part
    )
    asking = [s.meeting.label for s in ordered if s.before_meeting and s.meeting]
    return {
        "recipient": recipient,
        "day": day,
        "sections": ordered,
        "summary": summary,
        "meetings": asking,
        "actions_count": _plural(len({r.action_id for r in rows}), "action"),
        "soon_days": settings.REMINDER_DUE_SOON_DAYS,
        "my_actions_url": _absolute(reverse("action-log") + "?owner=mine"),
        "site_url": settings.SITE_URL,
    }


def digest_message(recipient: str, context: dict, connection=None) -> EmailMultiAlternatives:
    subject = " ".join(render_to_string("emails/reminder_digest.subject", context).split())
    message = EmailMultiAlternatives(
        subject=subject,
        body=render_to_string("emails/reminder_digest.txt", context),
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[recipient],
        connection=connection,
    )
    message.attach_alternative(
        render_to_string("emails/reminder_digest.html", context), "text/html"
    )
    return message


# --- the run --------------------------------------------------------------------


@dataclass
class Failure:
    recipient: str
    reminders: int
    error: str


@dataclass
class RunReport:
    day: datetime.date
    dry_run: bool = False
    working_day: bool = True
    # Emails (digests) and the reminders in them, sent by this run.
    emails_sent: int = 0
    reminders_sent: int = 0
    # Due, but already sent by an earlier run or being sent by another worker.
    skipped: int = 0
    failed: list[Failure] = field(default_factory=list)
    without_email: list[OwnerWithoutEmail] = field(default_factory=list)
    # Dry run: address → reminders its digest would carry.
    would_send: dict[str, int] = field(default_factory=dict)

    @property
    def reminders_failed(self) -> int:
        return sum(f.reminders for f in self.failed)

    def summary(self) -> str:
        if not self.working_day:
            return (
                f"{self.day:%a %d %b %Y} is not a working day in England and Wales: nothing sent."
            )
        if self.dry_run:
            return (
                f"Dry run for {self.day:%a %d %b %Y}: would send {len(self.would_send)} emails "
                f"({sum(self.would_send.values())} reminders); skipped {self.skipped} already sent; "
                f"{len(self.without_email)} owners without an email address."
            )
        return (
            f"Reminders for {self.day:%a %d %b %Y}: sent {self.emails_sent} emails "
            f"({self.reminders_sent} reminders); skipped {self.skipped} already sent; "
            f"failed {len(self.failed)} emails ({self.reminders_failed} reminders); "
            f"{len(self.without_email)} owners without an email address."
        )


def _claim_digest(day: datetime.date, recipient: str) -> None:
    """Take the recipient's digest of the day, waiting while another run
    holds it. Call inside a transaction: the claim lasts until it ends, and
    ends with it should the worker die."""
    # An UPDATE locks the row as SELECT … FOR UPDATE would, and works on
    # SQLite too, where the transaction (BEGIN IMMEDIATE) already keeps
    # other writers out.
    claimed = DigestClaim.objects.filter(day=day, recipient=recipient).update(
        claimed_at=timezone.now()
    )
    if not claimed:  # inserted by send_reminders before any digest is sent
        raise DigestClaim.DoesNotExist(f"No digest claim for {recipient} on {day}")


def _lock_unsent(day: datetime.date, recipient: str) -> list[Reminder]:
    """The recipient's unsent rows of the day, locked until the transaction
    ends. Every run claims the digest first, so none waits here; the lock
    keeps out a worker of an older release still running beside this one."""
    return list(
        Reminder.objects.select_for_update(of=("self",))
        .filter(day=day, recipient=recipient, state__in=UNSENT)
        .select_related("action__committee")
        .order_by("pk")
    )


class NotAttempted(ConnectionError):
    """The SMTP server failed earlier in the run; this digest was not tried."""


class Mailer:
    """One SMTP connection for the whole run (EMAIL_TIMEOUT on every
    connect), reopened after a failure. Once the server cannot be reached,
    the rest of the run does not try again: it records why."""

    def __init__(self):
        self.connection = get_connection(timeout=settings.EMAIL_TIMEOUT)
        self.opened = False
        self.down: str | None = None

    def send(self, message: EmailMultiAlternatives) -> None:
        if self.down:
            raise NotAttempted(f"not attempted, the server failed earlier in this run: {self.down}")
        if not self.opened:
            try:
                self.connection.open()
            except OSError as exc:  # smtplib's errors and socket timeouts are OSErrors
                self.down = failure_text(exc)
                raise
            self.opened = True
        message.connection = self.connection
        try:
            message.send()
        except Exception:
            self.close()
            raise

    def close(self) -> None:
        if self.opened:
            self.opened = False
            try:
                self.connection.close()
            except Exception:  # a dead connection cannot be closed politely
                logger.debug("Closing the SMTP connection failed", exc_info=True)


def deliver(mailer: Mailer, message: EmailMultiAlternatives, rows: QuerySet) -> str:
    """Send `message` and mark its claimed `rows` (a ClaimedEmail: Reminder
    or AssignmentNotice) sent, or failed with
    the error, which is returned ("" once sent). Call inside the
    transaction that claimed the rows: the send is its last step."""
    try:
        mailer.send(message)
    except Exception as exc:
        error = failure_text(exc)
        rows.update(
            state=ClaimedEmail.State.FAILED,
            error=error,
            attempts=F("attempts") + (0 if isinstance(exc, NotAttempted) else 1),
        )
        return error
    rows.update(
        state=ClaimedEmail.State.SENT, sent_at=timezone.now(), error="", attempts=F("attempts") + 1
    )
    return ""


def send_reminders(day: datetime.date, *, dry_run: bool = False) -> RunReport:
    """Send the digests owed on `day`. Idempotent: run it as often as you like."""
    report = RunReport(day=day, dry_run=dry_run, working_day=is_working_day(day))
    if not report.working_day:
        return report
    due = reminders_due(day)
    report.without_email = due.without_email
    for owner in due.without_email:
        logger.warning(
            "Reminders for %s not sent: %s (%s)",
            owner.owner,
            owner.reason,
            ", ".join(owner.references),
        )

    already_sent = set(
        Reminder.objects.filter(day=day, state=Reminder.State.SENT).values_list(
            "recipient", "action_id", "kind"
        )
    )
    if dry_run:
        for recipient, _action_id, _kind in due.items.keys() - already_sent:
            report.would_send[recipient] = report.would_send.get(recipient, 0) + 1
        report.skipped = len(due.items.keys() & already_sent)
        return report

    # Claim first: an existing row (sent, or another run's) is left as it is.
    # Sorted, so two runs inserting the same rows at once take their index
    # locks in one order and cannot deadlock (a set's order differs between
    # processes).
    now = timezone.now()
    Reminder.objects.bulk_create(
        [
            Reminder(recipient=recipient, action_id=action_id, kind=kind, day=day, claimed_at=now)
            for recipient, action_id, kind in sorted(due.items.keys() - already_sent)
        ],
        ignore_conflicts=True,
        batch_size=500,
    )
    recipients = sorted(
        {recipient for recipient, _, _ in due.items}
        | set(
            Reminder.objects.filter(day=day, state__in=UNSENT)
            .values_list("recipient", flat=True)
            .distinct()
        )
    )
    # One claim row per address and day, inserted before any is locked (an
    # insert inside the sending transaction would make other runs wait on it).
    # Only the missing ones: on PostgreSQL an insert that meets a row another
    # run holds waits for that run, even when it would then do nothing.
    claimed = set(
        DigestClaim.objects.filter(day=day, recipient__in=recipients).values_list(
            "recipient", flat=True
        )
    )
    DigestClaim.objects.bulk_create(
        [DigestClaim(recipient=r, day=day) for r in recipients if r not in claimed],
        ignore_conflicts=True,
        batch_size=500,
    )
    handled = 0
    mailer = Mailer()
    try:
        for recipient in recipients:
            handled += _send_one(recipient, day, due, mailer, report)
    finally:
        mailer.close()
    report.skipped = max(0, len(due.items) - handled)
    return report


def _send_one(
    recipient: str, day: datetime.date, due: Due, mailer: Mailer, report: RunReport
) -> int:
    """Claim, send and record one recipient's digest. Returns how many of the
    day's due reminders it carried (sent or failed)."""
    with transaction.atomic():
        _claim_digest(day, recipient)
        rows = _lock_unsent(day, recipient)
        if not rows:
            return 0
        pks = [row.pk for row in rows]
        carried = sum(1 for r in rows if (r.recipient, r.action_id, r.kind) in due.items)
        # Rendered outside the try: a fault in the templates is a bug to see,
        # not a delivery failure (the rows stay claimed for the next run).
        message = digest_message(recipient, digest_context(recipient, day, rows, due))
        error = deliver(mailer, message, Reminder.objects.filter(pk__in=pks))
        if error:
            report.failed.append(Failure(recipient, len(rows), error))
            logger.warning("Reminder digest to %s failed: %s", recipient, error)
        else:
            report.emails_sent += 1
            report.reminders_sent += len(rows)
    return carried
