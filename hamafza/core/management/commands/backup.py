from pathlib import Path

from django.core.management.base import BaseCommand

from hamafza.core import backup


class Command(BaseCommand):
    help = "Write a backup (data and uploaded files) to FILE, a zip that `restore` reads."

    def add_arguments(self, parser):
        parser.add_argument("file")

    def handle(self, *args, file: str, **options):
        manifest = backup.create(Path(file))
        self.stdout.write(f"Backup written to {file} ({manifest['files']} uploaded files)")
