import datetime
import io
import random

import pytest
from django.conf import settings
from django.core.management import call_command
from django.test import override_settings
from django.utils import timezone

from hamafza.accounts.models import User
from hamafza.cases import demo, permissions
from hamafza.cases.models import Case, CaseSequence, Category, Event, Message, Referral
from hamafza.core import demo as core_demo
from hamafza.core.models import AuditEvent, Notification
from hamafza.decisions.models import AgendaItem, Meeting
from hamafza.followup.models import Organisation
from hamafza.registry.models import Cooperative

S = Case.State


@pytest.fixture
def built(db):
    return core_demo.build(cooperatives=40, seed=4)


def _signature() -> list[tuple]:
    return list(
        Case.objects.order_by("tracking_number").values_list(
            "tracking_number",
            "title",
            "state",
            "category__name",
            "cooperative__national_id",
            "urgency",
            "channel",
            "rating",
            "filed_by__username",
        )
    )


def _clear() -> None:
    """Remove what the cases demo built (the bodies stay: a second build reuses them)."""
    AgendaItem.objects.filter(meeting__state=Meeting.State.SCHEDULED, cases__isnull=False).delete()
    Case.objects.all().delete()  # with their events, messages, files and referrals
    CaseSequence.objects.all().delete()


def test_it_builds_a_year_of_cases_in_every_category_and_state(built):
    assert built.cases == Case.objects.count() >= 40
    assert set(Case.objects.values_list("state", flat=True)) == set(S.values)
    assert set(Case.objects.values_list("category__name", flat=True)) == set(
        Category.objects.filter(active=True).values_list("name", flat=True)
    )
    now = timezone.now()
    first = Case.objects.order_by("filed_at").first().filed_at
    assert now - datetime.timedelta(days=366) < first < now - datetime.timedelta(days=200)
    months = {(c.year, c.month) for c in Case.objects.values_list("filed_at", flat=True)}
    assert len(months) >= 9  # spread over the year
    # Every channel but the public's own, and the union filing for its members.
    channels = set(Case.objects.values_list("channel", flat=True))
    assert {Case.Channel.WEB, Case.Channel.PHONE} <= channels
    assert Case.objects.filter(union__isnull=False).exists()


def test_it_gives_both_demo_cooperatives_cases_in_several_states(built):
    for username in ("coop", "coop2"):
        user = User.objects.get(username=username)
        mine = Case.objects.filter(cooperative_id__in=user.cooperative_ids)
        assert 6 <= mine.count() <= 10, username
        states = set(mine.values_list("state", flat=True))
        assert {S.NEW, S.TRIAGED, S.RESOLVED, S.CLOSED} <= states, username
        assert len(states) >= 5
        assert mine.values("category").distinct().count() >= 4
        # They see them, and only theirs.
        assert set(permissions.cases_for(user).values_list("cooperative_id", flat=True)) == set(
            user.cooperative_ids
        )
        assert mine.filter(rating__isnull=False).exists(), username
        assert Message.objects.filter(case__in=mine, author=user).exists(), username
    union = User.objects.get(username="union")
    assert permissions.cases_for(union).exists()


def test_it_walks_the_cases_through_the_workflow_with_real_timelines(built):
    now = timezone.now()
    assert not Event.objects.filter(at__gt=now).exists()
    assert not Message.objects.filter(posted_at__gt=now).exists()
    for case in Case.objects.prefetch_related("events", "messages", "referrals"):
        events = list(case.events.all())
        assert events[0].kind == Event.Kind.FILED and events[0].at == case.filed_at
        assert [e.at for e in events] == sorted(e.at for e in events), case
        moved = [e for e in events if e.state_after]
        assert moved[-1].state_after == case.state, case
        assert case.first_response_due_at > case.filed_at
        if case.state in (S.RESOLVED, S.REJECTED, S.CLOSED):
            outcome = [e for e in events if e.kind in ("resolved", "rejected")][-1]
            assert case.resolved_at == outcome.at and case.outcome
        if case.state == S.CLOSED:
            closing = [e for e in events if e.kind in ("closed", "auto_closed")][-1]
            assert case.closed_at == closing.at
            assert case.auto_closed == (closing.kind == "auto_closed")
        if case.state != S.NEW:
            assert case.first_response_at is not None
        for message in case.messages.all():
            assert case.filed_at < message.posted_at <= now
        for referral in case.referrals.all():
            assert case.filed_at < referral.created_at <= now
    # The audit log and notifications are dated with the history, not today.
    filings = AuditEvent.objects.filter(action="cases.case_file")
    assert filings.count() == Case.objects.count()
    assert filings.filter(at__lt=now - datetime.timedelta(days=90)).exists()
    old = Notification.objects.filter(
        kind="case_filed", created_at__lt=now - datetime.timedelta(days=30)
    )
    assert old.exists() and not old.filter(read_at__isnull=True).exists()
    # The workflow's side roads happened too.
    kinds = set(Event.objects.values_list("kind", flat=True))
    assert {"auto_closed", "closed", "rated", "reopened", "agenda", "referred"} <= kinds
    assert Case.objects.filter(auto_closed=True).exists()
    assert Case.objects.filter(reopened_count__gt=0).exists()
    assert Message.objects.filter(internal=True).exists()
    assert Case.objects.filter(attachments__isnull=False).exists()


def test_it_refers_to_the_directorate_and_outside_bodies(built):
    names = set(Referral.objects.values_list("organisation__name", flat=True))
    assert {name for name, _kind in demo.BODIES.values()} <= names
    assert Organisation.objects.filter(name="صندوق بیمه کشاورزی", kind="outside").exists()
    assert built.organisations == Organisation.objects.count()
    directorate = User.objects.get(username="directorate")
    seen = permissions.cases_for(directorate)
    assert seen.exists()
    assert not seen.exclude(referrals__organisation__kind="directorate").exists()


def test_it_leaves_breaches_and_cases_near_their_targets(built):
    now = timezone.now()
    cases = list(Case.objects.all())
    assert sum(c.breached(now) for c in cases) >= 5
    assert any(c.breached(now) and c.is_open for c in cases)
    assert any(not c.breached(now) and c.state == S.CLOSED for c in cases)
    share = settings.HAMAFZA_CASE_WARN_PERCENT / 100

    def near_target(c: Case) -> bool:
        if not c.is_open or c.breached(now):
            return False
        waiting = c.first_response_at is None
        return (waiting and now >= c.filed_at + (c.first_response_due_at - c.filed_at) * share) or (
            now >= c.filed_at + (c.resolution_due_at - c.filed_at) * share
        )

    near = [c for c in cases if near_target(c)]
    assert near
    # The first `hamafza tick` warns about those, not about every old breach again.
    out = io.StringIO()
    call_command("tick", stdout=out)
    warned = Notification.objects.filter(kind="case_sla", created_at__gte=now)
    assert 0 < warned.count() <= len(near) * 2


def test_it_links_coops_case_to_a_resolution_and_puts_coop2s_on_the_next_meeting(built):
    coop, coop2 = (User.objects.get(username=u) for u in ("coop", "coop2"))
    linked = Case.objects.filter(
        cooperative_id__in=coop.cooperative_ids, agenda_items__isnull=False
    )
    case = linked.get()
    item = case.agenda_items.get()
    assert item.resolution.actions.exists()
    assert case.events.filter(kind="agenda").exists()
    upcoming = Meeting.objects.get(state=Meeting.State.SCHEDULED, starts_at__gt=timezone.now())
    together = upcoming.agenda.get(cases__cooperative_id__in=coop2.cooperative_ids)
    assert together.cases.count() >= 2
    assert len({c.title for c in together.cases.all()}) == 1  # similar cases, raised together


def test_it_is_deterministic_for_a_seed(built):
    today = timezone.localdate()
    _clear()
    summary = demo.build(random.Random(4), today=today)
    first = _signature()
    assert summary.cases == len(first) == Case.objects.count()
    _clear()
    assert demo.build(random.Random(4), today=today) == summary
    assert _signature() == first
    _clear()
    demo.build(random.Random(5), today=today)
    assert _signature() != first


def test_it_builds_once(built):
    assert demo.build(random.Random(4)) == demo.Summary()
    assert Case.objects.count() == built.cases


def test_the_command_still_loads_once_with_if_empty(db, capsys):
    with override_settings(DEMO=True):
        call_command("demo_data", "--cooperatives", "20", "--seed", "2", "--if-empty")
        count = Case.objects.count()
        call_command("demo_data", "--cooperatives", "20", "--seed", "2", "--if-empty")
    assert count > 0 and Case.objects.count() == count
    assert Cooperative.objects.count() == 20
    out = capsys.readouterr().out
    assert f"{count} cases" in out and "not loaded again" in out
