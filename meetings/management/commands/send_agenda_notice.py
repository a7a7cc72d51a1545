"""Send the email announcing a meeting's published agenda by hand: the same
function the worker runs when the secretary publishes it, without the
queue. `--pending` sends what the periodic sweep sends: every publication's
emails owed and never tried (the broker was down when it was published)."""

from django.core.management.base import BaseCommand, CommandError

from meetings.agenda_notice import send_agenda_notice, send_pending_agenda_notices
from meetings.models import Meeting


class Command(BaseCommand):
    help = (
        "Email the published agenda of a meeting to everyone who may read it and has not "
        "been sent it yet, e.g. send_agenda_notice OPSG 26. Safe to run again."
    )

    def add_arguments(self, parser):
        parser.add_argument("committee", nargs="?", help="Committee code, e.g. OPSG")
        parser.add_argument("number", nargs="?", type=int, help="Meeting number, e.g. 26")
        parser.add_argument(
            "--pending",
            action="store_true",
            help="Instead of one meeting: every publication's emails owed and never tried.",
        )

    def handle(self, *args, committee, number, pending=False, **options):
        if pending:
            if committee:
                raise CommandError("--pending takes no meeting.")
            reports = send_pending_agenda_notices()
            if not reports:
                self.stdout.write("No agenda email is waiting to be sent.")
        else:
            if not committee or number is None:
                raise CommandError("Name the meeting (e.g. OPSG 26), or give --pending.")
            meeting = Meeting.objects.filter(
                committee__code__iexact=committee, number=number
            ).first()
            if meeting is None:
                raise CommandError(f"There is no meeting {committee.upper()} {number}.")
            reports = [send_agenda_notice(meeting.pk)]
        for report in reports:
            self.stdout.write(report.summary())
            for address, error in report.failed:
                self.stderr.write(f"  {address}: {error}")
        if any(report.failed for report in reports):
            raise CommandError("Some emails could not be sent; run again to retry them.")
