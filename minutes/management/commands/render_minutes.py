"""Render a meeting's minutes to PDF now, in this process: the same function
the worker runs for "Export PDF", without the queue."""

import shutil

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from meetings.models import Meeting, MinutesDocument
from minutes.rendering import render_minutes_pdf
from minutes.services import minutes_pdf_request


class Command(BaseCommand):
    help = (
        "Render the minutes of a meeting to PDF and store it, e.g. render_minutes OPSG 25 "
        "-o OPSG_25.pdf. Unchanged minutes are not rendered again: the stored PDF is used."
    )

    def add_arguments(self, parser):
        parser.add_argument("committee", help="Committee code, e.g. OPSG")
        parser.add_argument("number", type=int, help="Meeting number, e.g. 25")
        parser.add_argument("-o", "--output", help="Also copy the PDF to this file.")

    def handle(self, *args, committee, number, output=None, **options):
        try:
            meeting = Meeting.objects.select_related("committee").get(
                committee__code__iexact=committee, number=number
            )
        except Meeting.DoesNotExist:
            raise CommandError(f"There is no meeting {committee.upper()} {number}.") from None

        document = minutes_pdf_request(meeting=meeting, by=None, enqueue=False)
        if document.state == MinutesDocument.State.DONE:
            self.stdout.write(
                f"Unchanged since {timezone.localtime(document.rendered_at):%Y-%m-%d %H:%M}: "
                "using the stored PDF."
            )
        else:
            # A render a worker has queued is claimed here first; the worker then finds it done.
            document = render_minutes_pdf(document.pk)
        if document.state == MinutesDocument.State.FAILED:
            raise CommandError(f"The PDF could not be made: {document.error}")
        if document.state != MinutesDocument.State.DONE:
            raise CommandError("A worker is rendering these minutes right now; try again shortly.")

        self.stdout.write(
            f"{document.download_name}: {document.pages} pages, {document.size} bytes, "
            f"minutes version {document.minutes_version} ({document.minutes_status}), "
            f"sha256 {document.sha256}"
        )
        self.stdout.write(f"Stored as {document.file.path}")
        if output:
            with document.file.open("rb") as stored, open(output, "wb") as out:
                shutil.copyfileobj(stored, out)
            self.stdout.write(f"Written to {output}")
