"""Send the circulation email of a meeting's minutes by hand (or, with
--kind, the approval or publication notice): the same function the worker
runs when the secretary circulates them, without the queue. For when the task gave up after its retries. `--pending` sends what
the periodic sweep sends: every circulation's emails owed and never tried
(the broker was down when the minutes were circulated)."""

from django.core.management.base import BaseCommand, CommandError

from meetings.circulation import CirculationReport, send_circulation, send_pending_circulations
from meetings.models import Meeting


class Command(BaseCommand):
    help = (
        "Email the link to the circulated minutes of a meeting to everyone who may read them "
        "and has not been sent it yet, e.g. send_circulation OPSG 25. Safe to run again: "
        "nobody is emailed twice about one circulation."
    )

    def add_arguments(self, parser):
        parser.add_argument("committee", nargs="?", help="Committee code, e.g. OPSG")
        parser.add_argument("number", nargs="?", type=int, help="Meeting number, e.g. 25")
        parser.add_argument(
            "--dry-run", action="store_true", help="Say who would be emailed; send nothing."
        )
        parser.add_argument(
            "--kind",
            choices=["circulated", "approved", "published"],
            default="circulated",
            help="Which notice: of the circulation (the default), the approval or the publication.",
        )
        parser.add_argument(
            "--pending",
            action="store_true",
            help="Instead of one meeting: every circulation's emails owed and never tried.",
        )

    def handle(
        self, *args, committee, number, dry_run=False, pending=False, kind="circulated", **options
    ):
        if pending:
            if committee or dry_run:
                raise CommandError("--pending takes no meeting and no --dry-run.")
            reports = send_pending_circulations()
            for report in reports:
                self._report(report)
            if not reports:
                self.stdout.write("No circulation email is waiting to be sent.")
            for report in reports:
                self._check(report)
            return
        if not committee or number is None:
            raise CommandError("Name the meeting, e.g. send_circulation OPSG 25, or use --pending.")
        meeting = (
            Meeting.objects.filter(committee__code__iexact=committee, number=number)
            .only("pk")
            .first()
        )
        if meeting is None:
            raise CommandError(f"There is no meeting {committee.upper()} {number}.")
        report = send_circulation(meeting.pk, dry_run=dry_run, kind=kind)
        self._report(report)
        self._check(report)

    def _report(self, report: CirculationReport) -> None:
        self.stdout.write(report.summary())
        for address in report.would_send:
            self.stdout.write(f"  would send: {address}")
        for address in report.sent:
            self.stdout.write(f"  sent: {address}")
        for address, error in report.failed:
            self.stdout.write(f"  failed: {address}: {error}")
        for name in report.without_email:
            self.stdout.write(f"  no email address: {name}")

    def _check(self, report: CirculationReport) -> None:
        if not report.circulated:
            raise CommandError(
                f"{report.meeting} is not circulated for comments: there is nothing to announce."
            )
        if report.failed:
            raise CommandError(
                f"{len(report.failed)} emails failed; run again to retry them "
                "(sent ones are not sent twice)."
            )
