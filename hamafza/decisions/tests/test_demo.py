import datetime

import pytest
from django.core.management import call_command
from django.db import transaction
from django.test import override_settings
from django.utils import timezone

from hamafza.accounts.models import Role, User
from hamafza.core import demo as core_demo
from hamafza.decisions import demo, services
from hamafza.decisions.models import (
    AgendaItem,
    Consultation,
    Meeting,
    MeetingKind,
    Minutes,
    Proposal,
    Resolution,
    Response,
    Vote,
)
from hamafza.persian.jalali import to_jalali


@pytest.fixture
def built(db):
    return core_demo.build(cooperatives=60, seed=4)


def _local_day(dt: datetime.datetime) -> datetime.date:
    return timezone.localtime(dt).date()


def test_it_holds_a_year_of_monthly_board_meetings_with_votes_and_resolutions(built):
    today = timezone.localdate()
    past = Meeting.objects.filter(kind=MeetingKind.BOARD, starts_at__lt=timezone.now())
    assert past.count() == 12
    months = {to_jalali(_local_day(m.starts_at)).month for m in past}
    assert len(months) == 12  # one a month
    assert min(_local_day(m.starts_at) for m in past) >= today - datetime.timedelta(days=400)
    for meeting in past:
        assert meeting.agenda.exists(), meeting
        assert meeting.state in (Meeting.State.HELD, Meeting.State.FINAL)
    assert Vote.objects.count() > 40
    assert AgendaItem.objects.filter(state=AgendaItem.State.REJECTED).exists()
    # Every resolution is dated at its meeting, and its votes were cast at the meeting.
    resolutions = Resolution.objects.select_related("meeting", "item")
    assert resolutions.count() == built.resolutions >= 15
    for r in resolutions:
        assert r.passed_on == _local_day(r.meeting.starts_at)
        assert r.item.votes_for * 2 > r.item.present_count
        assert _local_day(r.item.closed_at) == r.passed_on
        assert all(_local_day(v.cast_at) == r.passed_on for v in r.item.votes.all())
    # Voting happened only where the quorum was met; one meeting fell short of it.
    short = [m for m in past if not services.quorum(m)[2]]
    assert len(short) == 1
    assert not short[0].agenda.exclude(state=AgendaItem.State.PENDING).exists()


def test_it_holds_a_joint_session_with_the_directorate_in_cooperative_week(built):
    joint = Meeting.objects.get(kind=MeetingKind.JOINT)
    day = to_jalali(_local_day(joint.starts_at))
    assert (day.month, day.day) == (4, 12)  # 12 Tir, Cooperative Week
    assert _local_day(joint.starts_at) == demo.cooperative_week(timezone.localdate())
    assert "تکمیل زنجیره ارزش و شبکه‌سازی تعاونی‌ها" in joint.title
    directorate = User.objects.get(username="directorate")
    guest = joint.members.get(user=directorate)
    assert not guest.voting and guest.present
    assert joint.resolutions.count() >= 3
    assert all(r.number.split("/")[1] == str(joint.sequence) for r in joint.resolutions.all())
    assert joint.agenda.filter(consultation__isnull=False).exists()


def test_it_finalises_some_minutes_as_pdf_and_schedules_the_next_meeting(built):
    final = Minutes.objects.filter(finalised_at__isnull=False).select_related("meeting")
    assert final.count() == 1 + demo.FINALISED_BOARD_MINUTES
    for minutes in final:
        assert minutes.pdf and minutes.meeting.state == Meeting.State.FINAL
        assert minutes.finalised_at > minutes.meeting.starts_at
        assert minutes.pdf.open("rb").read(5) == b"%PDF-"
    assert Minutes.objects.filter(finalised_at__isnull=True).exclude(summary="").exists()
    (upcoming,) = Meeting.objects.filter(starts_at__gt=timezone.now())
    assert upcoming.state == Meeting.State.SCHEDULED
    # Its own three items (the demo cases add one more: cases raised together).
    assert upcoming.agenda.filter(cases__isnull=True).count() == 3
    on_agenda = upcoming.agenda.get(proposal__isnull=False).proposal
    assert on_agenda.state == Proposal.State.ON_AGENDA
    assert on_agenda.submitted_by.username == "coop"


def test_it_opens_and_closes_consultations_with_answers_from_their_audience(built):
    coop = User.objects.get(username="coop")
    now = timezone.now()
    kinds = set(Consultation.objects.values_list("kind", flat=True))
    assert kinds == set(Consultation.Kind.values)
    open_to_coop = [
        c
        for c in Consultation.objects.filter(opens_at__lte=now, closes_at__gt=now)
        if services.can_answer(coop, c)
        and not c.responses.filter(cooperative_id__in=coop.cooperative_ids).exists()
    ]
    assert len(open_to_coop) >= 1
    published = Consultation.objects.filter(closes_at__lt=now, outcome_published_at__isnull=False)
    assert published.exists()
    assert all(c.outcome_published_at > c.closes_at for c in published)
    assert Consultation.objects.filter(closes_at__lt=now, outcome_published_at=None).exists()
    assert Consultation.objects.filter(opens_at__gt=now).exists()  # upcoming
    for c in Consultation.objects.all():
        audience = set(services.audience_cooperatives(c).values_list("pk", flat=True))
        for r in c.responses.all():
            assert c.opens_at <= r.created_at <= min(c.closes_at, now), c
            if c.audience == Consultation.Audience.BOARD:
                assert r.board_member.has_role(Role.BOARD)
            else:
                assert r.cooperative_id in audience
                assert r.cooperative_id in r.respondent.cooperative_ids
    assert Response.objects.count() > 60


def test_it_adds_board_members_proposals_and_representatives_as_demo_users(built):
    board = services.board_users()
    assert set(board.values_list("username", flat=True)) == {
        "board",
        "board2",
        "board3",
        "board4",
        "board5",
    }
    extra = User.objects.exclude(
        username__in=["admin", "staff", "board", "directorate", "union", "coop", "coop2"]
    )
    assert extra.count() == built.users - 7 > 10
    assert all(u.is_demo for u in extra)
    assert User.objects.get(username="board3").check_password(core_demo.DEMO_PASSWORD)
    by = {p.submitted_by.username: p for p in Proposal.objects.select_related("submitted_by")}
    assert {"coop", "union", "board", "coop2"} <= set(by)
    assert by["coop"].supports.count() >= 3 and by["coop"].comments.exists()
    assert by["union"].state == Proposal.State.DECIDED
    assert by["coop2"].state == Proposal.State.DECLINED and by["coop2"].answer


def _snapshot() -> dict:
    return {
        "meetings": list(
            Meeting.objects.order_by("starts_at", "kind").values_list(
                "kind", "title", "starts_at", "sequence", "state"
            )
        ),
        "items": list(
            AgendaItem.objects.order_by("meeting__starts_at", "order").values_list(
                "title", "state", "votes_for", "votes_against", "votes_abstain"
            )
        ),
        "resolutions": sorted(Resolution.objects.values_list("number", "title", "passed_on")),
        "consultations": sorted(
            (c.title, c.opens_at, c.closes_at, c.responses.count())
            for c in Consultation.objects.all()
        ),
        "answers": sorted(
            Response.objects.values_list(
                "consultation__title", "cooperative__national_id", "stance", "created_at"
            ),
            key=str,
        ),
    }


def test_it_is_deterministic_for_a_seed(db):
    today = timezone.localdate()
    with transaction.atomic():
        core_demo.build(cooperatives=30, seed=8, today=today)
        first = _snapshot()
        transaction.set_rollback(True)
    assert not Meeting.objects.exists()
    core_demo.build(cooperatives=30, seed=8, today=today)
    again = _snapshot()
    # Dates of history come from `today` and the rng, never from the clock.
    assert again == first


def test_it_builds_once(built):
    import random

    counts = (Meeting.objects.count(), Consultation.objects.count(), User.objects.count())
    assert demo.build(random.Random(1)) == demo.Summary()
    assert (Meeting.objects.count(), Consultation.objects.count(), User.objects.count()) == counts


def test_the_command_reports_the_decisions(db, capsys):
    with override_settings(DEMO=True):
        call_command("demo_data", "--cooperatives", "30", "--seed", "2")
    out = capsys.readouterr().out
    assert "14 meetings" in out and "7 consultations" in out and "resolutions" in out
