"""Send the circulation email of a meeting's minutes by hand: the same
function the worker runs when the secretary circulates them, without the
queue. For when the broker was down, or the task gave up after its retries."""

from django.core.management.base import BaseCommand, CommandError

from meetings.circulation import send_circulation
from meetings.models import Meeting


class Command(BaseCommand):
    help = (
        "Email the link to the circulated minutes of a meeting to everyone who may read them "
        "and has not been sent it yet, e.g. send_circulation OPSG 25. Safe to run again: "
        "nobody is emailed twice about one circulation."
    )

    def add_arguments(self, parser):
        parser.add_argument("committee", help="Committee code, e.g. OPSG")
        parser.add_argument("number", type=int, help="Meeting number, e.g. 25")
        parser.add_argument(
            "--dry-run", action="store_true", help="Say who would be emailed; send nothing."
        )

    def handle(self, *args, committee, number, dry_run=False, **options):
        meeting = (
            Meeting.objects.filter(committee__code__iexact=committee, number=number)
            .only("pk")
            .first()
        )
        if meeting is None:
            raise CommandError(f"There is no meeting {committee.upper()} {number}.")
        report = send_circulation(meeting.pk, dry_run=dry_run)
        self.stdout.write(report.summary())
        for address in report.would_send:
            self.stdout.write(f"  would send: {address}")
        for address in report.sent:
            self.stdout.write(f"  sent: {address}")
        for address, error in report.failed:
            self.stdout.write(f"  failed: {address}: {error}")
        for name in report.without_email:
            self.stdout.write(f"  no email address: {name}")
        if not report.circulated:
            raise CommandError(
                f"{report.meeting} is not circulated for comments: there is nothing to announce."
            )
        if report.failed:
            raise CommandError(
                f"{len(report.failed)} emails failed; run again to retry them "
                "(sent ones are not sent twice)."
            )
