import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from hamafza.core import demo
from hamafza.registry.models import Cooperative


class Command(BaseCommand):
    help = "Build a believable, deterministic demo province (demo mode only)."

    def add_arguments(self, parser):
        parser.add_argument("--cooperatives", type=int, default=300)
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument(
            "--if-empty", action="store_true", help="do nothing if the registry has data"
        )

    def handle(self, *args, cooperatives: int, seed: int, if_empty: bool, **options):
        if not (settings.DEMO or settings.TESTING):
            raise CommandError("Demo data is only for demo installations: set HAMAFZA_DEMO=1.")
        if cooperatives < 1:
            raise CommandError("--cooperatives must be at least 1.")
        if if_empty and Cooperative.objects.exists():
            self.stdout.write("The registry already has data; demo data not loaded again.")
            return
        started = time.monotonic()
        summary = demo.build(cooperatives=cooperatives, seed=seed)
        self.stdout.write(
            f"Demo data: {summary.cooperatives} cooperatives, {summary.unions} unions, "
            f"{summary.persons} persons, {summary.users} users, {summary.meetings} meetings, "
            f"{summary.resolutions} resolutions, {summary.consultations} consultations, "
            f"{summary.organisations} responsible bodies, {summary.actions} actions, "
            f"{summary.cases} cases in {time.monotonic() - started:.1f}s"
        )
