"""python manage.py import_minutes FILE [--committee OPSG] [--number 25] [--dry-run]"""

from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from imports.extract import MAX_UPLOAD_BYTES, too_large_message
from imports.parse import parse_upload
from imports.selectors import new_to_the_record, reference_data_needed
from imports.services import import_minutes


class _DryRun(Exception):
    pass


class Command(BaseCommand):
    help = (
        "Import a minutes document (.txt from a PDF, .md from Word, .docx or .pdf): prints "
        "what it read and every doubt, then writes it in one transaction (not with --dry-run)."
    )

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--committee", default="", help="The committee's code, e.g. OPSG.")
        parser.add_argument(
            "--number",
            type=int,
            default=None,
            help="The meeting's number, where the document gives none.",
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="Read and report; write nothing."
        )

    def handle(self, *args, file, committee, number, dry_run, **options):
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"{file}: no such file.")
        if path.stat().st_size > MAX_UPLOAD_BYTES:
            raise CommandError(f"{path.name}: {too_large_message(MAX_UPLOAD_BYTES)}")
        data = path.read_bytes()
        try:
            parsed = parse_upload(data, path.name, committee=committee.upper(), number=number)
        except ValueError as exc:
            raise CommandError(f"{path.name}: {exc}") from None
        counts = parsed.counts()
        self.stdout.write(", ".join(f"{name.replace('_', ' ')}: {n}" for name, n in counts.items()))
        self._doubts(parsed, every=options["verbosity"] > 1)
        new = new_to_the_record(parsed, committee or "")
        for label, names in (
            ("new people", new.people),
            ("new owners (created as organisations)", new.owners),
            ("reviewed actions not in the record (created from their rows)", new.actions),
            ("reviewed actions already in the record", new.known_actions),
            ("actions open before this meeting, not reviewed in this document", new.unreviewed),
        ):
            if names:
                self.stdout.write(f"{label}: {', '.join(names)}")
        if needed := reference_data_needed(parsed, committee):
            missing = f"Not in the record, and needed to import it: {'; '.join(needed)}."
            if not dry_run:
                raise CommandError(f"{path.name}: {missing} Add them in the admin first.")
            self.stdout.write(f"{missing} Add them in the admin before importing.")
            self.stdout.write("Dry run: nothing written.")
            return
        try:
            with transaction.atomic():
                outcome = import_minutes(
                    parsed=parsed, source=data, filename=path.name, committee=committee
                )
                if dry_run:
                    raise _DryRun
        except _DryRun:
            self.stdout.write("Dry run: nothing written.")
            return
        except ValidationError as exc:
            raise CommandError(f"{path.name}: {' '.join(exc.messages)}") from None
        if outcome.created:
            self.stdout.write(self.style.SUCCESS(f"Imported {outcome.meeting}."))
        else:
            self.stdout.write(
                f"{outcome.meeting} was imported from this file before: nothing changed."
            )

    # Lines listed per kind of doubt before "…": the review page has them all.
    LINES_SHOWN = 12

    def _doubts(self, parsed, *, every: bool) -> None:
        """Each kind of doubt once, counted, with its lines and its first
        message (every message with -v 2)."""
        groups = parsed.flag_groups()
        if not groups:
            return
        self.stdout.write(
            f"doubts: {len(parsed.flags)}, of {len(groups)} kind(s)"
            + ("" if every else " (-v 2 prints every message)")
        )
        for kind, flags in groups:
            lines = ", ".join(str(flag.line) for flag in flags[: self.LINES_SHOWN])
            more = ", …" if len(flags) > self.LINES_SHOWN else ""
            self.stdout.write(f"[{kind}] ×{len(flags)}, line(s) {lines}{more}")
            for flag in flags if every else flags[:1]:
                self.stdout.write(f"  line {flag.line}: {flag.message}")
