"""Send the briefs since the last meeting due on a day by hand: the
function beat runs each morning, without the queue. Safe to run again:
nobody is sent the same brief twice."""

import datetime

from django.core.management.base import BaseCommand, CommandError

from minutes.brief_email import send_briefs


class Command(BaseCommand):
    help = (
        "Email each reader of a committee whose next meeting is near their brief since the "
        "last meeting, e.g. send_briefs or send_briefs --date 2026-12-07."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--date", type=datetime.date.fromisoformat, help="The day, YYYY-MM-DD (today)."
        )

    def handle(self, *args, date=None, **options):
        report = send_briefs(date)
        self.stdout.write(report.summary())
        for address, error in report.failed:
            self.stderr.write(f"  {address}: {error}")
        if report.failed:
            raise CommandError("Some briefs could not be sent; run again to retry them.")
