import json

from django.core.management.base import BaseCommand, CommandError

from meetings.access import EVERYTHING
from meetings.models import Meeting
from minutes.selectors import minutes_document


class Command(BaseCommand):
    help = "Print a meeting's minutes as JSON (the shape of minutes.json), e.g. export_minutes OPSG 25."

    def add_arguments(self, parser):
        parser.add_argument("committee", help="Committee code, e.g. OPSG")
        parser.add_argument("number", type=int, help="Meeting number, e.g. 25")

    def handle(self, *args, committee, number, **options):
        try:
            meeting = Meeting.objects.get(committee__code__iexact=committee, number=number)
        except Meeting.DoesNotExist:
            raise CommandError(f"There is no meeting {committee.upper()} {number}.") from None
        self.stdout.write(
            json.dumps(minutes_document(meeting, reader=EVERYTHING), indent=2, ensure_ascii=False)
        )
