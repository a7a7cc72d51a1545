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

What it costs does not grow with the actions an address has: what is due
is read in a fixed number of queries (the actions, and their owners as
plain values, each owner's addresses worked out once), the day's rows are
inserted in batches, and each digest is one transaction of three
statements (its claim, its rows, marking them), written by DigestWriter
and sent over the run's one SMTP connection.

Actions of a confidential session are never emailed: their owners may not
read them on the site either (actions/access.py).
"""

import datetime
import html
import logging
from collections.abc import Iterator
from dataclasses import dataclass, field

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import transaction
from django.db.models import F, Max, Q, QuerySet
from django.template.defaultfilters import date
from django.urls import reverse
from django.utils import timezone
from django.utils.text import Truncator

from meetings.models import ClaimedEmail, Committee, Meeting, NextMeeting, Organisation, Person
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
    and the owners it cannot reach, each once with the actions concerned.
    An owner's addresses are worked out once however many actions it owns."""

    def __init__(self):
        self._found: dict[tuple[str, str], OwnerWithoutEmail] = {}
        self._addresses: dict[tuple, tuple[list[str], OwnerWithoutEmail | None]] = {}

    def reach(self, action: Action) -> Iterator[tuple[ActionOwner, str]]:
        """(owner, address) for each usable address of the action's owners."""
        return self.reach_owners(action.reference, action.owners.all())

    def reach_owners(self, reference: str, owners) -> Iterator[tuple[ActionOwner, str]]:
        """`reach` for the action `reference` whose owners are `owners`."""
        for owner in owners:
            key = (owner.organisation_id, owner.person_id)
            found = self._addresses.get(key)
            if found is None:
                found = self._addresses[key] = owner_addresses(owner)
            addresses, problem = found
            if problem is not None:
                entry = self._found.setdefault((problem.owner, problem.reason), problem)
                entry.references.append(reference)
            for address in addresses:
                yield owner, address

    def owners(self) -> list[OwnerWithoutEmail]:
        return sorted(self._found.values(), key=lambda o: o.owner.lower())


# What a digest prints of an action, and what known.apply gives a reader's view of.
DIGEST_FIELDS = (
    "committee",
    "meeting_number",
    "sequence",
    "reference",
    "text",
    "topic",
    "status",
    "target_date",
    "target_note",
    "times_slipped",
    "days_slipped",
    "outcome",
    "closed_on",
    "superseded_by",
    "transferred_to",
    "committee__code",
    "committee__name",
)


def owners_of(action_pks) -> dict[int, list[ActionOwner]]:
    """The owners of the actions `action_pks`, in their order, by action:
    one query of plain values, each owner (an organisation, a person and
    theirs) built once however many actions it owns."""
    built: dict[tuple, ActionOwner] = {}
    found: dict[int, list[ActionOwner]] = {}
    for action_id, *row in (
        ActionOwner.objects.filter(action_id__in=action_pks)
        .order_by("action_id", "order", "id")
        .values_list(
            "action_id",
            "organisation_id",
            "organisation__short_name",
            "organisation__contact_emails",
            "person_id",
            "person__name",
            "person__email",
            "person__organisation_id",
            "person__organisation__short_name",
        )
    ):
        key = tuple(row)
        owner = built.get(key)
        if owner is None:
            org_id, short_name, contacts, person_id, name, email, p_org_id, p_org_name = row
            owner = built[key] = ActionOwner(
                organisation=(
                    Organisation(pk=org_id, short_name=short_name, contact_emails=contacts)
                    if org_id
                    else None
                ),
                person=(
                    Person(
                        pk=person_id,
                        name=name,
                        email=email,
                        organisation=(
                            Organisation(pk=p_org_id, short_name=p_org_name) if p_org_id else None
                        ),
                    )
                    if person_id
                    else None
                ),
            )
        found.setdefault(action_id, []).append(owner)
    return found


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
    actions = known.apply(
        owned.annotate(**known.annotations())
        .filter(known_status=Action.Status.OPEN)
        .filter(Q(known_target_date__lte=horizon) | Q(committee_id__in=asking))
        .select_related("committee")
        .only(*DIGEST_FIELDS)
        .order_by("committee__code", "meeting_number", "sequence")
    )
    owners = owners_of([action.pk for action in actions])
    items: dict[tuple[str, int, str], Action] = {}
    missing = Unreachable()
    for action in actions:
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
        for _, address in missing.reach_owners(action.reference, owners.get(action.pk, [])):
            for kind in kinds:
                items[(address, action.pk, kind)] = action
    return Due(day=day, items=items, without_email=missing.owners(), meetings=meetings, known=known)


# --- the digest -------------------------------------------------------------------


# The digest is written here rather than by the template engine: a run
# writes one per address (500 digests of 20 actions is 40,000 lines of text
# and HTML), and rendering them took as long as sending them. What a
# template would do is done the same way: the filters it would apply
# (date, pluralize, truncatewords) are called, or done as they do it, and
# the HTML part escapes every value as autoescaping does. The text is
# rendered as the templates that wrote it until then did, byte for byte.


@dataclass
class Line:
    """One action in a digest, with what its line says."""

    action: Action
    url: str
    target: str  # the action's target_display
    text: str  # the action's text cut to 40 words, as the digest prints it
    days_overdue: int = 0
    working_days_left: int = 0

    @property
    def update_url(self) -> str:
        # The owners' update form is on the action's page (action-update takes only its POST).
        return self.url + "#updates"


@dataclass
class CommitteeSection:
    committee: Committee
    meeting: NextUp | None = None
    before_meeting: list[Line] = field(default_factory=list)
    overdue: list[Line] = field(default_factory=list)
    due_today: list[Line] = field(default_factory=list)
    due_soon: list[Line] = field(default_factory=list)


@dataclass
class Digest:
    """What one recipient's digest of the day says."""

    recipient: str
    sections: list[CommitteeSection]
    summary: str
    # The meetings whose owners are asked for an update: "OPSG 26".
    meetings: list[str]
    actions_count: str


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


def _s(n: int) -> str:
    """The template filter pluralize, for a number."""
    return "" if n == 1 else "s"


def _slipped(times: int) -> str:
    return f", slipped {times} time{_s(times)}" if times else ""


class DigestWriter:
    """Writes the digests of one run of `day`: what is the same in each (the
    day in words, the links' stems, the committees' next meetings, the
    owners' view of the actions, from `due`) is worked out once."""

    SAMPLE_SLUG = "x-1-1"  # any slug action-detail accepts, to find where slugs go

    def __init__(self, day: datetime.date, due: Due):
        self.day = day
        self.due = due
        self.long_day = date(day, "l j F Y")
        self.short_day = date(day, "j F Y")
        self.soon_days = settings.REMINDER_DUE_SOON_DAYS
        head, tail = reverse("action-detail", args=[self.SAMPLE_SLUG]).split(self.SAMPLE_SLUG)
        self.action_url_parts = settings.SITE_URL + head, tail
        self.my_actions_url = settings.SITE_URL + reverse("action-log") + "?owner=mine"

    def line(self, action: Action, kind: str) -> Line:
        head, tail = self.action_url_parts
        return Line(
            action=action,
            url=f"{head}{action.slug}{tail}",
            target=action.target_display,
            # The template filter truncatewords, less its lazy wrapper.
            text=Truncator(action.text).words(40, truncate=" …"),
            days_overdue=action.days_overdue(self.day) if kind == Kind.OVERDUE else 0,
            working_days_left=(
                working_days_between(self.day, action.target_date)
                if kind == Kind.DUE_SOON and action.target_date
                else 0
            ),
        )

    def digest(self, recipient: str, rows: list[tuple[Action, str]]) -> Digest:
        """The digest of `rows`, each (action, kind): each action (with its
        committee) as its owners may know it."""
        self.due.known.apply([action for action, _ in rows])
        sections: dict[int, CommitteeSection] = {}
        for action, kind in sorted(rows, key=lambda r: (KIND_ORDER.index(r[1]), r[0].reference)):
            section = sections.get(action.committee_id)
            if section is None:
                section = sections[action.committee_id] = CommitteeSection(action.committee)
            if kind == Kind.BEFORE_MEETING:
                section.meeting = self.due.meetings.get(action.committee_id)
            getattr(section, kind).append(self.line(action, kind))
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
        return Digest(
            recipient=recipient,
            sections=ordered,
            summary=summary,
            meetings=[s.meeting.label for s in ordered if s.before_meeting and s.meeting],
            actions_count=_plural(len({action.pk for action, _ in rows}), "action"),
        )

    def subject(self, digest: Digest) -> str:
        if digest.meetings:
            said = f"Please send your update for {' and '.join(digest.meetings)}"
            if digest.summary:
                said += f" ({digest.summary})"
        else:
            said = f"Your actions: {digest.summary}"
        return " ".join(f"{said} – {self.short_day}".split())

    def text(self, digest: Digest) -> str:
        out = [
            "Hello,\n\n"
            f"Your reminder for {self.long_day}: {digest.actions_count} "
            "owned by you or your organisation.\n"
        ]
        write = out.append
        for section in digest.sections:
            write(f"\n== {section.committee.code}: {section.committee.name} ==\n")
            if section.before_meeting:
                meeting = section.meeting
                label, on = (meeting.label, date(meeting.date, "l j F Y")) if meeting else ("", "")
                write(f"\nPlease send your update for {label} ({on}) on each open action:\n")
                for line in section.before_meeting:
                    write(
                        f"\n- {line.action.reference}, target "
                        f"{line.target or 'not set'}\n"
                        f"  {line.text}\n"
                        f"  Send your update: {line.update_url}\n"
                    )
            if section.overdue:
                write("\nOverdue:\n")
                for line in section.overdue:
                    days = line.days_overdue
                    write(
                        f"\n- {line.action.reference}, target {line.target}: "
                        f"{days} day{_s(days)} overdue{_slipped(line.action.times_slipped)}\n"
                        f"  {line.text}\n"
                        f"  {line.url}\n"
                    )
            if section.due_today:
                write("\nDue today:\n")
                for line in section.due_today:
                    write(
                        f"\n- {line.action.reference}, target {line.target}"
                        f"{_slipped(line.action.times_slipped)}\n"
                        f"  {line.text}\n"
                        f"  {line.url}\n"
                    )
            if section.due_soon:
                write(f"\nDue within {self.soon_days} working day{_s(self.soon_days)}:\n")
                for line in section.due_soon:
                    left = line.working_days_left
                    write(
                        f"\n- {line.action.reference}, target {line.target} "
                        f"({left} working day{_s(left)} left)\n"
                        f"  {line.text}\n"
                        f"  {line.url}\n"
                    )
        write(
            '\nTo send an update, open the action: the form is under "Owners\' updates".\n'
            f"All your actions: {self.my_actions_url}\n"
            "\n"
            "You receive this because you are named as an owner of these actions, or\n"
            "are a contact of an owning organisation. Working days are those of England\n"
            "and Wales.\n\n"
        )
        return "".join(out)

    def html(self, digest: Digest) -> str:
        e = _escape
        title = (
            f"Please send your update for {' and '.join(e(m) for m in digest.meetings)}"
            if digest.meetings
            else "Your actions"
        )
        out = [
            "<!DOCTYPE html>\n"
            '<html lang="en-GB">\n'
            "<head>\n"
            '<meta charset="utf-8">\n'
            f"<title>{title}</title>\n"
            "</head>\n"
            '<body style="font-family: Arial, Helvetica, sans-serif; color: #1a1a1a; '
            'line-height: 1.4;">\n'
            "<p>Hello,</p>\n"
            f"<p>Your reminder for {e(self.long_day)}: {e(digest.actions_count)} "
            "owned by you or your organisation.</p>\n"
        ]
        write = out.append
        for section in digest.sections:
            write(
                '\n<h2 style="font-size: 1.2em; margin: 1.5em 0 .5em;">'
                f"{e(section.committee.code)}: {e(section.committee.name)}</h2>\n"
            )
            if section.before_meeting:
                meeting = section.meeting
                label, on = (meeting.label, date(meeting.date, "l j F Y")) if meeting else ("", "")
                write(
                    '\n<h3 style="font-size: 1em;">'
                    f"Please send your update for {e(label)} ({e(on)})</h3>\n<ul>\n"
                )
                for line in section.before_meeting:
                    reference = e(line.action.reference)
                    write(
                        f'\n  <li><a href="{e(line.url)}">{reference}</a>, target '
                        f"{e(line.target or 'not set')}<br>\n"
                        f"    {e(line.text)}<br>\n"
                        f'    <a href="{e(line.update_url)}">Send your update on {reference}</a>'
                        "</li>\n"
                    )
                write("\n</ul>\n")
            write("\n")
            if section.overdue:
                write('\n<h3 style="font-size: 1em; color: #b00020;">Overdue</h3>\n<ul>\n')
                for line in section.overdue:
                    days = line.days_overdue
                    write(
                        f'\n  <li><a href="{e(line.url)}">{e(line.action.reference)}</a>, '
                        f"target {e(line.target)}:\n"
                        f"    <strong>{days} day{_s(days)} overdue</strong>"
                        f"{_slipped(line.action.times_slipped)}<br>\n"
                        f"    {e(line.text)}</li>\n"
                    )
                write("\n</ul>\n")
            write("\n")
            if section.due_today:
                write('\n<h3 style="font-size: 1em;">Due today</h3>\n<ul>\n')
                for line in section.due_today:
                    write(
                        f'\n  <li><a href="{e(line.url)}">{e(line.action.reference)}</a>, '
                        f"target {e(line.target)}"
                        f"{_slipped(line.action.times_slipped)}<br>\n"
                        f"    {e(line.text)}</li>\n"
                    )
                write("\n</ul>\n")
            write("\n")
            if section.due_soon:
                soon = self.soon_days
                write(
                    '\n<h3 style="font-size: 1em;">'
                    f"Due within {soon} working day{_s(soon)}</h3>\n<ul>\n"
                )
                for line in section.due_soon:
                    left = line.working_days_left
                    write(
                        f'\n  <li><a href="{e(line.url)}">{e(line.action.reference)}</a>, '
                        f"target {e(line.target)} "
                        f"({left} working day{_s(left)} left)<br>\n"
                        f"    {e(line.text)}</li>\n"
                    )
                write("\n</ul>\n")
            write("\n")
        write(
            "\n<p>To send an update, open the action: the form is under “Owners’ updates”.</p>\n"
            f'<p><a href="{e(self.my_actions_url)}">All your actions</a></p>\n'
            '<p style="color: #555; font-size: .9em;">You receive this because you are named '
            "as an owner of these actions, or are a contact of an owning organisation. "
            "Working days are those of England and Wales.</p>\n"
            "</body>\n"
            "</html>\n"
        )
        return "".join(out)

    def message(self, recipient: str, rows: list[tuple[Action, str]]) -> EmailMultiAlternatives:
        digest = self.digest(recipient, rows)
        message = EmailMultiAlternatives(
            subject=self.subject(digest),
            body=self.text(digest),
            from_email=settings.DEFAULT_FROM_EMAIL,
            to=[recipient],
        )
        message.attach_alternative(self.html(digest), "text/html")
        return message


def _escape(value: str) -> str:
    """A value as the template engine's autoescaping writes it."""
    return html.escape(value)


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


def _lock_unsent(day: datetime.date, recipient: str) -> list[tuple[int, int, str]]:
    """The recipient's unsent rows of the day, (pk, action pk, kind), locked
    until the transaction ends. Every run claims the digest first, so none
    waits here; the lock keeps out a worker of an older release still
    running beside this one."""
    return list(
        Reminder.objects.select_for_update(of=("self",))
        .filter(day=day, recipient=recipient, state__in=UNSENT)
        .order_by("pk")
        .values_list("pk", "action_id", "kind")
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
    writer = DigestWriter(day, due)
    actions = {action.pk: action for action in due.items.values()}
    mailer = Mailer()
    try:
        for recipient in recipients:
            handled += _send_one(recipient, day, due, actions, writer, mailer, report)
    finally:
        mailer.close()
    report.skipped = max(0, len(due.items) - handled)
    return report


def _actions_of(pks) -> dict[int, Action]:
    """Actions of unsent rows the day's `due` does not hold (left by an
    earlier run of the day, or inserted by another run since), with their
    committees: one query."""
    found = Action.objects.filter(pk__in=pks).select_related("committee").only(*DIGEST_FIELDS)
    return {action.pk: action for action in found}


def _send_one(
    recipient: str,
    day: datetime.date,
    due: Due,
    actions: dict[int, Action],
    writer: DigestWriter,
    mailer: Mailer,
    report: RunReport,
) -> int:
    """Claim, send and record one recipient's digest, in one transaction of
    three statements (the claim, the rows, marking them) whatever the
    number of actions. Returns how many of the day's due reminders it
    carried (sent or failed)."""
    with transaction.atomic():
        _claim_digest(day, recipient)
        rows = _lock_unsent(day, recipient)
        if not rows:
            return 0
        pks = [pk for pk, _, _ in rows]
        carried = sum(1 for _, action_id, kind in rows if (recipient, action_id, kind) in due.items)
        if unknown := {action_id for _, action_id, _ in rows} - actions.keys():
            actions.update(_actions_of(unknown))
        # Written outside the try: a fault here is a bug to see, not a
        # delivery failure (the rows stay claimed for the next run).
        message = writer.message(recipient, [(actions[a], kind) for _, a, kind in rows])
        error = deliver(mailer, message, Reminder.objects.filter(pk__in=pks))
        if error:
            report.failed.append(Failure(recipient, len(rows), error))
            logger.warning("Reminder digest to %s failed: %s", recipient, error)
        else:
            report.emails_sent += 1
            report.reminders_sent += len(rows)
    return carried
