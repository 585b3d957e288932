import sys
import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from hamafza.registry import importer
from hamafza.registry.spreadsheets import SpreadsheetError, read


class Command(BaseCommand):
    help = "Import cooperatives from an xlsx or csv file: all or nothing, keyed by national ID."

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument(
            "--dry-run", action="store_true", help="check and report, change nothing"
        )

    def handle(self, *args, file: str, dry_run: bool, **options):
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"No such file: {file}")
        started = time.monotonic()
        try:
            sheet = read(path.read_bytes())
        except SpreadsheetError as exc:
            raise CommandError(str(exc)) from None
        result = importer.plan(sheet) if dry_run else importer.apply(sheet, actor=None)
        for problem in result.header_problems:
            self.stderr.write(f"header: {problem}")
        for p in result.errors:
            self.stderr.write(f"row {p.row}, column {p.column}, value {p.value!r}: {p.reason}")
        for p in result.warnings:
            self.stdout.write(
                f"warning: row {p.row}, column {p.column}, value {p.value!r}: {p.reason}"
            )
        s = result.summary()
        verb = "would be" if dry_run else "were"
        if not result.ok:
            self.stderr.write(
                f"Rejected: {s['errors']} problem(s) in {s['total']} rows; nothing was changed."
            )
            sys.exit(1)
        self.stdout.write(
            f"{s['total']} rows: {s['new']} new, {s['updated']} updated, {s['unchanged']} unchanged "
            f"({verb} applied) in {time.monotonic() - started:.1f}s"
        )
