"""Build a meeting's pack by hand: the function the worker runs when the
agenda or a paper changes, without the queue. Safe to run again: a pack
already built for the agenda as it stands is left as it is."""

from django.core.management.base import BaseCommand, CommandError

from meetings.models import Agenda
from meetings.pack import agenda_pack_build
from meetings.services import agenda_pack_request


class Command(BaseCommand):
    help = "Build the meeting pack of a meeting's agenda, e.g. build_agenda_pack OPSG 26."

    def add_arguments(self, parser):
        parser.add_argument("committee", help="Committee code, e.g. OPSG")
        parser.add_argument("number", type=int, help="Meeting number, e.g. 26")

    def handle(self, *args, committee, number, **options):
        agenda = Agenda.objects.filter(
            meeting__committee__code__iexact=committee, meeting__number=number
        ).first()
        if agenda is None:
            raise CommandError(f"{committee} {number} has no agenda.")
        pack = agenda_pack_request(agenda=agenda, enqueue=False)
        if pack.state != pack.State.DONE:
            pack = agenda_pack_build(pack.pk, task_id=pack.task_id)
        self.stdout.write(f"Pack of {committee.upper()} {number}: {pack.state}")
        if pack.error:
            self.stdout.write(pack.error)
