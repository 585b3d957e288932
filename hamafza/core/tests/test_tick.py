import io
import threading
import time
from datetime import timedelta

import pytest
from django.core import mail
from django.core.management import CommandError, call_command
from django.db import connection
from django.utils import timezone

from hamafza.core.management.commands import tick
from hamafza.decisions import services
from hamafza.decisions.models import Consultation


def run_tick(*args, **options) -> list[str]:
    out = io.StringIO()
    call_command("tick", *args, stdout=out, stderr=io.StringIO(), **options)
    return out.getvalue().splitlines()


@pytest.fixture
def closing(world):
    """Three consultations closing tomorrow morning: two to remind, one already answered;
    one closing next week, not due yet."""
    staff = world.users["staff"]
    now = timezone.now()

    def create(title, audience, hours, **fields):
        return services.consultation_create(
            actor=staff,
            title=title,
            question="؟",
            kind=Consultation.Kind.PROPOSAL,
            audience=audience,
            closes_at=now + timedelta(hours=hours),
            **fields,
        )

    union = create("اعضای اتحادیه", Consultation.Audience.UNION, 12, audience_union=world.union)
    everyone = create("همه تعاونی‌ها", Consultation.Audience.ALL, 20)
    services.consultation_answer(actor=world.users["coop2"], consultation=everyone, stance="agree")
    board = create("هیئت رئیسه", Consultation.Audience.BOARD, 6)
    later = create("هفته آینده", Consultation.Audience.ALL, 24 * 7)
    return union, everyone, board, later


def test_it_reminds_those_who_have_not_answered_and_prints_sent(world, closing):
    mail.outbox.clear()
    lines = run_tick()
    # coop for the union's consultation and for everyone's (coop2 answered), board for the board's.
    assert lines[-1] == "sent: 3"
    assert "consultation reminders: 3" in lines
    assert sorted(m.to[0] for m in mail.outbox) == [
        "board@example.org",
        "coop@example.org",
        "coop@example.org",
    ]
    assert Consultation.objects.filter(reminded_at__isnull=False).count() == 3
    assert Consultation.objects.get(pk=closing[3].pk).reminded_at is None


def test_it_sends_nothing_on_a_second_run_at_the_same_moment(world, closing):
    moment = timezone.now().isoformat()
    assert run_tick("--now", moment)[-1] == "sent: 3"
    assert run_tick("--now", moment)[-1] == "sent: 0"
    assert run_tick()[-1] == "sent: 0"


def test_it_prints_sent_zero_when_nothing_is_due(world):
    assert run_tick() == [*(f"{label}: 0" for label, _path in tick.DUTIES), "sent: 0"]


def test_it_runs_at_a_given_moment(world, closing):
    # Six days from now only the consultation closing next week is within its last day.
    later = (timezone.localtime() + timedelta(days=6, hours=12)).replace(tzinfo=None)
    assert run_tick("--now", later.isoformat())[-1] == "sent: 2"  # coop and coop2
    with pytest.raises(CommandError):
        run_tick("--now", "tomorrow")


def test_it_runs_every_duty_and_reports_a_failing_one(world, closing, monkeypatch):
    calls = []

    def broken(*, now):
        raise RuntimeError("boom")

    def counted(*, now):
        calls.append(now)
        return 4

    monkeypatch.setattr("hamafza.core.tests.test_tick.broken", broken, raising=False)
    monkeypatch.setattr("hamafza.core.tests.test_tick.counted", counted, raising=False)
    monkeypatch.setattr(
        tick,
        "DUTIES",
        [
            *tick.DUTIES,
            ("broken duty", "hamafza.core.tests.test_tick.broken"),
            ("counted duty", "hamafza.core.tests.test_tick.counted"),
        ],
    )
    out, err = io.StringIO(), io.StringIO()
    with pytest.raises(CommandError, match="broken duty"):
        call_command("tick", stdout=out, stderr=err)
    lines = out.getvalue().splitlines()
    assert lines[-1] == "sent: 7"
    assert "counted duty: 4" in lines and len(calls) == 1
    assert "broken duty: failed: boom" in err.getvalue()


@pytest.mark.django_db(transaction=True)
def test_it_sends_each_reminder_once_when_two_ticks_run_at_the_same_moment(world, closing):
    mail.outbox.clear()
    moment = timezone.now().isoformat()
    barrier = threading.Barrier(2)
    finished = []

    def run():
        barrier.wait()
        try:
            # The shared in-memory SQLite of the tests refuses a second writer at once where
            # a real database waits; a refused tick is simply run again at the same moment.
            for _attempt in range(50):
                try:
                    finished.append(run_tick("--now", moment)[-1])
                    return
                except CommandError:
                    time.sleep(0.02)
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(finished) == 2
    sent = sorted((m.to[0], m.subject) for m in mail.outbox)
    assert len(sent) == 3 and len(set(sent)) == 3
    assert Consultation.objects.filter(reminded_at__isnull=False).count() == 3
