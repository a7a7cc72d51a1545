"""Send the day's reminder digests by hand: the same function beat runs."""

import datetime

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from actions.reminders import send_reminders


def iso_date(value: str) -> datetime.date:
    try:
        return datetime.date.fromisoformat(value)
    except ValueError:
        raise CommandError(f"--date must be YYYY-MM-DD, not {value!r}") from None


class Command(BaseCommand):
    help = (
        "Send each action owner one digest of their overdue, due and soon-due actions "
        "(and the update request before a meeting). Safe to run again: nothing is sent twice."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--date", type=iso_date, help="The day to run for (YYYY-MM-DD); default today."
        )
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Say what would be sent; send and record nothing.",
        )

    def handle(self, *args, date=None, dry_run=False, **options):
        report = send_reminders(date or timezone.localdate(), dry_run=dry_run)
        self.stdout.write(report.summary())
        for recipient, count in sorted(report.would_send.items()):
            self.stdout.write(f"  would send: {recipient} ({count} reminders)")
        for failure in report.failed:
            self.stdout.write(
                f"  failed: {failure.recipient} ({failure.reminders} reminders): {failure.error}"
            )
        for owner in report.without_email:
            self.stdout.write(
                f"  no email: {owner.owner}, {owner.reason} ({', '.join(owner.references)})"
            )
        if report.failed:
            raise CommandError(
                f"{len(report.failed)} digests failed; run again to retry them "
                "(sent ones are not sent twice)."
            )
