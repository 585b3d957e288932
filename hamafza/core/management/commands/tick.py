"""`hamafza tick`: run every scheduled duty now, from cron (e.g. every ten minutes).

Each duty is a function `duty(*, now) -> int` returning how many notifications it sent, and
must be idempotent: run twice at the same moment (or by two overlapping ticks), it sends each
notification once — claim the work with a conditional UPDATE before sending, as
`decisions.services.consultation_remind_pending` does. A part adds its duty to DUTIES.
The last line printed is always `sent: N` (DESIGN.md, Contracts).
"""

import datetime
import logging

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from django.utils.module_loading import import_string

logger = logging.getLogger(__name__)

# (what it does, dotted path of `duty(*, now) -> int`), run in this order.
DUTIES: list[tuple[str, str]] = [
    ("consultation reminders", "hamafza.decisions.services.consultation_remind_pending"),
    ("action deadline reminders", "hamafza.followup.services.remind_due_soon"),
    ("overdue action notices", "hamafza.followup.services.notify_overdue"),
    ("overdue actions put before the board", "hamafza.followup.services.escalate_overdue"),
    ("case service-level warnings", "hamafza.cases.services.warn_service_levels"),
    ("resolved cases closed", "hamafza.cases.services.close_resolved"),
]


def _moment(value: str) -> datetime.datetime:
    try:
        moment = datetime.datetime.fromisoformat(value)
    except ValueError:
        raise CommandError(f"--now must be an ISO 8601 date and time, not {value!r}") from None
    return moment if timezone.is_aware(moment) else timezone.make_aware(moment)


class Command(BaseCommand):
    help = "Run every scheduled duty (reminders, deadlines, closing polls) and print `sent: N`."

    def add_arguments(self, parser):
        parser.add_argument(
            "--now",
            type=_moment,
            default=None,
            help="the moment to run at, ISO 8601 (default: the present); local time if "
            "no offset is given",
        )

    def handle(self, *args, now: datetime.datetime | None = None, **options):
        now = now or timezone.now()
        sent = 0
        failed = []
        for label, path in DUTIES:
            try:
                count = import_string(path)(now=now)
            except Exception as exc:  # one failing duty must not stop the others
                logger.exception("tick: %s failed", label)
                self.stderr.write(f"{label}: failed: {exc}")
                failed.append(label)
                continue
            self.stdout.write(f"{label}: {count}")
            sent += count
        self.stdout.write(f"sent: {sent}")
        if failed:
            raise CommandError(f"{len(failed)} duties failed: {', '.join(failed)}")
