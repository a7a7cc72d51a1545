"""python manage.py read_import ID | --waiting | --sweep"""

from django.core.management.base import BaseCommand, CommandError

from imports.models import PendingImport
from imports.reading import read_pending_import, sweep_pending_imports


class Command(BaseCommand):
    help = (
        "Read an uploaded minutes document for its review page, as the worker does "
        "(ID), or every upload still waiting (--waiting). Safe to run twice."
    )

    def add_arguments(self, parser):
        parser.add_argument("id", nargs="?", type=int)
        parser.add_argument("--waiting", action="store_true", help="Every upload waiting.")
        parser.add_argument(
            "--sweep",
            action="store_true",
            help="As beat does: read uploads left waiting, forget those a day old.",
        )

    def handle(self, *args, id, waiting, sweep, **options):
        if sweep:
            read, forgotten = sweep_pending_imports()
            self.stdout.write(f"Read {read} waiting upload(s); forgot {forgotten} old one(s).")
            return
        if id is None and not waiting:
            raise CommandError("Give an upload's ID, or --waiting.")
        ids = (
            [id]
            if id is not None
            else list(
                PendingImport.objects.filter(state=PendingImport.State.WAITING).values_list(
                    "pk", flat=True
                )
            )
        )
        for pk in ids:
            upload = read_pending_import(pk)
            if upload is None:
                raise CommandError(f"No upload {pk}.")
            self.stdout.write(
                f"{upload.pk} {upload.filename}: {upload.get_state_display()}"
                + (f" ({upload.error})" if upload.error else "")
            )
