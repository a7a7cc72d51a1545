"""Send the notices of a circulated meeting's new actions to their owners by
hand: the same function the worker runs when the minutes are circulated."""

from django.core.management.base import BaseCommand, CommandError

from actions.assignments import send_assignment_notices, send_pending_assignment_notices
from meetings.models import Meeting


class Command(BaseCommand):
    help = (
        "Tell each owner of a circulated meeting's new actions what they were given "
        "(one email per address). Safe to run again: nothing is sent twice."
    )

    def add_arguments(self, parser):
        parser.add_argument("committee", nargs="?", help="The committee's code, e.g. OPSG.")
        parser.add_argument("number", nargs="?", type=int, help="The meeting's number, e.g. 26.")
        parser.add_argument(
            "--pending",
            action="store_true",
            help="Instead: send every notice claimed and never tried, for any meeting.",
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="Say what would be sent; send nothing."
        )

    def handle(self, *args, committee=None, number=None, pending=False, dry_run=False, **options):
        if pending:
            reports = send_pending_assignment_notices()
            if not reports:
                self.stdout.write("No notices waiting.")
        else:
            if not committee or number is None:
                raise CommandError("Give the committee and the meeting number, or --pending.")
            meeting = Meeting.objects.filter(
                committee__code__iexact=committee, number=number
            ).first()
            if meeting is None:
                raise CommandError(f"There is no meeting {committee.upper()} {number}.")
            reports = [send_assignment_notices(meeting.pk, dry_run=dry_run)]
        failed = 0
        for report in reports:
            self.stdout.write(report.summary())
            for address in report.would_send:
                self.stdout.write(f"  would send: {address}")
            for address, error in report.failed:
                self.stdout.write(f"  failed: {address}: {error}")
            for owner in report.without_email:
                self.stdout.write(
                    f"  no email: {owner.owner}, {owner.reason} ({', '.join(owner.references)})"
                )
            failed += len(report.failed)
        if failed:
            raise CommandError(
                f"{failed} notices failed; run again to retry them (sent ones are not sent twice)."
            )
