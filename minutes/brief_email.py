"""The brief since the last meeting, emailed: BRIEF_BEFORE_MEETING_DAYS
working days before a committee's next meeting, each person with a role in
it and an email address is sent their own brief (minutes.brief), built by
the same function as the page, under their own login's rules, so it names
nothing they may not read. An empty brief is not sent.

`send_briefs(day)` is the whole job; `minutes.tasks.send_briefs_task` (beat,
daily at REMINDER_TIME) and `manage.py send_briefs` only call it. Exactly
once: each (committee, next meeting, address) is a BriefEmail row under a
unique constraint, inserted before anything is sent, then locked, sent and
marked sent in one transaction (opsg.mail.send_claimed). A day the job did
not run is made up the next: the brief is due on every day of the window,
and sent on the first."""

import datetime
from dataclasses import dataclass, field

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from actions.reminders import next_meetings
from meetings.models import Committee, CommitteeRole
from opsg.mail import send_claimed, tally, usable_address
from opsg.workdays import working_days_between

from .brief import Brief, committee_brief
from .models import BriefEmail


@dataclass
class BriefReport:
    day: datetime.date
    sent: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)  # sent already
    empty: list[str] = field(default_factory=list)  # nothing to tell them
    failed: list[tuple[str, str]] = field(default_factory=list)

    def summary(self) -> str:
        return (
            f"Briefs of {self.day:%d/%m/%Y}: sent {len(self.sent)}; skipped "
            f"{len(self.skipped)} already sent; {len(self.empty)} with nothing to tell; "
            f"failed {len(self.failed)}."
        )

    def as_dict(self) -> dict:
        return {
            "day": self.day.isoformat(),
            "sent": self.sent,
            "skipped": self.skipped,
            "empty": self.empty,
            "failed": [address for address, _ in self.failed],
        }


@dataclass(frozen=True)
class Reader:
    name: str
    email: str
    person_id: int
    user: object


def due_committees(day: datetime.date) -> list[tuple[Committee, datetime.date]]:
    """Committees whose next meeting is at most BRIEF_BEFORE_MEETING_DAYS
    working days after `day`, with its date."""
    upcoming = next_meetings(day)
    committees = Committee.objects.in_bulk(list(upcoming))
    return [
        (committees[pk], nxt.date)
        for pk, nxt in sorted(upcoming.items(), key=lambda pair: committees[pair[0]].code)
        if working_days_between(day, nxt.date) <= settings.BRIEF_BEFORE_MEETING_DAYS
    ]


def brief_readers(committee: Committee) -> list[Reader]:
    """Everyone with a role in the committee, a login and an email address:
    one reader an address."""
    readers: dict[str, Reader] = {}
    roles = (
        CommitteeRole.objects.filter(committee=committee, person__user__isnull=False)
        .select_related("person__user")
        .order_by("person__name", "pk")
    )
    for role in roles:
        person = role.person
        address = usable_address(person.email) or usable_address(person.user.email)
        if address and address not in readers:
            readers[address] = Reader(person.name, address, person.pk, person.user)
    return list(readers.values())


def brief_message(brief: Brief, reader: Reader) -> EmailMultiAlternatives:
    site = settings.SITE_URL.rstrip("/")
    context = {
        "brief": brief,
        "committee": brief.committee,
        "reader": reader,
        "site": site,
        "page_url": site + reverse("committee-brief", args=[brief.committee.code]),
    }
    subject = render_to_string("emails/brief.subject", context).strip()
    message = EmailMultiAlternatives(
        subject=" ".join(subject.split()),
        body=render_to_string("emails/brief.txt", context),
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[reader.email],
    )
    message.attach_alternative(render_to_string("emails/brief.html", context), "text/html")
    return message


def send_briefs(day: datetime.date | None = None) -> BriefReport:
    """Email each reader of every committee whose next meeting is near their
    brief since the last meeting, unless it is empty or was sent already.
    Idempotent: run it as often as you like."""
    day = day or timezone.localdate()
    report = BriefReport(day=day)
    connection = get_connection(timeout=settings.EMAIL_TIMEOUT)
    try:
        for committee, meeting_date in due_committees(day):
            for reader in brief_readers(committee):
                _send_one(committee, meeting_date, reader, day, connection, report)
    finally:
        connection.close()
    return report


def _send_one(committee, meeting_date, reader: Reader, day, connection, report) -> None:
    rows = BriefEmail.objects.filter(
        committee=committee, meeting_date=meeting_date, recipient=reader.email
    )
    if rows.filter(state=BriefEmail.State.SENT).exists():
        report.skipped.append(reader.email)
        return
    brief = committee_brief(reader.user, committee, today=day)
    if brief.is_empty:
        report.empty.append(reader.email)
        return
    BriefEmail.objects.bulk_create(
        [
            BriefEmail(
                committee=committee,
                meeting_date=meeting_date,
                recipient=reader.email,
                person_id=reader.person_id,
                claimed_at=timezone.now(),
            )
        ],
        ignore_conflicts=True,
    )
    outcome = send_claimed(rows, lambda: brief_message(brief, reader), connection)
    tally(report, reader.email, outcome, f"Brief of {committee}")
