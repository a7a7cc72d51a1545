import datetime

from django.core.management.base import BaseCommand

from minutes.comments import send_pending_comment_outcomes


class Command(BaseCommand):
    help = (
        "Email each commenter whose suggestion was accepted or declined and who has not "
        "been told yet (the worker does it at once, and beat sweeps what it missed; this "
        "is for an operator, now)."
    )

    def handle(self, *args, **options):
        sent = send_pending_comment_outcomes(older_than=datetime.timedelta(0))
        self.stdout.write(f"{sent} email{'s' * (sent != 1)} sent.")
