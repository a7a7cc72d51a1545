"""Reminders to action owners: one digest email per address per working day.

`send_reminders(day)` is the whole job; `actions.tasks.send_reminders_task`
(Celery beat, daily at REMINDER_TIME) and `manage.py send_reminders` only
call it. A digest lists, per committee, the recipient's open actions that
are overdue, due that day or due within REMINDER_DUE_SOON_DAYS working days,
and REMINDER_BEFORE_MEETING_DAYS working days before a committee's next
meeting asks for an update on every open action of that committee.

Exactly once. Each (recipient, action, kind, day) is a Reminder row under a
unique constraint. The run first inserts every row due (a row that exists
already is left alone), then takes the recipients a batch at a time: it
claims the batch's digests of the day (one DigestClaim row per address and
day), reads all their unsent rows of the day, and for each address sends
one email with its rows and then marks them sent. A claim is a lock that
dies with the connection that holds it: on PostgreSQL a session advisory
lock on the claim's row, held across the batch's commits (one statement
takes the batch's); on SQLite, or behind a pooler in transaction mode,
the claim row's lock inside one transaction per digest. So:

- a second run the same day finds the rows sent and sends nothing;
- two workers at once: the second waits on the claim the first holds and
  then finds the rows sent. The claim covers the address, not the rows one
  by one, so no worker can take part of an address's rows while another
  takes the rest (two emails where one was due);
- a crash between claim and send leaves rows `claimed`; the claim was a lock
  and dies with the connection, so the next run of the day takes it at once
  and sends them, with anything new; a run stopped by an exception lets its
  claims go (each digest it sent was marked as it went);
- an SMTP failure marks the rows `failed` with the error and the attempt
  counted; the task retries with back-off and picks them up again.

The one window left is a crash after the SMTP server accepted a message and
before its rows are marked: the rows stay `claimed` and that digest goes
again. The mark follows each send at once, committed without waiting for
the disk (_quick_commits), to keep that window a few milliseconds wide; the
alternative (mark sent, then send) would lose reminders instead.

What it costs does not grow with the actions an address has: what is due
is read in a fixed number of queries (the actions, and their owners as
plain values, each owner built and its addresses worked out once, each
action's kinds once per committee and target), the day's rows are
inserted in one statement (batches on SQLite; on PostgreSQL a plain insert
of the rows not there yet, ON CONFLICT DO NOTHING only once it meets rows
another run inserted meanwhile), a batch of 100 digests is claimed and its
rows read in one statement each, and each digest is one statement marking
its rows, written by DigestWriter (one loop, one table of sections, for
the text and the HTML; what many lines say alike written once a run), its
MIME by the run's MimeFrame, and sent over the run's one SMTP connection.

Actions of a confidential session are never emailed: their owners may not
read them on the site either (actions/access.py).
"""

import datetime
import html
import json
import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from operator import itemgetter

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.core.mail.backends.smtp import EmailBackend as SMTPBackend
from django.db import IntegrityError, connection, transaction
from django.db.models import Max, Q, QuerySet
from django.template.defaultfilters import date
from django.urls import reverse
from django.utils import timezone
from django.utils.text import Truncator

from meetings.models import ClaimedEmail, Meeting, NextMeeting, Organisation, Person
from opsg.mail import MimeFrame, failure_text, usable_address
from opsg.workdays import add_working_days, is_working_day, working_days_between

from .known import KnownFigures, kept_in_record, known_figures
from .models import Action, ActionOwner, DigestClaim, Reminder

logger = logging.getLogger(__name__)

Kind = Reminder.Kind
# Rows a run still has to send: new, or left over from a crash or a failure.
UNSENT = [Reminder.State.CLAIMED, Reminder.State.FAILED]


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


class Told:
    """An action as a digest tells it: the columns it prints, read as a plain
    row (a run reads 10,000; as model instances that took a fifth of a
    second), with what known.apply writes of an owner's view. Read as an
    Action is: its target, slug and days overdue are Action's own."""

    __slots__ = (
        *("pk", "committee_id", "committee_code", "committee_name", "reference", "text"),
        *("status", "target_date", "target_note", "times_slipped"),
        # Written by known.apply alone; the digest does not print them.
        *("days_slipped", "topic", "outcome", "closed_on", "superseded_by", "transferred_to"),
    )
    Status = Action.Status
    is_open = Action.is_open
    slug = Action.slug
    target_display = Action.target_display
    days_overdue = Action.days_overdue

    def __init__(self, pk, committee_id, committee_code, committee_name, reference, text, *state):
        self.pk, self.committee_id, self.reference, self.text = pk, committee_id, reference, text
        self.committee_code, self.committee_name = committee_code, committee_name
        self.status, self.target_date, self.target_note, self.times_slipped = state
        self.days_slipped = self.topic = None


@dataclass
class Due:
    """Everything owed on a day: (recipient, action, kind) → the action, and
    the owners it could not be sent to; and what the owners may know of
    those actions (actions.known), for the digests."""

    day: datetime.date
    items: dict[tuple[str, int, str], Told]
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
        for owner in action.owners.all():
            for address in self.addresses(action.reference, owner):
                yield owner, address

    def addresses(self, reference: str, owner: ActionOwner) -> list[str]:
        """The usable addresses of `owner`, one of the action `reference`'s
        owners; noting the owner as one it cannot reach when it has none,
        or one that is not an address."""
        key = (owner.organisation_id, owner.person_id)
        found = self._addresses.get(key)
        if found is None:
            found = self._addresses[key] = owner_addresses(owner)
        addresses, problem = found
        if problem is not None:
            entry = self._found.setdefault((problem.owner, problem.reason), problem)
            entry.references.append(reference)
        return addresses

    def owners(self) -> list[OwnerWithoutEmail]:
        return sorted(self._found.values(), key=lambda o: o.owner.lower())


# Told's columns, in its order.
TOLD_COLUMNS = (
    *("pk", "committee_id", "committee__code", "committee__name", "reference", "text"),
    *("status", "target_date", "target_note", "times_slipped"),
)
# An owner as an email's sender names it and where it is emailed, read with
# each action it owns.
OWNER_COLUMNS = (
    "organisation_id",
    "organisation__short_name",
    "organisation__contact_emails",
    "person_id",
    "person__name",
    "person__email",
    "person__organisation_id",
    "person__organisation__short_name",
)


def owner_of(row: tuple) -> ActionOwner:
    """The owner of OWNER_COLUMNS' `row`, as owner_addresses reads it."""
    org_id, short_name, contacts, person_id, name, person_email, p_org_id, p_org_name = row
    return ActionOwner(
        organisation=(
            Organisation(pk=org_id, short_name=short_name, contact_emails=contacts)
            if org_id
            else None
        ),
        person=(
            Person(
                pk=person_id,
                name=name,
                email=person_email,
                organisation=(
                    Organisation(pk=p_org_id, short_name=p_org_name) if p_org_id else None
                ),
            )
            if person_id
            else None
        ),
    )


def _kinds_due(
    day: datetime.date, asked: bool, target: datetime.date | None, soon: int
) -> tuple[str, ...]:
    """The reminders an open action is due on `day`: before its committee's
    meeting (`asked`), and by its target date."""
    kinds = [Kind.BEFORE_MEETING] if asked else []
    if target is not None:
        if target < day:
            kinds.append(Kind.OVERDUE)
        elif target == day:
            kinds.append(Kind.DUE_TODAY)
        elif working_days_between(day, target) <= soon:
            kinds.append(Kind.DUE_SOON)
    return tuple(kinds)


def reminders_due(day: datetime.date) -> Due:
    """What the run of `day` owes each address. A read: nothing is claimed.
    Six queries at most whatever the number of actions: the actions due are
    read with their owners, as plain values."""
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
    rows = (
        owned.annotate(**known.annotations())
        .filter(known_status=Action.Status.OPEN)
        .filter(Q(known_target_date__lte=horizon) | Q(committee_id__in=asking))
        .order_by("committee__code", "meeting_number", "sequence", "owners__order", "owners__id")
        .values_list(*TOLD_COLUMNS, *(f"owners__{column}" for column in OWNER_COLUMNS))
    )
    actions: dict[int, Told] = {}
    # Each action's owners, and each owner built once however many actions it owns.
    owners: dict[int, list[ActionOwner]] = {}
    built: dict[tuple, ActionOwner] = {}
    split = len(TOLD_COLUMNS)
    person = split + 3
    for row in rows:
        pk = row[0]
        owned = owners.get(pk)
        if owned is None:
            actions[pk] = Told(*row[:split])
            owned = owners[pk] = []
        key = row[split], row[person]
        owner = built.get(key)
        if owner is None:
            if key == (None, None):  # an action without owners
                continue
            owner = built[key] = owner_of(row[split:])
        owned.append(owner)
    known.apply(actions.values())
    items: dict[tuple[str, int, str], Told] = {}
    missing = Unreachable()
    # The kinds of reminder an action is due, by its committee asking for
    # updates and its target: most actions share one of a few.
    kinds_of: dict[tuple, tuple[str, ...]] = {}
    for action in actions.values():
        asked, target = action.committee_id in asking, action.target_date
        kinds = kinds_of.get((asked, target))
        if kinds is None:
            kinds = kinds_of[asked, target] = _kinds_due(day, asked, target, soon)
        if not kinds:
            continue
        pk = action.pk
        for owner in owners[pk]:
            for address in missing.addresses(action.reference, owner):
                for kind in kinds:
                    items[address, pk, kind] = action
    return Due(day=day, items=items, without_email=missing.owners(), meetings=meetings, known=known)


# --- the digest -------------------------------------------------------------------


# The digest is written from one table rather than by the template engine:
# a run writes one per address (500 digests of 20 actions is 40,000 lines
# of text and HTML), and Django's templates, compiled once and written as
# one section loop, took about 550 ms a run for the two formats where this
# takes about 65 ms (measured on bench/reminders.py's digests). One loop
# writes both formats: SECTIONS says what each of a committee's sections
# is, TEXT and HTML how each format writes a heading and a line. What a template would do is done the same way: the
# filters it would apply (date, pluralize, truncatewords) are called, or
# done as they do it, and the HTML escapes every value as autoescaping does.


@dataclass(slots=True, eq=False)
class Said:
    """What a line says of its action's target, alike for every action of
    one kind with the same target, state and slips; worked out once a run."""

    target: str  # the action's target_display ("not set" before a meeting)
    overdue: str = ""  # "20 days overdue"
    left: str = ""  # "3 working days left"
    slipped: str = ""  # ", slipped 1 time"
    # Before a meeting the line ends with the owners' update form, on the
    # action's page (action-update takes only its POST).
    update: bool = False


@dataclass(slots=True)
class Line:
    """One action in a digest, with what its line says."""

    action: Told
    url: str
    text: str  # the action's text cut to 40 words, as the digest prints it
    said: Said


# Where an action's page has the owners' update form.
UPDATES = "#updates"


def _by_position(template: str, *names: str) -> Callable[..., str]:
    """`template`, whose fields are `names`, as a function of their values
    in that order: formatting by position takes a third of the time
    formatting by keyword takes, and a run writes 20,000 lines."""
    return template.format(**{name: f"{{{n}}}" for n, name in enumerate(names)}).format


@dataclass(frozen=True)
class Section:
    """One kind of a committee's section, as both formats head it."""

    kind: str
    # May name {meeting} and {on} (the next meeting) and {soon} (working days).
    heading: str
    text_more: str = ""  # what the text's heading adds
    colour: str = ""  # the HTML heading's


# A committee's sections, in the order the digest gives them.
SECTIONS = (
    Section(
        Kind.BEFORE_MEETING,
        "Please send your update for {meeting} ({on})",
        text_more=" on each open action",
    ),
    Section(Kind.OVERDUE, "Overdue", colour=" color: #b00020;"),
    Section(Kind.DUE_TODAY, "Due today"),
    Section(Kind.DUE_SOON, "Due within {soon}"),
)
KIND_ORDER = [section.kind for section in SECTIONS]
KIND_RANK = {kind: rank for rank, kind in enumerate(KIND_ORDER)}


@dataclass(frozen=True)
class Format:
    """How one part of the email (text or HTML) writes the digest: each a
    format string, fed values already escaped for the format."""

    escape: Callable[[str], str]
    head: str  # {title} {day} {count}
    committee: str  # {code} {name}
    heading: str  # {heading} {more} {colour}
    line: str  # {url} {reference} {target} {note} {text} {tail}
    overdue: str  # the note of an overdue line: {}
    left: str  # the note of a line due soon: {}
    tail: str  # after a line's text: {url}
    update_tail: str  # the same before a meeting: {update_url} {reference}
    section_end: str  # after a section's lines
    kind_end: str  # after each kind, written or not
    foot: str  # {my_actions_url}
    # The line, its tail and its update tail, written by position.
    write_line: Callable[..., str] = field(init=False, repr=False)
    write_tail: Callable[..., str] = field(init=False, repr=False)
    write_update_tail: Callable[..., str] = field(init=False, repr=False)

    def __post_init__(self):
        at = _by_position
        object.__setattr__(
            self, "write_line", at(self.line, "url", "reference", "target", "note", "text", "tail")
        )
        object.__setattr__(self, "write_tail", at(self.tail, "url"))
        object.__setattr__(
            self, "write_update_tail", at(self.update_tail, "update_url", "reference")
        )


TEXT = Format(
    escape=str,
    head=("Hello,\n\nYour reminder for {day}: {count} owned by you or your organisation.\n"),
    committee="\n== {code}: {name} ==\n",
    heading="\n{heading}{more}:\n",
    line="\n- {reference}, target {target}{note}\n  {text}{tail}\n",
    overdue=": {}",
    left=" ({})",
    tail="\n  {url}",
    update_tail="\n  Send your update: {update_url}",
    section_end="",
    kind_end="",
    foot=(
        '\nTo send an update, open the action: the form is under "Owners\' updates".\n'
        "All your actions: {my_actions_url}\n"
        "\n"
        "You receive this because you are named as an owner of these actions, or\n"
        "are a contact of an owning organisation. Working days are those of England\n"
        "and Wales.\n\n"
    ),
)

HTML = Format(
    # As the template engine's autoescaping writes a value.
    escape=html.escape,
    head=(
        "<!DOCTYPE html>\n"
        '<html lang="en-GB">\n'
        "<head>\n"
        '<meta charset="utf-8">\n'
        "<title>{title}</title>\n"
        "</head>\n"
        '<body style="font-family: Arial, Helvetica, sans-serif; color: #1a1a1a; '
        'line-height: 1.4;">\n'
        "<p>Hello,</p>\n"
        "<p>Your reminder for {day}: {count} owned by you or your organisation.</p>\n"
    ),
    committee='\n<h2 style="font-size: 1.2em; margin: 1.5em 0 .5em;">{code}: {name}</h2>\n',
    heading='\n<h3 style="font-size: 1em;{colour}">{heading}</h3>\n<ul>\n',
    line=(
        '\n  <li><a href="{url}">{reference}</a>, target {target}{note}<br>\n'
        "    {text}{tail}</li>\n"
    ),
    overdue=":\n    <strong>{}</strong>",
    left=" ({})",
    tail="",
    update_tail='<br>\n    <a href="{update_url}">Send your update on {reference}</a>',
    section_end="\n</ul>\n",
    kind_end="\n",
    foot=(
        "\n<p>To send an update, open the action: the form is under “Owners’ updates”.</p>\n"
        '<p><a href="{my_actions_url}">All your actions</a></p>\n'
        '<p style="color: #555; font-size: .9em;">You receive this because you are named '
        "as an owner of these actions, or are a contact of an owning organisation. "
        "Working days are those of England and Wales.</p>\n"
        "</body>\n"
        "</html>\n"
    ),
)


@dataclass
class CommitteeSection:
    code: str  # the committee's
    name: str
    meeting: NextUp | None = None
    # Kind → its lines.
    lines: dict[str, list[Line]] = field(default_factory=dict)


@dataclass
class Digest:
    """What one recipient's digest of the day says."""

    sections: list[CommitteeSection]
    summary: str
    # The meetings whose owners are asked for an update: "OPSG 26".
    meetings: list[str]
    actions_count: str
    # The HTML's title, and the subject's start when meetings ask for updates.
    title: str


def _truncate_words(text: str) -> str:
    """The template filter truncatewords:40, which joins the words it keeps
    with one space; Django's Truncator (a lazy object) only when there are
    more than 40."""
    words = text.split()
    return " ".join(words) if len(words) <= 40 else Truncator(text).words(40, truncate=" …")


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


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
        self.soon = _plural(settings.REMINDER_DUE_SOON_DAYS, "working day")
        head, tail = reverse("action-detail", args=[self.SAMPLE_SLUG]).split(self.SAMPLE_SLUG)
        self.action_url_parts = settings.SITE_URL + head, tail
        self.my_actions_url = settings.SITE_URL + reverse("action-log") + "?owner=mine"
        # What many lines say alike, each worked out once a run: by kind,
        # state, target and slips; and each as each format writes it,
        # (target, note) by format's id.
        self._said: dict[tuple, Said] = {}
        self._written: dict[int, dict[Said, tuple[str, str]]] = {}

    def line(self, action: Told, kind: str) -> Line:
        alike = (kind, action.status, action.target_date, action.target_note, action.times_slipped)
        said = self._said.get(alike)
        if said is None:
            said = self._said[alike] = self.said(action, kind)
        head, tail = self.action_url_parts
        return Line(action, f"{head}{action.slug}{tail}", _truncate_words(action.text), said)

    def said(self, action: Told, kind: str) -> Said:
        """What the line of `action` says of its target, in a section of `kind`."""
        said = Said(action.target_display)
        times = action.times_slipped
        if times and (kind == Kind.OVERDUE or kind == Kind.DUE_TODAY):
            said.slipped = f", slipped {_plural(times, 'time')}"
        if kind == Kind.OVERDUE:
            said.overdue = f"{_plural(action.days_overdue(self.day), 'day')} overdue"
        elif kind == Kind.DUE_SOON:
            days = working_days_between(self.day, action.target_date) if action.target_date else 0
            said.left = f"{_plural(days, 'working day')} left"
        elif kind == Kind.BEFORE_MEETING:
            said.target = said.target or "not set"
            said.update = True
        return said

    def digest(self, rows: list[tuple[Told, str]]) -> Digest:
        """The digest of `rows`, each (action, kind): each action as its
        owners may know it (known.apply given it already)."""
        sections: dict[int, CommitteeSection] = {}
        counts = dict.fromkeys(KIND_ORDER, 0)
        for action, kind in sorted(rows, key=lambda r: (KIND_RANK[r[1]], r[0].reference)):
            section = sections.get(action.committee_id)
            if section is None:
                section = sections[action.committee_id] = CommitteeSection(
                    action.committee_code, action.committee_name
                )
            if kind == Kind.BEFORE_MEETING:
                section.meeting = self.due.meetings.get(action.committee_id)
            section.lines.setdefault(kind, []).append(self.line(action, kind))
            counts[kind] += 1
        ordered = sorted(sections.values(), key=lambda s: s.code)
        summary = ", ".join(
            f"{counts[kind]} {said}"
            for kind, said in (
                (Kind.OVERDUE, "overdue"),
                (Kind.DUE_TODAY, "due today"),
                (Kind.DUE_SOON, "due soon"),
            )
            if counts[kind]
        )
        meetings = [
            s.meeting.label for s in ordered if Kind.BEFORE_MEETING in s.lines and s.meeting
        ]
        return Digest(
            sections=ordered,
            summary=summary,
            meetings=meetings,
            actions_count=_plural(len({action.pk for action, _ in rows}), "action"),
            title=(
                f"Please send your update for {' and '.join(meetings)}"
                if meetings
                else "Your actions"
            ),
        )

    def subject(self, digest: Digest) -> str:
        if digest.meetings:
            said = f"{digest.title} ({digest.summary})" if digest.summary else digest.title
        else:
            said = f"{digest.title}: {digest.summary}"
        return " ".join(f"{said} – {self.short_day}".split())

    def write(self, digest: Digest, form: Format) -> str:
        """The digest in one format: each committee's sections in the order
        of SECTIONS, each line as `form` writes it."""
        e = form.escape
        # What many lines say alike, written once a run in each format;
        # what is the action's own, once a line.
        written = self._written.setdefault(id(form), {})
        out = [
            form.head.format(
                title=e(digest.title), day=e(self.long_day), count=e(digest.actions_count)
            )
        ]
        write = out.append
        for section in digest.sections:
            write(form.committee.format(code=e(section.code), name=e(section.name)))
            meeting = section.meeting
            # What the headings may name, worked out once for the section's kinds.
            said = {
                "meeting": meeting.label if meeting else "",
                "on": date(meeting.date, "l j F Y") if meeting else "",
                "soon": self.soon,
            }
            for kind in SECTIONS:
                lines = section.lines.get(kind.kind)
                if lines:
                    heading = kind.heading.format(**said)
                    write(
                        form.heading.format(
                            heading=e(heading), more=kind.text_more, colour=kind.colour
                        )
                    )
                    for line in lines:
                        alike = written.get(line.said)
                        if alike is None:
                            alike = written[line.said] = self.written(line.said, form)
                        target, note = alike
                        reference = e(line.action.reference)
                        url = e(line.url)
                        tail = (
                            form.write_update_tail(url + UPDATES, reference)
                            if line.said.update
                            else form.write_tail(url)
                        )
                        write(form.write_line(url, reference, target, note, e(line.text), tail))
                    write(form.section_end)
                write(form.kind_end)
        write(form.foot.format(my_actions_url=e(self.my_actions_url)))
        return "".join(out)

    @staticmethod
    def written(said: Said, form: Format) -> tuple[str, str]:
        """A line's target and note as `form` writes them."""
        e = form.escape
        note = (
            (form.overdue.format(e(said.overdue)) if said.overdue else "")
            + e(said.slipped)
            + (form.left.format(e(said.left)) if said.left else "")
        )
        return e(said.target), note

    def message(self, recipient: str, rows: list[tuple[Told, str]]) -> EmailMultiAlternatives:
        digest = self.digest(rows)
        message = EmailMultiAlternatives(
            subject=self.subject(digest),
            body=self.write(digest, TEXT),
            from_email=settings.DEFAULT_FROM_EMAIL,
            to=[recipient],
        )
        message.attach_alternative(self.write(digest, HTML), "text/html")
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


# How many digests a run claims in one statement, and reads the rows of in
# another, on PostgreSQL.
BATCH = 100
# The advisory locks that are digests' claims on PostgreSQL: (this, the
# claim's id). Any number the project's other advisory locks do not use.
CLAIM_LOCKS = 17_0001


def _session_locks() -> bool:
    """Whether a claim can be a lock held by the connection across
    transactions: on PostgreSQL, unless behind a pooler in transaction mode
    (which would hand the next transaction, and the unlock, to another
    server connection)."""
    return connection.vendor == "postgresql" and not settings.DATABASES["default"].get(
        "DISABLE_SERVER_SIDE_CURSORS"
    )


def _take_claims(day: datetime.date, recipients: list[str]) -> dict[str, int]:
    """Take, of the digests of `recipients` on `day`, those no other run
    holds: recipient → its claim's id. One statement: each claim is a
    session advisory lock on PostgreSQL, held until `_release_claims`, or
    until the connection dies with its worker."""
    table = connection.ops.quote_name(DigestClaim._meta.db_table)
    with connection.cursor() as cursor:
        # MATERIALIZED: the lock is tried once per claim of these
        # recipients, whatever the plan, and on no other row.
        cursor.execute(
            f"WITH tried AS MATERIALIZED ("
            f" SELECT id, pg_try_advisory_lock(%s, mod(id, 2147483647)::integer) AS taken"
            f" FROM {table} WHERE day = %s AND recipient = ANY(%s))"
            f" UPDATE {table} AS claim SET claimed_at = %s FROM tried"
            f" WHERE claim.id = tried.id AND tried.taken RETURNING claim.recipient, claim.id",
            [CLAIM_LOCKS, day, recipients, timezone.now()],
        )
        return dict(cursor.fetchall())


def _wait_for_claim(day: datetime.date, recipient: str) -> int:
    """Take the digest another run holds once that run lets it go (or dies)."""
    table = connection.ops.quote_name(DigestClaim._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT id, pg_advisory_lock(%s, mod(id, 2147483647)::integer) FROM {table}"
            " WHERE day = %s AND recipient = %s",
            [CLAIM_LOCKS, day, recipient],
        )
        found = cursor.fetchone()
    if found is None:  # inserted by send_reminders before any digest is sent
        raise DigestClaim.DoesNotExist(f"No digest claim for {recipient} on {day}")
    return found[0]


def _release_claims(ids) -> None:
    if not ids:
        return
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_advisory_unlock(%s, mod(id, 2147483647)::integer)"
            " FROM unnest(%s::bigint[]) AS id",
            [CLAIM_LOCKS, list(ids)],
        )


def _claim_digest(day: datetime.date, recipient: str) -> None:
    """Take the recipient's digest of the day, waiting while another run
    holds it, where a claim cannot be a session lock (SQLite, or PostgreSQL
    behind a pooler in transaction mode). Call inside a transaction: the
    claim lasts until it ends, and ends with it should the worker die."""
    # An UPDATE locks the row as SELECT … FOR UPDATE would, and works on
    # SQLite too, where the transaction (BEGIN IMMEDIATE) already keeps
    # other writers out.
    claimed = DigestClaim.objects.filter(day=day, recipient=recipient).update(
        claimed_at=timezone.now()
    )
    if not claimed:  # inserted by send_reminders before any digest is sent
        raise DigestClaim.DoesNotExist(f"No digest claim for {recipient} on {day}")


# An unsent row as _unsent reads it, and its key as Due.items has it.
Row = tuple[str, int, str, int]  # recipient, action pk, kind, pk
row_key = itemgetter(0, 1, 2)
row_pk = itemgetter(3)


def _unsent(day: datetime.date, recipients) -> dict[str, list[Row]]:
    """The unsent rows of the day of `recipients`, whose digests this run
    holds: recipient → its rows. One query."""
    found: dict[str, list[Row]] = {}
    for row in (
        Reminder.objects.filter(day=day, recipient__in=recipients, state__in=UNSENT)
        .order_by("pk")
        .values_list("recipient", "action_id", "kind", "pk")
    ):
        rows = found.get(row[0])
        if rows is None:
            rows = found[row[0]] = []
        rows.append(row)
    return found


@contextmanager
def _quick_commits():
    """While the digests go, each digest's rows are marked sent in a commit
    that does not wait for the disk (PostgreSQL's synchronous_commit off:
    the fsync was 0.9 ms a digest). A worker that dies loses nothing it
    committed; only PostgreSQL itself crashing could lose the last fraction
    of a second of marks, and those digests would go again, as a crash
    between the send and the commit already would."""
    if not _session_locks():
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("SET synchronous_commit TO off")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute("RESET synchronous_commit")


class NotAttempted(ConnectionError):
    """The SMTP server failed earlier in the run; this digest was not tried."""


class Mailer:
    """One SMTP connection for the whole run (EMAIL_TIMEOUT on every
    connect), reopened after a failure. Once the server cannot be reached,
    the rest of the run does not try again: it records why. Through the
    SMTP backend a digest is written by the run's MimeFrame and handed to
    the connection as Django's backend would hand it."""

    def __init__(self):
        self.connection = get_connection(timeout=settings.EMAIL_TIMEOUT)
        self.opened = False
        self.down: str | None = None
        self.frame = MimeFrame() if isinstance(self.connection, SMTPBackend) else None

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
        try:
            data = self.frame.write(message) if self.frame is not None else None
            if data is not None:
                # What the backend would send, less its parsing of each
                # address again (a fifth of a millisecond a digest).
                self.connection.connection.sendmail(self.frame.sender, message.to, data)
            else:
                message.connection = self.connection
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


def deliver(mailer: Mailer, message: EmailMultiAlternatives, model, pks: list[int]) -> str:
    """Send `message` and mark its claimed rows, `pks` of `model` (a
    ClaimedEmail: Reminder or AssignmentNotice), sent, or failed with the
    error, which is returned ("" once sent). Call while the claim is held:
    the send is the last step before the mark, one statement."""
    try:
        mailer.send(message)
    except Exception as exc:
        error = failure_text(exc)
        _mark(
            model, pks, ClaimedEmail.State.FAILED, error, 0 if isinstance(exc, NotAttempted) else 1
        )
        return error
    _mark(model, pks, ClaimedEmail.State.SENT, "", 1, sent_at=timezone.now())
    return ""


def _mark(model, pks: list[int], state: str, error: str, tried: int, sent_at=None) -> None:
    """Set the rows' state and error, count the attempt (`tried` 1) and
    when sent the time: one statement, written here rather than by
    QuerySet.update, which took longer writing it than the database took
    running it (a fifth of a millisecond a digest)."""
    values = [state, error, tried]
    sent = ""
    if sent_at is not None:
        sent = ", sent_at = %s"
        values.append(connection.ops.adapt_datetimefield_value(sent_at))
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {connection.ops.quote_name(model._meta.db_table)}"
            f" SET state = %s, error = %s, attempts = attempts + %s{sent}"
            f" WHERE id IN ({', '.join(['%s'] * len(pks))})",
            [*values, *pks],
        )


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
    _insert_rows(day, due.items.keys() - already_sent)
    recipients = sorted(
        {recipient for recipient, _, _ in due.items}
        | set(
            Reminder.objects.filter(day=day, state__in=UNSENT)
            .values_list("recipient", flat=True)
            .distinct()
        )
    )
    # One claim row per address and day, inserted before any is taken (an
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
    run = _Run(day, due, report)
    try:
        with _quick_commits():
            if _session_locks():
                for start in range(0, len(recipients), BATCH):
                    run.send_batch(recipients[start : start + BATCH])
            else:
                for recipient in recipients:
                    run.send_one(recipient)
    finally:
        run.mailer.close()
    report.skipped = max(0, len(due.items) - run.handled)
    return report


def _insert_rows(day: datetime.date, keys: set[tuple[str, int, str]]) -> None:
    """The day's rows (recipient, action pk, kind), claimed now, but for
    those that exist already. On PostgreSQL one statement, the rows passed
    as one JSON array (Django's bulk_create spent half a second writing
    10,000 rows' SQL; three arrays as parameters, 75 ms writing and parsing
    them, where JSON takes 8). Inserted in the order of their keys, so two
    runs inserting the same rows at once take their index locks in one
    order and cannot deadlock (a set's order differs between processes)."""
    now = timezone.now()
    if connection.vendor != "postgresql":
        keys = sorted(keys)
        Reminder.objects.bulk_create(
            [
                Reminder(
                    recipient=recipient, action_id=action_id, kind=kind, day=day, claimed_at=now
                )
                for recipient, action_id, kind in keys
            ],
            ignore_conflicts=True,
            batch_size=500,
        )
        return
    if not keys:
        return
    table = connection.ops.quote_name(Reminder._meta.db_table)
    insert = (
        f"INSERT INTO {table} (recipient, action_id, kind, day, state, claimed_at, attempts, error)"
        " SELECT new.*, %s, %s, %s, 0, '' FROM ("
        "  SELECT row->>0 AS recipient, (row->>1)::bigint AS action_id, row->>2 AS kind"
        "  FROM json_array_elements(%s::json) AS row) AS new"
    )
    params = [day, Reminder.State.CLAIMED, now, json.dumps(list(keys))]
    try:
        # The rows not there yet, inserted plainly: ON CONFLICT DO NOTHING
        # inserts each row speculatively, which took the insert twice as
        # long. A run inserting some of the same rows meanwhile makes this
        # fail on the unique constraint, and then they are left alone.
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(
                f"{insert} WHERE NOT EXISTS (SELECT FROM {table} AS old"
                " WHERE old.day = %s AND old.recipient = new.recipient"
                " AND old.action_id = new.action_id AND old.kind = new.kind)"
                " ORDER BY 1, 2, 3",
                [*params, day],
            )
    except IntegrityError:
        with connection.cursor() as cursor:
            cursor.execute(f"{insert} ORDER BY 1, 2, 3 ON CONFLICT DO NOTHING", params)


class _Run:
    """The sending part of one run: its digests' writer, its SMTP connection,
    the actions the digests name, and how many of the day's due reminders
    its digests carried (sent or failed)."""

    def __init__(self, day: datetime.date, due: Due, report: RunReport):
        self.day = day
        self.due = due
        self.report = report
        self.writer = DigestWriter(day, due)
        self.actions = {action.pk: action for action in due.items.values()}
        self.mailer = Mailer()
        self.handled = 0

    def send_batch(self, recipients: list[str]) -> None:
        """PostgreSQL: claim the digests of `recipients` in one statement,
        read all their rows in another, send each digest and mark its rows
        (one statement each, committed before the next digest goes), then
        let the claims go. A digest another run holds is waited for
        afterwards, holding no other claim, as a row lock would be."""
        taken = _take_claims(self.day, recipients)
        try:
            self._send_claimed(list(taken))
        finally:
            _release_claims(taken.values())
        for recipient in recipients:
            if recipient not in taken:
                claim = _wait_for_claim(self.day, recipient)
                try:
                    self._send_claimed([recipient])
                finally:
                    _release_claims([claim])

    def send_one(self, recipient: str) -> None:
        """SQLite, or behind a pooler: claim, send and mark one digest in one
        transaction, the claim a row lock that ends with it."""
        with transaction.atomic():
            _claim_digest(self.day, recipient)
            self._send_claimed([recipient])

    def _send_claimed(self, recipients: list[str]) -> None:
        """Send the digests of `recipients`, whose claims this run holds."""
        if not recipients:
            return
        unsent = _unsent(self.day, recipients)
        needed = {action_id for rows in unsent.values() for _, action_id, _, _ in rows}
        if unknown := needed - self.actions.keys():
            self.actions.update(_actions_of(unknown, self.due.known))
        for recipient in recipients:
            if rows := unsent.get(recipient):
                self._send_digest(recipient, rows)

    def _send_digest(self, recipient: str, rows: list[Row]) -> None:
        self.handled += sum(map(self.due.items.__contains__, map(row_key, rows)))
        # Written outside the try: a fault here is a bug to see, not a
        # delivery failure (the rows stay claimed for the next run).
        message = self.writer.message(recipient, [(self.actions[a], k) for _, a, k, _ in rows])
        error = deliver(self.mailer, message, Reminder, list(map(row_pk, rows)))
        if error:
            self.report.failed.append(Failure(recipient, len(rows), error))
            logger.warning("Reminder digest to %s failed: %s", recipient, error)
        else:
            self.report.emails_sent += 1
            self.report.reminders_sent += len(rows)


def _actions_of(pks, known: KnownFigures) -> dict[int, Told]:
    """Actions of unsent rows the day's `due` does not hold (left by an
    earlier run of the day, or inserted by another run since), as their
    owners may know them (`known`): one query."""
    found = [Told(*row) for row in Action.objects.filter(pk__in=pks).values_list(*TOLD_COLUMNS)]
    return {action.pk: action for action in known.apply(found)}
