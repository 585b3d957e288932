from pathlib import Path

from django.core.management.base import BaseCommand

from hamafza.registry.exporter import export
from hamafza.registry.models import Cooperative


class Command(BaseCommand):
    help = "Export every cooperative to an xlsx (or .csv) file with the import's columns."

    def add_arguments(self, parser):
        parser.add_argument("file")

    def handle(self, *args, file: str, **options):
        path = Path(file)
        fmt = "csv" if path.suffix.lower() == ".csv" else "xlsx"
        data = export(Cooperative.objects.all(), fmt)
        path.write_bytes(data)
        self.stdout.write(f"Exported {Cooperative.objects.count()} cooperatives to {path}")
