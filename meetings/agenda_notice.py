"""The notice that a meeting's agenda is published: each person with a role
in the committee who may read the agenda (access.visible_agendas) is sent
the link, and the titles of the items they may read (access.
visible_agenda_entries), never those of the others.

`send_agenda_notice(meeting_id)` is the whole job; `tasks.
send_agenda_notice_task` (queued by `services.agenda_publish` when the
publication commits) and `manage.py send_agenda_notice` only call it.
`send_pending_agenda_notices`, on beat every few minutes, sends what was
claimed and never tried (the broker was down when the agenda was
published, or the worker died first). Exactly once, as the circulation email (circulation.py): each
(publication, address) is an AgendaEmail row under a unique constraint,
inserted before anything is sent, then locked, sent and marked sent in
one transaction."""

import datetime
from dataclasses import dataclass, field

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db.models import F
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from opsg.mail import send_claimed, tally, usable_address

from .access import visible_agenda_entries, visible_agendas
from .models import Agenda, AgendaEmail, CommitteeRole


@dataclass(frozen=True)
class Reader:
    name: str
    email: str
    person_id: int
    user: object


def agenda_readers(agenda: Agenda) -> list[Reader]:
    """Who is told: those with a role in the committee whose login may read
    the agenda, one email per address."""
    meeting = agenda.meeting
    roles = (
        CommitteeRole.objects.filter(
            committee=meeting.committee, person__user__isnull=False, person__user__is_active=True
        )
        .select_related("person__user")
        .order_by("person__name", "person_id")
    )
    readers: dict[str, Reader] = {}
    seen: set[int] = set()
    for role in roles:
        person = role.person
        if person.pk in seen:
            continue
        seen.add(person.pk)
        if not visible_agendas(person.user).filter(pk=meeting.pk).exists():
            continue
        address = usable_address(person.email) or usable_address(person.user.email)
        if address and address not in readers:
            readers[address] = Reader(person.name, address, person.pk, person.user)
    return list(readers.values())


def claim_agenda_notice(agenda: Agenda, readers: list[Reader] | None = None) -> None:
    """The rows of the emails this publication owes, inserted in the
    publication's own transaction (services.agenda_publish)."""
    readers = agenda_readers(agenda) if readers is None else readers
    now = timezone.now()
    AgendaEmail.objects.bulk_create(
        [
            AgendaEmail(
                agenda=agenda,
                published_at=agenda.published_at,
                recipient=r.email,
                person_id=r.person_id,
                claimed_at=now,
            )
            for r in readers
        ],
        ignore_conflicts=True,
    )


def agenda_message(agenda: Agenda, reader: Reader) -> EmailMultiAlternatives:
    meeting = agenda.meeting
    code, number = meeting.committee.code, meeting.number
    context = {
        "name": reader.name,
        "meeting": meeting,
        "committee": meeting.committee,
        # Only the items this reader may read: a mailbox is not the site.
        "entries": list(
            visible_agenda_entries(reader.user).filter(meeting=meeting).order_by("sort_key", "id")
        ),
        "url": settings.SITE_URL + reverse("agenda", args=[code, number]),
        "pack_url": settings.SITE_URL + reverse("agenda-pack", args=[code, number]),
    }
    subject = " ".join(render_to_string("emails/agenda_published.subject", context).split())
    message = EmailMultiAlternatives(
        subject=subject,
        body=render_to_string("emails/agenda_published.txt", context),
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[reader.email],
    )
    message.attach_alternative(
        render_to_string("emails/agenda_published.html", context), "text/html"
    )
    return message


@dataclass
class AgendaNoticeReport:
    meeting: str
    published: bool = True
    sent: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    failed: list[tuple[str, str]] = field(default_factory=list)

    def summary(self) -> str:
        if not self.published:
            return f"{self.meeting}: no agenda published; nothing sent."
        return (
            f"Agenda of {self.meeting}: sent {len(self.sent)} emails; skipped "
            f"{len(self.skipped)} already sent; failed {len(self.failed)}."
        )

    def as_dict(self) -> dict:
        return {
            "meeting": self.meeting,
            "sent": self.sent,
            "skipped": self.skipped,
            "failed": [address for address, _ in self.failed],
        }


def send_agenda_notice(meeting_id: int) -> AgendaNoticeReport:
    """Email the notice of the agenda's latest publication to every reader
    not yet sent it. Idempotent: run it as often as you like."""
    agenda = (
        Agenda.objects.select_related("meeting__committee", "meeting__classification")
        .filter(meeting_id=meeting_id)
        .first()
    )
    if agenda is None or agenda.published_at is None:
        return AgendaNoticeReport(meeting=f"meeting {meeting_id}", published=False)
    report = AgendaNoticeReport(meeting=str(agenda.meeting))
    readers = agenda_readers(agenda)
    claim_agenda_notice(agenda, readers)
    connection = get_connection(timeout=settings.EMAIL_TIMEOUT)
    try:
        for reader in readers:
            _send_one(agenda, reader, connection, report)
    finally:
        connection.close()
    return report


# Claimed this long ago and never tried: the task that should have sent them
# was not queued, or died before it began.
PENDING_AFTER = datetime.timedelta(minutes=5)


def send_pending_agenda_notices(
    *, now: datetime.datetime | None = None
) -> list[AgendaNoticeReport]:
    """Send the agenda emails owed and never tried: rows claimed more than
    PENDING_AFTER ago, no attempt made, of the agenda's latest publication.
    Emails tried and failed are the task's retries'. Idempotent, like
    send_agenda_notice, which it runs for each meeting concerned."""
    now = now or timezone.now()
    meetings = (
        AgendaEmail.objects.filter(
            state=AgendaEmail.State.CLAIMED,
            attempts=0,
            claimed_at__lt=now - PENDING_AFTER,
            published_at=F("agenda__published_at"),
        )
        .order_by("agenda__meeting_id")
        .values_list("agenda__meeting_id", flat=True)
        .distinct()
    )
    return [send_agenda_notice(meeting_id) for meeting_id in meetings]


def _send_one(agenda: Agenda, reader: Reader, connection, report) -> None:
    rows = AgendaEmail.objects.filter(
        agenda=agenda, published_at=agenda.published_at, recipient=reader.email
    )
    outcome = send_claimed(rows, lambda: agenda_message(agenda, reader), connection)
    tally(report, reader.email, outcome, f"Agenda email of {agenda}")
