"""Load the demo minutes (OPSG meeting 25) and, in demo mode, the demo logins.
Outside demo mode it refuses to create them: a deployment has no default accounts."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from demo.loader import DemoDataConflict, load_demo


class Command(BaseCommand):
    help = (
        "Load OPSG meeting 25 (1 October 2019) as demo data. Safe to run again: nothing is "
        "duplicated. In demo mode it also sets up the logins secretary, chair and member "
        "with DEMO_PASSWORD; outside demo mode a DEMO_PASSWORD is refused and nothing is loaded."
    )

    def handle(self, *args, **options):
        demo = settings.DEMO_MODE
        if not demo and settings.DEMO_PASSWORD:
            # Checked before anything is written: known logins on a live site would be
            # an open door (and `check --deploy` reports any that exist).
            raise CommandError(
                "DEMO_MODE is off: refusing to create the demo logins; unset DEMO_PASSWORD "
                "to load the demo minutes alone."
            )
        password = (settings.DEMO_PASSWORD or None) if demo else None
        try:
            counts = load_demo(password=password, logins=demo)
        except DemoDataConflict as error:
            raise CommandError(f"Demo not loaded: {error}") from None
        self.stdout.write(
            "Loaded OPSG 25: {members} members, {participants} participants, {apologies} "
            "apologies, {items} agenda items, {decisions} decisions, {actions_raised} actions "
            "raised, {actions_reviewed} actions reviewed ({reviews_closed} closed), "
            "{incidents} incidents.".format(**counts)
        )
        if not demo:
            self.stdout.write("DEMO_MODE is off: loaded data only, no logins created.")
        elif password:
            self.stdout.write("Demo logins secretary, chair and member use DEMO_PASSWORD.")
        elif counts["logins"]:
            self.stdout.write(
                f"DEMO_PASSWORD is empty: no logins created; {counts['logins']} existing demo "
                "login(s) kept their passwords."
            )
        else:
            self.stdout.write(
                "DEMO_PASSWORD is empty: demo logins (secretary, chair, member) not created."
            )
