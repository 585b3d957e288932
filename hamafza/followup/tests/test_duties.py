"""The follow-up duties of `hamafza tick`, end to end through the command: reminders before the
due date, overdue notices, escalation to the board's next meeting — each once, by the channels
each person chose."""

import datetime
import io
import threading
from types import SimpleNamespace

import pytest
from django.core import mail
from django.core.management import call_command
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from hamafza.core import sms
from hamafza.core.models import AuditEvent, Notification, NotificationPreference
from hamafza.decisions.models import AgendaItem, Meeting, MeetingKind, Resolution
from hamafza.followup.models import Action, Organisation, Reminder
from hamafza.persian.text import to_persian_digits

MOBILE = "09151234567"


def run_tick(moment: datetime.datetime | None = None) -> list[str]:
    out = io.StringIO()
    args = ["--now", moment.isoformat()] if moment else []
    call_command("tick", *args, stdout=out, stderr=io.StringIO())
    return out.getvalue().splitlines()


def line(lines: list[str], label: str) -> int:
    """The count a duty printed (`label: N`)."""
    prefix = f"{label}: "
    return int(next(x for x in lines if x.startswith(prefix))[len(prefix) :])


@pytest.fixture
def moment():
    """Ten in the morning, Tehran time, today: the moment every tick of a test runs at."""
    return timezone.localtime().replace(hour=10, minute=0, second=0, microsecond=0)


@pytest.fixture
def fw(world, moment):
    """A resolution passed two months ago, the directorate as a responsible body with the
    directorate user as its member, and a helper to add actions."""
    staff = world.users["staff"]
    today = moment.date()
    held = Meeting.objects.create(
        kind=MeetingKind.BOARD,
        title="جلسه هیئت رئیسه گذشته",
        starts_at=moment - datetime.timedelta(days=60),
        state=Meeting.State.FINAL,
        created_by=staff,
    )
    item = AgendaItem.objects.create(meeting=held, order=1, title="بند تسهیلات")
    resolution = Resolution.objects.create(
        number="1405/ه1/1",
        item=item,
        meeting=held,
        title="پیگیری تسهیلات بانکی تعاونی‌ها",
        text="متن مصوبه",
        passed_on=today - datetime.timedelta(days=60),
    )
    directorate = Organisation.objects.create(
        name="اداره کل تعاون، کار و رفاه اجتماعی خراسان رضوی",
        kind=Organisation.Kind.DIRECTORATE,
    )
    directorate.members.add(world.users["directorate"])
    bank = Organisation.objects.create(name="بانک توسعه تعاون", kind=Organisation.Kind.OUTSIDE)

    def action(days: int, *, owner=None, responsible=None, title=None, **fields) -> Action:
        """An open action due `days` from today (negative: in the past)."""
        return Action.objects.create(
            resolution=resolution,
            title=title or f"اقدام با مهلت {days} روز",
            responsible=responsible or bank,
            owner=owner,
            due_on=today + datetime.timedelta(days=days),
            created_by=staff,
            **fields,
        )

    mail.outbox.clear()
    sms.outbox.clear()
    return SimpleNamespace(
        world=world,
        users=world.users,
        resolution=resolution,
        directorate=directorate,
        bank=bank,
        action=action,
        today=today,
    )


def board_meeting(fw, moment, *, days: int, state=Meeting.State.SCHEDULED, kind=MeetingKind.BOARD):
    return Meeting.objects.create(
        kind=kind,
        title=f"جلسه {days} روز دیگر",
        starts_at=moment + datetime.timedelta(days=days),
        state=state,
        created_by=fw.users["staff"],
    )


def choose(user, kind: str, **channels) -> None:
    NotificationPreference.objects.update_or_create(user=user, kind=kind, defaults=channels)


# --------------------------------------------------------------------------- due soon
def test_it_reminds_the_owner_once_two_days_before_the_due_date(fw, moment):
    owner = fw.users["coop"]
    action = fw.action(2, owner=owner)
    lines = run_tick(moment)
    assert line(lines, "action deadline reminders") == 1
    assert lines[-1] == "sent: 1"
    assert [m.to for m in mail.outbox] == [["coop@example.org"]]
    message = mail.outbox[0]
    assert action.title in message.subject
    url = reverse("followup:action_detail", args=[action.pk])
    assert url in message.body
    # The due date as people read it: Jalali, Persian digits.
    assert action.due_on.isoformat() not in message.body
    assert "۱۴" in message.body
    notification = Notification.objects.get(user=owner)
    assert (notification.kind, notification.url, notification.read_at) == (
        "action_due_soon",
        url,
        None,
    )
    assert sms.outbox == []  # SMS only for those who chose it
    assert Reminder.objects.filter(action=action, kind="due_soon").count() == 1

    assert run_tick(moment)[-1] == "sent: 0"
    assert run_tick(moment + datetime.timedelta(days=1))[-1] == "sent: 0"  # once per due date
    assert len(mail.outbox) == 1
    assert Notification.objects.filter(user=owner).count() == 1


def test_it_does_not_remind_early_late_or_about_finished_actions(fw, moment):
    fw.action(5, owner=fw.users["coop"])  # beyond the three-day horizon
    fw.action(1, owner=fw.users["coop"], status=Action.Status.DONE, progress=100)
    fw.action(1, owner=fw.users["coop"], status=Action.Status.CANCELLED)
    lines = run_tick(moment)
    assert line(lines, "action deadline reminders") == 0
    assert lines[-1] == "sent: 0" and mail.outbox == []


def test_it_reminds_again_when_the_due_date_moves(fw, moment):
    action = fw.action(2, owner=fw.users["coop"])
    assert run_tick(moment)[-1] == "sent: 1"
    Action.objects.filter(pk=action.pk).update(due_on=fw.today + datetime.timedelta(days=3))
    assert run_tick(moment)[-1] == "sent: 1"
    assert len(mail.outbox) == 2


def test_it_tells_the_responsible_body_and_the_owner_once_each(fw, moment):
    directorate = fw.users["directorate"]
    fw.action(2, owner=directorate, responsible=fw.directorate)  # the owner is also a member
    fw.action(3, owner=fw.users["coop"], responsible=fw.directorate)
    lines = run_tick(moment)
    assert lines[-1] == "sent: 3"
    assert sorted(m.to[0] for m in mail.outbox) == [
        "coop@example.org",
        "directorate@example.org",
        "directorate@example.org",
    ]


def test_it_sends_an_sms_only_to_those_who_chose_it_and_have_a_mobile(fw, moment):
    with_mobile, without_mobile = fw.users["coop"], fw.users["coop2"]
    with_mobile.mobile = MOBILE
    with_mobile.save()
    for user in (with_mobile, without_mobile):
        choose(user, "action_due_soon", in_app=True, email=False, sms=True)
    fw.action(2, owner=fw.users["union"])  # defaults: no SMS
    action = fw.action(2, owner=with_mobile)
    fw.action(1, owner=without_mobile)
    lines = run_tick(moment)
    assert lines[-1] == "sent: 3"  # all three reached in the app
    assert len(sms.outbox) == 1
    mobile, text = sms.outbox[0]
    assert mobile == MOBILE
    assert action.title in text and reverse("followup:action_detail", args=[action.pk]) in text
    assert [m.to for m in mail.outbox] == [["union@example.org"]]  # the two chose no e-mail
    assert run_tick(moment)[-1] == "sent: 0"
    assert len(sms.outbox) == 1


def test_it_keeps_sending_when_the_sms_gateway_fails(fw, moment, settings):
    settings.SMS_BACKEND = "hamafza.followup.tests.test_duties.BrokenGateway"
    owner = fw.users["coop"]
    owner.mobile = MOBILE
    owner.save()
    choose(owner, "action_due_soon", in_app=True, email=True, sms=True)
    fw.action(2, owner=owner)
    assert run_tick(moment)[-1] == "sent: 1"
    assert len(mail.outbox) == 1
    assert Notification.objects.filter(user=owner).count() == 1


class BrokenGateway:
    def send(self, mobile: str, text: str) -> None:
        raise OSError("gateway unreachable")


# --------------------------------------------------------------------------- overdue
def test_it_notifies_once_when_an_action_is_overdue(fw, moment):
    owner = fw.users["directorate"]
    action = fw.action(-1, owner=owner, status=Action.Status.IN_PROGRESS, progress=40)
    lines = run_tick(moment)
    assert line(lines, "overdue action notices") == 1
    assert line(lines, "overdue actions put before the board") == 0  # within the grace period
    assert lines[-1] == "sent: 1"
    assert [m.to for m in mail.outbox] == [["directorate@example.org"]]
    assert "مهلت اقدام گذشته است" in mail.outbox[0].subject
    assert Notification.objects.get(user=owner).kind == "action_overdue"
    assert run_tick(moment)[-1] == "sent: 0"
    assert run_tick(moment + datetime.timedelta(days=2))[-1] == "sent: 0"
    assert Action.objects.get(pk=action.pk).escalated_item is None


# --------------------------------------------------------------------------- escalation
def test_it_puts_an_action_overdue_past_the_grace_period_on_the_next_board_meeting_once(
    fw, moment, settings
):
    settings.HAMAFZA_ESCALATION_GRACE_DAYS = 14
    owner = fw.users["directorate"]
    late = fw.action(-20, owner=owner, responsible=fw.directorate, title="تمدید تسهیلات")
    within = fw.action(-10, owner=owner, title="اقدام هنوز در مهلت ارفاق")
    board_meeting(fw, moment, days=30)
    nearest = board_meeting(fw, moment, days=7)
    board_meeting(fw, moment, days=3, kind=MeetingKind.COMMISSION)  # not the board's
    board_meeting(fw, moment, days=2, state=Meeting.State.HELD)  # not scheduled
    AgendaItem.objects.create(meeting=nearest, order=4, title="بند موجود")

    lines = run_tick(moment)
    assert line(lines, "overdue actions put before the board") == 1
    late.refresh_from_db()
    item = late.escalated_item
    assert item is not None and item.meeting == nearest
    assert item.order == 5 and "تمدید تسهیلات" in item.title
    assert to_persian_digits(fw.resolution.number) in item.description
    assert Action.objects.get(pk=within.pk).escalated_item is None
    assert AuditEvent.objects.filter(action="followup.escalate", target_id=str(late.pk)).exists()
    escalated = Notification.objects.get(user=owner, kind="action_escalated")
    assert nearest.title in escalated.body
    # overdue notices for both, the escalation notice for one, to the same person
    assert lines[-1] == "sent: 3"

    assert run_tick(moment)[-1] == "sent: 0"
    assert run_tick(moment + datetime.timedelta(days=1))[-1] == "sent: 0"
    assert AgendaItem.objects.filter(escalated_actions=late).count() == 1
    assert nearest.agenda.count() == 2


def test_it_escalates_later_when_no_board_meeting_is_scheduled(fw, moment):
    action = fw.action(-30, owner=fw.users["directorate"])
    board_meeting(fw, moment, days=-1)  # a past one, still marked scheduled, does not count
    lines = run_tick(moment)  # nothing breaks
    assert line(lines, "overdue actions put before the board") == 0
    assert lines[-1] == "sent: 1"  # the overdue notice
    action.refresh_from_db()
    assert action.escalated_item is None
    assert not Reminder.objects.filter(action=action, kind="escalated").exists()

    meeting = board_meeting(fw, moment, days=10)
    later = moment + datetime.timedelta(days=1)
    assert line(run_tick(later), "overdue actions put before the board") == 1
    action.refresh_from_db()
    assert action.escalated_item.meeting == meeting
    assert run_tick(later)[-1] == "sent: 0"


# --------------------------------------------------------------------------- preferences
def test_it_sends_no_email_to_someone_who_turned_it_off(fw, moment):
    owner = fw.users["coop"]
    choose(owner, "action_overdue", in_app=True, email=False, sms=False)
    fw.action(-2, owner=owner)
    fw.action(2, owner=owner)  # due soon: e-mail still on for that kind
    lines = run_tick(moment)
    assert lines[-1] == "sent: 2"
    assert [m.subject for m in mail.outbox] == [mail.outbox[0].subject]
    assert "مهلت اقدام نزدیک است" in mail.outbox[0].subject
    assert set(Notification.objects.filter(user=owner).values_list("kind", flat=True)) == {
        "action_overdue",
        "action_due_soon",
    }


def test_it_sends_nothing_to_someone_who_turned_everything_off_and_does_not_count_them(fw, moment):
    silent, other = fw.users["coop"], fw.users["coop2"]
    silent.mobile = MOBILE
    silent.save()
    for kind in ("action_due_soon", "action_overdue", "action_escalated"):
        choose(silent, kind, in_app=False, email=False, sms=False)
    fw.action(2, owner=silent)
    fw.action(-20, owner=silent)
    fw.action(-2, owner=other)
    board_meeting(fw, moment, days=5)
    lines = run_tick(moment)
    assert line(lines, "overdue actions put before the board") == 0
    assert lines[-1] == "sent: 1"  # only the other person
    assert [m.to for m in mail.outbox] == [["coop2@example.org"]]
    assert sms.outbox == []
    assert not Notification.objects.filter(user=silent).exists()
    # The escalation itself still happens: the board's agenda does not depend on anyone's
    # notification choices.
    assert Action.objects.filter(owner=silent, escalated_item__isnull=False).count() == 1


# --------------------------------------------------------------------------- concurrency
@pytest.mark.django_db(transaction=True)
def test_it_sends_each_reminder_once_when_two_ticks_run_at_the_same_moment(fw, moment):
    owners = [fw.users[p] for p in ("coop", "coop2", "union", "directorate")]
    for n, owner in enumerate(owners):
        fw.action(1 + n % 3, owner=owner, title=f"نزدیک {n}")
        fw.action(-3 - n, owner=owner, title=f"معوق {n}")
    fw.action(-40, owner=owners[0], title="معوق قدیمی")
    board_meeting(fw, moment, days=6)
    barrier = threading.Barrier(2)
    results, errors = [], []

    def run():
        try:
            barrier.wait()
            results.append(run_tick(moment)[-1])
        except Exception as exc:  # reported below, not swallowed
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    total = sum(int(r.removeprefix("sent: ")) for r in results)
    # 4 due soon + 5 overdue + 1 escalation, each to one person, across both ticks
    assert total == 10
    sent = [(m.to[0], m.subject) for m in mail.outbox]
    assert len(sent) == 10 and len(set(sent)) == 10
    assert Notification.objects.count() == 10
    assert AgendaItem.objects.filter(escalated_actions__isnull=False).count() == 1
    assert run_tick(moment)[-1] == "sent: 0"
