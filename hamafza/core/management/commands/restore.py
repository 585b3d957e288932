import datetime
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from hamafza.core import backup


class Command(BaseCommand):
    help = (
        "Replace all data with the backup in FILE. The current data is first saved to "
        "var/backups/pre-restore-<time>.zip, so a mistaken restore can be undone."
    )

    def add_arguments(self, parser):
        parser.add_argument("file")

    def handle(self, *args, file: str, **options):
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"No such file: {file}")
        safety_dir = Path(settings.PROJECT_DIR) / "var" / "backups"
        safety_dir.mkdir(parents=True, exist_ok=True)
        stamp = datetime.datetime.now().strftime("%Y%m%d-%H%M%S")
        safety = safety_dir / f"pre-restore-{stamp}.zip"
        backup.create(safety)
        try:
            manifest = backup.restore(path)
        except backup.BackupError as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(
            f"Restored {file} (made {manifest['created']} on {manifest['database']}); "
            f"the data it replaced is in {safety}"
        )
