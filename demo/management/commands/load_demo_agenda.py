"""The demo's next meeting (demo/agenda.py): OPSG 26 a few weeks ahead, its
agenda published with two papers. `make run` runs it after load_demo."""

import datetime

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from demo.agenda import load_demo_agenda


class Command(BaseCommand):
    help = (
        "Set up the demo's next meeting, OPSG 26, with its agenda published and two papers. "
        "Safe to run again: once OPSG has a meeting after 25 nothing is done."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--date", type=datetime.date.fromisoformat, help="Today, YYYY-MM-DD (for tests)."
        )

    def handle(self, *args, date=None, **options):
        if not settings.DEMO_MODE:
            raise CommandError("DEMO_MODE is off: the demo's meeting is for demo sites only.")
        meeting = load_demo_agenda(
            today=date or timezone.localdate(), secretary_username=settings.DEMO_USERNAMES[0]
        )
        if meeting is None:
            self.stdout.write("The demo's next meeting is in place already (or no OPSG 25).")
        else:
            self.stdout.write(
                f"{meeting} on {meeting.date:%d %B %Y}: agenda published with two papers."
            )
